/* alerts.c: the Event Log's view of probe state changes - which ones are
 * reported, and flood control for probes that flap. */
#include "alerts.h"

#include "vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vg_alerts_init(vg_alerts_t *al, size_t n, int64_t window_ms, unsigned max) {
  size_t i;
  memset(al, 0, sizeof(*al));
  al->window_ms = window_ms > 0 ? window_ms : 0;
  al->max = max ? max : 1;
  al->p = calloc(n ? n : 1, sizeof(*al->p));
  if (al->p == NULL) return VG_ENOMEM;
  al->n = n;
  for (i = 0; i < n; i++) {
    al->p[i].ring = calloc(al->max + 1, sizeof(int64_t));
    if (al->p[i].ring == NULL) {
      vg_alerts_free(al);
      return VG_ENOMEM;
    }
  }
  return 0;
}

void vg_alerts_free(vg_alerts_t *al) {
  size_t i;
  for (i = 0; al->p && i < al->n; i++)
    free(al->p[i].ring);
  free(al->p);
  memset(al, 0, sizeof(*al));
}

vg_alert_kind_t vg_alert_kind_for(vg_status_t old_status,
                                  vg_status_t new_status) {
  switch (new_status) {
  case VG_ST_CRIT: return VG_ALERT_RAISED_CRIT;
  case VG_ST_WARN: return VG_ALERT_RAISED_WARN;
  case VG_ST_UNKNOWN: return VG_ALERT_UNKNOWN;
  case VG_ST_OK:
  case VG_ST_NA: break;
  }
  /* ok <-> n/a (MARS installed or removed while healthy) is no alarm. */
  return old_status == VG_ST_WARN || old_status == VG_ST_CRIT ||
                 old_status == VG_ST_UNKNOWN
             ? VG_ALERT_CLEARED
             : VG_ALERT_NONE;
}

static vg_alert_kind_t settled_kind(vg_status_t st) {
  switch (st) {
  case VG_ST_CRIT: return VG_ALERT_SETTLED_CRIT;
  case VG_ST_WARN: return VG_ALERT_SETTLED_WARN;
  case VG_ST_UNKNOWN: return VG_ALERT_SETTLED_UNKNOWN;
  case VG_ST_OK:
  case VG_ST_NA: break;
  }
  return VG_ALERT_SETTLED_OK;
}

int vg_alerts_change(vg_alerts_t *al, size_t idx, const char *probe_id,
                     vg_status_t old_status, int64_t old_since_ms,
                     const vg_finding_t *f, int64_t now_ms, vg_alert_t *out) {
  vg_alert_probe_t *p;
  vg_alert_kind_t kind = vg_alert_kind_for(old_status, f->status);
  memset(out, 0, sizeof(*out));
  if (idx >= al->n) return 0;
  p = &al->p[idx];
  p->last_change_ms = now_ms;
  if (p->holding) {
    p->held++;
    return 0;
  }
  if (kind == VG_ALERT_NONE) return 0;
  out->probe_id = probe_id;
  out->status = f->status;
  out->old_status = old_status;
  out->finding = f;
  if (al->window_ms > 0) {
    /* The ring keeps the times of the last max+1 reported changes; when
     * the oldest of them is still inside the window this change is one too
     * many. */
    unsigned cap = al->max + 1, oldest;
    p->ring[p->head] = now_ms;
    p->head = (p->head + 1) % cap;
    if (p->nring < cap) p->nring++;
    oldest = p->nring < cap ? 0 : p->head;
    if (p->nring == cap && now_ms - p->ring[oldest] < al->window_ms) {
      p->holding = 1;
      p->hold_start_ms = now_ms;
      p->held = 0;
      out->kind = VG_ALERT_FLAPPING;
      out->span_ms = al->window_ms;
      out->changes = cap;
      return 1;
    }
  }
  out->kind = kind;
  out->span_ms = now_ms - old_since_ms > 0 ? now_ms - old_since_ms : 0;
  return 1;
}

int vg_alerts_settle(vg_alerts_t *al, size_t idx, const char *probe_id,
                     const vg_finding_t *f, int64_t now_ms, vg_alert_t *out) {
  vg_alert_probe_t *p;
  memset(out, 0, sizeof(*out));
  if (idx >= al->n) return 0;
  p = &al->p[idx];
  if (!p->holding || now_ms - p->last_change_ms < al->window_ms) return 0;
  out->kind = settled_kind(f->status);
  out->probe_id = probe_id;
  out->status = f->status;
  out->old_status = f->status;
  out->finding = f;
  out->span_ms = now_ms - p->hold_start_ms;
  out->changes = p->held;
  p->holding = 0;
  p->held = 0;
  p->nring = 0;
  p->head = 0;
  return 1;
}

int64_t vg_alerts_next_settle(const vg_alerts_t *al, int64_t now_ms) {
  size_t i;
  int64_t best = -1;
  for (i = 0; i < al->n; i++) {
    const vg_alert_probe_t *p = &al->p[i];
    int64_t due;
    if (!p->holding) continue;
    due = p->last_change_ms + al->window_ms - now_ms;
    if (due < 0) due = 0;
    if (best < 0 || due < best) best = due;
  }
  return best;
}

const char *vg_alert_kind_name(vg_alert_kind_t kind) {
  switch (kind) {
  case VG_ALERT_NONE: return "none";
  case VG_ALERT_RAISED_WARN: return "raised-warn";
  case VG_ALERT_RAISED_CRIT: return "raised-crit";
  case VG_ALERT_CLEARED: return "cleared";
  case VG_ALERT_UNKNOWN: return "unknown";
  case VG_ALERT_FLAPPING: return "flapping";
  case VG_ALERT_SETTLED_OK: return "settled-ok";
  case VG_ALERT_SETTLED_WARN: return "settled-warn";
  case VG_ALERT_SETTLED_CRIT: return "settled-crit";
  case VG_ALERT_SETTLED_UNKNOWN: return "settled-unknown";
  case VG_ALERT_REMINDER: return "reminder";
  }
  return "?";
}

/* Copies text into an insert, with line breaks turned into spaces: an
 * insert is one sentence and the Event Log writers keep one per line. */
static void insert_put(char *dst, const char *text) {
  char *q;
  vg_strlcpy(dst, text, VG_ALERT_INSERT_MAX);
  for (q = dst; *q; q++)
    if (*q == '\r' || *q == '\n' || *q == '\t') *q = ' ';
}

void vg_alert_inserts(const vg_alert_t *a,
                      char ins[VG_ALERT_NINSERTS][VG_ALERT_INSERT_MAX]) {
  const vg_finding_t *f = a->finding;
  char buf[VG_ALERT_INSERT_MAX];
  size_t pos = 0;
  unsigned i;
  insert_put(ins[0], a->probe_id ? a->probe_id : "?");
  insert_put(ins[1], f && f->summary[0] ? f->summary : "(no summary)");
  buf[0] = '\0';
  for (i = 0; f && i < f->npredicts; i++)
    vg_bufprintf(buf, sizeof(buf), &pos, "%s%s", i ? ", " : "", f->predicts[i]);
  insert_put(ins[2], buf[0] ? buf : "none");
  insert_put(ins[3], f && f->remedy[0] ? f->remedy : "no action needed");
  switch (a->kind) {
  case VG_ALERT_FLAPPING:
  case VG_ALERT_SETTLED_OK:
  case VG_ALERT_SETTLED_WARN:
  case VG_ALERT_SETTLED_CRIT:
  case VG_ALERT_SETTLED_UNKNOWN:
    snprintf(buf, sizeof(buf), "%u", a->changes);
    insert_put(ins[4], buf);
    break;
  case VG_ALERT_REMINDER: insert_put(ins[4], vg_status_name(a->status)); break;
  default: insert_put(ins[4], vg_status_name(a->old_status)); break;
  }
  insert_put(ins[5], vg_fmt_span(buf, sizeof(buf), a->span_ms));
}

const char *vg_alert_line(const vg_alert_t *a, char *buf, size_t size) {
  char ins[VG_ALERT_NINSERTS][VG_ALERT_INSERT_MAX];
  size_t pos = 0;
  vg_alert_inserts(a, ins);
  if (size) buf[0] = '\0';
  vg_bufprintf(buf, size, &pos, "%s %s: %s; predicts: %s; fix: %s", ins[0],
               vg_alert_kind_name(a->kind), ins[1], ins[2], ins[3]);
  switch (a->kind) {
  case VG_ALERT_FLAPPING:
    vg_bufprintf(buf, size, &pos,
                 " (%s changes in %s; further changes are held)", ins[4],
                 ins[5]);
    break;
  case VG_ALERT_SETTLED_OK:
  case VG_ALERT_SETTLED_WARN:
  case VG_ALERT_SETTLED_CRIT:
  case VG_ALERT_SETTLED_UNKNOWN:
    vg_bufprintf(buf, size, &pos, " (settled after %s held changes in %s)",
                 ins[4], ins[5]);
    break;
  case VG_ALERT_REMINDER:
    vg_bufprintf(buf, size, &pos, " (still %s after %s)", ins[4], ins[5]);
    break;
  default:
    vg_bufprintf(buf, size, &pos, " (was %s for %s)", ins[4], ins[5]);
    break;
  }
  return buf;
}
