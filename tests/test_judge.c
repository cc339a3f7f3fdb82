/* test_judge.c: the judging step with a fake clock (times are arguments):
 * hits before raising, the forecast horizon, reminders, flood control's
 * probe number, and the next backup's verdict from findings and
 * forecasts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "judge.h"
#include "vg.h"

#define MIN (60 * 1000LL)
#define HOUR (60 * MIN)
#define T0 1764000000000LL

static vg_finding_t finding(vg_status_t st) {
  vg_finding_t f;
  memset(&f, 0, sizeof(f));
  f.status = st;
  vg_strlcpy(f.summary, "s", sizeof(f.summary));
  return f;
}

static int say_forecast(const vg_facts_t *facts, const vg_eval_params_t *p,
                        vg_finding_t *out) {
  (void)facts, (void)p;
  vg_strlcpy(out->summary, "forecast to run out", sizeof(out->summary));
  return 1;
}

static const vg_probe_t backup_probe = {.id = "test.backup",
                                        .number = 5,
                                        .scope = VG_SCOPE_BACKUP,
                                        .forecast_warn = say_forecast};
static const vg_probe_t restore_probe = {
    .id = "test.restore", .number = 9, .scope = VG_SCOPE_RESTORE};
static const vg_probe_t *const probes[] = {&backup_probe, &restore_probe};

static vg_settings_t settings(int64_t hits, int64_t reminder_ms) {
  vg_settings_t s;
  memset(&s, 0, sizeof(s));
  s.raise_hits = hits;
  s.reminder_interval_ms = reminder_ms;
  s.flap_window_ms = 15 * MIN;
  s.flap_max = 4;
  return s;
}

static void hits_before_raising(void **st) {
  vg_settings_t s = settings(3, 0);
  vg_judge_t j;
  vg_finding_t crit = finding(VG_ST_CRIT), ok = finding(VG_ST_OK);
  (void)st;
  assert_int_equal(vg_judge_init(&j, probes, 2, &s), 0);
  /* The first finding always applies. */
  assert_true(vg_judge_confirm(&j, 0, 0, VG_ST_NA, &ok));
  /* crit is raised only on the third crit in a row... */
  assert_false(vg_judge_confirm(&j, 0, 1, VG_ST_OK, &crit));
  assert_false(vg_judge_confirm(&j, 0, 1, VG_ST_OK, &crit));
  assert_true(vg_judge_confirm(&j, 0, 1, VG_ST_OK, &crit));
  /* ...an ok in between starts the count again, and clearing is at once. */
  assert_false(vg_judge_confirm(&j, 0, 1, VG_ST_OK, &crit));
  assert_true(vg_judge_confirm(&j, 0, 1, VG_ST_OK, &ok));
  assert_false(vg_judge_confirm(&j, 0, 1, VG_ST_OK, &crit));
  assert_true(vg_judge_confirm(&j, 0, 1, VG_ST_CRIT, &ok));
  vg_judge_free(&j);
}

static void forecast_horizon(void **st) {
  vg_finding_t f = finding(VG_ST_OK);
  vg_forecast_t fc;
  vg_eval_params_t ep;
  (void)st;
  memset(&fc, 0, sizeof(fc));
  memset(&ep, 0, sizeof(ep));
  fc.valid = 1;
  fc.eta_ms = T0 + 48 * HOUR;
  ep.now_ms = T0;
  ep.forecast = &fc;
  /* Beyond a 24 h horizon: unchanged. */
  assert_false(vg_judge_forecast(&backup_probe, NULL, &ep, 24 * HOUR, &f));
  assert_int_equal(f.status, VG_ST_OK);
  /* Within 72 h: a warning in the probe's words. */
  assert_true(vg_judge_forecast(&backup_probe, NULL, &ep, 72 * HOUR, &f));
  assert_int_equal(f.status, VG_ST_WARN);
  assert_string_equal(f.summary, "forecast to run out");
  /* Already crit: the forecast adds nothing; horizon 0 never warns. */
  f = finding(VG_ST_CRIT);
  assert_false(vg_judge_forecast(&backup_probe, NULL, &ep, 72 * HOUR, &f));
  f = finding(VG_ST_OK);
  assert_false(vg_judge_forecast(&backup_probe, NULL, &ep, 0, &f));
  /* A probe without words for it is never warned on a forecast. */
  assert_false(vg_judge_forecast(&restore_probe, NULL, &ep, 72 * HOUR, &f));
}

static void reminders_and_numbers(void **st) {
  vg_settings_t s = settings(1, 24 * HOUR);
  vg_judge_t j;
  vg_finding_t crit = finding(VG_ST_CRIT);
  vg_alert_t al;
  (void)st;
  assert_int_equal(vg_judge_init(&j, probes, 2, &s), 0);
  assert_true(vg_judge_alert(&j, 0, VG_ST_OK, T0 - HOUR, &crit, T0, &al));
  assert_int_equal(al.kind, VG_ALERT_RAISED_CRIT);
  assert_int_equal(al.number, 5);
  /* Not before 24 h... */
  assert_false(vg_judge_remind(&j, 0, &crit, T0, T0 + 23 * HOUR, &al));
  /* ...then once, and again 24 h later. */
  assert_true(vg_judge_remind(&j, 0, &crit, T0, T0 + 24 * HOUR, &al));
  assert_int_equal(al.kind, VG_ALERT_REMINDER);
  assert_int_equal(al.span_ms, 24 * HOUR);
  assert_false(vg_judge_remind(&j, 0, &crit, T0, T0 + 30 * HOUR, &al));
  assert_true(vg_judge_remind(&j, 0, &crit, T0, T0 + 48 * HOUR, &al));
  /* ok is never reminded. */
  crit = finding(VG_ST_OK);
  assert_false(vg_judge_remind(&j, 0, &crit, T0, T0 + 96 * HOUR, &al));
  vg_judge_free(&j);
}

static void verdict_from_findings_and_forecasts(void **st) {
  vg_verdict_in_t in[2];
  vg_forecast_t fc;
  size_t blocking[VG_BLOCKING_MAX], nb;
  int64_t at = T0 + 3 * HOUR;
  (void)st;
  memset(in, 0, sizeof(in));
  memset(&fc, 0, sizeof(fc));
  in[0].probe = &backup_probe;
  in[0].has_finding = 1;
  in[0].status = VG_ST_OK;
  in[1].probe = &restore_probe;
  in[1].has_finding = 1;
  in[1].status = VG_ST_CRIT;
  /* A restore-scope crit does not fail the backup. */
  assert_int_equal(vg_judge_verdict(in, 2, at, blocking, &nb),
                   VG_VERDICT_READY);
  assert_int_equal(nb, 0);
  /* Forecast to reach crit before the backup: will fail. */
  fc.valid = 1;
  fc.eta_ms = T0 + 2 * HOUR;
  in[0].forecast = &fc;
  assert_int_equal(vg_judge_verdict(in, 2, at, blocking, &nb),
                   VG_VERDICT_WILL_FAIL);
  assert_int_equal(nb, 1);
  assert_int_equal(blocking[0], 0);
  /* ...but after it: ready. */
  fc.eta_ms = T0 + 4 * HOUR;
  assert_int_equal(vg_judge_verdict(in, 2, at, blocking, &nb),
                   VG_VERDICT_READY);
  /* warn or unknown: at risk; not checked yet counts as unknown. */
  in[0].status = VG_ST_WARN;
  assert_int_equal(vg_judge_verdict(in, 2, at, blocking, &nb),
                   VG_VERDICT_AT_RISK);
  in[0].has_finding = 0;
  assert_int_equal(vg_judge_verdict(in, 2, at, blocking, &nb),
                   VG_VERDICT_AT_RISK);
  in[0].has_finding = 1;
  in[0].status = VG_ST_CRIT;
  assert_int_equal(vg_judge_verdict(in, 2, at, blocking, &nb),
                   VG_VERDICT_WILL_FAIL);
  {
    vg_verdict_t v;
    assert_string_equal(vg_verdict_name(VG_VERDICT_WILL_FAIL), "will_fail");
    assert_int_equal(vg_verdict_parse("at_risk", &v), 0);
    assert_int_equal(v, VG_VERDICT_AT_RISK);
    assert_int_equal(vg_verdict_parse("soon", &v), VG_EINVAL);
  }
}

/* A missing scratch folder: scratch.config is crit; the KEK probe's crit
 * is lowered and points at scratch.config instead of its own fix. */
static void explained_by_another_probe(void **st) {
  vg_finding_t f = finding(VG_ST_CRIT);
  (void)st;
  vg_strlcpy(f.remedy, "Upgrade the agent", sizeof(f.remedy));
  vg_finding_predict(&f, "0x1FC07");
  vg_strlcpy(f.explained_by, "scratch.config", sizeof(f.explained_by));
  /* The explainer is fine: the finding stands. */
  assert_false(vg_judge_explained(&f, "scratch.config", VG_ST_OK));
  assert_int_equal(f.status, VG_ST_CRIT);
  /* Another probe raised: not the explainer. */
  assert_false(vg_judge_explained(&f, "mars.engine", VG_ST_CRIT));
  assert_true(vg_judge_explained(&f, "scratch.config", VG_ST_CRIT));
  assert_int_equal(f.status, VG_ST_WARN);
  assert_non_null(strstr(f.summary, "explained by scratch.config (crit)"));
  assert_non_null(strstr(f.remedy, "Fix scratch.config first"));
  assert_null(strstr(f.remedy, "Upgrade"));
  assert_int_equal(f.npredicts, 0);
  /* Judged once: a second pass changes nothing. */
  assert_false(vg_judge_explained(&f, "scratch.config", VG_ST_CRIT));
  /* An unknown stays unknown but loses its own fix. */
  f = finding(VG_ST_UNKNOWN);
  vg_strlcpy(f.remedy, "move the cache to a plain NTFS folder",
             sizeof(f.remedy));
  vg_strlcpy(f.explained_by, "scratch.config", sizeof(f.explained_by));
  assert_true(vg_judge_explained(&f, "scratch.config", VG_ST_CRIT));
  assert_int_equal(f.status, VG_ST_UNKNOWN);
  assert_null(strstr(f.remedy, "NTFS"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(hits_before_raising),
      cmocka_unit_test(forecast_horizon),
      cmocka_unit_test(reminders_and_numbers),
      cmocka_unit_test(verdict_from_findings_and_forecasts),
      cmocka_unit_test(explained_by_another_probe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
