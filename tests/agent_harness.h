/* agent_harness.h: runs a real agent (store, query server) on its own
 * thread in a temporary data folder, for protocol and CLI tests. */
#ifndef VG_AGENT_HARNESS_H
#define VG_AGENT_HARNESS_H

#include "daemon.h"

typedef struct harness_s {
  char home[512];
  char pipe[600];
  uv_thread_t thread;
  uv_sem_t ready;
  uv_loop_t loop;
  uv_async_t stop;
  vg_daemon_t *daemon;
  int start_rc;
  char err[300];
  int loop_close_rc;
} harness_t;

/* Creates a temp data folder with ini_text as vigil.ini and starts the
 * agent; returns 0 when it serves. */
int harness_start(harness_t *h, const char *ini_text);
/* Stops the agent, joins the thread; returns uv_loop_close's result. */
int harness_stop(harness_t *h);
/* Removes the temp folder. */
void harness_cleanup(harness_t *h);

/* For tests that drive an agent on their own loop: opens dir/vigil.db and
 * a recorder on loop into o (store, recorder; retention from
 * o->settings) and starts a daemon-mode agent with o. Returns 0 or an
 * error (printed). */
int harness_agent_start(vg_agent_t **a, uv_loop_t *loop, const char *dir,
                        vg_agent_opts_t *o);
/* After the agent stopped and the loop ran dry: closes o's recorder
 * (running the loop for it) and store. */
void harness_agent_close(uv_loop_t *loop, vg_agent_opts_t *o);

#endif
