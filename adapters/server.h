/* server.h: the query server - newline-delimited JSON over a local pipe
 * (\\.\pipe\vigil on Windows, a Unix socket on POSIX). Loop thread only. */
#ifndef VG_SERVER_H
#define VG_SERVER_H

#include "json.h"

#include <uv.h>

#include <stddef.h>

#define VG_REQUEST_MAX (64 * 1024) /* bytes in one request line */
#define VG_SERVER_MAX_CLIENTS 1024
#define VG_CLIENT_OUTBUF_MAX (8 * 1024 * 1024) /* unsent bytes per client */
#define VG_CLIENT_IDLE_MS 60000
#define VG_LISTEN_BACKLOG 1024 /* pending connections a burst may queue */

typedef struct vg_server_s vg_server_t;

/* What the server knows of the caller. */
typedef struct vg_peer_s {
  int privileged; /* member of Administrators (Windows) / root or our uid */
} vg_peer_t;

/* Handles one request line and writes one JSON response into resp (an
 * empty writer). Loop thread. */
typedef void (*vg_server_handler)(void *ud, const vg_peer_t *peer,
                                  const char *line, size_t len, vg_jw_t *resp);

/* Binds name and starts accepting. Returns 0 or a VG_E* code with err set
 * (VG_EEXIST: another process already serves this name). */
int vg_server_start(vg_server_t **out, uv_loop_t *loop, const char *name,
                    vg_server_handler h, void *ud, char *err, size_t errsz);
/* Closes the listener and every client; done runs when all are closed and
 * the server's memory is released. */
void vg_server_close(vg_server_t *s, void (*done)(void *ud), void *ud);
/* Connected clients. */
size_t vg_server_clients(const vg_server_t *s);

/* Platform part (service/win/pipe_win.c, service/posix/pipe_posix.c): a
 * listener that owns the endpoint and announces each pending connection on
 * the loop thread. On Windows it creates the pipe instances itself (security
 * descriptor, remote clients rejected, first instance only). */
typedef struct vg__listener_s vg__listener_t;
typedef void (*vg__listen_cb)(vg__listener_t *l, void *ud);

/* Creates the endpoint and starts accepting; cb runs once per pending
 * connection. Returns 0 or a VG_E* code with err set (VG_EEXIST: another
 * process already serves this name). */
int vg__pipe_listen(uv_loop_t *loop, const char *name, vg__listen_cb cb,
                    void *ud, vg__listener_t **out, char *err, size_t errsz);
/* Accepts the connection cb announced into client (uv_pipe_init'ed by the
 * caller). 0 or VG_EIO. A connection not accepted in cb is dropped. */
int vg__pipe_accept(vg__listener_t *l, uv_pipe_t *client);
/* Who is on the other end. The server asks once the client's first request
 * line has arrived (Windows impersonates a pipe client only after reading
 * from it). */
void vg__pipe_peer(uv_pipe_t *client, vg_peer_t *peer);
/* Stops accepting, removes what listen created (the socket file on POSIX)
 * and frees l; done(ud) runs on the loop thread once that is finished. */
void vg__pipe_close(vg__listener_t *l, void (*done)(void *ud), void *ud);

#endif /* VG_SERVER_H */
