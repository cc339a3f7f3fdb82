/* timefmt.h: times, durations and sizes as text - one parser and one
 * printer for each, used by config, the CLI, the protocol and the probes.
 * Pure; any thread. */
#ifndef VG_TIMEFMT_H
#define VG_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* Parses a duration ("90", "90s", "250ms", "5m", "2h", "7d"; bare numbers
 * are seconds) into ms, or a size ("10G", "512M", "512MiB", bare = bytes).
 * Returns 0 or VG_EINVAL. */
int vg_parse_duration_ms(const char *s, uint64_t *out);
int vg_parse_bytes(const char *s, uint64_t *out);

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
int64_t vg_days_from_civil(int64_t y, unsigned m, unsigned d);

/* ISO 8601 UTC ("2026-11-24T21:00:00Z") of a unix time in ms. Returns buf. */
const char *vg_iso8601(int64_t ms, char *buf, size_t size);

/* Parses a span back from now_ms ("7d", "24h", "30m", "90s": the duration
 * syntax above) or an ISO 8601 UTC time. Returns 0 and *out (unix ms) or
 * VG_EINVAL. */
int vg_parse_since(const char *s, int64_t now_ms, int64_t *out);

/* Formats a span as "45 s", "12 min", "3 h 5 min", "2 d 4 h". Returns buf. */
const char *vg_fmt_span(char *buf, size_t size, int64_t ms);

/* A duration (ms) or a size (bytes) in the largest unit that divides it
 * exactly, as vigil.ini takes it back ("90s", "3650d", "320M"). Returns
 * buf. */
const char *vg_fmt_duration(char *buf, size_t size, double ms);
const char *vg_fmt_size(char *buf, size_t size, double bytes);

#endif /* VG_TIMEFMT_H */
