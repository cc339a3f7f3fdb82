/* judge.c: the judging step - forecast horizon, hits before raising,
 * flood control, reminders and the next backup's verdict - as data-driven
 * rules in one place (pure; see judge.h). */
#include "judge.h"

#include "vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ forecast */

int vg_judge_forecast(const vg_probe_t *p, const vg_facts_t *facts,
                      const vg_eval_params_t *ep, int64_t horizon_ms,
                      vg_finding_t *f) {
  const vg_forecast_t *fc = ep->forecast;
  vg_finding_t w;
  if (p->forecast_warn == NULL || f->status >= VG_ST_WARN ||
      f->status == VG_ST_NA || fc == NULL || !fc->valid || fc->eta_ms <= 0 ||
      horizon_ms <= 0 || fc->eta_ms - ep->now_ms > horizon_ms)
    return 0;
  w = *f;
  if (!p->forecast_warn(facts, ep, &w)) return 0;
  w.status = VG_ST_WARN;
  *f = w;
  return 1;
}

/* ----------------------------------------------------------- explained */

int vg_judge_explained(vg_finding_t *f, const char *explainer_id,
                       vg_status_t explainer_status) {
  size_t n;
  if (f->explained_by[0] == '\0' || explainer_status < VG_ST_WARN ||
      strcmp(f->explained_by, explainer_id) != 0 || f->status < VG_ST_UNKNOWN ||
      strstr(f->summary, "explained by ") != NULL)
    return 0;
  if (f->status == VG_ST_CRIT) f->status = VG_ST_WARN;
  n = strlen(f->summary);
  snprintf(f->summary + n, sizeof(f->summary) - n,
           " - explained by %s (%s): fix that first", explainer_id,
           vg_status_name(explainer_status));
  snprintf(f->remedy, sizeof(f->remedy),
           "Fix %s first; this clears with it (vigil explain %s).",
           explainer_id, explainer_id);
  f->npredicts = 0;
  return 1;
}

/* --------------------------------------------------------------- state */

int vg_judge_init(vg_judge_t *j, const vg_probe_t *const *probes, size_t n,
                  const vg_settings_t *s) {
  memset(j, 0, sizeof(*j));
  j->p = calloc(n ? n : 1, sizeof(*j->p));
  if (j->p == NULL) return VG_ENOMEM;
  j->probes = probes;
  j->n = n;
  j->raise_hits = s->raise_hits > 0 ? (unsigned)s->raise_hits : 1;
  j->reminder_ms = s->reminder_interval_ms;
  if (vg_alerts_init(&j->alerts, n, s->flap_window_ms, (unsigned)s->flap_max) !=
          0 &&
      vg_alerts_init(&j->alerts, n, 0, 1) != 0) {
    free(j->p);
    j->p = NULL;
    return VG_ENOMEM;
  }
  return 0;
}

void vg_judge_free(vg_judge_t *j) {
  vg_alerts_free(&j->alerts);
  free(j->p);
  memset(j, 0, sizeof(*j));
}

int vg_judge_confirm(vg_judge_t *j, size_t idx, int has_cur, vg_status_t cur,
                     const vg_finding_t *f) {
  vg_judge_probe_t *jp;
  if (idx >= j->n) return 1;
  jp = &j->p[idx];
  if (!has_cur || f->status <= cur || j->raise_hits <= 1) {
    jp->hits = 0;
    return 1;
  }
  /* A worse status must be seen raise_hits times in a row; a different
   * worse status starts the count again. */
  if (jp->hits == 0 || jp->pending != f->status) {
    jp->pending = f->status;
    jp->hits = 1;
  } else {
    jp->hits++;
  }
  if (jp->hits < j->raise_hits) return 0;
  jp->hits = 0;
  return 1;
}

int vg_judge_alert(vg_judge_t *j, size_t idx, vg_status_t old_status,
                   int64_t old_since_ms, const vg_finding_t *f, int64_t now_ms,
                   vg_alert_t *out) {
  int due;
  if (idx >= j->n) return 0;
  due = vg_alerts_change(&j->alerts, idx, j->probes[idx]->id, old_status,
                         old_since_ms, f, now_ms, out);
  out->number = j->probes[idx]->number;
  if (due) j->p[idx].announced_ms = now_ms;
  return due;
}

int vg_judge_settle(vg_judge_t *j, size_t idx, const vg_finding_t *f,
                    int64_t now_ms, vg_alert_t *out) {
  int due;
  if (idx >= j->n) return 0;
  due = vg_alerts_settle(&j->alerts, idx, j->probes[idx]->id, f, now_ms, out);
  out->number = j->probes[idx]->number;
  if (due) j->p[idx].announced_ms = now_ms;
  return due;
}

int64_t vg_judge_next_settle(const vg_judge_t *j, int64_t now_ms) {
  return vg_alerts_next_settle(&j->alerts, now_ms);
}

int vg_judge_remind(vg_judge_t *j, size_t idx, const vg_finding_t *f,
                    int64_t since_ms, int64_t now_ms, vg_alert_t *out) {
  vg_judge_probe_t *jp;
  memset(out, 0, sizeof(*out));
  if (idx >= j->n || j->reminder_ms <= 0 || f->status < VG_ST_WARN) return 0;
  jp = &j->p[idx];
  if (jp->announced_ms < since_ms) jp->announced_ms = since_ms;
  if (now_ms - jp->announced_ms < j->reminder_ms || j->alerts.p[idx].holding)
    return 0;
  jp->announced_ms = now_ms;
  out->kind = VG_ALERT_REMINDER;
  out->probe_id = j->probes[idx]->id;
  out->number = j->probes[idx]->number;
  out->status = f->status;
  out->old_status = f->status;
  out->finding = f;
  out->span_ms = now_ms - since_ms;
  return 1;
}

/* ------------------------------------------------------------- verdict */

static const char *const verdict_names[] = {"unknown", "ready", "at_risk",
                                            "will_fail"};

const char *vg_verdict_name(vg_verdict_t v) {
  return (unsigned)v < VG_ARRAY_SIZE(verdict_names) ? verdict_names[v]
                                                    : "unknown";
}

int vg_verdict_parse(const char *name, vg_verdict_t *out) {
  size_t i;
  for (i = 0; name && i < VG_ARRAY_SIZE(verdict_names); i++)
    if (strcmp(name, verdict_names[i]) == 0) {
      *out = (vg_verdict_t)i;
      return 0;
    }
  return VG_EINVAL;
}

/* What one probe does to the backup at at_ms. */
static vg_verdict_t verdict_of(const vg_verdict_in_t *in, int64_t at_ms) {
  if (in->probe->scope != VG_SCOPE_BACKUP) return VG_VERDICT_READY;
  if (!in->has_finding) return VG_VERDICT_AT_RISK;
  switch (in->status) {
  case VG_ST_CRIT: return VG_VERDICT_WILL_FAIL;
  case VG_ST_WARN:
  case VG_ST_UNKNOWN:
    /* A warning whose trend reaches crit before the backup fails it. */
    if (in->forecast && in->forecast->valid && in->forecast->eta_ms > 0 &&
        in->forecast->eta_ms <= at_ms)
      return VG_VERDICT_WILL_FAIL;
    return VG_VERDICT_AT_RISK;
  case VG_ST_OK:
    if (in->forecast && in->forecast->valid && in->forecast->eta_ms > 0 &&
        in->forecast->eta_ms <= at_ms)
      return VG_VERDICT_WILL_FAIL;
    return VG_VERDICT_READY;
  case VG_ST_NA: break;
  }
  return VG_VERDICT_READY;
}

vg_verdict_t vg_judge_verdict(const vg_verdict_in_t *in, size_t n,
                              int64_t at_ms, size_t *blocking,
                              size_t *nblocking) {
  vg_verdict_t worst = VG_VERDICT_READY, v;
  size_t i, k = 0;
  int pass;
  /* Two passes: the probes that make it fail first, then those that put
   * it at risk. */
  for (i = 0; i < n; i++) {
    v = verdict_of(&in[i], at_ms);
    if (v > worst) worst = v;
  }
  for (pass = 0; pass < 2; pass++)
    for (i = 0; i < n && k < VG_BLOCKING_MAX; i++) {
      v = verdict_of(&in[i], at_ms);
      if ((pass == 0 && v == VG_VERDICT_WILL_FAIL) ||
          (pass == 1 && v == VG_VERDICT_AT_RISK))
        blocking[k++] = i;
    }
  *nblocking = k;
  return worst;
}
