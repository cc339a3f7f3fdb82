/* trend_history.c: a probe's trend points recorded as its forecast takes
 * them and read back at start (trend_history.h). */
#include "trend_history.h"

#include "json.h"
#include "report.h"
#include "vg.h"

#include <stdlib.h>
#include <string.h>

int vg_trend_history_add(vg_trend_t *t, vg_recorder_t *rec, const char *probe,
                         int64_t ts_ms, double v) {
  if (!vg_trend_add(t, ts_ms, v)) return 0;
  if (rec) vg_recorder_trend(rec, probe, ts_ms, v);
  return 1;
}

/* Points read back newest first; the ring wants them oldest first. */
typedef struct vg_seed_s {
  const vg_probe_t *p;
  const vg_thresholds_t *th;
  vg_trend_point_t *pts;
  size_t n, cap;
} vg_seed_t;

static int seed_point_cb(int64_t ts_ms, double v, void *ud) {
  vg_seed_t *k = ud;
  if (k->n == k->cap) return 1;
  k->pts[k->n++] = (vg_trend_point_t){ts_ms, v};
  return 0;
}

/* A sample written before the trend table: its value from its facts. */
static int seed_sample_cb(const vg_sample_t *s, void *ud) {
  vg_seed_t *k = ud;
  vg_json_t *js = NULL;
  vg_facts_t f;
  double v, level;
  char err[64];
  if (k->n == k->cap) return 1;
  if (vg_json_parse(s->facts_json, strlen(s->facts_json), &js, err,
                    sizeof(err)) != 0)
    return 0;
  vg_facts_init(&f);
  vg_facts_from_json(&f, js);
  if (k->p->trend(&f, k->th, &v, &level) == 0)
    k->pts[k->n++] = (vg_trend_point_t){s->ts_ms, v};
  vg_facts_reset(&f);
  vg_json_free(js);
  return 0;
}

size_t vg_trend_history_seed(vg_trend_t *t, vg_store_t *s, vg_recorder_t *rec,
                             const vg_probe_t *p, const vg_thresholds_t *th,
                             int64_t since_ms) {
  vg_seed_t k = {p, th, NULL, 0, 4 * VG_TREND_POINTS};
  size_t taken = 0;
  int from_samples = 0;
  if (s == NULL || p->trend == NULL) return 0;
  k.pts = malloc(k.cap * sizeof(*k.pts));
  if (k.pts == NULL) return 0;
  vg_store_trend(s, p->id, since_ms, (int)k.cap, seed_point_cb, &k);
  if (k.n == 0) {
    /* Once, after an upgrade: the samples' facts, then recorded. */
    vg_store_history(s, p->id, since_ms, (int)k.cap, seed_sample_cb, &k);
    from_samples = 1;
  }
  while (k.n > 0) {
    k.n--;
    if (from_samples)
      taken += (size_t)vg_trend_history_add(t, rec, p->id, k.pts[k.n].t_ms,
                                            k.pts[k.n].v);
    else
      taken += (size_t)vg_trend_add(t, k.pts[k.n].t_ms, k.pts[k.n].v);
  }
  free(k.pts);
  return taken;
}
