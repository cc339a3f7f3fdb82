/* tz_rules.c: local <-> UTC by Windows-style time-zone rules and the next
 * daylight-saving change (tz.h), so trigger times, log times and clock.skew
 * read a zone the same way on every platform. */
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

void vg_tz_set_utc(vg_time_zone_t *tz) {
  memset(tz, 0, sizeof(*tz));
  vg_strlcpy(tz->std_name, "UTC", sizeof(tz->std_name));
}

void vg_tz_set_berlin(vg_time_zone_t *tz) {
  vg_tz_year_t *r = &tz->rules;
  memset(tz, 0, sizeof(*tz));
  r->bias = -60;
  r->dst_bias = -60;
  r->std_date.month = 10;
  r->std_date.day = 5;
  r->std_date.hour = 3;
  r->dst_date.month = 3;
  r->dst_date.day = 5;
  r->dst_date.hour = 2;
  vg_strlcpy(tz->key_name, "W. Europe Standard Time", sizeof(tz->key_name));
  vg_strlcpy(tz->std_name, "W. Europe Standard Time", sizeof(tz->std_name));
  vg_strlcpy(tz->dst_name, "W. Europe Daylight Time", sizeof(tz->dst_name));
}

static int tz_date_valid(const vg_systime_t *d) {
  return d->month >= 1 && d->month <= 12 && d->day >= 1 && d->day <= 31 &&
         d->day_of_week >= 0 && d->day_of_week <= 6 && d->hour >= 0 &&
         d->hour <= 24 && d->minute >= 0 && d->minute < 60 && d->second >= 0 &&
         d->second < 60 && d->ms >= 0 && d->ms < 1000;
}

int vg_tz_has_dst(const vg_time_zone_t *tz) {
  const vg_tz_year_t *r = &tz->rules;
  return tz_date_valid(&r->std_date) && tz_date_valid(&r->dst_date) &&
         r->std_bias != r->dst_bias;
}

/* Local ms (as if UTC) of change r in year y and its day of the month
 * (*mday). A one-year rule's day is kept within the month; a recurring
 * one is "the Nth day_of_week", week 5 (or more) being the last. The
 * fields must be in range (the callers check). */
static int64_t tz_rule_local(const vg_systime_t *r, int y, int *mday) {
  int d, len = tz_days_in_month(y, r->month);
  if (r->year != 0) {
    d = r->day > len ? len : r->day;
  } else {
    int64_t first = vg_days_from_civil(y, (unsigned)r->month, 1);
    d = 1 + (r->day_of_week - vg_tz_weekday(first) + 7) % 7 + (r->day - 1) * 7;
    while (d > len)
      d -= 7;
  }
  *mday = d;
  return vg_days_from_civil(y, (unsigned)r->month, (unsigned)d) * TZ_DAY_MS +
         r->hour * 3600000ll + r->minute * TZ_MIN_MS + r->second * 1000ll +
         r->ms;
}

/* Local ms of the change in year y; VG_ENOENT when it has none then. */
static int tz_change_local(const vg_systime_t *r, int y, int64_t *out) {
  int mday;
  if (r->year != 0 && r->year != y) return VG_ENOENT;
  *out = tz_rule_local(r, y, &mday);
  return 0;
}

int vg_tz_changes(const vg_time_zone_t *tz, int year, int64_t *to_daylight_ms,
                  int64_t *to_standard_ms) {
  const vg_tz_year_t *r = &tz->rules;
  int64_t dl, sl;
  *to_daylight_ms = *to_standard_ms = 0;
  if (!vg_tz_has_dst(tz)) return VG_ENOENT;
  if (tz_change_local(&r->dst_date, year, &dl) != 0 ||
      tz_change_local(&r->std_date, year, &sl) != 0)
    return VG_ENOENT;
  /* the change to daylight is written in standard time, and back */
  *to_daylight_ms = dl + (r->bias + r->std_bias) * TZ_MIN_MS;
  *to_standard_ms = sl + (r->bias + r->dst_bias) * TZ_MIN_MS;
  return 0;
}

int vg_tz_is_daylight(const vg_time_zone_t *tz, int64_t utc_ms) {
  const vg_tz_year_t *r = &tz->rules;
  int64_t std_local, dl, st;
  int y, m, d;
  if (!vg_tz_has_dst(tz)) return 0;
  std_local = utc_ms - (r->bias + r->std_bias) * TZ_MIN_MS;
  vg_tz_civil(tz_floor_div(std_local, TZ_DAY_MS), &y, &m, &d);
  if (vg_tz_changes(tz, y, &dl, &st) != 0) return 0;
  if (dl < st) return utc_ms >= dl && utc_ms < st;
  return utc_ms >= dl || utc_ms < st; /* southern hemisphere */
}

int64_t vg_tz_to_local(const vg_time_zone_t *tz, int64_t utc_ms) {
  const vg_tz_year_t *r = &tz->rules;
  int bias =
      r->bias + (vg_tz_is_daylight(tz, utc_ms) ? r->dst_bias : r->std_bias);
  return utc_ms - bias * TZ_MIN_MS;
}

int64_t vg_tz_to_utc(const vg_time_zone_t *tz, int64_t local_ms) {
  const vg_tz_year_t *r = &tz->rules;
  int64_t us = local_ms + (r->bias + r->std_bias) * TZ_MIN_MS;
  int64_t ud = local_ms + (r->bias + r->dst_bias) * TZ_MIN_MS;
  int vs, vd;
  if (!vg_tz_has_dst(tz)) return us;
  vs = !vg_tz_is_daylight(tz, us);
  vd = vg_tz_is_daylight(tz, ud);
  if (vs && vd) return us < ud ? us : ud; /* twice: the first */
  if (vd) return ud;
  return us; /* standard, or skipped: read as standard time */
}

/* ------------------------------------------ the next change (clock.skew) */

/* Local wall time of rule d of a year-y rule set, as unix ms read as if it
 * were UTC, and its day of the month. Stricter than the standing rules:
 * a per-year rule out of range is reported, not read. Returns 0 or
 * VG_EINVAL. */
static int tz_year_local(const vg_systime_t *d, int y, int64_t *ms, int *mday) {
  if (d->month < 1 || d->month > 12 || d->hour < 0 || d->hour > 23 ||
      d->minute < 0 || d->minute > 59 || d->second < 0 || d->second > 59 ||
      d->ms < 0 || d->ms > 999)
    return VG_EINVAL;
  if (d->year == 0) {
    if (d->day < 1 || d->day > 5 || d->day_of_week < 0 || d->day_of_week > 6)
      return VG_EINVAL;
  } else {
    if (d->year < 1601 || d->year > 30827) return VG_EINVAL;
    y = d->year;
    if (d->day < 1 || d->day > tz_days_in_month(y, d->month)) return VG_EINVAL;
  }
  *ms = tz_rule_local(d, y, mday);
  return 0;
}

/* Jan 1 00:00 or Dec 31 23:59: a year-boundary marker, not a change. */
static int tz_marker(const vg_systime_t *d, int mday) {
  return (d->month == 1 && mday == 1 && d->hour == 0 && d->minute == 0) ||
         (d->month == 12 && mday == 31 && d->hour == 23 && d->minute == 59);
}

int vg_tz_next_change(const vg_time_zone_t *tz, int64_t now_ms, int64_t *at_ms,
                      int *to_dst, int32_t *shift_min) {
  int i, found = 0;
  for (i = 0; i < tz->nyears && i < 2; i++) {
    const vg_tz_year_t *r = &tz->years[i];
    int64_t local, utc;
    int k, mday;
    if (r->dst_date.month == 0 && r->std_date.month == 0) continue;
    if (r->year < 1601 || r->year > 30827) return VG_EINVAL;
    if (r->dst_date.month == 0 || r->std_date.month == 0) return VG_EINVAL;
    for (k = 0; k < 2; k++) {
      const vg_systime_t *d = k == 0 ? &r->dst_date : &r->std_date;
      if (tz_year_local(d, r->year, &local, &mday)) return VG_EINVAL;
      if (tz_marker(d, mday)) continue;
      utc = local +
            (int64_t)(r->bias + (k == 0 ? r->std_bias : r->dst_bias)) * 60000;
      if (utc > now_ms && (!found || utc < *at_ms)) {
        found = 1;
        *at_ms = utc;
        *to_dst = k == 0;
        *shift_min = r->std_bias - r->dst_bias;
      }
    }
  }
  return found ? 0 : VG_ENOENT;
}

/* ---------------------------------------------------------------- words */

const char *vg_tz_offset(int32_t bias, char *buf, size_t size) {
  int64_t off = -(int64_t)bias, a = off < 0 ? -off : off;
  snprintf(buf, size, "UTC%c%02d:%02d", off < 0 ? '-' : '+', (int)(a / 60),
           (int)(a % 60));
  return buf;
}

static void tz_rule_words(const vg_systime_t *r, char *buf, size_t size) {
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
             days[r->day_of_week % 7], months[(r->month - 1) % 12],
             r->hour % 100, r->minute % 100);
}

const char *vg_tz_describe(const vg_time_zone_t *tz, char *buf, size_t size) {
  const vg_tz_year_t *r = &tz->rules;
  char s[16], d[16], from[80], to[80];
  vg_tz_offset(r->bias + r->std_bias, s, sizeof(s));
  if (!vg_tz_has_dst(tz)) {
    snprintf(buf, size, "%s, no daylight saving time", s);
    return buf;
  }
  vg_tz_offset(r->bias + r->dst_bias, d, sizeof(d));
  tz_rule_words(&r->dst_date, from, sizeof(from));
  tz_rule_words(&r->std_date, to, sizeof(to));
  snprintf(buf, size, "%s, daylight %s from %s to %s", s, d, from, to);
  return buf;
}
