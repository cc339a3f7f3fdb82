/* service_win.c: the Service Control Manager side of vigil.exe.
 * Placeholder until issue 4: each verb says it is not available yet. */
#include "platform.h"

#include <stdio.h>

static int svc_later(const char *verb) {
  fprintf(stderr,
          "vigil %s: not available in this build yet; use `vigil run "
          "--console`\n",
          verb);
  return 2;
}

int vg_service_dispatch(int argc, char **argv) {
  (void)argc, (void)argv;
  return svc_later("service");
}
int vg_service_install(int argc, char **argv) {
  (void)argc, (void)argv;
  return svc_later("install");
}
int vg_service_uninstall(int argc, char **argv) {
  (void)argc, (void)argv;
  return svc_later("uninstall");
}
int vg_service_start(int argc, char **argv) {
  (void)argc, (void)argv;
  return svc_later("start");
}
int vg_service_stop(int argc, char **argv) {
  (void)argc, (void)argv;
  return svc_later("stop");
}
