/* test_workers.c: the probes' worker threads (agent/workers.c): started on
 * demand up to the active limit, a released (overdue) collection frees its
 * place while it stays stuck, idle threads end, queued work is cancelled at
 * stop, an abandoned stuck collection does not hold the loop, and the loop
 * closes cleanly. Native and under Wine. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "workers.h"

typedef struct {
  vg_work_t work;
  uv_sem_t *gate; /* NULL: no wait; else the job waits for a post */
  unsigned sleep_ms;
  int ran, done, cancelled;
  uv_thread_t done_on;
} job_t;

static uv_mutex_t mu;
static unsigned running, most;

static void job_work(vg_work_t *w) {
  job_t *j = w->data;
  uv_mutex_lock(&mu);
  if (++running > most) most = running;
  uv_mutex_unlock(&mu);
  if (j->gate) uv_sem_wait(j->gate);
  if (j->sleep_ms) uv_sleep(j->sleep_ms);
  j->ran = 1;
  uv_mutex_lock(&mu);
  running--;
  uv_mutex_unlock(&mu);
}

static void job_done(vg_work_t *w, int cancelled) {
  job_t *j = w->data;
  j->done = 1;
  j->cancelled = cancelled;
  j->done_on = uv_thread_self();
}

static unsigned threads_of(vg_workers_t *w) {
  unsigned n;
  vg_workers_counts(w, &n, NULL);
  return n;
}

static unsigned peak_of(vg_workers_t *w) {
  unsigned n;
  vg_workers_counts(w, NULL, &n);
  return n;
}

static void submit(vg_workers_t *w, job_t *j) {
  j->work.data = j;
  assert_int_equal(vg_workers_submit(w, &j->work, job_work, job_done), 0);
}

/* Runs the loop without blocking until *flag or ~5 s passed. */
static void run_until(uv_loop_t *loop, const int *flag) {
  int i;
  for (i = 0; i < 5000 && !*flag; i++) {
    uv_run(loop, UV_RUN_NOWAIT);
    if (!*flag) uv_sleep(1);
  }
  assert_true(*flag);
}

static int closed;
static void closed_cb(uv_handle_t *h) {
  (void)h;
  closed = 1;
}

static void finish(uv_loop_t *loop, vg_workers_t *w) {
  closed = 0;
  vg_workers_close(w, closed_cb);
  uv_run(loop, UV_RUN_DEFAULT);
  assert_true(closed);
  assert_int_equal(uv_loop_close(loop), 0);
}

static void setup_counts(void) {
  running = most = 0;
}

static void at_most_active_run_at_once_and_done_runs_on_the_loop(void **st) {
  uv_loop_t loop;
  vg_workers_t w;
  job_t jobs[12];
  uv_thread_t self = uv_thread_self();
  size_t i;
  (void)st;
  setup_counts();
  memset(jobs, 0, sizeof(jobs));
  assert_int_equal(uv_loop_init(&loop), 0);
  assert_int_equal(vg_workers_init(&w, &loop, 3, 20, 10000), 0);
  assert_int_equal(threads_of(&w), 0); /* none before work */
  for (i = 0; i < 12; i++) {
    jobs[i].sleep_ms = 20;
    submit(&w, &jobs[i]);
  }
  uv_run(&loop, UV_RUN_DEFAULT); /* returns once every done_cb ran */
  for (i = 0; i < 12; i++) {
    assert_true(jobs[i].ran);
    assert_true(jobs[i].done);
    assert_false(jobs[i].cancelled);
    assert_true(uv_thread_equal(&jobs[i].done_on, &self));
  }
  assert_true(most <= 3);
  assert_true(most >= 2);
  assert_true(peak_of(&w) <= 3);
  finish(&loop, &w);
}

static void released_work_frees_its_place_while_stuck(void **st) {
  uv_loop_t loop;
  vg_workers_t w;
  uv_sem_t gate;
  job_t stuck, next;
  int i;
  (void)st;
  setup_counts();
  memset(&stuck, 0, sizeof(stuck));
  memset(&next, 0, sizeof(next));
  assert_int_equal(uv_sem_init(&gate, 0), 0);
  assert_int_equal(uv_loop_init(&loop), 0);
  assert_int_equal(vg_workers_init(&w, &loop, 1, 4, 10000), 0);
  stuck.gate = &gate;
  submit(&w, &stuck);
  submit(&w, &next);
  /* One place, taken by the stuck work: the next waits. */
  for (i = 0; i < 100; i++) {
    uv_run(&loop, UV_RUN_NOWAIT);
    uv_sleep(1);
  }
  assert_false(next.ran);
  /* Past its deadline: released, the next gets a thread of its own. */
  vg_workers_release(&w, &stuck.work);
  run_until(&loop, &next.done);
  assert_false(stuck.done);
  assert_int_equal(threads_of(&w), 2);
  uv_sem_post(&gate);
  run_until(&loop, &stuck.done);
  assert_false(stuck.cancelled);
  finish(&loop, &w);
  uv_sem_destroy(&gate);
}

static void idle_threads_end(void **st) {
  uv_loop_t loop;
  vg_workers_t w;
  job_t a, b;
  int i;
  (void)st;
  memset(&a, 0, sizeof(a));
  memset(&b, 0, sizeof(b));
  assert_int_equal(uv_loop_init(&loop), 0);
  assert_int_equal(vg_workers_init(&w, &loop, 2, 4, 30), 0);
  submit(&w, &a);
  run_until(&loop, &a.done);
  for (i = 0; i < 3000 && threads_of(&w) > 0; i++) {
    uv_run(&loop, UV_RUN_NOWAIT);
    uv_sleep(1);
  }
  assert_int_equal(threads_of(&w), 0);
  /* Work after that starts a thread again. */
  submit(&w, &b);
  run_until(&loop, &b.done);
  assert_true(b.ran);
  finish(&loop, &w);
}

static void queued_work_is_cancelled(void **st) {
  uv_loop_t loop;
  vg_workers_t w;
  uv_sem_t gate;
  job_t first, q1, q2;
  (void)st;
  memset(&first, 0, sizeof(first));
  memset(&q1, 0, sizeof(q1));
  memset(&q2, 0, sizeof(q2));
  assert_int_equal(uv_sem_init(&gate, 0), 0);
  assert_int_equal(uv_loop_init(&loop), 0);
  assert_int_equal(vg_workers_init(&w, &loop, 1, 4, 10000), 0);
  first.gate = &gate;
  submit(&w, &first);
  submit(&w, &q1);
  submit(&w, &q2);
  uv_sleep(20);
  vg_workers_cancel_queued(&w);
  /* done_cb comes from the loop, not from the call. */
  assert_false(q1.done);
  run_until(&loop, &q2.done);
  assert_true(q1.done && q1.cancelled && !q1.ran);
  assert_true(q2.cancelled && !q2.ran);
  uv_sem_post(&gate);
  run_until(&loop, &first.done);
  assert_true(first.ran && !first.cancelled);
  finish(&loop, &w);
  uv_sem_destroy(&gate);
}

static void keep_cb(uv_timer_t *t) { (void)t; }

static void abandoned_work_does_not_hold_the_loop(void **st) {
  uv_loop_t loop;
  vg_workers_t w;
  uv_sem_t gate;
  job_t stuck;
  uint64_t t0;
  (void)st;
  memset(&stuck, 0, sizeof(stuck));
  assert_int_equal(uv_sem_init(&gate, 0), 0);
  assert_int_equal(uv_loop_init(&loop), 0);
  assert_int_equal(vg_workers_init(&w, &loop, 1, 4, 10000), 0);
  stuck.gate = &gate;
  submit(&w, &stuck);
  vg_workers_abandon(&w);
  t0 = uv_hrtime();
  uv_run(&loop, UV_RUN_DEFAULT); /* returns although the work is out */
  assert_true(uv_hrtime() - t0 < 3000000000u);
  assert_false(stuck.done);
  /* The handle is still open while a thread may come back. */
  assert_int_equal(uv_loop_close(&loop), UV_EBUSY);
  /* Something else keeps the loop going: the work still comes back. */
  {
    uv_timer_t keep;
    uv_timer_init(&loop, &keep);
    uv_timer_start(&keep, keep_cb, 1, 1);
    uv_sem_post(&gate);
    run_until(&loop, &stuck.done);
    closed = 0;
    vg_workers_close(&w, closed_cb);
    run_until(&loop, &closed);
    uv_close((uv_handle_t *)&keep, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
  }
  assert_int_equal(uv_loop_close(&loop), 0);
  uv_sem_destroy(&gate);
}

static void submit_after_close_is_refused(void **st) {
  uv_loop_t loop;
  vg_workers_t w;
  job_t j;
  (void)st;
  memset(&j, 0, sizeof(j));
  assert_int_equal(uv_loop_init(&loop), 0);
  assert_int_equal(vg_workers_init(&w, &loop, 2, 4, 10000), 0);
  closed = 0;
  vg_workers_close(&w, closed_cb);
  j.work.data = &j;
  assert_int_not_equal(vg_workers_submit(&w, &j.work, job_work, job_done), 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  assert_true(closed);
  assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(at_most_active_run_at_once_and_done_runs_on_the_loop),
      cmocka_unit_test(released_work_frees_its_place_while_stuck),
      cmocka_unit_test(idle_threads_end),
      cmocka_unit_test(queued_work_is_cancelled),
      cmocka_unit_test(abandoned_work_does_not_hold_the_loop),
      cmocka_unit_test(submit_after_close_is_refused),
  };
  int rc;
  uv_mutex_init(&mu);
  rc = cmocka_run_group_tests(tests, NULL, NULL);
  uv_mutex_destroy(&mu);
  return rc;
}
