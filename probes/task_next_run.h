/* task_next_run.h: when a scheduled task's triggers fire next, computed
 * from the triggers themselves, for where IRegisteredTask::NextRunTime is
 * unavailable (Wine answers E_NOTIMPL; a sick Task Scheduler). Time,
 * daily and weekly triggers, with repetition and end boundary; local start
 * boundaries follow the time zone's rules (tz.h), daylight saving time
 * included. Pure; any thread. */
#ifndef VG_TASK_NEXT_RUN_H
#define VG_TASK_NEXT_RUN_H

#include "os.h"
#include "tz.h"

#include <stddef.h>
#include <stdint.h>

/* Parses a trigger boundary as the Task Scheduler writes it:
 * "2025-01-05T22:00:00" (local time: *ms is the wall clock as if UTC,
 * *zoned = 0), optionally with a fraction, and "Z" or "+01:00" (then *ms
 * is UTC, *zoned = 1). Returns 0 or VG_EINVAL. */
int vg_task_parse_boundary(const char *s, int64_t *ms, int *zoned);

/* Milliseconds of an ISO 8601 duration ("PT1H30M", "P1D", "P2W"); -1 when
 * empty, malformed or in months/years (no fixed length). */
int64_t vg_task_duration_ms(const char *s);

/* The first run of one trigger strictly after after_ms (unix ms, UTC).
 * Returns 0 with *next_ms; VG_ENOENT when it has none (disabled, past its
 * end or its only run, or a kind without a schedule of its own: boot,
 * logon, event, monthly - monthly triggers are not computed); VG_EINVAL
 * when its start boundary cannot be read. */
int vg_task_trigger_next(const vg_task_trigger_t *t, int64_t after_ms,
                         const vg_time_zone_t *tz, int64_t *next_ms);

/* The earliest run of the enabled triggers strictly after now_ms. Returns
 * 0 with *next_ms, or VG_ENOENT when none of them has one. */
int vg_task_next_run(const vg_task_trigger_t *trigs, size_t n, int64_t now_ms,
                     const vg_time_zone_t *tz, int64_t *next_ms);

/* The longest time between two runs of the trigger in ms: DaysInterval
 * days for a daily trigger, the longest gap between its weekdays for a
 * weekly one, the repetition interval of an endlessly repeating time
 * trigger; 0 when it has no regular period. */
int64_t vg_task_trigger_max_gap(const vg_task_trigger_t *t);

#endif /* VG_TASK_NEXT_RUN_H */
