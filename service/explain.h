/* explain.h: `vigil explain PROBE|EVENT_ID` - the catalog entry compiled
 * into vigil.exe from docs/probes.md and docs/events.md, with the settings
 * in effect on this machine. Works offline. */
#ifndef VG_EXPLAIN_H
#define VG_EXPLAIN_H

#include "config.h"

#include <stdio.h>

/* Prints the entry for what (a probe id, or an Event Log id such as 1062
 * or 112) to out, with the effective settings from cfg (NULL: defaults).
 * Returns 0, or VG_ENOENT with one line on err saying what is known. */
int vg_explain(FILE *out, FILE *err, const char *what, const vg_config_t *cfg);

#endif /* VG_EXPLAIN_H */
