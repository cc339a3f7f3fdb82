/* config.h: vigil.ini - a table of typed keys with bounds and defaults.
 * Works with no file at all; a bad line costs only that key. */
#ifndef VG_CONFIG_H
#define VG_CONFIG_H

#include "probe.h"

#include <stddef.h>
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
} vg_config_t;

/* Empty configuration (all defaults). */
void vg_config_init(vg_config_t *cfg);
void vg_config_free(vg_config_t *cfg);

/* Loads path. A missing file is not an error (returns 0, no warnings). Bad
 * lines are recorded as one-line warnings naming file, line and key; that key
 * keeps its default. Returns VG_EIO/VG_ETOOBIG only when the file exists but
 * cannot be read at all (a warning says so too). */
int vg_config_load(vg_config_t *cfg, const char *path);
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

/* Effective per-probe settings. */
uint64_t vg_config_interval_ms(const vg_config_t *cfg, const vg_probe_t *p);
uint64_t vg_config_deadline_ms(const vg_config_t *cfg, const vg_probe_t *p);
int vg_config_enabled(const vg_config_t *cfg, const vg_probe_t *p);
void vg_config_thresholds(const vg_config_t *cfg, const vg_probe_t *p,
                          vg_thresholds_t *out);

/* Parses a duration ("90", "90s", "250ms", "5m", "2h", "7d"; bare numbers
 * are seconds) into ms, or a size ("10G", "512M", bare = bytes). 0/VG_EINVAL */
int vg_parse_duration_ms(const char *s, uint64_t *out);
int vg_parse_bytes(const char *s, uint64_t *out);

#endif /* VG_CONFIG_H */
