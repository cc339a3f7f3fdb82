/* test_scheduler.c: intervals, jitter bounds, back-off, deadlines and no
 * overlap, driven by a fake clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "scheduler.h"

#include <string.h>

static vg_probe_t probe_a = {
    .id = "test.a", .title = "A", .interval_s = 60, .deadline_s = 10};
static vg_probe_t probe_b = {
    .id = "test.b", .title = "B", .interval_s = 300, .deadline_s = 30};

typedef struct rec_s {
  int starts[2];
  int overdue[2];
} rec_t;

static void on_start(vg_sched_entry_t *e, void *ud) {
  rec_t *r = ud;
  r->starts[e->probe == &probe_b]++;
}

static void on_overdue(vg_sched_entry_t *e, void *ud) {
  rec_t *r = ud;
  r->overdue[e->probe == &probe_b]++;
}

static void setup2(vg_sched_t *s, uint64_t now) {
  assert_int_equal(vg_sched_init(s, 2, 42), 0);
  vg_sched_setup(s, 0, &probe_a, 60000, 10000, 1, now);
  vg_sched_setup(s, 1, &probe_b, 300000, 30000, 1, now);
}

static void first_run_within_small_jitter(void **st) {
  vg_sched_t s;
  rec_t r;
  (void)st;
  memset(&r, 0, sizeof(r));
  setup2(&s, 1000);
  /* First runs are spread over at most min(interval/10, 2 s). */
  assert_true(s.entries[0].next_due_ms >= 1000);
  assert_true(s.entries[0].next_due_ms <= 1000 + 2000);
  vg_sched_tick(&s, 3000, on_start, on_overdue, &r);
  assert_int_equal(r.starts[0], 1);
  assert_int_equal(r.starts[1], 1);
  vg_sched_free(&s);
}

static void interval_with_jitter_bounds(void **st) {
  vg_sched_t s;
  rec_t r;
  uint64_t now = 0, lo = UINT64_MAX, hi = 0;
  int i;
  (void)st;
  memset(&r, 0, sizeof(r));
  setup2(&s, 0);
  for (i = 0; i < 500; i++) {
    uint64_t gap;
    vg_sched_tick(&s, now + 5000, on_start, on_overdue, &r);
    now += 5000;
    vg_sched_done(&s, &s.entries[0], 1, now);
    gap = s.entries[0].next_due_ms - now;
    if (gap < lo) lo = gap;
    if (gap > hi) hi = gap;
    now = s.entries[0].next_due_ms;
  }
  /* 60 s +- 10 %, and the jitter really varies. */
  assert_true(lo >= 54000);
  assert_true(hi <= 66000);
  assert_true(hi - lo > 6000);
  vg_sched_free(&s);
}

static void failure_backs_off_and_resets(void **st) {
  vg_sched_t s;
  rec_t r;
  vg_sched_entry_t *e;
  uint64_t now = 0;
  uint64_t expect[] = {120000,  240000,  480000, 960000,
                       1920000, 3600000, 3600000};
  size_t i;
  (void)st;
  memset(&r, 0, sizeof(r));
  setup2(&s, 0);
  e = &s.entries[0];
  for (i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
    now = e->next_due_ms;
    vg_sched_tick(&s, now, on_start, on_overdue, &r);
    assert_true(e->busy);
    vg_sched_done(&s, e, 0, now);
    assert_int_equal(e->next_due_ms - now, expect[i]); /* doubles, capped */
  }
  assert_int_equal(e->failures, 7);
  now = e->next_due_ms;
  vg_sched_tick(&s, now, on_start, on_overdue, &r);
  vg_sched_done(&s, e, 1, now);
  assert_int_equal(e->failures, 0);
  assert_int_equal(e->backoff_ms, 0);
  assert_true(e->next_due_ms - now <= 66000); /* back to the interval */
  vg_sched_free(&s);
}

static void deadline_reports_once_and_never_overlaps(void **st) {
  vg_sched_t s;
  rec_t r;
  vg_sched_entry_t *e;
  uint64_t t0;
  (void)st;
  memset(&r, 0, sizeof(r));
  setup2(&s, 0);
  e = &s.entries[0];
  t0 = e->next_due_ms;
  vg_sched_tick(&s, t0, on_start, on_overdue, &r);
  assert_int_equal(r.starts[0], 1);
  assert_int_equal(vg_sched_next_wake(&s, t0) <= 10000, 1);
  vg_sched_tick(&s, t0 + 9999, on_start, on_overdue, &r);
  assert_int_equal(r.overdue[0], 0);
  vg_sched_tick(&s, t0 + 10000, on_start, on_overdue, &r);
  assert_int_equal(r.overdue[0], 1);
  /* Hours later the worker is still stuck: no second start, no second
   * report. */
  vg_sched_tick(&s, t0 + 3600000, on_start, on_overdue, &r);
  vg_sched_tick(&s, t0 + 7200000, on_start, on_overdue, &r);
  assert_int_equal(r.starts[0], 1);
  assert_int_equal(r.overdue[0], 1);
  assert_true(e->busy);
  assert_true(vg_sched_busy(&s) >= 1);
  /* When it returns, it counts as a failure: back-off. */
  vg_sched_done(&s, e, 1, t0 + 7200000);
  assert_int_equal(e->failures, 1);
  assert_int_equal(e->next_due_ms, t0 + 7200000 + 120000);
  vg_sched_free(&s);
}

static void run_now_and_disabled(void **st) {
  vg_sched_t s;
  rec_t r;
  (void)st;
  memset(&r, 0, sizeof(r));
  assert_int_equal(vg_sched_init(&s, 2, 7), 0);
  vg_sched_setup(&s, 0, &probe_a, 60000, 10000, 1, 0);
  vg_sched_setup(&s, 1, &probe_b, 300000, 30000, 0, 0);
  vg_sched_tick(&s, 5000, on_start, on_overdue, &r);
  vg_sched_done(&s, &s.entries[0], 1, 5000);
  assert_int_equal(r.starts[1], 0); /* disabled never runs */
  assert_int_equal(s.entries[0].checks, 1);
  assert_int_equal(vg_sched_run_now(&s, &s.entries[1], 6000), 0); /* off */
  /* Idle: due now, and the next collection done is the one asked for. */
  assert_int_equal(vg_sched_run_now(&s, &s.entries[0], 6000), 2);
  assert_int_equal(vg_sched_next_wake(&s, 6000), 0);
  vg_sched_tick(&s, 6000, on_start, on_overdue, &r);
  assert_int_equal(r.starts[0], 2);
  /* Busy: no second collection at once, but one right after the one
   * under way (it started before the request: an admin who fixed
   * something and asks for a re-check must not get its answer). */
  assert_int_equal(vg_sched_run_now(&s, &s.entries[0], 6001), 3);
  vg_sched_tick(&s, 6001, on_start, on_overdue, &r);
  assert_int_equal(r.starts[0], 2);
  vg_sched_done(&s, &s.entries[0], 1, 6002);
  assert_int_equal(s.entries[0].checks, 2);
  assert_int_equal(vg_sched_next_wake(&s, 6002), 0);
  vg_sched_tick(&s, 6002, on_start, on_overdue, &r);
  assert_int_equal(r.starts[0], 3);
  vg_sched_done(&s, &s.entries[0], 1, 6003);
  assert_int_equal(s.entries[0].checks, 3); /* what run_now named */
  assert_int_equal(vg_sched_next_wake(&s, 6003) >= 54000, 1);
  vg_sched_free(&s);
}

/* Issue 17: every probe's first collection is due at start, not spread. */
static void first_runs_start_at_once(void **st) {
  vg_sched_t s;
  (void)st;
  assert_int_equal(vg_sched_init(&s, 2, 42), 0);
  vg_sched_setup(&s, 0, &probe_a, 60000, 10000, 1, 5000);
  vg_sched_setup(&s, 1, &probe_b, 300000, 30000, 1, 5000);
  assert_int_equal(s.entries[0].next_due_ms, 5000);
  assert_int_equal(s.entries[1].next_due_ms, 5000);
  assert_int_equal(vg_sched_next_wake(&s, 5000), 0);
  vg_sched_free(&s);
}

/* n entries (probe_a first, then probe_b) every 10 s with 5 s of
 * deadline, all due at 0; r emptied. */
static void every_10s(vg_sched_t *s, size_t n, rec_t *r) {
  size_t i;
  memset(r, 0, sizeof(*r));
  assert_int_equal(vg_sched_init(s, n, 42), 0);
  for (i = 0; i < n; i++)
    vg_sched_setup(s, i, i ? &probe_b : &probe_a, 10000, 5000, 1, 0);
}

/* Issue 17: a collection due within half the jitter of one that is due
 * starts with it (one wake-up, one write), never earlier than that and
 * never on its own. */
static void near_collections_start_together(void **st) {
  vg_sched_t s;
  rec_t r;
  (void)st;
  every_10s(&s, 3, &r);
  s.entries[0].next_due_ms = 10000;
  s.entries[1].next_due_ms = 10500; /* within 5 % of 10 s */
  s.entries[2].next_due_ms = 10600; /* beyond */
  vg_sched_tick(&s, 9900, on_start, on_overdue, &r);
  assert_int_equal(r.starts[0] + r.starts[1], 0);
  vg_sched_tick(&s, 10000, on_start, on_overdue, &r);
  assert_int_equal(s.entries[0].busy, 1);
  assert_int_equal(s.entries[1].busy, 1);
  assert_int_equal(s.entries[2].busy, 0);
  assert_int_equal(vg_sched_next_wake(&s, 10000), 600);
  vg_sched_free(&s);
}

/* Issue 17: a collection that finishes joins the next run of another
 * when that falls within its own interval +- jitter (they keep running
 * together), and keeps its own random time when none does. */
static void finished_collections_keep_running_together(void **st) {
  vg_sched_t s;
  rec_t r;
  uint64_t first;
  (void)st;
  every_10s(&s, 2, &r);
  vg_sched_tick(&s, 0, on_start, on_overdue, &r);
  vg_sched_done(&s, &s.entries[0], 1, 100);
  first = s.entries[0].next_due_ms;
  assert_true(first >= 100 + 9000 && first <= 100 + 11000);
  vg_sched_done(&s, &s.entries[1], 1, 300);
  assert_int_equal(s.entries[1].next_due_ms, first);
  /* Out of reach: its own time. */
  s.entries[0].next_due_ms = 300 + 11001;
  vg_sched_tick(&s, 300, on_start, on_overdue, &r);
  s.entries[1].busy = 1;
  vg_sched_done(&s, &s.entries[1], 1, 300);
  assert_true(s.entries[1].next_due_ms >= 300 + 9000 &&
              s.entries[1].next_due_ms <= 300 + 11000);
  vg_sched_free(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(first_run_within_small_jitter),
      cmocka_unit_test(first_runs_start_at_once),
      cmocka_unit_test(near_collections_start_together),
      cmocka_unit_test(finished_collections_keep_running_together),
      cmocka_unit_test(interval_with_jitter_bounds),
      cmocka_unit_test(failure_backs_off_and_resets),
      cmocka_unit_test(deadline_reports_once_and_never_overlaps),
      cmocka_unit_test(run_now_and_disabled),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
