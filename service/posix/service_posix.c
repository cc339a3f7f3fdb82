/* service_posix.c: the Windows service commands on the development build
 * say they apply to Windows only. */
#include "service_ctl.h"

#include <stdio.h>

static int posix_only_windows(const char *verb) {
  fprintf(stderr,
          "vigil %s: applies to the Windows service only; on this system "
          "use `vigil run --console`\n",
          verb);
  return 2;
}

int vg_service_dispatch(int argc, char **argv) {
  (void)argc, (void)argv;
  return posix_only_windows("service");
}
int vg_service_install(int argc, char **argv) {
  (void)argc, (void)argv;
  return posix_only_windows("install");
}
int vg_service_uninstall(int argc, char **argv) {
  (void)argc, (void)argv;
  return posix_only_windows("uninstall");
}
int vg_service_start(int argc, char **argv) {
  (void)argc, (void)argv;
  return posix_only_windows("start");
}
int vg_service_stop(int argc, char **argv) {
  (void)argc, (void)argv;
  return posix_only_windows("stop");
}
