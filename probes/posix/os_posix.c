/* os_posix.c: the OS table for the POSIX development build. No registry
 * and no SCM: those report VG_ENOTSUP, so MARS probes say n/a. */
#include "os.h"

#include "vg.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

static int posix_err(int e) {
  switch (e) {
  case ENOENT:
  case ENOTDIR: return VG_ENOENT;
  case EACCES:
  case EPERM: return VG_EACCES;
  case ENOMEM: return VG_ENOMEM;
  case ENAMETOOLONG:
  case ELOOP: return VG_ERANGE;
  default: return VG_EIO;
  }
}

static int posix_reg_get(const vg_os_t *os, const char *key, const char *value,
                         unsigned flags, vg_reg_value_t *out) {
  (void)os;
  (void)key, (void)value, (void)flags, (void)out;
  return VG_ENOTSUP;
}

static int posix_reg_enum(const vg_os_t *os, const char *key, unsigned flags,
                          vg_reg_enum_cb cb, void *ud) {
  (void)os;
  (void)key, (void)flags, (void)cb, (void)ud;
  return VG_ENOTSUP;
}

static int posix_expand_env(const vg_os_t *os, const char *in, char *out,
                            size_t outsz) {
  (void)os;
  size_t o = 0;
  while (*in) {
    if (in[0] == '$' &&
        (in[1] == '{' || in[1] == '_' || (in[1] >= 'A' && in[1] <= 'Z') ||
         (in[1] >= 'a' && in[1] <= 'z'))) {
      char name[256];
      size_t n = 0;
      const char *v;
      int brace = in[1] == '{';
      in += brace ? 2 : 1;
      while (*in && (*in == '_' || (*in >= '0' && *in <= '9') ||
                     (*in >= 'A' && *in <= 'Z') || (*in >= 'a' && *in <= 'z')))
        if (n < sizeof(name) - 1)
          name[n++] = *in++;
        else
          return VG_ERANGE;
      name[n] = '\0';
      if (brace) {
        if (*in != '}') return VG_EINVAL;
        in++;
      }
      v = getenv(name);
      if (v == NULL) v = "";
      while (*v) {
        if (o + 1 >= outsz) return VG_ERANGE;
        out[o++] = *v++;
      }
      continue;
    }
    if (o + 1 >= outsz) return VG_ERANGE;
    out[o++] = *in++;
  }
  out[o] = '\0';
  return 0;
}

static int posix_disk_space(const vg_os_t *os, const char *path,
                            uint64_t *free_bytes, uint64_t *total_bytes) {
  (void)os;
  struct statvfs sv;
  if (statvfs(path, &sv) != 0) return posix_err(errno);
  *free_bytes = (uint64_t)sv.f_bavail * sv.f_frsize;
  *total_bytes = (uint64_t)sv.f_blocks * sv.f_frsize;
  return 0;
}

static int posix_fixed_volumes_used(const vg_os_t *os, uint64_t *used) {
  (void)os;
  (void)used;
  return VG_ENOTSUP; /* callers fall back to the measured volume */
}

static int posix_volume_info(const vg_os_t *os, const char *path,
                             vg_volume_info_t *out) {
  (void)os;
  struct statvfs sv;
  memset(out, 0, sizeof(*out));
  if (statvfs(path, &sv) != 0) return posix_err(errno);
  vg_strlcpy(out->root, "/", sizeof(out->root));
  vg_strlcpy(out->fs_name, "posix", sizeof(out->fs_name));
  out->drive_type = VG_DRIVE_FIXED;
  out->read_only = (sv.f_flag & ST_RDONLY) != 0;
  out->free_bytes = (uint64_t)sv.f_bavail * sv.f_frsize;
  out->total_bytes = (uint64_t)sv.f_blocks * sv.f_frsize;
  return 0;
}

static int posix_file_attrs(const vg_os_t *os, const char *path,
                            uint32_t *attrs) {
  (void)os;
  struct stat st, lst;
  if (lstat(path, &lst) != 0) return posix_err(errno);
  *attrs = 0;
  if (S_ISLNK(lst.st_mode)) *attrs |= VG_FA_REPARSE;
  if (stat(path, &st) != 0) return posix_err(errno);
  if (S_ISDIR(st.st_mode)) *attrs |= VG_FA_DIRECTORY;
  if (access(path, W_OK) != 0) *attrs |= VG_FA_READONLY;
  return 0;
}

static int posix_probe_write(const vg_os_t *os, const char *dir) {
  (void)os;
  char path[4096];
  int fd;
  if (snprintf(path, sizeof(path), "%s/.vigil-probe-XXXXXX", dir) >=
      (int)sizeof(path))
    return VG_ERANGE;
  fd = mkstemp(path);
  if (fd < 0) return posix_err(errno);
  close(fd);
  unlink(path);
  return 0;
}

static int posix_count_files(const vg_os_t *os, const char *dir,
                             const char *pattern, uint64_t stop_at,
                             uint64_t *count) {
  (void)os;
  DIR *d = opendir(dir);
  struct dirent *e;
  *count = 0;
  if (d == NULL) return posix_err(errno);
  while ((e = readdir(d)) != NULL) {
    if (e->d_type == DT_DIR) continue; /* plain files, as on Windows */
    if (fnmatch(pattern, e->d_name, FNM_CASEFOLD) != 0) continue;
    if (++*count == stop_at) break;
  }
  closedir(d);
  return 0;
}

static int posix_list_dir(const vg_os_t *os, const char *dir, vg_dir_enum_cb cb,
                          void *ud) {
  (void)os;
  DIR *d = opendir(dir);
  struct dirent *e;
  char path[4096];
  struct stat st;
  if (d == NULL) return posix_err(errno);
  while ((e = readdir(d)) != NULL) {
    if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
        (int)sizeof(path))
      continue;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (cb(e->d_name, 0, (uint64_t)st.st_size, ud)) break;
  }
  closedir(d);
  return 0;
}

static int posix_file_crc32(const vg_os_t *os, const char *path, uint32_t *crc,
                            uint64_t *size) {
  (void)os;
  unsigned char buf[65536];
  uLong c = crc32(0L, Z_NULL, 0);
  size_t n;
  FILE *f = fopen(path, "rb");
  if (f == NULL) return posix_err(errno);
  *size = 0;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
    c = crc32(c, buf, (uInt)n);
    *size += n;
  }
  if (ferror(f)) {
    fclose(f);
    return VG_EIO;
  }
  fclose(f);
  *crc = (uint32_t)c;
  return 0;
}

static int posix_file_version(const vg_os_t *os, const char *path,
                              uint16_t v[4]) {
  (void)os;
  (void)path, (void)v;
  return VG_ENOTSUP;
}

static int posix_svc_query(const vg_os_t *os, const char *name,
                           vg_svc_info_t *out) {
  (void)os;
  (void)name, (void)out;
  return VG_ENOTSUP;
}

/* No Task Scheduler, VSS or device tree here: hr 0 says "no such
 * facility", which probes report as n/a. */
static int posix_task_query(const vg_os_t *os, const char *folder,
                            const char *name, vg_task_info_t *out) {
  (void)os;
  (void)folder, (void)name;
  memset(out, 0, sizeof(*out));
  return VG_ENOTSUP;
}

static int posix_shadow_storage(const vg_os_t *os, vg_shadow_info_t *out) {
  (void)os;
  memset(out, 0, sizeof(*out));
  return VG_ENOTSUP;
}

static int posix_device_query(const vg_os_t *os, const char *class_guid,
                              const char *hardware_id, vg_device_list_t *out) {
  (void)os;
  (void)class_guid, (void)hardware_id;
  memset(out, 0, sizeof(*out));
  return VG_ENOTSUP;
}

static int posix_volume_dedup(const vg_os_t *os, const char *path, int *enabled,
                              char *why, size_t whysz) {
  (void)os;
  (void)path;
  *enabled = 0;
  if (whysz) why[0] = '\0';
  return VG_ENOTSUP;
}

/* ---- Turn 2 (issue 11) */

/* UTC offset in minutes east and the daylight flag at t. */
static void posix_local(time_t t, long *off_min, int *dst, char *zone,
                        size_t zsz) {
  struct tm tm;
  memset(&tm, 0, sizeof(tm));
  localtime_r(&t, &tm);
  *off_min = tm.tm_gmtoff / 60;
  *dst = tm.tm_isdst > 0;
  if (zone) vg_strlcpy(zone, tm.tm_zone ? tm.tm_zone : "", zsz);
}

/* The first minute in (lo, hi] whose daylight flag differs from lo's. */
static time_t posix_change(time_t lo, time_t hi) {
  long o;
  int d0, d;
  posix_local(lo, &o, &d0, NULL, 0);
  while (hi - lo > 60) {
    time_t mid = lo + (hi - lo) / 2;
    posix_local(mid, &o, &d, NULL, 0);
    if (d == d0)
      lo = mid;
    else
      hi = mid;
  }
  return hi - hi % 60;
}

/* A change at local time `local` (seconds as if UTC) as a rule "the Nth
 * weekday of the month at hh:mm". */
static void posix_rule(time_t local, vg_tz_date_t *r) {
  struct tm tm;
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int dim, y;
  memset(&tm, 0, sizeof(tm));
  gmtime_r(&local, &tm);
  y = tm.tm_year + 1900;
  dim = mdays[tm.tm_mon];
  if (tm.tm_mon == 1 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    dim = 29;
  memset(r, 0, sizeof(*r));
  r->month = tm.tm_mon + 1;
  r->dow = tm.tm_wday;
  r->day = tm.tm_mday + 7 > dim ? 5 : (tm.tm_mday - 1) / 7 + 1;
  r->hour = tm.tm_hour;
  r->minute = tm.tm_min;
}

/* Rules of the local zone, found by probing localtime_r over this year. */
static int posix_tz_rules(const vg_os_t *os, vg_tz_rules_t *out) {
  time_t now = time(NULL), t, jan;
  struct tm tm;
  long off[2], std_off = 0, dlt_off = 0;
  int dst[2], i, have_std = 0, have_dlt = 0;
  char zone[2][64];
  (void)os;
  vg_tz_set_utc(out);
  memset(&tm, 0, sizeof(tm));
  gmtime_r(&now, &tm);
  tm.tm_mon = 0;
  tm.tm_mday = 1;
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  jan = timegm(&tm);
  for (i = 0; i < 2; i++) {
    posix_local(jan + i * 182 * 86400, &off[i], &dst[i], zone[i], 64);
    if (dst[i]) {
      dlt_off = off[i];
      have_dlt = 1;
      vg_strlcpy(out->dlt_name, zone[i], sizeof(out->dlt_name));
    } else {
      std_off = off[i];
      have_std = 1;
      vg_strlcpy(out->std_name, zone[i], sizeof(out->std_name));
    }
  }
  if (!have_std) return 0; /* daylight all year: keep UTC, say nothing */
  out->bias_min = (int)-std_off;
  if (!have_dlt) return 0;
  out->dlt_bias_min = (int)(std_off - dlt_off);
  /* walk the year by day, then narrow each change to the minute */
  for (t = jan; t < jan + 366 * 86400; t += 86400) {
    long o1, o2;
    int d1, d2;
    posix_local(t, &o1, &d1, NULL, 0);
    posix_local(t + 86400, &o2, &d2, NULL, 0);
    if (d1 == d2) continue;
    {
      time_t c = posix_change(t, t + 86400);
      if (d2) /* to daylight: written in standard time */
        posix_rule(c + std_off * 60, &out->dlt_date);
      else /* to standard: written in daylight time */
        posix_rule(c + dlt_off * 60, &out->std_date);
    }
  }
  if (!vg_tz_has_dst(out)) {
    memset(&out->dlt_date, 0, sizeof(out->dlt_date));
    memset(&out->std_date, 0, sizeof(out->std_date));
  }
  return 0;
}

static int posix_wall_clock_ms(const vg_os_t *os, int64_t *now_ms) {
  struct timespec ts;
  (void)os;
  clock_gettime(CLOCK_REALTIME, &ts);
  *now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
  return 0;
}

static int posix_task_list(const vg_os_t *os, const char *folder,
                           vg_task_names_t *out) {
  (void)os;
  (void)folder;
  memset(out, 0, sizeof(*out));
  return VG_ENOTSUP;
}

static int posix_file_tail(const vg_os_t *os, const char *path, size_t max,
                           char *buf, vg_file_tail_t *out) {
  struct stat st;
  size_t got = 0, n;
  off_t from;
  int fd;
  (void)os;
  memset(out, 0, sizeof(*out));
  fd = open(path, O_RDONLY);
  if (fd < 0) return posix_err(errno);
  if (fstat(fd, &st) != 0) {
    int e = posix_err(errno);
    close(fd);
    return e;
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return VG_EINVAL;
  }
  out->size = (uint64_t)st.st_size;
  out->mtime_ms =
      (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
  n = (uint64_t)st.st_size < max ? (size_t)st.st_size : max;
  from = st.st_size - (off_t)n;
  if (lseek(fd, from, SEEK_SET) != from) {
    close(fd);
    return VG_EIO;
  }
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break; /* shrank meanwhile: keep what was read */
    got += (size_t)r;
  }
  close(fd);
  out->len = got;
  return 0;
}

static int posix_event_query(const vg_os_t *os, const char *channel,
                             const char *xpath, size_t max, vg_event_cb cb,
                             void *ud, char *why, size_t whysz) {
  (void)os;
  (void)channel, (void)xpath, (void)max, (void)cb, (void)ud;
  snprintf(why, whysz, "there is no Windows event log on this system");
  return VG_ENOTSUP;
}

static int posix_event_channels(const vg_os_t *os, vg_name_cb cb, void *ud,
                                char *why, size_t whysz) {
  (void)os;
  (void)cb, (void)ud;
  snprintf(why, whysz, "there is no Windows event log on this system");
  return VG_ENOTSUP;
}

static const vg_os_t posix_os = {
    .reg_get = posix_reg_get,
    .reg_enum_values = posix_reg_enum,
    .reg_enum_keys = posix_reg_enum,
    .expand_env = posix_expand_env,
    .disk_space = posix_disk_space,
    .fixed_volumes_used = posix_fixed_volumes_used,
    .volume_info = posix_volume_info,
    .file_attrs = posix_file_attrs,
    .probe_write = posix_probe_write,
    .count_files = posix_count_files,
    .list_dir = posix_list_dir,
    .file_crc32 = posix_file_crc32,
    .file_version = posix_file_version,
    .svc_query = posix_svc_query,
    .task_query = posix_task_query,
    .shadow_storage = posix_shadow_storage,
    .device_query = posix_device_query,
    .volume_dedup = posix_volume_dedup,
    .tz_rules = posix_tz_rules,
    .wall_clock_ms = posix_wall_clock_ms,
    .task_list = posix_task_list,
    .file_tail = posix_file_tail,
    .event_query = posix_event_query,
    .event_channels = posix_event_channels,
};

const vg_os_t *vg_os_default(void) { return &posix_os; }
