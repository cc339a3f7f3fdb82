/* os_win.c: the OS table on Windows - registry, volumes, files, SCM. */
#include "os.h"

#include "com_win.h"
#include "jobs_win.h"
#include "net_win.h"
#include "vg.h"
#include "vg_win.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ------------------------------------------------------------ registry */

static REGSAM win_view(unsigned flags) {
  return (flags & VG_REG_32) ? KEY_WOW64_32KEY : KEY_WOW64_64KEY;
}

/* Fills out from one value's raw data; data holds size bytes followed by
 * at least four zero bytes. Returns 0, or VG_ERANGE/VG_EINVAL when a string
 * does not convert (out->str is then empty). */
static int win_reg_convert(DWORD type, const BYTE *data, DWORD size,
                           vg_reg_value_t *out) {
  int rc = 0;
  memset(out, 0, sizeof(*out));
  switch (type) {
  case REG_SZ:
  case REG_EXPAND_SZ:
    out->type = type == REG_SZ ? VG_REGT_SZ : VG_REGT_EXPAND_SZ;
    rc = vg_utf8((const wchar_t *)data, out->str, sizeof(out->str));
    if (rc != 0) out->str[0] = '\0';
    break;
  case REG_MULTI_SZ: {
    const wchar_t *p = (const wchar_t *)data;
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
    out->num = size >= 4 ? *(const DWORD *)data : 0;
    snprintf(out->str, sizeof(out->str), "%llu", (unsigned long long)out->num);
    break;
  case REG_QWORD:
    out->type = VG_REGT_QWORD;
    out->num = size >= 8 ? *(const ULONGLONG *)data : 0;
    snprintf(out->str, sizeof(out->str), "%llu", (unsigned long long)out->num);
    break;
  default: out->type = VG_REGT_OTHER; break;
  }
  return rc;
}

static int win_reg_get(const vg_os_t *os, const char *key, const char *value,
                       unsigned flags, vg_reg_value_t *out) {
  (void)os;
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
  st = RegOpenKeyExW(HKEY_LOCAL_MACHINE, wk, 0,
                     KEY_QUERY_VALUE | win_view(flags), &hk);
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
  rc = win_reg_convert(type, data, size, out);
done:
  if (hk) RegCloseKey(hk);
  free(data);
  free(wk);
  free(wv);
  return rc;
}

/* Calls cb with the name and typed value of each value of HKLM\key (the
 * unnamed default value has the name "") until cb returns non-zero. Data
 * larger than 64 KiB is not read: such values come as VG_REGT_OTHER.
 * Returns 0 (also for a key without values), VG_ENOENT when the key is
 * absent, or the mapped error. Worker thread. */
static int win_reg_enum_values(const vg_os_t *os, const char *key,
                               unsigned flags, vg_reg_enum_cb cb, void *ud) {
  (void)os;
  enum { NAME_CAP = 16384, DATA_CAP = 64 * 1024 }; /* registry limits */
  wchar_t *wk = vg_wide(key), *name = NULL;
  char *u8 = NULL;
  BYTE *data = NULL;
  vg_reg_value_t *val = NULL;
  HKEY hk = NULL;
  DWORD i, nlen, dlen, type, maxdata = 0, cap;
  LSTATUS st;
  int rc = 0;
  if (wk == NULL) return VG_ENOMEM;
  st = RegOpenKeyExW(HKEY_LOCAL_MACHINE, wk, 0,
                     KEY_QUERY_VALUE | win_view(flags), &hk);
  free(wk);
  if (st != ERROR_SUCCESS) return vg_win_err((DWORD)st);
  st = RegQueryInfoKeyW(hk, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                        &maxdata, NULL, NULL);
  if (st != ERROR_SUCCESS) {
    rc = vg_win_err((DWORD)st);
    goto done;
  }
  cap = maxdata > DATA_CAP ? DATA_CAP : maxdata;
  name = malloc(NAME_CAP * sizeof(wchar_t));
  u8 = malloc(NAME_CAP * 3);
  data = malloc(cap + 8);
  val = malloc(sizeof(*val));
  if (name == NULL || u8 == NULL || data == NULL || val == NULL) {
    rc = VG_ENOMEM;
    goto done;
  }
  for (i = 0;; i++) {
    int whole = 1;
    nlen = NAME_CAP;
    dlen = cap;
    st = RegEnumValueW(hk, i, name, &nlen, NULL, &type, data, &dlen);
    if (st == ERROR_MORE_DATA) {
      /* Larger than the cap, or grown since RegQueryInfoKeyW: name and
       * type only. */
      nlen = NAME_CAP;
      whole = 0;
      st = RegEnumValueW(hk, i, name, &nlen, NULL, &type, NULL, NULL);
    }
    if (st == ERROR_NO_MORE_ITEMS) break;
    if (st != ERROR_SUCCESS) {
      rc = vg_win_err((DWORD)st);
      break;
    }
    if (whole) {
      memset(data + dlen, 0, 8);
      win_reg_convert(type, data, dlen, val);
    } else {
      memset(val, 0, sizeof(*val));
    }
    name[nlen < NAME_CAP ? nlen : NAME_CAP - 1] = L'\0';
    if (vg_utf8(name, u8, NAME_CAP * 3) != 0) continue;
    if (cb(u8, val, ud)) break;
  }
done:
  RegCloseKey(hk);
  free(name);
  free(u8);
  free(data);
  free(val);
  return rc;
}

/* Calls cb with the name of each subkey of HKLM\key (val is NULL) until
 * cb returns non-zero. Returns 0, VG_ENOENT when the key is absent, or the
 * mapped error of the first failing call. Worker thread. */
static int win_reg_enum_keys(const vg_os_t *os, const char *key, unsigned flags,
                             vg_reg_enum_cb cb, void *ud) {
  (void)os;
  wchar_t *wk = vg_wide(key), name[256]; /* key names are <= 255 chars */
  char u8[1024];
  HKEY hk = NULL;
  LSTATUS st;
  DWORD i, len;
  int rc = 0;
  if (wk == NULL) return VG_ENOMEM;
  st = RegOpenKeyExW(HKEY_LOCAL_MACHINE, wk, 0,
                     KEY_ENUMERATE_SUB_KEYS | win_view(flags), &hk);
  free(wk);
  if (st != ERROR_SUCCESS) return vg_win_err((DWORD)st);
  for (i = 0;; i++) {
    len = (DWORD)VG_ARRAY_SIZE(name);
    st = RegEnumKeyExW(hk, i, name, &len, NULL, NULL, NULL, NULL);
    if (st == ERROR_NO_MORE_ITEMS) break;
    if (st != ERROR_SUCCESS) {
      rc = vg_win_err((DWORD)st);
      break;
    }
    if (vg_utf8(name, u8, sizeof(u8)) != 0) continue;
    if (cb(u8, NULL, ud)) break;
  }
  RegCloseKey(hk);
  return rc;
}

static int win_expand_env(const vg_os_t *os, const char *in, char *out,
                          size_t outsz) {
  (void)os;
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

static int win_disk_space(const vg_os_t *os, const char *path,
                          uint64_t *free_bytes, uint64_t *total_bytes) {
  (void)os;
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

static int win_fixed_volumes_used(const vg_os_t *os, uint64_t *used) {
  (void)os;
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

static int win_volume_info(const vg_os_t *os, const char *path,
                           vg_volume_info_t *out) {
  (void)os;
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

/* Returns dir + suffix as a malloc'd UTF-16 path, with the \\?\ prefix
 * once it is too long for the plain Win32 form (MAX_PATH), so deep folders
 * read as well as short ones; NULL when out of memory. */
static wchar_t *win_long_path(const char *dir, const char *suffix) {
  size_t nd = strlen(dir), ns = strlen(suffix), i, o = 0;
  char *u8 = malloc(nd + ns + 16);
  wchar_t *w;
  if (u8 == NULL) return NULL;
  if (nd + ns >= MAX_PATH - 12 && strncmp(dir, "\\\\?\\", 4) != 0) {
    if (dir[0] == '\\' && dir[1] == '\\') { /* \\server\share */
      memcpy(u8, "\\\\?\\UNC", 7);
      o = 7;
      dir++;
      nd--;
    } else if (nd >= 3 && dir[1] == ':') {
      memcpy(u8, "\\\\?\\", 4);
      o = 4;
    }
  }
  /* \\?\ paths are not normalised: use only backslashes. */
  for (i = 0; i < nd; i++)
    u8[o++] = dir[i] == '/' ? '\\' : dir[i];
  for (i = 0; i < ns; i++)
    u8[o++] = suffix[i] == '/' ? '\\' : suffix[i];
  u8[o] = '\0';
  w = vg_wide(u8);
  free(u8);
  return w;
}

/* Opens path for reading, shared with writers and deleters (a log being
 * written stays readable), through \\?\ for long paths. Returns the
 * handle, or INVALID_HANDLE_VALUE with *rc set. Worker thread. */
static HANDLE win_open_read(const char *path, DWORD flags, int *rc) {
  wchar_t *w = win_long_path(path, "");
  HANDLE h;
  DWORD err;
  if (w == NULL) {
    *rc = VG_ENOMEM;
    return INVALID_HANDLE_VALUE;
  }
  h = CreateFileW(w, GENERIC_READ,
                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                  OPEN_EXISTING, flags, NULL);
  err = GetLastError();
  free(w);
  *rc = h == INVALID_HANDLE_VALUE ? vg_win_err(err) : 0;
  return h;
}

/* Attributes of path; paths beyond MAX_PATH go through the \\?\ form.
 * Returns 0, VG_ENOENT, or VG_ERANGE for a name still too long or a
 * junction/link loop (ERROR_CANT_RESOLVE_FILENAME). Worker thread. */
static int win_file_attrs(const vg_os_t *os, const char *path,
                          uint32_t *attrs) {
  (void)os;
  wchar_t *w = win_long_path(path, "");
  DWORD a;
  if (w == NULL) return VG_ENOMEM;
  a = GetFileAttributesW(w);
  free(w);
  if (a == INVALID_FILE_ATTRIBUTES) return vg_win_err(GetLastError());
  *attrs = (uint32_t)a;
  return 0;
}

/* Creates, writes one byte to and deletes a uniquely named file in dir, the
 * way an application proves it may write there. Returns 0 or the mapped
 * error (VG_EACCES for a folder it may not write). Worker thread. */
static int win_probe_write(const vg_os_t *os, const char *dir) {
  (void)os;
  static volatile LONG seq;
  char name[96];
  int attempt, rc = VG_EIO;
  for (attempt = 0; attempt < 8; attempt++) {
    wchar_t *w;
    HANDLE h;
    DWORD wrote = 0;
    snprintf(name, sizeof(name), "\\.vigil-probe-%lu-%lu-%ld.tmp",
             (unsigned long)GetCurrentProcessId(),
             (unsigned long)GetTickCount(), (long)InterlockedIncrement(&seq));
    w = win_long_path(dir, name);
    if (w == NULL) return VG_ENOMEM;
    h = CreateFileW(w, GENERIC_WRITE, 0, NULL, CREATE_NEW,
                    FILE_ATTRIBUTE_TEMPORARY | FILE_ATTRIBUTE_HIDDEN |
                        FILE_FLAG_DELETE_ON_CLOSE,
                    NULL);
    free(w);
    if (h == INVALID_HANDLE_VALUE) {
      DWORD e = GetLastError();
      if (e == ERROR_FILE_EXISTS) continue;
      return vg_win_err(e);
    }
    rc = WriteFile(h, "v", 1, &wrote, NULL) && wrote == 1
             ? 0
             : vg_win_err(GetLastError());
    CloseHandle(h); /* FILE_FLAG_DELETE_ON_CLOSE removes it */
    return rc;
  }
  return rc;
}

/* Case-insensitive match of an ASCII glob ('*', '?') against a name, as
 * fnmatch(FNM_CASEFOLD) does on POSIX. Needed because FindFirstFileExW also
 * matches 8.3 short names ("*.tmp" would count "x.tmpl" via X~1.TMP). */
static int win_glob(const wchar_t *pat, const wchar_t *s) {
  const wchar_t *star = NULL, *resume = NULL;
  while (*s) {
    if (*pat == L'*') {
      star = ++pat;
      resume = s;
    } else if (*pat == L'?' || (*pat && towlower(*pat) == towlower(*s))) {
      pat++;
      s++;
    } else if (star) {
      pat = star;
      s = ++resume;
    } else {
      return 0;
    }
  }
  while (*pat == L'*')
    pat++;
  return *pat == L'\0';
}

/* Counts the plain files of dir whose name matches pattern; stops once
 * *count reaches stop_at (0 = no limit). Uses the basic info level and large
 * fetches, so 65,000 entries cost a few directory reads. Worker thread. */
static int win_count_files(const vg_os_t *os, const char *dir,
                           const char *pattern, uint64_t stop_at,
                           uint64_t *count) {
  (void)os;
  WIN32_FIND_DATAW fd;
  HANDLE h;
  wchar_t *w, *wpat;
  char *suffix;
  DWORD e;
  int rc = 0;
  *count = 0;
  suffix = malloc(strlen(pattern) + 2);
  if (suffix == NULL) return VG_ENOMEM;
  suffix[0] = '\\';
  strcpy(suffix + 1, pattern);
  w = win_long_path(dir, suffix);
  wpat = vg_wide(pattern);
  free(suffix);
  if (w == NULL || wpat == NULL) {
    free(w);
    free(wpat);
    return VG_ENOMEM;
  }
  h = FindFirstFileExW(w, FindExInfoBasic, &fd, FindExSearchNameMatch, NULL,
                       FIND_FIRST_EX_LARGE_FETCH);
  free(w);
  if (h == INVALID_HANDLE_VALUE) {
    e = GetLastError();
    free(wpat);
    if (e == ERROR_FILE_NOT_FOUND) { /* folder exists, nothing matches */
      uint32_t attrs = 0;
      rc = win_file_attrs(os, dir, &attrs);
      if (rc == 0 && !(attrs & FILE_ATTRIBUTE_DIRECTORY)) rc = VG_ENOENT;
      return rc;
    }
    return e == ERROR_DIRECTORY ? VG_ENOENT : vg_win_err(e);
  }
  do {
    if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) continue;
    if (!win_glob(wpat, fd.cFileName)) continue;
    if (++*count == stop_at) break;
  } while (FindNextFileW(h, &fd));
  if (*count != stop_at || stop_at == 0) {
    e = GetLastError();
    if (e != ERROR_NO_MORE_FILES && e != ERROR_SUCCESS) rc = vg_win_err(e);
  }
  FindClose(h);
  free(wpat);
  return rc;
}

/* Calls cb with the name, attributes and size of each plain file of dir
 * (folders are skipped, not descended into) until cb returns non-zero.
 * Returns 0, VG_ENOENT when dir is absent or not a folder, or the mapped
 * error. Worker thread. */
static int win_list_dir(const vg_os_t *os, const char *dir, vg_dir_enum_cb cb,
                        void *ud) {
  (void)os;
  WIN32_FIND_DATAW fd;
  HANDLE h;
  wchar_t *w = win_long_path(dir, "\\*");
  char u8[1024]; /* a name is at most 255 UTF-16 units */
  DWORD e;
  int rc = 0, stopped = 0;
  if (w == NULL) return VG_ENOMEM;
  h = FindFirstFileExW(w, FindExInfoBasic, &fd, FindExSearchNameMatch, NULL,
                       FIND_FIRST_EX_LARGE_FETCH);
  free(w);
  if (h == INVALID_HANDLE_VALUE) {
    e = GetLastError();
    if (e == ERROR_FILE_NOT_FOUND) return 0; /* a root with no entries */
    return e == ERROR_DIRECTORY ? VG_ENOENT : vg_win_err(e);
  }
  do {
    if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) continue;
    if (vg_utf8(fd.cFileName, u8, sizeof(u8)) != 0) continue;
    if (cb(u8, (uint32_t)fd.dwFileAttributes,
           ((uint64_t)fd.nFileSizeHigh << 32) | fd.nFileSizeLow, ud)) {
      stopped = 1;
      break;
    }
  } while (FindNextFileW(h, &fd));
  if (!stopped) {
    e = GetLastError();
    if (e != ERROR_NO_MORE_FILES && e != ERROR_SUCCESS) rc = vg_win_err(e);
  }
  FindClose(h);
  return rc;
}

/* CRC-32 (zlib's crc32) and byte count of a file's contents, read in
 * 64 KiB blocks with every sharing mode, so a file another process has open
 * is still read. Returns 0 or the mapped error (VG_ENOENT, VG_EACCES for a
 * locked file or a folder). Worker thread. */
static int win_file_crc32(const vg_os_t *os, const char *path, uint32_t *crc,
                          uint64_t *size) {
  (void)os;
  enum { BLOCK = 64 * 1024 };
  unsigned char *buf;
  uLong c = crc32(0L, Z_NULL, 0);
  DWORD got;
  int rc = 0;
  HANDLE h = win_open_read(path, FILE_FLAG_SEQUENTIAL_SCAN, &rc);
  if (h == INVALID_HANDLE_VALUE) return rc;
  buf = malloc(BLOCK);
  if (buf == NULL) {
    CloseHandle(h);
    return VG_ENOMEM;
  }
  *size = 0;
  for (;;) {
    if (!ReadFile(h, buf, BLOCK, &got, NULL)) {
      rc = vg_win_err(GetLastError());
      break;
    }
    if (got == 0) break;
    c = crc32(c, buf, (uInt)got);
    *size += got;
  }
  free(buf);
  CloseHandle(h);
  if (rc == 0) *crc = (uint32_t)c;
  return rc;
}

/* Fixed file version (VS_FIXEDFILEINFO.dwFileVersion) of an executable.
 * Returns 0, VG_ENOENT when the file or its version resource is absent, or
 * the mapped error. Worker thread. */
static int win_file_version(const vg_os_t *os, const char *path,
                            uint16_t v[4]) {
  (void)os;
  wchar_t *w = vg_wide(path);
  DWORD size, ignored = 0;
  void *buf = NULL;
  VS_FIXEDFILEINFO *fi = NULL;
  UINT len = 0;
  int rc = 0;
  if (w == NULL) return VG_ENOMEM;
  size = GetFileVersionInfoSizeW(w, &ignored);
  if (size == 0) {
    DWORD e = GetLastError();
    rc = e == ERROR_RESOURCE_DATA_NOT_FOUND ||
                 e == ERROR_RESOURCE_TYPE_NOT_FOUND ||
                 e == ERROR_RESOURCE_NAME_NOT_FOUND
             ? VG_ENOENT
             : vg_win_err(e);
    goto done;
  }
  buf = malloc(size);
  if (buf == NULL) {
    rc = VG_ENOMEM;
    goto done;
  }
  if (!GetFileVersionInfoW(w, 0, size, buf)) {
    rc = vg_win_err(GetLastError());
    goto done;
  }
  if (!VerQueryValueW(buf, L"\\", (void **)&fi, &len) || fi == NULL ||
      len < sizeof(*fi) || fi->dwSignature != 0xFEEF04BDu) {
    rc = VG_ENOENT;
    goto done;
  }
  v[0] = HIWORD(fi->dwFileVersionMS);
  v[1] = LOWORD(fi->dwFileVersionMS);
  v[2] = HIWORD(fi->dwFileVersionLS);
  v[3] = LOWORD(fi->dwFileVersionLS);
done:
  free(buf);
  free(w);
  return rc;
}

/* State, start type (with delayed auto-start), process, exit code, binary
 * and account of a service. Returns 0, VG_ENOENT when it does not exist, or
 * the mapped error (VG_EACCES without query rights). Worker thread. */
static int win_svc_query(const vg_os_t *os, const char *name,
                         vg_svc_info_t *out) {
  (void)os;
  wchar_t *w = vg_wide(name);
  SC_HANDLE scm = NULL, svc = NULL;
  SERVICE_STATUS_PROCESS ssp;
  QUERY_SERVICE_CONFIGW *qc = NULL;
  SERVICE_DELAYED_AUTO_START_INFO das;
  DWORD need = 0;
  int rc = 0;
  memset(out, 0, sizeof(*out));
  if (w == NULL) return VG_ENOMEM;
  scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
  if (scm == NULL) {
    rc = vg_win_err(GetLastError());
    goto done;
  }
  svc = OpenServiceW(scm, w, SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG);
  if (svc == NULL) {
    rc = vg_win_err(GetLastError());
    goto done;
  }
  if (!QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (BYTE *)&ssp,
                            sizeof(ssp), &need)) {
    rc = vg_win_err(GetLastError());
    goto done;
  }
  out->state = (int)ssp.dwCurrentState;
  out->pid = ssp.dwProcessId;
  out->exit_code = ssp.dwWin32ExitCode == ERROR_SERVICE_SPECIFIC_ERROR
                       ? ssp.dwServiceSpecificExitCode
                       : ssp.dwWin32ExitCode;
  need = 0;
  if (!QueryServiceConfigW(svc, NULL, 0, &need) &&
      GetLastError() != ERROR_INSUFFICIENT_BUFFER) {
    rc = vg_win_err(GetLastError());
    goto done;
  }
  qc = malloc(need ? need : sizeof(*qc));
  if (qc == NULL) {
    rc = VG_ENOMEM;
    goto done;
  }
  if (!QueryServiceConfigW(svc, qc, need, &need)) {
    rc = vg_win_err(GetLastError());
    goto done;
  }
  out->start_type = (int)qc->dwStartType;
  if (qc->lpBinaryPathName)
    vg_utf8(qc->lpBinaryPathName, out->binary, sizeof(out->binary));
  if (qc->lpServiceStartName)
    vg_utf8(qc->lpServiceStartName, out->account, sizeof(out->account));
  /* Optional: older systems and Wine may not know it; not an error. */
  if (QueryServiceConfig2W(svc, SERVICE_CONFIG_DELAYED_AUTO_START_INFO,
                           (BYTE *)&das, sizeof(das), &need))
    out->delayed = das.fDelayedAutostart != FALSE;
done:
  free(qc);
  if (svc) CloseServiceHandle(svc);
  if (scm) CloseServiceHandle(scm);
  free(w);
  return rc;
}

/* ------------------------------------------------ turn 2 (issue 11) */

static int win_wall_clock_ms(const vg_os_t *os, int64_t *now_ms) {
  (void)os;
  *now_ms = vg_win_now_ms();
  return 0;
}

/* The last max bytes of a file, seeking from its end (a log that is
 * written meanwhile is shared for reading, writing and deletion). Long
 * paths go through \\?\. Worker thread. */
static int win_file_tail(const vg_os_t *os, const char *path, size_t max,
                         char *buf, vg_file_tail_t *out) {
  HANDLE h;
  LARGE_INTEGER size, pos;
  FILETIME mt;
  size_t want, got = 0;
  int rc = 0;
  (void)os;
  memset(out, 0, sizeof(*out));
  h = win_open_read(path, FILE_ATTRIBUTE_NORMAL, &rc);
  if (h == INVALID_HANDLE_VALUE) return rc;
  if (!GetFileSizeEx(h, &size)) {
    rc = vg_win_err(GetLastError());
    goto done;
  }
  out->size = (uint64_t)size.QuadPart;
  if (GetFileTime(h, NULL, NULL, &mt)) out->mtime_ms = vg_win_ft_ms(&mt);
  want = out->size < (uint64_t)max ? (size_t)out->size : max;
  pos.QuadPart = -(LONGLONG)want;
  if (!SetFilePointerEx(h, pos, NULL, FILE_END)) {
    rc = vg_win_err(GetLastError());
    goto done;
  }
  while (got < want) {
    DWORD chunk = want - got > (1u << 20) ? (1u << 20) : (DWORD)(want - got);
    DWORD n = 0;
    if (!ReadFile(h, buf + got, chunk, &n, NULL)) {
      rc = vg_win_err(GetLastError());
      goto done;
    }
    if (n == 0) break; /* shrank meanwhile: keep what was read */
    got += n;
  }
  out->len = got;
done:
  CloseHandle(h);
  return rc;
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
    .probe_write = win_probe_write,
    .count_files = win_count_files,
    .list_dir = win_list_dir,
    .file_crc32 = win_file_crc32,
    .file_version = win_file_version,
    .svc_query = win_svc_query,
    .task_query = vg__win_task_query,
    .shadow_storage = vg__win_shadow_storage,
    .device_query = vg__win_device_query,
    .volume_dedup = vg__win_volume_dedup,
    .wall_clock_ms = win_wall_clock_ms,
    .task_list = vg__win_task_list,
    .file_tail = win_file_tail,
    .event_query = vg__win_event_query,
    .event_channels = vg__win_event_channels,
    .http_get = vg__win_http_get,
    .http_last_date = vg__win_http_last_date,
    .proxy_sources = vg__win_proxy_sources,
    .time_zone = vg__win_time_zone,
    .volumes_list = vg__win_volumes_list,
    .vss_writers = vg__win_vss_writers,
    .computer_names = vg__win_computer_names,
    .svc_enum = vg__win_svc_enum,
};

const vg_os_t *vg_os_default(void) { return &win_os; }
