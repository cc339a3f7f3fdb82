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

typedef struct sample_s {
  vg_finding_t f[6];
  vg_facts_t facts[6];
  vg_view_probe_t p[6];
  vg_report_view_t v;
} sample_t;

static void probe(sample_t *s, size_t i, const char *id, vg_status_t st,
                  const char *summary, const char *remedy) {
  memset(&s->f[i], 0, sizeof(s->f[i]));
  s->f[i].status = st;
  vg_strlcpy(s->f[i].summary, summary, sizeof(s->f[i].summary));
  vg_strlcpy(s->f[i].remedy, remedy, sizeof(s->f[i].remedy));
  vg_facts_init(&s->facts[i]);
  memset(&s->p[i], 0, sizeof(s->p[i]));
  s->p[i].id = id;
  s->p[i].finding = &s->f[i];
  s->p[i].facts = &s->facts[i];
  s->p[i].checked_ms = 1;
  s->v.nprobes = i + 1 > s->v.nprobes ? i + 1 : s->v.nprobes;
}

static void sample_init(sample_t *s) {
  memset(s, 0, sizeof(*s));
  s->v.probes = s->p;
  s->v.now_ms = 1795640400000LL;
}

static void sample_free(sample_t *s) {
  size_t i;
  for (i = 0; i < 6; i++)
    vg_facts_reset(&s->facts[i]);
}

static char *render(const vg_report_view_t *v) {
  vg_buf_t b;
  char *s;
  vg_buf_init(&b, 0);
  assert_int_equal(vg_nagios_render(v, &b), 0);
  s = strdup(vg_buf_str(&b));
  vg_buf_free(&b);
  return s;
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

static void all_ok_is_one_line(void **st) {
  sample_t s;
  char *text, l[1024];
  (void)st;
  sample_init(&s);
  probe(&s, 0, "mars.install", VG_ST_OK, "MARS 2.0.9262.0 installed", "");
  probe(&s, 1, "mars.engine", VG_ST_OK, "obengine running", "");
  probe(&s, 2, "iscsi.initiator", VG_ST_NA, "not on this system", "");
  text = render(&s.v);
  assert_non_null(line_of(text, 0, l, sizeof(l)));
  assert_string_equal(l, "OK: all 2 probes ok, 1 do not apply | "
                         "'probes_crit'=0;;;0;3 'probes_warn'=0;;;0;3 "
                         "'probes_unknown'=0;;;0;3");
  assert_null(line_of(text, 1, l, sizeof(l)));
  assert_int_equal(vg_nagios_exit(vg_view_overall(&s.v)), 0);
  free(text);
  sample_free(&s);
}

static void worst_first_with_details(void **st) {
  sample_t s;
  char *text, l[2048];
  (void)st;
  sample_init(&s);
  probe(&s, 0, "scratch.space", VG_ST_WARN,
        "Scratch volume of D:\\MARS has 7.2% free", "Free space on D:");
  probe(&s, 1, "mars.install", VG_ST_OK, "fine", "");
  probe(&s, 2, "scratch.kek", VG_ST_CRIT,
        "OnlineBackup.KEK is missing | really", "Re-register the server");
  probe(&s, 3, "net.reach", VG_ST_UNKNOWN, "WinHTTP failed:\nno DNS", "");
  text = render(&s.v);
  assert_non_null(line_of(text, 0, l, sizeof(l)));
  /* The status line: word, count, worst finding (its '|' made '/'), the
   * others by id, then the performance data after the only '|'. */
  assert_true(strncmp(l,
                      "CRITICAL: 3 of 4 probes not ok (1 crit, 1 warn, 1 "
                      "unknown): scratch.kek: OnlineBackup.KEK is missing / "
                      "really; also scratch.space, net.reach | ",
                      strlen("CRITICAL: 3 of 4 probes not ok (1 crit, 1 warn, "
                             "1 unknown): scratch.kek: OnlineBackup.KEK is "
                             "missing / really; also scratch.space, net.reach "
                             "| ")) == 0);
  assert_ptr_equal(strchr(l, '|'), strrchr(l, '|'));
  assert_string_equal(line_of(text, 1, l, sizeof(l)),
                      "[CRIT] scratch.kek: OnlineBackup.KEK is missing / "
                      "really Fix: Re-register the server");
  assert_string_equal(line_of(text, 2, l, sizeof(l)),
                      "[WARN] scratch.space: Scratch volume of D:\\MARS has "
                      "7.2% free Fix: Free space on D:");
  assert_string_equal(line_of(text, 3, l, sizeof(l)),
                      "[UNKNOWN] net.reach: WinHTTP failed: no DNS");
  assert_null(line_of(text, 4, l, sizeof(l)));
  assert_int_equal(text[strlen(text) - 1], '\n');
  assert_int_equal(vg_nagios_exit(vg_view_overall(&s.v)), 2);
  free(text);
  sample_free(&s);
}

static void unknown_alone_is_unknown_but_warn_wins(void **st) {
  sample_t s;
  char *text;
  (void)st;
  sample_init(&s);
  probe(&s, 0, "mars.install", VG_ST_OK, "fine", "");
  probe(&s, 1, "net.reach", VG_ST_UNKNOWN, "cannot measure", "");
  text = render(&s.v);
  assert_true(strncmp(text,
                      "UNKNOWN: 1 of 2 probes not ok (1 unknown): "
                      "net.reach: cannot measure |",
                      60) == 0);
  assert_int_equal(vg_nagios_exit(vg_view_overall(&s.v)), 3);
  free(text);
  probe(&s, 2, "temp.files", VG_ST_WARN, "61,204 .tmp files", "");
  text = render(&s.v);
  assert_true(strncmp(text,
                      "WARNING: 2 of 3 probes not ok (1 warn, 1 "
                      "unknown): temp.files: 61,204 .tmp files; also "
                      "net.reach |",
                      80) == 0);
  assert_int_equal(vg_nagios_exit(vg_view_overall(&s.v)), 1);
  free(text);
  sample_free(&s);
}

static void perfdata_of_key_values(void **st) {
  sample_t s;
  char *text, l[2048];
  (void)st;
  sample_init(&s);
  probe(&s, 0, "scratch.space", VG_ST_WARN, "low", "");
  vg_facts_set_int(&s.facts[0], "free_bytes", 7200);
  vg_facts_set_int(&s.facts[0], "total_bytes", 500000);
  vg_facts_set_int(&s.facts[0], "backup_bytes", 100000);
  probe(&s, 1, "temp.files", VG_ST_OK, "few", "");
  vg_facts_set_int(&s.facts[1], "count", 12);
  probe(&s, 2, "vss.storage", VG_ST_OK, "fine", "");
  vg_facts_set_double(&s.facts[2], "min_headroom_pct", 55.25);
  probe(&s, 3, "clock.skew", VG_ST_OK, "fine", "");
  vg_facts_set_int(&s.facts[3], "skew_ms", -2500);
  text = render(&s.v);
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
    text = render(&s.v);
    assert_non_null(strstr(text, " 'scratch_free_pct'=7.20%;20:;8:;0;"));
    free(text);
  }
  sample_free(&s);
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
