/* com_win.c: COM set-up, error recording and conversions shared by the
 * Task Scheduler, WMI and SetupAPI readers. */
#include "com_win.h"

#include "hresult.h"
#include "vg.h"

#include <objbase.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

HRESULT vg__com_enter(int *owed) {
  HRESULT hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
  *owed = SUCCEEDED(hr); /* S_FALSE (already initialised) is owed too */
  if (hr == RPC_E_CHANGED_MODE) return S_OK;
  return SUCCEEDED(hr) ? S_OK : hr;
}

void vg__com_leave(int owed) {
  if (owed) CoUninitialize();
}

int vg__com_fail(uint32_t *hr_out, char *call, size_t callsz, const char *name,
                 HRESULT hr) {
  int rc = vg_hresult_err((uint32_t)hr);
  *hr_out = (uint32_t)hr;
  vg_strlcpy(call, name, callsz);
  return rc ? rc : VG_EIO;
}

void vg__w2u(const wchar_t *w, char *out, size_t size) {
  if (size == 0) return;
  out[0] = '\0';
  if (w == NULL) return;
  if (vg_utf8(w, out, size) != 0) {
    /* Too long: convert what fits, never a broken sequence at the end. */
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *tmp = n > 0 ? malloc((size_t)n) : NULL;
    if (tmp && WideCharToMultiByte(CP_UTF8, 0, w, -1, tmp, n, NULL, NULL)) {
      size_t len = size - 1;
      while (len > 0 && ((unsigned char)tmp[len] & 0xC0) == 0x80)
        len--;
      memcpy(out, tmp, len);
      out[len] = '\0';
    }
    free(tmp);
  }
}

BSTR vg__bstr(const char *s) {
  wchar_t *w = vg_wide(s);
  BSTR b;
  if (w == NULL) return NULL;
  b = SysAllocString(w);
  free(w);
  return b;
}

int64_t vg__date_ms(DATE d) {
  SYSTEMTIME local, utc;
  FILETIME ft;
  if (d == 0) return 0;
  if (!VariantTimeToSystemTime(d, &local)) return 0;
  if (!TzSpecificLocalTimeToSystemTime(NULL, &local, &utc)) utc = local;
  if (!SystemTimeToFileTime(&utc, &ft)) return 0;
  return vg_win_ft_ms(&ft);
}
