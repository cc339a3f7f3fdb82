/* test_config.c: vigil.ini - defaults, typed keys, bounds, clear messages
 * naming file, line and key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "config.h"

#include <uv.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static vg_config_t cfg;

static void parse(const char *text) {
  vg_config_free(&cfg);
  vg_config_init(&cfg);
  vg_config_parse(&cfg, "vigil.ini", text, strlen(text));
}

static void defaults_without_file(void **st) {
  const vg_probe_t *p = vg_probe_find("scratch.space");
  vg_thresholds_t th;
  (void)st;
  vg_config_init(&cfg);
  assert_int_equal(vg_config_load(&cfg, "/nonexistent/dir/vigil.ini"), 0);
  assert_int_equal(cfg.nwarnings, 0);
  assert_non_null(p);
  assert_int_equal(vg_config_interval_ms(&cfg, p), 300000);
  assert_int_equal(vg_config_deadline_ms(&cfg, p), 30000);
  assert_true(vg_config_enabled(&cfg, p));
  vg_config_thresholds(&cfg, p, &th);
  assert_true(th.warn == 10.0 && th.crit == 5.0);
  assert_true(vg_config_get_num(&cfg, "agent", "retention", 0) == 90 * 86400e3);
  vg_config_free(&cfg);
}

static void typed_values(void **st) {
  const vg_probe_t *p = vg_probe_find("scratch.space");
  vg_thresholds_t th;
  (void)st;
  parse("\xEF\xBB\xBF; comment\n[agent]\nretention = 30d\n\n"
        "[scratch.space]\r\ninterval = 250ms\ndeadline=2m\nwarn = 12.5\n"
        "path = \"D:\\MARS;Scratch\"\nbackup_bytes = 2T  ; inline comment\n"
        "enabled = yes\n");
  assert_int_equal(cfg.nwarnings, 0);
  assert_int_equal(vg_config_interval_ms(&cfg, p), 250);
  assert_int_equal(vg_config_deadline_ms(&cfg, p), 120000);
  vg_config_thresholds(&cfg, p, &th);
  assert_true(th.warn == 12.5 && th.crit == 5.0);
  assert_string_equal(vg_config_get_str(&cfg, "scratch.space", "path"),
                      "D:\\MARS;Scratch");
  assert_true(vg_config_get_num(&cfg, "scratch.space", "backup_bytes", 0) ==
              2.0 * 1099511627776.0);
  assert_true(vg_config_get_num(&cfg, "agent", "retention", 0) == 30 * 86400e3);
}

static void bad_lines_name_file_line_key(void **st) {
  const vg_probe_t *p = vg_probe_find("scratch.space");
  (void)st;
  parse("[scratch.space]\n"
        "intervl = 5m\n"    /* 2: unknown key */
        "interval = soon\n" /* 3: bad duration */
        "deadline = 5ms\n"  /* 4: below bounds (10 ms) */
        "[nosuch.probe]\n"  /* 5: unknown section */
        "warn = 1\n"        /* 6: ignored with its section */
        "[scratch.space]\n"
        "just text\n"         /* 8: no '=' */
        "[broken\n"           /* 9: bad header */
        "enabled = maybe\n"); /* 10: ignored, and said so (issue 15) */
  assert_int_equal(cfg.nwarnings, 7);
  assert_non_null(strstr(cfg.warnings[0], "vigil.ini:2"));
  assert_non_null(strstr(cfg.warnings[0], "unknown key 'intervl'"));
  assert_non_null(strstr(cfg.warnings[1], "vigil.ini:3"));
  assert_non_null(strstr(cfg.warnings[1], "interval"));
  assert_non_null(strstr(cfg.warnings[1], "'soon'"));
  assert_non_null(strstr(cfg.warnings[2], "vigil.ini:4"));
  assert_non_null(strstr(cfg.warnings[3], "unknown section [nosuch.probe]"));
  assert_non_null(strstr(cfg.warnings[4], "vigil.ini:8"));
  assert_non_null(strstr(cfg.warnings[5], "vigil.ini:9"));
  assert_non_null(strstr(cfg.warnings[6], "vigil.ini:10"));
  assert_non_null(
      strstr(cfg.warnings[6], "malformed section header of line 9"));
  /* Every bad key kept its default. */
  assert_int_equal(vg_config_interval_ms(&cfg, p), 300000);
  assert_int_equal(vg_config_deadline_ms(&cfg, p), 30000);
  assert_true(vg_config_enabled(&cfg, p));
}

/* A vigil.ini that cannot be read (here: a folder by that name) is one
 * warning naming it; every default applies. */
static void unreadable_file_is_one_warning(void **st) {
  char dir[512];
  size_t n = sizeof(dir);
  const vg_probe_t *p = vg_probe_find("scratch.space");
  (void)st;
  assert_int_equal(uv_os_tmpdir(dir, &n), 0);
  vg_config_init(&cfg);
  assert_int_equal(vg_config_load(&cfg, dir), VG_EIO);
  assert_int_equal(cfg.nwarnings, 1);
  assert_non_null(strstr(cfg.warnings[0], "cannot be read"));
  assert_non_null(strstr(cfg.warnings[0], "all defaults apply"));
  assert_int_equal(vg_config_interval_ms(&cfg, p), 300000);
  vg_config_free(&cfg);
}

static void oversized_and_binary_input(void **st) {
  char *big = malloc(VG_CONFIG_MAX_BYTES + 2);
  char line[6000];
  (void)st;
  assert_non_null(big);
  memset(big, 'a', VG_CONFIG_MAX_BYTES + 1);
  big[VG_CONFIG_MAX_BYTES + 1] = '\0';
  vg_config_free(&cfg);
  vg_config_init(&cfg);
  assert_int_equal(vg_config_parse(&cfg, "vigil.ini", big, strlen(big)),
                   VG_ETOOBIG);
  assert_int_equal(cfg.nwarnings, 1);
  free(big);
  memset(line, 'x', sizeof(line) - 1);
  line[sizeof(line) - 1] = '\0';
  parse(line);
  assert_int_equal(cfg.nwarnings, 1);
  assert_non_null(strstr(cfg.warnings[0], "line longer"));
  vg_config_free(&cfg);
  vg_config_init(&cfg);
  vg_config_parse(&cfg, "vigil.ini", "[agent]\nretention = 3\0d\n", 23);
  assert_int_equal(cfg.nwarnings, 1);
}

static void durations_and_sizes(void **st) {
  uint64_t v;
  (void)st;
  assert_int_equal(vg_parse_duration_ms("90", &v), 0);
  assert_int_equal(v, 90000);
  assert_int_equal(vg_parse_duration_ms("1.5h", &v), 0);
  assert_int_equal(v, 5400000);
  assert_int_equal(vg_parse_duration_ms("-1s", &v), VG_EINVAL);
  assert_int_equal(vg_parse_duration_ms("5 parsecs", &v), VG_EINVAL);
  assert_int_equal(vg_parse_bytes("512MiB", &v), 0);
  assert_int_equal(v, 512ull << 20);
  assert_int_equal(vg_parse_bytes("10G", &v), 0);
  assert_int_equal(v, 10ull << 30);
  assert_int_equal(vg_parse_bytes("10X", &v), VG_EINVAL);
  assert_int_equal(vg_parse_bytes("1e30", &v), VG_EINVAL);
}

static int teardown(void **st) {
  (void)st;
  vg_config_free(&cfg);
  return 0;
}

/* What an admin meets (issue 15): units as written, a header missing its
 * bracket, a key before any section, warn past crit. */
static void problems_in_the_users_words(void **st) {
  const vg_probe_t *tf = vg_probe_find("temp.files");
  (void)st;
  parse("retention = 30d\n" /* 1: before any section: [agent] */
        "colour = blue\n"   /* 2: before any section: ignored */
        "[agent]\n"
        "retention = 90\n" /* 4: 90 s, outside 1d..3650d */
        "[temp.files\n"    /* 5: read as [temp.files] */
        "warn = 70000\n"   /* 6: applies... */
        "crit = 65000\n"); /* 7: ...and warn > crit is said */
  assert_int_equal(cfg.nwarnings, 5);
  assert_non_null(strstr(cfg.warnings[0], "'retention' comes before any "
                                          "[section]; read as [agent]"));
  assert_non_null(strstr(cfg.warnings[1], "'colour' comes before any "
                                          "[section]; ignored"));
  assert_non_null(strstr(cfg.warnings[2], "'90' is outside 1d..3650d"));
  assert_non_null(strstr(cfg.warnings[3], "read as [temp.files]"));
  assert_non_null(strstr(cfg.warnings[4], "[temp.files] warn = 70000 is "
                                          "above crit = 65000"));
  assert_true(vg_config_get_num(&cfg, "agent", "retention", 0) == 30 * 86400e3);
  assert_true(vg_config_get_num(&cfg, "temp.files", "warn", 0) == 70000);
  (void)tf;
}

/* clock.skew's thresholds are durations (interface.md: 2m / 5m), held in
 * seconds; a bare number is seconds. */
static void duration_thresholds(void **st) {
  const vg_probe_t *p = vg_probe_find("clock.skew");
  vg_thresholds_t th;
  (void)st;
  parse("[clock.skew]\nwarn = 2m\ncrit = 300\n");
  assert_int_equal(cfg.nwarnings, 0);
  vg_config_thresholds(&cfg, p, &th);
  assert_true(th.warn == 120);
  assert_true(th.crit == 300);
  parse("[clock.skew]\nwarn = soon\n");
  assert_int_equal(cfg.nwarnings, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(defaults_without_file),
      cmocka_unit_test_teardown(typed_values, teardown),
      cmocka_unit_test_teardown(bad_lines_name_file_line_key, teardown),
      cmocka_unit_test_teardown(problems_in_the_users_words, teardown),
      cmocka_unit_test_teardown(duration_thresholds, teardown),
      cmocka_unit_test(unreadable_file_is_one_warning),
      cmocka_unit_test_teardown(oversized_and_binary_input, teardown),
      cmocka_unit_test(durations_and_sizes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
