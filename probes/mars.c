/* mars.c: where the MARS agent is installed and where its scratch is. */
#include "mars.h"

#include "probe.h"
#include "vg.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void vg_path_strip_trailing(char *path) {
  size_t n = strlen(path);
  while (n > 1 && (path[n - 1] == '\\' || path[n - 1] == '/')) {
    if (n == 3 && path[1] == ':') break; /* "C:\" */
    path[--n] = '\0';
  }
}

const char *vg_path_strerror(int err) {
  return err == VG_ERANGE ? "path too long or a link loop" : vg_strerror(err);
}

int vg_path_equal(const char *a, const char *b) {
  size_t na = strlen(a), nb = strlen(b), i;
  while (na > 0 && (a[na - 1] == '\\' || a[na - 1] == '/'))
    na--;
  while (nb > 0 && (b[nb - 1] == '\\' || b[nb - 1] == '/'))
    nb--;
  if (na != nb) return 0;
  for (i = 0; i < na; i++) {
    int ca = a[i] == '/' ? '\\' : tolower((unsigned char)a[i]);
    int cb = b[i] == '/' ? '\\' : tolower((unsigned char)b[i]);
    if (ca != cb) return 0;
  }
  return 1;
}

/* Reads a string value, expanding environment references. Returns 0,
 * VG_ENOENT, or another registry error. */
static int mars_read(const vg_os_t *os, const char *key, const char *value,
                     char *out, size_t outsz) {
  vg_reg_value_t v;
  int rc = os->reg_get(os, key, value, VG_REG_64, &v);
  if (rc) return rc;
  if (v.type != VG_REGT_SZ && v.type != VG_REGT_EXPAND_SZ) return VG_EINVAL;
  if (v.str[0] == '\0') return VG_ENOENT;
  if (os->expand_env(os, v.str, out, outsz) != 0) vg_strlcpy(out, v.str, outsz);
  vg_path_strip_trailing(out);
  return 0;
}

int vg_mars_locate(const vg_os_t *os, vg_mars_loc_t *out) {
  int rc;
  memset(out, 0, sizeof(*out));
  rc = mars_read(os, VG_MARS_SETUP_KEY, "InstallPath", out->install_path,
                 sizeof(out->install_path));
  if (rc == VG_ENOENT || rc == VG_ENOTSUP) return 0;
  if (rc) return out->reg_err = rc;
  out->installed = 1;
  rc = mars_read(os, VG_MARS_CONFIG_KEY, "ScratchLocation", out->scratch_config,
                 sizeof(out->scratch_config));
  if (rc == 0)
    out->has_scratch_config = 1;
  else if (rc != VG_ENOENT)
    out->reg_err = rc;
  rc = mars_read(os, VG_MARS_CBP_KEY, "ScratchLocation", out->scratch_cbp,
                 sizeof(out->scratch_cbp));
  if (rc == 0)
    out->has_scratch_cbp = 1;
  else if (rc != VG_ENOENT)
    out->reg_err = rc;
  if (out->has_scratch_config)
    vg_strlcpy(out->scratch, out->scratch_config, sizeof(out->scratch));
  else if (out->has_scratch_cbp)
    vg_strlcpy(out->scratch, out->scratch_cbp, sizeof(out->scratch));
  else
    snprintf(out->scratch, sizeof(out->scratch), "%s\\Scratch",
             out->install_path);
  return 0;
}

int vg_mars_locate_facts(const vg_os_t *os, vg_mars_loc_t *loc, vg_facts_t *f) {
  int rc = vg_mars_locate(os, loc);
  if (rc)
    return vg_facts_fail(f, rc, "cannot read HKLM\\%s InstallPath: %s",
                         VG_MARS_SETUP_KEY, vg_strerror(rc));
  vg_mars_facts(loc, f);
  return 0;
}

int vg_mars_locate_scratch(const vg_os_t *os, vg_mars_loc_t *loc,
                           vg_facts_t *f) {
  int rc = vg_mars_locate_facts(os, loc, f);
  if (rc) return rc;
  if (loc->installed && loc->reg_err)
    return vg_facts_fail(f, loc->reg_err,
                         "cannot read the ScratchLocation values under "
                         "HKLM\\%s: %s",
                         VG_MARS_CONFIG_KEY, vg_strerror(loc->reg_err));
  return 0;
}

int vg_mars_scratch_attrs(const vg_os_t *os, const char *path, vg_facts_t *f,
                          uint32_t *attrs) {
  int rc = os->file_attrs(os, path, attrs);
  if (rc == VG_ENOENT) return vg_facts_set_bool(f, "exists", 0), 0;
  if (rc)
    return vg_facts_fail(f, rc, "cannot read the attributes of %s: %s", path,
                         vg_path_strerror(rc));
  vg_facts_set_bool(f, "exists", 1);
  vg_facts_set_int(f, "attrs", *attrs);
  return 0;
}

int vg_mars_facts(const vg_mars_loc_t *loc, vg_facts_t *f) {
  int rc = vg_facts_set_bool(f, "mars_installed", loc->installed);
  if (rc == 0 && loc->installed)
    rc = vg_facts_set_str(f, "install_path", loc->install_path);
  return rc;
}

int vg_mars_absent(const vg_facts_t *f, vg_finding_t *out) {
  if (vg_facts_bool_or(f, "mars_installed", 0)) return 0;
  vg_finding_set(out, VG_ST_NA, "",
                 "MARS agent is not installed (no InstallPath under "
                 "HKLM\\%s); see mars.install",
                 VG_MARS_SETUP_KEY);
  return 1;
}

/* ------------------------------------------------------------- services */

static const char *const mars_svc_states[] = {
    "?",       "stopped",          "start_pending", "stop_pending",
    "running", "continue_pending", "pause_pending", "paused"};
static const char *const mars_svc_starts[] = {"boot", "system", "auto",
                                              "manual", "disabled"};

int vg_mars_svc_facts(const vg_svc_info_t *si, vg_facts_t *f) {
  int rc = vg_facts_set_str(f, "state",
                            si->state > 0 && (size_t)si->state <
                                                 VG_ARRAY_SIZE(mars_svc_states)
                                ? mars_svc_states[si->state]
                                : "?");
  if (rc == 0)
    rc = vg_facts_set_str(f, "start_type",
                          si->start_type >= 0 &&
                                  (size_t)si->start_type <
                                      VG_ARRAY_SIZE(mars_svc_starts)
                              ? mars_svc_starts[si->start_type]
                              : "?");
  if (rc == 0) rc = vg_facts_set_bool(f, "delayed_auto_start", si->delayed);
  if (rc == 0) rc = vg_facts_set_int(f, "pid", si->pid);
  if (rc == 0) rc = vg_facts_set_int(f, "exit_code", si->exit_code);
  if (rc == 0) rc = vg_facts_set_str(f, "binary", si->binary);
  if (rc == 0) rc = vg_facts_set_str(f, "account", si->account);
  return rc;
}

int vg_mars_svc_collect(const vg_os_t *os, const char *name, vg_facts_t *f) {
  vg_svc_info_t si;
  int rc = os->svc_query(os, name, &si);
  if (rc == VG_ENOENT) return vg_facts_set_bool(f, "service_exists", 0);
  if (rc)
    return vg_facts_fail(f, rc, "cannot query the %s service: %s", name,
                         vg_strerror(rc));
  vg_facts_set_bool(f, "service_exists", 1);
  return vg_mars_svc_facts(&si, f);
}

typedef struct mars_svc_find_s {
  const vg_os_t *os;
  const char *display, *bin_dir, *skip;
  char by_display[256];
  char by_path[256];
} mars_svc_find_t;

/* Is binary (a service's command line) a program inside folder dir? */
static int mars_in_folder(const vg_os_t *os, const char *binary,
                          const char *dir) {
  char path[1200], expanded[1200];
  size_t n = strlen(dir), i;
  const char *p = binary;
  while (*p == ' ')
    p++;
  if (*p == '"') p++;
  vg_strlcpy(path, p, sizeof(path));
  if (os->expand_env(os, path, expanded, sizeof(expanded)) != 0)
    vg_strlcpy(expanded, path, sizeof(expanded));
  while (n > 0 && (dir[n - 1] == '\\' || dir[n - 1] == '/'))
    n--;
  if (n == 0 || strlen(expanded) <= n + 1) return 0;
  for (i = 0; i < n; i++) {
    int a = expanded[i] == '/' ? '\\' : tolower((unsigned char)expanded[i]);
    int b = dir[i] == '/' ? '\\' : tolower((unsigned char)dir[i]);
    if (a != b) return 0;
  }
  return expanded[n] == '\\' || expanded[n] == '/';
}

static int mars_svc_find_cb(const char *name, const char *display,
                            const char *binary, void *ud) {
  mars_svc_find_t *s = ud;
  if (s->skip && strcasecmp(name, s->skip) == 0) return 0;
  if (s->display && *s->display && display &&
      strcasecmp(display, s->display) == 0) {
    vg_strlcpy(s->by_display, name, sizeof(s->by_display));
    return 1;
  }
  if (s->by_path[0] == '\0' && s->bin_dir && *s->bin_dir && binary &&
      mars_in_folder(s->os, binary, s->bin_dir))
    vg_strlcpy(s->by_path, name, sizeof(s->by_path));
  return 0;
}

int vg_mars_find_service(const vg_os_t *os, const char *display,
                         const char *bin_dir, const char *skip, char *name,
                         size_t namesz, const char **by) {
  mars_svc_find_t s;
  int rc;
  memset(&s, 0, sizeof(s));
  s.os = os;
  s.display = display;
  s.bin_dir = bin_dir;
  s.skip = skip;
  *by = NULL;
  rc = os->svc_enum(os, mars_svc_find_cb, &s);
  if (rc) return rc;
  if (s.by_display[0]) {
    *by = "display name";
    return vg_strlcpy(name, s.by_display, namesz), 0;
  }
  if (s.by_path[0]) {
    *by = "binary path";
    return vg_strlcpy(name, s.by_path, namesz), 0;
  }
  return VG_ENOENT;
}
