/* scm_commands_win.c: `vigil install | uninstall | start | stop` - the
 * commands an admin runs against the Service Control Manager. */
#include "platform.h"

#include "install_parts_win.h"
#include "run.h"
#include "service_ctl.h"
#include "service_win.h"
#include "vg.h"
#include "vg_win.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------- install, uninstall */

/* Whether this process may change the machine: Administrators enabled in
 * its token (an elevated prompt, SYSTEM). */
static int svc_elevated(void) {
  BYTE sid[SECURITY_MAX_SID_SIZE];
  DWORD n = sizeof(sid);
  BOOL member = FALSE;
  if (!CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, sid, &n)) return 0;
  return CheckTokenMembership(NULL, sid, &member) && member;
}

static int svc_need_elevation(const char *verb) {
  fprintf(stderr,
          "vigil %s: needs Administrators rights; run it from an elevated "
          "prompt (Run as administrator)\n",
          verb);
  return 1;
}

static int svc_fail(const char *verb, const char *what, DWORD e) {
  char msg[300];
  if (e == ERROR_ACCESS_DENIED) return svc_need_elevation(verb);
  fprintf(stderr, "vigil %s: %s: %s\n", verb, what,
          vg_win_msg(e, msg, sizeof(msg)));
  return 1;
}

/* The path of this vigil.exe; 0 or VG_ERANGE. */
static int svc_exe_path(wchar_t *out, DWORD size) {
  DWORD n = GetModuleFileNameW(NULL, out, size);
  return n == 0 || n >= size ? VG_ERANGE : 0;
}

static int svc_install_event_source(const wchar_t *exe, char *err,
                                    size_t errsz) {
  HKEY k;
  DWORD types =
      EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
  DWORD cats = 2; /* VG_CAT_SERVICE, VG_CAT_PROBE (messages.mc) */
  DWORD bytes = (DWORD)((wcslen(exe) + 1) * sizeof(wchar_t));
  LSTATUS rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, SVC_EVENTLOG_KEY, 0, NULL, 0,
                               KEY_SET_VALUE, NULL, &k, NULL);
  char msg[300];
  if (rc == ERROR_SUCCESS) {
    rc = RegSetValueExW(k, L"EventMessageFile", 0, REG_EXPAND_SZ,
                        (const BYTE *)exe, bytes);
    if (rc == ERROR_SUCCESS)
      rc = RegSetValueExW(k, L"CategoryMessageFile", 0, REG_EXPAND_SZ,
                          (const BYTE *)exe, bytes);
    if (rc == ERROR_SUCCESS)
      rc = RegSetValueExW(k, L"TypesSupported", 0, REG_DWORD,
                          (const BYTE *)&types, sizeof(types));
    if (rc == ERROR_SUCCESS)
      rc = RegSetValueExW(k, L"CategoryCount", 0, REG_DWORD,
                          (const BYTE *)&cats, sizeof(cats));
    RegCloseKey(k);
  }
  if (rc != ERROR_SUCCESS) {
    snprintf(err, errsz, "registering the event source Vigil: %s",
             vg_win_msg((DWORD)rc, msg, sizeof(msg)));
    return vg_win_err((DWORD)rc);
  }
  return 0;
}

/* Creates service Vigil, or brings an existing one to this binary and
 * these settings. *created tells which. */
static int svc_install_service(const wchar_t *exe, int *created, char *note,
                               size_t notesz) {
  wchar_t cmd[MAX_PATH + 32];
  SC_HANDLE scm, s;
  SERVICE_DESCRIPTIONW desc;
  SERVICE_PRESHUTDOWN_INFO pre;
  DWORD e;
  int rc = 0;
  *created = 0;
  note[0] = '\0';
  swprintf(cmd, MAX_PATH + 32, L"\"%ls\" service", exe);
  scm = OpenSCManagerW(NULL, NULL,
                       SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE);
  if (scm == NULL)
    return svc_fail("install", "opening the Service Control Manager",
                    GetLastError());
  s = CreateServiceW(scm, SVC_NAME, SVC_DISPLAY, SERVICE_ALL_ACCESS,
                     SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START,
                     SERVICE_ERROR_NORMAL, cmd, NULL, NULL, NULL, NULL, NULL);
  if (s != NULL) {
    *created = 1;
  } else if ((e = GetLastError()) == ERROR_SERVICE_EXISTS) {
    s = OpenServiceW(scm, SVC_NAME, SERVICE_ALL_ACCESS);
    if (s == NULL ||
        !ChangeServiceConfigW(s, SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START,
                              SERVICE_ERROR_NORMAL, cmd, NULL, NULL, NULL,
                              L"LocalSystem", L"", SVC_DISPLAY)) {
      rc = svc_fail("install", "updating service Vigil", GetLastError());
      goto done;
    }
  } else if (e == ERROR_SERVICE_MARKED_FOR_DELETE) {
    fprintf(stderr, "vigil install: service Vigil is still being deleted; "
                    "close the Services console and Event Viewer, then run "
                    "`vigil install` again\n");
    rc = 1;
    goto done;
  } else {
    rc = svc_fail("install", "creating service Vigil", e);
    goto done;
  }
  desc.lpDescription = (LPWSTR)SVC_DESCRIPTION;
  if (!ChangeServiceConfig2W(s, SERVICE_CONFIG_DESCRIPTION, &desc)) {
    rc = svc_fail("install", "setting the description of service Vigil",
                  GetLastError());
    goto done;
  }
  /* Room for the stop grace on shutdown; an SCM without it (Wine) only
   * gets a note. */
  pre.dwPreshutdownTimeout = SVC_PRESHUTDOWN_MS;
  if (!ChangeServiceConfig2W(s, SERVICE_CONFIG_PRESHUTDOWN_INFO, &pre)) {
    e = GetLastError();
    if (e != ERROR_INVALID_LEVEL) {
      rc = svc_fail("install", "setting the pre-shutdown timeout", e);
      goto done;
    }
    snprintf(note, notesz,
             "this Service Control Manager has no "
             "pre-shutdown timeout");
  }
done:
  if (s) CloseServiceHandle(s);
  CloseServiceHandle(scm);
  return rc;
}

/* Whether path (UTF-8) names a folder. */
static int svc_dir_exists(const char *path) {
  wchar_t *w = vg_wide(path);
  DWORD a = w ? GetFileAttributesW(w) : INVALID_FILE_ATTRIBUTES;
  free(w);
  return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY);
}

int vg_service_install(int argc, char **argv) {
  wchar_t exe[MAX_PATH];
  char exe8[MAX_PATH * 3], home[1024], err[1400], note[300], note2[300];
  int i, only_source = 0, created = 0, had_home, rc;
  for (i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--event-source-only") == 0)
      only_source = 1;
    else {
      fprintf(stderr,
              "vigil install: unknown option '%s'; usage: vigil install "
              "[--event-source-only | --acl-only [--config FILE] [--home "
              "DIR] | --recovery-only]\n",
              argv[i]);
      return 2;
    }
  }
  if (!svc_elevated()) return svc_need_elevation("install");
  if (svc_exe_path(exe, MAX_PATH) != 0 ||
      vg_utf8(exe, exe8, sizeof(exe8)) != 0) {
    fprintf(stderr, "vigil install: the path of vigil.exe is too long\n");
    return 1;
  }
  if (!only_source) {
    rc = svc_install_service(exe, &created, note, sizeof(note));
    if (rc) return rc;
    printf("vigil install: service Vigil %s (LocalSystem, automatic start): "
           "\"%s\" service\n",
           created ? "created" : "already installed; settings refreshed", exe8);
    if (vg_install_recovery(err, sizeof(err), note2, sizeof(note2)) != 0) {
      fprintf(stderr, "vigil install: %s\n", err);
      return 1;
    }
    printf("vigil install: recovery: restart after 1 min, 1 min, then every "
           "5 min, also on non-crash failures; delayed automatic start\n");
    if (note2[0]) printf("vigil install: note: %s\n", note2);
    if (note[0]) printf("vigil install: note: %s\n", note);
    if (vg_platform_home(home, sizeof(home)) != 0) {
      fprintf(stderr, "vigil install: data folder path too long\n");
      return 1;
    }
    had_home = svc_dir_exists(home);
    if (vg_install_data_folder(home, err, sizeof(err)) != 0) {
      fprintf(stderr, "vigil install: %s\n", err);
      return 1;
    }
    printf("vigil install: data folder %s %s (SYSTEM and Administrators "
           "only)\n",
           home, had_home ? "kept, ACL refreshed" : "created");
  }
  if (svc_install_event_source(exe, err, sizeof(err)) != 0) {
    fprintf(stderr, "vigil install: %s\n", err);
    return 1;
  }
  printf("vigil install: event source Vigil (Application log) -> %s\n", exe8);
  if (!only_source)
    printf("vigil install: done; start it with `vigil start` or `net start "
           "Vigil`\n");
  return 0;
}

static BOOL svc_query(SC_HANDLE s, SERVICE_STATUS_PROCESS *st) {
  DWORD n;
  return QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, (LPBYTE)st,
                              sizeof(*st), &n);
}

/* Waits while the service is in state pending, judging progress the way
 * the SCM does (the checkpoint must move within the wait hint, when there
 * is one; polls at a tenth of the hint, 0.1 to 1 s), never longer than
 * cap_ms. Returns the state it ended in (0 when it could not ask). */
static DWORD svc_wait(SC_HANDLE s, DWORD pending, SERVICE_STATUS_PROCESS *st,
                      DWORD cap_ms) {
  DWORD n, last_cp;
  ULONGLONG t0 = GetTickCount64(), cp_at = t0;
  if (!QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, (LPBYTE)st, sizeof(*st),
                            &n))
    return 0;
  last_cp = st->dwCheckPoint;
  while (st->dwCurrentState == pending) {
    ULONGLONG now;
    DWORD step = st->dwWaitHint / 10;
    if (step < 100) step = 100;
    if (step > 1000) step = 1000;
    Sleep(step);
    if (!QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, (LPBYTE)st,
                              sizeof(*st), &n))
      return 0;
    now = GetTickCount64();
    if (now - t0 > cap_ms) break;
    if (st->dwCheckPoint != last_cp) {
      last_cp = st->dwCheckPoint;
      cp_at = now;
    } else if (st->dwWaitHint != 0 &&
               now - cp_at > (ULONGLONG)st->dwWaitHint + 2000) {
      break;
    }
  }
  return st->dwCurrentState;
}

/* What a service-specific exit code means (docs/events.md, "Service exit
 * codes"). */
static const char *svc_code_meaning(DWORD code) {
  switch (code) {
  case 4: return "a folder or file Vigil needs was not found";
  case 5: return "access denied to the data folder or database";
  case 6: return "input/output error, e.g. the pipe could not be created";
  case 11: return "database error: cannot open or migrate vigil.db";
  case 14:
    return "already running: another process, e.g. a `vigil run "
           "--console`, owns \\\\.\\pipe\\vigil";
  default: return vg_strerror(-(int)code);
  }
}

/* One line on why the start failed, from the service's exit codes. */
static void svc_explain_stop(const char *verb,
                             const SERVICE_STATUS_PROCESS *st) {
  char msg[300];
  if (st->dwWin32ExitCode == ERROR_SERVICE_SPECIFIC_ERROR)
    fprintf(stderr,
            "vigil %s: service Vigil failed to start (code %lu: %s); event "
            "105 in the Application event log, source Vigil, says why, and "
            "`vigil run --console` shows it in this window\n",
            verb, (unsigned long)st->dwServiceSpecificExitCode,
            svc_code_meaning(st->dwServiceSpecificExitCode));
  else if (st->dwWin32ExitCode != NO_ERROR)
    fprintf(stderr,
            "vigil %s: service Vigil failed to start: %s; see the "
            "Application event log, source Vigil, or run `vigil run "
            "--console`\n",
            verb, vg_win_msg(st->dwWin32ExitCode, msg, sizeof(msg)));
  else
    fprintf(stderr,
            "vigil %s: service Vigil stopped right after starting; "
            "see the Application event log, source Vigil, or run "
            "`vigil run --console`\n",
            verb);
}

/* Stops s if it runs, waits for STOPPED (SVC_STOP_MAX_MS at most) and then
 * for the service process to exit (SVC_EXIT_MAX_MS), so its files are free
 * when this returns. 0 with *was telling whether it ran, or 1 with a line
 * printed. */
static int svc_stop_and_wait(const char *verb, SC_HANDLE s, int *was) {
  SERVICE_STATUS ss;
  SERVICE_STATUS_PROCESS st;
  HANDLE proc = NULL;
  DWORD pid, state;
  int rc = 0;
  *was = 0;
  if (!svc_query(s, &st))
    return svc_fail(verb, "querying service Vigil", GetLastError());
  if (st.dwCurrentState == SERVICE_STOPPED) return 0;
  *was = 1;
  /* Opened before the stop, so the pid cannot be reused meanwhile. */
  pid = st.dwProcessId;
  if (pid != 0) proc = OpenProcess(SYNCHRONIZE, FALSE, pid);
  /* Still starting: let it settle first (it accepts no stop before). */
  if (st.dwCurrentState == SERVICE_START_PENDING)
    svc_wait(s, SERVICE_START_PENDING, &st, SVC_WAIT_MAX_MS);
  if (st.dwCurrentState != SERVICE_STOPPED &&
      st.dwCurrentState != SERVICE_STOP_PENDING &&
      !ControlService(s, SERVICE_CONTROL_STOP, &ss)) {
    DWORD e = GetLastError();
    if (e != ERROR_SERVICE_NOT_ACTIVE &&
        e != ERROR_SERVICE_CANNOT_ACCEPT_CTRL) {
      rc = svc_fail(verb, "stopping service Vigil", e);
      goto done;
    }
  }
  /* The handler only wakes the loop, which then reports STOP_PENDING:
   * until it has, the SCM still says RUNNING. */
  state = svc_wait(s, SERVICE_RUNNING, &st, SVC_STOP_SEEN_MS);
  if (state != 0)
    state = svc_wait(s, SERVICE_STOP_PENDING, &st, SVC_STOP_MAX_MS);
  if (state == 0) {
    rc = svc_fail(verb, "querying service Vigil", GetLastError());
    goto done;
  }
  if (state != SERVICE_STOPPED) {
    fprintf(stderr,
            "vigil %s: service Vigil did not stop within its wait "
            "hint (at most %d s); it may be stuck, see `sc queryex "
            "Vigil`\n",
            verb, SVC_STOP_MAX_MS / 1000);
    rc = 1;
    goto done;
  }
  if (proc != NULL &&
      WaitForSingleObject(proc, SVC_EXIT_MAX_MS) != WAIT_OBJECT_0) {
    fprintf(stderr,
            "vigil %s: service Vigil reports STOPPED but its process "
            "(pid %lu) has not exited after %d s; see `tasklist /fi "
            "\"PID eq %lu\"`\n",
            verb, (unsigned long)pid, SVC_EXIT_MAX_MS / 1000,
            (unsigned long)pid);
    rc = 1;
  }
done:
  if (proc != NULL) CloseHandle(proc);
  return rc;
}

/* Deletes a folder tree without following links out of it. */
static int svc_rmtree(const wchar_t *dir) {
  wchar_t pat[MAX_PATH + 4], path[MAX_PATH * 2];
  WIN32_FIND_DATAW fd;
  HANDLE f;
  int rc = 0;
  swprintf(pat, MAX_PATH + 4, L"%ls\\*", dir);
  f = FindFirstFileW(pat, &fd);
  if (f != INVALID_HANDLE_VALUE) {
    do {
      if (wcscmp(fd.cFileName, L".") == 0 || wcscmp(fd.cFileName, L"..") == 0)
        continue;
      swprintf(path, MAX_PATH * 2, L"%ls\\%ls", dir, fd.cFileName);
      if (fd.dwFileAttributes & FILE_ATTRIBUTE_READONLY)
        SetFileAttributesW(path, fd.dwFileAttributes &
                                     ~(DWORD)FILE_ATTRIBUTE_READONLY);
      if ((fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) &&
          !(fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)) {
        if (svc_rmtree(path) != 0) rc = -1;
      } else if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
        if (!RemoveDirectoryW(path)) rc = -1; /* the link, not its target */
      } else if (!DeleteFileW(path)) {
        rc = -1;
      }
    } while (FindNextFileW(f, &fd));
    FindClose(f);
  }
  if (!RemoveDirectoryW(dir) && GetLastError() != ERROR_FILE_NOT_FOUND &&
      GetLastError() != ERROR_PATH_NOT_FOUND)
    rc = -1;
  return rc;
}

int vg_service_uninstall(int argc, char **argv) {
  SC_HANDLE scm, s;
  LSTATUS lr;
  int i, purge = 0, only_source = 0, was = 0, rc;
  for (i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--purge") == 0)
      purge = 1;
    else if (strcmp(argv[i], "--event-source-only") == 0)
      only_source = 1;
    else {
      fprintf(stderr,
              "vigil uninstall: unknown option '%s'; usage: vigil "
              "uninstall [--purge | --event-source-only]\n",
              argv[i]);
      return 2;
    }
  }
  if (purge && only_source) {
    fprintf(stderr, "vigil uninstall: --purge and --event-source-only do "
                    "not go together\n");
    return 2;
  }
  if (!svc_elevated()) return svc_need_elevation("uninstall");
  if (!only_source) {
    scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    if (scm == NULL)
      return svc_fail("uninstall", "opening the Service Control Manager",
                      GetLastError());
    s = OpenServiceW(scm, SVC_NAME,
                     DELETE | SERVICE_STOP | SERVICE_QUERY_STATUS);
    if (s == NULL) {
      DWORD e = GetLastError();
      CloseServiceHandle(scm);
      if (e != ERROR_SERVICE_DOES_NOT_EXIST)
        return svc_fail("uninstall", "opening service Vigil", e);
      printf("vigil uninstall: service Vigil is not installed; nothing to "
             "delete\n");
    } else {
      rc = svc_stop_and_wait("uninstall", s, &was);
      if (rc == 0 && !DeleteService(s) &&
          GetLastError() != ERROR_SERVICE_MARKED_FOR_DELETE)
        rc = svc_fail("uninstall", "deleting service Vigil", GetLastError());
      CloseServiceHandle(s);
      CloseServiceHandle(scm);
      if (rc) return rc;
      printf("vigil uninstall: service Vigil %sdeleted\n",
             was ? "stopped and " : "");
    }
  }
  lr = RegDeleteKeyW(HKEY_LOCAL_MACHINE, SVC_EVENTLOG_KEY);
  if (lr != ERROR_SUCCESS && lr != ERROR_FILE_NOT_FOUND)
    return svc_fail("uninstall", "removing the event source Vigil", (DWORD)lr);
  printf("vigil uninstall: event source Vigil %s\n",
         lr == ERROR_SUCCESS ? "removed" : "was not registered");
  if (!only_source) {
    char home[1024];
    wchar_t *w;
    if (vg_platform_home(home, sizeof(home)) != 0) {
      fprintf(stderr, "vigil uninstall: data folder path too long\n");
      return 1;
    }
    if (!svc_dir_exists(home)) {
      printf("vigil uninstall: no data folder at %s\n", home);
      return 0;
    }
    if (!purge) {
      printf("vigil uninstall: kept the data folder %s (database and "
             "vigil.ini); `vigil uninstall --purge` removes it\n",
             home);
      return 0;
    }
    w = vg_wide(home);
    if (w == NULL || svc_rmtree(w) != 0) {
      fprintf(stderr,
              "vigil uninstall: could not remove all of %s; "
              "something still has files open there\n",
              home);
      free(w);
      return 1;
    }
    free(w);
    printf("vigil uninstall: data folder %s removed\n", home);
  }
  return 0;
}

/* ------------------------------------------------------- start, stop */

/* Opens service Vigil with access for `vigil verb` (which takes no
 * arguments). Returns 0 with both handles open, else the exit code after
 * one line on stderr (2: arguments given, 1: not installed or failed). */
static int svc_open(const char *verb, int argc, DWORD access, SC_HANDLE *scm,
                    SC_HANDLE *s) {
  DWORD e;
  if (argc > 0) {
    fprintf(stderr, "vigil %s: takes no arguments\n", verb);
    return 2;
  }
  *scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
  if (*scm == NULL)
    return svc_fail(verb, "opening the Service Control Manager",
                    GetLastError());
  *s = OpenServiceW(*scm, SVC_NAME, access);
  if (*s != NULL) return 0;
  e = GetLastError();
  CloseServiceHandle(*scm);
  if (e == ERROR_SERVICE_DOES_NOT_EXIST) {
    fprintf(stderr, "vigil %s: service Vigil is not installed%s\n", verb,
            strcmp(verb, "start") == 0 ? "; run `vigil install` from an "
                                         "elevated prompt first"
                                       : "");
    return 1;
  }
  return svc_fail(verb, "opening service Vigil", e);
}

int vg_service_start(int argc, char **argv) {
  SC_HANDLE scm, s;
  SERVICE_STATUS_PROCESS st;
  DWORD state;
  int ours = 0, rc;
  (void)argv;
  rc = svc_open("start", argc, SERVICE_START | SERVICE_QUERY_STATUS, &scm, &s);
  if (rc != 0) return rc;
  rc = 1;
  if (!svc_query(s, &st)) {
    rc = svc_fail("start", "querying service Vigil", GetLastError());
    goto done;
  }
  if (st.dwCurrentState == SERVICE_RUNNING) {
    printf("vigil start: service Vigil is already running (pid %lu)\n",
           (unsigned long)st.dwProcessId);
    rc = 0;
    goto done;
  }
  /* Still stopping from an earlier stop: a start now would be refused. */
  if (st.dwCurrentState == SERVICE_STOP_PENDING &&
      svc_wait(s, SERVICE_STOP_PENDING, &st, SVC_STOP_MAX_MS) !=
          SERVICE_STOPPED) {
    fprintf(stderr, "vigil start: service Vigil is still stopping; run "
                    "`vigil start` again once `sc query Vigil` shows "
                    "STOPPED\n");
    goto done;
  }
  /* START_PENDING: someone else started it; wait with them. */
  if (st.dwCurrentState != SERVICE_START_PENDING) {
    if (StartServiceW(s, 0, NULL)) {
      ours = 1;
    } else if (GetLastError() != ERROR_SERVICE_ALREADY_RUNNING) {
      rc = svc_fail("start", "starting service Vigil", GetLastError());
      goto done;
    }
  }
  state = svc_wait(s, SERVICE_START_PENDING, &st, SVC_WAIT_MAX_MS);
  if (state == SERVICE_RUNNING) {
    printf("vigil start: service Vigil %s (pid %lu)\n",
           ours ? "started" : "is already running",
           (unsigned long)st.dwProcessId);
    rc = 0;
  } else if (state == SERVICE_STOPPED) {
    svc_explain_stop("start", &st);
  } else if (state == 0) {
    rc = svc_fail("start", "querying service Vigil", GetLastError());
  } else {
    fprintf(stderr,
            "vigil start: service Vigil did not report running "
            "within its wait hint (at most %d s); see `sc queryex "
            "Vigil`, or run `vigil run --console` after `vigil "
            "stop`\n",
            SVC_WAIT_MAX_MS / 1000);
  }
done:
  CloseServiceHandle(s);
  CloseServiceHandle(scm);
  return rc;
}

int vg_service_stop(int argc, char **argv) {
  SC_HANDLE scm, s;
  int was = 0, rc;
  (void)argv;
  rc = svc_open("stop", argc, SERVICE_STOP | SERVICE_QUERY_STATUS, &scm, &s);
  if (rc != 0) return rc;
  rc = svc_stop_and_wait("stop", s, &was);
  CloseServiceHandle(s);
  CloseServiceHandle(scm);
  if (rc == 0)
    printf("vigil stop: service Vigil %s\n",
           was ? "stopped" : "is not running");
  return rc;
}
