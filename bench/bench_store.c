/* bench_store.c: what the store costs on disk. Simulates every probe of
 * the probe table at its default interval (+-10 % jitter) for a number of
 * days on a fake clock, through the agent's recorder (a sample and a state
 * per run, one transaction per 100 ms flush, hourly prune), and prints bytes
 * per sample, database size per month and bytes written per sample. `batch`
 * compares a transaction per record with one per cycle. Numbers only, never
 * asserted (bench/README.md).
 *
 *   bench_store [--days N] [--retention-days N] [--vary trend|all|none]
 *               [--fixtures DIR] [--dir DIR]
 *   bench_store batch [CYCLES] [DIR] */
#include "json.h"
#include "probe.h"
#include "recorder.h"
#include "trend_history.h"
#include "store.h"
#include "vg.h"

#include <uv.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS (86400 * (int64_t)1000)
#define FLUSH_MS 100 /* the recorder's VG_FLUSH_DELAY_MS */

#ifndef VG_BENCH_FIXTURES
#define VG_BENCH_FIXTURES "tests/fixtures"
#endif

static const char *generic_facts =
    "{\"mars_installed\":true,\"path\":\"D:\\\\MARS\\\\Scratch\",\"free_"
    "bytes\":"
    "81750896640,\"total_bytes\":270553174016,\"backup_bytes\":377604554752}";

static void die(const char *what, vg_store_t *s) {
  fprintf(stderr, "bench_store: %s: %s\n", what, s ? vg_store_errmsg(s) : "");
  exit(1);
}

/* ------------------------------------------------------------ I/O */

/* Bytes this process passed to write calls (wchar) and sent to storage
 * (write_bytes), from /proc/self/io; -1 where there is none. */
static void proc_io(int64_t *wchar, int64_t *wbytes) {
  char line[128];
  FILE *f = fopen("/proc/self/io", "r");
  *wchar = *wbytes = -1;
  if (f == NULL) return;
  while (fgets(line, sizeof(line), f)) {
    long long v;
    if (sscanf(line, "wchar: %lld", &v) == 1) *wchar = v;
    if (sscanf(line, "write_bytes: %lld", &v) == 1) *wbytes = v;
  }
  fclose(f);
}

static int64_t file_size(const char *path) {
  uv_fs_t req;
  int64_t n = 0;
  if (uv_fs_stat(NULL, &req, path, NULL) == 0) n = (int64_t)req.statbuf.st_size;
  uv_fs_req_cleanup(&req);
  return n;
}

/* db, -wal and -shm together. */
static int64_t db_bytes(const char *path, int64_t *wal) {
  char p[700];
  int64_t n = file_size(path);
  snprintf(p, sizeof(p), "%s-wal", path);
  *wal = file_size(p);
  n += *wal;
  snprintf(p, sizeof(p), "%s-shm", path);
  return n + file_size(p);
}

static void remove_db(const char *path) {
  char p[700];
  remove(path);
  snprintf(p, sizeof(p), "%s-wal", path);
  remove(p);
  snprintf(p, sizeof(p), "%s-shm", path);
  remove(p);
}

static double mib(int64_t n) { return (double)n / (1024.0 * 1024.0); }

/* ------------------------------------------------------------ facts */

typedef struct {
  const vg_probe_t *p;
  vg_json_t *doc;         /* the fixture, or NULL: generic facts */
  const vg_json_t *facts; /* its "facts" object */
  char fixture[128];
  int vary;         /* *_bytes values change every sample */
  vg_trend_t trend; /* the forecast's ring (its points are recorded) */
  int64_t next_ms;
  uint64_t samples;
} sim_probe_t;

/* The fixture under dir/<id>/ with the largest facts among those that
 * expect ok (else among all): the facts of a healthy, fully described
 * machine. */
static void load_fixture(sim_probe_t *sp, const char *dir) {
  char path[1024], err[200];
  uv_fs_t req;
  uv_dirent_t ent;
  size_t best = 0;
  int best_ok = 0;
  snprintf(path, sizeof(path), "%s/%s", dir, sp->p->id);
  if (uv_fs_scandir(NULL, &req, path, 0, NULL) < 0) {
    uv_fs_req_cleanup(&req);
    return;
  }
  while (uv_fs_scandir_next(&req, &ent) != UV_EOF) {
    char file[1200], *text = NULL;
    size_t len = 0, size;
    vg_json_t *doc = NULL;
    const vg_json_t *facts;
    vg_jw_t w;
    int ok;
    if (strstr(ent.name, ".json") == NULL) continue;
    snprintf(file, sizeof(file), "%s/%s", path, ent.name);
    if (vg_read_file(file, 1 << 20, &text, &len, err, sizeof(err)) != 0)
      continue;
    if (vg_json_parse(text, len, &doc, NULL, 0) != 0 ||
        vg_json_type(facts = vg_json_get(doc, "facts")) != VG_JSON_OBJECT) {
      vg_json_free(doc);
      free(text);
      continue;
    }
    free(text);
    vg_jw_init(&w);
    vg_jw_value(&w, facts);
    size = w.len;
    vg_jw_free(&w);
    ok = vg_json_get_str(doc, "expect") &&
         strcmp(vg_json_get_str(doc, "expect"), "ok") == 0;
    if ((ok && !best_ok) || (ok == best_ok && size > best) ||
        (ok == best_ok && size == best && strcmp(ent.name, sp->fixture) < 0)) {
      vg_json_free(sp->doc);
      sp->doc = doc;
      sp->facts = facts;
      best = size;
      best_ok = ok;
      vg_strlcpy(sp->fixture, ent.name, sizeof(sp->fixture));
    } else {
      vg_json_free(doc);
    }
  }
  uv_fs_req_cleanup(&req);
}

static int ends_with(const char *s, const char *tail) {
  size_t n = strlen(s), m = strlen(tail);
  return n >= m && strcmp(s + n - m, tail) == 0;
}

/* The facts of sample k: the fixture's, with every integer *_bytes value
 * moved by k pages when the probe varies (a trend that drifts). Returns a
 * malloc'd string. */
static char *facts_of(const sim_probe_t *sp, uint64_t k) {
  vg_jw_t w;
  size_t i;
  if (sp->facts == NULL) return strdup(generic_facts);
  vg_jw_init(&w);
  vg_jw_obj_begin(&w);
  for (i = 0; i < vg_json_len(sp->facts); i++) {
    const char *key = vg_json_key_at(sp->facts, i);
    const vg_json_t *v = vg_json_at(sp->facts, i);
    int64_t n;
    vg_jw_key(&w, key);
    if (sp->vary && ends_with(key, "_bytes") && vg_json_int(v, &n) == 0)
      vg_jw_int(&w, n - (int64_t)(k % 100000) * 4096);
    else
      vg_jw_value(&w, v);
  }
  vg_jw_obj_end(&w);
  return vg_jw_steal(&w, NULL);
}

/* ------------------------------------------------------------ month */

/* The database size at the end of a simulated 30-day stretch. */
static int64_t print_mark(const char *path, int day, uint64_t samples) {
  int64_t wal, total = db_bytes(path, &wal);
  printf("  day %3d: database %7.2f MiB (wal %.2f MiB), %llu samples\n", day,
         mib(total), mib(wal), (unsigned long long)samples);
  return total;
}

static uint64_t rng = 0x9e3779b97f4a7c15u;

/* Deterministic jitter in [-10 %, +10 %] of interval_ms. */
static int64_t jitter(int64_t interval_ms) {
  rng = rng * 6364136223846793005u + 1442695040888963407u;
  return (int64_t)((double)interval_ms * 0.2 *
                   ((double)(rng >> 11) / 9007199254740992.0 - 0.5));
}

static int run_month(int days, int retention_days, const char *vary,
                     const char *fixtures, const char *dir) {
  sim_probe_t *sp = calloc(vg_nprobes, sizeof(*sp));
  char path[600], note[300], err[300];
  const int64_t t0 = 1767225600000; /* 2026-01-01T00:00:00Z */
  const int64_t end = t0 + days * DAY_MS;
  int64_t now = t0, io_c0, io_b0, io_c1, io_b1, wal;
  int64_t stored = 0, next_mark = t0 + 30 * DAY_MS, first_month = 0;
  uint64_t samples = 0, tx = 0, t_start;
  vg_store_t *s;
  vg_recorder_t *rec;
  vg_facts_t memo;
  uv_loop_t loop;
  size_t i;
  if (sp == NULL) return 1;
  snprintf(path, sizeof(path), "%s/vigil-bench-store-%d.db", dir,
           (int)uv_os_getpid());
  remove_db(path);
  for (i = 0; i < vg_nprobes; i++) {
    sp[i].p = vg_probes[i];
    load_fixture(&sp[i], fixtures);
    sp[i].vary = strcmp(vary, "all") == 0 ||
                 (strcmp(vary, "trend") == 0 && sp[i].p->trend != NULL);
    sp[i].next_ms = t0; /* the first sweep starts at once */
    vg_trend_init(&sp[i].trend, 7 * DAY_MS / VG_TREND_POINTS);
  }
  if (vg_store_open(path, &s, note, sizeof(note), err, sizeof(err)) != 0) {
    fprintf(stderr, "bench_store: %s\n", err);
    return 1;
  }
  /* The agent's recorder itself: its dedup, state skipping, batching,
   * prune and WAL truncation, driven by hand on the fake clock (the loop
   * never runs; flushes are called when the recorder's timer would). */
  uv_loop_init(&loop);
  vg_facts_init(&memo);
  if (vg_recorder_init(&rec, &loop, s, (int64_t)retention_days * DAY_MS, NULL,
                       NULL) != 0)
    die("recorder", s);
  printf("bench_store: %zu probes at their default intervals, %d simulated "
         "days (fake clock), retention %d d, facts varying: %s\n",
         vg_nprobes, days, retention_days, vary);
  proc_io(&io_c0, &io_b0);
  t_start = uv_hrtime();
  for (;;) {
    /* One flush: every run due within FLUSH_MS of the earliest. */
    now = INT64_MAX;
    for (i = 0; i < vg_nprobes; i++)
      if (sp[i].next_ms < now) now = sp[i].next_ms;
    if (now >= end) break;
    for (i = 0; i < vg_nprobes; i++) {
      sim_probe_t *q = &sp[i];
      int64_t iv = (int64_t)q->p->interval_s * 1000;
      double value = (double)(q->samples % 100000);
      vg_finding_t f;
      char *facts;
      if (q->next_ms > now + FLUSH_MS) continue;
      facts = facts_of(q, q->samples);
      memset(&f, 0, sizeof(f));
      f.status = VG_ST_OK;
      snprintf(f.summary, sizeof(f.summary),
               "%s: every value checked is as MARS needs it (%u items "
               "checked)",
               q->p->id, 7u);
      vg_recorder_sample(rec, q->p->id, q->next_ms, &f, facts, 3);
      if (q->p->trend)
        vg_trend_history_add(&q->trend, rec, q->p->id, q->next_ms, value);
      vg_recorder_state(rec, q->p->id, &f, facts, &memo, t0, q->next_ms);
      stored += (int64_t)(strlen(q->p->id) + strlen("ok") + strlen(f.summary) +
                          strlen(facts) + 2 * sizeof(int64_t));
      free(facts);
      q->samples++;
      samples++;
      q->next_ms += iv + jitter(iv);
    }
    if (vg_recorder_pending(rec) > 0) tx++;
    if (vg_recorder_flush(rec, now) != 0) die("flush", s);
    if (now >= next_mark) {
      int64_t sz = print_mark(path, (int)((next_mark - t0) / DAY_MS), samples);
      if (first_month == 0) first_month = sz;
      next_mark += 30 * DAY_MS;
    }
  }
  vg_recorder_close(rec);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  if (next_mark == end) print_mark(path, days, samples);
  proc_io(&io_c1, &io_b1);
  {
    double secs = (double)(uv_hrtime() - t_start) / 1e9;
    int64_t open_bytes = db_bytes(path, &wal), closed;
    double per = samples ? 1.0 / (double)samples : 0;
    double month = 30.0 / days;
    /* Samples still in the database: retention prunes the older ones. */
    double kept = (double)samples *
                  (days > retention_days ? (double)retention_days / days : 1);
    vg_store_close(s);
    closed = db_bytes(path, &wal);
    printf("  samples: %llu (%.0f per day) in %llu transactions, %.2f s "
           "(%.0f samples/s)\n",
           (unsigned long long)samples, (double)samples / days,
           (unsigned long long)tx, secs, (double)samples / secs);
    for (i = 0; i < vg_nprobes; i++)
      printf("    %-20s every %5us  %7llu samples  %4.1f %%  facts %s%s\n",
             sp[i].p->id, sp[i].p->interval_s,
             (unsigned long long)sp[i].samples,
             100.0 * (double)sp[i].samples / (double)(samples ? samples : 1),
             sp[i].facts ? sp[i].fixture : "(generic)",
             sp[i].vary ? ", varying" : "");
    printf("  stored per sample (probe, status, summary, facts, times): "
           "%.0f B\n",
           (double)stored * per);
    printf("  database on disk, open (db+wal+shm): %.2f MiB = %.0f B per "
           "kept sample\n",
           mib(open_bytes), (double)open_bytes / kept);
    printf("  database on disk, closed (checkpointed): %.2f MiB = %.0f B "
           "per kept sample\n",
           mib(closed), (double)closed / kept);
    if (days > retention_days)
      printf("  database per 30 days: %.2f MiB (first 30 days, open); "
             "bounded by the %d-day retention at %.2f MiB\n",
             mib(first_month), retention_days, mib(open_bytes));
    else
      printf("  database per 30 days: %.2f MiB (closed)\n",
             mib(closed) * month);
    if (io_c0 >= 0 && io_c1 >= 0) {
      printf("  written per sample: %.0f B by write calls (wchar), %.0f B "
             "to storage (write_bytes)\n",
             (double)(io_c1 - io_c0) * per, (double)(io_b1 - io_b0) * per);
      printf("  written / stored: %.1fx (wchar), %.1fx (write_bytes); "
             "written per 30 days: %.0f MiB\n",
             stored ? (double)(io_c1 - io_c0) / (double)stored : 0,
             stored ? (double)(io_b1 - io_b0) / (double)stored : 0,
             mib(io_c1 - io_c0) * month);
    } else {
      printf("  written per sample: n/a (no /proc/self/io here)\n");
    }
  }
  remove_db(path);
  for (i = 0; i < vg_nprobes; i++)
    vg_json_free(sp[i].doc);
  free(sp);
  return 0;
}

/* ------------------------------------------------------------ batch */

#define BATCH_PROBES 18

static double run_batch(const char *path, int cycles, int batched) {
  vg_store_t *s;
  char note[300], err[300], ids[BATCH_PROBES][32];
  uint64_t t0;
  int c, p;
  remove_db(path);
  if (vg_store_open(path, &s, note, sizeof(note), err, sizeof(err)) != 0) {
    fprintf(stderr, "bench_store: %s\n", err);
    exit(1);
  }
  for (p = 0; p < BATCH_PROBES; p++)
    snprintf(ids[p], sizeof(ids[p]), "probe.%d", p);
  t0 = uv_hrtime();
  for (c = 0; c < cycles; c++) {
    if (batched && vg_store_begin(s)) exit(1);
    for (p = 0; p < BATCH_PROBES; p++) {
      vg_sample_t smp = {ids[p],        c, "ok", "summary of the finding",
                         generic_facts, 3};
      vg_state_t st = {ids[p],        "ok", "summary", "remedy", "[]",
                       generic_facts, "{}", 0,         c};
      if (!batched && vg_store_begin(s)) exit(1);
      if (vg_store_add_sample(s, &smp) || vg_store_put_state(s, &st)) exit(1);
      if (!batched && vg_store_commit(s)) exit(1);
    }
    if (batched && vg_store_commit(s)) exit(1);
  }
  vg_store_close(s);
  return (double)(uv_hrtime() - t0) / 1e9;
}

/* A transaction per record against one per scheduling cycle. */
static int batch_main(int cycles, const char *dir) {
  char path[600];
  double base, ours;
  snprintf(path, sizeof(path), "%s/vigil-bench-batch-%d.db", dir,
           (int)uv_os_getpid());
  base = run_batch(path, cycles, 0);
  ours = run_batch(path, cycles, 1);
  remove_db(path);
  printf("bench_store batch: %d cycles x %d probes\n", cycles, BATCH_PROBES);
  printf("  baseline (transaction per record): %8.3f s  %8.0f records/s\n",
         base, cycles * BATCH_PROBES * 2 / base);
  printf("  vigil    (transaction per cycle):  %8.3f s  %8.0f records/s\n",
         ours, cycles * BATCH_PROBES * 2 / ours);
  printf("  ratio: %.1fx faster\n", base / ours);
  return 0;
}

static int usage(void) {
  fprintf(stderr, "usage: bench_store [--days N] [--retention-days N] "
                  "[--vary trend|all|none]\n"
                  "                   [--fixtures DIR] [--dir DIR]\n"
                  "       bench_store batch [CYCLES] [DIR]\n");
  return 2;
}

int main(int argc, char **argv) {
  char dir[512];
  size_t n = sizeof(dir);
  const char *vary = "trend", *fixtures = VG_BENCH_FIXTURES;
  int days = 30, retention = 90, i;
  if (uv_os_tmpdir(dir, &n) != 0) vg_strlcpy(dir, ".", sizeof(dir));
  if (argc > 1 && strcmp(argv[1], "batch") == 0) {
    if (argc > 3) vg_strlcpy(dir, argv[3], sizeof(dir));
    return batch_main(argc > 2 ? atoi(argv[2]) : 300, dir);
  }
  for (i = 1; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (v == NULL) return usage();
    if (strcmp(argv[i], "--days") == 0)
      days = atoi(v);
    else if (strcmp(argv[i], "--retention-days") == 0)
      retention = atoi(v);
    else if (strcmp(argv[i], "--vary") == 0)
      vary = v;
    else if (strcmp(argv[i], "--fixtures") == 0)
      fixtures = v;
    else if (strcmp(argv[i], "--dir") == 0)
      vg_strlcpy(dir, v, sizeof(dir));
    else
      return usage();
    i++;
  }
  if (days < 1 || retention < 1 ||
      (strcmp(vary, "trend") && strcmp(vary, "all") && strcmp(vary, "none")))
    return usage();
  return run_month(days, retention, vary, fixtures, dir);
}
