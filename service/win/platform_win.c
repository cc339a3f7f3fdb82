/* platform_win.c: folders and the pipe name on Windows. The service
 * manager and Event Log parts live in service_win.c and eventlog_win.c. */
#include "platform.h"

#include "vg.h"
#include "vg_win.h"

#include <shlobj.h>
#include <stdio.h>
#include <stdlib.h>

int vg_platform_home(char *out, size_t size) {
  wchar_t buf[MAX_PATH];
  char pd[MAX_PATH * 3];
  const char *h = getenv("VIGIL_HOME");
  DWORD n;
  if (h && *h) return vg_strlcpy(out, h, size);
  n = GetEnvironmentVariableW(L"ProgramData", buf, MAX_PATH);
  if (n == 0 || n >= MAX_PATH || vg_utf8(buf, pd, sizeof(pd)) != 0)
    vg_strlcpy(pd, "C:\\ProgramData", sizeof(pd));
  return snprintf(out, size, "%s\\Vigil", pd) < (int)size ? 0 : VG_ERANGE;
}

void vg_platform_pipe_name(const char *home, char *out, size_t size) {
  const char *p = getenv("VIGIL_PIPE");
  (void)home;
  vg_strlcpy(out, p && *p ? p : "\\\\.\\pipe\\vigil", size);
}

int vg_platform_mkdir(const char *path) {
  wchar_t *w = vg_wide(path);
  int rc;
  if (w == NULL) return VG_ENOMEM;
  rc = SHCreateDirectoryExW(NULL, w, NULL);
  free(w);
  if (rc == ERROR_SUCCESS || rc == ERROR_ALREADY_EXISTS ||
      rc == ERROR_FILE_EXISTS)
    return 0;
  return vg_win_err((DWORD)rc);
}
