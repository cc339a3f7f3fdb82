/* server_thread.h: a query server with a given handler on a thread of its
 * own (a loop of its own), for tests and benchmarks of the server
 * (tests/test_server.c, bench/bench_clients.c). No cmocka: a benchmark
 * links it too. */
#ifndef VG_SERVER_THREAD_H
#define VG_SERVER_THREAD_H

#include "server.h"

#include <uv.h>

typedef struct vg_srv_thread_s {
  uv_loop_t loop;
  uv_thread_t thread;
  uv_async_t stop;
  vg_server_t *s;
  char name[600];         /* the pipe (Windows) or socket path */
  vg_server_stats_t last; /* read on the server's thread at close */
} vg_srv_thread_t;

/* Starts a server on a fresh pipe name (prefix in it: "vigil-PREFIX-..."
 * under Windows, "<temp>/vgPREFIX-....sock" elsewhere) with handler h(ud)
 * and the limits lim (NULL: the defaults), running on its own thread.
 * Returns 0, or an error with err filled (nothing is left running).
 * Caller's thread; t is the caller's and must stay put until stopped. */
int vg_srv_thread_start(vg_srv_thread_t *t, const char *prefix,
                        vg_server_handler h, void *ud,
                        const vg_server_limits_t *lim, char *err, size_t errsz);

/* Stops the server (its final accounting lands in t->last) and joins the
 * thread. Returns uv_loop_close's result (0 when every handle closed). */
int vg_srv_thread_stop(vg_srv_thread_t *t);

#endif /* VG_SERVER_THREAD_H */
