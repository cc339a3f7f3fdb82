/* task_next_run.c: the next run of a task computed from its triggers
 * (time, daily, weekly; repetition; end boundary; local time with daylight
 * saving time by the zone's rules). */
#include "task_next_run.h"

#include "timefmt.h"
#include "vg.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define NR_DAY_MS 86400000ll
#define NR_NONE INT64_MAX
/* Bounds that keep arithmetic far from overflow whatever a task says. */
#define NR_MIN_MS (-11644473600000ll) /* 1601-01-01, FILETIME's epoch */
#define NR_MAX_MS 253402300799000ll   /* 9999-12-31T23:59:59Z */
#define NR_MAX_INTERVAL 3650          /* days or weeks between runs */
#define NR_MAX_STEPS 800              /* bases looked at for a repetition */

static int nr_digits(const char **s, int n, int *out) {
  int v = 0, i;
  for (i = 0; i < n; i++) {
    if (!isdigit((unsigned char)(*s)[i])) return VG_EINVAL;
    v = v * 10 + ((*s)[i] - '0');
  }
  *s += n;
  *out = v;
  return 0;
}

int vg_task_parse_boundary(const char *s, int64_t *ms, int *zoned) {
  int y, mo, d, h, mi, sec = 0, frac = 0, oh, om;
  int64_t v;
  if (s == NULL) return VG_EINVAL;
  while (isspace((unsigned char)*s))
    s++;
  if (nr_digits(&s, 4, &y) || *s++ != '-' || nr_digits(&s, 2, &mo) ||
      *s++ != '-' || nr_digits(&s, 2, &d))
    return VG_EINVAL;
  if (*s != 'T' && *s != 't' && *s != ' ') return VG_EINVAL;
  s++;
  if (nr_digits(&s, 2, &h) || *s++ != ':' || nr_digits(&s, 2, &mi))
    return VG_EINVAL;
  if (*s == ':') {
    s++;
    if (nr_digits(&s, 2, &sec)) return VG_EINVAL;
    if (*s == '.' || *s == ',') {
      int scale = 100;
      s++;
      if (!isdigit((unsigned char)*s)) return VG_EINVAL;
      for (; isdigit((unsigned char)*s); s++) {
        frac += (*s - '0') * scale;
        scale /= 10;
      }
    }
  }
  if (y < 1601 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
      sec > 60)
    return VG_EINVAL;
  v = vg_days_from_civil(y, (unsigned)mo, (unsigned)d) * NR_DAY_MS +
      h * 3600000ll + mi * 60000ll + sec * 1000ll + frac;
  *zoned = 0;
  if (*s == 'Z' || *s == 'z') {
    *zoned = 1;
    s++;
  } else if (*s == '+' || *s == '-') {
    int sign = *s == '-' ? -1 : 1;
    s++;
    if (nr_digits(&s, 2, &oh)) return VG_EINVAL;
    if (*s == ':') s++;
    if (nr_digits(&s, 2, &om) || oh > 14 || om > 59) return VG_EINVAL;
    v -= sign * (oh * 3600000ll + om * 60000ll); /* to UTC */
    *zoned = 1;
  }
  while (isspace((unsigned char)*s))
    s++;
  if (*s) return VG_EINVAL;
  *ms = v;
  return 0;
}

int64_t vg_task_duration_ms(const char *s) {
  int64_t total = 0;
  int in_time = 0, any = 0;
  if (s == NULL || (*s != 'P' && *s != 'p')) return -1;
  s++;
  while (*s) {
    char *end;
    long long n;
    if (*s == 'T' || *s == 't') {
      in_time = 1;
      s++;
      continue;
    }
    if (!isdigit((unsigned char)*s)) return -1;
    n = strtoll(s, &end, 10);
    if (n < 0 || n > 100000000ll) return -1;
    switch (toupper((unsigned char)*end)) {
    case 'W': total += n * 7 * NR_DAY_MS; break;
    case 'D': total += n * NR_DAY_MS; break;
    case 'H': total += n * 3600000ll; break;
    case 'M':
      if (!in_time) return -1; /* months */
      total += n * 60000ll;
      break;
    case 'S': total += n * 1000ll; break;
    default: return -1;
    }
    if (total > NR_MAX_MS) return -1;
    any = 1;
    s = end + 1;
  }
  return any ? total : -1;
}

/* ---------------------------------------------------------- one trigger */

/* A trigger's start in the clock it is written in. */
typedef struct nr_trig_s {
  const vg_task_trigger_t *t;
  const vg_time_zone_t *tz;
  int64_t start_wall; /* wall clock of the start (UTC itself when zoned) */
  int zoned;          /* start written with Z or an offset: times are UTC */
  int64_t start_utc;
} nr_trig_t;

static int64_t nr_utc(const nr_trig_t *c, int64_t wall) {
  return c->zoned ? wall : vg_tz_to_utc(c->tz, wall);
}

static int64_t nr_floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int nr_interval(int v) {
  return v <= 0 ? 1 : v > NR_MAX_INTERVAL ? NR_MAX_INTERVAL : v;
}

/* The first run of the daily schedule strictly after x, or NR_NONE. */
static int64_t nr_daily_after(const nr_trig_t *c, int64_t x) {
  int64_t step = nr_interval(c->t->days_interval) * NR_DAY_MS;
  int64_t k = nr_floor_div(x - c->start_utc, step) - 1, end;
  if (k < 0) k = 0;
  for (end = k + 6; k < end; k++) {
    int64_t u = nr_utc(c, c->start_wall + k * step);
    if (u > x) return u;
  }
  return NR_NONE;
}

/* The first run of the weekly schedule strictly after x, or NR_NONE.
 * Weeks count from the week (Sunday to Saturday) of the start boundary;
 * runs before the start boundary do not happen. */
static int64_t nr_weekly_after(const nr_trig_t *c, int64_t x) {
  int w = nr_interval(c->t->weeks_interval);
  int64_t d0 = nr_floor_div(c->start_wall, NR_DAY_MS);
  int64_t tod = c->start_wall - d0 * NR_DAY_MS;
  int64_t sunday0 = d0 - vg_tz_weekday(d0);
  int mask = c->t->days_of_week & 0x7F;
  int64_t xd, wk, i;
  if (mask == 0) mask = 1 << vg_tz_weekday(d0); /* not read: its own day */
  /* x on the trigger's wall clock, near enough: a day early is safe */
  xd = nr_floor_div(x + (c->start_wall - c->start_utc), NR_DAY_MS) - 1;
  wk = nr_floor_div(xd - sunday0, 7);
  wk = wk < 0 ? 0 : wk - wk % w;
  for (i = 0; i < 3; i++, wk += w) {
    int dow;
    for (dow = 0; dow < 7; dow++) {
      int64_t day = sunday0 + wk * 7 + dow, u;
      if (!(mask & (1 << dow)) || day < d0) continue;
      u = nr_utc(c, day * NR_DAY_MS + tod);
      if (u > x) return u;
    }
  }
  return NR_NONE;
}

/* The first occurrence of the trigger's schedule (before repetition)
 * strictly after x, or NR_NONE. */
static int64_t nr_base_after(const nr_trig_t *c, int64_t x) {
  switch (c->t->type) {
  case 1: return c->start_utc > x ? c->start_utc : NR_NONE;
  case 2: return nr_daily_after(c, x);
  case 3: return nr_weekly_after(c, x);
  default: return NR_NONE;
  }
}

int vg_task_trigger_next(const vg_task_trigger_t *t, int64_t after_ms,
                         const vg_time_zone_t *tz, int64_t *next_ms) {
  nr_trig_t c;
  int64_t best, end = NR_NONE, every, span;
  int endz;
  if (!t->enabled || t->type < 1 || t->type > 3) return VG_ENOENT;
  memset(&c, 0, sizeof(c));
  c.t = t;
  c.tz = tz;
  if (vg_task_parse_boundary(t->start, &c.start_wall, &c.zoned) != 0)
    return VG_EINVAL;
  c.start_utc = nr_utc(&c, c.start_wall);
  if (t->end[0] && vg_task_parse_boundary(t->end, &end, &endz) == 0 && !endz)
    end = vg_tz_to_utc(tz, end);
  if (after_ms < NR_MIN_MS) after_ms = NR_MIN_MS;
  if (after_ms > NR_MAX_MS) return VG_ENOENT;
  best = nr_base_after(&c, after_ms);

  /* Repetition: runs every `every` from each occurrence for `span` (an
   * empty duration repeats without end, from the first occurrence on). */
  every = t->repetition[0] ? vg_task_duration_ms(t->repetition) : -1;
  if (every >= 60000) {
    span = t->rep_duration[0] ? vg_task_duration_ms(t->rep_duration) : -1;
    if (span < 0) {
      int64_t b0 = nr_base_after(&c, c.start_utc - 1);
      if (b0 != NR_NONE && b0 <= after_ms) {
        int64_t cand = b0 + ((after_ms - b0) / every + 1) * every;
        if (cand < best) best = cand;
      }
    } else if (span > 0) {
      int64_t b = nr_base_after(&c, after_ms - span);
      int steps = 0;
      while (b != NR_NONE && b <= after_ms && steps++ < NR_MAX_STEPS) {
        int64_t j = (after_ms - b) / every + 1;
        if (j * every < span && b + j * every < best) best = b + j * every;
        b = nr_base_after(&c, b);
      }
    }
  }
  if (best == NR_NONE || best > end || best > NR_MAX_MS) return VG_ENOENT;
  *next_ms = best;
  return 0;
}

int vg_task_next_run(const vg_task_trigger_t *trigs, size_t n, int64_t now_ms,
                     const vg_time_zone_t *tz, int64_t *next_ms) {
  int64_t best = NR_NONE, v;
  size_t i;
  for (i = 0; i < n; i++)
    if (vg_task_trigger_next(&trigs[i], now_ms, tz, &v) == 0 && v < best)
      best = v;
  if (best == NR_NONE) return VG_ENOENT;
  *next_ms = best;
  return 0;
}

int64_t vg_task_trigger_max_gap(const vg_task_trigger_t *t) {
  switch (t->type) {
  case 1:
    if (t->repetition[0] && t->rep_duration[0] == '\0') {
      int64_t r = vg_task_duration_ms(t->repetition);
      return r > 0 ? r : 0;
    }
    return 0;
  case 2: return nr_interval(t->days_interval) * NR_DAY_MS;
  case 3: {
    int w = nr_interval(t->weeks_interval), mask = t->days_of_week & 0x7F;
    int first = -1, prev = -1, gap = 0, d;
    if (mask == 0) return w * 7 * NR_DAY_MS;
    for (d = 0; d < 7; d++) {
      if (!(mask & (1 << d))) continue;
      if (first < 0) first = d;
      if (prev >= 0 && d - prev > gap) gap = d - prev;
      prev = d;
    }
    if (7 * w - prev + first > gap) gap = 7 * w - prev + first;
    return gap * NR_DAY_MS;
  }
  default: return 0;
  }
}
