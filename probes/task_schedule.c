/* task_schedule.c: the scheduled tasks that start MARS's backups
 * (Microsoft-OnlineBackup first, then every task of its folder), when the
 * next one runs, and Windows Server Backup's tasks that would collide with
 * them (probes.md: task.schedule). */
#include "hresult.h"
#include "mars.h"
#include "probe.h"
#include "task_next_run.h"
#include "task_xml.h"
#include "timefmt.h"
#include "tz.h"
#include "vg.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TS_DEFAULT_TASK "\\Microsoft\\OnlineBackup\\Microsoft-OnlineBackup"
#define TS_DAY_MS 86400000ll
/* Windows reports this LastRunTime for a task that never ran (local time,
 * so accept the whole day in every time zone). */
#define TS_NEVER_FROM_MS 943833600000ll /* 1999-11-29T00:00:00Z */
#define TS_NEVER_TO_MS 944092800000ll   /* 1999-12-02T00:00:00Z */

#define TS_WSB_FOLDER "\\Microsoft\\Windows\\Backup"
#define TS_HORIZON_MS (8 * TS_DAY_MS) /* runs compared for overlaps */
#define TS_RUNS_MAX 64                /* per task and horizon */

#define TS_SID_SYSTEM "S-1-5-18"
#define TS_SID_ADMINS "S-1-5-32-544"

static const vg_key_def_t task_schedule_keys[] = {
    {"task", VG_KEY_STR, 0, 400, TS_DEFAULT_TASK,
     "full path of the scheduled task that starts MARS backups"},
    {"grace", VG_KEY_DURATION, 0, 7 * 86400e3, "1h",
     "how late a scheduled run may be before it counts as missed"},
    {"wsb_overlap", VG_KEY_DURATION, 0, 86400e3, "1h",
     "how close a Windows Server Backup run may come to a MARS backup"},
    {NULL, 0, 0, 0, NULL, NULL}};

/* ------------------------------------------------------------ helpers */

static const char *task_schedule_state_name(int st) {
  static const char *const names[] = {"unknown", "disabled", "queued", "ready",
                                      "running"};
  return st >= 0 && st < 5 ? names[st] : "unknown";
}

static const char *task_schedule_instances_name(int mi) {
  static const char *const names[] = {"Parallel", "Queue", "IgnoreNew",
                                      "StopExisting"};
  return mi >= 0 && mi < 4 ? names[mi] : "unknown";
}

static const char *task_schedule_trigger_kind(int type) {
  static const char *const names[] = {
      "event",       "time",          "daily",        "weekly", "monthly",
      "monthly-dow", "idle",          "registration", "boot",   "logon",
      "unknown",     "session-state", "custom"};
  return type >= 0 && type < 13 ? names[type] : "unknown";
}

/* Longest gap the trigger leaves between runs, in ms; 0 when it has no
 * regular period (boot, logon, one-shot) or it could not be read. */
static int64_t task_schedule_trigger_period(const vg_task_trigger_t *t) {
  switch (t->type) {
  case 1: /* time: only a repetition without end makes it periodic */
    if (t->repetition[0] && t->rep_duration[0] == '\0') {
      int64_t r = vg_task_duration_ms(t->repetition);
      return r > 0 ? r : 0;
    }
    return 0;
  case 2: return t->days_interval > 0 ? t->days_interval * TS_DAY_MS : 0;
  case 3: return t->weeks_interval > 0 ? t->weeks_interval * 7 * TS_DAY_MS : 0;
  case 4:
  case 5: return 31 * TS_DAY_MS;
  default: return 0;
  }
}

/* Records an unreadable value: key = null, key_error = "call: 0x... NAME
 * (meaning)". */
static void task_schedule_unread(vg_facts_t *f, const char *key,
                                 const char *call, uint32_t hr) {
  char k[VG_FACT_KEY_MAX], msg[300], d[200];
  vg_facts_set_null(f, key);
  snprintf(k, sizeof(k), "%s_error", key);
  snprintf(msg, sizeof(msg), "%s: %s", call,
           vg_hresult_describe(hr, d, sizeof(d)));
  vg_facts_set_str(f, k, msg);
}

static void task_schedule_time(vg_facts_t *f, const char *key, int64_t ms) {
  char k[VG_FACT_KEY_MAX], iso[40];
  vg_facts_set_str(f, key, vg_iso8601(ms, iso, sizeof(iso)));
  snprintf(k, sizeof(k), "%s_ms", key);
  vg_facts_set_int(f, k, ms);
}

/* Splits "\A\B\name" into folder "\A\B" (or "\") and "name". */
static int task_schedule_split(const char *path, char *folder, size_t fsz,
                               char *name, size_t nsz) {
  const char *bs = strrchr(path, '\\');
  if (bs == NULL || bs[1] == '\0') return VG_EINVAL;
  if (bs == path)
    vg_strlcpy(folder, "\\", fsz);
  else
    snprintf(folder, fsz, "%.*s", (int)(bs - path), path);
  vg_strlcpy(name, bs + 1, nsz);
  return 0;
}

/* ----------------------------------------- the folder and the next run */

/* When COM cannot enumerate a task's triggers (Wine: E_NOTIMPL), reads them
 * from the task's definition file. Returns 1 with ti's triggers filled
 * (and triggers_source = "task file" in f when f is given), else 0 (with
 * task_file_error in f when the file is there but unreadable, or lists no
 * triggers). */
static int task_schedule_file_triggers(const vg_os_t *os, const char *path,
                                       vg_task_info_t *ti, vg_facts_t *f) {
  vg_task_xml_t *x = malloc(sizeof(*x));
  char file[1100], msg[1300];
  int rc;
  if (x == NULL) return 0;
  rc = vg_task_xml_read(os, path, x, file, sizeof(file));
  if (rc != 0) {
    if (f && rc != VG_ENOENT && rc != VG_ENOTSUP) {
      snprintf(msg, sizeof(msg), "%s: %s", file, vg_path_strerror(rc));
      vg_facts_set_str(f, "task_file_error", msg);
    }
    free(x);
    return 0;
  }
  if (x->ntriggers == 0) {
    /* A file without triggers proves nothing while the Task Scheduler
     * cannot list them: Wine, for one, stores tasks without them. */
    if (f) {
      snprintf(msg, sizeof(msg),
               "%s lists no triggers; not taken as the truth while the Task "
               "Scheduler cannot enumerate them",
               file);
      vg_facts_set_str(f, "task_file_error", msg);
    }
    free(x);
    return 0;
  }
  memcpy(ti->triggers, x->triggers, sizeof(ti->triggers));
  ti->ntriggers = x->ntriggers;
  ti->triggers_hr = 0;
  if (vg_hresult_failed(ti->multiple_instances_hr) &&
      x->multiple_instances >= 0) {
    ti->multiple_instances = x->multiple_instances;
    ti->multiple_instances_hr = 0;
  }
  if (f) vg_facts_set_str(f, "triggers_source", "task file");
  free(x);
  return 1;
}

/* "\A" + "name" -> "\A\name"; "\" + "name" -> "\name". */
static void task_schedule_join(char *out, size_t size, const char *folder,
                               const char *name) {
  snprintf(out, size, "%s%s%s", folder, strcmp(folder, "\\") == 0 ? "" : "\\",
           name);
}

/* Reads task folder\name with its triggers (from its file when COM cannot
 * enumerate them). Returns task_query's result. */
static int task_schedule_read(const vg_os_t *os, const char *folder,
                              const char *name, vg_task_info_t *ti) {
  char path[700];
  int rc = os->task_query(os, folder, name, ti);
  if (rc == 0 && vg_hresult_failed(ti->triggers_hr)) {
    task_schedule_join(path, sizeof(path), folder, name);
    task_schedule_file_triggers(os, path, ti, NULL);
  }
  return rc;
}

static int task_schedule_file_cb(const char *name, uint32_t attrs,
                                 uint64_t size, void *ud) {
  vg_task_names_t *names = ud;
  (void)size;
  if (attrs & VG_FA_DIRECTORY) return 0;
  if (names->n < VG_TASK_NAMES_MAX)
    vg_strlcpy(names->names[names->n++], name, sizeof(names->names[0]));
  names->total++;
  return 0;
}

/* The tasks of folder; when the Task Scheduler cannot list them (Wine:
 * E_NOTIMPL), the definition files in %SystemRoot%\System32\Tasks\folder
 * (*from_files = 1). Returns task_list's result, or 0 when the files
 * answered instead (names->hr/call keep the Task Scheduler's failure). */
static int task_schedule_list(const vg_os_t *os, const char *folder,
                              vg_task_names_t *names, int *from_files) {
  char dir[1100];
  uint32_t hr;
  char call[128];
  int rc = os->task_list(os, folder, names);
  *from_files = 0;
  if (rc == 0 || rc == VG_ENOENT || (rc == VG_ENOTSUP && names->hr == 0))
    return rc;
  hr = names->hr;
  vg_strlcpy(call, names->call, sizeof(call));
  if (os->expand_env(os, "%SystemRoot%\\System32\\Tasks", dir, sizeof(dir)) !=
      0)
    return rc;
  vg_strlcpy(dir + strlen(dir), strcmp(folder, "\\") == 0 ? "" : folder,
             sizeof(dir) - strlen(dir));
  memset(names, 0, sizeof(*names));
  names->hr = hr;
  vg_strlcpy(names->call, call, sizeof(names->call));
  if (os->list_dir(os, dir, task_schedule_file_cb, names) != 0) return rc;
  *from_files = 1;
  return 0;
}

/* The next run of one task after now: NextRunTime when it gave one ahead,
 * else computed from the triggers. Returns 1 with *at and *computed. */
static int task_schedule_next(const vg_task_info_t *ti, int64_t now,
                              const vg_time_zone_t *tz, int64_t *at,
                              int *computed) {
  if (!vg_hresult_failed(ti->enabled_hr) && !ti->enabled) return 0;
  if (!vg_hresult_failed(ti->next_run_hr)) {
    if (ti->next_run_ms <= 0) return 0; /* the scheduler says: none */
    if (ti->next_run_ms > now) {
      *at = ti->next_run_ms;
      *computed = 0;
      return 1;
    }
  }
  if (vg_hresult_failed(ti->triggers_hr)) return 0;
  if (vg_task_next_run(ti->triggers, ti->ntriggers, now, tz, at) != 0) return 0;
  *computed = 1;
  return 1;
}

/* Up to TS_RUNS_MAX runs of the task's enabled triggers in
 * (now, now + TS_HORIZON_MS]; returns how many. */
static size_t task_schedule_runs(const vg_task_info_t *ti, int64_t now,
                                 const vg_time_zone_t *tz, int64_t *runs) {
  size_t n = 0;
  int64_t at = now;
  if (!vg_hresult_failed(ti->enabled_hr) && !ti->enabled) return 0;
  if (vg_hresult_failed(ti->triggers_hr)) return 0;
  while (n < TS_RUNS_MAX &&
         vg_task_next_run(ti->triggers, ti->ntriggers, at, tz, &at) == 0 &&
         at <= now + TS_HORIZON_MS)
    runs[n++] = at;
  return n;
}

/* The MARS runs of the coming days, for the overlap check. */
typedef struct task_schedule_runs_s {
  int64_t at[TS_RUNS_MAX * 4];
  size_t n;
} task_schedule_runs_t;

static void task_schedule_add_runs(task_schedule_runs_t *r,
                                   const vg_task_info_t *ti, int64_t now,
                                   const vg_time_zone_t *tz) {
  int64_t runs[TS_RUNS_MAX];
  size_t i, n = task_schedule_runs(ti, now, tz, runs);
  for (i = 0; i < n && r->n < VG_ARRAY_SIZE(r->at); i++)
    r->at[r->n++] = runs[i];
}

/* Windows Server Backup's tasks against the MARS runs: wsb_tasks, and
 * wsb_overlap naming the first pair closer than the wsb_overlap key. */
static void task_schedule_wsb(const vg_probe_ctx_t *ctx, vg_facts_t *f,
                              const task_schedule_runs_t *mars, int64_t now,
                              const vg_time_zone_t *tz) {
  const vg_os_t *os = ctx->os;
  int64_t within = (int64_t)vg_probe_num(&ctx->set, "wsb_overlap");
  vg_task_names_t *names = malloc(sizeof(*names));
  vg_task_info_t *ti = malloc(sizeof(*ti));
  int64_t runs[TS_RUNS_MAX];
  char d[200], msg[600], t1[40], t2[40], span[32];
  size_t i, j, k, n;
  int rc, found = 0, from_files;
  if (names == NULL || ti == NULL) goto done;
  rc = task_schedule_list(os, TS_WSB_FOLDER, names, &from_files);
  if (rc == VG_ENOENT || (rc == VG_ENOTSUP && names->hr == 0)) {
    vg_facts_set_int(f, "wsb_tasks", 0);
    goto done;
  }
  if (rc != 0) {
    snprintf(msg, sizeof(msg), "%s: %s", names->call,
             vg_hresult_describe(names->hr, d, sizeof(d)));
    vg_facts_set_str(f, "wsb_error", msg);
    goto done;
  }
  vg_facts_set_int(f, "wsb_tasks", (int64_t)names->total);
  for (i = 0; i < names->n && !found; i++) {
    if (task_schedule_read(os, TS_WSB_FOLDER, names->names[i], ti) != 0)
      continue;
    n = task_schedule_runs(ti, now, tz, runs);
    for (j = 0; j < n && !found; j++)
      for (k = 0; k < mars->n && !found; k++) {
        int64_t gap = runs[j] - mars->at[k];
        if (gap < 0) gap = -gap;
        if (gap >= within) continue;
        found = 1;
        vg_fmt_span(span, sizeof(span), gap);
        snprintf(msg, sizeof(msg),
                 "%s\\%s runs at %s, %s%s the MARS backup at %s", TS_WSB_FOLDER,
                 names->names[i], vg_iso8601(runs[j], t1, sizeof(t1)),
                 gap ? span : "", gap ? " from" : "together with",
                 vg_iso8601(mars->at[k], t2, sizeof(t2)));
        vg_facts_set_str(f, "wsb_overlap", msg);
      }
  }
  if (!found) vg_facts_set_null(f, "wsb_overlap");
done:
  free(names);
  free(ti);
}

/* Every task of the MARS folder beside the main one (ti, already read),
 * the next scheduled backup among them, and the overlap with Windows
 * Server Backup. */
static void task_schedule_folder(const vg_probe_ctx_t *ctx, vg_facts_t *f,
                                 const char *folder, const char *main_name,
                                 const vg_task_info_t *main) {
  const vg_os_t *os = ctx->os;
  vg_task_names_t *names = malloc(sizeof(*names));
  vg_task_info_t *ti = malloc(sizeof(*ti));
  task_schedule_runs_t *runs = calloc(1, sizeof(*runs));
  vg_time_zone_t tz;
  int64_t now = 0, at, best = 0;
  int computed, best_computed = 0, rc, from_files;
  char best_task[700], others[1024], mi[512], d[200], buf[300];
  size_t i, oo = 0, om = 0;

  if (names == NULL || ti == NULL || runs == NULL) goto done;
  os->wall_clock_ms(os, &now);
  if (os->time_zone(os, &tz) != 0) vg_tz_set_utc(&tz);
  vg_facts_set_str(f, "time_zone", vg_tz_describe(&tz, buf, sizeof(buf)));

  task_schedule_join(best_task, sizeof(best_task), folder, main_name);
  if (task_schedule_next(main, now, &tz, &at, &computed)) {
    best = at;
    best_computed = computed;
  }
  task_schedule_add_runs(runs, main, now, &tz);

  others[0] = mi[0] = '\0';
  rc = task_schedule_list(os, folder, names, &from_files);
  if (from_files) vg_facts_set_str(f, "tasks_source", "task files");
  if (rc != 0) {
    if (rc != VG_ENOTSUP || names->hr != 0) {
      snprintf(buf, sizeof(buf), "%s: %s", names->call,
               vg_hresult_describe(names->hr, d, sizeof(d)));
      vg_facts_set_str(f, "tasks_error", buf);
    }
    names->n = names->total = 0;
  } else {
    vg_facts_set_int(f, "tasks", (int64_t)names->total);
  }
  for (i = 0; i < names->n; i++) {
    const char *nm = names->names[i];
    if (strcasecmp(nm, main_name) == 0) continue;
    if (task_schedule_read(os, folder, nm, ti) != 0) {
      vg_bufprintf(others, sizeof(others), &oo, "%s%s (unreadable)",
                   oo ? "; " : "", nm);
      continue;
    }
    vg_bufprintf(others, sizeof(others), &oo, "%s%s (%s)", oo ? "; " : "", nm,
                 vg_hresult_failed(ti->enabled_hr) ? "?"
                 : ti->enabled                     ? "enabled"
                                                   : "disabled");
    if (!vg_hresult_failed(ti->multiple_instances_hr) &&
        ti->multiple_instances != 2)
      vg_bufprintf(mi, sizeof(mi), &om, "%s%s is %s", om ? "; " : "", nm,
                   task_schedule_instances_name(ti->multiple_instances));
    if (task_schedule_next(ti, now, &tz, &at, &computed) &&
        (best == 0 || at < best)) {
      best = at;
      best_computed = computed;
      task_schedule_join(best_task, sizeof(best_task), folder, nm);
    }
    task_schedule_add_runs(runs, ti, now, &tz);
  }
  if (names->n) {
    vg_facts_set_str(f, "other_tasks", others);
    vg_facts_set_str(f, "other_instances", mi);
  }

  if (best > 0) {
    task_schedule_time(f, "next_backup", best);
    vg_facts_set_str(f, "next_backup_task", best_task);
    vg_facts_set_str(f, "next_backup_source",
                     best_computed ? "triggers" : "task");
  } else {
    vg_facts_set_null(f, "next_backup");
    vg_facts_set_str(f, "next_backup_error",
                     "no enabled task has a time, daily or weekly trigger "
                     "with a run ahead");
  }
  task_schedule_wsb(ctx, f, runs, now, &tz);
done:
  free(names);
  free(ti);
  free(runs);
}

/* ------------------------------------------------------------ collect */

static void task_schedule_triggers(const vg_task_info_t *ti, vg_facts_t *f) {
  char kinds[256];
  size_t i, o = 0;
  int enabled = 0;
  int64_t period = 0;
  kinds[0] = '\0';
  for (i = 0; i < ti->ntriggers && i < VG_TASK_TRIGGERS_MAX; i++) {
    const vg_task_trigger_t *t = &ti->triggers[i];
    int64_t p = task_schedule_trigger_period(t);
    vg_bufprintf(kinds, sizeof(kinds), &o, "%s%s%s", o ? ", " : "",
                 task_schedule_trigger_kind(t->type),
                 t->enabled ? "" : " (disabled)");
    if (!t->enabled) continue;
    enabled++;
    if (p > 0 && (period == 0 || p < period)) period = p;
  }
  vg_facts_set_int(f, "triggers", (int64_t)ti->ntriggers);
  vg_facts_set_int(f, "triggers_enabled", enabled);
  vg_facts_set_str(f, "trigger_kinds", kinds);
  if (period > 0)
    vg_facts_set_int(f, "trigger_period_ms", period);
  else
    vg_facts_set_null(f, "trigger_period_ms");
}

static int task_schedule_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const char *path = vg_probe_str(&ctx->set, "task");
  char folder[400], name[200];
  vg_mars_loc_t loc;
  vg_task_info_t *ti;
  int rc;

  if (path == NULL || *path == '\0') path = TS_DEFAULT_TASK;
  if (task_schedule_split(path, folder, sizeof(folder), name, sizeof(name)))
    return vg_facts_fail(f, VG_EINVAL, "task path \"%s\" has no task name",
                         path);
  if (vg_mars_locate(ctx->os, &loc) == 0) vg_mars_facts(&loc, f);
  vg_facts_set_str(f, "task", path);

  ti = calloc(1, sizeof(*ti));
  if (ti == NULL) return vg_facts_fail(f, VG_ENOMEM, "out of memory");
  rc = ctx->os->task_query(ctx->os, folder, name, ti);
  if (rc == VG_ENOTSUP && ti->hr == 0) {
    vg_facts_set_bool(f, "task_supported", 0);
    free(ti);
    return 0;
  }
  if (rc == VG_ENOENT) {
    vg_facts_set_bool(f, "task_exists", 0);
    free(ti);
    return 0;
  }
  if (rc != 0) {
    rc = vg_hresult_fail(f, rc, ti->hr, ti->call);
    free(ti);
    return rc;
  }
  vg_facts_set_bool(f, "task_exists", 1);

  if (vg_hresult_failed(ti->enabled_hr))
    task_schedule_unread(f, "enabled", "IRegisteredTask::get_Enabled",
                         ti->enabled_hr);
  else
    vg_facts_set_bool(f, "enabled", ti->enabled);

  if (vg_hresult_failed(ti->state_hr))
    task_schedule_unread(f, "state", "IRegisteredTask::get_State",
                         ti->state_hr);
  else
    vg_facts_set_str(f, "state", task_schedule_state_name(ti->state));

  if (vg_hresult_failed(ti->triggers_hr) &&
      !task_schedule_file_triggers(ctx->os, path, ti, f))
    task_schedule_unread(f, "triggers", "ITriggerCollection", ti->triggers_hr);
  else
    task_schedule_triggers(ti, f);

  if (vg_hresult_failed(ti->last_run_hr)) {
    task_schedule_unread(f, "last_run", "IRegisteredTask::get_LastRunTime",
                         ti->last_run_hr);
  } else if (ti->last_run_hr == 0x00041303u /* SCHED_S_TASK_HAS_NOT_RUN */ ||
             ti->last_run_ms <= 0 ||
             (ti->last_run_ms >= TS_NEVER_FROM_MS &&
              ti->last_run_ms < TS_NEVER_TO_MS)) {
    vg_facts_set_null(f, "last_run");
    vg_facts_set_bool(f, "last_run_never", 1);
  } else {
    task_schedule_time(f, "last_run", ti->last_run_ms);
    vg_facts_set_bool(f, "last_run_never", 0);
  }

  if (vg_hresult_failed(ti->last_result_hr)) {
    task_schedule_unread(f, "last_result",
                         "IRegisteredTask::get_LastTaskResult",
                         ti->last_result_hr);
  } else {
    uint32_t code = (uint32_t)ti->last_result;
    char hex[16];
    snprintf(hex, sizeof(hex), "0x%08X", (unsigned)code);
    vg_facts_set_int(f, "last_result", (int64_t)code);
    vg_facts_set_str(f, "last_result_hex", hex);
  }

  if (vg_hresult_failed(ti->next_run_hr)) {
    task_schedule_unread(f, "next_run", "IRegisteredTask::get_NextRunTime",
                         ti->next_run_hr);
  } else if (ti->next_run_ms <= 0) {
    vg_facts_set_null(f, "next_run");
    vg_facts_set_bool(f, "next_run_scheduled", 0);
  } else {
    task_schedule_time(f, "next_run", ti->next_run_ms);
    vg_facts_set_bool(f, "next_run_scheduled", 1);
  }

  if (vg_hresult_failed(ti->missed_runs_hr))
    task_schedule_unread(f, "missed_runs",
                         "IRegisteredTask::get_NumberOfMissedRuns",
                         ti->missed_runs_hr);
  else
    vg_facts_set_int(f, "missed_runs", ti->missed_runs);

  if (vg_hresult_failed(ti->user_id_hr) && vg_hresult_failed(ti->group_id_hr)) {
    task_schedule_unread(f, "principal", "IPrincipal::get_UserId",
                         ti->user_id_hr);
  } else {
    vg_facts_set_str(f, "principal_user",
                     vg_hresult_failed(ti->user_id_hr) ? NULL : ti->user_id);
    vg_facts_set_str(f, "principal_group",
                     vg_hresult_failed(ti->group_id_hr) ? NULL : ti->group_id);
    vg_facts_set_str(f, "principal_sid",
                     ti->principal_sid[0] ? ti->principal_sid : NULL);
  }

  if (vg_hresult_failed(ti->multiple_instances_hr))
    task_schedule_unread(f, "multiple_instances",
                         "ITaskSettings::get_MultipleInstances",
                         ti->multiple_instances_hr);
  else
    vg_facts_set_str(f, "multiple_instances",
                     task_schedule_instances_name(ti->multiple_instances));
  task_schedule_folder(ctx, f, folder, name, ti);
  free(ti);
  return 0;
}

/* ----------------------------------------------------------- evaluate */

/* Problems found, by severity, each a "; "-separated list. */
typedef struct task_schedule_notes_s {
  char crit[512], warn[512], unread[256], unread_why[200];
  size_t nc, nw, nu;
  int crit_n, warn_n, unread_n;
} task_schedule_notes_t;

static void task_schedule_note(char *buf, size_t size, size_t *pos, int *n,
                               const char *text) {
  vg_bufprintf(buf, size, pos, "%s%s", *n ? "; " : "", text);
  (*n)++;
}

/* Notes a value that could not be read: its label, and the reason (after
 * the call name) once, or a pointer to the facts when reasons differ. */
static int task_schedule_unread_note(const vg_facts_t *f, const char *key,
                                     const char *label,
                                     task_schedule_notes_t *n) {
  char k[VG_FACT_KEY_MAX];
  const char *why, *colon;
  snprintf(k, sizeof(k), "%s_error", key);
  why = vg_facts_get_str(f, k);
  if (why == NULL) return 0;
  colon = strstr(why, ": ");
  why = colon ? colon + 2 : why;
  vg_bufprintf(n->unread, sizeof(n->unread), &n->nu, "%s%s",
               n->unread_n ? ", " : "", label);
  if (n->unread_n == 0)
    vg_strlcpy(n->unread_why, why, sizeof(n->unread_why));
  else if (strcmp(n->unread_why, why) != 0)
    vg_strlcpy(n->unread_why, "several errors, see the *_error facts",
               sizeof(n->unread_why));
  n->unread_n++;
  return 1;
}

static int task_schedule_principal_ok(const char *sid, const char *user,
                                      const char *group) {
  static const char *const names[] = {
      "SYSTEM",         "NT AUTHORITY\\SYSTEM",    "LocalSystem", TS_SID_SYSTEM,
      "Administrators", "BUILTIN\\Administrators", TS_SID_ADMINS};
  size_t i;
  if (sid && *sid)
    return strcmp(sid, TS_SID_SYSTEM) == 0 || strcmp(sid, TS_SID_ADMINS) == 0;
  for (i = 0; i < VG_ARRAY_SIZE(names); i++)
    if ((user && strcasecmp(user, names[i]) == 0) ||
        (group && strcasecmp(group, names[i]) == 0))
      return 1;
  return 0;
}

/* The last result is a failure unless it is 0 or a status that only says
 * the task has not finished a run yet. */
static int task_schedule_result_failed(int64_t code) {
  switch ((uint32_t)code) {
  case 0x00000000u:
  case 0x00041300u: /* SCHED_S_TASK_READY */
  case 0x00041301u: /* SCHED_S_TASK_RUNNING */
  case 0x00041303u: /* SCHED_S_TASK_HAS_NOT_RUN */
  case 0x00041325u: /* SCHED_S_TASK_QUEUED */ return 0;
  default: return 1;
  }
}

/* Small values are the action's exit code, anything else an HRESULT. */
static const char *task_schedule_result_words(int64_t code, char *buf,
                                              size_t size) {
  uint32_t c = (uint32_t)code;
  if (c != 0 && c < 0x10000u)
    snprintf(buf, size, "0x%08X (the backup program exited with code %u)",
             (unsigned)c, (unsigned)c);
  else
    vg_hresult_describe(c, buf, size);
  return buf;
}

static void task_schedule_fmt_span(char *buf, size_t size, int64_t ms) {
  if (ms % (7 * TS_DAY_MS) == 0)
    snprintf(buf, size, "%lldw", (long long)(ms / (7 * TS_DAY_MS)));
  else if (ms % TS_DAY_MS == 0)
    snprintf(buf, size, "%lldd", (long long)(ms / TS_DAY_MS));
  else if (ms % 3600000 == 0)
    snprintf(buf, size, "%lldh", (long long)(ms / 3600000));
  else
    snprintf(buf, size, "%lldm", (long long)(ms / 60000));
}

static void task_schedule_evaluate(const vg_facts_t *f,
                                   const vg_eval_params_t *p,
                                   const vg_finding_t *prev,
                                   vg_finding_t *out) {
  const char *task = vg_facts_get_str(f, "task");
  const char *name;
  const char *remedy =
      "In Task Scheduler open Microsoft > OnlineBackup > "
      "Microsoft-OnlineBackup: enable the task and its triggers and run it "
      "as SYSTEM or the local Administrators group; if it is missing, save "
      "the backup schedule again in the MARS console "
      "(vigil explain task.schedule).";
  const char *overlap_remedy =
      "Move Windows Server Backup's schedule (Windows Server Backup > "
      "Backup Schedule) or the MARS backup time so that they are more than "
      "an hour apart (vigil explain task.schedule).";
  const char *other_mi, *overlap;
  task_schedule_notes_t n;
  int64_t grace, period, last, next, enabled_trig, v;
  int enabled = -1, b;
  char buf[512], t1[40], t2[40];
  vg_status_t st;
  (void)prev;

  memset(&n, 0, sizeof(n));
  if (task == NULL) task = TS_DEFAULT_TASK;
  name = strrchr(task, '\\') ? strrchr(task, '\\') + 1 : task;
  if (vg_facts_get_bool(f, "task_supported", &b) == 0 && !b) {
    vg_finding_set(out, VG_ST_NA, "",
                   "There is no Task Scheduler on this system");
    return;
  }
  if (vg_facts_get_bool(f, "task_exists", &b) == 0 && !b) {
    if (!vg_facts_bool_or(f, "mars_installed", 0)) {
      vg_finding_set(out, VG_ST_NA, "",
                     "MARS agent is not installed and task %s does not "
                     "exist",
                     task);
      return;
    }
    vg_finding_set(out, VG_ST_CRIT, remedy,
                   "Task %s does not exist: scheduled backups will not "
                   "start (manual backups still work)",
                   task);
    vg_finding_predict(out, "scheduled backup does not start");
    return;
  }
  grace = (int64_t)vg_probe_num(&p->set, "grace");

  /* crit: disabled task, no enabled trigger, wrong principal */
  if (vg_facts_get_bool(f, "enabled", &b) == 0) {
    enabled = b;
    if (!b)
      task_schedule_note(n.crit, sizeof(n.crit), &n.nc, &n.crit_n,
                         "the task is disabled");
  } else {
    task_schedule_unread_note(f, "enabled", "enabled", &n);
  }
  if (vg_facts_get_int(f, "triggers", &v) == 0) {
    enabled_trig = vg_facts_int_or(f, "triggers_enabled", 0);
    if (v == 0) {
      task_schedule_note(n.crit, sizeof(n.crit), &n.nc, &n.crit_n,
                         "it has no triggers");
    } else if (enabled_trig == 0) {
      snprintf(buf, sizeof(buf), "all %lld of its triggers are disabled",
               (long long)v);
      task_schedule_note(n.crit, sizeof(n.crit), &n.nc, &n.crit_n, buf);
    }
  } else {
    task_schedule_unread_note(f, "triggers", "triggers", &n);
  }
  if (!task_schedule_unread_note(f, "principal", "run-as account", &n)) {
    const char *sid = vg_facts_get_str(f, "principal_sid");
    const char *user = vg_facts_get_str(f, "principal_user");
    const char *group = vg_facts_get_str(f, "principal_group");
    if (!task_schedule_principal_ok(sid, user, group)) {
      snprintf(buf, sizeof(buf),
               "it runs as %s%s%s%s, not SYSTEM or Administrators",
               user && *user     ? user
               : group && *group ? group
                                 : "(nobody)",
               sid && *sid ? " (" : "", sid && *sid ? sid : "",
               sid && *sid ? ")" : "");
      task_schedule_note(n.crit, sizeof(n.crit), &n.nc, &n.crit_n, buf);
    }
  }

  /* warn: failed last run, missed runs, overlapping instances */
  if (vg_facts_get_int(f, "last_result", &v) == 0) {
    if (task_schedule_result_failed(v)) {
      char words[200];
      snprintf(buf, sizeof(buf), "its last run returned %s",
               task_schedule_result_words(v, words, sizeof(words)));
      task_schedule_note(n.warn, sizeof(n.warn), &n.nw, &n.warn_n, buf);
    }
  } else {
    task_schedule_unread_note(f, "last_result", "last result", &n);
  }
  if (vg_facts_get_int(f, "next_run_ms", &next) == 0) {
    if (enabled == 1 && next + grace < p->now_ms) {
      snprintf(buf, sizeof(buf),
               "its next run time %s is in the past (a run was missed)",
               vg_iso8601(next, t1, sizeof(t1)));
      task_schedule_note(n.warn, sizeof(n.warn), &n.nw, &n.warn_n, buf);
    }
  } else if (vg_facts_get_bool(f, "next_run_scheduled", &b) == 0) {
    if (enabled == 1 && vg_facts_int_or(f, "triggers_enabled", 1) > 0)
      task_schedule_note(n.warn, sizeof(n.warn), &n.nw, &n.warn_n,
                         "no next run is scheduled");
  } else if (vg_facts_get_int(f, "next_backup_ms", &v) != 0) {
    /* unread, and not computed from the triggers either */
    task_schedule_unread_note(f, "next_run", "next run time", &n);
  }
  if (vg_facts_get_int(f, "last_run_ms", &last) == 0) {
    const char *state = vg_facts_get_str(f, "state");
    if (enabled == 1 &&
        vg_facts_get_int(f, "trigger_period_ms", &period) == 0 &&
        last + period + grace < p->now_ms &&
        (state == NULL || strcmp(state, "running") != 0)) {
      task_schedule_fmt_span(t2, sizeof(t2), period);
      snprintf(buf, sizeof(buf),
               "its last run %s is older than its trigger interval (%s)",
               vg_iso8601(last, t1, sizeof(t1)), t2);
      task_schedule_note(n.warn, sizeof(n.warn), &n.nw, &n.warn_n, buf);
    }
  } else if (!vg_facts_bool_or(f, "last_run_never", 0)) {
    task_schedule_unread_note(f, "last_run", "last run time", &n);
  }
  if (vg_facts_get_str(f, "multiple_instances")) {
    const char *mi = vg_facts_get_str(f, "multiple_instances");
    if (strcmp(mi, "IgnoreNew") != 0) {
      snprintf(buf, sizeof(buf), "MultipleInstances is %s (expected IgnoreNew)",
               mi);
      task_schedule_note(n.warn, sizeof(n.warn), &n.nw, &n.warn_n, buf);
    }
  } else {
    task_schedule_unread_note(f, "multiple_instances", "MultipleInstances", &n);
  }
  other_mi = vg_facts_get_str(f, "other_instances");
  if (other_mi && *other_mi) {
    snprintf(buf, sizeof(buf), "MultipleInstances of %s (expected IgnoreNew)",
             other_mi);
    task_schedule_note(n.warn, sizeof(n.warn), &n.nw, &n.warn_n, buf);
  }
  overlap = vg_facts_get_str(f, "wsb_overlap");
  if (overlap && *overlap) {
    snprintf(buf, sizeof(buf), "Windows Server Backup's task %s", overlap);
    task_schedule_note(n.warn, sizeof(n.warn), &n.nw, &n.warn_n, buf);
    if (n.warn_n == 1 && n.crit_n == 0) remedy = overlap_remedy;
  }

  st = n.crit_n     ? VG_ST_CRIT
       : n.warn_n   ? VG_ST_WARN
       : n.unread_n ? VG_ST_UNKNOWN
                    : VG_ST_OK;
  if (st == VG_ST_OK) {
    const char *user = vg_facts_get_str(f, "principal_user");
    const char *group = vg_facts_get_str(f, "principal_group");
    size_t o = 0;
    buf[0] = '\0';
    vg_bufprintf(buf, sizeof(buf), &o, "runs as %s",
                 user && *user ? user
                 : group       ? group
                               : "?");
    if (vg_facts_get_int(f, "next_run_ms", &next) == 0)
      vg_bufprintf(buf, sizeof(buf), &o, ", next run %s",
                   vg_iso8601(next, t1, sizeof(t1)));
    else if (vg_facts_get_int(f, "next_backup_ms", &next) == 0)
      vg_bufprintf(buf, sizeof(buf), &o, ", next backup %s (from %s)",
                   vg_iso8601(next, t1, sizeof(t1)),
                   vg_facts_get_str(f, "next_backup_source") &&
                           strcmp(vg_facts_get_str(f, "next_backup_source"),
                                  "triggers") == 0
                       ? "the triggers"
                       : "the Task Scheduler");
    if (vg_facts_get_int(f, "last_run_ms", &last) == 0)
      vg_bufprintf(buf, sizeof(buf), &o, ", last run %s succeeded",
                   vg_iso8601(last, t2, sizeof(t2)));
    else
      vg_bufprintf(buf, sizeof(buf), &o, ", has not run yet");
    vg_finding_set(out, VG_ST_OK, remedy,
                   "Task %s is enabled with %lld enabled trigger(s), %s", name,
                   (long long)vg_facts_int_or(f, "triggers_enabled", 0), buf);
    return;
  }
  if (st == VG_ST_UNKNOWN) {
    const char *state = vg_facts_get_str(f, "state");
    vg_finding_set(out, VG_ST_UNKNOWN,
                   "Check these values in Task Scheduler (Microsoft > "
                   "OnlineBackup > Microsoft-OnlineBackup); Vigil reads them "
                   "again at the next run.",
                   "Task %s is %s%s%s, but its %s could not be read: %s", name,
                   enabled == 1 ? "enabled" : "present", state ? " and " : "",
                   state ? state : "", n.unread, n.unread_why);
    return;
  }
  vg_finding_set(
      out, st, remedy, "Task %s: %s%s%s%s%s", name, n.crit_n ? n.crit : n.warn,
      n.crit_n && n.warn_n ? "; " : "", n.crit_n && n.warn_n ? n.warn : "",
      n.unread_n ? "; could not read " : "", n.unread_n ? n.unread : "");
  if (remedy != overlap_remedy)
    vg_finding_predict(out, "scheduled backup does not start");
  if (overlap && *overlap)
    vg_finding_predict(out, "another job was in progress");
}

const vg_probe_t vg_probe_task_schedule = {
    .id = "task.schedule",
    .title = "MARS scheduled backup task",
    .number = 8,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 900,
    .deadline_s = 60,
    .th = {0, 0, 0, VG_TH_ABOVE},
    .keys = task_schedule_keys,
    .collect = task_schedule_collect,
    .evaluate = task_schedule_evaluate,
};
