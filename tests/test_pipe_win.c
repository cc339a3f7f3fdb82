/* test_pipe_win.c: the query pipe as a client sees it under Windows/Wine -
 * its security descriptor read back from a client handle, a second owner
 * refused as "already running", a squatter named and its answer refused
 * (issue 16), the caller's token deciding what it may
 * ask, and connections that work when the standard streams are closed (as
 * in a service). Windows only. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_harness.h"
#include "client.h"
#include "pipe_win.h"
#include "server.h"
#include "vg.h"
#include "vg_win.h"

#include <aclapi.h>
#include <sddl.h>

/* Opens the pipe as a plain Win32 client, waiting while all instances are
 * busy. */
static HANDLE open_client(const char *pipe, DWORD access) {
  wchar_t *w = vg_wide(pipe);
  HANDLE h = INVALID_HANDLE_VALUE;
  int i;
  assert_non_null(w);
  for (i = 0; i < 50 && h == INVALID_HANDLE_VALUE; i++) {
    h = CreateFileW(w, access, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) WaitNamedPipeW(w, 200);
  }
  free(w);
  assert_true(h != INVALID_HANDLE_VALUE);
  return h;
}

static char *dacl_sddl(PSECURITY_DESCRIPTOR sd) {
  LPWSTR s = NULL;
  char *out = malloc(1024);
  assert_non_null(out);
  assert_true(ConvertSecurityDescriptorToStringSecurityDescriptorW(
      sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &s, NULL));
  assert_int_equal(vg_utf8(s, out, 1024), 0);
  LocalFree(s);
  return out;
}

static void security_descriptor_reads_back_as_intended(void **st) {
  harness_t h;
  HANDLE c;
  PSECURITY_DESCRIPTOR got_sd = NULL, want_sd = NULL;
  char *got, *want;
  (void)st;
  assert_int_equal(harness_start(&h, ""), 0);
  c = open_client(h.pipe, GENERIC_READ | GENERIC_WRITE | READ_CONTROL);
  assert_int_equal(GetSecurityInfo(c, SE_KERNEL_OBJECT,
                                   DACL_SECURITY_INFORMATION, NULL, NULL, NULL,
                                   NULL, &got_sd),
                   ERROR_SUCCESS);
  assert_true(ConvertStringSecurityDescriptorToSecurityDescriptorW(
      VG_PIPE_SDDL, SDDL_REVISION_1, &want_sd, NULL));
  got = dacl_sddl(got_sd);
  want = dacl_sddl(want_sd);
  printf("pipe DACL read back: %s\n", got);
  assert_string_equal(got, want);
  /* Deny entries first, protected, no FILE_CREATE_PIPE_INSTANCE (0x4) for
   * interactive users; Administrators whatever their logon type (issue 16:
   * no deny for network logons); no "Vigil Readers" group in Wine's
   * prefix, so no entry for it. */
  assert_string_equal(got, "D:P(D;;FA;;;AN)(A;;FA;;;SY)"
                           "(A;;FA;;;BA)(A;;0x12019b;;;IU)");
  free(got);
  free(want);
  LocalFree(got_sd);
  LocalFree(want_sd);
  CloseHandle(c);
  assert_int_equal(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* No Windows API reports PIPE_REJECT_REMOTE_CLIENTS back (GetNamedPipeInfo
 * gives end and type only, Wine the same), and Wine has no remote pipes to
 * try: what can be checked is that the pipe is created with it. */
static void
reject_remote_flag_set_at_creation_wine_cannot_read_back(void **st) {
  harness_t h;
  HANDLE c;
  DWORD flags = 0, out = 0, in = 0, max = 0;
  (void)st;
  assert_true((VG_PIPE_MODE & PIPE_REJECT_REMOTE_CLIENTS) != 0);
  assert_true((VG_PIPE_MODE & PIPE_TYPE_MESSAGE) == 0);
  assert_int_equal(harness_start(&h, ""), 0);
  c = open_client(h.pipe, GENERIC_READ | GENERIC_WRITE);
  assert_true(GetNamedPipeInfo(c, &flags, &out, &in, &max));
  assert_int_equal(flags & (PIPE_SERVER_END | PIPE_TYPE_MESSAGE), 0);
  CloseHandle(c);
  assert_int_equal(harness_stop(&h), 0);
  harness_cleanup(&h);
}

static void dummy_handler(void *ud, const vg_peer_t *peer, const char *line,
                          size_t len, vg_jw_t *resp) {
  (void)ud, (void)peer, (void)line, (void)len;
  vg_jw_obj_begin(resp);
  vg_jw_obj_end(resp);
}

static void second_owner_is_refused_as_already_running(void **st) {
  harness_t h;
  uv_loop_t loop;
  vg_server_t *s = NULL;
  char err[400];
  (void)st;
  assert_int_equal(harness_start(&h, ""), 0);
  assert_int_equal(uv_loop_init(&loop), 0);
  assert_int_equal(
      vg_server_start(&s, &loop, h.pipe, dummy_handler, NULL, err, sizeof(err)),
      VG_EEXIST);
  assert_null(s);
  printf("second owner: %s\n", err);
  assert_non_null(strstr(err, "already running"));
  assert_non_null(strstr(err, h.pipe));
  uv_run(&loop, UV_RUN_DEFAULT);
  assert_int_equal(uv_loop_close(&loop), 0);
  /* The first owner still answers. */
  {
    char *resp = NULL;
    assert_int_equal(vg_client_request(h.pipe, "{\"cmd\":\"status\"}", &resp,
                                       err, sizeof(err)),
                     0);
    assert_non_null(strstr(resp, "\"ok\":true"));
    free(resp);
  }
  assert_int_equal(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* Another program creates the pipe while Vigil is down. Vigil names the
 * squatter instead of saying "already running", and the CLI does not take
 * its answer. Wine's limits, in the name: every process runs as one user
 * (no LocalSystem, and an ordinary user can open every process), so what
 * tells them apart here is the program file - the LocalSystem rule and the
 * pipe-owner fallback cannot be exercised; Wine ignores
 * FILE_FLAG_FIRST_PIPE_INSTANCE and lets Vigil add an instance, which the
 * instance count catches; and Wine's ImpersonateNamedPipeClient
 * impersonates the server itself, so the client's identification-only
 * level cannot be read back. */
static void
squatter_named_and_refused_wine_one_user_no_first_instance_flag(void **st) {
  char name[128], err[600], want[64], *resp = NULL;
  wchar_t cmd[1024], *wn;
  STARTUPINFOW si;
  PROCESS_INFORMATION pi;
  uv_loop_t loop;
  vg_server_t *s = NULL;
  int i, up = 0;
  (void)st;
  snprintf(name, sizeof(name), "\\\\.\\pipe\\vigil-squat-%lu",
           (unsigned long)GetCurrentProcessId());
  wn = vg_wide(name);
  swprintf(cmd, 1024, L"\"%hs\" %ls", VG_SQUATTER_EXE, wn);
  memset(&si, 0, sizeof(si));
  si.cb = sizeof(si);
  assert_true(
      CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
  for (i = 0; i < 100 && !up; i++) {
    up = WaitNamedPipeW(wn, 100) != 0;
    if (!up) Sleep(100);
  }
  assert_true(up);
  snprintf(want, sizeof(want), "pid %lu", (unsigned long)pi.dwProcessId);

  assert_int_equal(uv_loop_init(&loop), 0);
  assert_int_equal(
      vg_server_start(&s, &loop, name, dummy_handler, NULL, err, sizeof(err)),
      VG_ESQUAT);
  assert_null(s);
  printf("service start: %s\n", err);
  assert_non_null(strstr(err, want));
  assert_non_null(strstr(err, "pipe_squatter"));
  assert_null(strstr(err, "already running"));
  uv_run(&loop, UV_RUN_DEFAULT);
  assert_int_equal(uv_loop_close(&loop), 0);

  assert_int_equal(
      vg_client_request(name, "{\"cmd\":\"status\"}", &resp, err, sizeof(err)),
      VG_EUNTRUSTED);
  assert_null(resp);
  printf("client: %s\n", err);
  assert_non_null(strstr(err, want));
  assert_non_null(strstr(err, "not trusting"));

  assert_true(TerminateProcess(pi.hProcess, 0));
  WaitForSingleObject(pi.hProcess, 10000);
  CloseHandle(pi.hThread);
  CloseHandle(pi.hProcess);
  free(wn);
}

/* Runs this test program as a client ("--ask PIPE CMD OUTFILE") with the
 * given primary token (NULL: ours) and returns what it wrote. */
static char *ask_as(HANDLE token, const char *pipe, const char *request) {
  wchar_t self[MAX_PATH], cmd[2048], tmpdir[MAX_PATH], outw[MAX_PATH];
  STARTUPINFOW si;
  PROCESS_INFORMATION pi;
  char out[MAX_PATH * 3], *text;
  FILE *f;
  long n;
  wchar_t *wp = vg_wide(pipe), *wr = vg_wide(request);
  BOOL ok;
  assert_true(GetModuleFileNameW(NULL, self, MAX_PATH) > 0);
  assert_true(GetTempPathW(MAX_PATH, tmpdir) > 0);
  assert_true(GetTempFileNameW(tmpdir, L"vgp", 0, outw) != 0);
  swprintf(cmd, 2048, L"\"%ls\" --ask %ls %ls \"%ls\"", self, wp, wr, outw);
  memset(&si, 0, sizeof(si));
  si.cb = sizeof(si);
  ok = token ? CreateProcessAsUserW(token, NULL, cmd, NULL, NULL, FALSE, 0,
                                    NULL, NULL, &si, &pi)
             : CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si,
                              &pi);
  if (!ok) print_error("cannot start the client: %lu\n", GetLastError());
  assert_true(ok);
  assert_int_equal(WaitForSingleObject(pi.hProcess, 30000), WAIT_OBJECT_0);
  CloseHandle(pi.hThread);
  CloseHandle(pi.hProcess);
  assert_int_equal(vg_utf8(outw, out, sizeof(out)), 0);
  f = fopen(out, "rb");
  assert_non_null(f);
  text = calloc(1, 65536);
  n = (long)fread(text, 1, 65535, f);
  fclose(f);
  DeleteFileW(outw);
  assert_true(n > 0);
  free(wp);
  free(wr);
  return text;
}

static void callers_token_decides_who_may_run(void **st) {
  harness_t h;
  HANDLE proc, restricted;
  BYTE sid[SECURITY_MAX_SID_SIZE];
  DWORD n = sizeof(sid);
  SID_AND_ATTRIBUTES deny;
  char *text;
  (void)st;
  assert_int_equal(harness_start(&h, ""), 0);
  /* Our own token: an (elevated) Administrators member under Wine. */
  text = ask_as(NULL, h.pipe, "run");
  printf("admin client: %s", text);
  assert_non_null(strstr(text, "\"ok\":true"));
  free(text);
  /* The same user with Administrators for deny only - what a non-elevated
   * admin or an ordinary user has. */
  assert_true(CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, sid, &n));
  deny.Sid = sid;
  deny.Attributes = 0;
  assert_true(OpenProcessToken(GetCurrentProcess(), TOKEN_ALL_ACCESS, &proc));
  assert_true(
      CreateRestrictedToken(proc, 0, 1, &deny, 0, NULL, 0, NULL, &restricted));
  text = ask_as(restricted, h.pipe, "run");
  printf("restricted client: %s", text);
  assert_non_null(strstr(text, "requires Administrators"));
  free(text);
  /* Read-only requests are answered for everyone. */
  text = ask_as(restricted, h.pipe, "status");
  assert_non_null(strstr(text, "\"ok\":true"));
  free(text);
  CloseHandle(restricted);
  CloseHandle(proc);
  assert_int_equal(harness_stop(&h), 0);
  harness_cleanup(&h);
}

/* A service has no standard streams, so the CRT hands out descriptors 0-2
 * for accepted pipes; the client must still see the pipe close when the
 * server closes it. Runs last: it closes our stdin. */
static void connections_work_without_standard_streams(void **st) {
  harness_t h;
  HANDLE c;
  const char req[] = "{\"cmd\":\"status\"}\n";
  char buf[65536];
  DWORD n = 0, avail = 0;
  int i, closed = 0;
  (void)st;
  _close(0);
  assert_int_equal(harness_start(&h, ""), 0);
  c = open_client(h.pipe, GENERIC_READ | GENERIC_WRITE);
  assert_true(WriteFile(c, req, sizeof(req) - 1, &n, NULL));
  assert_true(ReadFile(c, buf, sizeof(buf) - 1, &n, NULL));
  buf[n] = '\0';
  assert_non_null(strstr(buf, "\"ok\":true"));
  assert_int_equal(harness_stop(&h), 0);
  for (i = 0; i < 50 && !closed; i++) {
    if (!PeekNamedPipe(c, NULL, 0, NULL, &avail, NULL))
      closed = 1;
    else
      Sleep(100);
  }
  assert_true(closed);
  CloseHandle(c);
  harness_cleanup(&h);
}

/* Client mode for ask_as: one request, the answer into a file. */
static int client_main(const char *pipe, const char *cmd, const char *out) {
  char err[300], req[100], *resp = NULL;
  FILE *f = fopen(out, "wb");
  int rc;
  if (f == NULL) return 3;
  snprintf(req, sizeof(req), "{\"cmd\":\"%s\"}", cmd);
  rc = vg_client_request(pipe, req, &resp, err, sizeof(err));
  fprintf(f, "%s\n", rc == 0 ? resp : err);
  fclose(f);
  free(resp);
  return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(security_descriptor_reads_back_as_intended),
      cmocka_unit_test(
          reject_remote_flag_set_at_creation_wine_cannot_read_back),
      cmocka_unit_test(second_owner_is_refused_as_already_running),
      cmocka_unit_test(
          squatter_named_and_refused_wine_one_user_no_first_instance_flag),
      cmocka_unit_test(callers_token_decides_who_may_run),
      cmocka_unit_test(connections_work_without_standard_streams),
  };
  if (argc == 5 && strcmp(argv[1], "--ask") == 0)
    return client_main(argv[2], argv[3], argv[4]);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
