/* timefmt.c: the one place that parses and prints times, durations and
 * sizes: ISO 8601 UTC, "90s"/"5m"/"7d" durations, "10G" sizes, spans. */
#include "timefmt.h"

#include "vg.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The number a duration or size starts with (after blanks): a finite,
 * non-negative decimal; *end is what follows it. Returns 0 or VG_EINVAL. */
static int tf_number(const char *s, double *v, char **end) {
  while (isspace((unsigned char)*s))
    s++;
  if (!isdigit((unsigned char)*s)) return VG_EINVAL;
  errno = 0;
  *v = strtod(s, end);
  if (errno || !isfinite(*v) || *v < 0) return VG_EINVAL;
  return 0;
}

int vg_parse_duration_ms(const char *s, uint64_t *out) {
  char *end;
  double v, mul = 1000;
  if (tf_number(s, &v, &end)) return VG_EINVAL;
  if (strcmp(end, "ms") == 0)
    mul = 1;
  else if (*end == '\0' || strcmp(end, "s") == 0)
    mul = 1000;
  else if (strcmp(end, "m") == 0)
    mul = 60e3;
  else if (strcmp(end, "h") == 0)
    mul = 3600e3;
  else if (strcmp(end, "d") == 0)
    mul = 86400e3;
  else
    return VG_EINVAL;
  v *= mul;
  if (v > 1e15) return VG_EINVAL;
  *out = (uint64_t)v;
  return 0;
}

int vg_parse_bytes(const char *s, uint64_t *out) {
  char *end;
  double v, mul = 1;
  if (tf_number(s, &v, &end)) return VG_EINVAL;
  switch (toupper((unsigned char)*end)) {
  case '\0': break;
  case 'K': mul = 1024.0; break;
  case 'M': mul = 1048576.0; break;
  case 'G': mul = 1073741824.0; break;
  case 'T': mul = 1099511627776.0; break;
  default: return VG_EINVAL;
  }
  if (*end) {
    end++;
    if (toupper((unsigned char)*end) == 'I') end++;
    if (toupper((unsigned char)*end) == 'B') end++;
    if (*end) return VG_EINVAL;
  }
  v *= mul;
  if (v >= 1.8e19) return VG_EINVAL;
  *out = (uint64_t)v;
  return 0;
}

/* Days from civil date (Howard Hinnant's algorithm), so no timegm/gmtime_r
 * portability differences between glibc and mingw. */
int64_t vg_days_from_civil(int64_t y, unsigned m, unsigned d) {
  int64_t era;
  unsigned yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (unsigned)(y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

const char *vg_iso8601(int64_t ms, char *buf, size_t size) {
  int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  int64_t z = (secs >= 0 ? secs : secs - 86399) / 86400;
  int64_t sod = secs - z * 86400, era, y;
  unsigned doe, yoe, doy, mp, d, m;
  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (unsigned)(z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = (int64_t)yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  snprintf(buf, size, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m, d,
           (unsigned)(sod / 3600), (unsigned)(sod / 60 % 60),
           (unsigned)(sod % 60));
  return buf;
}

int vg_parse_since(const char *s, int64_t now_ms, int64_t *out) {
  int y, mo, d, h = 0, mi = 0, se = 0, n = 0;
  if (s == NULL || *s == '\0') return VG_EINVAL;
  if (strlen(s) >= 10 && s[4] == '-' &&
      sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3) {
    const char *t = s + n;
    if (*t == 'T' || *t == ' ') {
      int m2 = 0;
      if (sscanf(t + 1, "%2d:%2d:%2d%n", &h, &mi, &se, &m2) != 3)
        return VG_EINVAL;
      t += 1 + m2;
    }
    if (*t == 'Z') t++;
    if (*t || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        se > 60)
      return VG_EINVAL;
    *out = (vg_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
            h * 3600 + mi * 60 + se) *
           1000;
    return 0;
  }
  {
    uint64_t span;
    if (vg_parse_duration_ms(s, &span) != 0 || span > (uint64_t)1e14)
      return VG_EINVAL;
    *out = now_ms - (int64_t)span;
    return 0;
  }
}

const char *vg_fmt_span(char *buf, size_t size, int64_t ms) {
  int64_t s = ms < 0 ? 0 : ms / 1000;
  if (s < 60)
    snprintf(buf, size, "%lld s", (long long)s);
  else if (s < 3600)
    snprintf(buf, size, "%lld min", (long long)(s / 60));
  else if (s < 86400) {
    if ((s % 3600) / 60)
      snprintf(buf, size, "%lld h %lld min", (long long)(s / 3600),
               (long long)((s % 3600) / 60));
    else
      snprintf(buf, size, "%lld h", (long long)(s / 3600));
  } else if ((s % 86400) / 3600)
    snprintf(buf, size, "%lld d %lld h", (long long)(s / 86400),
             (long long)((s % 86400) / 3600));
  else
    snprintf(buf, size, "%lld d", (long long)(s / 86400));
  return buf;
}

/* x is a whole multiple of unit (both positive). Whole numbers below 2^63
 * are checked exactly in integers; libm's fmod was the only reason the
 * process mapped libm (issue 17). */
static int multiple_of(double x, double unit) {
  double q;
  if (x < 9.0e18 && x == vg_floor(x) && unit == vg_floor(unit))
    return (int64_t)x % (int64_t)unit == 0;
  q = x / unit;
  return q == vg_floor(q);
}

const char *vg_fmt_duration(char *buf, size_t size, double ms) {
  static const struct {
    const char *unit;
    double ms;
  } units[] = {{"d", 86400e3}, {"h", 3600e3}, {"m", 60e3}, {"s", 1e3}};
  size_t i;
  if (ms > 0)
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
      if (multiple_of(ms, units[i].ms)) {
        snprintf(buf, size, "%.0f%s", ms / units[i].ms, units[i].unit);
        return buf;
      }
  snprintf(buf, size, "%.0fms", ms);
  return buf;
}

const char *vg_fmt_size(char *buf, size_t size, double bytes) {
  static const struct {
    const char *unit;
    double b;
  } units[] = {{"T", 1099511627776.0},
               {"G", 1073741824.0},
               {"M", 1048576.0},
               {"K", 1024.0}};
  size_t i;
  if (bytes > 0)
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
      if (multiple_of(bytes, units[i].b)) {
        snprintf(buf, size, "%.0f%s", bytes / units[i].b, units[i].unit);
        return buf;
      }
  snprintf(buf, size, "%.0f", bytes);
  return buf;
}
