/* render.c: reports for people - the findings table and the exit code
 * that `status` and `check` share. */
#include "render.h"

#include <string.h>

int vg_cli_exit_code(const char *overall) {
  if (overall == NULL) return 3;
  if (strcmp(overall, "crit") == 0) return 2;
  if (strcmp(overall, "warn") == 0) return 1;
  if (strcmp(overall, "unknown") == 0) return 3;
  return 0;
}

static const char *status_label(const char *st) {
  if (strcmp(st, "crit") == 0) return "CRIT";
  if (strcmp(st, "warn") == 0) return "WARN";
  if (strcmp(st, "ok") == 0) return "OK";
  if (strcmp(st, "n/a") == 0) return "N/A";
  return "UNKNOWN";
}

void vg_cli_print_report(FILE *out, const vg_json_t *report) {
  const vg_json_t *probes = vg_json_get(report, "probes");
  size_t i, n = vg_json_len(probes), w = 5;
  const char *overall = vg_json_get_str(report, "overall");
  for (i = 0; i < n; i++) {
    const char *id = vg_json_get_str(vg_json_at(probes, i), "id");
    if (id && strlen(id) > w) w = strlen(id);
  }
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
