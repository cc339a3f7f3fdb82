/* store.h: the SQLite store - the only place in Vigil that speaks SQL.
 * One connection, used from the loop thread only. It never waits on
 * another program's lock (VG_ELOCKED at once; retry from a timer) and
 * notices its file deleted or replaced (vg_store_check_file). */
#ifndef VG_STORE_H
#define VG_STORE_H

#include <stddef.h>
#include <stdint.h>

#define VG_STORE_SCHEMA_VERSION 5

typedef struct vg_store_s vg_store_t;

/* A sample: facts of one probe run (facts_json is a JSON object). */
typedef struct vg_sample_s {
  const char *probe;
  int64_t ts_ms;
  const char *status;
  const char *summary;
  const char *facts_json;
  int64_t duration_ms;
  int64_t id; /* row id, when read back (a page's cursor) */
  /* When read back: how many later checks found the same (status,
   * summary, facts) and the time of the last of them (0 when none). */
  int64_t repeats;
  int64_t last_ts_ms;
} vg_sample_t;

/* Current state of one probe. */
typedef struct vg_state_s {
  const char *probe;
  const char *status;
  const char *summary;
  const char *remedy;
  const char *predicts_json; /* JSON array of strings */
  const char *facts_json;
  const char *memo_json; /* probe's memo (schema 2), "{}" when none */
  int64_t since_ms;
  int64_t checked_ms;
} vg_state_t;

/* A state change (old -> new) and how long the old state lasted. */
typedef struct vg_change_s {
  int64_t id;
  const char *probe;
  int64_t ts_ms;
  const char *old_status;
  const char *new_status;
  int64_t old_since_ms;
  int64_t duration_ms;
  const char *summary;
  const char *facts_json;
} vg_change_t;

/* One scheduled backup: the verdict given at its pre-flight sweep and the
 * outcome MARS reported ("" while unknown). */
typedef struct vg_backup_s {
  int64_t scheduled_ms;
  const char *task;
  const char *verdict;  /* ready, at_risk, will_fail, unknown */
  const char *blocking; /* probe ids, comma-separated */
  int64_t preflight_ms;
  const char *outcome; /* success, warnings, failed, missed; "" unknown */
  int64_t outcome_ms;
} vg_backup_t;

typedef int (*vg_state_cb)(const vg_state_t *st, void *ud);
typedef int (*vg_backup_cb)(const vg_backup_t *b, void *ud);
typedef int (*vg_sample_cb)(const vg_sample_t *s, void *ud);
typedef int (*vg_change_cb)(const vg_change_t *c, void *ud);

/* Opens (creating) the database at path, WAL mode, migrating the schema
 * forward. A file that is not a database or is corrupt is moved aside to
 * "<path>.corrupt-<unix time>" and a fresh one is created; *note then says
 * so (one line). Returns 0 or VG_ESTORE with err filled. */
int vg_store_open(const char *path, vg_store_t **out, char *note, size_t notesz,
                  char *err, size_t errsz);
/* Opens an existing database for reading only (history and changes; the
 * support bundle when the service is not running): never creates,
 * migrates or moves anything. The schema must be this Vigil's. Returns 0
 * or VG_ESTORE/VG_ENOMEM with err filled (one line). */
int vg_store_open_readonly(const char *path, vg_store_t **out, char *err,
                           size_t errsz);
/* Finalizes every statement and closes. NULL is fine. */
void vg_store_close(vg_store_t *s);
/* Last SQLite message of this connection. */
const char *vg_store_errmsg(const vg_store_t *s);
/* The schema version found on disk before migration (0 = new file). */
int vg_store_schema_from(const vg_store_t *s);

/* Whether the database file is still the one opened: call before each
 * write transaction. Deleted: a new file is made at the same path with
 * everything the open (deleted) one holds, nothing lost. Replaced by
 * another file: Vigil goes on in the new file. Returns 0 unchanged, 1
 * when the store was opened again (note says what happened, one line, for
 * the Event Log), or VG_ESTORE when that failed (note says why; the store
 * keeps what it has and the next call tries again). vg_store_begin checks
 * too; a reopen it did is reported by the next call here. Loop thread. */
int vg_store_check_file(vg_store_t *s, char *note, size_t notesz);
/* "ok", "locked" (the last write found another program's lock) or
 * "failing" (the last write failed otherwise, or the file is lost). */
const char *vg_store_state(const vg_store_t *s);

/* Transactions and writes return 0, VG_ELOCKED (another program holds the
 * database: nothing waited, retry later) or VG_ESTORE. */
int vg_store_begin(vg_store_t *s);
int vg_store_commit(vg_store_t *s);
void vg_store_rollback(vg_store_t *s);

int vg_store_add_sample(vg_store_t *s, const vg_sample_t *smp);
int vg_store_put_state(vg_store_t *s, const vg_state_t *st);
int vg_store_add_change(vg_store_t *s, const vg_change_t *c);

/* Reads return 0, VG_ELOCKED at once when another program locks the
 * database (never waits), or VG_ESTORE. */
/* Loads every probe's current state (startup); checked_ms is the later of
 * the state's and the newest sample's (a repeated check extends only its
 * sample). */
int vg_store_load_states(vg_store_t *s, vg_state_cb cb, void *ud);
/* Samples of probe since since_ms, newest first, at most limit. */
int vg_store_history(vg_store_t *s, const char *probe, int64_t since_ms,
                     int limit, vg_sample_cb cb, void *ud);
/* State changes since since_ms (all probes when probe is NULL), newest
 * first, at most limit. */
int vg_store_changes(vg_store_t *s, const char *probe, int64_t since_ms,
                     int limit, vg_change_cb cb, void *ud);
/* Records the pre-flight verdict of the backup scheduled at
 * b->scheduled_ms once: a second call for the same time keeps the first
 * (*inserted 0), so a restart never announces a backup twice. */
int vg_store_backup_put(vg_store_t *s, const vg_backup_t *b, int *inserted);
/* Sets the outcome of a recorded backup once (*updated 0 when it has one
 * or is not recorded). */
int vg_store_backup_outcome(vg_store_t *s, int64_t scheduled_ms,
                            const char *outcome, int64_t outcome_ms,
                            int *updated);
/* Backups scheduled since since_ms, newest first, at most limit. */
int vg_store_backups(vg_store_t *s, int64_t since_ms, int limit,
                     vg_backup_cb cb, void *ud);
/* Where a page of rows (newest first) ended: its last row. */
typedef struct vg_store_cursor_s {
  int64_t ts_ms;
  int64_t id;
} vg_store_cursor_t;

/* As vg_store_history / vg_store_changes, with only rows older than after
 * (NULL: from the newest): the next page after a callback stopped early.
 * A row added meanwhile is newer, so pages never repeat or skip one. */
int vg_store_history_after(vg_store_t *s, const char *probe, int64_t since_ms,
                           const vg_store_cursor_t *after, int limit,
                           vg_sample_cb cb, void *ud);
int vg_store_changes_after(vg_store_t *s, const char *probe, int64_t since_ms,
                           const vg_store_cursor_t *after, int limit,
                           vg_change_cb cb, void *ud);
/* The cursor as text for the protocol ("1764000000000.1234") and back
 * (0 or VG_EINVAL). Pure; any thread. */
void vg_store_cursor_format(const vg_store_cursor_t *c, char *buf, size_t size);
int vg_store_cursor_parse(const char *text, vg_store_cursor_t *c);

/* A check that found exactly what the probe's newest sample holds: that
 * row counts one more check (repeats, last_ts, duration of this one)
 * instead of a new row with the same facts. 0 or VG_E*. */
int vg_store_repeat_sample(vg_store_t *s, const char *probe, int64_t ts_ms,
                           int64_t duration_ms);
/* The same for a row whose id the caller kept (vg_store_sample_row right
 * after vg_store_add_sample): no search for the newest row (issue 17: the
 * search was a quarter of an idle agent's instructions). VG_ENOENT when
 * that row is gone or is not the probe's (pruned, a rolled-back insert):
 * the caller falls back to vg_store_repeat_sample. */
int vg_store_repeat_sample_row(vg_store_t *s, int64_t row, const char *probe,
                               int64_t ts_ms, int64_t duration_ms);
/* The row id vg_store_add_sample just inserted (0: none). */
int64_t vg_store_sample_row(vg_store_t *s);
/* One point of a probe's trend (ts, value); non-zero stops. */
typedef int (*vg_trend_row_cb)(int64_t ts_ms, double value, void *ud);
/* Records a point the probe's forecast took into its trend (schema 5). */
int vg_store_add_trend(vg_store_t *s, const char *probe, int64_t ts_ms,
                       double value);
/* The probe's trend points since since_ms, newest first, at most limit. */
int vg_store_trend(vg_store_t *s, const char *probe, int64_t since_ms,
                   int limit, vg_trend_row_cb cb, void *ud);
/* Moves the write-ahead log into the database and truncates it (outside a
 * transaction), so the WAL never grows without bound. 0 or VG_ESTORE. */
int vg_store_checkpoint(vg_store_t *s);

/* Deletes samples, changes and trend points older than before_ms. */
int vg_store_prune(vg_store_t *s, int64_t before_ms);

#endif /* VG_STORE_H */
