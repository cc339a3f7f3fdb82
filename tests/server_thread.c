/* server_thread.c: a query server on a thread of its own for tests and
 * benchmarks (server_thread.h). */
#include "server_thread.h"

#include <stdio.h>
#include <string.h>

static void closed_cb(void *ud) {
  vg_srv_thread_t *t = ud;
  uv_close((uv_handle_t *)&t->stop, NULL);
}

static void stop_cb(uv_async_t *a) {
  vg_srv_thread_t *t = a->data;
  vg_server_stats(t->s, &t->last);
  vg_server_close(t->s, closed_cb, t);
}

static void thread_main(void *arg) {
  vg_srv_thread_t *t = arg;
  uv_run(&t->loop, UV_RUN_DEFAULT);
}

int vg_srv_thread_start(vg_srv_thread_t *t, const char *prefix,
                        vg_server_handler h, void *ud,
                        const vg_server_limits_t *lim, char *err,
                        size_t errsz) {
  static int seq;
  int rc;
  memset(t, 0, sizeof(*t));
#ifdef _WIN32
  snprintf(t->name, sizeof(t->name), "\\\\.\\pipe\\vigil-%s-%d-%d", prefix,
           (int)uv_os_getpid(), ++seq);
#else
  {
    /* Straight in the temp folder: another account must reach it. */
    char tmp[400];
    size_t n = sizeof(tmp);
    uv_os_tmpdir(tmp, &n);
    snprintf(t->name, sizeof(t->name), "%s/vg%s-%d-%d.sock", tmp, prefix,
             (int)uv_os_getpid(), ++seq);
  }
#endif
  if ((rc = uv_loop_init(&t->loop)) != 0) {
    snprintf(err, errsz, "cannot create a loop: %s", uv_strerror(rc));
    return rc;
  }
  rc = vg_server_start(&t->s, &t->loop, t->name, h, ud, err, errsz);
  if (rc != 0) {
    uv_run(&t->loop, UV_RUN_DEFAULT); /* the listener's close */
    uv_loop_close(&t->loop);
    return rc;
  }
  if (lim) vg_server_set_limits(t->s, lim);
  uv_async_init(&t->loop, &t->stop, stop_cb);
  t->stop.data = t;
  if ((rc = uv_thread_create(&t->thread, thread_main, t)) != 0) {
    snprintf(err, errsz, "cannot start a thread: %s", uv_strerror(rc));
    stop_cb(&t->stop);
    uv_run(&t->loop, UV_RUN_DEFAULT);
    uv_loop_close(&t->loop);
    return rc;
  }
  return 0;
}

int vg_srv_thread_stop(vg_srv_thread_t *t) {
  uv_async_send(&t->stop);
  uv_thread_join(&t->thread);
  return uv_loop_close(&t->loop);
}
