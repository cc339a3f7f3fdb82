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

/* The lines an admin reads first: will the backups work, will restores,
 * and the verdict on the next scheduled backup. */
static void print_readiness(FILE *out, const vg_report_view_t *v) {
  const vg_view_backup_t *nb = &v->next_backup;
  const vg_view_last_backup_t *lb = &v->last_backup;
  int64_t now = v->now_ms, at = nb->at_ms;
  char t[64], span[40];
  size_t i;
  fprintf(out, "Backups: %s    Restores: %s\n",
          status_label(vg_status_name(vg_view_readiness(v, VG_SCOPE_BACKUP))),
          status_label(vg_status_name(vg_view_readiness(v, VG_SCOPE_RESTORE))));
  if (at > 0) {
    fprintf(out, "Next backup %s (%s %s): %s", local_time(at, t, sizeof(t)),
            at >= now ? "in" : "was due",
            vg_fmt_span(span, sizeof(span), at >= now ? at - now : now - at),
            verdict_label(nb->verdict));
    for (i = 0; i < nb->nblocking; i++)
      fprintf(out, "%s%s", i ? ", " : " - ", nb->blocking[i]);
    fprintf(out, "\n");
  } else {
    fprintf(out, "Next backup: not known (no schedule read from the "
                 "Microsoft-OnlineBackup task)\n");
  }
  if (lb->at_ms > 0) {
    fprintf(out, "Last backup %s: %s", local_time(lb->at_ms, t, sizeof(t)),
            lb->outcome ? lb->outcome : "?");
    if (lb->verdict_before)
      fprintf(out, " (Vigil had said: %s)", verdict_label(lb->verdict_before));
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
static const char *since_short(int64_t ms, char *buf, size_t size) {
  time_t t = (time_t)(ms / 1000);
  struct tm *lt;
  if (ms <= 0 || (lt = localtime(&t)) == NULL) return "";
  snprintf(buf, size, "%02d-%02d %02d:%02d", lt->tm_mon + 1, lt->tm_mday,
           lt->tm_hour, lt->tm_min);
  return buf;
}

void vg_cli_print_view(FILE *out, const vg_report_view_t *v) {
  size_t i, j, n = v->nprobes, w = 5, width = console_width(out), indent;
  size_t order[VG_VIEW_MAX_PROBES];
  char since[32];
  if (n > VG_VIEW_MAX_PROBES) n = VG_VIEW_MAX_PROBES;
  /* Worst first, as an admin reads it (stable: table order within). */
  for (i = 0; i < n; i++) {
    for (j = i; j > 0 && v->probes[order[j - 1]].finding->status <
                             v->probes[i].finding->status;
         j--)
      order[j] = order[j - 1];
    order[j] = i;
    if (strlen(v->probes[i].id) > w) w = strlen(v->probes[i].id);
  }
  indent = 8 + 1 + w + 2 + 11 + 2;
  print_readiness(out, v);
  fprintf(out, "%-8s %-*s  %-11s  %s\n", "STATUS", (int)w, "PROBE", "SINCE",
          "SUMMARY");
  for (i = 0; i < n; i++) {
    const vg_view_probe_t *p = &v->probes[order[i]];
    const vg_finding_t *f = p->finding;
    char head[200];
    snprintf(head, sizeof(head), "%-8s %-*s  %-11s  ",
             status_label(vg_status_name(f->status)), (int)w, p->id,
             since_short(p->since_ms, since, sizeof(since)));
    fputs(head, out);
    wrapped(out, indent, width, "", f->summary);
    if (f->status == VG_ST_WARN || f->status == VG_ST_CRIT) {
      if (f->npredicts > 0) {
        char line[400];
        size_t k, pos = 0;
        line[0] = '\0';
        for (k = 0; k < f->npredicts; k++)
          vg_bufprintf(line, sizeof(line), &pos, "%s%s", k ? ", " : "",
                       f->predicts[k]);
        fprintf(out, "%*s", (int)indent, "");
        wrapped(out, indent, width, "MARS errors if not fixed: ", line);
      }
      if (f->remedy[0]) {
        fprintf(out, "%*s", (int)indent, "");
        wrapped(out, indent, width, "fix: ", f->remedy);
      }
    }
  }
  fprintf(out, "overall: %s (%s, %zu probe%s)\n",
          status_label(vg_status_name(vg_view_overall(v))),
          v->host ? v->host : "?", n, n == 1 ? "" : "s");
}

int vg_cli_print_report(FILE *out, const vg_json_t *report) {
  vg_view_json_t jv;
  char err[200];
  int rc = vg_view_from_json(report, &jv, err, sizeof(err));
  if (rc != 0) {
    fprintf(stderr, "vigil: cannot show the report: %s\n", err);
    vg_view_json_free(&jv);
    return rc;
  }
  vg_cli_print_view(out, &jv.view);
  vg_view_json_free(&jv);
  return 0;
}
