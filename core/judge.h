/* judge.h: the one judging step after a probe's evaluate (architecture.md
 * "Layers"): the forecast horizon, "hits before raising", flood control and
 * reminders of the Event Log, and the verdict on the next scheduled backup.
 * Pure: no clock (times are arguments), no OS, no I/O; loop thread. The
 * store, the Event Log, the pipe and the exporters consume what it decides;
 * none re-derives it. */
#ifndef VG_JUDGE_H
#define VG_JUDGE_H

#include "alerts.h"
#include "probe.h"
#include "settings.h"

#include <stddef.h>
#include <stdint.h>

/* ---- forecast horizon */

/* When f is better than warn and the probe's trend (ep->forecast) reaches
 * its crit level within horizon_ms of ep->now_ms, the finding becomes a
 * warning in the probe's own words (p->forecast_warn). Returns 1 when it
 * changed f. */
int vg_judge_forecast(const vg_probe_t *p, const vg_facts_t *facts,
                      const vg_eval_params_t *ep, int64_t horizon_ms,
                      vg_finding_t *f);

/* ---- explained by another probe */

/* A finding that names the probe explaining it (f->explained_by) while
 * that probe (explainer_id) is warn or crit (explainer_status): a crit is
 * reported one level lower (warn), and unknown/warn/crit alike lose their
 * own fix - the remedy points at the explaining probe. Returns 1 when it changed
 * f. */
int vg_judge_explained(vg_finding_t *f, const char *explainer_id,
                       vg_status_t explainer_status);

/* ---- per-probe judging state */

typedef struct vg_judge_probe_s {
  unsigned hits;        /* consecutive findings worse than the raised one */
  vg_status_t pending;  /* the worse status being confirmed */
  int64_t announced_ms; /* last event for its current status (reminders) */
} vg_judge_probe_t;

typedef struct vg_judge_s {
  vg_judge_probe_t *p;
  const vg_probe_t *const *probes; /* probe of each index */
  size_t n;
  unsigned raise_hits; /* 1 = raise at once */
  int64_t reminder_ms; /* 0 = no reminders */
  vg_alerts_t alerts;  /* flood control */
} vg_judge_t;

/* Prepares state for n probes (probes[i] is index i). Returns 0 or
 * VG_ENOMEM. */
int vg_judge_init(vg_judge_t *j, const vg_probe_t *const *probes, size_t n,
                  const vg_settings_t *s);
void vg_judge_free(vg_judge_t *j);

/* Hits before raising: whether the new finding f of probe idx replaces the
 * current status cur (has_cur 0: no finding yet, always applied). A finding
 * better than or equal to cur is applied at once; a worse one only after
 * raise_hits consecutive worse findings. Returns 1 to apply, 0 to keep the
 * current finding for now. */
int vg_judge_confirm(vg_judge_t *j, size_t idx, int has_cur, vg_status_t cur,
                     const vg_finding_t *f);

/* A status change of probe idx (old_status since old_since_ms -> f) at
 * now_ms: returns 1 with *out filled when the Event Log should report it
 * (flood control may hold it), else 0. out->number is the probe's. */
int vg_judge_alert(vg_judge_t *j, size_t idx, vg_status_t old_status,
                   int64_t old_since_ms, const vg_finding_t *f, int64_t now_ms,
                   vg_alert_t *out);

/* A held (flapping) probe stable for a window: returns 1 with a SETTLED
 * alert for its current finding f. */
int vg_judge_settle(vg_judge_t *j, size_t idx, const vg_finding_t *f,
                    int64_t now_ms, vg_alert_t *out);

/* Milliseconds from now_ms until the earliest held probe may settle, or -1
 * when none is held. */
int64_t vg_judge_next_settle(const vg_judge_t *j, int64_t now_ms);

/* A probe still warn/crit (f, since since_ms) and not announced for
 * reminder_ms: returns 1 with a reminder alert (kind as its raise) and
 * marks it announced at now_ms. */
int vg_judge_remind(vg_judge_t *j, size_t idx, const vg_finding_t *f,
                    int64_t since_ms, int64_t now_ms, vg_alert_t *out);

/* ---- the next scheduled backup */

typedef enum {
  VG_VERDICT_UNKNOWN = 0,
  VG_VERDICT_READY,
  VG_VERDICT_AT_RISK,
  VG_VERDICT_WILL_FAIL
} vg_verdict_t;

const char *vg_verdict_name(vg_verdict_t v);
int vg_verdict_parse(const char *name, vg_verdict_t *out);

/* One probe as the verdict sees it. */
typedef struct vg_verdict_in_s {
  const vg_probe_t *probe;
  int has_finding;
  vg_status_t status;
  const vg_forecast_t *forecast; /* NULL: no trend */
} vg_verdict_in_t;

#define VG_BLOCKING_MAX 32

/* The verdict for a backup at at_ms: will_fail when a backup-scope probe
 * is crit or is forecast to reach crit by at_ms; at_risk for warn or
 * unknown (not yet checked counts as unknown); ready otherwise. blocking
 * gets the indexes (into in) of the probes that decide it, worst first.
 * Returns the verdict. */
vg_verdict_t vg_judge_verdict(const vg_verdict_in_t *in, size_t n,
                              int64_t at_ms, size_t *blocking,
                              size_t *nblocking);

#endif /* VG_JUDGE_H */
