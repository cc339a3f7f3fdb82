/* test_messages_win.c: the message table inside the built vigil.exe formats
 * every documented id (FormatMessageW, as Event Viewer does) to exactly the
 * text docs/events.md shows, inserts filled in. Windows only. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "eventlog.h"
#include "events_doc.h"
#include "messages.h"
#include "probe.h"
#include "vg_win.h"

#if !defined(VG_SRCDIR) || !defined(VG_VIGIL_EXE)
#error "VG_SRCDIR and VG_VIGIL_EXE must be defined"
#endif

static ed_doc_t doc;
static HMODULE vigil;

static int setup(void **st) {
  (void)st;
  if (ed_load_doc(VG_SRCDIR, &doc) != 0) return -1;
  vigil = LoadLibraryExW(L"" VG_VIGIL_EXE, NULL, LOAD_LIBRARY_AS_DATAFILE);
  if (vigil == NULL) {
    print_error("cannot load %s as data: %lu\n", VG_VIGIL_EXE,
                (unsigned long)GetLastError());
    return -1;
  }
  return 0;
}

static int teardown(void **st) {
  (void)st;
  if (vigil) FreeLibrary(vigil);
  return 0;
}

/* The documented text with inserts replaced and Windows line ends. */
static void expected(const char *doc_text, char ins[][16], char *out,
                     size_t size) {
  size_t o = 0;
  const char *p;
  for (p = doc_text; *p && o + 20 < size; p++) {
    if (*p == '\n') {
      out[o++] = '\r';
      out[o++] = '\n';
    } else if (*p == '%' && p[1] >= '1' && p[1] <= '9') {
      size_t n = strlen(ins[p[1] - '1']);
      memcpy(out + o, ins[p[1] - '1'], n);
      o += n;
      p++;
    } else {
      out[o++] = *p;
    }
  }
  out[o++] = '\r';
  out[o++] = '\n';
  out[o] = '\0';
}

static void every_documented_id_formats_to_its_text(void **st) {
  char ins[VG_ALERT_NINSERTS][16];
  wchar_t wins[VG_ALERT_NINSERTS][16];
  DWORD_PTR args[VG_ALERT_NINSERTS];
  size_t i, k, checked = 0;
  (void)st;
  for (k = 0; k < VG_ALERT_NINSERTS; k++) {
    snprintf(ins[k], sizeof(ins[k]), "<insert %u>", (unsigned)k + 1);
    swprintf(wins[k], 16, L"<insert %u>", (unsigned)k + 1);
    args[k] = (DWORD_PTR)wins[k];
  }
  for (i = 0; i < doc.ntexts; i++) {
    const ed_msg_t *sec = &doc.texts[i];
    const ed_msg_t *row = ed_find(doc.rows, doc.nrows, sec->id);
    wchar_t wbuf[4096];
    char got[8192], want[8192];
    unsigned long id;
    DWORD n;
    assert_non_null(row);
    id = ed_full_id(row);
    n = FormatMessageW(
        FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY, vigil,
        (DWORD)id, MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US), wbuf, 4096,
        (va_list *)args);
    if (n == 0)
      print_error("FormatMessageW(0x%08lX, %s) failed: %lu\n", id, sec->symbol,
                  (unsigned long)GetLastError());
    assert_true(n > 0);
    assert_int_equal(vg_utf8(wbuf, got, sizeof(got)), 0);
    expected(sec->text, ins, want, sizeof(want));
    assert_string_equal(got, want);
    checked++;
  }
  /* 17 of issue 4, 106-121, four per probe of the per-probe table. */
  assert_int_equal(checked, 17 + 9 + 4 * doc.nprobes);
}

/* What the writer passes is what the table holds: the symbols eventlog_win.c
 * uses have the documented ids and levels. */
static void writer_ids_match_the_documentation(void **st) {
  static const struct {
    unsigned long value;
    const char *symbol;
  } used[] = {
      {VG_MSG_STARTED, "VG_MSG_STARTED"},
      {VG_MSG_STOPPING, "VG_MSG_STOPPING"},
      {VG_MSG_STOPPED, "VG_MSG_STOPPED"},
      {VG_MSG_CONFIG, "VG_MSG_CONFIG"},
      {VG_MSG_STORE, "VG_MSG_STORE"},
      {VG_MSG_START_FAILED, "VG_MSG_START_FAILED"},
      {VG_MSG_PROBE_WARN, "VG_MSG_PROBE_WARN"},
      {VG_MSG_PROBE_CRIT, "VG_MSG_PROBE_CRIT"},
      {VG_MSG_PROBE_CLEARED, "VG_MSG_PROBE_CLEARED"},
      {VG_MSG_PROBE_UNKNOWN, "VG_MSG_PROBE_UNKNOWN"},
      {VG_MSG_PROBE_FLAPPING, "VG_MSG_PROBE_FLAPPING"},
      {VG_MSG_PROBE_SETTLED_OK, "VG_MSG_PROBE_SETTLED_OK"},
      {VG_MSG_PROBE_SETTLED_WARN, "VG_MSG_PROBE_SETTLED_WARN"},
      {VG_MSG_PROBE_SETTLED_CRIT, "VG_MSG_PROBE_SETTLED_CRIT"},
      {VG_MSG_PROBE_SETTLED_UNKNOWN, "VG_MSG_PROBE_SETTLED_UNKNOWN"},
      {VG_MSG_STORE_FAILING, "VG_MSG_STORE_FAILING"},
      {VG_MSG_STORE_RECOVERED, "VG_MSG_STORE_RECOVERED"},
      {VG_MSG_RECORDS_DROPPED, "VG_MSG_RECORDS_DROPPED"},
      {VG_MSG_PREFLIGHT_READY, "VG_MSG_PREFLIGHT_READY"},
      {VG_MSG_PREFLIGHT_AT_RISK, "VG_MSG_PREFLIGHT_AT_RISK"},
      {VG_MSG_PREFLIGHT_WILL_FAIL, "VG_MSG_PREFLIGHT_WILL_FAIL"},
      {VG_MSG_BACKUP_OUTCOME, "VG_MSG_BACKUP_OUTCOME"},
      {VG_MSG_SUMMARY, "VG_MSG_SUMMARY"},
      {VG_MSG_REMINDER, "VG_MSG_REMINDER"},
      {VG_MSG_SCRATCH_KEK_CRIT, "VG_MSG_SCRATCH_KEK_CRIT"},
      {VG_CAT_SERVICE, "VG_CAT_SERVICE"},
      {VG_CAT_PROBE, "VG_CAT_PROBE"},
  };
  size_t i;
  (void)st;
  for (i = 0; i < sizeof(used) / sizeof(used[0]); i++) {
    const ed_msg_t *row =
        ed_find(doc.rows, doc.nrows, (unsigned)(used[i].value & 0xFFFF));
    const ed_msg_t *sec =
        ed_find(doc.texts, doc.ntexts, (unsigned)(used[i].value & 0xFFFF));
    assert_non_null(row);
    assert_non_null(sec);
    assert_string_equal(sec->symbol, used[i].symbol);
    assert_int_equal(ed_full_id(row), used[i].value);
  }
}

/* The id the writer computes for each probe and level is a message of
 * vigil.exe that names the probe (what ReportEventW will reference). */
static void per_probe_ids_format_for_every_probe(void **st) {
  static const vg_status_t sts[] = {VG_ST_OK, VG_ST_WARN, VG_ST_CRIT,
                                    VG_ST_UNKNOWN, VG_ST_NA};
  wchar_t ins[VG_ALERT_NINSERTS][16];
  DWORD_PTR args[VG_ALERT_NINSERTS];
  size_t i, k;
  (void)st;
  for (k = 0; k < VG_ALERT_NINSERTS; k++) {
    swprintf(ins[k], 16, L"<insert %u>", (unsigned)k + 1);
    args[k] = (DWORD_PTR)ins[k];
  }
  for (i = 0; i < vg_nprobes; i++)
    for (k = 0; k < VG_ARRAY_SIZE(sts); k++) {
      wchar_t wbuf[4096];
      char got[8192], name[64];
      uint32_t id = vg_events_probe_msgid(vg_probes[i]->number, sts[k]);
      DWORD n = FormatMessageW(
          FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY, vigil,
          id, MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US), wbuf, 4096,
          (va_list *)args);
      if (n == 0)
        print_error("FormatMessageW(0x%08lX) for %s failed: %lu\n",
                    (unsigned long)id, vg_probes[i]->id,
                    (unsigned long)GetLastError());
      assert_true(n > 0);
      assert_int_equal(vg_utf8(wbuf, got, sizeof(got)), 0);
      snprintf(name, sizeof(name), "(%s)", vg_probes[i]->id);
      assert_non_null(strstr(got, name));
    }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_documented_id_formats_to_its_text),
      cmocka_unit_test(writer_ids_match_the_documentation),
      cmocka_unit_test(per_probe_ids_format_for_every_probe),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
