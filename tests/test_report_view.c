/* test_report_view.c: the exporters' view of the findings - filled from
 * the agent's report items (vigil check, vigil.prom) or read back from the
 * report JSON (vigil status --nagios, vigil metrics through the service) -
 * renders the same either way; readiness and overall. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nagios.h"
#include "prom.h"
#include "report.h"
#include "report_view.h"
#include "view_kit.h"
#include "vg.h"

#define NOW 1795640400000LL /* whole seconds: JSON times have no ms */

typedef struct items_s {
  vg_finding_t f[4];
  vg_facts_t facts[4];
  vg_forecast_t fc;
  vg_report_item_t it[4];
} items_t;

static void items_init(items_t *s) {
  static const struct {
    const char *id;
    vg_status_t st;
  } p[] = {{"scratch.kek", VG_ST_CRIT},
           {"scratch.space", VG_ST_WARN},
           {"iscsi.initiator", VG_ST_NA},
           {"temp.files", VG_ST_OK}};
  size_t i;
  memset(s, 0, sizeof(*s));
  for (i = 0; i < 4; i++) {
    s->f[i].status = p[i].st;
    snprintf(s->f[i].summary, sizeof(s->f[i].summary), "summary of %s",
             p[i].id);
    snprintf(s->f[i].remedy, sizeof(s->f[i].remedy), "fix %s", p[i].id);
    vg_facts_init(&s->facts[i]);
    s->it[i].id = p[i].id;
    s->it[i].finding = &s->f[i];
    s->it[i].facts = &s->facts[i];
    s->it[i].since_ms = NOW - 3600000;
    s->it[i].checked_ms = i == 3 ? 0 : NOW - 60000;
  }
  vg_finding_predict(&s->f[0], "0x1FC07");
  vk_scratch_facts(&s->facts[1]);
  vg_facts_set_double(&s->facts[1], "share", 0.25);
  vg_facts_set_int(&s->facts[3], "count", 61204);
  s->fc.valid = 1;
  s->fc.eta_ms = NOW + 86400000;
  s->it[1].forecast = &s->fc;
}

static void items_free(items_t *s) {
  size_t i;
  for (i = 0; i < 4; i++)
    vg_facts_reset(&s->facts[i]);
}

static void from_items_takes_number_and_scope_from_the_table(void **st) {
  items_t s;
  vg_view_probe_t p[4];
  (void)st;
  items_init(&s);
  vg_view_from_items(s.it, 4, p);
  assert_string_equal(p[0].id, "scratch.kek");
  assert_int_equal(p[0].number, 6);
  assert_int_equal(p[0].scope, VG_SCOPE_BACKUP);
  assert_int_equal(p[2].number, 9);
  assert_int_equal(p[2].scope, VG_SCOPE_RESTORE);
  assert_ptr_equal(p[1].forecast, &s.fc);
  assert_non_null(p[1].th);
  assert_true(p[1].th->warn == 10.0);
  items_free(&s);
}

/* What check --nagios renders in-process equals what status --nagios
 * renders from the service's JSON. */
static void json_round_trip_renders_the_same(void **st) {
  items_t s;
  vg_view_probe_t p[4];
  vg_report_view_t direct;
  vg_view_json_t back;
  vg_json_t *doc = NULL;
  vg_jw_t w;
  char *json, *a, *b, err[200];
  size_t len;
  (void)st;
  items_init(&s);
  vg_view_from_items(s.it, 4, p);
  memset(&direct, 0, sizeof(direct));
  direct.host = "SRV01";
  direct.now_ms = NOW;
  direct.probes = p;
  direct.nprobes = 4;
  vg_jw_init(&w);
  vg_jw_obj_begin(&w);
  {
    vg_report_head_t head = {"SRV01", NULL, NOW};
    vg_report_write(&w, &head, s.it, 4);
  }
  vg_jw_obj_end(&w);
  json = vg_jw_steal(&w, &len);
  assert_non_null(json);
  assert_int_equal(vg_json_parse(json, len, &doc, err, sizeof(err)), 0);
  assert_int_equal(vg_view_from_json(doc, &back, err, sizeof(err)), 0);
  assert_int_equal(back.view.nprobes, 4);
  assert_string_equal(back.view.host, "SRV01");
  assert_int_equal(back.probes[0].number, 6);
  assert_int_equal(back.probes[0].checked_ms, NOW - 60000);
  assert_int_equal(back.probes[3].checked_ms, 0);
  assert_string_equal(back.findings[0].predicts[0], "0x1FC07");
  a = vk_render(vg_prom_render, &direct, 0);
  b = vk_render(vg_prom_render, &back.view, 0);
  assert_string_equal(a, b);
  free(a);
  free(b);
  a = vk_render(vg_nagios_render, &direct, 0);
  b = vk_render(vg_nagios_render, &back.view, 0);
  assert_string_equal(a, b);
  free(a);
  free(b);
  vg_view_json_free(&back);
  vg_json_free(doc);
  free(json);
  items_free(&s);
}

static void json_next_backup_agent_scope_number(void **st) {
  static const char text[] =
      "{\"host\":\"SRV01\",\"version\":\"1.2.3\","
      "\"generated_at\":\"2026-11-25T21:00:00Z\",\"probes\":["
      "{\"id\":\"future.probe\",\"status\":\"warn\",\"scope\":\"monitoring\","
      "\"number\":42,\"summary\":\"s\"},"
      "{\"status\":\"crit\"},"
      "{\"id\":\"x\",\"status\":\"bogus\"}],"
      "\"next_backup\":{\"at\":\"2026-11-25T23:00:00Z\",\"task\":\"\\\\T\","
      "\"verdict\":\"at_risk\"},"
      "\"agent\":{\"store\":\"failing\",\"dropped_records\":7}}";
  vg_json_t *doc = NULL;
  vg_view_json_t v;
  char err[200];
  (void)st;
  assert_int_equal(vg_json_parse(text, strlen(text), &doc, err, sizeof(err)),
                   0);
  assert_int_equal(vg_view_from_json(doc, &v, err, sizeof(err)), 0);
  assert_int_equal(v.view.nprobes, 1); /* no id, bad status: skipped */
  assert_string_equal(v.probes[0].id, "future.probe");
  assert_int_equal(v.probes[0].number, 42);
  assert_int_equal(v.probes[0].scope, VG_SCOPE_MONITORING);
  assert_null(v.probes[0].facts);
  assert_string_equal(v.view.version, "1.2.3");
  assert_int_equal(v.view.now_ms, NOW);
  assert_int_equal(v.view.next_backup.at_ms, NOW + 7200000);
  assert_string_equal(v.view.next_backup.task, "\\T");
  assert_string_equal(v.view.next_backup.verdict, "at_risk");
  assert_string_equal(v.view.store, "failing");
  assert_int_equal(v.view.dropped_records, 7);
  assert_int_equal(vg_view_readiness(&v.view, VG_SCOPE_MONITORING), VG_ST_WARN);
  assert_int_equal(vg_view_readiness(&v.view, VG_SCOPE_RESTORE), VG_ST_NA);
  assert_int_equal(vg_view_overall(&v.view), VG_ST_WARN);
  vg_view_json_free(&v);
  vg_json_free(doc);
}

static void json_that_is_no_report(void **st) {
  static const char *const bad[] = {"[]", "{}", "{\"probes\":{}}", "3"};
  vg_json_t *doc;
  vg_view_json_t v;
  char err[200], *big;
  size_t i, pos;
  (void)st;
  for (i = 0; i < VG_ARRAY_SIZE(bad); i++) {
    doc = NULL;
    assert_int_equal(
        vg_json_parse(bad[i], strlen(bad[i]), &doc, err, sizeof(err)), 0);
    err[0] = '\0';
    assert_int_equal(vg_view_from_json(doc, &v, err, sizeof(err)), VG_EINVAL);
    assert_true(strlen(err) > 0);
    vg_view_json_free(&v);
    vg_json_free(doc);
  }
  big = malloc(20 * (VG_VIEW_MAX_PROBES + 2) + 32);
  assert_non_null(big);
  pos = (size_t)sprintf(big, "{\"probes\":[");
  for (i = 0; i <= VG_VIEW_MAX_PROBES; i++)
    pos += (size_t)sprintf(big + pos, "%s{\"id\":\"p\"}", i ? "," : "");
  sprintf(big + pos, "]}");
  doc = NULL;
  assert_int_equal(vg_json_parse(big, strlen(big), &doc, err, sizeof(err)), 0);
  assert_int_equal(vg_view_from_json(doc, &v, err, sizeof(err)), VG_ETOOBIG);
  vg_view_json_free(&v);
  vg_json_free(doc);
  free(big);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(from_items_takes_number_and_scope_from_the_table),
      cmocka_unit_test(json_round_trip_renders_the_same),
      cmocka_unit_test(json_next_backup_agent_scope_number),
      cmocka_unit_test(json_that_is_no_report),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
