/* store.c: schema, migrations, writes and queries on SQLite. */
#include "store.h"

#include "vg.h"

#include <errno.h>
#include <stddef.h>
#include <sqlite3.h>
#include <uv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Forward migrations: migrations[i] takes the schema from version i to
 * i + 1. Never edit a shipped step; append a new one. */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE samples ("
    "  id INTEGER PRIMARY KEY,"
    "  probe TEXT NOT NULL,"
    "  ts INTEGER NOT NULL,"
    "  status TEXT NOT NULL,"
    "  summary TEXT NOT NULL,"
    "  facts TEXT NOT NULL,"
    "  duration_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX samples_probe_ts ON samples(probe, ts);"
    "CREATE INDEX samples_ts ON samples(ts);"
    "CREATE TABLE state ("
    "  probe TEXT PRIMARY KEY,"
    "  status TEXT NOT NULL,"
    "  summary TEXT NOT NULL,"
    "  remedy TEXT NOT NULL,"
    "  predicts TEXT NOT NULL,"
    "  facts TEXT NOT NULL,"
    "  since INTEGER NOT NULL,"
    "  checked INTEGER NOT NULL);"
    "CREATE TABLE changes ("
    "  id INTEGER PRIMARY KEY,"
    "  probe TEXT NOT NULL,"
    "  ts INTEGER NOT NULL,"
    "  old_status TEXT NOT NULL,"
    "  new_status TEXT NOT NULL,"
    "  old_since INTEGER NOT NULL,"
    "  duration_ms INTEGER NOT NULL,"
    "  summary TEXT NOT NULL,"
    "  facts TEXT NOT NULL);"
    "CREATE INDEX changes_ts ON changes(ts);",
    /* 1 -> 2: what a probe remembers across runs (baselines) */
    "ALTER TABLE state ADD COLUMN memo TEXT NOT NULL DEFAULT '{}';",
    /* 2 -> 3: each scheduled backup with the verdict given before it and
     * the outcome MARS reported after it (the score) */
    "CREATE TABLE backups ("
    "  scheduled INTEGER PRIMARY KEY,"
    "  task TEXT NOT NULL,"
    "  verdict TEXT NOT NULL,"
    "  blocking TEXT NOT NULL,"
    "  preflight INTEGER NOT NULL,"
    "  outcome TEXT,"
    "  outcome_ts INTEGER);",
    /* 3 -> 4: a check that found the same as the one before extends that
     * row (repeats, last_ts) instead of storing the same facts again */
    "ALTER TABLE samples ADD COLUMN repeats INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE samples ADD COLUMN last_ts INTEGER NOT NULL DEFAULT 0;",
    /* 4 -> 5: the points of each probe's trend as its forecast took them,
     * so a start refills forecasts exactly, without parsing samples */
    "CREATE TABLE trend ("
    "  probe TEXT NOT NULL,"
    "  ts INTEGER NOT NULL,"
    "  value REAL NOT NULL);"
    "CREATE INDEX trend_probe_ts ON trend(probe, ts);",
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) ==
                   VG_STORE_SCHEMA_VERSION,
               "one migration per schema version");

enum {
  ST_BEGIN,
  ST_COMMIT,
  ST_ROLLBACK,
  ST_ADD_SAMPLE,
  ST_PUT_STATE,
  ST_ADD_CHANGE,
  ST_LOAD_STATES,
  ST_HISTORY,
  ST_CHANGES_ALL,
  ST_CHANGES_PROBE,
  ST_PRUNE_SAMPLES,
  ST_PRUNE_CHANGES,
  ST_BACKUP_PUT,
  ST_BACKUP_OUTCOME,
  ST_BACKUPS,
  ST_REPEAT_SAMPLE,
  ST_TREND,
  ST_ADD_TREND,
  ST_PRUNE_TREND,
  ST_REPEAT_SAMPLE_ROW,
  ST__COUNT
};

static const char *const sql_text[ST__COUNT] = {
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    "INSERT INTO samples(probe, ts, status, summary, facts, duration_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO state(probe, status, summary, remedy, predicts, facts, "
    "since, checked, memo) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
    "ON CONFLICT(probe) DO UPDATE SET status = excluded.status, "
    "summary = excluded.summary, remedy = excluded.remedy, "
    "predicts = excluded.predicts, facts = excluded.facts, "
    "since = excluded.since, checked = excluded.checked, "
    "memo = excluded.memo",
    "INSERT INTO changes(probe, ts, old_status, new_status, old_since, "
    "duration_ms, summary, facts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    /* A check that found the same as the state is not written to state
     * again (the recorder skips it); its time is the newest sample's. */
    "SELECT probe, status, summary, remedy, predicts, facts, since, "
    "max(checked, coalesce((SELECT max(ts, last_ts) FROM samples AS m "
    "WHERE m.probe = state.probe ORDER BY ts DESC, id DESC LIMIT 1), 0)), "
    "memo FROM state ORDER BY probe",
    /* ?4, ?5: rows older than this (ts, id) only - a page's cursor */
    "SELECT probe, ts, status, summary, facts, duration_ms, id, repeats, "
    "last_ts FROM samples "
    "WHERE probe = ?1 AND ts >= ?2 AND (ts < ?4 OR (ts = ?4 AND id < ?5)) "
    "ORDER BY ts DESC, id DESC LIMIT ?3",
    "SELECT id, probe, ts, old_status, new_status, old_since, duration_ms, "
    "summary, facts FROM changes WHERE ts >= ?1 "
    "AND (ts < ?4 OR (ts = ?4 AND id < ?5)) "
    "ORDER BY ts DESC, id DESC LIMIT ?2",
    "SELECT id, probe, ts, old_status, new_status, old_since, duration_ms, "
    "summary, facts FROM changes WHERE ts >= ?1 AND probe = ?3 "
    "AND (ts < ?4 OR (ts = ?4 AND id < ?5)) "
    "ORDER BY ts DESC, id DESC LIMIT ?2",
    "DELETE FROM samples WHERE ts < ?1",
    "DELETE FROM changes WHERE ts < ?1",
    "INSERT INTO backups(scheduled, task, verdict, blocking, preflight) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(scheduled) DO NOTHING",
    "UPDATE backups SET outcome = ?2, outcome_ts = ?3 WHERE scheduled = ?1 "
    "AND outcome IS NULL",
    "SELECT scheduled, task, verdict, blocking, preflight, "
    "coalesce(outcome, ''), coalesce(outcome_ts, 0) FROM backups "
    "WHERE scheduled >= ?1 ORDER BY scheduled DESC LIMIT ?2",
    "UPDATE samples SET repeats = repeats + 1, last_ts = ?2, "
    "duration_ms = ?3 WHERE id = (SELECT id FROM samples WHERE probe = ?1 "
    "ORDER BY ts DESC, id DESC LIMIT 1)",
    "SELECT ts, value FROM trend WHERE probe = ?1 AND ts >= ?2 "
    "ORDER BY ts DESC LIMIT ?3",
    "INSERT INTO trend(probe, ts, value) VALUES (?1, ?2, ?3)",
    "DELETE FROM trend WHERE ts < ?1",
    "UPDATE samples SET repeats = repeats + 1, last_ts = ?2, "
    "duration_ms = ?3 WHERE id = ?4 AND probe = ?1",
};

enum { STATE_OK, STATE_LOCKED, STATE_FAILING };

/* The page size of the database (see store_try_open), and the largest
 * older database converted to it at open (a copy of the file is made). */
#define STORE_PAGE_SIZE "512"
#define STORE_CONVERT_MAX_BYTES ((int64_t)64 << 20)

struct vg_store_s {
  sqlite3 *db;
  sqlite3_stmt *st[ST__COUNT];
  int schema_from;
  int readonly;
  int state; /* of the last write */
  char path[1024];
  uint64_t dev, ino; /* the file we opened (0, 0: unknown) */
  int reopened;      /* since vg_store_check_file last said so */
  char note[700];
};

/* SQLite's answer as a VG_E* code: a lock held elsewhere is its own. */
static int store_rc(int rc) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return 0;
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return VG_ELOCKED;
  return VG_ESTORE;
}

/* The identity of the file at path: 0, VG_ENOENT or VG_EIO. */
static int file_id(const char *path, uint64_t *dev, uint64_t *ino) {
  uv_fs_t req;
  int rc = uv_fs_stat(NULL, &req, path, NULL);
  if (rc == 0) {
    *dev = req.statbuf.st_dev;
    *ino = req.statbuf.st_ino;
  }
  uv_fs_req_cleanup(&req);
  return rc == 0 ? 0 : rc == UV_ENOENT ? VG_ENOENT : VG_EIO;
}

const char *vg_store_errmsg(const vg_store_t *s) {
  return s && s->db ? sqlite3_errmsg(s->db) : "no database";
}

int vg_store_schema_from(const vg_store_t *s) { return s->schema_from; }

static int store_exec(sqlite3 *db, const char *sql, char *err, size_t errsz) {
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    snprintf(err, errsz, "%s", msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return VG_ESTORE;
  }
  return 0;
}

/* The integer a pragma answers (user_version, page_size, ...). */
static int pragma_int(sqlite3 *db, const char *pragma, int *out) {
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db, pragma, -1, &st, NULL);
  if (rc != SQLITE_OK) return rc;
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *out = sqlite3_column_int(st, 0);
    rc = SQLITE_OK;
  }
  sqlite3_finalize(st);
  return rc;
}

/* Applies every migration above the file's version, each in its own
 * transaction with the version bump, so a crash leaves a valid version. */
static int migrate(vg_store_t *s, char *err, size_t errsz) {
  int v = 0, rc;
  char sql[64];
  rc = pragma_int(s->db, "PRAGMA user_version", &v);
  if (rc != SQLITE_OK) {
    snprintf(err, errsz, "cannot read schema version: %s",
             sqlite3_errmsg(s->db));
    return rc;
  }
  s->schema_from = v;
  if (v > (int)VG_ARRAY_SIZE(migrations)) {
    snprintf(err, errsz,
             "database schema version %d is newer than this Vigil (%d); "
             "install the newer Vigil or move the database aside",
             v, (int)VG_ARRAY_SIZE(migrations));
    return SQLITE_ERROR;
  }
  if (v == (int)VG_ARRAY_SIZE(migrations)) return SQLITE_OK;
  /* Every pending step in one transaction (one sync on a new database):
   * a crash leaves the version it had, never half a step. */
  if (store_exec(s->db, "BEGIN IMMEDIATE", err, errsz)) return SQLITE_ERROR;
  for (; v < (int)VG_ARRAY_SIZE(migrations); v++)
    if (store_exec(s->db, migrations[v], err, errsz)) {
      sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
      return SQLITE_ERROR;
    }
  snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
  if (store_exec(s->db, sql, err, errsz)) {
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return SQLITE_ERROR;
  }
  if (store_exec(s->db, "COMMIT", err, errsz)) return SQLITE_ERROR;
  return SQLITE_OK;
}

/* A database made before small pages is rebuilt with them once (VACUUM
 * into the new page size), when small enough to take a moment; a larger
 * one, or a failure (disk full), keeps its pages and works as before. */
static void store_small_pages(sqlite3 *db) {
  int size = 0, pages = 0;
  if (pragma_int(db, "PRAGMA page_size", &size) != SQLITE_OK ||
      size == atoi(STORE_PAGE_SIZE) ||
      pragma_int(db, "PRAGMA page_count", &pages) != SQLITE_OK ||
      (int64_t)pages * size > STORE_CONVERT_MAX_BYTES)
    return;
  if (sqlite3_exec(db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) ==
      SQLITE_OK) {
    sqlite3_exec(db, "PRAGMA page_size = " STORE_PAGE_SIZE, NULL, NULL, NULL);
    sqlite3_exec(db, "VACUUM", NULL, NULL, NULL);
  }
  sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
}

/* Opens and checks a database file; returns an SQLite code. */
static int store_try_open(vg_store_t *s, const char *path, char *err,
                          size_t errsz) {
  int rc, i, fresh;
  uv_fs_t req;
  /* A new file holds nothing to lose: it is made without syncs (a crash
   * meanwhile leaves a file the next start moves aside), so the first
   * start answers sooner. */
  fresh = uv_fs_stat(NULL, &req, path, NULL) != 0 || req.statbuf.st_size == 0;
  uv_fs_req_cleanup(&req);
  rc = sqlite3_open_v2(
      path, &s->db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc != SQLITE_OK) {
    snprintf(err, errsz, "cannot open %s: %s", path,
             s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
    return rc;
  }
  sqlite3_busy_timeout(s->db, 2000);
  sqlite3_extended_result_codes(s->db, 0);
  /* Memory (issue 17): no lookaside slab, a page cache of 256 KiB at most
   * (history queries would otherwise grow it to 2 MiB over days; 64 KiB
   * made every check read back pages it had just written). */
  sqlite3_db_config(s->db, SQLITE_DBCONFIG_LOOKASIDE, NULL, 0, 0);
  sqlite3_exec(s->db, "PRAGMA cache_size = -256", NULL, NULL, NULL);
  /* Small pages: a check that only extends its sample row rewrites one
   * page in the WAL, so what reaches the disk stays near what is stored
   * (issue 17). Takes effect on a new file only; store_small_pages
   * converts an older one. */
  sqlite3_exec(s->db, "PRAGMA page_size = " STORE_PAGE_SIZE, NULL, NULL, NULL);
  sqlite3_exec(
      s->db, fresh ? "PRAGMA synchronous = OFF" : "PRAGMA synchronous = NORMAL",
      NULL, NULL, NULL);
  rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
  /* Reading the header and the schema catches "not a database" and a
   * mangled header before we trust the file - without PRAGMA quick_check,
   * which reads every page before the pipe could answer (issue 17); damage
   * deeper in the file shows as a failing store at its first use. */
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(s->db, "SELECT count(*) FROM sqlite_master", NULL, NULL,
                      NULL);
  if (rc != SQLITE_OK) {
    snprintf(err, errsz, "%s: %s", path, sqlite3_errmsg(s->db));
    return rc;
  }
  rc = migrate(s, err, errsz);
  if (rc != SQLITE_OK) return rc;
  sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
  store_small_pages(s->db);
  for (i = 0; i < ST__COUNT; i++) {
    rc = sqlite3_prepare_v3(s->db, sql_text[i], -1, SQLITE_PREPARE_PERSISTENT,
                            &s->st[i], NULL);
    if (rc != SQLITE_OK) {
      snprintf(err, errsz, "cannot prepare statement: %s",
               sqlite3_errmsg(s->db));
      return rc;
    }
  }
  /* From here on the connection serves the event loop, which must never
   * wait on another program's lock: fail at once, the caller retries. */
  sqlite3_busy_timeout(s->db, 0);
  vg_strlcpy(s->path, path, sizeof(s->path));
  if (file_id(path, &s->dev, &s->ino) != 0) s->dev = s->ino = 0;
  return SQLITE_OK;
}

static void store_release(vg_store_t *s) {
  int i;
  for (i = 0; i < ST__COUNT; i++) {
    sqlite3_finalize(s->st[i]);
    s->st[i] = NULL;
  }
  if (s->db) sqlite3_close(s->db);
  s->db = NULL;
}

/* Opens path into s (empty), moving a damaged file aside (note says so).
 * Returns an SQLite code with err set. */
static int store_open_at(vg_store_t *s, const char *path, char *note,
                         size_t notesz, char *err, size_t errsz) {
  int rc = store_try_open(s, path, err, errsz);
  if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB) {
    char aside[1200];
    const char *sfx[] = {"-wal", "-shm"};
    size_t i;
    store_release(s);
    snprintf(aside, sizeof(aside), "%s.corrupt-%lld", path,
             (long long)time(NULL));
    if (rename(path, aside) != 0) {
      snprintf(err, errsz,
               "database %s is damaged and cannot be moved aside; move it "
               "away by hand and restart",
               path);
      return SQLITE_CANTOPEN;
    }
    for (i = 0; i < VG_ARRAY_SIZE(sfx); i++) {
      char a[1200], b[1300];
      snprintf(a, sizeof(a), "%s%s", path, sfx[i]);
      snprintf(b, sizeof(b), "%s%s", aside, sfx[i]);
      rename(a, b);
    }
    snprintf(note, notesz,
             "database %s was damaged; it was kept as %s and a new one "
             "was created",
             path, aside);
    rc = store_try_open(s, path, err, errsz);
  }
  if (rc != SQLITE_OK) store_release(s);
  return rc;
}

/* Before SQLite is first used in the process: the page cache allocates
 * as it goes rather than in two bulk blocks up front. A later call is
 * refused by SQLite (already initialised) and harmless. */
static void store_config(void) {
  sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
}

static uv_once_t store_once = UV_ONCE_INIT;

int vg_store_open(const char *path, vg_store_t **out, char *note, size_t notesz,
                  char *err, size_t errsz) {
  vg_store_t *s;
  uv_once(&store_once, store_config);
  s = calloc(1, sizeof(*s));
  if (notesz) note[0] = '\0';
  *out = NULL;
  if (s == NULL) {
    snprintf(err, errsz, "out of memory");
    return VG_ENOMEM;
  }
  if (store_open_at(s, path, note, notesz, err, errsz) != SQLITE_OK) {
    free(s);
    return VG_ESTORE;
  }
  *out = s;
  return 0;
}

/* ------------------------------------------------- the file under us */

static void unlink_quiet(const char *path) {
  uv_fs_t req;
  uv_fs_unlink(NULL, &req, path, NULL);
  uv_fs_req_cleanup(&req);
}

/* The database file is gone: a new one at the same path gets everything
 * the open (deleted) one still holds, through SQLite's backup. The data
 * folder is made again if it went too. Returns an SQLite code. */
static int store_copy_out(vg_store_t *s, char *msg, size_t msgsz,
                          int64_t *pages) {
  char dir[1024], side[1100];
  sqlite3 *ndb = NULL;
  sqlite3_backup *b;
  char *cut;
  int rc;
  uv_fs_t req;
  vg_strlcpy(dir, s->path, sizeof(dir));
  cut = strrchr(dir, '/');
  if (strrchr(dir, '\\') > cut) cut = strrchr(dir, '\\');
  if (cut && cut > dir) {
    *cut = '\0';
    uv_fs_mkdir(NULL, &req, dir, 0755, NULL);
    uv_fs_req_cleanup(&req);
  }
  /* -wal and -shm under the old names are the deleted file's: the new
   * file must not inherit them. The open connection keeps its own. */
  snprintf(side, sizeof(side), "%s-wal", s->path);
  unlink_quiet(side);
  snprintf(side, sizeof(side), "%s-shm", s->path);
  unlink_quiet(side);
  rc = sqlite3_open_v2(
      s->path, &ndb,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc == SQLITE_OK) {
    b = sqlite3_backup_init(ndb, "main", s->db, "main");
    if (b == NULL) {
      rc = sqlite3_errcode(ndb);
    } else {
      rc = sqlite3_backup_step(b, -1);
      *pages = (int64_t)sqlite3_backup_pagecount(b);
      sqlite3_backup_finish(b);
      if (rc == SQLITE_DONE) rc = SQLITE_OK;
    }
  }
  if (rc != SQLITE_OK)
    snprintf(msg, msgsz, "%s", ndb ? sqlite3_errmsg(ndb) : sqlite3_errstr(rc));
  sqlite3_close(ndb);
  if (rc != SQLITE_OK) unlink_quiet(s->path);
  return rc;
}

int vg_store_check_file(vg_store_t *s, char *note, size_t notesz) {
  char path[sizeof(s->path)], err[400], msg[300], dnote[300];
  uint64_t dev = 0, ino = 0;
  int64_t pages = 0;
  int id, gone, one = 1, rc;
  if (notesz) note[0] = '\0';
  if (s->reopened) {
    s->reopened = 0;
    vg_strlcpy(note, s->note, notesz);
    return 1;
  }
  if (s->readonly || s->path[0] == '\0') return 0;
  vg_strlcpy(path, s->path, sizeof(path));
  id = file_id(path, &dev, &ino);
  if (s->db != NULL) {
    if (id == VG_EIO) return 0; /* cannot tell: go on */
    if (id == 0 && dev == s->dev && ino == s->ino) return 0;
    if (!sqlite3_get_autocommit(s->db)) return 0; /* at the next begin */
  }
  gone = id == VG_ENOENT;
  if (s->db != NULL) {
    /* Everything into the main file, so no frame is left in a WAL whose
     * name the next file could take. */
    sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    if (gone && store_copy_out(s, msg, sizeof(msg), &pages) != SQLITE_OK) {
      snprintf(note, notesz,
               "database %s was deleted while Vigil ran and cannot be made "
               "again (%s); records go on into the deleted file until it "
               "can",
               path, msg);
      s->state = STATE_FAILING;
      return VG_ESTORE;
    }
    /* Closing must not delete -wal/-shm names that are the new file's. */
    sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
    store_release(s);
  }
  dnote[0] = '\0';
  rc = store_open_at(s, path, dnote, sizeof(dnote), err, sizeof(err));
  if (rc != SQLITE_OK) {
    snprintf(note, notesz,
             "database %s changed under Vigil and cannot be opened again "
             "(%s); records are kept in memory and retried",
             path, err);
    s->state = STATE_FAILING;
    return VG_ESTORE;
  }
  s->state = STATE_OK;
  if (gone)
    snprintf(note, notesz,
             "database %s was deleted while Vigil ran; it was made again "
             "with the history Vigil still held (%lld pages), nothing was "
             "lost",
             path, (long long)pages);
  else if (id == 0)
    snprintf(note, notesz,
             "database %s was replaced by another file while Vigil ran; "
             "Vigil now records into the new file%s%s",
             path, dnote[0] ? "; " : "", dnote);
  else
    snprintf(note, notesz, "database %s is open again%s%s", path,
             dnote[0] ? "; " : "", dnote);
  return 1;
}

const char *vg_store_state(const vg_store_t *s) {
  if (s == NULL || s->db == NULL) return "failing";
  switch (s->state) {
  case STATE_LOCKED: return "locked";
  case STATE_FAILING: return "failing";
  default: return "ok";
  }
}

int vg_store_open_readonly(const char *path, vg_store_t **out, char *err,
                           size_t errsz) {
  vg_store_t *s = calloc(1, sizeof(*s));
  int rc, v = 0, i;
  *out = NULL;
  if (s == NULL) {
    snprintf(err, errsz, "out of memory");
    return VG_ENOMEM;
  }
  s->readonly = 1;
  rc = sqlite3_open_v2(path, &s->db,
                       SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_busy_timeout(s->db, 2000);
    sqlite3_extended_result_codes(s->db, 0);
    rc = pragma_int(s->db, "PRAGMA user_version", &v);
  }
  if (rc != SQLITE_OK) {
    snprintf(err, errsz, "cannot read %s: %s", path,
             s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
  } else if (v != (int)VG_ARRAY_SIZE(migrations)) {
    snprintf(err, errsz,
             "%s has schema version %d, this Vigil reads %d; start the "
             "service once so it migrates the database",
             path, v, (int)VG_ARRAY_SIZE(migrations));
    rc = SQLITE_ERROR;
  }
  for (i = 0; rc == SQLITE_OK && i < ST__COUNT; i++) {
    rc = sqlite3_prepare_v3(s->db, sql_text[i], -1, SQLITE_PREPARE_PERSISTENT,
                            &s->st[i], NULL);
    if (rc != SQLITE_OK)
      snprintf(err, errsz, "cannot read %s: %s", path, sqlite3_errmsg(s->db));
  }
  if (rc != SQLITE_OK) {
    store_release(s);
    free(s);
    return VG_ESTORE;
  }
  s->schema_from = v;
  *out = s;
  return 0;
}

void vg_store_close(vg_store_t *s) {
  if (s == NULL) return;
  store_release(s);
  free(s);
}

/* Runs a prepared statement that returns no rows. */
static int step_done(vg_store_t *s, sqlite3_stmt *st) {
  int rc;
  if (s->db == NULL) return VG_ESTORE; /* lost; vg_store_check_file */
  rc = sqlite3_step(st);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  rc = rc == SQLITE_ROW ? VG_ESTORE : store_rc(rc);
  if (rc != 0) s->state = rc == VG_ELOCKED ? STATE_LOCKED : STATE_FAILING;
  return rc;
}

int vg_store_begin(vg_store_t *s) {
  char note[sizeof(s->note)];
  /* A database deleted or replaced under us is found before anything is
   * written into it; vg_store_check_file tells the caller. */
  if (!s->readonly && !s->reopened &&
      vg_store_check_file(s, note, sizeof(note)) == 1) {
    s->reopened = 1;
    vg_strlcpy(s->note, note, sizeof(s->note));
  }
  return step_done(s, s->st[ST_BEGIN]);
}

int vg_store_commit(vg_store_t *s) {
  int rc = step_done(s, s->st[ST_COMMIT]);
  if (rc == 0) s->state = STATE_OK;
  return rc;
}

void vg_store_rollback(vg_store_t *s) {
  if (s->db != NULL && !sqlite3_get_autocommit(s->db))
    step_done(s, s->st[ST_ROLLBACK]);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v) {
  sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_STATIC);
}

int vg_store_add_sample(vg_store_t *s, const vg_sample_t *smp) {
  sqlite3_stmt *st = s->st[ST_ADD_SAMPLE];
  bind_text(st, 1, smp->probe);
  sqlite3_bind_int64(st, 2, smp->ts_ms);
  bind_text(st, 3, smp->status);
  bind_text(st, 4, smp->summary);
  bind_text(st, 5, smp->facts_json ? smp->facts_json : "{}");
  sqlite3_bind_int64(st, 6, smp->duration_ms);
  return step_done(s, st);
}

int vg_store_put_state(vg_store_t *s, const vg_state_t *v) {
  sqlite3_stmt *st = s->st[ST_PUT_STATE];
  bind_text(st, 1, v->probe);
  bind_text(st, 2, v->status);
  bind_text(st, 3, v->summary);
  bind_text(st, 4, v->remedy);
  bind_text(st, 5, v->predicts_json ? v->predicts_json : "[]");
  bind_text(st, 6, v->facts_json ? v->facts_json : "{}");
  sqlite3_bind_int64(st, 7, v->since_ms);
  sqlite3_bind_int64(st, 8, v->checked_ms);
  bind_text(st, 9, v->memo_json ? v->memo_json : "{}");
  return step_done(s, st);
}

int vg_store_add_change(vg_store_t *s, const vg_change_t *c) {
  sqlite3_stmt *st = s->st[ST_ADD_CHANGE];
  bind_text(st, 1, c->probe);
  sqlite3_bind_int64(st, 2, c->ts_ms);
  bind_text(st, 3, c->old_status);
  bind_text(st, 4, c->new_status);
  sqlite3_bind_int64(st, 5, c->old_since_ms);
  sqlite3_bind_int64(st, 6, c->duration_ms);
  bind_text(st, 7, c->summary);
  bind_text(st, 8, c->facts_json ? c->facts_json : "{}");
  return step_done(s, st);
}

static const char *col(sqlite3_stmt *st, int i) {
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? (const char *)t : "";
}

/* Steps a query to the end, calling row for each row; a non-zero return of
 * the callback stops early. */
/* Which callback a query feeds; one member set. */
typedef struct vg_row_sink_s {
  vg_state_cb state;
  vg_sample_cb sample;
  vg_change_cb change;
  vg_backup_cb backup;
  void *ud;
} vg_row_sink_t;

static int run_query(sqlite3_stmt *st,
                     int (*row)(sqlite3_stmt *, const vg_row_sink_t *),
                     const vg_row_sink_t *sink) {
  int rc;
  if (st == NULL) return VG_ESTORE; /* the database was lost */
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    if (row(st, sink)) {
      rc = SQLITE_DONE;
      break;
    }
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc == SQLITE_ROW ? VG_ESTORE : store_rc(rc);
}

/* Where a query's columns go, in their order: a text or a 64-bit integer
 * member of the row's struct. */
typedef struct vg_col_s {
  size_t off;
  int text;
} vg_col_t;

#define COL_TXT(T, m)                                                          \
  { offsetof(T, m), 1 }
#define COL_I64(T, m)                                                          \
  { offsetof(T, m), 0 }

/* Fills the members of row that cols name from the current row of st
 * (texts point into SQLite's row: valid until the next step). */
static void row_fill(sqlite3_stmt *st, const vg_col_t *cols, size_t n,
                     void *row) {
  size_t i;
  for (i = 0; i < n; i++) {
    char *m = (char *)row + cols[i].off;
    if (cols[i].text)
      *(const char **)(void *)m = col(st, (int)i);
    else
      *(int64_t *)(void *)m = sqlite3_column_int64(st, (int)i);
  }
}

/* A row decoder: fills a T from the current row and hands it to the
 * sink's member callback. */
#define ROW_DECODER(name, T, cols, member)                                     \
  static int name(sqlite3_stmt *st, const vg_row_sink_t *k) {                  \
    T v;                                                                       \
    row_fill(st, cols, VG_ARRAY_SIZE(cols), &v);                               \
    return k->member(&v, k->ud);                                               \
  }

static const vg_col_t state_cols[] = {
    COL_TXT(vg_state_t, probe),         COL_TXT(vg_state_t, status),
    COL_TXT(vg_state_t, summary),       COL_TXT(vg_state_t, remedy),
    COL_TXT(vg_state_t, predicts_json), COL_TXT(vg_state_t, facts_json),
    COL_I64(vg_state_t, since_ms),      COL_I64(vg_state_t, checked_ms),
    COL_TXT(vg_state_t, memo_json)};

ROW_DECODER(state_row, vg_state_t, state_cols, state)

int vg_store_load_states(vg_store_t *s, vg_state_cb cb, void *ud) {
  vg_row_sink_t k = {cb, NULL, NULL, NULL, ud};
  return run_query(s->st[ST_LOAD_STATES], state_row, &k);
}

static const vg_col_t sample_cols[] = {
    COL_TXT(vg_sample_t, probe),      COL_I64(vg_sample_t, ts_ms),
    COL_TXT(vg_sample_t, status),     COL_TXT(vg_sample_t, summary),
    COL_TXT(vg_sample_t, facts_json), COL_I64(vg_sample_t, duration_ms),
    COL_I64(vg_sample_t, id),         COL_I64(vg_sample_t, repeats),
    COL_I64(vg_sample_t, last_ts_ms)};

ROW_DECODER(sample_row, vg_sample_t, sample_cols, sample)

static void bind_after(sqlite3_stmt *st, const vg_store_cursor_t *after) {
  sqlite3_bind_int64(st, 4, after ? after->ts_ms : INT64_MAX);
  sqlite3_bind_int64(st, 5, after ? after->id : INT64_MAX);
}

int vg_store_history_after(vg_store_t *s, const char *probe, int64_t since_ms,
                           const vg_store_cursor_t *after, int limit,
                           vg_sample_cb cb, void *ud) {
  sqlite3_stmt *st = s->st[ST_HISTORY];
  vg_row_sink_t k = {NULL, cb, NULL, NULL, ud};
  bind_text(st, 1, probe);
  sqlite3_bind_int64(st, 2, since_ms);
  sqlite3_bind_int(st, 3, limit);
  bind_after(st, after);
  return run_query(st, sample_row, &k);
}

int vg_store_history(vg_store_t *s, const char *probe, int64_t since_ms,
                     int limit, vg_sample_cb cb, void *ud) {
  return vg_store_history_after(s, probe, since_ms, NULL, limit, cb, ud);
}

static const vg_col_t change_cols[] = {
    COL_I64(vg_change_t, id),          COL_TXT(vg_change_t, probe),
    COL_I64(vg_change_t, ts_ms),       COL_TXT(vg_change_t, old_status),
    COL_TXT(vg_change_t, new_status),  COL_I64(vg_change_t, old_since_ms),
    COL_I64(vg_change_t, duration_ms), COL_TXT(vg_change_t, summary),
    COL_TXT(vg_change_t, facts_json)};

ROW_DECODER(change_row, vg_change_t, change_cols, change)

int vg_store_changes_after(vg_store_t *s, const char *probe, int64_t since_ms,
                           const vg_store_cursor_t *after, int limit,
                           vg_change_cb cb, void *ud) {
  sqlite3_stmt *st = s->st[probe ? ST_CHANGES_PROBE : ST_CHANGES_ALL];
  vg_row_sink_t k = {NULL, NULL, cb, NULL, ud};
  sqlite3_bind_int64(st, 1, since_ms);
  sqlite3_bind_int(st, 2, limit);
  if (probe) bind_text(st, 3, probe);
  bind_after(st, after);
  return run_query(st, change_row, &k);
}

int vg_store_changes(vg_store_t *s, const char *probe, int64_t since_ms,
                     int limit, vg_change_cb cb, void *ud) {
  return vg_store_changes_after(s, probe, since_ms, NULL, limit, cb, ud);
}

void vg_store_cursor_format(const vg_store_cursor_t *c, char *buf,
                            size_t size) {
  snprintf(buf, size, "%lld.%lld", (long long)c->ts_ms, (long long)c->id);
}

int vg_store_cursor_parse(const char *text, vg_store_cursor_t *c) {
  long long ts, id;
  char *end;
  if (text == NULL || text[0] < '0' || text[0] > '9') return VG_EINVAL;
  errno = 0;
  ts = strtoll(text, &end, 10);
  if (errno || *end != '.' || end[1] < '0' || end[1] > '9') return VG_EINVAL;
  id = strtoll(end + 1, &end, 10);
  if (errno || *end != '\0') return VG_EINVAL;
  c->ts_ms = ts;
  c->id = id;
  return 0;
}

int vg_store_prune(vg_store_t *s, int64_t before_ms) {
  static const int tables[] = {ST_PRUNE_SAMPLES, ST_PRUNE_CHANGES,
                               ST_PRUNE_TREND};
  size_t i;
  int rc = 0;
  for (i = 0; rc == 0 && i < VG_ARRAY_SIZE(tables); i++) {
    sqlite3_bind_int64(s->st[tables[i]], 1, before_ms);
    rc = step_done(s, s->st[tables[i]]);
  }
  return rc;
}

/* Statement which with ?1 the probe and ?2 a time bound. */
static sqlite3_stmt *bind_probe_ts(vg_store_t *s, int which, const char *probe,
                                   int64_t ts_ms) {
  sqlite3_stmt *st = s->st[which];
  bind_text(st, 1, probe);
  sqlite3_bind_int64(st, 2, ts_ms);
  return st;
}

int vg_store_repeat_sample(vg_store_t *s, const char *probe, int64_t ts_ms,
                           int64_t duration_ms) {
  sqlite3_stmt *st = bind_probe_ts(s, ST_REPEAT_SAMPLE, probe, ts_ms);
  sqlite3_bind_int64(st, 3, duration_ms);
  return step_done(s, st);
}

int64_t vg_store_sample_row(vg_store_t *s) {
  return s->db ? (int64_t)sqlite3_last_insert_rowid(s->db) : 0;
}

int vg_store_repeat_sample_row(vg_store_t *s, int64_t row, const char *probe,
                               int64_t ts_ms, int64_t duration_ms) {
  sqlite3_stmt *st = bind_probe_ts(s, ST_REPEAT_SAMPLE_ROW, probe, ts_ms);
  int rc;
  sqlite3_bind_int64(st, 3, duration_ms);
  sqlite3_bind_int64(st, 4, row);
  rc = step_done(s, st);
  if (rc == 0 && sqlite3_changes(s->db) == 0) rc = VG_ENOENT;
  return rc;
}

int vg_store_add_trend(vg_store_t *s, const char *probe, int64_t ts_ms,
                       double value) {
  sqlite3_stmt *st = bind_probe_ts(s, ST_ADD_TREND, probe, ts_ms);
  sqlite3_bind_double(st, 3, value);
  return step_done(s, st);
}

int vg_store_trend(vg_store_t *s, const char *probe, int64_t since_ms,
                   int limit, vg_trend_row_cb cb, void *ud) {
  sqlite3_stmt *st;
  int rc;
  if (s->st[ST_TREND] == NULL) return VG_ESTORE; /* the database was lost */
  st = bind_probe_ts(s, ST_TREND, probe, since_ms);
  sqlite3_bind_int(st, 3, limit);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    if (cb(sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1), ud)) {
      rc = SQLITE_DONE;
      break;
    }
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc == SQLITE_ROW ? VG_ESTORE : store_rc(rc);
}

int vg_store_checkpoint(vg_store_t *s) {
  return sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
                                   NULL, NULL) == SQLITE_OK
             ? 0
             : VG_ESTORE;
}

/* ------------------------------------------------------------- backups */

int vg_store_backup_put(vg_store_t *s, const vg_backup_t *b, int *inserted) {
  sqlite3_stmt *st = s->st[ST_BACKUP_PUT];
  int rc;
  sqlite3_bind_int64(st, 1, b->scheduled_ms);
  bind_text(st, 2, b->task);
  bind_text(st, 3, b->verdict);
  bind_text(st, 4, b->blocking);
  sqlite3_bind_int64(st, 5, b->preflight_ms);
  rc = step_done(s, st);
  if (inserted) *inserted = rc == 0 && sqlite3_changes(s->db) > 0;
  return rc;
}

int vg_store_backup_outcome(vg_store_t *s, int64_t scheduled_ms,
                            const char *outcome, int64_t outcome_ms,
                            int *updated) {
  sqlite3_stmt *st = s->st[ST_BACKUP_OUTCOME];
  int rc;
  sqlite3_bind_int64(st, 1, scheduled_ms);
  bind_text(st, 2, outcome);
  sqlite3_bind_int64(st, 3, outcome_ms);
  rc = step_done(s, st);
  if (updated) *updated = rc == 0 && sqlite3_changes(s->db) > 0;
  return rc;
}

static const vg_col_t backup_cols[] = {
    COL_I64(vg_backup_t, scheduled_ms), COL_TXT(vg_backup_t, task),
    COL_TXT(vg_backup_t, verdict),      COL_TXT(vg_backup_t, blocking),
    COL_I64(vg_backup_t, preflight_ms), COL_TXT(vg_backup_t, outcome),
    COL_I64(vg_backup_t, outcome_ms)};

ROW_DECODER(backup_row, vg_backup_t, backup_cols, backup)

int vg_store_backups(vg_store_t *s, int64_t since_ms, int limit,
                     vg_backup_cb cb, void *ud) {
  sqlite3_stmt *st = s->st[ST_BACKUPS];
  vg_row_sink_t k;
  memset(&k, 0, sizeof(k));
  k.backup = cb;
  k.ud = ud;
  sqlite3_bind_int64(st, 1, since_ms);
  sqlite3_bind_int(st, 2, limit);
  return run_query(st, backup_row, &k);
}
