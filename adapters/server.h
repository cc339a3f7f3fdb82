/* server.h: the query server - newline-delimited JSON over a local pipe
 * (\\.\pipe\vigil on Windows, a Unix socket on POSIX). Loop thread only.
 * Limits and what happens at each are in docs/protocol.md ("Limits"). */
#ifndef VG_SERVER_H
#define VG_SERVER_H

#include "json.h"

#include <uv.h>

#include <stddef.h>
#include <stdint.h>

#define VG_REQUEST_MAX (64 * 1024) /* bytes in one request line */
#define VG_SERVER_MAX_CLIENTS 1024
/* Connections one account (uid, SID) may hold: a quarter of the slots, so
 * one local user cannot lock the others out. */
#define VG_SERVER_MAX_PER_USER (VG_SERVER_MAX_CLIENTS / 4)
/* Answers queued for all clients together. Past it, only clients with an
 * empty queue are served, up to twice this; past that nobody is until the
 * queues drain or stalled ones are dropped. */
#define VG_SERVER_OUTPUT_BUDGET (16 * 1024 * 1024)
/* A client with this much unsent is not read from (backpressure). */
#define VG_CLIENT_QUEUE_SOFT (256 * 1024)
/* One answer; a larger one is replaced by an error saying so. The CLI
 * reads as much (client.h VG_RESPONSE_MAX). */
#define VG_RESPONSE_MAX_BYTES (64 * 1024 * 1024)
/* No request (blank lines do not count) and no answer bytes taken. */
#define VG_CLIENT_IDLE_MS 60000
/* Over the budget, a queue that took no bytes for this long is dropped. */
#define VG_CLIENT_STALL_MS 2000
#define VG_LISTEN_BACKLOG 1024 /* pending connections a burst may queue */

typedef struct vg_server_s vg_server_t;

/* What the server knows of the caller. */
typedef struct vg_peer_s {
  int privileged; /* member of Administrators (Windows) / root or our uid */
  char user[96];  /* account: "uid:1000" / "S-1-5-21-..."; "" unknown */
  long pid;       /* client process, 0 unknown */
} vg_peer_t;

/* Handles one request line and writes one JSON response into resp (an
 * empty writer). An error left in resp->err (VG_ESTORE, VG_ELOCKED,
 * VG_ENOMEM) makes the server answer with an error naming it. Loop
 * thread. */
typedef void (*vg_server_handler)(void *ud, const vg_peer_t *peer,
                                  const char *line, size_t len, vg_jw_t *resp);

/* The limits above, as the server applies them (tests lower them). */
typedef struct vg_server_limits_s {
  size_t max_clients;
  size_t max_per_user;
  size_t output_budget;
  size_t client_queue;
  size_t response_max;
  uint64_t idle_ms;
  uint64_t stall_ms;
} vg_server_limits_t;

/* What the server holds now and at most since it started (its own
 * accounting of request and answer buffers, not the process's RSS). */
typedef struct vg_server_stats_s {
  size_t clients;
  size_t out_bytes, out_peak; /* answers queued, not yet taken */
  size_t in_bytes, in_peak;   /* request buffers */
  uint64_t refused_full;      /* over max_clients */
  uint64_t refused_user;      /* over max_per_user */
  uint64_t idle_closed;       /* idle for idle_ms */
  uint64_t stalled_closed;    /* dropped over the budget */
  uint64_t oversize;          /* answers over response_max */
} vg_server_stats_t;

/* Binds name and starts accepting. Returns 0 or a VG_E* code with err set:
 * VG_EEXIST another Vigil already serves this name; VG_ESQUAT another
 * program holds it (err names its pid: a squatter); VG_EIO otherwise. */
int vg_server_start(vg_server_t **out, uv_loop_t *loop, const char *name,
                    vg_server_handler h, void *ud, char *err, size_t errsz);
/* Closes the listener and every client; done runs when all are closed and
 * the server's memory is released. */
void vg_server_close(vg_server_t *s, void (*done)(void *ud), void *ud);
/* Connected clients. */
size_t vg_server_clients(const vg_server_t *s);
/* The defaults (the VG_* constants above). */
void vg_server_limits_default(vg_server_limits_t *l);
/* Replaces the limits; applies to what happens from now on. */
void vg_server_set_limits(vg_server_t *s, const vg_server_limits_t *l);
/* Fills out from the server's accounting. */
void vg_server_stats(const vg_server_t *s, vg_server_stats_t *out);

/* Platform part (adapters/win/pipe_win.c, adapters/posix/pipe_posix.c): a
 * listener that owns the endpoint and announces each pending connection on
 * the loop thread. On Windows it creates the pipe instances itself (security
 * descriptor, remote clients rejected, first instance only). */
typedef struct vg__listener_s vg__listener_t;
typedef void (*vg__listen_cb)(vg__listener_t *l, void *ud);

/* Creates the endpoint and starts accepting; cb runs once per pending
 * connection. Returns 0 or a VG_E* code with err set (as vg_server_start). */
int vg__pipe_listen(uv_loop_t *loop, const char *name, vg__listen_cb cb,
                    void *ud, vg__listener_t **out, char *err, size_t errsz);
/* Accepts the connection cb announced into client (uv_pipe_init'ed by the
 * caller). 0 or VG_EIO. A connection not accepted in cb is dropped. */
int vg__pipe_accept(vg__listener_t *l, uv_pipe_t *client);
/* Who connected: fills peer->user and peer->pid from the kernel's view of
 * the other end (SO_PEERCRED / getpeereid; the client process's token on
 * Windows), at accept, before anything is read. */
void vg__pipe_identity(uv_pipe_t *client, vg_peer_t *peer);
/* Whether the caller is privileged (peer->privileged). The server asks
 * once the client's first request line has arrived (Windows impersonates a
 * pipe client only after reading from it). */
void vg__pipe_peer(uv_pipe_t *client, vg_peer_t *peer);
/* Stops accepting, removes what listen created (the socket file on POSIX)
 * and frees l; done(ud) runs on the loop thread once that is finished. */
void vg__pipe_close(vg__listener_t *l, void (*done)(void *ud), void *ud);

#endif /* VG_SERVER_H */
