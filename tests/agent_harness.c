/* agent_harness.c: a real agent on a thread, for end-to-end tests. */
#include "agent_harness.h"

#include "fs_kit.h"

#include "platform.h"
#include "vg.h"

#include <stdio.h>
#include <string.h>

static void stopped_cb(vg_daemon_t *d, void *ud) {
  harness_t *h = ud;
  (void)d;
  uv_close((uv_handle_t *)&h->stop, NULL);
}

static void stop_cb(uv_async_t *as) {
  harness_t *h = as->data;
  vg_daemon_stop(h->daemon, 5000, stopped_cb, h);
}

static void harness_main(void *arg) {
  harness_t *h = arg;
  vg_daemon_opts_t o;
  memset(&o, 0, sizeof(o));
  o.home = h->home;
  o.pipe_name = h->pipe;
  uv_loop_init(&h->loop);
  uv_async_init(&h->loop, &h->stop, stop_cb);
  h->stop.data = h;
  h->start_rc =
      vg_daemon_start(&h->daemon, &h->loop, &o, h->err, sizeof(h->err));
  if (h->start_rc != 0) uv_close((uv_handle_t *)&h->stop, NULL);
  uv_sem_post(&h->ready);
  uv_run(&h->loop, UV_RUN_DEFAULT);
  h->loop_close_rc = uv_loop_close(&h->loop);
}

int harness_start(harness_t *h, const char *ini_text) {
  char path[700];
  static int seq;
  memset(h, 0, sizeof(*h));
  if (fk_mkdtemp(h->home, sizeof(h->home), "vgtest") != 0) return -1;
  snprintf(path, sizeof(path), "%s/vigil.ini", h->home);
  fk_put(path, ini_text);
  vg_platform_pipe_name(h->home, h->pipe, sizeof(h->pipe));
  /* A private name per test: never the installed service's pipe. */
  if (strncmp(h->pipe, "\\\\.\\pipe\\", 9) == 0)
    snprintf(h->pipe, sizeof(h->pipe), "\\\\.\\pipe\\vigil-test-%d-%d",
             (int)uv_os_getpid(), ++seq);
  uv_sem_init(&h->ready, 0);
  uv_thread_create(&h->thread, harness_main, h);
  uv_sem_wait(&h->ready);
  uv_sem_destroy(&h->ready);
  if (h->start_rc != 0) {
    uv_thread_join(&h->thread);
    fprintf(stderr, "agent did not start: %s\n", h->err);
  }
  return h->start_rc;
}

int harness_stop(harness_t *h) {
  uv_async_send(&h->stop);
  uv_thread_join(&h->thread);
  return h->loop_close_rc;
}

void harness_cleanup(harness_t *h) { fk_rmtree(h->home); }

int harness_agent_start(vg_agent_t **a, uv_loop_t *loop, const char *dir,
                        vg_agent_opts_t *o) {
  char path[700], err[300], note[300];
  int rc;
  snprintf(path, sizeof(path), "%s/vigil.db", dir);
  rc = vg_store_open(path, &o->store, note, sizeof(note), err, sizeof(err));
  if (rc == 0 &&
      (rc = vg_recorder_init(&o->recorder, loop, o->store,
                             o->settings->retention_ms, NULL, NULL)) != 0)
    snprintf(err, sizeof(err), "recorder: %s", vg_strerror(rc));
  o->mode = VG_AGENT_DAEMON;
  if (rc == 0) rc = vg_agent_start(a, loop, o, err, sizeof(err));
  if (rc != 0) fprintf(stderr, "agent did not start: %s\n", err);
  return rc;
}

void harness_agent_close(uv_loop_t *loop, vg_agent_opts_t *o) {
  vg_recorder_close(o->recorder);
  uv_run(loop, UV_RUN_DEFAULT);
  vg_store_close(o->store);
}
