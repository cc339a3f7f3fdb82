/* report.c: facts, findings and reports as JSON. */
#include "report.h"

#include "forecast.h"
#include "vg.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void vg_facts_write(vg_jw_t *w, const vg_facts_t *f) {
  size_t i;
  vg_jw_obj_begin(w);
  for (i = 0; i < f->n; i++) {
    const vg_fact_t *it = &f->items[i];
    vg_jw_key(w, it->key);
    switch (it->type) {
    case VG_FACT_NULL: vg_jw_null(w); break;
    case VG_FACT_INT: vg_jw_int(w, it->v.i); break;
    case VG_FACT_DOUBLE: vg_jw_double(w, it->v.d); break;
    case VG_FACT_BOOL: vg_jw_bool(w, it->v.b); break;
    case VG_FACT_STR: vg_jw_str(w, it->v.s); break;
    }
  }
  if (f->err) {
    vg_jw_key(w, "error");
    vg_jw_str(w, f->error);
  }
  vg_jw_obj_end(w);
}

char *vg_facts_json(const vg_facts_t *f) {
  vg_jw_t w;
  vg_jw_init(&w);
  vg_facts_write(&w, f);
  return vg_jw_steal(&w, NULL);
}

int vg_facts_from_json(vg_facts_t *f, const vg_json_t *obj) {
  size_t i, n;
  vg_facts_reset(f);
  if (vg_json_type(obj) != VG_JSON_OBJECT) return VG_EINVAL;
  n = vg_json_len(obj);
  for (i = 0; i < n; i++) {
    const char *k = vg_json_key_at(obj, i);
    const vg_json_t *v = vg_json_at(obj, i);
    int64_t iv;
    double d;
    int b;
    if (strcmp(k, "error") == 0 && vg_json_str(v)) {
      f->err = VG_EIO;
      vg_strlcpy(f->error, vg_json_str(v), sizeof(f->error));
      continue;
    }
    switch (vg_json_type(v)) {
    case VG_JSON_NULL: vg_facts_set_null(f, k); break;
    case VG_JSON_BOOL:
      vg_json_bool(v, &b);
      vg_facts_set_bool(f, k, b);
      break;
    case VG_JSON_NUMBER:
      if (vg_json_int(v, &iv) == 0) vg_facts_set_int(f, k, iv);
      else if (vg_json_num(v, &d) == 0) vg_facts_set_double(f, k, d);
      break;
    case VG_JSON_STRING: vg_facts_set_str(f, k, vg_json_str(v)); break;
    default: break; /* nested values are not facts */
    }
  }
  return 0;
}

void vg_predicts_write(vg_jw_t *w, const vg_finding_t *f) {
  unsigned i;
  vg_jw_arr_begin(w);
  for (i = 0; i < f->npredicts; i++) vg_jw_str(w, f->predicts[i]);
  vg_jw_arr_end(w);
}

char *vg_predicts_json(const vg_finding_t *f) {
  vg_jw_t w;
  vg_jw_init(&w);
  vg_predicts_write(&w, f);
  return vg_jw_steal(&w, NULL);
}

/* Days from civil date (Howard Hinnant's algorithm), so no timegm/gmtime_r
 * portability differences between glibc and mingw. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  int64_t era;
  unsigned yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (unsigned)(y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

const char *vg_iso8601(int64_t ms, char *buf, size_t size) {
  int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  int64_t z = (secs >= 0 ? secs : secs - 86399) / 86400;
  int64_t sod = secs - z * 86400, era, y;
  unsigned doe, yoe, doy, mp, d, m;
  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (unsigned)(z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = (int64_t)yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  snprintf(buf, size, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m, d,
           (unsigned)(sod / 3600), (unsigned)(sod / 60 % 60),
           (unsigned)(sod % 60));
  return buf;
}

int vg_parse_since(const char *s, int64_t now_ms, int64_t *out) {
  int y, mo, d, h = 0, mi = 0, se = 0, n = 0;
  char *end;
  double v;
  if (s == NULL || *s == '\0') return VG_EINVAL;
  if (strlen(s) >= 10 && s[4] == '-' &&
      sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3) {
    const char *t = s + n;
    if (*t == 'T' || *t == ' ') {
      int m2 = 0;
      if (sscanf(t + 1, "%2d:%2d:%2d%n", &h, &mi, &se, &m2) != 3)
        return VG_EINVAL;
      t += 1 + m2;
    }
    if (*t == 'Z') t++;
    if (*t || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        se > 60)
      return VG_EINVAL;
    *out = (days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
            h * 3600 + mi * 60 + se) *
           1000;
    return 0;
  }
  if (!isdigit((unsigned char)*s)) return VG_EINVAL;
  v = strtod(s, &end);
  if (!isfinite(v)) return VG_EINVAL;
  if (strcmp(end, "d") == 0) v *= 86400e3;
  else if (strcmp(end, "h") == 0) v *= 3600e3;
  else if (strcmp(end, "m") == 0) v *= 60e3;
  else if (strcmp(end, "s") == 0 || *end == '\0') v *= 1e3;
  else return VG_EINVAL;
  if (v > 1e14) return VG_EINVAL;
  *out = now_ms - (int64_t)v;
  return 0;
}

vg_status_t vg_report_overall(const vg_report_item_t *items, size_t n) {
  vg_status_t worst = VG_ST_NA;
  size_t i;
  for (i = 0; i < n; i++)
    if (items[i].finding->status > worst) worst = items[i].finding->status;
  return worst == VG_ST_NA && n > 0 ? VG_ST_OK : worst;
}

void vg_report_write(vg_jw_t *w, const char *host, int64_t now_ms,
                     const vg_report_item_t *items, size_t n) {
  char t[40];
  size_t i;
  vg_jw_kstr(w, "host", host);
  vg_jw_kstr(w, "generated_at", vg_iso8601(now_ms, t, sizeof(t)));
  vg_jw_kstr(w, "overall", vg_status_name(vg_report_overall(items, n)));
  vg_jw_key(w, "probes");
  vg_jw_arr_begin(w);
  for (i = 0; i < n; i++) {
    const vg_report_item_t *it = &items[i];
    vg_jw_obj_begin(w);
    vg_jw_kstr(w, "id", it->id);
    vg_jw_kstr(w, "status", vg_status_name(it->finding->status));
    vg_jw_kstr(w, "summary", it->finding->summary);
    vg_jw_kstr(w, "since", vg_iso8601(it->since_ms, t, sizeof(t)));
    vg_jw_key(w, "checked_at");
    if (it->checked_ms) vg_jw_str(w, vg_iso8601(it->checked_ms, t, sizeof(t)));
    else vg_jw_null(w);
    vg_jw_key(w, "predicts");
    vg_predicts_write(w, it->finding);
    vg_jw_kstr(w, "remedy", it->finding->remedy);
    vg_jw_key(w, "facts");
    if (it->facts) vg_facts_write(w, it->facts);
    else {
      vg_jw_obj_begin(w);
      vg_jw_obj_end(w);
    }
    if (it->forecast && it->forecast->valid && it->forecast->eta_ms) {
      vg_jw_key(w, "forecast");
      vg_jw_obj_begin(w);
      vg_jw_kstr(w, "threshold", "crit");
      vg_jw_kstr(w, "eta", vg_iso8601(it->forecast->eta_ms, t, sizeof(t)));
      vg_jw_kdouble(w, "slope_per_hour", it->forecast->slope_per_h);
      vg_jw_kint(w, "points", (int64_t)it->forecast->points);
      vg_jw_obj_end(w);
    }
    vg_jw_obj_end(w);
  }
  vg_jw_arr_end(w);
}

int vg_sample_row(const vg_sample_t *s, void *jw) {
  vg_jw_t *w = jw;
  char t[40];
  vg_jw_obj_begin(w);
  vg_jw_kstr(w, "ts", vg_iso8601(s->ts_ms, t, sizeof(t)));
  vg_jw_kstr(w, "status", s->status);
  vg_jw_kstr(w, "summary", s->summary);
  vg_jw_kint(w, "duration_ms", s->duration_ms);
  vg_jw_key(w, "facts");
  vg_jw_raw(w, s->facts_json);
  vg_jw_obj_end(w);
  return 0;
}

int vg_change_row(const vg_change_t *c, void *jw) {
  vg_jw_t *w = jw;
  char t[40];
  vg_jw_obj_begin(w);
  vg_jw_kint(w, "id", c->id);
  vg_jw_kstr(w, "probe", c->probe);
  vg_jw_kstr(w, "ts", vg_iso8601(c->ts_ms, t, sizeof(t)));
  vg_jw_kstr(w, "old_status", c->old_status);
  vg_jw_kstr(w, "new_status", c->new_status);
  vg_jw_kstr(w, "old_since", vg_iso8601(c->old_since_ms, t, sizeof(t)));
  vg_jw_kint(w, "old_duration_ms", c->duration_ms);
  vg_jw_kstr(w, "summary", c->summary);
  vg_jw_obj_end(w);
  return 0;
}
