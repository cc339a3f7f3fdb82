/* main_posix.c: process entry on POSIX. */
#include "cli.h"

#include <malloc.h>

int main(int argc, char **argv) {
#ifdef M_ARENA_MAX
  /* One malloc arena: glibc gives each worker thread an arena of its own
   * (132 KiB mapped, partly touched, never returned) for the few facts a
   * collection allocates; the Windows CRT has one heap anyway (issue 17). */
  mallopt(M_ARENA_MAX, 1);
#endif
  return vg_cli_main(argc, argv);
}
