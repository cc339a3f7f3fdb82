/* cli.h: the command line (interface.md "Command line"). */
#ifndef VG_CLI_H
#define VG_CLI_H

/* Entry point for every vigil command; argv is UTF-8. Returns the process
 * exit code. */
int vg_cli_main(int argc, char **argv);

#endif /* VG_CLI_H */
