/* forecast.c: linear trend and time to a level. */
#include "forecast.h"

#include <math.h>
#include <string.h>

void vg_trend_init(vg_trend_t *t, int64_t min_gap_ms) {
  memset(t, 0, sizeof(*t));
  t->min_gap_ms = min_gap_ms;
}

static const vg_trend_point_t *trend_at(const vg_trend_t *t, size_t i) {
  return &t->pts[(t->head + i) % VG_TREND_POINTS];
}

int vg_trend_add(vg_trend_t *t, int64_t t_ms, double v) {
  if (!isfinite(v)) return 0;
  if (t->n > 0) {
    const vg_trend_point_t *last = trend_at(t, t->n - 1);
    if (t_ms < last->t_ms + t->min_gap_ms) return 0;
  }
  if (t->n < VG_TREND_POINTS) {
    t->pts[(t->head + t->n) % VG_TREND_POINTS] = (vg_trend_point_t){t_ms, v};
    t->n++;
  } else {
    t->pts[t->head] = (vg_trend_point_t){t_ms, v};
    t->head = (t->head + 1) % VG_TREND_POINTS;
  }
  return 1;
}

void vg_forecast(const vg_trend_t *t, int64_t now_ms, int64_t window_ms,
                 size_t min_points, int64_t min_span_ms, double level,
                 vg_forecast_t *out) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0, n = 0, slope, icept, x0, den;
  int64_t first = 0, last = 0;
  double last_v = 0;
  size_t i;
  memset(out, 0, sizeof(*out));
  out->level = level;
  if (t->n == 0) return;
  /* Centre x on the newest point so ms-since-1970 squared stays exact. */
  x0 = (double)trend_at(t, t->n - 1)->t_ms;
  for (i = 0; i < t->n; i++) {
    const vg_trend_point_t *p = trend_at(t, i);
    double x;
    if (p->t_ms < now_ms - window_ms) continue;
    if (n == 0) first = p->t_ms;
    last = p->t_ms;
    last_v = p->v;
    x = ((double)p->t_ms - x0) / 3600e3; /* hours */
    sx += x;
    sy += p->v;
    sxx += x * x;
    sxy += x * p->v;
    n++;
  }
  out->points = (size_t)n;
  out->span_ms = last - first;
  if (n < (double)min_points || out->span_ms < min_span_ms) return;
  den = n * sxx - sx * sx;
  if (den <= 0) return;
  slope = (n * sxy - sx * sy) / den;
  icept = (sy - slope * sx) / n;
  out->valid = 1;
  out->slope_per_h = slope;
  /* Heading towards the level and not there yet? Use the fitted value now
   * so one noisy sample does not move the date much. */
  {
    double now_h = ((double)now_ms - x0) / 3600e3;
    double fit_now = icept + slope * now_h, hours;
    (void)last_v;
    if (slope >= 0) return; /* not falling: never reaches the level */
    hours = fit_now <= level ? 0 : (level - fit_now) / slope;
    if (hours > 24.0 * 365 * 10) return; /* no meaningful date */
    out->eta_ms = now_ms + (int64_t)(hours * 3600e3);
  }
}
