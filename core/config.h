/* config.h: vigil.ini - a table of typed keys with bounds and defaults.
 * Works with no file at all; a bad line costs only that key. */
#ifndef VG_CONFIG_H
#define VG_CONFIG_H

#include "probe.h"
#include "settings.h"

#include <stddef.h>
#include "timefmt.h"

#include <stdint.h>

#define VG_CONFIG_MAX_BYTES (1024 * 1024)
#define VG_CONFIG_MAX_ENTRIES 512
#define VG_CONFIG_MAX_WARNINGS 32

typedef struct vg_config_entry_s {
  char section[48];
  char key[48];
  char *value; /* validated text */
  double num;  /* parsed number for numeric types */
} vg_config_entry_t;

typedef struct vg_config_s {
  char path[1024];
  vg_config_entry_t entries[VG_CONFIG_MAX_ENTRIES];
  size_t n;
  char warnings[VG_CONFIG_MAX_WARNINGS][320];
  size_t nwarnings;
  vg_settings_src_t src; /* probes read their keys through this */
} vg_config_t;

/* Empty configuration (all defaults). */
void vg_config_init(vg_config_t *cfg);
void vg_config_free(vg_config_t *cfg);

/* Loads path. A missing file is not an error (returns 0, no warnings). Bad
 * lines are recorded as one-line warnings naming file, line and key; that key
 * keeps its default. Returns VG_EIO/VG_ETOOBIG only when the file exists but
 * cannot be read at all (a warning says so too). */
int vg_config_load(vg_config_t *cfg, const char *path);
/* Loads <home>/vigil.ini (cfg->path names it after), as vg_config_load.
 * The one place that knows where the service's file is. */
int vg_config_load_home(vg_config_t *cfg, const char *home);
/* Same from a buffer; name is used in messages. */
int vg_config_parse(vg_config_t *cfg, const char *name, const char *text,
                    size_t len);

/* Sets one key programmatically (tests, command-line overrides); validated
 * like a file line. Returns 0 or VG_EINVAL with msg filled. */
int vg_config_set(vg_config_t *cfg, const char *section, const char *key,
                  const char *value, char *msg, size_t msgsz);

/* Lookups fall back to the key table default. get_str returns NULL when the
 * key has no value and no default. */
const char *vg_config_get_str(const vg_config_t *cfg, const char *section,
                              const char *key);
double vg_config_get_num(const vg_config_t *cfg, const char *section,
                         const char *key, double def);
int vg_config_get_bool(const vg_config_t *cfg, const char *section,
                       const char *key, int def);

/* The settings a probe reads (probe.h vg_probe_settings_t), backed by
 * cfg; valid while cfg lives. */
vg_probe_settings_t vg_config_probe_settings(const vg_config_t *cfg,
                                             const vg_probe_t *p);

/* The agent's typed settings ([agent], [export]) from cfg. */
void vg_config_settings(const vg_config_t *cfg, vg_settings_t *out);
/* Whether vigil.ini sets [section] key (a default does not count). */
int vg_config_is_set(const vg_config_t *cfg, const char *section,
                     const char *key);

/* The forecast horizon for probe p: its own `forecast_horizon` when
 * vigil.ini sets one (the older per-probe key), else [agent]'s. ms. */
int64_t vg_config_forecast_horizon_ms(const vg_config_t *cfg,
                                      const vg_probe_t *p);

/* A collect context (os may be NULL: the platform's own table) and the
 * settings part of evaluation parameters for probe p, from cfg. */
void vg_config_probe_ctx(const vg_config_t *cfg, const vg_probe_t *p,
                         const vg_os_t *os, vg_probe_ctx_t *out);
void vg_config_eval_params(const vg_config_t *cfg, const vg_probe_t *p,
                           vg_eval_params_t *out);

/* Effective per-probe settings. */
uint64_t vg_config_interval_ms(const vg_config_t *cfg, const vg_probe_t *p);
uint64_t vg_config_deadline_ms(const vg_config_t *cfg, const vg_probe_t *p);
int vg_config_enabled(const vg_config_t *cfg, const vg_probe_t *p);
void vg_config_thresholds(const vg_config_t *cfg, const vg_probe_t *p,
                          vg_thresholds_t *out);

#endif /* VG_CONFIG_H */
