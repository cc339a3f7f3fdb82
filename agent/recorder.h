/* recorder.h: what the runtime hands to the store - samples, state changes
 * and the current state of each probe - queued and written in one
 * transaction per cycle, with retention, and kept in memory (bounded) while
 * the store fails. Loop thread only. */
#ifndef VG_RECORDER_H
#define VG_RECORDER_H

#include "probe.h"
#include "store.h"

#include <uv.h>

#include <stddef.h>
#include <stdint.h>

#define VG_PENDING_MAX 20000

/* What the recorder tells its owner about the store (events 106-108). */
typedef enum {
  VG_REC_FAILING = 1, /* a write failed: records are kept in memory */
  VG_REC_RECOVERED,   /* writes work again: n records written */
  VG_REC_DROPPED,     /* the queue was full: n records dropped so far */
  VG_REC_REOPENED     /* the database file was deleted or replaced and is
                         open again (why says how) */
} vg_rec_event_t;

typedef void (*vg_rec_notify_fn)(void *ud, vg_rec_event_t ev, uint64_t n,
                                 const char *why);

typedef struct vg_recorder_s vg_recorder_t;

/* Creates a recorder writing to store (owned by the caller, outlives the
 * recorder) on loop; retention_ms bounds what is kept. notify may be NULL.
 * Returns 0 or VG_ENOMEM. */
int vg_recorder_init(vg_recorder_t **out, uv_loop_t *loop, vg_store_t *store,
                     int64_t retention_ms, vg_rec_notify_fn notify, void *ud);
/* Flushes what is queued and closes the timer; the recorder is freed once
 * the timer is closed (loop thread). */
void vg_recorder_close(vg_recorder_t *r);

/* Queues one sample (every evaluation) and, when changed, one state change
 * (old_status since old_since_ms -> f at ts_ms). Texts are copied; the
 * facts come as JSON text, rendered once per evaluation by the caller. */
void vg_recorder_sample(vg_recorder_t *r, const char *probe, int64_t ts_ms,
                        const vg_finding_t *f, const char *facts_json,
                        int64_t duration_ms);
/* Queues a point the probe's forecast took into its trend (so a restart
 * refills the trend exactly; trend_history.h). */
void vg_recorder_trend(vg_recorder_t *r, const char *probe, int64_t ts_ms,
                       double value);
void vg_recorder_change(vg_recorder_t *r, const char *probe, int64_t ts_ms,
                        vg_status_t old_status, int64_t old_since_ms,
                        const vg_finding_t *f, const char *facts_json);
/* Queues the probe's current state (replaces a queued one of that probe);
 * one that differs from the last only by checked_ms is not written (the
 * store reads that time from the sample). */
void vg_recorder_state(vg_recorder_t *r, const char *probe,
                       const vg_finding_t *f, const char *facts_json,
                       const vg_facts_t *memo, int64_t since_ms,
                       int64_t checked_ms);

/* Writes everything queued now. Returns 0 or VG_ESTORE (kept queued; a
 * retry is scheduled). */
int vg_recorder_flush(vg_recorder_t *r, int64_t now_ms);
size_t vg_recorder_pending(const vg_recorder_t *r);
uint64_t vg_recorder_dropped(const vg_recorder_t *r);
/* 1 while writes fail. */
int vg_recorder_failing(const vg_recorder_t *r);
/* The store's state for status: "ok", "locked", "failing". */
const char *vg_recorder_store_state(const vg_recorder_t *r);

#endif /* VG_RECORDER_H */
