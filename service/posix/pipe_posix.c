/* pipe_posix.c: the query server's Unix socket. */
#include "server.h"

#include "vg.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* A socket file with nobody listening is left over from a crash: remove it.
 * One with a listener means another agent runs: refuse. */
static int pipe_stale(const char *name) {
  struct sockaddr_un sa;
  int fd, rc;
  if (strlen(name) >= sizeof(sa.sun_path)) return 0;
  memset(&sa, 0, sizeof(sa));
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, name, strlen(name) + 1);
  fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
  close(fd);
  if (rc == 0) return VG_EEXIST;
  if (errno == ECONNREFUSED) unlink(name);
  return 0;
}

int vg__pipe_listen(uv_loop_t *loop, uv_pipe_t *srv, const char *name,
                    uv_connection_cb cb, char *err, size_t errsz) {
  int rc;
  (void)loop;
  /* A client that hangs up mid-answer must cost an EPIPE, not the agent. */
  signal(SIGPIPE, SIG_IGN);
  if (pipe_stale(name) == VG_EEXIST) {
    snprintf(err, errsz,
             "Vigil is already running (its socket %s answers); stop it "
             "first",
             name);
    return VG_EEXIST;
  }
  rc = uv_pipe_bind(srv, name);
  if (rc == 0) {
    chmod(name, 0666); /* any local user may query; see vg__pipe_peer */
    rc = uv_listen((uv_stream_t *)srv, VG_LISTEN_BACKLOG, cb);
  }
  if (rc != 0) {
    snprintf(err, errsz, "cannot listen on %s: %s", name, uv_strerror(rc));
    return rc == UV_EADDRINUSE ? VG_EEXIST : VG_EIO;
  }
  return 0;
}

int vg__pipe_accept(uv_pipe_t *srv, uv_pipe_t *client) {
  return uv_accept((uv_stream_t *)srv, (uv_stream_t *)client) == 0 ? 0
                                                                    : VG_EIO;
}

void vg__pipe_peer(uv_pipe_t *client, vg_peer_t *peer) {
  uv_os_fd_t fd;
  peer->privileged = 0;
#ifdef SO_PEERCRED
  if (uv_fileno((uv_handle_t *)client, &fd) == 0) {
    struct ucred cr;
    socklen_t len = sizeof(cr);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0)
      peer->privileged = cr.uid == 0 || cr.uid == geteuid();
  }
#else
  (void)client, (void)fd;
#endif
}

void vg__pipe_cleanup(const char *name) {
  if (name && name[0]) unlink(name);
}
