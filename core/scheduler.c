/* scheduler.c: intervals with jitter, back-off and deadlines. */
#include "scheduler.h"

#include "vg.h"

#include <stdlib.h>
#include <string.h>

int vg_sched_init(vg_sched_t *s, size_t n, uint32_t seed) {
  memset(s, 0, sizeof(*s));
  s->entries = calloc(n ? n : 1, sizeof(*s->entries));
  if (s->entries == NULL) return VG_ENOMEM;
  s->n = n;
  s->rng = seed ? seed : 0x9E3779B9u;
  s->max_backoff_ms = 3600u * 1000u;
  s->jitter = 10;
  return 0;
}

void vg_sched_free(vg_sched_t *s) {
  free(s->entries);
  s->entries = NULL;
  s->n = 0;
}

static uint32_t sched_rand(vg_sched_t *s) {
  uint32_t x = s->rng;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return s->rng = x;
}

/* Uniform in [0, span]. */
static uint64_t sched_uniform(vg_sched_t *s, uint64_t span) {
  if (span == 0) return 0;
  return ((uint64_t)sched_rand(s) << 32 | sched_rand(s)) % (span + 1);
}

/* interval +- jitter percent. */
static uint64_t sched_jittered(vg_sched_t *s, uint64_t interval) {
  uint64_t j = interval * (uint64_t)s->jitter / 100;
  return interval - j + sched_uniform(s, 2 * j);
}

void vg_sched_setup(vg_sched_t *s, size_t i, const vg_probe_t *p,
                    uint64_t interval_ms, uint64_t deadline_ms, int enabled,
                    uint64_t now_ms) {
  vg_sched_entry_t *e = &s->entries[i];
  void *data = e->data;
  memset(e, 0, sizeof(*e));
  e->data = data;
  e->probe = p;
  e->interval_ms = interval_ms ? interval_ms : 1;
  e->deadline_ms = deadline_ms ? deadline_ms : 1;
  e->enabled = enabled;
  /* The first collection starts at once, so the first answer is measured
   * as soon as possible; later runs are spread by the interval's jitter. */
  e->next_due_ms = now_ms;
}

/* How early entry e may start to join others (half its jitter). */
static uint64_t sched_slack(const vg_sched_t *s, const vg_sched_entry_t *e) {
  uint64_t slack = e->interval_ms * (uint64_t)s->jitter / 200;
  return slack < VG_SCHED_COALESCE_MS ? slack : VG_SCHED_COALESCE_MS;
}

void vg_sched_tick(vg_sched_t *s, uint64_t now_ms, vg_sched_cb start,
                   vg_sched_cb overdue, void *ud) {
  size_t i;
  int due = 0;
  /* Early starts only join a collection that is due anyway. */
  for (i = 0; i < s->n && !due; i++)
    due = s->entries[i].enabled && !s->entries[i].busy &&
          now_ms >= s->entries[i].next_due_ms;
  for (i = 0; i < s->n; i++) {
    vg_sched_entry_t *e = &s->entries[i];
    if (!e->enabled) continue;
    if (e->busy) {
      if (!e->overdue && now_ms >= e->started_ms + e->deadline_ms) {
        e->overdue = 1;
        if (overdue) overdue(e, ud);
      }
      continue;
    }
    if (now_ms >= e->next_due_ms ||
        (due && e->next_due_ms - now_ms <= sched_slack(s, e))) {
      e->busy = 1;
      e->overdue = 0;
      e->started_ms = now_ms;
      e->runs++;
      if (start) start(e, ud);
    }
  }
}

/* The next run of e, at want (already within interval +- jitter of
 * now): moved onto another entry's next run when one falls within that
 * same window, so collections that ran together keep running together
 * (one wake-up and one write for the group, cycle after cycle) while each
 * still runs every interval +- jitter. */
static uint64_t sched_join(const vg_sched_t *s, const vg_sched_entry_t *e,
                           uint64_t want, uint64_t now_ms) {
  uint64_t j = e->interval_ms * (uint64_t)s->jitter / 100;
  uint64_t lo = now_ms + e->interval_ms - j, hi = now_ms + e->interval_ms + j;
  uint64_t best = want, dist = UINT64_MAX;
  size_t i;
  for (i = 0; i < s->n; i++) {
    const vg_sched_entry_t *o = &s->entries[i];
    uint64_t at = o->next_due_ms, d;
    if (o == e || !o->enabled || o->busy || at < lo || at > hi) continue;
    d = at > want ? at - want : want - at;
    if (d < dist) {
      dist = d;
      best = at;
    }
  }
  return best;
}

void vg_sched_done(vg_sched_t *s, vg_sched_entry_t *e, int ok,
                   uint64_t now_ms) {
  uint64_t cap = s->max_backoff_ms;
  e->busy = 0;
  if (ok && !e->overdue) {
    e->failures = 0;
    e->backoff_ms = 0;
    e->next_due_ms =
        sched_join(s, e, now_ms + sched_jittered(s, e->interval_ms), now_ms);
  } else {
    e->failures++;
    if (cap < e->interval_ms) cap = e->interval_ms;
    e->backoff_ms = e->backoff_ms ? e->backoff_ms * 2 : e->interval_ms * 2;
    if (e->backoff_ms > cap) e->backoff_ms = cap;
    e->next_due_ms = now_ms + e->backoff_ms;
  }
  e->overdue = 0;
  e->checks++;
  if (e->rerun) {
    e->rerun = 0;
    e->next_due_ms = now_ms;
  }
}

uint64_t vg_sched_run_now(vg_sched_t *s, vg_sched_entry_t *e,
                          uint64_t now_ms) {
  (void)s;
  if (!e->enabled) return 0;
  if (e->busy) {
    e->rerun = 1;
    return e->checks + 2;
  }
  e->next_due_ms = now_ms;
  return e->checks + 1;
}

uint64_t vg_sched_next_wake(const vg_sched_t *s, uint64_t now_ms) {
  uint64_t best = UINT64_MAX, at;
  size_t i;
  for (i = 0; i < s->n; i++) {
    const vg_sched_entry_t *e = &s->entries[i];
    if (!e->enabled) continue;
    if (e->busy) {
      if (e->overdue) continue;
      at = e->started_ms + e->deadline_ms;
    } else {
      at = e->next_due_ms;
    }
    if (at < best) best = at;
  }
  if (best == UINT64_MAX) return best;
  return best > now_ms ? best - now_ms : 0;
}

size_t vg_sched_busy(const vg_sched_t *s) {
  size_t i, n = 0;
  for (i = 0; i < s->n; i++)
    n += s->entries[i].busy != 0;
  return n;
}
