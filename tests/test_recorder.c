/* test_recorder.c: what the recorder writes (issue 17's write path) - a
 * check that found the same writes no state row and the store still knows
 * when it was checked; forecasts refilled exactly after a restart, with
 * and without deduplication; small pages
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
#include "trend_history.h"
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
                  const char *facts) {
  vg_finding_t f;
  memset(&f, 0, sizeof(f));
  f.status = VG_ST_OK;
  vg_strlcpy(f.summary, summary, sizeof(f.summary));
  vg_recorder_sample(g->rec, probe, ts, &f, facts, 3);
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
    check(&g, "mars.engine", ts, "running", "{\"state\":\"running\"}");
  assert_int_equal(
      sk_int(sk_db, "SELECT count(*) FROM samples WHERE probe='mars.engine'"),
      1);
  assert_int_equal(sk_int(sk_db, "SELECT repeats FROM samples"), 4);
  /* Not rewritten for checks 2..5: the row still holds the first time. */
  assert_int_equal(sk_int(sk_db, "SELECT checked FROM state"), 1000);
  assert_int_equal(loaded_checked(g.store), 5000);
  check(&g, "mars.engine", 6000, "stopped", "{\"state\":\"stopped\"}");
  assert_int_equal(sk_int(sk_db, "SELECT checked FROM state"), 6000);
  rig_close(&g);
  /* After a restart the first state is written in full again. */
  rig_open(&g);
  assert_int_equal(loaded_checked(g.store), 6000);
  check(&g, "mars.engine", 7000, "stopped", "{\"state\":\"stopped\"}");
  assert_int_equal(sk_int(sk_db, "SELECT checked FROM state"), 7000);
  rig_close(&g);
}

#define HOUR_MS ((int64_t)3600 * 1000)
#define WINDOW_MS (7 * 24 * HOUR_MS)

/* Three days of scratch.space every 5 minutes, free space falling an
 * hour at a time (eleven checks of each hour find the same facts, which
 * the store keeps as repeats when dedup is on). The forecast the running
 * agent had, and the one refilled from the store after a restart.
 * Returns the refilled one in *after, the live one in *live. */
static void forecast_through_restart(int dedup, vg_forecast_t *live,
                                     vg_forecast_t *after) {
  const vg_probe_t *p = vg_probe_find("scratch.space");
  const int64_t t0 = 1767225600000, backup = (int64_t)200 << 30;
  vg_trend_t ring, seeded;
  rig_t g;
  int64_t ts = t0, end = t0 + 72 * HOUR_MS, k = 0;
  double level = 0;
  char facts[200];
  rig_open(&g);
  vg_trend_init(&ring, WINDOW_MS / VG_TREND_POINTS);
  for (; ts < end; ts += 5 * 60 * 1000, k++) {
    int64_t free_b = ((int64_t)60 << 30) - (k / 12) * ((int64_t)200 << 20);
    vg_facts_t f;
    double v;
    snprintf(facts, sizeof(facts),
             "{\"free_bytes\":%lld,\"backup_bytes\":%lld,\"check\":%lld}",
             (long long)free_b, (long long)backup, (long long)(dedup ? 0 : k));
    vg_facts_init(&f);
    vg_facts_set_int(&f, "free_bytes", free_b);
    vg_facts_set_int(&f, "backup_bytes", backup);
    assert_int_equal(p->trend(&f, &p->th, &v, &level), 0);
    vg_facts_reset(&f);
    check(&g, p->id, ts, "free", facts);
    vg_trend_history_add(&ring, g.rec, p->id, ts, v);
    assert_int_equal(vg_recorder_flush(g.rec, ts), 0);
  }
  vg_forecast(&ring, ts, WINDOW_MS, 3, HOUR_MS, level, live);
  rig_close(&g);
  /* A new start: the ring from the store alone. */
  rig_open(&g);
  vg_trend_init(&seeded, WINDOW_MS / VG_TREND_POINTS);
  assert_true(vg_trend_history_seed(&seeded, g.store, g.rec, p, &p->th,
                                    ts - WINDOW_MS) > 10);
  vg_forecast(&seeded, ts, WINDOW_MS, 3, HOUR_MS, level, after);
  rig_close(&g);
  assert_int_equal(sk_int(sk_db, dedup ? "SELECT count(*) < 100 FROM samples"
                                       : "SELECT count(*) > 800 FROM samples"),
                   1);
  sk_teardown(NULL);
  sk_setup(NULL);
}

static void same_forecast(const vg_forecast_t *a, const vg_forecast_t *b) {
  assert_int_equal(a->valid, b->valid);
  assert_int_equal(a->points, b->points);
  assert_int_equal(a->span_ms, b->span_ms);
  assert_true(a->slope_per_h == b->slope_per_h);
  assert_int_equal(a->eta_ms, b->eta_ms);
}

/* Issue 17: forecasts are identical with and without deduplication, and
 * a restart refills them exactly (the trend points are stored as the
 * ring took them, not re-derived from samples that dedup thinned). */
static void forecasts_identical_with_and_without_dedup(void **st) {
  vg_forecast_t live_d, after_d, live_n, after_n;
  (void)st;
  forecast_through_restart(1, &live_d, &after_d);
  forecast_through_restart(0, &live_n, &after_n);
  assert_true(live_d.valid && live_d.eta_ms > 0);
  same_forecast(&live_d, &after_d);
  same_forecast(&live_n, &after_n);
  same_forecast(&live_d, &live_n);
}

/* A database from before the trend table (Vigil with schema 4): the
 * first start computes the points from the samples' facts and records
 * them, so the next start reads them without parsing anything. */
static void older_database_trend_from_facts_once(void **st) {
  const vg_probe_t *p = vg_probe_find("scratch.space");
  rig_t g;
  vg_trend_t t;
  int64_t ts;
  char facts[160];
  (void)st;
  rig_open(&g);
  for (ts = 0; ts < 10; ts++) {
    snprintf(facts, sizeof(facts),
             "{\"free_bytes\":%lld,\"backup_bytes\":1000000}",
             (long long)(900000 - ts * 1000));
    check(&g, p->id, 1000 + ts * HOUR_MS, "free", facts);
  }
  rig_close(&g);
  assert_int_equal(sk_int(sk_db, "SELECT count(*) FROM trend"), 0);
  rig_open(&g);
  vg_trend_init(&t, WINDOW_MS / VG_TREND_POINTS);
  assert_int_equal(vg_trend_history_seed(&t, g.store, g.rec, p, &p->th, 0), 10);
  assert_true(t.pts[0].v == 900000 && t.pts[9].v == 891000);
  rig_close(&g);
  assert_int_equal(sk_int(sk_db, "SELECT count(*) FROM trend"), 10);
  /* The samples are no longer read: their facts gone, the trend stays. */
  sk_exec(sk_db, "UPDATE samples SET facts = '{}'");
  rig_open(&g);
  vg_trend_init(&t, WINDOW_MS / VG_TREND_POINTS);
  assert_int_equal(vg_trend_history_seed(&t, g.store, g.rec, p, &p->th, 0), 10);
  rig_close(&g);
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
    check(&g, "mars.engine", ts, "running", "{\"state\":\"running\"}");
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
  check(&g, "mars.engine", 1000, "running", "{\"state\":\"running\"}");
  rc = uv_fs_rename(NULL, &req, odb, sk_db, NULL);
  uv_fs_req_cleanup(&req);
  if (rc != 0) { /* Windows: no replacing an open file */
    rig_close(&g);
    return;
  }
  check(&g, "mars.engine", 2000, "running", "{\"state\":\"running\"}");
  rig_close(&g);
  assert_int_equal(sk_int(sk_db, "SELECT count(*) FROM samples"), 1);
  assert_int_equal(sk_int(sk_db, "SELECT ts FROM samples"), 2000);
  assert_int_equal(sk_int(sk_db, "SELECT checked FROM state"), 2000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      sk_test(same_checks_write_no_state_and_keep_checked),
      sk_test(forecasts_identical_with_and_without_dedup),
      sk_test(older_database_trend_from_facts_once),
      sk_test(small_pages_and_older_file_converted),
      sk_test(replaced_database_gets_full_rows),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
