/* tz_rules.c: local <-> UTC by Windows-style time-zone rules (tz.h), so
 * trigger times and log times convert the same on every platform. */
#include "tz.h"

#include "timefmt.h"
#include "vg.h"

#include <stdio.h>
#include <string.h>

#define TZ_DAY_MS 86400000ll
#define TZ_MIN_MS 60000ll

void vg_tz_civil(int64_t days, int *y, int *m, int *d) {
  /* Howard Hinnant's civil_from_days */
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t dd = doy - (153 * mp + 2) / 5 + 1;
  int64_t mm = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)(yoe + era * 400 + (mm <= 2));
  *m = (int)mm;
  *d = (int)dd;
}

int vg_tz_weekday(int64_t days) {
  /* 1970-01-01 was a Thursday (4) */
  int64_t w = (days + 4) % 7;
  return (int)(w < 0 ? w + 7 : w);
}

static int64_t tz_floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int tz_days_in_month(int y, int m) {
  static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return m >= 1 && m <= 12 ? len[m - 1] : 30;
}

void vg_tz_set_utc(vg_tz_rules_t *tz) {
  memset(tz, 0, sizeof(*tz));
  vg_strlcpy(tz->std_name, "UTC", sizeof(tz->std_name));
}

void vg_tz_set_berlin(vg_tz_rules_t *tz) {
  memset(tz, 0, sizeof(*tz));
  tz->bias_min = -60;
  tz->dlt_bias_min = -60;
  tz->std_date.month = 10;
  tz->std_date.day = 5;
  tz->std_date.hour = 3;
  tz->dlt_date.month = 3;
  tz->dlt_date.day = 5;
  tz->dlt_date.hour = 2;
  vg_strlcpy(tz->std_name, "W. Europe Standard Time", sizeof(tz->std_name));
  vg_strlcpy(tz->dlt_name, "W. Europe Daylight Time", sizeof(tz->dlt_name));
}

static int tz_date_valid(const vg_tz_date_t *d) {
  return d->month >= 1 && d->month <= 12 && d->day >= 1 && d->day <= 31 &&
         d->dow >= 0 && d->dow <= 6 && d->hour >= 0 && d->hour <= 24 &&
         d->minute >= 0 && d->minute < 60 && d->second >= 0 && d->second < 60 &&
         d->ms >= 0 && d->ms < 1000;
}

int vg_tz_has_dst(const vg_tz_rules_t *tz) {
  return tz_date_valid(&tz->std_date) && tz_date_valid(&tz->dlt_date) &&
         tz->std_bias_min != tz->dlt_bias_min;
}

/* Local ms of the change in year y; VG_ENOENT when it has none then. */
static int tz_change_local(const vg_tz_date_t *r, int y, int64_t *out) {
  int64_t first;
  int d;
  if (r->year != 0) {
    if (r->year != y) return VG_ENOENT;
    d = r->day > tz_days_in_month(y, r->month) ? tz_days_in_month(y, r->month)
                                               : r->day;
  } else {
    first = vg_days_from_civil(y, (unsigned)r->month, 1);
    d = 1 + (r->dow - vg_tz_weekday(first) + 7) % 7 + (r->day - 1) * 7;
    while (d > tz_days_in_month(y, r->month))
      d -= 7;
  }
  *out = vg_days_from_civil(y, (unsigned)r->month, (unsigned)d) * TZ_DAY_MS +
         r->hour * 3600000ll + r->minute * TZ_MIN_MS + r->second * 1000ll +
         r->ms;
  return 0;
}

int vg_tz_changes(const vg_tz_rules_t *tz, int year, int64_t *to_daylight_ms,
                  int64_t *to_standard_ms) {
  int64_t dl, sl;
  *to_daylight_ms = *to_standard_ms = 0;
  if (!vg_tz_has_dst(tz)) return VG_ENOENT;
  if (tz_change_local(&tz->dlt_date, year, &dl) != 0 ||
      tz_change_local(&tz->std_date, year, &sl) != 0)
    return VG_ENOENT;
  /* the change to daylight is written in standard time, and back */
  *to_daylight_ms = dl + (tz->bias_min + tz->std_bias_min) * TZ_MIN_MS;
  *to_standard_ms = sl + (tz->bias_min + tz->dlt_bias_min) * TZ_MIN_MS;
  return 0;
}

int vg_tz_is_daylight(const vg_tz_rules_t *tz, int64_t utc_ms) {
  int64_t std_local, dl, st;
  int y, m, d;
  if (!vg_tz_has_dst(tz)) return 0;
  std_local = utc_ms - (tz->bias_min + tz->std_bias_min) * TZ_MIN_MS;
  vg_tz_civil(tz_floor_div(std_local, TZ_DAY_MS), &y, &m, &d);
  if (vg_tz_changes(tz, y, &dl, &st) != 0) return 0;
  if (dl < st) return utc_ms >= dl && utc_ms < st;
  return utc_ms >= dl || utc_ms < st; /* southern hemisphere */
}

int64_t vg_tz_to_local(const vg_tz_rules_t *tz, int64_t utc_ms) {
  int bias = tz->bias_min + (vg_tz_is_daylight(tz, utc_ms) ? tz->dlt_bias_min
                                                           : tz->std_bias_min);
  return utc_ms - bias * TZ_MIN_MS;
}

int64_t vg_tz_to_utc(const vg_tz_rules_t *tz, int64_t local_ms) {
  int64_t us = local_ms + (tz->bias_min + tz->std_bias_min) * TZ_MIN_MS;
  int64_t ud = local_ms + (tz->bias_min + tz->dlt_bias_min) * TZ_MIN_MS;
  int vs, vd;
  if (!vg_tz_has_dst(tz)) return us;
  vs = !vg_tz_is_daylight(tz, us);
  vd = vg_tz_is_daylight(tz, ud);
  if (vs && vd) return us < ud ? us : ud; /* twice: the first */
  if (vd) return ud;
  return us; /* standard, or skipped: read as standard time */
}

static const char *tz_offset(int bias_min, char *buf, size_t size) {
  int off = -bias_min;
  snprintf(buf, size, "UTC%c%02d:%02d", off < 0 ? '-' : '+',
           (off < 0 ? -off : off) / 60 % 100, (off < 0 ? -off : off) % 60);
  return buf;
}

static void tz_rule_words(const vg_tz_date_t *r, char *buf, size_t size) {
  static const char *const weeks[] = {"first", "second", "third", "fourth",
                                      "last"};
  static const char *const days[] = {"Sunday",    "Monday",   "Tuesday",
                                     "Wednesday", "Thursday", "Friday",
                                     "Saturday"};
  static const char *const months[] = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  if (r->year != 0)
    snprintf(buf, size, "%04d-%02d-%02d %02d:%02d", r->year % 10000, r->month,
             r->day, r->hour, r->minute);
  else
    snprintf(buf, size, "the %s %s of %s %02d:%02d",
             weeks[(r->day >= 1 && r->day <= 5 ? r->day : 5) - 1],
             days[r->dow % 7], months[(r->month - 1) % 12], r->hour % 100,
             r->minute % 100);
}

const char *vg_tz_describe(const vg_tz_rules_t *tz, char *buf, size_t size) {
  char s[16], d[16], from[80], to[80];
  tz_offset(tz->bias_min + tz->std_bias_min, s, sizeof(s));
  if (!vg_tz_has_dst(tz)) {
    snprintf(buf, size, "%s, no daylight saving time", s);
    return buf;
  }
  tz_offset(tz->bias_min + tz->dlt_bias_min, d, sizeof(d));
  tz_rule_words(&tz->dlt_date, from, sizeof(from));
  tz_rule_words(&tz->std_date, to, sizeof(to));
  snprintf(buf, size, "%s, daylight %s from %s to %s", s, d, from, to);
  return buf;
}
