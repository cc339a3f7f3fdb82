/* test_probes_mars3.c: mars.mgmtagent, mars.registration, source.volumes,
 * vss.writers and the issue-13 extensions of scratch.space, scratch.config
 * and mars.install - evaluate against recorded facts, collect against a
 * fake machine, and both together the way the agent runs them (the memo
 * carried from run to run). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "config.h"
#include "fake_os.h"
#include "fixture_runner.h"
#include "probe_kit.h"
#include "mars.h"
#include "probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IP "C:\\Program Files\\Microsoft Azure Recovery Services Agent"
#define GiB (1ull << 30)
#define LIMIT (54400ull * GiB)

/* ---- helpers ---------------------------------------------------------- */

/* A registered agent with its management agent service, two volumes and
 * a handful of stable VSS writers. */
static void healthy(fake_os_t *f) {
  fake_svc_t *s;
  fake_file_t *x;
  fake_os_init(f);
  fake_reg_sz(f, VG_MARS_SETUP_KEY, "InstallPath", IP "\\");
  fake_reg_sz(f, VG_MARS_CONFIG_KEY, "ScratchLocation", "D:\\MARS\\Scratch");
  fake_reg_sz(f, VG_MARS_CBP_KEY, "ScratchLocation", "D:\\MARS\\Scratch");
  fake_reg_sz(f, VG_MARS_CONFIG_KEY, "ServiceResourceName",
              "/subscriptions/s1/resourceGroups/rg/providers/"
              "Microsoft.RecoveryServices/vaults/v1");
  fake_reg_dword(f, VG_MARS_CONFIG_KEY, "ResourceId", 4711);
  fake_reg_sz(f, VG_MARS_CONFIG_KEY, "MachineId",
              "9a0e6c2d-0000-4000-8000-000000000001");
  fake_file(f, IP, VG_FA_DIRECTORY);
  x = fake_file(f, IP "\\bin\\cbengine.exe", 0x20);
  x->version[0] = 2, x->version[2] = 9262;
  fake_file(f, "D:\\MARS\\Scratch", VG_FA_DIRECTORY);
  s = fake_svc(f, "obengine", VG_SVC_RUNNING, VG_SVC_AUTO);
  vg_strlcpy(s->info.binary, "\"" IP "\\bin\\cbengine.exe\"",
             sizeof(s->info.binary));
  fake_svc_display(f, s, "Microsoft Azure Recovery Services Agent");
  s = fake_svc(f, "MARSMgmtAgent", VG_SVC_RUNNING, VG_SVC_AUTO);
  s->info.pid = 1200;
  vg_strlcpy(s->info.binary, "\"" IP "\\bin\\MgmtAgent.exe\"",
             sizeof(s->info.binary));
  fake_svc_display(f, s, "Microsoft Azure Recovery Services Management Agent");
  fake_volume(f, "C:\\", "NTFS", 80 * GiB, 200 * GiB);
  fake_volume(f, "D:\\", "NTFS", 900 * GiB, 2000 * GiB);
  fake_vss_writer(f, "Task Scheduler Writer", VG_VSS_WS_STABLE, 0);
  fake_vss_writer(f, "System Writer", VG_VSS_WS_STABLE, 0);
  fake_vss_writer(f, "WMI Writer", VG_VSS_WS_STABLE, 0);
}

/* ---- recorded facts --------------------------------------------------- */

static void evaluates_recorded_facts(void **st) {
  static const fixture_min_t m[] = {
      {"mars.mgmtagent", 12}, {"mars.registration", 12}, {"source.volumes", 24},
      {"vss.writers", 15},    {"scratch.space", 17},     {"scratch.config", 20},
      {"mars.install", 22},
  };
  (void)st;
  run_fixtures_each(m, VG_ARRAY_SIZE(m));
}

static void numbers_and_scopes_are_the_contract(void **st) {
  static const struct {
    const char *id;
    unsigned number;
    vg_scope_t scope;
  } want[] = {{"mars.mgmtagent", 19, VG_SCOPE_MONITORING},
              {"mars.registration", 20, VG_SCOPE_BACKUP},
              {"source.volumes", 21, VG_SCOPE_BACKUP},
              {"vss.writers", 22, VG_SCOPE_BACKUP}};
  size_t i;
  (void)st;
  for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
    const vg_probe_t *p = pk_probe(want[i].id);
    assert_int_equal(p->number, want[i].number);
    assert_int_equal(p->scope, want[i].scope);
  }
  /* Appended at the end: the numbers before stay where they were. */
  assert_string_equal(vg_probes[vg_nprobes - 1]->id, "vss.writers");
}

static void healthy_machine_is_ok_everywhere(void **st) {
  static const char *const ids[] = {"mars.mgmtagent", "mars.registration",
                                    "source.volumes", "vss.writers",
                                    "scratch.config", "mars.install"};
  fake_os_t f;
  (void)st;
  healthy(&f);
  pk_expect_each(&f.os, ids, VG_ARRAY_SIZE(ids), VG_ST_OK, NULL);
}

static void absent_agent_is_na_and_asks_nothing(void **st) {
  static const char *const ids[] = {"mars.mgmtagent", "mars.registration",
                                    "source.volumes", "vss.writers"};
  fake_os_t f;
  (void)st;
  fake_os_init(&f);
  fake_vss_writer(&f, "System Writer", 9, 0);
  pk_expect_each(&f.os, ids, VG_ARRAY_SIZE(ids), VG_ST_NA,
                 "MARS agent is not installed");
  assert_int_equal(f.vss_queries, 0); /* no VSS session without MARS */
}

/* ---- mars.mgmtagent --------------------------------------------------- */

static void mgmtagent_found_by_display_name(void **st) {
  pk_machine_t *m = *st;
  healthy(&m->f);
  pk_step(&m->r, &m->f.os, "mars.mgmtagent", VG_ST_OK,
          "MARSMgmtAgent is running (start type auto, pid 1200)");
  pk_expect_fact(&m->r.facts, "found_by", "display name");
  m->f.svcs[1].info.state = VG_SVC_STOPPED;
  pk_step(&m->r, &m->f.os, "mars.mgmtagent", VG_ST_CRIT,
          "MARSMgmtAgent is stopped (start type auto)");
  assert_true(pk_predicted(&m->r.out, "Azure alerts and reports go silent"));
  m->f.svcs[1].info.start_type = VG_SVC_DISABLED;
  pk_step(&m->r, &m->f.os, "mars.mgmtagent", VG_ST_CRIT, "is disabled");
}

static void mgmtagent_found_by_binary_not_engine(void **st) {
  pk_machine_t *m = *st;
  fake_svc_t *s;
  healthy(&m->f);
  fake_env(&m->f, "ProgramFiles", "C:\\Program Files");
  /* No display name match: the engine (listed first, binary in bin) is
   * skipped, a look-alike folder "bin2" does not count, the service whose
   * binary is in bin (quoted, through %ProgramFiles%, with arguments) is
   * the one. */
  fake_svc_display(&m->f, &m->f.svcs[1], "Some other name");
  vg_strlcpy(m->f.svcs[1].name, "zz-mgmt", sizeof(m->f.svcs[1].name));
  vg_strlcpy(m->f.svcs[1].info.binary,
             "\"%ProgramFiles%\\Microsoft Azure Recovery Services "
             "Agent\\bin\\MgmtAgent.exe\" -service",
             sizeof(m->f.svcs[1].info.binary));
  s = fake_svc(&m->f, "decoy", VG_SVC_STOPPED, VG_SVC_AUTO);
  vg_strlcpy(s->info.binary, IP "\\bin2\\x.exe", sizeof(s->info.binary));
  /* Reorder: decoy before the real one, to prove it is not picked. */
  {
    fake_svc_t tmp = m->f.svcs[1];
    char d[128];
    vg_strlcpy(d, m->f.svc_display[1], sizeof(d));
    m->f.svcs[1] = m->f.svcs[2];
    vg_strlcpy(m->f.svc_display[1], m->f.svc_display[2], sizeof(d));
    m->f.svcs[2] = tmp;
    vg_strlcpy(m->f.svc_display[2], d, sizeof(d));
  }
  pk_step(&m->r, &m->f.os, "mars.mgmtagent", VG_ST_OK, "zz-mgmt is running");
  pk_expect_fact(&m->r.facts, "found_by", "binary path");
  /* Only the engine is left in bin: not found, the folder named. */
  vg_strlcpy(m->f.svcs[2].info.binary, "C:\\Windows\\x.exe",
             sizeof(m->f.svcs[2].info.binary));
  pk_step(&m->r, &m->f.os, "mars.mgmtagent", VG_ST_CRIT, "service not found");
  pk_expect(&m->r.out, VG_ST_CRIT, IP "\\bin)");
}

static void mgmtagent_configured_name_and_errors(void **st) {
  pk_machine_t *m = *st;
  healthy(&m->f);
  fake_svc(&m->f, "MyMgmt", VG_SVC_RUNNING, VG_SVC_DEMAND);
  pk_set(&m->r.cfg, "mars.mgmtagent", "service", "MyMgmt");
  pk_step(&m->r, &m->f.os, "mars.mgmtagent", VG_ST_WARN,
          "MyMgmt is running but its start type is manual");
  pk_expect_fact(&m->r.facts, "found_by", "config");
  pk_set(&m->r.cfg, "mars.mgmtagent", "service", "Nope");
  pk_step(&m->r, &m->f.os, "mars.mgmtagent", VG_ST_CRIT,
          "service Nope is not installed");
  pk_set(&m->r.cfg, "mars.mgmtagent", "service", "");
  m->f.svc_enum_rc = VG_EACCES;
  pk_step(&m->r, &m->f.os, "mars.mgmtagent", VG_ST_UNKNOWN,
          "cannot list the services: access denied");
  m->f.svc_enum_rc = 0;
  m->f.svc_err = VG_EACCES;
  pk_step(&m->r, &m->f.os, "mars.mgmtagent", VG_ST_UNKNOWN,
          "cannot query the MARSMgmtAgent service");
}

/* ---- mars.registration ------------------------------------------------ */

static void registration_baseline_rename_reregister(void **st) {
  pk_machine_t *m = *st;
  healthy(&m->f);

  pk_step(&m->r, &m->f.os, "mars.registration", VG_ST_OK,
          "baseline taken (host SRV01, FQDN "
          "SRV01.contoso.local, domain contoso.local)");
  assert_true(m->r.memo_replaced);
  assert_string_equal(vg_facts_get_str(&m->r.memo, "host"), "SRV01");
  assert_non_null(strstr(vg_facts_get_str(&m->r.memo, "registration"),
                         "ResourceId=4711\n"));

  m->r.now += 86400000;
  pk_step(&m->r, &m->f.os, "mars.registration", VG_ST_OK,
          "unchanged since the 2025-11-24 baseline");
  assert_false(m->r.memo_replaced);

  /* Renamed: crit, and the baseline is not overwritten by the new name. */
  vg_strlcpy(m->f.names.host, "SRV02", sizeof(m->f.names.host));
  vg_strlcpy(m->f.names.fqdn, "SRV02.contoso.local", sizeof(m->f.names.fqdn));
  pk_step(&m->r, &m->f.os, "mars.registration", VG_ST_CRIT,
          "host name SRV01 -> SRV02");
  assert_true(pk_predicted(&m->r.out, "230006"));
  assert_non_null(strstr(m->r.out.remedy, "the next backup is a full one"));
  assert_false(m->r.memo_replaced);
  pk_step(&m->r, &m->f.os, "mars.registration", VG_ST_CRIT,
          "host name SRV01 -> SRV02");

  /* Renamed back: ok again. */
  vg_strlcpy(m->f.names.host, "SRV01", sizeof(m->f.names.host));
  vg_strlcpy(m->f.names.fqdn, "SRV01.contoso.local", sizeof(m->f.names.fqdn));
  pk_step(&m->r, &m->f.os, "mars.registration", VG_ST_OK, "unchanged");

  /* A domain move. */
  vg_strlcpy(m->f.names.domain, "fabrikam.local", sizeof(m->f.names.domain));
  vg_strlcpy(m->f.names.fqdn, "SRV01.fabrikam.local", sizeof(m->f.names.fqdn));
  pk_step(&m->r, &m->f.os, "mars.registration", VG_ST_CRIT,
          "domain contoso.local -> fabrikam.local");

  /* Re-registered under the new names: the registration values change
   * (MachineId, ResourceId), the baseline is re-taken. */
  m->f.reg[4].v.num = 4712;
  snprintf(m->f.reg[4].v.str, sizeof(m->f.reg[4].v.str), "4712");
  pk_step(&m->r, &m->f.os, "mars.registration", VG_ST_OK, "registered again");
  assert_true(m->r.memo_replaced);
  pk_step(&m->r, &m->f.os, "mars.registration", VG_ST_OK,
          "domain fabrikam.local unchanged");
}

static void registration_missing_values_and_errors(void **st) {
  pk_machine_t *m = *st;
  fake_os_init(&m->f);
  fake_reg_sz(&m->f, VG_MARS_SETUP_KEY, "InstallPath", IP);
  pk_step(&m->r, &m->f.os, "mars.registration", VG_ST_CRIT,
          "installed but not registered: ServiceResourceName, ResourceId, "
          "MachineId missing");
  assert_false(m->r.memo_replaced); /* no baseline while unhealthy */
  assert_int_equal(m->r.memo.n, 0);

  /* The value names are configurable (unconfirmed). */
  fake_reg_sz(&m->f, VG_MARS_CONFIG_KEY, "VaultId", "v1");
  pk_set(&m->r.cfg, "mars.registration", "values", " VaultId , ");
  pk_step(&m->r, &m->f.os, "mars.registration", VG_ST_OK, "baseline taken");
  pk_expect_fact(&m->r.facts, "registration", "VaultId=v1\n");

  m->f.names_rc = VG_EIO;
  pk_step(&m->r, &m->f.os, "mars.registration", VG_ST_UNKNOWN,
          "GetComputerNameExW");
  m->f.names_rc = 0;
  fake_reg_err(&m->f, VG_MARS_CONFIG_KEY, "Locked", VG_EACCES);
  pk_set(&m->r.cfg, "mars.registration", "values", "VaultId,Locked");
  pk_step(&m->r, &m->f.os, "mars.registration", VG_ST_UNKNOWN,
          "Config\\Locked: access denied");
}

/* ---- source.volumes --------------------------------------------------- */

static void volumes_default_selection(void **st) {
  pk_machine_t *m = *st;
  vg_volume_entry_t *v;
  healthy(&m->f);
  v = fake_volume(&m->f, "E:\\", "FAT32", 1 * GiB, 16 * GiB);
  v->drive_type = VG_DRIVE_REMOVABLE; /* a USB stick: not a default source */
  fake_volume(&m->f, "C:\\Mount\\Data\\", "ReFS", 1, 10); /* no letter */
  fake_volume(&m->f, "", "NTFS", 1, 10); /* the recovery partition */
  pk_step(&m->r, &m->f.os, "source.volumes", VG_ST_OK,
          "2 volume(s) ready to back up");
  pk_expect(&m->r.out, VG_ST_OK,
            "fullest D:\\ at 1.6% of the 54,400 GiB limit");
  pk_expect_fact(&m->r.facts, "vol0", "D:\\"); /* the fullest first */
  pk_expect_fact(&m->r.facts, "vol1", "C:\\");
}

static void volumes_configured_list(void **st) {
  pk_machine_t *m = *st;
  vg_volume_entry_t *v;
  healthy(&m->f);
  v = fake_volume(&m->f, "E:\\", "FAT32", 1 * GiB, 16 * GiB);
  v->drive_type = VG_DRIVE_REMOVABLE;
  fake_volume(&m->f, "C:\\Mount\\Data\\", "NTFS", 1 * GiB, 10 * GiB);
  pk_set(&m->r.cfg, "source.volumes", "volumes", "c:, E ; C:\\Mount\\Data, Q:");
  pk_step(&m->r, &m->f.os, "source.volumes", VG_ST_CRIT,
          "Q:\\ is not mounted (configured volume)");
  pk_expect(&m->r.out, VG_ST_CRIT,
            "E:\\ is a removable volume, not a fixed one");
  pk_expect_fact(&m->r.facts, "selection", "configured");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "volumes", 0), 3);
  pk_set(&m->r.cfg, "source.volumes", "volumes", "C:\\Mount\\Data\\");
  pk_step(&m->r, &m->f.os, "source.volumes", VG_ST_OK,
          "1 volume(s) ready to back up (fixed, NTFS, "
          "writable, online, unlocked): C:\\Mount\\Data\\");
}

static void volumes_every_problem(void **st) {
  pk_machine_t *m = *st;
  vg_volume_entry_t *v;
  healthy(&m->f);
  fake_volume(&m->f, "F:\\", "NTFS", 1, 10)->read_only = 1;
  v = fake_volume(&m->f, "G:\\", "", 0, 0);
  v->offline = 1, v->space_read = 0;
  v = fake_volume(&m->f, "H:\\", "", 0, 0);
  v->locked = 1, v->info_hr = 0x80310000u, v->space_read = 0;
  v = fake_volume(&m->f, "J:\\", "", 0, 0);
  v->info_hr = 0x80070005u, v->space_read = 0;
  fake_volume(&m->f, "K:\\", "ReFS", 1, 10);
  fake_volume(&m->f, "L:\\", "NTFS", LIMIT + 1, LIMIT * 2);
  pk_step(&m->r, &m->f.os, "source.volumes", VG_ST_CRIT, "is read-only");
  pk_expect(&m->r.out, VG_ST_CRIT, "G:\\ is offline");
  pk_expect(&m->r.out, VG_ST_CRIT, "H:\\ is locked by BitLocker");
  pk_expect(&m->r.out, VG_ST_CRIT,
            "J:\\ cannot be read: 0x80070005 E_ACCESSDENIED");
  pk_expect(&m->r.out, VG_ST_CRIT, "K:\\ is ReFS, not NTFS");
  pk_expect(&m->r.out, VG_ST_CRIT,
            "L:\\ has 53.1 TiB used, over the 54,400 GiB");
  assert_true(pk_predicted(&m->r.out, "backup of that volume fails"));
}

static void volumes_many_problem_kept(void **st) {
  pk_machine_t *m = *st;
  char mount[8];
  int i;
  healthy(&m->f);
  for (i = 0; i < 12; i++) {
    snprintf(mount, sizeof(mount), "%c:\\", 'E' + i);
    fake_volume(&m->f, mount, "NTFS", (uint64_t)(i + 1) * GiB, 100 * GiB);
  }
  m->f.volumes.vols[m->f.volumes.n - 1].read_only = 1; /* P:\, listed last */
  pk_step(&m->r, &m->f.os, "source.volumes", VG_ST_CRIT, "P:\\ is read-only");
  pk_expect(&m->r.out, VG_ST_CRIT, "(4 more volume(s) not shown)");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "volumes", 0), 14);
  assert_int_equal(vg_facts_int_or(&m->r.facts, "volumes_listed", 0), 10);
}

static void volumes_readers_fail(void **st) {
  pk_machine_t *m = *st;
  size_t i;
  healthy(&m->f);
  m->f.volumes.bitlocker_hr = 0x80041003u;
  vg_strlcpy(m->f.volumes.bitlocker_call,
             "Win32_EncryptableVolume.GetLockStatus",
             sizeof(m->f.volumes.bitlocker_call));
  for (i = 0; i < m->f.volumes.n; i++)
    m->f.volumes.vols[i].locked = -1;
  pk_step(&m->r, &m->f.os, "source.volumes", VG_ST_UNKNOWN,
          "BitLocker lock status of D:\\, C:\\ not read: "
          "Win32_EncryptableVolume.GetLockStatus returned "
          "0x80041003 WBEM_E_ACCESS_DENIED");

  m->f.volumes_rc = VG_EACCES;
  m->f.volumes.hr = 0x80070005u;
  vg_strlcpy(m->f.volumes.call, "FindFirstVolumeW", sizeof(m->f.volumes.call));
  pk_step(&m->r, &m->f.os, "source.volumes", VG_ST_UNKNOWN,
          "FindFirstVolumeW returned 0x80070005 "
          "E_ACCESSDENIED");
  pk_expect_fact(&m->r.facts, "failed_call", "FindFirstVolumeW");

  memset(&m->f.volumes, 0, sizeof(m->f.volumes));
  m->f.volumes_rc = VG_ENOTSUP;
  pk_step(&m->r, &m->f.os, "source.volumes", VG_ST_NA, "No volume list");
}

/* ---- vss.writers ------------------------------------------------------ */

static void writers_failed_system_writer_first(void **st) {
  pk_machine_t *m = *st;
  const char *list, *sys, *sql;
  healthy(&m->f);
  fake_vss_writer(&m->f, "SqlServerWriter", 8, 0);
  fake_vss_writer(&m->f, "ASR Writer", 5, 0);
  m->f.vss.w[1].state = 9; /* System Writer: failed at freeze */
  m->f.vss.w[1].last_error = 0x800423F4u;
  pk_step(&m->r, &m->f.os, "vss.writers", VG_ST_CRIT,
          "2 VSS writer(s) failed: System Writer (failed at "
          "freeze, last error 0x800423F4 "
          "VSS_E_WRITERERROR_NONRETRYABLE");
  pk_expect(&m->r.out, VG_ST_CRIT,
            "not stable: ASR Writer (waiting for backup "
            "complete)");
  sys = strstr(m->r.out.summary, "System Writer");
  sql = strstr(m->r.out.summary, "SqlServerWriter");
  assert_true(sys && sql && sys < sql);
  assert_true(pk_predicted(&m->r.out, "0x1873D"));
  assert_true(pk_predicted(&m->r.out, "0x18770"));
  assert_non_null(strstr(m->r.out.remedy, "CryptSvc, SQLWriter"));
  list = vg_facts_get_str(&m->r.facts, "writer_list");
  assert_non_null(list);
  assert_int_equal(strncmp(list, "System Writer|9|0x800423F4\n", 27), 0);
  assert_int_equal(vg_facts_int_or(&m->r.facts, "writers", 0), 5);
}

static void writers_wait_within_the_deadline(void **st) {
  pk_machine_t *m = *st;
  healthy(&m->f);
  pk_run(&m->r, &m->f.os, "vss.writers");
  /* Two steps share the 120 s default deadline, 2 s kept for the rest. */
  assert_int_equal(m->f.vss_timeout_ms, 59000);
  pk_set(&m->r.cfg, "vss.writers", "deadline", "30s");
  pk_run(&m->r, &m->f.os, "vss.writers");
  assert_int_equal(m->f.vss_timeout_ms, 14000);
  pk_set(&m->r.cfg, "vss.writers", "deadline", "3s");
  pk_run(&m->r, &m->f.os, "vss.writers");
  assert_int_equal(m->f.vss_timeout_ms, 2000);
}

static void writers_com_failures_are_unknown(void **st) {
  pk_machine_t *m = *st;
  healthy(&m->f);
  m->f.vss_rc = VG_EIO;
  m->f.vss.hr = 0x80042318u;
  vg_strlcpy(m->f.vss.call,
             "IVssBackupComponents::GatherWriterMetadata (IVssAsync result)",
             sizeof(m->f.vss.call));
  pk_step(&m->r, &m->f.os, "vss.writers", VG_ST_UNKNOWN,
          "IVssBackupComponents::GatherWriterMetadata (IVssAsync result) "
          "returned 0x80042318 VSS_E_WRITER_INFRASTRUCTURE (the writer "
          "infrastructure is not working");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "hresult", 0), 0x80042318ll);

  m->f.vss_rc = VG_ETIMEDOUT;
  m->f.vss.hr = 0x800705B4u;
  vg_strlcpy(m->f.vss.call,
             "IVssBackupComponents::GatherWriterStatus (waited "
             "59 s)",
             sizeof(m->f.vss.call));
  pk_step(&m->r, &m->f.os, "vss.writers", VG_ST_UNKNOWN,
          "(waited 59 s) returned 0x800705B4 ERROR_TIMEOUT");

  /* What Wine answers (its vssapi is a stub). */
  m->f.vss_rc = VG_ENOTSUP;
  m->f.vss.hr = 0x80004001u;
  vg_strlcpy(m->f.vss.call, "CreateVssBackupComponentsInternal",
             sizeof(m->f.vss.call));
  pk_step(&m->r, &m->f.os, "vss.writers", VG_ST_UNKNOWN,
          "CreateVssBackupComponentsInternal returned "
          "0x80004001 E_NOTIMPL");

  memset(&m->f.vss, 0, sizeof(m->f.vss));
  m->f.vss_rc = VG_ENOTSUP;
  pk_step(&m->r, &m->f.os, "vss.writers", VG_ST_NA,
          "No Volume Shadow Copy Service");
}

static void writers_list_bounded(void **st) {
  pk_machine_t *m = *st;
  char name[128];
  int i;
  fake_os_init(&m->f);
  fake_reg_sz(&m->f, VG_MARS_SETUP_KEY, "InstallPath", IP);
  for (i = 0; i < VG_VSS_WRITERS_MAX; i++) {
    snprintf(name, sizeof(name),
             "A rather long third-party writer name number %02d of many", i);
    fake_vss_writer(&m->f, name, VG_VSS_WS_STABLE, 0);
  }
  m->f.vss.truncated = 1;
  vg_strlcpy(m->f.vss.w[40].name, "Odd|Name\nWriter",
             sizeof(m->f.vss.w[40].name));
  m->f.vss.w[40].state = 10;
  pk_run(&m->r, &m->f.os, "vss.writers");
  /* The failed writer sorts first and survives the cut; '|' and newlines
   * in a name end it. */
  pk_expect(&m->r.out, VG_ST_CRIT,
            "1 VSS writer(s) failed: Odd (failed at thaw)");
  assert_true(vg_facts_int_or(&m->r.facts, "writers_listed", 0) <
              vg_facts_int_or(&m->r.facts, "writers", 0));
  assert_true(strlen(vg_facts_get_str(&m->r.facts, "writer_list")) <
              VG_FACT_STR_MAX);
  m->f.vss.w[40].state = VG_VSS_WS_STABLE;
  pk_step(&m->r, &m->f.os, "vss.writers", VG_ST_OK, "(list cut short)");
}

/* ---- scratch.space: System State margin ------------------------------- */

static void space_system_state_margin(void **st) {
  pk_machine_t *m = *st;
  const vg_probe_t *p = pk_probe("scratch.space");
  fake_file_t *x;
  vg_thresholds_t th = p->th;
  double value = 0, crit = 0;
  healthy(&m->f);
  m->f.volume.free_bytes = 39 * GiB;
  pk_set(&m->r.cfg, "scratch.space", "backup_bytes", "100G");

  /* auto without a hint: no margin, 39% free. */
  pk_step(&m->r, &m->f.os, "scratch.space", VG_ST_OK,
          "39.0% of the backup data size 100.0 GiB (warn");
  pk_expect_fact(&m->r.facts, "system_state", "no");
  pk_expect_fact(&m->r.facts, "system_state_source",
                 "auto: no System State hint found");

  /* auto with a documented System State value: +30 GiB, 9% left. */
  fake_reg_dword(&m->f, VG_MARS_CBP_KEY, "SSBScheduleDays", 1230);
  pk_step(&m->r, &m->f.os, "scratch.space", VG_ST_WARN,
          "9.0% of the backup data size 100.0 GiB after the "
          "30.0 GiB System State margin (warn < 10%)");
  pk_expect_fact(&m->r.facts, "system_state_source",
                 "auto: SSBScheduleDays is set under HKLM\\" VG_MARS_CBP_KEY);
  assert_int_equal(vg_facts_int_or(&m->r.facts, "margin_bytes", 0),
                   (int64_t)(30 * GiB));
  /* The forecast aims at crit plus the margin. */
  assert_int_equal(p->trend(&m->r.facts, &th, &value, &crit), 0);
  assert_true(crit == 5.0 * GiB + 30.0 * GiB);

  /* no wins over the hint; yes without one. */
  pk_set(&m->r.cfg, "scratch.space", "system_state", "no");
  pk_step(&m->r, &m->f.os, "scratch.space", VG_ST_OK, "39.0%");
  pk_expect_fact(&m->r.facts, "system_state_source", "config");
  m->f.reg[m->f.nreg - 1].value[0] = 'X'; /* the hint is gone */
  pk_set(&m->r.cfg, "scratch.space", "system_state", "yes");
  pk_set(&m->r.cfg, "scratch.space", "system_state_margin", "35G");
  pk_step(&m->r, &m->f.os, "scratch.space", VG_ST_CRIT,
          "after the 35.0 GiB System State margin (crit");

  /* auto with the staging folder in the scratch folder (unconfirmed). */
  pk_set(&m->r.cfg, "scratch.space", "system_state", "auto");
  x = fake_file(&m->f, "D:\\MARS\\Scratch\\SSBV", VG_FA_DIRECTORY);
  pk_run(&m->r, &m->f.os, "scratch.space");
  pk_expect_fact(&m->r.facts, "system_state_source",
                 "auto: staging folder D:\\MARS\\Scratch\\SSBV exists");
  x->attrs = 0x20; /* a file of that name is no hint */
  pk_run(&m->r, &m->f.os, "scratch.space");
  pk_expect_fact(&m->r.facts, "system_state", "no");
}

/* ---- scratch.config: Azure temporary and OS disks --------------------- */

static void config_azure_disks(void **st) {
  pk_machine_t *m = *st;
  fake_file_t *readme;
  healthy(&m->f); /* the fake's volume is C:\ for every path */
  readme = fake_file(&m->f, "C:\\DATALOSS_WARNING_README.txt", 0x20);

  /* The README alone (not an Azure VM): nothing to say. The MARS keys
   * under "Windows Azure Backup" are no Azure hint. */
  pk_step(&m->r, &m->f.os, "scratch.config", VG_ST_OK,
          "both ScratchLocation values agree");
  pk_expect_fact(&m->r.facts, "azure_vm_source", "auto: no Azure hint found");

  /* Azure's guest agent: the temporary disk is crit. */
  fake_svc(&m->f, "WindowsAzureGuestAgent", VG_SVC_RUNNING, VG_SVC_AUTO);
  pk_step(&m->r, &m->f.os, "scratch.config", VG_ST_CRIT,
          "Scratch folder is on the Azure VM's temporary "
          "disk C:\\ (DATALOSS_WARNING_README.txt)");
  assert_true(pk_predicted(&m->r.out, "34506"));
  assert_non_null(strstr(m->r.out.remedy, "persistent data disk"));

  /* azure_vm = no overrides the detection. */
  pk_set(&m->r.cfg, "scratch.config", "azure_vm", "no");
  pk_step(&m->r, &m->f.os, "scratch.config", VG_ST_OK, NULL);
  pk_set(&m->r.cfg, "scratch.config", "azure_vm", "auto");

  /* Not the temporary disk but the OS disk: warn. */
  readme->attrs = VG_FA_DIRECTORY; /* a folder of that name is no README */
  fake_env(&m->f, "SystemDrive", "C:");
  pk_step(&m->r, &m->f.os, "scratch.config", VG_ST_WARN,
          "on the Azure VM's OS disk C:\\");

  /* The registry key of the guest agent is a hint too. */
  m->f.nsvcs--;
  fake_reg_sz(&m->f, "SOFTWARE\\Microsoft\\Windows Azure\\GuestAgent",
              "Version", "2.7");
  pk_step(&m->r, &m->f.os, "scratch.config", VG_ST_WARN, "OS disk");
  pk_expect_fact(&m->r.facts, "azure_vm_source",
                 "auto: HKLM\\SOFTWARE\\Microsoft\\Windows Azure");
}

/* ---- mars.install: offline seeding ------------------------------------ */

static void install_offline_seeding_floor(void **st) {
  pk_machine_t *m = *st;
  healthy(&m->f);
  m->f.files[1].version[2] = 9249; /* cbengine.exe 2.0.9249.0 */
  pk_step(&m->r, &m->f.os, "mars.install", VG_ST_OK,
          "MARS agent 2.0.9249.0 installed");
  assert_false(vg_facts_bool_or(&m->r.facts, "offline_seeding", 1));
  fake_reg_sz(&m->f, VG_MARS_CBP_KEY, "azureadappcertthumbprint_vault1",
              "0123456789ABCDEF");
  pk_step(&m->r, &m->f.os, "mars.install", VG_ST_CRIT,
          "older than 2.0.9250.0, which offline seeding "
          "needs (offline seeding is configured: "
          "azureadappcertthumbprint_vault1");
  assert_true(pk_predicted(&m->r.out, "offline backup fails"));
  m->f.files[1].version[2] = 9250;
  pk_step(&m->r, &m->f.os, "mars.install", VG_ST_OK, "2.0.9250.0");
  /* An unreadable key leaves the floor unchecked, says why in the facts. */
  m->f.files[1].version[2] = 9249;
  m->f.reg[m->f.nreg - 1].key[0] = 'X'; /* the thumbprint is gone */
  fake_reg_err(&m->f, VG_MARS_CBP_KEY, "Broken", VG_EACCES);
  pk_run(&m->r, &m->f.os, "mars.install");
  pk_expect(&m->r.out, VG_ST_OK,
            "; offline seeding not checked (HKLM\\" VG_MARS_CBP_KEY
            ": access denied)");
  pk_expect_fact(&m->r.facts, "offline_seeding_error", "access denied");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(evaluates_recorded_facts),
      cmocka_unit_test(numbers_and_scopes_are_the_contract),
      cmocka_unit_test(healthy_machine_is_ok_everywhere),
      cmocka_unit_test(absent_agent_is_na_and_asks_nothing),
      pk_machine_test(mgmtagent_found_by_display_name),
      pk_machine_test(mgmtagent_found_by_binary_not_engine),
      pk_machine_test(mgmtagent_configured_name_and_errors),
      pk_machine_test(registration_baseline_rename_reregister),
      pk_machine_test(registration_missing_values_and_errors),
      pk_machine_test(volumes_default_selection),
      pk_machine_test(volumes_configured_list),
      pk_machine_test(volumes_every_problem),
      pk_machine_test(volumes_many_problem_kept),
      pk_machine_test(volumes_readers_fail),
      pk_machine_test(writers_failed_system_writer_first),
      pk_machine_test(writers_wait_within_the_deadline),
      pk_machine_test(writers_com_failures_are_unknown),
      pk_machine_test(writers_list_bounded),
      pk_machine_test(space_system_state_margin),
      pk_machine_test(config_azure_disks),
      pk_machine_test(install_offline_seeding_floor),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
