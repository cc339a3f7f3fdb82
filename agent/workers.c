/* workers.c: the threads probes collect on (workers.h), started on demand
 * (and ended when idle, if asked) in place of libuv's pool, whose threads
 * all start at the first work and never end (one per probe, each keeping
 * its touched stack and malloc arena). */
#include "workers.h"

#include "vg.h"

#include <stdlib.h>
#include <string.h>

#define VG_WORKERS_ACTIVE_DEFAULT 8
#define VG_WORKERS_MAX 128

struct vg_worker_s {
  uv_thread_t tid;
  vg_workers_t *w;
  vg_worker_t *next;
};

/* ------------------------------------------------------------ queues */

static void push(vg_work_t **head, vg_work_t **tail, vg_work_t *x) {
  x->next = NULL;
  if (*tail) (*tail)->next = x;
  else *head = x;
  *tail = x;
}

static vg_work_t *pop(vg_work_t **head, vg_work_t **tail) {
  vg_work_t *x = *head;
  if (x == NULL) return NULL;
  *head = x->next;
  if (*head == NULL) *tail = NULL;
  x->next = NULL;
  return x;
}

/* ------------------------------------------------------------ threads */

/* Under mu: whether work waits with no thread on its way to it (a woken
 * idle thread or one starting). Then wakes an idle thread, or reserves a
 * new one within the limits (returns 1: the caller starts it with
 * start_thread, mu released). Every thread that takes work calls this, as
 * do submit and release, so queued work always has a thread coming or
 * every counted place is busy (and a busy thread takes it when done): one
 * helper at a time, so a burst of quick collections wakes one or two
 * threads, not one per collection, while slow ones still fan out to
 * `active` within a millisecond. */
static int grow_locked(vg_workers_t *w) {
  if (w->closing || w->wait_head == NULL) return 0;
  if (w->signalled > 0 || w->starting > 0) return 0;
  if (w->idle > 0) {
    w->signalled++;
    uv_cond_signal(&w->cv);
    return 0;
  }
  if (w->threads - w->stuck >= w->active_max || w->threads >= w->threads_max)
    return 0;
  w->threads++;
  w->starting++;
  if (w->threads > w->peak) w->peak = w->threads;
  return 1;
}

static void worker_main(void *arg);

/* Starts the thread grow_locked reserved. Any thread; mu not held.
 * Returns 0 or VG_ENOMEM (the reservation is given back). */
static int start_thread(vg_workers_t *w) {
  vg_worker_t *t = calloc(1, sizeof(*t));
  if (t != NULL) {
    t->w = w;
    if (uv_thread_create(&t->tid, worker_main, t) == 0) return 0;
    free(t);
  }
  uv_mutex_lock(&w->mu);
  w->threads--;
  w->starting--;
  uv_mutex_unlock(&w->mu);
  return VG_ENOMEM;
}

static void worker_main(void *arg) {
  vg_worker_t *me = arg;
  vg_workers_t *w = me->w;
  uv_mutex_lock(&w->mu);
  w->starting--;
  for (;;) {
    vg_work_t *job;
    int spawn;
    while (w->wait_head == NULL && !w->closing) {
      int rc;
      w->idle++;
      if (w->idle_ms == 0) {
        uv_cond_wait(&w->cv, &w->mu);
        rc = 0;
      } else {
        rc = uv_cond_timedwait(&w->cv, &w->mu, w->idle_ms * 1000000u);
      }
      w->idle--;
      /* Woken (or not: a spurious wake or a timeout): no longer counted
       * as on its way. A wake that went to nobody is not counted either:
       * each signal goes to a waiting thread. */
      if (w->signalled > 0) w->signalled--;
      if (w->signalled > w->idle) w->signalled = w->idle;
      if (rc == UV_ETIMEDOUT && w->wait_head == NULL) break;
    }
    job = pop(&w->wait_head, &w->wait_tail);
    if (job == NULL) break; /* idle long enough, or closing */
    job->running = 1;
    if (job->released) w->stuck++;
    spawn = grow_locked(w); /* more waits: the next helper */
    uv_mutex_unlock(&w->mu);
    if (spawn) start_thread(w);
    job->work(job);
    uv_mutex_lock(&w->mu);
    job->running = 0;
    if (job->released) w->stuck--;
    push(&w->done_head, &w->done_tail, job);
    uv_async_send(&w->async);
  }
  /* Sent under the lock: the loop joins this thread only after it saw
   * it in `ended`, so no send can follow the async handle's close. */
  w->threads--;
  me->next = w->ended;
  w->ended = me;
  uv_async_send(&w->async);
  uv_mutex_unlock(&w->mu);
}

/* The loop stays alive while work is out or threads end at close; an
 * abandoned agent does not wait. */
static void update_ref(vg_workers_t *w) {
  if (!w->abandoned && (w->pending > 0 || w->close_started))
    uv_ref((uv_handle_t *)&w->async);
  else
    uv_unref((uv_handle_t *)&w->async);
}

static void closed_cb(uv_handle_t *h) {
  vg_workers_t *w = h->data;
  uv_close_cb cb = w->close_cb;
  uv_mutex_destroy(&w->mu);
  uv_cond_destroy(&w->cv);
  if (cb) cb(h);
}

/* Joins the threads that ended (each has left worker_main or is about
 * to) and returns how many are still alive. Loop thread. */
static unsigned join_ended(vg_workers_t *w) {
  vg_worker_t *ended;
  unsigned threads;
  uv_mutex_lock(&w->mu);
  ended = w->ended;
  w->ended = NULL;
  threads = w->threads;
  uv_mutex_unlock(&w->mu);
  while (ended) {
    vg_worker_t *next = ended->next;
    uv_thread_join(&ended->tid);
    free(ended);
    ended = next;
  }
  return threads;
}

static void async_cb(uv_async_t *h) {
  vg_workers_t *w = h->data;
  vg_work_t *done;
  uv_mutex_lock(&w->mu);
  done = w->done_head;
  w->done_head = w->done_tail = NULL;
  uv_mutex_unlock(&w->mu);
  join_ended(w);
  while (done) {
    vg_work_t *next = done->next;
    w->pending--;
    done->done(done, done->cancelled);
    done = next;
  }
  update_ref(w);
  if (!w->close_started || w->pending > 0) return;
  /* Every thread that ended is joined before the handle closes. */
  if (join_ended(w) == 0 && !uv_is_closing((uv_handle_t *)&w->async))
    uv_close((uv_handle_t *)&w->async, closed_cb);
}

/* ---------------------------------------------------------- interface */

int vg_workers_init(vg_workers_t *w, uv_loop_t *loop, unsigned active,
                    unsigned threads_max, uint64_t idle_ms) {
  memset(w, 0, sizeof(*w));
  if (active == 0) {
    char buf[16];
    size_t n = sizeof(buf);
    active = VG_WORKERS_ACTIVE_DEFAULT;
    if (uv_os_getenv("UV_THREADPOOL_SIZE", buf, &n) == 0 && atoi(buf) > 0)
      active = (unsigned)atoi(buf);
  }
  if (active > VG_WORKERS_MAX) active = VG_WORKERS_MAX;
  if (threads_max < active) threads_max = active;
  if (threads_max > VG_WORKERS_MAX) threads_max = VG_WORKERS_MAX;
  w->loop = loop;
  w->active_max = active;
  w->threads_max = threads_max;
  w->idle_ms = idle_ms;
  if (uv_mutex_init(&w->mu) != 0) return VG_ENOMEM;
  if (uv_cond_init(&w->cv) != 0) {
    uv_mutex_destroy(&w->mu);
    return VG_ENOMEM;
  }
  if (uv_async_init(loop, &w->async, async_cb) != 0) {
    uv_cond_destroy(&w->cv);
    uv_mutex_destroy(&w->mu);
    return VG_ENOMEM;
  }
  w->async.data = w;
  update_ref(w);
  return 0;
}

int vg_workers_submit(vg_workers_t *w, vg_work_t *work, vg_work_cb work_cb,
                      vg_work_done_cb done_cb) {
  int rc = 0, spawn;
  if (w->close_started) return VG_EBUSY;
  work->work = work_cb;
  work->done = done_cb;
  work->released = work->cancelled = work->running = 0;
  uv_mutex_lock(&w->mu);
  push(&w->wait_head, &w->wait_tail, work);
  spawn = grow_locked(w);
  uv_mutex_unlock(&w->mu);
  if (spawn) rc = start_thread(w);
  if (rc != 0) {
    /* Nobody may take it: give it back unless a thread is alive. */
    uv_mutex_lock(&w->mu);
    if (w->threads == 0) {
      vg_work_t **p = &w->wait_head;
      w->wait_tail = NULL;
      while (*p) {
        if (*p == work) *p = work->next;
        else {
          w->wait_tail = *p;
          p = &(*p)->next;
        }
      }
    } else {
      rc = 0;
    }
    uv_mutex_unlock(&w->mu);
    if (rc != 0) return rc;
  }
  w->pending++;
  update_ref(w);
  return 0;
}

void vg_workers_release(vg_workers_t *w, vg_work_t *work) {
  int spawn;
  uv_mutex_lock(&w->mu);
  if (!work->released) {
    work->released = 1;
    if (work->running) w->stuck++;
  }
  spawn = grow_locked(w); /* its place is free for queued work */
  uv_mutex_unlock(&w->mu);
  if (spawn) start_thread(w);
}

void vg_workers_cancel_queued(vg_workers_t *w) {
  vg_work_t *x;
  int any = 0;
  uv_mutex_lock(&w->mu);
  while ((x = pop(&w->wait_head, &w->wait_tail)) != NULL) {
    x->cancelled = 1;
    push(&w->done_head, &w->done_tail, x);
    any = 1;
  }
  uv_mutex_unlock(&w->mu);
  if (any) uv_async_send(&w->async);
}

void vg_workers_abandon(vg_workers_t *w) {
  w->abandoned = 1;
  update_ref(w);
}

void vg_workers_counts(vg_workers_t *w, unsigned *threads, unsigned *peak) {
  uv_mutex_lock(&w->mu);
  if (threads) *threads = w->threads;
  if (peak) *peak = w->peak;
  uv_mutex_unlock(&w->mu);
}

void vg_workers_close(vg_workers_t *w, uv_close_cb close_cb) {
  if (w->close_started) return;
  w->close_started = 1;
  vg_workers_cancel_queued(w);
  uv_mutex_lock(&w->mu);
  w->closing = 1;
  uv_cond_broadcast(&w->cv);
  uv_mutex_unlock(&w->mu);
  w->close_cb = close_cb;
  update_ref(w);
  /* async_cb finishes the close once every thread ended. */
  uv_async_send(&w->async);
}
