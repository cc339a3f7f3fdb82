/* mars_mgmtagent.c: the Recovery Services Management Agent service, which
 * carries job data, alerts and reports to Azure (probes.md:
 * mars.mgmtagent). Its service name is unconfirmed: found by display name
 * or by a binary in <InstallPath>\bin unless configured. */
#include "mars.h"
#include "probe.h"
#include "vg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MGMT_DISPLAY "Microsoft Azure Recovery Services Management Agent"

static const vg_key_def_t mars_mgmtagent_keys[] = {
    {"service", VG_KEY_STR, 0, 255, NULL,
     "service name of the management agent (default: found by display name "
     "or by a binary in <InstallPath>\\bin; the name is unconfirmed)"},
    {"display_name", VG_KEY_STR, 0, 255, MGMT_DISPLAY,
     "display name the service is found by"},
    {NULL, 0, 0, 0, NULL, NULL}};

static int mars_mgmtagent_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  const char *cfg = vg_probe_str(&ctx->set, "service");
  const char *display = vg_probe_str(&ctx->set, "display_name");
  const char *by = "config";
  char name[256], bin[1100];
  vg_mars_loc_t loc;
  int rc = vg_mars_locate_facts(os, &loc, f);
  if (rc || !loc.installed) return rc;
  snprintf(bin, sizeof(bin), "%s\\bin", loc.install_path);
  if (cfg && *cfg) {
    vg_strlcpy(name, cfg, sizeof(name));
  } else {
    rc = vg_mars_find_service(os, display, bin, VG_MARS_ENGINE_SERVICE, name,
                              sizeof(name), &by);
    if (rc == VG_ENOENT) {
      vg_facts_set_bool(f, "service_exists", 0);
      vg_facts_set_str(f, "searched_display", display ? display : "");
      vg_facts_set_str(f, "searched_folder", bin);
      return 0;
    }
    if (rc)
      return vg_facts_fail(f, rc, "cannot list the services: %s",
                           vg_strerror(rc));
  }
  vg_facts_set_str(f, "service", name);
  vg_facts_set_str(f, "found_by", by);
  return vg_mars_svc_collect(os, name, f);
}

static int mars_mgmtagent_is(const char *s, const char *want) {
  return s && strcmp(s, want) == 0;
}

static void mars_mgmtagent_evaluate(const vg_facts_t *f,
                                    const vg_eval_params_t *p,
                                    const vg_finding_t *prev,
                                    vg_finding_t *out) {
  const char *name = vg_facts_get_str(f, "service");
  const char *state = vg_facts_get_str(f, "state");
  const char *start = vg_facts_get_str(f, "start_type");
  const char *folder = vg_facts_get_str(f, "searched_folder");
  int64_t exit_code = vg_facts_int_or(f, "exit_code", 0);
  char remedy[VG_REMEDY_MAX];
  (void)p, (void)prev;

  if (vg_mars_absent(f, out)) return;
  snprintf(remedy, sizeof(remedy),
           "Set the management agent service%s%s to Automatic and start it "
           "(sc config %s start= auto, then net start %s); if it is "
           "missing, reinstall the MARS agent (docs/probes.md#"
           "marsmgmtagent).",
           name ? " " : "", name ? name : "", name ? name : "<name>",
           name ? name : "<name>");
  if (!vg_facts_bool_or(f, "service_exists", 0)) {
    if (name)
      vg_finding_set(out, VG_ST_CRIT, remedy,
                     "MARS management agent service %s is not installed", name);
    else
      vg_finding_set(out, VG_ST_CRIT, remedy,
                     "MARS management agent service not found (no service "
                     "named \"%s\" or with a binary in %s)",
                     MGMT_DISPLAY, folder ? folder : "<InstallPath>\\bin");
  } else if (mars_mgmtagent_is(start, "disabled")) {
    vg_finding_set(out, VG_ST_CRIT, remedy,
                   "MARS management agent service %s is disabled (state %s)",
                   name, state ? state : "?");
  } else if (!mars_mgmtagent_is(state, "running") &&
             !mars_mgmtagent_is(state, "start_pending") &&
             !mars_mgmtagent_is(state, "continue_pending")) {
    if (exit_code != 0 && exit_code != 1077) /* 1077: never started */
      vg_finding_set(out, VG_ST_CRIT, remedy,
                     "MARS management agent service %s is %s (start type %s, "
                     "last exit code %lld)",
                     name, state ? state : "?", start ? start : "?",
                     (long long)exit_code);
    else
      vg_finding_set(out, VG_ST_CRIT, remedy,
                     "MARS management agent service %s is %s (start type %s)",
                     name, state ? state : "?", start ? start : "?");
  } else if (!mars_mgmtagent_is(state, "running")) {
    vg_finding_set(out, VG_ST_WARN, remedy,
                   "MARS management agent service %s is starting (%s, start "
                   "type %s)",
                   name, state, start ? start : "?");
  } else if (mars_mgmtagent_is(start, "manual")) {
    vg_finding_set(out, VG_ST_WARN, remedy,
                   "MARS management agent service %s is running but its "
                   "start type is manual; it will not start after a reboot",
                   name);
  } else {
    vg_finding_set(out, VG_ST_OK, remedy,
                   "MARS management agent service %s is running (start type "
                   "%s%s, pid %lld)",
                   name, start ? start : "?",
                   vg_facts_bool_or(f, "delayed_auto_start", 0) ? ", delayed"
                                                                : "",
                   (long long)vg_facts_int_or(f, "pid", 0));
    return;
  }
  vg_finding_predict(out, "Azure alerts and reports go silent");
}

const vg_probe_t vg_probe_mars_mgmtagent = {
    .id = "mars.mgmtagent",
    .title = "MARS management agent service",
    .number = 19,
    .scope = VG_SCOPE_MONITORING,
    .interval_s = 300,
    .deadline_s = 30,
    .th = VG_TH_NONE,
    .keys = mars_mgmtagent_keys,
    .collect = mars_mgmtagent_collect,
    .evaluate = mars_mgmtagent_evaluate,
};
