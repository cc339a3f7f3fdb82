/* os_posix.c: the OS table for the POSIX development build. No registry
 * and no SCM: those report VG_ENOTSUP, so MARS probes say n/a. */
#include "os.h"

#include "net.h"
#include "vg.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
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

static int posix_volumes_list(const vg_os_t *os, vg_volume_list_t *out) {
  (void)os;
  memset(out, 0, sizeof(*out));
  return VG_ENOTSUP;
}

static int posix_vss_writers(const vg_os_t *os, uint32_t timeout_ms,
                             vg_vss_writers_t *out) {
  (void)os, (void)timeout_ms;
  memset(out, 0, sizeof(*out));
  return VG_ENOTSUP;
}

/* gethostname() only: the FQDN and domain come from the name itself when
 * it has dots (no resolver call that could hang a worker). */
static int posix_computer_names(const vg_os_t *os, vg_computer_names_t *out) {
  char name[256];
  const char *dot;
  (void)os;
  memset(out, 0, sizeof(*out));
  if (gethostname(name, sizeof(name)) != 0) return posix_err(errno);
  name[sizeof(name) - 1] = '\0';
  vg_strlcpy(out->fqdn, name, sizeof(out->fqdn));
  dot = strchr(name, '.');
  if (dot) vg_strlcpy(out->domain, dot + 1, sizeof(out->domain));
  snprintf(out->host, sizeof(out->host), "%.*s",
           (int)(dot ? (size_t)(dot - name) : strlen(name)), name);
  snprintf(out->netbios, sizeof(out->netbios), "%.15s", out->host);
  return 0;
}

static int posix_svc_enum(const vg_os_t *os, vg_svc_enum_cb cb, void *ud) {
  (void)os, (void)cb, (void)ud;
  return VG_ENOTSUP;
}

/* ---------------------------------------------------------- http, time
 * A plain HTTP/1.1 client for http:// URLs (direct or through a proxy
 * "host:port"), so the network probes can be exercised against a local
 * server in the development build; https and PAC are VG_ENOTSUP. Name
 * resolution is getaddrinfo's own (not bounded by the timeout). */

#define POSIX_HTTP_HEAD_MAX 16384

static pthread_mutex_t posix_date_mu = PTHREAD_MUTEX_INITIALIZER;
static vg_http_date_t posix_date;
static int64_t posix_date_mono;

static int64_t posix_clock_ms(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int posix_http_fail(vg_http_result_t *out, int rc, int e,
                           const char *name, const char *text) {
  out->error = (uint32_t)e;
  vg_strlcpy(out->error_name, name, sizeof(out->error_name));
  vg_strlcpy(out->error_text, text, sizeof(out->error_text));
  return rc;
}

/* Waits for fd to be ready for events within ms. Returns 1, 0 on
 * timeout, -1 on error. */
static int posix_wait(int fd, short events, int64_t ms) {
  struct pollfd p;
  int rc;
  p.fd = fd;
  p.events = events;
  p.revents = 0;
  do {
    rc = poll(&p, 1, ms < 0 ? 0 : (int)ms);
  } while (rc < 0 && errno == EINTR);
  return rc;
}

static int posix_connect(const char *host, unsigned port, uint32_t tmo,
                         vg_http_result_t *out, int *fd_out) {
  struct addrinfo hints, *res = NULL, *ai;
  char ps[8];
  int rc, fd = -1, err = 0, timed_out = 0;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  snprintf(ps, sizeof(ps), "%u", port);
  rc = getaddrinfo(host, ps, &hints, &res);
  if (rc != 0) {
    out->dns = 0;
    return posix_http_fail(out, VG_ENOENT, rc, "EAI_NONAME",
                           "name not resolved");
  }
  out->dns = 1;
  for (ai = res; ai; ai = ai->ai_next) {
    socklen_t len = sizeof(err);
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                ai->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    if (errno == EINPROGRESS) {
      rc = posix_wait(fd, POLLOUT, tmo);
      if (rc == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
          err == 0)
        break;
      if (rc == 0) timed_out = 1, err = ETIMEDOUT;
    } else {
      err = errno;
    }
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) {
    out->tcp = 0;
    if (timed_out)
      return posix_http_fail(out, VG_ETIMEDOUT, ETIMEDOUT, "ETIMEDOUT",
                             "timed out connecting");
    return posix_http_fail(
        out, VG_ECONN, err, err == ECONNREFUSED ? "ECONNREFUSED" : "ECONN",
        err == ECONNREFUSED ? "connection refused" : "cannot connect");
  }
  out->tcp = 1;
  *fd_out = fd;
  return 0;
}

static int posix_http_get(const vg_os_t *os, const vg_http_req_t *req,
                          vg_http_result_t *out) {
  vg_net_url_t u;
  char why[120], phost[256], *buf = NULL, line[VG_HTTP_URL_MAX + 300];
  const char *host;
  unsigned port;
  int64_t t0 = posix_clock_ms(CLOCK_MONOTONIC), deadline;
  size_t got = 0, head = 0, sent = 0, len;
  int fd = -1, rc, status = 0;
  int64_t date = 0;
  (void)os;
  memset(out, 0, sizeof(*out));
  out->dns = out->tcp = out->tls = -1;
  if (vg_net_url_parse(req->url, &u, why, sizeof(why)))
    return posix_http_fail(out, VG_EINVAL, 0, "", why);
  if (u.https)
    return posix_http_fail(out, VG_ENOTSUP, 0, "",
                           "HTTPS is not available in the POSIX development "
                           "build");
  if (req->pac_url && *req->pac_url && !(req->proxy && *req->proxy))
    return posix_http_fail(out, VG_ENOTSUP, 0, "",
                           "proxy auto-config is not available in the POSIX "
                           "development build");
  host = u.host;
  port = u.port;
  if (req->proxy && *req->proxy) {
    vg_net_url_t pu;
    char purl[VG_PROXY_STR_MAX + 8];
    snprintf(purl, sizeof(purl), "http://%s", req->proxy);
    if (vg_net_url_parse(purl, &pu, why, sizeof(why)))
      return posix_http_fail(out, VG_EINVAL, 0, "", why);
    vg_strlcpy(phost, pu.host, sizeof(phost));
    host = phost;
    port = pu.port;
    vg_strlcpy(out->proxy_used, req->proxy, sizeof(out->proxy_used));
  }
  rc = posix_connect(host, port, req->timeout_ms, out, &fd);
  if (rc) goto done;
  if (u.port == 80)
    snprintf(line, sizeof(line), "%s", u.host);
  else
    snprintf(line, sizeof(line), u.ipv6 ? "[%s]:%u" : "%s:%u", u.host, u.port);
  buf = malloc(POSIX_HTTP_HEAD_MAX + VG_HTTP_URL_MAX * 2 + 512);
  if (buf == NULL) {
    rc = posix_http_fail(out, VG_ENOMEM, ENOMEM, "ENOMEM", "out of memory");
    goto done;
  }
  len = (size_t)snprintf(
      buf, POSIX_HTTP_HEAD_MAX,
      "%s %s%s%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: Vigil/%s\r\n"
      "Accept: */*\r\nConnection: close\r\n\r\n",
      req->method && *req->method ? req->method : "GET",
      out->proxy_used[0] ? "http://" : "", out->proxy_used[0] ? line : "",
      u.path, line, VG_VERSION);
  deadline = posix_clock_ms(CLOCK_MONOTONIC) + req->timeout_ms;
  while (sent < len) {
    ssize_t w;
    if (posix_wait(fd, POLLOUT, deadline - posix_clock_ms(CLOCK_MONOTONIC)) !=
        1) {
      rc = posix_http_fail(out, VG_ETIMEDOUT, ETIMEDOUT, "ETIMEDOUT",
                           "timed out sending the request");
      goto done;
    }
    w = send(fd, buf + sent, len - sent, MSG_NOSIGNAL);
    if (w < 0 && errno != EAGAIN && errno != EINTR) {
      rc = posix_http_fail(out, VG_ECONN, errno, "ECONNRESET",
                           "connection reset or closed");
      goto done;
    }
    if (w > 0) sent += (size_t)w;
  }
  deadline = posix_clock_ms(CLOCK_MONOTONIC) + req->timeout_ms;
  for (;;) {
    ssize_t r;
    rc = vg_net_http_head(buf, got, &status, &date, &head);
    if (rc != VG_ENOENT) break;
    if (posix_wait(fd, POLLIN, deadline - posix_clock_ms(CLOCK_MONOTONIC)) !=
        1) {
      rc = posix_http_fail(out, VG_ETIMEDOUT, ETIMEDOUT, "ETIMEDOUT",
                           "timed out waiting for the answer");
      goto done;
    }
    r = recv(fd, buf + got, POSIX_HTTP_HEAD_MAX - got, 0);
    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
      rc = posix_http_fail(out, VG_ECONN, r ? errno : 0, "ECONNRESET",
                           "connection closed before an answer");
      goto done;
    }
    if (r > 0) got += (size_t)r;
  }
  if (rc) {
    rc = posix_http_fail(out, VG_EIO, 0, "", "invalid answer (not HTTP/1.x)");
    goto done;
  }
  out->status = status;
  out->date_ms = date;
  out->local_ms = posix_clock_ms(CLOCK_REALTIME);
  if (date) {
    pthread_mutex_lock(&posix_date_mu);
    vg_strlcpy(posix_date.url, req->url, sizeof(posix_date.url));
    posix_date.date_ms = date;
    posix_date.local_ms = out->local_ms;
    posix_date_mono = posix_clock_ms(CLOCK_MONOTONIC);
    pthread_mutex_unlock(&posix_date_mu);
  }
done:
  out->elapsed_ms = posix_clock_ms(CLOCK_MONOTONIC) - t0;
  if (fd >= 0) close(fd);
  free(buf);
  return rc;
}

static int posix_http_last_date(const vg_os_t *os, vg_http_date_t *out) {
  int rc = VG_ENOENT;
  (void)os;
  pthread_mutex_lock(&posix_date_mu);
  if (posix_date.date_ms) {
    *out = posix_date;
    out->age_ms = posix_clock_ms(CLOCK_MONOTONIC) - posix_date_mono;
    rc = 0;
  }
  pthread_mutex_unlock(&posix_date_mu);
  return rc;
}

static int posix_proxy_sources(const vg_os_t *os, vg_proxy_sources_t *out) {
  (void)os;
  memset(out, 0, sizeof(*out));
  out->per_user = -1;
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
static void posix_rule(time_t local, vg_systime_t *r) {
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
  r->day_of_week = tm.tm_wday;
  r->day = tm.tm_mday + 7 > dim ? 5 : (tm.tm_mday - 1) / 7 + 1;
  r->hour = tm.tm_hour;
  r->minute = tm.tm_min;
}

/* The local zone: its standing rules found by probing localtime_r over
 * this year; no key name, no per-year rules (nyears 0). */
static int posix_time_zone(const vg_os_t *os, vg_time_zone_t *out) {
  vg_tz_year_t *r = &out->rules;
  time_t now = time(NULL), t, jan;
  struct tm tm;
  long off[2], std_off = 0, dlt_off = 0;
  int dst[2], i, have_std = 0, have_dlt = 0;
  char zone[2][64];
  (void)os;
  vg_tz_set_utc(out);
  out->now_ms = posix_clock_ms(CLOCK_REALTIME);
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
      vg_strlcpy(out->dst_name, zone[i], sizeof(out->dst_name));
    } else {
      std_off = off[i];
      have_std = 1;
      vg_strlcpy(out->std_name, zone[i], sizeof(out->std_name));
    }
  }
  if (!have_std) return 0; /* daylight all year: keep UTC, say nothing */
  r->bias = (int32_t)-std_off;
  if (!have_dlt) return 0;
  r->dst_bias = (int32_t)(std_off - dlt_off);
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
        posix_rule(c + std_off * 60, &r->dst_date);
      else /* to standard: written in daylight time */
        posix_rule(c + dlt_off * 60, &r->std_date);
    }
  }
  if (!vg_tz_has_dst(out)) {
    memset(&r->dst_date, 0, sizeof(r->dst_date));
    memset(&r->std_date, 0, sizeof(r->std_date));
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
    .wall_clock_ms = posix_wall_clock_ms,
    .task_list = posix_task_list,
    .file_tail = posix_file_tail,
    .event_query = posix_event_query,
    .event_channels = posix_event_channels,
    .http_get = posix_http_get,
    .http_last_date = posix_http_last_date,
    .proxy_sources = posix_proxy_sources,
    .time_zone = posix_time_zone,
    .volumes_list = posix_volumes_list,
    .vss_writers = posix_vss_writers,
    .computer_names = posix_computer_names,
    .svc_enum = posix_svc_enum,
};

const vg_os_t *vg_os_default(void) { return &posix_os; }
