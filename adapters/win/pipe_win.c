/* pipe_win.c: the query server's named pipe \\.\pipe\vigil. libuv's
 * uv_pipe_bind cannot set a security descriptor or reject remote clients,
 * so the instances are created here (pipe_win.h has the exact settings): a
 * helper thread keeps a few overlapped instances waiting in ConnectNamedPipe
 * and hands each connected one to the loop, where libuv takes it over with
 * uv_pipe_open. */
#include "server.h"

#include "pipe_win.h"
#include "vg.h"
#include "vg_win.h"

#include <io.h>
#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VG_PIPE_RETRY_MS 500 /* after CreateNamedPipeW failed */

struct vg__listener_s {
  uv_loop_t *loop;
  uv_async_t async; /* helper thread -> loop: connections queued */
  uv_thread_t thread;
  int thread_running;
  HANDLE stop_ev; /* loop -> helper thread: stop */
  wchar_t *wname;
  PSECURITY_DESCRIPTOR sd;
  HANDLE first; /* made on the loop thread, then the helper's */
  uv_mutex_t mu;
  HANDLE queue[VG_PIPE_QUEUE]; /* connected instances, under mu */
  size_t qhead, qlen;
  HANDLE offered; /* the connection cb may take (loop thread) */
  int closing;
  vg__listen_cb cb;
  void *ud;
  void (*done)(void *ud);
  void *done_ud;
};

/* ------------------------------------------------------ helper thread */

static HANDLE pipe_instance(const vg__listener_t *l, int first) {
  SECURITY_ATTRIBUTES sa;
  sa.nLength = sizeof(sa);
  sa.lpSecurityDescriptor = l->sd;
  sa.bInheritHandle = FALSE;
  return CreateNamedPipeW(
      l->wname, VG_PIPE_OPEN_MODE | (first ? FILE_FLAG_FIRST_PIPE_INSTANCE : 0),
      VG_PIPE_MODE, PIPE_UNLIMITED_INSTANCES, VG_PIPE_BUFSIZE,
      VG_PIPE_BUFSIZE, 0, &sa);
}

/* Queues a connected instance for the loop; drops the client when the loop
 * is that far behind. Helper thread. */
static void pipe_deliver(vg__listener_t *l, HANDLE h) {
  int queued = 0;
  uv_mutex_lock(&l->mu);
  if (l->qlen < VG_PIPE_QUEUE) {
    l->queue[(l->qhead + l->qlen) % VG_PIPE_QUEUE] = h;
    l->qlen++;
    queued = 1;
  }
  uv_mutex_unlock(&l->mu);
  if (!queued) CloseHandle(h);
  uv_async_send(&l->async);
}

/* Puts a waiting instance in a slot: creates one if the slot is empty and
 * starts ConnectNamedPipe. Clients that are already there are delivered
 * at once. Leaves the slot empty (retried later) when creation fails. */
static void pipe_arm(vg__listener_t *l, HANDLE *slot, OVERLAPPED *ov) {
  int spins;
  for (spins = 0; spins < 64; spins++) {
    HANDLE ev = ov->hEvent;
    DWORD e;
    if (*slot == INVALID_HANDLE_VALUE) {
      *slot = pipe_instance(l, 0);
      if (*slot == INVALID_HANDLE_VALUE) return;
    }
    memset(ov, 0, sizeof(*ov));
    ov->hEvent = ev;
    ResetEvent(ev);
    if (ConnectNamedPipe(*slot, ov)) e = ERROR_PIPE_CONNECTED;
    else e = GetLastError();
    if (e == ERROR_IO_PENDING) return;
    if (e == ERROR_PIPE_CONNECTED) pipe_deliver(l, *slot);
    else CloseHandle(*slot); /* e.g. the client came and went already */
    *slot = INVALID_HANDLE_VALUE;
  }
}

static void pipe_thread(void *arg) {
  vg__listener_t *l = arg;
  HANDLE slots[VG_PIPE_INSTANCES];
  OVERLAPPED ov[VG_PIPE_INSTANCES];
  HANDLE waits[VG_PIPE_INSTANCES + 1];
  DWORD i, w, n;
  int missing;
  waits[0] = l->stop_ev;
  for (i = 0; i < VG_PIPE_INSTANCES; i++) {
    memset(&ov[i], 0, sizeof(ov[i]));
    ov[i].hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    waits[i + 1] = ov[i].hEvent;
    slots[i] = i == 0 ? l->first : INVALID_HANDLE_VALUE;
  }
  l->first = INVALID_HANDLE_VALUE;
  for (i = 0; i < VG_PIPE_INSTANCES; i++) pipe_arm(l, &slots[i], &ov[i]);
  for (;;) {
    missing = 0;
    for (i = 0; i < VG_PIPE_INSTANCES; i++)
      if (slots[i] == INVALID_HANDLE_VALUE) missing = 1;
    w = WaitForMultipleObjects(VG_PIPE_INSTANCES + 1, waits, FALSE,
                               missing ? VG_PIPE_RETRY_MS : INFINITE);
    if (w == WAIT_OBJECT_0) break;
    if (w == WAIT_FAILED) {
      Sleep(VG_PIPE_RETRY_MS);
      continue;
    }
    if (w > WAIT_OBJECT_0 && w <= WAIT_OBJECT_0 + VG_PIPE_INSTANCES) {
      i = w - WAIT_OBJECT_0 - 1;
      if (slots[i] != INVALID_HANDLE_VALUE) {
        if (GetOverlappedResult(slots[i], &ov[i], &n, FALSE) ||
            GetLastError() == ERROR_PIPE_CONNECTED)
          pipe_deliver(l, slots[i]);
        else
          CloseHandle(slots[i]);
        slots[i] = INVALID_HANDLE_VALUE;
      } else {
        ResetEvent(ov[i].hEvent);
      }
    }
    for (i = 0; i < VG_PIPE_INSTANCES; i++)
      if (slots[i] == INVALID_HANDLE_VALUE) pipe_arm(l, &slots[i], &ov[i]);
  }
  for (i = 0; i < VG_PIPE_INSTANCES; i++) {
    if (slots[i] != INVALID_HANDLE_VALUE) {
      /* The OVERLAPPED must outlive the cancelled connect. */
      CancelIo(slots[i]);
      GetOverlappedResult(slots[i], &ov[i], &n, TRUE);
      CloseHandle(slots[i]);
    }
    CloseHandle(ov[i].hEvent);
  }
}

/* --------------------------------------------------------- loop thread */

static void pipe_async_cb(uv_async_t *a) {
  vg__listener_t *l = a->data;
  for (;;) {
    HANDLE h = INVALID_HANDLE_VALUE;
    uv_mutex_lock(&l->mu);
    if (l->qlen > 0) {
      h = l->queue[l->qhead];
      l->qhead = (l->qhead + 1) % VG_PIPE_QUEUE;
      l->qlen--;
    }
    uv_mutex_unlock(&l->mu);
    if (h == INVALID_HANDLE_VALUE) break;
    l->offered = h;
    if (!l->closing) l->cb(l, l->ud);
    if (l->offered != INVALID_HANDLE_VALUE) CloseHandle(l->offered);
    l->offered = INVALID_HANDLE_VALUE;
  }
}

static void pipe_free(vg__listener_t *l) {
  if (l->first != INVALID_HANDLE_VALUE) CloseHandle(l->first);
  if (l->stop_ev) CloseHandle(l->stop_ev);
  if (l->sd) LocalFree(l->sd);
  free(l->wname);
  free(l);
}

static int pipe_fail(vg__listener_t *l, int rc) {
  pipe_free(l);
  return rc;
}

int vg__pipe_listen(uv_loop_t *loop, const char *name, vg__listen_cb cb,
                    void *ud, vg__listener_t **out, char *err, size_t errsz) {
  vg__listener_t *l = calloc(1, sizeof(*l));
  char msg[300];
  DWORD e, instances = 0;
  *out = NULL;
  if (l == NULL || (l->wname = vg_wide(name)) == NULL) {
    free(l);
    snprintf(err, errsz, "out of memory");
    return VG_ENOMEM;
  }
  l->loop = loop;
  l->cb = cb;
  l->ud = ud;
  l->first = l->offered = INVALID_HANDLE_VALUE;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(
          VG_PIPE_SDDL, SDDL_REVISION_1, &l->sd, NULL)) {
    snprintf(err, errsz, "cannot build the security descriptor of %s: %s",
             name, vg_win_msg(GetLastError(), msg, sizeof(msg)));
    return pipe_fail(l, VG_EIO);
  }
  l->first = pipe_instance(l, 1);
  e = l->first == INVALID_HANDLE_VALUE ? GetLastError() : 0;
  /* FILE_FLAG_FIRST_PIPE_INSTANCE makes Windows refuse a name another
   * process holds (access denied); Wine ignores the flag, so the instance
   * count is checked as well. */
  if (e == 0 &&
      GetNamedPipeHandleStateW(l->first, NULL, &instances, NULL, NULL, NULL,
                               0) &&
      instances > 1)
    e = ERROR_ACCESS_DENIED;
  if (e == ERROR_ACCESS_DENIED || e == ERROR_PIPE_BUSY) {
    snprintf(err, errsz,
             "Vigil is already running (another process owns the pipe %s); "
             "stop it first with `vigil stop` or `net stop Vigil`",
             name);
    return pipe_fail(l, VG_EEXIST);
  }
  if (e != 0) {
    snprintf(err, errsz, "cannot create the pipe %s: %s", name,
             vg_win_msg(e, msg, sizeof(msg)));
    return pipe_fail(l, VG_EIO);
  }
  l->stop_ev = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (l->stop_ev == NULL || uv_mutex_init(&l->mu) != 0) {
    snprintf(err, errsz, "cannot create the pipe listener: %s",
             vg_win_msg(GetLastError(), msg, sizeof(msg)));
    return pipe_fail(l, VG_EIO);
  }
  if (uv_async_init(loop, &l->async, pipe_async_cb) != 0) {
    uv_mutex_destroy(&l->mu);
    snprintf(err, errsz, "cannot create the pipe listener");
    return pipe_fail(l, VG_EIO);
  }
  l->async.data = l;
  if (uv_thread_create(&l->thread, pipe_thread, l) != 0) {
    snprintf(err, errsz, "cannot start the pipe listener thread");
    /* The async handle's memory is l's: free l from its close callback. */
    vg__pipe_close(l, NULL, NULL);
    return VG_EIO;
  }
  l->thread_running = 1;
  *out = l;
  return 0;
}

int vg__pipe_accept(vg__listener_t *l, uv_pipe_t *client) {
  HANDLE h = l->offered;
  int fd;
  if (h == INVALID_HANDLE_VALUE) return VG_EIO;
  l->offered = INVALID_HANDLE_VALUE;
  fd = _open_osfhandle((intptr_t)h, 0);
  if (fd < 0) {
    CloseHandle(h);
    return VG_EIO;
  }
  if (uv_pipe_open(client, fd) != 0) {
    _close(fd);
    return VG_EIO;
  }
  /* For descriptors 0-2 libuv keeps a duplicate of the handle: drop ours,
   * or the client would never see the pipe close. (A service has no
   * standard streams, so these numbers do come up.) */
  if (fd <= 2) _close(fd);
  return 0;
}

/* Whether tok (an impersonation or primary token) has Administrators
 * enabled: an elevated admin or SYSTEM, not a non-elevated admin (whose
 * token has the group for deny only). */
static int token_is_admin(HANDLE tok, int primary) {
  BYTE sid[SECURITY_MAX_SID_SIZE];
  DWORD n = sizeof(sid);
  HANDLE imp = NULL;
  BOOL member = FALSE;
  if (!CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, sid, &n))
    return 0;
  /* CheckTokenMembership wants an impersonation token. */
  if (primary && !DuplicateToken(tok, SecurityIdentification, &imp)) return 0;
  if (!CheckTokenMembership(primary ? imp : tok, sid, &member))
    member = FALSE;
  if (imp) CloseHandle(imp);
  return member != FALSE;
}

/* The caller as the pipe presents it (its thread's identity). */
static int pipe_client_impersonated_admin(HANDLE h) {
  HANDLE tok;
  int admin = 0;
  if (!ImpersonateNamedPipeClient(h)) return 0;
  if (OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &tok)) {
    admin = token_is_admin(tok, 0);
    CloseHandle(tok);
  }
  /* Going on as the client would be far worse than stopping. */
  if (!RevertToSelf()) abort();
  return admin;
}

/* The caller's process token. */
static int pipe_client_process_admin(HANDLE h) {
  ULONG pid = 0;
  HANDLE proc, tok;
  int admin = 0;
  if (!GetNamedPipeClientProcessId(h, &pid) || pid == 0) return 0;
  proc = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
  if (proc == NULL) return 0;
  if (OpenProcessToken(proc, TOKEN_QUERY | TOKEN_DUPLICATE, &tok)) {
    admin = token_is_admin(tok, 1);
    CloseHandle(tok);
  }
  CloseHandle(proc);
  return admin;
}

/* Both views must say Administrators. On Windows they agree for an
 * ordinary client; Wine's ImpersonateNamedPipeClient impersonates the
 * server itself, so there only the process token tells. */
void vg__pipe_peer(uv_pipe_t *client, vg_peer_t *peer) {
  uv_os_fd_t h;
  peer->privileged = 0;
  if (uv_fileno((const uv_handle_t *)client, &h) != 0) return;
  peer->privileged = pipe_client_impersonated_admin((HANDLE)h) &&
                     pipe_client_process_admin((HANDLE)h);
}

static void pipe_closed_cb(uv_handle_t *h) {
  vg__listener_t *l = h->data;
  void (*done)(void *) = l->done;
  void *ud = l->done_ud;
  uv_mutex_destroy(&l->mu);
  pipe_free(l);
  if (done) done(ud);
}

void vg__pipe_close(vg__listener_t *l, void (*done)(void *ud), void *ud) {
  l->closing = 1;
  l->done = done;
  l->done_ud = ud;
  if (l->thread_running) {
    /* The helper only waits: it notices the event at once. */
    SetEvent(l->stop_ev);
    uv_thread_join(&l->thread);
    l->thread_running = 0;
  }
  while (l->qlen > 0) {
    CloseHandle(l->queue[l->qhead]);
    l->qhead = (l->qhead + 1) % VG_PIPE_QUEUE;
    l->qlen--;
  }
  uv_close((uv_handle_t *)&l->async, pipe_closed_cb);
}
