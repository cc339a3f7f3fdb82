/* render.c: reports for people - the findings table and the exit code
 * that `status` and `check` share. */
#include "render.h"

#include "timefmt.h"
#include "vg.h"

#include <string.h>
#include <time.h>

int vg_cli_exit_code(const char *overall) {
  if (overall == NULL) return 3;
  if (strcmp(overall, "crit") == 0) return 2;
  if (strcmp(overall, "warn") == 0) return 1;
  if (strcmp(overall, "unknown") == 0) return 3;
  return 0;
}

static const char *status_label(const char *st) {
  if (st == NULL) return "UNKNOWN";
  if (strcmp(st, "crit") == 0) return "CRIT";
  if (strcmp(st, "warn") == 0) return "WARN";
  if (strcmp(st, "ok") == 0) return "OK";
  if (strcmp(st, "n/a") == 0) return "N/A";
  return "UNKNOWN";
}

/* "2026-12-03 21:30 (UTC+01:00)": a UTC time in this machine's local
 * time, with the offset shown so a reader elsewhere is not misled. */
static const char *local_time(int64_t ms, char *buf, size_t size) {
  time_t t = (time_t)(ms / 1000);
  struct tm *lt = localtime(&t);
  int64_t local_s, off_min;
  if (lt == NULL) return vg_iso8601(ms, buf, size);
  local_s = vg_days_from_civil(lt->tm_year + 1900, (unsigned)lt->tm_mon + 1,
                               (unsigned)lt->tm_mday) *
                86400 +
            lt->tm_hour * 3600 + lt->tm_min * 60 + lt->tm_sec;
  off_min = (local_s - (int64_t)t) / 60;
  snprintf(buf, size, "%04d-%02d-%02d %02d:%02d (UTC%c%02d:%02d)",
           lt->tm_year + 1900, lt->tm_mon + 1, lt->tm_mday, lt->tm_hour,
           lt->tm_min, off_min < 0 ? '-' : '+',
           (int)((off_min < 0 ? -off_min : off_min) / 60),
           (int)((off_min < 0 ? -off_min : off_min) % 60));
  return buf;
}

static const char *verdict_label(const char *v) {
  if (v == NULL) return "UNKNOWN";
  if (strcmp(v, "will_fail") == 0) return "WILL FAIL";
  if (strcmp(v, "at_risk") == 0) return "AT RISK";
  if (strcmp(v, "ready") == 0) return "READY";
  return "UNKNOWN";
}

static const char *status_label(const char *st);

/* The lines an admin reads first: will the backups work, will restores,
 * and the verdict on the next scheduled backup. */
static void print_readiness(FILE *out, const vg_json_t *report) {
  const char *b = vg_json_get_str(report, "backup_readiness");
  const char *r = vg_json_get_str(report, "restore_readiness");
  const vg_json_t *nb = vg_json_get(report, "next_backup");
  const vg_json_t *lb = vg_json_get(report, "last_backup");
  int64_t now = 0, at;
  char t[64], span[40];
  if (b == NULL && r == NULL) return;
  vg_parse_since(vg_json_get_str(report, "generated_at"), 0, &now);
  fprintf(out, "Backups: %s    Restores: %s\n", status_label(b ? b : "unknown"),
          status_label(r ? r : "unknown"));
  if (nb && vg_parse_since(vg_json_get_str(nb, "at"), 0, &at) == 0) {
    const vg_json_t *bl = vg_json_get(nb, "blocking");
    size_t i;
    fprintf(out, "Next backup %s (%s %s): %s", local_time(at, t, sizeof(t)),
            at >= now ? "in" : "was due",
            vg_fmt_span(span, sizeof(span), at >= now ? at - now : now - at),
            verdict_label(vg_json_get_str(nb, "verdict")));
    for (i = 0; i < vg_json_len(bl); i++)
      fprintf(out, "%s%s", i ? ", " : " - ", vg_json_str(vg_json_at(bl, i)));
    fprintf(out, "\n");
  } else {
    fprintf(out, "Next backup: not known (no schedule read from the "
                 "Microsoft-OnlineBackup task)\n");
  }
  if (lb && vg_parse_since(vg_json_get_str(lb, "at"), 0, &at) == 0) {
    const char *vb = vg_json_get_str(lb, "verdict_before");
    fprintf(out, "Last backup %s: %s", local_time(at, t, sizeof(t)),
            vg_json_get_str(lb, "outcome") ? vg_json_get_str(lb, "outcome")
                                           : "?");
    if (vb) fprintf(out, " (Vigil had said: %s)", verdict_label(vb));
    fprintf(out, "\n");
  }
  fprintf(out, "\n");
}

void vg_cli_print_report(FILE *out, const vg_json_t *report) {
  const vg_json_t *probes = vg_json_get(report, "probes");
  size_t i, n = vg_json_len(probes), w = 5;
  const char *overall = vg_json_get_str(report, "overall");
  for (i = 0; i < n; i++) {
    const char *id = vg_json_get_str(vg_json_at(probes, i), "id");
    if (id && strlen(id) > w) w = strlen(id);
  }
  print_readiness(out, report);
  fprintf(out, "%-8s %-*s  %s\n", "STATUS", (int)w, "PROBE", "SUMMARY");
  for (i = 0; i < n; i++) {
    const vg_json_t *p = vg_json_at(probes, i);
    const char *st = vg_json_get_str(p, "status");
    const char *remedy = vg_json_get_str(p, "remedy");
    fprintf(out, "%-8s %-*s  %s\n", status_label(st ? st : "unknown"), (int)w,
            vg_json_get_str(p, "id") ? vg_json_get_str(p, "id") : "?",
            vg_json_get_str(p, "summary") ? vg_json_get_str(p, "summary") : "");
    if (st && (strcmp(st, "warn") == 0 || strcmp(st, "crit") == 0) && remedy &&
        *remedy)
      fprintf(out, "%-8s %-*s  fix: %s\n", "", (int)w, "", remedy);
  }
  fprintf(out, "overall: %s (%s, %zu probe%s)\n",
          status_label(overall ? overall : "unknown"),
          vg_json_get_str(report, "host") ? vg_json_get_str(report, "host")
                                          : "?",
          n, n == 1 ? "" : "s");
}
