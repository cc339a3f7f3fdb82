/* test_prom.c: vigil.prom as windows_exporter's textfile collector reads
 * it - no BOM, LF only, a final newline, HELP/TYPE once per family, no
 * duplicate series, escaped labels - the values docs/metrics.md promises,
 * and the atomic replace that leaves no temporary file.
 * `test_prom --sample FILE` writes the sample exposition for the real
 * parsers (tests/fleet/check_prom.py, promtool). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "fs_kit.h"
#include "prom.h"
#include "vg.h"
#include "view_kit.h"

/* 2026-11-24T21:00:00.500Z */
#define NOW 1795640400500LL

/* ------------------------------------------------------------ sample */

typedef vk_view_t sample_t;

static void probe(sample_t *s, size_t i, const char *id, unsigned number,
                  vg_scope_t scope, vg_status_t st) {
  vg_view_probe_t *p = vk_probe(s, i, id, st, "summary", "");
  p->number = number;
  p->scope = scope;
  p->checked_ms = NOW - 30000;
  p->since_ms = NOW - 3600000;
}

/* Every kind of value: statuses, facts, a forecast, labels that need
 * escaping, a next backup, a failing store. */
static void sample_init(sample_t *s) {
  vk_init(s, NOW);
  probe(s, 0, "scratch.space", 5, VG_SCOPE_BACKUP, VG_ST_WARN);
  vk_scratch_facts(&s->facts[0]);
  s->fc.valid = 1;
  s->fc.eta_ms = NOW + 86400000;
  s->p[0].forecast = &s->fc;
  probe(s, 1, "scratch.kek", 6, VG_SCOPE_BACKUP, VG_ST_CRIT);
  probe(s, 2, "iscsi.initiator", 9, VG_SCOPE_RESTORE, VG_ST_OK);
  probe(s, 3, "vss.storage", 7, VG_SCOPE_BACKUP, VG_ST_OK);
  vg_facts_set_str(&s->facts[3], "vol0", "C:\\");
  vg_facts_set_int(&s->facts[3], "vol0_used", 1000);
  vg_facts_set_int(&s->facts[3], "vol0_allocated", 2000);
  vg_facts_set_int(&s->facts[3], "vol0_max", 10000);
  vg_facts_set_str(&s->facts[3], "vol1", "D:\\Data \"x\"\nnext");
  vg_facts_set_int(&s->facts[3], "vol1_used", 5);
  vg_facts_set_null(&s->facts[3], "vol1_allocated");
  vg_facts_set_str(&s->facts[3], "vol1_max", "unbounded");
  probe(s, 4, "temp.files", 10, VG_SCOPE_BACKUP, VG_ST_NA);
  vg_facts_set_int(&s->facts[4], "count", 61204);
  probe(s, 5, "clock.skew", 16, VG_SCOPE_BACKUP, VG_ST_OK);
  vg_facts_set_int(&s->facts[5], "skew_ms", -1500);
  probe(s, 6, "mars.mgmtagent", 19, VG_SCOPE_MONITORING, VG_ST_UNKNOWN);
  s->p[6].checked_ms = 0; /* never checked */
  s->p[6].facts = NULL;
  s->v.host = "SRV01";
  s->v.version = "1.2.3";
  s->v.now_ms = NOW;
  s->v.probes = s->p;
  s->v.nprobes = 7;
  s->v.next_backup.at_ms = NOW + 2 * 3600000;
  s->v.next_backup.task = "\\Microsoft\\OnlineBackup\\Microsoft-OnlineBackup";
  s->v.next_backup.verdict = "will_fail";
  s->v.store = "failing";
  s->v.dropped_records = 3;
}

/* The line "name{labels} value" of a series, or NULL. */
static const char *series(const char *text, const char *key) {
  size_t n = strlen(key);
  const char *p = text;
  while ((p = strstr(p, key)) != NULL) {
    if ((p == text || p[-1] == '\n') && p[n] == ' ') return p + n + 1;
    p += n;
  }
  return NULL;
}

static void assert_value(const char *text, const char *key, const char *want) {
  const char *v = series(text, key);
  size_t n = strlen(want);
  if (v == NULL) print_error("series %s missing\n", key);
  assert_non_null(v);
  if (strncmp(v, want, n) != 0 || v[n] != '\n')
    print_error("%s: want %s, got %.30s\n", key, want, v);
  assert_true(strncmp(v, want, n) == 0 && v[n] == '\n');
}

/* ------------------------------------------------------------ format */

static void format_is_what_the_collector_reads(void **st) {
  sample_t s;
  char *text, *copy, *line, *next;
  char fams[64][96], seen[256][256];
  size_t nfam = 0, nseen = 0, i;
  char current[96] = "";
  (void)st;
  sample_init(&s);
  text = vk_render(vg_prom_render, &s.v, VG_PROM_MAX);
  /* UTF-8 without BOM, LF only, a final newline. */
  assert_false((unsigned char)text[0] == 0xEF);
  assert_null(strchr(text, '\r'));
  assert_true(strlen(text) > 0 && text[strlen(text) - 1] == '\n');
  assert_null(strstr(text, "\n\n"));
  copy = strdup(text);
  for (line = copy; *line; line = next) {
    char name[96];
    next = strchr(line, '\n');
    assert_non_null(next);
    *next++ = '\0';
    if (strncmp(line, "# HELP ", 7) == 0) {
      sscanf(line + 7, "%95s", name);
      /* A family's HELP appears once; its samples are contiguous. */
      for (i = 0; i < nfam; i++)
        assert_string_not_equal(fams[i], name);
      assert_true(nfam < 64);
      snprintf(fams[nfam++], sizeof(fams[0]), "%s", name);
      snprintf(current, sizeof(current), "%s", name);
      continue;
    }
    if (strncmp(line, "# TYPE ", 7) == 0) {
      char type[32];
      assert_int_equal(sscanf(line + 7, "%95s %31s", name, type), 2);
      assert_string_equal(name, current);
      assert_true(strcmp(type, "gauge") == 0 || strcmp(type, "counter") == 0);
      continue;
    }
    assert_true(line[0] != '#');
    {
      size_t n = strcspn(line, "{ ");
      char *sp = strrchr(line, ' ');
      assert_true(n < sizeof(name));
      memcpy(name, line, n);
      name[n] = '\0';
      assert_string_equal(name, current); /* sample after its HELP */
      assert_non_null(sp);
      *sp = '\0';
      for (i = 0; i < nseen; i++)
        if (strcmp(seen[i], line) == 0)
          print_error("duplicate series %s\n", line);
      for (i = 0; i < nseen; i++)
        assert_string_not_equal(seen[i], line);
      assert_true(nseen < 256);
      snprintf(seen[nseen++], sizeof(seen[0]), "%s", line);
    }
  }
  assert_true(nfam >= 20);
  free(copy);
  free(text);
  vk_free(&s);
}

static void no_duplicate_series_even_from_duplicate_input(void **st) {
  sample_t s;
  char *text;
  const char *p;
  int n = 0;
  (void)st;
  sample_init(&s);
  s.p[2] = s.p[1]; /* scratch.kek twice */
  text = vk_render(vg_prom_render, &s.v, VG_PROM_MAX);
  for (p = text; (p = strstr(p, "vigil_probe_status{probe=\"scratch.kek\""));
       p++)
    n++;
  assert_int_equal(n, 1);
  free(text);
  vk_free(&s);
}

/* ------------------------------------------------------------ values */

/* A series and its value; a NULL value: no line holds key at all. */
typedef struct want_s {
  const char *key, *value;
} want_t;

static void assert_values(const char *text, const want_t *w, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    if (w[i].value)
      assert_value(text, w[i].key, w[i].value);
    else
      assert_null(strstr(text, w[i].key));
  }
}

/* Renders the sample and asserts the n series of w. */
static void sample_has(const want_t *w, size_t n) {
  sample_t s;
  char *text;
  sample_init(&s);
  text = vk_render(vg_prom_render, &s.v, VG_PROM_MAX);
  assert_values(text, w, n);
  free(text);
  vk_free(&s);
}

static void probe_values(void **st) {
  static const want_t w[] = {
      {"vigil_up", "1"},
      {"vigil_build_info{version=\"1.2.3\"}", "1"},
      {"vigil_report_timestamp_seconds", "1795640400.500"},
      {"vigil_overall_status", "2"},
      {"vigil_probe_status{probe=\"scratch.kek\",scope=\"backup\"}", "2"},
      {"vigil_probe_status{probe=\"scratch.space\",scope=\"backup\"}", "1"},
      {"vigil_probe_status{probe=\"iscsi.initiator\",scope=\"restore\"}", "0"},
      {"vigil_probe_status{probe=\"temp.files\",scope=\"backup\"}", "-1"},
      {"vigil_probe_status{probe=\"mars.mgmtagent\",scope=\"monitoring\"}",
       "3"},
      /* One-hot. */
      {"vigil_probe_state{probe=\"scratch.kek\",scope=\"backup\","
       "state=\"crit\"}",
       "1"},
      {"vigil_probe_state{probe=\"scratch.kek\",scope=\"backup\","
       "state=\"ok\"}",
       "0"},
      {"vigil_probe_state{probe=\"temp.files\",scope=\"backup\","
       "state=\"n/a\"}",
       "1"},
      /* Times: exact seconds; a probe never checked has no last check. */
      {"vigil_probe_last_check_timestamp_seconds{probe=\"scratch.kek\","
       "scope=\"backup\"}",
       "1795640370.500"},
      {"vigil_probe_last_check_timestamp_seconds{probe="
       "\"mars.mgmtagent\"",
       NULL},
      {"vigil_probe_since_timestamp_seconds{probe=\"scratch.kek\","
       "scope=\"backup\"}",
       "1795636800.500"},
      {"vigil_probe_forecast_eta_timestamp_seconds{probe=\"scratch."
       "space\",scope=\"backup\"}",
       "1795726800.500"},
      {"vigil_probe_forecast_eta_timestamp_seconds{probe="
       "\"scratch.kek\"",
       NULL},
  };
  (void)st;
  sample_has(w, VG_ARRAY_SIZE(w));
}

static void readiness_backup_and_agent_values(void **st) {
  static const want_t w[] = {
      {"vigil_readiness{scope=\"backup\"}", "2"},
      {"vigil_readiness{scope=\"restore\"}", "0"},
      {"vigil_readiness{scope=\"monitoring\"}", "3"},
      {"vigil_next_backup_timestamp_seconds{task=\"\\\\Microsoft\\\\"
       "OnlineBackup\\\\Microsoft-OnlineBackup\"}",
       "1795647600.500"},
      {"vigil_next_backup_verdict{verdict=\"will_fail\"}", "1"},
      {"vigil_next_backup_verdict{verdict=\"ready\"}", "0"},
      {"vigil_next_backup_verdict{verdict=\"at_risk\"}", "0"},
      {"vigil_next_backup_verdict{verdict=\"unknown\"}", "0"},
      {"vigil_store_ok", "0"},
      {"vigil_dropped_records_total", "3"},
  };
  /* No schedule known, no store (vigil check): those families are left
   * out entirely, HELP and TYPE included. */
  static const want_t gone[] = {{"vigil_next_backup", NULL},
                                {"vigil_store_ok", NULL},
                                {"vigil_dropped_records_total", NULL}};
  sample_t s;
  char *text;
  (void)st;
  sample_init(&s);
  text = vk_render(vg_prom_render, &s.v, VG_PROM_MAX);
  assert_values(text, w, VG_ARRAY_SIZE(w));
  assert_non_null(strstr(text, "# TYPE vigil_dropped_records_total counter\n"));
  free(text);
  s.v.next_backup.at_ms = 0;
  s.v.store = NULL;
  text = vk_render(vg_prom_render, &s.v, VG_PROM_MAX);
  assert_values(text, gone, VG_ARRAY_SIZE(gone));
  free(text);
  vk_free(&s);
}

static void measured_values_from_facts(void **st) {
  static const want_t w[] = {
      {"vigil_scratch_free_bytes", "7200"},
      {"vigil_scratch_volume_size_bytes", "500000"},
      {"vigil_scratch_backup_data_bytes", "100000"},
      {"vigil_scratch_free_ratio", "0.072"},
      {"vigil_temp_files", "61204"},
      {"vigil_clock_skew_seconds", "-1.5"},
      {"vigil_shadow_storage_used_bytes{volume=\"C:\\\\\"}", "1000"},
      {"vigil_shadow_storage_max_bytes{volume=\"C:\\\\\"}", "10000"},
      /* Backslash, quote and line feed escaped; unbounded is +Inf; a null
       * fact is no sample. */
      {"vigil_shadow_storage_max_bytes{volume=\"D:\\\\Data \\\"x\\\"\\n"
       "next\"}",
       "+Inf"},
      {"vigil_shadow_storage_allocated_bytes{volume=\"D:", NULL},
      /* No fact, no metric. */
      {"vigil_dotnet_release", NULL},
      {"vigil_task_last_result", NULL},
  };
  sample_t s;
  char *text;
  (void)st;
  sample_has(w, VG_ARRAY_SIZE(w));
  /* A probe without facts (not collected yet) gives none either. */
  sample_init(&s);
  s.p[0].facts = NULL;
  text = vk_render(vg_prom_render, &s.v, VG_PROM_MAX);
  assert_null(strstr(text, "vigil_scratch_free"));
  free(text);
  vk_free(&s);
}

static void label_values_are_valid_utf8_on_one_line(void **st) {
  sample_t s;
  char *text;
  (void)st;
  sample_init(&s);
  vg_facts_set_str(&s.facts[3], "vol0", "E:\\\xC3\xA9t\xC3\xA9\xFF\xC3");
  vg_facts_set_str(&s.facts[3], "vol1", "F:\r\tx");
  text = vk_render(vg_prom_render, &s.v, VG_PROM_MAX);
  assert_value(text,
               "vigil_shadow_storage_used_bytes{volume=\"E:\\\\"
               "\xC3\xA9t\xC3\xA9??\"}",
               "1000");
  /* Other control characters become spaces: no CR reaches the file. */
  assert_value(text, "vigil_shadow_storage_used_bytes{volume=\"F:  x\"}", "5");
  assert_null(strchr(text, '\r'));
  free(text);
  vk_free(&s);
}

static void bounded_output(void **st) {
  sample_t s;
  vg_buf_t b;
  (void)st;
  sample_init(&s);
  vg_buf_init(&b, 256);
  assert_int_equal(vg_prom_render(&s.v, &b), VG_ETOOBIG);
  vg_buf_free(&b);
  vk_free(&s);
}

/* ------------------------------------------------------------ file */

static void tmpdir(char *out, size_t size) {
  assert_int_equal(fk_mkdtemp(out, size, "vgprom"), 0);
}

static int exists(const char *path) {
  uv_fs_t req;
  int rc = uv_fs_stat(NULL, &req, path, NULL);
  uv_fs_req_cleanup(&req);
  return rc == 0;
}

static char *slurp(const char *path, size_t *len) {
  char err[200], *s = NULL;
  assert_int_equal(vg_read_file(path, VG_PROM_MAX, &s, len, err, sizeof(err)),
                   0);
  return s;
}

static void rm(const char *path) {
  uv_fs_t req;
  uv_fs_unlink(NULL, &req, path, NULL);
  uv_fs_req_cleanup(&req);
}

static void write_replaces_atomically_and_leaves_no_tmp(void **st) {
  char dir[600], prom[700], tmp[700], err[300];
  const char *a = "# HELP vigil_up x\n# TYPE vigil_up gauge\nvigil_up 1\n";
  const char *b = "vigil_up 1\nvigil_overall_status 2\n";
  size_t len;
  char *got;
  uv_fs_t req;
  (void)st;
  tmpdir(dir, sizeof(dir));
  snprintf(prom, sizeof(prom), "%s/vigil.prom", dir);
  snprintf(tmp, sizeof(tmp), "%s/vigil.prom.tmp", dir);
  assert_int_equal(vg_prom_write_file(dir, a, strlen(a), err, sizeof(err)), 0);
  got = slurp(prom, &len);
  assert_int_equal(len, strlen(a));
  assert_memory_equal(got, a, len);
  free(got);
  assert_false(exists(tmp));
  /* Over an existing file (MoveFileExW REPLACE_EXISTING on Windows), with a
   * stale tmp from a crash in the way: both replaced. */
  assert_int_equal(vg_prom_write_file(dir, a, 10, err, sizeof(err)), 0);
  {
    FILE *f = fopen(tmp, "wb");
    assert_non_null(f);
    fputs("half a file", f);
    fclose(f);
  }
  assert_int_equal(vg_prom_write_file(dir, b, strlen(b), err, sizeof(err)), 0);
  got = slurp(prom, &len);
  assert_int_equal(len, strlen(b));
  assert_memory_equal(got, b, len);
  free(got);
  assert_false(exists(tmp));
  rm(prom);
  uv_fs_rmdir(NULL, &req, dir, NULL);
  uv_fs_req_cleanup(&req);
}

static void write_failures_say_what_and_leave_nothing(void **st) {
  char dir[600], missing[700], err[300];
  char *big;
  uv_fs_t req;
  (void)st;
  tmpdir(dir, sizeof(dir));
  snprintf(missing, sizeof(missing), "%s/no/such/folder", dir);
  err[0] = '\0';
  assert_int_equal(vg_prom_write_file(missing, "x\n", 2, err, sizeof(err)),
                   VG_ENOENT);
  assert_non_null(strstr(err, "vigil.prom.tmp"));
  big = malloc(VG_PROM_MAX + 1);
  assert_non_null(big);
  memset(big, 'a', VG_PROM_MAX + 1);
  assert_int_equal(
      vg_prom_write_file(dir, big, VG_PROM_MAX + 1, err, sizeof(err)),
      VG_ETOOBIG);
  free(big);
  assert_non_null(strstr(err, "vigil.prom"));
  /* The folder is empty: rmdir succeeds only then. */
  assert_int_equal(uv_fs_rmdir(NULL, &req, dir, NULL), 0);
  uv_fs_req_cleanup(&req);
}

/* ------------------------------------------------------------ main */

static int write_sample(const char *path) {
  sample_t s;
  vg_buf_t b;
  FILE *f;
  sample_init(&s);
  vg_buf_init(&b, VG_PROM_MAX);
  if (vg_prom_render(&s.v, &b) != 0) return 1;
  f = fopen(path, "wb");
  if (f == NULL) return 1;
  fwrite(vg_buf_str(&b), 1, b.len, f);
  fclose(f);
  vg_buf_free(&b);
  vk_free(&s);
  return 0;
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(format_is_what_the_collector_reads),
      cmocka_unit_test(no_duplicate_series_even_from_duplicate_input),
      cmocka_unit_test(probe_values),
      cmocka_unit_test(readiness_backup_and_agent_values),
      cmocka_unit_test(measured_values_from_facts),
      cmocka_unit_test(label_values_are_valid_utf8_on_one_line),
      cmocka_unit_test(bounded_output),
      cmocka_unit_test(write_replaces_atomically_and_leaves_no_tmp),
      cmocka_unit_test(write_failures_say_what_and_leave_nothing),
  };
  if (argc == 3 && strcmp(argv[1], "--sample") == 0)
    return write_sample(argv[2]);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
