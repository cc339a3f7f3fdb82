/* report.c: facts, findings and reports as JSON. */
#include "report.h"

#include "forecast.h"
#include "vg.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void vg_facts_write(vg_jw_t *w, const vg_facts_t *f) {
  size_t i;
  vg_jw_obj_begin(w);
  for (i = 0; i < f->n; i++) {
    const vg_fact_t *it = &f->items[i];
    vg_jw_key(w, it->key);
    switch (it->type) {
    case VG_FACT_NULL: vg_jw_null(w); break;
    case VG_FACT_INT: vg_jw_int(w, it->v.i); break;
    case VG_FACT_DOUBLE: vg_jw_double(w, it->v.d); break;
    case VG_FACT_BOOL: vg_jw_bool(w, it->v.b); break;
    case VG_FACT_STR: vg_jw_str(w, it->v.s); break;
    }
  }
  if (f->err) {
    vg_jw_key(w, "error");
    vg_jw_str(w, f->error);
  }
  vg_jw_obj_end(w);
}

char *vg_facts_json(const vg_facts_t *f) {
  vg_jw_t w;
  vg_jw_init(&w);
  vg_facts_write(&w, f);
  return vg_jw_steal(&w, NULL);
}

int vg_facts_from_json(vg_facts_t *f, const vg_json_t *obj) {
  size_t i, n;
  vg_facts_reset(f);
  if (vg_json_type(obj) != VG_JSON_OBJECT) return VG_EINVAL;
  n = vg_json_len(obj);
  for (i = 0; i < n; i++) {
    const char *k = vg_json_key_at(obj, i);
    const vg_json_t *v = vg_json_at(obj, i);
    int64_t iv;
    double d;
    int b;
    if (strcmp(k, "error") == 0 && vg_json_str(v)) {
      f->err = VG_EIO;
      vg_strlcpy(f->error, vg_json_str(v), sizeof(f->error));
      continue;
    }
    switch (vg_json_type(v)) {
    case VG_JSON_NULL: vg_facts_set_null(f, k); break;
    case VG_JSON_BOOL:
      vg_json_bool(v, &b);
      vg_facts_set_bool(f, k, b);
      break;
    case VG_JSON_NUMBER:
      if (vg_json_int(v, &iv) == 0)
        vg_facts_set_int(f, k, iv);
      else if (vg_json_num(v, &d) == 0)
        vg_facts_set_double(f, k, d);
      break;
    case VG_JSON_STRING: vg_facts_set_str(f, k, vg_json_str(v)); break;
    default: break; /* nested values are not facts */
    }
  }
  return 0;
}

void vg_predicts_write(vg_jw_t *w, const vg_finding_t *f) {
  unsigned i;
  vg_jw_arr_begin(w);
  for (i = 0; i < f->npredicts; i++)
    vg_jw_str(w, f->predicts[i]);
  vg_jw_arr_end(w);
}

char *vg_predicts_json(const vg_finding_t *f) {
  vg_jw_t w;
  vg_jw_init(&w);
  vg_predicts_write(&w, f);
  return vg_jw_steal(&w, NULL);
}

vg_status_t vg_report_overall(const vg_report_item_t *items, size_t n) {
  vg_status_t worst = VG_ST_NA;
  size_t i;
  for (i = 0; i < n; i++)
    if (items[i].finding->status > worst) worst = items[i].finding->status;
  return worst == VG_ST_NA && n > 0 ? VG_ST_OK : worst;
}

vg_status_t vg_report_readiness(const vg_report_item_t *items, size_t n,
                                vg_scope_t scope) {
  vg_status_t worst = VG_ST_NA;
  size_t i, k = 0;
  for (i = 0; i < n; i++) {
    if (items[i].probe == NULL || items[i].probe->scope != scope) continue;
    k++;
    if (items[i].finding->status > worst) worst = items[i].finding->status;
  }
  (void)k;
  return worst; /* n/a when nothing of that scope applies here */
}

void vg_report_write(vg_jw_t *w, const vg_report_head_t *h,
                     const vg_report_item_t *items, size_t n) {
  char t[40];
  size_t i;
  vg_jw_kstr(w, "version", VG_VERSION);
  vg_jw_kstr(w, "host", h->host);
  vg_jw_kstr(w, "host_fqdn", h->host_fqdn ? h->host_fqdn : h->host);
  if (h->now_ms) /* 0: the caller writes it (a cached report) */
    vg_jw_kstr(w, "generated_at", vg_iso8601(h->now_ms, t, sizeof(t)));
  vg_jw_kstr(w, "overall", vg_status_name(vg_report_overall(items, n)));
  vg_jw_kstr(w, "backup_readiness",
             vg_status_name(vg_report_readiness(items, n, VG_SCOPE_BACKUP)));
  vg_jw_kstr(w, "restore_readiness",
             vg_status_name(vg_report_readiness(items, n, VG_SCOPE_RESTORE)));
  vg_jw_key(w, "probes");
  vg_jw_arr_begin(w);
  for (i = 0; i < n; i++) {
    const vg_report_item_t *it = &items[i];
    vg_jw_obj_begin(w);
    vg_jw_kstr(w, "id", it->id);
    if (it->probe) {
      vg_jw_kstr(w, "scope", vg_scope_name(it->probe->scope));
      vg_jw_kint(w, "number", it->probe->number);
    }
    vg_jw_kstr(w, "status", vg_status_name(it->finding->status));
    vg_jw_kstr(w, "summary", it->finding->summary);
    vg_jw_kstr(w, "since", vg_iso8601(it->since_ms, t, sizeof(t)));
    vg_jw_key(w, "checked_at");
    if (it->checked_ms)
      vg_jw_str(w, vg_iso8601(it->checked_ms, t, sizeof(t)));
    else
      vg_jw_null(w);
    vg_jw_kint(w, "checks", (int64_t)it->checks);
    vg_jw_key(w, "predicts");
    vg_predicts_write(w, it->finding);
    vg_jw_kstr(w, "remedy", it->finding->remedy);
    vg_jw_key(w, "facts");
    if (it->facts)
      vg_facts_write(w, it->facts);
    else {
      vg_jw_obj_begin(w);
      vg_jw_obj_end(w);
    }
    if (it->forecast && it->forecast->valid && it->forecast->eta_ms) {
      vg_jw_key(w, "forecast");
      vg_jw_obj_begin(w);
      vg_jw_kstr(w, "threshold", "crit");
      vg_jw_kstr(w, "eta", vg_iso8601(it->forecast->eta_ms, t, sizeof(t)));
      vg_jw_kdouble(w, "slope_per_hour", it->forecast->slope_per_h);
      vg_jw_kint(w, "points", (int64_t)it->forecast->points);
      vg_jw_obj_end(w);
    }
    vg_jw_obj_end(w);
  }
  vg_jw_arr_end(w);
}
