/* main_win.c: process entry on Windows - UTF-16 arguments to UTF-8. */
#include "cli.h"
#include "install_parts_win.h"
#include "vg_win.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int wmain(int argc, wchar_t **wargv);

int wmain(int argc, wchar_t **wargv) {
  char **argv = calloc((size_t)argc + 1, sizeof(char *));
  int i, rc;
  UINT cp;
  if (argv == NULL) return 3;
  for (i = 0; i < argc; i++) {
    argv[i] = malloc(4 * wcslen(wargv[i]) + 1);
    if (argv[i] == NULL ||
        vg_utf8(wargv[i], argv[i], 4 * wcslen(wargv[i]) + 1) != 0) {
      fprintf(stderr, "vigil: argument %d is not valid text\n", i);
      return 2;
    }
  }
  /* UTF-8 out while vigil runs; the console's own code page comes back
   * on exit (cmd.exe keeps it for what runs next). */
  cp = GetConsoleOutputCP();
  SetConsoleOutputCP(CP_UTF8);
  /* The MSI's custom actions (installer/vigil.wxs) run `vigil install
   * --acl-only ...` and `vigil install --recovery-only`:
   * install_parts_win.c. Any other `vigil install` is the full one. */
  rc = argc >= 2 && strcmp(argv[1], "install") == 0
           ? vg_install_parts(argc - 2, argv + 2)
           : -1;
  if (rc < 0) rc = vg_cli_main(argc, argv);
  for (i = 0; i < argc; i++)
    free(argv[i]);
  free(argv);
  if (cp) SetConsoleOutputCP(cp);
  return rc;
}
