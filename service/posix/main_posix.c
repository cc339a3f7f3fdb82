/* main_posix.c: process entry on POSIX. */
#include "cli.h"

int main(int argc, char **argv) { return vg_cli_main(argc, argv); }
