/* test_files.c: files that are not what they seem (issue 16) - vigil.ini
 * as a FIFO, a device or a folder is refused at once instead of hanging;
 * control characters from vigil.ini are escaped in warnings; the support
 * bundle never replaces an existing path without --force, never a link,
 * folder or device even with it, and never writes through a planted
 * partial file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bundle.h"
#include "config.h"
#include "fs_kit.h"
#include "vg.h"

#include <uv.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>
#endif

static char dir[600];

static int setup(void **st) {
  (void)st;
  assert_int_equal(fk_mkdtemp(dir, sizeof(dir), "vgfiles"), 0);
  return 0;
}

static int teardown(void **st) {
  (void)st;
  fk_rmtree(dir);
  return 0;
}

static char *slurp(const char *path) {
  char *buf = NULL, err[200];
  size_t len;
  if (vg_read_file(path, 1 << 20, &buf, &len, err, sizeof(err)) != 0)
    return NULL;
  return buf;
}

/* ------------------------------------------------------- vg_read_file */

static void read_file_refuses_what_is_not_a_file(void **st) {
  char path[700], err[200], *buf = NULL;
  size_t len;
  uv_fs_t req;
  (void)st;
  /* A folder. */
  snprintf(path, sizeof(path), "%s/sub", dir);
  assert_int_equal(uv_fs_mkdir(NULL, &req, path, 0755, NULL), 0);
  uv_fs_req_cleanup(&req);
  assert_int_equal(vg_read_file(path, 100, &buf, &len, err, sizeof(err)),
                   VG_EIO);
  printf("folder: %s\n", err);
  assert_non_null(strstr(err, "not a regular file"));
  assert_null(buf);
#ifdef _WIN32
  /* A device: NUL. */
  assert_int_equal(vg_read_file("NUL", 100, &buf, &len, err, sizeof(err)),
                   VG_EIO);
  printf("NUL: %s\n", err);
#else
  /* A device. */
  assert_int_equal(vg_read_file("/dev/zero", 100, &buf, &len, err, sizeof(err)),
                   VG_EIO);
  assert_non_null(strstr(err, "not a regular file"));
  /* A FIFO nobody writes to: opening it for reading used to wait for a
   * writer forever. */
  snprintf(path, sizeof(path), "%s/fifo", dir);
  assert_int_equal(mkfifo(path, 0600), 0);
  assert_int_equal(vg_read_file(path, 100, &buf, &len, err, sizeof(err)),
                   VG_EIO);
  assert_non_null(strstr(err, "not a regular file"));
#endif
  /* A plain file still reads. */
  snprintf(path, sizeof(path), "%s/plain", dir);
  fk_put(path, "hello");
  assert_int_equal(vg_read_file(path, 100, &buf, &len, err, sizeof(err)), 0);
  assert_string_equal(buf, "hello");
  free(buf);
}

/* vigil.ini as a FIFO: one warning, all defaults, no hang. */
static void config_on_a_fifo_is_one_warning(void **st) {
#ifdef _WIN32
  (void)st;
  printf("no FIFOs in the file system on Windows; see the NUL case\n");
#else
  vg_config_t cfg;
  char path[700];
  (void)st;
  snprintf(path, sizeof(path), "%s/vigil.ini", dir);
  assert_int_equal(mkfifo(path, 0600), 0);
  vg_config_init(&cfg);
  assert_int_equal(vg_config_load(&cfg, path), VG_EIO);
  assert_int_equal(cfg.nwarnings, 1);
  printf("%s\n", cfg.warnings[0]);
  assert_non_null(strstr(cfg.warnings[0], "not a regular file"));
  assert_non_null(strstr(cfg.warnings[0], "all defaults apply"));
  vg_config_free(&cfg);
#endif
}

/* An escape sequence, a bell and a carriage return in vigil.ini reach the
 * console or the Event Log as text, not as commands. */
static void config_warnings_escape_control_characters(void **st) {
  static const char ini[] = "[scratch.space]\n"
                            "warn = \x1b[2J\x1b[31mred\x07\n"
                            "col\x1bour\r\x7f = 1\n"
                            "[ev\x1b]0;title\x07il]\n";
  vg_config_t cfg;
  size_t i, k;
  (void)st;
  vg_config_init(&cfg);
  assert_int_equal(vg_config_parse(&cfg, "vigil.ini", ini, sizeof(ini) - 1), 0);
  assert_int_equal(cfg.nwarnings, 3);
  for (i = 0; i < cfg.nwarnings; i++) {
    printf("%s\n", cfg.warnings[i]);
    for (k = 0; cfg.warnings[i][k]; k++) {
      unsigned char c = (unsigned char)cfg.warnings[i][k];
      assert_true(c >= 0x20 && c != 0x7f);
    }
  }
  assert_non_null(strstr(cfg.warnings[0], "\\x1b[2J\\x1b[31mred\\x07"));
  assert_non_null(strstr(cfg.warnings[1], "col\\x1bour"));
  assert_non_null(strstr(cfg.warnings[2], "ev\\x1b]0;title\\x07il"));
  vg_config_free(&cfg);
}

/* ------------------------------------------------------------- bundle */

static void bundle_in(vg_bundle_in_t *in, char *pipe, size_t pipesz) {
  memset(in, 0, sizeof(*in));
  in->home = dir;
#ifdef _WIN32
  snprintf(pipe, pipesz, "\\\\.\\pipe\\vigil-none-%d", (int)uv_os_getpid());
#else
  snprintf(pipe, pipesz, "%s/none.sock", dir);
#endif
  in->pipe = pipe;
  in->check = "{\"ok\":true}";
}

/* It replaced /dev/full: an existing path is refused unless --force, and
 * even then only a plain file is replaced. */
static void bundle_refuses_existing_path_unless_forced(void **st) {
  vg_bundle_in_t in;
  char pipe[700], path[700], msg[2000], *text;
  (void)st;
  bundle_in(&in, pipe, sizeof(pipe));
  snprintf(path, sizeof(path), "%s/ticket.zip", dir);
  fk_put(path, "keep me");
  assert_int_equal(vg_bundle_write(&in, path, msg, sizeof(msg)), VG_EEXIST);
  printf("%s\n", msg);
  assert_non_null(strstr(msg, "already exists"));
  assert_non_null(strstr(msg, "--force"));
  text = slurp(path);
  assert_string_equal(text, "keep me");
  free(text);
  assert_int_equal(vg_bundle_target_ok(path, 0, msg, sizeof(msg)), VG_EEXIST);
  in.force = 1;
  assert_int_equal(vg_bundle_write(&in, path, msg, sizeof(msg)), 0);
  text = slurp(path);
  assert_non_null(text);
  assert_memory_equal(text, "PK", 2);
  free(text);
  /* A folder, even with --force. */
  snprintf(path, sizeof(path), "%s/folder.zip", dir);
  {
    uv_fs_t req;
    assert_int_equal(uv_fs_mkdir(NULL, &req, path, 0755, NULL), 0);
    uv_fs_req_cleanup(&req);
  }
  assert_int_equal(vg_bundle_write(&in, path, msg, sizeof(msg)), VG_EINVAL);
  assert_non_null(strstr(msg, "not a regular file"));
#ifndef _WIN32
  /* A device, even with --force. */
  assert_int_equal(vg_bundle_target_ok("/dev/full", 1, msg, sizeof(msg)),
                   VG_EINVAL);
  in.force = 0;
  assert_int_equal(vg_bundle_target_ok("/dev/full", 0, msg, sizeof(msg)),
                   VG_EEXIST);
#endif
}

#ifndef _WIN32
/* Links are never followed: not at the target (even with --force), not
 * at a partial file someone planted beside it. */
static void bundle_never_writes_through_a_link(void **st) {
  vg_bundle_in_t in;
  char pipe[700], path[700], victim[700], side[800], msg[2000], *text;
  (void)st;
  bundle_in(&in, pipe, sizeof(pipe));
  snprintf(victim, sizeof(victim), "%s/victim", dir);
  fk_put(victim, "precious");
  snprintf(path, sizeof(path), "%s/link.zip", dir);
  assert_int_equal(symlink(victim, path), 0);
  in.force = 1;
  assert_int_equal(vg_bundle_write(&in, path, msg, sizeof(msg)), VG_EINVAL);
  /* A planted partial file pointing at the victim. */
  snprintf(path, sizeof(path), "%s/new.zip", dir);
  snprintf(side, sizeof(side), "%s.partial", path);
  assert_int_equal(symlink(victim, side), 0);
  in.force = 0;
  assert_int_equal(vg_bundle_write(&in, path, msg, sizeof(msg)), 0);
  printf("%s\n", msg);
  text = slurp(victim);
  assert_string_equal(text, "precious");
  free(text);
  text = slurp(path);
  assert_memory_equal(text, "PK", 2);
  free(text);
  /* No partial file of ours is left behind. */
  snprintf(side, sizeof(side), "%s.partial1", path);
  assert_int_equal(access(side, F_OK), -1);
}
#endif

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(read_file_refuses_what_is_not_a_file,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(config_on_a_fifo_is_one_warning, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(config_warnings_escape_control_characters,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(
          bundle_refuses_existing_path_unless_forced, setup, teardown),
#ifndef _WIN32
      cmocka_unit_test_setup_teardown(bundle_never_writes_through_a_link, setup,
                                      teardown),
#endif
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
