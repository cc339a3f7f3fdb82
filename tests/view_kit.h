/* view_kit.h: a report view built by hand for the exporter tests (Nagios,
 * Prometheus, the view itself) - up to VK_MAX probes with their findings
 * and facts - and the text an exporter renders from it. */
#ifndef VG_VIEW_KIT_H
#define VG_VIEW_KIT_H

#include "buf.h"
#include "report_view.h"

#define VK_MAX 8

typedef struct vk_view_s {
  vg_finding_t f[VK_MAX];
  vg_facts_t facts[VK_MAX];
  vg_forecast_t fc; /* for a probe's forecast, when a test sets one */
  vg_view_probe_t p[VK_MAX];
  vg_report_view_t v; /* v.probes = p */
} vk_view_t;

/* An empty view at now_ms. */
void vk_init(vk_view_t *s, int64_t now_ms);
/* Sets probe i (below VK_MAX): id, a finding with st, summary and remedy,
 * no facts; v.nprobes covers it. Returns it for more fields. */
vg_view_probe_t *vk_probe(vk_view_t *s, size_t i, const char *id,
                          vg_status_t st, const char *summary,
                          const char *remedy);
/* Sets scratch.space's sample facts in f: 7,200 bytes free of 500,000, a
 * 100,000-byte backup (7.2 % free, below the 10 % warning). */
void vk_scratch_facts(vg_facts_t *f);
/* Frees the facts of every probe. */
void vk_free(vk_view_t *s);

/* An exporter: renders v into out; returns 0 or an error code. */
typedef int (*vk_render_fn)(const vg_report_view_t *v, vg_buf_t *out);
/* Returns what render makes of v in a buffer of at most max bytes (0: no
 * bound), which the caller frees; fails the test when render fails. */
char *vk_render(vk_render_fn render, const vg_report_view_t *v, size_t max);

#endif
