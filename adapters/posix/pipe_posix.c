/* pipe_posix.c: the query server's Unix socket. */
#include "client.h"
#include "server.h"

#include "vg.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* The kernel's view of the other end of fd: uid, and pid where the
 * system says. 0 or VG_ENOTSUP. */
static int sock_peer(int fd, unsigned long *uid, long *pid) {
#if defined(SO_PEERCRED)
  struct ucred cr;
  socklen_t len = sizeof(cr);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0)
    return VG_ENOTSUP;
  *uid = (unsigned long)cr.uid;
  *pid = (long)cr.pid;
  return 0;
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) ||    \
    defined(__NetBSD__)
  uid_t u;
  gid_t g;
  if (getpeereid(fd, &u, &g) != 0) return VG_ENOTSUP;
  *uid = (unsigned long)u;
  *pid = 0;
  return 0;
#else
  (void)fd, (void)uid, (void)pid;
  return VG_ENOTSUP;
#endif
}

/* A socket file with nobody listening is left over from a crash: remove it.
 * One with a listener means another agent runs (VG_EEXIST) or, when the
 * listener runs as another account than root or ours, a squatter
 * (VG_ESQUAT); *pid and *uid then say who. */
static int pipe_stale(const char *name, long *pid, unsigned long *uid) {
  struct sockaddr_un sa;
  int fd, rc, e;
  *pid = 0;
  *uid = 0;
  if (strlen(name) >= sizeof(sa.sun_path)) return 0;
  memset(&sa, 0, sizeof(sa));
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, name, strlen(name) + 1);
  fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
  e = errno;
  if (rc == 0 && sock_peer(fd, uid, pid) == 0 && *uid != 0 &&
      *uid != (unsigned long)geteuid()) {
    close(fd);
    return VG_ESQUAT;
  }
  close(fd);
  if (rc == 0) return VG_EEXIST;
  if (e == ECONNREFUSED) unlink(name);
  return 0;
}

struct vg__listener_s {
  uv_pipe_t pipe;
  char name[512];
  vg__listen_cb cb;
  void *ud;
  void (*done)(void *ud);
  void *done_ud;
};

static void listener_connection_cb(uv_stream_t *st, int status) {
  vg__listener_t *l = st->data;
  if (status < 0) return;
  l->cb(l, l->ud);
}

static void listener_free_cb(uv_handle_t *h) {
  vg__listener_t *l = h->data;
  void (*done)(void *) = l->done;
  void *ud = l->done_ud;
  free(l);
  if (done) done(ud);
}

int vg__pipe_listen(uv_loop_t *loop, const char *name, vg__listen_cb cb,
                    void *ud, vg__listener_t **out, char *err, size_t errsz) {
  vg__listener_t *l;
  unsigned long uid;
  long pid;
  int rc;
  *out = NULL;
  /* A client that hangs up mid-answer must cost an EPIPE, not the agent. */
  signal(SIGPIPE, SIG_IGN);
  rc = pipe_stale(name, &pid, &uid);
  if (rc == VG_EEXIST) {
    snprintf(err, errsz,
             "Vigil is already running (its socket %s answers, pid %ld); "
             "stop it first",
             name, pid);
    return VG_EEXIST;
  }
  if (rc == VG_ESQUAT) {
    snprintf(err, errsz,
             "another program holds the socket %s (pid %ld, uid %lu): it is "
             "not Vigil, so Vigil cannot answer queries; stop that program "
             "and start Vigil again",
             name, pid, uid);
    return VG_ESQUAT;
  }
  l = calloc(1, sizeof(*l));
  if (l == NULL) {
    snprintf(err, errsz, "out of memory");
    return VG_ENOMEM;
  }
  vg_strlcpy(l->name, name, sizeof(l->name));
  l->cb = cb;
  l->ud = ud;
  uv_pipe_init(loop, &l->pipe, 0);
  l->pipe.data = l;
  rc = uv_pipe_bind(&l->pipe, name);
  if (rc != 0) l->name[0] = '\0'; /* not ours to remove */
  if (rc == 0) {
    chmod(name, 0666); /* any local user may query; see vg__pipe_peer */
    rc = uv_listen((uv_stream_t *)&l->pipe, VG_LISTEN_BACKLOG,
                   listener_connection_cb);
  }
  if (rc != 0) {
    snprintf(err, errsz, "cannot listen on %s: %s", name, uv_strerror(rc));
    if (l->name[0]) unlink(l->name);
    /* The handle's memory is ours until its close callback has run. */
    uv_close((uv_handle_t *)&l->pipe, listener_free_cb);
    return rc == UV_EADDRINUSE ? VG_EEXIST : VG_EIO;
  }
  *out = l;
  return 0;
}

int vg__pipe_accept(vg__listener_t *l, uv_pipe_t *client) {
  return uv_accept((uv_stream_t *)&l->pipe, (uv_stream_t *)client) == 0
             ? 0
             : VG_EIO;
}

void vg__pipe_identity(uv_pipe_t *client, vg_peer_t *peer) {
  uv_os_fd_t fd;
  unsigned long uid;
  long pid;
  peer->user[0] = '\0';
  peer->pid = 0;
  if (uv_fileno((uv_handle_t *)client, &fd) == 0 &&
      sock_peer(fd, &uid, &pid) == 0) {
    snprintf(peer->user, sizeof(peer->user), "uid:%lu", uid);
    peer->pid = pid;
  }
}

void vg__pipe_peer(uv_pipe_t *client, vg_peer_t *peer) {
  uv_os_fd_t fd;
  unsigned long uid;
  long pid;
  peer->privileged = 0;
  if (uv_fileno((uv_handle_t *)client, &fd) == 0 &&
      sock_peer(fd, &uid, &pid) == 0)
    peer->privileged = uid == 0 || uid == (unsigned long)geteuid();
}

/* ------------------------------------------------------- client side */

void vg__client_connect(uv_connect_t *req, uv_pipe_t *p, const char *name,
                        uv_connect_cb cb) {
  uv_pipe_connect(req, p, name, cb);
}

/* Trusted: a server running as root (a system service) or as ourselves
 * (`vigil run` in a terminal). */
int vg__client_check_server(uv_pipe_t *p, const char *name, char *err,
                            size_t errsz) {
  uv_os_fd_t fd;
  unsigned long uid;
  long pid;
  if (uv_fileno((uv_handle_t *)p, &fd) != 0 || sock_peer(fd, &uid, &pid) != 0) {
    snprintf(err, errsz,
             "cannot tell which process serves %s; not trusting its answer",
             name);
    return VG_EUNTRUSTED;
  }
  if (uid == 0 || uid == (unsigned long)geteuid()) return 0;
  snprintf(err, errsz,
           "%s is served by process %ld running as uid %lu, not by Vigil "
           "(root or your own account); not trusting its answer: stop that "
           "process, then start Vigil",
           name, pid, uid);
  return VG_EUNTRUSTED;
}

void vg__pipe_close(vg__listener_t *l, void (*done)(void *ud), void *ud) {
  l->done = done;
  l->done_ud = ud;
  if (l->name[0]) unlink(l->name);
  uv_close((uv_handle_t *)&l->pipe, listener_free_cb);
}
