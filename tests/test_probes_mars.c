/* test_probes_mars.c: mars.install, mars.engine, scratch.config,
 * scratch.attributes, scratch.kek and temp.files - evaluate against
 * recorded facts (tests/fixtures/<probe>/), collect against a fake machine,
 * and the two together the way the agent runs them. */
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

#include <string.h>

#define IP "C:\\Program Files\\Microsoft Azure Recovery Services Agent"
#define ENGINE IP "\\bin\\cbengine.exe"
#define UNINSTALL "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall"

/* ---- helpers ---------------------------------------------------------- */

/* A healthy agent: install folder, cbengine.exe 2.0.9262.0, both scratch
 * values, the scratch folder with its KEK, a running automatic obengine. */
static void healthy(fake_os_t *f) {
  fake_file_t *x;
  fake_os_init(f);
  fake_reg_sz(f, VG_MARS_SETUP_KEY, "InstallPath", IP "\\");
  fake_reg_sz(f, VG_MARS_CONFIG_KEY, "ScratchLocation", "D:\\MARS\\Scratch");
  fake_reg_sz(f, VG_MARS_CBP_KEY, "ScratchLocation", "d:\\mars\\scratch\\");
  fake_file(f, IP, VG_FA_DIRECTORY);
  x = fake_file(f, ENGINE, 0x20);
  x->version[0] = 2, x->version[2] = 9262;
  fake_file(f, "D:\\MARS\\Scratch", VG_FA_DIRECTORY);
  fake_file(f, "D:\\MARS\\Scratch\\OnlineBackup.KEK", 0x20);
  x = fake_file(f, "C:\\Windows\\Temp", VG_FA_DIRECTORY);
  x->count = 12;
  fake_svc(f, "obengine", VG_SVC_RUNNING, VG_SVC_AUTO)->info.pid = 900;
}

/* ---- recorded facts --------------------------------------------------- */

static void evaluates_recorded_facts(void **st) {
  static const fixture_min_t m[] = {
      {"mars.install", 16},       {"mars.engine", 11}, {"scratch.config", 15},
      {"scratch.attributes", 12}, {"scratch.kek", 5},  {"temp.files", 11},
  };
  (void)st;
  run_fixtures_each(m, VG_ARRAY_SIZE(m));
}

/* ---- a healthy machine ------------------------------------------------ */

static void healthy_machine_is_ok_everywhere(void **st) {
  static const char *const ids[] = {"mars.install",   "mars.engine",
                                    "scratch.config", "scratch.attributes",
                                    "scratch.kek",    "temp.files"};
  fake_os_t f;
  (void)st;
  healthy(&f);
  pk_expect_each(&f.os, ids, VG_ARRAY_SIZE(ids), VG_ST_OK, NULL);
}

static void absent_agent(void **st) {
  pk_machine_t *m = *st;
  static const char *const deps[] = {"mars.engine", "scratch.config",
                                     "scratch.attributes", "scratch.kek"};
  fake_os_init(&m->f);
  pk_step(&m->r, &m->f.os, "mars.install", VG_ST_CRIT,
          "MARS agent is not installed");
  pk_expect_each(&m->f.os, deps, VG_ARRAY_SIZE(deps), VG_ST_NA,
                 "MARS agent is not installed");
  pk_set(&m->r.cfg, "mars.install", "required", "no");
  pk_step(&m->r, &m->f.os, "mars.install", VG_ST_NA, "not installed");
}

static void unreadable_setup_key_is_unknown_everywhere(void **st) {
  pk_machine_t *m = *st;
  static const char *const ids[] = {"mars.install", "mars.engine",
                                    "scratch.config", "scratch.attributes",
                                    "scratch.kek"};
  size_t i;
  fake_os_init(&m->f);
  fake_reg_err(&m->f, VG_MARS_SETUP_KEY, "InstallPath", VG_EACCES);
  for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
    pk_run(&m->r, &m->f.os, ids[i]);
    assert_int_equal(m->r.rc, VG_EACCES);
    pk_expect(&m->r.out, VG_ST_UNKNOWN, "access denied");
    pk_expect(&m->r.out, VG_ST_UNKNOWN, "InstallPath");
  }
}

/* ---- mars.install ----------------------------------------------------- */

static void install_reads_file_version(void **st) {
  pk_machine_t *m = *st;
  healthy(&m->f);
  pk_run(&m->r, &m->f.os, "mars.install");
  assert_string_equal(vg_facts_get_str(&m->r.facts, "install_path"), IP);
  assert_string_equal(vg_facts_get_str(&m->r.facts, "engine_path"), ENGINE);
  assert_string_equal(vg_facts_get_str(&m->r.facts, "file_version"),
                      "2.0.9262.0");
  assert_null(vg_facts_get_str(&m->r.facts, "uninstall_version"));
  pk_expect(&m->r.out, VG_ST_OK, "MARS agent 2.0.9262.0 installed in " IP);

  m->f.files[1].version[2] = 9248; /* cbengine.exe 2.0.9248.0 */
  pk_step(&m->r, &m->f.os, "mars.install", VG_ST_WARN, "older than 2.0.9249.0");
  assert_string_equal(m->r.out.predicts[0], "34513");
  m->f.files[1].version[2] = 9082;
  pk_step(&m->r, &m->f.os, "mars.install", VG_ST_CRIT, "crit < 2.0.9083.0");
}

static void install_falls_back_to_uninstall_entry(void **st) {
  pk_machine_t *m = *st;
  healthy(&m->f);
  m->f.files[1].version[0] = 0; /* no version resource */
  fake_reg_sz(&m->f, UNINSTALL "\\{0BE2C6F6}", "DisplayName", "Some Other App");
  fake_reg_sz(&m->f, UNINSTALL "\\{0BE2C6F6}", "DisplayVersion", "9.9.9.9");
  fake_reg_sz(&m->f, UNINSTALL "\\{FFE6D16C}", "DisplayName",
              "Microsoft Azure Recovery Services Agent");
  fake_reg_sz(&m->f, UNINSTALL "\\{FFE6D16C}", "DisplayVersion", "2.0.9100.0");
  pk_run(&m->r, &m->f.os, "mars.install");
  assert_string_equal(vg_facts_get_str(&m->r.facts, "engine_error"),
                      "no version resource");
  assert_string_equal(vg_facts_get_str(&m->r.facts, "uninstall_key"),
                      "{FFE6D16C}");
  pk_expect(&m->r.out, VG_ST_WARN, "2.0.9100.0");
  pk_expect(&m->r.out, VG_ST_WARN, "[version from Programs and Features]");

  /* No entry either: unknown with the reason. */
  fake_os_init(&m->f);
  fake_reg_sz(&m->f, VG_MARS_SETUP_KEY, "InstallPath", IP);
  fake_file(&m->f, ENGINE, 0x20)->err = 0; /* present, no version */
  pk_step(&m->r, &m->f.os, "mars.install", VG_ST_UNKNOWN,
          "no version resource");
}

static void install_broken_or_incomplete(void **st) {
  pk_machine_t *m = *st;
  /* Uninstall entry without Setup\InstallPath. */
  fake_os_init(&m->f);
  fake_reg_sz(&m->f, UNINSTALL "\\MARS", "DisplayName",
              "Microsoft Azure Recovery Services Agent");
  fake_reg_sz(&m->f, UNINSTALL "\\MARS", "DisplayVersion", "2.0.9262.0");
  pk_step(&m->r, &m->f.os, "mars.install", VG_ST_CRIT,
          "2.0.9262.0 is listed in Programs and Features");
  /* InstallPath without cbengine.exe. */
  fake_os_init(&m->f);
  fake_reg_sz(&m->f, VG_MARS_SETUP_KEY, "InstallPath", IP);
  pk_step(&m->r, &m->f.os, "mars.install", VG_ST_CRIT,
          "bin\\cbengine.exe not found");
  /* cbengine.exe unreadable (access denied) and no fallback. */
  fake_file(&m->f, ENGINE, 0x20)->err = VG_EACCES;
  pk_step(&m->r, &m->f.os, "mars.install", VG_ST_UNKNOWN, "access denied");
}

/* ---- mars.engine ------------------------------------------------------ */

static void engine_states(void **st) {
  pk_machine_t *m = *st;
  healthy(&m->f);
  pk_step(&m->r, &m->f.os, "mars.engine", VG_ST_OK,
          "obengine is running (start type auto, pid 900)");
  assert_string_equal(vg_facts_get_str(&m->r.facts, "state"), "running");

  m->f.svcs[0].info.start_type = VG_SVC_DEMAND;
  pk_step(&m->r, &m->f.os, "mars.engine", VG_ST_WARN, "start type is manual");
  assert_string_equal(vg_facts_get_str(&m->r.facts, "start_type"), "manual");

  m->f.svcs[0].info.state = VG_SVC_STOPPED;
  pk_step(&m->r, &m->f.os, "mars.engine", VG_ST_CRIT,
          "obengine is stopped (start type manual)");

  m->f.svcs[0].info.start_type = VG_SVC_DISABLED;
  pk_step(&m->r, &m->f.os, "mars.engine", VG_ST_CRIT, "obengine is disabled");

  m->f.nsvcs = 0;
  pk_step(&m->r, &m->f.os, "mars.engine", VG_ST_CRIT,
          "obengine is not installed");

  m->f.svc_err = VG_EACCES;
  pk_step(&m->r, &m->f.os, "mars.engine", VG_ST_UNKNOWN,
          "cannot query the obengine service: access "
          "denied");
}

/* ---- scratch.config --------------------------------------------------- */

static void config_problems(void **st) {
  pk_machine_t *m = *st;
  healthy(&m->f);
  pk_step(&m->r, &m->f.os, "scratch.config", VG_ST_OK,
          "both ScratchLocation values agree");
  assert_true(vg_facts_bool_or(&m->r.facts, "writable", 0));

  m->f.files[2].writable = 0; /* D:\MARS\Scratch */
  pk_step(&m->r, &m->f.os, "scratch.config", VG_ST_CRIT,
          "Cannot create a file in D:\\MARS\\Scratch (access "
          "denied)");

  m->f.files[2].writable = 1;
  m->f.volume.read_only = 1;
  pk_step(&m->r, &m->f.os, "scratch.config", VG_ST_CRIT, "read-only");
  assert_null(vg_facts_find(&m->r.facts, "writable")); /* no write attempted */

  m->f.volume.read_only = 0;
  m->f.volume.drive_type = VG_DRIVE_REMOVABLE;
  pk_step(&m->r, &m->f.os, "scratch.config", VG_ST_CRIT, "removable volume");

  m->f.volume.drive_type = VG_DRIVE_FIXED;
  m->f.files[2].attrs = 0x20; /* a file where the folder should be */
  pk_step(&m->r, &m->f.os, "scratch.config", VG_ST_CRIT,
          "is a file, not a folder");

  m->f.files[2].path[0] = '\0'; /* gone */
  pk_step(&m->r, &m->f.os, "scratch.config", VG_ST_CRIT,
          "Scratch folder D:\\MARS\\Scratch does not exist");
}

static void config_values_and_errors(void **st) {
  pk_machine_t *m = *st;
  healthy(&m->f);
  vg_strlcpy(m->f.reg[2].v.str, "E:\\Scratch", sizeof(m->f.reg[2].v.str));
  pk_step(&m->r, &m->f.os, "scratch.config", VG_ST_CRIT,
          "ScratchLocation values differ: Config = "
          "D:\\MARS\\Scratch, CloudBackupProvider = "
          "E:\\Scratch");

  m->f.reg[2].value[0] = '\0'; /* CloudBackupProvider value gone */
  pk_step(&m->r, &m->f.os, "scratch.config", VG_ST_CRIT,
          "ScratchLocation is missing under HKLM\\" VG_MARS_CBP_KEY);

  /* Present but unreadable: unknown, never "missing". */
  fake_reg_err(&m->f, VG_MARS_CBP_KEY, "ScratchLocation", VG_EACCES);
  pk_step(&m->r, &m->f.os, "scratch.config", VG_ST_UNKNOWN, "access denied");

  /* A path too long for the OS, or a junction loop (Windows reports both
   * as VG_ERANGE): unknown, and the summary says which kinds of fault. */
  healthy(&m->f);
  m->f.files[2].err = VG_ERANGE;
  pk_step(&m->r, &m->f.os, "scratch.config", VG_ST_UNKNOWN,
          "cannot read the attributes of D:\\MARS\\Scratch: path too long "
          "or a link loop");
  pk_step(&m->r, &m->f.os, "scratch.attributes", VG_ST_UNKNOWN,
          "cannot read the attributes of D:\\MARS\\Scratch: path too long "
          "or a link loop");
  assert_null(strstr(m->r.out.summary, "value out of range"));
}

/* ---- scratch.attributes ----------------------------------------------- */

static void attributes(void **st) {
  pk_machine_t *m = *st;
  healthy(&m->f);
  m->f.files[2].attrs |= VG_FA_COMPRESSED | VG_FA_REPARSE;
  pk_step(&m->r, &m->f.os, "scratch.attributes", VG_ST_CRIT,
          "compressed, a reparse point");
  m->f.files[2].path[0] = '\0';
  pk_step(&m->r, &m->f.os, "scratch.attributes", VG_ST_UNKNOWN,
          "does not exist");
  assert_int_equal(m->f.dedup_queries, 1); /* not asked for a missing folder */
}

static void attributes_dedup(void **st) {
  pk_machine_t *m = *st;
  int b = -1;
  healthy(&m->f);
  pk_step(&m->r, &m->f.os, "scratch.attributes", VG_ST_OK,
          "is a plain folder (not encrypted, compressed, sparse "
          "or a reparse point) on a volume without "
          "deduplication");

  m->f.dedup_enabled = 1;
  pk_step(&m->r, &m->f.os, "scratch.attributes", VG_ST_CRIT,
          "Scratch folder D:\\MARS\\Scratch is on a "
          "deduplicated volume");
  assert_non_null(strstr(m->r.out.remedy, "plain NTFS folder"));
  m->f.files[2].attrs |= VG_FA_SPARSE;
  pk_step(&m->r, &m->f.os, "scratch.attributes", VG_ST_CRIT,
          "is sparse, on a deduplicated volume");

  /* Feature not installed: an answer, not deduplicated. */
  m->f.files[2].attrs &= ~VG_FA_SPARSE;
  m->f.dedup_enabled = 0;
  vg_strlcpy(m->f.dedup_why, "Data Deduplication is not installed",
             sizeof(m->f.dedup_why));
  pk_run(&m->r, &m->f.os, "scratch.attributes");
  pk_expect(&m->r.out, VG_ST_OK, "; Data Deduplication is not installed");
  assert_int_equal(vg_facts_get_bool(&m->r.facts, "deduplicated", &b), 0);
  assert_int_equal(b, 0);

  /* WMI fails: the fact is null with the reason; the probe still answers
   * from the attributes, and a bad attribute is still crit. */
  m->f.dedup_rc = VG_EACCES;
  vg_strlcpy(m->f.dedup_why,
             "IWbemLocator::ConnectServer(ROOT\\Microsoft\\Windows\\"
             "Deduplication): 0x80041003 WBEM_E_ACCESS_DENIED",
             sizeof(m->f.dedup_why));
  pk_run(&m->r, &m->f.os, "scratch.attributes");
  assert_int_equal(m->r.rc, 0);
  pk_expect(&m->r.out, VG_ST_OK,
            "deduplication not checked: IWbemLocator::"
            "ConnectServer");
  assert_non_null(vg_facts_find(&m->r.facts, "deduplicated"));
  assert_int_equal(vg_facts_get_bool(&m->r.facts, "deduplicated", &b),
                   VG_ENOENT); /* null */
  assert_non_null(strstr(vg_facts_get_str(&m->r.facts, "dedup_error"),
                         "WBEM_E_ACCESS_DENIED"));
  m->f.dedup_why[0] = '\0';
  m->f.files[2].attrs |= VG_FA_ENCRYPTED;
  pk_step(&m->r, &m->f.os, "scratch.attributes", VG_ST_CRIT, "is encrypted");
  assert_string_equal(vg_facts_get_str(&m->r.facts, "dedup_error"),
                      "access denied");

  /* No such facility (POSIX): no dedup facts at all. */
  m->f.files[2].attrs &= ~VG_FA_ENCRYPTED;
  m->f.dedup_rc = VG_ENOTSUP;
  pk_step(&m->r, &m->f.os, "scratch.attributes", VG_ST_OK,
          "or a reparse point)");
  assert_null(vg_facts_find(&m->r.facts, "deduplicated"));
  assert_null(vg_facts_find(&m->r.facts, "dedup_error"));
}

/* ---- scratch.kek ------------------------------------------------------ */

static void kek_search(void **st) {
  pk_machine_t *m = *st;
  healthy(&m->f);
  pk_step(&m->r, &m->f.os, "scratch.kek", VG_ST_OK,
          "D:\\MARS\\Scratch\\OnlineBackup.KEK is present");

  /* Only under the install folder. */
  vg_strlcpy(m->f.files[3].path, IP "\\OnlineBackup.KEK",
             sizeof(m->f.files[3].path));
  pk_step(&m->r, &m->f.os, "scratch.kek", VG_ST_OK,
          IP "\\OnlineBackup.KEK is present");

  /* Nowhere: crit naming both folders searched. */
  m->f.files[3].path[0] = '\0';
  pk_run(&m->r, &m->f.os, "scratch.kek");
  pk_expect(&m->r.out, VG_ST_CRIT, "not found in D:\\MARS\\Scratch; " IP);

  /* A configured location with a variable. */
  fake_file(&m->f, "C:\\Windows\\Keys\\OnlineBackup.KEK", 0x20);
  pk_set(&m->r.cfg, "scratch.kek", "locations",
         "{scratch} ; %SystemRoot%\\Keys\\");
  pk_step(&m->r, &m->f.os, "scratch.kek", VG_ST_OK,
          "C:\\Windows\\Keys\\OnlineBackup.KEK");

  /* Unreadable first location, found in the second: still ok. */
  fake_file(&m->f, "D:\\MARS\\Scratch\\OnlineBackup.KEK", 0x20)->err =
      VG_EACCES;
  pk_step(&m->r, &m->f.os, "scratch.kek", VG_ST_OK, "C:\\Windows\\Keys");
  /* ...and not found anywhere else: unknown, not crit. */
  m->f.files[m->f.nfiles - 2].path[0] = '\0';
  pk_step(&m->r, &m->f.os, "scratch.kek", VG_ST_UNKNOWN, "access denied");
}

static void kek_registration_marker(void **st) {
  pk_machine_t *m = *st;
  healthy(&m->f);
  m->f.files[3].path[0] = '\0'; /* no KEK */
  pk_set(&m->r.cfg, "scratch.kek", "registered_value",
         "SOFTWARE\\Microsoft\\Windows Azure Backup\\Config\\MachineId");
  pk_step(&m->r, &m->f.os, "scratch.kek", VG_ST_NA, "not registered");
  fake_reg_sz(&m->f, "SOFTWARE\\Microsoft\\Windows Azure Backup\\Config",
              "MachineId", "5f0c");
  pk_step(&m->r, &m->f.os, "scratch.kek", VG_ST_CRIT,
          "OnlineBackup.KEK not found");
  assert_string_equal(vg_facts_get_str(&m->r.facts, "registered_source"),
                      "registry");
}

/* ---- temp.files ------------------------------------------------------- */

static void temp_counting_stops_at_crit(void **st) {
  pk_machine_t *m = *st;
  healthy(&m->f);
  pk_step(&m->r, &m->f.os, "temp.files", VG_ST_OK,
          "12 .tmp files in C:\\Windows\\Temp (warn >= 60,000)");
  assert_int_equal(m->f.count_stop_at, 65000);
  assert_string_equal(m->f.count_pattern, "*.tmp");

  m->f.files[4].count = 61204;
  pk_step(&m->r, &m->f.os, "temp.files", VG_ST_WARN,
          "61,204 .tmp files in C:\\Windows\\Temp (warn >= "
          "60,000)");

  m->f.files[4].count = 250000; /* the fake stops at stop_at like the OS */
  pk_step(&m->r, &m->f.os, "temp.files", VG_ST_CRIT,
          "65,000 or more .tmp files");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "count", 0), 65000);

  /* Lowered thresholds move where counting stops. */
  pk_set(&m->r.cfg, "temp.files", "warn", "100");
  pk_set(&m->r.cfg, "temp.files", "crit", "200");
  pk_run(&m->r, &m->f.os, "temp.files");
  assert_int_equal(m->f.count_stop_at, 200);
  pk_expect(&m->r.out, VG_ST_CRIT,
            "200 or more .tmp files in C:\\Windows\\Temp (crit "
            ">= 200;");
}

static void temp_folder_errors(void **st) {
  pk_machine_t *m = *st;
  healthy(&m->f);
  m->f.files[4].err = VG_EACCES;
  pk_step(&m->r, &m->f.os, "temp.files", VG_ST_UNKNOWN,
          "cannot count the *.tmp files in "
          "C:\\Windows\\Temp: access denied");
  pk_set(&m->r.cfg, "temp.files", "path", "D:\\Elsewhere");
  pk_step(&m->r, &m->f.os, "temp.files", VG_ST_UNKNOWN,
          "D:\\Elsewhere: not found");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(evaluates_recorded_facts),
      cmocka_unit_test(healthy_machine_is_ok_everywhere),
      pk_machine_test(absent_agent),
      pk_machine_test(unreadable_setup_key_is_unknown_everywhere),
      pk_machine_test(install_reads_file_version),
      pk_machine_test(install_falls_back_to_uninstall_entry),
      pk_machine_test(install_broken_or_incomplete),
      pk_machine_test(engine_states),
      pk_machine_test(config_problems),
      pk_machine_test(config_values_and_errors),
      pk_machine_test(attributes),
      pk_machine_test(attributes_dedup),
      pk_machine_test(kek_search),
      pk_machine_test(kek_registration_marker),
      pk_machine_test(temp_counting_stops_at_crit),
      pk_machine_test(temp_folder_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
