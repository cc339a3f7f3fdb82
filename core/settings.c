/* settings.c: the [agent] and [export] keys, each bound to a field of
 * vg_settings_t (a table of typed entries with bounds and defaults). */
#include "settings.h"

#include "vg.h"

#include <stdio.h>
#include <string.h>

#define VG_DAY_MS 86400e3

typedef struct vg_binding_s {
  vg_key_def_t def;
  size_t offset; /* of an int64_t field, or of a char array for VG_KEY_STR */
  size_t size;
} vg_binding_t;

#define INT_FIELD(f) offsetof(vg_settings_t, f), sizeof(int64_t)
#define STR_FIELD(f) offsetof(vg_settings_t, f), sizeof(((vg_settings_t *)0)->f)

static const vg_binding_t agent_bindings[] = {
    {{"retention", VG_KEY_DURATION, VG_DAY_MS, 3650 * VG_DAY_MS, "90d",
      "how long samples and state changes are kept"},
     INT_FIELD(retention_ms)},
    {{"max_backoff", VG_KEY_DURATION, 1e3, VG_DAY_MS, "1h",
      "longest interval a failing probe backs off to"},
     INT_FIELD(max_backoff_ms)},
    {{"forecast_window", VG_KEY_DURATION, 3600e3, 90 * VG_DAY_MS, "7d",
      "how much history a forecast fits its trend line to"},
     INT_FIELD(forecast_window_ms)},
    {{"forecast_horizon", VG_KEY_DURATION, 0, 90 * VG_DAY_MS, "72h",
      "warn when a drifting value is forecast to turn critical within this "
      "time (0 = never warn on a forecast alone)"},
     INT_FIELD(forecast_horizon_ms)},
    {{"flap_window", VG_KEY_DURATION, 0, VG_DAY_MS, "15m",
      "Event Log flood control: window in which repeated changes are held"},
     INT_FIELD(flap_window_ms)},
    {{"flap_max", VG_KEY_INT, 1, 1000, "4",
      "Event Log flood control: changes per window before holding events"},
     INT_FIELD(flap_max)},
    {{"raise_hits", VG_KEY_INT, 1, 100, "1",
      "consecutive findings of a worse status before it is raised"},
     INT_FIELD(raise_hits)},
    {{"preflight_lead", VG_KEY_DURATION, 60e3, VG_DAY_MS, "30m",
      "how long before each scheduled backup the pre-flight sweep runs"},
     INT_FIELD(preflight_lead_ms)},
    {{"summary_interval", VG_KEY_DURATION, 0, 30 * VG_DAY_MS, "24h",
      "period of the summary event 120 (0 = only at start)"},
     INT_FIELD(summary_interval_ms)},
    {{"reminder_interval", VG_KEY_DURATION, 0, 30 * VG_DAY_MS, "24h",
      "re-announce a probe still warn/crit after this long (event 121; 0 = "
      "never)"},
     INT_FIELD(reminder_interval_ms)},
    {{NULL, 0, 0, 0, NULL, NULL}, 0, 0}};

static const vg_binding_t export_bindings[] = {
    {{"textfile_dir", VG_KEY_STR, 0, 1000, "",
      "folder for vigil.prom (windows_exporter textfile collector); empty = "
      "off"},
     STR_FIELD(textfile_dir)},
    {{NULL, 0, 0, 0, NULL, NULL}, 0, 0}};

/* Key tables as config.c wants them: built once from the bindings. */
static vg_key_def_t agent_keys[VG_ARRAY_SIZE(agent_bindings)];
static vg_key_def_t export_keys[VG_ARRAY_SIZE(export_bindings)];

static const vg_binding_t *bindings_of(const char *section, vg_key_def_t **keys,
                                       size_t *n) {
  if (strcmp(section, "agent") == 0) {
    *keys = agent_keys;
    *n = VG_ARRAY_SIZE(agent_bindings);
    return agent_bindings;
  }
  if (strcmp(section, "export") == 0) {
    *keys = export_keys;
    *n = VG_ARRAY_SIZE(export_bindings);
    return export_bindings;
  }
  return NULL;
}

const vg_key_def_t *vg_settings_keys(const char *section) {
  vg_key_def_t *keys;
  size_t i, n;
  const vg_binding_t *b = bindings_of(section, &keys, &n);
  if (b == NULL) return NULL;
  /* Constant data copied into a static table: the same on every call, so
   * concurrent first calls write identical bytes. */
  if (keys[0].name == NULL)
    for (i = 0; i < n; i++)
      keys[i] = b[i].def;
  return keys;
}

static void load_section(vg_settings_t *s, const char *section,
                         vg_settings_get_fn get, const void *ud) {
  vg_key_def_t *keys;
  size_t i, n;
  const vg_binding_t *b = bindings_of(section, &keys, &n);
  for (i = 0; b && b[i].def.name; i++) {
    double num = 0;
    const char *text = get(ud, section, b[i].def.name, &num);
    char *field = (char *)s + b[i].offset;
    if (b[i].def.type == VG_KEY_STR)
      vg_strlcpy(field, text ? text : "", b[i].size);
    else
      *(int64_t *)(void *)field = (int64_t)num;
  }
}

void vg_settings_load(vg_settings_t *s, vg_settings_get_fn get,
                      const void *ud) {
  memset(s, 0, sizeof(*s));
  load_section(s, "agent", get, ud);
  load_section(s, "export", get, ud);
}
