/* scratch_config.c: the MARS scratch (cache) folder is configured the same
 * in both registry values and is a writable folder on a fixed local volume
 * (probes.md: scratch.config). */
#include "mars.h"
#include "probe.h"
#include "vg.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const scratch_config_drives[] = {
    "unknown", "no_root", "removable", "fixed", "remote", "cdrom", "ramdisk"};

/* Azure writes this file to the root of a VM's temporary (resource) disk,
 * whose contents are lost on redeploy, resize or host maintenance. */
#define SCRATCH_CONFIG_README "DATALOSS_WARNING_README.txt"
#define SCRATCH_CONFIG_AZURE_SVC "WindowsAzureGuestAgent"
#define SCRATCH_CONFIG_AZURE_KEY "SOFTWARE\\Microsoft\\Windows Azure"

static const vg_key_def_t scratch_config_keys[] = {
    {"azure_vm", VG_KEY_STR, 0, 4, "auto",
     "this machine is an Azure VM: yes, no, or auto (the Azure guest agent "
     "service or its registry key)"},
    {NULL, 0, 0, 0, NULL, NULL}};

static int scratch_config_noop_cb(const char *name, const vg_reg_value_t *v,
                                  void *ud) {
  (void)name, (void)v, (void)ud;
  return 1;
}

/* Whether the scratch volume is an Azure VM's temporary disk or its OS
 * disk: facts azure_vm, azure_vm_source, dataloss_readme, os_volume. */
static void scratch_config_azure(const vg_probe_ctx_t *ctx, const char *root,
                                 vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  const char *mode = vg_probe_str(&ctx->set, "azure_vm");
  char path[600], sysdrive[64];
  vg_svc_info_t si;
  uint32_t attrs = 0;
  size_t n = strlen(root);
  int azure = 0;
  snprintf(path, sizeof(path), "%s%s" SCRATCH_CONFIG_README, root,
           n && (root[n - 1] == '\\' || root[n - 1] == '/') ? "" : "\\");
  vg_facts_set_bool(f, "dataloss_readme",
                    os->file_attrs(os, path, &attrs) == 0 &&
                        !(attrs & VG_FA_DIRECTORY));
  if (mode && (strcmp(mode, "yes") == 0 || strcmp(mode, "no") == 0)) {
    azure = strcmp(mode, "yes") == 0;
    vg_facts_set_str(f, "azure_vm_source", "config");
  } else if (os->svc_query(os, SCRATCH_CONFIG_AZURE_SVC, &si) == 0) {
    azure = 1;
    vg_facts_set_str(f, "azure_vm_source",
                     "auto: service " SCRATCH_CONFIG_AZURE_SVC);
  } else if (os->reg_enum_keys(os, SCRATCH_CONFIG_AZURE_KEY, VG_REG_64,
                               scratch_config_noop_cb, NULL) == 0 ||
             os->reg_enum_values(os, SCRATCH_CONFIG_AZURE_KEY, VG_REG_64,
                                 scratch_config_noop_cb, NULL) == 0) {
    azure = 1;
    vg_facts_set_str(f, "azure_vm_source",
                     "auto: HKLM\\" SCRATCH_CONFIG_AZURE_KEY);
  } else {
    vg_facts_set_str(f, "azure_vm_source", "auto: no Azure hint found");
  }
  vg_facts_set_bool(f, "azure_vm", azure);
  if (azure &&
      os->expand_env(os, "%SystemDrive%\\", sysdrive, sizeof(sysdrive)) == 0 &&
      sysdrive[0] != '%')
    vg_facts_set_bool(f, "os_volume", vg_path_equal(sysdrive, root));
}

static int scratch_config_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  vg_mars_loc_t loc;
  vg_volume_info_t vi;
  uint32_t attrs = 0;
  int rc = vg_mars_locate_scratch(os, &loc, f);
  if (rc || !loc.installed) return rc;
  if (loc.has_scratch_config)
    vg_facts_set_str(f, "scratch_config", loc.scratch_config);
  if (loc.has_scratch_cbp) vg_facts_set_str(f, "scratch_cbp", loc.scratch_cbp);
  vg_facts_set_str(f, "scratch", loc.scratch);

  rc = vg_mars_scratch_attrs(os, loc.scratch, f, &attrs);
  if (rc || !vg_facts_bool_or(f, "exists", 0)) return rc;
  if (!(attrs & VG_FA_DIRECTORY)) return 0;

  rc = os->volume_info(os, loc.scratch, &vi);
  if (rc)
    return vg_facts_fail(f, rc, "cannot read the volume of %s: %s", loc.scratch,
                         vg_path_strerror(rc));
  vg_facts_set_str(f, "volume", vi.root);
  vg_facts_set_str(f, "fs_name", vi.fs_name);
  vg_facts_set_str(f, "drive_type",
                   vi.drive_type >= 0 &&
                           (size_t)vi.drive_type <
                               VG_ARRAY_SIZE(scratch_config_drives)
                       ? scratch_config_drives[vi.drive_type]
                       : "unknown");
  vg_facts_set_bool(f, "volume_read_only", vi.read_only);
  scratch_config_azure(ctx, vi.root, f);
  if (vi.read_only) return 0; /* creating a file would only fail */
  rc = os->probe_write(os, loc.scratch);
  vg_facts_set_bool(f, "writable", rc == 0);
  if (rc) vg_facts_set_str(f, "write_error", vg_strerror(rc));
  return 0;
}

/* Appends one problem ("; "-separated) to the summary being built. */
static void scratch_config_problem(char *buf, size_t size, size_t *pos, int *n,
                                   const char *fmt, ...) VG_PRINTF(5, 6);
static void scratch_config_problem(char *buf, size_t size, size_t *pos, int *n,
                                   const char *fmt, ...) {
  char one[VG_SUMMARY_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(one, sizeof(one), fmt, ap);
  va_end(ap);
  vg_bufprintf(buf, size, pos, "%s%s", (*n)++ ? "; " : "", one);
}

static void scratch_config_evaluate(const vg_facts_t *f,
                                    const vg_eval_params_t *p,
                                    const vg_finding_t *prev,
                                    vg_finding_t *out) {
  const char *cfg = vg_facts_get_str(f, "scratch_config");
  const char *cbp = vg_facts_get_str(f, "scratch_cbp");
  const char *scratch = vg_facts_get_str(f, "scratch");
  const char *drive = vg_facts_get_str(f, "drive_type");
  const char *fs = vg_facts_get_str(f, "fs_name");
  const char *vol = vg_facts_get_str(f, "volume");
  const char *werr = vg_facts_get_str(f, "write_error");
  const char *remedy =
      "Copy (do not move) the scratch folder to a writable folder on a "
      "fixed local volume, set ScratchLocation under both Config and "
      "Config\\CloudBackupProvider to it, then restart obengine "
      "(vigil explain scratch.config).";
  const char *remedy_temp =
      "Copy (do not move) the scratch folder from the temporary disk to a "
      "folder on a persistent data disk, set ScratchLocation under both "
      "Config and Config\\CloudBackupProvider to it, then restart obengine "
      "(vigil explain scratch.config).";
  const char *remedy_os =
      "Attach a data disk to the VM and copy (do not move) the scratch "
      "folder there, set both ScratchLocation values to it, then restart "
      "obengine (vigil explain scratch.config).";
  int azure = vg_facts_bool_or(f, "azure_vm", 0);
  char buf[VG_SUMMARY_MAX];
  size_t pos = 0;
  int n = 0;
  (void)p, (void)prev;

  if (vg_mars_absent(f, out)) return;
  if (scratch == NULL) scratch = "?";
  if (cfg == NULL)
    scratch_config_problem(buf, sizeof(buf), &pos, &n,
                           "ScratchLocation is missing under HKLM\\%s",
                           VG_MARS_CONFIG_KEY);
  if (cbp == NULL)
    scratch_config_problem(buf, sizeof(buf), &pos, &n,
                           "ScratchLocation is missing under HKLM\\%s",
                           VG_MARS_CBP_KEY);
  if (cfg && cbp && !vg_path_equal(cfg, cbp))
    scratch_config_problem(buf, sizeof(buf), &pos, &n,
                           "ScratchLocation values differ: Config = %s, "
                           "CloudBackupProvider = %s",
                           cfg, cbp);
  if (!vg_facts_bool_or(f, "exists", 0)) {
    scratch_config_problem(buf, sizeof(buf), &pos, &n,
                           "scratch folder %s does not exist", scratch);
  } else if (!(vg_facts_int_or(f, "attrs", 0) & VG_FA_DIRECTORY)) {
    scratch_config_problem(buf, sizeof(buf), &pos, &n,
                           "scratch path %s is a file, not a folder", scratch);
  } else {
    if (drive && strcmp(drive, "fixed") != 0)
      scratch_config_problem(buf, sizeof(buf), &pos, &n,
                             "scratch folder is on a %s volume (%s), not a "
                             "fixed local one",
                             drive, vol ? vol : "?");
    if (vg_facts_bool_or(f, "volume_read_only", 0))
      scratch_config_problem(buf, sizeof(buf), &pos, &n,
                             "scratch volume %s is read-only", vol ? vol : "?");
    else if (!vg_facts_bool_or(f, "writable", 1))
      scratch_config_problem(buf, sizeof(buf), &pos, &n,
                             "cannot create a file in %s (%s)", scratch,
                             werr ? werr : "failed");
    if (azure && vg_facts_bool_or(f, "dataloss_readme", 0)) {
      scratch_config_problem(buf, sizeof(buf), &pos, &n,
                             "scratch folder is on the Azure VM's temporary "
                             "disk %s (" SCRATCH_CONFIG_README "): it is "
                             "wiped, with OnlineBackup.KEK, when the VM is "
                             "redeployed or resized",
                             vol ? vol : "?");
      remedy = remedy_temp;
    }
  }
  if (n) {
    buf[0] = (char)toupper((unsigned char)buf[0]);
    vg_finding_set(out, VG_ST_CRIT, remedy, "%s", buf);
    vg_finding_predict(out, "34506");
    vg_finding_predict(out, "0x1FC07");
    vg_finding_predict(out, "SalVhdInitializationError");
    vg_finding_predict(out, "SalChecksumStoreInitializationFailed");
    return;
  }
  if (azure && vg_facts_bool_or(f, "os_volume", 0)) {
    vg_finding_set(out, VG_ST_WARN, remedy_os,
                   "Scratch folder %s is on the Azure VM's OS disk %s (small "
                   "and shared with Windows; use a data disk); both "
                   "ScratchLocation values agree and it is writable",
                   scratch, vol ? vol : "?");
    return;
  }
  vg_finding_set(out, VG_ST_OK, remedy,
                 "Scratch folder %s: both ScratchLocation values agree; "
                 "writable, on fixed %s volume %s%s",
                 scratch, fs && *fs ? fs : "local", vol ? vol : "?",
                 azure ? " (an Azure VM data disk)" : "");
}

const vg_probe_t vg_probe_scratch_config = {
    .id = "scratch.config",
    .title = "Scratch folder configuration",
    .number = 3,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 900,
    .deadline_s = 30,
    .th = VG_TH_NONE,
    .keys = scratch_config_keys,
    .collect = scratch_config_collect,
    .evaluate = scratch_config_evaluate,
};
