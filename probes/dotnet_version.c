/* dotnet_version.c: the installed .NET Framework 4.x release against what
 * the MARS agent needs (probes.md: dotnet.version). A machine prerequisite:
 * checked whether or not MARS is installed, since its installer needs it. */
#include "probe.h"
#include "vg.h"

#include <stdio.h>
#include <string.h>

#define DOTNET_KEY "SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full"

/* Lowest Release value of each .NET Framework 4.x version (Microsoft's
 * "Determine which .NET Framework versions are installed" table). */
static const struct {
  int64_t release;
  const char *name;
} dotnet_versions[] = {
    {533320, "4.8.1"}, {528040, "4.8"},   {461808, "4.7.2"}, {461308, "4.7.1"},
    {460798, "4.7"},   {394802, "4.6.2"}, {394254, "4.6.1"}, {393295, "4.6"},
    {379893, "4.5.2"}, {378675, "4.5.1"}, {378389, "4.5"},
};

/* Version name for a Release value ("4.7.2"), or "4.x" below 4.5. */
static const char *dotnet_name(int64_t release) {
  size_t i;
  for (i = 0; i < VG_ARRAY_SIZE(dotnet_versions); i++)
    if (release >= dotnet_versions[i].release) return dotnet_versions[i].name;
  return "4.x";
}

static int dotnet_version_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  vg_reg_value_t v;
  int rc = os->reg_get(os, DOTNET_KEY, "Release", VG_REG_64, &v);

  if (rc == VG_ENOTSUP) return vg_facts_set_bool(f, "registry", 0);
  vg_facts_set_str(f, "key", "HKLM\\" DOTNET_KEY);
  if (rc == VG_ENOENT) return vg_facts_set_null(f, "release");
  if (rc)
    return vg_facts_fail(f, rc, "cannot read HKLM\\%s\\Release: %s", DOTNET_KEY,
                         vg_strerror(rc));
  if (v.type != VG_REGT_DWORD && v.type != VG_REGT_QWORD)
    return vg_facts_fail(f, VG_EINVAL,
                         "HKLM\\%s\\Release is not a DWORD (\"%s\")",
                         DOTNET_KEY, v.str);
  vg_facts_set_int(f, "release", (int64_t)v.num);
  /* The human-readable version, as evidence only ("4.8.04084"). */
  if (os->reg_get(os, DOTNET_KEY, "Version", VG_REG_64, &v) == 0 &&
      (v.type == VG_REGT_SZ || v.type == VG_REGT_EXPAND_SZ))
    vg_facts_set_str(f, "version", v.str);
  return 0;
}

static void dotnet_version_evaluate(const vg_facts_t *f,
                                    const vg_eval_params_t *p,
                                    const vg_finding_t *prev,
                                    vg_finding_t *out) {
  const char *remedy =
      "Install .NET Framework 4.8 or later from Microsoft and restart the "
      "server (vigil explain dotnet.version).";
  int64_t release;
  vg_status_t st;

  if (!vg_facts_bool_or(f, "registry", 1)) {
    vg_finding_set(out, VG_ST_NA, "",
                   "No registry on this platform: .NET Framework not "
                   "checked");
    return;
  }
  if (vg_facts_get_int(f, "release", &release) != 0) {
    vg_finding_set(out, VG_ST_CRIT, remedy,
                   ".NET Framework 4.5 or later not installed (no Release "
                   "under HKLM\\%s; crit < %.0f, .NET %s)",
                   DOTNET_KEY, p->th.crit, dotnet_name((int64_t)p->th.crit));
  } else {
    st = vg_threshold_eval((double)release, &p->th,
                           prev ? prev->status : VG_ST_OK);
    if (st == VG_ST_OK)
      vg_finding_set(out, st, remedy,
                     "Release %lld = .NET %s (ok >= %.0f, .NET %s)",
                     (long long)release, dotnet_name(release), p->th.warn,
                     dotnet_name((int64_t)p->th.warn));
    else {
      double t = st == VG_ST_CRIT ? p->th.crit : p->th.warn;
      vg_finding_set(
          out, st, remedy, "Release %lld = .NET %s (%s < %.0f, .NET %s)",
          (long long)release, dotnet_name(release),
          st == VG_ST_CRIT ? "crit" : "warn", t, dotnet_name((int64_t)t));
    }
  }
  if (out->status >= VG_ST_WARN) {
    vg_finding_predict(out, "MARS agent install failure");
    vg_finding_predict(out, "Instant Restore failure");
  }
}

const vg_probe_t vg_probe_dotnet_version = {
    .id = "dotnet.version",
    .title = ".NET Framework version",
    .number = 11,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 3600,
    .deadline_s = 15,
    .th = {.warn = 528040, .crit = 379893, .hysteresis = 0, .dir = VG_TH_BELOW},
    .keys = NULL,
    .collect = dotnet_version_collect,
    .evaluate = dotnet_version_evaluate,
};
