/* test_nagios.c: vigil check|status --nagios as NSClient++, Icinga and
 * Nagios read it - the status word and exit code, one first line with the
 * count, the worst finding and performance data, then one line per finding
 * not ok. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nagios.h"
#include "vg.h"
#include "view_kit.h"

/* Probe i of the view, checked. */
static void probe(vk_view_t *s, size_t i, const char *id, vg_status_t st,
                  const char *summary, const char *remedy) {
  vk_probe(s, i, id, st, summary, remedy)->checked_ms = 1;
}

/* Line i (0-based) of text into out. */
static const char *line_of(const char *text, int i, char *out, size_t size) {
  const char *p = text, *e;
  while (i-- > 0 && p) {
    p = strchr(p, '\n');
    if (p) p++;
  }
  if (p == NULL || *p == '\0') return NULL;
  e = strchr(p, '\n');
  snprintf(out, size, "%.*s", (int)(e ? (size_t)(e - p) : strlen(p)), p);
  return out;
}

static void exit_codes(void **st) {
  (void)st;
  assert_int_equal(vg_nagios_exit(VG_ST_OK), 0);
  assert_int_equal(vg_nagios_exit(VG_ST_NA), 0);
  assert_int_equal(vg_nagios_exit(VG_ST_WARN), 1);
  assert_int_equal(vg_nagios_exit(VG_ST_CRIT), 2);
  assert_int_equal(vg_nagios_exit(VG_ST_UNKNOWN), 3);
  assert_int_equal(VG_NAGIOS_UNKNOWN, 3);
}

/* One case: the probes of a view (ids, statuses, summaries, remedies),
 * the status line it gives (all of it, or its start when prefix), the
 * lines after it (all of them when nlines >= 0) and the exit code. */
typedef struct nprobe_s {
  const char *id;
  vg_status_t st;
  const char *summary, *remedy;
} nprobe_t;

typedef struct ncase_s {
  nprobe_t p[4];
  size_t np;
  const char *first;
  int prefix;
  const char *more[4];
  int nlines;
  int exit;
} ncase_t;

static void check_case(const ncase_t *c) {
  vk_view_t s;
  char *text, l[2048];
  size_t i;
  int k;
  vk_init(&s, 1795640400000LL);
  for (i = 0; i < c->np; i++)
    probe(&s, i, c->p[i].id, c->p[i].st, c->p[i].summary, c->p[i].remedy);
  text = vk_render(vg_nagios_render, &s.v, 0);
  assert_non_null(line_of(text, 0, l, sizeof(l)));
  if (c->prefix)
    assert_true(strncmp(l, c->first, strlen(c->first)) == 0);
  else
    assert_string_equal(l, c->first);
  /* The performance data after the only '|'. */
  assert_ptr_equal(strchr(l, '|'), strrchr(l, '|'));
  for (k = 0; k < c->nlines; k++)
    assert_string_equal(line_of(text, k + 1, l, sizeof(l)), c->more[k]);
  if (c->nlines >= 0) assert_null(line_of(text, c->nlines + 1, l, sizeof(l)));
  assert_int_equal(text[strlen(text) - 1], '\n');
  assert_int_equal(vg_nagios_exit(vg_view_overall(&s.v)), c->exit);
  free(text);
  vk_free(&s);
}

static void all_ok_is_one_line(void **st) {
  static const ncase_t c = {
      {{"mars.install", VG_ST_OK, "MARS 2.0.9262.0 installed", ""},
       {"mars.engine", VG_ST_OK, "obengine running", ""},
       {"iscsi.initiator", VG_ST_NA, "not on this system", ""}},
      3,
      "OK: all 2 probes ok, 1 do not apply | "
      "'probes_crit'=0;;;0;3 'probes_warn'=0;;;0;3 "
      "'probes_unknown'=0;;;0;3",
      0,
      {NULL},
      0,
      0};
  /* Nothing applies (no MARS agent): said, not "all 0 probes ok". */
  static const ncase_t none = {
      {{"mars.install", VG_ST_NA, "MARS agent is not installed", ""},
       {"iscsi.initiator", VG_ST_NA, "not on this system", ""}},
      2,
      "OK: no probe applies on this machine (2 n/a) | "
      "'probes_crit'=0;;;0;2 'probes_warn'=0;;;0;2 "
      "'probes_unknown'=0;;;0;2",
      0,
      {NULL},
      0,
      0};
  (void)st;
  check_case(&c);
  check_case(&none);
}

/* The status line: word, count, worst finding (its '|' made '/'), the
 * others by id, then the performance data after the only '|'; a line per
 * finding not ok, worst first, with its fix. */
static void worst_first_with_details(void **st) {
  static const ncase_t c = {
      {{"scratch.space", VG_ST_WARN, "Scratch volume of D:\\MARS has 7.2% free",
        "Free space on D:"},
       {"mars.install", VG_ST_OK, "fine", ""},
       {"scratch.kek", VG_ST_CRIT, "OnlineBackup.KEK is missing | really",
        "Re-register the server"},
       {"net.reach", VG_ST_UNKNOWN, "WinHTTP failed:\nno DNS", ""}},
      4,
      "CRITICAL: 3 of 4 probes not ok (1 crit, 1 warn, 1 unknown): "
      "scratch.kek: OnlineBackup.KEK is missing / really; also "
      "scratch.space, net.reach | ",
      1,
      {"[CRIT] scratch.kek: OnlineBackup.KEK is missing / really Fix: "
       "Re-register the server",
       "[WARN] scratch.space: Scratch volume of D:\\MARS has 7.2% free Fix: "
       "Free space on D:",
       "[UNKNOWN] net.reach: WinHTTP failed: no DNS"},
      3,
      2};
  (void)st;
  check_case(&c);
}

static void unknown_alone_is_unknown_but_warn_wins(void **st) {
  static const ncase_t c[] = {
      {{{"mars.install", VG_ST_OK, "fine", ""},
        {"net.reach", VG_ST_UNKNOWN, "cannot measure", ""}},
       2,
       "UNKNOWN: 1 of 2 probes not ok (1 unknown): net.reach: cannot measure "
       "|",
       1,
       {NULL},
       -1,
       3},
      {{{"mars.install", VG_ST_OK, "fine", ""},
        {"net.reach", VG_ST_UNKNOWN, "cannot measure", ""},
        {"temp.files", VG_ST_WARN, "61,204 .tmp files", ""}},
       3,
       "WARNING: 2 of 3 probes not ok (1 warn, 1 unknown): temp.files: "
       "61,204 .tmp files; also net.reach |",
       1,
       {NULL},
       -1,
       1},
  };
  (void)st;
  check_case(&c[0]);
  check_case(&c[1]);
}

static void perfdata_of_key_values(void **st) {
  vk_view_t s;
  char *text, l[2048];
  (void)st;
  vk_init(&s, 1795640400000LL);
  probe(&s, 0, "scratch.space", VG_ST_WARN, "low", "");
  vk_scratch_facts(&s.facts[0]);
  probe(&s, 1, "temp.files", VG_ST_OK, "few", "");
  vg_facts_set_int(&s.facts[1], "count", 12);
  probe(&s, 2, "vss.storage", VG_ST_OK, "fine", "");
  vg_facts_set_double(&s.facts[2], "min_headroom_pct", 55.25);
  probe(&s, 3, "clock.skew", VG_ST_OK, "fine", "");
  vg_facts_set_int(&s.facts[3], "skew_ms", -2500);
  text = vk_render(vg_nagios_render, &s.v, 0);
  line_of(text, 0, l, sizeof(l));
  /* Thresholds from the probe table (scratch.space warns below 10 %, crit
   * below 5 %: Nagios ranges "10:" and "5:"). */
  assert_non_null(strstr(l, " 'scratch_free_pct'=7.20%;10:;5:;0;"));
  assert_non_null(strstr(l, " 'scratch_free'=7200B;;;0;500000"));
  assert_non_null(strstr(l, " 'temp_files'=12;60000;65000;0;"));
  assert_non_null(strstr(l, " 'shadow_headroom_pct'=55.25%;10:;;0;100"));
  assert_non_null(strstr(l, " 'clock_skew'=-2.500s;;;;"));
  free(text);
  /* Configured thresholds win over the defaults. */
  {
    vg_thresholds_t th = {20, 8, 0, VG_TH_BELOW};
    s.p[0].th = &th;
    text = vk_render(vg_nagios_render, &s.v, 0);
    assert_non_null(strstr(text, " 'scratch_free_pct'=7.20%;20:;8:;0;"));
    free(text);
  }
  vk_free(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(exit_codes),
      cmocka_unit_test(all_ok_is_one_line),
      cmocka_unit_test(worst_first_with_details),
      cmocka_unit_test(unknown_alone_is_unknown_but_warn_wins),
      cmocka_unit_test(perfdata_of_key_values),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
