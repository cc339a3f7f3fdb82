/* vss_storage.c: shadow-copy storage (used / allocated / max) of the
 * volumes MARS snapshots and of the scratch volume (probes.md:
 * vss.storage). */
#include "hresult.h"
#include "mars.h"
#include "probe.h"
#include "timefmt.h"
#include "vg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Facts hold at most this many volumes (six facts each). */
#define VSS_FACT_VOLUMES 9
/* VSS reports an unlimited maximum as (uint64)-1; anything this large is
 * no real size. */
#define VSS_UNBOUNDED_FROM (1ull << 62)

static const vg_key_def_t vss_storage_keys[] = {
    {"min_max", VG_KEY_BYTES, 0, 1.8e19, "320M",
     "smallest acceptable maximum shadow storage of a volume (crit below)"},
    {"no_association", VG_KEY_STR, 0, 8, "crit",
     "status of a volume with no shadow storage association: crit, warn "
     "or ok"},
    {"forecast_horizon", VG_KEY_DURATION, 0, 90 * 86400e3, "72h",
     "warn when the worst headroom is forecast to run out within this time "
     "(0 = off)"},
    {NULL, 0, 0, 0, NULL, NULL}};

/* ------------------------------------------------------------ collect */

/* 2 for the scratch volume, 1 for another fixed NTFS volume (until MARS's
 * protected volumes can be read, every such volume counts), 0 otherwise. */
static int vss_storage_wanted(const vg_shadow_volume_t *v,
                              const char *scratch_root) {
  if (scratch_root[0] && vg_path_equal(v->name, scratch_root)) return 2;
  return v->drive_type == VG_DRIVE_FIXED && strcasecmp(v->fs_name, "NTFS") == 0;
}

static void vss_storage_volume_facts(vg_facts_t *f, int i,
                                     const vg_shadow_volume_t *v,
                                     double *min_headroom) {
  char k[VG_FACT_KEY_MAX];
#define VSS_KEY(suffix) (snprintf(k, sizeof(k), "vol%d%s", i, suffix), k)
  vg_facts_set_str(f, VSS_KEY(""), v->name);
  if (!v->has_storage) {
    vg_facts_set_null(f, VSS_KEY("_storage"));
    vg_facts_set_null(f, VSS_KEY("_used"));
    vg_facts_set_null(f, VSS_KEY("_allocated"));
    vg_facts_set_null(f, VSS_KEY("_max"));
  } else {
    vg_facts_set_str(f, VSS_KEY("_storage"), v->diff_volume);
    vg_facts_set_int(f, VSS_KEY("_used"), (int64_t)v->used);
    vg_facts_set_int(f, VSS_KEY("_allocated"), (int64_t)v->allocated);
    if (v->max >= VSS_UNBOUNDED_FROM) {
      vg_facts_set_str(f, VSS_KEY("_max"), "unbounded");
    } else {
      double h =
          v->max ? 100.0 * ((double)v->max - (double)v->used) / (double)v->max
                 : 0.0;
      vg_facts_set_int(f, VSS_KEY("_max"), (int64_t)v->max);
      if (isnan(*min_headroom) || h < *min_headroom) *min_headroom = h;
    }
  }
  if (v->copies >= 0)
    vg_facts_set_int(f, VSS_KEY("_copies"), v->copies);
  else
    vg_facts_set_null(f, VSS_KEY("_copies"));
#undef VSS_KEY
}

static int vss_storage_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  vg_shadow_info_t *si;
  vg_mars_loc_t loc;
  vg_volume_info_t vi;
  char scratch_root[512] = "";
  double min_headroom = NAN;
  size_t i;
  int rc, pass, listed = 0, wanted = 0;

  if (vg_mars_locate(os, &loc) == 0) {
    vg_mars_facts(&loc, f);
    if (loc.installed && os->volume_info(os, loc.scratch, &vi) == 0) {
      vg_strlcpy(scratch_root, vi.root, sizeof(scratch_root));
      vg_facts_set_str(f, "scratch_volume", scratch_root);
    }
  }
  si = calloc(1, sizeof(*si));
  if (si == NULL) return vg_facts_fail(f, VG_ENOMEM, "out of memory");
  rc = os->shadow_storage(os, si);
  if (rc == VG_ENOTSUP && si->hr == 0) {
    vg_facts_set_bool(f, "shadow_supported", 0);
    free(si);
    return 0;
  }
  if (rc != 0) {
    rc = vg_hresult_fail(f, rc, si->hr, si->call);
    free(si);
    return rc;
  }
  /* The scratch volume first, then the others in the system's order. */
  for (pass = 2; pass >= 1; pass--)
    for (i = 0; i < si->n && i < VG_SHADOW_VOLUMES_MAX; i++) {
      if (vss_storage_wanted(&si->vols[i], scratch_root) != pass) continue;
      wanted++;
      if (listed < VSS_FACT_VOLUMES)
        vss_storage_volume_facts(f, listed++, &si->vols[i], &min_headroom);
    }
  vg_facts_set_int(f, "volumes", wanted);
  vg_facts_set_int(f, "volumes_listed", listed);
  vg_facts_set_double(f, "min_headroom_pct", min_headroom);
  free(si);
  return 0;
}

/* ----------------------------------------------------------- evaluate */

/* "C:\" -> "C:" for vssadmin's /For= and /On=. */
static void vss_storage_letter(const char *name, char *out, size_t size) {
  size_t n;
  vg_strlcpy(out, name ? name : "", size);
  n = strlen(out);
  if (n > 1 && (out[n - 1] == '\\' || out[n - 1] == '/')) out[n - 1] = '\0';
}

/* The worst headroom shrinking towards 0 within the horizon: a warning
 * that says when. name/on: the volume with the least headroom and the one
 * holding its storage. Returns 1 when it set the finding. */
static int vss_storage_forecast(const vg_eval_params_t *p, const char *name,
                                const char *on, double headroom,
                                vg_finding_t *out) {
  char eta[40], remedy[VG_REMEDY_MAX], fv[260], ov[260];
  if (name[0] == '\0') return 0;
  vss_storage_letter(name, fv, sizeof(fv));
  vss_storage_letter(on, ov, sizeof(ov));
  snprintf(remedy, sizeof(remedy),
           "Give the volume more shadow storage from an elevated prompt: "
           "vssadmin Resize ShadowStorage /On=%s /For=%s /MaxSize=<size> "
           "(vigil explain vss.storage).",
           ov, fv);
  vg_finding_set(out, VG_ST_WARN, remedy,
                 "Shadow storage headroom of %s (%.1f%% now) is shrinking by "
                 "%.1f points/day and is forecast to run out by %s",
                 name, vg_floor(headroom * 10) / 10,
                 fabs(p->forecast->slope_per_h * 24),
                 vg_iso8601(p->forecast->eta_ms, eta, sizeof(eta)));
  vg_finding_predict(out, "snapshot creation fails");
  return 1;
}

/* The bounded volume with the least headroom (% of max) and the volume
 * holding its storage; name "" when there is none. */
static void vss_storage_least(const vg_facts_t *f, char *name, char *on,
                              size_t size, double *least) {
  int64_t i, listed = vg_facts_int_or(f, "volumes_listed", 0);
  char k[48];
  *least = 101.0;
  name[0] = on[0] = '\0';
  for (i = 0; i < listed; i++) {
    const char *vol, *storage;
    int64_t used = 0, max = 0;
    double h;
    snprintf(k, sizeof(k), "vol%lld", (long long)i);
    vol = vg_facts_get_str(f, k);
    snprintf(k, sizeof(k), "vol%lld_storage", (long long)i);
    storage = vg_facts_get_str(f, k);
    snprintf(k, sizeof(k), "vol%lld_used", (long long)i);
    vg_facts_get_int(f, k, &used);
    snprintf(k, sizeof(k), "vol%lld_max", (long long)i);
    if (vol == NULL || storage == NULL || vg_facts_get_int(f, k, &max) != 0)
      continue;
    h = max > 0 ? 100.0 * (double)(max - used) / (double)max : 0.0;
    if (h < *least) {
      *least = h;
      vg_strlcpy(name, vol, size);
      vg_strlcpy(on, storage, size);
    }
  }
}

/* The judge warns on the forecast; this says which volume and when. */
static int vss_storage_forecast_warn(const vg_facts_t *f,
                                     const vg_eval_params_t *p,
                                     vg_finding_t *out) {
  char name[260], on[260];
  double least;
  vss_storage_least(f, name, on, sizeof(name), &least);
  return vss_storage_forecast(p, name, on, least, out);
}

static void vss_storage_evaluate(const vg_facts_t *f, const vg_eval_params_t *p,
                                 const vg_finding_t *prev, vg_finding_t *out) {
  const char *nas = vg_probe_str(&p->set, "no_association");
  double floor_b = vg_probe_num(&p->set, "min_max");
  vg_status_t no_assoc = VG_ST_CRIT, worst = VG_ST_OK;
  char worst_msg[256] = "", okl[256] = "", others[160] = "", k[48];
  char worst_vol[260] = "", worst_on[260] = "", b1[32], b2[32], b3[32];
  int worst_no_assoc = 0;
  size_t ook = 0, oo = 0;
  int64_t nvol, listed, i;
  int b, nothers = 0;
  char remedy[VG_REMEDY_MAX], fv[260], ov[260];

  if (vg_facts_get_bool(f, "shadow_supported", &b) == 0 && !b) {
    vg_finding_set(out, VG_ST_NA, "",
                   "There is no Volume Shadow Copy "
                   "Service on this system");
    return;
  }
  if (nas == NULL || vg_status_parse(nas, &no_assoc) != 0 ||
      no_assoc == VG_ST_NA || no_assoc == VG_ST_UNKNOWN)
    no_assoc = VG_ST_CRIT;
  nvol = vg_facts_int_or(f, "volumes", 0);
  listed = vg_facts_int_or(f, "volumes_listed", 0);
  if (nvol == 0) {
    vg_finding_set(out, VG_ST_NA, "",
                   "No fixed NTFS volume found to keep shadow copies of");
    return;
  }
  for (i = 0; i < listed; i++) {
    const char *name, *storage, *maxs;
    int64_t used = 0, max = 0;
    vg_status_t st = VG_ST_OK;
    char msg[256];
    snprintf(k, sizeof(k), "vol%lld", (long long)i);
    name = vg_facts_get_str(f, k);
    if (name == NULL) continue;
    snprintf(k, sizeof(k), "vol%lld_storage", (long long)i);
    storage = vg_facts_get_str(f, k);
    snprintf(k, sizeof(k), "vol%lld_max", (long long)i);
    maxs = vg_facts_get_str(f, k);
    if (storage == NULL) {
      st = no_assoc;
      snprintf(msg, sizeof(msg),
               "%s has no shadow copy storage association (no shadow copy "
               "was ever made there)",
               name);
      if (st == VG_ST_OK)
        vg_bufprintf(okl, sizeof(okl), &ook, "%s%s no association",
                     ook ? ", " : "", name);
    } else if (maxs && strcmp(maxs, "unbounded") == 0) {
      vg_bufprintf(okl, sizeof(okl), &ook, "%s%s unbounded", ook ? ", " : "",
                   name);
    } else {
      double headroom;
      snprintf(k, sizeof(k), "vol%lld_used", (long long)i);
      vg_facts_get_int(f, k, &used);
      snprintf(k, sizeof(k), "vol%lld_max", (long long)i);
      if (vg_facts_get_int(f, k, &max) != 0) continue;
      vg_fmt_bytes(b1, sizeof(b1), (uint64_t)used);
      vg_fmt_bytes(b2, sizeof(b2), (uint64_t)max);
      headroom = max > 0 ? 100.0 * (double)(max - used) / (double)max : 0.0;
      if ((double)max < floor_b) {
        st = VG_ST_CRIT;
        vg_fmt_bytes(b3, sizeof(b3), (uint64_t)floor_b);
        snprintf(msg, sizeof(msg),
                 "%s: shadow storage maximum %s is below the %s floor (%s "
                 "used)",
                 name, b2, b3, b1);
      } else {
        double lim;
        st =
            vg_threshold_eval(headroom, &p->th, prev ? prev->status : VG_ST_OK);
        lim = st == VG_ST_CRIT ? p->th.crit : p->th.warn;
        snprintf(msg, sizeof(msg),
                 "%s: %s of %s shadow storage used on %s, %.1f%% headroom "
                 "(%s < %g%%%s)",
                 name, b1, b2, storage, vg_floor(headroom * 10) / 10,
                 st == VG_ST_CRIT ? "crit" : "warn", lim,
                 headroom >= lim
                     ? ", held until it recovers past the hysteresis"
                     : "");
      }
      if (st == VG_ST_OK)
        vg_bufprintf(okl, sizeof(okl), &ook, "%s%s %.0f%% free of %s",
                     ook ? ", " : "", name, vg_floor(headroom), b2);
    }
    if (st <= VG_ST_OK) continue;
    if (st > worst) {
      if (worst > VG_ST_OK) {
        vg_bufprintf(others, sizeof(others), &oo, "%s%s", nothers ? ", " : "",
                     worst_vol);
        nothers++;
      }
      worst = st;
      vg_strlcpy(worst_msg, msg, sizeof(worst_msg));
      vg_strlcpy(worst_vol, name, sizeof(worst_vol));
      vg_strlcpy(worst_on, storage ? storage : name, sizeof(worst_on));
      worst_no_assoc = storage == NULL;
    } else {
      vg_bufprintf(others, sizeof(others), &oo, "%s%s", nothers ? ", " : "",
                   name);
      nothers++;
    }
  }
  if (worst == VG_ST_OK) {
    vg_finding_set(out, VG_ST_OK, "",
                   "Shadow storage fine on %lld volume(s): %s%s",
                   (long long)nvol, okl,
                   nvol > listed ? " (more volumes not listed)" : "");
    return;
  }
  vss_storage_letter(worst_vol, fv, sizeof(fv));
  vss_storage_letter(worst_on, ov, sizeof(ov));
  if (worst_no_assoc)
    snprintf(remedy, sizeof(remedy),
             "Create shadow storage for the volume from an elevated prompt: "
             "vssadmin Add ShadowStorage /For=%s /On=%s /MaxSize=<size> "
             "(vigil explain vss.storage).",
             fv, ov);
  else
    snprintf(remedy, sizeof(remedy),
             "Give the volume more shadow storage from an elevated prompt: "
             "vssadmin List ShadowStorage /For=%s, then vssadmin Resize "
             "ShadowStorage /On=%s /For=%s /MaxSize=<size> "
             "(vigil explain vss.storage).",
             fv, ov, fv);
  if (nvol > listed)
    snprintf(others + oo, sizeof(others) - oo,
             "%sonly the first %lld of %lld volumes were checked",
             nothers || oo ? "; " : "", (long long)listed, (long long)nvol);
  vg_finding_set(out, worst, remedy, "%s%s%s", worst_msg,
                 nothers ? "; also " : (others[0] ? "; " : ""), others);
  vg_finding_predict(out, "snapshot creation fails");
}

/* The smallest headroom (% of max) of a bounded volume drifts; 0 is
 * exhausted. */
static int vss_storage_trend(const vg_facts_t *f, const vg_thresholds_t *th,
                             double *value, double *crit_level) {
  (void)th;
  if (vg_facts_get_double(f, "min_headroom_pct", value) != 0) return VG_ENOENT;
  *crit_level = 0.0;
  return 0;
}

const vg_probe_t vg_probe_vss_storage = {
    .id = "vss.storage",
    .title = "Shadow copy storage",
    .number = 7,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 1800,
    .deadline_s = 120,
    .th = {10.0, NAN, 1.0, VG_TH_BELOW},
    .keys = vss_storage_keys,
    .collect = vss_storage_collect,
    .evaluate = vss_storage_evaluate,
    .trend = vss_storage_trend,
    .forecast_warn = vss_storage_forecast_warn,
};
