/* iscsi_initiator.c: the Microsoft iSCSI Initiator that MARS mounts
 * recovery volumes through - the MSiSCSI service and the ROOT\ISCSIPRT
 * device (probes.md: iscsi.initiator). */
#include "hresult.h"
#include "probe.h"
#include "vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ISCSI_SERVICE "MSiSCSI"
#define ISCSI_HWID "ROOT\\ISCSIPRT"
/* GUID_DEVCLASS_SCSIADAPTER: Device Manager's "Storage controllers". */
#define ISCSI_CLASS_GUID "{4d36e97b-e325-11ce-bfc1-08002be10318}"
#define ISCSI_PROB_FAILED_INSTALL 28

static const vg_key_def_t iscsi_initiator_keys[] = {
    {"warn_stopped", VG_KEY_BOOL, 0, 1, "false",
     "warn when MSiSCSI is stopped although it may start on demand"},
    {NULL, 0, 0, 0, NULL, NULL}};

/* Device Manager's problem codes (CM_PROB_*), as it words them. */
static const char *iscsi_initiator_problem_text(int64_t code) {
  switch (code) {
  case 1: return "the device is not configured correctly";
  case 3: return "the driver may be corrupted";
  case 10: return "the device cannot start";
  case 14: return "the device needs a restart";
  case 18: return "the drivers need to be reinstalled";
  case 19: return "its registry configuration is incomplete or damaged";
  case 21: return "Windows is removing the device";
  case 22: return "the device is disabled";
  case 24: return "the device is not present or not all drivers are installed";
  case 28: return "the drivers for this device are not installed";
  case 31: return "Windows cannot load the drivers the device needs";
  case 32: return "the device's driver service is disabled";
  case 37: return "Windows cannot initialise the device driver";
  case 39: return "the device driver is corrupted or missing";
  case 43: return "Windows stopped the device because it reported problems";
  case 48: return "the driver is blocked from starting";
  case 52: return "the driver's digital signature cannot be verified";
  default: return "see Device Manager";
  }
}

static const char *iscsi_initiator_state_name(int st) {
  static const char *const names[] = {
      "?",       "stopped",          "start-pending", "stop-pending",
      "running", "continue-pending", "pause-pending", "paused"};
  return st >= 1 && st <= 7 ? names[st] : "unknown";
}

static const char *iscsi_initiator_start_name(int st) {
  static const char *const names[] = {"boot", "system", "auto", "manual",
                                      "disabled"};
  return st >= 0 && st <= 4 ? names[st] : "unknown";
}

/* ------------------------------------------------------------ collect */

static void iscsi_initiator_service(const vg_os_t *os, vg_facts_t *f) {
  vg_svc_info_t si;
  int rc;
  memset(&si, 0, sizeof(si));
  rc = os->svc_query(os, ISCSI_SERVICE, &si);
  if (rc == VG_ENOENT) {
    vg_facts_set_bool(f, "service_installed", 0);
  } else if (rc != 0) {
    char msg[200];
    snprintf(msg, sizeof(msg), "query of service %s failed: %s", ISCSI_SERVICE,
             vg_strerror(rc));
    vg_facts_set_null(f, "service_installed");
    vg_facts_set_str(f, "service_error", msg);
    if (rc == VG_ENOTSUP) vg_facts_set_bool(f, "service_supported", 0);
  } else {
    vg_facts_set_bool(f, "service_installed", 1);
    vg_facts_set_str(f, "service_state", iscsi_initiator_state_name(si.state));
    vg_facts_set_str(f, "service_start",
                     iscsi_initiator_start_name(si.start_type));
  }
}

static int iscsi_initiator_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  vg_device_list_t *dl;
  const vg_device_info_t *dev;
  int rc;

  iscsi_initiator_service(os, f);
  dl = calloc(1, sizeof(*dl));
  if (dl == NULL) return vg_facts_fail(f, VG_ENOMEM, "out of memory");
  /* Where the guide looks first (Storage controllers), then everywhere:
   * a device whose driver never installed may sit in another class. */
  vg_facts_set_str(f, "device_search", "SCSIAdapter");
  rc = os->device_query(os, ISCSI_CLASS_GUID, ISCSI_HWID, dl);
  if (rc == 0 && dl->n == 0) {
    vg_facts_set_str(f, "device_search", "all classes");
    rc = os->device_query(os, NULL, ISCSI_HWID, dl);
  }
  if (rc == VG_ENOTSUP && dl->hr == 0) {
    vg_facts_set_bool(f, "device_supported", 0);
    free(dl);
    return 0;
  }
  if (rc != 0) {
    rc = vg_hresult_fail(f, rc, dl->hr, dl->call);
    free(dl);
    return rc;
  }
  vg_facts_set_int(f, "device_count", (int64_t)dl->n);
  vg_facts_set_bool(f, "device_present", dl->n > 0);
  if (dl->n > 0) {
    dev = &dl->devs[0];
    vg_facts_set_str(f, "device_instance", dev->instance_id);
    vg_facts_set_str(f, "device_class", dev->class_name);
    vg_facts_set_str(f, "device_description", dev->description);
    vg_facts_set_str(f, "device_name",
                     dev->friendly_name[0] ? dev->friendly_name : NULL);
    vg_facts_set_str(f, "device_driver", dev->driver[0] ? dev->driver : NULL);
    if (dev->status_cr == 0) {
      vg_facts_set_int(f, "device_status", dev->status);
      vg_facts_set_int(f, "device_problem", dev->problem);
    } else {
      char msg[120];
      snprintf(msg, sizeof(msg), "CM_Get_DevNode_Status: CONFIGRET 0x%X",
               (unsigned)dev->status_cr);
      vg_facts_set_null(f, "device_problem");
      vg_facts_set_str(f, "device_problem_error", msg);
    }
  }
  free(dl);
  return 0;
}

/* ----------------------------------------------------------- evaluate */

static void iscsi_initiator_evaluate(const vg_facts_t *f,
                                     const vg_eval_params_t *p,
                                     const vg_finding_t *prev,
                                     vg_finding_t *out) {
  const char *remedy_dev =
      "In Device Manager > Storage controllers find \"Microsoft iSCSI "
      "Initiator\" (or the Unknown device with hardware id ROOT\\ISCSIPRT), "
      "choose Update driver > Search automatically, then restart the "
      "Microsoft iSCSI Initiator Service (vigil explain iscsi.initiator).";
  const char *remedy_svc =
      "Set the Microsoft iSCSI Initiator Service (MSiSCSI) to Manual or "
      "Automatic and start it, e.g. sc config MSiSCSI start= demand && "
      "net start MSiSCSI (vigil explain iscsi.initiator).";
  const char *state = vg_facts_get_str(f, "service_state");
  const char *start = vg_facts_get_str(f, "service_start");
  const char *cls = vg_facts_get_str(f, "device_class");
  const char *drv = vg_facts_get_str(f, "device_driver");
  const char *desc = vg_facts_get_str(f, "device_description");
  const char *svc_err = vg_facts_get_str(f, "service_error");
  char svc_note[160] = "";
  int64_t problem = 0;
  int b, present, svc_installed = -1, unknown_dev, unknown_svc;
  (void)prev;

  if (vg_facts_get_bool(f, "device_supported", &b) == 0 && !b &&
      vg_facts_get_bool(f, "service_supported", &b) == 0 && !b) {
    vg_finding_set(out, VG_ST_NA, "",
                   "There is no iSCSI initiator on this system to check");
    return;
  }
  if (vg_facts_get_bool(f, "service_installed", &b) == 0) svc_installed = b;
  unknown_svc = svc_installed < 0;
  unknown_dev = vg_facts_get_bool(f, "device_present", &present) != 0;
  if (!unknown_svc && svc_installed && state && start)
    snprintf(svc_note, sizeof(svc_note), "; service MSiSCSI is %s (%s)", state,
             start);
  else if (svc_installed == 0)
    snprintf(svc_note, sizeof(svc_note),
             "; service MSiSCSI is not installed either");

  /* crit: the device, which the restore mount needs, is missing or broken */
  if (!unknown_dev && !present) {
    vg_finding_set(out, VG_ST_CRIT, remedy_dev,
                   "No Microsoft iSCSI Initiator device (hardware id "
                   "ROOT\\ISCSIPRT) is present: MARS cannot mount a recovery "
                   "volume for restore%s",
                   svc_note);
    vg_finding_predict(out, "restore volume does not mount");
    return;
  }
  if (!unknown_dev) {
    int got_problem = vg_facts_get_int(f, "device_problem", &problem) == 0;
    int no_driver = drv == NULL || *drv == '\0';
    int wrong_class = cls == NULL || strcasecmp(cls, "SCSIAdapter") != 0;
    if (problem == ISCSI_PROB_FAILED_INSTALL || no_driver) {
      vg_finding_set(out, VG_ST_CRIT, remedy_dev,
                     "The iSCSI initiator is an \"Unknown device\" with "
                     "hardware id ROOT\\ISCSIPRT%s%s (problem code %lld: %s) "
                     "- the MARS guide's exact restore-mount failure%s",
                     wrong_class ? " outside Storage controllers" : "",
                     no_driver ? " and no driver" : "", (long long)problem,
                     iscsi_initiator_problem_text(problem), svc_note);
      vg_finding_predict(out, "restore volume does not mount");
      return;
    }
    if (problem != 0) {
      vg_finding_set(out, VG_ST_CRIT, remedy_dev,
                     "Microsoft iSCSI Initiator device (%s) has problem code "
                     "%lld: %s%s",
                     desc ? desc : "ROOT\\ISCSIPRT", (long long)problem,
                     iscsi_initiator_problem_text(problem), svc_note);
      vg_finding_predict(out, "restore volume does not mount");
      return;
    }
    if (!got_problem) unknown_dev = 1;
  }
  if (svc_installed == 0) {
    vg_finding_set(out, VG_ST_CRIT, remedy_svc,
                   "Service MSiSCSI (Microsoft iSCSI Initiator Service) is "
                   "not installed: MARS cannot mount a recovery volume");
    vg_finding_predict(out, "restore volume does not mount");
    return;
  }
  /* warn: the service will not (or did not) start */
  if (!unknown_svc && start && strcmp(start, "disabled") == 0) {
    vg_finding_set(out, VG_ST_WARN, remedy_svc,
                   "Service MSiSCSI is disabled: a restore cannot mount its "
                   "recovery volume until it is enabled and started");
    vg_finding_predict(out, "restore volume does not mount");
    return;
  }
  if (!unknown_svc && state && strcmp(state, "stopped") == 0 &&
      ((start && strcmp(start, "auto") == 0) ||
       vg_probe_bool(&p->set, "warn_stopped"))) {
    vg_finding_set(out, VG_ST_WARN, remedy_svc,
                   "Service MSiSCSI is stopped (start type %s)",
                   start ? start : "unknown");
    vg_finding_predict(out, "restore volume does not mount");
    return;
  }
  if (unknown_dev || unknown_svc) {
    const char *why =
        unknown_dev ? vg_facts_get_str(f, "device_problem_error") : svc_err;
    vg_finding_set(out, VG_ST_UNKNOWN,
                   "Check Device Manager > Storage controllers and the "
                   "MSiSCSI service by hand; Vigil reads them again at the "
                   "next run.",
                   "The %s of the iSCSI initiator could not be read: %s",
                   unknown_dev ? "device state" : "service state",
                   why ? why : "no reason recorded");
    return;
  }
  vg_finding_set(out, VG_ST_OK, "",
                 "Microsoft iSCSI Initiator device is installed and working%s",
                 svc_note);
}

const vg_probe_t vg_probe_iscsi_initiator = {
    .id = "iscsi.initiator",
    .title = "iSCSI initiator for restores",
    .number = 9,
    .scope = VG_SCOPE_RESTORE,
    .interval_s = 3600,
    .deadline_s = 60,
    .th = {0, 0, 0, VG_TH_ABOVE},
    .keys = iscsi_initiator_keys,
    .collect = iscsi_initiator_collect,
    .evaluate = iscsi_initiator_evaluate,
};
