/* av_exclusions.c: Microsoft Defender exclusions the MARS guide asks for -
 * the scratch folder, <InstallPath>\bin, cbengine.exe and csc.exe
 * (probes.md: av.exclusions). Defender counts as running only while its
 * WinDefend service runs. */
#include "mars.h"
#include "probe.h"
#include "vg.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define AV_KEY "SOFTWARE\\Microsoft\\Windows Defender"
#define AV_POLICY_KEY "SOFTWARE\\Policies\\Microsoft\\Windows Defender"
#define AV_SERVICE "WinDefend"

/* vg_svc_state_t names, index = state. */
static const char *const av_states[] = {
    "unknown", "stopped",          "start pending", "stop pending",
    "running", "continue pending", "pause pending", "paused"};

enum { AV_SCRATCH, AV_BIN, AV_CBENGINE, AV_CSC, AV_NTARGETS };

static const char *const av_fact[AV_NTARGETS] = {"scratch", "bin", "cbengine",
                                                 "csc"};

/* What collect is looking for and what it found. */
typedef struct av_scan_s {
  char target[AV_NTARGETS][1100]; /* folder or process path */
  char by[AV_NTARGETS][1100];     /* covering exclusion, "" = none yet */
  const char *by_src[AV_NTARGETS];
  const char *src; /* "policy" or "local" while enumerating */
  int processes;   /* enumerating the Processes list */
  const vg_os_t *os;
  int64_t npaths, nprocs;
} av_scan_t;

/* Case-insensitive glob: '*' any run (also across '\'), '?' one char. */
static int av_glob(const char *p, const char *s) {
  const char *star = NULL, *resume = NULL;
  while (*s) {
    if (*p == '*') {
      star = p++;
      resume = s;
    } else if (*p == '?' ||
               tolower((unsigned char)*p) == tolower((unsigned char)*s)) {
      p++;
      s++;
    } else if (star) {
      p = star + 1;
      s = ++resume;
    } else {
      return 0;
    }
  }
  while (*p == '*')
    p++;
  return *p == '\0';
}

/* Normalises an exclusion or target path: '/' -> '\', no trailing
 * separator, and a trailing "\*" or "\*.*" (the folder's contents) cut, so
 * "C:\MARS\*" reads as the folder C:\MARS. */
static void av_norm(char *s) {
  size_t n;
  char *c;
  for (c = s; *c; c++)
    if (*c == '/') *c = '\\';
  for (;;) {
    n = strlen(s);
    if (n > 4 && strcmp(s + n - 4, "\\*.*") == 0)
      s[n - 4] = '\0';
    else if (n > 2 && strcmp(s + n - 2, "\\*") == 0)
      s[n - 2] = '\0';
    else if (n > 1 && s[n - 1] == '\\')
      s[n - 1] = '\0';
    else
      break;
  }
}

/* Defender folder exclusions cover everything below the folder: does
 * pattern match the folder or one of its ancestors? */
static int av_covers_folder(const char *pattern, const char *folder) {
  char buf[1100];
  char *cut;
  vg_strlcpy(buf, folder, sizeof(buf));
  for (;;) {
    if (av_glob(pattern, buf)) return 1;
    cut = strrchr(buf, '\\');
    if (cut == NULL) return 0;
    *cut = '\0';
  }
}

/* A process exclusion is a bare image name ("cbengine.exe", any folder) or
 * a full path, either may hold wildcards. */
static int av_covers_process(const char *pattern, const char *path) {
  const char *base = strrchr(path, '\\');
  if (strchr(pattern, '\\') == NULL)
    return av_glob(pattern, base ? base + 1 : path);
  return av_glob(pattern, path);
}

static int av_enum_cb(const char *name, const vg_reg_value_t *val, void *ud) {
  av_scan_t *sc = ud;
  char e[1100];
  int i;
  (void)val;
  if (name == NULL || name[0] == '\0') return 0; /* the (Default) value */
  if (sc->os->expand_env(sc->os, name, e, sizeof(e)) != 0)
    vg_strlcpy(e, name, sizeof(e));
  av_norm(e);
  if (sc->processes)
    sc->nprocs++;
  else
    sc->npaths++;
  for (i = 0; i < AV_NTARGETS; i++) {
    int proc = i == AV_CBENGINE || i == AV_CSC, hit;
    if (sc->by[i][0] || proc != sc->processes || sc->target[i][0] == '\0')
      continue;
    if (i == AV_CSC)
      /* One csc.exe per .NET version: the guide asks to exclude them all;
       * any csc.exe exclusion (bare name or a full path) counts. */
      hit = av_covers_process(e, "csc.exe") ||
            (strchr(e, '\\') && av_glob("*\\csc.exe", e));
    else if (proc)
      hit = av_covers_process(e, sc->target[i]);
    else
      hit = av_covers_folder(e, sc->target[i]);
    if (hit) {
      vg_strlcpy(sc->by[i], name, sizeof(sc->by[i]));
      sc->by_src[i] = sc->src;
    }
  }
  return 0;
}

/* Enumerates one exclusion list; an absent key is an empty list. */
static int av_list(av_scan_t *sc, vg_facts_t *f, const char *base,
                   const char *list, const char *src) {
  char key[200];
  int rc;
  snprintf(key, sizeof(key), "%s\\Exclusions\\%s", base, list);
  sc->src = src;
  sc->processes = strcmp(list, "Processes") == 0;
  rc = sc->os->reg_enum_values(sc->os, key, VG_REG_64, av_enum_cb, sc);
  if (rc == 0 || rc == VG_ENOENT) return 0;
  return vg_facts_fail(f, rc,
                       "cannot read HKLM\\%s: %s (Defender exclusions are "
                       "readable by LocalSystem and Administrators only)",
                       key, vg_strerror(rc));
}

/* Reads a DWORD; -1 when absent or not a number. */
static int64_t av_dword(const vg_os_t *os, const char *key, const char *value) {
  vg_reg_value_t v;
  if (os->reg_get(os, key, value, VG_REG_64, &v) != 0) return -1;
  if (v.type != VG_REGT_DWORD && v.type != VG_REGT_QWORD) return -1;
  return (int64_t)v.num;
}

static int av_exclusions_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  vg_mars_loc_t loc;
  av_scan_t sc;
  vg_svc_info_t svc;
  int rc, i;
  int64_t off_policy, off_local, no_merge;

  rc = vg_mars_locate(os, &loc);
  if (rc)
    return vg_facts_fail(f, rc, "cannot read the MARS registry keys: %s",
                         vg_strerror(rc));
  vg_mars_facts(&loc, f);
  if (!loc.installed) return 0;

  /* The service is the signal: Defender's registry key outlives an
   * uninstall, and DisableAntiSpyware is ignored by current Defender. */
  rc = os->svc_query(os, AV_SERVICE, &svc);
  if (rc == VG_ENOENT)
    return vg_facts_set_str(f, "defender_service", "missing");
  if (rc)
    return vg_facts_fail(f, rc, "cannot query the %s service: %s", AV_SERVICE,
                         vg_strerror(rc));
  vg_facts_set_str(f, "defender_service",
                   svc.state > 0 && (size_t)svc.state < VG_ARRAY_SIZE(av_states)
                       ? av_states[svc.state]
                       : "unknown");
  vg_facts_set_bool(f, "defender_start_disabled",
                    svc.start_type == VG_SVC_DISABLED);
  off_policy = av_dword(os, AV_POLICY_KEY, "DisableAntiSpyware");
  off_local = av_dword(os, AV_KEY, "DisableAntiSpyware");
  if (off_policy == 1 || off_local == 1)
    vg_facts_set_str(f, "defender_disabled",
                     off_policy == 1 ? "policy" : "local");
  if (svc.state != VG_SVC_RUNNING) return 0;
  /* With DisableLocalAdminMerge=1 only the Group Policy lists apply. */
  no_merge = av_dword(os, AV_POLICY_KEY, "DisableLocalAdminMerge");
  vg_facts_set_bool(f, "local_merge_disabled", no_merge == 1);

  memset(&sc, 0, sizeof(sc));
  sc.os = os;
  vg_strlcpy(sc.target[AV_SCRATCH], loc.scratch, sizeof(sc.target[0]));
  snprintf(sc.target[AV_BIN], sizeof(sc.target[0]), "%s\\bin",
           loc.install_path);
  snprintf(sc.target[AV_CBENGINE], sizeof(sc.target[0]),
           "%s\\bin\\cbengine.exe", loc.install_path);
  vg_strlcpy(sc.target[AV_CSC], "csc.exe", sizeof(sc.target[0]));
  for (i = 0; i < AV_NTARGETS; i++)
    av_norm(sc.target[i]);

  /* Policy lists first, so a target covered by both is credited to the
   * list that cannot be merged away. */
  if ((rc = av_list(&sc, f, AV_POLICY_KEY, "Paths", "policy")) ||
      (rc = av_list(&sc, f, AV_POLICY_KEY, "Processes", "policy")))
    return rc;
  if (no_merge != 1 && ((rc = av_list(&sc, f, AV_KEY, "Paths", "local")) ||
                        (rc = av_list(&sc, f, AV_KEY, "Processes", "local"))))
    return rc;

  vg_facts_set_int(f, "path_exclusions", sc.npaths);
  vg_facts_set_int(f, "process_exclusions", sc.nprocs);
  for (i = 0; i < AV_NTARGETS; i++) {
    char k[VG_FACT_KEY_MAX];
    if (i == AV_SCRATCH || i == AV_BIN)
      vg_facts_set_str(f, av_fact[i], sc.target[i]);
    snprintf(k, sizeof(k), "%s_excluded_by", av_fact[i]);
    if (sc.by[i][0]) {
      vg_facts_set_str(f, k, sc.by[i]);
      snprintf(k, sizeof(k), "%s_excluded_in", av_fact[i]);
      vg_facts_set_str(f, k, sc.by_src[i]);
    } else {
      vg_facts_set_null(f, k);
    }
  }
  return 0;
}

static void av_exclusions_evaluate(const vg_facts_t *f,
                                   const vg_eval_params_t *p,
                                   const vg_finding_t *prev,
                                   vg_finding_t *out) {
  const char *remedy =
      "Add Microsoft Defender exclusions for the scratch folder, "
      "<InstallPath>\\bin, cbengine.exe and csc.exe (Add-MpPreference "
      "-ExclusionPath / -ExclusionProcess, or the Group Policy that manages "
      "Defender) (vigil explain av.exclusions).";
  const char *dis = vg_facts_get_str(f, "defender_disabled");
  const char *svc = vg_facts_get_str(f, "defender_service");
  char missing[VG_SUMMARY_MAX], note[128];
  size_t pos = 0;
  int i, n = 0;
  (void)p, (void)prev;

  if (vg_mars_absent(f, out)) return;
  if (svc == NULL || strcmp(svc, "missing") == 0) {
    vg_finding_set(out, VG_ST_NA, "",
                   "Defender is not installed (no %s service): check that "
                   "the antivirus in use excludes the scratch folder, the "
                   "bin folder, cbengine.exe and csc.exe",
                   AV_SERVICE);
    return;
  }
  if (strcmp(svc, "running") != 0) {
    int off = vg_facts_bool_or(f, "defender_start_disabled", 0);
    if (dis)
      snprintf(note, sizeof(note), "; DisableAntiSpyware=1, %s", dis);
    else
      note[0] = '\0';
    vg_finding_set(out, VG_ST_NA, "",
                   "Defender is not running (%s service %s%s): check the "
                   "exclusions of the antivirus in use",
                   AV_SERVICE, off ? "disabled" : svc, note);
    return;
  }
  if (dis)
    snprintf(note, sizeof(note), "; DisableAntiSpyware=1 (%s) ignored: %s runs",
             dis, AV_SERVICE);
  else
    note[0] = '\0';
  missing[0] = '\0';
  for (i = 0; i < AV_NTARGETS; i++) {
    char k[VG_FACT_KEY_MAX];
    const char *what = vg_facts_get_str(f, av_fact[i]);
    snprintf(k, sizeof(k), "%s_excluded_by", av_fact[i]);
    if (vg_facts_get_str(f, k)) continue;
    if (i == AV_SCRATCH)
      vg_bufprintf(missing, sizeof(missing), &pos, "%sscratch folder %s",
                   n ? ", " : "", what ? what : "");
    else if (i == AV_BIN)
      vg_bufprintf(missing, sizeof(missing), &pos, "%s%s", n ? ", " : "",
                   what ? what : "bin folder");
    else
      vg_bufprintf(missing, sizeof(missing), &pos, "%sprocess %s.exe",
                   n ? ", " : "", av_fact[i]);
    n++;
  }
  if (n == 0) {
    vg_finding_set(out, VG_ST_OK, remedy,
                   "Defender excludes the scratch folder, the bin folder, "
                   "cbengine.exe and csc.exe (%lld path and %lld process "
                   "exclusions)%s",
                   (long long)vg_facts_int_or(f, "path_exclusions", 0),
                   (long long)vg_facts_int_or(f, "process_exclusions", 0),
                   note);
    return;
  }
  vg_finding_set(out, VG_ST_WARN, remedy,
                 "Defender does not exclude %d of 4 MARS items: %s (%lld "
                 "path and %lld process exclusions read%s)%s",
                 n, missing,
                 (long long)vg_facts_int_or(f, "path_exclusions", 0),
                 (long long)vg_facts_int_or(f, "process_exclusions", 0),
                 vg_facts_bool_or(f, "local_merge_disabled", 0)
                     ? "; local exclusions ignored: DisableLocalAdminMerge=1"
                     : "",
                 note);
  vg_finding_predict(out, "SalChecksumStoreInitializationFailed");
  vg_finding_predict(out, "SalVhdInitializationError");
  vg_finding_predict(out, "100050");
}

const vg_probe_t vg_probe_av_exclusions = {
    .id = "av.exclusions",
    .title = "Defender exclusions for MARS",
    .number = 17,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 3600,
    .deadline_s = 30,
    .th = {.warn = 0, .crit = 0, .hysteresis = 0, .dir = VG_TH_ABOVE},
    .keys = NULL,
    .collect = av_exclusions_collect,
    .evaluate = av_exclusions_evaluate,
};
