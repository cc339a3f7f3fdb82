/* report.h: JSON forms of facts and findings (interface.md "Report JSON"). */
#ifndef VG_REPORT_H
#define VG_REPORT_H

#include "facts.h"
#include "json.h"
#include "probe.h"

#include "timefmt.h"

#include <stdint.h>

/* Writes facts as one JSON object. */
void vg_facts_write(vg_jw_t *w, const vg_facts_t *f);
/* Returns facts as malloc'd JSON text ("{}" on OOM-free failure: NULL). */
char *vg_facts_json(const vg_facts_t *f);
/* Fills f (reset first) from a parsed JSON object: numbers without a
 * fraction become ints. Returns 0 or VG_EINVAL when obj is not an object. */
int vg_facts_from_json(vg_facts_t *f, const vg_json_t *obj);

/* Writes the predicts array of a finding. */
void vg_predicts_write(vg_jw_t *w, const vg_finding_t *f);
/* predicts as malloc'd JSON text. */
char *vg_predicts_json(const vg_finding_t *f);

/* One probe entry of a report. */
typedef struct vg_report_item_s {
  const char *id;
  const vg_probe_t *probe; /* scope and number; NULL: not in the table */
  const vg_finding_t *finding;
  const vg_facts_t *facts;
  int64_t since_ms;
  int64_t checked_ms;                   /* 0 = never */
  uint64_t checks;                      /* collections finished */
  const struct vg_forecast_s *forecast; /* NULL: no trend */
} vg_report_item_t;

/* Overall status: worst of the items (n/a ignored). */
vg_status_t vg_report_overall(const vg_report_item_t *items, size_t n);
/* Readiness of one scope: the worst status among its probes (n/a when
 * none applies). */
vg_status_t vg_report_readiness(const vg_report_item_t *items, size_t n,
                                vg_scope_t scope);

/* Who reports, and when. */
typedef struct vg_report_head_s {
  const char *host;
  const char *host_fqdn; /* NULL: same as host */
  int64_t now_ms;
} vg_report_head_t;

/* Writes the report object's members (version, host, host_fqdn,
 * generated_at, overall, backup_readiness, restore_readiness, probes) into
 * an object the caller has begun. */
void vg_report_write(vg_jw_t *w, const vg_report_head_t *h,
                     const vg_report_item_t *items, size_t n);

#endif /* VG_REPORT_H */
