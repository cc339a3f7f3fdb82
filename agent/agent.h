/* agent.h: the agent runtime - schedule, collect on workers, evaluate,
 * judge, and hand each judged change to its sink - on one libuv loop. The
 * composition root (service/) wires it to the config, the recorder, the
 * query server and the Event Log. */
#ifndef VG_AGENT_H
#define VG_AGENT_H

#include "config.h"
#include "facts.h"
#include "forecast.h"
#include "judge.h"
#include "json.h"
#include "probe.h"
#include "recorder.h"
#include "report_view.h"
#include "scheduler.h"
#include "settings.h"
#include "store.h"

#include <uv.h>

#include <stdint.h>

/* Replaceable time source (tests use a fake one). */
typedef struct vg_clock_s {
  uint64_t (*mono_ms)(void *ud); /* monotonic, for scheduling */
  int64_t (*wall_ms)(void *ud);  /* unix time, for records */
  void *ud;
} vg_clock_t;

/* Per-probe runtime state (loop thread). */
typedef struct vg_probe_rt_s {
  const vg_probe_t *probe;
  vg_finding_t finding;
  vg_facts_t facts;
  vg_facts_t memo; /* see vg_eval_params_t.memo */
  int has_finding;
  int64_t since_ms;   /* wall time the current status began */
  int64_t checked_ms; /* wall time of the last evaluation, 0 = never */
  int64_t last_duration_ms;
  vg_trend_t *trend;      /* probes with a trend function only */
  vg_forecast_t forecast; /* from the last evaluation */
  /* Resolved once at start from the config. */
  int enabled;
  vg_probe_ctx_t ctx;
  int64_t horizon_ms;
} vg_probe_rt_t;

typedef struct vg_agent_s vg_agent_t;

/* A judged status change: old_status (since old_since_ms) -> rt->finding.
 * alert is what the Event Log should report, or NULL (no report for this
 * transition, or held by flood control). old_status is VG_ST_NA for the
 * first evaluation after start when no state was stored. */
typedef struct vg_judged_s {
  const vg_probe_rt_t *rt;
  size_t idx;
  vg_status_t old_status;
  int64_t old_since_ms;
  const vg_alert_t *alert;
} vg_judged_t;

/* A pre-flight verdict for one scheduled backup (events 110-112): written
 * once per scheduled backup, also across restarts. */
typedef struct vg_preflight_ev_s {
  int64_t at_ms;    /* the scheduled backup */
  const char *task; /* its task path */
  vg_verdict_t verdict;
  int64_t lead_ms; /* how long before the backup the sweep ran */
  const vg_probe_rt_t *blocking[VG_BLOCKING_MAX]; /* worst first */
  size_t nblocking;
} vg_preflight_ev_t;

/* A scheduled backup's outcome against the verdict given for it (event
 * 113). */
typedef struct vg_outcome_ev_s {
  int64_t at_ms;
  const char *task;
  const char *outcome;    /* success, warnings, failed, missed */
  const char *verdict;    /* the verdict given at its pre-flight sweep */
  const char *blocking;   /* probe ids then, comma-separated */
  const char *assessment; /* "predicted", "false alarm", ... (score.h) */
} vg_outcome_ev_t;

/* Where the runtime hands its results (loop thread). Each may be NULL. */
typedef struct vg_agent_sink_s {
  /* A probe's status changed (after the judge). */
  void (*change)(void *ud, vg_agent_t *a, const vg_judged_t *c);
  /* An alert not tied to a change: a flapping probe settled, a reminder. */
  void (*alert)(void *ud, vg_agent_t *a, const vg_alert_t *al);
  /* Every selected probe has a finding (once per run, after the first
   * complete cycle). */
  void (*cycle)(void *ud, vg_agent_t *a);
  /* The pre-flight verdict of a scheduled backup, once. */
  void (*preflight)(void *ud, vg_agent_t *a, const vg_preflight_ev_t *ev);
  /* A backup's outcome matched to its verdict, once. */
  void (*outcome)(void *ud, vg_agent_t *a, const vg_outcome_ev_t *ev);
  /* Probe idx has a new finding (every evaluation, changed or not). */
  void (*evaluated)(void *ud, vg_agent_t *a, size_t idx);
  void *ud;
} vg_agent_sink_t;

typedef enum {
  VG_AGENT_DAEMON = 0, /* runs until stopped */
  VG_AGENT_ONCE = 1    /* runs the selected probes once, then stops */
} vg_agent_mode_t;

typedef struct vg_agent_opts_s {
  vg_agent_mode_t mode;
  const vg_config_t *cfg;        /* required; outlives the agent */
  const vg_settings_t *settings; /* required; outlives the agent */
  const vg_os_t *os;             /* NULL: vg_os_default() */
  const vg_clock_t *clock;       /* NULL: the real clocks */
  const char *const *only;       /* ONCE mode: probe ids (NULL = all) */
  size_t nonly;
  vg_store_t *store;       /* NULL: no stored state to resume from */
  vg_recorder_t *recorder; /* NULL: nothing recorded */
  vg_agent_sink_t sink;
  uint32_t seed; /* jitter seed; 0 = from time */
} vg_agent_opts_t;

/* Creates the runtime on loop: resolves every probe's settings, resumes
 * stored states and trends (when a store is given) and starts the first
 * collections. Returns 0 or a VG_E* code with err filled with one line
 * saying what is wrong and what to do. */
int vg_agent_start(vg_agent_t **out, uv_loop_t *loop,
                   const vg_agent_opts_t *opts, char *err, size_t errsz);

/* Begins an orderly stop: no new collections; done runs on the loop thread
 * once every worker has returned or after grace_ms (workers still running
 * are abandoned: their results are dropped) and the runtime's handles are
 * closed; the runtime's memory is released after it returns. */
void vg_agent_stop(vg_agent_t *a, uint64_t grace_ms,
                   void (*done)(vg_agent_t *a, void *ud), void *ud);

/* Applies a new configuration (the settings struct given at start has
 * already been refilled by the caller): per-probe settings, intervals,
 * enabled probes, judge settings. cfg must outlive the agent or the next
 * reconfigure. Returns 0, or VG_EBUSY while collections are in flight
 * (workers read the old configuration; try again shortly). */
int vg_agent_reconfigure(vg_agent_t *a, const vg_config_t *cfg);

/* Loop-thread accessors. */
size_t vg_agent_nprobes(const vg_agent_t *a);
const vg_probe_rt_t *vg_agent_probe(const vg_agent_t *a, size_t i);
int64_t vg_agent_now(const vg_agent_t *a);
const char *vg_agent_host(const vg_agent_t *a);
/* Makes the named probe (or all when id is NULL) due now; one that is
 * collecting runs again as soon as that collection is done. Returns the
 * number scheduled, or VG_ENOENT for an unknown id. checks (may be NULL;
 * for a named probe): the report's "checks" for it once a collection
 * started after this call is done. */
int vg_agent_run_now(vg_agent_t *a, const char *id, uint64_t *checks);
/* Writes the report object's members (interface.md) into an open object.
 * The findings part is rendered once per change and reused (issue 17). */
void vg_agent_report(vg_agent_t *a, vg_jw_t *w);
/* on 0: render the whole report on every request (tests compare the cached
 * answer with a fresh one). */
void vg_agent_report_cache(vg_agent_t *a, int on);
/* Fills v with the current findings of the enabled probes for the
 * exporters (probes[0..max) is the storage; strings point into the agent
 * and stay valid until its next evaluation). Returns the probe count. */
size_t vg_agent_view(vg_agent_t *a, vg_report_view_t *v,
                     vg_view_probe_t *probes, size_t max);

/* Whether every selected probe has a finding from this run. */
int vg_agent_complete(const vg_agent_t *a);
/* The next scheduled backup as known now: 0 when none, else its time with
 * task, source ("task"/"triggers") and the live verdict with blocking
 * probe indexes. */
int64_t vg_agent_next_backup(vg_agent_t *a, const char **task,
                             const char **source, vg_verdict_t *verdict,
                             size_t *blocking, size_t *nblocking);

/* Workers not yet returned (a hung collect counts until it returns). */
size_t vg_agent_inflight(const vg_agent_t *a);

#endif /* VG_AGENT_H */
