/* bench_store.c: what one transaction per scheduling cycle buys. Writes the
 * same records (18 probes x N cycles: a sample each, a state upsert each) in
 * two ways in one run and prints the ratio:
 *   baseline: every record its own transaction (autocommit);
 *   vigil:    one transaction per cycle (what the agent does).
 * Usage: bench_store [CYCLES] [DIR]   (ratios, not absolute times, compare
 * across machines) */
#include "store.h"
#include "vg.h"

#include <uv.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBES 18

static const char *facts =
    "{\"mars_installed\":true,\"path\":\"D:\\\\MARS\\\\Scratch\",\"free_bytes\":"
    "81750896640,\"total_bytes\":270553174016,\"backup_bytes\":377604554752}";

static double run(const char *path, int cycles, int batched) {
  vg_store_t *s;
  char note[300], err[300], ids[PROBES][32];
  uint64_t t0;
  int c, p;
  remove(path);
  if (vg_store_open(path, &s, note, sizeof(note), err, sizeof(err)) != 0) {
    fprintf(stderr, "bench_store: %s\n", err);
    exit(1);
  }
  for (p = 0; p < PROBES; p++) snprintf(ids[p], sizeof(ids[p]), "probe.%d", p);
  t0 = uv_hrtime();
  for (c = 0; c < cycles; c++) {
    if (batched && vg_store_begin(s)) exit(1);
    for (p = 0; p < PROBES; p++) {
      vg_sample_t smp = {ids[p], c, "ok", "summary of the finding", facts, 3};
      vg_state_t st = {ids[p], "ok", "summary", "remedy", "[]", facts, "{}",
                       0, c};
      if (!batched && vg_store_begin(s)) exit(1);
      if (vg_store_add_sample(s, &smp) || vg_store_put_state(s, &st)) exit(1);
      if (!batched && vg_store_commit(s)) exit(1);
    }
    if (batched && vg_store_commit(s)) exit(1);
  }
  vg_store_close(s);
  return (double)(uv_hrtime() - t0) / 1e9;
}

int main(int argc, char **argv) {
  int cycles = argc > 1 ? atoi(argv[1]) : 300;
  char dir[512], path[600];
  size_t n = sizeof(dir);
  double base, ours;
  if (argc > 2) snprintf(dir, sizeof(dir), "%s", argv[2]);
  else uv_os_tmpdir(dir, &n);
  snprintf(path, sizeof(path), "%s/vigil-bench.db", dir);
  base = run(path, cycles, 0);
  ours = run(path, cycles, 1);
  remove(path);
  printf("bench_store: %d cycles x %d probes\n", cycles, PROBES);
  printf("  baseline (transaction per record): %8.3f s  %8.0f records/s\n",
         base, cycles * PROBES * 2 / base);
  printf("  vigil    (transaction per cycle):  %8.3f s  %8.0f records/s\n",
         ours, cycles * PROBES * 2 / ours);
  printf("  ratio: %.1fx faster\n", base / ours);
  return 0;
}
