/* eventlog.h: the event sink - Windows Event Log (source "Vigil", message
 * table adapters/win/messages.mc), syslog/stderr on POSIX. Loop thread. */
#ifndef VG_EVENTLOG_H
#define VG_EVENTLOG_H

#include "alerts.h"

/* Event sink: Windows Event Log (source "Vigil"), syslog/stderr on POSIX.
 * open may fail silently (events are then only printed). Loop thread. */
void vg_events_open(void);
void vg_events_close(void);
/* Lifecycle and problem events (docs/events.md). */
typedef enum {
  VG_EV_STARTED = 1,
  VG_EV_STOPPING,
  VG_EV_STOPPED,
  VG_EV_CONFIG,
  VG_EV_STORE,
  VG_EV_START_FAILED
} vg_event_kind_t;
void vg_events_lifecycle(vg_event_kind_t kind, const char *text);
/* A probe alert the alerts engine decided to report (alerts.h): on
 * Windows one Event Log entry whose id follows the kind, with the six
 * inserts of vg_alert_inserts(). */
void vg_events_alert(const vg_alert_t *a);

#endif /* VG_EVENTLOG_H */
