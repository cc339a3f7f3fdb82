/* test_preflight.c: backup-aware warnings through the real runtime, on a
 * fake machine and a fake wall clock: the next backup read from
 * task.schedule, the pre-flight sweep when it is within preflight_lead
 * (every backup-scope probe collected), one verdict per scheduled backup
 * also across a restart, the verdict naming the probe that fails it, and
 * the report's next_backup. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "agent_harness.h"
#include "agent_kit.h"
#include "fake_os.h"
#include "fs_kit.h"
#include "mars.h"
#include "vg.h"

#define MINUTE (60 * 1000LL)
#define T0 1764021600000LL /* 2025-11-24T22:00:00Z */

typedef struct run_s {
  uv_loop_t loop;
  vg_config_t cfg;
  vg_settings_t set;
  vg_agent_t *agent;
  fake_os_t os;
  int64_t wall;
  int preflights;
  vg_verdict_t verdict;
  int64_t at;
  char blocking[400];
  char report[65536];
  uv_timer_t guard, settle;
  int stopping;
} run_t;

static char home[512];

static uint64_t mono_ms(void *ud) {
  (void)ud;
  return uv_hrtime() / 1000000u;
}
static int64_t wall_ms(void *ud) { return ((run_t *)ud)->wall; }

/* Issue 17: the status answer served from the cache equals a freshly
 * built one, after every kind of change the test goes through. */
static int cache_mismatches;
static void compare_cached(vg_agent_t *a) {
  if (!ak_cache_matches(a, NULL)) cache_mismatches++;
}

static void on_evaluated(void *ud, vg_agent_t *a, size_t idx) {
  (void)ud, (void)idx;
  compare_cached(a);
}

static void on_preflight(void *ud, vg_agent_t *a, const vg_preflight_ev_t *ev) {
  run_t *r = ud;
  size_t i, pos = 0;
  compare_cached(a); /* the sweep's result is in the cached answer too */
  r->preflights++;
  r->verdict = ev->verdict;
  r->at = ev->at_ms;
  r->blocking[0] = '\0';
  for (i = 0; i < ev->nblocking; i++)
    vg_bufprintf(r->blocking, sizeof(r->blocking), &pos, "%s%s", i ? "," : "",
                 ev->blocking[i]->probe->id);
  /* The sweep is done: keep the report, stop. */
  {
    char *text = ak_report(a);
    vg_strlcpy(r->report, text, sizeof(r->report));
    free(text);
  }
}

static void finish(run_t *r) {
  if (r->stopping) return;
  r->stopping = 1;
  uv_close((uv_handle_t *)&r->guard, NULL);
  uv_close((uv_handle_t *)&r->settle, NULL);
  vg_agent_stop(r->agent, 1000, NULL, NULL);
}

static void settle_cb(uv_timer_t *t) { finish(t->data); }

/* Every probe has run once (the sweep's probes among them): give the
 * sweep a moment to be judged, then stop. */
static void on_cycle(void *ud, vg_agent_t *a) {
  run_t *r = ud;
  (void)a;
  uv_timer_start(&r->settle, settle_cb, 500, 0);
}

static void timeout_cb(uv_timer_t *t) { finish(t->data); }

/* Runs the agent once on the planted machine until its sweep reports (or
 * 20 s pass). */
static void run_agent(run_t *r) {
  vg_agent_opts_t o;
  vg_clock_t clk = {mono_ms, wall_ms, r};
  memset(&o, 0, sizeof(o));
  r->stopping = 0;
  uv_loop_init(&r->loop);
  vg_config_init(&r->cfg);
  vg_config_settings(&r->cfg, &r->set);
  o.cfg = &r->cfg;
  o.settings = &r->set;
  o.os = &r->os.os;
  o.clock = &clk;
  o.sink.preflight = on_preflight;
  o.sink.cycle = on_cycle;
  o.sink.evaluated = on_evaluated;
  o.sink.ud = r;
  o.seed = 7;
  assert_int_equal(harness_agent_start(&r->agent, &r->loop, home, &o), 0);
  uv_timer_init(&r->loop, &r->guard);
  uv_timer_init(&r->loop, &r->settle);
  r->guard.data = r->settle.data = r;
  uv_timer_start(&r->guard, timeout_cb, 20000, 0);
  uv_run(&r->loop, UV_RUN_DEFAULT);
  harness_agent_close(&r->loop, &o);
  assert_int_equal(uv_loop_close(&r->loop), 0);
  vg_config_free(&r->cfg);
}

/* A MARS server whose task runs at T0 + 20 min; the KEK is missing. */
static void plant(run_t *r) {
  vg_task_info_t *t;
  memset(r, 0, sizeof(*r));
  fake_os_init(&r->os);
  fake_reg_sz(&r->os, VG_MARS_SETUP_KEY, "InstallPath",
              "C:\\Program Files\\Microsoft Azure Recovery Services Agent");
  t = fake_task(&r->os, "\\Microsoft\\OnlineBackup\\Microsoft-OnlineBackup");
  t->next_run_ms = T0 + 20 * MINUTE;
  r->wall = T0;
}

static int setup(void **st) {
  (void)st;
  return fk_mkdtemp(home, sizeof(home), "vgpf") == 0 ? 0 : -1;
}

static int teardown(void **st) {
  (void)st;
  fk_rmtree(home);
  return 0;
}

static void sweep_once_per_backup_across_restart(void **st) {
  run_t *r = calloc(1, sizeof(*r));
  (void)st;
  plant(r);
  run_agent(r);
  /* The backup at T0 + 20 min is within the 30 min lead: swept at start,
   * judged once, with the failing probes named. */
  assert_int_equal(r->preflights, 1);
  assert_int_equal(cache_mismatches, 0);
  assert_int_equal(r->at, T0 + 20 * MINUTE);
  assert_int_equal(r->verdict, VG_VERDICT_WILL_FAIL);
  assert_non_null(strstr(r->blocking, "scratch.kek"));
  assert_non_null(
      strstr(r->report, "\"next_backup\":{\"at\":\"2025-11-24T22:20:00Z\""));
  assert_non_null(strstr(r->report, "\"verdict\":\"will_fail\""));
  assert_non_null(strstr(r->report, "\"backup_readiness\":\"crit\""));
  assert_null(strstr(r->report, "\"preflight_at\":null"));
  /* Restarted before the backup: the same scheduled backup is not
   * announced again. */
  plant(r);
  r->wall = T0 + 5 * MINUTE;
  run_agent(r);
  assert_int_equal(r->preflights, 0);
  free(r);
}

static void no_sweep_outside_the_lead(void **st) {
  run_t *r = calloc(1, sizeof(*r));
  (void)st;
  plant(r);
  r->os.task.next_run_ms = T0 + 3 * 60 * MINUTE; /* 3 h ahead */
  run_agent(r);
  assert_int_equal(r->preflights, 0);
  free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(sweep_once_per_backup_across_restart,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(no_sweep_outside_the_lead, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
