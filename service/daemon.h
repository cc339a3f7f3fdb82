/* daemon.h: the composition root of a running agent - vigil.ini, the
 * typed settings, the store and its recorder, the runtime, and the query
 * server answering through the protocol - wired in one place. Used by
 * `vigil run`/the service (run.c) and by the tests' harness. Loop thread. */
#ifndef VG_DAEMON_H
#define VG_DAEMON_H

#include "agent.h"
#include "protocol.h"
#include "recorder.h"

#include <uv.h>

typedef struct vg_daemon_s vg_daemon_t;

/* vigil.ini changed: cfg is the file as read now (its problems in
 * cfg->warnings), what says what was done with it. Loop thread. */
typedef void (*vg_config_cb)(void *ud, const vg_config_t *cfg,
                             const char *what);

typedef struct vg_daemon_opts_s {
  const char *home;        /* data folder (database, vigil.ini) */
  const char *pipe_name;   /* NULL: no query server */
  const vg_os_t *os;       /* NULL: the platform's table */
  const vg_clock_t *clock; /* NULL: the real clocks */
  uint32_t seed;
  vg_agent_sink_t sink; /* outputs beyond the store (Event Log, console) */
  /* Store trouble at run time (events 106-108); may be NULL. */
  vg_rec_notify_fn store_event;
  void *store_event_ud;
  /* vigil.ini re-read (applied, or refused with its problems); may be
   * NULL. */
  vg_config_cb on_config;
  void *on_config_ud;
} vg_daemon_opts_t;

/* Loads vigil.ini, opens the store, starts the runtime and the server, and
 * watches vigil.ini (re-read within 5 s of a change; a file with problems
 * is not applied).
 * Returns 0 or a VG_E* code with err filled (one line: what is wrong and
 * what to do). */
int vg_daemon_start(vg_daemon_t **out, uv_loop_t *loop,
                    const vg_daemon_opts_t *o, char *err, size_t errsz);
/* Stops the server and the runtime, flushes and closes the store; done runs
 * on the loop thread when everything is closed, then the memory is
 * released. */
void vg_daemon_stop(vg_daemon_t *d, uint64_t grace_ms,
                    void (*done)(vg_daemon_t *d, void *ud), void *ud);

/* Notes gathered at start (config warnings, store notes). */
size_t vg_daemon_notes(const vg_daemon_t *d, const char *const **notes);
vg_agent_t *vg_daemon_agent(vg_daemon_t *d);
const vg_config_t *vg_daemon_config(const vg_daemon_t *d);
const vg_settings_t *vg_daemon_settings(const vg_daemon_t *d);
/* The query interface the protocol answers through. */
const vg_query_t *vg_daemon_query(const vg_daemon_t *d);
/* Writes queued records now. 0 or VG_ESTORE. */
int vg_daemon_flush(vg_daemon_t *d);

#endif /* VG_DAEMON_H */
