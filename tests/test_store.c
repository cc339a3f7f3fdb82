/* test_store.c: the SQLite store - fresh database, reopen, forward
 * migration, a crash between cycles, a damaged file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fs_kit.h"
#include "store.h"
#include "store_kit.h"
#include "vg.h"

#include <sqlite3.h>
#include <uv.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void rm(const char *p) {
  uv_fs_t req;
  uv_fs_unlink(NULL, &req, p, NULL);
  uv_fs_req_cleanup(&req);
}

static vg_store_t *open_ok(void) { return sk_open(sk_db); }

static void add_cycle(vg_store_t *s, int64_t ts, const char *status) {
  vg_sample_t smp = {"scratch.space", ts, status, "summary", "{\"a\":1}", 3};
  vg_state_t stt = {"scratch.space", status,          "summary",
                    "remedy",        "[\"0x1FC07\"]", "{\"a\":1}",
                    "{\"base\":2}",  ts - 5,          ts};
  vg_change_t ch = {0,   "scratch.space", ts,  "ok", status, ts - 100,
                    100, "changed",       "{}"};
  assert_int_equal(vg_store_begin(s), 0);
  assert_int_equal(vg_store_add_sample(s, &smp), 0);
  assert_int_equal(vg_store_put_state(s, &stt), 0);
  assert_int_equal(vg_store_add_change(s, &ch), 0);
  assert_int_equal(vg_store_commit(s), 0);
}

static int count_cb(const vg_sample_t *x, void *ud) {
  (void)x;
  ++*(int *)ud;
  return 0;
}

static int count_changes_cb(const vg_change_t *x, void *ud) {
  (void)x;
  ++*(int *)ud;
  return 0;
}

typedef struct seen_s {
  int n;
  char status[16], memo[64], predicts[64];
  int64_t since;
} seen_t;

static int state_cb(const vg_state_t *v, void *ud) {
  seen_t *s = ud;
  s->n++;
  snprintf(s->status, sizeof(s->status), "%s", v->status);
  snprintf(s->memo, sizeof(s->memo), "%s", v->memo_json);
  snprintf(s->predicts, sizeof(s->predicts), "%s", v->predicts_json);
  s->since = v->since_ms;
  return 0;
}

static void fresh_then_reopen(void **st) {
  vg_store_t *s;
  seen_t seen;
  int n = 0;
  (void)st;
  s = open_ok();
  assert_int_equal(vg_store_schema_from(s), 0);
  add_cycle(s, 1000, "warn");
  add_cycle(s, 2000, "crit");
  vg_store_close(s);

  s = open_ok();
  assert_int_equal(vg_store_schema_from(s), VG_STORE_SCHEMA_VERSION);
  memset(&seen, 0, sizeof(seen));
  assert_int_equal(vg_store_load_states(s, state_cb, &seen), 0);
  assert_int_equal(seen.n, 1);
  assert_string_equal(seen.status, "crit");
  assert_string_equal(seen.memo, "{\"base\":2}");
  assert_string_equal(seen.predicts, "[\"0x1FC07\"]");
  assert_int_equal(seen.since, 1995);
  assert_int_equal(vg_store_history(s, "scratch.space", 0, 100, count_cb, &n),
                   0);
  assert_int_equal(n, 2);
  n = 0;
  assert_int_equal(
      vg_store_history(s, "scratch.space", 1500, 100, count_cb, &n), 0);
  assert_int_equal(n, 1);
  n = 0;
  assert_int_equal(vg_store_changes(s, NULL, 0, 100, count_changes_cb, &n), 0);
  assert_int_equal(n, 2);
  n = 0;
  assert_int_equal(
      vg_store_changes(s, "other.probe", 0, 100, count_changes_cb, &n), 0);
  assert_int_equal(n, 0);
  assert_int_equal(vg_store_prune(s, 1500), 0);
  n = 0;
  vg_store_history(s, "scratch.space", 0, 100, count_cb, &n);
  assert_int_equal(n, 1);
  vg_store_close(s);
}

static void migrates_version_1(void **st) {
  vg_store_t *s;
  seen_t seen;
  (void)st;
  /* A database as Vigil 0.1 schema 1 left it, with one state row. */
  sk_exec(sk_db, "CREATE TABLE samples (id INTEGER PRIMARY KEY, probe TEXT "
                 "NOT NULL, ts INTEGER NOT NULL, status TEXT NOT NULL, "
                 "summary TEXT NOT NULL, facts TEXT NOT NULL, duration_ms "
                 "INTEGER NOT NULL DEFAULT 0);"
                 "CREATE INDEX samples_probe_ts ON samples(probe, ts);"
                 "CREATE INDEX samples_ts ON samples(ts);"
                 "CREATE TABLE state (probe TEXT PRIMARY KEY, status TEXT "
                 "NOT NULL, summary TEXT NOT NULL, remedy TEXT NOT NULL, "
                 "predicts TEXT NOT NULL, facts TEXT NOT NULL, since "
                 "INTEGER NOT NULL, checked INTEGER NOT NULL);"
                 "CREATE TABLE changes (id INTEGER PRIMARY KEY, probe TEXT "
                 "NOT NULL, ts INTEGER NOT NULL, old_status TEXT NOT NULL, "
                 "new_status TEXT NOT NULL, old_since INTEGER NOT NULL, "
                 "duration_ms INTEGER NOT NULL, summary TEXT NOT NULL, "
                 "facts TEXT NOT NULL);"
                 "CREATE INDEX changes_ts ON changes(ts);"
                 "INSERT INTO state VALUES ('scratch.space', 'warn', 's', "
                 "'r', '[]', '{}', 10, 20);"
                 "PRAGMA user_version = 1;");
  s = open_ok();
  assert_int_equal(vg_store_schema_from(s), 1);
  memset(&seen, 0, sizeof(seen));
  vg_store_load_states(s, state_cb, &seen);
  assert_int_equal(seen.n, 1);
  assert_string_equal(seen.status, "warn");
  assert_string_equal(seen.memo, "{}");
  add_cycle(s, 3000, "ok"); /* the new column is writable */
  vg_store_close(s);
}

static void refuses_newer_schema(void **st) {
  vg_store_t *s = NULL;
  char note[300], err[300];
  (void)st;
  sk_exec(sk_db, "PRAGMA user_version = 99");
  assert_int_equal(
      vg_store_open(sk_db, &s, note, sizeof(note), err, sizeof(err)),
      VG_ESTORE);
  assert_null(s);
  assert_non_null(strstr(err, "newer than this Vigil"));
}

/* The support bundle's reader: never creates, migrates or writes. */
static void readonly_reads_and_never_writes(void **st) {
  vg_store_t *s = NULL, *ro = NULL;
  uv_fs_t req;
  char err[1300];
  int n = 0;
  vg_sample_t smp = {"scratch.space", 9000, "ok", "x", "{}", 1};
  (void)st;
  /* no file: an error naming it, and still no file */
  assert_int_equal(vg_store_open_readonly(sk_db, &ro, err, sizeof(err)),
                   VG_ESTORE);
  assert_null(ro);
  assert_non_null(strstr(err, "cannot read "));
  assert_non_null(strstr(err, "vigil.db"));
  assert_true(uv_fs_stat(NULL, &req, sk_db, NULL) < 0);
  uv_fs_req_cleanup(&req);

  s = open_ok();
  add_cycle(s, 1000, "warn");
  add_cycle(s, 2000, "crit");
  vg_store_close(s);
  assert_int_equal(vg_store_open_readonly(sk_db, &ro, err, sizeof(err)), 0);
  assert_int_equal(vg_store_history(ro, "scratch.space", 0, 10, count_cb, &n),
                   0);
  assert_int_equal(n, 2);
  n = 0;
  assert_int_equal(vg_store_changes(ro, NULL, 0, 10, count_changes_cb, &n), 0);
  assert_int_equal(n, 2);
  assert_int_not_equal(vg_store_add_sample(ro, &smp), 0);
  vg_store_close(ro);

  /* an older schema is not migrated by a reader: it says what to do */
  sk_exec(sk_db, "PRAGMA user_version = 1");
  assert_int_equal(vg_store_open_readonly(sk_db, &ro, err, sizeof(err)),
                   VG_ESTORE);
  assert_non_null(strstr(err, "schema version 1"));
  assert_non_null(strstr(err, "start the service once"));
}

static void crash_loses_only_current_cycle(void **st) {
  vg_store_t *s;
  vg_sample_t smp = {"scratch.space", 5000, "crit", "lost", "{}", 1};
  int n = 0;
  (void)st;
  s = open_ok();
  add_cycle(s, 4000, "warn");
  /* The next cycle is half written when the process dies: the transaction
   * never commits. Closing without commit stands in for the crash. */
  assert_int_equal(vg_store_begin(s), 0);
  assert_int_equal(vg_store_add_sample(s, &smp), 0);
  vg_store_close(s);
  s = open_ok();
  vg_store_history(s, "scratch.space", 0, 100, count_cb, &n);
  assert_int_equal(n, 1);
  vg_store_close(s);
}

static void damaged_file_is_moved_aside(void **st) {
  FILE *f;
  vg_store_t *s = NULL;
  char note[600], err[300], aside[700];
  (void)st;
  f = fopen(sk_db, "wb");
  assert_non_null(f);
  fputs("this is not an SQLite database, it is a text file that someone "
        "copied over vigil.db; the header check must notice it.........",
        f);
  fclose(f);
  assert_int_equal(
      vg_store_open(sk_db, &s, note, sizeof(note), err, sizeof(err)), 0);
  assert_non_null(s);
  assert_non_null(strstr(note, "was damaged"));
  /* The damaged file is kept for support. */
  assert_non_null(strstr(note, ".corrupt-"));
  snprintf(aside, sizeof(aside), "%s", strstr(note, "kept as ") + 8);
  *strstr(aside, " and a new") = '\0';
  f = fopen(aside, "rb");
  assert_non_null(f);
  fclose(f);
  add_cycle(s, 6000, "ok");
  vg_store_close(s);
}

/* ------------------------------------------------ faults (issue 16) */

static int history_n(vg_store_t *s) {
  int n = 0;
  assert_int_equal(vg_store_history(s, "scratch.space", 0, 1000, count_cb, &n),
                   0);
  return n;
}

/* Closes s, opens the database again and asserts it holds n samples. */
static void reopened_has(vg_store_t *s, int n) {
  vg_store_close(s);
  s = open_ok();
  assert_int_equal(history_n(s), n);
  vg_store_close(s);
}

/* The database deleted while Vigil runs: before, records went on into the
 * deleted file and the history was gone at restart. Now the next write
 * transaction finds it gone, makes it again with all it held, and says so
 * once. Windows refuses to delete a file SQLite holds open. */
static void deleted_database_is_made_again_nothing_lost(void **st) {
  vg_store_t *s;
  char note[700], side[700];
  uv_fs_t req;
  int rc;
  (void)st;
  s = open_ok();
  add_cycle(s, 1000, "warn");
  add_cycle(s, 2000, "crit");
  assert_int_equal(vg_store_check_file(s, note, sizeof(note)), 0);
  rc = uv_fs_unlink(NULL, &req, sk_db, NULL);
  uv_fs_req_cleanup(&req);
#ifdef _WIN32
  assert_true(rc != 0); /* sharing mode: no delete while open */
  vg_store_close(s);
  return;
#endif
  assert_int_equal(rc, 0);
  snprintf(side, sizeof(side), "%s-wal", sk_db);
  rm(side);
  snprintf(side, sizeof(side), "%s-shm", sk_db);
  rm(side);
  /* The next cycle: begin notices, the caller hears it once. */
  add_cycle(s, 3000, "ok");
  assert_int_equal(vg_store_check_file(s, note, sizeof(note)), 1);
  printf("note: %s\n", note);
  assert_non_null(strstr(note, "was deleted"));
  assert_non_null(strstr(note, sk_db));
  assert_int_equal(vg_store_check_file(s, note, sizeof(note)), 0);
  assert_string_equal(vg_store_state(s), "ok");
  add_cycle(s, 4000, "warn");
  /* At restart every record is there. */
  reopened_has(s, 4);
}

/* The same with the data folder gone too, found by the caller's check
 * before begin. */
static void deleted_data_folder_is_made_again(void **st) {
  vg_store_t *s;
  char note[700];
  uv_fs_t req;
  (void)st;
  s = open_ok();
  add_cycle(s, 1000, "warn");
#ifdef _WIN32
  vg_store_close(s);
  return;
#endif
  fk_rmtree(sk_dir);
  assert_true(uv_fs_stat(NULL, &req, sk_dir, NULL) < 0); /* gone */
  uv_fs_req_cleanup(&req);
  assert_int_equal(vg_store_check_file(s, note, sizeof(note)), 1);
  add_cycle(s, 2000, "ok");
  reopened_has(s, 2);
}

/* Another database copied over vigil.db: Vigil records into the new one
 * from the next cycle on. */
static void replaced_database_is_used(void **st) {
  vg_store_t *s, *other;
  char note[700], err[300], odb[700];
  uv_fs_t req;
  int rc;
  (void)st;
  snprintf(odb, sizeof(odb), "%s/other.db", sk_dir);
  assert_int_equal(
      vg_store_open(odb, &other, note, sizeof(note), err, sizeof(err)), 0);
  add_cycle(other, 500, "ok");
  vg_store_close(other);
  s = open_ok();
  add_cycle(s, 1000, "warn");
  add_cycle(s, 2000, "crit");
  rc = uv_fs_rename(NULL, &req, odb, sk_db, NULL);
  uv_fs_req_cleanup(&req);
#ifdef _WIN32
  assert_true(rc != 0); /* no replacing an open file either */
  vg_store_close(s);
  return;
#endif
  assert_int_equal(rc, 0);
  assert_int_equal(vg_store_check_file(s, note, sizeof(note)), 1);
  printf("note: %s\n", note);
  assert_non_null(strstr(note, "replaced"));
  add_cycle(s, 3000, "ok");
  assert_int_equal(history_n(s), 2); /* the new file's one and ours */
  vg_store_close(s);
}

/* Another program holds the database (a second connection here; SQLite
 * locks between connections of one process as between processes): the
 * loop's writes fail at once with VG_ELOCKED, never waiting (each used to
 * wait 2 s, and history/events flush first), reads go on, and writing
 * works again once it lets go. */
static void locked_database_fails_at_once(void **st) {
  vg_store_t *s;
  sqlite3 *other = NULL;
  vg_sample_t smp = {"scratch.space", 9000, "ok", "s", "{}", 1};
  uint64_t t0;
  int n = 0;
  (void)st;
  s = open_ok();
  add_cycle(s, 1000, "warn");
  assert_int_equal(sqlite3_open(sk_db, &other), SQLITE_OK);
  assert_int_equal(sqlite3_exec(other, "BEGIN EXCLUSIVE", NULL, NULL, NULL),
                   SQLITE_OK);
  t0 = uv_hrtime();
  assert_int_equal(vg_store_begin(s), VG_ELOCKED);
  assert_true((uv_hrtime() - t0) / 1000000u < 1000);
  assert_string_equal(vg_store_state(s), "locked");
  assert_string_equal(vg_store_errmsg(s), "database is locked");
  vg_store_rollback(s);
  /* Reads go on meanwhile: WAL readers never wait for a writer. */
  t0 = uv_hrtime();
  assert_int_equal(vg_store_history(s, "scratch.space", 0, 10, count_cb, &n),
                   0);
  assert_int_equal(n, 1);
  assert_true((uv_hrtime() - t0) / 1000000u < 1000);
  sqlite3_close(other);
  /* Let go: the next cycle goes through. */
  assert_int_equal(vg_store_begin(s), 0);
  assert_int_equal(vg_store_add_sample(s, &smp), 0);
  assert_int_equal(vg_store_commit(s), 0);
  assert_string_equal(vg_store_state(s), "ok");
  assert_int_equal(history_n(s), 2);
  vg_store_close(s);
}

/* Pages for answers too large for one response: a callback that stops
 * after a page's worth, the last row as the cursor, the next page after
 * it - every row once, newest first, even with rows sharing a time and a
 * row added between pages. */
typedef struct page_s {
  int max, n;
  vg_store_cursor_t last;
  int64_t seen[64];
  int nseen;
} page_t;

/* A row of a page: the cursor moves to it; 1 (stop) once max came. */
static int page_row(page_t *p, int64_t ts_ms, int64_t id) {
  p->last.ts_ms = ts_ms;
  p->last.id = id;
  p->seen[p->nseen++] = id;
  return ++p->n >= p->max;
}

static int page_sample_cb(const vg_sample_t *x, void *ud) {
  return page_row(ud, x->ts_ms, x->id);
}

static int page_change_cb(const vg_change_t *x, void *ud) {
  return page_row(ud, x->ts_ms, x->id);
}

/* Issue 17: a check that finds what the last sample holds extends that row;
 * history reads back every check (the row's count and last time), and the
 * WAL can be truncated. */
typedef struct rep_s {
  int rows;
  int64_t checks, last;
} rep_t;

static int rep_cb(const vg_sample_t *smp, void *ud) {
  rep_t *r = ud;
  r->rows++;
  r->checks += smp->repeats + 1;
  if (r->rows == 1) r->last = smp->last_ts_ms;
  return 0;
}

static void repeated_checks_extend_one_row(void **st) {
  vg_store_t *s = open_ok();
  vg_sample_t smp = {"scratch.space", 1000, "ok", "same", "{\"a\":1}", 3};
  rep_t r = {0, 0, 0};
  (void)st;
  assert_int_equal(vg_store_begin(s), 0);
  assert_int_equal(vg_store_add_sample(s, &smp), 0);
  assert_int_equal(vg_store_repeat_sample(s, "scratch.space", 2000, 4), 0);
  assert_int_equal(vg_store_repeat_sample(s, "scratch.space", 3000, 5), 0);
  smp.ts_ms = 4000;
  smp.summary = "different";
  assert_int_equal(vg_store_add_sample(s, &smp), 0);
  assert_int_equal(vg_store_commit(s), 0);
  assert_int_equal(vg_store_checkpoint(s), 0);
  assert_int_equal(vg_store_history(s, "scratch.space", 0, 100, rep_cb, &r), 0);
  assert_int_equal(r.rows, 2);
  assert_int_equal(r.checks, 4); /* every check is there */
  assert_int_equal(r.last, 0);   /* the newest row was not repeated */
  vg_store_close(s);
}

/* The recorder's path: the row kept from the insert is extended without a
 * search; a row id that is not the probe's (or gone) says so. */
static void repeats_by_row_id(void **st) {
  vg_store_t *s = open_ok();
  vg_sample_t smp = {"scratch.space", 1000, "ok", "same", "{\"a\":1}", 3};
  vg_sample_t other = {"vss.storage", 1500, "ok", "x", "{}", 1};
  rep_t r = {0, 0, 0};
  int64_t row;
  (void)st;
  assert_int_equal(vg_store_begin(s), 0);
  assert_int_equal(vg_store_add_sample(s, &smp), 0);
  row = vg_store_sample_row(s);
  assert_true(row > 0);
  assert_int_equal(vg_store_add_sample(s, &other), 0);
  assert_int_equal(
      vg_store_repeat_sample_row(s, row, "scratch.space", 2000, 4), 0);
  assert_int_equal(
      vg_store_repeat_sample_row(s, row, "scratch.space", 3000, 5), 0);
  /* Another probe's row, or one that does not exist: not touched. */
  assert_int_equal(
      vg_store_repeat_sample_row(s, row, "vss.storage", 3000, 5), VG_ENOENT);
  assert_int_equal(
      vg_store_repeat_sample_row(s, row + 100, "scratch.space", 3000, 5),
      VG_ENOENT);
  assert_int_equal(vg_store_commit(s), 0);
  assert_int_equal(vg_store_history(s, "scratch.space", 0, 100, rep_cb, &r), 0);
  assert_int_equal(r.rows, 1);
  assert_int_equal(r.checks, 3);
  assert_int_equal(r.last, 3000);
  memset(&r, 0, sizeof(r));
  assert_int_equal(vg_store_history(s, "vss.storage", 0, 100, rep_cb, &r), 0);
  assert_int_equal(r.checks, 1);
  vg_store_close(s);
}

static void pages_cover_every_row_once(void **st) {
  vg_store_t *s;
  page_t pg;
  vg_store_cursor_t c;
  char text[64];
  int i, k, pages = 0;
  (void)st;
  s = open_ok();
  for (i = 0; i < 25; i++)
    add_cycle(s, 1000 + (i / 3) * 10, "ok"); /* three rows per time */
  memset(&pg, 0, sizeof(pg));
  for (;;) {
    int before = pg.nseen;
    pg.n = 0;
    pg.max = 10;
    assert_int_equal(vg_store_history_after(s, "scratch.space", 0,
                                            pages ? &pg.last : NULL, 1000,
                                            page_sample_cb, &pg),
                     0);
    pages++;
    if (pages == 1) add_cycle(s, 5000, "warn"); /* newer: not in these */
    if (pg.nseen - before < 10) break;
  }
  assert_int_equal(pages, 3);
  assert_int_equal(pg.nseen, 25);
  for (i = 0; i < 25; i++)
    for (k = i + 1; k < 25; k++)
      assert_true(pg.seen[i] != pg.seen[k]);
  /* The same for state changes. */
  memset(&pg, 0, sizeof(pg));
  for (pages = 0;; pages++) {
    int before = pg.nseen;
    pg.n = 0;
    pg.max = 7;
    assert_int_equal(vg_store_changes_after(
                         s, pages % 2 ? "scratch.space" : NULL, 0,
                         pages ? &pg.last : NULL, 1000, page_change_cb, &pg),
                     0);
    if (pg.nseen - before < 7) break;
  }
  assert_int_equal(pg.nseen, 26);
  vg_store_close(s);
  /* The cursor as protocol text. */
  c.ts_ms = 1764000000000;
  c.id = 1234;
  vg_store_cursor_format(&c, text, sizeof(text));
  assert_string_equal(text, "1764000000000.1234");
  memset(&c, 0, sizeof(c));
  assert_int_equal(vg_store_cursor_parse(text, &c), 0);
  assert_int_equal(c.ts_ms, 1764000000000);
  assert_int_equal(c.id, 1234);
  assert_int_equal(vg_store_cursor_parse("12", &c), VG_EINVAL);
  assert_int_equal(vg_store_cursor_parse("1.2x", &c), VG_EINVAL);
  assert_int_equal(vg_store_cursor_parse("-1.2", &c), VG_EINVAL);
  assert_int_equal(vg_store_cursor_parse(NULL, &c), VG_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      sk_test(fresh_then_reopen),
      sk_test(migrates_version_1),
      sk_test(refuses_newer_schema),
      sk_test(readonly_reads_and_never_writes),
      sk_test(crash_loses_only_current_cycle),
      sk_test(deleted_database_is_made_again_nothing_lost),
      sk_test(deleted_data_folder_is_made_again),
      sk_test(replaced_database_is_used),
      sk_test(locked_database_fails_at_once),
      sk_test(repeated_checks_extend_one_row),
      sk_test(repeats_by_row_id),
      sk_test(pages_cover_every_row_once),
      sk_test(damaged_file_is_moved_aside),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
