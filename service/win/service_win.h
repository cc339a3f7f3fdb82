/* service_win.h: the piece of service_win.c that tests drive directly. */
#ifndef VG_SERVICE_WIN_H
#define VG_SERVICE_WIN_H

#include "vg_win.h"

/* One pulse while start or stop is pending: the checkpoint goes up by one
 * and the wait hint becomes the time left until deadline (at least 2 s) -
 * both move together, and only until the deadline announced for the phase
 * (then the SCM may judge). Returns 1 when st changed and must be reported,
 * 0 otherwise (not pending, or past the deadline). Times from
 * GetTickCount64. */
int vg__svc_pulse(SERVICE_STATUS *st, ULONGLONG deadline, ULONGLONG now);

#endif /* VG_SERVICE_WIN_H */
