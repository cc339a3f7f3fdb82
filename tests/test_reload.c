/* test_reload.c: vigil.ini is picked up without a restart - a probe turned
 * on appears in status within the watch period - and a file with problems
 * keeps the settings in effect. Native and under Wine (real agent, real
 * pipe, harness thread). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_harness.h"
#include "client.h"
#include "json.h"
#include "vg.h"

static harness_t H;

static void write_ini(const char *text) {
  char path[700];
  FILE *f;
  snprintf(path, sizeof(path), "%s/vigil.ini", H.home);
  f = fopen(path, "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* Whether status lists probe id. */
static int status_has(const char *id) {
  char *resp = NULL, err[300], needle[80];
  int found;
  if (vg_client_request(H.pipe, "{\"cmd\":\"status\"}", &resp, err,
                        sizeof(err)) != 0)
    return -1;
  snprintf(needle, sizeof(needle), "\"id\":\"%s\"", id);
  found = strstr(resp, needle) != NULL;
  free(resp);
  return found;
}

/* Waits up to 20 s for status_has(id) to become want. */
static int wait_for(const char *id, int want) {
  int i;
  for (i = 0; i < 80; i++) {
    if (status_has(id) == want) return 1;
    uv_sleep(250);
  }
  return 0;
}

static void reload_applies_good_and_keeps_bad(void **st) {
  (void)st;
  assert_int_equal(harness_start(&H, "[temp.files]\nenabled = false\n"
                                     "[vss.storage]\nenabled = false\n"),
                   0);
  assert_true(wait_for("dotnet.version", 1));
  assert_int_equal(status_has("temp.files"), 0);
  /* Turned on: in effect without a restart. (A different size than the
   * first file, so even a coarse mtime sees the change.) */
  uv_sleep(1100);
  write_ini("[vss.storage]\nenabled = false\n");
  assert_true(wait_for("temp.files", 1));
  /* A file with a problem is not applied: vss.storage stays off. */
  uv_sleep(1100);
  write_ini("[vss.storage]\nenabled = maybe\n");
  uv_sleep(7000);
  assert_int_equal(status_has("vss.storage"), 0);
  assert_int_equal(status_has("temp.files"), 1);
  assert_int_equal(harness_stop(&H), 0);
  harness_cleanup(&H);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(reload_applies_good_and_keeps_bad),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
