/* tz.h: a time zone's rules in the shape Windows' GetTimeZoneInformation
 * gives them (bias, standard and daylight bias, two "Nth weekday of month
 * at hh:mm" changes), and local <-> UTC conversion by them. Pure; any
 * thread. Times are unix ms; "local" times are the wall clock written as
 * if it were UTC (2025-03-30 02:30 local = that date at 02:30 "Z"). */
#ifndef VG_TZ_H
#define VG_TZ_H

#include <stddef.h>
#include <stdint.h>

/* One change of clock, as SYSTEMTIME StandardDate / DaylightDate. */
typedef struct vg_tz_date_s {
  int year;  /* 0 = every year: day is the week of the month (1-5, 5 =
              * last); else only in that year, day is the day of month */
  int month; /* 1-12; 0 = the zone has no daylight saving time */
  int dow;   /* 0 Sunday .. 6 Saturday (used when year == 0) */
  int day;
  /* Local time of the change: for the change to standard time in daylight
   * time, for the change to daylight time in standard time (Windows). */
  int hour, minute, second, ms;
} vg_tz_date_t;

typedef struct vg_tz_rules_s {
  int bias_min;          /* UTC = local + bias (Berlin: -60, New York: 300) */
  int std_bias_min;      /* added to bias in standard time (usually 0) */
  int dlt_bias_min;      /* added to bias in daylight time (usually -60) */
  vg_tz_date_t std_date; /* change to standard time */
  vg_tz_date_t dlt_date; /* change to daylight time */
  char std_name[64];     /* "W. Europe Standard Time"; may be "" */
  char dlt_name[64];
} vg_tz_rules_t;

/* Sets UTC: no bias, no daylight saving time. */
void vg_tz_set_utc(vg_tz_rules_t *tz);

/* Central European rules (Europe/Berlin since 1996): UTC+1, daylight
 * UTC+2 from the last Sunday of March 02:00 to the last Sunday of October
 * 03:00. For tests and documentation. */
void vg_tz_set_berlin(vg_tz_rules_t *tz);

/* 1 when the rules have a daylight saving period. */
int vg_tz_has_dst(const vg_tz_rules_t *tz);

/* 1 when daylight time is in effect at the instant utc_ms. */
int vg_tz_is_daylight(const vg_tz_rules_t *tz, int64_t utc_ms);

/* Local wall clock at utc_ms. */
int64_t vg_tz_to_local(const vg_tz_rules_t *tz, int64_t utc_ms);

/* The instant of a local wall-clock time. A time that does not exist
 * (skipped when clocks go forward) is read as standard time, so 02:30 on
 * the night clocks go from 02:00 to 03:00 is 03:30 daylight time (what
 * Windows' TzSpecificLocalTimeToSystemTime does); a time that occurs twice
 * (clocks go back) is the first, daylight, one. */
int64_t vg_tz_to_utc(const vg_tz_rules_t *tz, int64_t local_ms);

/* The instants (UTC) of the two changes in the given year (the year of
 * the local date of the change); 0 and VG_ENOENT when the zone has none
 * that year. */
int vg_tz_changes(const vg_tz_rules_t *tz, int year, int64_t *to_daylight_ms,
                  int64_t *to_standard_ms);

/* "UTC+01:00, daylight UTC+02:00 from the last Sunday of March 02:00 to
 * the last Sunday of October 03:00" or "UTC+00:00, no daylight saving
 * time". Returns buf. */
const char *vg_tz_describe(const vg_tz_rules_t *tz, char *buf, size_t size);

/* Civil date of days since 1970-01-01 (the inverse of
 * vg_days_from_civil), and the weekday (0 Sunday) of such a day. */
void vg_tz_civil(int64_t days, int *y, int *m, int *d);
int vg_tz_weekday(int64_t days);

#endif /* VG_TZ_H */
