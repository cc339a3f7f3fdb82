/* test_events_doc.c: docs/events.md and adapters/win/messages.mc describe the
 * same events - ids, levels, symbols and texts - and the texts use only the
 * inserts the Event Log writer fills; every probe of the probe table and
 * every number of interface.md's probe table has its four per-probe ids. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "alerts.h"
#include "events_doc.h"
#include "probe.h"

#ifndef VG_SRCDIR
#error "VG_SRCDIR must name the source tree"
#endif

/* interface.md sits in the shared design folder beside the repository (a
 * copy beside the CI clone); VG_INTERFACE_MD overrides. */
#ifndef VG_INTERFACE_MD
#define VG_INTERFACE_MD VG_SRCDIR "/../shared/design/interface.md"
#endif

static ed_msg_t mc[ED_MAX];
static int nmc;
static ed_doc_t doc;

static int setup(void **st) {
  (void)st;
  nmc = ed_load_mc(VG_SRCDIR, mc, ED_MAX);
  if (ed_load_doc(VG_SRCDIR, &doc) != 0) return -1;
  return nmc > 0 ? 0 : -1;
}

static void every_message_is_documented(void **st) {
  int i;
  (void)st;
  for (i = 0; i < nmc; i++) {
    const ed_msg_t *m = &mc[i];
    const ed_msg_t *row = ed_find(doc.rows, doc.nrows, m->id);
    const ed_msg_t *text = ed_find(doc.texts, doc.ntexts, m->id);
    if (row == NULL || text == NULL)
      print_error("messages.mc id %u (%s) is missing from docs/events.md "
                  "(%s)\n",
                  m->id, m->symbol, row ? "no text section" : "no table row");
    assert_non_null(row);
    assert_non_null(text);
    assert_string_equal(row->level, m->level);
    if (strcmp(m->level, "Category") == 0) {
      assert_string_equal(row->text, m->text); /* category name */
    } else {
      assert_string_equal(row->symbol, m->symbol);
    }
    assert_string_equal(text->symbol, m->symbol);
    assert_string_equal(text->text, m->text);
  }
}

static void nothing_documented_that_does_not_exist(void **st) {
  size_t i;
  (void)st;
  assert_true(doc.nrows > 0);
  assert_int_equal(doc.nrows, (size_t)nmc);
  assert_int_equal(doc.ntexts, (size_t)nmc);
  for (i = 0; i < doc.nrows; i++) {
    if (ed_find(mc, (size_t)nmc, doc.rows[i].id) == NULL)
      print_error("docs/events.md lists id %u, messages.mc does not\n",
                  doc.rows[i].id);
    assert_non_null(ed_find(mc, (size_t)nmc, doc.rows[i].id));
  }
  for (i = 0; i < doc.ntexts; i++)
    assert_non_null(ed_find(mc, (size_t)nmc, doc.texts[i].id));
}

/* How many inserts the writer (adapters/eventlog.c) gives each id. */
static unsigned inserts_of(unsigned id) {
  if (id >= 200 || id == 121) return VG_ALERT_NINSERTS;
  if (id >= 110 && id <= 113) return 5;
  if (id == 106 || id == 107 || id == 108 || id == 120) return 2;
  return id >= 100 ? 1 : 0;
}

/* Each message uses only the inserts it is given: a text asking for more
 * would show a raw "%7" in Event Viewer. */
static void texts_use_only_filled_inserts(void **st) {
  int i;
  (void)st;
  for (i = 0; i < nmc; i++) {
    const char *p = mc[i].text;
    unsigned max = inserts_of(mc[i].id);
    for (; (p = strchr(p, '%')) != NULL; p++) {
      if (p[1] >= '0' && p[1] <= '9') {
        unsigned k = (unsigned)(p[1] - '0');
        if (p[2] >= '0' && p[2] <= '9') k = k * 10 + (unsigned)(p[2] - '0');
        if (k > max)
          print_error("id %u uses %%%u, only %u inserts are given\n", mc[i].id,
                      k, max);
        assert_true(k >= 1 && k <= max);
      } else {
        /* Only the escapes FormatMessage knows. */
        assert_non_null(strchr("n%0.!tbr ", p[1]));
        p++;
      }
    }
  }
}

static void ids_and_levels_are_the_contract(void **st) {
  static const struct {
    unsigned id;
    const char *level;
  } want[] = {{100, "Information"}, {101, "Information"}, {102, "Information"},
              {103, "Warning"},     {104, "Warning"},     {105, "Error"},
              {200, "Warning"},     {201, "Error"},       {202, "Information"},
              {203, "Warning"},     {204, "Warning"},     {205, "Information"},
              {206, "Warning"},     {207, "Error"},       {208, "Warning"},
              {106, "Warning"},     {107, "Information"}, {108, "Warning"},
              {110, "Information"}, {111, "Warning"},     {112, "Error"},
              {113, "Information"}, {120, "Information"}, {121, "Warning"},
              {1062, "Error"}};
  size_t i;
  (void)st;
  for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
    const ed_msg_t *m = ed_find(mc, (size_t)nmc, want[i].id);
    assert_non_null(m);
    assert_string_equal(m->level, want[i].level);
  }
  assert_int_equal(ed_full_id(ed_find(mc, (size_t)nmc, 201)), 0xC00000C9ul);
}

/* The four ids of probe `number` exist with the contract's levels, and
 * their texts name the probe. */
static void assert_probe_ids(unsigned number, const char *id) {
  static const char *const level[] = {"Information", "Warning", "Error",
                                      "Warning"};
  char name[64];
  unsigned k;
  snprintf(name, sizeof(name), "(%s)", id);
  for (k = 0; k < 4; k++) {
    unsigned want = 1000 + 10 * number + k;
    const ed_msg_t *m = ed_find(mc, (size_t)nmc, want);
    if (m == NULL || strstr(m->text, name) == NULL)
      print_error("probe %u %s: id %u missing from messages.mc or its text "
                  "does not name %s (run tools/gen_messages.py)\n",
                  number, id, want, name);
    assert_non_null(m);
    assert_string_equal(m->level, level[k]);
    assert_non_null(strstr(m->text, name));
  }
}

static const ed_probe_t *doc_probe(unsigned number) {
  size_t i;
  for (i = 0; i < doc.nprobes; i++)
    if (doc.probes[i].number == number) return &doc.probes[i];
  return NULL;
}

/* Every probe Vigil runs: its ids, and its row in the per-probe table of
 * docs/events.md (number, id, scope, the four ids). */
static void every_probe_in_the_table_has_its_ids(void **st) {
  size_t i;
  unsigned k;
  (void)st;
  assert_true(vg_nprobes > 0);
  for (i = 0; i < vg_nprobes; i++) {
    const vg_probe_t *p = vg_probes[i];
    const ed_probe_t *row = doc_probe(p->number);
    assert_true(p->number >= 1 && p->number <= 99);
    assert_probe_ids(p->number, p->id);
    if (row == NULL)
      print_error("docs/events.md has no per-probe row for %u %s\n", p->number,
                  p->id);
    assert_non_null(row);
    assert_string_equal(row->id, p->id);
    assert_string_equal(row->scope, vg_scope_name(p->scope));
    for (k = 0; k < 4; k++)
      assert_int_equal(row->ids[k], 1000 + 10 * p->number + k);
  }
}

/* Per-probe ids exist only for numbers docs/events.md lists, and nothing
 * else lives in 1000-1999. */
static void no_per_probe_id_without_a_probe(void **st) {
  int i;
  (void)st;
  assert_true(doc.nprobes >= vg_nprobes);
  for (i = 0; i < nmc; i++) {
    const ed_probe_t *row;
    if (mc[i].id < 1000 || mc[i].id > 1999) continue;
    row = doc_probe((mc[i].id - 1000) / 10);
    assert_non_null(row);
    assert_true(mc[i].id % 10 <= 3);
  }
  assert_int_equal((size_t)nmc, 17 + 9 + 4 * doc.nprobes);
}

/* The contract: every number of interface.md's probe table - probes other
 * parts are still writing included - has its ids, and docs/events.md's
 * table is the same table. */
static void every_number_in_interface_md_has_its_ids(void **st) {
  ed_probe_t ip[ED_PROBES_MAX];
  char err[300];
  int n, i;
  (void)st;
  n = ed_parse_interface(VG_INTERFACE_MD, ip, ED_PROBES_MAX, err, sizeof(err));
  if (n < 0) {
    print_message("interface.md not found (%s): checked against the table "
                  "in docs/events.md only\n",
                  err);
    skip();
  }
  assert_true(n >= 22);
  assert_int_equal((size_t)n, doc.nprobes);
  for (i = 0; i < n; i++) {
    const ed_probe_t *row = doc_probe(ip[i].number);
    if (row == NULL)
      print_error("interface.md probe %u %s is not in docs/events.md (run "
                  "tools/gen_messages.py)\n",
                  ip[i].number, ip[i].id);
    assert_non_null(row);
    assert_string_equal(row->id, ip[i].id);
    assert_string_equal(row->scope, ip[i].scope);
    assert_probe_ids(ip[i].number, ip[i].id);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_message_is_documented),
      cmocka_unit_test(nothing_documented_that_does_not_exist),
      cmocka_unit_test(texts_use_only_filled_inserts),
      cmocka_unit_test(ids_and_levels_are_the_contract),
      cmocka_unit_test(every_probe_in_the_table_has_its_ids),
      cmocka_unit_test(no_per_probe_id_without_a_probe),
      cmocka_unit_test(every_number_in_interface_md_has_its_ids),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
