/* test_isolation.c: a hung collect costs only its own probe (issue 16).
 * Five probes whose OS calls hang (longer than their deadline) while the
 * others run: a collection past its deadline frees its place among the
 * workers (agent/workers.c), so the others get real findings; the hung ones are reported unknown at their
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
#include "agent_kit.h"
#include "fake_os.h"
#include "mars.h"
#include "vg.h"

#define HANG_MS 4000

/* Every hung call: clears its answer (size bytes), blocks HANG_MS, then
 * times out. */
static int hang(void *out, size_t size) {
  memset(out, 0, size);
  uv_sleep(HANG_MS);
  return VG_ETIMEDOUT;
}
static int hang_task(const vg_os_t *os, const char *f, const char *n,
                     vg_task_info_t *out) {
  (void)os, (void)f, (void)n;
  return hang(out, sizeof(*out));
}
static int hang_shadow(const vg_os_t *os, vg_shadow_info_t *out) {
  (void)os;
  return hang(out, sizeof(*out));
}
static int hang_device(const vg_os_t *os, const char *c, const char *h,
                       vg_device_list_t *out) {
  (void)os, (void)c, (void)h;
  return hang(out, sizeof(*out));
}
static int hang_dedup(const vg_os_t *os, const char *p, int *en, char *why,
                      size_t whysz) {
  (void)os, (void)p;
  if (whysz) why[0] = '\0';
  return hang(en, sizeof(*en));
}
static int hang_svc(const vg_os_t *os, const char *name, vg_svc_info_t *out) {
  (void)os, (void)name;
  return hang(out, sizeof(*out));
}

static void on_cycle(void *ud, vg_agent_t *a) {
  (void)a;
  *(int *)ud = 1;
}

static void hung_collects_cost_only_their_probes(void **st) {
  static fake_os_t f;
  static ak_once_t once;
  int done = 0;
  size_t i;
  const vg_probe_rt_t *tf = NULL;
  (void)st;
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
  ak_once_init(&once);
  for (i = 0; i < vg_nprobes; i++) {
    char msg[200];
    assert_int_equal(vg_config_set(&once.cfg, vg_probes[i]->id, "deadline",
                                   "1s", msg, sizeof(msg)),
                     0);
  }
  ak_once_start(&once, &f.os, on_cycle, &done);
  while (!done)
    uv_run(&once.loop, UV_RUN_ONCE);
  /* temp.files does not touch a hung call: it has its own finding, not
   * the deadline's unknown, although five collections hang. */
  for (i = 0; i < vg_agent_nprobes(once.agent); i++)
    if (strcmp(vg_agent_probe(once.agent, i)->probe->id, "temp.files") == 0)
      tf = vg_agent_probe(once.agent, i);
  assert_non_null(tf);
  assert_true(tf->has_finding);
  if (strstr(tf->finding.summary, "did not finish") != NULL)
    fail_msg("temp.files waited for a worker: %s", tf->finding.summary);
  {
    char *text = ak_report(once.agent);
    assert_null(strstr(text, "\"stuck_collections\":0"));
    free(text);
  }
  /* Stop with grace for the hung calls (a probe may make two of them),
   * so every worker is back and the loop closes cleanly. */
  vg_agent_stop(once.agent, 3 * HANG_MS, NULL, NULL);
  ak_once_finish(&once);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(hung_collects_cost_only_their_probes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
