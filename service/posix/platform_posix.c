/* platform_posix.c: folders, events and (absent) service control for the
 * POSIX development build. */
#include "platform.h"

#include "vg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

int vg_platform_home(char *out, size_t size) {
  const char *h = getenv("VIGIL_HOME");
  if (h && *h) return vg_strlcpy(out, h, size);
  h = getenv("HOME");
  if (h == NULL || *h == '\0') h = "/tmp";
  return snprintf(out, size, "%s/.local/state/vigil", h) < (int)size
             ? 0
             : VG_ERANGE;
}

void vg_platform_pipe_name(const char *home, char *out, size_t size) {
  const char *p = getenv("VIGIL_PIPE");
  if (p && *p) vg_strlcpy(out, p, size);
  else snprintf(out, size, "%s/vigil.sock", home);
}

int vg_platform_mkdir(const char *path) {
  char tmp[1024];
  size_t i;
  if (vg_strlcpy(tmp, path, sizeof(tmp))) return VG_ERANGE;
  for (i = 1; tmp[i]; i++) {
    if (tmp[i] != '/') continue;
    tmp[i] = '\0';
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST) return VG_EACCES;
    tmp[i] = '/';
  }
  if (mkdir(tmp, 0700) != 0 && errno != EEXIST) return VG_EACCES;
  return 0;
}

static int events_syslog;

void vg_events_open(void) {
  const char *s = getenv("VIGIL_SYSLOG");
  events_syslog = s && strcmp(s, "1") == 0;
  if (events_syslog) openlog("vigil", LOG_PID, LOG_DAEMON);
}

void vg_events_close(void) {
  if (events_syslog) closelog();
}

void vg_events_lifecycle(vg_event_kind_t kind, const char *text) {
  int pri = kind == VG_EV_CONFIG || kind == VG_EV_STORE ? LOG_WARNING
            : kind == VG_EV_START_FAILED               ? LOG_ERR
                                                       : LOG_INFO;
  if (events_syslog) syslog(pri, "%s", text);
  fprintf(stderr, "vigil: %s\n", text);
}

void vg_events_alert(const vg_alert_t *a) {
  char line[2048];
  int pri = a->status == VG_ST_CRIT ? LOG_ERR
            : a->status == VG_ST_WARN || a->status == VG_ST_UNKNOWN ||
                    a->kind == VG_ALERT_FLAPPING
                ? LOG_WARNING
                : LOG_INFO;
  if (events_syslog) syslog(pri, "%s", vg_alert_line(a, line, sizeof(line)));
}

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
