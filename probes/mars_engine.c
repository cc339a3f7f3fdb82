/* mars_engine.c: the MARS engine service (obengine, cbengine.exe): present,
 * not disabled, running, started automatically (probes.md: mars.engine). */
#include "mars.h"
#include "probe.h"
#include "vg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int mars_engine_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  vg_mars_loc_t loc;
  int rc = vg_mars_locate_facts(ctx->os, &loc, f);
  if (rc || !loc.installed) return rc;
  vg_facts_set_str(f, "service", VG_MARS_ENGINE_SERVICE);
  return vg_mars_svc_collect(ctx->os, VG_MARS_ENGINE_SERVICE, f);
}

static int mars_engine_is(const char *s, const char *want) {
  return s && strcmp(s, want) == 0;
}

static void mars_engine_evaluate(const vg_facts_t *f, const vg_eval_params_t *p,
                                 const vg_finding_t *prev, vg_finding_t *out) {
  const char *state = vg_facts_get_str(f, "state");
  const char *start = vg_facts_get_str(f, "start_type");
  int64_t exit_code = vg_facts_int_or(f, "exit_code", 0);
  const char *start_it =
      "Start the engine with `net start obengine` and set its start type "
      "to Automatic (vigil explain mars.engine).";
  (void)p, (void)prev;

  if (vg_mars_absent(f, out)) return;
  if (state == NULL && !vg_facts_bool_or(f, "service_exists", 0)) {
    vg_finding_set(out, VG_ST_CRIT,
                   "Reinstall the MARS agent so that it registers the "
                   "obengine service (vigil explain mars.engine).",
                   "MARS engine service obengine is not installed");
  } else if (mars_engine_is(start, "disabled")) {
    vg_finding_set(out, VG_ST_CRIT,
                   "Set the obengine service's start type to Automatic "
                   "(sc config obengine start= auto) and run `net start "
                   "obengine` (vigil explain mars.engine).",
                   "MARS engine service obengine is disabled (state %s)",
                   state ? state : "?");
  } else if (!mars_engine_is(state, "running") &&
             !mars_engine_is(state, "start_pending") &&
             !mars_engine_is(state, "continue_pending")) {
    if (exit_code != 0 && exit_code != 1077) /* 1077: never started */
      vg_finding_set(out, VG_ST_CRIT, start_it,
                     "MARS engine service obengine is %s (start type %s, "
                     "last exit code %lld)",
                     state ? state : "?", start ? start : "?",
                     (long long)exit_code);
    else
      vg_finding_set(out, VG_ST_CRIT, start_it,
                     "MARS engine service obengine is %s (start type %s)",
                     state ? state : "?", start ? start : "?");
  } else if (!mars_engine_is(state, "running")) {
    vg_finding_set(out, VG_ST_WARN, start_it,
                   "MARS engine service obengine is starting (%s, start "
                   "type %s)",
                   state, start ? start : "?");
  } else if (mars_engine_is(start, "manual")) {
    vg_finding_set(out, VG_ST_WARN, start_it,
                   "MARS engine service obengine is running but its start "
                   "type is manual; it will not start after a reboot");
  } else {
    vg_finding_set(out, VG_ST_OK, start_it,
                   "MARS engine service obengine is running (start type "
                   "%s%s, pid %lld)",
                   start ? start : "?",
                   vg_facts_bool_or(f, "delayed_auto_start", 0) ? ", delayed"
                                                                : "",
                   (long long)vg_facts_int_or(f, "pid", 0));
    return;
  }
  vg_finding_predict(out, "cannot connect to the OBEngine service");
}

const vg_probe_t vg_probe_mars_engine = {
    .id = "mars.engine",
    .title = "MARS engine service (obengine)",
    .number = 2,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 60,
    .deadline_s = 15,
    .th = VG_TH_NONE,
    .keys = NULL,
    .collect = mars_engine_collect,
    .evaluate = mars_engine_evaluate,
};
