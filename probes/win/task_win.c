/* task_win.c: a scheduled task as the Task Scheduler 2.0 COM API
 * (ITaskService) reports it. Values the API cannot give (Wine returns
 * E_NOTIMPL for several) keep their HRESULT instead of a guess. */
#define COBJMACROS
#include "com_win.h"
#include "jobs_win.h"

#include "vg.h"

#include <objbase.h>
#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <taskschd.h>

/* IID_NULL for IDispatch calls, without pulling in cguid.h's GUID_NULL. */
static const IID task_win_iid_null;

/* Canonical SID string of an account ("SYSTEM", "BUILTIN\Administrators",
 * "S-1-5-18") into out; "" when it cannot be resolved. */
static void task_win_sid(const char *account, char *out, size_t size) {
  wchar_t *w = vg_wide(account), *str = NULL, domain[256];
  BYTE buf[SECURITY_MAX_SID_SIZE];
  PSID sid = NULL;
  DWORD cb = sizeof(buf), cch = 256;
  SID_NAME_USE use;
  out[0] = '\0';
  if (w == NULL || *w == L'\0') goto done;
  if (_wcsnicmp(w, L"S-1-", 4) == 0) {
    if (!ConvertStringSidToSidW(w, &sid)) goto done;
    if (ConvertSidToStringSidW(sid, &str)) vg__w2u(str, out, size);
    LocalFree(sid);
  } else if (LookupAccountNameW(NULL, w, buf, &cb, domain, &cch, &use)) {
    if (ConvertSidToStringSidW((PSID)buf, &str)) vg__w2u(str, out, size);
  }
done:
  if (str) LocalFree(str);
  free(w);
}

/* A numeric property of a trigger by name through IDispatch (mingw's
 * taskschd.h lacks IWeeklyTrigger and friends). */
static HRESULT task_win_prop_int(ITrigger *t, const wchar_t *name, int *out) {
  IDispatch *d = (IDispatch *)t;
  LPOLESTR n = (LPOLESTR)name;
  DISPID id;
  DISPPARAMS none = {NULL, NULL, 0, 0};
  VARIANT v;
  HRESULT hr;
  VariantInit(&v);
  hr = IDispatch_GetIDsOfNames(d, &task_win_iid_null, &n, 1,
                               LOCALE_USER_DEFAULT, &id);
  if (FAILED(hr)) return hr;
  hr = IDispatch_Invoke(d, id, &task_win_iid_null, LOCALE_USER_DEFAULT,
                        DISPATCH_PROPERTYGET, &none, &v, NULL, NULL);
  if (SUCCEEDED(hr)) hr = VariantChangeType(&v, &v, 0, VT_I4);
  if (SUCCEEDED(hr)) *out = (int)V_I4(&v);
  VariantClear(&v);
  return hr;
}

static void task_win_bstr_prop(HRESULT hr, BSTR b, char *out, size_t size) {
  if (SUCCEEDED(hr)) vg__w2u(b, out, size);
  SysFreeString(b);
}

static void task_win_trigger(ITrigger *tr, vg_task_trigger_t *t) {
  TASK_TRIGGER_TYPE2 type = TASK_TRIGGER_EVENT;
  VARIANT_BOOL en = VARIANT_FALSE;
  IRepetitionPattern *rep = NULL;
  BSTR b = NULL;
  HRESULT hr;
  if (SUCCEEDED(ITrigger_get_Type(tr, &type))) t->type = (int)type;
  if (SUCCEEDED(ITrigger_get_Enabled(tr, &en)))
    t->enabled = en != VARIANT_FALSE;
  hr = ITrigger_get_StartBoundary(tr, &b);
  task_win_bstr_prop(hr, b, t->start, sizeof(t->start));
  if (SUCCEEDED(ITrigger_get_Repetition(tr, &rep)) && rep) {
    b = NULL;
    hr = IRepetitionPattern_get_Interval(rep, &b);
    task_win_bstr_prop(hr, b, t->repetition, sizeof(t->repetition));
    b = NULL;
    hr = IRepetitionPattern_get_Duration(rep, &b);
    task_win_bstr_prop(hr, b, t->rep_duration, sizeof(t->rep_duration));
    IRepetitionPattern_Release(rep);
  }
  b = NULL;
  hr = ITrigger_get_EndBoundary(tr, &b);
  task_win_bstr_prop(hr, b, t->end, sizeof(t->end));
  if (t->type == TASK_TRIGGER_DAILY) {
    task_win_prop_int(tr, L"DaysInterval", &t->days_interval);
  } else if (t->type == TASK_TRIGGER_WEEKLY) {
    task_win_prop_int(tr, L"WeeksInterval", &t->weeks_interval);
    task_win_prop_int(tr, L"DaysOfWeek", &t->days_of_week);
  }
}

static void task_win_triggers(ITaskDefinition *def, vg_task_info_t *out) {
  ITriggerCollection *tc = NULL;
  LONG count = 0, i;
  HRESULT hr = ITaskDefinition_get_Triggers(def, &tc);
  if (SUCCEEDED(hr)) hr = ITriggerCollection_get_Count(tc, &count);
  for (i = 1; SUCCEEDED(hr) && i <= count; i++) {
    ITrigger *tr = NULL;
    hr = ITriggerCollection_get_Item(tc, i, &tr); /* 1-based */
    if (FAILED(hr)) break;
    if (out->ntriggers < VG_TASK_TRIGGERS_MAX)
      task_win_trigger(tr, &out->triggers[out->ntriggers++]);
    ITrigger_Release(tr);
  }
  out->triggers_hr = (uint32_t)hr;
  if (FAILED(hr)) out->ntriggers = 0;
  if (tc) ITriggerCollection_Release(tc);
}

static void task_win_principal(ITaskDefinition *def, vg_task_info_t *out) {
  IPrincipal *pr = NULL;
  BSTR b = NULL;
  HRESULT hr = ITaskDefinition_get_Principal(def, &pr);
  if (FAILED(hr)) {
    out->user_id_hr = out->group_id_hr = (uint32_t)hr;
    return;
  }
  hr = IPrincipal_get_UserId(pr, &b);
  out->user_id_hr = (uint32_t)hr;
  task_win_bstr_prop(hr, b, out->user_id, sizeof(out->user_id));
  b = NULL;
  hr = IPrincipal_get_GroupId(pr, &b);
  out->group_id_hr = (uint32_t)hr;
  task_win_bstr_prop(hr, b, out->group_id, sizeof(out->group_id));
  if (out->user_id[0])
    task_win_sid(out->user_id, out->principal_sid, sizeof(out->principal_sid));
  else if (out->group_id[0])
    task_win_sid(out->group_id, out->principal_sid, sizeof(out->principal_sid));
  IPrincipal_Release(pr);
}

static void task_win_definition(IRegisteredTask *t, vg_task_info_t *out) {
  ITaskDefinition *def = NULL;
  ITaskSettings *set = NULL;
  TASK_INSTANCES_POLICY mi = TASK_INSTANCES_PARALLEL;
  HRESULT hr = IRegisteredTask_get_Definition(t, &def);
  if (FAILED(hr)) {
    out->user_id_hr = out->group_id_hr = (uint32_t)hr;
    out->triggers_hr = out->multiple_instances_hr = (uint32_t)hr;
    return;
  }
  task_win_principal(def, out);
  task_win_triggers(def, out);
  hr = ITaskDefinition_get_Settings(def, &set);
  if (SUCCEEDED(hr)) hr = ITaskSettings_get_MultipleInstances(set, &mi);
  out->multiple_instances_hr = (uint32_t)hr;
  out->multiple_instances = (int)mi;
  if (set) ITaskSettings_Release(set);
  ITaskDefinition_Release(def);
}

static void task_win_values(IRegisteredTask *t, vg_task_info_t *out) {
  VARIANT_BOOL en = VARIANT_FALSE;
  TASK_STATE st = TASK_STATE_UNKNOWN;
  DATE d = 0;
  LONG l = 0;
  HRESULT hr;
  out->enabled_hr = (uint32_t)IRegisteredTask_get_Enabled(t, &en);
  out->enabled = en != VARIANT_FALSE;
  out->state_hr = (uint32_t)IRegisteredTask_get_State(t, &st);
  out->state = (int)st;
  hr = IRegisteredTask_get_LastRunTime(t, &d);
  out->last_run_hr = (uint32_t)hr;
  if (SUCCEEDED(hr)) out->last_run_ms = vg__date_ms(d);
  out->last_result_hr = (uint32_t)IRegisteredTask_get_LastTaskResult(t, &l);
  out->last_result = (int32_t)l;
  d = 0;
  hr = IRegisteredTask_get_NextRunTime(t, &d);
  out->next_run_hr = (uint32_t)hr;
  if (SUCCEEDED(hr)) out->next_run_ms = vg__date_ms(d);
  l = 0;
  out->missed_runs_hr = (uint32_t)IRegisteredTask_get_NumberOfMissedRuns(t, &l);
  out->missed_runs = (int32_t)l;
  task_win_definition(t, out);
}

static int task_win_not_found(HRESULT hr) {
  return hr == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND) ||
         hr == HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND);
}

/* Connects to the Task Scheduler and opens folder: 0 with *svc and *fld
 * (release both), or the error with the failing call recorded. */
static int task_win_open(const char *folder, ITaskService **svc,
                         ITaskFolder **fld, uint32_t *hr_out, char *call,
                         size_t callsz) {
  VARIANT none;
  BSTR bfolder = vg__bstr(folder);
  HRESULT hr;
  int rc = 0;
  *svc = NULL;
  *fld = NULL;
  VariantInit(&none);
  if (bfolder == NULL) return VG_ENOMEM;
  hr = CoCreateInstance(&CLSID_TaskScheduler, NULL, CLSCTX_INPROC_SERVER,
                        &IID_ITaskService, (void **)svc);
  if (FAILED(hr)) {
    rc = vg__com_fail(hr_out, call, callsz, "CoCreateInstance(TaskScheduler)",
                      hr);
    goto done;
  }
  hr = ITaskService_Connect(*svc, none, none, none, none);
  {
    /* A Task Scheduler that is still starting (on demand, or just after
     * boot) answers SCHED_E_SERVICE_NOT_RUNNING for a moment: retry
     * briefly before calling it a failure. */
    int tries;
    for (tries = 0; hr == (HRESULT)0x80041315 && tries < 4; tries++) {
      Sleep(500);
      hr = ITaskService_Connect(*svc, none, none, none, none);
    }
  }
  if (FAILED(hr)) {
    rc = vg__com_fail(hr_out, call, callsz, "ITaskService::Connect", hr);
    goto done;
  }
  hr = ITaskService_GetFolder(*svc, bfolder, fld);
  if (FAILED(hr)) {
    rc = vg__com_fail(hr_out, call, callsz, "ITaskService::GetFolder", hr);
    if (task_win_not_found(hr)) rc = VG_ENOENT;
  }
done:
  if (rc != 0 && *svc) {
    ITaskService_Release(*svc);
    *svc = NULL;
  }
  SysFreeString(bfolder);
  return rc;
}

int vg__win_task_query(const vg_os_t *os, const char *folder, const char *name,
                       vg_task_info_t *out) {
  (void)os;
  ITaskService *svc = NULL;
  ITaskFolder *fld = NULL;
  IRegisteredTask *task = NULL;
  BSTR bname = NULL;
  HRESULT hr;
  int owed = 0, rc = 0;

  memset(out, 0, sizeof(*out));
  hr = vg__com_enter(&owed);
  if (FAILED(hr))
    return vg__com_fail(&out->hr, out->call, sizeof(out->call),
                        "CoInitializeEx", hr);
  bname = vg__bstr(name);
  if (bname == NULL) {
    rc = VG_ENOMEM;
    goto done;
  }
  rc =
      task_win_open(folder, &svc, &fld, &out->hr, out->call, sizeof(out->call));
  if (rc != 0) goto done;
  hr = ITaskFolder_GetTask(fld, bname, &task);
  if (FAILED(hr)) {
    rc = vg__com_fail(&out->hr, out->call, sizeof(out->call),
                      "ITaskFolder::GetTask", hr);
    if (task_win_not_found(hr)) rc = VG_ENOENT;
    goto done;
  }
  task_win_values(task, out);
done:
  if (task) IRegisteredTask_Release(task);
  if (fld) ITaskFolder_Release(fld);
  if (svc) ITaskService_Release(svc);
  SysFreeString(bname);
  vg__com_leave(owed);
  return rc;
}

int vg__win_task_list(const vg_os_t *os, const char *folder,
                      vg_task_names_t *out) {
  ITaskService *svc = NULL;
  ITaskFolder *fld = NULL;
  IRegisteredTaskCollection *tasks = NULL;
  LONG count = 0, i;
  HRESULT hr;
  int owed = 0, rc = 0;
  (void)os;

  memset(out, 0, sizeof(*out));
  hr = vg__com_enter(&owed);
  if (FAILED(hr))
    return vg__com_fail(&out->hr, out->call, sizeof(out->call),
                        "CoInitializeEx", hr);
  rc =
      task_win_open(folder, &svc, &fld, &out->hr, out->call, sizeof(out->call));
  if (rc != 0) goto done;
  hr = ITaskFolder_GetTasks(fld, TASK_ENUM_HIDDEN, &tasks);
  if (SUCCEEDED(hr)) hr = IRegisteredTaskCollection_get_Count(tasks, &count);
  if (FAILED(hr)) {
    rc = vg__com_fail(&out->hr, out->call, sizeof(out->call),
                      "ITaskFolder::GetTasks", hr);
    goto done;
  }
  out->total = count > 0 ? (size_t)count : 0;
  for (i = 1; i <= count && out->n < VG_TASK_NAMES_MAX; i++) {
    IRegisteredTask *t = NULL;
    VARIANT idx;
    BSTR b = NULL;
    VariantInit(&idx);
    V_VT(&idx) = VT_I4;
    V_I4(&idx) = i; /* 1-based */
    hr = IRegisteredTaskCollection_get_Item(tasks, idx, &t);
    if (FAILED(hr)) {
      rc = vg__com_fail(&out->hr, out->call, sizeof(out->call),
                        "IRegisteredTaskCollection::get_Item", hr);
      break;
    }
    if (SUCCEEDED(IRegisteredTask_get_Name(t, &b)) && b && *b)
      vg__w2u(b, out->names[out->n++], sizeof(out->names[0]));
    SysFreeString(b);
    IRegisteredTask_Release(t);
  }
done:
  if (tasks) IRegisteredTaskCollection_Release(tasks);
  if (fld) ITaskFolder_Release(fld);
  if (svc) ITaskService_Release(svc);
  vg__com_leave(owed);
  return rc;
}
