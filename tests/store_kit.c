/* store_kit.c: the store for tests (see store_kit.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "store_kit.h"

#include "fs_kit.h"

#include <sqlite3.h>

#include <stdio.h>

char sk_dir[512], sk_db[600];

int sk_setup(void **st) {
  (void)st;
  assert_int_equal(fk_mkdtemp(sk_dir, sizeof(sk_dir), "vgdb"), 0);
  snprintf(sk_db, sizeof(sk_db), "%s/vigil.db", sk_dir);
  return 0;
}

int sk_teardown(void **st) {
  (void)st;
  fk_rmtree(sk_dir);
  return 0;
}

vg_store_t *sk_open(const char *path) {
  vg_store_t *s = NULL;
  char note[300], err[300];
  int rc = vg_store_open(path, &s, note, sizeof(note), err, sizeof(err));
  if (rc) fprintf(stderr, "open failed: %s\n", err);
  assert_int_equal(rc, 0);
  return s;
}

void sk_exec(const char *path, const char *sql) {
  sqlite3 *d = NULL;
  assert_int_equal(sqlite3_open(path, &d), SQLITE_OK);
  assert_int_equal(sqlite3_exec(d, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(d);
}

int64_t sk_int(const char *path, const char *sql) {
  sqlite3 *d = NULL;
  sqlite3_stmt *st = NULL;
  int64_t v = -1;
  assert_int_equal(sqlite3_open(path, &d), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(d, sql, -1, &st, NULL), SQLITE_OK);
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(d);
  return v;
}
