/* os_win.c: the OS table on Windows - registry, volumes, files, SCM. */
#include "os.h"

#include "vg.h"
#include "vg_win.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ registry */

static REGSAM win_view(unsigned flags) {
  return (flags & VG_REG_32) ? KEY_WOW64_32KEY : KEY_WOW64_64KEY;
}

static int win_reg_get(const char *key, const char *value, unsigned flags,
                       vg_reg_value_t *out) {
  wchar_t *wk = vg_wide(key), *wv = vg_wide(value);
  HKEY hk = NULL;
  DWORD type = 0, size = 0;
  LSTATUS st;
  BYTE *data = NULL;
  int rc = 0;
  memset(out, 0, sizeof(*out));
  if (wk == NULL || wv == NULL) {
    rc = VG_ENOMEM;
    goto done;
  }
  st = RegOpenKeyExW(HKEY_LOCAL_MACHINE, wk, 0, KEY_QUERY_VALUE | win_view(flags),
                     &hk);
  if (st != ERROR_SUCCESS) {
    rc = vg_win_err((DWORD)st);
    goto done;
  }
  st = RegQueryValueExW(hk, wv, NULL, &type, NULL, &size);
  if (st != ERROR_SUCCESS) {
    rc = vg_win_err((DWORD)st);
    goto done;
  }
  if (size > 64 * 1024) {
    rc = VG_ETOOBIG;
    goto done;
  }
  data = calloc(1, size + 2 * sizeof(wchar_t));
  if (data == NULL) {
    rc = VG_ENOMEM;
    goto done;
  }
  st = RegQueryValueExW(hk, wv, NULL, &type, data, &size);
  if (st != ERROR_SUCCESS) {
    rc = vg_win_err((DWORD)st);
    goto done;
  }
  switch (type) {
  case REG_SZ:
  case REG_EXPAND_SZ:
    out->type = type == REG_SZ ? VG_REGT_SZ : VG_REGT_EXPAND_SZ;
    rc = vg_utf8((wchar_t *)data, out->str, sizeof(out->str));
    break;
  case REG_MULTI_SZ: {
    wchar_t *p = (wchar_t *)data;
    size_t o = 0;
    out->type = VG_REGT_MULTI_SZ;
    while (*p) {
      char part[1024];
      if (vg_utf8(p, part, sizeof(part)) == 0) {
        if (o) vg_bufprintf(out->str, sizeof(out->str), &o, "\n");
        vg_bufprintf(out->str, sizeof(out->str), &o, "%s", part);
      }
      p += wcslen(p) + 1;
    }
    break;
  }
  case REG_DWORD:
    out->type = VG_REGT_DWORD;
    out->num = size >= 4 ? *(DWORD *)data : 0;
    snprintf(out->str, sizeof(out->str), "%llu", (unsigned long long)out->num);
    break;
  case REG_QWORD:
    out->type = VG_REGT_QWORD;
    out->num = size >= 8 ? *(ULONGLONG *)data : 0;
    snprintf(out->str, sizeof(out->str), "%llu", (unsigned long long)out->num);
    break;
  default: out->type = VG_REGT_OTHER; break;
  }
done:
  if (hk) RegCloseKey(hk);
  free(data);
  free(wk);
  free(wv);
  return rc;
}

static int win_reg_enum_values(const char *key, unsigned flags,
                               vg_reg_enum_cb cb, void *ud) {
  (void)key, (void)flags, (void)cb, (void)ud;
  return VG_ENOTSUP; /* implemented with the MARS probes (issue 5) */
}

static int win_reg_enum_keys(const char *key, unsigned flags,
                             vg_reg_enum_cb cb, void *ud) {
  (void)key, (void)flags, (void)cb, (void)ud;
  return VG_ENOTSUP; /* implemented with the MARS probes (issue 5) */
}

static int win_expand_env(const char *in, char *out, size_t outsz) {
  wchar_t *w = vg_wide(in), buf[2048];
  DWORD n;
  if (w == NULL) return VG_ENOMEM;
  n = ExpandEnvironmentStringsW(w, buf, (DWORD)VG_ARRAY_SIZE(buf));
  free(w);
  if (n == 0) return vg_win_err(GetLastError());
  if (n > VG_ARRAY_SIZE(buf)) return VG_ERANGE;
  return vg_utf8(buf, out, outsz);
}

/* -------------------------------------------------------------- volumes */

static int win_disk_space(const char *path, uint64_t *free_bytes,
                          uint64_t *total_bytes) {
  wchar_t *w = vg_wide(path);
  ULARGE_INTEGER avail, total, tfree;
  BOOL ok;
  if (w == NULL) return VG_ENOMEM;
  ok = GetDiskFreeSpaceExW(w, &avail, &total, &tfree);
  free(w);
  if (!ok) return vg_win_err(GetLastError());
  *free_bytes = avail.QuadPart;
  *total_bytes = total.QuadPart;
  return 0;
}

static int win_fixed_volumes_used(uint64_t *used) {
  DWORD mask = GetLogicalDrives();
  wchar_t root[] = L"A:\\";
  int i, found = 0;
  *used = 0;
  for (i = 0; i < 26; i++) {
    ULARGE_INTEGER avail, total, tfree;
    if (!(mask & (1u << i))) continue;
    root[0] = (wchar_t)(L'A' + i);
    if (GetDriveTypeW(root) != DRIVE_FIXED) continue;
    if (!GetDiskFreeSpaceExW(root, &avail, &total, &tfree)) continue;
    *used += total.QuadPart - tfree.QuadPart;
    found = 1;
  }
  return found ? 0 : VG_ENOENT;
}

static int win_volume_info(const char *path, vg_volume_info_t *out) {
  wchar_t *w = vg_wide(path), root[MAX_PATH + 1], fs[64];
  DWORD flags = 0;
  ULARGE_INTEGER avail, total, tfree;
  int rc = 0;
  memset(out, 0, sizeof(*out));
  if (w == NULL) return VG_ENOMEM;
  if (!GetVolumePathNameW(w, root, MAX_PATH + 1)) {
    rc = vg_win_err(GetLastError());
    goto done;
  }
  vg_utf8(root, out->root, sizeof(out->root));
  out->drive_type = (int)GetDriveTypeW(root);
  if (GetVolumeInformationW(root, NULL, 0, NULL, NULL, &flags, fs, 64)) {
    vg_utf8(fs, out->fs_name, sizeof(out->fs_name));
    out->read_only = (flags & FILE_READ_ONLY_VOLUME) != 0;
  }
  if (GetDiskFreeSpaceExW(root, &avail, &total, &tfree)) {
    out->free_bytes = avail.QuadPart;
    out->total_bytes = total.QuadPart;
  }
done:
  free(w);
  return rc;
}

/* ---------------------------------------------------------------- files */

static int win_file_attrs(const char *path, uint32_t *attrs) {
  wchar_t *w = vg_wide(path);
  DWORD a;
  if (w == NULL) return VG_ENOMEM;
  a = GetFileAttributesW(w);
  free(w);
  if (a == INVALID_FILE_ATTRIBUTES) return vg_win_err(GetLastError());
  *attrs = (uint32_t)a;
  return 0;
}

static int win_notsup_dir(const char *dir) {
  (void)dir;
  return VG_ENOTSUP; /* implemented with the MARS probes (issue 5) */
}

static int win_count_files(const char *dir, const char *pattern,
                           uint64_t stop_at, uint64_t *count) {
  (void)dir, (void)pattern, (void)stop_at, (void)count;
  return VG_ENOTSUP; /* implemented with the MARS probes (issue 5) */
}

static int win_list_dir(const char *dir, vg_dir_enum_cb cb, void *ud) {
  (void)dir, (void)cb, (void)ud;
  return VG_ENOTSUP; /* implemented with the MARS probes (issue 5) */
}

static int win_file_crc32(const char *path, uint32_t *crc, uint64_t *size) {
  (void)path, (void)crc, (void)size;
  return VG_ENOTSUP; /* implemented with the MARS probes (issue 5) */
}

static int win_file_version(const char *path, uint16_t v[4]) {
  (void)path, (void)v;
  return VG_ENOTSUP; /* implemented with the MARS probes (issue 5) */
}

static int win_svc_query(const char *name, vg_svc_info_t *out) {
  (void)name, (void)out;
  return VG_ENOTSUP; /* implemented with the MARS probes (issue 5) */
}

static const vg_os_t win_os = {
    .reg_get = win_reg_get,
    .reg_enum_values = win_reg_enum_values,
    .reg_enum_keys = win_reg_enum_keys,
    .expand_env = win_expand_env,
    .disk_space = win_disk_space,
    .fixed_volumes_used = win_fixed_volumes_used,
    .volume_info = win_volume_info,
    .file_attrs = win_file_attrs,
    .probe_write = win_notsup_dir,
    .count_files = win_count_files,
    .list_dir = win_list_dir,
    .file_crc32 = win_file_crc32,
    .file_version = win_file_version,
    .svc_query = win_svc_query,
};

const vg_os_t *vg_os_default(void) { return &win_os; }
