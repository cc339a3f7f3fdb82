/* agent_kit.c: the runtime for tests (see agent_kit.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "agent_kit.h"

#include <string.h>

vg_agent_t *ak_start_once(uv_loop_t *loop, const vg_os_t *os,
                          const vg_config_t *cfg, vg_settings_t *set,
                          const vg_agent_sink_t *sink) {
  vg_agent_opts_t o;
  vg_agent_t *a = NULL;
  char err[300];
  int rc;
  vg_config_settings(cfg, set);
  memset(&o, 0, sizeof(o));
  o.mode = VG_AGENT_ONCE;
  o.cfg = cfg;
  o.settings = set;
  o.os = os;
  if (sink) o.sink = *sink;
  rc = vg_agent_start(&a, loop, &o, err, sizeof(err));
  if (rc) fail_msg("vg_agent_start: %s", err);
  return a;
}

char *ak_report(vg_agent_t *a) {
  vg_jw_t w;
  char *text;
  vg_jw_init(&w);
  vg_jw_obj_begin(&w);
  vg_agent_report(a, &w);
  vg_jw_obj_end(&w);
  text = vg_jw_steal(&w, NULL);
  assert_non_null(text);
  return text;
}
