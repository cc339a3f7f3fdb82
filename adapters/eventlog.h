/* eventlog.h: the event sink - Windows Event Log (source "Vigil", message
 * table adapters/win/messages.mc), syslog/stderr on POSIX. Ids, levels and
 * inserts are docs/events.md's; adapters/eventlog.c builds them, the
 * platform file (adapters/win/eventlog_win.c, adapters/posix/
 * eventlog_posix.c) reports them. Loop thread. */
#ifndef VG_EVENTLOG_H
#define VG_EVENTLOG_H

#include "alerts.h"

#include <stddef.h>
#include <stdint.h>

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

/* ---- per-probe ids (interface.md "Event ids") ---- */

#define VG_EV_PROBE_BASE 1000
#define VG_EV_PROBE_NUMBER_MAX 99 /* ids up to 1993 */

/* The event id of probe `number` at status st: 1000 + 10 x number + k, k
 * 0 ok / n/a, 1 warn, 2 crit, 3 unknown. 0 when number is 0 or above
 * VG_EV_PROBE_NUMBER_MAX. Pure; any thread. */
unsigned vg_events_probe_id(unsigned number, vg_status_t st);
/* The full 32-bit message id of a per-probe event as windmc builds it:
 * the level in the top two bits (k 0 Information 0x40000000, 1 and 3
 * Warning 0x80000000, 2 Error 0xC0000000) | the id. 0 as above. Pure. */
uint32_t vg_events_probe_msgid(unsigned number, vg_status_t st);
/* The id vg_events_probe(a, number) writes for a (its first event when it
 * writes two): the per-probe id for raised/cleared/unknown alerts of a
 * numbered probe, 200-203 for number 0, 204-208 for flapping/settled; 0
 * for VG_ALERT_NONE. Pure. */
unsigned vg_events_alert_id(const vg_alert_t *a, unsigned number);

/* A probe alert the alerts engine decided to report (alerts.h), with the
 * six inserts of vg_alert_inserts(): a change to warn, crit, unknown or
 * back to ok / n/a is written with the probe's own id (number = the
 * probe's number, vg_probe_t.number); flapping and settled stay the
 * generic 204-208. A settle at a level other than the probe's last
 * per-probe event is followed by that per-probe event (inserts %5 the
 * status of that last event, %6 how long events were held), so a rule that
 * opens on 1xx1-1xx3 and closes on the probe's next event always closes.
 * number 0: the generic 200-203 as before. Loop thread. */
void vg_events_probe(const vg_alert_t *a, unsigned number);
/* vg_events_probe(a, a->number). */
void vg_events_alert(const vg_alert_t *a);

/* ---- service health (106-108) ---- */

/* 106: the store stopped taking writes at run time; `held` records wait
 * in memory. Write it once when the store starts failing. */
void vg_events_store_failing(const char *reason, size_t held);
/* 107: the store works again; `written` records that waited were written
 * after failing_ms of failure. */
void vg_events_store_recovered(size_t written, int64_t failing_ms);
/* 108: `dropped` records were lost (memory for waiting records full). */
void vg_events_records_dropped(uint64_t dropped, const char *reason);

/* ---- the next scheduled backup (110-113) and the summary (120) ---- */

/* A probe as the summary and the pre-flight events list it: one line
 * "id (status): summary Fix: remedy". */
typedef struct vg_ev_finding_s {
  const char *probe_id;
  vg_status_t status;
  const char *summary;
  const char *remedy; /* NULL or "": no "Fix:" part */
} vg_ev_finding_t;

/* The pre-flight sweep's verdict on one scheduled backup: 110 ready, 111
 * at_risk (and unknown), 112 will_fail. verdict is interface.md's name
 * ("ready", "at_risk", "will_fail", "unknown"); blocking the probes that
 * make it fail or put it at risk (n may be 0); lead_ms how long before
 * the backup the sweep ran. */
typedef struct vg_ev_preflight_s {
  int64_t backup_at_ms;
  const char *task;
  const char *verdict;
  const vg_ev_finding_t *blocking;
  size_t nblocking;
  int64_t lead_ms;
} vg_ev_preflight_t;
void vg_events_preflight(const vg_ev_preflight_t *p);

/* 113: a scheduled backup's outcome ("success", "warnings", "failed",
 * "missed") against the verdict given before it (NULL: none) and the
 * probes that blocked it then. assessment NULL: vg_events_assess(). */
void vg_events_backup_outcome(int64_t backup_at_ms, const char *outcome,
                              const char *verdict,
                              const vg_ev_finding_t *blocking, size_t n,
                              const char *assessment);
/* How an outcome compares with the verdict given before it (docs/
 * events.md, event 113): a static English phrase. Pure. */
const char *vg_events_assess(const char *verdict, const char *outcome);

/* 120: the summary - every probe of probes[0..n) that is not ok (warn,
 * crit, unknown; n/a and ok are left out), worst first, one line each;
 * written even when all are ok. */
void vg_events_summary(const vg_ev_finding_t *probes, size_t n);
/* 121: a probe still warn or crit: a->status the current status,
 * a->finding its finding, a->span_ms how long it has been so (a->kind
 * and a->old_status are ignored). */
void vg_events_reminder(const vg_alert_t *a);

/* Builds the lines of a finding list as the events show them ("id
 * (status): summary Fix: remedy", '\n' between lines, worst first, ok and
 * n/a skipped when only_not_ok), "none" when nothing is listed. Returns
 * the number listed; out is always terminated and cut to size. Pure. */
size_t vg_events_findings_text(const vg_ev_finding_t *f, size_t n,
                               int only_not_ok, char *out, size_t size);

/* ---- what was written (tests) ---- */

/* Level of an event, as Event Viewer shows it. */
typedef enum {
  VG_EV_INFORMATION = 0,
  VG_EV_WARNING,
  VG_EV_ERROR
} vg_ev_level_t;

/* Called for every event before the platform writes it: id (low 16
 * bits), level, inserts and the one-line text the POSIX sink prints. NULL
 * to stop. Tests use it to see what the service reports. Loop thread. */
typedef void (*vg_events_observer_fn)(void *ud, unsigned id,
                                      vg_ev_level_t level,
                                      const char *const *inserts, size_t n,
                                      const char *line);
void vg_events_observe(vg_events_observer_fn fn, void *ud);

/* Platform primitive (eventlog_win.c / eventlog_posix.c): reports one
 * event. category 1 Service, 2 Probe; line is a one-line rendering for
 * syslog and stderr; to_stderr asks the POSIX sink to print it too. */
void vg__events_report(unsigned id, vg_ev_level_t level, unsigned category,
                       const char *const *inserts, size_t n, const char *line,
                       int to_stderr);

#endif /* VG_EVENTLOG_H */
