/* temp_files.c: *.tmp files in %SystemRoot%\Temp. Near 65,535 of them
 * GetTempFileName runs out of names and MARS registration fails with 34513
 * (probes.md: temp.files). Counting stops at the critical mark. */
#include "probe.h"
#include "vg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define TEMP_FILES_PATTERN "*.tmp"

static const vg_key_def_t temp_files_keys[] = {
    {"path", VG_KEY_STR, 1, 1000, "%SystemRoot%\\Temp",
     "folder whose *.tmp files are counted"},
    {NULL, 0, 0, 0, NULL, NULL}};

extern const vg_probe_t vg_probe_temp_files;

static int temp_files_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const char *path = vg_probe_str(&ctx->set, "path");
  char dir[1100];
  vg_thresholds_t th;
  uint64_t limit, count = 0;
  int rc;

  if (path == NULL) path = "%SystemRoot%\\Temp";
  if (ctx->os->expand_env(ctx->os, path, dir, sizeof(dir)) != 0)
    vg_strlcpy(dir, path, sizeof(dir));
  vg_facts_set_str(f, "path", dir);
  if (strstr(dir, "%SystemRoot%") != NULL) {
    /* Not Windows (the POSIX build): there is no such folder. */
    vg_facts_set_bool(f, "path_resolved", 0);
    return 0;
  }
  /* Past crit the exact number changes nothing; stop there. */
  th = ctx->th;
  limit = isfinite(th.crit) && th.crit >= 1 ? (uint64_t)vg_ceil(th.crit) : 0;
  rc = ctx->os->count_files(ctx->os, dir, TEMP_FILES_PATTERN, limit, &count);
  if (rc)
    return vg_facts_fail(f, rc, "cannot count the %s files in %s: %s",
                         TEMP_FILES_PATTERN, dir, vg_strerror(rc));
  vg_facts_set_str(f, "pattern", TEMP_FILES_PATTERN);
  vg_facts_set_int(f, "count", (int64_t)count);
  vg_facts_set_int(f, "limit", (int64_t)limit);
  return 0;
}

static void temp_files_evaluate(const vg_facts_t *f, const vg_eval_params_t *p,
                                const vg_finding_t *prev, vg_finding_t *out) {
  const char *dir = vg_facts_get_str(f, "path");
  int64_t count, limit = vg_facts_int_or(f, "limit", 0);
  char n[32], th[32];
  vg_status_t st;
  const char *remedy = "Delete the .tmp files in the folder, e.g. `del /q "
                       "%SystemRoot%\\Temp\\*.tmp` from an elevated prompt "
                       "(vigil explain temp.files).";

  if (dir == NULL) dir = "?";
  if (!vg_facts_bool_or(f, "path_resolved", 1)) {
    vg_finding_set(out, VG_ST_NA, "",
                   "%s does not resolve on this system (not Windows)", dir);
    return;
  }
  if (vg_facts_get_int(f, "count", &count) != 0) {
    vg_finding_set(out, VG_ST_UNKNOWN, remedy,
                   "The .tmp files in %s were not counted", dir);
    return;
  }
  st = vg_threshold_eval((double)count, &p->th, prev ? prev->status : VG_ST_OK);
  vg_fmt_count(n, sizeof(n), (uint64_t)count);
  vg_fmt_count(th, sizeof(th),
               (uint64_t)(st == VG_ST_CRIT ? p->th.crit : p->th.warn));
  vg_finding_set(out, st, remedy, "%s%s .tmp files in %s (%s >= %s%s)", n,
                 limit > 0 && count >= limit ? " or more" : "", dir,
                 st == VG_ST_CRIT ? "crit" : "warn", th,
                 limit > 0 && count >= limit ? "; counting stops there" : "");
  if (st >= VG_ST_WARN) vg_finding_predict(out, "34513");
}

const vg_probe_t vg_probe_temp_files = {
    .id = "temp.files",
    .title = ".tmp files in the Windows temp folder",
    .number = 10,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 900,
    .deadline_s = 60,
    .th = {.warn = 60000,
           .crit = 65000,
           .hysteresis = 1000,
           .dir = VG_TH_ABOVE},
    .keys = temp_files_keys,
    .collect = temp_files_collect,
    .evaluate = temp_files_evaluate,
};
