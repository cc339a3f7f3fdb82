/* test_eventlog.c: what the event sink writes - the per-probe id for every
 * probe and level (1000 + 10 x number + k), the pairing that lets a rule
 * close, and the ids, levels and inserts of 106-108, 110-113, 120, 121 -
 * each checked against messages.mc. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eventlog.h"
#include "events_doc.h"
#include "probe.h"
#include "vg.h"

#ifndef VG_SRCDIR
#error "VG_SRCDIR must name the source tree"
#endif

#define HOUR (3600 * 1000LL)

typedef struct seen_s {
  unsigned id;
  vg_ev_level_t level;
  size_t n;
  char ins[6][4096];
  char line[2048];
} seen_t;

static seen_t seen[16];
static size_t nseen;
static ed_msg_t mc[ED_MAX];
static int nmc;

static void observer(void *ud, unsigned id, vg_ev_level_t level,
                     const char *const *ins, size_t n, const char *line) {
  seen_t *s;
  size_t i;
  (void)ud;
  assert_true(nseen < 16);
  s = &seen[nseen++];
  s->id = id;
  s->level = level;
  s->n = n;
  for (i = 0; i < n && i < 6; i++)
    snprintf(s->ins[i], sizeof(s->ins[i]), "%s", ins[i]);
  snprintf(s->line, sizeof(s->line), "%s", line);
}

static const char *level_name(vg_ev_level_t l) {
  return l == VG_EV_ERROR     ? "Error"
         : l == VG_EV_WARNING ? "Warning"
                              : "Information";
}

/* Every event written exists in messages.mc with the level it was written
 * at. */
static void assert_in_table(const seen_t *s) {
  const ed_msg_t *m = ed_find(mc, (size_t)nmc, s->id);
  if (m == NULL) print_error("id %u written but not in messages.mc\n", s->id);
  assert_non_null(m);
  assert_string_equal(m->level, level_name(s->level));
}

static int setup(void **st) {
  (void)st;
  nmc = ed_load_mc(VG_SRCDIR, mc, ED_MAX);
  vg_events_observe(observer, NULL);
  return nmc > 0 ? 0 : -1;
}

static int reset(void **st) {
  (void)st;
  nseen = 0;
  return 0;
}

static vg_finding_t finding(vg_status_t s, const char *summary) {
  vg_finding_t f;
  memset(&f, 0, sizeof(f));
  f.status = s;
  vg_strlcpy(f.summary, summary, sizeof(f.summary));
  vg_strlcpy(f.remedy, "do this", sizeof(f.remedy));
  vg_finding_predict(&f, "0x1FC07");
  return f;
}

static vg_alert_t alert(vg_alert_kind_t kind, const char *id, vg_status_t old,
                        const vg_finding_t *f) {
  vg_alert_t a;
  memset(&a, 0, sizeof(a));
  a.kind = kind;
  a.probe_id = id;
  a.status = f->status;
  a.old_status = old;
  a.finding = f;
  a.span_ms = 2 * HOUR;
  return a;
}

/* ------------------------------------------------------------ per probe */

static void every_probe_and_level_has_its_id(void **st) {
  static const struct {
    vg_status_t from, to;
    unsigned k;
    const char *level;
  } steps[] = {{VG_ST_OK, VG_ST_WARN, 1, "Warning"},
               {VG_ST_WARN, VG_ST_CRIT, 2, "Error"},
               {VG_ST_CRIT, VG_ST_UNKNOWN, 3, "Warning"},
               {VG_ST_UNKNOWN, VG_ST_OK, 0, "Information"},
               {VG_ST_OK, VG_ST_CRIT, 2, "Error"},
               {VG_ST_CRIT, VG_ST_NA, 0, "Information"}};
  size_t i, j;
  (void)st;
  assert_true(vg_nprobes > 0);
  for (i = 0; i < vg_nprobes; i++) {
    const vg_probe_t *p = vg_probes[i];
    char name[64];
    snprintf(name, sizeof(name), "(%s)", p->id);
    for (j = 0; j < VG_ARRAY_SIZE(steps); j++) {
      vg_finding_t f = finding(steps[j].to, "measured");
      vg_alert_t a = alert(vg_alert_kind_for(steps[j].from, steps[j].to), p->id,
                           steps[j].from, &f);
      unsigned want = 1000 + 10 * p->number + steps[j].k;
      const ed_msg_t *m;
      nseen = 0;
      vg_events_probe(&a, p->number);
      assert_int_equal(nseen, 1);
      assert_int_equal(seen[0].id, want);
      assert_int_equal(vg_events_alert_id(&a, p->number), want);
      assert_int_equal(vg_events_probe_id(p->number, steps[j].to), want);
      assert_string_equal(level_name(seen[0].level), steps[j].level);
      assert_int_equal(seen[0].n, 6);
      assert_string_equal(seen[0].ins[0], p->id);
      assert_string_equal(seen[0].ins[1], "measured");
      assert_string_equal(seen[0].ins[2], "0x1FC07");
      assert_string_equal(seen[0].ins[3], "do this");
      assert_string_equal(seen[0].ins[4], vg_status_name(steps[j].from));
      assert_string_equal(seen[0].ins[5], "2 h");
      assert_in_table(&seen[0]);
      /* Its own text names the probe. */
      m = ed_find(mc, (size_t)nmc, want);
      assert_non_null(strstr(m->text, name));
    }
  }
}

static void full_message_ids_carry_the_level(void **st) {
  (void)st;
  assert_int_equal(vg_events_probe_id(6, VG_ST_CRIT), 1062);
  assert_int_equal(vg_events_probe_msgid(6, VG_ST_CRIT), 0xC0000000u | 1062);
  assert_int_equal(vg_events_probe_msgid(6, VG_ST_WARN), 0x80000000u | 1061);
  assert_int_equal(vg_events_probe_msgid(6, VG_ST_UNKNOWN), 0x80000000u | 1063);
  assert_int_equal(vg_events_probe_msgid(6, VG_ST_OK), 0x40000000u | 1060);
  assert_int_equal(vg_events_probe_msgid(6, VG_ST_NA), 0x40000000u | 1060);
  assert_int_equal(vg_events_probe_id(22, VG_ST_UNKNOWN), 1223);
  assert_int_equal(vg_events_probe_id(0, VG_ST_CRIT), 0);
  assert_int_equal(vg_events_probe_id(100, VG_ST_CRIT), 0);
}

static void a_probe_without_number_keeps_the_generic_ids(void **st) {
  vg_finding_t f = finding(VG_ST_CRIT, "x");
  vg_alert_t a = alert(VG_ALERT_RAISED_CRIT, "some.probe", VG_ST_OK, &f);
  (void)st;
  vg_events_alert(&a); /* a.number == 0 */
  assert_int_equal(nseen, 1);
  assert_int_equal(seen[0].id, 201);
  assert_in_table(&seen[0]);
  a.number = 6; /* the field alerts.h carries */
  vg_events_alert(&a);
  assert_int_equal(seen[1].id, 1062);
}

/* Flood control holds changes; the settle writes the generic summary and,
 * when the level differs from the probe's last per-probe event, that
 * event too, so a rule opened on 1062 closes. */
static void settling_keeps_per_probe_pairs_closed(void **st) {
  vg_finding_t crit = finding(VG_ST_CRIT, "missing");
  vg_finding_t ok = finding(VG_ST_OK, "present");
  vg_alert_t a;
  (void)st;
  a = alert(VG_ALERT_RAISED_CRIT, "scratch.kek", VG_ST_OK, &crit);
  vg_events_probe(&a, 6);
  a = alert(VG_ALERT_FLAPPING, "scratch.kek", VG_ST_CRIT, &ok);
  a.changes = 5;
  a.span_ms = HOUR / 4;
  vg_events_probe(&a, 6);
  a = alert(VG_ALERT_SETTLED_OK, "scratch.kek", VG_ST_OK, &ok);
  a.changes = 7;
  vg_events_probe(&a, 6);
  assert_int_equal(nseen, 4);
  assert_int_equal(seen[0].id, 1062);
  assert_int_equal(seen[1].id, 204);
  assert_string_equal(seen[1].ins[0], "scratch.kek");
  assert_string_equal(seen[1].ins[4], "5");
  assert_int_equal(seen[2].id, 205);
  assert_string_equal(seen[2].ins[4], "7");
  assert_int_equal(seen[3].id, 1060); /* closes the 1062 above */
  assert_string_equal(seen[3].ins[4], "crit");
  assert_in_table(&seen[3]);
  /* Settled at the level already written: the generic event only. */
  nseen = 0;
  a = alert(VG_ALERT_FLAPPING, "scratch.kek", VG_ST_OK, &ok);
  vg_events_probe(&a, 6);
  a = alert(VG_ALERT_SETTLED_OK, "scratch.kek", VG_ST_OK, &ok);
  vg_events_probe(&a, 6);
  assert_int_equal(nseen, 2);
  assert_int_equal(seen[1].id, 205);
}

/* ------------------------------------------------------------ service */

static void store_events(void **st) {
  (void)st;
  vg_events_store_failing("disk I/O error", 42);
  vg_events_store_recovered(42, 3 * HOUR);
  vg_events_records_dropped(17, NULL);
  assert_int_equal(nseen, 3);
  assert_int_equal(seen[0].id, 106);
  assert_int_equal(seen[0].level, VG_EV_WARNING);
  assert_string_equal(seen[0].ins[0], "disk I/O error");
  assert_string_equal(seen[0].ins[1], "42");
  assert_int_equal(seen[1].id, 107);
  assert_int_equal(seen[1].level, VG_EV_INFORMATION);
  assert_string_equal(seen[1].ins[0], "42");
  assert_string_equal(seen[1].ins[1], "3 h");
  assert_int_equal(seen[2].id, 108);
  assert_string_equal(seen[2].ins[0], "17");
  assert_true(strlen(seen[2].ins[1]) > 0);
  assert_in_table(&seen[0]);
  assert_in_table(&seen[1]);
  assert_in_table(&seen[2]);
}

static void lifecycle_ids_unchanged(void **st) {
  (void)st;
  vg_events_lifecycle(VG_EV_CONFIG, "bad line");
  vg_events_lifecycle(VG_EV_START_FAILED, "no");
  assert_int_equal(seen[0].id, 103);
  assert_int_equal(seen[0].level, VG_EV_WARNING);
  assert_string_equal(seen[0].ins[0], "bad line");
  assert_int_equal(seen[1].id, 105);
  assert_int_equal(seen[1].level, VG_EV_ERROR);
}

/* ------------------------------------------------------------ backup */

static const vg_ev_finding_t blockers[] = {
    {"scratch.space", VG_ST_WARN, "7% free", "Free space on D:"},
    {"scratch.kek", VG_ST_CRIT, "OnlineBackup.KEK is missing", "Re-register"},
};

static void preflight_verdicts(void **st) {
  vg_ev_preflight_t p;
  (void)st;
  memset(&p, 0, sizeof(p));
  p.backup_at_ms = 1795640400000LL; /* 2026-11-25T21:00:00Z */
  p.task = "\\Microsoft\\OnlineBackup\\Microsoft-OnlineBackup";
  p.lead_ms = HOUR / 2;
  p.verdict = "ready";
  vg_events_preflight(&p);
  p.verdict = "at_risk";
  p.blocking = blockers;
  p.nblocking = 1;
  vg_events_preflight(&p);
  p.verdict = "will_fail";
  p.nblocking = 2;
  vg_events_preflight(&p);
  p.verdict = "unknown";
  vg_events_preflight(&p);
  assert_int_equal(nseen, 4);
  assert_int_equal(seen[0].id, 110);
  assert_int_equal(seen[1].id, 111);
  assert_int_equal(seen[2].id, 112);
  assert_int_equal(seen[3].id, 111);
  assert_int_equal(seen[2].level, VG_EV_ERROR);
  assert_int_equal(seen[0].n, 5);
  assert_string_equal(seen[0].ins[0], "2026-11-25T21:00:00Z");
  assert_string_equal(seen[0].ins[1],
                      "\\Microsoft\\OnlineBackup\\Microsoft-OnlineBackup");
  assert_string_equal(seen[0].ins[2], "ready");
  assert_string_equal(seen[0].ins[3], "none");
  assert_string_equal(seen[0].ins[4], "30 min");
  /* Blocking probes worst first, one line each with the fix. */
  assert_string_equal(seen[2].ins[3],
                      "scratch.kek (crit): OnlineBackup.KEK is missing Fix: "
                      "Re-register\nscratch.space (warn): 7% free Fix: Free "
                      "space on D:");
  assert_in_table(&seen[0]);
  assert_in_table(&seen[1]);
  assert_in_table(&seen[2]);
}

static void outcome_against_verdict(void **st) {
  (void)st;
  vg_events_backup_outcome(1795640400000LL, "failed", "will_fail", blockers, 2,
                           NULL);
  assert_int_equal(seen[0].id, 113);
  assert_int_equal(seen[0].n, 5);
  assert_string_equal(seen[0].ins[1], "failed");
  assert_string_equal(seen[0].ins[2], "will_fail");
  assert_string_equal(seen[0].ins[4], "the warning was right");
  assert_in_table(&seen[0]);
  assert_string_equal(vg_events_assess("ready", "success"),
                      "confirmed: ready and it succeeded");
  assert_string_equal(vg_events_assess("ready", "failed"),
                      "missed: Vigil said ready but the backup did not "
                      "succeed");
  assert_string_equal(vg_events_assess("at_risk", "missed"),
                      "the warning was right");
  assert_string_equal(vg_events_assess("will_fail", "success"),
                      "false alarm: will fail was given, yet it succeeded");
  assert_string_equal(vg_events_assess(NULL, "success"),
                      "no verdict was given before this backup");
  vg_events_backup_outcome(1795640400000LL, "success", NULL, NULL, 0, NULL);
  assert_string_equal(seen[1].ins[2], "none");
  assert_string_equal(seen[1].ins[3], "none");
}

/* ------------------------------------------------------------ summary */

static void summary_lists_every_probe_not_ok(void **st) {
  const vg_ev_finding_t all[] = {
      {"mars.install", VG_ST_OK, "fine", ""},
      {"net.reach", VG_ST_UNKNOWN, "WinHTTP error 12007", NULL},
      {"scratch.space", VG_ST_WARN, "7% free", "Free space"},
      {"iscsi.initiator", VG_ST_NA, "no initiator", ""},
      {"scratch.kek", VG_ST_CRIT, "KEK\nmissing", "Re-register"},
  };
  (void)st;
  vg_events_summary(all, VG_ARRAY_SIZE(all));
  vg_events_summary(all, 1);
  assert_int_equal(nseen, 2);
  assert_int_equal(seen[0].id, 120);
  assert_int_equal(seen[0].level, VG_EV_INFORMATION);
  assert_int_equal(seen[0].n, 2);
  assert_string_equal(seen[0].ins[0], "3");
  assert_string_equal(seen[0].ins[1],
                      "scratch.kek (crit): KEK missing Fix: Re-register\n"
                      "scratch.space (warn): 7% free Fix: Free space\n"
                      "net.reach (unknown): WinHTTP error 12007");
  assert_string_equal(seen[1].ins[0], "0");
  assert_string_equal(seen[1].ins[1], "Every check is ok or does not apply.");
  assert_in_table(&seen[0]);
}

static void reminder_says_still(void **st) {
  vg_finding_t f = finding(VG_ST_CRIT, "KEK missing");
  vg_alert_t a = alert(VG_ALERT_NONE, "scratch.kek", VG_ST_OK, &f);
  (void)st;
  a.span_ms = 26 * HOUR;
  vg_events_reminder(&a);
  assert_int_equal(seen[0].id, 121);
  assert_int_equal(seen[0].level, VG_EV_WARNING);
  assert_int_equal(seen[0].n, 6);
  assert_string_equal(seen[0].ins[0], "scratch.kek");
  assert_string_equal(seen[0].ins[4], "crit");
  assert_string_equal(seen[0].ins[5], "1 d 2 h");
  assert_in_table(&seen[0]);
}

static void findings_text_is_bounded(void **st) {
  vg_ev_finding_t many[40];
  char out[200];
  size_t i;
  (void)st;
  for (i = 0; i < 40; i++) {
    many[i].probe_id = "scratch.space";
    many[i].status = VG_ST_WARN;
    many[i].summary = "a long summary of what is wrong";
    many[i].remedy = "and what to do";
  }
  assert_int_equal(vg_events_findings_text(many, 40, 1, out, sizeof(out)), 40);
  assert_true(strlen(out) < sizeof(out));
  assert_int_equal(vg_events_findings_text(many, 0, 1, out, sizeof(out)), 0);
  assert_string_equal(out, "none");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(every_probe_and_level_has_its_id, reset),
      cmocka_unit_test_setup(full_message_ids_carry_the_level, reset),
      cmocka_unit_test_setup(a_probe_without_number_keeps_the_generic_ids,
                             reset),
      cmocka_unit_test_setup(settling_keeps_per_probe_pairs_closed, reset),
      cmocka_unit_test_setup(store_events, reset),
      cmocka_unit_test_setup(lifecycle_ids_unchanged, reset),
      cmocka_unit_test_setup(preflight_verdicts, reset),
      cmocka_unit_test_setup(outcome_against_verdict, reset),
      cmocka_unit_test_setup(summary_lists_every_probe_not_ok, reset),
      cmocka_unit_test_setup(reminder_says_still, reset),
      cmocka_unit_test_setup(findings_text_is_bounded, reset),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
