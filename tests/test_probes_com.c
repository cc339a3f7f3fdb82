/* test_probes_com.c: task.schedule, vss.storage and iscsi.initiator -
 * evaluate against recorded facts, collect against a fake machine
 * (including the HRESULT failure paths of the COM readers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "config.h"
#include "fake_os.h"
#include "fixture_runner.h"
#include "probe_kit.h"
#include "hresult.h"
#include "mars.h"
#include "probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TASK "\\Microsoft\\OnlineBackup\\Microsoft-OnlineBackup"
#define SCSI_GUID "{4d36e97b-e325-11ce-bfc1-08002be10318}"
#define UNKNOWN_GUID "{4d36e97e-e325-11ce-bfc1-08002be10318}"

/* ---- helpers ---------------------------------------------------------- */

static void assert_null_fact(const vg_facts_t *f, const char *key) {
  const vg_fact_t *it = vg_facts_find(f, key);
  if (it == NULL) fail_msg("fact %s missing", key);
  if (it->type != VG_FACT_NULL) fail_msg("fact %s is not null", key);
}

static void mars_installed(fake_os_t *f) {
  fake_reg_sz(f, VG_MARS_SETUP_KEY, "InstallPath",
              "C:\\Program Files\\Microsoft Azure Recovery Services Agent");
}

/* ---- recorded facts --------------------------------------------------- */

static void evaluates_recorded_facts(void **st) {
  static const fixture_min_t m[] = {
      {"task.schedule", 20},
      {"vss.storage", 13},
      {"iscsi.initiator", 12},
  };
  (void)st;
  run_fixtures_each(m, VG_ARRAY_SIZE(m));
}

/* ---- HRESULTs in words ------------------------------------------------ */

static void hresults_are_named_and_explained(void **st) {
  char buf[200];
  (void)st;
  assert_string_equal(vg_hresult_describe(0x80004001u, buf, sizeof(buf)),
                      "0x80004001 E_NOTIMPL (not implemented on this system)");
  pk_has(vg_hresult_describe(0x80041010u, buf, sizeof(buf)),
         "WBEM_E_INVALID_CLASS (the WMI class does not exist");
  pk_has(vg_hresult_describe(0x80070005u, buf, sizeof(buf)),
         "E_ACCESSDENIED (access is denied");
  pk_has(vg_hresult_describe(0x00041303u, buf, sizeof(buf)),
         "SCHED_S_TASK_HAS_NOT_RUN");
  assert_string_equal(vg_hresult_describe(0x800704C7u, buf, sizeof(buf)),
                      "0x800704C7 (Win32 error 1223)");
  assert_string_equal(vg_hresult_describe(0x12345678u, buf, sizeof(buf)),
                      "0x12345678");
  assert_int_equal(vg_hresult_err(0x80004001u), VG_ENOTSUP);
  assert_int_equal(vg_hresult_err(0x80070005u), VG_EACCES);
  assert_int_equal(vg_hresult_err(0x80041003u), VG_EACCES);
  assert_int_equal(vg_hresult_err(0x80041010u), VG_ENOENT);
  assert_int_equal(vg_hresult_err(0x00040004u), VG_ETIMEDOUT);
  assert_int_equal(vg_hresult_err(0x800705B4u), VG_ETIMEDOUT);
  assert_int_equal(vg_hresult_err(0x80004005u), VG_EIO);
  assert_int_equal(vg_hresult_err(0x00041303u), 0);
}

/* ---- task.schedule collect -------------------------------------------- */

static void task_collect_reads_every_value(void **st) {
  pk_machine_t *m = *st;
  fake_os_init(&m->f);
  mars_installed(&m->f);
  fake_task(&m->f, TASK);
  pk_run(&m->r, &m->f.os, "task.schedule");
  assert_int_equal(m->r.rc, 0);
  assert_true(vg_facts_bool_or(&m->r.facts, "task_exists", 0));
  assert_true(vg_facts_bool_or(&m->r.facts, "enabled", 0));
  assert_string_equal(vg_facts_get_str(&m->r.facts, "state"), "ready");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "triggers", -1), 1);
  assert_int_equal(vg_facts_int_or(&m->r.facts, "triggers_enabled", -1), 1);
  assert_string_equal(vg_facts_get_str(&m->r.facts, "trigger_kinds"), "weekly");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "trigger_period_ms", 0),
                   7 * 86400000ll);
  /* the next run is a fact in both forms: a later sweep is timed on it */
  assert_string_equal(vg_facts_get_str(&m->r.facts, "next_run"),
                      "2025-11-24T22:00:00Z");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "next_run_ms", 0),
                   1764021600000ll);
  assert_string_equal(vg_facts_get_str(&m->r.facts, "last_run"),
                      "2025-11-23T22:00:00Z");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "last_result", -1), 0);
  assert_string_equal(vg_facts_get_str(&m->r.facts, "principal_sid"),
                      "S-1-5-18");
  assert_string_equal(vg_facts_get_str(&m->r.facts, "multiple_instances"),
                      "IgnoreNew");
  assert_int_equal(m->r.out.status, VG_ST_OK);
}

static void task_collect_missing_task(void **st) {
  pk_machine_t *m = *st;
  fake_os_init(&m->f);
  mars_installed(&m->f);
  pk_run(&m->r, &m->f.os, "task.schedule");
  assert_int_equal(m->r.rc, 0);
  assert_false(vg_facts_bool_or(&m->r.facts, "task_exists", 1));
  assert_int_equal(m->r.out.status, VG_ST_CRIT);
  pk_has(m->r.out.summary, "does not exist");
}

static void task_collect_configured_path(void **st) {
  pk_machine_t *m = *st;
  char msg[100];
  fake_os_init(&m->f);
  assert_int_equal(vg_config_set(&m->r.cfg, "task.schedule", "task",
                                 "\\Vigil-test", msg, sizeof(msg)),
                   0);
  fake_task(&m->f, "\\Vigil-test");
  pk_run(&m->r, &m->f.os, "task.schedule");
  assert_int_equal(m->r.rc, 0);
  assert_string_equal(vg_facts_get_str(&m->r.facts, "task"), "\\Vigil-test");
  assert_true(vg_facts_bool_or(&m->r.facts, "task_exists", 0));
}

/* What Wine 8 does: E_NOTIMPL for several values. They must come back
 * null with a reason, and the finding must say unknown, not guess. */
static void task_collect_notimpl_values_are_unknown(void **st) {
  pk_machine_t *m = *st;
  vg_task_info_t *t;
  fake_os_init(&m->f);
  t = fake_task(&m->f, TASK);
  t->last_result_hr = 0x80004001u;
  t->next_run_hr = 0x80004001u;
  t->missed_runs_hr = 0x80004001u;
  t->user_id_hr = t->group_id_hr = 0x80004001u;
  t->user_id[0] = t->principal_sid[0] = '\0';
  t->triggers_hr = 0x80004001u;
  t->ntriggers = 0;
  t->last_run_hr = 0x00041303u; /* SCHED_S_TASK_HAS_NOT_RUN */
  t->last_run_ms = 0;
  pk_run(&m->r, &m->f.os, "task.schedule");
  assert_int_equal(m->r.rc, 0);
  assert_null_fact(&m->r.facts, "last_result");
  assert_null_fact(&m->r.facts, "next_run");
  assert_null_fact(&m->r.facts, "principal");
  assert_null_fact(&m->r.facts, "triggers");
  pk_has(vg_facts_get_str(&m->r.facts, "last_result_error"),
         "IRegisteredTask::get_LastTaskResult: 0x80004001 E_NOTIMPL");
  pk_has(vg_facts_get_str(&m->r.facts, "next_run_error"),
         "get_NextRunTime: 0x80004001 E_NOTIMPL");
  pk_has(vg_facts_get_str(&m->r.facts, "principal_error"),
         "IPrincipal::get_UserId: 0x80004001 E_NOTIMPL");
  assert_null(vg_facts_find(&m->r.facts, "next_run_ms"));
  assert_true(vg_facts_bool_or(&m->r.facts, "last_run_never", 0));
  assert_int_equal(m->r.out.status, VG_ST_UNKNOWN);
  pk_has(m->r.out.summary, "is enabled and ready");
  pk_has(m->r.out.summary,
         "0x80004001 E_NOTIMPL (not implemented on this system)");
}

static void task_collect_never_ran_date(void **st) {
  pk_machine_t *m = *st;
  vg_task_info_t *t;
  fake_os_init(&m->f);
  t = fake_task(&m->f, TASK);
  t->last_run_ms = 943920000000ll; /* 1999-11-30T00:00:00Z */
  t->last_result = 0x00041303;
  pk_run(&m->r, &m->f.os, "task.schedule");
  assert_int_equal(m->r.rc, 0);
  assert_true(vg_facts_bool_or(&m->r.facts, "last_run_never", 0));
  assert_null_fact(&m->r.facts, "last_run");
  assert_int_equal(m->r.out.status, VG_ST_OK);
  pk_has(m->r.out.summary, "has not run yet");
}

static void task_collect_trigger_periods(void **st) {
  pk_machine_t *m = *st;
  vg_task_info_t *t;
  t = fake_task(&m->f, TASK);
  t->ntriggers = 3;
  t->triggers[1].type = 2; /* daily, every 2 days */
  t->triggers[1].enabled = 1;
  t->triggers[1].days_interval = 2;
  t->triggers[2].type = 1; /* time, repeating every 6 hours, disabled */
  t->triggers[2].enabled = 0;
  strcpy(t->triggers[2].repetition, "PT6H");
  pk_run(&m->r, &m->f.os, "task.schedule");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "triggers_enabled", 0), 2);
  assert_string_equal(vg_facts_get_str(&m->r.facts, "trigger_kinds"),
                      "weekly, daily, time (disabled)");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "trigger_period_ms", 0),
                   2 * 86400000ll);
  pk_run_free(&m->r);

  t->triggers[2].enabled = 1;
  pk_run_init(&m->r);
  pk_run(&m->r, &m->f.os, "task.schedule");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "trigger_period_ms", 0),
                   6 * 3600000ll);
}

static void task_collect_failure_says_hresult(void **st) {
  static const struct {
    int rc;
    uint32_t hr;
    const char *call, *want;
  } cases[] = {
      {VG_EACCES, 0x80070005u, "ITaskService::Connect",
       "ITaskService::Connect returned 0x80070005 E_ACCESSDENIED (access is "
       "denied"},
      {VG_ENOTSUP, 0x80004001u, "ITaskService::GetFolder",
       "ITaskService::GetFolder returned 0x80004001 E_NOTIMPL (not "
       "implemented on this system)"},
      {VG_EIO, 0x80041315u, "ITaskService::Connect",
       "0x80041315 SCHED_E_SERVICE_NOT_RUNNING (the Task Scheduler service "
       "is not running)"},
      {VG_ETIMEDOUT, 0x8001011Fu, "ITaskFolder::GetTask",
       "0x8001011F RPC_E_TIMEOUT"},
  };
  size_t i;
  (void)st;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    fake_os_t f;
    pk_run_t r;
    fake_os_init(&f);
    pk_run_init(&r);
    fake_task(&f, TASK);
    f.task_rc = cases[i].rc;
    f.task.hr = cases[i].hr;
    strcpy(f.task.call, cases[i].call);
    pk_run(&r, &f.os, "task.schedule");
    assert_int_equal(r.rc, cases[i].rc);
    assert_int_equal(r.out.status, VG_ST_UNKNOWN);
    pk_has(r.out.summary, "Could not measure task.schedule");
    pk_has(r.out.summary, cases[i].want);
    assert_int_equal(vg_facts_int_or(&r.facts, "hresult", 0),
                     (int64_t)cases[i].hr);
    pk_run_free(&r);
  }
}

/* ---- vss.storage collect ---------------------------------------------- */

static void vss_collect_lists_wanted_volumes(void **st) {
  pk_machine_t *m = *st;
  vg_shadow_volume_t *v;
  fake_os_init(&m->f);
  mars_installed(&m->f);
  fake_reg_sz(&m->f, VG_MARS_CONFIG_KEY, "ScratchLocation", "F:\\Scratch");
  strcpy(m->f.volume.root, "F:\\"); /* volume_info of the scratch folder */
  fake_shadow_volume(&m->f, "C:\\", "NTFS", 1ull << 30, 10ull << 30);
  fake_shadow_volume(&m->f, "D:\\", "NTFS", 0, 0);  /* no association */
  fake_shadow_volume(&m->f, "E:\\", "FAT32", 0, 0); /* not NTFS: skipped */
  v = fake_shadow_volume(&m->f, "F:\\", "ReFS", 0, UINT64_MAX); /* scratch */
  v->copies = 2;
  v = fake_shadow_volume(&m->f, "G:\\", "NTFS", 0, 0);
  v->drive_type = VG_DRIVE_REMOVABLE; /* not fixed: skipped */
  pk_run(&m->r, &m->f.os, "vss.storage");
  assert_int_equal(m->r.rc, 0);
  assert_int_equal(vg_facts_int_or(&m->r.facts, "volumes", 0), 3);
  assert_string_equal(vg_facts_get_str(&m->r.facts, "scratch_volume"), "F:\\");
  /* the scratch volume first, unbounded said as such */
  assert_string_equal(vg_facts_get_str(&m->r.facts, "vol0"), "F:\\");
  assert_string_equal(vg_facts_get_str(&m->r.facts, "vol0_max"), "unbounded");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "vol0_copies", -1), 2);
  assert_string_equal(vg_facts_get_str(&m->r.facts, "vol1"), "C:\\");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "vol1_max", 0), 10ll << 30);
  assert_int_equal(vg_facts_int_or(&m->r.facts, "vol1_used", 0), 1ll << 30);
  assert_string_equal(vg_facts_get_str(&m->r.facts, "vol1_storage"), "C:\\");
  /* a volume with no association (no shadow copy yet) is still there */
  assert_string_equal(vg_facts_get_str(&m->r.facts, "vol2"), "D:\\");
  assert_null_fact(&m->r.facts, "vol2_storage");
  assert_null_fact(&m->r.facts, "vol2_max");
  assert_null(vg_facts_find(&m->r.facts, "vol3"));
  { /* the trend the agent forecasts on: C:'s 90 % (F: is unbounded) */
    double h = 0;
    assert_int_equal(vg_facts_get_double(&m->r.facts, "min_headroom_pct", &h),
                     0);
    assert_true(h > 89.99 && h < 90.01);
  }
  assert_int_equal(m->r.out.status, VG_ST_CRIT);
  pk_has(m->r.out.summary, "D:\\ has no shadow copy storage");
  pk_has(m->r.out.remedy, "vssadmin Add ShadowStorage /For=D: /On=D:");
}

static void vss_collect_many_volumes(void **st) {
  pk_machine_t *m = *st;
  int i;
  fake_os_init(&m->f);
  for (i = 0; i < 12; i++) {
    char name[8];
    snprintf(name, sizeof(name), "%c:\\", 'C' + i);
    fake_shadow_volume(&m->f, name, "NTFS", 19ull << 29, 10ull << 30);
  }
  pk_run(&m->r, &m->f.os, "vss.storage");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "volumes", 0), 12);
  assert_int_equal(vg_facts_int_or(&m->r.facts, "volumes_listed", 0), 9);
  assert_int_equal(m->r.out.status, VG_ST_WARN);
  pk_has(m->r.out.summary, "only the first 9 of 12 volumes");
  assert_true(m->r.facts.n <= VG_FACTS_MAX);
}

static void vss_collect_failure_says_hresult(void **st) {
  static const struct {
    int rc;
    uint32_t hr;
    const char *call, *want;
  } cases[] = {
      {VG_ENOENT, 0x80041010u, "IWbemServices::ExecQuery(Win32_ShadowStorage)",
       "0x80041010 WBEM_E_INVALID_CLASS (the WMI class does not exist on "
       "this system)"},
      {VG_ENOENT, 0x80041002u, "IWbemServices::GetObject(Win32_ShadowStorage)",
       "GetObject(Win32_ShadowStorage) returned 0x80041002 WBEM_E_NOT_FOUND"},
      {VG_EACCES, 0x80041003u, "IWbemLocator::ConnectServer(ROOT\\CIMV2)",
       "0x80041003 WBEM_E_ACCESS_DENIED"},
      {VG_ETIMEDOUT, 0x00040004u, "IEnumWbemClassObject::Next",
       "0x00040004 WBEM_S_TIMEDOUT (WMI did not answer in time)"},
      {VG_ENOTSUP, 0x80004001u, "IWbemServices::ExecQuery(Win32_ShadowCopy)",
       "E_NOTIMPL"},
  };
  size_t i;
  (void)st;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    fake_os_t f;
    pk_run_t r;
    fake_os_init(&f);
    pk_run_init(&r);
    f.shadow_rc = cases[i].rc;
    f.shadow.hr = cases[i].hr;
    strcpy(f.shadow.call, cases[i].call);
    pk_run(&r, &f.os, "vss.storage");
    assert_int_equal(r.rc, cases[i].rc);
    assert_int_equal(r.out.status, VG_ST_UNKNOWN);
    pk_has(r.out.summary, cases[i].want);
    assert_string_equal(vg_facts_get_str(&r.facts, "failed_call"),
                        cases[i].call);
    pk_run_free(&r);
  }
}

/* ---- iscsi.initiator collect ------------------------------------------ */

static void iscsi_collect_working_initiator(void **st) {
  pk_machine_t *m = *st;
  vg_device_info_t *d;
  fake_os_init(&m->f);
  fake_svc(&m->f, "MSiSCSI", VG_SVC_STOPPED, VG_SVC_DEMAND);
  d = fake_device(&m->f, SCSI_GUID, "SCSIAdapter", "ROOT\\ISCSIPRT");
  strcpy(d->description, "Microsoft iSCSI Initiator");
  strcpy(d->driver, SCSI_GUID "\\0001");
  pk_run(&m->r, &m->f.os, "iscsi.initiator");
  assert_int_equal(m->r.rc, 0);
  assert_int_equal(m->f.device_queries, 1);
  assert_string_equal(vg_facts_get_str(&m->r.facts, "device_search"),
                      "SCSIAdapter");
  assert_string_equal(vg_facts_get_str(&m->r.facts, "device_instance"),
                      "ROOT\\ISCSIPRT\\0000");
  assert_string_equal(vg_facts_get_str(&m->r.facts, "service_state"),
                      "stopped");
  assert_string_equal(vg_facts_get_str(&m->r.facts, "service_start"), "manual");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "device_problem", -1), 0);
  assert_int_equal(m->r.out.status, VG_ST_OK);
}

static void iscsi_collect_unknown_device_elsewhere(void **st) {
  pk_machine_t *m = *st;
  vg_device_info_t *d;
  fake_os_init(&m->f);
  fake_svc(&m->f, "MSiSCSI", VG_SVC_RUNNING, VG_SVC_AUTO);
  d = fake_device(&m->f, UNKNOWN_GUID, "", "ROOT\\ISCSIPRT");
  strcpy(d->description, "Unknown device");
  d->status = 0x400; /* DN_HAS_PROBLEM */
  d->problem = 28;
  pk_run(&m->r, &m->f.os, "iscsi.initiator");
  assert_int_equal(m->r.rc, 0);
  assert_int_equal(m->f.device_queries, 2); /* SCSIAdapter, then every class */
  assert_string_equal(vg_facts_get_str(&m->r.facts, "device_search"),
                      "all classes");
  assert_null_fact(&m->r.facts, "device_driver");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "device_problem", 0), 28);
  assert_int_equal(m->r.out.status, VG_ST_CRIT);
  pk_has(m->r.out.summary, "\"Unknown device\"");
  pk_has(m->r.out.summary, "the MARS guide's exact restore-mount");
}

static void iscsi_collect_absent(void **st) {
  pk_machine_t *m = *st;
  fake_os_init(&m->f);
  fake_svc(&m->f, "MSiSCSI", VG_SVC_STOPPED, VG_SVC_DISABLED);
  fake_device(&m->f, SCSI_GUID, "SCSIAdapter", "PCI\\VEN_1000&DEV_0054");
  pk_run(&m->r, &m->f.os, "iscsi.initiator");
  assert_int_equal(m->r.rc, 0);
  assert_false(vg_facts_bool_or(&m->r.facts, "device_present", 1));
  assert_int_equal(m->r.out.status, VG_ST_CRIT);
  pk_has(m->r.out.summary, "No Microsoft iSCSI Initiator device");
  pk_has(m->r.out.summary, "MSiSCSI is stopped (disabled)");
}

static void iscsi_collect_failure_says_hresult(void **st) {
  pk_machine_t *m = *st;
  fake_os_init(&m->f);
  m->f.devices_rc = VG_EACCES;
  m->f.devices.hr = 0x80070005u;
  strcpy(m->f.devices.call, "SetupDiGetClassDevsW");
  pk_run(&m->r, &m->f.os, "iscsi.initiator");
  assert_int_equal(m->r.rc, VG_EACCES);
  assert_int_equal(m->r.out.status, VG_ST_UNKNOWN);
  pk_has(m->r.out.summary,
         "SetupDiGetClassDevsW returned 0x80070005 E_ACCESSDENIED");
}

static void iscsi_service_unreadable(void **st) {
  pk_machine_t *m = *st;
  vg_device_info_t *d;
  fake_os_init(&m->f);
  m->f.svc_err = VG_EACCES;
  d = fake_device(&m->f, SCSI_GUID, "SCSIAdapter", "ROOT\\ISCSIPRT");
  strcpy(d->driver, SCSI_GUID "\\0001");
  pk_run(&m->r, &m->f.os, "iscsi.initiator");
  assert_int_equal(m->r.rc, 0);
  assert_null_fact(&m->r.facts, "service_installed");
  assert_int_equal(m->r.out.status, VG_ST_UNKNOWN);
  pk_has(m->r.out.summary, "access denied");
}

/* On POSIX the real table has none of these: n/a, never unknown. */
static void posix_tables_say_na(void **st) {
  static const char *const ids[] = {"task.schedule", "vss.storage",
                                    "iscsi.initiator"};
  size_t i;
  (void)st;
#ifdef _WIN32
  skip();
#endif
  for (i = 0; i < 3; i++) {
    fake_os_t f;
    pk_run_t r;
    fake_os_init(&f);
    pk_run_init(&r);
    f.os = *vg_os_default();
    pk_run(&r, &f.os, ids[i]);
    assert_int_equal(r.rc, 0);
    if (r.out.status != VG_ST_NA)
      fail_msg("%s: %s %s", ids[i], vg_status_name(r.out.status),
               r.out.summary);
    pk_run_free(&r);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(evaluates_recorded_facts),
      cmocka_unit_test(hresults_are_named_and_explained),
      pk_machine_test(task_collect_reads_every_value),
      pk_machine_test(task_collect_missing_task),
      pk_machine_test(task_collect_configured_path),
      pk_machine_test(task_collect_notimpl_values_are_unknown),
      pk_machine_test(task_collect_never_ran_date),
      pk_machine_test(task_collect_trigger_periods),
      cmocka_unit_test(task_collect_failure_says_hresult),
      pk_machine_test(vss_collect_lists_wanted_volumes),
      pk_machine_test(vss_collect_many_volumes),
      cmocka_unit_test(vss_collect_failure_says_hresult),
      pk_machine_test(iscsi_collect_working_initiator),
      pk_machine_test(iscsi_collect_unknown_device_elsewhere),
      pk_machine_test(iscsi_collect_absent),
      pk_machine_test(iscsi_collect_failure_says_hresult),
      pk_machine_test(iscsi_service_unreadable),
      cmocka_unit_test(posix_tables_say_na),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
