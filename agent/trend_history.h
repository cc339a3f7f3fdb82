/* trend_history.h: the points of a probe's trend kept in the store - each
 * point the forecast's ring takes is recorded, and a start refills the
 * ring from them exactly (no sample's facts parsed, deduplicated samples
 * or not). Loop thread only. */
#ifndef VG_TREND_HISTORY_H
#define VG_TREND_HISTORY_H

#include "forecast.h"
#include "probe.h"
#include "recorder.h"
#include "store.h"

#include <stdint.h>

/* Adds (ts_ms, v) to t; when the ring takes it, rec (may be NULL) records
 * it for probe. Returns 1 when taken, else 0. */
int vg_trend_history_add(vg_trend_t *t, vg_recorder_t *rec, const char *probe,
                         int64_t ts_ms, double v);

/* Refills t with probe p's points since since_ms from store s, oldest
 * first, as they were taken. A database from before the trend table
 * (schema 4) has none: then the points are computed once from the stored
 * samples' facts with p's trend function and thresholds th, and recorded
 * through rec (may be NULL) so the next start reads them directly.
 * Returns how many points t took. */
size_t vg_trend_history_seed(vg_trend_t *t, vg_store_t *s, vg_recorder_t *rec,
                             const vg_probe_t *p, const vg_thresholds_t *th,
                             int64_t since_ms);

#endif /* VG_TREND_HISTORY_H */
