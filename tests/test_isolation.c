/* test_isolation.c: a hung collect costs only its own probe (issue 16).
 * Five probes whose OS calls hang (longer than their deadline) while the
 * others run: with the pool sized for the probes (vg_agent_size_pool) the
 * others get real findings; the hung ones are reported unknown at their
 * deadline and counted as stuck. Native and under Wine. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "fake_os.h"
#include "mars.h"
#include "vg.h"

#define HANG_MS 4000

static int hang_task(const vg_os_t *os, const char *f, const char *n,
                     vg_task_info_t *out) {
  (void)os, (void)f, (void)n;
  memset(out, 0, sizeof(*out));
  uv_sleep(HANG_MS);
  return VG_ETIMEDOUT;
}
static int hang_shadow(const vg_os_t *os, vg_shadow_info_t *out) {
  (void)os;
  memset(out, 0, sizeof(*out));
  uv_sleep(HANG_MS);
  return VG_ETIMEDOUT;
}
static int hang_device(const vg_os_t *os, const char *c, const char *h,
                       vg_device_list_t *out) {
  (void)os, (void)c, (void)h;
  memset(out, 0, sizeof(*out));
  uv_sleep(HANG_MS);
  return VG_ETIMEDOUT;
}
static int hang_dedup(const vg_os_t *os, const char *p, int *en, char *why,
                      size_t whysz) {
  (void)os, (void)p;
  *en = 0;
  if (whysz) why[0] = '\0';
  uv_sleep(HANG_MS);
  return VG_ETIMEDOUT;
}
static int hang_svc(const vg_os_t *os, const char *name, vg_svc_info_t *out) {
  (void)os, (void)name;
  memset(out, 0, sizeof(*out));
  uv_sleep(HANG_MS);
  return VG_ETIMEDOUT;
}

typedef struct run_s {
  vg_agent_t *agent;
  int done;
} run_t;

static void on_cycle(void *ud, vg_agent_t *a) {
  run_t *r = ud;
  (void)a;
  r->done = 1;
}

static void hung_collects_cost_only_their_probes(void **st) {
  static fake_os_t f;
  static vg_config_t cfg;
  vg_settings_t set;
  vg_agent_opts_t o;
  uv_loop_t loop;
  run_t r = {NULL, 0};
  char err[300];
  size_t i;
  const vg_probe_rt_t *tf = NULL;
  (void)st;
  vg_agent_size_pool();
  fake_os_init(&f);
  fake_reg_sz(&f, VG_MARS_SETUP_KEY, "InstallPath",
              "C:\\Program Files\\Microsoft Azure Recovery Services Agent");
  fake_file(&f, "C:\\windows\\Temp", VG_FA_DIRECTORY);
  fake_env(&f, "SystemRoot", "C:\\windows");
  /* Five different OS calls hang: task.schedule, vss.storage,
   * iscsi.initiator, scratch.attributes (dedup), mars.engine and others
   * through the SCM. */
  f.os.task_query = hang_task;
  f.os.shadow_storage = hang_shadow;
  f.os.device_query = hang_device;
  f.os.volume_dedup = hang_dedup;
  f.os.svc_query = hang_svc;
  vg_config_init(&cfg);
  for (i = 0; i < vg_nprobes; i++) {
    char msg[200];
    assert_int_equal(vg_config_set(&cfg, vg_probes[i]->id, "deadline", "1s",
                                   msg, sizeof(msg)),
                     0);
  }
  vg_config_settings(&cfg, &set);
  memset(&o, 0, sizeof(o));
  o.mode = VG_AGENT_ONCE;
  o.cfg = &cfg;
  o.settings = &set;
  o.os = &f.os;
  o.sink.cycle = on_cycle;
  o.sink.ud = &r;
  uv_loop_init(&loop);
  assert_int_equal(vg_agent_start(&r.agent, &loop, &o, err, sizeof(err)), 0);
  while (!r.done)
    uv_run(&loop, UV_RUN_ONCE);
  /* temp.files does not touch a hung call: it has its own finding, not
   * the deadline's unknown, although five collections hang. */
  for (i = 0; i < vg_agent_nprobes(r.agent); i++)
    if (strcmp(vg_agent_probe(r.agent, i)->probe->id, "temp.files") == 0)
      tf = vg_agent_probe(r.agent, i);
  assert_non_null(tf);
  assert_true(tf->has_finding);
  if (strstr(tf->finding.summary, "did not finish") != NULL)
    fail_msg("temp.files waited for a worker: %s", tf->finding.summary);
  {
    vg_jw_t w;
    char *text;
    vg_jw_init(&w);
    vg_jw_obj_begin(&w);
    vg_agent_report(r.agent, &w);
    vg_jw_obj_end(&w);
    text = vg_jw_steal(&w, NULL);
    assert_non_null(text);
    assert_null(strstr(text, "\"stuck_collections\":0"));
    free(text);
  }
  /* Stop with grace for the hung calls (a probe may make two of them),
   * so every worker is back and the loop closes cleanly. */
  vg_agent_stop(r.agent, 3 * HANG_MS, NULL, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  assert_int_equal(uv_loop_close(&loop), 0);
  vg_config_free(&cfg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(hung_collects_cost_only_their_probes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
