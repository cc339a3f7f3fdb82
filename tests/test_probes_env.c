/* test_probes_env.c: dotnet.version, powershell.env, tls.config and
 * av.exclusions - evaluate against recorded facts (tests/fixtures/<id>/),
 * collect against a fake machine, and the powershell.env module baseline
 * from first healthy sight to a changed or missing file. */
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
#define MODDIR IP "\\bin\\Modules\\MSOnlineBackup"
#define DOTNET_KEY "SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full"
#define SCHANNEL_KEY                                                           \
  "SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\"          \
  "Protocols\\TLS 1.2\\Client"
#define NET_KEY "SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319"
#define NT_KEY "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
#define PS3_KEY "SOFTWARE\\Microsoft\\PowerShell\\3\\PowerShellEngine"
#define ENV_KEY                                                                \
  "SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment"
#define PSLM_KEY                                                               \
  "SOFTWARE\\Microsoft\\PowerShell\\1\\ShellIds\\Microsoft.PowerShell"
#define PSGP_KEY "SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell"
#define WD_KEY "SOFTWARE\\Microsoft\\Windows Defender"
#define WDP_KEY "SOFTWARE\\Policies\\Microsoft\\Windows Defender"

/* ------------------------------------------------------------- helpers */

/* collect + evaluate with no memo; asserts collect succeeded. */
static void check(fake_os_t *f, const char *id, vg_finding_t *out) {
  vg_facts_t facts;
  assert_int_equal(pk_cycle(&f->os, NULL, id, 0, &facts, out), 0);
  vg_facts_reset(&facts);
}

static void plant_mars(fake_os_t *f) {
  fake_reg_sz(f, VG_MARS_SETUP_KEY, "InstallPath", IP "\\");
}

/* ------------------------------------------------------ recorded facts */

static void evaluates_recorded_facts(void **st) {
  static const fixture_min_t m[] = {
      {"dotnet.version", 9},
      {"powershell.env", 30},
      {"tls.config", 11},
      {"av.exclusions", 9},
  };
  (void)st;
  run_fixtures_each(m, VG_ARRAY_SIZE(m));
}

/* -------------------------------------------------------- dotnet.version */

static void dotnet_reads_release(void **st) {
  fake_os_t f;
  vg_facts_t facts;
  vg_finding_t out;
  (void)st;
  fake_os_init(&f);
  fake_reg_dword(&f, DOTNET_KEY, "Release", 461814);
  fake_reg_sz(&f, DOTNET_KEY, "Version", "4.7.03190");
  assert_int_equal(pk_collect(&f.os, NULL, "dotnet.version", &facts), 0);
  assert_int_equal(vg_facts_int_or(&facts, "release", 0), 461814);
  assert_string_equal(vg_facts_get_str(&facts, "version"), "4.7.03190");
  vg_facts_reset(&facts);
  check(&f, "dotnet.version", &out);
  assert_int_equal(out.status, VG_ST_WARN);
  assert_string_equal(out.summary,
                      "Release 461814 = .NET 4.7.2 (warn < 528040, .NET 4.8)");
}

static void dotnet_missing_is_crit_even_without_mars(void **st) {
  fake_os_t f;
  vg_finding_t out;
  (void)st;
  fake_os_init(&f); /* no MARS, no .NET: still a machine prerequisite */
  check(&f, "dotnet.version", &out);
  assert_int_equal(out.status, VG_ST_CRIT);
  pk_has(out.summary, ".NET Framework 4.5 or later not installed");
}

static void dotnet_unreadable_is_an_error_with_reason(void **st) {
  fake_os_t f;
  vg_facts_t facts;
  (void)st;
  fake_os_init(&f);
  fake_reg_err(&f, DOTNET_KEY, "Release", VG_EACCES);
  assert_int_equal(pk_collect(&f.os, NULL, "dotnet.version", &facts),
                   VG_EACCES);
  assert_non_null(strstr(facts.error, "Release: access denied"));
  vg_facts_reset(&facts);

  fake_os_init(&f);
  fake_reg_sz(&f, DOTNET_KEY, "Release", "528040");
  assert_int_equal(pk_collect(&f.os, NULL, "dotnet.version", &facts),
                   VG_EINVAL);
  assert_non_null(strstr(facts.error, "is not a DWORD"));
  vg_facts_reset(&facts);
}

static void dotnet_no_registry_is_na(void **st) {
  fake_os_t f;
  vg_finding_t out;
  (void)st;
  fake_os_init(&f);
  f.reg_err = VG_ENOTSUP;
  check(&f, "dotnet.version", &out);
  assert_int_equal(out.status, VG_ST_NA);
}

/* ------------------------------------------------------------ tls.config */

static void plant_net(fake_os_t *f, unsigned view) {
  fake_reg_dword_view(f, view, NET_KEY, "SystemDefaultTlsVersions", 1);
  fake_reg_dword_view(f, view, NET_KEY, "SchUseStrongCrypto", 1);
}

static void tls_reads_both_views(void **st) {
  fake_os_t f;
  vg_facts_t facts;
  vg_finding_t out;
  (void)st;
  fake_os_init(&f);
  fake_reg_dword(&f, NT_KEY, "CurrentMajorVersionNumber", 10);
  fake_reg_dword(&f, NT_KEY, "CurrentMinorVersionNumber", 0);
  fake_reg_sz(&f, NT_KEY, "CurrentVersion", "6.3");
  plant_net(&f, VG_REG_64);
  assert_int_equal(pk_collect(&f.os, NULL, "tls.config", &facts), 0);
  assert_int_equal(vg_facts_int_or(&facts, "os_major", 0), 10);
  assert_int_equal(vg_facts_int_or(&facts, "net64_strong_crypto", 0), 1);
  assert_non_null(vg_facts_find(&facts, "net32_strong_crypto"));
  assert_int_equal(vg_facts_int_or(&facts, "net32_strong_crypto", -1), -1);
  vg_facts_reset(&facts);
  check(&f, "tls.config", &out);
  assert_int_equal(out.status, VG_ST_WARN);
  pk_has(out.summary, "SchUseStrongCrypto (32-bit) absent");

  plant_net(&f, VG_REG_32); /* the WOW6432Node twin */
  check(&f, "tls.config", &out);
  assert_int_equal(out.status, VG_ST_OK);
  pk_has(out.summary, "OS default on NT 10.0");

  fake_reg_dword(&f, SCHANNEL_KEY, "Enabled", 0);
  check(&f, "tls.config", &out);
  assert_int_equal(out.status, VG_ST_CRIT);
  pk_has(out.summary, "TLS 1.2 client disabled (Schannel Enabled=0)");
}

static void tls_old_os_from_current_version(void **st) {
  fake_os_t f;
  vg_facts_t facts;
  vg_finding_t out;
  (void)st;
  fake_os_init(&f);
  fake_reg_sz(&f, NT_KEY, "CurrentVersion", "6.1");
  plant_net(&f, VG_REG_64);
  plant_net(&f, VG_REG_32);
  assert_int_equal(pk_collect(&f.os, NULL, "tls.config", &facts), 0);
  assert_int_equal(vg_facts_int_or(&facts, "os_major", 0), 6);
  assert_int_equal(vg_facts_int_or(&facts, "os_minor", 0), 1);
  vg_facts_reset(&facts);
  check(&f, "tls.config", &out);
  assert_int_equal(out.status, VG_ST_CRIT);
  fake_reg_dword(&f, SCHANNEL_KEY, "Enabled", 1);
  fake_reg_dword(&f, SCHANNEL_KEY, "DisabledByDefault", 0);
  check(&f, "tls.config", &out);
  assert_int_equal(out.status, VG_ST_OK);
}

static void tls_unreadable_is_an_error_with_reason(void **st) {
  fake_os_t f;
  vg_facts_t facts;
  (void)st;
  fake_os_init(&f);
  fake_reg_err(&f, SCHANNEL_KEY, "DisabledByDefault", VG_EACCES);
  assert_int_equal(pk_collect(&f.os, NULL, "tls.config", &facts), VG_EACCES);
  assert_non_null(strstr(facts.error, "DisabledByDefault: access denied"));
  vg_facts_reset(&facts);
}

/* --------------------------------------------------------- powershell.env */

static void plant_powershell(fake_os_t *f) {
  fake_file_t *x;
  plant_mars(f);
  fake_env(f, "ProgramFiles", "C:\\Program Files");
  fake_reg_sz(f, PS3_KEY, "PowerShellVersion", "5.1.17763.1");
  fake_reg_expand_sz(f, ENV_KEY, "PSModulePath",
                     "%SystemRoot%\\system32\\WindowsPowerShell\\v1.0\\"
                     "Modules\\;%ProgramFiles%\\Microsoft Azure Recovery "
                     "Services Agent\\bin\\Modules\\");
  fake_reg_sz(f, PSLM_KEY, "ExecutionPolicy", "RemoteSigned");
  fake_reg_sz(f, NT_KEY, "InstallationType", "Server");
  x = fake_file(f, IP "\\bin\\cbengine.exe", 0);
  x->version[0] = 2, x->version[2] = 9262;
  fake_file(f, MODDIR, VG_FA_DIRECTORY);
  fake_file(f, MODDIR "\\en-US", VG_FA_DIRECTORY); /* not listed */
  x = fake_file(f, MODDIR "\\MSOnlineBackup.psd1", 0);
  x->size = 2410, x->crc = 0x8a1b2c3d;
  x = fake_file(f, MODDIR "\\MSOnlineBackup.format.ps1xml", 0);
  x->size = 48213, x->crc = 0x1c2d3e4f;
  x = fake_file(f, MODDIR "\\MSOnlineBackup.types.ps1xml", 0);
  x->size = 1022, x->crc = 0x00ff00ff;
}

static fake_file_t *file_of(fake_os_t *f, const char *path) {
  int i;
  for (i = 0; i < f->nfiles; i++)
    if (strcmp(f->files[i].path, path) == 0) return &f->files[i];
  fail_msg("no fake file %s", path);
  return NULL;
}

static void powershell_collects_facts(void **st) {
  fake_os_t f;
  vg_facts_t facts;
  (void)st;
  fake_os_init(&f);
  plant_powershell(&f);
  assert_int_equal(pk_collect(&f.os, NULL, "powershell.env", &facts), 0);
  assert_string_equal(vg_facts_get_str(&facts, "ps_version"), "5.1.17763.1");
  assert_string_equal(vg_facts_get_str(&facts, "psmodulepath_expanded"),
                      "C:\\Windows\\system32\\WindowsPowerShell\\v1.0\\"
                      "Modules\\;" IP "\\bin\\Modules\\");
  assert_string_equal(vg_facts_get_str(&facts, "agent_version"), "2.0.9262.0");
  assert_string_equal(vg_facts_get_str(&facts, "module_dir"), MODDIR);
  assert_int_equal(vg_facts_int_or(&facts, "module_list_count", 0), 3);
  /* Sorted by name, size and CRC from file_crc32. */
  assert_string_equal(vg_facts_get_str(&facts, "module_list_0"),
                      "MSOnlineBackup.format.ps1xml|48213|1c2d3e4f\n"
                      "MSOnlineBackup.psd1|2410|8a1b2c3d\n"
                      "MSOnlineBackup.types.ps1xml|1022|00ff00ff\n");
  assert_string_equal(vg_facts_get_str(&facts, "lm_execution_policy"),
                      "RemoteSigned");
  vg_facts_reset(&facts);
}

/* The whole baseline life: first healthy sight fills memo_out, the same
 * files then match it, a changed CRC and a missing file are crit and name
 * the file, the memo is kept meanwhile, and an upgrade retakes it. */
static void powershell_baseline_flow(void **st) {
  fake_os_t f;
  vg_facts_t facts, memo, memo_out;
  vg_finding_t out;
  const int64_t t0 = 1763596800000; /* 2025-11-20 */
  fake_file_t *psd1, *types;
  (void)st;
  fake_os_init(&f);
  plant_powershell(&f);

  assert_int_equal(pk_collect(&f.os, NULL, "powershell.env", &facts), 0);
  pk_evaluate(NULL, "powershell.env", &facts, NULL, &memo_out, t0, &out);
  assert_int_equal(out.status, VG_ST_OK);
  pk_has(out.summary, "3 module files, baseline taken");
  assert_int_equal(vg_facts_int_or(&memo_out, "list_count", 0), 3);
  assert_int_equal(vg_facts_int_or(&memo_out, "taken_ms", 0), t0);
  assert_string_equal(vg_facts_get_str(&memo_out, "agent_version"),
                      "2.0.9262.0");
  assert_non_null(strstr(vg_facts_get_str(&memo_out, "list_0"),
                         "MSOnlineBackup.psd1|2410|8a1b2c3d\n"));
  vg_facts_init(&memo);
  assert_int_equal(vg_facts_copy(&memo, &memo_out), 0);
  vg_facts_reset(&memo_out);
  vg_facts_reset(&facts);

  /* Unchanged: ok against the baseline, memo kept. */
  assert_int_equal(pk_collect(&f.os, NULL, "powershell.env", &facts), 0);
  pk_evaluate(NULL, "powershell.env", &facts, &memo, &memo_out, t0 + 1, &out);
  assert_int_equal(out.status, VG_ST_OK);
  pk_has(out.summary, "3 module files match the 2025-11-20 baseline");
  assert_int_equal(memo_out.n, 0);
  vg_facts_reset(&facts);

  /* Same size, other contents. */
  psd1 = file_of(&f, MODDIR "\\MSOnlineBackup.psd1");
  psd1->crc = 0xdeadbeef;
  assert_int_equal(pk_collect(&f.os, NULL, "powershell.env", &facts), 0);
  pk_evaluate(NULL, "powershell.env", &facts, &memo, &memo_out, t0 + 2, &out);
  assert_int_equal(out.status, VG_ST_CRIT);
  pk_has(out.summary, "MSOnlineBackup.psd1 (CRC 8a1b2c3d -> deadbeef) "
                      "changed");
  pk_has(out.summary, "1 of 3 MSOnlineBackup files differ");
  assert_int_equal(memo_out.n, 0); /* a bad state never becomes baseline */
  assert_non_null(strstr(out.remedy, "Copy the MSOnlineBackup folder"));
  vg_facts_reset(&facts);
  psd1->crc = 0x8a1b2c3d;

  /* A file gone (moved out of the folder). */
  types = file_of(&f, MODDIR "\\MSOnlineBackup.types.ps1xml");
  strcpy(types->path, "C:\\elsewhere\\MSOnlineBackup.types.ps1xml");
  assert_int_equal(pk_collect(&f.os, NULL, "powershell.env", &facts), 0);
  pk_evaluate(NULL, "powershell.env", &facts, &memo, &memo_out, t0 + 3, &out);
  assert_int_equal(out.status, VG_ST_CRIT);
  pk_has(out.summary, "MSOnlineBackup.types.ps1xml missing");
  assert_int_equal(memo_out.n, 0);
  vg_facts_reset(&facts);

  /* An upgrade replaces the module: the baseline is retaken. */
  file_of(&f, IP "\\bin\\cbengine.exe")->version[2] = 9277;
  psd1->size = 2500;
  assert_int_equal(pk_collect(&f.os, NULL, "powershell.env", &facts), 0);
  pk_evaluate(NULL, "powershell.env", &facts, &memo, &memo_out, t0 + 4, &out);
  assert_int_equal(out.status, VG_ST_OK);
  pk_has(out.summary, "agent upgraded from 2.0.9262.0 to 2.0.9277.0");
  assert_int_equal(vg_facts_int_or(&memo_out, "list_count", 0), 2);
  assert_non_null(strstr(vg_facts_get_str(&memo_out, "list_0"),
                         "MSOnlineBackup.psd1|2500|8a1b2c3d\n"));
  vg_facts_reset(&memo_out);
  vg_facts_reset(&facts);
  vg_facts_reset(&memo);
}

static void powershell_unreadable_module_file_is_unknown(void **st) {
  fake_os_t f;
  vg_facts_t facts, memo_out;
  vg_finding_t out;
  (void)st;
  fake_os_init(&f);
  plant_powershell(&f);
  file_of(&f, MODDIR "\\MSOnlineBackup.psd1")->err = VG_EACCES;
  assert_int_equal(pk_collect(&f.os, NULL, "powershell.env", &facts), 0);
  assert_string_equal(vg_facts_get_str(&facts, "module_unread"),
                      "MSOnlineBackup.psd1 (access denied)");
  assert_string_equal(vg_facts_get_str(&facts, "module_list_0"),
                      "MSOnlineBackup.format.ps1xml|48213|1c2d3e4f\n"
                      "MSOnlineBackup.types.ps1xml|1022|00ff00ff\n");
  pk_evaluate(NULL, "powershell.env", &facts, NULL, &memo_out, 0, &out);
  assert_int_equal(out.status, VG_ST_UNKNOWN);
  pk_has(out.summary, "MSOnlineBackup.psd1 (access denied)");
  assert_int_equal(memo_out.n, 0); /* not healthy: no baseline */
  vg_facts_reset(&facts);
}

static void powershell_folder_missing_is_crit(void **st) {
  fake_os_t f;
  vg_finding_t out;
  (void)st;
  fake_os_init(&f);
  plant_powershell(&f);
  strcpy(file_of(&f, MODDIR)->path, "C:\\gone");
  check(&f, "powershell.env", &out);
  assert_int_equal(out.status, VG_ST_CRIT);
  pk_has(out.summary, "module folder " MODDIR " missing");
}

static void powershell_unreadable_version_is_unknown_part(void **st) {
  fake_os_t f;
  vg_finding_t out;
  (void)st;
  fake_os_init(&f);
  plant_powershell(&f);
  f.nreg = 0; /* replant without a readable version */
  plant_mars(&f);
  fake_reg_err(&f, PS3_KEY, "PowerShellVersion", VG_EACCES);
  fake_reg_expand_sz(&f, ENV_KEY, "PSModulePath", IP "\\bin\\Modules");
  fake_reg_dword(&f, PSGP_KEY, "EnableScripts", 1);
  fake_reg_sz(&f, PSGP_KEY, "ExecutionPolicy", "AllSigned");
  check(&f, "powershell.env", &out);
  assert_int_equal(out.status, VG_ST_UNKNOWN);
  pk_has(out.summary, "cannot read the PowerShell version: access "
                      "denied");
}

static void powershell_group_policy_restricted_is_crit(void **st) {
  fake_os_t f;
  vg_finding_t out;
  (void)st;
  fake_os_init(&f);
  plant_powershell(&f);
  fake_reg_dword(&f, PSGP_KEY, "EnableScripts", 0);
  check(&f, "powershell.env", &out);
  assert_int_equal(out.status, VG_ST_CRIT);
  pk_has(out.summary, "execution policy Restricted (Group Policy "
                      "EnableScripts=0)");
}

static void powershell_mars_absent_is_na(void **st) {
  fake_os_t f;
  vg_finding_t out;
  (void)st;
  fake_os_init(&f);
  check(&f, "powershell.env", &out);
  assert_int_equal(out.status, VG_ST_NA);
  check(&f, "av.exclusions", &out);
  assert_int_equal(out.status, VG_ST_NA);
}

/* ---------------------------------------------------------- av.exclusions */

static void plant_defender(fake_os_t *f) {
  plant_mars(f);
  fake_env(f, "ProgramFiles", "C:\\Program Files");
  fake_reg_sz(f, VG_MARS_CONFIG_KEY, "ScratchLocation", "D:\\MARS\\Scratch");
  fake_reg_sz(f, WD_KEY, "InstallLocation",
              "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\");
  fake_svc(f, "WinDefend", VG_SVC_RUNNING, VG_SVC_AUTO);
}

static void av_matches_env_wildcards_and_policy(void **st) {
  fake_os_t f;
  vg_facts_t facts;
  vg_finding_t out;
  (void)st;
  fake_os_init(&f);
  plant_defender(&f);
  /* Near misses first: none of these covers a target. */
  fake_reg_dword(&f, WD_KEY "\\Exclusions\\Paths", "D:\\MARS\\Scratch2", 0);
  fake_reg_dword(&f, WD_KEY "\\Exclusions\\Paths", IP "\\binaries", 0);
  fake_reg_dword(&f, WD_KEY "\\Exclusions\\Processes", "cbengine.exe.bak", 0);
  fake_reg_dword(&f, WD_KEY "\\Exclusions\\Processes", "xcsc.exe", 0);
  assert_int_equal(pk_collect(&f.os, NULL, "av.exclusions", &facts), 0);
  assert_int_equal(vg_facts_int_or(&facts, "path_exclusions", 0), 2);
  assert_int_equal(vg_facts_int_or(&facts, "process_exclusions", 0), 2);
  assert_null(vg_facts_get_str(&facts, "scratch_excluded_by"));
  assert_null(vg_facts_get_str(&facts, "bin_excluded_by"));
  assert_null(vg_facts_get_str(&facts, "cbengine_excluded_by"));
  assert_null(vg_facts_get_str(&facts, "csc_excluded_by"));
  vg_facts_reset(&facts);
  check(&f, "av.exclusions", &out);
  assert_int_equal(out.status, VG_ST_WARN);
  pk_has(out.summary, "4 of 4 MARS items: scratch folder "
                      "D:\\MARS\\Scratch, " IP "\\bin, process "
                      "cbengine.exe, process csc.exe");

  /* Now the real ones: a wildcard parent, an env var with a trailing
   * backslash, a bare image name in other case, a policy full path. */
  fake_reg_dword(&f, WD_KEY "\\Exclusions\\Paths", "D:\\MARS\\*", 0);
  fake_reg_dword(&f, WD_KEY "\\Exclusions\\Paths",
                 "%ProgramFiles%\\Microsoft Azure Recovery Services "
                 "Agent\\BIN\\",
                 0);
  fake_reg_dword(&f, WD_KEY "\\Exclusions\\Processes", "CBEngine.EXE", 0);
  fake_reg_sz(&f, WDP_KEY "\\Exclusions\\Processes",
              "%SystemRoot%\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe",
              "0");
  assert_int_equal(pk_collect(&f.os, NULL, "av.exclusions", &facts), 0);
  assert_string_equal(vg_facts_get_str(&facts, "scratch_excluded_by"),
                      "D:\\MARS\\*");
  assert_string_equal(vg_facts_get_str(&facts, "bin_excluded_by"),
                      "%ProgramFiles%\\Microsoft Azure Recovery Services "
                      "Agent\\BIN\\");
  assert_string_equal(vg_facts_get_str(&facts, "cbengine_excluded_by"),
                      "CBEngine.EXE");
  assert_string_equal(vg_facts_get_str(&facts, "csc_excluded_in"), "policy");
  vg_facts_reset(&facts);
  check(&f, "av.exclusions", &out);
  assert_int_equal(out.status, VG_ST_OK);
  pk_has(out.summary, "(4 path and 4 process exclusions)");
}

static void av_parent_folder_and_full_process_path(void **st) {
  fake_os_t f;
  vg_facts_t facts;
  (void)st;
  fake_os_init(&f);
  plant_mars(&f); /* default scratch: <InstallPath>\Scratch */
  fake_reg_sz(&f, WD_KEY, "InstallLocation", "C:\\x");
  fake_svc(&f, "WinDefend", VG_SVC_RUNNING, VG_SVC_AUTO);
  fake_reg_dword(&f, WD_KEY "\\Exclusions\\Paths", IP, 0);
  fake_reg_dword(&f, WD_KEY "\\Exclusions\\Processes",
                 "c:\\program files\\microsoft azure recovery services "
                 "agent\\bin\\cbengine.exe",
                 0);
  fake_reg_dword(&f, WD_KEY "\\Exclusions\\Processes", "csc.exe", 0);
  assert_int_equal(pk_collect(&f.os, NULL, "av.exclusions", &facts), 0);
  assert_string_equal(vg_facts_get_str(&facts, "scratch"), IP "\\Scratch");
  assert_string_equal(vg_facts_get_str(&facts, "scratch_excluded_by"), IP);
  assert_string_equal(vg_facts_get_str(&facts, "bin_excluded_by"), IP);
  assert_non_null(vg_facts_get_str(&facts, "cbengine_excluded_by"));
  assert_string_equal(vg_facts_get_str(&facts, "csc_excluded_by"), "csc.exe");
  vg_facts_reset(&facts);
}

static void av_local_ignored_when_merge_disabled(void **st) {
  fake_os_t f;
  vg_finding_t out;
  (void)st;
  fake_os_init(&f);
  plant_defender(&f);
  fake_reg_dword(&f, WD_KEY "\\Exclusions\\Paths", "D:\\MARS", 0);
  fake_reg_dword(&f, WD_KEY "\\Exclusions\\Paths", IP "\\bin", 0);
  fake_reg_dword(&f, WD_KEY "\\Exclusions\\Processes", "cbengine.exe", 0);
  fake_reg_sz(&f, WDP_KEY "\\Exclusions\\Processes", "csc.exe", "0");
  check(&f, "av.exclusions", &out);
  assert_int_equal(out.status, VG_ST_OK);
  fake_reg_dword(&f, WDP_KEY, "DisableLocalAdminMerge", 1);
  check(&f, "av.exclusions", &out);
  assert_int_equal(out.status, VG_ST_WARN);
  pk_has(out.summary, "3 of 4 MARS items");
  pk_has(out.summary, "DisableLocalAdminMerge=1");
}

static void av_defender_absent_or_off_is_na(void **st) {
  fake_os_t f;
  vg_finding_t out;
  fake_svc_t *wd;
  (void)st;
  fake_os_init(&f);
  plant_mars(&f);
  /* Registry leftovers without the service: not installed. */
  fake_reg_sz(&f, WD_KEY, "InstallLocation", "C:\\x");
  check(&f, "av.exclusions", &out);
  assert_int_equal(out.status, VG_ST_NA);
  pk_has(out.summary, "Defender is not installed (no WinDefend "
                      "service)");

  wd = fake_svc(&f, "WinDefend", VG_SVC_STOPPED, VG_SVC_AUTO);
  check(&f, "av.exclusions", &out);
  assert_int_equal(out.status, VG_ST_NA);
  pk_has(out.summary, "Defender is not running (WinDefend service "
                      "stopped)");
  wd->info.start_type = VG_SVC_DISABLED;
  fake_reg_dword(&f, WDP_KEY, "DisableAntiSpyware", 1);
  check(&f, "av.exclusions", &out);
  assert_int_equal(out.status, VG_ST_NA);
  pk_has(out.summary, "Defender is not running (WinDefend service "
                      "disabled; DisableAntiSpyware=1, policy)");

  /* Running: DisableAntiSpyware is only informational. */
  wd->info.state = VG_SVC_RUNNING;
  wd->info.start_type = VG_SVC_AUTO;
  check(&f, "av.exclusions", &out);
  assert_int_equal(out.status, VG_ST_WARN);
  pk_has(out.summary, "does not exclude 4 of 4 MARS items");
  pk_has(out.summary, "; DisableAntiSpyware=1 (policy) ignored: "
                      "WinDefend runs");
}

static void av_unqueryable_service_is_an_error_with_reason(void **st) {
  fake_os_t f;
  vg_facts_t facts;
  (void)st;
  fake_os_init(&f);
  plant_defender(&f);
  f.svc_err = VG_EACCES;
  assert_int_equal(pk_collect(&f.os, NULL, "av.exclusions", &facts), VG_EACCES);
  assert_non_null(strstr(facts.error, "cannot query the WinDefend service: "
                                      "access denied"));
  vg_facts_reset(&facts);
}

static void av_unreadable_list_is_an_error_with_reason(void **st) {
  fake_os_t f;
  vg_facts_t facts;
  (void)st;
  fake_os_init(&f);
  plant_defender(&f);
  fake_reg_err(&f, WD_KEY "\\Exclusions\\Paths", "", VG_EACCES);
  assert_int_equal(pk_collect(&f.os, NULL, "av.exclusions", &facts), VG_EACCES);
  assert_non_null(strstr(facts.error, "Exclusions\\Paths: access denied"));
  vg_facts_reset(&facts);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(evaluates_recorded_facts),
      cmocka_unit_test(dotnet_reads_release),
      cmocka_unit_test(dotnet_missing_is_crit_even_without_mars),
      cmocka_unit_test(dotnet_unreadable_is_an_error_with_reason),
      cmocka_unit_test(dotnet_no_registry_is_na),
      cmocka_unit_test(tls_reads_both_views),
      cmocka_unit_test(tls_old_os_from_current_version),
      cmocka_unit_test(tls_unreadable_is_an_error_with_reason),
      cmocka_unit_test(powershell_collects_facts),
      cmocka_unit_test(powershell_baseline_flow),
      cmocka_unit_test(powershell_unreadable_module_file_is_unknown),
      cmocka_unit_test(powershell_folder_missing_is_crit),
      cmocka_unit_test(powershell_unreadable_version_is_unknown_part),
      cmocka_unit_test(powershell_group_policy_restricted_is_crit),
      cmocka_unit_test(powershell_mars_absent_is_na),
      cmocka_unit_test(av_matches_env_wildcards_and_policy),
      cmocka_unit_test(av_parent_folder_and_full_process_path),
      cmocka_unit_test(av_local_ignored_when_merge_disabled),
      cmocka_unit_test(av_defender_absent_or_off_is_na),
      cmocka_unit_test(av_unqueryable_service_is_an_error_with_reason),
      cmocka_unit_test(av_unreadable_list_is_an_error_with_reason),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
