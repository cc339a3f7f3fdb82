/* vss_win.c: the VSS writers and their states through the requester
 * interface (IVssBackupComponents), the list `vssadmin list writers`
 * prints.
 *
 * vssapi.dll is loaded at run time rather than linked: its C entry point
 * CreateVssBackupComponentsInternal is what CreateVssBackupComponents
 * (a C++ name) calls, and a system whose vssapi lacks it must get an
 * `unknown` with the reason, not a vigil.exe that fails to load. (Wine 8
 * exports it as a stub answering E_NOTIMPL.) */
#define COBJMACROS
#include "com_win.h"

#include "hresult.h"
#include "vg.h"

#include <objbase.h>
#include <stdio.h>
#include <string.h>
#include <vsbackup.h>
#include <vsserror.h>

typedef HRESULT(WINAPI *vss_win_create_fn)(IVssBackupComponents **);

static int vss_win_fail(vg_vss_writers_t *out, const char *call, HRESULT hr) {
  return vg__com_fail(&out->hr, out->call, sizeof(out->call), call, hr);
}

/* Waits for an asynchronous VSS step at most timeout_ms, polling (so the
 * wait is bounded whatever the VSS service does); cancels it on timeout.
 * Returns the step's result, or HRESULT_FROM_WIN32(ERROR_TIMEOUT). */
static HRESULT vss_win_wait(IVssAsync *a, uint32_t timeout_ms) {
  ULONGLONG start = GetTickCount64();
  for (;;) {
    HRESULT result = S_OK;
    HRESULT hr = IVssAsync_QueryStatus(a, &result, NULL);
    if (FAILED(hr)) return hr;
    if (result != VSS_S_ASYNC_PENDING) return result;
    if (GetTickCount64() - start >= timeout_ms) {
      IVssAsync_Cancel(a);
      return HRESULT_FROM_WIN32(ERROR_TIMEOUT);
    }
    Sleep(50);
  }
}

/* Starts one asynchronous step and waits for it. Returns 0 or the
 * failure recorded in out. */
static int vss_win_step(vg_vss_writers_t *out, const char *call, HRESULT hr,
                        IVssAsync *a, uint32_t timeout_ms) {
  char what[128];
  if (FAILED(hr)) return vss_win_fail(out, call, hr);
  hr = vss_win_wait(a, timeout_ms);
  IVssAsync_Release(a);
  if (hr == HRESULT_FROM_WIN32(ERROR_TIMEOUT)) {
    snprintf(what, sizeof(what), "%s (waited %u s)", call,
             (unsigned)(timeout_ms / 1000));
    vss_win_fail(out, what, hr);
    return VG_ETIMEDOUT;
  }
  if (FAILED(hr) || hr == VSS_S_ASYNC_CANCELLED) {
    snprintf(what, sizeof(what), "%s (IVssAsync result)", call);
    return vss_win_fail(out, what, hr);
  }
  return 0;
}

int vg__win_vss_writers(const vg_os_t *os, uint32_t timeout_ms,
                        vg_vss_writers_t *out) {
  HMODULE lib;
  vss_win_create_fn create;
  IVssBackupComponents *bc = NULL;
  IVssAsync *a = NULL;
  UINT count = 0, i;
  HRESULT hr;
  int owed = 0, rc = 0, com = 0, status_gathered = 0;
  (void)os;

  memset(out, 0, sizeof(*out));
  lib = LoadLibraryW(L"vssapi.dll");
  if (lib == NULL)
    return vss_win_fail(out, "LoadLibraryW(vssapi.dll)",
                        HRESULT_FROM_WIN32(GetLastError()));
  create = (vss_win_create_fn)(void (*)(void))GetProcAddress(
      lib, "CreateVssBackupComponentsInternal");
  if (create == NULL) {
    rc = vss_win_fail(
        out, "GetProcAddress(vssapi.dll, CreateVssBackupComponentsInternal)",
        HRESULT_FROM_WIN32(GetLastError()));
    goto done;
  }
  hr = vg__com_enter(&owed);
  if (FAILED(hr)) {
    rc = vss_win_fail(out, "CoInitializeEx", hr);
    goto done;
  }
  com = 1;
  hr = create(&bc);
  if (FAILED(hr) || bc == NULL) {
    rc = vss_win_fail(out, "CreateVssBackupComponentsInternal",
                      FAILED(hr) ? hr : E_FAIL);
    goto done;
  }
  hr = IVssBackupComponents_InitializeForBackup(bc, NULL);
  if (FAILED(hr)) {
    rc = vss_win_fail(out, "IVssBackupComponents::InitializeForBackup", hr);
    goto done;
  }
  /* Writers report their state only once their metadata was gathered. */
  hr = IVssBackupComponents_GatherWriterMetadata(bc, &a);
  rc = vss_win_step(out, "IVssBackupComponents::GatherWriterMetadata", hr, a,
                    timeout_ms);
  if (rc) goto done;
  a = NULL;
  hr = IVssBackupComponents_GatherWriterStatus(bc, &a);
  rc = vss_win_step(out, "IVssBackupComponents::GatherWriterStatus", hr, a,
                    timeout_ms);
  if (rc) goto done;
  status_gathered = 1;
  hr = IVssBackupComponents_GetWriterStatusCount(bc, &count);
  if (FAILED(hr)) {
    rc = vss_win_fail(out, "IVssBackupComponents::GetWriterStatusCount", hr);
    goto done;
  }
  for (i = 0; i < count; i++) {
    VSS_ID inst, id;
    BSTR name = NULL;
    VSS_WRITER_STATE state = VSS_WS_UNKNOWN;
    HRESULT last = S_OK;
    vg_vss_writer_t *w;
    wchar_t guid[40];
    if (out->n == VG_VSS_WRITERS_MAX) {
      out->truncated = 1;
      break;
    }
    hr = IVssBackupComponents_GetWriterStatus(bc, i, &inst, &id, &name, &state,
                                              &last);
    if (FAILED(hr)) {
      rc = vss_win_fail(out, "IVssBackupComponents::GetWriterStatus", hr);
      goto done;
    }
    w = &out->w[out->n++];
    vg__w2u(name, w->name, sizeof(w->name));
    if (StringFromGUID2(&id, guid, 40)) vg__w2u(guid, w->id, sizeof(w->id));
    w->state = (int)state;
    w->last_error = (uint32_t)last;
    SysFreeString(name);
  }
done:
  if (bc) {
    if (status_gathered) IVssBackupComponents_FreeWriterStatus(bc);
    IVssBackupComponents_FreeWriterMetadata(bc);
    IVssBackupComponents_Release(bc);
  }
  if (com) vg__com_leave(owed);
  FreeLibrary(lib);
  return rc;
}
