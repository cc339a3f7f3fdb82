/* pipe_squatter.c: a hostile program for the Wine lane (issue 16): it
 * creates the named pipe given as its argument before Vigil does and
 * answers every client with a made-up report, until it is killed (or after
 * 60 s). tests/test_pipe_win.c checks that Vigil names it instead of
 * saying "already running", and that the CLI does not trust it. */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <stdio.h>

static DWORD WINAPI squat_watchdog(void *arg) {
  (void)arg;
  Sleep(60000);
  ExitProcess(0);
  return 0;
}

int main(int argc, char **argv) {
  static const char fake[] =
      "{\"ok\":true,\"overall\":\"ok\",\"probes\":[],\"by\":\"squatter\"}\n";
  wchar_t name[512];
  HANDLE h;
  if (argc != 2 || MultiByteToWideChar(CP_UTF8, 0, argv[1], -1, name, 512) == 0)
    return 2;
  CreateThread(NULL, 0, squat_watchdog, NULL, 0, NULL);
  /* A NULL security descriptor: the creator's defaults. */
  h = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE,
                       PIPE_TYPE_BYTE | PIPE_WAIT, PIPE_UNLIMITED_INSTANCES,
                       4096, 4096, 0, NULL);
  if (h == INVALID_HANDLE_VALUE) return 3;
  for (;;) {
    DWORD n;
    char buf[512];
    if (!ConnectNamedPipe(h, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
      continue;
    WriteFile(h, fake, sizeof(fake) - 1, &n, NULL);
    /* Until the client hangs up. */
    while (ReadFile(h, buf, sizeof(buf), &n, NULL) && n > 0) {
    }
    DisconnectNamedPipe(h);
  }
}
