/* render.c: reports for people - the findings table and the exit code
 * that `status` and `check` share. */
#include "render.h"

#include "timefmt.h"
#include "vg.h"

#include <uv.h>

#include <stdlib.h>
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

/* The console width to wrap at: $COLUMNS, else the terminal's, else none
 * (a pipe or a file gets one line per item). */
static size_t console_width(FILE *out) {
  const char *c = getenv("COLUMNS");
  int w = 0, h = 0;
  uv_tty_t tty;
  if (c && atoi(c) >= 40) return (size_t)atoi(c);
  if (out == stdout && uv_guess_handle(1) == UV_TTY &&
      uv_tty_init(uv_default_loop(), &tty, 1, 0) == 0) {
    if (uv_tty_get_winsize(&tty, &w, &h) != 0) w = 0;
    uv_close((uv_handle_t *)&tty, NULL);
    uv_run(uv_default_loop(), UV_RUN_NOWAIT);
  }
  return w >= 40 ? (size_t)w : 0;
}

/* Prints text after indent columns, wrapped at width (0: no wrapping) on
 * spaces; continuation lines are indented the same. */
static void wrapped(FILE *out, size_t indent, size_t width, const char *lead,
                    const char *text) {
  size_t avail = width > indent + 20 ? width - indent : 0;
  size_t llen = strlen(lead), first = 1;
  const char *p = text;
  if (avail == 0) {
    fprintf(out, "%s%s\n", lead, text);
    return;
  }
  while (*p) {
    size_t room = avail - (first ? llen : 0), n = strlen(p), cut = n;
    if (n > room) {
      cut = room;
      while (cut > 0 && p[cut] != ' ')
        cut--;
      if (cut == 0) cut = room; /* one long word: break it */
    }
    if (!first) fprintf(out, "%*s", (int)indent, "");
    fprintf(out, "%s%.*s\n", first ? lead : "", (int)cut, p);
    p += cut;
    while (*p == ' ')
      p++;
    first = 0;
  }
  if (first) fprintf(out, "%s\n", lead);
}

/* "12-03 14:02" in local time: when the current status began. */
static const char *since_short(const char *iso, char *buf, size_t size) {
  int64_t ms;
  time_t t;
  struct tm *lt;
  if (iso == NULL || vg_parse_since(iso, 0, &ms) != 0) return "";
  t = (time_t)(ms / 1000);
  lt = localtime(&t);
  if (lt == NULL) return "";
  snprintf(buf, size, "%02d-%02d %02d:%02d", lt->tm_mon + 1, lt->tm_mday,
           lt->tm_hour, lt->tm_min);
  return buf;
}

void vg_cli_print_report(FILE *out, const vg_json_t *report) {
  const vg_json_t *probes = vg_json_get(report, "probes");
  size_t i, n = vg_json_len(probes), w = 5, width = console_width(out);
  size_t indent;
  const char *overall = vg_json_get_str(report, "overall");
  char since[32];
  for (i = 0; i < n; i++) {
    const char *id = vg_json_get_str(vg_json_at(probes, i), "id");
    if (id && strlen(id) > w) w = strlen(id);
  }
  indent = 8 + 1 + w + 2 + 11 + 2;
  print_readiness(out, report);
  fprintf(out, "%-8s %-*s  %-11s  %s\n", "STATUS", (int)w, "PROBE", "SINCE",
          "SUMMARY");
  for (i = 0; i < n; i++) {
    const vg_json_t *p = vg_json_at(probes, i);
    const char *st = vg_json_get_str(p, "status");
    const char *remedy = vg_json_get_str(p, "remedy");
    const vg_json_t *pred = vg_json_get(p, "predicts");
    char head[200];
    snprintf(head, sizeof(head), "%-8s %-*s  %-11s  ",
             status_label(st ? st : "unknown"), (int)w,
             vg_json_get_str(p, "id") ? vg_json_get_str(p, "id") : "?",
             since_short(vg_json_get_str(p, "since"), since, sizeof(since)));
    fputs(head, out);
    wrapped(out, indent, width, "",
            vg_json_get_str(p, "summary") ? vg_json_get_str(p, "summary") : "");
    if (st && (strcmp(st, "warn") == 0 || strcmp(st, "crit") == 0)) {
      if (vg_json_len(pred) > 0) {
        char line[400];
        size_t k, pos = 0;
        line[0] = '\0';
        for (k = 0; k < vg_json_len(pred); k++)
          vg_bufprintf(line, sizeof(line), &pos, "%s%s", k ? ", " : "",
                       vg_json_str(vg_json_at(pred, k))
                           ? vg_json_str(vg_json_at(pred, k))
                           : "?");
        fprintf(out, "%*s", (int)indent, "");
        wrapped(out, indent, width, "MARS errors if not fixed: ", line);
      }
      if (remedy && *remedy) {
        fprintf(out, "%*s", (int)indent, "");
        wrapped(out, indent, width, "fix: ", remedy);
      }
    }
  }
  fprintf(out, "overall: %s (%s, %zu probe%s)\n",
          status_label(overall ? overall : "unknown"),
          vg_json_get_str(report, "host") ? vg_json_get_str(report, "host")
                                          : "?",
          n, n == 1 ? "" : "s");
}
