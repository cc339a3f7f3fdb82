/* agent.h: the running agent - probes on the threadpool, evaluation,
 * state changes, the store and the query server, all on one libuv loop. */
#ifndef VG_AGENT_H
#define VG_AGENT_H

#include "config.h"
#include "facts.h"
#include "forecast.h"
#include "json.h"
#include "probe.h"
#include "scheduler.h"
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
  int dirty;          /* state not yet written to the store */
  int64_t last_duration_ms;
  vg_trend_t *trend;     /* probes with a trend function only */
  vg_forecast_t forecast; /* from the last evaluation */
} vg_probe_rt_t;

struct vg_agent_s;

/* Called on the loop thread for each status change (the Event Log writer
 * and console output subscribe here). old_status is VG_ST_NA for the first
 * evaluation after start when no state was stored. */
typedef void (*vg_change_fn)(struct vg_agent_s *a, const vg_probe_rt_t *rt,
                             vg_status_t old_status, int64_t old_since_ms,
                             void *ud);

typedef enum {
  VG_AGENT_DAEMON = 0, /* runs until stopped: store, server */
  VG_AGENT_ONCE = 1    /* runs the selected probes once, then stops */
} vg_agent_mode_t;

typedef struct vg_agent_s vg_agent_t;

typedef struct vg_agent_opts_s {
  vg_agent_mode_t mode;
  const char *home;      /* data folder (database, vigil.ini) */
  const char *pipe_name; /* NULL: no query server */
  const vg_os_t *os;     /* NULL: vg_os_default() */
  const vg_clock_t *clock; /* NULL: the real clocks */
  const char *const *only; /* ONCE mode: probe ids (NULL = all) */
  size_t nonly;
  vg_change_fn on_change;
  void *on_change_ud;
  uint32_t seed; /* jitter seed; 0 = from time */
} vg_agent_opts_t;

/* Creates the agent on loop: loads vigil.ini from home, opens the store
 * (daemon mode), binds the query server. Config warnings and a store note
 * are available through vg_agent_notes(). Returns 0 or a VG_E* code with err
 * filled with one line saying what is wrong and what to do. */
int vg_agent_start(vg_agent_t **out, uv_loop_t *loop,
                   const vg_agent_opts_t *opts, char *err, size_t errsz);

/* Begins an orderly stop: no new collections, server closed, pending
 * records flushed, store closed once every worker has returned or after
 * grace_ms (workers still running are abandoned: their results are
 * dropped). done is called on the loop thread when all handles are closed;
 * the agent's memory is released after it returns. */
void vg_agent_stop(vg_agent_t *a, uint64_t grace_ms,
                   void (*done)(vg_agent_t *a, void *ud), void *ud);

/* Notes gathered at start (config warnings, store notes): count and text. */
size_t vg_agent_notes(const vg_agent_t *a, const char *const **notes);

/* Loop-thread accessors used by the protocol and the CLI. */
size_t vg_agent_nprobes(const vg_agent_t *a);
const vg_probe_rt_t *vg_agent_probe(const vg_agent_t *a, size_t i);
vg_store_t *vg_agent_store(vg_agent_t *a);
const vg_config_t *vg_agent_config(const vg_agent_t *a);
int64_t vg_agent_now(const vg_agent_t *a);
/* Makes the named probe (or all when id is NULL) due now. Returns the
 * number scheduled, or VG_ENOENT for an unknown id. */
int vg_agent_run_now(vg_agent_t *a, const char *id);
/* Writes the report object (interface.md) into an open JSON object. */
void vg_agent_report(vg_agent_t *a, vg_jw_t *w);
/* Flushes pending records to the store now (tests, shutdown). */
int vg_agent_flush(vg_agent_t *a);
/* Pending records not yet in the store. */
size_t vg_agent_pending(const vg_agent_t *a);
/* Whether every selected probe has a finding (ONCE mode). */
int vg_agent_complete(const vg_agent_t *a);

#endif /* VG_AGENT_H */
