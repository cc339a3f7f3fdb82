/* probe_includes_core.c: a probe-layer file that includes a core header.
 * It must NOT compile: the probes layer cannot see core/ (layers point
 * down only). Built only by the layers_upward_include_fails test. */
#include "config.h"

int vg_layers_violation(void);
int vg_layers_violation(void) { return (int)sizeof(vg_config_t); }
