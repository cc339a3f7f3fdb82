/* mars.c: where the MARS agent is installed and where its scratch is. */
#include "mars.h"

#include "probe.h"
#include "vg.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

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

int vg_mars_locate_scratch(const vg_os_t *os, vg_mars_loc_t *loc,
                           vg_facts_t *f) {
  int rc = vg_mars_locate(os, loc);
  if (rc)
    return vg_facts_fail(f, rc, "cannot read HKLM\\%s InstallPath: %s",
                         VG_MARS_SETUP_KEY, vg_strerror(rc));
  vg_mars_facts(loc, f);
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
