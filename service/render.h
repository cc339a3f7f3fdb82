/* render.h: reports for people (`vigil status`, `vigil check`, the console
 * run) - one renderer, one exit-code rule. */
#ifndef VG_RENDER_H
#define VG_RENDER_H

#include "json.h"

#include <stdio.h>

/* Prints a report (status/check JSON) as an aligned table, worst first. */
void vg_cli_print_report(FILE *out, const vg_json_t *report);
/* Nagios-style exit code for an overall status: ok/n/a 0, warn 1, crit 2,
 * unknown 3. */
int vg_cli_exit_code(const char *overall);

#endif /* VG_RENDER_H */
