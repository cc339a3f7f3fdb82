/* render.h: reports for people (`vigil status`, `vigil check`, the console
 * run) - one renderer, one exit-code rule. */
#ifndef VG_RENDER_H
#define VG_RENDER_H

#include "json.h"
#include "report_view.h"

#include <stdio.h>

/* Prints a report as an aligned table: the readiness lines, then a row a
 * probe (warn/crit with their MARS errors and fix), then the overall line.
 * In-process commands pass the agent's view (vg_agent_view). */
void vg_cli_print_view(FILE *out, const vg_report_view_t *v);
/* The same for a report JSON object read from the service (`status`):
 * 0, or VG_EINVAL/VG_ENOMEM with a line on stderr. */
int vg_cli_print_report(FILE *out, const vg_json_t *report);
/* Nagios-style exit code for an overall status: ok/n/a 0, warn 1, crit 2,
 * unknown 3. */
int vg_cli_exit_code(const char *overall);

#endif /* VG_RENDER_H */
