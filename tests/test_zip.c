/* test_zip.c: the support bundle's .zip writer (service/zip.c), read back
 * by a strict reader (tests/zip_reader.c): names, content, CRC, deflate and
 * stored entries, times, and every refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vg.h"
#include "zip.h"
#include "zip_reader.h"

#include <stdlib.h>
#include <string.h>

#define T_2026 1795575845000LL /* 2026-11-25T03:04:05Z */

static void round_trip(void **st) {
  vg_zip_t z;
  unsigned char *zip, *noise;
  size_t ziplen, len, i, big = 300000;
  char *text, *got;
  const char *why;
  int count;
  (void)st;
  text = malloc(big);
  noise = malloc(4096);
  assert_non_null(text);
  assert_non_null(noise);
  for (i = 0; i < big; i++)
    text[i] = "vigil watches MARS\n"[i % 19];
  srand(7);
  for (i = 0; i < 4096; i++)
    noise[i] = (unsigned char)(rand() & 0xff);
  vg_zip_init(&z);
  assert_int_equal(vg_zip_add(&z, "check.json", "{\"ok\":true}", 11, T_2026),
                   0);
  assert_int_equal(vg_zip_add(&z, "empty.txt", NULL, 0, T_2026), 0);
  assert_int_equal(
      vg_zip_add(&z, "history/scratch.space.json", text, big, T_2026), 0);
  assert_int_equal(vg_zip_add(&z, "noise.bin", noise, 4096, T_2026), 0);
  assert_int_equal(
      vg_zip_add(&z, "na\xc3\xafve/r\xc3\xa9sum\xc3\xa9.txt", "x", 1, T_2026),
      0);
  assert_int_equal(vg_zip_finish(&z, &zip, &ziplen), 0);
  /* The repetitive file deflates; the random one is stored. */
  assert_true(ziplen < big / 10 + 4096 + 1000);

  got = zr_read(zip, ziplen, "check.json", &len, &count, &why);
  assert_non_null(got);
  assert_int_equal(count, 5);
  assert_int_equal(len, 11);
  assert_string_equal(got, "{\"ok\":true}");
  free(got);
  got = zr_read(zip, ziplen, "empty.txt", &len, NULL, &why);
  assert_non_null(got);
  assert_int_equal(len, 0);
  free(got);
  got = zr_read(zip, ziplen, "history/scratch.space.json", &len, NULL, &why);
  assert_non_null(got);
  assert_int_equal(len, big);
  assert_memory_equal(got, text, big);
  free(got);
  got = zr_read(zip, ziplen, "noise.bin", &len, NULL, &why);
  assert_non_null(got);
  assert_memory_equal(got, noise, 4096);
  free(got);
  got = zr_read(zip, ziplen, "na\xc3\xafve/r\xc3\xa9sum\xc3\xa9.txt", &len,
                NULL, &why);
  assert_non_null(got);
  free(got);
  assert_null(zr_read(zip, ziplen, "missing", &len, NULL, &why));
  assert_string_equal(why, "no such entry");

  /* A flipped data byte is caught (the CRC is real). */
  zip[30 + strlen("check.json") + 2] ^= 0x01;
  assert_null(zr_read(zip, ziplen, "check.json", &len, NULL, &why));
  free(zip);
  free(text);
  free(noise);
}

static void times_are_dos_utc(void **st) {
  vg_zip_t z;
  unsigned char *zip;
  size_t ziplen;
  (void)st;
  vg_zip_init(&z);
  assert_int_equal(vg_zip_add(&z, "a", "a", 1, T_2026), 0);
  assert_int_equal(vg_zip_finish(&z, &zip, &ziplen), 0);
  /* local header: time at 10, date at 12 */
  assert_int_equal(zip[10] | (zip[11] << 8), (3 << 11) | (4 << 5) | (5 / 2));
  assert_int_equal(zip[12] | (zip[13] << 8),
                   ((2026 - 1980) << 9) | (11 << 5) | 25);
  free(zip);
  /* before 1980 (a clock at 0) clamps to 1980-01-01 */
  vg_zip_init(&z);
  assert_int_equal(vg_zip_add(&z, "a", "a", 1, 0), 0);
  assert_int_equal(vg_zip_finish(&z, &zip, &ziplen), 0);
  assert_int_equal(zip[12] | (zip[13] << 8), (1 << 5) | 1);
  free(zip);
}

static void bad_names_and_limits_are_refused(void **st) {
  vg_zip_t z;
  unsigned char *zip;
  size_t ziplen, len;
  char name[VG_ZIP_MAX_NAME + 2];
  const char *why;
  int i, count;
  const char *bad[] = {"",     "/abs", "dir/", "..",        "a/../b",
                       "../a", "a\\b", "C:x",  "tab\there", NULL};
  (void)st;
  vg_zip_init(&z);
  for (i = 0; bad[i]; i++)
    assert_int_equal(vg_zip_add(&z, bad[i], "x", 1, T_2026), VG_EINVAL);
  assert_int_equal(vg_zip_add(&z, NULL, "x", 1, T_2026), VG_EINVAL);
  assert_int_equal(vg_zip_add(&z, "x", NULL, 1, T_2026), VG_EINVAL);
  memset(name, 'n', sizeof(name));
  name[VG_ZIP_MAX_NAME + 1] = '\0';
  assert_int_equal(vg_zip_add(&z, name, "x", 1, T_2026), VG_EINVAL);
  name[VG_ZIP_MAX_NAME] = '\0';
  assert_int_equal(vg_zip_add(&z, name, "x", 1, T_2026), 0);
  assert_int_equal(vg_zip_add(&z, "..a/b..", "x", 1, T_2026), 0);
  assert_int_equal(
      vg_zip_add(&z, "big", "x", (size_t)VG_ZIP_MAX_BYTES + 1, T_2026),
      VG_ETOOBIG);
  for (i = 2; i < VG_ZIP_MAX_ENTRIES; i++) {
    char n[16];
    snprintf(n, sizeof(n), "f%d", i);
    assert_int_equal(vg_zip_add(&z, n, "", 0, T_2026), 0);
  }
  assert_int_equal(vg_zip_add(&z, "one-too-many", "", 0, T_2026), VG_ETOOBIG);
  /* the refusals left the archive whole */
  assert_int_equal(vg_zip_finish(&z, &zip, &ziplen), 0);
  free(zr_read(zip, ziplen, "..a/b..", &len, &count, &why));
  assert_null(why);
  assert_int_equal(count, VG_ZIP_MAX_ENTRIES);
  free(zip);
  vg_zip_free(&z); /* finish left it empty: free is harmless */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(round_trip),
      cmocka_unit_test(times_are_dos_utc),
      cmocka_unit_test(bad_names_and_limits_are_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
