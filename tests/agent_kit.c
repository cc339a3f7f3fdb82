/* agent_kit.c: the runtime for tests (see agent_kit.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "agent_kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ak_once_init(ak_once_t *o) {
  memset(o, 0, sizeof(*o));
  vg_config_init(&o->cfg);
  assert_int_equal(uv_loop_init(&o->loop), 0);
}

void ak_once_start(ak_once_t *o, const vg_os_t *os,
                   void (*cycle)(void *ud, vg_agent_t *a), void *ud) {
  vg_agent_opts_t opts;
  char err[300];
  int rc;
  vg_config_settings(&o->cfg, &o->set);
  memset(&opts, 0, sizeof(opts));
  opts.mode = VG_AGENT_ONCE;
  opts.cfg = &o->cfg;
  opts.settings = &o->set;
  opts.os = os;
  opts.sink.cycle = cycle;
  opts.sink.ud = ud;
  rc = vg_agent_start(&o->agent, &o->loop, &opts, err, sizeof(err));
  if (rc) fail_msg("vg_agent_start: %s", err);
}

void ak_once_finish(ak_once_t *o) {
  uv_run(&o->loop, UV_RUN_DEFAULT);
  assert_int_equal(uv_loop_close(&o->loop), 0);
  vg_config_free(&o->cfg);
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

int ak_cache_matches(vg_agent_t *a, char **fresh_out) {
  char *cached, *fresh, *again;
  int same;
  vg_agent_report_cache(a, 1);
  cached = ak_report(a);
  vg_agent_report_cache(a, 0);
  fresh = ak_report(a);
  vg_agent_report_cache(a, 1);
  again = ak_report(a);
  same = strcmp(cached, fresh) == 0 && strcmp(again, fresh) == 0;
  if (!same)
    fprintf(stderr, "cached %s\nfresh  %s\nagain  %s\n", cached, fresh, again);
  free(cached);
  free(again);
  if (fresh_out)
    *fresh_out = fresh;
  else
    free(fresh);
  return same;
}
