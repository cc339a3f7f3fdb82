/* platform.h: what differs between the Windows product and the POSIX
 * development build outside the probes: folders, the pipe name, the
 * service manager and the event sink (service/win/, service/posix/). */
#ifndef VG_PLATFORM_H
#define VG_PLATFORM_H

#include "alerts.h"
#include "probe.h"

#include <stddef.h>
#include <stdint.h>

/* Default data folder: %ProgramData%\Vigil on Windows; $VIGIL_HOME, else
 * $HOME/.local/state/vigil on POSIX. Returns 0 or VG_ERANGE. */
int vg_platform_home(char *out, size_t size);
/* Query pipe: \\.\pipe\vigil on Windows; <home>/vigil.sock on POSIX.
 * $VIGIL_PIPE overrides both (tests). */
void vg_platform_pipe_name(const char *home, char *out, size_t size);
/* Creates the data folder (and parents) if missing. 0 or VG_E*. */
int vg_platform_mkdir(const char *path);

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

/* Windows service commands (SCM); on POSIX they print that they apply to
 * Windows only and return 2. argv/argc are the arguments after the verb. */
int vg_service_dispatch(int argc, char **argv);
int vg_service_install(int argc, char **argv);
int vg_service_uninstall(int argc, char **argv);
int vg_service_start(int argc, char **argv);
int vg_service_stop(int argc, char **argv);

#endif /* VG_PLATFORM_H */
