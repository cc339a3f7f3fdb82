/* prom.c: the findings as Prometheus text exposition (vigil.prom for
 * windows_exporter's textfile collector; docs/metrics.md) and its atomic
 * write-then-rename. */
#include "prom.h"

#include "file_replace.h"
#include "vg.h"

#include <uv.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Label sets longer than this are cut (a volume name, a task path). */
#define PROM_LABELS_MAX 2048
/* Series of one family the dedupe list holds before it gives up growing
 * (past that, series are still written: they come from distinct probes). */
#define PROM_SEEN_MAX 4096

/* ------------------------------------------------------------ writer */

typedef struct prom_s {
  vg_buf_t *out;
  const char *name, *type, *help;
  int header_done;
  char **seen; /* label sets written in the current family */
  size_t nseen, capseen;
} prom_t;

static void prom_forget(prom_t *p) {
  size_t i;
  for (i = 0; i < p->nseen; i++)
    free(p->seen[i]);
  p->nseen = 0;
}

/* Starts a family; HELP and TYPE are written with its first sample, so a
 * family without samples leaves no trace. */
static void fam(prom_t *p, const char *name, const char *type,
                const char *help) {
  prom_forget(p);
  p->name = name;
  p->type = type;
  p->help = help;
  p->header_done = 0;
}

/* Returns 1 when labels were already written in this family (and
 * remembers them otherwise). */
static int prom_seen(prom_t *p, const char *labels) {
  size_t i;
  char *copy;
  for (i = 0; i < p->nseen; i++)
    if (strcmp(p->seen[i], labels) == 0) return 1;
  if (p->nseen == p->capseen) {
    size_t cap = p->capseen ? p->capseen * 2 : 16;
    char **n;
    if (cap > PROM_SEEN_MAX) return 0;
    n = realloc(p->seen, cap * sizeof(*n));
    if (n == NULL) return 0;
    p->seen = n;
    p->capseen = cap;
  }
  copy = malloc(strlen(labels) + 1);
  if (copy == NULL) return 0;
  strcpy(copy, labels);
  p->seen[p->nseen++] = copy;
  return 0;
}

/* One sample: name{labels} value. labels is "" or a rendered "{...}". */
static void sample(prom_t *p, const char *labels, const char *value) {
  if (prom_seen(p, labels)) return; /* never a duplicate series (#755) */
  if (!p->header_done) {
    vg_buf_printf(p->out, "# HELP %s %s\n# TYPE %s %s\n", p->name, p->help,
                  p->name, p->type);
    p->header_done = 1;
  }
  vg_buf_printf(p->out, "%s%s %s\n", p->name, labels, value);
}

/* ------------------------------------------------------------ values */

static const char *fmt_double(char *buf, size_t size, double v) {
  if (isnan(v)) return "NaN";
  if (isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == vg_floor(v) && fabs(v) < 9.0e15)
    snprintf(buf, size, "%.0f", v);
  else
    snprintf(buf, size, "%.15g", v);
  return buf;
}

static const char *fmt_int(char *buf, size_t size, int64_t v) {
  snprintf(buf, size, "%lld", (long long)v);
  return buf;
}

/* Unix ms as seconds, exact to the ms ("1764018000.5" has no rounding). */
static const char *fmt_ts(char *buf, size_t size, int64_t ms) {
  int64_t s = ms / 1000, r = ms % 1000;
  if (r < 0) {
    r += 1000;
    s -= 1;
  }
  if (r == 0)
    snprintf(buf, size, "%lld", (long long)s);
  else
    snprintf(buf, size, "%lld.%03d", (long long)s, (int)r);
  return buf;
}

/* The status as a number: 0 ok, 1 warn, 2 crit, 3 unknown, -1 n/a. */
static int status_num(vg_status_t st) {
  switch (st) {
  case VG_ST_OK: return 0;
  case VG_ST_WARN: return 1;
  case VG_ST_CRIT: return 2;
  case VG_ST_UNKNOWN: return 3;
  case VG_ST_NA: break;
  }
  return -1;
}

/* ------------------------------------------------------------ labels */

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s) {
  size_t n, i;
  unsigned c = s[0];
  unsigned long cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF)
    n = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF)
    n = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4)
    n = 4, cp = c & 0x07;
  else
    return 0;
  for (i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

typedef struct labels_s {
  char s[PROM_LABELS_MAX];
  size_t pos;
} labels_t;

static void lbl_init(labels_t *l) {
  l->s[0] = '\0';
  l->pos = 0;
}

/* Adds key="value" with the exposition format's escapes (backslash, double
 * quote, line feed); other control characters become spaces and bytes that
 * are not UTF-8 '?' (the collector refuses the whole file otherwise). */
static void lbl(labels_t *l, const char *key, const char *value) {
  const unsigned char *v = (const unsigned char *)(value ? value : "");
  size_t cap = sizeof(l->s);
  vg_bufprintf(l->s, cap, &l->pos, "%s%s=\"", l->pos ? "," : "{", key);
  while (*v && l->pos + 8 < cap) {
    size_t n = utf8_len(v);
    if (*v == '\\' || *v == '"') {
      l->s[l->pos++] = '\\';
      l->s[l->pos++] = (char)*v++;
    } else if (*v == '\n') {
      l->s[l->pos++] = '\\';
      l->s[l->pos++] = 'n';
      v++;
    } else if (*v < 0x20 || *v == 0x7F) {
      l->s[l->pos++] = ' '; /* CR, tab, ...: not for a one-line format */
      v++;
    } else if (n == 0) {
      l->s[l->pos++] = '?';
      v++;
    } else {
      memcpy(l->s + l->pos, v, n);
      l->pos += n;
      v += n;
    }
  }
  l->s[l->pos] = '\0';
  vg_bufprintf(l->s, cap, &l->pos, "\"");
}

static const char *lbl_end(labels_t *l) {
  if (l->pos) vg_bufprintf(l->s, sizeof(l->s), &l->pos, "}");
  return l->s;
}

static void probe_labels(labels_t *l, const vg_view_probe_t *pr) {
  lbl_init(l);
  lbl(l, "probe", pr->id);
  lbl(l, "scope", vg_scope_name(pr->scope));
}

/* ------------------------------------------------------------ families */

static vg_status_t probe_status(const vg_view_probe_t *pr) {
  return pr->finding ? pr->finding->status : VG_ST_UNKNOWN;
}

static void render_self(prom_t *p, const vg_report_view_t *r) {
  labels_t l;
  char v[64];
  fam(p, "vigil_up", "gauge",
      "1 while Vigil writes this file (see windows_textfile_mtime_seconds "
      "for its age).");
  sample(p, "", "1");
  fam(p, "vigil_build_info", "gauge", "Vigil's version, as a label.");
  lbl_init(&l);
  lbl(&l, "version", r->version ? r->version : VG_VERSION);
  sample(p, lbl_end(&l), "1");
  if (r->now_ms > 0) {
    fam(p, "vigil_report_timestamp_seconds", "gauge",
        "When Vigil took these findings (Unix time).");
    sample(p, "", fmt_ts(v, sizeof(v), r->now_ms));
  }
  fam(p, "vigil_overall_status", "gauge",
      "Worst status of all probes: 0 ok, 1 warn, 2 crit, 3 unknown.");
  sample(p, "", fmt_int(v, sizeof(v), status_num(vg_view_overall(r))));
}

static void render_probes(prom_t *p, const vg_report_view_t *r) {
  static const struct {
    vg_status_t st;
    const char *name;
  } states[] = {{VG_ST_OK, "ok"},
                {VG_ST_WARN, "warn"},
                {VG_ST_CRIT, "crit"},
                {VG_ST_UNKNOWN, "unknown"},
                {VG_ST_NA, "n/a"}};
  labels_t l;
  char v[64];
  size_t i, k;

  fam(p, "vigil_probe_status", "gauge",
      "Probe status: 0 ok, 1 warn, 2 crit, 3 unknown (could not measure), "
      "-1 n/a (does not apply here).");
  for (i = 0; i < r->nprobes; i++) {
    probe_labels(&l, &r->probes[i]);
    sample(p, lbl_end(&l),
           fmt_int(v, sizeof(v), status_num(probe_status(&r->probes[i]))));
  }
  fam(p, "vigil_probe_state", "gauge",
      "Probe status one-hot: 1 for the current state, 0 for the others.");
  for (i = 0; i < r->nprobes; i++)
    for (k = 0; k < VG_ARRAY_SIZE(states); k++) {
      probe_labels(&l, &r->probes[i]);
      lbl(&l, "state", states[k].name);
      sample(p, lbl_end(&l),
             probe_status(&r->probes[i]) == states[k].st ? "1" : "0");
    }
  fam(p, "vigil_probe_last_check_timestamp_seconds", "gauge",
      "When the probe last measured (Unix time); absent before its first "
      "check.");
  for (i = 0; i < r->nprobes; i++) {
    if (r->probes[i].checked_ms <= 0) continue;
    probe_labels(&l, &r->probes[i]);
    sample(p, lbl_end(&l), fmt_ts(v, sizeof(v), r->probes[i].checked_ms));
  }
  fam(p, "vigil_probe_since_timestamp_seconds", "gauge",
      "When the probe's current status began (Unix time).");
  for (i = 0; i < r->nprobes; i++) {
    if (r->probes[i].since_ms <= 0) continue;
    probe_labels(&l, &r->probes[i]);
    sample(p, lbl_end(&l), fmt_ts(v, sizeof(v), r->probes[i].since_ms));
  }
  fam(p, "vigil_probe_forecast_eta_timestamp_seconds", "gauge",
      "When the probe's trend is forecast to reach its crit level (Unix "
      "time); absent without a trend heading there.");
  for (i = 0; i < r->nprobes; i++) {
    const vg_forecast_t *fc = r->probes[i].forecast;
    if (fc == NULL || !fc->valid || fc->eta_ms <= 0) continue;
    probe_labels(&l, &r->probes[i]);
    sample(p, lbl_end(&l), fmt_ts(v, sizeof(v), fc->eta_ms));
  }
}

static void render_readiness(prom_t *p, const vg_report_view_t *r) {
  static const vg_scope_t scopes[] = {VG_SCOPE_BACKUP, VG_SCOPE_RESTORE,
                                      VG_SCOPE_MONITORING};
  static const char *const verdicts[] = {"ready", "at_risk", "will_fail",
                                         "unknown"};
  const char *verdict;
  labels_t l;
  char v[64];
  size_t i;
  fam(p, "vigil_readiness", "gauge",
      "Worst status among the probes of a scope (backup, restore, "
      "monitoring): 0 ok, 1 warn, 2 crit, 3 unknown, -1 none applies.");
  for (i = 0; i < VG_ARRAY_SIZE(scopes); i++) {
    lbl_init(&l);
    lbl(&l, "scope", vg_scope_name(scopes[i]));
    sample(p, lbl_end(&l),
           fmt_int(v, sizeof(v), status_num(vg_view_readiness(r, scopes[i]))));
  }
  if (r->next_backup.at_ms <= 0) return;
  fam(p, "vigil_next_backup_timestamp_seconds", "gauge",
      "When the next scheduled MARS backup starts (Unix time).");
  lbl_init(&l);
  lbl(&l, "task", r->next_backup.task);
  sample(p, lbl_end(&l), fmt_ts(v, sizeof(v), r->next_backup.at_ms));
  verdict = r->next_backup.verdict ? r->next_backup.verdict : "unknown";
  for (i = 0; i < VG_ARRAY_SIZE(verdicts); i++)
    if (strcmp(verdict, verdicts[i]) == 0) break;
  if (i == VG_ARRAY_SIZE(verdicts)) verdict = "unknown";
  fam(p, "vigil_next_backup_verdict", "gauge",
      "Vigil's verdict on the next scheduled backup, one-hot: ready, "
      "at_risk, will_fail, unknown.");
  for (i = 0; i < VG_ARRAY_SIZE(verdicts); i++) {
    lbl_init(&l);
    lbl(&l, "verdict", verdicts[i]);
    sample(p, lbl_end(&l), strcmp(verdict, verdicts[i]) == 0 ? "1" : "0");
  }
}

static const vg_view_probe_t *find_probe(const vg_report_view_t *r,
                                         const char *id) {
  size_t i;
  for (i = 0; i < r->nprobes; i++)
    if (r->probes[i].facts && strcmp(r->probes[i].id, id) == 0)
      return &r->probes[i];
  return NULL;
}

/* A measured value: one fact of one probe (its first present key),
 * scaled. docs/metrics.md lists each with the fact it reads. */
typedef struct prom_fact_s {
  const char *metric, *help;
  const char *probe;
  const char *keys[3]; /* tried in order */
  double scale[3];
} prom_fact_t;

static const prom_fact_t prom_facts[] = {
    {"vigil_scratch_free_bytes",
     "Free bytes on the volume of the MARS scratch (cache) folder.",
     "scratch.space",
     {"free_bytes"},
     {1}},
    {"vigil_scratch_volume_size_bytes",
     "Size of the volume of the MARS scratch folder.",
     "scratch.space",
     {"total_bytes"},
     {1}},
    {"vigil_scratch_backup_data_bytes",
     "Backup data size the scratch free space is judged against (configured "
     "or estimated).",
     "scratch.space",
     {"backup_bytes"},
     {1}},
    {"vigil_temp_files",
     "Count of *.tmp files in the Windows temp folder (counting stops at the "
     "crit threshold).",
     "temp.files",
     {"count"},
     {1}},
    {"vigil_clock_skew_seconds",
     "System clock minus the time the Azure endpoints report (positive: "
     "this clock is ahead).",
     "clock.skew",
     {"skew_ms", "skew_s", "skew_seconds"},
     {1e-3, 1, 1}},
    {"vigil_dotnet_release",
     "Release number of the installed .NET Framework 4.x (528040 = 4.8).",
     "dotnet.version",
     {"release"},
     {1}},
    {"vigil_task_last_result",
     "Last result code of the MARS scheduled backup task (0 = success).",
     "task.schedule",
     {"last_result"},
     {1}},
    {"vigil_task_missed_runs",
     "Runs of the MARS scheduled backup task the Task Scheduler missed.",
     "task.schedule",
     {"missed_runs"},
     {1}},
    {"vigil_last_backup_success_timestamp_seconds",
     "When MARS last reported a successful backup (Unix time).",
     "mars.jobs",
     {"last_success_ms"},
     {1e-3}},
};

static void render_facts(prom_t *p, const vg_report_view_t *r) {
  const vg_view_probe_t *pr;
  char v[64];
  size_t i, k;
  for (i = 0; i < VG_ARRAY_SIZE(prom_facts); i++) {
    const prom_fact_t *m = &prom_facts[i];
    double d;
    pr = find_probe(r, m->probe);
    if (pr == NULL) continue;
    for (k = 0; k < 3 && m->keys[k]; k++)
      if (vg_facts_get_double(pr->facts, m->keys[k], &d) == 0 && !isnan(d))
        break;
    if (k == 3 || m->keys[k] == NULL) continue;
    fam(p, m->metric, "gauge", m->help);
    sample(p, "", fmt_double(v, sizeof(v), d * m->scale[k]));
  }
  /* The ratio the probe judges (5-10 % rule): free / backup data size. */
  pr = find_probe(r, "scratch.space");
  if (pr) {
    double fb, bb;
    if (vg_facts_get_double(pr->facts, "free_bytes", &fb) == 0 &&
        vg_facts_get_double(pr->facts, "backup_bytes", &bb) == 0 && bb > 0) {
      fam(p, "vigil_scratch_free_ratio", "gauge",
          "Scratch free bytes divided by the backup data size (warn below "
          "0.10, crit below 0.05 by default).");
      sample(p, "", fmt_double(v, sizeof(v), fb / bb));
    }
  }
}

/* Shadow storage per volume: facts vol<i>, vol<i>_used, _allocated, _max
 * ("unbounded" = +Inf) of vss.storage. */
static void render_shadow(prom_t *p, const vg_report_view_t *r) {
  static const struct {
    const char *suffix, *metric, *help;
  } cols[] = {
      {"_used", "vigil_shadow_storage_used_bytes",
       "Shadow copy storage in use for a volume."},
      {"_allocated", "vigil_shadow_storage_allocated_bytes",
       "Shadow copy storage allocated for a volume."},
      {"_max", "vigil_shadow_storage_max_bytes",
       "Maximum shadow copy storage of a volume (+Inf when unbounded)."},
  };
  const vg_view_probe_t *pr = find_probe(r, "vss.storage");
  char k[VG_FACT_KEY_MAX], v[64];
  size_t c;
  int i;
  if (pr == NULL) return;
  for (c = 0; c < VG_ARRAY_SIZE(cols); c++) {
    fam(p, cols[c].metric, "gauge", cols[c].help);
    for (i = 0; i < VG_FACTS_MAX; i++) {
      const char *vol, *s;
      labels_t l;
      double d;
      snprintf(k, sizeof(k), "vol%d", i);
      vol = vg_facts_get_str(pr->facts, k);
      if (vol == NULL) break;
      snprintf(k, sizeof(k), "vol%d%s", i, cols[c].suffix);
      lbl_init(&l);
      lbl(&l, "volume", vol);
      if (vg_facts_get_double(pr->facts, k, &d) == 0)
        sample(p, lbl_end(&l), fmt_double(v, sizeof(v), d));
      else if ((s = vg_facts_get_str(pr->facts, k)) != NULL &&
               strcmp(s, "unbounded") == 0)
        sample(p, lbl_end(&l), "+Inf");
    }
  }
}

static void render_agent(prom_t *p, const vg_report_view_t *r) {
  char v[64];
  if (r->store) {
    fam(p, "vigil_store_ok", "gauge",
        "1 while Vigil's database accepts writes, 0 while it is failing "
        "(records are kept in memory).");
    sample(p, "", strcmp(r->store, "ok") == 0 ? "1" : "0");
    fam(p, "vigil_dropped_records_total", "counter",
        "Records Vigil dropped since it started because its database "
        "could not take them.");
    snprintf(v, sizeof(v), "%llu", (unsigned long long)r->dropped_records);
    sample(p, "", v);
  }
}

int vg_prom_render(const vg_report_view_t *r, vg_buf_t *out) {
  prom_t p;
  memset(&p, 0, sizeof(p));
  p.out = out;
  render_self(&p, r);
  render_probes(&p, r);
  render_readiness(&p, r);
  render_facts(&p, r);
  render_shadow(&p, r);
  render_agent(&p, r);
  prom_forget(&p);
  free(p.seen);
  return out->err;
}

/* ------------------------------------------------------------ file */

static void join(char *buf, size_t size, const char *dir, const char *name) {
  size_t n = strlen(dir);
  int sep = n > 0 && (dir[n - 1] == '/' || dir[n - 1] == '\\');
  snprintf(buf, size, "%s%s%s", dir, sep || n == 0 ? "" : "/", name);
}

static int uv_to_vg(int uverr) {
  switch (uverr) {
  case UV_ENOENT:
  case UV_ENOTDIR: return VG_ENOENT;
  case UV_EACCES:
  case UV_EPERM:
  case UV_EROFS: return VG_EACCES;
  default: return VG_EIO;
  }
}

int vg_prom_write_file(const char *dir, const char *text, size_t len, char *err,
                       size_t errsz) {
  char tmp[1024], dst[1024], why[256];
  uv_fs_t req;
  uv_file fd;
  size_t done = 0;
  int rc = 0;
  if (len > VG_PROM_MAX) {
    snprintf(err, errsz, "%s would be %zu bytes, more than the %u allowed",
             VG_PROM_FILE, len, (unsigned)VG_PROM_MAX);
    return VG_ETOOBIG;
  }
  if (strlen(dir) + sizeof(VG_PROM_TMP) + 2 > sizeof(tmp)) {
    snprintf(err, errsz, "textfile_dir is too long");
    return VG_ERANGE;
  }
  join(tmp, sizeof(tmp), dir, VG_PROM_TMP);
  join(dst, sizeof(dst), dir, VG_PROM_FILE);
  fd = uv_fs_open(NULL, &req, tmp,
                  UV_FS_O_WRONLY | UV_FS_O_CREAT | UV_FS_O_TRUNC, 0644, NULL);
  uv_fs_req_cleanup(&req);
  if (fd < 0) {
    snprintf(err, errsz, "cannot create %s: %s", tmp, uv_strerror(fd));
    return uv_to_vg(fd);
  }
  while (done < len) {
    uv_buf_t b = uv_buf_init((char *)text + done, (unsigned)(len - done));
    int n = uv_fs_write(NULL, &req, fd, &b, 1, -1, NULL);
    uv_fs_req_cleanup(&req);
    if (n <= 0) {
      snprintf(err, errsz, "cannot write %s: %s", tmp,
               n < 0 ? uv_strerror(n) : "nothing written");
      rc = n < 0 ? uv_to_vg(n) : VG_EIO;
      break;
    }
    done += (size_t)n;
  }
  /* On disk before the rename, so a crash leaves the old file or the new
   * one, not an empty one. */
  if (rc == 0) {
    int n = uv_fs_fsync(NULL, &req, fd, NULL);
    uv_fs_req_cleanup(&req);
    if (n < 0) {
      snprintf(err, errsz, "cannot flush %s: %s", tmp, uv_strerror(n));
      rc = uv_to_vg(n);
    }
  }
  uv_fs_close(NULL, &req, fd, NULL);
  uv_fs_req_cleanup(&req);
  if (rc == 0 && (rc = vg_file_replace(tmp, dst, why, sizeof(why))) != 0)
    snprintf(err, errsz, "cannot rename %s to %s: %s", tmp, dst, why);
  if (rc != 0) {
    uv_fs_unlink(NULL, &req, tmp, NULL);
    uv_fs_req_cleanup(&req);
  }
  return rc;
}
