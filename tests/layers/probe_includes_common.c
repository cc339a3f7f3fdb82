/* probe_includes_common.c: the positive control - a probe-layer file that
 * includes the probe API and common headers compiles. */
#include "probe.h"
#include "vg.h"

int vg_layers_ok(void);
int vg_layers_ok(void) { return (int)sizeof(vg_finding_t); }
