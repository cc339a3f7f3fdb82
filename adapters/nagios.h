/* nagios.h: the findings as a Nagios plugin answers (vigil check --nagios,
 * vigil status --nagios; NSClient++, Icinga, Nagios): one status line with
 * performance data, then one line per finding not ok. */
#ifndef VG_NAGIOS_H
#define VG_NAGIOS_H

#include "buf.h"
#include "report_view.h"

/* Nagios exit codes (plugin guidelines). A usage error or an unreachable
 * service is VG_NAGIOS_UNKNOWN too (interface.md). */
#define VG_NAGIOS_OK 0
#define VG_NAGIOS_WARNING 1
#define VG_NAGIOS_CRITICAL 2
#define VG_NAGIOS_UNKNOWN 3

/* Appends the plugin output for v to out:
 *   STATE: <count and the worst findings> |
 * 'label'=value[UOM];warn;crit;min;max ... [CRIT] probe.id: summary Fix: remedy
 * (one per finding not ok,
 *   ...                                          worst first)
 * STATE is OK, WARNING, CRITICAL or UNKNOWN for vg_view_overall(v); '|' in
 * texts becomes '/', line breaks spaces. Returns 0 or out->err. Pure. */
int vg_nagios_render(const vg_report_view_t *v, vg_buf_t *out);

/* The exit code for an overall status: ok and n/a 0, warn 1, crit 2,
 * unknown 3. Pure. */
int vg_nagios_exit(vg_status_t overall);

#endif /* VG_NAGIOS_H */
