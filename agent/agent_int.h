/* agent_int.h: the runtime's state, shared by agent.c and preflight.c
 * only (not part of the agent's interface). Loop thread. */
#ifndef VG_AGENT_INT_H
#define VG_AGENT_INT_H

#include "agent.h"
#include "buf.h"
#include "workers.h"

#include <uv.h>

/* Backup-aware state: the next scheduled backup, its pre-flight sweep and
 * the last outcome matched to a verdict. */
typedef struct vg_preflight_s {
  int64_t next_ms;         /* next scheduled backup, unix ms; 0 = none known */
  char task[400];          /* its task path */
  char source[16];         /* "task" (NextRunTime) or "triggers" (computed) */
  int64_t swept_for_ms;    /* scheduled time the last sweep was for */
  int64_t preflight_ms;    /* when that sweep finished; 0 = not yet */
  int sweeping;            /* a sweep waits for its probes */
  int64_t sweep_start_ms;  /* wall time the sweep began */
  uint64_t sweep_deadline; /* mono ms by which it finishes regardless */
  uv_timer_t timer;        /* next sweep, or the sweep's deadline */
  /* The newest backup whose outcome is known. */
  int64_t last_ms;
  char last_outcome[16];
  char last_verdict[16];
} vg_preflight_t;

typedef struct vg_job_s {
  vg_work_t work;
  vg_agent_t *a;
  size_t idx;
  vg_facts_t facts;
  int rc;
  uint64_t t0;
} vg_job_t;

struct vg_agent_s {
  uv_loop_t *loop;
  vg_agent_opts_t opts;
  vg_clock_t clock;
  const vg_os_t *os;
  const vg_settings_t *set;
  char host[256];
  char host_fqdn[512]; /* "" when not known */
  vg_sched_t sched;
  vg_judge_t judge;
  vg_probe_rt_t *rt;
  size_t n;
  uv_timer_t tick, settle;
  size_t inflight;
  vg_workers_t workers; /* the threads collections run on */
  vg_job_t **jobs;      /* per probe: its collection out, or NULL */
  int workers_closed;
  int cycle_done;
  int stopping;
  int abandoned;
  int closing_handles;
  int handles_closed; /* the stop finished; abandoned workers may return */
  vg_preflight_t pf;  /* backup-aware state (preflight.c) */
  /* The status answer's members, kept between requests (agent.c):
   * "generated_at":"<20 chars>",<report>,"agent":{...}. The report part
   * is rendered once per change, the timestamp patched in place once a
   * second, the agent part rendered again when one of its values moved. */
  vg_buf_t answer;          /* data NULL: not built yet */
  size_t answer_report_end; /* where the agent part starts */
  int64_t answer_sec;       /* the second generated_at shows */
  int tail_valid;           /* the agent part shows these values: */
  char tail_store[16];
  uint64_t tail_dropped, tail_pending, tail_stuck;
  const vg_config_t *tail_cfg;
  int trends_seeded;   /* the trends hold the recorded history */
  int report_dirty;    /* findings or backup state changed since */
  int report_cache_on; /* 0: render every request (tests compare) */
  void (*done)(vg_agent_t *a, void *ud);
  void *done_ud;
};

/* preflight.c: called by agent.c (loop thread). */
void vg__preflight_init(vg_agent_t *a);
void vg__preflight_close(vg_agent_t *a, uv_close_cb cb);
/* After probe idx got a finding (task.schedule and mars.jobs drive it;
 * during a sweep every backup-scope probe counts). */
void vg__preflight_on_apply(vg_agent_t *a, size_t idx);
/* Writes "next_backup" and "last_backup" into the open report object. */
void vg__preflight_report(vg_agent_t *a, vg_jw_t *w);

#endif /* VG_AGENT_INT_H */
