/* pipe_win.c: the query server's named pipe \\.\pipe\vigil. */
#include "server.h"

#include "vg.h"

#include <stdio.h>

int vg__pipe_listen(uv_loop_t *loop, uv_pipe_t *srv, const char *name,
                    uv_connection_cb cb, char *err, size_t errsz) {
  int rc;
  (void)loop;
  rc = uv_pipe_bind(srv, name);
  if (rc == 0) rc = uv_listen((uv_stream_t *)srv, VG_LISTEN_BACKLOG, cb);
  if (rc != 0) {
    if (rc == UV_EADDRINUSE || rc == UV_EACCES) {
      snprintf(err, errsz,
               "Vigil is already running (pipe %s is taken); stop it first "
               "with `vigil stop`",
               name);
      return VG_EEXIST;
    }
    snprintf(err, errsz, "cannot create pipe %s: %s", name, uv_strerror(rc));
    return VG_EIO;
  }
  return 0;
}

int vg__pipe_accept(uv_pipe_t *srv, uv_pipe_t *client) {
  return uv_accept((uv_stream_t *)srv, (uv_stream_t *)client) == 0 ? 0
                                                                    : VG_EIO;
}

void vg__pipe_peer(uv_pipe_t *client, vg_peer_t *peer) {
  (void)client;
  peer->privileged = 1; /* token check: issue 4 */
}

void vg__pipe_cleanup(const char *name) { (void)name; }
