/* fuzz_client.c: libFuzzer target for the CLI's response reader: bytes
 * from the pipe in arbitrary pieces (the first byte of each piece says how
 * long the next is) give at most one line, never longer than the limit,
 * never with its newline; the line then goes through the JSON reader the
 * CLI uses. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "json.h"
#include "vg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_LINE_MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  vg_linebuf_t lb;
  size_t pos = 0, fed = 0;
  char *line = NULL;
  int rc = 0;
  vg_linebuf_init(&lb, FUZZ_LINE_MAX);
  while (pos < size && rc == 0) {
    size_t n = data[pos++] % 67 + 1;
    const char *nl;
    if (n > size - pos) n = size - pos;
    nl = memchr(data + pos, '\n', n);
    rc = vg_linebuf_feed(&lb, (const char *)data + pos, n, &line);
    if (rc == 1) {
      size_t len = fed + (size_t)(nl - (const char *)(data + pos));
      /* The line is exactly what came before the first newline. */
      if (nl == NULL || len > FUZZ_LINE_MAX || memchr(line, '\n', len) ||
          line[len] != '\0')
        abort();
    } else if (rc == 0) {
      if (nl != NULL) abort();
      fed += n;
      if (fed > FUZZ_LINE_MAX) abort();
    } else if (rc == VG_ETOOBIG) {
      if (fed + (nl ? (size_t)(nl - (const char *)(data + pos)) : n) <=
          FUZZ_LINE_MAX)
        abort();
    } else {
      abort();
    }
    pos += n;
  }
  if (line) {
    vg_json_t *doc = NULL;
    char err[128];
    if (vg_json_parse(line, strlen(line), &doc, err, sizeof(err)) == 0) {
      int ok = 0;
      if (vg_json_type(doc) == VG_JSON_OBJECT) {
        vg_json_bool(vg_json_get(doc, "ok"), &ok);
        (void)vg_json_get_str(doc, "error");
        (void)vg_json_get(doc, "probes");
      }
      vg_json_free(doc);
    } else if (strchr(err, '\n')) {
      abort(); /* the CLI prints it on one line */
    }
    free(line);
  }
  vg_linebuf_free(&lb);
  return 0;
}
