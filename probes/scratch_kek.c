/* scratch_kek.c: OnlineBackup.KEK, the agent's key-encryption-key file, must
 * exist once the agent is registered (probes.md: scratch.kek). Where it
 * lives beyond the scratch folder and how to tell "registered" are
 * unconfirmed, so both are configurable. */
#include "mars.h"
#include "probe.h"
#include "vg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define KEK_NAME "OnlineBackup.KEK"

static const vg_key_def_t scratch_kek_keys[] = {
    {"locations", VG_KEY_STR, 1, 1000, "{scratch};{install}",
     "';'-separated folders searched for OnlineBackup.KEK, in order; "
     "{scratch} and {install} stand for the MARS folders, %VAR% expands"},
    {"registered_value", VG_KEY_STR, 0, 400, NULL,
     "HKLM registry value (KEY\\VALUE) whose presence means the agent is "
     "registered; empty = assume registered once installed"},
    {NULL, 0, 0, 0, NULL, NULL}};

/* Expands one location entry into a folder path (no trailing separator). */
static void scratch_kek_folder(const vg_os_t *os, const vg_mars_loc_t *loc,
                               const char *entry, size_t len, char *out,
                               size_t outsz) {
  char raw[1400];
  size_t o = 0, i = 0;
  raw[0] = '\0';
  while (i < len) {
    if (strncmp(entry + i, "{scratch}", 9) == 0 && i + 9 <= len) {
      vg_bufprintf(raw, sizeof(raw), &o, "%s", loc->scratch);
      i += 9;
    } else if (strncmp(entry + i, "{install}", 9) == 0 && i + 9 <= len) {
      vg_bufprintf(raw, sizeof(raw), &o, "%s", loc->install_path);
      i += 9;
    } else {
      vg_bufprintf(raw, sizeof(raw), &o, "%c", entry[i++]);
    }
  }
  if (os->expand_env(os, raw, out, outsz) != 0) vg_strlcpy(out, raw, outsz);
  vg_path_strip_trailing(out);
}

/* Returns 1 registered, 0 not, or a VG_E* error; sets *how. */
static int scratch_kek_registered(const vg_probe_ctx_t *ctx, const char **how) {
  const char *spec = vg_probe_str(&ctx->set, "registered_value");
  const char *sep;
  char key[400];
  vg_reg_value_t v;
  int rc;
  *how = "assumed";
  if (spec == NULL || *spec == '\0') return 1;
  sep = strrchr(spec, '\\');
  if (sep == NULL || sep == spec || (size_t)(sep - spec) >= sizeof(key))
    return VG_EINVAL;
  snprintf(key, sizeof(key), "%.*s", (int)(sep - spec), spec);
  *how = "registry";
  rc = ctx->os->reg_get(ctx->os, key, sep + 1, VG_REG_64, &v);
  if (rc == 0) return 1;
  return rc == VG_ENOENT ? 0 : rc;
}

static int scratch_kek_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  const char *locs = vg_probe_str(&ctx->set, "locations");
  const char *how, *p;
  char searched[2048], folder[1100], path[1200];
  size_t spos = 0;
  int rc, reg, first_err = 0;
  vg_mars_loc_t loc;

  rc = vg_mars_locate_scratch(os, &loc, f);
  if (rc || !loc.installed) return rc;
  vg_facts_set_str(f, "scratch", loc.scratch);
  {
    /* Whether the scratch folder itself is there: when it is not, the
     * missing key is explained by scratch.config. */
    uint32_t sattrs;
    if (os->file_attrs(os, loc.scratch, &sattrs) == VG_ENOENT)
      vg_facts_set_bool(f, "scratch_exists", 0);
  }
  reg = scratch_kek_registered(ctx, &how);
  if (reg < 0)
    return vg_facts_fail(f, reg, "cannot read [%s] registered_value: %s",
                         ctx->probe_id, vg_strerror(reg));
  vg_facts_set_bool(f, "registered", reg);
  vg_facts_set_str(f, "registered_source", how);

  searched[0] = '\0';
  for (p = locs ? locs : "{scratch}"; *p;) {
    const char *end = strchr(p, ';');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    uint32_t attrs;
    while (len && (*p == ' ' || *p == '\t'))
      p++, len--;
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
      len--;
    if (len) {
      scratch_kek_folder(os, &loc, p, len, folder, sizeof(folder));
      snprintf(path, sizeof(path), "%s\\" KEK_NAME, folder);
      vg_bufprintf(searched, sizeof(searched), &spos, "%s%s", spos ? "; " : "",
                   folder);
      rc = os->file_attrs(os, path, &attrs);
      if (rc == 0 && !(attrs & VG_FA_DIRECTORY)) {
        vg_facts_set_str(f, "kek_path", path);
        break;
      }
      if (rc != 0 && rc != VG_ENOENT && first_err == 0) {
        first_err = rc;
        vg_facts_set_str(f, "error_path", path);
      }
    }
    if (end == NULL) break;
    p = end + 1;
  }
  vg_facts_set_str(f, "searched", searched);
  if (vg_facts_get_str(f, "kek_path") == NULL && first_err)
    return vg_facts_fail(f, first_err, "cannot read %s: %s",
                         vg_facts_get_str(f, "error_path"),
                         vg_strerror(first_err));
  return 0;
}

static void scratch_kek_evaluate(const vg_facts_t *f, const vg_eval_params_t *p,
                                 const vg_finding_t *prev, vg_finding_t *out) {
  const char *kek = vg_facts_get_str(f, "kek_path");
  const char *searched = vg_facts_get_str(f, "searched");
  const char *remedy =
      "Upgrade the MARS agent and, if the scratch folder was moved, copy "
      "the old folder's contents (OnlineBackup.KEK included) to the new "
      "location (vigil explain scratch.kek).";
  (void)p, (void)prev;

  if (vg_mars_absent(f, out)) return;
  if (kek) {
    vg_finding_set(out, VG_ST_OK, remedy, "%s is present", kek);
    return;
  }
  if (!vg_facts_bool_or(f, "registered", 1)) {
    vg_finding_set(out, VG_ST_NA, remedy,
                   "MARS agent is not registered with a vault yet; " KEK_NAME
                   " is created at registration");
    return;
  }
  vg_finding_set(out, VG_ST_CRIT, remedy, KEK_NAME " not found in %s",
                 searched ? searched : "?");
  vg_finding_predict(out, "0x1FC07");
  vg_finding_predict(out, "34506");
  /* A missing scratch folder explains it (scratch.config reports that). */
  if (!vg_facts_bool_or(f, "scratch_exists", 1))
    vg_strlcpy(out->explained_by, "scratch.config", sizeof(out->explained_by));
}

const vg_probe_t vg_probe_scratch_kek = {
    .id = "scratch.kek",
    .title = "OnlineBackup.KEK present",
    .number = 6,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 3600,
    .deadline_s = 30,
    .th = VG_TH_NONE,
    .keys = scratch_kek_keys,
    .collect = scratch_kek_collect,
    .evaluate = scratch_kek_evaluate,
};
