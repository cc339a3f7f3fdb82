/* forecast.h: where a drifting value is heading. A least-squares line
 * through recent (time, value) points, and when it crosses a level.
 * Pure functions; the agent keeps the points. */
#ifndef VG_FORECAST_H
#define VG_FORECAST_H

#include "trend.h"

#include <stddef.h>
#include <stdint.h>

#define VG_TREND_POINTS 256

typedef struct vg_trend_point_s {
  int64_t t_ms;
  double v;
} vg_trend_point_t;

/* A ring of points, thinned so that it spans a useful window: a point is
 * kept only when at least min_gap_ms after the last kept one. */
typedef struct vg_trend_s {
  vg_trend_point_t pts[VG_TREND_POINTS];
  size_t n, head; /* head = index of the oldest when full */
  int64_t min_gap_ms;
} vg_trend_t;

void vg_trend_init(vg_trend_t *t, int64_t min_gap_ms);
/* Adds a point; ignored when too close to the previous one, older, or not
 * a finite number. Returns 1 when the point was taken, else 0. */
int vg_trend_add(vg_trend_t *t, int64_t t_ms, double v);

/* Fits the points at or after now_ms - window_ms. A trend needs at least
 * min_points points spanning at least min_span_ms. Values are "less is
 * worse" (free space, headroom): eta is when the falling line reaches
 * level, now_ms if it is already there, 0 when the line is not falling.
 * A probe whose value grows towards trouble passes it negated. */
void vg_forecast(const vg_trend_t *t, int64_t now_ms, int64_t window_ms,
                 size_t min_points, int64_t min_span_ms, double level,
                 vg_forecast_t *out);

#endif /* VG_FORECAST_H */
