/* eventlog.c: what each event says - ids, levels, inserts and one-line
 * renderings (docs/events.md) - handed to the platform's writer
 * (vg__events_report in eventlog_win.c / eventlog_posix.c). */
#include "eventlog.h"

#include "timefmt.h"
#include "vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Category ids of messages.mc. */
#define EV_CAT_SERVICE 1
#define EV_CAT_PROBE 2
/* An insert listing findings: one line per probe, bounded well below the
 * Event Log's 31,839 characters per insert. */
#define EV_LIST_MAX 16000
#define EV_LINE_MAX 2048

static vg_events_observer_fn ev_observer;
static void *ev_observer_ud;
/* k of the last per-probe event written, per probe number (0xFF: none
 * since start). Loop thread. */
static unsigned char ev_last_k[VG_EV_PROBE_NUMBER_MAX + 1];
static int ev_last_k_ready;

void vg_events_observe(vg_events_observer_fn fn, void *ud) {
  ev_observer = fn;
  ev_observer_ud = ud;
}

static void ev_emit(unsigned id, vg_ev_level_t level, unsigned category,
                    const char *const *ins, size_t n, const char *line,
                    int to_stderr) {
  if (ev_observer) ev_observer(ev_observer_ud, id, level, ins, n, line);
  vg__events_report(id, level, category, ins, n, line, to_stderr);
}

/* ------------------------------------------------------------ ids */

static int ev_k(vg_status_t st) {
  switch (st) {
  case VG_ST_WARN: return 1;
  case VG_ST_CRIT: return 2;
  case VG_ST_UNKNOWN: return 3;
  case VG_ST_OK:
  case VG_ST_NA: break;
  }
  return 0;
}

static vg_ev_level_t ev_level_of_k(int k) {
  return k == 2 ? VG_EV_ERROR : k == 0 ? VG_EV_INFORMATION : VG_EV_WARNING;
}

unsigned vg_events_probe_id(unsigned number, vg_status_t st) {
  if (number == 0 || number > VG_EV_PROBE_NUMBER_MAX) return 0;
  return VG_EV_PROBE_BASE + 10 * number + (unsigned)ev_k(st);
}

uint32_t vg_events_probe_msgid(unsigned number, vg_status_t st) {
  static const uint32_t sev[] = {0x40000000u, 0x80000000u, 0xC0000000u};
  unsigned id = vg_events_probe_id(number, st);
  return id ? sev[ev_level_of_k(ev_k(st))] | id : 0;
}

/* Generic ids and levels of messages.mc, by alert kind. */
static unsigned ev_generic(vg_alert_kind_t kind, vg_ev_level_t *level) {
  switch (kind) {
  case VG_ALERT_RAISED_WARN: *level = VG_EV_WARNING; return 200;
  case VG_ALERT_RAISED_CRIT: *level = VG_EV_ERROR; return 201;
  case VG_ALERT_CLEARED: *level = VG_EV_INFORMATION; return 202;
  case VG_ALERT_UNKNOWN: *level = VG_EV_WARNING; return 203;
  case VG_ALERT_FLAPPING: *level = VG_EV_WARNING; return 204;
  case VG_ALERT_SETTLED_OK: *level = VG_EV_INFORMATION; return 205;
  case VG_ALERT_SETTLED_WARN: *level = VG_EV_WARNING; return 206;
  case VG_ALERT_SETTLED_CRIT: *level = VG_EV_ERROR; return 207;
  case VG_ALERT_SETTLED_UNKNOWN: *level = VG_EV_WARNING; return 208;
  case VG_ALERT_REMINDER: *level = VG_EV_WARNING; return 121;
  case VG_ALERT_NONE: break;
  }
  *level = VG_EV_INFORMATION;
  return 0;
}

static int ev_is_change(vg_alert_kind_t kind) {
  return kind == VG_ALERT_RAISED_WARN || kind == VG_ALERT_RAISED_CRIT ||
         kind == VG_ALERT_CLEARED || kind == VG_ALERT_UNKNOWN;
}

unsigned vg_events_alert_id(const vg_alert_t *a, unsigned number) {
  vg_ev_level_t level;
  unsigned pid = vg_events_probe_id(number, a->status);
  if (ev_is_change(a->kind) && pid) return pid;
  return ev_generic(a->kind, &level);
}

/* ------------------------------------------------------------ probes */

static void ev_probe_write(unsigned id, vg_ev_level_t level,
                           const vg_alert_t *a,
                           char ins[VG_ALERT_NINSERTS][VG_ALERT_INSERT_MAX]) {
  const char *p[VG_ALERT_NINSERTS];
  char line[EV_LINE_MAX];
  size_t i;
  for (i = 0; i < VG_ALERT_NINSERTS; i++)
    p[i] = ins[i];
  vg_alert_line(a, line, sizeof(line));
  ev_emit(id, level, EV_CAT_PROBE, p, VG_ALERT_NINSERTS, line, 0);
}

void vg_events_probe(const vg_alert_t *a, unsigned number) {
  char ins[VG_ALERT_NINSERTS][VG_ALERT_INSERT_MAX];
  vg_ev_level_t level;
  unsigned id, pid;
  int k;
  if (!ev_last_k_ready) {
    memset(ev_last_k, 0xFF, sizeof(ev_last_k));
    ev_last_k_ready = 1;
  }
  if (a->kind == VG_ALERT_NONE) return;
  if (a->kind == VG_ALERT_REMINDER) {
    vg_events_reminder(a);
    return;
  }
  pid = vg_events_probe_id(number, a->status);
  k = ev_k(a->status);
  vg_alert_inserts(a, ins);
  if (ev_is_change(a->kind) && pid) {
    ev_probe_write(pid, ev_level_of_k(k), a, ins);
    ev_last_k[number] = (unsigned char)k;
    return;
  }
  id = ev_generic(a->kind, &level);
  if (id == 0) return;
  ev_probe_write(id, level, a, ins);
  /* A settle ends a hold during which no per-probe event was written: put
   * the per-probe state right. */
  if (pid && a->kind != VG_ALERT_FLAPPING && ev_last_k[number] != k) {
    vg_alert_t b = *a;
    b.kind = k == 0   ? VG_ALERT_CLEARED
             : k == 1 ? VG_ALERT_RAISED_WARN
             : k == 2 ? VG_ALERT_RAISED_CRIT
                      : VG_ALERT_UNKNOWN;
    b.old_status = ev_last_k[number] == 0xFF ? VG_ST_UNKNOWN
                   : ev_last_k[number] == 0  ? VG_ST_OK
                   : ev_last_k[number] == 1  ? VG_ST_WARN
                   : ev_last_k[number] == 2  ? VG_ST_CRIT
                                             : VG_ST_UNKNOWN;
    vg_alert_inserts(&b, ins);
    ev_probe_write(pid, ev_level_of_k(k), &b, ins);
    ev_last_k[number] = (unsigned char)k;
  }
}

void vg_events_alert(const vg_alert_t *a) { vg_events_probe(a, a->number); }

void vg_events_reminder(const vg_alert_t *a) {
  char ins[VG_ALERT_NINSERTS][VG_ALERT_INSERT_MAX];
  const char *p[VG_ALERT_NINSERTS];
  char line[EV_LINE_MAX];
  vg_alert_t b = *a;
  size_t i;
  b.kind =
      a->status == VG_ST_CRIT ? VG_ALERT_RAISED_CRIT : VG_ALERT_RAISED_WARN;
  b.old_status = a->status; /* %5: the status it is still in */
  vg_alert_inserts(&b, ins);
  for (i = 0; i < VG_ALERT_NINSERTS; i++)
    p[i] = ins[i];
  snprintf(line, sizeof(line), "reminder: %s is still %s after %s: %s", ins[0],
           ins[4], ins[5], ins[1]);
  ev_emit(121, VG_EV_WARNING, EV_CAT_PROBE, p, VG_ALERT_NINSERTS, line, 0);
}

/* ------------------------------------------------------------ service */

void vg_events_lifecycle(vg_event_kind_t kind, const char *text) {
  unsigned id;
  vg_ev_level_t level = VG_EV_INFORMATION;
  switch (kind) {
  case VG_EV_STARTED: id = 100; break;
  case VG_EV_STOPPING: id = 101; break;
  case VG_EV_STOPPED: id = 102; break;
  case VG_EV_CONFIG: id = 103, level = VG_EV_WARNING; break;
  case VG_EV_STORE: id = 104, level = VG_EV_WARNING; break;
  case VG_EV_START_FAILED:
  default: id = 105, level = VG_EV_ERROR; break;
  }
  if (id == 101 || id == 102) {
    /* The message says "Vigil is stopping." / "Vigil stopped; ..." itself;
     * text is the detail (why, how it went), so the sentence is not said
     * twice; the one-line form for stderr and syslog keeps it whole. */
    char line[EV_LINE_MAX];
    snprintf(line, sizeof(line), "%s (%s)",
             id == 101 ? "Vigil is stopping" : "Vigil stopped", text);
    ev_emit(id, level, EV_CAT_SERVICE, &text, 1, line, 1);
    return;
  }
  ev_emit(id, level, EV_CAT_SERVICE, &text, 1, text, 1);
}

void vg_events_store_failing(const char *reason, size_t held) {
  char n[32], line[EV_LINE_MAX];
  const char *ins[2];
  snprintf(n, sizeof(n), "%zu", held);
  ins[0] = reason && *reason ? reason : "unknown error";
  ins[1] = n;
  snprintf(line, sizeof(line),
           "database failing: %s; %s records kept in memory, retrying", ins[0],
           n);
  ev_emit(106, VG_EV_WARNING, EV_CAT_SERVICE, ins, 2, line, 1);
}

void vg_events_store_recovered(size_t written, int64_t failing_ms) {
  char n[32], span[64], line[EV_LINE_MAX];
  const char *ins[2];
  snprintf(n, sizeof(n), "%zu", written);
  vg_fmt_span(span, sizeof(span), failing_ms > 0 ? failing_ms : 0);
  ins[0] = n;
  ins[1] = span;
  snprintf(line, sizeof(line),
           "database works again: %s records written after %s of failure", n,
           span);
  ev_emit(107, VG_EV_INFORMATION, EV_CAT_SERVICE, ins, 2, line, 1);
}

void vg_events_records_dropped(uint64_t dropped, const char *reason) {
  char n[32], line[EV_LINE_MAX];
  const char *ins[2];
  snprintf(n, sizeof(n), "%llu", (unsigned long long)dropped);
  ins[0] = n;
  ins[1] = reason && *reason ? reason : "the database could not take them";
  snprintf(line, sizeof(line), "%s records dropped: %s", n, ins[1]);
  ev_emit(108, VG_EV_WARNING, EV_CAT_SERVICE, ins, 2, line, 1);
}

/* ------------------------------------------------------------ lists */

/* One insert line: no line breaks or tabs inside. */
static void ev_flat(char *s) {
  for (; *s; s++)
    if (*s == '\r' || *s == '\n' || *s == '\t') *s = ' ';
}

size_t vg_events_findings_text(const vg_ev_finding_t *f, size_t n,
                               int only_not_ok, char *out, size_t size) {
  static const vg_status_t order[] = {VG_ST_CRIT, VG_ST_WARN, VG_ST_UNKNOWN,
                                      VG_ST_OK, VG_ST_NA};
  size_t pos = 0, listed = 0, o, i;
  if (size == 0) return 0;
  out[0] = '\0';
  for (o = 0; o < VG_ARRAY_SIZE(order); o++)
    for (i = 0; i < n; i++) {
      char one[1024];
      if (f[i].status != order[o]) continue;
      if (only_not_ok && (f[i].status == VG_ST_OK || f[i].status == VG_ST_NA))
        continue;
      snprintf(one, sizeof(one), "%s (%s): %s%s%s",
               f[i].probe_id ? f[i].probe_id : "?", vg_status_name(f[i].status),
               f[i].summary && *f[i].summary ? f[i].summary : "(no summary)",
               f[i].remedy && *f[i].remedy ? " Fix: " : "",
               f[i].remedy && *f[i].remedy ? f[i].remedy : "");
      ev_flat(one);
      vg_bufprintf(out, size, &pos, "%s%s", listed ? "\n" : "", one);
      listed++;
    }
  if (listed == 0) vg_bufprintf(out, size, &pos, "none");
  return listed;
}

static char *ev_list(const vg_ev_finding_t *f, size_t n, int only_not_ok,
                     size_t *listed) {
  char *s = malloc(EV_LIST_MAX);
  size_t k;
  if (s == NULL) return NULL;
  k = vg_events_findings_text(f, n, only_not_ok, s, EV_LIST_MAX);
  if (listed) *listed = k;
  return s;
}

static const char *ev_verdict_or(const char *v, const char *def) {
  return v && *v ? v : def;
}

void vg_events_preflight(const vg_ev_preflight_t *p) {
  char at[40], lead[64], line[EV_LINE_MAX];
  const char *verdict = ev_verdict_or(p->verdict, "unknown");
  const char *ins[5];
  char *list = ev_list(p->blocking, p->nblocking, 0, NULL);
  unsigned id;
  vg_ev_level_t level;
  if (strcmp(verdict, "ready") == 0)
    id = 110, level = VG_EV_INFORMATION;
  else if (strcmp(verdict, "will_fail") == 0)
    id = 112, level = VG_EV_ERROR;
  else /* at_risk, and unknown: a verdict that cannot be given is a risk */
    id = 111, level = VG_EV_WARNING;
  ins[0] = vg_iso8601(p->backup_at_ms, at, sizeof(at));
  ins[1] = ev_verdict_or(p->task, "(unknown task)");
  ins[2] = verdict;
  ins[3] = list ? list : "(out of memory)";
  ins[4] = vg_fmt_span(lead, sizeof(lead), p->lead_ms > 0 ? p->lead_ms : 0);
  snprintf(line, sizeof(line), "pre-flight for the backup at %s (%s): %s%s%s",
           at, ins[1], verdict, p->nblocking ? "; blocking: " : "",
           p->nblocking ? ins[3] : "");
  ev_flat(line);
  ev_emit(id, level, EV_CAT_SERVICE, ins, 5, line, 0);
  free(list);
}

const char *vg_events_assess(const char *verdict, const char *outcome) {
  int ok, bad;
  if (verdict == NULL || *verdict == '\0' || strcmp(verdict, "none") == 0)
    return "no verdict was given before this backup";
  if (outcome == NULL) outcome = "";
  ok = strcmp(outcome, "success") == 0;
  bad = strcmp(outcome, "failed") == 0 || strcmp(outcome, "missed") == 0;
  if (strcmp(verdict, "ready") == 0)
    return ok    ? "confirmed: ready and it succeeded"
           : bad ? "missed: Vigil said ready but the backup did not succeed"
                 : "partly right: ready, but it ended with warnings";
  if (strcmp(verdict, "will_fail") == 0 || strcmp(verdict, "at_risk") == 0) {
    if (bad) return "the warning was right";
    if (ok)
      return strcmp(verdict, "will_fail") == 0
                 ? "false alarm: will fail was given, yet it succeeded"
                 : "partly right: at risk was given and it succeeded";
    return "partly right: it ended with warnings";
  }
  return "no verdict could be given (unknown)";
}

void vg_events_backup_outcome(int64_t backup_at_ms, const char *outcome,
                              const char *verdict,
                              const vg_ev_finding_t *blocking, size_t n,
                              const char *assessment) {
  char at[40], line[EV_LINE_MAX];
  const char *ins[5];
  char *list = ev_list(blocking, n, 0, NULL);
  ins[0] = vg_iso8601(backup_at_ms, at, sizeof(at));
  ins[1] = ev_verdict_or(outcome, "unknown");
  ins[2] = ev_verdict_or(verdict, "none");
  ins[3] = list ? list : "(out of memory)";
  ins[4] = assessment ? assessment : vg_events_assess(verdict, outcome);
  snprintf(line, sizeof(line), "backup at %s ended %s; verdict was %s: %s", at,
           ins[1], ins[2], ins[4]);
  ev_emit(113, VG_EV_INFORMATION, EV_CAT_SERVICE, ins, 5, line, 0);
  free(list);
}

void vg_events_summary(const vg_ev_finding_t *probes, size_t n) {
  char count[32], line[EV_LINE_MAX];
  const char *ins[2];
  size_t listed = 0;
  char *list = ev_list(probes, n, 1, &listed);
  snprintf(count, sizeof(count), "%zu", listed);
  ins[0] = count;
  ins[1] =
      listed == 0 || list == NULL
          ? (list ? "Every check is ok or does not apply." : "(out of memory)")
          : list;
  snprintf(line, sizeof(line), "summary: %zu checks not ok%s%s", listed,
           listed ? ": " : "", listed ? ins[1] : "");
  ev_flat(line);
  ev_emit(120, VG_EV_INFORMATION, EV_CAT_PROBE, ins, 2, line, 0);
  free(list);
}
