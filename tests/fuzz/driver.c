/* driver.c: runs a libFuzzer target without libFuzzer, so every test lane
 * (gcc + ASan/UBSan) exercises it: each corpus file, then deterministic
 * mutations of them (bit flips, byte inserts, cuts, splices).
 * Usage: fuzz_X CORPUS_DIR [ITERATIONS]. tools/fuzz.sh builds the real
 * coverage-guided fuzzers with clang when it is installed. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DRIVER_MAX_SEEDS 256
#define DRIVER_MAX_INPUT (70 * 1024)

static uint32_t driver_rng = 0x2545F491u;

static uint32_t driver_rand(void) {
  driver_rng ^= driver_rng << 13;
  driver_rng ^= driver_rng >> 17;
  driver_rng ^= driver_rng << 5;
  return driver_rng;
}

int main(int argc, char **argv) {
  static uint8_t *seeds[DRIVER_MAX_SEEDS];
  static size_t lens[DRIVER_MAX_SEEDS];
  static uint8_t buf[DRIVER_MAX_INPUT];
  size_t nseeds = 0, i;
  long iters = argc > 2 ? atol(argv[2]) : 20000;
  uv_fs_t req;
  uv_dirent_t ent;
  char path[1024];
  if (argc < 2) {
    fprintf(stderr, "usage: %s CORPUS_DIR [ITERATIONS]\n", argv[0]);
    return 2;
  }
  if (uv_fs_scandir(NULL, &req, argv[1], 0, NULL) < 0) {
    fprintf(stderr, "%s: cannot read corpus %s\n", argv[0], argv[1]);
    return 2;
  }
  while (uv_fs_scandir_next(&req, &ent) != UV_EOF &&
         nseeds < DRIVER_MAX_SEEDS) {
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", argv[1], ent.name);
    f = fopen(path, "rb");
    if (f == NULL) continue;
    seeds[nseeds] = malloc(DRIVER_MAX_INPUT);
    lens[nseeds] = fread(seeds[nseeds], 1, DRIVER_MAX_INPUT, f);
    fclose(f);
    LLVMFuzzerTestOneInput(seeds[nseeds], lens[nseeds]);
    nseeds++;
  }
  uv_fs_req_cleanup(&req);
  if (nseeds == 0) {
    fprintf(stderr, "%s: empty corpus %s\n", argv[0], argv[1]);
    return 2;
  }
  for (i = 0; i < (size_t)iters; i++) {
    size_t s = driver_rand() % nseeds, len = lens[s], k, edits;
    memcpy(buf, seeds[s], len);
    edits = 1 + driver_rand() % 8;
    for (k = 0; k < edits; k++) {
      uint32_t op = driver_rand() % 5;
      size_t at = len ? driver_rand() % len : 0;
      if (op == 0 && len) buf[at] ^= (uint8_t)(1u << (driver_rand() % 8));
      else if (op == 1 && len < DRIVER_MAX_INPUT - 1) {
        memmove(buf + at + 1, buf + at, len - at);
        buf[at] = (uint8_t)driver_rand();
        len++;
      } else if (op == 2 && len) len = at;
      else if (op == 3) {
        size_t o = driver_rand() % nseeds, take = lens[o] / 2;
        if (len + take < DRIVER_MAX_INPUT) {
          memcpy(buf + len, seeds[o], take);
          len += take;
        }
      } else if (op == 4 && len) buf[at] = "{}[]\",:\\\n0e-"[driver_rand() % 13];
    }
    LLVMFuzzerTestOneInput(buf, len);
  }
  for (i = 0; i < nseeds; i++) free(seeds[i]);
  printf("%s: %zu seeds, %ld mutations, no failure\n", argv[0], nseeds, iters);
  return 0;
}
