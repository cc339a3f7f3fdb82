/* volumes_win.c: every local volume with what decides whether MARS can
 * back it up - mount point, type, file system, read-only, offline, space -
 * from the volume management API; BitLocker lock status from WMI
 * (wmi_win.c). */
#include "com_win.h"

#include "vg.h"

#include <stdio.h>
#include <string.h>
#include <winioctl.h>

/* ntddvol.h, not in mingw-w64's headers: succeeds when the volume is
 * offline. */
#ifndef IOCTL_VOLUME_IS_OFFLINE
#define IOCTL_VOLUME_IS_OFFLINE                                                \
  CTL_CODE(0x00000056 /* IOCTL_VOLUME_BASE 'V' */, 4, METHOD_BUFFERED,         \
           FILE_ANY_ACCESS)
#endif
/* FVE_E_LOCKED_VOLUME: what reading a BitLocker-locked volume fails with. */
#define VOLUMES_WIN_FVE_LOCKED 0x80310000u

/* First mount point of dev, a drive letter ("D:\") preferred, into
 * v->mount and root (UTF-16, MAX_PATH + 1); root stays "" without one. */
static void volumes_win_mount(const wchar_t *dev, vg_volume_entry_t *v,
                              wchar_t *root) {
  wchar_t names[2048];
  const wchar_t *p, *pick = NULL;
  DWORD len = 0;
  root[0] = L'\0';
  if (!GetVolumePathNamesForVolumeNameW(dev, names, 2048, &len)) return;
  for (p = names; *p && pick == NULL; p += wcslen(p) + 1)
    if (p[1] == L':' && p[2] == L'\\' && p[3] == L'\0') {
      pick = p;
      v->letter = (char)p[0];
    }
  if (pick == NULL && names[0]) pick = names;
  if (pick == NULL || wcslen(pick) > MAX_PATH) return;
  wcscpy(root, pick);
  vg__w2u(pick, v->mount, sizeof(v->mount));
}

/* IOCTL_VOLUME_IS_OFFLINE on the volume's device (no access rights
 * needed); 0 when it cannot be asked. */
static int volumes_win_offline(const wchar_t *dev) {
  wchar_t path[MAX_PATH + 1];
  size_t n = wcslen(dev);
  HANDLE h;
  DWORD got = 0;
  BOOL off;
  if (n == 0 || n > MAX_PATH) return 0;
  wcscpy(path, dev);
  if (path[n - 1] == L'\\') path[n - 1] = L'\0'; /* the device, not its root */
  h = CreateFileW(path, 0, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                  OPEN_EXISTING, 0, NULL);
  if (h == INVALID_HANDLE_VALUE) return 0;
  off =
      DeviceIoControl(h, IOCTL_VOLUME_IS_OFFLINE, NULL, 0, NULL, 0, &got, NULL);
  CloseHandle(h);
  return off != FALSE;
}

int vg__win_volumes_list(const vg_os_t *os, vg_volume_list_t *out) {
  wchar_t dev[MAX_PATH + 1], root[MAX_PATH + 1], fs[64];
  HANDLE h;
  (void)os;
  memset(out, 0, sizeof(*out));
  h = FindFirstVolumeW(dev, MAX_PATH + 1);
  if (h == INVALID_HANDLE_VALUE)
    return vg__com_fail(&out->hr, out->call, sizeof(out->call),
                        "FindFirstVolumeW", HRESULT_FROM_WIN32(GetLastError()));
  do {
    vg_volume_entry_t *v;
    ULARGE_INTEGER avail, total, tfree;
    DWORD flags = 0;
    if (out->n == VG_VOLUMES_MAX) {
      out->truncated = 1;
      break;
    }
    v = &out->vols[out->n++];
    memset(v, 0, sizeof(*v));
    v->locked = -1;
    vg__w2u(dev, v->device, sizeof(v->device));
    volumes_win_mount(dev, v, root);
    /* By the mount point: Wine answers DRIVE_UNKNOWN for a GUID path. */
    v->drive_type = (int)GetDriveTypeW(root[0] ? root : dev);
    if (GetVolumeInformationW(dev, NULL, 0, NULL, NULL, &flags, fs, 64)) {
      vg__w2u(fs, v->fs_name, sizeof(v->fs_name));
      v->read_only = (flags & FILE_READ_ONLY_VOLUME) != 0;
    } else {
      DWORD e = GetLastError();
      v->info_hr = e == VOLUMES_WIN_FVE_LOCKED ? e : HRESULT_FROM_WIN32(e);
      if (e == VOLUMES_WIN_FVE_LOCKED) v->locked = 1;
      if (e == ERROR_NOT_READY) v->offline = 1;
    }
    if (!v->offline) v->offline = volumes_win_offline(dev);
    if (GetDiskFreeSpaceExW(dev, &avail, &total, &tfree)) {
      v->space_read = 1;
      v->total_bytes = total.QuadPart;
      v->free_bytes = tfree.QuadPart;
    }
  } while (FindNextVolumeW(h, dev, MAX_PATH + 1));
  FindVolumeClose(h);
  vg__win_bitlocker_status(out);
  return 0;
}
