/* service_win.c: the Service Control Manager runtime of vigil.exe - the
 * service entry (`vigil service`), its control handler and status pulses.
 * The agent itself is vg_run() (run.h); this file only tells the SCM how it
 * is doing. The install/uninstall/start/stop commands are in
 * scm_commands_win.c. */
#include "platform.h"

#include "install_parts_win.h"
#include "run.h"
#include "service_win.h"
#include "service_ctl.h"
#include "vg.h"
#include "vg_win.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------ service entry */

typedef struct vg_svc_s {
  SERVICE_STATUS_HANDLE handle;
  SERVICE_STATUS st;     /* under lock */
  ULONGLONG deadline;    /* pending phase should end by (GetTickCount64) */
  CRITICAL_SECTION lock; /* SetServiceStatus from loop and pulse threads */
  HANDLE pulse_stop;
  HANDLE pulse;
  volatile LONG control; /* last stop-type control, for the record */
  char home[1024];
  char pipe[1024];
} vg_svc_t;

static vg_svc_t svc;

/* Reports state. Pending states get a fresh checkpoint and a wait hint
 * that is also the phase's budget: the pulse thread keeps moving both
 * until the budget is spent, never beyond. Any thread. */
static void svc_report(vg_svc_t *s, DWORD state, DWORD hint_ms, DWORD win32,
                       DWORD specific) {
  EnterCriticalSection(&s->lock);
  s->st.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  s->st.dwCurrentState = state;
  s->st.dwControlsAccepted =
      state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN |
                                     SERVICE_ACCEPT_PRESHUTDOWN
                               : 0;
  s->st.dwWin32ExitCode = win32;
  s->st.dwServiceSpecificExitCode = specific;
  if (state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING) {
    s->st.dwCheckPoint++;
    s->st.dwWaitHint = hint_ms;
    s->deadline = GetTickCount64() + hint_ms;
  } else {
    s->st.dwCheckPoint = 0;
    s->st.dwWaitHint = 0;
  }
  SetServiceStatus(s->handle, &s->st);
  LeaveCriticalSection(&s->lock);
}

int vg__svc_pulse(SERVICE_STATUS *st, ULONGLONG deadline, ULONGLONG now) {
  ULONGLONG left;
  if (st->dwCurrentState != SERVICE_START_PENDING &&
      st->dwCurrentState != SERVICE_STOP_PENDING)
    return 0;
  if (now >= deadline) return 0;
  left = deadline - now;
  st->dwCheckPoint++;
  st->dwWaitHint = (DWORD)(left < SVC_MIN_HINT_MS ? SVC_MIN_HINT_MS : left);
  return 1;
}

/* While start or stop is pending: a pulse a second (vg__svc_pulse). */
static DWORD WINAPI svc_pulse_thread(LPVOID arg) {
  vg_svc_t *s = arg;
  while (WaitForSingleObject(s->pulse_stop, SVC_PULSE_MS) == WAIT_TIMEOUT) {
    EnterCriticalSection(&s->lock);
    if (vg__svc_pulse(&s->st, s->deadline, GetTickCount64()))
      SetServiceStatus(s->handle, &s->st);
    LeaveCriticalSection(&s->lock);
  }
  return 0;
}

/* The control handler only records the request and wakes the loop; the
 * loop reports STOP_PENDING through the stopping hook. SCM thread. */
static DWORD WINAPI svc_handler(DWORD control, DWORD type, LPVOID data,
                                LPVOID ctx) {
  vg_svc_t *s = ctx;
  (void)type, (void)data;
  switch (control) {
  case SERVICE_CONTROL_INTERROGATE: return NO_ERROR;
  case SERVICE_CONTROL_STOP:
  case SERVICE_CONTROL_SHUTDOWN:
  case SERVICE_CONTROL_PRESHUTDOWN:
    InterlockedExchange(&s->control, (LONG)control);
    vg_run_request_stop();
    return NO_ERROR;
  default: return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

static void svc_started_hook(void *ud) {
  svc_report(ud, SERVICE_RUNNING, 0, NO_ERROR, 0);
}

static void svc_stopping_hook(void *ud, uint64_t hint_ms) {
  svc_report(ud, SERVICE_STOP_PENDING, (DWORD)hint_ms, NO_ERROR, 0);
}

static void WINAPI svc_main(DWORD argc, LPWSTR *argv) {
  vg_svc_t *s = &svc;
  vg_run_hooks_t hooks;
  vg_run_opts_t o;
  char err[600];
  int rc;
  (void)argc, (void)argv;
  s->handle = RegisterServiceCtrlHandlerExW(SVC_NAME, svc_handler, s);
  if (s->handle == NULL) return;
  svc_report(s, SERVICE_START_PENDING, SVC_START_HINT_MS, NO_ERROR, 0);
  s->pulse_stop = CreateEventW(NULL, TRUE, FALSE, NULL);
  s->pulse = s->pulse_stop ? CreateThread(NULL, 0, svc_pulse_thread, s, 0, NULL)
                           : NULL;
  memset(&hooks, 0, sizeof(hooks));
  hooks.started = svc_started_hook;
  hooks.stopping = svc_stopping_hook;
  hooks.ud = s;
  memset(&o, 0, sizeof(o));
  o.home = s->home;
  o.pipe = s->pipe;
  o.hooks = &hooks;
  /* Event 105 with the reason is written by vg_run itself. */
  rc = vg_run(&o, err, sizeof(err));
  if (s->pulse) {
    SetEvent(s->pulse_stop);
    WaitForSingleObject(s->pulse, INFINITE);
    CloseHandle(s->pulse);
  }
  if (s->pulse_stop) CloseHandle(s->pulse_stop);
  /* The service-specific code is the VG_E* code without its sign
   * (docs/events.md, "Service exit codes"). */
  if (rc != 0)
    svc_report(s, SERVICE_STOPPED, 0, ERROR_SERVICE_SPECIFIC_ERROR, (DWORD)-rc);
  else
    svc_report(s, SERVICE_STOPPED, 0, NO_ERROR, 0);
}

int vg_service_dispatch(int argc, char **argv) {
  SERVICE_TABLE_ENTRYW table[] = {{(LPWSTR)SVC_NAME, svc_main}, {NULL, NULL}};
  int i, home_set = 0, pipe_set = 0;
  for (i = 0; i < argc; i++) {
    if ((strcmp(argv[i], "--home") == 0 || strcmp(argv[i], "--pipe") == 0) &&
        i + 1 < argc) {
      if (argv[i][2] == 'h') {
        vg_strlcpy(svc.home, argv[++i], sizeof(svc.home));
        home_set = 1;
      } else {
        vg_strlcpy(svc.pipe, argv[++i], sizeof(svc.pipe));
        pipe_set = 1;
      }
    } else {
      fprintf(stderr,
              "vigil service: unexpected argument '%s'; usage: "
              "vigil service [--home DIR] [--pipe NAME]\n",
              argv[i]);
      return 2;
    }
  }
  if (!home_set && vg_platform_home(svc.home, sizeof(svc.home)) != 0) {
    fprintf(stderr, "vigil service: data folder path too long\n");
    return 2;
  }
  if (!pipe_set) vg_platform_pipe_name(svc.home, svc.pipe, sizeof(svc.pipe));
  InitializeCriticalSection(&svc.lock);
  if (!StartServiceCtrlDispatcherW(table)) {
    DWORD e = GetLastError();
    char msg[300];
    if (e == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT)
      fprintf(stderr,
              "vigil service: only the Service Control Manager starts this; "
              "use `vigil start` (or `net start Vigil`), or `vigil run "
              "--console` to run in this window\n");
    else
      fprintf(stderr,
              "vigil service: cannot reach the Service Control "
              "Manager: %s\n",
              vg_win_msg(e, msg, sizeof(msg)));
    DeleteCriticalSection(&svc.lock);
    return 2;
  }
  DeleteCriticalSection(&svc.lock);
  return svc.st.dwWin32ExitCode == NO_ERROR ? 0 : 1;
}
