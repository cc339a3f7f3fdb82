/* workers.h: the threads probes collect on. A thread starts when work
 * waits and no thread is free, up to `active` collections at once; a
 * collection past its deadline is released from that count (its thread may
 * stay stuck in the OS) so the others keep their turn; a thread idle for
 * idle_ms ends (0: threads are kept once started). */
#ifndef VG_WORKERS_H
#define VG_WORKERS_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

typedef struct vg_work_s vg_work_t;
typedef struct vg_worker_s vg_worker_t;

/* Runs on a worker thread. */
typedef void (*vg_work_cb)(vg_work_t *w);
/* Runs on the loop thread once work_cb returned, or with cancelled = 1
 * when the work was taken off the queue before it started. */
typedef void (*vg_work_done_cb)(vg_work_t *w, int cancelled);

struct vg_work_s {
  void *data; /* the caller's */
  /* private */
  vg_work_cb work;
  vg_work_done_cb done;
  vg_work_t *next;
  int released;  /* no longer counted against `active` */
  int cancelled; /* taken off the queue before it ran */
  int running;   /* a worker is in work_cb */
};

typedef struct vg_workers_s {
  uv_loop_t *loop;
  uv_async_t async; /* workers -> loop: finished work, ended threads */
  uv_mutex_t mu;
  uv_cond_t cv;
  /* under mu: */
  vg_work_t *wait_head, *wait_tail; /* submitted, not started */
  vg_work_t *done_head, *done_tail; /* finished, for the loop */
  vg_worker_t *ended;               /* threads that ended, to join */
  unsigned threads;                 /* alive */
  unsigned idle;                    /* waiting for work */
  unsigned stuck;                   /* in released work */
  unsigned signalled;               /* idle threads woken, not yet up */
  unsigned starting;                /* threads started, not yet running */
  unsigned peak;                    /* most threads alive at once */
  int closing;
  /* loop thread only: */
  unsigned active_max;  /* collections counted at once */
  unsigned threads_max; /* threads at all, stuck ones included */
  uint64_t idle_ms;
  size_t pending; /* submitted and done_cb not called yet */
  int abandoned;  /* the loop may end with stuck threads */
  int close_started;
  uv_close_cb close_cb;
} vg_workers_t;

/* Prepares the workers on loop (no thread starts before work is
 * submitted). active: collections at once (0: 8, or UV_THREADPOOL_SIZE
 * from the environment, which an admin may set); threads_max caps the
 * threads including stuck ones; idle_ms: an idle thread ends after it (0:
 * never; the loop joins an ended thread, which under Wine can wait for the
 * loader lock a collection loading COM holds). Returns 0 or a VG_E* code.
 * Loop thread. */
int vg_workers_init(vg_workers_t *w, uv_loop_t *loop, unsigned active,
                    unsigned threads_max, uint64_t idle_ms);

/* Queues work: work_cb runs on a worker, then done_cb on the loop. The
 * work item stays the caller's and must live until done_cb. Returns 0, or
 * VG_EBUSY when the workers are closing, or VG_ENOMEM when no thread could
 * be started and none will take it. Loop thread. */
int vg_workers_submit(vg_workers_t *w, vg_work_t *work, vg_work_cb work_cb,
                      vg_work_done_cb done_cb);

/* The work passed its deadline: it no longer counts against `active`, so
 * queued work gets a thread while it is stuck. Its done_cb still comes
 * when (if) it returns. Loop thread. */
void vg_workers_release(vg_workers_t *w, vg_work_t *work);

/* Takes every queued, not started work off the queue: their done_cb is
 * called with cancelled = 1 (from the loop, not from this call). Loop
 * thread. */
void vg_workers_cancel_queued(vg_workers_t *w);

/* The caller gives up waiting for stuck work (shutdown): the loop no
 * longer stays alive for it. Loop thread. */
void vg_workers_abandon(vg_workers_t *w);

/* Threads alive now, and the most alive at once so far (either may be
 * NULL). Loop thread. */
void vg_workers_counts(vg_workers_t *w, unsigned *threads, unsigned *peak);

/* Ends the workers: queued work is cancelled, idle threads end, and
 * close_cb runs on the loop once every thread ended and every done_cb
 * ran. With stuck work that never returns close_cb never runs (the
 * process is about to exit). Loop thread. */
void vg_workers_close(vg_workers_t *w, uv_close_cb close_cb);

#endif
