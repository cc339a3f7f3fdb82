/* cli.h: the command line (interface.md "Command line"). */
#ifndef VG_CLI_H
#define VG_CLI_H

#include "json.h"

#include <stdio.h>

/* Entry point for every vigil command; argv is UTF-8. Returns the process
 * exit code. */
int vg_cli_main(int argc, char **argv);

/* Prints a report (status/check JSON) as an aligned table, worst first. */
void vg_cli_print_report(FILE *out, const vg_json_t *report);
/* Nagios-style exit code for an overall status: ok/n/a 0, warn 1, crit 2,
 * unknown 3. */
int vg_cli_exit_code(const char *overall);

#endif /* VG_CLI_H */
