/* report_view.h: the findings as the exporters read them (Prometheus
 * textfile, Nagios lines): plain pointers into the caller's state, filled
 * from the agent's report items (core/report.h) and the probe table. */
#ifndef VG_REPORT_VIEW_H
#define VG_REPORT_VIEW_H

#include "facts.h"
#include "json.h"
#include "probe.h"
#include "report.h"
#include "trend.h"

#include <stddef.h>
#include <stdint.h>

/* One probe: vg_report_item_t plus the probe's number and scope. */
typedef struct vg_view_probe_s {
  const char *id;
  unsigned number; /* interface.md "Probe ids" */
  vg_scope_t scope;
  const vg_finding_t *finding;   /* status, summary, remedy; never NULL */
  const vg_facts_t *facts;       /* NULL: not collected yet */
  int64_t checked_ms;            /* 0 = never */
  int64_t since_ms;              /* the current status began (0 = unknown) */
  const vg_forecast_t *forecast; /* NULL: no trend */
  const vg_thresholds_t *th;     /* after config; NULL: the probe's default */
} vg_view_probe_t;

#define VG_VIEW_BLOCKING_MAX 32

/* The scheduled backup ahead (interface.md "next_backup"). */
typedef struct vg_view_backup_s {
  int64_t at_ms;       /* 0: no schedule known (the metrics are left out) */
  const char *task;    /* "\\Microsoft\\OnlineBackup\\..." or NULL */
  const char *verdict; /* "ready", "at_risk", "will_fail", "unknown" */
  const char *blocking[VG_VIEW_BLOCKING_MAX]; /* probe ids */
  size_t nblocking;
} vg_view_backup_t;

/* The last backup's outcome (interface.md "last_backup"). */
typedef struct vg_view_last_backup_s {
  int64_t at_ms;              /* 0: none known */
  const char *outcome;        /* success, warnings, failed, missed */
  const char *verdict_before; /* what Vigil had said; NULL: nothing */
} vg_view_last_backup_t;

typedef struct vg_report_view_s {
  const char *host;    /* NULL: left out */
  const char *version; /* NULL: VG_VERSION */
  int64_t now_ms;      /* when the view was taken */
  const vg_view_probe_t *probes;
  size_t nprobes;
  vg_view_backup_t next_backup;
  vg_view_last_backup_t last_backup;
  /* The agent's own health (interface.md "agent"): store "ok", "failing",
   * ... or NULL when there is no store (vigil check); records dropped
   * since start. */
  const char *store;
  uint64_t dropped_records;
} vg_report_view_t;

/* Worst status among the view's probes of one scope, n/a ignored (the
 * contract's backup_readiness / restore_readiness); VG_ST_NA when no probe
 * of that scope applies. Pure. */
vg_status_t vg_view_readiness(const vg_report_view_t *v, vg_scope_t scope);
/* Worst status of all probes, n/a ignored (report "overall"); VG_ST_OK
 * when every probe is n/a or there is none. Pure. */
vg_status_t vg_view_overall(const vg_report_view_t *v);

/* Fills out[0..n) from the agent's report items (core/report.h; what
 * vg_agent_report builds): number, scope and default thresholds from the
 * probe table (vg_probe_find; 0 / backup for an id it does not know).
 * Pointers into items' data; nothing allocated. Pure. */
void vg_view_from_items(const vg_report_item_t *items, size_t n,
                        vg_view_probe_t *out);

/* The most probes a view read back from JSON may hold. */
#define VG_VIEW_MAX_PROBES 256

/* A view read back from a report JSON object (interface.md "Report JSON":
 * `vigil status --nagios` and `vigil metrics` through the service). It
 * owns its findings, facts and forecasts; strings point into the parsed
 * document, which must outlive it. */
typedef struct vg_view_json_s {
  vg_report_view_t view;
  vg_view_probe_t *probes;
  vg_finding_t *findings;
  vg_facts_t *facts;
  vg_forecast_t *forecasts;
  size_t n;
} vg_view_json_t;

/* Reads report (the object `status --json` prints) into out: host,
 * version, generated_at, probes[] (id, status, summary, remedy, predicts,
 * since, checked_at, facts, forecast.eta, scope and number when present,
 * else from the probe table), next_backup {at, task, verdict, blocking},
 * last_backup {at, outcome, verdict_before} and agent {store,
 * dropped_records} when present. A probe without an id or with an
 * unknown status is skipped. Returns 0, VG_EINVAL (not a report object) or
 * VG_ETOOBIG (more than VG_VIEW_MAX_PROBES probes) with err set, or
 * VG_ENOMEM. out is always safe to free. Any thread. */
int vg_view_from_json(const vg_json_t *report, vg_view_json_t *out, char *err,
                      size_t errsz);
void vg_view_json_free(vg_view_json_t *v);

#endif /* VG_REPORT_VIEW_H */
