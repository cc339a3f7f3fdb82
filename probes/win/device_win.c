/* device_win.c: present devices by hardware id, with their class, driver
 * and Device Manager problem code (SetupAPI + CfgMgr32). */
#include "com_win.h"

#include "vg.h"

#include <cfgmgr32.h>
#include <objbase.h>
#include <setupapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int device_win_fail(vg_device_list_t *out, const char *call, DWORD err) {
  return vg__com_fail(&out->hr, out->call, sizeof(out->call), call,
                      HRESULT_FROM_WIN32(err));
}

/* A string (or the strings of a multi-string, joined by '\n') registry
 * property of a device; "" when it has none. */
static void device_win_prop(HDEVINFO h, SP_DEVINFO_DATA *dd, DWORD prop,
                            char *out, size_t size) {
  wchar_t buf[1024];
  DWORD type = 0;
  size_t o = 0;
  const wchar_t *p;
  out[0] = '\0';
  memset(buf, 0, sizeof(buf));
  if (!SetupDiGetDeviceRegistryPropertyW(h, dd, prop, &type, (BYTE *)buf,
                                         sizeof(buf) - 2 * sizeof(wchar_t),
                                         NULL))
    return;
  if (type != REG_MULTI_SZ) {
    vg__w2u(buf, out, size);
    return;
  }
  for (p = buf; *p; p += wcslen(p) + 1) {
    char part[512];
    vg__w2u(p, part, sizeof(part));
    vg_bufprintf(out, size, &o, "%s%s", o ? "\n" : "", part);
  }
}

/* 1 when hardware_id is one of the '\n'-joined ids, or the instance id is
 * hardware_id\<n> (a device whose properties cannot be read). */
static int device_win_match(const char *ids, const char *instance,
                            const char *hardware_id) {
  size_t n = strlen(hardware_id);
  const char *p = ids;
  while (*p) {
    const char *e = strchr(p, '\n');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == n && _strnicmp(p, hardware_id, n) == 0) return 1;
    p += len + (e ? 1 : 0);
  }
  return _strnicmp(instance, hardware_id, n) == 0 && instance[n] == '\\';
}

int vg__win_device_query(const vg_os_t *os, const char *class_guid,
                         const char *hardware_id, vg_device_list_t *out) {
  (void)os;
  GUID guid;
  HDEVINFO h;
  SP_DEVINFO_DATA dd;
  DWORD i, flags = DIGCF_PRESENT;
  int rc = 0;

  memset(out, 0, sizeof(*out));
  if (class_guid) {
    wchar_t *w = vg_wide(class_guid);
    HRESULT hr = w ? CLSIDFromString(w, &guid) : E_OUTOFMEMORY;
    free(w);
    if (FAILED(hr))
      return vg__com_fail(&out->hr, out->call, sizeof(out->call),
                          "CLSIDFromString", hr);
  } else {
    flags |= DIGCF_ALLCLASSES;
  }
  h = SetupDiGetClassDevsW(class_guid ? &guid : NULL, NULL, NULL, flags);
  if (h == INVALID_HANDLE_VALUE)
    return device_win_fail(out, "SetupDiGetClassDevsW", GetLastError());
  for (i = 0;; i++) {
    vg_device_info_t *d;
    char ids[512], instance[200];
    wchar_t winst[200];
    ULONG status = 0, problem = 0;
    CONFIGRET cr;
    memset(&dd, 0, sizeof(dd));
    dd.cbSize = sizeof(dd);
    if (!SetupDiEnumDeviceInfo(h, i, &dd)) {
      DWORD err = GetLastError();
      if (err != ERROR_NO_MORE_ITEMS)
        rc = device_win_fail(out, "SetupDiEnumDeviceInfo", err);
      break;
    }
    if (!SetupDiGetDeviceInstanceIdW(h, &dd, winst, 200, NULL)) winst[0] = 0;
    vg__w2u(winst, instance, sizeof(instance));
    device_win_prop(h, &dd, SPDRP_HARDWAREID, ids, sizeof(ids));
    if (!device_win_match(ids, instance, hardware_id)) continue;
    if (out->n == VG_DEVICES_MAX) break;
    d = &out->devs[out->n++];
    vg_strlcpy(d->instance_id, instance, sizeof(d->instance_id));
    vg_strlcpy(d->hardware_ids, ids, sizeof(d->hardware_ids));
    device_win_prop(h, &dd, SPDRP_CLASS, d->class_name, sizeof(d->class_name));
    device_win_prop(h, &dd, SPDRP_CLASSGUID, d->class_guid,
                    sizeof(d->class_guid));
    device_win_prop(h, &dd, SPDRP_DEVICEDESC, d->description,
                    sizeof(d->description));
    device_win_prop(h, &dd, SPDRP_FRIENDLYNAME, d->friendly_name,
                    sizeof(d->friendly_name));
    device_win_prop(h, &dd, SPDRP_DRIVER, d->driver, sizeof(d->driver));
    cr = CM_Get_DevNode_Status(&status, &problem, dd.DevInst, 0);
    d->status_cr = (uint32_t)cr;
    if (cr == CR_SUCCESS) {
      d->status = (uint32_t)status;
      d->problem = (status & DN_HAS_PROBLEM) ? (uint32_t)problem : 0;
    }
  }
  SetupDiDestroyDeviceInfoList(h);
  return rc;
}
