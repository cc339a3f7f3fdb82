/* tz.h: the local time zone (vg_time_zone_t, what the OS table's time_zone
 * reads: Windows' GetDynamicTimeZoneInformation and
 * GetTimeZoneInformationForYear), local <-> UTC conversion by its rules and
 * its next daylight-saving change. Pure; any thread. Times are unix ms;
 * "local" times are the wall clock written as if it were UTC (2025-03-30
 * 02:30 local = that date at 02:30 "Z"). */
#ifndef VG_TZ_H
#define VG_TZ_H

#include <stddef.h>
#include <stdint.h>

/* A moment as SYSTEMTIME holds it, here one change of clock (StandardDate
 * / DaylightDate). year 0 = every year: day is the week of the month
 * (1-5, 5 = last) of day_of_week (0 Sunday .. 6 Saturday); else only in
 * that year, day is the day of month. month 0 = the zone has no such
 * change. The time is local: for the change to standard time in daylight
 * time, for the change to daylight time in standard time (Windows). */
typedef struct vg_systime_s {
  int year, month, day_of_week, day, hour, minute, second, ms;
} vg_systime_t;

/* One set of rules (TIME_ZONE_INFORMATION's numbers): UTC = local + bias
 * + std_bias in standard time and local + bias + dst_bias in daylight time
 * (minutes; Berlin: bias -60, dst_bias -60; New York: bias 300). dst_date
 * starts daylight time, std_date ends it. */
typedef struct vg_tz_year_s {
  int year; /* the year they hold for; 0 = the zone's standing rules */
  int32_t bias, std_bias, dst_bias;
  vg_systime_t std_date, dst_date;
} vg_tz_year_t;

/* The local time zone. */
typedef struct vg_time_zone_s {
  char key_name[128]; /* "W. Europe Standard Time"; may be "" */
  char std_name[64], dst_name[64];
  int id;       /* 0 no DST, 1 standard now, 2 daylight now (TIME_ZONE_ID_*) */
  int auto_dst; /* "adjust for daylight saving time automatically" */
  /* The standing rules, what local <-> UTC conversion uses; without
   * daylight saving time (or with it switched off) both dates are 0. */
  vg_tz_year_t rules;
  /* This year's rules and the next year's (GetTimeZoneInformationForYear);
   * nyears 0 where the system has no per-year rules (POSIX). */
  vg_tz_year_t years[2];
  int nyears;
  uint32_t years_err; /* Win32 error reading per-year rules; 0 = read */
  int64_t now_ms;     /* the system clock (UTC) when read: always set */
} vg_time_zone_t;

/* Sets UTC: no bias, no daylight saving time, no per-year rules. */
void vg_tz_set_utc(vg_time_zone_t *tz);

/* Central European standing rules (Europe/Berlin since 1996): UTC+1,
 * daylight UTC+2 from the last Sunday of March 02:00 to the last Sunday
 * of October 03:00. For tests and documentation. */
void vg_tz_set_berlin(vg_time_zone_t *tz);

/* 1 when the standing rules have a daylight saving period. */
int vg_tz_has_dst(const vg_time_zone_t *tz);

/* 1 when daylight time is in effect at the instant utc_ms. */
int vg_tz_is_daylight(const vg_time_zone_t *tz, int64_t utc_ms);

/* Local wall clock at utc_ms. */
int64_t vg_tz_to_local(const vg_time_zone_t *tz, int64_t utc_ms);

/* The instant of a local wall-clock time. A time that does not exist
 * (skipped when clocks go forward) is read as standard time, so 02:30 on
 * the night clocks go from 02:00 to 03:00 is 03:30 daylight time (what
 * Windows' TzSpecificLocalTimeToSystemTime does); a time that occurs twice
 * (clocks go back) is the first, daylight, one. */
int64_t vg_tz_to_utc(const vg_time_zone_t *tz, int64_t local_ms);

/* The instants (UTC) of the two changes of the standing rules in the given
 * year (the year of the local date of the change); 0 and VG_ENOENT when
 * the zone has none that year. */
int vg_tz_changes(const vg_time_zone_t *tz, int year, int64_t *to_daylight_ms,
                  int64_t *to_standard_ms);

/* The next daylight-saving change after now_ms (UTC) from tz's per-year
 * rules (years[], else none): 0 with *at_ms, *to_dst (1 = daylight time
 * starts) and *shift_min (how far clocks move), VG_ENOENT when the zone
 * has no change ahead in the rules it gave, VG_EINVAL when a rule is not
 * a valid date. Boundary markers some zones use (Jan 1 00:00, Dec 31
 * 23:59) are not changes. */
int vg_tz_next_change(const vg_time_zone_t *tz, int64_t now_ms, int64_t *at_ms,
                      int *to_dst, int32_t *shift_min);

/* "UTC+01:00, daylight UTC+02:00 from the last Sunday of March 02:00 to
 * the last Sunday of October 03:00" or "UTC+00:00, no daylight saving
 * time" (the standing rules). Returns buf. */
const char *vg_tz_describe(const vg_time_zone_t *tz, char *buf, size_t size);

/* "UTC+01:00" for a Windows bias (UTC = local + bias minutes). Returns
 * buf. */
const char *vg_tz_offset(int32_t bias, char *buf, size_t size);

/* Civil date of days since 1970-01-01 (the inverse of
 * vg_days_from_civil), and the weekday (0 Sunday) of such a day. */
void vg_tz_civil(int64_t days, int *y, int *m, int *d);
int vg_tz_weekday(int64_t days);

#endif /* VG_TZ_H */
