/* fuzz_expand_env.c: libFuzzer target for environment expansion as the
 * probes call it (the OS table's expand_env; natively the POSIX $VAR /
 * ${VAR} expander - Windows' ExpandEnvironmentStringsW cannot run here).
 * The first byte sets the output size: never a byte past it, always a
 * terminated string when it succeeds. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os.h"
#include "vg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int env_set;
  const vg_os_t *os = vg_os_default();
  char in[1024], *out;
  size_t outsz, n;
  if (!env_set) {
    setenv("VIGIL_FUZZ",
           "C:\\Program Files\\Microsoft Azure Recovery "
           "Services Agent",
           1);
    setenv("V", "$V${V}", 1);
    env_set = 1;
  }
  if (size == 0) return 0;
  outsz = (size_t)data[0] + 1;
  n = size - 1 < sizeof(in) - 1 ? size - 1 : sizeof(in) - 1;
  memcpy(in, data + 1, n);
  in[n] = '\0';
  out = malloc(outsz); /* exactly outsz: ASan sees any byte past it */
  if (out == NULL) return 0;
  if (os->expand_env(os, in, out, outsz) == 0 && strnlen(out, outsz) >= outsz)
    abort();
  free(out);
  return 0;
}
