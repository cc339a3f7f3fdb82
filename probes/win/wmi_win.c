/* wmi_win.c: local volumes, their shadow-copy storage and whether Data
 * Deduplication is on (the readers that go through WMI).
 *
 * Why WMI (Win32_ShadowStorage) rather than the VSS management interface
 * (IVssDifferentialSoftwareSnapshotMgmt::QueryDiffAreasForVolume): it is
 * the same data `vssadmin list shadowstorage` prints (used, allocated and
 * maximum per association), all associations come back from one query
 * instead of one call per volume, it is reachable from C through plain
 * COM with a per-call timeout on IEnumWbemClassObject::Next (so a sick
 * WMI costs a bounded wait, not a hung worker), and a machine without it
 * says so with a clear HRESULT; the VSS interfaces need vssapi's C++
 * oriented headers and the backup privilege. The volume list itself comes
 * from the volume management API (FindFirstVolumeW), so volumes with no
 * association - or with no shadow copy yet - are reported too. */
#define COBJMACROS
#include "com_win.h"

#include "hresult.h"
#include "vg.h"

#include <objbase.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wbemidl.h>

/* Longest wait for one WMI result object. The probe's deadline still
 * bounds the whole collection. */
#define WMI_NEXT_TIMEOUT_MS 30000

static int wmi_win_fail(vg_shadow_info_t *out, const char *call, HRESULT hr) {
  return vg__com_fail(&out->hr, out->call, sizeof(out->call), call, hr);
}

/* A WMI session: the locator, one namespace's service and the class the
 * reader queries. */
typedef struct wmi_win_s {
  IWbemLocator *loc;
  IWbemServices *svc;
  IWbemClassObject *cls;
} wmi_win_t;

/* Opens namespace ns on this machine (WbemLocator, ConnectServer, then
 * CoSetProxyBlanket at authentication level authn) and gets class cls
 * from it: the class is asked for first so that an empty query answer
 * means "no rows", never "no such class" (Wine answers unknown classes
 * with an empty result). Returns S_OK or the failure, with call naming the
 * failing call ("IWbemLocator::ConnectServer(ROOT\\CIMV2)") and *absent
 * set when the namespace or the class does not exist (the feature is not
 * installed). Close c with wmi_win_close whatever the result. */
static HRESULT wmi_win_open(wmi_win_t *c, const wchar_t *ns, const wchar_t *cls,
                            DWORD authn, char *call, size_t size, int *absent) {
  char name[200];
  BSTR b;
  HRESULT hr;
  memset(c, 0, sizeof(*c));
  *absent = 0;
  hr = CoCreateInstance(&CLSID_WbemLocator, NULL, CLSCTX_INPROC_SERVER,
                        &IID_IWbemLocator, (void **)&c->loc);
  if (FAILED(hr)) {
    vg_strlcpy(call, "CoCreateInstance(WbemLocator)", size);
    return hr;
  }
  vg_strlcpy(call, "SysAllocString", size);
  if ((b = SysAllocString(ns)) == NULL) return E_OUTOFMEMORY;
  hr = IWbemLocator_ConnectServer(c->loc, b, NULL, NULL, NULL, 0, NULL, NULL,
                                  &c->svc);
  SysFreeString(b);
  if (FAILED(hr)) {
    vg__w2u(ns, name, sizeof(name));
    snprintf(call, size, "IWbemLocator::ConnectServer(%s)", name);
    *absent = hr == (HRESULT)WBEM_E_INVALID_NAMESPACE;
    return hr;
  }
  vg_strlcpy(call, "CoSetProxyBlanket", size);
  hr = CoSetProxyBlanket((IUnknown *)c->svc, RPC_C_AUTHN_WINNT,
                         RPC_C_AUTHZ_NONE, NULL, authn,
                         RPC_C_IMP_LEVEL_IMPERSONATE, NULL, EOAC_NONE);
  if (FAILED(hr)) return hr;
  vg_strlcpy(call, "SysAllocString", size);
  if ((b = SysAllocString(cls)) == NULL) return E_OUTOFMEMORY;
  hr = IWbemServices_GetObject(c->svc, b, 0, NULL, &c->cls, NULL);
  SysFreeString(b);
  if (FAILED(hr)) {
    vg__w2u(cls, name, sizeof(name));
    snprintf(call, size, "IWbemServices::GetObject(%s)", name);
    *absent =
        hr == (HRESULT)WBEM_E_INVALID_CLASS || hr == (HRESULT)WBEM_E_NOT_FOUND;
  }
  return hr;
}

static void wmi_win_close(wmi_win_t *c) {
  if (c->cls) IWbemClassObject_Release(c->cls);
  if (c->svc) IWbemServices_Release(c->svc);
  if (c->loc) IWbemLocator_Release(c->loc);
  memset(c, 0, sizeof(*c));
}

/* Lists the local volumes (no WMI involved). */
static int wmi_win_volumes(vg_shadow_info_t *out) {
  wchar_t dev[MAX_PATH + 1], names[1024], fs[64];
  HANDLE h = FindFirstVolumeW(dev, MAX_PATH + 1);
  if (h == INVALID_HANDLE_VALUE)
    return wmi_win_fail(out, "FindFirstVolumeW",
                        HRESULT_FROM_WIN32(GetLastError()));
  do {
    vg_shadow_volume_t *v;
    DWORD len = 0;
    ULARGE_INTEGER avail, total, tfree;
    if (out->n == VG_SHADOW_VOLUMES_MAX) break;
    v = &out->vols[out->n++];
    memset(v, 0, sizeof(*v));
    v->copies = -1;
    vg__w2u(dev, v->device, sizeof(v->device));
    if (GetVolumePathNamesForVolumeNameW(dev, names, 1024, &len) && names[0])
      vg__w2u(names, v->name, sizeof(v->name));
    else
      vg_strlcpy(v->name, v->device, sizeof(v->name));
    v->drive_type = (int)GetDriveTypeW(dev);
    if (GetVolumeInformationW(dev, NULL, 0, NULL, NULL, NULL, fs, 64))
      vg__w2u(fs, v->fs_name, sizeof(v->fs_name));
    if (GetDiskFreeSpaceExW(dev, &avail, &total, &tfree))
      v->capacity = total.QuadPart;
  } while (FindNextVolumeW(h, dev, MAX_PATH + 1));
  FindVolumeClose(h);
  return 0;
}

/* Device path out of a Win32_Volume reference such as
 * Win32_Volume.DeviceID="\\\\?\\Volume{...}\\" (backslashes escaped). */
static void wmi_win_ref_device(const wchar_t *ref, char *out, size_t size) {
  wchar_t buf[260];
  const wchar_t *p = ref ? wcsstr(ref, L"DeviceID=\"") : NULL;
  size_t o = 0;
  out[0] = '\0';
  if (p == NULL) return;
  for (p += 10; *p && *p != L'"' && o + 1 < 260; p++) {
    if (*p == L'\\' && p[1] == L'\\') p++;
    buf[o++] = *p;
  }
  buf[o] = L'\0';
  vg__w2u(buf, out, size);
}

static vg_shadow_volume_t *wmi_win_find(vg_shadow_info_t *out,
                                        const char *device) {
  size_t i;
  for (i = 0; i < out->n; i++)
    if (_stricmp(out->vols[i].device, device) == 0) return &out->vols[i];
  return NULL;
}

static uint64_t wmi_win_u64(IWbemClassObject *o, const wchar_t *prop) {
  VARIANT v;
  uint64_t r = 0;
  VariantInit(&v);
  if (FAILED(IWbemClassObject_Get(o, prop, 0, &v, NULL, NULL))) return 0;
  /* CIM uint64 arrives as a decimal string. */
  if (V_VT(&v) == VT_BSTR && V_BSTR(&v))
    r = _wcstoui64(V_BSTR(&v), NULL, 10);
  else if (SUCCEEDED(VariantChangeType(&v, &v, 0, VT_UI8)))
    r = V_UI8(&v);
  VariantClear(&v);
  return r;
}

static void wmi_win_str(IWbemClassObject *o, const wchar_t *prop, char *out,
                        size_t size, int device_ref) {
  VARIANT v;
  VariantInit(&v);
  out[0] = '\0';
  if (SUCCEEDED(IWbemClassObject_Get(o, prop, 0, &v, NULL, NULL)) &&
      V_VT(&v) == VT_BSTR) {
    if (device_ref)
      wmi_win_ref_device(V_BSTR(&v), out, size);
    else
      vg__w2u(V_BSTR(&v), out, size);
  }
  VariantClear(&v);
}

typedef void (*wmi_win_row_cb)(IWbemClassObject *o, vg_shadow_info_t *out);

/* Runs a WQL query and hands each row to cb. Returns 0 or the failure
 * recorded in out. */
static int wmi_win_query(IWbemServices *svc, const wchar_t *wql,
                         const char *call, wmi_win_row_cb cb,
                         vg_shadow_info_t *out) {
  IEnumWbemClassObject *en = NULL;
  BSTR lang = SysAllocString(L"WQL"), q = SysAllocString(wql);
  HRESULT hr;
  int rc = 0;
  if (lang == NULL || q == NULL) {
    rc = VG_ENOMEM;
    goto done;
  }
  hr = IWbemServices_ExecQuery(
      svc, lang, q, WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY, NULL,
      &en);
  if (FAILED(hr)) {
    rc = wmi_win_fail(out, call, hr);
    goto done;
  }
  for (;;) {
    IWbemClassObject *o = NULL;
    ULONG got = 0;
    hr = IEnumWbemClassObject_Next(en, WMI_NEXT_TIMEOUT_MS, 1, &o, &got);
    if (hr == (HRESULT)WBEM_S_TIMEDOUT) {
      rc = wmi_win_fail(out, "IEnumWbemClassObject::Next", hr);
      break;
    }
    if (FAILED(hr)) {
      rc = wmi_win_fail(out, call, hr);
      break;
    }
    if (got == 0) break;
    cb(o, out);
    IWbemClassObject_Release(o);
  }
done:
  if (en) IEnumWbemClassObject_Release(en);
  SysFreeString(lang);
  SysFreeString(q);
  return rc;
}

static void wmi_win_storage_row(IWbemClassObject *o, vg_shadow_info_t *out) {
  char dev[128], diff[128];
  vg_shadow_volume_t *v, *dv;
  wmi_win_str(o, L"Volume", dev, sizeof(dev), 1);
  wmi_win_str(o, L"DiffVolume", diff, sizeof(diff), 1);
  v = wmi_win_find(out, dev);
  if (v == NULL || v->has_storage) return; /* one association per volume */
  v->has_storage = 1;
  dv = wmi_win_find(out, diff);
  vg_strlcpy(v->diff_volume, dv ? dv->name : diff, sizeof(v->diff_volume));
  v->used = wmi_win_u64(o, L"UsedSpace");
  v->allocated = wmi_win_u64(o, L"AllocatedSpace");
  v->max = wmi_win_u64(o, L"MaxSpace");
}

static void wmi_win_copy_row(IWbemClassObject *o, vg_shadow_info_t *out) {
  char dev[128];
  vg_shadow_volume_t *v;
  wmi_win_str(o, L"VolumeName", dev, sizeof(dev), 0);
  v = wmi_win_find(out, dev);
  if (v) v->copies++;
}

int vg__win_shadow_storage(const vg_os_t *os, vg_shadow_info_t *out) {
  (void)os;
  wmi_win_t c;
  HRESULT hr;
  size_t i;
  int owed = 0, rc, absent;
  char call[sizeof(out->call)];

  memset(out, 0, sizeof(*out));
  rc = wmi_win_volumes(out);
  if (rc) return rc;
  hr = vg__com_enter(&owed);
  if (FAILED(hr)) return wmi_win_fail(out, "CoInitializeEx", hr);
  hr = wmi_win_open(&c, L"ROOT\\CIMV2", L"Win32_ShadowStorage",
                    RPC_C_AUTHN_LEVEL_CALL, call, sizeof(call), &absent);
  if (FAILED(hr)) {
    rc = wmi_win_fail(out, call, hr);
    goto done;
  }
  rc = wmi_win_query(c.svc,
                     L"SELECT Volume, DiffVolume, UsedSpace, AllocatedSpace, "
                     L"MaxSpace FROM Win32_ShadowStorage",
                     "IWbemServices::ExecQuery(Win32_ShadowStorage)",
                     wmi_win_storage_row, out);
  if (rc) goto done;
  /* Shadow copies per volume are a nicety: a failure leaves copies -1. */
  for (i = 0; i < out->n; i++)
    out->vols[i].copies = 0;
  if (wmi_win_query(c.svc, L"SELECT VolumeName FROM Win32_ShadowCopy",
                    "IWbemServices::ExecQuery(Win32_ShadowCopy)",
                    wmi_win_copy_row, out) != 0) {
    for (i = 0; i < out->n; i++)
      out->vols[i].copies = -1;
    out->hr = 0;
    out->call[0] = '\0';
  }
done:
  wmi_win_close(&c);
  vg__com_leave(owed);
  return rc;
}

/* ------------------------------------------------- Data Deduplication */

/* Records a failed call in why ("call: 0x... NAME (meaning)") and returns
 * its VG_E* code. */
static int wmi_win_dedup_fail(char *why, size_t whysz, const char *call,
                              HRESULT hr) {
  char d[200];
  int rc = vg_hresult_err((uint32_t)hr);
  snprintf(why, whysz, "%s: %s", call,
           vg_hresult_describe((uint32_t)hr, d, sizeof(d)));
  return rc ? rc : VG_EIO;
}

/* Does a MSFT_DedupVolume row name the volume (by its GUID path, else by
 * its mount point without the trailing backslash) and have dedup on? */
static int wmi_win_dedup_row(IWbemClassObject *o, const char *guid,
                             const char *root) {
  char id[260], vol[260];
  size_t n = strlen(root);
  VARIANT v;
  int on = 0, match;
  wmi_win_str(o, L"VolumeId", id, sizeof(id), 0);
  wmi_win_str(o, L"Volume", vol, sizeof(vol), 0);
  match = (guid[0] && _stricmp(id, guid) == 0) ||
          (n > 0 && _stricmp(vol, root) == 0) ||
          (n > 1 && root[n - 1] == '\\' && strlen(vol) == n - 1 &&
           _strnicmp(vol, root, n - 1) == 0);
  if (!match) return 0;
  VariantInit(&v);
  if (SUCCEEDED(IWbemClassObject_Get(o, L"Enabled", 0, &v, NULL, NULL)) &&
      V_VT(&v) == VT_BOOL)
    on = V_BOOL(&v) != VARIANT_FALSE;
  VariantClear(&v);
  return on;
}

/* Why WMI: MSFT_DedupVolume is the documented interface of the Data
 * Deduplication feature (Get-DedupVolume reads it); the feature has no
 * plain Win32 query. Its namespace exists only where the feature is
 * installed, so a missing namespace or class is an answer, not an error. */
int vg__win_volume_dedup(const vg_os_t *os, const char *path, int *enabled,
                         char *why, size_t whysz) {
  (void)os;
  static const char not_installed[] = "Data Deduplication is not installed";
  wchar_t *w = vg_wide(path), root[MAX_PATH + 1], guid[64];
  char root8[MAX_PATH * 3], guid8[200];
  wmi_win_t c = {NULL, NULL, NULL};
  IEnumWbemClassObject *en = NULL;
  BSTR lang = NULL, q = NULL;
  HRESULT hr;
  int owed = 0, rc = 0, com = 0, absent;
  char call[200];

  *enabled = 0;
  if (whysz) why[0] = '\0';
  if (w == NULL) return VG_ENOMEM;
  if (!GetVolumePathNameW(w, root, MAX_PATH + 1)) {
    rc = wmi_win_dedup_fail(why, whysz, "GetVolumePathNameW",
                            HRESULT_FROM_WIN32(GetLastError()));
    goto done;
  }
  vg__w2u(root, root8, sizeof(root8));
  /* No GUID path (a network or subst drive): match by mount point only. */
  if (!GetVolumeNameForVolumeMountPointW(root, guid, 64)) guid[0] = L'\0';
  vg__w2u(guid, guid8, sizeof(guid8));

  hr = vg__com_enter(&owed);
  if (FAILED(hr)) {
    rc = wmi_win_dedup_fail(why, whysz, "CoInitializeEx", hr);
    goto done;
  }
  com = 1;
  lang = SysAllocString(L"WQL");
  q = SysAllocString(L"SELECT Volume, VolumeId, Enabled FROM MSFT_DedupVolume");
  if (lang == NULL || q == NULL) {
    rc = VG_ENOMEM;
    goto done;
  }
  /* As for Win32_ShadowStorage: an empty query answer must mean "no
   * deduplicated volume", never "no such class". */
  hr = wmi_win_open(&c, L"ROOT\\Microsoft\\Windows\\Deduplication",
                    L"MSFT_DedupVolume", RPC_C_AUTHN_LEVEL_CALL, call,
                    sizeof(call), &absent);
  if (absent) {
    vg_strlcpy(why, not_installed, whysz);
    goto done;
  }
  if (FAILED(hr)) {
    rc = wmi_win_dedup_fail(why, whysz, call, hr);
    goto done;
  }
  hr = IWbemServices_ExecQuery(
      c.svc, lang, q, WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY,
      NULL, &en);
  if (FAILED(hr)) {
    rc = wmi_win_dedup_fail(why, whysz,
                            "IWbemServices::ExecQuery(MSFT_DedupVolume)", hr);
    goto done;
  }
  for (;;) {
    IWbemClassObject *o = NULL;
    ULONG got = 0;
    hr = IEnumWbemClassObject_Next(en, WMI_NEXT_TIMEOUT_MS, 1, &o, &got);
    if (hr == (HRESULT)WBEM_S_TIMEDOUT || FAILED(hr)) {
      rc = wmi_win_dedup_fail(why, whysz, "IEnumWbemClassObject::Next", hr);
      *enabled = 0;
      break;
    }
    if (got == 0) break;
    if (wmi_win_dedup_row(o, guid8, root8)) *enabled = 1;
    IWbemClassObject_Release(o);
  }
done:
  if (en) IEnumWbemClassObject_Release(en);
  wmi_win_close(&c);
  SysFreeString(lang);
  SysFreeString(q);
  if (com) vg__com_leave(owed);
  free(w);
  return rc;
}

/* ------------------------------------------------------------ BitLocker */

/* The lock status could not be read: every volume not already known to be
 * locked becomes "not known", with the call and HRESULT. */
static void wmi_win_bl_fail(vg_volume_list_t *out, const char *call,
                            HRESULT hr) {
  size_t i;
  out->bitlocker_hr = (uint32_t)hr;
  vg_strlcpy(out->bitlocker_call, call, sizeof(out->bitlocker_call));
  for (i = 0; i < out->n; i++)
    if (out->vols[i].locked != 1) out->vols[i].locked = -1;
}

static vg_volume_entry_t *
wmi_win_bl_find(vg_volume_list_t *out, const char *device, const char *letter) {
  size_t i;
  for (i = 0; i < out->n; i++) {
    vg_volume_entry_t *v = &out->vols[i];
    if (device[0] && _stricmp(v->device, device) == 0) return v;
    if (letter[0] && v->letter && _strnicmp(v->mount, letter, 2) == 0) return v;
  }
  return NULL;
}

/* GetLockStatus of one Win32_EncryptableVolume row. Returns S_OK with
 * *status (0 unlocked, 1 locked) or the failure. */
static HRESULT wmi_win_bl_lock(IWbemServices *svc, IWbemClassObject *o,
                               BSTR method, DWORD *status) {
  IWbemClassObject *res = NULL;
  VARIANT path, v;
  HRESULT hr;
  VariantInit(&path);
  VariantInit(&v);
  hr = IWbemClassObject_Get(o, L"__PATH", 0, &path, NULL, NULL);
  if (FAILED(hr)) return hr;
  if (V_VT(&path) != VT_BSTR) {
    VariantClear(&path);
    return (HRESULT)WBEM_E_INVALID_OBJECT_PATH;
  }
  hr = IWbemServices_ExecMethod(svc, V_BSTR(&path), method, 0, NULL, NULL, &res,
                                NULL);
  VariantClear(&path);
  if (FAILED(hr)) return hr;
  hr = IWbemClassObject_Get(res, L"LockStatus", 0, &v, NULL, NULL);
  if (SUCCEEDED(hr) && SUCCEEDED(VariantChangeType(&v, &v, 0, VT_UI4)))
    *status = V_UI4(&v);
  else if (SUCCEEDED(hr))
    hr = (HRESULT)WBEM_E_TYPE_MISMATCH;
  VariantClear(&v);
  IWbemClassObject_Release(res);
  return hr;
}

/* Why WMI: Win32_EncryptableVolume.GetLockStatus is BitLocker's documented
 * interface (manage-bde reads it); its namespace exists only where the
 * feature is installed, so a missing namespace or class means "no
 * BitLocker" - not locked. It needs packet privacy and administrators. */
void vg__win_bitlocker_status(vg_volume_list_t *out) {
  static const char not_installed[] = "BitLocker is not installed";
  wmi_win_t c = {NULL, NULL, NULL};
  IEnumWbemClassObject *en = NULL;
  BSTR lang = NULL, q = NULL, method = NULL;
  HRESULT hr;
  size_t i;
  int owed = 0, com = 0, none = 0;
  char call[sizeof(out->bitlocker_call)];

  hr = vg__com_enter(&owed);
  if (FAILED(hr)) {
    wmi_win_bl_fail(out, "CoInitializeEx", hr);
    return;
  }
  com = 1;
  lang = SysAllocString(L"WQL");
  q = SysAllocString(
      L"SELECT DeviceID, DriveLetter FROM Win32_EncryptableVolume");
  method = SysAllocString(L"GetLockStatus");
  if (!lang || !q || !method) {
    wmi_win_bl_fail(out, "SysAllocString", E_OUTOFMEMORY);
    goto done;
  }
  hr = wmi_win_open(&c, L"ROOT\\CIMV2\\Security\\MicrosoftVolumeEncryption",
                    L"Win32_EncryptableVolume", RPC_C_AUTHN_LEVEL_PKT_PRIVACY,
                    call, sizeof(call), &none);
  if (none) goto done;
  if (FAILED(hr)) {
    wmi_win_bl_fail(out, call, hr);
    goto done;
  }
  hr = IWbemServices_ExecQuery(
      c.svc, lang, q, WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY,
      NULL, &en);
  if (FAILED(hr)) {
    wmi_win_bl_fail(out, "IWbemServices::ExecQuery(Win32_EncryptableVolume)",
                    hr);
    goto done;
  }
  for (;;) {
    IWbemClassObject *o = NULL;
    ULONG got = 0;
    char dev[128], letter[8];
    vg_volume_entry_t *v;
    DWORD status = 0;
    hr = IEnumWbemClassObject_Next(en, WMI_NEXT_TIMEOUT_MS, 1, &o, &got);
    if (hr == (HRESULT)WBEM_S_TIMEDOUT || FAILED(hr)) {
      wmi_win_bl_fail(out, "IEnumWbemClassObject::Next", hr);
      goto done;
    }
    if (got == 0) break;
    wmi_win_str(o, L"DeviceID", dev, sizeof(dev), 0);
    wmi_win_str(o, L"DriveLetter", letter, sizeof(letter), 0);
    v = wmi_win_bl_find(out, dev, letter);
    if (v) {
      hr = wmi_win_bl_lock(c.svc, o, method, &status);
      if (FAILED(hr)) {
        IWbemClassObject_Release(o);
        wmi_win_bl_fail(out, "Win32_EncryptableVolume.GetLockStatus", hr);
        goto done;
      }
      v->locked = status == 1;
    }
    IWbemClassObject_Release(o);
  }
  /* Volumes BitLocker does not list cannot be locked by it. */
  for (i = 0; i < out->n; i++)
    if (out->vols[i].locked < 0) out->vols[i].locked = 0;
done:
  if (none) {
    vg_strlcpy(out->bitlocker_note, not_installed, sizeof(out->bitlocker_note));
    for (i = 0; i < out->n; i++)
      if (out->vols[i].locked < 0) out->vols[i].locked = 0;
  }
  if (en) IEnumWbemClassObject_Release(en);
  wmi_win_close(&c);
  SysFreeString(lang);
  SysFreeString(q);
  SysFreeString(method);
  if (com) vg__com_leave(owed);
}
