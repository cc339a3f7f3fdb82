/* service_win.h: what the SCM runtime (service_win.c) and the SCM commands
 * (scm_commands_win.c) share, and the piece tests drive directly. */
#ifndef VG_SERVICE_WIN_H
#define VG_SERVICE_WIN_H

#include "vg_win.h"

/* Names and timings the SCM runtime and the SCM commands share. */
#define SVC_NAME L"Vigil"
#define SVC_DISPLAY L"Vigil - MARS backup health monitor"
#define SVC_DESCRIPTION                                                        \
  L"Watches the Microsoft Azure Recovery Services (MARS) backup agent and "    \
  L"warns before a backup fails. Current findings: vigil status. Event "       \
  L"Log source: Vigil."
#define SVC_EVENTLOG_KEY                                                       \
  L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\Vigil"
#define SVC_START_HINT_MS 30000 /* store open and migration included */
#define SVC_PULSE_MS 1000       /* checkpoint cadence while pending */
#define SVC_MIN_HINT_MS 2000
#define SVC_PRESHUTDOWN_MS 20000 /* > VG_STOP_GRACE_MS + margin */
#define SVC_WAIT_MAX_MS 120000   /* start waits at most for RUNNING */
#define SVC_STOP_MAX_MS 60000    /* stop/uninstall wait at most for STOPPED */
#define SVC_EXIT_MAX_MS 10000    /* then for the service process to exit */
#define SVC_STOP_SEEN_MS 10000   /* for the loop to report STOP_PENDING */

/* One pulse while start or stop is pending: the checkpoint goes up by one
 * and the wait hint becomes the time left until deadline (at least 2 s) -
 * both move together, and only until the deadline announced for the phase
 * (then the SCM may judge). Returns 1 when st changed and must be reported,
 * 0 otherwise (not pending, or past the deadline). Times from
 * GetTickCount64. */
int vg__svc_pulse(SERVICE_STATUS *st, ULONGLONG deadline, ULONGLONG now);

#endif /* VG_SERVICE_WIN_H */
