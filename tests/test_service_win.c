/* test_service_win.c: the SCM side of vigil.exe that the end-to-end script
 * cannot reach under Wine - wait hints and checkpoints during a slow
 * start or stop (starts and stops under Wine finish before the first
 * pulse), and install/uninstall from a prompt that is not elevated (Wine
 * runs everything as an administrator: a restricted token stands in).
 * Windows only. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service_win.h"
#include "vg.h"
#include "vg_win.h"

#ifndef VG_VIGIL_EXE
#error "VG_VIGIL_EXE must name vigil.exe"
#endif

static void pulses_move_checkpoint_and_hint_together(void **st) {
  SERVICE_STATUS s;
  ULONGLONG t0 = 1000000, deadline = t0 + 15000, now;
  DWORD last_cp, last_hint;
  int pulses = 0;
  (void)st;
  memset(&s, 0, sizeof(s));
  s.dwCurrentState = SERVICE_STOP_PENDING;
  s.dwCheckPoint = 1;
  s.dwWaitHint = 15000;
  last_cp = s.dwCheckPoint;
  last_hint = s.dwWaitHint;
  for (now = t0 + 1000; now < t0 + 20000; now += 1000) {
    if (!vg__svc_pulse(&s, deadline, now)) break;
    pulses++;
    assert_int_equal(s.dwCheckPoint, last_cp + 1);
    assert_true(s.dwWaitHint <= last_hint);
    assert_true(s.dwWaitHint >= 2000);
    assert_true(s.dwWaitHint >= deadline - now ||
                deadline - now < 2000);
    last_cp = s.dwCheckPoint;
    last_hint = s.dwWaitHint;
  }
  /* One a second until the budget announced is spent, then silence: a
   * stuck stop is not dressed up as progress. */
  assert_int_equal(pulses, 14);
  assert_int_equal(now, deadline);
  assert_int_equal(vg__svc_pulse(&s, deadline, deadline + 5000), 0);
  assert_int_equal(s.dwCheckPoint, last_cp);
}

static void no_pulse_outside_pending_states(void **st) {
  SERVICE_STATUS s;
  (void)st;
  memset(&s, 0, sizeof(s));
  s.dwCurrentState = SERVICE_RUNNING;
  assert_int_equal(vg__svc_pulse(&s, 50000, 1000), 0);
  s.dwCurrentState = SERVICE_STOPPED;
  assert_int_equal(vg__svc_pulse(&s, 50000, 1000), 0);
  assert_int_equal(s.dwCheckPoint, 0);
  assert_int_equal(s.dwWaitHint, 0);
  s.dwCurrentState = SERVICE_START_PENDING;
  assert_int_equal(vg__svc_pulse(&s, 50000, 1000), 1);
  assert_int_equal(s.dwCheckPoint, 1);
  assert_int_equal(s.dwWaitHint, 49000);
}

/* Runs vigil.exe ARGS with the token (NULL: ours); returns its exit code
 * and what it wrote to stderr in err. */
static DWORD run_vigil(HANDLE token, const wchar_t *args, char *err,
                       size_t errsz) {
  wchar_t cmd[1024], tmpdir[MAX_PATH], errw[MAX_PATH];
  SECURITY_ATTRIBUTES sa = {sizeof(sa), NULL, TRUE};
  STARTUPINFOW si;
  PROCESS_INFORMATION pi;
  HANDLE ef;
  DWORD code = 99, n = 0;
  BOOL ok;
  assert_true(GetTempPathW(MAX_PATH, tmpdir) > 0);
  assert_true(GetTempFileNameW(tmpdir, L"vgs", 0, errw) != 0);
  ef = CreateFileW(errw, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, &sa,
                   CREATE_ALWAYS, FILE_ATTRIBUTE_TEMPORARY, NULL);
  assert_true(ef != INVALID_HANDLE_VALUE);
  swprintf(cmd, 1024, L"\"%ls\" %ls", L"" VG_VIGIL_EXE, args);
  memset(&si, 0, sizeof(si));
  si.cb = sizeof(si);
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
  si.hStdOutput = ef;
  si.hStdError = ef;
  ok = token ? CreateProcessAsUserW(token, NULL, cmd, NULL, NULL, TRUE, 0,
                                    NULL, NULL, &si, &pi)
             : CreateProcessW(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL,
                              &si, &pi);
  assert_true(ok);
  assert_int_equal(WaitForSingleObject(pi.hProcess, 60000), WAIT_OBJECT_0);
  GetExitCodeProcess(pi.hProcess, &code);
  CloseHandle(pi.hThread);
  CloseHandle(pi.hProcess);
  SetFilePointer(ef, 0, NULL, FILE_BEGIN);
  ReadFile(ef, err, (DWORD)errsz - 1, &n, NULL);
  err[n] = '\0';
  CloseHandle(ef);
  DeleteFileW(errw);
  return code;
}

static HANDLE not_elevated_token(void) {
  HANDLE proc, restricted;
  BYTE sid[SECURITY_MAX_SID_SIZE];
  DWORD n = sizeof(sid);
  SID_AND_ATTRIBUTES deny;
  assert_true(CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, sid, &n));
  deny.Sid = sid;
  deny.Attributes = 0;
  assert_true(OpenProcessToken(GetCurrentProcess(), TOKEN_ALL_ACCESS, &proc));
  assert_true(CreateRestrictedToken(proc, 0, 1, &deny, 0, NULL, 0, NULL,
                                    &restricted));
  CloseHandle(proc);
  return restricted;
}

static void not_elevated_gets_one_clear_line(void **st) {
  static const wchar_t *const verbs[] = {
      L"install", L"install --event-source-only", L"uninstall",
      L"uninstall --purge"};
  HANDLE tok = not_elevated_token();
  char err[4096];
  size_t i;
  (void)st;
  for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
    DWORD code = run_vigil(tok, verbs[i], err, sizeof(err));
    char *nl;
    printf("%ls -> %lu: %s", verbs[i], (unsigned long)code, err);
    assert_int_equal(code, 1);
    assert_non_null(strstr(err, "needs Administrators rights"));
    assert_non_null(strstr(err, "elevated prompt"));
    nl = strchr(err, '\n');
    assert_non_null(nl); /* exactly one line */
    assert_string_equal(nl + 1, "");
  }
  CloseHandle(tok);
}

static void usage_errors_are_one_line(void **st) {
  char err[4096];
  (void)st;
  assert_int_equal(run_vigil(NULL, L"install --bogus", err, sizeof(err)), 2);
  assert_non_null(strstr(err, "unknown option '--bogus'"));
  assert_int_equal(run_vigil(NULL, L"uninstall --purge --event-source-only",
                             err, sizeof(err)),
                   2);
  assert_non_null(strstr(err, "do not go together"));
  assert_int_equal(run_vigil(NULL, L"start now", err, sizeof(err)), 2);
  assert_int_equal(run_vigil(NULL, L"service --bogus", err, sizeof(err)), 2);
  assert_non_null(strstr(err, "usage: vigil service"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(pulses_move_checkpoint_and_hint_together),
      cmocka_unit_test(no_pulse_outside_pending_states),
      cmocka_unit_test(not_elevated_gets_one_clear_line),
      cmocka_unit_test(usage_errors_are_one_line),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
