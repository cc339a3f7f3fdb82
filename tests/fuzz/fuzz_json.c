/* fuzz_json.c: libFuzzer target; whatever parses must write back to JSON
 * that parses again and writes back to the very same text. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "vg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_json_fail(const char *what, const char *detail) {
  fprintf(stderr, "fuzz_json: %s%s%s\n", what, detail ? ": " : "",
          detail ? detail : "");
  abort();
}

/* Serialises v; aborts if the writer fails (it never should for a parsed
 * document, whose depth is within the writer's limit). */
static char *fuzz_json_write(const vg_json_t *v, size_t *len) {
  vg_jw_t w;
  char *s;

  vg_jw_init(&w);
  vg_jw_value(&w, v);
  if (w.err != 0) fuzz_json_fail("writer failed", vg_strerror(w.err));
  s = vg_jw_steal(&w, len);
  if (s == NULL) fuzz_json_fail("vg_jw_steal returned NULL", NULL);
  return s;
}

/* Called by libFuzzer for each input; returns 0 as libFuzzer requires. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  vg_json_t *v = NULL, *v2 = NULL;
  char err[128], *first, *second;
  size_t len1 = 0, len2 = 0;
  int rc;

  rc = vg_json_parse((const char *)data, size, &v, err, sizeof(err));
  if (rc != 0) {
    if (v != NULL) fuzz_json_fail("error with a document", err);
    if (rc == VG_EPARSE && strncmp(err, "at byte ", 8) != 0)
      fuzz_json_fail("parse error without position", err);
    return 0;
  }
  first = fuzz_json_write(v, &len1);
  vg_json_free(v);

  rc = vg_json_parse(first, len1, &v2, err, sizeof(err));
  if (rc != 0) fuzz_json_fail("own output does not parse", err);
  second = fuzz_json_write(v2, &len2);
  vg_json_free(v2);

  if (len1 != len2 || memcmp(first, second, len1) != 0)
    fuzz_json_fail("second serialisation differs", second);
  free(first);
  free(second);
  return 0;
}
