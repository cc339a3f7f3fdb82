/* trend.h: the forecast a probe's evaluate may read (the core's forecast.c
 * computes it from the probe's trend values). */
#ifndef VG_TREND_H
#define VG_TREND_H

#include <stddef.h>
#include <stdint.h>

/* Result of a forecast against one level. */
typedef struct vg_forecast_s {
  int valid;          /* enough points over enough time for a trend */
  double slope_per_h; /* value units per hour */
  int64_t eta_ms; /* when the line reaches the level; 0 = not heading there */
  double level;
  size_t points;
  int64_t span_ms;
} vg_forecast_t;

#endif /* VG_TREND_H */
