/* mars_install.c: is the MARS agent installed, where, and is its version new
 * enough for current vault credentials (probes.md: mars.install). */
#include "mars.h"
#include "probe.h"
#include "vg.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MARS_UNINSTALL_KEY                                                     \
  "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall"

static const vg_key_def_t mars_install_keys[] = {
    {"warn_version", VG_KEY_STR, 0, 40, "2.0.9249.0",
     "warn when the agent is older than this (vault credentials need it)"},
    {"crit_version", VG_KEY_STR, 0, 40, "2.0.9083.0",
     "crit when the agent is older than this"},
    {"required", VG_KEY_BOOL, 0, 1, "true",
     "an absent agent is crit (false: n/a, for hosts without MARS)"},
    {"uninstall_name", VG_KEY_STR, 1, 200,
     "Microsoft Azure Recovery Services Agent",
     "DisplayName prefix of the agent's Programs and Features entry "
     "(version fallback)"},
    {"offline_seeding_version", VG_KEY_STR, 0, 40, "2.0.9250.0",
     "crit when offline seeding is configured and the agent is older"},
    {NULL, 0, 0, 0, NULL, NULL}};

/* Offline seeding (offline backup through Azure Data Box or Import/Export)
 * leaves an Azure AD app certificate thumbprint per vault under
 * CloudBackupProvider. */
#define MARS_OFFLINE_PREFIX "AzureADAppCertThumbprint_"

/* Parses "2.0.9249.0" (missing parts are 0). Returns 0 or VG_EINVAL. */
static int mars_install_parse(const char *s, unsigned v[4]) {
  int i;
  memset(v, 0, 4 * sizeof(v[0]));
  if (s == NULL || !isdigit((unsigned char)*s)) return VG_EINVAL;
  for (i = 0; i < 4; i++) {
    char *end;
    unsigned long n = strtoul(s, &end, 10);
    if (end == s || n > 65535) return VG_EINVAL;
    v[i] = (unsigned)n;
    s = end;
    if (*s == '\0') return 0;
    if (*s != '.' || !isdigit((unsigned char)s[1])) return VG_EINVAL;
    s++;
  }
  return *s == '\0' ? 0 : VG_EINVAL;
}

static int mars_install_cmp(const unsigned a[4], const unsigned b[4]) {
  int i;
  for (i = 0; i < 4; i++)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

typedef struct mars_install_scan_s {
  const vg_os_t *os;
  const char *name; /* DisplayName prefix */
  char key[512];    /* matching subkey, "" if none */
  char version[64];
} mars_install_scan_t;

static int mars_install_uninstall_cb(const char *sub,
                                     const vg_reg_value_t *unused, void *ud) {
  mars_install_scan_t *s = ud;
  char key[512];
  vg_reg_value_t v;
  (void)unused;
  snprintf(key, sizeof(key), "%s\\%s", MARS_UNINSTALL_KEY, sub);
  if (s->os->reg_get(s->os, key, "DisplayName", VG_REG_64, &v) != 0) return 0;
  if (strncasecmp(v.str, s->name, strlen(s->name)) != 0) return 0;
  if (s->os->reg_get(s->os, key, "DisplayVersion", VG_REG_64, &v) != 0)
    return 0;
  vg_strlcpy(s->key, sub, sizeof(s->key));
  vg_strlcpy(s->version, v.str, sizeof(s->version));
  return 1;
}

/* Looks for the agent's Programs and Features entry: the version fallback,
 * and evidence of an install whose Setup key is gone. */
static void mars_install_uninstall(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  mars_install_scan_t s;
  int rc;
  memset(&s, 0, sizeof(s));
  s.os = ctx->os;
  s.name = vg_probe_str(&ctx->set, "uninstall_name");
  if (s.name == NULL || *s.name == '\0') return;
  rc = ctx->os->reg_enum_keys(ctx->os, MARS_UNINSTALL_KEY, VG_REG_64,
                              mars_install_uninstall_cb, &s);
  if (rc != 0 && rc != VG_ENOENT) {
    vg_facts_set_str(f, "uninstall_error", vg_strerror(rc));
  } else if (s.key[0]) {
    vg_facts_set_str(f, "uninstall_key", s.key);
    vg_facts_set_str(f, "uninstall_version", s.version);
  }
}

static int mars_install_offline_cb(const char *name,
                                   const vg_reg_value_t *unused, void *ud) {
  char *found = ud;
  (void)unused;
  if (strncasecmp(name, MARS_OFFLINE_PREFIX, strlen(MARS_OFFLINE_PREFIX)))
    return 0;
  vg_strlcpy(found, name, 256);
  return 1;
}

/* Facts offline_seeding (and the value that says so), or
 * offline_seeding_error when the key cannot be read. */
static void mars_install_offline(const vg_os_t *os, vg_facts_t *f) {
  char found[256] = "";
  int rc = os->reg_enum_values(os, VG_MARS_CBP_KEY, VG_REG_64,
                               mars_install_offline_cb, found);
  if (rc != 0 && rc != VG_ENOENT) {
    vg_facts_set_str(f, "offline_seeding_error", vg_strerror(rc));
    return;
  }
  vg_facts_set_bool(f, "offline_seeding", found[0] != '\0');
  if (found[0]) vg_facts_set_str(f, "offline_seeding_value", found);
}

static int mars_install_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  vg_mars_loc_t loc;
  vg_reg_value_t probe;
  char engine[1100];
  uint16_t ver[4];
  uint32_t attrs = 0;
  int rc;

  rc = vg_mars_locate_facts(os, &loc, f);
  if (rc) return rc;
  if (!loc.installed) {
    /* Tell "no registry here" (POSIX build) from "agent absent". */
    if (os->reg_get(os, VG_MARS_SETUP_KEY, "InstallPath", VG_REG_64, &probe) ==
        VG_ENOTSUP) {
      vg_facts_set_bool(f, "registry_available", 0);
      return 0;
    }
    mars_install_uninstall(ctx, f);
    return 0;
  }
  mars_install_offline(os, f);
  snprintf(engine, sizeof(engine), "%s\\bin\\cbengine.exe", loc.install_path);
  vg_facts_set_str(f, "engine_path", engine);
  rc = os->file_attrs(os, engine, &attrs);
  if (rc == VG_ENOENT) {
    vg_facts_set_bool(f, "engine_present", 0);
  } else if (rc != 0) {
    vg_facts_set_str(f, "engine_error", vg_strerror(rc));
  } else {
    vg_facts_set_bool(f, "engine_present", 1);
    rc = os->file_version(os, engine, ver);
    if (rc == 0) {
      char s[64];
      snprintf(s, sizeof(s), "%u.%u.%u.%u", ver[0], ver[1], ver[2], ver[3]);
      vg_facts_set_str(f, "file_version", s);
      return 0;
    }
    vg_facts_set_str(f, "engine_error",
                     rc == VG_ENOENT ? "no version resource" : vg_strerror(rc));
  }
  mars_install_uninstall(ctx, f);
  return 0;
}

/* Threshold version from config, falling back to the default when the
 * configured text is not a version. */
static void mars_install_threshold(const vg_eval_params_t *p, const char *key,
                                   const char *def, unsigned v[4],
                                   const char **text) {
  const char *s = vg_probe_str(&p->set, key);
  if (s == NULL || mars_install_parse(s, v) != 0) {
    s = def;
    mars_install_parse(s, v);
  }
  *text = s;
}

static void mars_install_evaluate(const vg_facts_t *f,
                                  const vg_eval_params_t *p,
                                  const vg_finding_t *prev, vg_finding_t *out) {
  const char *path = vg_facts_get_str(f, "install_path");
  const char *fver = vg_facts_get_str(f, "file_version");
  const char *uver = vg_facts_get_str(f, "uninstall_version");
  const char *eerr = vg_facts_get_str(f, "engine_error");
  const char *ver = fver ? fver : uver, *wtext, *ctext;
  const char *install =
      "Install the latest MARS agent (https://aka.ms/azurebackup_agent) "
      "and register it with the vault (vigil explain mars.install).";
  const char *upgrade =
      "Upgrade the MARS agent to the latest version from "
      "https://aka.ms/azurebackup_agent (vigil explain mars.install).";
  const char *offline_value = vg_facts_get_str(f, "offline_seeding_value");
  const char *otext;
  int offline = vg_facts_bool_or(f, "offline_seeding", 0);
  unsigned v[4], warn_v[4], crit_v[4], off_v[4];
  (void)prev;

  if (path == NULL) path = "?";
  if (!vg_facts_bool_or(f, "registry_available", 1)) {
    vg_finding_set(out, VG_ST_NA, "",
                   "No Windows registry on this system; the MARS agent "
                   "cannot be installed here");
    return;
  }
  if (!vg_facts_bool_or(f, "mars_installed", 0)) {
    if (uver) {
      vg_finding_set(out, VG_ST_CRIT, install,
                     "MARS agent %s is listed in Programs and Features but "
                     "HKLM\\%s has no InstallPath; the installation is "
                     "broken",
                     uver, VG_MARS_SETUP_KEY);
    } else {
      vg_finding_set(out,
                     vg_probe_bool(&p->set, "required") ? VG_ST_CRIT : VG_ST_NA,
                     install,
                     "MARS agent is not installed (no InstallPath under "
                     "HKLM\\%s)",
                     VG_MARS_SETUP_KEY);
    }
    return;
  }
  if (!vg_facts_bool_or(f, "engine_present", 1)) {
    vg_finding_set(out, VG_ST_CRIT, install,
                   "MARS agent in %s is incomplete: bin\\cbengine.exe not "
                   "found",
                   path);
    return;
  }
  if (ver == NULL || mars_install_parse(ver, v) != 0) {
    vg_finding_set(out, VG_ST_UNKNOWN, upgrade,
                   "Version of the MARS agent in %s could not be read "
                   "(cbengine.exe: %s; no Programs and Features entry)",
                   path, eerr ? eerr : "unreadable version");
    return;
  }
  mars_install_threshold(p, "warn_version", "2.0.9249.0", warn_v, &wtext);
  mars_install_threshold(p, "crit_version", "2.0.9083.0", crit_v, &ctext);
  mars_install_threshold(p, "offline_seeding_version", "2.0.9250.0", off_v,
                         &otext);
  if (mars_install_cmp(v, crit_v) >= 0 && offline &&
      mars_install_cmp(v, off_v) < 0) {
    vg_finding_set(out, VG_ST_CRIT, upgrade,
                   "MARS agent %s in %s is older than %s, which offline "
                   "seeding needs (offline seeding is configured: %s under "
                   "HKLM\\%s; crit < %s)%s",
                   ver, path, otext, offline_value ? offline_value : "?",
                   VG_MARS_CBP_KEY, otext,
                   fver ? "" : " [version from Programs and Features]");
    vg_finding_predict(out, "offline backup fails");
    return;
  }
  if (mars_install_cmp(v, crit_v) < 0) {
    vg_finding_set(out, VG_ST_CRIT, upgrade,
                   "MARS agent %s in %s is older than %s (crit < %s)%s", ver,
                   path, ctext, ctext,
                   fver ? "" : " [version from Programs and Features]");
  } else if (mars_install_cmp(v, warn_v) < 0) {
    vg_finding_set(out, VG_ST_WARN, upgrade,
                   "MARS agent %s in %s is older than %s, which current "
                   "vault credentials need (warn < %s)%s",
                   ver, path, wtext, wtext,
                   fver ? "" : " [version from Programs and Features]");
  } else {
    const char *oerr = vg_facts_get_str(f, "offline_seeding_error");
    vg_finding_set(out, VG_ST_OK, upgrade,
                   "MARS agent %s installed in %s (warn < %s)%s", ver, path,
                   wtext, fver ? "" : " [version from Programs and Features]");
    /* Only worth saying where the floor would matter. */
    if (oerr && mars_install_cmp(v, off_v) < 0) {
      size_t n = strlen(out->summary);
      snprintf(out->summary + n, sizeof(out->summary) - n,
               "; offline seeding not checked (HKLM\\%s: %s)", VG_MARS_CBP_KEY,
               oerr);
    }
    return;
  }
  vg_finding_predict(out, "34513");
}

const vg_probe_t vg_probe_mars_install = {
    .id = "mars.install",
    .title = "MARS agent installation and version",
    .number = 1,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 3600,
    .deadline_s = 30,
    .th = {.warn = NAN, .crit = NAN, .hysteresis = 0, .dir = VG_TH_BELOW},
    .keys = mars_install_keys,
    .collect = mars_install_collect,
    .evaluate = mars_install_evaluate,
};
