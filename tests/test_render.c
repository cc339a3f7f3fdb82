/* test_render.c: the findings table for people. `vigil check` renders it
 * from the runtime's view, `vigil status` from the report JSON the
 * service sends: both must print the same table for the same findings
 * (issue 10: check no longer goes through JSON text and back). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "agent_kit.h"
#include "fake_os.h"
#include "mars.h"
#include "platform.h"
#include "render.h"
#include "vg.h"

/* What fn printed into a temporary file, as a malloc'd string. */
static char *captured(FILE *f) {
  long n;
  char *text;
  fflush(f);
  n = ftell(f);
  assert_true(n > 0);
  text = calloc(1, (size_t)n + 1);
  assert_non_null(text);
  rewind(f);
  assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  return text;
}

typedef struct run_s {
  char *from_view, *from_json, *json;
  int done;
} run_t;

static void on_cycle(void *ud, vg_agent_t *a) {
  run_t *r = ud;
  vg_view_probe_t probes[VG_VIEW_MAX_PROBES];
  vg_report_view_t view;
  vg_json_t *doc = NULL;
  char *text, err[200];
  FILE *f = tmpfile();
  assert_non_null(f);
  vg_agent_view(a, &view, probes, VG_VIEW_MAX_PROBES);
  vg_cli_print_view(f, &view);
  r->from_view = captured(f);
  text = ak_report(a);
  assert_int_equal(vg_json_parse(text, strlen(text), &doc, err, sizeof(err)),
                   0);
  f = tmpfile();
  assert_non_null(f);
  assert_int_equal(vg_cli_print_report(f, doc), 0);
  r->from_json = captured(f);
  vg_json_free(doc);
  r->json = text;
  r->done = 1;
  vg_agent_stop(a, 0, NULL, NULL);
}

/* A machine with MARS whose scratch folder is missing (crit, with MARS
 * errors and a fix) and most probes unknown or n/a: the table from the
 * view equals the table from the JSON, wrapped at 100 columns. */
static void check_and_status_print_the_same_table(void **st) {
  static fake_os_t f;
  static ak_once_t once;
  run_t r;
  (void)st;
  vg_platform_setenv("COLUMNS", "100");
  fake_os_init(&f);
  fake_reg_sz(&f, VG_MARS_SETUP_KEY, "InstallPath",
              "C:\\Program Files\\Microsoft Azure Recovery Services Agent");
  fake_reg_sz(&f, VG_MARS_CONFIG_KEY, "ScratchLocation", "D:\\MARS\\Scratch");
  fake_env(&f, "SystemRoot", "C:\\windows");
  vg_strlcpy(f.names.fqdn, "srv1.contoso.local", sizeof(f.names.fqdn));
  memset(&r, 0, sizeof(r));
  ak_once_init(&once);
  ak_once_start(&once, &f.os, on_cycle, &r);
  ak_once_finish(&once);
  assert_true(r.done);
  if (strcmp(r.from_view, r.from_json) != 0)
    printf("--- from the view:\n%s--- from the JSON:\n%s", r.from_view,
           r.from_json);
  assert_string_equal(r.from_view, r.from_json);
  assert_non_null(strstr(r.from_view, "Backups: CRIT"));
  assert_non_null(strstr(r.from_view, "MARS errors if not fixed: "));
  assert_non_null(strstr(r.from_view, "fix: "));
  assert_non_null(strstr(r.from_view, "\noverall: CRIT ("));
  /* The report names the machine by its DNS name too (fleets key on it). */
  assert_non_null(strstr(r.json, "\"host_fqdn\":\"srv1.contoso.local\""));
  free(r.json);
  free(r.from_view);
  free(r.from_json);
}

/* The backup lines from a service's report: the verdict with the probes
 * that block it, and the last backup against what Vigil had said. */
static void status_shows_verdict_blocking_and_last_backup(void **st) {
  static const char report[] =
      "{\"host\":\"SRV1\",\"generated_at\":\"2026-12-03T10:00:00Z\","
      "\"overall\":\"crit\",\"probes\":["
      "{\"id\":\"scratch.space\",\"status\":\"crit\",\"summary\":\"1.2 GB "
      "free\",\"remedy\":\"free space\",\"predicts\":[\"0x8007006E\"],"
      "\"since\":\"2026-12-03T09:00:00Z\"},"
      "{\"id\":\"iscsi.initiator\",\"status\":\"ok\",\"summary\":\"fine\"}],"
      "\"next_backup\":{\"at\":\"2026-12-03T12:30:00Z\",\"verdict\":"
      "\"will_fail\",\"blocking\":[\"scratch.space\",\"vss.storage\"]},"
      "\"last_backup\":{\"at\":\"2026-12-02T12:30:00Z\",\"outcome\":"
      "\"failed\",\"verdict_before\":\"at_risk\"}}";
  vg_json_t *doc = NULL;
  char err[200], *text;
  FILE *f = tmpfile();
  (void)st;
  vg_platform_setenv("COLUMNS", "");
  assert_int_equal(
      vg_json_parse(report, strlen(report), &doc, err, sizeof(err)), 0);
  assert_non_null(f);
  assert_int_equal(vg_cli_print_report(f, doc), 0);
  text = captured(f);
  printf("%s", text);
  assert_non_null(strstr(text, "Backups: CRIT    Restores: OK\n"));
  assert_non_null(strstr(
      text, "(in 2 h 30 min): WILL FAIL - scratch.space, vss.storage\n"));
  assert_non_null(strstr(text, ": failed (Vigil had said: AT RISK)\n"));
  assert_non_null(strstr(text, "MARS errors if not fixed: 0x8007006E\n"));
  assert_non_null(strstr(text, "overall: CRIT (SRV1, 2 probes)\n"));
  free(text);
  vg_json_free(doc);
  /* Not a report: a clear error, nothing printed as if it were one. */
  assert_int_equal(vg_json_parse("{\"x\":1}", 7, &doc, err, sizeof(err)), 0);
  f = tmpfile();
  assert_non_null(f);
  assert_int_equal(vg_cli_print_report(f, doc), VG_EINVAL);
  fclose(f);
  vg_json_free(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(check_and_status_print_the_same_table),
      cmocka_unit_test(status_shows_verdict_blocking_and_last_backup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
