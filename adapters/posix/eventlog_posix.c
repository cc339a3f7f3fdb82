/* eventlog_posix.c: the event sink of the development build - syslog
 * (VIGIL_SYSLOG=1) and stderr. */
#include "eventlog.h"

#include "vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

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

