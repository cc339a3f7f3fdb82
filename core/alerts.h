/* alerts.h: which probe state changes become Event Log entries - the
 * transition table and flood control (a flapping probe is reported once,
 * then once more when it settles). Pure: no clock, no OS; loop thread. */
#ifndef VG_ALERTS_H
#define VG_ALERTS_H

#include "probe.h"

#include <stddef.h>
#include "timefmt.h"

#include <stdint.h>

/* What an alert says; each kind has one Event Log id (docs/events.md). */
typedef enum {
  VG_ALERT_NONE = 0,       /* nothing to report (ok <-> n/a) */
  VG_ALERT_RAISED_WARN,    /* new status warn */
  VG_ALERT_RAISED_CRIT,    /* new status crit */
  VG_ALERT_CLEARED,        /* warn/crit/unknown -> ok or n/a */
  VG_ALERT_UNKNOWN,        /* new status unknown: could not measure */
  VG_ALERT_FLAPPING,       /* too many changes: further ones are held */
  VG_ALERT_SETTLED_OK,     /* held probe stable again, at ok or n/a */
  VG_ALERT_SETTLED_WARN,   /* ... at warn */
  VG_ALERT_SETTLED_CRIT,   /* ... at crit */
  VG_ALERT_SETTLED_UNKNOWN /* ... at unknown */
} vg_alert_kind_t;

/* One alert. finding points into the caller's probe state (valid for the
 * duration of the callback / until the next change of that probe). */
typedef struct vg_alert_s {
  vg_alert_kind_t kind;
  const char *probe_id;
  vg_status_t status;     /* current status */
  vg_status_t old_status; /* RAISED/CLEARED/UNKNOWN: status before */
  const vg_finding_t *finding;
  /* RAISED/CLEARED/UNKNOWN: how long the previous status lasted.
   * FLAPPING: the flood-control window. SETTLED: how long events were
   * held. */
  int64_t span_ms;
  /* FLAPPING: changes seen within the window. SETTLED: changes held. */
  unsigned changes;
  unsigned number; /* the probe's number (its event ids); 0 = generic ids */
} vg_alert_t;

/* Number of Event Log inserts every probe alert carries (%1..%6). */
#define VG_ALERT_NINSERTS 6
#define VG_ALERT_INSERT_MAX 400

/* Per-probe flood-control state. */
typedef struct vg_alert_probe_s {
  int64_t *ring; /* times of the last max+1 reportable changes */
  unsigned nring, head;
  int holding;
  int64_t hold_start_ms;
  int64_t last_change_ms;
  unsigned held;
} vg_alert_probe_t;

typedef struct vg_alerts_s {
  vg_alert_probe_t *p;
  size_t n;
  int64_t window_ms; /* agent.flap_window; 0 disables flood control */
  unsigned max;      /* agent.flap_max: changes per window before holding */
} vg_alerts_t;

/* Prepares state for n probes. Returns 0 or VG_ENOMEM. */
int vg_alerts_init(vg_alerts_t *al, size_t n, int64_t window_ms, unsigned max);
void vg_alerts_free(vg_alerts_t *al);

/* The alert kind a change old -> new maps to, flood control aside. */
vg_alert_kind_t vg_alert_kind_for(vg_status_t old_status,
                                  vg_status_t new_status);

/* Probe idx changed from old_status (since old_since_ms) to f->status at
 * now_ms. Returns 1 and fills *out when an alert is due, 0 when the change
 * is not reported (no alert for this transition, or held). */
int vg_alerts_change(vg_alerts_t *al, size_t idx, const char *probe_id,
                     vg_status_t old_status, int64_t old_since_ms,
                     const vg_finding_t *f, int64_t now_ms, vg_alert_t *out);

/* Checks whether probe idx, when held, has been stable for a whole window
 * at now_ms. Returns 1 with *out filled (a SETTLED alert for the current
 * finding f) and leaves the holding state, else 0. */
int vg_alerts_settle(vg_alerts_t *al, size_t idx, const char *probe_id,
                     const vg_finding_t *f, int64_t now_ms, vg_alert_t *out);

/* Milliseconds from now_ms until the earliest held probe may settle, or -1
 * when none is held. */
int64_t vg_alerts_next_settle(const vg_alerts_t *al, int64_t now_ms);

/* Short name of a kind ("raised-warn", "settled-crit", ...). */
const char *vg_alert_kind_name(vg_alert_kind_t kind);

/* Fills the six inserts: %1 probe id, %2 summary, %3 predicted MARS errors
 * ("none"), %4 remedy ("no action needed"), %5 and %6 by kind: the previous
 * status and how long it lasted; FLAPPING: the change count and the window;
 * SETTLED: the changes held and for how long. */
void vg_alert_inserts(const vg_alert_t *a,
                      char ins[VG_ALERT_NINSERTS][VG_ALERT_INSERT_MAX]);

/* One line for syslog and logs: "scratch.space raised-crit: SUMMARY;
 * predicts: X; fix: Y (was ok for 2 h)". Returns buf. */
const char *vg_alert_line(const vg_alert_t *a, char *buf, size_t size);

#endif /* VG_ALERTS_H */
