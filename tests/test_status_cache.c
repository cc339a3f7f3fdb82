/* test_status_cache.c: the status answer kept between requests (issue 17)
 * equals one built from scratch after every kind of change, the first
 * collection of every probe starts at once, and the trends recorded before
 * a restart feed the first forecast after it - on a fake machine, a
 * frozen monotonic clock and a fake wall clock. */
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
#include "fs_kit.h"
#include "fake_os.h"
#include "mars.h"
#include "protocol.h"
#include "timefmt.h"
#include "vg.h"

#define T0 1764021600000LL /* 2025-11-24T22:00:00Z */

typedef struct run_s {
  uv_loop_t loop;
  vg_config_t cfg, cfg2;
  vg_settings_t set;
  vg_recorder_t *rec;
  vg_agent_t *agent;
  fake_os_t os;
  int64_t wall;
  uint64_t mono;
  int compared, mismatches;
  size_t enabled, inflight_at_start, running_at_start;
  int cycles, step, stopping;
  uv_timer_t first, guard, steps;
} run_t;

static char home[512];

static uint64_t mono_ms(void *ud) { return ((run_t *)ud)->mono; }
static int64_t wall_ms(void *ud) { return ((run_t *)ud)->wall; }

/* The cached answer equals a fresh one (agent_kit), and generated_at is
 * the fake clock's second. */
static void compare(run_t *r) {
  char *fresh = NULL, at[40], want[80];
  int same = ak_cache_matches(r->agent, &fresh);
  snprintf(want, sizeof(want), "\"generated_at\":\"%s\"",
           vg_iso8601(r->wall, at, sizeof(at)));
  r->compared++;
  if (!same || strstr(fresh, want) == NULL) {
    fprintf(stderr, "mismatch at step %d (want %s)\n", r->step, want);
    r->mismatches++;
  }
  free(fresh);
}

static void on_evaluated(void *ud, vg_agent_t *a, size_t idx) {
  (void)a, (void)idx;
  compare(ud);
}

static void on_change(void *ud, vg_agent_t *a, const vg_judged_t *c) {
  (void)a, (void)c;
  compare(ud);
}

static void finish(run_t *r) {
  if (r->stopping) return;
  r->stopping = 1;
  uv_close((uv_handle_t *)&r->guard, NULL);
  uv_close((uv_handle_t *)&r->steps, NULL);
  uv_close((uv_handle_t *)&r->first, NULL);
  vg_agent_stop(r->agent, 1000, NULL, NULL);
}

/* After the first cycle, one change of each kind, each compared. */
static void steps_cb(uv_timer_t *t) {
  run_t *r = t->data;
  r->step++;
  compare(r);
  switch (r->step) {
  case 1: /* the wall clock moves within a second, then past it */
    r->wall += 400;
    compare(r);
    r->wall += 1700;
    break;
  case 2: /* records written: the agent part's pending count moves */
    vg_recorder_flush(r->rec, r->wall);
    break;
  case 3: /* vigil.ini: a probe off, a problem reported */
    if (vg_agent_inflight(r->agent) > 0) {
      r->step--; /* a dependent is being collected again; later */
      break;
    }
    assert_int_equal(vg_agent_reconfigure(r->agent, &r->cfg2), 0);
    break;
  case 4: /* everything collected again */
    r->mono += 1;
    vg_agent_run_now(r->agent, NULL, NULL);
    break;
  default:
    if (vg_agent_inflight(r->agent) == 0 && r->cycles > 0) finish(r);
    return;
  }
  compare(r);
}

static void on_cycle(void *ud, vg_agent_t *a) {
  run_t *r = ud;
  (void)a;
  r->cycles++;
  compare(r);
  if (r->cycles == 1) uv_timer_start(&r->steps, steps_cb, 20, 20);
}

/* Runs after the agent's first tick in the first loop turn (timers fire
 * in the order they were started; the clock has not moved). */
static void first_cb(uv_timer_t *t) {
  run_t *r = t->data;
  char *text = ak_report(r->agent);
  const char *p = text;
  size_t i;
  for (i = 0; i < vg_agent_nprobes(r->agent); i++)
    if (vg_agent_probe(r->agent, i)->enabled) r->enabled++;
  r->inflight_at_start = vg_agent_inflight(r->agent);
  while (p && (p = strstr(p, "the first collection is running")) != NULL) {
    r->running_at_start++;
    p++;
  }
  free(text);
  compare(r);
}

static void timeout_cb(uv_timer_t *t) { finish(t->data); }

static void run_agent(run_t *r) {
  vg_agent_opts_t o;
  vg_clock_t clk = {mono_ms, wall_ms, r};
  memset(&o, 0, sizeof(o));
  uv_loop_init(&r->loop);
  vg_config_init(&r->cfg);
  vg_config_settings(&r->cfg, &r->set);
  vg_config_init(&r->cfg2);
  {
    static const char ini[] = "[scratch.space]\nenabled = false\n"
                              "[nosuch]\nx = 1\n";
    vg_config_parse(&r->cfg2, "vigil.ini", ini, sizeof(ini) - 1);
  }
  assert_true(r->cfg2.nwarnings > 0);
  o.cfg = &r->cfg;
  o.settings = &r->set;
  o.os = &r->os.os;
  o.clock = &clk;
  o.sink.cycle = on_cycle;
  o.sink.change = on_change;
  o.sink.evaluated = on_evaluated;
  o.sink.ud = r;
  o.seed = 7;
  assert_int_equal(harness_agent_start(&r->agent, &r->loop, home, &o), 0);
  r->rec = o.recorder;
  compare(r); /* before the loop: every probe waits for its first run */
  uv_timer_init(&r->loop, &r->first);
  uv_timer_init(&r->loop, &r->guard);
  uv_timer_init(&r->loop, &r->steps);
  r->first.data = r->guard.data = r->steps.data = r;
  uv_timer_start(&r->first, first_cb, 0, 0);
  uv_timer_start(&r->guard, timeout_cb, 30000, 0);
  uv_run(&r->loop, UV_RUN_DEFAULT);
  harness_agent_close(&r->loop, &o);
  assert_int_equal(uv_loop_close(&r->loop), 0);
  vg_config_free(&r->cfg);
  vg_config_free(&r->cfg2);
}

static void cached_answer_equals_fresh_after_every_change(void **st) {
  run_t *r = calloc(1, sizeof(*r));
  (void)st;
  fake_os_init(&r->os);
  fake_reg_sz(&r->os, VG_MARS_SETUP_KEY, "InstallPath",
              "C:\\Program Files\\Microsoft Azure Recovery Services Agent");
  r->wall = T0 + 250;
  r->mono = 1000; /* frozen: nothing is due later than at start */
  run_agent(r);
  /* The first collection of every probe started in the first loop turn,
   * and the answer says so for each. */
  assert_true(r->enabled > 0);
  assert_int_equal(r->inflight_at_start, r->enabled);
  assert_int_equal(r->running_at_start, r->enabled);
  assert_true(r->step >= 5);
  assert_true(r->compared > 20);
  assert_int_equal(r->mismatches, 0);
  free(r);
}

/* ------------------------------------------- trends across a restart */

typedef struct seed_run_s {
  uv_loop_t loop;
  vg_agent_t *agent;
  int evaluated, valid;
  unsigned points;
} seed_run_t;

static int64_t seed_wall(void *ud) {
  (void)ud;
  return T0;
}

static uint64_t seed_mono(void *ud) {
  (void)ud;
  return 1000;
}

static void seed_evaluated(void *ud, vg_agent_t *a, size_t idx) {
  seed_run_t *r = ud;
  const vg_probe_rt_t *rt = vg_agent_probe(a, idx);
  if (strcmp(rt->probe->id, "scratch.space") != 0 || r->evaluated++) return;
  r->valid = rt->forecast.valid;
  r->points = (unsigned)rt->forecast.points;
  vg_agent_stop(a, 1000, NULL, NULL);
}

/* Samples recorded before a restart feed the first forecast after it:
 * the trend is refilled from the store (at its first evaluation, after
 * the pipe already answers). */
static void trend_refilled_from_the_store_after_restart(void **st) {
  seed_run_t *r = calloc(1, sizeof(*r));
  fake_os_t *os = calloc(1, sizeof(*os));
  vg_config_t cfg;
  vg_settings_t set;
  vg_agent_opts_t o;
  vg_clock_t clk = {seed_mono, seed_wall, r};
  vg_store_t *store;
  char path[700], err[300], note[300], facts[200];
  int h;
  (void)st;
  /* The run before: free space falling 10 GiB an hour on a 400 GiB
   * backup. */
  snprintf(path, sizeof(path), "%s/vigil.db", home);
  assert_int_equal(
      vg_store_open(path, &store, note, sizeof(note), err, sizeof(err)), 0);
  for (h = 6; h >= 1; h--) {
    vg_sample_t smp;
    memset(&smp, 0, sizeof(smp));
    snprintf(facts, sizeof(facts),
             "{\"free_bytes\":%lld,\"backup_bytes\":%lld}",
             (long long)(100 + 10 * h) << 30, 400ll << 30);
    smp.probe = "scratch.space";
    smp.ts_ms = T0 - h * 3600000LL;
    smp.status = "ok";
    smp.summary = "fine";
    smp.facts_json = facts;
    assert_int_equal(vg_store_add_sample(store, &smp), 0);
  }
  vg_store_close(store);
  /* The restart: now 100 GiB free. */
  fake_os_init(os);
  fake_reg_sz(os, VG_MARS_SETUP_KEY, "InstallPath",
              "C:\\Program Files\\Microsoft Azure Recovery Services Agent\\");
  fake_reg_sz(os, VG_MARS_CONFIG_KEY, "ScratchLocation", "D:\\MARS\\Scratch\\");
  os->fixed_used = 400ull << 30;
  uv_loop_init(&r->loop);
  vg_config_init(&cfg);
  vg_config_settings(&cfg, &set);
  memset(&o, 0, sizeof(o));
  o.cfg = &cfg;
  o.settings = &set;
  o.os = &os->os;
  o.clock = &clk;
  o.sink.evaluated = seed_evaluated;
  o.sink.ud = r;
  o.seed = 7;
  assert_int_equal(harness_agent_start(&r->agent, &r->loop, home, &o), 0);
  uv_run(&r->loop, UV_RUN_DEFAULT);
  harness_agent_close(&r->loop, &o);
  assert_int_equal(uv_loop_close(&r->loop), 0);
  vg_config_free(&cfg);
  assert_int_equal(r->evaluated, 1);
  assert_true(r->valid);
  assert_int_equal(r->points, 7);
  free(os);
  free(r);
}

static void q_report(void *ud, vg_jw_t *w) {
  (void)ud;
  vg_jw_kstr(w, "generated_at", "2025-11-24T22:00:00Z");
  vg_jw_kstr(w, "overall", "ok");
}

static char *handle(const vg_query_t *q, const char *line) {
  vg_peer_t peer;
  vg_jw_t w;
  memset(&peer, 0, sizeof(peer));
  vg_jw_init(&w);
  vg_protocol_handle(q, &peer, line, strlen(line), &w);
  return vg_jw_steal(&w, NULL);
}

/* The plain status request is answered without parsing it: the same
 * answer as any other spelling of it. */
static void status_shortcut_answers_as_parsed(void **st) {
  vg_query_t q;
  char *fast, *parsed, *with_id;
  (void)st;
  memset(&q, 0, sizeof(q));
  q.report = q_report;
  fast = handle(&q, "{\"cmd\":\"status\"}");
  parsed = handle(&q, "{ \"cmd\" : \"status\" }");
  with_id = handle(&q, "{\"cmd\":\"status\",\"id\":7}");
  assert_non_null(fast);
  assert_string_equal(fast, parsed);
  assert_string_equal(fast, "{\"ok\":true,\"generated_at\":"
                            "\"2025-11-24T22:00:00Z\",\"overall\":\"ok\"}");
  assert_string_equal(with_id, "{\"id\":7,\"ok\":true,\"generated_at\":"
                               "\"2025-11-24T22:00:00Z\",\"overall\":\"ok\"}");
  free(fast);
  free(parsed);
  free(with_id);
}

static int setup(void **st) {
  (void)st;
  return fk_mkdtemp(home, sizeof(home), "vgsc");
}

static int teardown(void **st) {
  (void)st;
  fk_rmtree(home);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(
          cached_answer_equals_fresh_after_every_change, setup, teardown),
      cmocka_unit_test(status_shortcut_answers_as_parsed),
      cmocka_unit_test_setup_teardown(
          trend_refilled_from_the_store_after_restart, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
