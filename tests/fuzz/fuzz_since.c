/* fuzz_since.c: libFuzzer target for `since` ("7d", "24h", an ISO time:
 * the CLI's --since and the protocol's "since"), the duration and size
 * parsers under it and the page cursor: never crash; a span lands before
 * now; a time it accepts prints as ISO 8601 and parses back to the same
 * instant; a cursor prints back as itself. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "timefmt.h"
#include "vg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NOW 1764000000000LL /* 2025-11-24T16:00:00Z */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char s[256], iso[64], span[64];
  size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;
  int64_t t, t2;
  uint64_t u;
  memcpy(s, data, n);
  s[n] = '\0';
  if (vg_parse_since(s, FUZZ_NOW, &t) == 0) {
    int is_date = strlen(s) >= 10 && s[4] == '-';
    if (!is_date && (t > FUZZ_NOW || t < FUZZ_NOW - (int64_t)1e14)) abort();
    vg_iso8601(t, iso, sizeof(iso));
    if (iso[0] >= '0' && iso[0] <= '9' && iso[4] == '-') {
      if (vg_parse_since(iso, FUZZ_NOW, &t2) != 0) abort();
      if (t2 != t / 1000 * 1000 - (t % 1000 < 0 ? 1000 : 0)) abort();
    }
    vg_fmt_span(span, sizeof(span), FUZZ_NOW - t);
    if (strchr(span, '\n')) abort();
  }
  if (vg_parse_duration_ms(s, &u) == 0)
    vg_fmt_span(span, sizeof(span),
                (int64_t)(u > (uint64_t)INT64_MAX ? (uint64_t)INT64_MAX : u));
  vg_parse_bytes(s, &u);
  {
    /* A page cursor (history/events "cursor") prints back as itself. */
    vg_store_cursor_t c;
    if (vg_store_cursor_parse(s, &c) == 0) {
      vg_store_cursor_t c2;
      vg_store_cursor_format(&c, span, sizeof(span));
      if (vg_store_cursor_parse(span, &c2) != 0 || c2.ts_ms != c.ts_ms ||
          c2.id != c.id)
        abort();
    }
  }
  return 0;
}
