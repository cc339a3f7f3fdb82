/* settings.h: the agent's own settings ([agent] and [export] in vigil.ini),
 * each bound to a field of one struct filled once at load (Redis's habit):
 * call sites read settings->retention_ms, never a key with a default. */
#ifndef VG_SETTINGS_H
#define VG_SETTINGS_H

#include "probe.h"

#include <stddef.h>
#include <stdint.h>

typedef struct vg_settings_s {
  /* [agent] */
  int64_t retention_ms;         /* retention: samples and changes kept */
  int64_t max_backoff_ms;       /* max_backoff: failing probe back-off cap */
  int64_t forecast_window_ms;   /* forecast_window: history a trend fits */
  int64_t forecast_horizon_ms;  /* forecast_horizon: warn when crit is due
                                   within it (per-probe key overrides) */
  int64_t flap_window_ms;       /* flap_window: flood-control window */
  int64_t flap_max;             /* flap_max: changes per window */
  int64_t raise_hits;           /* raise_hits: findings before raising */
  int64_t preflight_lead_ms;    /* preflight_lead: sweep before a backup */
  int64_t summary_interval_ms;  /* summary_interval: event 120 period */
  int64_t reminder_interval_ms; /* reminder_interval: event 121 period */
  /* [export] */
  char textfile_dir[1024]; /* textfile_dir: where vigil.prom goes; "" off */
} vg_settings_t;

/* The key definitions of section ("agent" or "export"), NULL-terminated,
 * or NULL for another section. */
const vg_key_def_t *vg_settings_keys(const char *section);

/* A lookup that returns the validated number/text of [section] key with
 * the key table's default applied (config.c provides it). */
typedef const char *(*vg_settings_get_fn)(const void *ud, const char *section,
                                          const char *key, double *num);

/* Fills s from get (every field: a value or its default). Loop thread. */
void vg_settings_load(vg_settings_t *s, vg_settings_get_fn get, const void *ud);

#endif /* VG_SETTINGS_H */
