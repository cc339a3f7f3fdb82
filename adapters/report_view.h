/* report_view.h: the findings as the exporters read them (Prometheus
 * textfile, Nagios lines): plain pointers into the caller's state, filled
 * from the agent's report items (core/report.h) and the probe table. */
#ifndef VG_REPORT_VIEW_H
#define VG_REPORT_VIEW_H

#include "facts.h"
#include "probe.h"
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

/* The scheduled backup ahead (interface.md "next_backup"). */
typedef struct vg_view_backup_s {
  int64_t at_ms;       /* 0: no schedule known (the metrics are left out) */
  const char *task;    /* "\\Microsoft\\OnlineBackup\\..." or NULL */
  const char *verdict; /* "ready", "at_risk", "will_fail", "unknown" */
} vg_view_backup_t;

typedef struct vg_report_view_s {
  const char *host;    /* NULL: left out */
  const char *version; /* NULL: VG_VERSION */
  int64_t now_ms;      /* when the view was taken */
  const vg_view_probe_t *probes;
  size_t nprobes;
  vg_view_backup_t next_backup;
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

#endif /* VG_REPORT_VIEW_H */
