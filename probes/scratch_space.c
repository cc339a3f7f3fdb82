/* scratch_space.c: free space on the scratch (cache) volume against the
 * 5-10 % rule of the MARS guide (probes.md: scratch.space). */
#include "mars.h"
#include "probe.h"
#include "timefmt.h"
#include "vg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const vg_key_def_t scratch_space_keys[] = {
    {"path", VG_KEY_STR, 0, 1000, NULL,
     "folder to measure instead of the MARS scratch folder"},
    {"backup_bytes", VG_KEY_BYTES, 0, 1.8e19, NULL,
     "backup data size the rule is measured against (default: estimate)"},
    {"forecast_horizon", VG_KEY_DURATION, 0, 90 * 86400e3, "72h",
     "warn when the trend reaches crit within this time (0 = off)"},
    {"system_state", VG_KEY_STR, 0, 4, "auto",
     "System State is protected: yes, no, or auto (a registry or folder "
     "hint; unconfirmed)"},
    {"system_state_margin", VG_KEY_BYTES, 0, 1.8e19, "30G",
     "free space required on top of the rule when System State is "
     "protected"},
    {NULL, 0, 0, 0, NULL, NULL}};

/* The System State values the Azure Backup FAQ documents under
 * CloudBackupProvider: set only when someone configured System State
 * backup, so their presence hints that it is protected. */
static const char *const scratch_space_ssb_values[] = {
    "SSBStagingPath", "SSBScheduleTime", "SSBScheduleDays", "SSBRetentionDays"};

/* Resolves system_state = auto|yes|no into facts system_state ("yes" or
 * "no"), system_state_source and margin_bytes. */
static void scratch_space_system_state(const vg_probe_ctx_t *ctx,
                                       const vg_mars_loc_t *loc,
                                       vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  const char *mode = vg_probe_str(&ctx->set, "system_state");
  double margin = vg_probe_num(&ctx->set, "system_state_margin");
  char hint[1200] = "";
  size_t i;
  int yes = 0;
  if (mode && strcmp(mode, "yes") == 0) {
    yes = 1;
    vg_facts_set_str(f, "system_state_source", "config");
  } else if (mode && strcmp(mode, "no") == 0) {
    vg_facts_set_str(f, "system_state_source", "config");
  } else {
    vg_reg_value_t v;
    uint32_t attrs = 0;
    char ssbv[1100];
    for (i = 0;
         loc->installed && !yes && i < VG_ARRAY_SIZE(scratch_space_ssb_values);
         i++)
      if (os->reg_get(os, VG_MARS_CBP_KEY, scratch_space_ssb_values[i],
                      VG_REG_64, &v) == 0) {
        snprintf(hint, sizeof(hint), "auto: %s is set under HKLM\\%s",
                 scratch_space_ssb_values[i], VG_MARS_CBP_KEY);
        yes = 1;
      }
    snprintf(ssbv, sizeof(ssbv), "%s\\SSBV", loc->scratch);
    if (loc->installed && !yes && os->file_attrs(os, ssbv, &attrs) == 0 &&
        (attrs & VG_FA_DIRECTORY)) {
      snprintf(hint, sizeof(hint), "auto: staging folder %s exists", ssbv);
      yes = 1;
    }
    vg_facts_set_str(f, "system_state_source",
                     yes ? hint : "auto: no System State hint found");
  }
  vg_facts_set_str(f, "system_state", yes ? "yes" : "no");
  vg_facts_set_int(f, "margin_bytes", yes ? (int64_t)margin : 0);
}

static int scratch_space_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  const char *path = vg_probe_str(&ctx->set, "path");
  char expanded[1024];
  vg_mars_loc_t loc;
  uint64_t free_b = 0, total_b = 0, backup = 0;
  int rc;

  rc = vg_mars_locate(os, &loc);
  if (rc) return vg_facts_fail(f, rc, "cannot read the MARS registry keys");
  vg_mars_facts(&loc, f);
  if (path && *path) {
    if (os->expand_env(os, path, expanded, sizeof(expanded)) != 0)
      snprintf(expanded, sizeof(expanded), "%s", path);
    vg_facts_set_str(f, "path_source", "config");
  } else if (loc.installed) {
    snprintf(expanded, sizeof(expanded), "%s", loc.scratch);
    vg_facts_set_str(f, "path_source", "registry");
  } else {
    return 0; /* nothing to measure: n/a */
  }
  vg_facts_set_str(f, "path", expanded);
  rc = os->disk_space(os, expanded, &free_b, &total_b);
  if (rc)
    return vg_facts_fail(f, rc, "cannot read free space of %s: %s", expanded,
                         vg_strerror(rc));
  vg_facts_set_int(f, "free_bytes", (int64_t)free_b);
  vg_facts_set_int(f, "total_bytes", (int64_t)total_b);

  if (vg_probe_str(&ctx->set, "backup_bytes")) {
    backup = (uint64_t)vg_probe_num(&ctx->set, "backup_bytes");
    vg_facts_set_str(f, "backup_source", "config");
  } else if (os->fixed_volumes_used(os, &backup) == 0) {
    vg_facts_set_str(f, "backup_source", "estimate");
  } else {
    /* Last resort: the used part of the scratch volume itself. */
    backup = total_b - free_b;
    vg_facts_set_str(f, "backup_source", "estimate-scratch-volume");
  }
  vg_facts_set_int(f, "backup_bytes", (int64_t)backup);
  scratch_space_system_state(ctx, &loc, f);
  return 0;
}

static void scratch_space_predict(vg_finding_t *out) {
  vg_finding_predict(out, "SalLowDiskSpace");
  vg_finding_predict(out, "0x1FC07");
  vg_finding_predict(out, "34506");
  vg_finding_predict(out, "SalBitmapError");
}

static void scratch_space_evaluate(const vg_facts_t *f,
                                   const vg_eval_params_t *p,
                                   const vg_finding_t *prev,
                                   vg_finding_t *out) {
  const char *path = vg_facts_get_str(f, "path");
  const char *src = vg_facts_get_str(f, "backup_source");
  int64_t free_b, backup, margin = vg_facts_int_or(f, "margin_bytes", 0);
  char fb[32], bb[32], mb[32] = "", with[80] = "", rbuf[VG_REMEDY_MAX];
  double pct;
  vg_status_t st;
  const char *remedy =
      "Free space on the scratch volume, grow it, or copy the scratch "
      "folder to a volume with at least 10% of the backup data size free "
      "(vigil explain scratch.space).";

  if (path == NULL) {
    vg_finding_set(out, VG_ST_NA, "",
                   "MARS agent is not installed and no [scratch.space] path "
                   "is configured");
    return;
  }
  if (margin < 0) margin = 0;
  if (margin > 0) {
    vg_fmt_bytes(mb, sizeof(mb), (uint64_t)margin);
    snprintf(with, sizeof(with), " after the %s System State margin", mb);
    snprintf(rbuf, sizeof(rbuf),
             "Free space on the scratch volume, grow it, or copy the scratch "
             "folder to a volume with at least 10%% of the backup data size "
             "plus %s for System State free (vigil explain scratch.space).",
             mb);
    remedy = rbuf;
  }
  if (vg_facts_get_int(f, "free_bytes", &free_b) ||
      vg_facts_get_int(f, "backup_bytes", &backup)) {
    vg_finding_set(out, VG_ST_UNKNOWN, remedy,
                   "Free space of %s was not measured", path);
    return;
  }
  vg_fmt_bytes(fb, sizeof(fb), (uint64_t)free_b);
  vg_fmt_bytes(bb, sizeof(bb), (uint64_t)backup);
  if (backup <= 0) {
    if (free_b < margin) {
      vg_finding_set(out, VG_ST_CRIT, remedy,
                     "Scratch volume of %s has %s free, less than the %s "
                     "System State needs",
                     path, fb, mb);
      vg_finding_predict(out, "SalLowDiskSpace");
      return;
    }
    vg_finding_set(out, VG_ST_OK, remedy,
                   "Scratch volume of %s has %s free (backup data size is "
                   "0)%s",
                   path, fb, margin ? "; System State margin met" : "");
    return;
  }
  pct = 100.0 * ((double)free_b - (double)margin) / (double)backup;
  st = vg_threshold_eval(pct, &p->th, prev ? prev->status : VG_ST_OK);
  vg_finding_set(
      out, st, remedy,
      "Scratch volume of %s has %s free, %.1f%% of the %sbackup data size "
      "%s%s (%s < %g%%)",
      path, fb, vg_floor(pct * 10) / 10,
      src && strncmp(src, "estimate", 8) == 0 ? "estimated " : "", bb, with,
      st == VG_ST_CRIT ? "crit" : "warn",
      st == VG_ST_CRIT ? p->th.crit : p->th.warn);
  if (st >= VG_ST_WARN) scratch_space_predict(out);
}

/* Drifting towards crit within the horizon (the judge decides when): say
 * how fast and by when. */
static int scratch_space_forecast_warn(const vg_facts_t *f,
                                       const vg_eval_params_t *p,
                                       vg_finding_t *out) {
  char eta[40], rate[32];
  size_t n = strlen(out->summary);
  (void)f;
  vg_fmt_bytes(rate, sizeof(rate),
               (uint64_t)fabs(p->forecast->slope_per_h * 24));
  vg_iso8601(p->forecast->eta_ms, eta, sizeof(eta));
  snprintf(out->summary + n, sizeof(out->summary) - n,
           "; shrinking by %s/day, forecast below %g%% (crit) by %s", rate,
           p->th.crit, eta);
  scratch_space_predict(out);
  return 1;
}

/* Free bytes drift; crit is 5 % (crit threshold) of the backup size, plus
 * the System State margin when it applies. */
static int scratch_space_trend(const vg_facts_t *f, const vg_thresholds_t *th,
                               double *value, double *crit_level) {
  int64_t free_b, backup;
  if (vg_facts_get_int(f, "free_bytes", &free_b) ||
      vg_facts_get_int(f, "backup_bytes", &backup) || backup <= 0)
    return VG_ENOENT;
  *value = (double)free_b;
  *crit_level = (double)backup * th->crit / 100.0 +
                (double)vg_facts_int_or(f, "margin_bytes", 0);
  return 0;
}

const vg_probe_t vg_probe_scratch_space = {
    .id = "scratch.space",
    .title = "Scratch volume free space",
    .number = 5,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 300,
    .deadline_s = 30,
    .th = {.warn = 10.0, .crit = 5.0, .hysteresis = 0.5, .dir = VG_TH_BELOW},
    .keys = scratch_space_keys,
    .collect = scratch_space_collect,
    .evaluate = scratch_space_evaluate,
    .trend = scratch_space_trend,
    .forecast_warn = scratch_space_forecast_warn,
};
