/* tls_config.c: TLS 1.2 for Schannel clients and .NET strong crypto, which
 * the MARS agent needs to reach Azure (probes.md: tls.config). A machine
 * prerequisite: checked whether or not MARS is installed. */
#include "probe.h"
#include "vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TLS_SCHANNEL_KEY                                                       \
  "SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\"          \
  "Protocols\\TLS 1.2\\Client"
#define TLS_NET_KEY "SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319"
#define TLS_OS_KEY "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"

/* Reads a DWORD into fact key (null when absent). Returns 0 or the error
 * (recorded in f) when the value exists but cannot be read. */
static int tls_dword(const vg_os_t *os, vg_facts_t *f, const char *fact,
                     const char *key, const char *value, unsigned view) {
  vg_reg_value_t v;
  int rc = os->reg_get(os, key, value, view, &v);
  if (rc == VG_ENOENT) return vg_facts_set_null(f, fact);
  if (rc)
    return vg_facts_fail(f, rc, "cannot read HKLM\\%s\\%s%s: %s", key, value,
                         view == VG_REG_32 ? " (32-bit view)" : "",
                         vg_strerror(rc));
  /* Schannel and .NET read these as DWORDs; anything else is ignored by
   * them, so it counts as absent. */
  if (v.type != VG_REGT_DWORD && v.type != VG_REGT_QWORD)
    return vg_facts_set_null(f, fact);
  return vg_facts_set_int(f, fact, (int64_t)v.num);
}

static int tls_config_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  vg_reg_value_t v;
  int rc;

  rc = os->reg_get(os, TLS_OS_KEY, "CurrentMajorVersionNumber", VG_REG_64, &v);
  if (rc == VG_ENOTSUP) return vg_facts_set_bool(f, "registry", 0);
  /* Windows 10 and later keep CurrentVersion at "6.3" for compatibility;
   * the major/minor numbers are the truth when present. */
  if (rc == 0 && v.type == VG_REGT_DWORD) {
    vg_facts_set_int(f, "os_major", (int64_t)v.num);
    if (os->reg_get(os, TLS_OS_KEY, "CurrentMinorVersionNumber", VG_REG_64,
                    &v) == 0 &&
        v.type == VG_REGT_DWORD)
      vg_facts_set_int(f, "os_minor", (int64_t)v.num);
  } else if (os->reg_get(os, TLS_OS_KEY, "CurrentVersion", VG_REG_64, &v) ==
                 0 &&
             v.type == VG_REGT_SZ) {
    char *end;
    long major = strtol(v.str, &end, 10);
    if (end != v.str) {
      vg_facts_set_int(f, "os_major", major);
      if (*end == '.')
        vg_facts_set_int(f, "os_minor", strtol(end + 1, NULL, 10));
    }
  }

  if ((rc = tls_dword(os, f, "schannel_enabled", TLS_SCHANNEL_KEY, "Enabled",
                      VG_REG_64)) ||
      (rc = tls_dword(os, f, "schannel_disabled_by_default", TLS_SCHANNEL_KEY,
                      "DisabledByDefault", VG_REG_64)) ||
      (rc = tls_dword(os, f, "net64_system_default_tls", TLS_NET_KEY,
                      "SystemDefaultTlsVersions", VG_REG_64)) ||
      (rc = tls_dword(os, f, "net64_strong_crypto", TLS_NET_KEY,
                      "SchUseStrongCrypto", VG_REG_64)) ||
      (rc = tls_dword(os, f, "net32_system_default_tls", TLS_NET_KEY,
                      "SystemDefaultTlsVersions", VG_REG_32)) ||
      (rc = tls_dword(os, f, "net32_strong_crypto", TLS_NET_KEY,
                      "SchUseStrongCrypto", VG_REG_32)))
    return rc;
  return 0;
}

/* Appends "; " between parts. */
static void tls_sep(char *buf, size_t size, size_t *pos) {
  if (*pos) vg_bufprintf(buf, size, pos, "; ");
}

static void tls_config_evaluate(const vg_facts_t *f, const vg_eval_params_t *p,
                                const vg_finding_t *prev, vg_finding_t *out) {
  static const struct {
    const char *fact, *label;
  } net[] = {
      {"net64_system_default_tls", "SystemDefaultTlsVersions (64-bit)"},
      {"net64_strong_crypto", "SchUseStrongCrypto (64-bit)"},
      {"net32_system_default_tls", "SystemDefaultTlsVersions (32-bit)"},
      {"net32_strong_crypto", "SchUseStrongCrypto (32-bit)"},
  };
  const char *remedy =
      "Set Enabled=1 and DisabledByDefault=0 under SCHANNEL\\Protocols\\TLS "
      "1.2\\Client and SystemDefaultTlsVersions=1 and SchUseStrongCrypto=1 "
      "under both SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319 and "
      "SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319, then "
      "restart the server (vigil explain tls.config).";
  char bad[VG_SUMMARY_MAX], schannel[160];
  size_t pos = 0, i;
  int64_t en = -1, dbd = -1, major = -1, minor = 0, x;
  int has_en, has_dbd, nbad = 0;
  vg_status_t st = VG_ST_OK;
  (void)p, (void)prev;

  if (!vg_facts_bool_or(f, "registry", 1)) {
    vg_finding_set(out, VG_ST_NA, "",
                   "No registry on this platform: TLS settings not checked");
    return;
  }
  bad[0] = '\0';
  has_en = vg_facts_get_int(f, "schannel_enabled", &en) == 0;
  has_dbd = vg_facts_get_int(f, "schannel_disabled_by_default", &dbd) == 0;
  vg_facts_get_int(f, "os_major", &major);
  vg_facts_get_int(f, "os_minor", &minor);

  /* Schannel: explicit values win; without them the OS default applies -
   * TLS 1.2 client enabled from Windows 8 / Server 2012 (NT 6.2) on,
   * disabled by default on Windows 7 / Server 2008 R2 and earlier. */
  if (has_en && en == 0) {
    st = VG_ST_CRIT;
    vg_bufprintf(bad, sizeof(bad), &pos,
                 "TLS 1.2 client disabled (Schannel Enabled=0)");
  } else if (has_dbd && dbd != 0) {
    st = VG_ST_CRIT;
    vg_bufprintf(bad, sizeof(bad), &pos,
                 "TLS 1.2 client disabled by default (Schannel "
                 "DisabledByDefault=%lld)",
                 (long long)dbd);
  } else if (!has_en && !has_dbd && major >= 0 &&
             (major < 6 || (major == 6 && minor < 2))) {
    st = VG_ST_CRIT;
    vg_bufprintf(bad, sizeof(bad), &pos,
                 "TLS 1.2 client disabled by default on Windows NT "
                 "%lld.%lld (no Schannel TLS 1.2\\Client values)",
                 (long long)major, (long long)minor);
  }
  if (has_en || has_dbd)
    snprintf(schannel, sizeof(schannel),
             "TLS 1.2 client enabled (Schannel Enabled=%s, "
             "DisabledByDefault=%s)",
             has_en ? (en ? "1" : "0") : "default",
             has_dbd ? (dbd ? "1" : "0") : "default");
  else if (major >= 0)
    snprintf(schannel, sizeof(schannel),
             "TLS 1.2 client enabled (OS default on NT %lld.%lld)",
             (long long)major, (long long)minor);
  else
    snprintf(schannel, sizeof(schannel), "TLS 1.2 client enabled (OS default)");

  for (i = 0; i < VG_ARRAY_SIZE(net); i++) {
    int has = vg_facts_get_int(f, net[i].fact, &x) == 0;
    if (has && x != 0) continue;
    if (nbad++ == 0) {
      tls_sep(bad, sizeof(bad), &pos);
      vg_bufprintf(bad, sizeof(bad), &pos, ".NET strong crypto not set: ");
    } else {
      vg_bufprintf(bad, sizeof(bad), &pos, ", ");
    }
    if (has)
      vg_bufprintf(bad, sizeof(bad), &pos, "%s=%lld", net[i].label,
                   (long long)x);
    else
      vg_bufprintf(bad, sizeof(bad), &pos, "%s absent", net[i].label);
  }
  if (nbad) {
    vg_bufprintf(bad, sizeof(bad), &pos, " (warn unless 1 in both views)");
    if (st < VG_ST_WARN) st = VG_ST_WARN;
  }

  if (st == VG_ST_OK) {
    vg_finding_set(out, st, remedy,
                   "%s; .NET SystemDefaultTlsVersions=1 and "
                   "SchUseStrongCrypto=1 in both views",
                   schannel);
    return;
  }
  if (st == VG_ST_WARN)
    vg_finding_set(out, st, remedy, "%s; %s", bad, schannel);
  else
    vg_finding_set(out, st, remedy, "%s", bad);
  vg_finding_predict(out, "10054");
  vg_finding_predict(out, "registration status couldn't be verified");
}

const vg_probe_t vg_probe_tls_config = {
    .id = "tls.config",
    .title = "TLS 1.2 and .NET strong crypto",
    .number = 13,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 3600,
    .deadline_s = 15,
    .th = {.warn = 0, .crit = 0, .hysteresis = 0, .dir = VG_TH_ABOVE},
    .keys = NULL,
    .collect = tls_config_collect,
    .evaluate = tls_config_evaluate,
};
