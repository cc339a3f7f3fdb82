/* eventlog_posix.c: the event sink of the development build - syslog
 * (VIGIL_SYSLOG=1) and stderr; each line starts with the Event Log id the
 * Windows build would write. */
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

void vg__events_report(unsigned id, vg_ev_level_t level, unsigned category,
                       const char *const *inserts, size_t n, const char *line,
                       int to_stderr) {
  int pri = level == VG_EV_ERROR     ? LOG_ERR
            : level == VG_EV_WARNING ? LOG_WARNING
                                     : LOG_INFO;
  (void)category;
  (void)inserts;
  (void)n;
  if (events_syslog) syslog(pri, "[%u] %s", id, line);
  if (to_stderr) fprintf(stderr, "vigil: %s\n", line);
}
