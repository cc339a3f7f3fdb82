/* config.c: vigil.ini parser and the typed key table. */
#include "config.h"

#include "vg.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- keys */

/* Keys every probe section has. */
static const vg_key_def_t probe_keys[] = {
    {"enabled", VG_KEY_BOOL, 0, 1, "true", "run this probe"},
    {"interval", VG_KEY_DURATION, 10, 7 * 86400e3, NULL,
     "time between collections"},
    {"deadline", VG_KEY_DURATION, 10, 3600e3, NULL,
     "longest a collection may take before it is reported unknown"},
    {"warn", VG_KEY_DOUBLE, -1e18, 1e18, NULL, "warning threshold"},
    {"crit", VG_KEY_DOUBLE, -1e18, 1e18, NULL, "critical threshold"},
    {"hysteresis", VG_KEY_DOUBLE, 0, 1e18, NULL,
     "how far past a threshold a raised state must recover to clear"},
    {NULL, 0, 0, 0, NULL, NULL}};

static const vg_key_def_t *find_in(const vg_key_def_t *t, const char *key) {
  for (; t && t->name; t++)
    if (strcmp(t->name, key) == 0) return t;
  return NULL;
}

/* Returns the definition of section.key or NULL when unknown. */
static const vg_key_def_t *config_keydef(const char *section, const char *key) {
  const vg_probe_t *p;
  const vg_key_def_t *d;
  if (vg_settings_keys(section)) return find_in(vg_settings_keys(section), key);
  p = vg_probe_find(section);
  if (p == NULL) return NULL;
  d = find_in(probe_keys, key);
  if (d) return d;
  return find_in(p->keys, key);
}

/* ------------------------------------------------------------- parsing */

/* Checks value against d; fills *num for numeric types. Returns 0 or
 * VG_EINVAL with a reason in msg. */
static int validate(const vg_key_def_t *d, const char *value, double *num,
                    char *msg, size_t msgsz) {
  uint64_t u;
  int b;
  char *end;
  double v = 0;
  switch (d->type) {
  case VG_KEY_INT:
    errno = 0;
    v = (double)strtoll(value, &end, 10);
    if (errno || end == value || *end) {
      snprintf(msg, msgsz, "expected a whole number, got '%s'", value);
      return VG_EINVAL;
    }
    break;
  case VG_KEY_DOUBLE:
    errno = 0;
    v = strtod(value, &end);
    if (errno || end == value || *end || !isfinite(v)) {
      snprintf(msg, msgsz, "expected a number, got '%s'", value);
      return VG_EINVAL;
    }
    break;
  case VG_KEY_DURATION:
    if (vg_parse_duration_ms(value, &u)) {
      snprintf(msg, msgsz,
               "expected a duration like 30s, 250ms, 5m, 2h or 7d, got '%s'",
               value);
      return VG_EINVAL;
    }
    v = (double)u;
    break;
  case VG_KEY_BYTES:
    if (vg_parse_bytes(value, &u)) {
      snprintf(msg, msgsz, "expected a size like 500G or 2T, got '%s'", value);
      return VG_EINVAL;
    }
    v = (double)u;
    break;
  case VG_KEY_BOOL:
    if (vg_parse_bool(value, &b)) {
      snprintf(msg, msgsz, "expected true or false, got '%s'", value);
      return VG_EINVAL;
    }
    v = b;
    break;
  case VG_KEY_STR:
    if (d->max > 0 && strlen(value) > (size_t)d->max) {
      snprintf(msg, msgsz, "value longer than %.0f characters", d->max);
      return VG_EINVAL;
    }
    *num = 0;
    return 0;
  }
  if (v < d->min || v > d->max) {
    char lo[32], hi[32];
    if (d->type == VG_KEY_DURATION)
      snprintf(msg, msgsz, "'%s' is outside %s..%s", value,
               vg_fmt_duration(lo, sizeof(lo), d->min),
               vg_fmt_duration(hi, sizeof(hi), d->max));
    else if (d->type == VG_KEY_BYTES)
      snprintf(msg, msgsz, "'%s' is outside %s..%s", value,
               vg_fmt_size(lo, sizeof(lo), d->min),
               vg_fmt_size(hi, sizeof(hi), d->max));
    else
      snprintf(msg, msgsz, "'%s' is outside %g..%g", value, d->min, d->max);
    return VG_EINVAL;
  }
  *num = v;
  return 0;
}

static vg_config_entry_t *entry_find(const vg_config_t *cfg,
                                     const char *section, const char *key) {
  size_t i;
  for (i = 0; i < cfg->n; i++)
    if (strcmp(cfg->entries[i].section, section) == 0 &&
        strcmp(cfg->entries[i].key, key) == 0)
      return (vg_config_entry_t *)&cfg->entries[i];
  return NULL;
}

static const char *config_src_get(const void *ud, const char *section,
                                  const char *key, double *num);

void vg_config_init(vg_config_t *cfg) {
  /* Only what is read before it is written: the tables (most of the
   * 68 KiB) stay untouched until used, so a running service keeps a page
   * or two of them in memory rather than all. */
  cfg->path[0] = '\0';
  cfg->n = 0;
  cfg->nwarnings = 0;
  cfg->src.ud = cfg;
  cfg->src.get = config_src_get;
}

void vg_config_free(vg_config_t *cfg) {
  size_t i;
  for (i = 0; i < cfg->n; i++)
    free(cfg->entries[i].value);
  cfg->n = 0;
  cfg->nwarnings = 0;
}

int vg_config_set(vg_config_t *cfg, const char *section, const char *key,
                  const char *value, char *msg, size_t msgsz) {
  const vg_key_def_t *d;
  vg_config_entry_t *e;
  double num;
  char *copy;
  if (strlen(section) >= sizeof(e->section) || strlen(key) >= sizeof(e->key)) {
    snprintf(msg, msgsz, "name too long");
    return VG_EINVAL;
  }
  d = config_keydef(section, key);
  if (d == NULL) {
    if (vg_settings_keys(section) == NULL && vg_probe_find(section) == NULL)
      snprintf(msg, msgsz, "unknown section [%s] (not a probe id or 'agent')",
               section);
    else
      snprintf(msg, msgsz, "unknown key '%s' in [%s]", key, section);
    return VG_EINVAL;
  }
  {
    /* A probe whose thresholds are durations takes "2m" as well as 120. */
    const vg_probe_t *p = vg_probe_find(section);
    if (p && p->th_unit == VG_TH_SECONDS &&
        (strcmp(key, "warn") == 0 || strcmp(key, "crit") == 0 ||
         strcmp(key, "hysteresis") == 0)) {
      vg_key_def_t dd = *d;
      dd.type = VG_KEY_DURATION;
      dd.min = 0;
      dd.max = 30 * 86400e3;
      if (validate(&dd, value, &num, msg, msgsz)) return VG_EINVAL;
      num /= 1000.0;
    } else if (validate(d, value, &num, msg, msgsz)) {
      return VG_EINVAL;
    }
  }
  copy = strdup(value);
  if (copy == NULL) {
    snprintf(msg, msgsz, "out of memory");
    return VG_ENOMEM;
  }
  e = entry_find(cfg, section, key);
  if (e == NULL) {
    if (cfg->n == VG_CONFIG_MAX_ENTRIES) {
      free(copy);
      snprintf(msg, msgsz, "too many settings (limit %d)",
               VG_CONFIG_MAX_ENTRIES);
      return VG_EINVAL;
    }
    e = &cfg->entries[cfg->n++];
    vg_strlcpy(e->section, section, sizeof(e->section));
    vg_strlcpy(e->key, key, sizeof(e->key));
  } else {
    free(e->value);
  }
  e->value = copy;
  e->num = num;
  return 0;
}

static void warn(vg_config_t *cfg, const char *fmt, ...) VG_PRINTF(2, 3);

/* Records one warning. Text from vigil.ini ends up in it: control
 * characters (an escape sequence, a carriage return) are written as \xNN so
 * that a console, the Event Log or a log viewer shows them, not obeys
 * them. */
static void warn(vg_config_t *cfg, const char *fmt, ...) {
  char raw[sizeof(cfg->warnings[0])], *out;
  size_t i, o = 0, size = sizeof(cfg->warnings[0]);
  va_list ap;
  if (cfg->nwarnings == VG_CONFIG_MAX_WARNINGS) return;
  va_start(ap, fmt);
  vsnprintf(raw, sizeof(raw), fmt, ap);
  va_end(ap);
  out = cfg->warnings[cfg->nwarnings++];
  for (i = 0; raw[i] && o + 1 < size; i++) {
    unsigned char c = (unsigned char)raw[i];
    if (c >= 0x20 && c != 0x7f) {
      out[o++] = (char)c;
    } else if (o + 5 < size) {
      snprintf(out + o, size - o, "\\x%02x", c);
      o += 4;
    } else {
      break;
    }
  }
  out[o] = '\0';
}

static char *trim(char *s) {
  char *e;
  while (isspace((unsigned char)*s))
    s++;
  e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1]))
    *--e = '\0';
  return s;
}

/* warn above crit for an "above" threshold (or below it for a "below"
 * one) is a problem: the probe would skip warn. */
static void config_check_thresholds(vg_config_t *cfg, const char *name) {
  size_t i;
  for (i = 0; i < vg_nprobes; i++) {
    const vg_probe_t *p = vg_probes[i];
    vg_thresholds_t th;
    if (!vg_config_is_set(cfg, p->id, "warn") &&
        !vg_config_is_set(cfg, p->id, "crit"))
      continue;
    vg_config_thresholds(cfg, p, &th);
    if (!isfinite(th.warn) || !isfinite(th.crit)) continue;
    if (p->th.dir == VG_TH_ABOVE ? th.warn > th.crit : th.warn < th.crit)
      warn(cfg,
           "%s: [%s] warn = %g is %s crit = %g; warn must come first (a %s "
           "value is worse)",
           name, p->id, th.warn, p->th.dir == VG_TH_ABOVE ? "above" : "below",
           th.crit, p->th.dir == VG_TH_ABOVE ? "higher" : "lower");
  }
}

int vg_config_parse(vg_config_t *cfg, const char *name, const char *text,
                    size_t len) {
  char section[64] = "";
  char line[4096];
  size_t pos = 0, lineno = 0, bad_header = 0;
  int before_any = 1;
  if (len > VG_CONFIG_MAX_BYTES) {
    warn(cfg, "%s: file larger than %d bytes; ignored, all defaults apply",
         name, VG_CONFIG_MAX_BYTES);
    return VG_ETOOBIG;
  }
  /* Skip a UTF-8 byte order mark (Notepad writes one). */
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) pos = 3;
  while (pos < len) {
    size_t n = 0;
    char *l, *eq, *key, *val, msg[256];
    int toolong = 0;
    lineno++;
    while (pos < len && text[pos] != '\n') {
      if (n < sizeof(line) - 1)
        line[n++] = text[pos];
      else
        toolong = 1;
      pos++;
    }
    pos++; /* newline */
    line[n] = '\0';
    if (toolong) {
      warn(cfg, "%s:%zu: line longer than %zu characters; ignored", name,
           lineno, sizeof(line) - 1);
      continue;
    }
    if (memchr(line, '\0', n) != NULL && strlen(line) != n) {
      warn(cfg, "%s:%zu: line contains a NUL byte; ignored", name, lineno);
      continue;
    }
    l = trim(line);
    if (*l == '\0' || *l == ';' || *l == '#') continue;
    if (*l == '[') {
      char *close = strchr(l, ']');
      before_any = 0;
      bad_header = 0;
      if (close == NULL || close[1] != '\0') {
        /* "[temp.files" or "[temp.files] x": read the name anyway when it
         * is a known section, and say so; else every key under it is
         * named as ignored (never silently dropped). */
        char name2[64];
        size_t k = 0;
        const char *q = l + 1;
        while (*q && *q != ']' && k + 1 < sizeof(name2))
          name2[k++] = *q++;
        name2[k] = '\0';
        l = trim(name2);
        if (vg_settings_keys(l) || vg_probe_find(l)) {
          warn(cfg,
               "%s:%zu: malformed section header (expected [%s]); read as "
               "[%s]",
               name, lineno, l, l);
          vg_strlcpy(section, l, sizeof(section));
        } else {
          warn(cfg, "%s:%zu: malformed section header '%s'; expected [name]",
               name, lineno, line);
          vg_strlcpy(section, "", sizeof(section));
          bad_header = lineno;
        }
        continue;
      }
      *close = '\0';
      l = trim(l + 1);
      if (vg_settings_keys(l) == NULL && vg_probe_find(l) == NULL) {
        warn(cfg,
             "%s:%zu: unknown section [%s] (not a probe id, 'agent' or "
             "'export'); its keys are ignored",
             name, lineno, l);
        vg_strlcpy(section, "", sizeof(section));
        continue;
      }
      vg_strlcpy(section, l, sizeof(section));
      continue;
    }
    eq = strchr(l, '=');
    if (eq == NULL) {
      warn(cfg, "%s:%zu: expected 'key = value', got '%.60s'", name, lineno, l);
      continue;
    }
    *eq = '\0';
    key = trim(l);
    val = trim(eq + 1);
    if (before_any) {
      /* Keys before any [section]: an [agent] key still applies. */
      if (config_keydef("agent", key)) {
        warn(cfg,
             "%s:%zu: '%s' comes before any [section]; read as [agent] %s "
             "(put it under [agent])",
             name, lineno, key, key);
        vg_strlcpy(section, "agent", sizeof(section));
      } else {
        warn(cfg,
             "%s:%zu: '%s' comes before any [section]; ignored (put it under "
             "[agent] or the probe's section)",
             name, lineno, key);
        continue;
      }
    }
    if (bad_header) {
      warn(cfg,
           "%s:%zu: '%s' ignored: it is under the malformed section header "
           "of line %zu",
           name, lineno, key, bad_header);
      continue;
    }
    if (section[0] == '\0') continue; /* inside an unknown section */
    /* Allow "quoted values" so paths with ; or # survive. */
    if (val[0] == '"' && strlen(val) >= 2 && val[strlen(val) - 1] == '"') {
      val[strlen(val) - 1] = '\0';
      val++;
    } else {
      char *c = strpbrk(val, ";#");
      if (c && c > val && isspace((unsigned char)c[-1])) {
        *c = '\0';
        val = trim(val);
      }
    }
    if (vg_config_set(cfg, section, key, val, msg, sizeof(msg)) != 0) {
      if (strncmp(msg, "unknown", 7) == 0)
        warn(cfg, "%s:%zu: %s; ignored", name, lineno, msg);
      else
        warn(cfg, "%s:%zu: [%s] %s: %s; the default is used", name, lineno,
             section, key, msg);
    }
  }
  config_check_thresholds(cfg, name);
  return 0;
}

int vg_config_load(vg_config_t *cfg, const char *path) {
  char *buf, err[200];
  size_t n;
  int rc;
  vg_strlcpy(cfg->path, path, sizeof(cfg->path));
  rc = vg_read_file(path, VG_CONFIG_MAX_BYTES, &buf, &n, err, sizeof(err));
  if (rc == VG_ENOENT) return 0;
  if (rc != 0) {
    warn(cfg, "%s: cannot be read (%s); all defaults apply", path, err);
    return rc;
  }
  rc = vg_config_parse(cfg, path, buf, n); /* n > max: it says too big */
  free(buf);
  return rc;
}

int vg_config_load_home(vg_config_t *cfg, const char *home) {
  char path[sizeof(cfg->path)];
  snprintf(path, sizeof(path), "%s/vigil.ini", home ? home : ".");
  return vg_config_load(cfg, path);
}

/* ------------------------------------------------------------- lookups */

const char *vg_config_get_str(const vg_config_t *cfg, const char *section,
                              const char *key) {
  const vg_config_entry_t *e = cfg ? entry_find(cfg, section, key) : NULL;
  const vg_key_def_t *d;
  if (e) return e->value;
  d = config_keydef(section, key);
  return d ? d->def : NULL;
}

double vg_config_get_num(const vg_config_t *cfg, const char *section,
                         const char *key, double def) {
  const vg_config_entry_t *e = cfg ? entry_find(cfg, section, key) : NULL;
  const vg_key_def_t *d;
  double num;
  char msg[128];
  if (e) return e->num;
  d = config_keydef(section, key);
  if (d && d->def && validate(d, d->def, &num, msg, sizeof(msg)) == 0)
    return num;
  return def;
}

int vg_config_get_bool(const vg_config_t *cfg, const char *section,
                       const char *key, int def) {
  return vg_config_get_num(cfg, section, key, def) != 0;
}

/* The text and number of a key with one search (probes read their
 * settings on every collection): as vg_config_get_str and
 * vg_config_get_num with def 0. */
static const char *config_src_get(const void *ud, const char *section,
                                  const char *key, double *num) {
  const vg_config_t *cfg = ud;
  const vg_config_entry_t *e = cfg ? entry_find(cfg, section, key) : NULL;
  const vg_key_def_t *d;
  char msg[128];
  if (e) {
    *num = e->num;
    return e->value;
  }
  d = config_keydef(section, key);
  if (d == NULL) {
    *num = 0;
    return NULL;
  }
  if (d->def == NULL || validate(d, d->def, num, msg, sizeof(msg)) != 0)
    *num = 0;
  return d->def;
}

vg_probe_settings_t vg_config_probe_settings(const vg_config_t *cfg,
                                             const vg_probe_t *p) {
  vg_probe_settings_t s;
  s.src = cfg ? &cfg->src : NULL;
  s.probe = p;
  return s;
}

void vg_config_settings(const vg_config_t *cfg, vg_settings_t *out) {
  vg_settings_load(out, config_src_get, cfg);
}

int vg_config_is_set(const vg_config_t *cfg, const char *section,
                     const char *key) {
  return cfg && entry_find(cfg, section, key) != NULL;
}

int64_t vg_config_forecast_horizon_ms(const vg_config_t *cfg,
                                      const vg_probe_t *p) {
  const char *key =
      vg_config_is_set(cfg, p->id, "forecast_horizon") ? p->id : "agent";
  return (int64_t)vg_config_get_num(cfg, key, "forecast_horizon", 0);
}

void vg_config_probe_ctx(const vg_config_t *cfg, const vg_probe_t *p,
                         const vg_os_t *os, vg_probe_ctx_t *out) {
  memset(out, 0, sizeof(*out));
  out->os = os ? os : vg_os_default();
  out->set = vg_config_probe_settings(cfg, p);
  out->probe_id = p->id;
  vg_config_thresholds(cfg, p, &out->th);
}

void vg_config_eval_params(const vg_config_t *cfg, const vg_probe_t *p,
                           vg_eval_params_t *out) {
  out->set = vg_config_probe_settings(cfg, p);
  out->probe_id = p->id;
  vg_config_thresholds(cfg, p, &out->th);
}

uint64_t vg_config_interval_ms(const vg_config_t *cfg, const vg_probe_t *p) {
  return (uint64_t)vg_config_get_num(cfg, p->id, "interval",
                                     (double)p->interval_s * 1000.0);
}

uint64_t vg_config_deadline_ms(const vg_config_t *cfg, const vg_probe_t *p) {
  return (uint64_t)vg_config_get_num(cfg, p->id, "deadline",
                                     (double)p->deadline_s * 1000.0);
}

int vg_config_enabled(const vg_config_t *cfg, const vg_probe_t *p) {
  return vg_config_get_bool(cfg, p->id, "enabled", 1);
}

void vg_config_thresholds(const vg_config_t *cfg, const vg_probe_t *p,
                          vg_thresholds_t *out) {
  *out = p->th;
  out->warn = vg_config_get_num(cfg, p->id, "warn", p->th.warn);
  out->crit = vg_config_get_num(cfg, p->id, "crit", p->th.crit);
  out->hysteresis =
      vg_config_get_num(cfg, p->id, "hysteresis", p->th.hysteresis);
}
