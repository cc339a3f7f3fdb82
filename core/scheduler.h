/* scheduler.h: when each probe runs. Pure bookkeeping driven by a clock the
 * caller passes in (tests use a fake one); the agent turns it into libuv
 * timers and threadpool work. Loop thread only. */
#ifndef VG_SCHEDULER_H
#define VG_SCHEDULER_H

#include "probe.h"

#include <stddef.h>
#include <stdint.h>

typedef struct vg_sched_entry_s {
  const vg_probe_t *probe;
  uint64_t interval_ms;
  uint64_t deadline_ms;
  uint64_t backoff_ms; /* current wait after failures, 0 when healthy */
  uint64_t next_due_ms;
  uint64_t started_ms;
  int enabled;
  int busy;          /* a collection is on a worker */
  int overdue;       /* the busy collection passed its deadline */
  unsigned failures; /* consecutive */
  uint64_t runs;
  uint64_t checks; /* collections finished (failed ones too) */
  int rerun;       /* asked to run while busy: due again when done */
  void *data; /* owner's per-probe data */
} vg_sched_entry_t;

#define VG_SCHED_COALESCE_MS 2000

typedef void (*vg_sched_cb)(vg_sched_entry_t *e, void *ud);

typedef struct vg_sched_s {
  vg_sched_entry_t *entries;
  size_t n;
  uint64_t max_backoff_ms;
  uint32_t rng; /* xorshift state for jitter */
  int jitter;   /* percent of the interval, each way */
} vg_sched_t;

/* Allocates n entries. Returns 0 or VG_ENOMEM. */
int vg_sched_init(vg_sched_t *s, size_t n, uint32_t seed);
void vg_sched_free(vg_sched_t *s);

/* Configures entry i; its first run is due now (issue 17: the first
 * answer is measured as soon as possible). */
void vg_sched_setup(vg_sched_t *s, size_t i, const vg_probe_t *p,
                    uint64_t interval_ms, uint64_t deadline_ms, int enabled,
                    uint64_t now_ms);

/* Starts every due, idle, enabled entry (start is called with busy already
 * set) and reports each busy entry that just passed its deadline (overdue is
 * called once per collection). An entry due within half its jitter (at
 * most VG_SCHED_COALESCE_MS) from now starts with them: collections that
 * fall close together share one wake-up of the loop and one write of
 * their records instead of one each. */
void vg_sched_tick(vg_sched_t *s, uint64_t now_ms, vg_sched_cb start,
                   vg_sched_cb overdue, void *ud);

/* Records the end of entry e's collection. ok = 0 on failure. The next run
 * is one interval (with jitter) away after a success - at the next run of
 * another entry when one falls within that window, so that collections
 * keep running in groups; after failures the wait doubles from the
 * interval up to max_backoff_ms. */
void vg_sched_done(vg_sched_t *s, vg_sched_entry_t *e, int ok, uint64_t now_ms);

/* Makes e due now; while it is busy, due again as soon as the collection
 * under way is done (that one started before the request). Returns the
 * value e->checks reaches when a collection started after this call is
 * done, or 0 when e is disabled. */
uint64_t vg_sched_run_now(vg_sched_t *s, vg_sched_entry_t *e, uint64_t now_ms);

/* Milliseconds from now until the next start or deadline; UINT64_MAX when
 * nothing is scheduled. */
uint64_t vg_sched_next_wake(const vg_sched_t *s, uint64_t now_ms);

/* Number of entries busy on a worker. */
size_t vg_sched_busy(const vg_sched_t *s);

#endif /* VG_SCHEDULER_H */
