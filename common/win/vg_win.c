/* vg_win.c: UTF-8/UTF-16 conversion, Win32 error mapping, FILETIME time. */
#include "vg_win.h"

#include "vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

wchar_t *vg_wide(const char *s) {
  int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
  wchar_t *w;
  if (n <= 0) return NULL;
  w = malloc((size_t)n * sizeof(wchar_t));
  if (w == NULL) return NULL;
  if (MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n) <= 0) {
    free(w);
    return NULL;
  }
  return w;
}

int vg_utf8(const wchar_t *w, char *out, size_t outsz) {
  int n;
  if (outsz == 0) return VG_ERANGE;
  n = WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)outsz, NULL, NULL);
  if (n <= 0) {
    out[0] = '\0';
    return GetLastError() == ERROR_INSUFFICIENT_BUFFER ? VG_ERANGE : VG_EINVAL;
  }
  return 0;
}

int vg_win_err(DWORD err) {
  switch (err) {
  case ERROR_SUCCESS: return 0;
  case ERROR_FILE_NOT_FOUND:
  case ERROR_PATH_NOT_FOUND:
  case ERROR_SERVICE_DOES_NOT_EXIST:
  case ERROR_INVALID_DRIVE:
  case ERROR_BAD_NETPATH: return VG_ENOENT;
  case ERROR_ACCESS_DENIED:
  case ERROR_PRIVILEGE_NOT_HELD: return VG_EACCES;
  case ERROR_NOT_ENOUGH_MEMORY:
  case ERROR_OUTOFMEMORY: return VG_ENOMEM;
  case ERROR_FILENAME_EXCED_RANGE:
  case ERROR_CANT_RESOLVE_FILENAME: /* a junction or link loop */
  case ERROR_MORE_DATA:
  case ERROR_INSUFFICIENT_BUFFER: return VG_ERANGE;
  case ERROR_CALL_NOT_IMPLEMENTED:
  case ERROR_NOT_SUPPORTED: return VG_ENOTSUP;
  case ERROR_TIMEOUT:
  case WAIT_TIMEOUT: return VG_ETIMEDOUT;
  case ERROR_ALREADY_EXISTS:
  case ERROR_FILE_EXISTS:
  case ERROR_SERVICE_EXISTS: return VG_EEXIST;
  default: return VG_EIO;
  }
}

const char *vg_win_msg(DWORD err, char *buf, size_t size) {
  wchar_t w[512];
  char msg[768];
  DWORD n = FormatMessageW(
      FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, err,
      MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US), w, 512, NULL);
  if (n == 0)
    n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM |
                           FORMAT_MESSAGE_IGNORE_INSERTS,
                       NULL, err, 0, w, 512, NULL);
  if (n == 0 || vg_utf8(w, msg, sizeof(msg)) != 0) {
    snprintf(buf, size, "error 0x%08lX", (unsigned long)err);
    return buf;
  }
  n = (DWORD)strlen(msg);
  while (n > 0 && (msg[n - 1] == '\r' || msg[n - 1] == '\n' ||
                   msg[n - 1] == ' ' || msg[n - 1] == '.'))
    msg[--n] = '\0';
  snprintf(buf, size, "%s (0x%08lX)", msg, (unsigned long)err);
  return buf;
}

int64_t vg_win_filetime_ms(ULONGLONG ft) {
  return (int64_t)(ft / 10000ull) - 11644473600000ll;
}

int64_t vg_win_ft_ms(const FILETIME *ft) {
  ULARGE_INTEGER u;
  u.LowPart = ft->dwLowDateTime;
  u.HighPart = ft->dwHighDateTime;
  return vg_win_filetime_ms(u.QuadPart);
}

int64_t vg_win_now_ms(void) {
  FILETIME ft;
  GetSystemTimeAsFileTime(&ft);
  return vg_win_ft_ms(&ft);
}
