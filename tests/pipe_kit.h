/* pipe_kit.h: raw clients of the query server for tests - many on one
 * libuv loop, each writing a payload, reading lines, ticking, hanging up
 * or closing half its pipe as told - one request through the CLI's
 * client, and a server's libuv loop on a thread of its own. */
#ifndef VG_PIPE_KIT_H
#define VG_PIPE_KIT_H

#include "json.h"

#include <uv.h>

#include <stddef.h>
#include <stdint.h>

/* One raw client: the caller zeroes it and sets what it does; the rest is
 * what came back. */
typedef struct pc_client_s {
  const char *payload; /* written once connected (plen bytes) */
  size_t plen;
  int no_read;           /* never reads: a hostile client */
  int half_close;        /* shuts its sending side after the payload */
  int close_after_write; /* hangs up once the payload is written */
  int want_lines;        /* hangs up after this many lines (0: at EOF) */
  const char *ticker;    /* sent every tick_ms until EOF */
  uint64_t tick_ms;
  char in[8192]; /* the tail of what came, NUL-terminated */
  size_t len;
  size_t bytes; /* all that came */
  int lines, eof, connected, closed;
  uint64_t t0, t_eof; /* loop times of the start and of end-of-file */
  /* private */
  uv_pipe_t pipe;
  uv_connect_t conn;
  uv_write_t wr;
  uv_shutdown_t sh;
  uv_timer_t tick;
  int ticking;
  uv_buf_t tbuf;
  uv_write_t twr;
  int tick_busy;
} pc_client_t;

/* Connects c to pipe name on loop (test thread); it runs with the loop. */
void pc_start(uv_loop_t *loop, pc_client_t *c, const char *name);
/* Hangs c up (no-op once closing); the loop finishes the close. */
void pc_close(pc_client_t *c);
/* Runs the n clients cs against name on a loop of their own until all are
 * closed or max_ms passed (then every one still open is closed). */
void pc_run(pc_client_t *cs, int n, const char *name, uint64_t max_ms);
/* Closes the n clients of loop, runs it until they are gone, and closes
 * it (fails the test if it cannot). */
void pc_close_all(uv_loop_t *loop, pc_client_t *cs, int n);

/* Sends req to pipe name through the CLI's client and returns the parsed
 * answer (the caller frees it); fails the test on an error. */
vg_json_t *pc_ask(const char *name, const char *req);

/* A libuv loop on a thread of its own, for a server the test talks to:
 * the test opens the loop's handles between pc_thread_init and
 * pc_thread_start; pc_thread_stop wakes the loop, where on_stop must
 * close every handle (stop included). */
typedef struct pc_thread_s {
  uv_loop_t loop;
  uv_async_t stop;
  uv_thread_t thread;
  void (*on_stop)(struct pc_thread_s *t); /* on the loop's thread */
  void *ud;
} pc_thread_t;

/* Initialises t's loop; fails the test when it cannot. Test thread. */
void pc_thread_init(pc_thread_t *t);
/* Arms t->stop to call on_stop(t) (with t->ud = ud) and runs the loop on
 * a new thread; fails the test when it cannot. Test thread. */
void pc_thread_start(pc_thread_t *t, void (*on_stop)(pc_thread_t *t), void *ud);
/* Wakes the loop's on_stop, waits for its thread to end and closes the
 * loop; fails the test when a handle is left open. Test thread. */
void pc_thread_stop(pc_thread_t *t);

#endif
