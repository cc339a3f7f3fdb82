/* probe.c: helpers shared by all probes - status names, the threshold
 * evaluator, finding builders and number formatting. */
#include "probe.h"

#include "timefmt.h"
#include "vg.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = {"n/a", "ok", "unknown", "warn",
                                           "crit"};

const char *vg_status_name(vg_status_t st) {
  if ((unsigned)st >= VG_ARRAY_SIZE(status_names)) return "unknown";
  return status_names[st];
}

int vg_status_parse(const char *name, vg_status_t *out) {
  size_t i;
  for (i = 0; i < VG_ARRAY_SIZE(status_names); i++)
    if (strcmp(status_names[i], name) == 0) {
      *out = (vg_status_t)i;
      return 0;
    }
  return VG_EINVAL;
}

const char *vg_scope_name(vg_scope_t s) {
  switch (s) {
  case VG_SCOPE_BACKUP: return "backup";
  case VG_SCOPE_RESTORE: return "restore";
  case VG_SCOPE_MONITORING: return "monitoring";
  }
  return "backup";
}

int vg_parse_bool(const char *s, int *out) {
  static const char *const yes[] = {"1", "true", "yes", "on"};
  static const char *const no[] = {"0", "false", "no", "off"};
  size_t i;
  for (i = 0; i < VG_ARRAY_SIZE(yes); i++) {
    if (strcmp(s, yes[i]) == 0) return *out = 1, 0;
    if (strcmp(s, no[i]) == 0) return *out = 0, 0;
  }
  return VG_EINVAL;
}

/* ------------------------------------------------------------ settings */

static const vg_key_def_t *probe_key(const vg_probe_settings_t *s,
                                     const char *key) {
  const vg_key_def_t *d;
  for (d = s->probe ? s->probe->keys : NULL; d && d->name; d++)
    if (strcmp(d->name, key) == 0) return d;
  fprintf(stderr, "vigil: probe %s reads setting '%s' it does not declare\n",
          s->probe ? s->probe->id : "?", key);
  return NULL;
}

/* Number of a key's text by its type (durations in ms, sizes in bytes). */
static double key_num(const vg_key_def_t *d, const char *text) {
  uint64_t u;
  int b;
  switch (d->type) {
  case VG_KEY_DURATION:
    return vg_parse_duration_ms(text, &u) == 0 ? (double)u : 0;
  case VG_KEY_BYTES: return vg_parse_bytes(text, &u) == 0 ? (double)u : 0;
  case VG_KEY_BOOL: return vg_parse_bool(text, &b) == 0 ? b : 0;
  default: return strtod(text, NULL);
  }
}

const char *vg_probe_str(const vg_probe_settings_t *s, const char *key) {
  const vg_key_def_t *d = probe_key(s, key);
  double num;
  if (d == NULL) return NULL;
  if (s->src) return s->src->get(s->src->ud, s->probe->id, key, &num);
  return d->def;
}

double vg_probe_num(const vg_probe_settings_t *s, const char *key) {
  const vg_key_def_t *d = probe_key(s, key);
  double num = 0;
  if (d == NULL) return 0;
  if (s->src) return s->src->get(s->src->ud, s->probe->id, key, &num) ? num : 0;
  return d->def ? key_num(d, d->def) : 0;
}

int vg_probe_bool(const vg_probe_settings_t *s, const char *key) {
  return vg_probe_num(s, key) != 0;
}

const vg_probe_t *vg_probe_find(const char *id) {
  size_t i;
  for (i = 0; i < vg_nprobes; i++)
    if (strcmp(vg_probes[i]->id, id) == 0) return vg_probes[i];
  return NULL;
}

vg_status_t vg_threshold_eval(double v, const vg_thresholds_t *th,
                              vg_status_t prev) {
  double h = th->hysteresis > 0 ? th->hysteresis : 0;
  double hc = prev >= VG_ST_CRIT ? h : 0, hw = prev >= VG_ST_WARN ? h : 0;
  if (isnan(v)) return VG_ST_UNKNOWN;
  if (th->dir == VG_TH_BELOW) {
    if (!isnan(th->crit) && v < th->crit + hc) return VG_ST_CRIT;
    if (!isnan(th->warn) && v < th->warn + hw) return VG_ST_WARN;
  } else {
    if (!isnan(th->crit) && v >= th->crit - hc) return VG_ST_CRIT;
    if (!isnan(th->warn) && v >= th->warn - hw) return VG_ST_WARN;
  }
  return VG_ST_OK;
}

void vg_finding_set(vg_finding_t *f, vg_status_t st, const char *remedy,
                    const char *fmt, ...) {
  va_list ap;
  f->status = st;
  va_start(ap, fmt);
  vsnprintf(f->summary, sizeof(f->summary), fmt, ap);
  va_end(ap);
  vg_strlcpy(f->remedy, remedy ? remedy : "", sizeof(f->remedy));
}

void vg_finding_predict(vg_finding_t *f, const char *code) {
  if (f->npredicts == VG_MAX_PREDICTS) return;
  vg_strlcpy(f->predicts[f->npredicts++], code, sizeof(f->predicts[0]));
}

void vg_finding_unknown(vg_finding_t *f, const char *probe_id,
                        const vg_facts_t *facts) {
  memset(f, 0, sizeof(*f));
  vg_finding_set(f, VG_ST_UNKNOWN,
                 "Check the reason above; Vigil retries with back-off.",
                 "Could not measure %s: %s", probe_id,
                 facts->error[0] ? facts->error : vg_strerror(facts->err));
}

const char *vg_fmt_count(char *buf, size_t size, uint64_t n) {
  char tmp[32];
  size_t len, i, o = 0;
  snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)n);
  len = strlen(tmp);
  for (i = 0; i < len && o + 1 < size; i++) {
    if (i > 0 && (len - i) % 3 == 0 && o + 2 < size) buf[o++] = ',';
    buf[o++] = tmp[i];
  }
  buf[o] = '\0';
  return buf;
}

const char *vg_fmt_bytes(char *buf, size_t size, uint64_t n) {
  static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = (double)n;
  size_t u = 0;
  while (v >= 1024.0 && u + 1 < VG_ARRAY_SIZE(units)) {
    v /= 1024.0;
    u++;
  }
  if (u == 0)
    snprintf(buf, size, "%llu B", (unsigned long long)n);
  else
    snprintf(buf, size, "%.1f %s", v, units[u]);
  return buf;
}
