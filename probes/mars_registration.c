/* mars_registration.c: the agent's registration values, and the host name,
 * FQDN and domain it was registered under, against a baseline kept in the
 * probe memo while healthy (probes.md: mars.registration). */
#include "mars.h"
#include "probe.h"
#include "timefmt.h"
#include "vg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REG_NAMES_DEFAULT "ServiceResourceName,ResourceId,MachineId"
#define REG_MAX_VALUES 8

static const vg_key_def_t mars_registration_keys[] = {
    {"values", VG_KEY_STR, 1, 400, REG_NAMES_DEFAULT,
     "comma-separated registration values under HKLM\\" VG_MARS_CONFIG_KEY
     " (names unconfirmed)"},
    {"baseline_epoch", VG_KEY_INT, 0, 1e9, "0",
     "raise by one to accept the current host name, FQDN and domain as the "
     "new baseline"},
    {NULL, 0, 0, 0, NULL, NULL}};

/* Splits the comma-separated list into trimmed names. Returns the count. */
static size_t mars_registration_names(const char *list,
                                      char names[REG_MAX_VALUES][128]) {
  size_t n = 0;
  while (list && *list && n < REG_MAX_VALUES) {
    const char *end = strchr(list, ',');
    size_t len = end ? (size_t)(end - list) : strlen(list);
    while (len > 0 && (*list == ' ' || *list == '\t'))
      list++, len--;
    while (len > 0 && (list[len - 1] == ' ' || list[len - 1] == '\t'))
      len--;
    if (len > 0 && len < 128) {
      memcpy(names[n], list, len);
      names[n++][len] = '\0';
    }
    if (end == NULL) break;
    list = end + 1;
  }
  return n;
}

static int mars_registration_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  char names[REG_MAX_VALUES][128], missing[1100] = "", *joined;
  size_t n, i, pos = 0, mpos = 0;
  vg_computer_names_t cn;
  vg_mars_loc_t loc;
  int rc = vg_mars_locate_facts(os, &loc, f);
  if (rc || !loc.installed) return rc;

  n = mars_registration_names(vg_probe_str(&ctx->set, "values"), names);
  joined = malloc(VG_FACT_STR_MAX);
  if (joined == NULL) return vg_facts_fail(f, VG_ENOMEM, "out of memory");
  joined[0] = '\0';
  for (i = 0; i < n; i++) {
    vg_reg_value_t v;
    rc = os->reg_get(os, VG_MARS_CONFIG_KEY, names[i], VG_REG_64, &v);
    if (rc == VG_ENOENT || (rc == 0 && v.str[0] == '\0')) {
      vg_bufprintf(missing, sizeof(missing), &mpos, "%s%s", mpos ? ", " : "",
                   names[i]);
      continue;
    }
    if (rc) {
      free(joined);
      return vg_facts_fail(f, rc, "cannot read HKLM\\%s\\%s: %s",
                           VG_MARS_CONFIG_KEY, names[i], vg_strerror(rc));
    }
    /* '\n' separates the values; a value never holds one usefully. */
    vg_bufprintf(joined, VG_FACT_STR_MAX, &pos, "%s=%.*s\n", names[i],
                 (int)strcspn(v.str, "\r\n"), v.str);
  }
  vg_facts_set_int(f, "values_expected", (int64_t)n);
  vg_facts_set_str(f, "registration", joined);
  free(joined);
  if (mpos) vg_facts_set_str(f, "missing_values", missing);

  rc = os->computer_names(os, &cn);
  if (rc)
    return vg_facts_fail(f, rc,
                         "cannot read the computer's names "
                         "(GetComputerNameExW): %s",
                         vg_strerror(rc));
  vg_facts_set_str(f, "host", cn.host);
  vg_facts_set_str(f, "fqdn", cn.fqdn);
  vg_facts_set_str(f, "domain", cn.domain);
  vg_facts_set_str(f, "netbios", cn.netbios);
  return 0;
}

static int mars_registration_same(const char *a, const char *b) {
  return strcasecmp(a ? a : "", b ? b : "") == 0;
}

static void mars_registration_take(const vg_facts_t *f,
                                   const vg_eval_params_t *p, int64_t epoch) {
  static const char *const keep[] = {"host", "fqdn", "domain", "registration"};
  vg_facts_t *m = p->memo_out;
  size_t i;
  vg_facts_reset(m);
  for (i = 0; i < VG_ARRAY_SIZE(keep); i++)
    vg_facts_set_str(m, keep[i], vg_facts_get_str(f, keep[i]));
  vg_facts_set_int(m, "epoch", epoch);
  vg_facts_set_int(m, "taken_ms", p->now_ms);
}

/* One "host name SRV01 -> SRV02" part per changed name. Returns the
 * number of changes. */
static int mars_registration_diff(const vg_facts_t *f, const vg_facts_t *m,
                                  char *buf, size_t size) {
  static const struct {
    const char *key, *what;
  } parts[] = {{"host", "host name"}, {"fqdn", "FQDN"}, {"domain", "domain"}};
  size_t i, pos = 0;
  int n = 0;
  buf[0] = '\0';
  for (i = 0; i < VG_ARRAY_SIZE(parts); i++) {
    const char *was = vg_facts_get_str(m, parts[i].key);
    const char *now = vg_facts_get_str(f, parts[i].key);
    if (mars_registration_same(was, now)) continue;
    vg_bufprintf(buf, size, &pos, "%s%s %s -> %s", n++ ? ", " : "",
                 parts[i].what, was && *was ? was : "(none)",
                 now && *now ? now : "(none)");
  }
  return n;
}

static void mars_registration_evaluate(const vg_facts_t *f,
                                       const vg_eval_params_t *p,
                                       const vg_finding_t *prev,
                                       vg_finding_t *out) {
  const char *missing = vg_facts_get_str(f, "missing_values");
  const char *reg = vg_facts_get_str(f, "registration");
  const char *host = vg_facts_get_str(f, "host");
  const char *fqdn = vg_facts_get_str(f, "fqdn");
  const char *domain = vg_facts_get_str(f, "domain");
  const char *base_reg = vg_facts_get_str(p->memo, "registration");
  int64_t epoch = (int64_t)vg_probe_num(&p->set, "baseline_epoch");
  char changes[VG_SUMMARY_MAX], date[40], names[700];
  const char *register_it =
      "Register the server with the Recovery Services vault: download "
      "fresh vault credentials from the Azure portal and run the MARS "
      "agent's Register Server wizard (vigil explain mars.registration).";
  (void)prev;

  if (vg_mars_absent(f, out)) return;
  if (reg == NULL || host == NULL) {
    vg_finding_set(out, VG_ST_UNKNOWN, register_it,
                   "Registration values or computer names were not read");
    return;
  }
  snprintf(names, sizeof(names), "host %s, FQDN %s, domain %s", host,
           fqdn && *fqdn ? fqdn : "(none)",
           domain && *domain ? domain : "(none)");
  if (missing) {
    vg_finding_set(out, VG_ST_CRIT, register_it,
                   "MARS agent is installed but not registered: %s missing "
                   "under HKLM\\%s",
                   missing, VG_MARS_CONFIG_KEY);
    vg_finding_predict(out, "no backups: server not registered");
    return;
  }
  if (base_reg == NULL || vg_facts_int_or(p->memo, "epoch", 0) != epoch) {
    mars_registration_take(f, p, epoch);
    vg_finding_set(out, VG_ST_OK, register_it,
                   "MARS agent is registered; baseline taken (%s)", names);
    return;
  }
  if (strcmp(base_reg, reg) != 0) {
    mars_registration_take(f, p, epoch);
    vg_finding_set(out, VG_ST_OK, register_it,
                   "MARS agent was registered again (registration values "
                   "changed); baseline re-taken (%s)",
                   names);
    return;
  }
  vg_iso8601(vg_facts_int_or(p->memo, "taken_ms", 0), date, sizeof(date));
  date[10] = '\0';
  if (mars_registration_diff(f, p->memo, changes, sizeof(changes))) {
    int renamed =
        !mars_registration_same(vg_facts_get_str(p->memo, "host"), host);
    vg_finding_set(out, VG_ST_CRIT,
                   "Rename the server back to the name it was registered "
                   "under, or re-register it with the vault (download new "
                   "vault credentials, run Register Server; the next backup "
                   "is a full one) (vigil explain mars.registration).",
                   "%s since it was registered (%s baseline): %s; MARS "
                   "stops all backups until the names match again or the "
                   "server is registered again",
                   renamed ? "Server renamed"
                           : "Server moved to another domain",
                   date, changes);
    vg_finding_predict(out, "230006");
    vg_finding_predict(out, "all configured backups are stopped");
    return;
  }
  vg_finding_set(out, VG_ST_OK, register_it,
                 "MARS agent is registered; %s unchanged since the %s "
                 "baseline",
                 names, date);
}

const vg_probe_t vg_probe_mars_registration = {
    .id = "mars.registration",
    .title = "MARS registration and the server's identity",
    .number = 20,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 900,
    .deadline_s = 30,
    .th = VG_TH_NONE,
    .keys = mars_registration_keys,
    .collect = mars_registration_collect,
    .evaluate = mars_registration_evaluate,
};
