/* pipe_win.c: the query server's named pipe \\.\pipe\vigil. libuv's
 * uv_pipe_bind cannot set a security descriptor or reject remote clients,
 * so the instances are created here (pipe_win.h has the exact settings): a
 * helper thread keeps a few overlapped instances waiting in ConnectNamedPipe
 * and hands each connected one to the loop, where libuv takes it over with
 * uv_pipe_open. */
#include "client.h"
#include "server.h"

#include "pipe_win.h"
#include "vg.h"
#include "vg_win.h"

#include <io.h>
#include <aclapi.h>
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

/* ------------------------------------------------ who is a process */

/* The user SID of tok into buf; NULL on failure. */
static PSID token_user(HANDLE tok, BYTE *buf, DWORD size) {
  DWORD n = 0;
  if (!GetTokenInformation(tok, TokenUser, buf, size, &n)) return NULL;
  return ((TOKEN_USER *)buf)->User.Sid;
}

/* The user SID of process pid into buf: 0 or a Win32 error. */
static DWORD process_user(DWORD pid, BYTE *buf, DWORD size, PSID *sid) {
  HANDLE proc, tok;
  DWORD e = 0;
  proc = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
  if (proc == NULL) return GetLastError();
  if (!OpenProcessToken(proc, TOKEN_QUERY, &tok)) {
    e = GetLastError();
  } else {
    *sid = token_user(tok, buf, size);
    if (*sid == NULL) e = GetLastError();
    CloseHandle(tok);
  }
  CloseHandle(proc);
  return e;
}

static void sid_text(PSID sid, char *out, size_t outsz) {
  LPWSTR w = NULL;
  if (sid == NULL || !ConvertSidToStringSidW(sid, &w) ||
      vg_utf8(w, out, outsz) != 0)
    snprintf(out, outsz, "?");
  if (w) LocalFree(w);
}

/* The full image path of process pid, "" when it cannot be read. */
static void process_image(DWORD pid, wchar_t *out, DWORD n) {
  HANDLE proc = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
  out[0] = L'\0';
  if (proc == NULL) return;
  if (!QueryFullProcessImageNameW(proc, 0, out, &n)) out[0] = L'\0';
  CloseHandle(proc);
}

/* Whether process pid runs this same program file. */
static int process_is_us(DWORD pid) {
  wchar_t theirs[MAX_PATH * 2], ours[MAX_PATH * 2];
  process_image(pid, theirs, MAX_PATH * 2);
  process_image(GetCurrentProcessId(), ours, MAX_PATH * 2);
  return theirs[0] && ours[0] &&
         CompareStringOrdinal(theirs, -1, ours, -1, TRUE) == CSTR_EQUAL;
}

/* "pid 1234, C:\path\prog.exe" for messages. */
static void process_text(DWORD pid, char *out, size_t outsz) {
  wchar_t img[MAX_PATH * 2];
  char u[MAX_PATH * 3];
  process_image(pid, img, MAX_PATH * 2);
  if (img[0] && vg_utf8(img, u, sizeof(u)) == 0)
    snprintf(out, outsz, "pid %lu, %s", (unsigned long)pid, u);
  else
    snprintf(out, outsz, "pid %lu", (unsigned long)pid);
}

/* Opens name as a client that lets the server identify it but never act
 * as it. INVALID_HANDLE_VALUE with *e set on failure. */
static HANDLE pipe_open_client(const wchar_t *w, DWORD access, DWORD flags,
                               DWORD wait_ms, DWORD *e) {
  uint64_t until = uv_hrtime() / 1000000u + wait_ms;
  HANDLE h;
  for (;;) {
    h = CreateFileW(w, access, 0, NULL, OPEN_EXISTING,
                    flags | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION,
                    NULL);
    if (h != INVALID_HANDLE_VALUE) return h;
    *e = GetLastError();
    if (*e != ERROR_PIPE_BUSY || uv_hrtime() / 1000000u >= until) return h;
    WaitNamedPipeW(w, 500);
  }
}

/* Whether process pid is the Vigil service of another install: a
 * vigil.exe running as LocalSystem (only an administrator can start one). */
static int process_is_vigil_service(DWORD pid) {
  wchar_t img[MAX_PATH * 2], *base;
  BYTE buf[SECURITY_MAX_SID_SIZE + sizeof(TOKEN_USER)];
  PSID sid = NULL;
  process_image(pid, img, MAX_PATH * 2);
  base = wcsrchr(img, L'\\');
  base = base ? base + 1 : img;
  return CompareStringOrdinal(base, -1, L"vigil.exe", -1, TRUE) == CSTR_EQUAL &&
         process_user(pid, buf, sizeof(buf), &sid) == 0 &&
         IsWellKnownSid(sid, WinLocalSystemSid);
}

/* The name is taken: says who holds it. Another Vigil (the same program
 * file, or a vigil.exe running as LocalSystem) is VG_EEXIST; anything
 * else is a squatter, VG_ESQUAT. */
static int pipe_taken(const char *name, const wchar_t *w, char *err,
                      size_t errsz) {
  DWORD e = 0;
  ULONG pid = 0;
  char who[MAX_PATH * 3 + 40], msg[300];
  HANDLE h = pipe_open_client(w, GENERIC_READ, 0, 2000, &e);
  if (h != INVALID_HANDLE_VALUE) {
    if (!GetNamedPipeServerProcessId(h, &pid)) pid = 0;
    CloseHandle(h);
  }
  if (pid != 0) process_text(pid, who, sizeof(who));
  if (pid != 0 && (process_is_us(pid) || process_is_vigil_service(pid))) {
    snprintf(err, errsz,
             "Vigil is already running (%s owns the pipe %s); stop it first "
             "with `vigil stop` or `net stop Vigil`",
             who, name);
    return VG_EEXIST;
  }
  if (pid != 0) {
    snprintf(err, errsz,
             "another program holds the pipe %s (%s): it is not Vigil, so "
             "Vigil cannot answer queries; stop that program (taskkill /pid "
             "%lu) and start Vigil again",
             name, who, (unsigned long)pid);
  } else {
    snprintf(err, errsz,
             "another process holds the pipe %s and could not be identified "
             "(%s); if Vigil is not already running, find and stop that "
             "process, then start Vigil again",
             name,
             h == INVALID_HANDLE_VALUE ? vg_win_msg(e, msg, sizeof(msg))
                                       : "it does not say its process id");
  }
  return VG_ESQUAT;
}

/* The security descriptor text: VG_PIPE_SDDL, plus read access for the
 * VG_PIPE_READERS_GROUP group when this machine has one. */
static void pipe_sddl(wchar_t *out, size_t n) {
  BYTE sid[SECURITY_MAX_SID_SIZE];
  wchar_t dom[256];
  DWORD sn = sizeof(sid), dn = 256;
  SID_NAME_USE use;
  LPWSTR text = NULL;
  wcsncpy(out, VG_PIPE_SDDL, n - 1);
  out[n - 1] = L'\0';
  if (LookupAccountNameW(NULL, VG_PIPE_READERS_GROUP, sid, &sn, dom, &dn,
                         &use) &&
      (use == SidTypeAlias || use == SidTypeGroup) &&
      ConvertSidToStringSidW(sid, &text)) {
    size_t len = wcslen(out);
    _snwprintf(out + len, n - len - 1, L"(A;;%ls;;;%ls)", VG_PIPE_READER_RIGHTS,
               text);
    out[n - 1] = L'\0';
    LocalFree(text);
  }
}

/* ------------------------------------------------------ helper thread */

static HANDLE pipe_instance(const vg__listener_t *l, int first) {
  SECURITY_ATTRIBUTES sa;
  sa.nLength = sizeof(sa);
  sa.lpSecurityDescriptor = l->sd;
  sa.bInheritHandle = FALSE;
  return CreateNamedPipeW(
      l->wname, VG_PIPE_OPEN_MODE | (first ? FILE_FLAG_FIRST_PIPE_INSTANCE : 0),
      VG_PIPE_MODE, PIPE_UNLIMITED_INSTANCES, VG_PIPE_BUFSIZE, VG_PIPE_BUFSIZE,
      0, &sa);
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
    if (ConnectNamedPipe(*slot, ov))
      e = ERROR_PIPE_CONNECTED;
    else
      e = GetLastError();
    if (e == ERROR_IO_PENDING) return;
    if (e == ERROR_PIPE_CONNECTED)
      pipe_deliver(l, *slot);
    else
      CloseHandle(*slot); /* e.g. the client came and went already */
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
  for (i = 0; i < VG_PIPE_INSTANCES; i++)
    pipe_arm(l, &slots[i], &ov[i]);
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
  wchar_t sddl[512];
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
  pipe_sddl(sddl, VG_ARRAY_SIZE(sddl));
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(
          sddl, SDDL_REVISION_1, &l->sd, NULL)) {
    snprintf(err, errsz, "cannot build the security descriptor of %s: %s", name,
             vg_win_msg(GetLastError(), msg, sizeof(msg)));
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
    int rc;
    /* Under Wine our own instance exists: it must not answer the probe. */
    if (l->first != INVALID_HANDLE_VALUE) CloseHandle(l->first);
    l->first = INVALID_HANDLE_VALUE;
    rc = pipe_taken(name, l->wname, err, errsz);
    return pipe_fail(l, rc);
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
  if (!CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, sid, &n)) return 0;
  /* CheckTokenMembership wants an impersonation token. */
  if (primary && !DuplicateToken(tok, SecurityIdentification, &imp)) return 0;
  if (!CheckTokenMembership(primary ? imp : tok, sid, &member)) member = FALSE;
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

void vg__pipe_identity(uv_pipe_t *client, vg_peer_t *peer) {
  uv_os_fd_t h;
  ULONG pid = 0;
  BYTE buf[SECURITY_MAX_SID_SIZE + sizeof(TOKEN_USER)];
  PSID sid = NULL;
  peer->user[0] = '\0';
  peer->pid = 0;
  if (uv_fileno((const uv_handle_t *)client, &h) != 0 ||
      !GetNamedPipeClientProcessId((HANDLE)h, &pid) || pid == 0)
    return;
  peer->pid = (long)pid;
  if (process_user(pid, buf, sizeof(buf), &sid) == 0)
    sid_text(sid, peer->user, sizeof(peer->user));
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

/* ------------------------------------------------------- client side */

void vg__client_connect(uv_connect_t *req, uv_pipe_t *p, const char *name,
                        uv_connect_cb cb) {
  wchar_t *w = vg_wide(name);
  DWORD e = ERROR_NOT_ENOUGH_MEMORY;
  HANDLE h = INVALID_HANDLE_VALUE;
  int fd, status = 0;
  req->handle = (uv_stream_t *)p;
  if (w)
    h = pipe_open_client(w, GENERIC_READ | GENERIC_WRITE, FILE_FLAG_OVERLAPPED,
                         VG_CLIENT_TIMEOUT_MS, &e);
  free(w);
  if (h == INVALID_HANDLE_VALUE) {
    status = uv_translate_sys_error((int)e);
  } else if ((fd = _open_osfhandle((intptr_t)h, 0)) < 0) {
    CloseHandle(h);
    status = UV_EIO;
  } else if ((status = uv_pipe_open(p, fd)) != 0) {
    _close(fd);
  } else if (fd <= 2) {
    _close(fd); /* libuv keeps its own duplicate of 0-2 (vg__pipe_accept) */
  }
  cb(req, status);
}

/* The owner of the pipe object: who created it. */
static int pipe_owner_trusted(HANDLE h, char *who, size_t whosz) {
  PSID owner = NULL;
  PSECURITY_DESCRIPTOR sd = NULL;
  int ok = 0;
  who[0] = '\0';
  if (GetSecurityInfo(h, SE_KERNEL_OBJECT, OWNER_SECURITY_INFORMATION, &owner,
                      NULL, NULL, NULL, &sd) != ERROR_SUCCESS)
    return 0;
  ok = owner && (IsWellKnownSid(owner, WinLocalSystemSid) ||
                 IsWellKnownSid(owner, WinBuiltinAdministratorsSid));
  sid_text(owner, who, whosz);
  LocalFree(sd);
  return ok;
}

/* Trusted: a server running as LocalSystem (the service), or this same
 * program file run by the same account (`vigil run --console`). An
 * ordinary user may not open a service's process; then the pipe's owner
 * decides: only SYSTEM or an elevated administrator can create a pipe
 * owned by LocalSystem or Administrators. */
int vg__client_check_server(uv_pipe_t *p, const char *name, char *err,
                            size_t errsz) {
  uv_os_fd_t h;
  ULONG pid = 0;
  BYTE theirs[SECURITY_MAX_SID_SIZE + sizeof(TOKEN_USER)];
  BYTE ours[SECURITY_MAX_SID_SIZE + sizeof(TOKEN_USER)];
  PSID tsid = NULL, osid = NULL;
  HANDLE tok;
  DWORD e;
  char who[MAX_PATH * 3 + 40], acct[120], msg[300];
  if (uv_fileno((const uv_handle_t *)p, &h) != 0 ||
      !GetNamedPipeServerProcessId((HANDLE)h, &pid) || pid == 0) {
    snprintf(err, errsz,
             "cannot tell which process serves %s (%s); not trusting its "
             "answer",
             name, vg_win_msg(GetLastError(), msg, sizeof(msg)));
    return VG_EUNTRUSTED;
  }
  process_text(pid, who, sizeof(who));
  e = process_user(pid, theirs, sizeof(theirs), &tsid);
  if (e == 0) {
    if (IsWellKnownSid(tsid, WinLocalSystemSid)) return 0;
    if (OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok)) {
      osid = token_user(tok, ours, sizeof(ours));
      CloseHandle(tok);
    }
    if (osid && EqualSid(tsid, osid) && process_is_us(pid)) return 0;
    sid_text(tsid, acct, sizeof(acct));
    snprintf(err, errsz,
             "%s is served by %s running as %s: not the Vigil service "
             "(LocalSystem) nor this vigil.exe run by you; not trusting its "
             "answer. Stop that process (taskkill /pid %lu), then start "
             "Vigil",
             name, who, acct, (unsigned long)pid);
    return VG_EUNTRUSTED;
  }
  if (pipe_owner_trusted((HANDLE)h, acct, sizeof(acct))) return 0;
  snprintf(err, errsz,
           "%s is served by %s, which cannot be checked (%s) and whose pipe "
           "is owned by %s, not SYSTEM or Administrators; not trusting its "
           "answer. Stop that process (taskkill /pid %lu), then start Vigil",
           name, who, vg_win_msg(e, msg, sizeof(msg)), acct[0] ? acct : "?",
           (unsigned long)pid);
  return VG_EUNTRUSTED;
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
