/* test_recorder.c: what the recorder writes (issue 17's write path) - a
 * check that found the same writes no state row and the store still knows
 * when it was checked; trend values stored beside the facts; small pages
 * on a new database and an older one converted; a replaced database gets
 * every probe's rows in full again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fs_kit.h"
#include "recorder.h"
#include "store.h"
#include "store_kit.h"
#include "vg.h"

#include <sqlite3.h>
#include <uv.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  uv_loop_t loop;
  vg_store_t *store;
  vg_recorder_t *rec;
  vg_facts_t memo;
} rig_t;

static void rig_open(rig_t *g) {
  memset(g, 0, sizeof(*g));
  assert_int_equal(uv_loop_init(&g->loop), 0);
  g->store = sk_open(sk_db);
  vg_facts_init(&g->memo);
  assert_int_equal(vg_recorder_init(&g->rec, &g->loop, g->store,
                                    (int64_t)90 * 86400 * 1000, NULL, NULL),
                   0);
}

static void rig_close(rig_t *g) {
  vg_recorder_close(g->rec);
  uv_run(&g->loop, UV_RUN_DEFAULT);
  assert_int_equal(uv_loop_close(&g->loop), 0);
  vg_store_close(g->store);
}

/* One check of probe at ts: its sample and its state (since 1000). */
static void check(rig_t *g, const char *probe, int64_t ts, const char *summary,
                  const char *facts, const double *value) {
  vg_finding_t f;
  memset(&f, 0, sizeof(f));
  f.status = VG_ST_OK;
  vg_strlcpy(f.summary, summary, sizeof(f.summary));
  vg_recorder_sample(g->rec, probe, ts, &f, facts, value, 3);
  vg_recorder_state(g->rec, probe, &f, facts, &g->memo, 1000, ts);
  assert_int_equal(vg_recorder_flush(g->rec, ts), 0);
}

static int checked_cb(const vg_state_t *st, void *ud) {
  if (strcmp(st->probe, "mars.engine") == 0) *(int64_t *)ud = st->checked_ms;
  return 0;
}

static int64_t loaded_checked(vg_store_t *s) {
  int64_t checked = 0;
  assert_int_equal(vg_store_load_states(s, checked_cb, &checked), 0);
  return checked;
}

/* Five checks that found the same: one sample row counting five checks,
 * the state row written once, and a start still reads the last check's
 * time (from the sample). A different finding writes the state again. */
static void same_checks_write_no_state_and_keep_checked(void **st) {
  rig_t g;
  int64_t ts;
  (void)st;
  rig_open(&g);
  for (ts = 1000; ts <= 5000; ts += 1000)
    check(&g, "mars.engine", ts, "running", "{\"state\":\"running\"}", NULL);
  assert_int_equal(
      sk_int(sk_db, "SELECT count(*) FROM samples WHERE probe='mars.engine'"),
      1);
  assert_int_equal(sk_int(sk_db, "SELECT repeats FROM samples"), 4);
  /* Not rewritten for checks 2..5: the row still holds the first time. */
  assert_int_equal(sk_int(sk_db, "SELECT checked FROM state"), 1000);
  assert_int_equal(loaded_checked(g.store), 5000);
  check(&g, "mars.engine", 6000, "stopped", "{\"state\":\"stopped\"}", NULL);
  assert_int_equal(sk_int(sk_db, "SELECT checked FROM state"), 6000);
  rig_close(&g);
  /* After a restart the first state is written in full again. */
  rig_open(&g);
  assert_int_equal(loaded_checked(g.store), 6000);
  check(&g, "mars.engine", 7000, "stopped", "{\"state\":\"stopped\"}", NULL);
  assert_int_equal(sk_int(sk_db, "SELECT checked FROM state"), 7000);
  rig_close(&g);
}

typedef struct {
  int n;
  int has[4];
  double v[4];
  char facts[4][64];
} trend_t;

static int trend_cb(const vg_sample_t *s, void *ud) {
  trend_t *t = ud;
  if (t->n == 4) return 1;
  t->has[t->n] = s->has_value;
  t->v[t->n] = s->value;
  vg_strlcpy(t->facts[t->n], s->facts_json, sizeof(t->facts[0]));
  t->n++;
  return 0;
}

/* A trend value is stored beside the facts and read back without them; a
 * row from before schema 5 (no value) gives its facts to parse. */
static void trend_values_read_without_facts(void **st) {
  rig_t g;
  double v1 = 1.5e9, v2 = 1.25e9;
  trend_t t;
  (void)st;
  rig_open(&g);
  check(&g, "scratch.space", 1000, "free", "{\"free_bytes\":1500000000}", &v1);
  check(&g, "scratch.space", 2000, "free", "{\"free_bytes\":1250000000}", &v2);
  rig_close(&g);
  sk_exec(sk_db, "INSERT INTO samples(probe, ts, status, summary, facts, "
                 "duration_ms) VALUES ('scratch.space', 500, 'ok', 'old', "
                 "'{\"free_bytes\":1}', 1)");
  g.store = sk_open(sk_db);
  memset(&t, 0, sizeof(t));
  assert_int_equal(
      vg_store_trend(g.store, "scratch.space", 0, 10, trend_cb, &t), 0);
  assert_int_equal(t.n, 3);
  assert_true(t.has[0] && t.v[0] == v2 && t.facts[0][0] == '\0');
  assert_true(t.has[1] && t.v[1] == v1 && t.facts[1][0] == '\0');
  assert_false(t.has[2]);
  assert_string_equal(t.facts[2], "{\"free_bytes\":1}");
  vg_store_close(g.store);
}

static int count_cb(const vg_sample_t *s, void *ud) {
  *(int *)ud += 1 + (int)s->repeats;
  return 0;
}

/* Small pages keep a repeated check's write near what it stores; a
 * database made with 4 KiB pages (Vigil 0.1) is converted at open with
 * every row kept. */
static void small_pages_and_older_file_converted(void **st) {
  rig_t g;
  int checks = 0;
  int64_t ts;
  (void)st;
  rig_open(&g);
  for (ts = 1000; ts <= 3000; ts += 1000)
    check(&g, "mars.engine", ts, "running", "{\"state\":\"running\"}", NULL);
  rig_close(&g);
  assert_int_equal(sk_int(sk_db, "PRAGMA page_size"), 512);
  sk_exec(sk_db, "PRAGMA journal_mode = DELETE; PRAGMA page_size = 4096; "
                 "VACUUM; PRAGMA journal_mode = WAL");
  assert_int_equal(sk_int(sk_db, "PRAGMA page_size"), 4096);
  g.store = sk_open(sk_db);
  assert_int_equal(sk_int(sk_db, "PRAGMA page_size"), 512);
  assert_int_equal(
      vg_store_history(g.store, "mars.engine", 0, 100, count_cb, &checks), 0);
  assert_int_equal(checks, 3);
  vg_store_close(g.store);
}

/* The database replaced by another file while running: the next check of
 * a probe that found the same as before is written in full (a row of its
 * own and its state), not as a repeat of a row the new file lacks. */
static void replaced_database_gets_full_rows(void **st) {
  rig_t g;
  vg_store_t *other;
  char odb[700];
  uv_fs_t req;
  int rc;
  (void)st;
  snprintf(odb, sizeof(odb), "%s/other.db", sk_dir);
  other = sk_open(odb);
  vg_store_close(other);
  rig_open(&g);
  check(&g, "mars.engine", 1000, "running", "{\"state\":\"running\"}", NULL);
  rc = uv_fs_rename(NULL, &req, odb, sk_db, NULL);
  uv_fs_req_cleanup(&req);
  if (rc != 0) { /* Windows: no replacing an open file */
    rig_close(&g);
    return;
  }
  check(&g, "mars.engine", 2000, "running", "{\"state\":\"running\"}", NULL);
  rig_close(&g);
  assert_int_equal(sk_int(sk_db, "SELECT count(*) FROM samples"), 1);
  assert_int_equal(sk_int(sk_db, "SELECT ts FROM samples"), 2000);
  assert_int_equal(sk_int(sk_db, "SELECT checked FROM state"), 2000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      sk_test(same_checks_write_no_state_and_keep_checked),
      sk_test(trend_values_read_without_facts),
      sk_test(small_pages_and_older_file_converted),
      sk_test(replaced_database_gets_full_rows),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
