/* mars_jobs.c: how MARS's last backup jobs ended and how fresh the last
 * good one is - from the CloudBackup event log, CBEngineCurr.errlog (its
 * error HRESULTs) and LastBackupFailedFiles*.txt (failed files by cause)
 * (probes.md: mars.jobs). Logs are read from their end, never whole. */
#include "hresult.h"
#include "mars.h"
#include "mars_jobs_parse.h"
#include "probe.h"
#include "task_next_run.h"
#include "task_xml.h"
#include "textconv.h"
#include "timefmt.h"
#include "tz.h"
#include "vg.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MJ_DAY_MS 86400000ll
#define MJ_EVENTS_MAX 256 /* newest events looked at */
#define MJ_LISTS_MAX 8    /* LastBackupFailedFiles lists read */
#define MJ_LIST_MAX (1024 * 1024)
#define MJ_CHANNELS_MAX 4
#define MJ_TASK "\\Microsoft\\OnlineBackup\\Microsoft-OnlineBackup"
#define MJ_XPATH                                                               \
  "*[System[(EventID=1 or EventID=3 or EventID=10 or EventID=11 or "           \
  "EventID=14 or EventID=16 or EventID=18)]]"

static const vg_key_def_t mars_jobs_keys[] = {
    {"channel", VG_KEY_STR, 1, 200, "CloudBackup",
     "event log channel MARS writes its job events to (*unconfirmed*; when "
     "absent, channels named CloudBackup/... are tried)"},
    {"grace", VG_KEY_DURATION, 0, 30 * 86400e3, "2h",
     "added to the schedule's period (from the MARS task; 24 h when "
     "unknown) before a missing successful backup is crit"},
    {"errlog_tail", VG_KEY_BYTES, 4096, 16 * 1048576.0, "256K",
     "how much of the end of CBEngineCurr.errlog is read"},
    {"errlog_local_time", VG_KEY_BOOL, 0, 1, "false",
     "CBEngineCurr.errlog times are local time, not UTC (*unconfirmed*)"},
    {NULL, 0, 0, 0, NULL, NULL}};

/* ---------------------------------------------------------------- events */

static int mars_jobs_event_cb(const vg_event_t *ev, void *ud) {
  vg_jobs_add(ud, ev);
  return 0;
}

typedef struct mj_channels_s {
  const char *base;
  char names[MJ_CHANNELS_MAX][200];
  int n;
} mj_channels_t;

/* Channels named base or base/...: ^CloudBackup(/.*)?$ */
static int mars_jobs_channel_cb(const char *name, void *ud) {
  mj_channels_t *c = ud;
  size_t n = strlen(c->base);
  if (strncasecmp(name, c->base, n) == 0 &&
      (name[n] == '\0' || name[n] == '/') && c->n < MJ_CHANNELS_MAX)
    vg_strlcpy(c->names[c->n++], name, sizeof(c->names[0]));
  return 0;
}

/* Reads the job events; events_channel or events_error. */
static void mars_jobs_events(const vg_probe_ctx_t *ctx, vg_facts_t *f,
                             vg_jobs_t *jobs) {
  const vg_os_t *os = ctx->os;
  const char *channel = vg_probe_str(&ctx->set, "channel");
  mj_channels_t *ch = calloc(1, sizeof(*ch));
  char why[300], why2[300], msg[700];
  int rc, i;
  if (channel == NULL || *channel == '\0') channel = "CloudBackup";
  if (ch == NULL) {
    vg_facts_set_str(f, "events_error", "out of memory");
    return;
  }
  rc = os->event_query(os, channel, MJ_XPATH, MJ_EVENTS_MAX, mars_jobs_event_cb,
                       jobs, why, sizeof(why));
  if (rc == 0) {
    vg_facts_set_str(f, "events_channel", channel);
    goto done;
  }
  if (rc == VG_ENOENT) {
    /* the name is unconfirmed: look for CloudBackup/... channels */
    ch->base = channel;
    rc = os->event_channels(os, mars_jobs_channel_cb, ch, why2, sizeof(why2));
    for (i = 0; rc == 0 && i < ch->n; i++) {
      vg_jobs_init(jobs);
      if (os->event_query(os, ch->names[i], MJ_XPATH, MJ_EVENTS_MAX,
                          mars_jobs_event_cb, jobs, why2, sizeof(why2)) == 0) {
        vg_facts_set_str(f, "events_channel", ch->names[i]);
        goto done;
      }
    }
    vg_jobs_init(jobs);
    if (rc != 0)
      snprintf(msg, sizeof(msg), "%s; listing the channels: %s", why, why2);
    else
      snprintf(msg, sizeof(msg), "no event log channel named %s or %s/... (%s)",
               channel, channel, why);
    vg_facts_set_str(f, "events_error", msg);
    goto done;
  }
  vg_jobs_init(jobs);
  vg_facts_set_str(f, "events_error", why[0] ? why : vg_strerror(rc));
done:
  free(ch);
}

static void mars_jobs_event_facts(vg_facts_t *f, const vg_jobs_t *j) {
  char k[VG_FACT_KEY_MAX], hex[16];
  size_t i;
  vg_facts_set_int(f, "events_read", (int64_t)j->events);
#define MJ_TIME(key, v)                                                        \
  do {                                                                         \
    if (v)                                                                     \
      vg_facts_set_int(f, key, v);                                             \
    else                                                                       \
      vg_facts_set_null(f, key);                                               \
  } while (0)
  MJ_TIME("last_success_ms", j->last_success_ms);
  MJ_TIME("last_failure_ms", j->last_failure_ms);
  if (j->njobs) {
    vg_facts_set_str(f, "last_outcome",
                     vg_job_outcome_name(j->jobs[0].outcome));
    vg_facts_set_int(f, "last_outcome_ms", j->jobs[0].at_ms);
  } else {
    vg_facts_set_null(f, "last_outcome");
    vg_facts_set_null(f, "last_outcome_ms");
  }
#undef MJ_TIME
  if (j->last_failure_ms) {
    vg_facts_set_int(f, "last_failure_event", j->last_failure_id);
    if (j->last_failure_code) {
      snprintf(hex, sizeof(hex), "0x%08X", (unsigned)j->last_failure_code);
      vg_facts_set_str(f, "last_failure_code", hex);
    }
  }
  if (j->last_start_ms) vg_facts_set_int(f, "last_start_ms", j->last_start_ms);
  if (j->oldest_ms) vg_facts_set_int(f, "oldest_event_ms", j->oldest_ms);
  vg_facts_set_int(f, "failures_since_success", j->failures_since_completed);
  vg_facts_set_int(f, "warnings_in_a_row", j->warnings_in_a_row);
  if (j->last_outdated_ms)
    vg_facts_set_int(f, "notice_agent_ms", j->last_outdated_ms);
  if (j->last_quota_ms)
    vg_facts_set_int(f, "notice_quota_ms", j->last_quota_ms);
  for (i = 0; i < j->njobs; i++) {
    snprintf(k, sizeof(k), "job_%u_ms", (unsigned)i);
    vg_facts_set_int(f, k, j->jobs[i].at_ms);
    snprintf(k, sizeof(k), "job_%u_outcome", (unsigned)i);
    vg_facts_set_str(f, k, vg_job_outcome_name(j->jobs[i].outcome));
    if (j->jobs[i].start_ms) {
      snprintf(k, sizeof(k), "job_%u_start_ms", (unsigned)i);
      vg_facts_set_int(f, k, j->jobs[i].start_ms);
    }
  }
}

/* -------------------------------------------------------------- schedule */

/* The period of the MARS schedule: the shortest longest-gap of the main
 * task's enabled triggers; 24 h when it cannot be read. */
static void mars_jobs_schedule(const vg_os_t *os, vg_facts_t *f) {
  vg_task_info_t *ti = malloc(sizeof(*ti));
  vg_task_xml_t *x = NULL;
  const vg_task_trigger_t *t = NULL;
  size_t n = 0, i;
  int64_t period = 0;
  char file[1100];
  if (ti != NULL && os->task_query(os, "\\Microsoft\\OnlineBackup",
                                   "Microsoft-OnlineBackup", ti) == 0) {
    t = ti->triggers;
    n = ti->ntriggers;
    if (vg_hresult_failed(ti->triggers_hr)) {
      x = malloc(sizeof(*x));
      n = 0;
      if (x && vg_task_xml_read(os, MJ_TASK, x, file, sizeof(file)) == 0) {
        t = x->triggers;
        n = x->ntriggers;
      }
    }
  }
  for (i = 0; i < n; i++) {
    int64_t g = t[i].enabled ? vg_task_trigger_max_gap(&t[i]) : 0;
    if (g > 0 && (period == 0 || g < period)) period = g;
  }
  vg_facts_set_int(f, "schedule_period_ms", period ? period : MJ_DAY_MS);
  vg_facts_set_str(f, "schedule_period_from", period ? "task" : "default");
  free(ti);
  free(x);
}

/* ---------------------------------------------------------------- errlog */

typedef struct mj_errlog_s {
  const vg_time_zone_t *tz;
  int local;
  int64_t ref_ms;  /* the file's last write (or now): dates are before it */
  int64_t fail_ms; /* the last failed job (0 = none) */
  size_t lines, errors;
  vg_errlog_line_t last;
  int64_t last_ms;
  int has_last;
  uint32_t codes[8];
  size_t counts[8], ncodes;
  uint32_t fail_code;
} mj_errlog_t;

/* A line's time (MM/DD without a year) as unix ms: the latest such date
 * not after the file's last write (a day of slack). */
static int64_t mars_jobs_line_ms(const mj_errlog_t *c,
                                 const vg_errlog_line_t *l) {
  int y, m, d;
  int64_t ms, tod = l->hour * 3600000ll + l->minute * 60000ll +
                    l->second * 1000ll + l->ms;
  vg_tz_civil(c->ref_ms / MJ_DAY_MS, &y, &m, &d);
  ms = vg_days_from_civil(y, (unsigned)l->month, (unsigned)l->day) * MJ_DAY_MS +
       tod;
  if (ms > c->ref_ms + MJ_DAY_MS)
    ms = vg_days_from_civil(y - 1, (unsigned)l->month, (unsigned)l->day) *
             MJ_DAY_MS +
         tod;
  return c->local ? vg_tz_to_utc(c->tz, ms) : ms;
}

static int mars_jobs_errlog_cb(const vg_errlog_line_t *l, void *ud) {
  mj_errlog_t *c = ud;
  int64_t ms;
  size_t i;
  c->lines++;
  if (!l->has_hr || !vg_errlog_is_problem(l->level) || l->hr == 0) return 0;
  ms = mars_jobs_line_ms(c, l);
  c->errors++;
  c->last = *l;
  c->last_ms = ms;
  c->has_last = 1;
  for (i = 0; i < c->ncodes && c->codes[i] != l->hr; i++)
    ;
  if (i == c->ncodes && c->ncodes < VG_ARRAY_SIZE(c->codes)) {
    c->codes[i] = l->hr;
    c->counts[i] = 0;
    c->ncodes++;
  }
  if (i < c->ncodes) c->counts[i]++;
  /* the failed job's code: the newest error up to its end */
  if (c->fail_ms && ms <= c->fail_ms + 300000 && ms >= c->fail_ms - MJ_DAY_MS)
    c->fail_code = l->hr;
  return 0;
}

static void mars_jobs_errlog(const vg_probe_ctx_t *ctx, vg_facts_t *f,
                             const char *temp, const vg_time_zone_t *tz,
                             int64_t now, vg_jobs_t *jobs) {
  const vg_os_t *os = ctx->os;
  size_t max = (size_t)vg_probe_num(&ctx->set, "errlog_tail");
  char path[1200], hex[16], codes[300];
  char *raw = NULL, *text = NULL;
  vg_file_tail_t ft;
  mj_errlog_t *c = calloc(1, sizeof(*c));
  size_t i, o = 0, tlen;
  int rc;
  if (max < 4096) max = 256 * 1024;
  snprintf(path, sizeof(path), "%s\\CBEngineCurr.errlog", temp);
  raw = malloc(max);
  text = malloc(max * 3 / 2 + 4);
  if (c == NULL || raw == NULL || text == NULL) {
    vg_facts_set_str(f, "errlog_error", "out of memory");
    goto done;
  }
  rc = os->file_tail(os, path, max, raw, &ft);
  if (rc != 0) {
    char msg[1400];
    snprintf(msg, sizeof(msg), "%s: %s", path, vg_path_strerror(rc));
    vg_facts_set_str(f, "errlog_error", msg);
    goto done;
  }
  c->tz = tz;
  c->local = vg_probe_bool(&ctx->set, "errlog_local_time");
  c->ref_ms = ft.mtime_ms > 0 ? ft.mtime_ms : now;
  c->fail_ms = jobs->last_failure_ms;
  tlen = vg_text_utf8(raw, ft.len, text, max * 3 / 2 + 4);
  vg_errlog_parse(text, tlen, ft.size > ft.len, mars_jobs_errlog_cb, c);
  vg_facts_set_int(f, "errlog_size", (int64_t)ft.size);
  vg_facts_set_int(f, "errlog_read", (int64_t)ft.len);
  vg_facts_set_int(f, "errlog_errors", (int64_t)c->errors);
  if (c->has_last) {
    snprintf(hex, sizeof(hex), "0x%08X", (unsigned)c->last.hr);
    vg_facts_set_str(f, "errlog_last_hr", hex);
    vg_facts_set_int(f, "errlog_last_hr_ms", c->last_ms);
  }
  codes[0] = '\0';
  for (i = 0; i < c->ncodes; i++)
    vg_bufprintf(codes, sizeof(codes), &o, "%s0x%08X x%u", i ? ", " : "",
                 (unsigned)c->codes[i], (unsigned)c->counts[i]);
  vg_facts_set_str(f, "errlog_codes", codes);
  if (jobs->last_failure_ms && jobs->last_failure_code == 0 && c->fail_code) {
    jobs->last_failure_code = c->fail_code;
    snprintf(hex, sizeof(hex), "0x%08X", (unsigned)c->fail_code);
    vg_facts_set_str(f, "last_failure_code", hex);
  }
done:
  free(c);
  free(raw);
  free(text);
}

/* ---------------------------------------------------------- failed files */

typedef struct mj_lists_s {
  char names[MJ_LISTS_MAX][260];
  int n;
} mj_lists_t;

static int mars_jobs_list_cb(const char *name, uint32_t attrs, uint64_t size,
                             void *ud) {
  mj_lists_t *l = ud;
  size_t n = strlen(name);
  (void)attrs, (void)size;
  if (n >= 25 && strncasecmp(name, "LastBackupFailedFiles", 21) == 0 &&
      strcasecmp(name + n - 4, ".txt") == 0 && l->n < MJ_LISTS_MAX)
    vg_strlcpy(l->names[l->n++], name, sizeof(l->names[0]));
  return 0;
}

static void mars_jobs_failed_files(const vg_os_t *os, vg_facts_t *f,
                                   const char *temp) {
  mj_lists_t *lists = calloc(1, sizeof(*lists));
  vg_failed_files_t *acc = calloc(1, sizeof(*acc));
  char *raw = malloc(MJ_LIST_MAX), *text = malloc(MJ_LIST_MAX * 3 / 2 + 4);
  char path[1400], classes[400], msg[1500];
  uint64_t total = 0;
  int64_t newest = 0;
  int i, partial = 0, rc;
  size_t o = 0, c;
  if (lists == NULL || acc == NULL || raw == NULL || text == NULL) {
    vg_facts_set_str(f, "failed_files_error", "out of memory");
    goto done;
  }
  rc = os->list_dir(os, temp, mars_jobs_list_cb, lists);
  if (rc != 0 && rc != VG_ENOENT) {
    snprintf(msg, sizeof(msg), "%s: %s", temp, vg_path_strerror(rc));
    vg_facts_set_str(f, "failed_files_error", msg);
    goto done;
  }
  for (i = 0; i < lists->n; i++) {
    vg_failed_files_t one;
    vg_file_tail_t ft;
    size_t tlen;
    snprintf(path, sizeof(path), "%s\\%s", temp, lists->names[i]);
    if (os->file_tail(os, path, MJ_LIST_MAX, raw, &ft) != 0) continue;
    memset(&one, 0, sizeof(one));
    tlen = vg_text_utf8(raw, ft.len, text, MJ_LIST_MAX * 3 / 2 + 4);
    vg_failed_files_parse(text, tlen, ft.size > ft.len, &one);
    if (ft.mtime_ms > newest) newest = ft.mtime_ms;
    if (ft.size > ft.len && ft.len > 0) {
      /* too long to read whole: scale what the tail holds */
      partial = 1;
      total += (uint64_t)((double)one.files * (double)ft.size / (double)ft.len);
    } else {
      total += one.files;
    }
    for (c = 0; c < VG_FF_CLASSES; c++)
      acc->by_class[c] += one.by_class[c];
  }
  vg_facts_set_int(f, "failed_lists", lists->n);
  vg_facts_set_int(f, "failed_files", (int64_t)total);
  vg_facts_set_int(f, "failed_corrupt", (int64_t)acc->by_class[VG_FF_CORRUPT]);
  if (newest) vg_facts_set_int(f, "failed_files_ms", newest);
  if (partial) vg_facts_set_bool(f, "failed_files_partial", 1);
  classes[0] = '\0';
  for (c = 0; c < VG_FF_CLASSES; c++) {
    static const char *const names[] = {"corrupt",       "not found",
                                        "access denied", "cloud file",
                                        "other",         "no code"};
    if (acc->by_class[c] == 0) continue;
    vg_bufprintf(classes, sizeof(classes), &o, "%s%s %llu", o ? ", " : "",
                 names[c], (unsigned long long)acc->by_class[c]);
  }
  vg_facts_set_str(f, "failed_classes", classes);
done:
  free(lists);
  free(acc);
  free(raw);
  free(text);
}

/* ---------------------------------------------------------------- collect */

static int mars_jobs_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  vg_mars_loc_t loc;
  vg_time_zone_t tz;
  vg_jobs_t *jobs;
  int64_t now = 0;
  char temp[1100];
  int rc = vg_mars_locate(os, &loc);
  if (rc != 0)
    return vg_facts_fail(f, rc,
                         "cannot read the MARS install path (HKLM\\%s): %s",
                         VG_MARS_SETUP_KEY, vg_strerror(rc));
  vg_mars_facts(&loc, f);
  if (!loc.installed) return 0;
  jobs = malloc(sizeof(*jobs));
  if (jobs == NULL) return vg_facts_fail(f, VG_ENOMEM, "out of memory");
  vg_jobs_init(jobs);
  os->wall_clock_ms(os, &now);
  if (os->time_zone(os, &tz) != 0) vg_tz_set_utc(&tz);

  mars_jobs_events(ctx, f, jobs);
  mars_jobs_event_facts(f, jobs);
  mars_jobs_schedule(os, f);
  snprintf(temp, sizeof(temp), "%s\\Temp", loc.install_path);
  mars_jobs_errlog(ctx, f, temp, &tz, now, jobs);
  mars_jobs_failed_files(os, f, temp);
  free(jobs);
  return 0;
}

/* --------------------------------------------------------------- evaluate */

typedef struct mj_notes_s {
  char crit[600], warn[600];
  size_t nc, nw;
  const char *remedy; /* of the first, worst problem */
  int remedy_level;   /* 2 crit, 1 warn */
} mj_notes_t;

static void mars_jobs_note(mj_notes_t *n, int crit, const char *remedy,
                           const char *text) {
  if (crit)
    vg_bufprintf(n->crit, sizeof(n->crit), &n->nc, "%s%s", n->nc ? "; " : "",
                 text);
  else
    vg_bufprintf(n->warn, sizeof(n->warn), &n->nw, "%s%s", n->nw ? "; " : "",
                 text);
  if (n->remedy == NULL || (crit ? 2 : 1) > n->remedy_level) {
    n->remedy = remedy;
    n->remedy_level = crit ? 2 : 1;
  }
}

static int64_t mars_jobs_num(const vg_facts_t *f, const char *key) {
  int64_t v;
  return vg_facts_get_int(f, key, &v) == 0 ? v : 0;
}

/* The newest job that backed up data (3 or 10) among the listed ones. */
static int64_t mars_jobs_completed(const vg_facts_t *f) {
  int64_t best = mars_jobs_num(f, "last_success_ms");
  char k[VG_FACT_KEY_MAX];
  int i;
  for (i = 0; i < VG_JOBS_MAX; i++) {
    const char *o;
    snprintf(k, sizeof(k), "job_%d_outcome", i);
    o = vg_facts_get_str(f, k);
    if (o == NULL) break;
    snprintf(k, sizeof(k), "job_%d_ms", i);
    if (strcmp(o, "warnings") == 0 && mars_jobs_num(f, k) > best) {
      best = mars_jobs_num(f, k);
      break;
    }
  }
  return best;
}

/* The failed-files count is growing: memo keeps the last count seen and
 * the one before it (ff_last, ff_prev); a change is remembered. */
static int mars_jobs_growing(const vg_facts_t *f, const vg_eval_params_t *p,
                             int64_t *from, int64_t *to) {
  int64_t cur, last, prev;
  if (vg_facts_get_int(f, "failed_files", &cur) != 0) return 0;
  if (vg_facts_get_int(p->memo, "ff_last", &last) != 0) {
    if (p->memo_out) vg_facts_set_int(p->memo_out, "ff_last", cur);
    return 0;
  }
  if (cur != last) {
    if (p->memo_out) {
      vg_facts_set_int(p->memo_out, "ff_last", cur);
      vg_facts_set_int(p->memo_out, "ff_prev", last);
    }
    *from = last;
    *to = cur;
    return cur > last;
  }
  if (vg_facts_get_int(p->memo, "ff_prev", &prev) != 0) return 0;
  *from = prev;
  *to = last;
  return last > prev;
}

static void mars_jobs_evaluate(const vg_facts_t *f, const vg_eval_params_t *p,
                               const vg_finding_t *prev, vg_finding_t *out) {
  static const char *const rem_failed =
      "Open the job in the MARS console (Jobs) or the CloudBackup log in "
      "Event Viewer, fix the error it names (vigil explain mars.jobs) and "
      "run Back Up Now.";
  static const char *const rem_stale =
      "Check that the scheduled task starts the backups (task.schedule) and "
      "that the engine runs (mars.engine), then run Back Up Now in the MARS "
      "console (vigil explain mars.jobs).";
  static const char *const rem_outdated =
      "Install the latest MARS agent (event 14: the service asks for a "
      "newer agent).";
  static const char *const rem_quota =
      "The backup storage is near its quota (event 16): remove items from "
      "protection or shorten retention (vigil explain mars.jobs).";
  static const char *const rem_warnings =
      "See the failed files in <InstallPath>\\Temp\\LastBackupFailedFiles*."
      "txt and fix their causes (vigil explain mars.jobs).";
  static const char *const rem_corrupt =
      "Run chkdsk /f on the volume holding the files listed as 0x80070570 in "
      "<InstallPath>\\Temp\\LastBackupFailedFiles*.txt.";
  mj_notes_t n;
  const char *events_error = vg_facts_get_str(f, "events_error");
  const char *code = vg_facts_get_str(f, "last_failure_code");
  int64_t now = p->now_ms, success, completed, failure, period, grace, window,
          v, from = 0, to = 0;
  int64_t fails = mars_jobs_num(f, "failures_since_success");
  char buf[400], words[200], t1[40], t2[40], span[40], last[400];
  char failpart[300];
  size_t lo = 0;
  vg_status_t st;
  (void)prev;

  if (vg_mars_absent(f, out)) return;
  memset(&n, 0, sizeof(n));
  grace = (int64_t)vg_probe_num(&p->set, "grace");
  period = mars_jobs_num(f, "schedule_period_ms");
  if (period <= 0) period = MJ_DAY_MS;
  window = period + grace;
  success = mars_jobs_num(f, "last_success_ms");
  failure = mars_jobs_num(f, "last_failure_ms");
  completed = mars_jobs_completed(f);
  words[0] = '\0';
  if (code)
    vg_mars_code_words((uint32_t)strtoul(code, NULL, 16), words, sizeof(words));

  /* "last success ...; last failure ... (code)" */
  if (failure)
    snprintf(failpart, sizeof(failpart), "last failure %s (event %lld%s%s)",
             vg_iso8601(failure, t2, sizeof(t2)),
             (long long)mars_jobs_num(f, "last_failure_event"),
             words[0] ? ": " : "", words);
  else
    snprintf(failpart, sizeof(failpart), "no failure in the log");
  last[0] = '\0';
  if (events_error == NULL) {
    if (success)
      vg_bufprintf(last, sizeof(last), &lo, "Last success %s",
                   vg_iso8601(success, t1, sizeof(t1)));
    else
      vg_bufprintf(last, sizeof(last), &lo, "No success in the log");
    vg_bufprintf(last, sizeof(last), &lo, "; %s", failpart);
  }

  if (events_error == NULL) {
    if (fails > 0) {
      snprintf(buf, sizeof(buf), "%s failed at %s",
               fails > 1 ? "the last backups" : "the last backup",
               vg_iso8601(failure, t1, sizeof(t1)));
      mars_jobs_note(&n, 1, rem_failed, buf);
    }
    if (completed && now - completed > window) {
      int64_t start = mars_jobs_num(f, "last_start_ms");
      int64_t outcome = mars_jobs_num(f, "last_outcome_ms");
      vg_fmt_span(span, sizeof(span), now - completed);
      if (start > outcome && start > completed) {
        snprintf(buf, sizeof(buf),
                 "no backup completed for %s; one has been running since %s",
                 span, vg_iso8601(start, t1, sizeof(t1)));
        mars_jobs_note(&n, 0, rem_stale, buf);
      } else {
        vg_fmt_span(t2, sizeof(t2), period);
        snprintf(buf, sizeof(buf),
                 "no backup completed for %s (the schedule runs every %s)",
                 span, t2);
        mars_jobs_note(&n, 1, rem_stale, buf);
      }
    } else if (!completed) {
      int64_t oldest = mars_jobs_num(f, "oldest_event_ms");
      if (oldest && now - oldest > window) {
        snprintf(buf, sizeof(buf), "no backup completed since at least %s",
                 vg_iso8601(oldest, t1, sizeof(t1)));
        mars_jobs_note(&n, 1, rem_stale, buf);
      } else if (oldest == 0) {
        mars_jobs_note(&n, 0, rem_stale,
                       "no backup job in the CloudBackup log yet");
      }
    }
    v = mars_jobs_num(f, "notice_agent_ms");
    if (v && now - v <= window) {
      snprintf(buf, sizeof(buf), "MARS asked for a newer agent at %s",
               vg_iso8601(v, t1, sizeof(t1)));
      mars_jobs_note(&n, 0, rem_outdated, buf);
    }
    v = mars_jobs_num(f, "notice_quota_ms");
    if (v && now - v <= window) {
      snprintf(buf, sizeof(buf), "the backup storage neared its quota at %s",
               vg_iso8601(v, t1, sizeof(t1)));
      mars_jobs_note(&n, 0, rem_quota, buf);
    }
    v = mars_jobs_num(f, "warnings_in_a_row");
    if (v >= 2) {
      snprintf(buf, sizeof(buf), "the last %lld backups finished with warnings",
               (long long)v);
      mars_jobs_note(&n, 0, rem_warnings, buf);
    }
  }
  v = mars_jobs_num(f, "failed_corrupt");
  if (v > 0) {
    snprintf(buf, sizeof(buf), "%lld failed file(s) are corrupt (0x80070570)",
             (long long)v);
    mars_jobs_note(&n, 0, rem_corrupt, buf);
  }
  if (mars_jobs_growing(f, p, &from, &to)) {
    snprintf(buf, sizeof(buf), "failed files grew from %lld to %lld",
             (long long)from, (long long)to);
    mars_jobs_note(&n, 0, rem_warnings, buf);
  }

  st = n.nc ? VG_ST_CRIT : n.nw ? VG_ST_WARN : VG_ST_OK;
  if (events_error && st == VG_ST_OK) {
    const char *hr = vg_facts_get_str(f, "errlog_last_hr");
    char e[200];
    e[0] = '\0';
    if (hr)
      snprintf(
          e, sizeof(e), "; newest error in CBEngineCurr.errlog: %s at %s",
          vg_mars_code_words((uint32_t)strtoul(hr, NULL, 16), words,
                             sizeof(words)),
          vg_iso8601(mars_jobs_num(f, "errlog_last_hr_ms"), t1, sizeof(t1)));
    vg_finding_set(out, VG_ST_UNKNOWN,
                   "Check that the CloudBackup log exists in Event Viewer "
                   "(Applications and Services Logs) and that Vigil runs as "
                   "SYSTEM (vigil explain mars.jobs).",
                   "The backup jobs' outcomes could not be read: %s%s",
                   events_error, e);
    return;
  }
  if (st == VG_ST_OK) {
    int64_t at = mars_jobs_num(f, "last_outcome_ms");
    const char *o = vg_facts_get_str(f, "last_outcome");
    vg_fmt_span(span, sizeof(span), now - at);
    vg_finding_set(out, VG_ST_OK, rem_failed,
                   "Last backup %s at %s (%s ago); %s",
                   o && strcmp(o, "warnings") == 0 ? "finished with warnings"
                                                   : "succeeded",
                   vg_iso8601(at, t1, sizeof(t1)), span, failpart);
    return;
  }
  vg_finding_set(out, st, n.remedy ? n.remedy : rem_failed, "%s%s%s%s%s%s",
                 n.nc ? n.crit : n.warn, n.nc && n.nw ? "; " : "",
                 n.nc && n.nw ? n.warn : "", last[0] ? ". " : "", last,
                 events_error ? "; the job outcomes could not be read "
                                "(events_error)"
                              : "");
  out->summary[0] = (char)toupper((unsigned char)out->summary[0]);
  if (st == VG_ST_CRIT && code)
    vg_finding_predict(out, code);
  else if (st == VG_ST_CRIT)
    vg_finding_predict(out, "scheduled backup fails");
}

const vg_probe_t vg_probe_mars_jobs = {
    .id = "mars.jobs",
    .title = "MARS backup jobs: last outcomes and freshness",
    .number = 18,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 900,
    .deadline_s = 60,
    .th = {0, 0, 0, VG_TH_ABOVE},
    .keys = mars_jobs_keys,
    .collect = mars_jobs_collect,
    .evaluate = mars_jobs_evaluate,
};
