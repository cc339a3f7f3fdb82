/* report_view.c: readiness and overall status of a report view, and a
 * view filled from report items or read back from report JSON. */
#include "report_view.h"

#include "timefmt.h"
#include "vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* unknown ranks above ok and below warn (interface.md), as vg_status_t
 * orders them. */
static vg_status_t view_worst(const vg_report_view_t *v, int scope) {
  vg_status_t worst = VG_ST_NA;
  size_t i;
  for (i = 0; i < v->nprobes; i++) {
    const vg_view_probe_t *p = &v->probes[i];
    vg_status_t st = p->finding ? p->finding->status : VG_ST_UNKNOWN;
    if (scope >= 0 && p->scope != (vg_scope_t)scope) continue;
    if (st > worst) worst = st;
  }
  return worst;
}

vg_status_t vg_view_readiness(const vg_report_view_t *v, vg_scope_t scope) {
  return view_worst(v, (int)scope);
}

vg_status_t vg_view_overall(const vg_report_view_t *v) {
  vg_status_t st = view_worst(v, -1);
  return st == VG_ST_NA ? VG_ST_OK : st;
}

void vg_view_from_items(const vg_report_item_t *items, size_t n,
                        vg_view_probe_t *out) {
  size_t i;
  for (i = 0; i < n; i++) {
    const vg_probe_t *def = vg_probe_find(items[i].id);
    memset(&out[i], 0, sizeof(out[i]));
    out[i].id = items[i].id;
    out[i].number = def ? def->number : 0;
    out[i].scope = def ? def->scope : VG_SCOPE_BACKUP;
    out[i].finding = items[i].finding;
    out[i].facts = items[i].facts;
    out[i].checked_ms = items[i].checked_ms;
    out[i].since_ms = items[i].since_ms;
    out[i].forecast = items[i].forecast;
    out[i].th = def ? &def->th : NULL;
  }
}

/* ------------------------------------------------------------ JSON */

static int64_t json_time(const vg_json_t *obj, const char *key) {
  const char *s = vg_json_get_str(obj, key);
  int64_t ms;
  return s && vg_parse_since(s, 0, &ms) == 0 ? ms : 0;
}

static const char *str_or(const char *s) { return s ? s : ""; }

static int json_scope(const char *s, vg_scope_t *out) {
  static const vg_scope_t all[] = {VG_SCOPE_BACKUP, VG_SCOPE_RESTORE,
                                   VG_SCOPE_MONITORING};
  size_t i;
  for (i = 0; s && i < VG_ARRAY_SIZE(all); i++)
    if (strcmp(s, vg_scope_name(all[i])) == 0) {
      *out = all[i];
      return 0;
    }
  return VG_EINVAL;
}

/* One probes[] item into slot k; 0 when usable. */
static int json_probe(vg_view_json_t *v, size_t k, const vg_json_t *it) {
  vg_view_probe_t *p = &v->probes[k];
  vg_finding_t *f = &v->findings[k];
  const char *id = vg_json_get_str(it, "id");
  const char *st = vg_json_get_str(it, "status");
  const vg_json_t *pred = vg_json_get(it, "predicts");
  const vg_json_t *facts = vg_json_get(it, "facts");
  const vg_json_t *fc = vg_json_get(it, "forecast");
  const vg_probe_t *def;
  int64_t num;
  size_t i;
  memset(p, 0, sizeof(*p));
  memset(f, 0, sizeof(*f));
  if (id == NULL || st == NULL || vg_status_parse(st, &f->status) != 0)
    return VG_EINVAL;
  def = vg_probe_find(id);
  p->id = id;
  p->finding = f;
  p->number = def ? def->number : 0;
  p->scope = def ? def->scope : VG_SCOPE_BACKUP;
  p->th = def ? &def->th : NULL;
  if (vg_json_int(vg_json_get(it, "number"), &num) == 0 && num > 0 &&
      num < 1000)
    p->number = (unsigned)num;
  json_scope(vg_json_get_str(it, "scope"), &p->scope);
  vg_strlcpy(f->summary, str_or(vg_json_get_str(it, "summary")),
             sizeof(f->summary));
  vg_strlcpy(f->remedy, str_or(vg_json_get_str(it, "remedy")),
             sizeof(f->remedy));
  for (i = 0; vg_json_type(pred) == VG_JSON_ARRAY && i < vg_json_len(pred); i++)
    if (vg_json_str(vg_json_at(pred, i)))
      vg_finding_predict(f, vg_json_str(vg_json_at(pred, i)));
  p->since_ms = json_time(it, "since");
  p->checked_ms = json_time(it, "checked_at");
  if (vg_json_type(facts) == VG_JSON_OBJECT &&
      vg_facts_from_json(&v->facts[k], facts) == 0)
    p->facts = &v->facts[k];
  if (vg_json_type(fc) == VG_JSON_OBJECT) {
    vg_forecast_t *out = &v->forecasts[k];
    memset(out, 0, sizeof(*out));
    out->eta_ms = json_time(fc, "eta");
    out->valid = out->eta_ms > 0;
    if (out->valid) p->forecast = out;
  }
  return 0;
}

int vg_view_from_json(const vg_json_t *report, vg_view_json_t *out, char *err,
                      size_t errsz) {
  const vg_json_t *probes = vg_json_get(report, "probes");
  const vg_json_t *nb = vg_json_get(report, "next_backup");
  const vg_json_t *agent = vg_json_get(report, "agent");
  const vg_json_t *lb = vg_json_get(report, "last_backup"), *bl;
  size_t n, i, k = 0;
  int64_t dropped;
  memset(out, 0, sizeof(*out));
  if (vg_json_type(report) != VG_JSON_OBJECT ||
      vg_json_type(probes) != VG_JSON_ARRAY) {
    snprintf(err, errsz, "not a Vigil report (no probes array)");
    return VG_EINVAL;
  }
  n = vg_json_len(probes);
  if (n > VG_VIEW_MAX_PROBES) {
    snprintf(err, errsz, "report lists %zu probes, more than %d", n,
             VG_VIEW_MAX_PROBES);
    return VG_ETOOBIG;
  }
  out->probes = calloc(n ? n : 1, sizeof(*out->probes));
  out->findings = calloc(n ? n : 1, sizeof(*out->findings));
  out->facts = calloc(n ? n : 1, sizeof(*out->facts));
  out->forecasts = calloc(n ? n : 1, sizeof(*out->forecasts));
  if (!out->probes || !out->findings || !out->facts || !out->forecasts) {
    vg_view_json_free(out);
    snprintf(err, errsz, "out of memory");
    return VG_ENOMEM;
  }
  out->n = n;
  for (i = 0; i < n; i++)
    vg_facts_init(&out->facts[i]);
  for (i = 0; i < n; i++)
    if (json_probe(out, k, vg_json_at(probes, i)) == 0) k++;
  out->view.probes = out->probes;
  out->view.nprobes = k;
  out->view.host = vg_json_get_str(report, "host");
  out->view.version = vg_json_get_str(report, "version");
  out->view.now_ms = json_time(report, "generated_at");
  if (vg_json_type(nb) == VG_JSON_OBJECT) {
    out->view.next_backup.at_ms = json_time(nb, "at");
    out->view.next_backup.task = vg_json_get_str(nb, "task");
    out->view.next_backup.verdict = vg_json_get_str(nb, "verdict");
    bl = vg_json_get(nb, "blocking");
    for (i = 0; i < vg_json_len(bl) && i < VG_VIEW_BLOCKING_MAX; i++)
      if (vg_json_str(vg_json_at(bl, i)))
        out->view.next_backup.blocking[out->view.next_backup.nblocking++] =
            vg_json_str(vg_json_at(bl, i));
  }
  if (vg_json_type(lb) == VG_JSON_OBJECT) {
    out->view.last_backup.at_ms = json_time(lb, "at");
    out->view.last_backup.outcome = vg_json_get_str(lb, "outcome");
    out->view.last_backup.verdict_before =
        vg_json_get_str(lb, "verdict_before");
  }
  if (vg_json_type(agent) == VG_JSON_OBJECT) {
    out->view.store = vg_json_get_str(agent, "store");
    if (vg_json_int(vg_json_get(agent, "dropped_records"), &dropped) == 0 &&
        dropped > 0)
      out->view.dropped_records = (uint64_t)dropped;
  }
  return 0;
}

void vg_view_json_free(vg_view_json_t *v) {
  size_t i;
  for (i = 0; v->facts && i < v->n; i++)
    vg_facts_reset(&v->facts[i]);
  free(v->probes);
  free(v->findings);
  free(v->facts);
  free(v->forecasts);
  memset(v, 0, sizeof(*v));
}
