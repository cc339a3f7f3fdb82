/* test_alerts.c: which state changes reach the Event Log, and flood
 * control - a flapping probe writes a handful of events, then one summary
 * when it settles. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "alerts.h"
#include "vg.h"

#define MIN (60 * 1000LL)

static vg_finding_t finding(vg_status_t st, const char *summary) {
  vg_finding_t f;
  memset(&f, 0, sizeof(f));
  f.status = st;
  vg_strlcpy(f.summary, summary, sizeof(f.summary));
  return f;
}

/* Feeds a change old -> st at now; returns the alert kind (NONE when not
 * reported). */
static vg_alert_kind_t feed(vg_alerts_t *al, vg_status_t old, vg_status_t st,
                            int64_t since, int64_t now) {
  vg_finding_t f = finding(st, "s");
  vg_alert_t a;
  int r = vg_alerts_change(al, 0, "scratch.space", old, since, &f, now, &a);
  return r ? a.kind : VG_ALERT_NONE;
}

static void transition_table(void **st) {
  (void)st;
  assert_int_equal(vg_alert_kind_for(VG_ST_OK, VG_ST_WARN),
                   VG_ALERT_RAISED_WARN);
  assert_int_equal(vg_alert_kind_for(VG_ST_CRIT, VG_ST_WARN),
                   VG_ALERT_RAISED_WARN);
  assert_int_equal(vg_alert_kind_for(VG_ST_WARN, VG_ST_CRIT),
                   VG_ALERT_RAISED_CRIT);
  assert_int_equal(vg_alert_kind_for(VG_ST_NA, VG_ST_CRIT),
                   VG_ALERT_RAISED_CRIT);
  assert_int_equal(vg_alert_kind_for(VG_ST_OK, VG_ST_UNKNOWN),
                   VG_ALERT_UNKNOWN);
  assert_int_equal(vg_alert_kind_for(VG_ST_WARN, VG_ST_OK), VG_ALERT_CLEARED);
  assert_int_equal(vg_alert_kind_for(VG_ST_CRIT, VG_ST_NA), VG_ALERT_CLEARED);
  assert_int_equal(vg_alert_kind_for(VG_ST_UNKNOWN, VG_ST_OK),
                   VG_ALERT_CLEARED);
  /* Healthy <-> does not apply, and the first ok after start: silent. */
  assert_int_equal(vg_alert_kind_for(VG_ST_OK, VG_ST_NA), VG_ALERT_NONE);
  assert_int_equal(vg_alert_kind_for(VG_ST_NA, VG_ST_OK), VG_ALERT_NONE);
}

static void raise_and_clear_carry_previous_state(void **st) {
  vg_alerts_t al;
  vg_finding_t f = finding(VG_ST_CRIT, "Scratch volume D: has 2% free");
  vg_alert_t a;
  (void)st;
  assert_int_equal(vg_alerts_init(&al, 3, 15 * MIN, 4), 0);
  assert_int_equal(vg_alerts_change(&al, 1, "scratch.space", VG_ST_OK, 0, &f,
                                    2 * 3600 * 1000LL, &a),
                   1);
  assert_int_equal(a.kind, VG_ALERT_RAISED_CRIT);
  assert_string_equal(a.probe_id, "scratch.space");
  assert_int_equal(a.old_status, VG_ST_OK);
  assert_int_equal(a.status, VG_ST_CRIT);
  assert_int_equal(a.span_ms, 2 * 3600 * 1000LL);
  assert_ptr_equal(a.finding, &f);
  f = finding(VG_ST_OK, "Scratch volume D: has 30% free");
  assert_int_equal(vg_alerts_change(&al, 1, "scratch.space", VG_ST_CRIT,
                                    2 * 3600 * 1000LL, &f,
                                    2 * 3600 * 1000LL + 5 * MIN, &a),
                   1);
  assert_int_equal(a.kind, VG_ALERT_CLEARED);
  assert_int_equal(a.span_ms, 5 * MIN);
  /* An index past the table is ignored, not a crash. */
  assert_int_equal(vg_alerts_change(&al, 7, "x", VG_ST_OK, 0, &f, 0, &a), 0);
  assert_int_equal(vg_alerts_next_settle(&al, 0), -1);
  vg_alerts_free(&al);
}

static void flapping_probe_writes_few_events_then_one_summary(void **st) {
  vg_alerts_t al;
  vg_finding_t f;
  vg_alert_t a;
  int64_t t = 1000 * MIN;
  int i, reported = 0, flapping = 0;
  vg_status_t cur = VG_ST_OK;
  (void)st;
  assert_int_equal(vg_alerts_init(&al, 1, 15 * MIN, 4), 0);
  /* 200 changes, one every 30 s: ok <-> warn. */
  for (i = 0; i < 200; i++) {
    vg_status_t next = cur == VG_ST_OK ? VG_ST_WARN : VG_ST_OK;
    vg_alert_kind_t k = feed(&al, cur, next, t - 30000, t);
    if (k == VG_ALERT_FLAPPING) flapping++;
    else if (k != VG_ALERT_NONE) reported++;
    cur = next;
    t += 30000;
  }
  t -= 30000; /* time of the last change */
  assert_int_equal(reported, 4);
  assert_int_equal(flapping, 1);
  /* Not settled while the window since the last change is running. */
  f = finding(cur, "s");
  assert_int_equal(vg_alerts_next_settle(&al, t + MIN), 14 * MIN);
  assert_int_equal(vg_alerts_settle(&al, 0, "scratch.space", &f,
                                    t + 15 * MIN - 1, &a),
                   0);
  /* Stable for a whole window: one summary with what was held. */
  assert_int_equal(
      vg_alerts_settle(&al, 0, "scratch.space", &f, t + 15 * MIN, &a), 1);
  assert_int_equal(a.kind, cur == VG_ST_OK ? VG_ALERT_SETTLED_OK
                                           : VG_ALERT_SETTLED_WARN);
  assert_int_equal(a.changes, 200 - 5);
  assert_int_equal(a.span_ms, (t + 15 * MIN) - (1000 * MIN + 4 * 30000));
  assert_int_equal(vg_alerts_next_settle(&al, t + 15 * MIN), -1);
  assert_int_equal(
      vg_alerts_settle(&al, 0, "scratch.space", &f, t + 30 * MIN, &a), 0);
  /* Afterwards changes are reported again. */
  assert_int_equal(feed(&al, cur, VG_ST_CRIT, t, t + 31 * MIN),
                   VG_ALERT_RAISED_CRIT);
  vg_alerts_free(&al);
}

static void flapping_event_says_how_many_and_window(void **st) {
  vg_alerts_t al;
  vg_finding_t f = finding(VG_ST_WARN, "w");
  vg_alert_t a;
  char ins[VG_ALERT_NINSERTS][VG_ALERT_INSERT_MAX];
  int i;
  (void)st;
  assert_int_equal(vg_alerts_init(&al, 1, 10 * MIN, 2), 0);
  assert_int_equal(feed(&al, VG_ST_OK, VG_ST_WARN, 0, MIN),
                   VG_ALERT_RAISED_WARN);
  assert_int_equal(feed(&al, VG_ST_WARN, VG_ST_OK, MIN, 2 * MIN),
                   VG_ALERT_CLEARED);
  assert_int_equal(vg_alerts_change(&al, 0, "scratch.space", VG_ST_OK,
                                    2 * MIN, &f, 3 * MIN, &a),
                   1);
  assert_int_equal(a.kind, VG_ALERT_FLAPPING);
  assert_int_equal(a.changes, 3);
  assert_int_equal(a.span_ms, 10 * MIN);
  vg_alert_inserts(&a, ins);
  assert_string_equal(ins[4], "3");
  assert_string_equal(ins[5], "10 min");
  /* Held: even ok <-> n/a counts as not settled yet. */
  for (i = 0; i < 5; i++)
    assert_int_equal(feed(&al, VG_ST_WARN, VG_ST_CRIT, 0, 4 * MIN),
                     VG_ALERT_NONE);
  assert_int_equal(feed(&al, VG_ST_OK, VG_ST_NA, 0, 5 * MIN), VG_ALERT_NONE);
  assert_int_equal(vg_alerts_next_settle(&al, 5 * MIN), 10 * MIN);
  vg_alerts_free(&al);
}

static void slow_changes_never_flap(void **st) {
  vg_alerts_t al;
  int64_t t = 0;
  int i;
  vg_status_t cur = VG_ST_OK;
  (void)st;
  assert_int_equal(vg_alerts_init(&al, 1, 15 * MIN, 4), 0);
  /* One change every 4 minutes: at most 4 in any 15-minute window. */
  for (i = 0; i < 50; i++) {
    vg_status_t next = cur == VG_ST_OK ? VG_ST_CRIT : VG_ST_OK;
    vg_alert_kind_t k = feed(&al, cur, next, t - 4 * MIN, t);
    assert_int_equal(k, next == VG_ST_CRIT ? VG_ALERT_RAISED_CRIT
                                           : VG_ALERT_CLEARED);
    cur = next;
    t += 4 * MIN;
  }
  vg_alerts_free(&al);
}

static void zero_window_disables_flood_control(void **st) {
  vg_alerts_t al;
  int i, n = 0;
  (void)st;
  assert_int_equal(vg_alerts_init(&al, 1, 0, 4), 0);
  for (i = 0; i < 100; i++)
    if (feed(&al, i % 2 ? VG_ST_WARN : VG_ST_OK,
             i % 2 ? VG_ST_OK : VG_ST_WARN, 0, i) != VG_ALERT_NONE)
      n++;
  assert_int_equal(n, 100);
  assert_int_equal(vg_alerts_next_settle(&al, 100), -1);
  vg_alerts_free(&al);
}

static void silent_transitions_do_not_count(void **st) {
  vg_alerts_t al;
  int i;
  (void)st;
  assert_int_equal(vg_alerts_init(&al, 1, 15 * MIN, 2), 0);
  for (i = 0; i < 20; i++)
    assert_int_equal(feed(&al, i % 2 ? VG_ST_NA : VG_ST_OK,
                          i % 2 ? VG_ST_OK : VG_ST_NA, 0, i * 1000),
                     VG_ALERT_NONE);
  assert_int_equal(feed(&al, VG_ST_OK, VG_ST_WARN, 0, 21000),
                   VG_ALERT_RAISED_WARN);
  vg_alerts_free(&al);
}

static void inserts_and_line(void **st) {
  vg_finding_t f = finding(VG_ST_CRIT, "Scratch volume D: has 2% free\n"
                                       "of the backup size");
  vg_alert_t a;
  char ins[VG_ALERT_NINSERTS][VG_ALERT_INSERT_MAX];
  char line[1024];
  (void)st;
  vg_strlcpy(f.remedy, "Free space on D:", sizeof(f.remedy));
  vg_strlcpy(f.predicts[0], "SalLowDiskSpace", sizeof(f.predicts[0]));
  vg_strlcpy(f.predicts[1], "0x1FC07", sizeof(f.predicts[1]));
  f.npredicts = 2;
  memset(&a, 0, sizeof(a));
  a.kind = VG_ALERT_RAISED_CRIT;
  a.probe_id = "scratch.space";
  a.status = VG_ST_CRIT;
  a.old_status = VG_ST_WARN;
  a.finding = &f;
  a.span_ms = 3 * 3600 * 1000LL + 5 * MIN;
  vg_alert_inserts(&a, ins);
  assert_string_equal(ins[0], "scratch.space");
  assert_string_equal(ins[1], "Scratch volume D: has 2% free of the backup "
                              "size");
  assert_string_equal(ins[2], "SalLowDiskSpace, 0x1FC07");
  assert_string_equal(ins[3], "Free space on D:");
  assert_string_equal(ins[4], "warn");
  assert_string_equal(ins[5], "3 h 5 min");
  assert_string_equal(
      vg_alert_line(&a, line, sizeof(line)),
      "scratch.space raised-crit: Scratch volume D: has 2% free of the "
      "backup size; predicts: SalLowDiskSpace, 0x1FC07; fix: Free space on "
      "D: (was warn for 3 h 5 min)");
  f = finding(VG_ST_OK, "fine");
  a.kind = VG_ALERT_SETTLED_OK;
  a.changes = 12;
  a.span_ms = 40 * MIN;
  vg_alert_inserts(&a, ins);
  assert_string_equal(ins[2], "none");
  assert_string_equal(ins[3], "no action needed");
  assert_string_equal(ins[4], "12");
  assert_string_equal(ins[5], "40 min");
  assert_string_equal(vg_alert_kind_name(VG_ALERT_SETTLED_OK), "settled-ok");
}

static void spans(void **st) {
  char b[32];
  (void)st;
  assert_string_equal(vg_fmt_span(b, sizeof(b), -5), "0 s");
  assert_string_equal(vg_fmt_span(b, sizeof(b), 59999), "59 s");
  assert_string_equal(vg_fmt_span(b, sizeof(b), 60000), "1 min");
  assert_string_equal(vg_fmt_span(b, sizeof(b), 3600 * 1000LL), "1 h");
  assert_string_equal(vg_fmt_span(b, sizeof(b), 86400 * 1000LL * 2 +
                                                    3600 * 1000LL * 4),
                      "2 d 4 h");
  assert_string_equal(vg_fmt_span(b, sizeof(b), 86400 * 1000LL), "1 d");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(transition_table),
      cmocka_unit_test(raise_and_clear_carry_previous_state),
      cmocka_unit_test(flapping_probe_writes_few_events_then_one_summary),
      cmocka_unit_test(flapping_event_says_how_many_and_window),
      cmocka_unit_test(slow_changes_never_flap),
      cmocka_unit_test(zero_window_disables_flood_control),
      cmocka_unit_test(silent_transitions_do_not_count),
      cmocka_unit_test(inserts_and_line),
      cmocka_unit_test(spans),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
