/* nagios.c: Nagios plugin output of the findings (plugin guidelines: one
 * status line with performance data, then long text lines). */
#include "nagios.h"

#include "vg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The first line's text part stays short: NRPE 2 cuts a whole answer at
 * 1 KB. */
#define NAGIOS_FIRST_SUMMARY 160

int vg_nagios_exit(vg_status_t overall) {
  switch (overall) {
  case VG_ST_WARN: return VG_NAGIOS_WARNING;
  case VG_ST_CRIT: return VG_NAGIOS_CRITICAL;
  case VG_ST_UNKNOWN: return VG_NAGIOS_UNKNOWN;
  case VG_ST_OK:
  case VG_ST_NA: break;
  }
  return VG_NAGIOS_OK;
}

static const char *state_word(vg_status_t st) {
  switch (st) {
  case VG_ST_WARN: return "WARNING";
  case VG_ST_CRIT: return "CRITICAL";
  case VG_ST_UNKNOWN: return "UNKNOWN";
  case VG_ST_OK:
  case VG_ST_NA: break;
  }
  return "OK";
}

static const char *tag(vg_status_t st) {
  switch (st) {
  case VG_ST_WARN: return "[WARN]";
  case VG_ST_CRIT: return "[CRIT]";
  case VG_ST_UNKNOWN: return "[UNKNOWN]";
  case VG_ST_OK: return "[OK]";
  case VG_ST_NA: break;
  }
  return "[N/A]";
}

static vg_status_t st_of(const vg_view_probe_t *p) {
  return p->finding ? p->finding->status : VG_ST_UNKNOWN;
}

/* Appends s with '|' as '/' (it starts the performance data) and line
 * breaks as spaces, at most max bytes (0 = all), cut on a UTF-8 boundary
 * with "...". */
static void put_text(vg_buf_t *out, const char *s, size_t max) {
  size_t n = strlen(s ? s : ""), i, cut = n;
  if (s == NULL) return;
  if (max && n > max) {
    cut = max;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
      cut--;
  }
  for (i = 0; i < cut; i++) {
    char c = s[i];
    if (c == '|')
      c = '/';
    else if (c == '\r' || c == '\n' || c == '\t')
      c = ' ';
    vg_buf_add(out, &c, 1);
  }
  if (cut < n) vg_buf_puts(out, "...");
}

/* ------------------------------------------------------------ perfdata */

static const vg_view_probe_t *find(const vg_report_view_t *v, const char *id) {
  size_t i;
  for (i = 0; i < v->nprobes; i++)
    if (v->probes[i].facts && strcmp(v->probes[i].id, id) == 0)
      return &v->probes[i];
  return NULL;
}

static vg_thresholds_t th_of(const vg_view_probe_t *p) {
  const vg_probe_t *def;
  vg_thresholds_t none = {NAN, NAN, 0, VG_TH_ABOVE};
  if (p->th) return *p->th;
  def = vg_probe_find(p->id);
  return def ? def->th : none;
}

/* A Nagios threshold range: "10:" alerts below 10 (BELOW), "10" above. */
static void range(vg_buf_t *out, double t, vg_th_dir_t dir) {
  if (isnan(t) || isinf(t)) return;
  vg_buf_printf(out, "%g%s", t, dir == VG_TH_BELOW ? ":" : "");
}

/* 'label'=value[uom];warn;crit;min;max (value printed with fmt). */
static void perf(vg_buf_t *out, const char *label, const char *fmt,
                 double value, const char *uom, const vg_thresholds_t *th,
                 const char *min, const char *max) {
  vg_buf_printf(out, " '%s'=", label);
  vg_buf_printf(out, fmt, value);
  vg_buf_printf(out, "%s;", uom);
  if (th) range(out, th->warn, th->dir);
  vg_buf_puts(out, ";");
  if (th) range(out, th->crit, th->dir);
  vg_buf_printf(out, ";%s;%s", min ? min : "", max ? max : "");
}

static void render_perf(const vg_report_view_t *v, vg_buf_t *out,
                        const size_t count[5]) {
  const vg_view_probe_t *p;
  char tot[32];
  double a, b;
  snprintf(tot, sizeof(tot), "%zu", v->nprobes);
  perf(out, "probes_crit", "%.0f", (double)count[VG_ST_CRIT], "", NULL, "0",
       tot);
  perf(out, "probes_warn", "%.0f", (double)count[VG_ST_WARN], "", NULL, "0",
       tot);
  perf(out, "probes_unknown", "%.0f", (double)count[VG_ST_UNKNOWN], "", NULL,
       "0", tot);
  if ((p = find(v, "scratch.space")) != NULL &&
      vg_facts_get_double(p->facts, "free_bytes", &a) == 0) {
    vg_thresholds_t th = th_of(p);
    char size[32];
    if (vg_facts_get_double(p->facts, "backup_bytes", &b) == 0 && b > 0)
      perf(out, "scratch_free_pct", "%.2f", 100.0 * a / b, "%", &th, "0", NULL);
    if (vg_facts_get_double(p->facts, "total_bytes", &b) == 0)
      snprintf(size, sizeof(size), "%.0f", b);
    else
      size[0] = '\0';
    perf(out, "scratch_free", "%.0f", a, "B", NULL, "0", size);
  }
  if ((p = find(v, "temp.files")) != NULL &&
      vg_facts_get_double(p->facts, "count", &a) == 0) {
    vg_thresholds_t th = th_of(p);
    perf(out, "temp_files", "%.0f", a, "", &th, "0", NULL);
  }
  if ((p = find(v, "vss.storage")) != NULL &&
      vg_facts_get_double(p->facts, "min_headroom_pct", &a) == 0 && !isnan(a)) {
    vg_thresholds_t th = th_of(p);
    perf(out, "shadow_headroom_pct", "%.2f", a, "%", &th, "0", "100");
  }
  if ((p = find(v, "clock.skew")) != NULL) {
    if (vg_facts_get_double(p->facts, "skew_ms", &a) == 0)
      perf(out, "clock_skew", "%.3f", a / 1000.0, "s", NULL, NULL, NULL);
    else if (vg_facts_get_double(p->facts, "skew_s", &a) == 0 ||
             vg_facts_get_double(p->facts, "skew_seconds", &a) == 0)
      perf(out, "clock_skew", "%.3f", a, "s", NULL, NULL, NULL);
  }
}

/* ------------------------------------------------------------ lines */

int vg_nagios_render(const vg_report_view_t *v, vg_buf_t *out) {
  static const vg_status_t order[] = {VG_ST_CRIT, VG_ST_WARN, VG_ST_UNKNOWN};
  size_t count[5] = {0, 0, 0, 0, 0}, i, o, bad, listed = 0;
  vg_status_t overall = vg_view_overall(v);
  const vg_view_probe_t *worst = NULL;

  for (i = 0; i < v->nprobes; i++) {
    vg_status_t st = st_of(&v->probes[i]);
    count[st]++;
    if (st > VG_ST_OK && (worst == NULL || st > st_of(worst)))
      worst = &v->probes[i];
  }
  bad = count[VG_ST_WARN] + count[VG_ST_CRIT] + count[VG_ST_UNKNOWN];
  vg_buf_printf(out, "%s: ", state_word(overall));
  if (bad == 0 && count[VG_ST_NA] == v->nprobes) {
    /* Nothing to watch here (no MARS agent): say so, not "all 0 ok". */
    vg_buf_printf(out, "no probe applies on this machine (%zu n/a)",
                  count[VG_ST_NA]);
  } else if (bad == 0) {
    vg_buf_printf(out, "all %zu probes ok", v->nprobes - count[VG_ST_NA]);
    if (count[VG_ST_NA])
      vg_buf_printf(out, ", %zu do not apply", count[VG_ST_NA]);
  } else {
    const char *sep = " (";
    vg_buf_printf(out, "%zu of %zu probes not ok", bad, v->nprobes);
    for (o = 0; o < VG_ARRAY_SIZE(order); o++)
      if (count[order[o]]) {
        vg_buf_printf(out, "%s%zu %s", sep, count[order[o]],
                      vg_status_name(order[o]));
        sep = ", ";
      }
    vg_buf_puts(out, "): ");
    put_text(out, worst->id, 0);
    vg_buf_puts(out, ": ");
    put_text(out, worst->finding ? worst->finding->summary : "",
             NAGIOS_FIRST_SUMMARY);
    /* The other ids, worst first, so the one line names every problem. */
    for (o = 0; o < VG_ARRAY_SIZE(order); o++)
      for (i = 0; i < v->nprobes; i++) {
        const vg_view_probe_t *p = &v->probes[i];
        if (p == worst || st_of(p) != order[o]) continue;
        vg_buf_puts(out, listed++ ? ", " : "; also ");
        put_text(out, p->id, 0);
      }
  }
  vg_buf_puts(out, " |");
  render_perf(v, out, count);
  vg_buf_puts(out, "\n");
  for (o = 0; o < VG_ARRAY_SIZE(order); o++)
    for (i = 0; i < v->nprobes; i++) {
      const vg_view_probe_t *p = &v->probes[i];
      if (st_of(p) != order[o]) continue;
      vg_buf_printf(out, "%s ", tag(order[o]));
      put_text(out, p->id, 0);
      vg_buf_puts(out, ": ");
      put_text(out, p->finding ? p->finding->summary : "", 0);
      if (p->finding && p->finding->remedy[0]) {
        vg_buf_puts(out, " Fix: ");
        put_text(out, p->finding->remedy, 0);
      }
      vg_buf_puts(out, "\n");
    }
  return out->err;
}
