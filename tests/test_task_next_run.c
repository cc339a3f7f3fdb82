/* test_task_next_run.c: the next scheduled backup computed from a task's
 * triggers at every edge (daylight saving nights by the Europe/Berlin
 * rules, disabled triggers, start boundaries ahead, weekly every second
 * week, every third day, repetition, end boundary), the time-zone rules,
 * the task definition reader, and task.schedule reading a whole folder of
 * tasks, Windows Server Backup's tasks and the next backup on a fake
 * machine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "config.h"
#include "fake_os.h"
#include "probe_kit.h"
#include "fixture_runner.h"
#include "mars.h"
#include "probe.h"
#include "task_next_run.h"
#include "task_xml.h"
#include "textconv.h"
#include "timefmt.h"
#include "tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TASK "\\Microsoft\\OnlineBackup\\Microsoft-OnlineBackup"
#define TASK_FILE                                                              \
  "C:\\Windows\\System32\\Tasks\\Microsoft\\OnlineBackup\\Microsoft-"          \
  "OnlineBackup"
#define WSB_TASK "\\Microsoft\\Windows\\Backup\\Microsoft-Windows-WindowsBackup"

/* Unix ms of a UTC civil time. */
static int64_t utc(int y, int mo, int d, int h, int mi) {
  return vg_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400000ll +
         h * 3600000ll + mi * 60000ll;
}

static void assert_time(int64_t got, int64_t want) {
  char a[40], b[40];
  if (got != want)
    fail_msg("got %s, want %s", vg_iso8601(got, a, sizeof(a)),
             vg_iso8601(want, b, sizeof(b)));
}

static void assert_contains(const char *hay, const char *needle) {
  if (hay == NULL || strstr(hay, needle) == NULL)
    fail_msg("\"%s\" lacks \"%s\"", hay ? hay : "(null)", needle);
}

static vg_task_trigger_t trig(int type, const char *start) {
  vg_task_trigger_t t;
  memset(&t, 0, sizeof(t));
  t.type = type;
  t.enabled = 1;
  t.days_interval = type == 2 ? 1 : 0;
  t.weeks_interval = type == 3 ? 1 : 0;
  snprintf(t.start, sizeof(t.start), "%s", start);
  return t;
}

/* Next run of one trigger after `after`; fails when it has none. */
static int64_t next_of(const vg_task_trigger_t *t, int64_t after,
                       const vg_time_zone_t *tz) {
  int64_t at = 0;
  int rc = vg_task_trigger_next(t, after, tz, &at);
  if (rc != 0) fail_msg("no next run for %s (rc %d)", t->start, rc);
  return at;
}

/* The time zones the trigger tests run in. */
static const vg_time_zone_t *zone_berlin(void) {
  static vg_time_zone_t z;
  vg_tz_set_berlin(&z);
  return &z;
}

static const vg_time_zone_t *zone_utc(void) {
  static vg_time_zone_t z;
  vg_tz_set_utc(&z);
  return &z;
}

/* The next run of t after `after` is `want`. */
static void expect_next(const vg_task_trigger_t *t, const vg_time_zone_t *tz,
                        int64_t after, int64_t want) {
  assert_time(next_of(t, after, tz), want);
}

/* ---- time zone rules -------------------------------------------------- */

/* A wall-clock time in a zone and the instant it is: converted one way. */
typedef struct tz_conv_s {
  int local_to_utc; /* 1: vg_tz_to_utc(local) == utc; 0: to_local */
  int64_t local, utc;
} tz_conv_t;

static void tz_berlin_changes_and_conversions(void **st) {
  const tz_conv_t berlin[] = {
      /* winter and summer */
      {1, utc(2025, 1, 15, 12, 0), utc(2025, 1, 15, 11, 0)},
      {1, utc(2025, 7, 1, 12, 0), utc(2025, 7, 1, 10, 0)},
      {0, utc(2025, 7, 1, 12, 0), utc(2025, 7, 1, 10, 0)},
      /* 02:30 does not exist on 2025-03-30: read as standard time, 03:30
       * CEST */
      {1, utc(2025, 3, 30, 2, 30), utc(2025, 3, 30, 1, 30)},
      {0, utc(2025, 3, 30, 3, 30), utc(2025, 3, 30, 1, 30)},
      /* 02:30 happens twice on 2025-10-26: the first (CEST) */
      {1, utc(2025, 10, 26, 2, 30), utc(2025, 10, 26, 0, 30)},
      {0, utc(2025, 10, 26, 2, 30), utc(2025, 10, 26, 1, 30)},
  };
  vg_time_zone_t tz;
  int64_t dl, sd;
  char buf[200];
  size_t i;
  (void)st;
  vg_tz_set_berlin(&tz);
  assert_int_equal(vg_tz_changes(&tz, 2025, &dl, &sd), 0);
  assert_time(dl, utc(2025, 3, 30, 1, 0));
  assert_time(sd, utc(2025, 10, 26, 1, 0));
  assert_int_equal(vg_tz_changes(&tz, 2026, &dl, &sd), 0);
  assert_time(dl, utc(2026, 3, 29, 1, 0));
  assert_time(sd, utc(2026, 10, 25, 1, 0));
  for (i = 0; i < VG_ARRAY_SIZE(berlin); i++) {
    if (berlin[i].local_to_utc)
      assert_time(vg_tz_to_utc(&tz, berlin[i].local), berlin[i].utc);
    else
      assert_time(vg_tz_to_local(&tz, berlin[i].utc), berlin[i].local);
  }
  assert_true(vg_tz_is_daylight(&tz, utc(2025, 10, 26, 0, 59)));
  assert_false(vg_tz_is_daylight(&tz, utc(2025, 10, 26, 1, 0)));
  assert_string_equal(vg_tz_describe(&tz, buf, sizeof(buf)),
                      "UTC+01:00, daylight UTC+02:00 from the last Sunday of "
                      "March 02:00 to the last Sunday of October 03:00");
  vg_tz_set_utc(&tz);
  assert_string_equal(vg_tz_describe(&tz, buf, sizeof(buf)),
                      "UTC+00:00, no daylight saving time");
  assert_time(vg_tz_to_utc(&tz, utc(2025, 3, 30, 2, 30)),
              utc(2025, 3, 30, 2, 30));
}

static void tz_southern_and_fixed_dates(void **st) {
  vg_time_zone_t tz;
  int64_t dl, sd;
  (void)st;
  /* AUS Eastern: UTC+10, daylight UTC+11 from the first Sunday of October
   * 02:00 to the first Sunday of April 03:00 */
  memset(&tz, 0, sizeof(tz));
  tz.rules.bias = -600;
  tz.rules.dst_bias = -60;
  tz.rules.dst_date.month = 10;
  tz.rules.dst_date.day = 1;
  tz.rules.dst_date.hour = 2;
  tz.rules.std_date.month = 4;
  tz.rules.std_date.day = 1;
  tz.rules.std_date.hour = 3;
  assert_time(vg_tz_to_utc(&tz, utc(2025, 1, 15, 12, 0)),
              utc(2025, 1, 15, 1, 0));
  assert_time(vg_tz_to_utc(&tz, utc(2025, 7, 15, 12, 0)),
              utc(2025, 7, 15, 2, 0));
  assert_time(vg_tz_to_utc(&tz, utc(2025, 12, 31, 23, 0)),
              utc(2025, 12, 31, 12, 0));
  /* a rule for one year only (wYear set: day is the day of month) */
  vg_tz_set_berlin(&tz);
  tz.rules.dst_date.year = 2025;
  tz.rules.dst_date.day = 30;
  tz.rules.std_date.year = 2025;
  tz.rules.std_date.day = 26;
  assert_int_equal(vg_tz_changes(&tz, 2025, &dl, &sd), 0);
  assert_time(dl, utc(2025, 3, 30, 1, 0));
  assert_int_equal(vg_tz_changes(&tz, 2026, &dl, &sd), VG_ENOENT);
}

/* The platform's own rules: on Windows GetTimeZoneInformation, on POSIX
 * derived by probing localtime_r. Under TZ=Europe/Berlin (POSIX; Wine
 * maps the host's zone to a Windows one) they must convert like the
 * Berlin rules; elsewhere they must at least be self-consistent. */
static void tz_rules_of_this_system(void **st) {
  const vg_os_t *os = vg_os_default();
  vg_time_zone_t tz, berlin;
  char buf[200];
  int64_t t;
  (void)st;
  static char tzvar[] = "TZ=Europe/Berlin"; /* a POSIX name: no effect on
                                             * Windows' own zone */
  putenv(tzvar);
  tzset();
  assert_int_equal(os->time_zone(os, &tz), 0);
  print_message("this system: %s\n", vg_tz_describe(&tz, buf, sizeof(buf)));
  vg_tz_set_berlin(&berlin);
  if (tz.rules.bias == -60 && vg_tz_has_dst(&tz)) {
    for (t = utc(2025, 1, 1, 0, 0); t < utc(2027, 1, 1, 0, 0);
         t += 3600000ll * 7)
      assert_time(vg_tz_to_local(&tz, t), vg_tz_to_local(&berlin, t));
    assert_time(vg_tz_to_utc(&tz, utc(2025, 3, 30, 2, 30)),
                utc(2025, 3, 30, 1, 30));
  } else {
    t = utc(2025, 7, 1, 12, 0);
    assert_time(vg_tz_to_utc(&tz, vg_tz_to_local(&tz, t)), t);
  }
}

/* ---- boundaries and durations ----------------------------------------- */

static void boundaries_parse(void **st) {
  int64_t ms;
  int z;
  (void)st;
  assert_int_equal(vg_task_parse_boundary("2025-01-05T22:00:00", &ms, &z), 0);
  assert_time(ms, utc(2025, 1, 5, 22, 0));
  assert_int_equal(z, 0);
  assert_int_equal(vg_task_parse_boundary("2025-01-05T22:00:00.500", &ms, &z),
                   0);
  assert_int_equal(ms, utc(2025, 1, 5, 22, 0) + 500);
  assert_int_equal(vg_task_parse_boundary("2025-01-05T22:00:00Z", &ms, &z), 0);
  assert_int_equal(z, 1);
  assert_int_equal(vg_task_parse_boundary("2025-01-05T22:00:00+01:00", &ms, &z),
                   0);
  assert_time(ms, utc(2025, 1, 5, 21, 0));
  assert_int_equal(vg_task_parse_boundary("2025-01-05T22:00:00-05:30", &ms, &z),
                   0);
  assert_time(ms, utc(2025, 1, 6, 3, 30));
  assert_int_equal(vg_task_parse_boundary("2025-01-05T22:00", &ms, &z), 0);
  assert_int_equal(vg_task_parse_boundary("", &ms, &z), VG_EINVAL);
  assert_int_equal(vg_task_parse_boundary("2025-13-05T22:00:00", &ms, &z),
                   VG_EINVAL);
  assert_int_equal(vg_task_parse_boundary("2025-01-05 x", &ms, &z), VG_EINVAL);
  assert_int_equal(vg_task_parse_boundary("2025-01-05T22:00:00+99:00", &ms, &z),
                   VG_EINVAL);
  assert_int_equal(vg_task_duration_ms("PT1H30M"), 5400000);
  assert_int_equal(vg_task_duration_ms("P1D"), 86400000);
  assert_int_equal(vg_task_duration_ms("P1M"), -1);
  assert_int_equal(vg_task_duration_ms(""), -1);
}

/* ---- daylight saving nights ------------------------------------------- */

/* A daily trigger in Berlin: from an instant, when it runs next. */
typedef struct dst_case_s {
  const char *start; /* the trigger's StartBoundary */
  int64_t after, want;
} dst_case_t;

static void daily_across_dst_nights(void **st) {
  static const char night[] = "2025-03-01T02:30:00";
  static const char evening[] = "2025-01-01T22:00:00";
  const dst_case_t cases[] = {
      /* forward: 02:30 does not exist, it runs at 03:30 CEST (01:30Z) */
      {night, utc(2025, 3, 29, 12, 0), utc(2025, 3, 30, 1, 30)},
      /* and the night after at 02:30 CEST */
      {night, utc(2025, 3, 30, 1, 30), utc(2025, 3, 31, 0, 30)},
      /* the night before at 02:30 CET */
      {night, utc(2025, 3, 28, 12, 0), utc(2025, 3, 29, 1, 30)},
      /* back: 02:30 happens twice, it runs once, at the first (00:30Z) */
      {night, utc(2025, 10, 25, 12, 0), utc(2025, 10, 26, 0, 30)},
      {night, utc(2025, 10, 26, 0, 30), utc(2025, 10, 27, 1, 30)},
      /* an evening trigger keeps its wall-clock time across the change */
      {evening, utc(2025, 3, 29, 21, 0), utc(2025, 3, 30, 20, 0)},
      {evening, utc(2025, 10, 25, 20, 0), utc(2025, 10, 26, 21, 0)},
      /* "synchronize across time zones": the same instant every day */
      {"2025-01-01T21:00:00Z", utc(2025, 7, 1, 12, 0), utc(2025, 7, 1, 21, 0)},
      {"2025-01-01T22:00:00+01:00", utc(2025, 7, 1, 12, 0),
       utc(2025, 7, 1, 21, 0)},
  };
  size_t i;
  (void)st;
  for (i = 0; i < VG_ARRAY_SIZE(cases); i++) {
    vg_task_trigger_t t = trig(2, cases[i].start);
    expect_next(&t, zone_berlin(), cases[i].after, cases[i].want);
  }
}

/* ---- the edges the issue names ---------------------------------------- */

static void a_disabled_trigger_is_skipped(void **st) {
  const vg_time_zone_t *tz = zone_utc();
  vg_task_trigger_t t[2];
  int64_t at;
  (void)st;
  t[0] = trig(2, "2025-01-01T17:00:00");
  t[0].enabled = 0;
  t[1] = trig(2, "2025-01-01T21:30:00");
  assert_int_equal(vg_task_next_run(t, 2, utc(2025, 11, 24, 16, 0), tz, &at),
                   0);
  assert_time(at, utc(2025, 11, 24, 21, 30));
  t[1].enabled = 0;
  assert_int_equal(vg_task_next_run(t, 2, utc(2025, 11, 24, 16, 0), tz, &at),
                   VG_ENOENT);
  t[0].enabled = 1;
  assert_int_equal(vg_task_next_run(t, 2, utc(2025, 11, 24, 16, 0), tz, &at),
                   0);
  assert_time(at, utc(2025, 11, 24, 17, 0));
}

static void a_start_boundary_ahead(void **st) {
  const vg_time_zone_t *tz = zone_berlin();
  vg_task_trigger_t t = trig(2, "2025-12-01T21:30:00");
  int64_t at;
  (void)st;
  expect_next(&t, tz, utc(2025, 11, 24, 16, 0), utc(2025, 12, 1, 20, 30));
  /* a one-time trigger: its start, then nothing */
  t = trig(1, "2025-12-01T21:30:00");
  expect_next(&t, tz, utc(2025, 11, 24, 16, 0), utc(2025, 12, 1, 20, 30));
  assert_int_equal(vg_task_trigger_next(&t, utc(2025, 12, 1, 20, 30), tz, &at),
                   VG_ENOENT);
  /* weekly, first week: days before the start do not run */
  t = trig(3, "2025-01-08T22:00:00"); /* a Wednesday */
  t.days_of_week = 0x02;              /* Monday */
  t.weeks_interval = 2;
  expect_next(&t, tz, utc(2025, 1, 1, 0, 0), utc(2025, 1, 20, 21, 0));
}

static void weekly_every_second_week(void **st) {
  const vg_time_zone_t *tz = zone_berlin();
  vg_task_trigger_t t = trig(3, "2025-01-05T22:00:00"); /* a Sunday */
  (void)st;
  t.weeks_interval = 2;
  t.days_of_week = 0x01 | 0x08; /* Sunday, Wednesday */
  expect_next(&t, tz, utc(2025, 1, 1, 0, 0), utc(2025, 1, 5, 21, 0));
  expect_next(&t, tz, utc(2025, 1, 5, 21, 0), utc(2025, 1, 8, 21, 0));
  /* the week of 12 January is skipped */
  expect_next(&t, tz, utc(2025, 1, 8, 21, 0), utc(2025, 1, 19, 21, 0));
  expect_next(&t, tz, utc(2025, 1, 20, 0, 0), utc(2025, 1, 22, 21, 0));
  /* in summer time, late in the year */
  expect_next(&t, tz, utc(2025, 7, 1, 0, 0),
              utc(2025, 7, 6, 20, 0)); /* week 26 from 5 January */
  /* days not read: the start's own weekday */
  t.days_of_week = 0;
  expect_next(&t, tz, utc(2025, 1, 6, 0, 0), utc(2025, 1, 19, 21, 0));
  assert_int_equal(vg_task_trigger_max_gap(&t), 14 * 86400000ll);
  t.weeks_interval = 1;
  t.days_of_week = 0x02 | 0x20; /* Monday, Friday */
  assert_int_equal(vg_task_trigger_max_gap(&t), 4 * 86400000ll);
}

static void every_third_day(void **st) {
  const vg_time_zone_t *tz = zone_utc();
  vg_task_trigger_t t = trig(2, "2025-11-01T21:30:00");
  (void)st;
  t.days_interval = 3;
  /* 1, 4, ... 22, 25 November */
  expect_next(&t, tz, utc(2025, 11, 24, 16, 0), utc(2025, 11, 25, 21, 30));
  expect_next(&t, tz, utc(2025, 11, 22, 21, 30), utc(2025, 11, 25, 21, 30));
  expect_next(&t, tz, utc(2025, 11, 22, 21, 29), utc(2025, 11, 22, 21, 30));
  assert_int_equal(vg_task_trigger_max_gap(&t), 3 * 86400000ll);
}

static void repetition_and_end(void **st) {
  const vg_time_zone_t *tz = zone_utc();
  vg_task_trigger_t t = trig(1, "2025-11-24T08:00:00");
  int64_t at;
  (void)st;
  /* every hour without end: strictly after now */
  snprintf(t.repetition, sizeof(t.repetition), "PT1H");
  expect_next(&t, tz, utc(2025, 11, 24, 16, 0), utc(2025, 11, 24, 17, 0));
  assert_int_equal(vg_task_trigger_max_gap(&t), 3600000);
  /* daily 08:00, every 4 h for 12 h: 08, 12, 16 */
  t = trig(2, "2025-11-01T08:00:00");
  snprintf(t.repetition, sizeof(t.repetition), "PT4H");
  snprintf(t.rep_duration, sizeof(t.rep_duration), "PT12H");
  expect_next(&t, tz, utc(2025, 11, 24, 11, 0), utc(2025, 11, 24, 12, 0));
  expect_next(&t, tz, utc(2025, 11, 24, 16, 30), utc(2025, 11, 25, 8, 0));
  /* past its end boundary: no run */
  t = trig(2, "2025-11-01T21:30:00");
  snprintf(t.end, sizeof(t.end), "2025-11-20T00:00:00");
  assert_int_equal(vg_task_trigger_next(&t, utc(2025, 11, 24, 16, 0), tz, &at),
                   VG_ENOENT);
  expect_next(&t, tz, utc(2025, 11, 18, 0, 0), utc(2025, 11, 18, 21, 30));
  /* kinds without a schedule of their own; an unreadable start */
  t = trig(8, "2025-11-01T21:30:00");
  assert_int_equal(vg_task_trigger_next(&t, utc(2025, 11, 24, 16, 0), tz, &at),
                   VG_ENOENT);
  t = trig(2, "soon");
  assert_int_equal(vg_task_trigger_next(&t, utc(2025, 11, 24, 16, 0), tz, &at),
                   VG_EINVAL);
}

/* ---- the task definition file ----------------------------------------- */

static const char task_xml_text[] =
    "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
    "<!-- written by the Task Scheduler -->\n"
    "<Task version=\"1.2\" "
    "xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\n"
    "  <Triggers>\n"
    "    <CalendarTrigger>\n"
    "      <StartBoundary>2025-01-05T22:00:00</StartBoundary>\n"
    "      <ScheduleByWeek><DaysOfWeek><Sunday /><Wednesday/></DaysOfWeek>"
    "<WeeksInterval>2</WeeksInterval></ScheduleByWeek>\n"
    "    </CalendarTrigger>\n"
    "    <CalendarTrigger>\n"
    "      <StartBoundary>2025-01-01T02:30:00</StartBoundary>\n"
    "      <EndBoundary>2026-01-01T00:00:00</EndBoundary>\n"
    "      <Enabled>false</Enabled>\n"
    "      <Repetition><Interval>PT1H</Interval><Duration>PT4H</Duration>"
    "</Repetition>\n"
    "      <ScheduleByDay><DaysInterval>3</DaysInterval></ScheduleByDay>\n"
    "    </CalendarTrigger>\n"
    "    <BootTrigger><Enabled>true</Enabled></BootTrigger>\n"
    "    <TimeTrigger><StartBoundary>2025-12-01T21:30:00Z</StartBoundary>"
    "</TimeTrigger>\n"
    "  </Triggers>\n"
    "  <Settings><MultipleInstancesPolicy>Parallel</MultipleInstancesPolicy>"
    "<IdleSettings><Enabled>false</Enabled></IdleSettings>"
    "<Enabled>true</Enabled></Settings>\n"
    "</Task>\n";

/* The text as UTF-16LE with a BOM, as the Task Scheduler writes it. */
static char *utf16le(const char *s, size_t *len) {
  size_t n = strlen(s), i;
  char *out = malloc(2 * n + 2);
  out[0] = (char)0xFF;
  out[1] = (char)0xFE;
  for (i = 0; i < n; i++) {
    out[2 + 2 * i] = s[i];
    out[3 + 2 * i] = 0;
  }
  *len = 2 * n + 2;
  return out;
}

static void task_xml_reads_triggers_and_settings(void **st) {
  vg_task_xml_t x;
  size_t len;
  char *w = utf16le(task_xml_text, &len);
  (void)st;
  assert_int_equal(vg_task_xml_parse(w, len, &x), 0);
  assert_int_equal(x.ntriggers, 4);
  assert_int_equal(x.total, 4);
  assert_int_equal(x.triggers[0].type, 3);
  assert_int_equal(x.triggers[0].enabled, 1);
  assert_int_equal(x.triggers[0].weeks_interval, 2);
  assert_int_equal(x.triggers[0].days_of_week, 0x09);
  assert_string_equal(x.triggers[0].start, "2025-01-05T22:00:00");
  assert_int_equal(x.triggers[1].type, 2);
  assert_int_equal(x.triggers[1].enabled, 0);
  assert_int_equal(x.triggers[1].days_interval, 3);
  assert_string_equal(x.triggers[1].repetition, "PT1H");
  assert_string_equal(x.triggers[1].rep_duration, "PT4H");
  assert_string_equal(x.triggers[1].end, "2026-01-01T00:00:00");
  assert_int_equal(x.triggers[2].type, 8);
  assert_int_equal(x.triggers[3].type, 1);
  assert_string_equal(x.triggers[3].start, "2025-12-01T21:30:00Z");
  assert_int_equal(x.multiple_instances, 0);
  assert_int_equal(x.enabled, 1);
  free(w);
  /* UTF-8 reads the same; no <Task> is malformed; too big is refused */
  assert_int_equal(vg_task_xml_parse(task_xml_text, strlen(task_xml_text), &x),
                   0);
  assert_int_equal(x.ntriggers, 4);
  assert_int_equal(vg_task_xml_parse("<Job/>", 6, &x), VG_EPARSE);
  assert_int_equal(vg_task_xml_parse("", 0, &x), VG_EPARSE);
  assert_int_equal(vg_task_xml_parse("<Task", VG_TASK_XML_MAX + 1, &x),
                   VG_ETOOBIG);
  /* defaults: DaysInterval 1, no settings */
  {
    const char *d = "<Task><Triggers><CalendarTrigger><ScheduleByDay/>"
                    "</CalendarTrigger></Triggers></Task>";
    assert_int_equal(vg_task_xml_parse(d, strlen(d), &x), 0);
  }
  assert_int_equal(x.triggers[0].type, 2);
  assert_int_equal(x.triggers[0].days_interval, 1);
  assert_int_equal(x.multiple_instances, -1);
}

static void text_from_utf16_tail(void **st) {
  char out[64];
  const char tail[] = "b\0c\0d\0\r\0\n\0e\0f\0g\0h\0"; /* odd start */
  (void)st;
  assert_int_equal(vg_text_utf8(tail + 1, sizeof(tail) - 2, out, sizeof(out)),
                   8);
  assert_string_equal(out, "cd\r\nefgh");
  assert_int_equal(vg_text_utf8("\xEF\xBB\xBFok\xFF", 6, out, sizeof(out)), 3);
  assert_string_equal(out, "ok?");
  assert_int_equal(vg_text_utf8("abcdef", 6, out, 4), 3);
  assert_string_equal(out, "abc");
}

/* ---- task.schedule on a fake machine ---------------------------------- */

typedef pk_run_t run_t;

/* task.schedule collected and evaluated on f at f's clock (probe_kit). */
static void run(fake_os_t *f, run_t *r) {
  r->now = f->now_ms;
  pk_run(r, &f->os, "task.schedule");
  assert_int_equal(r->rc, 0);
}

static void run_done(run_t *r) { pk_run_free(r); }

static void machine(fake_os_t *f, run_t *r) {
  fake_os_init(f);
  pk_run_init(r);
  fake_reg_sz(f, VG_MARS_SETUP_KEY, "InstallPath",
              "C:\\Program Files\\Microsoft Azure Recovery Services Agent");
}

static const char daily_xml[] =
    "<?xml version=\"1.0\"?><Task><Triggers><CalendarTrigger>"
    "<StartBoundary>2025-03-01T02:30:00</StartBoundary>"
    "<ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay>"
    "</CalendarTrigger></Triggers><Settings><MultipleInstancesPolicy>"
    "IgnoreNew</MultipleInstancesPolicy></Settings></Task>";

/* What Wine does: no NextRunTime, no trigger collection. The triggers
 * come from the task's file and the next backup is computed, on the
 * night clocks go forward in Berlin. */
static void next_backup_from_the_task_file(void **st) {
  fake_os_t f;
  run_t r;
  vg_task_info_t *t;
  size_t len;
  char *w = utf16le(daily_xml, &len);
  (void)st;
  machine(&f, &r);
  vg_tz_set_berlin(&f.tz);
  f.now_ms = utc(2025, 3, 29, 12, 0);
  t = fake_task(&f, TASK);
  t->next_run_hr = 0x80004001u;
  t->triggers_hr = 0x80004001u;
  t->ntriggers = 0;
  t->last_run_ms = utc(2025, 3, 29, 1, 30);
  fake_content(&f, TASK_FILE, w, len, 0);
  run(&f, &r);
  assert_string_equal(vg_facts_get_str(&r.facts, "triggers_source"),
                      "task file");
  assert_string_equal(vg_facts_get_str(&r.facts, "trigger_kinds"), "daily");
  assert_int_equal(vg_facts_int_or(&r.facts, "next_backup_ms", 0),
                   utc(2025, 3, 30, 1, 30));
  assert_string_equal(vg_facts_get_str(&r.facts, "next_backup"),
                      "2025-03-30T01:30:00Z");
  assert_string_equal(vg_facts_get_str(&r.facts, "next_backup_source"),
                      "triggers");
  assert_string_equal(vg_facts_get_str(&r.facts, "next_backup_task"), TASK);
  assert_contains(vg_facts_get_str(&r.facts, "time_zone"), "UTC+01:00");
  assert_int_equal(r.out.status, VG_ST_OK);
  assert_contains(r.out.summary,
                  "next backup 2025-03-30T01:30:00Z (from the triggers)");
  run_done(&r);

  /* a file without triggers (Wine stores tasks so) is not the truth */
  {
    static const char wine_xml[] =
        "<!-- Task definition created by Wine -->\n<Task version=\"1.2\">"
        "<Triggers/><Settings><Enabled>true</Enabled></Settings></Task>";
    f.contents[0].data = wine_xml;
    f.contents[0].len = strlen(wine_xml);
    vg_config_init(&r.cfg);
    run(&f, &r);
    assert_null(vg_facts_find(&r.facts, "next_backup_ms"));
    assert_contains(vg_facts_get_str(&r.facts, "task_file_error"),
                    "lists no triggers");
    assert_int_equal(r.out.status, VG_ST_UNKNOWN);
    assert_contains(r.out.summary, "triggers");
    run_done(&r);
  }

  /* no file either: the old answer, unknown with the reason */
  f.ncontents = 0;
  f.nfiles = 0;
  vg_config_init(&r.cfg);
  run(&f, &r);
  assert_null(vg_facts_find(&r.facts, "next_backup_ms"));
  assert_non_null(vg_facts_get_str(&r.facts, "next_backup_error"));
  assert_int_equal(r.out.status, VG_ST_UNKNOWN);
  assert_contains(r.out.summary, "next run time");
  run_done(&r);
  free(w);
}

/* Every task of the folder: the earliest next backup among the enabled
 * ones, MultipleInstances of each. */
static void several_tasks_earliest_wins(void **st) {
  fake_os_t f;
  run_t r;
  vg_task_info_t *t;
  (void)st;
  machine(&f, &r);
  fake_task(&f, TASK); /* NextRunTime 2025-11-24T22:00:00Z */
  t = fake_task_add(&f, TASK "-SystemState");
  t->next_run_hr = 0x80004001u; /* computed: daily 20:00 */
  t->triggers[0] = trig(2, "2025-01-01T20:00:00");
  t = fake_task_add(&f, "\\Microsoft\\OnlineBackup\\Paused");
  t->enabled = 0; /* disabled: its earlier run does not count */
  t->next_run_ms = utc(2025, 11, 24, 17, 0);
  t->multiple_instances = 0; /* Parallel */
  run(&f, &r);
  assert_int_equal(vg_facts_int_or(&r.facts, "tasks", 0), 3);
  assert_int_equal(vg_facts_int_or(&r.facts, "next_backup_ms", 0),
                   utc(2025, 11, 24, 20, 0));
  assert_string_equal(vg_facts_get_str(&r.facts, "next_backup_task"),
                      TASK "-SystemState");
  assert_string_equal(vg_facts_get_str(&r.facts, "next_backup_source"),
                      "triggers");
  assert_string_equal(vg_facts_get_str(&r.facts, "other_tasks"),
                      "Microsoft-OnlineBackup-SystemState (enabled); Paused "
                      "(disabled)");
  assert_string_equal(vg_facts_get_str(&r.facts, "other_instances"),
                      "Paused is Parallel");
  assert_int_equal(r.out.status, VG_ST_WARN);
  assert_contains(r.out.summary,
                  "MultipleInstances of Paused is Parallel (expected "
                  "IgnoreNew)");
  run_done(&r);

  /* the Task Scheduler's own answer wins when it is earlier */
  f.more_tasks[0].info.triggers[0] = trig(2, "2025-01-01T23:00:00");
  f.more_tasks[1].info.multiple_instances = 2;
  vg_config_init(&r.cfg);
  run(&f, &r);
  assert_int_equal(vg_facts_int_or(&r.facts, "next_backup_ms", 0),
                   utc(2025, 11, 24, 22, 0));
  assert_string_equal(vg_facts_get_str(&r.facts, "next_backup_source"), "task");
  assert_string_equal(vg_facts_get_str(&r.facts, "next_backup_task"), TASK);
  assert_int_equal(r.out.status, VG_ST_OK);
  run_done(&r);

  /* a NextRunTime in the past is not the next backup: computed instead */
  f.task.next_run_ms = utc(2025, 11, 23, 22, 0);
  f.more_tasks[0].info.enabled = 0;
  vg_config_init(&r.cfg);
  run(&f, &r);
  assert_int_equal(vg_facts_int_or(&r.facts, "next_backup_ms", 0),
                   utc(2025, 11, 30, 22, 0));
  assert_string_equal(vg_facts_get_str(&r.facts, "next_backup_source"),
                      "triggers");
  run_done(&r);

  /* the Task Scheduler cannot list the folder (Wine: E_NOTIMPL): its
   * definition files name the tasks */
  f.task_list_rc = VG_ENOTSUP;
  f.task_list_hr = 0x80004001u;
  strcpy(f.task_list_call, "ITaskFolder::GetTasks");
  f.more_tasks[0].info.enabled = 1;
  fake_file(&f, "C:\\Windows\\System32\\Tasks\\Microsoft\\OnlineBackup",
            VG_FA_DIRECTORY);
  fake_file(&f, TASK_FILE, 0);
  fake_file(&f, TASK_FILE "-SystemState", 0);
  vg_config_init(&r.cfg);
  run(&f, &r);
  assert_string_equal(vg_facts_get_str(&r.facts, "tasks_source"), "task files");
  assert_int_equal(vg_facts_int_or(&r.facts, "tasks", 0), 2);
  assert_int_equal(vg_facts_int_or(&r.facts, "next_backup_ms", 0),
                   utc(2025, 11, 24, 23, 0));
  run_done(&r);
  f.nfiles = 0;

  /* the folder cannot be listed: the main task still gives the answer */
  f.task.next_run_ms = utc(2025, 11, 24, 22, 0);
  f.task_list_rc = VG_EACCES;
  f.task_list_hr = 0x80070005u;
  strcpy(f.task_list_call, "ITaskFolder::GetTasks");
  vg_config_init(&r.cfg);
  run(&f, &r);
  assert_contains(vg_facts_get_str(&r.facts, "tasks_error"),
                  "ITaskFolder::GetTasks: 0x80070005 E_ACCESSDENIED");
  assert_int_equal(vg_facts_int_or(&r.facts, "next_backup_ms", 0),
                   utc(2025, 11, 24, 22, 0));
  run_done(&r);
}

/* Windows Server Backup's task within an hour of a MARS run: warn. */
static void windows_server_backup_overlap(void **st) {
  fake_os_t f;
  run_t r;
  vg_task_info_t *t;
  (void)st;
  machine(&f, &r);
  fake_task(&f, TASK)->triggers[0].days_of_week = 0x01; /* Sun 22:00 */
  t = fake_task_add(&f, WSB_TASK);
  t->triggers[0] = trig(2, "2025-06-01T21:30:00");
  run(&f, &r);
  assert_int_equal(vg_facts_int_or(&r.facts, "wsb_tasks", -1), 1);
  assert_string_equal(
      vg_facts_get_str(&r.facts, "wsb_overlap"),
      "\\Microsoft\\Windows\\Backup\\Microsoft-Windows-WindowsBackup runs at "
      "2025-11-30T21:30:00Z, 30 min from the MARS backup at "
      "2025-11-30T22:00:00Z");
  assert_int_equal(r.out.status, VG_ST_WARN);
  assert_contains(r.out.summary, "Windows Server Backup's task");
  assert_contains(r.out.remedy, "more than an hour apart");
  assert_string_equal(r.out.predicts[0], "another job was in progress");
  run_done(&r);

  /* an hour and a half apart: fine; a disabled WSB task: fine */
  f.more_tasks[0].info.triggers[0] = trig(2, "2025-06-01T20:30:00");
  vg_config_init(&r.cfg);
  run(&f, &r);
  assert_int_equal(vg_facts_find(&r.facts, "wsb_overlap")->type, VG_FACT_NULL);
  assert_int_equal(r.out.status, VG_ST_OK);
  run_done(&r);
  f.more_tasks[0].info.triggers[0] = trig(2, "2025-06-01T22:10:00");
  f.more_tasks[0].info.enabled = 0;
  vg_config_init(&r.cfg);
  run(&f, &r);
  assert_int_equal(r.out.status, VG_ST_OK);
  run_done(&r);

  /* no Windows Server Backup at all */
  f.nmore_tasks = 0;
  vg_config_init(&r.cfg);
  run(&f, &r);
  assert_int_equal(vg_facts_int_or(&r.facts, "wsb_tasks", -1), 0);
  assert_int_equal(r.out.status, VG_ST_OK);
  run_done(&r);
}

static void task_schedule_new_fixtures(void **st) {
  (void)st;
  assert_true(run_fixtures(vg_probe_find("task.schedule")) >= 24);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(tz_berlin_changes_and_conversions),
      cmocka_unit_test(tz_southern_and_fixed_dates),
      cmocka_unit_test(tz_rules_of_this_system),
      cmocka_unit_test(boundaries_parse),
      cmocka_unit_test(daily_across_dst_nights),
      cmocka_unit_test(a_disabled_trigger_is_skipped),
      cmocka_unit_test(a_start_boundary_ahead),
      cmocka_unit_test(weekly_every_second_week),
      cmocka_unit_test(every_third_day),
      cmocka_unit_test(repetition_and_end),
      cmocka_unit_test(task_xml_reads_triggers_and_settings),
      cmocka_unit_test(text_from_utf16_tail),
      cmocka_unit_test(next_backup_from_the_task_file),
      cmocka_unit_test(several_tasks_earliest_wins),
      cmocka_unit_test(windows_server_backup_overlap),
      cmocka_unit_test(task_schedule_new_fixtures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
