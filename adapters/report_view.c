/* report_view.c: readiness and overall status of a report view. */
#include "report_view.h"

/* unknown ranks above ok and below warn (interface.md), as vg_status_t
 * orders them. */
static vg_status_t view_worst(const vg_report_view_t *v, int scope) {
  vg_status_t worst = VG_ST_NA;
  size_t i;
  for (i = 0; i < v->nprobes; i++) {
    const vg_view_probe_t *p = &v->probes[i];
    vg_status_t st = p->finding ? p->finding->status : VG_ST_UNKNOWN;
    if (scope >= 0 && p->scope != (vg_scope_t)scope) continue;
    if (st > worst) worst = st;
  }
  return worst;
}

vg_status_t vg_view_readiness(const vg_report_view_t *v, vg_scope_t scope) {
  return view_worst(v, (int)scope);
}

vg_status_t vg_view_overall(const vg_report_view_t *v) {
  vg_status_t st = view_worst(v, -1);
  return st == VG_ST_NA ? VG_ST_OK : st;
}
