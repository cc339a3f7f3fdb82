/* config_cmd.c: `vigil config [--json]` - every setting in effect with
 * where it came from, and every problem in vigil.ini. */
#include "config_cmd.h"

#include "json.h"
#include "settings.h"
#include "vg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cfg_out_s {
  FILE *out;
  vg_jw_t *w; /* JSON form, or NULL for text */
  const vg_config_t *cfg;
} cfg_out_t;

static void put(cfg_out_t *o, const char *section, const char *key,
                const char *value, int set) {
  if (o->w) {
    vg_jw_obj_begin(o->w);
    vg_jw_kstr(o->w, "section", section);
    vg_jw_kstr(o->w, "key", key);
    vg_jw_kstr(o->w, "value", value ? value : "");
    vg_jw_kstr(o->w, "source", set ? "vigil.ini" : "default");
    vg_jw_obj_end(o->w);
    return;
  }
  fprintf(o->out, "  %-20s = %-28s %s\n", key,
          value && *value ? value : "(empty)",
          set ? "(vigil.ini)" : "(default)");
}

static void section_keys(cfg_out_t *o, const char *section,
                         const vg_key_def_t *keys) {
  const vg_key_def_t *k;
  if (!o->w) fprintf(o->out, "[%s]\n", section);
  for (k = keys; k && k->name; k++)
    put(o, section, k->name, vg_config_get_str(o->cfg, section, k->name),
        vg_config_is_set(o->cfg, section, k->name));
}

static void probe_section(cfg_out_t *o, const vg_probe_t *p) {
  char buf[64];
  vg_thresholds_t th;
  const char *s = p->id;
  if (!o->w) fprintf(o->out, "[%s]\n", s);
  put(o, s, "enabled", vg_config_enabled(o->cfg, p) ? "true" : "false",
      vg_config_is_set(o->cfg, s, "enabled"));
  put(o, s, "interval",
      vg_fmt_duration(buf, sizeof(buf),
                      (double)vg_config_interval_ms(o->cfg, p)),
      vg_config_is_set(o->cfg, s, "interval"));
  put(o, s, "deadline",
      vg_fmt_duration(buf, sizeof(buf),
                      (double)vg_config_deadline_ms(o->cfg, p)),
      vg_config_is_set(o->cfg, s, "deadline"));
  vg_config_thresholds(o->cfg, p, &th);
  if (isfinite(th.warn) && (th.warn != 0 || th.crit != 0)) {
    snprintf(buf, sizeof(buf), "%g", th.warn);
    put(o, s, "warn", buf, vg_config_is_set(o->cfg, s, "warn"));
  }
  if (isfinite(th.crit) && (th.warn != 0 || th.crit != 0)) {
    snprintf(buf, sizeof(buf), "%g", th.crit);
    put(o, s, "crit", buf, vg_config_is_set(o->cfg, s, "crit"));
  }
  {
    const vg_key_def_t *k;
    for (k = p->keys; k && k->name; k++)
      put(o, s, k->name, vg_config_get_str(o->cfg, s, k->name),
          vg_config_is_set(o->cfg, s, k->name));
  }
}

int vg_config_print(FILE *out, const vg_config_t *cfg, int found, int json) {
  cfg_out_t o;
  vg_jw_t w;
  size_t i;
  memset(&o, 0, sizeof(o));
  o.out = out;
  o.cfg = cfg;
  if (json) {
    vg_jw_init(&w);
    o.w = &w;
    vg_jw_obj_begin(&w);
    vg_jw_kstr(&w, "path", cfg->path);
    vg_jw_kbool(&w, "found", found);
    vg_jw_key(&w, "settings");
    vg_jw_arr_begin(&w);
  } else {
    fprintf(out, "%s: %s\n\n", cfg->path,
            found ? "in effect (values not set there are defaults)"
                  : "not present: every setting is its default");
  }
  section_keys(&o, "agent", vg_settings_keys("agent"));
  section_keys(&o, "export", vg_settings_keys("export"));
  for (i = 0; i < vg_nprobes; i++)
    probe_section(&o, vg_probes[i]);
  if (json) {
    char *text;
    vg_jw_arr_end(&w);
    vg_jw_key(&w, "problems");
    vg_jw_arr_begin(&w);
    for (i = 0; i < cfg->nwarnings; i++)
      vg_jw_str(&w, cfg->warnings[i]);
    vg_jw_arr_end(&w);
    vg_jw_obj_end(&w);
    text = vg_jw_steal(&w, NULL);
    if (text) fprintf(out, "%s\n", text);
    free(text);
  } else if (cfg->nwarnings == 0) {
    fprintf(out, "\nNo problems in %s.\n", cfg->path);
  } else {
    fprintf(out, "\nProblems (%zu; each setting named keeps its default):\n",
            cfg->nwarnings);
    for (i = 0; i < cfg->nwarnings; i++)
      fprintf(out, "  %s\n", cfg->warnings[i]);
  }
  return cfg->nwarnings ? 1 : 0;
}
