/* platform_win.c: folders and the pipe name on Windows. The service
 * manager and Event Log parts live in service_win.c and eventlog_win.c. */
#include "platform.h"

#include "vg.h"
#include "vg_win.h"

#include <uv.h>

#include <knownfolders.h>
#include <shlobj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The data folder the MSI recorded (property VIGILDATA, docs/install.md):
 * HKLM\SOFTWARE\Vigil, value DataFolder. 0 when found and not empty. */
static int home_from_registry(char *out, size_t size) {
  wchar_t buf[MAX_PATH + 1];
  DWORD n = sizeof(buf) - sizeof(wchar_t);
  size_t len;
  memset(buf, 0, sizeof(buf));
  if (RegGetValueW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Vigil", L"DataFolder",
                   RRF_RT_REG_SZ, NULL, buf, &n) != ERROR_SUCCESS)
    return VG_ENOENT;
  len = wcslen(buf);
  while (len > 3 && (buf[len - 1] == L'\\' || buf[len - 1] == L'/'))
    buf[--len] = 0; /* D:\Data\ -> D:\Data; D:\ stays */
  if (len == 0) return VG_ENOENT;
  return vg_utf8(buf, out, size);
}

int vg_platform_home(char *out, size_t size) {
  char pd[MAX_PATH * 3];
  const char *h = getenv("VIGIL_HOME");
  PWSTR known = NULL;
  if (h && *h) return vg_strlcpy(out, h, size);
  if (home_from_registry(out, size) == 0) return 0;
  /* The known folder, not %ProgramData%: Wine hands services
   * C:\users\Public there, and install and service must agree. */
  if (SHGetKnownFolderPath(&FOLDERID_ProgramData, 0, NULL, &known) != S_OK ||
      vg_utf8(known, pd, sizeof(pd)) != 0)
    vg_strlcpy(pd, "C:\\ProgramData", sizeof(pd));
  CoTaskMemFree(known);
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

int vg_platform_setenv(const char *name, const char *value) {
  /* The OS's copy (child processes, GetEnvironmentVariable) and the C
   * runtime's (getenv). */
  if (uv_os_setenv(name, value) != 0) return VG_EINVAL;
  return _putenv_s(name, value) == 0 ? 0 : VG_EINVAL;
}
