/* fuzz_config.c: libFuzzer target for the vigil.ini parser and the value
 * parsers (durations, sizes, "since"): never crash, every warning is one
 * bounded line naming the file. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "report.h"
#include "vg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vg_config_t fuzz_cfg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char small[64];
  size_t i, n = size < sizeof(small) - 1 ? size : sizeof(small) - 1;
  uint64_t u;
  int64_t t;

  vg_config_init(&fuzz_cfg);
  vg_config_parse(&fuzz_cfg, "fuzz.ini", (const char *)data, size);
  for (i = 0; i < fuzz_cfg.nwarnings; i++) {
    const char *w = fuzz_cfg.warnings[i];
    if (strncmp(w, "fuzz.ini", 8) != 0 || strchr(w, '\n') != NULL) abort();
  }
  /* Lookups after arbitrary input stay within the key table's bounds. */
  for (i = 0; i < vg_nprobes; i++) {
    vg_thresholds_t th;
    vg_config_interval_ms(&fuzz_cfg, vg_probes[i]);
    vg_config_thresholds(&fuzz_cfg, vg_probes[i], &th);
  }
  vg_config_free(&fuzz_cfg);

  memcpy(small, data, n);
  small[n] = '\0';
  vg_parse_duration_ms(small, &u);
  vg_parse_bytes(small, &u);
  vg_parse_since(small, 1764000000000, &t);
  return 0;
}
