/* registry.c: the probe table - every probe Vigil runs, in report order. */
#include "probe.h"

extern const vg_probe_t vg_probe_scratch_space;

const vg_probe_t *const vg_probes[] = {
    &vg_probe_scratch_space,
};

const size_t vg_nprobes = sizeof(vg_probes) / sizeof(vg_probes[0]);
