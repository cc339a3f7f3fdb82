/* test_events_doc.c: docs/events.md and adapters/win/messages.mc describe the
 * same events - ids, levels, symbols and texts - and the texts use only the
 * inserts the Event Log writer fills. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "alerts.h"
#include "events_doc.h"

#ifndef VG_SRCDIR
#error "VG_SRCDIR must name the source tree"
#endif

static ed_msg_t mc[ED_MAX];
static int nmc;
static ed_doc_t doc;

static int setup(void **st) {
  char err[256];
  (void)st;
  nmc = ed_parse_mc(VG_SRCDIR "/adapters/win/messages.mc", mc, ED_MAX, err,
                    sizeof(err));
  if (nmc < 0) print_error("%s\n", err);
  if (ed_parse_doc(VG_SRCDIR "/docs/events.md", &doc, err, sizeof(err))) {
    print_error("%s\n", err);
    return -1;
  }
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

/* Lifecycle messages (100-199) get one insert, probe messages six: a text
 * asking for more would show a raw "%7" in Event Viewer. */
static void texts_use_only_filled_inserts(void **st) {
  int i;
  (void)st;
  for (i = 0; i < nmc; i++) {
    const char *p = mc[i].text;
    unsigned max = mc[i].id >= 200 ? VG_ALERT_NINSERTS
                   : mc[i].id >= 100 ? 1
                                     : 0;
    for (; (p = strchr(p, '%')) != NULL; p++) {
      if (p[1] >= '0' && p[1] <= '9') {
        unsigned k = (unsigned)(p[1] - '0');
        if (p[2] >= '0' && p[2] <= '9') k = k * 10 + (unsigned)(p[2] - '0');
        if (k > max)
          print_error("id %u uses %%%u, only %u inserts are given\n",
                      mc[i].id, k, max);
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
              {206, "Warning"},     {207, "Error"},       {208, "Warning"}};
  size_t i;
  (void)st;
  for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
    const ed_msg_t *m = ed_find(mc, (size_t)nmc, want[i].id);
    assert_non_null(m);
    assert_string_equal(m->level, want[i].level);
  }
  assert_int_equal(ed_full_id(ed_find(mc, (size_t)nmc, 201)), 0xC00000C9ul);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_message_is_documented),
      cmocka_unit_test(nothing_documented_that_does_not_exist),
      cmocka_unit_test(texts_use_only_filled_inserts),
      cmocka_unit_test(ids_and_levels_are_the_contract),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
