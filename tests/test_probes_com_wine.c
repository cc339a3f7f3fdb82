/* test_probes_com_wine.c: task.schedule, vss.storage and iscsi.initiator
 * against the real Windows APIs under Wine. Registers the real MARS task
 * path in the throwaway prefix through ITaskService, enabled and then
 * disabled, and checks the probe follows - and that what Wine cannot
 * answer (E_NOTIMPL) is reported unknown, never invented. Windows only. */
#define COBJMACROS
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "config.h"
#include "probe.h"

#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <taskschd.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#define FOLDER L"\\Microsoft\\OnlineBackup"
#define NAME L"Microsoft-OnlineBackup"

/* A stand-in with the shape of the MARS task: weekly trigger, SYSTEM,
 * IgnoreNew. %ls is "true" or "false" for the task's Enabled setting. */
static const wchar_t task_xml[] =
    L"<?xml version=\"1.0\" encoding=\"UTF-16\"?>"
    L"<Task version=\"1.2\" "
    L"xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">"
    L"<RegistrationInfo><Author>Vigil test</Author></RegistrationInfo>"
    L"<Triggers><CalendarTrigger>"
    L"<StartBoundary>2025-01-05T22:00:00</StartBoundary>"
    L"<Enabled>true</Enabled><ScheduleByWeek><DaysOfWeek><Sunday/>"
    L"</DaysOfWeek><WeeksInterval>1</WeeksInterval></ScheduleByWeek>"
    L"</CalendarTrigger></Triggers>"
    L"<Principals><Principal id=\"Author\"><UserId>S-1-5-18</UserId>"
    L"<RunLevel>HighestAvailable</RunLevel></Principal></Principals>"
    L"<Settings><MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>"
    L"<Enabled>%ls</Enabled></Settings>"
    L"<Actions Context=\"Author\"><Exec><Command>C:\\windows\\system32\\"
    L"cmd.exe</Command><Arguments>/c exit 0</Arguments></Exec></Actions>"
    L"</Task>";

/* ---- the Task Scheduler, driven directly ------------------------------ */

static ITaskService *ts_connect(void) {
  ITaskService *svc = NULL;
  VARIANT none;
  HRESULT hr;
  int tries;
  VariantInit(&none);
  hr = CoCreateInstance(&CLSID_TaskScheduler, NULL, CLSCTX_INPROC_SERVER,
                        &IID_ITaskService, (void **)&svc);
  if (FAILED(hr)) fail_msg("CoCreateInstance(TaskScheduler): 0x%08lX", hr);
  /* A fresh prefix starts its scheduler service on demand. */
  for (tries = 0; tries < 40; tries++) {
    hr = ITaskService_Connect(svc, none, none, none, none);
    if (hr != (HRESULT)0x80041315 /* SCHED_E_SERVICE_NOT_RUNNING */) break;
    Sleep(250);
  }
  if (FAILED(hr)) fail_msg("ITaskService::Connect: 0x%08lX", hr);
  return svc;
}

static ITaskFolder *ts_folder(ITaskService *svc, int create) {
  ITaskFolder *root = NULL, *f = NULL;
  VARIANT none;
  BSTR path = SysAllocString(FOLDER), rootp = SysAllocString(L"\\");
  HRESULT hr;
  VariantInit(&none);
  hr = ITaskService_GetFolder(svc, path, &f);
  if (FAILED(hr) && create) {
    hr = ITaskService_GetFolder(svc, rootp, &root);
    if (SUCCEEDED(hr)) hr = ITaskFolder_CreateFolder(root, path, none, &f);
    if (root) ITaskFolder_Release(root);
    if (FAILED(hr)) fail_msg("creating folder %ls: 0x%08lX", FOLDER, hr);
  }
  SysFreeString(path);
  SysFreeString(rootp);
  return SUCCEEDED(hr) ? f : NULL;
}

static void ts_register(int enabled) {
  ITaskService *svc = ts_connect();
  ITaskFolder *f = ts_folder(svc, 1);
  IRegisteredTask *t = NULL;
  wchar_t xml[4096];
  VARIANT none;
  BSTR name = SysAllocString(NAME), bxml;
  HRESULT hr;
  VariantInit(&none);
  swprintf(xml, sizeof(xml) / sizeof(xml[0]), task_xml,
           enabled ? L"true" : L"false");
  bxml = SysAllocString(xml);
  hr = ITaskFolder_RegisterTask(f, name, bxml, TASK_CREATE_OR_UPDATE, none,
                                none, TASK_LOGON_NONE, none, &t);
  if (FAILED(hr)) fail_msg("ITaskFolder::RegisterTask: 0x%08lX", hr);
  IRegisteredTask_Release(t);
  SysFreeString(name);
  SysFreeString(bxml);
  ITaskFolder_Release(f);
  ITaskService_Release(svc);
}

static void ts_delete(void) {
  ITaskService *svc = ts_connect();
  ITaskFolder *f = ts_folder(svc, 0);
  BSTR name = SysAllocString(NAME);
  if (f) {
    ITaskFolder_DeleteTask(f, name, 0);
    ITaskFolder_Release(f);
  }
  SysFreeString(name);
  ITaskService_Release(svc);
}

/* What the API itself answers for the three values Wine may not have. */
typedef struct raw_s {
  HRESULT last_result, next_run, user_id;
} raw_t;

static raw_t ts_raw(void) {
  ITaskService *svc = ts_connect();
  ITaskFolder *f = ts_folder(svc, 0);
  IRegisteredTask *t = NULL;
  ITaskDefinition *def = NULL;
  IPrincipal *pr = NULL;
  BSTR name = SysAllocString(NAME), user = NULL;
  raw_t r;
  LONG l;
  DATE d;
  assert_non_null(f);
  assert_true(SUCCEEDED(ITaskFolder_GetTask(f, name, &t)));
  r.last_result = IRegisteredTask_get_LastTaskResult(t, &l);
  r.next_run = IRegisteredTask_get_NextRunTime(t, &d);
  r.user_id = E_FAIL;
  if (SUCCEEDED(IRegisteredTask_get_Definition(t, &def)) &&
      SUCCEEDED(ITaskDefinition_get_Principal(def, &pr))) {
    r.user_id = IPrincipal_get_UserId(pr, &user);
    SysFreeString(user);
    IPrincipal_Release(pr);
  }
  if (def) ITaskDefinition_Release(def);
  IRegisteredTask_Release(t);
  ITaskFolder_Release(f);
  ITaskService_Release(svc);
  SysFreeString(name);
  return r;
}

/* ---- running a probe on the real OS table ----------------------------- */

typedef struct run_s {
  vg_facts_t facts;
  vg_finding_t out;
  int rc;
} run_t;

static void run(const char *id, run_t *r) {
  const vg_probe_t *p = vg_probe_find(id);
  vg_config_t cfg;
  vg_probe_ctx_t ctx;
  vg_eval_params_t ep;
  vg_facts_t memo, memo_out;
  assert_non_null(p);
  vg_config_init(&cfg);
  vg_facts_init(&r->facts);
  vg_facts_init(&memo);
  vg_facts_init(&memo_out);
  memset(&r->out, 0, sizeof(r->out));
  memset(&ep, 0, sizeof(ep));
  vg_config_probe_ctx(&cfg, p, vg_os_default(), &ctx);
  r->rc = p->collect(&ctx, &r->facts);
  if (r->rc != 0) {
    vg_finding_unknown(&r->out, id, &r->facts);
  } else {
    vg_config_eval_params(&cfg, p, &ep);
    ep.now_ms = (int64_t)time(NULL) * 1000;
    ep.memo = &memo;
    ep.memo_out = &memo_out;
    p->evaluate(&r->facts, &ep, NULL, &r->out);
  }
  print_message("%s: %s - %s\n", id, vg_status_name(r->out.status),
                r->out.summary);
  vg_facts_reset(&memo_out);
  vg_config_free(&cfg);
}

static void assert_contains(const char *hay, const char *needle) {
  if (hay == NULL || strstr(hay, needle) == NULL)
    fail_msg("\"%s\" lacks \"%s\"", hay ? hay : "(null)", needle);
}

/* A value the API refused must be null with a reason naming the HRESULT;
 * a value it gave must be there. */
static void assert_honest(const vg_facts_t *f, const char *key, HRESULT hr) {
  const vg_fact_t *it = vg_facts_find(f, key);
  char k[64], hex[16];
  assert_non_null(it);
  if (SUCCEEDED(hr)) {
    assert_true(it->type != VG_FACT_NULL || strcmp(key, "next_run") == 0);
    return;
  }
  if (it->type != VG_FACT_NULL) fail_msg("%s was invented", key);
  snprintf(k, sizeof(k), "%s_error", key);
  snprintf(hex, sizeof(hex), "0x%08lX", (unsigned long)hr);
  assert_contains(vg_facts_get_str(f, k), hex);
  if (hr == E_NOTIMPL) assert_contains(vg_facts_get_str(f, k), "E_NOTIMPL");
}

/* ---- tests ------------------------------------------------------------ */

static void task_schedule_follows_the_real_task(void **st) {
  run_t r;
  raw_t raw;
  (void)st;
  ts_delete();

  /* absent, through the real "not found" answers of GetFolder/GetTask:
   * n/a, or crit when another test of the lane has planted MARS in the
   * shared prefix */
  run("task.schedule", &r);
  assert_int_equal(r.rc, 0);
  assert_false(vg_facts_bool_or(&r.facts, "task_exists", 1));
  if (vg_facts_bool_or(&r.facts, "mars_installed", 0)) {
    assert_int_equal(r.out.status, VG_ST_CRIT);
    assert_contains(r.out.summary, "does not exist");
  } else {
    assert_int_equal(r.out.status, VG_ST_NA);
  }
  vg_facts_reset(&r.facts);

  /* registered and enabled */
  ts_register(1);
  raw = ts_raw();
  run("task.schedule", &r);
  assert_int_equal(r.rc, 0);
  assert_true(vg_facts_bool_or(&r.facts, "task_exists", 0));
  assert_true(vg_facts_bool_or(&r.facts, "enabled", 0));
  assert_string_equal(vg_facts_get_str(&r.facts, "state"), "ready");
  assert_honest(&r.facts, "last_result", raw.last_result);
  assert_honest(&r.facts, "next_run", raw.next_run);
  assert_honest(&r.facts, "principal", raw.user_id);
  assert_true(r.out.status == VG_ST_OK || r.out.status == VG_ST_UNKNOWN);
  assert_contains(r.out.summary, "Microsoft-OnlineBackup is enabled");
  if (raw.last_result == E_NOTIMPL)
    assert_contains(r.out.summary, "0x80004001 E_NOTIMPL");
  vg_facts_reset(&r.facts);

  /* disabled (re-registered with Enabled false): crit */
  ts_register(0);
  run("task.schedule", &r);
  assert_int_equal(r.rc, 0);
  assert_false(vg_facts_bool_or(&r.facts, "enabled", 1));
  assert_int_equal(r.out.status, VG_ST_CRIT);
  assert_contains(r.out.summary, "the task is disabled");
  vg_facts_reset(&r.facts);

  /* enabled again: the finding follows back */
  ts_register(1);
  run("task.schedule", &r);
  assert_true(vg_facts_bool_or(&r.facts, "enabled", 0));
  assert_true(r.out.status == VG_ST_OK || r.out.status == VG_ST_UNKNOWN);
  vg_facts_reset(&r.facts);

  ts_delete();
  run("task.schedule", &r);
  assert_false(vg_facts_bool_or(&r.facts, "task_exists", 1));
  vg_facts_reset(&r.facts);
}

static void vss_storage_reports_the_missing_class(void **st) {
  run_t r;
  (void)st;
  run("vss.storage", &r);
  if (r.rc == 0) {
    /* a Wine with Win32_ShadowStorage: whatever it says, it measured */
    assert_true(r.out.status != VG_ST_UNKNOWN);
  } else {
    const char *call = vg_facts_get_str(&r.facts, "failed_call");
    assert_int_equal(r.out.status, VG_ST_UNKNOWN);
    assert_non_null(call);
    assert_contains(call, "Win32_ShadowStorage");
    assert_contains(r.out.summary, "Win32_ShadowStorage) returned 0x8004");
    /* named and explained, e.g. WBEM_E_NOT_FOUND (not found (for a class:
     * it does not exist on this system)) */
    assert_contains(r.out.summary, "WBEM_E_");
    assert_contains(r.out.summary, "does not exist");
  }
  vg_facts_reset(&r.facts);
}

static void iscsi_initiator_reports_no_device(void **st) {
  run_t r;
  (void)st;
  run("iscsi.initiator", &r);
  assert_int_equal(r.rc, 0);
  assert_false(vg_facts_bool_or(&r.facts, "device_present", 1));
  assert_string_equal(vg_facts_get_str(&r.facts, "device_search"),
                      "all classes");
  assert_int_equal(r.out.status, VG_ST_CRIT);
  assert_contains(r.out.summary, "No Microsoft iSCSI Initiator device");
  assert_contains(r.out.summary, "ROOT\\ISCSIPRT");
  vg_facts_reset(&r.facts);
}

/* Each collect initialises COM for itself and undoes it: afterwards this
 * thread can still choose an apartment (an unbalanced MTA init would make
 * an STA init fail with RPC_E_CHANGED_MODE). And a thread that already
 * lives in an STA can run the probes too. */
static void com_is_balanced_per_call(void **st) {
  run_t r;
  HRESULT hr;
  (void)st;
  run("vss.storage", &r);
  vg_facts_reset(&r.facts);
  run("iscsi.initiator", &r);
  vg_facts_reset(&r.facts);
  run("task.schedule", &r);
  vg_facts_reset(&r.facts);
  hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
  assert_int_equal(hr, S_OK);
  run("task.schedule", &r);
  assert_int_equal(r.rc, 0);
  vg_facts_reset(&r.facts);
  run("iscsi.initiator", &r);
  assert_int_equal(r.rc, 0);
  vg_facts_reset(&r.facts);
  CoUninitialize();
}

static int group_setup(void **st) {
  (void)st;
  return FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED));
}

static int group_teardown(void **st) {
  (void)st;
  CoUninitialize();
  return 0;
}

int main(void) {
  const struct CMUnitTest com_tests[] = {
      cmocka_unit_test(task_schedule_follows_the_real_task),
      cmocka_unit_test(vss_storage_reports_the_missing_class),
      cmocka_unit_test(iscsi_initiator_reports_no_device),
  };
  const struct CMUnitTest bare_tests[] = {
      cmocka_unit_test(com_is_balanced_per_call),
  };
  int failed = cmocka_run_group_tests_name("with COM", com_tests, group_setup,
                                           group_teardown);
  return failed +
         cmocka_run_group_tests_name("bare thread", bare_tests, NULL, NULL);
}
