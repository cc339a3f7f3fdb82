/* hresult.c: a table of the HRESULTs the COM, WMI, VSS and Task Scheduler
 * probes meet, with their names and meanings (texts after winerror.h). */
#include "hresult.h"

#include "vg.h"

#include <stdio.h>

typedef struct hresult_entry_s {
  uint32_t code;
  const char *name;
  const char *meaning;
} hresult_entry_t;

static const hresult_entry_t hresult_table[] = {
    /* COM and generic */
    {0x00000000u, "S_OK", "success"},
    {0x00000001u, "S_FALSE", "completed, nothing to return"},
    {0x80004001u, "E_NOTIMPL", "not implemented on this system"},
    {0x80004002u, "E_NOINTERFACE", "interface not supported"},
    {0x80004003u, "E_POINTER", "invalid pointer"},
    {0x80004004u, "E_ABORT", "operation aborted"},
    {0x80004005u, "E_FAIL", "unspecified failure"},
    {0x8000FFFFu, "E_UNEXPECTED", "catastrophic failure"},
    {0x80070005u, "E_ACCESSDENIED",
     "access is denied (run Vigil as SYSTEM or an administrator)"},
    {0x8007000Eu, "E_OUTOFMEMORY", "out of memory"},
    {0x80070057u, "E_INVALIDARG", "invalid argument"},
    {0x80040154u, "REGDB_E_CLASSNOTREG", "the COM class is not registered"},
    {0x800401F0u, "CO_E_NOTINITIALIZED", "COM is not initialised"},
    {0x80010106u, "RPC_E_CHANGED_MODE",
     "COM is initialised in another mode on this thread"},
    {0x80010108u, "RPC_E_DISCONNECTED", "the COM server disconnected"},
    {0x8001011Fu, "RPC_E_TIMEOUT", "the COM call timed out"},
    {0x80070002u, "ERROR_FILE_NOT_FOUND", "the file or task does not exist"},
    {0x80070003u, "ERROR_PATH_NOT_FOUND", "the path or folder does not exist"},
    {0x8007010Bu, "ERROR_DIRECTORY", "the directory name is invalid"},
    {0x80070102u, "WAIT_TIMEOUT", "the wait timed out"},
    {0x800704DDu, "ERROR_NOT_LOGGED_ON", "the user is not logged on"},
    {0x8007052Eu, "ERROR_LOGON_FAILURE",
     "logon failure: unknown user name or bad password"},
    {0x80070569u, "ERROR_LOGON_TYPE_NOT_GRANTED",
     "logon failure: the account lacks the logon right the task needs"},
    {0x800705B4u, "ERROR_TIMEOUT", "the operation timed out"},
    {0x800706BAu, "RPC_S_SERVER_UNAVAILABLE", "the RPC server is unavailable"},
    {0x800706BEu, "RPC_S_CALL_FAILED", "the remote procedure call failed"},
    {0x800710E0u, "ERROR_REQUEST_REFUSED",
     "the operator or administrator refused the request"},
    {0xC000013Au, "STATUS_CONTROL_C_EXIT", "the program was ended (Ctrl+C)"},
    {0xC0000005u, "STATUS_ACCESS_VIOLATION",
     "the program crashed (access violation)"},
    {0xC0000142u, "STATUS_DLL_INIT_FAILED",
     "a DLL of the program failed to initialise"},
    /* Task Scheduler (winerror.h) */
    {0x00041300u, "SCHED_S_TASK_READY",
     "the task is ready to run at its next scheduled time"},
    {0x00041301u, "SCHED_S_TASK_RUNNING", "the task is currently running"},
    {0x00041302u, "SCHED_S_TASK_DISABLED", "the task is disabled"},
    {0x00041303u, "SCHED_S_TASK_HAS_NOT_RUN", "the task has not yet run"},
    {0x00041304u, "SCHED_S_TASK_NO_MORE_RUNS",
     "there are no more runs scheduled for this task"},
    {0x00041305u, "SCHED_S_TASK_NOT_SCHEDULED",
     "properties needed to run the task on a schedule are not set"},
    {0x00041306u, "SCHED_S_TASK_TERMINATED",
     "the last run of the task was terminated by the user"},
    {0x00041307u, "SCHED_S_TASK_NO_VALID_TRIGGERS",
     "the task has no triggers or its triggers are disabled"},
    {0x00041308u, "SCHED_S_EVENT_TRIGGER",
     "event triggers do not have set run times"},
    {0x0004131Bu, "SCHED_S_SOME_TRIGGERS_FAILED",
     "not all triggers of the task will start it"},
    {0x0004131Cu, "SCHED_S_BATCH_LOGON_PROBLEM",
     "the task may fail to start: its account needs the batch logon right"},
    {0x00041325u, "SCHED_S_TASK_QUEUED",
     "the Task Scheduler service has asked the task to run"},
    {0x80041309u, "SCHED_E_TRIGGER_NOT_FOUND",
     "a trigger of the task is missing"},
    {0x8004130Au, "SCHED_E_TASK_NOT_READY",
     "properties required to run the task are not set"},
    {0x8004130Bu, "SCHED_E_TASK_NOT_RUNNING",
     "there is no running instance of the task"},
    {0x8004130Cu, "SCHED_E_SERVICE_NOT_INSTALLED",
     "the Task Scheduler service is not installed"},
    {0x8004130Du, "SCHED_E_CANNOT_OPEN_TASK", "the task could not be opened"},
    {0x8004130Eu, "SCHED_E_INVALID_TASK", "the task object is invalid"},
    {0x8004130Fu, "SCHED_E_ACCOUNT_INFORMATION_NOT_SET",
     "no account information is stored for the task"},
    {0x80041310u, "SCHED_E_ACCOUNT_NAME_NOT_FOUND",
     "the account the task runs as does not exist"},
    {0x80041311u, "SCHED_E_ACCOUNT_DBASE_CORRUPT",
     "the Task Scheduler security database is corrupt"},
    {0x80041312u, "SCHED_E_NO_SECURITY_SERVICES",
     "security services are not available"},
    {0x80041313u, "SCHED_E_UNKNOWN_OBJECT_VERSION",
     "the task object version is not supported"},
    {0x80041314u, "SCHED_E_UNSUPPORTED_ACCOUNT_OPTION",
     "the account option is not supported"},
    {0x80041315u, "SCHED_E_SERVICE_NOT_RUNNING",
     "the Task Scheduler service is not running"},
    {0x8004131Fu, "SCHED_E_ALREADY_RUNNING",
     "an instance of the task is already running"},
    {0x80041320u, "SCHED_E_USER_NOT_LOGGED_ON",
     "the task did not run because its user is not logged on"},
    {0x80041321u, "SCHED_E_INVALID_TASK_HASH",
     "the task image is corrupt or has been tampered with"},
    {0x80041322u, "SCHED_E_SERVICE_NOT_AVAILABLE",
     "the Task Scheduler service is not available"},
    {0x80041323u, "SCHED_E_SERVICE_TOO_BUSY",
     "the Task Scheduler service is too busy"},
    {0x80041324u, "SCHED_E_TASK_ATTEMPTED",
     "the task did not run because of a constraint in its definition"},
    {0x80041326u, "SCHED_E_TASK_DISABLED", "the task is disabled"},
    {0x80041328u, "SCHED_E_START_ON_DEMAND",
     "the task may only be started on demand"},
    /* VSS (vsserror.h): the codes a requester meets */
    {0x80042301u, "VSS_E_BAD_STATE", "VSS was called in the wrong order"},
    {0x80042302u, "VSS_E_UNEXPECTED",
     "VSS failed unexpectedly (see the Application log, source VSS)"},
    {0x80042308u, "VSS_E_OBJECT_NOT_FOUND", "the object was not found"},
    {0x8004230Fu, "VSS_E_UNEXPECTED_PROVIDER_ERROR",
     "the shadow copy provider failed"},
    {0x80042312u, "VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED",
     "too many volumes in the snapshot set"},
    {0x80042313u, "VSS_E_FLUSH_WRITES_TIMEOUT",
     "the system could not flush I/O writes in time"},
    {0x80042314u, "VSS_E_HOLD_WRITES_TIMEOUT",
     "the system could not hold I/O writes in time"},
    {0x80042315u, "VSS_E_UNEXPECTED_WRITER_ERROR",
     "a writer failed unexpectedly"},
    {0x80042316u, "VSS_E_SNAPSHOT_SET_IN_PROGRESS",
     "another shadow copy is being created"},
    {0x80042317u, "VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED",
     "the volume has the most shadow copies it can hold"},
    {0x80042318u, "VSS_E_WRITER_INFRASTRUCTURE",
     "the writer infrastructure is not working (restart the VSS service "
     "or the server)"},
    {0x80042319u, "VSS_E_WRITER_NOT_RESPONDING", "a writer did not respond"},
    {0x8004231Fu, "VSS_E_INSUFFICIENT_STORAGE",
     "not enough shadow copy storage"},
    {0x80042327u, "VSS_E_REBOOT_REQUIRED", "a reboot is required"},
    {0x800423F0u, "VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT",
     "the shadow copy is inconsistent for the writer"},
    {0x800423F1u, "VSS_E_WRITERERROR_OUTOFRESOURCES",
     "the writer ran out of memory or other resources"},
    {0x800423F2u, "VSS_E_WRITERERROR_TIMEOUT",
     "the writer timed out between freeze and thaw"},
    {0x800423F3u, "VSS_E_WRITERERROR_RETRYABLE",
     "the writer failed with an error a retry may clear"},
    {0x800423F4u, "VSS_E_WRITERERROR_NONRETRYABLE",
     "the writer failed with an error a retry will not clear"},
    {0x800423F5u, "VSS_E_WRITERERROR_RECOVERY_FAILED",
     "the writer's recovery failed"},
    {0x80042409u, "VSS_E_WRITER_STATUS_NOT_AVAILABLE",
     "writer status is not available"},
    /* WMI (wbemcli.h) */
    {0x00040004u, "WBEM_S_TIMEDOUT", "WMI did not answer in time"},
    {0x80041001u, "WBEM_E_FAILED", "the WMI call failed"},
    {0x80041002u, "WBEM_E_NOT_FOUND",
     "not found (for a class: it does not exist on this system)"},
    {0x80041003u, "WBEM_E_ACCESS_DENIED",
     "WMI denied access (run Vigil as SYSTEM or an administrator)"},
    {0x80041004u, "WBEM_E_PROVIDER_FAILURE", "the WMI provider failed"},
    {0x80041006u, "WBEM_E_OUT_OF_MEMORY", "WMI ran out of memory"},
    {0x8004100Cu, "WBEM_E_NOT_SUPPORTED", "not supported by WMI"},
    {0x8004100Eu, "WBEM_E_INVALID_NAMESPACE",
     "the WMI namespace does not exist"},
    {0x80041010u, "WBEM_E_INVALID_CLASS",
     "the WMI class does not exist on this system"},
    {0x80041013u, "WBEM_E_PROVIDER_LOAD_FAILURE",
     "the WMI provider could not be loaded"},
    {0x80041014u, "WBEM_E_INITIALIZATION_FAILURE", "WMI failed to initialise"},
    {0x80041017u, "WBEM_E_INVALID_QUERY", "the WMI query is invalid"},
    {0x80041032u, "WBEM_E_CALL_CANCELLED", "the WMI call was cancelled"},
    {0x80041033u, "WBEM_E_SHUTTING_DOWN", "WMI is shutting down"},
};

static const hresult_entry_t *hresult_find(uint32_t hr) {
  size_t i;
  for (i = 0; i < VG_ARRAY_SIZE(hresult_table); i++)
    if (hresult_table[i].code == hr) return &hresult_table[i];
  return NULL;
}

const char *vg_hresult_name(uint32_t hr) {
  const hresult_entry_t *e = hresult_find(hr);
  return e ? e->name : NULL;
}

const char *vg_hresult_meaning(uint32_t hr) {
  const hresult_entry_t *e = hresult_find(hr);
  return e ? e->meaning : NULL;
}

const char *vg_hresult_describe(uint32_t hr, char *buf, size_t size) {
  const hresult_entry_t *e = hresult_find(hr);
  if (e)
    snprintf(buf, size, "0x%08X %s (%s)", (unsigned)hr, e->name, e->meaning);
  else if ((hr & 0xFFFF0000u) == 0x80070000u)
    snprintf(buf, size, "0x%08X (Win32 error %u)", (unsigned)hr,
             (unsigned)(hr & 0xFFFFu));
  else
    snprintf(buf, size, "0x%08X", (unsigned)hr);
  return buf;
}

int vg_hresult_failed(uint32_t hr) { return (hr & 0x80000000u) != 0; }

int vg_hresult_err(uint32_t hr) {
  if (!vg_hresult_failed(hr)) return hr == 0x00040004u ? VG_ETIMEDOUT : 0;
  switch (hr) {
  case 0x80004001u:                    /* E_NOTIMPL */
  case 0x8004100Cu:                    /* WBEM_E_NOT_SUPPORTED */
  case 0x80040154u: return VG_ENOTSUP; /* REGDB_E_CLASSNOTREG */
  case 0x80070005u:
  case 0x80041003u: return VG_EACCES;
  case 0x80070002u:
  case 0x80070003u:
  case 0x80041002u:
  case 0x80041010u:
  case 0x8004100Eu: return VG_ENOENT;
  case 0x80070102u:
  case 0x800705B4u:
  case 0x8001011Fu: return VG_ETIMEDOUT;
  case 0x8007000Eu:
  case 0x80041006u: return VG_ENOMEM;
  default: return VG_EIO;
  }
}

int vg_hresult_fail(vg_facts_t *f, int err, uint32_t hr, const char *call) {
  char d[200];
  vg_facts_set_int(f, "hresult", (int64_t)hr);
  vg_facts_set_str(f, "failed_call", call);
  return vg_facts_fail(f, err, "%s returned %s", call,
                       vg_hresult_describe(hr, d, sizeof(d)));
}
