/* test_scratch_space.c: scratch.space - evaluate against recorded facts,
 * collect against a fake machine. */
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

static void evaluates_recorded_facts(void **st) {
  (void)st;
  assert_true(run_fixtures(pk_probe("scratch.space")) >= 7);
}

static void reads_scratch_from_mars_registry(void **st) {
  fake_os_t f;
  vg_config_t cfg;
  vg_facts_t facts;
  (void)st;
  fake_os_init(&f);
  vg_config_init(&cfg);
  fake_reg_sz(&f, VG_MARS_SETUP_KEY, "InstallPath",
              "C:\\Program Files\\Microsoft Azure Recovery Services Agent\\");
  fake_reg_sz(&f, VG_MARS_CONFIG_KEY, "ScratchLocation", "D:\\MARS\\Scratch\\");
  f.fixed_used = 400ull << 30;
  assert_int_equal(pk_collect(&f.os, &cfg, "scratch.space", &facts), 0);
  assert_string_equal(vg_facts_get_str(&facts, "path"), "D:\\MARS\\Scratch");
  assert_string_equal(vg_facts_get_str(&facts, "path_source"), "registry");
  assert_int_equal(vg_facts_int_or(&facts, "free_bytes", 0), 100ll << 30);
  assert_int_equal(vg_facts_int_or(&facts, "backup_bytes", 0), 400ll << 30);
  assert_string_equal(vg_facts_get_str(&facts, "backup_source"), "estimate");
  vg_facts_reset(&facts);
}

static void default_scratch_under_install_path(void **st) {
  fake_os_t f;
  vg_config_t cfg;
  vg_facts_t facts;
  char msg[100];
  (void)st;
  fake_os_init(&f);
  vg_config_init(&cfg);
  fake_reg_sz(&f, VG_MARS_SETUP_KEY, "InstallPath", "C:\\MARS");
  assert_int_equal(vg_config_set(&cfg, "scratch.space", "backup_bytes", "2T",
                                 msg, sizeof(msg)),
                   0);
  assert_int_equal(pk_collect(&f.os, &cfg, "scratch.space", &facts), 0);
  assert_string_equal(vg_facts_get_str(&facts, "path"), "C:\\MARS\\Scratch");
  assert_string_equal(vg_facts_get_str(&facts, "backup_source"), "config");
  assert_int_equal(vg_facts_int_or(&facts, "backup_bytes", 0), 2ll << 40);
  vg_facts_reset(&facts);
  vg_config_free(&cfg);
}

static void unreadable_volume_is_an_error_with_reason(void **st) {
  fake_os_t f;
  pk_run_t r;
  (void)st;
  fake_os_init(&f);
  pk_run_init(&r);
  fake_reg_sz(&f, VG_MARS_SETUP_KEY, "InstallPath", "C:\\MARS");
  f.disk_err = VG_EACCES;
  pk_run(&r, &f.os, "scratch.space"); /* the scheduler's unknown finding */
  assert_int_equal(r.rc, VG_EACCES);
  assert_non_null(strstr(r.facts.error, "C:\\MARS\\Scratch"));
  assert_non_null(strstr(r.facts.error, "access denied"));
  assert_int_equal(r.out.status, VG_ST_UNKNOWN);
  assert_non_null(strstr(r.out.summary, "access denied"));
  pk_run_free(&r);
}

static void absent_mars_and_registry_errors(void **st) {
  fake_os_t f;
  vg_config_t cfg;
  vg_facts_t facts;
  (void)st;
  fake_os_init(&f);
  vg_config_init(&cfg);
  assert_int_equal(pk_collect(&f.os, &cfg, "scratch.space", &facts), 0);
  assert_null(vg_facts_get_str(&facts, "path")); /* evaluates to n/a */
  vg_facts_reset(&facts);
  f.reg_err = VG_EACCES; /* the Setup key exists but is unreadable */
  assert_int_equal(pk_collect(&f.os, &cfg, "scratch.space", &facts), VG_EACCES);
  vg_facts_reset(&facts);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(evaluates_recorded_facts),
      cmocka_unit_test(reads_scratch_from_mars_registry),
      cmocka_unit_test(default_scratch_under_install_path),
      cmocka_unit_test(unreadable_volume_is_an_error_with_reason),
      cmocka_unit_test(absent_mars_and_registry_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
