/* powershell_env.c: what the MARS scheduled backup needs from PowerShell -
 * version, the machine PSModulePath, the MSOnlineBackup module files
 * (against a baseline kept in the probe memo) and the execution policy
 * (probes.md: powershell.env). */
#include "mars.h"
#include "probe.h"
#include "timefmt.h"
#include "vg.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PS_ENGINE3_KEY "SOFTWARE\\Microsoft\\PowerShell\\3\\PowerShellEngine"
#define PS_ENGINE1_KEY "SOFTWARE\\Microsoft\\PowerShell\\1\\PowerShellEngine"
#define PS_ENV_KEY                                                             \
  "SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment"
#define PS_POLICY_KEY "SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell"
#define PS_LM_KEY                                                              \
  "SOFTWARE\\Microsoft\\PowerShell\\1\\ShellIds\\Microsoft.PowerShell"
#define PS_OS_KEY "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
#define PS_MODULE "MSOnlineBackup"
#define PS_MAX_FILES 256
#define PS_NAME_MAX 512

static const vg_key_def_t powershell_env_keys[] = {
    {"baseline_epoch", VG_KEY_INT, 0, 1e9, "0",
     "raise by one to accept the current MSOnlineBackup module files as the "
     "new baseline"},
    {NULL, 0, 0, 0, NULL, NULL}};

typedef struct ps_file_s {
  char name[PS_NAME_MAX];
  uint64_t size;
  uint32_t crc;
} ps_file_t;

typedef struct ps_list_s {
  ps_file_t *files;
  size_t n;
  int truncated; /* more than PS_MAX_FILES, or a name too long */
} ps_list_t;

/* ASCII case-insensitive compare (Windows file names). */
static int ps_casecmp(const char *a, const char *b) {
  for (; *a && tolower((unsigned char)*a) == tolower((unsigned char)*b);
       a++, b++) {
  }
  return tolower((unsigned char)*a) - tolower((unsigned char)*b);
}

static int ps_casecmp_n(const char *a, const char *b, size_t n) {
  for (; n > 0; n--, a++, b++) {
    int d = tolower((unsigned char)*a) - tolower((unsigned char)*b);
    if (d || *a == '\0') return d;
  }
  return 0;
}

static int ps_file_cmp(const void *a, const void *b) {
  return ps_casecmp(((const ps_file_t *)a)->name, ((const ps_file_t *)b)->name);
}

/* ------------------------------------------------ file lists as facts */

/* Stores a list as string facts prefix0, prefix1, ... of lines
 * "name|size|crc32hex" ('|' cannot occur in a Windows file name), each
 * fact below VG_FACT_STR_MAX, and the count as prefix "count". */
static int ps_put_list(vg_facts_t *f, const char *prefix, const ps_list_t *l) {
  char *chunk = malloc(VG_FACT_STR_MAX), key[VG_FACT_KEY_MAX];
  size_t pos = 0, i, part = 0;
  int rc = 0;
  if (chunk == NULL) return VG_ENOMEM;
  chunk[0] = '\0';
  for (i = 0; i < l->n && rc == 0; i++) {
    char line[PS_NAME_MAX + 48];
    int n = snprintf(line, sizeof(line), "%s|%llu|%08x\n", l->files[i].name,
                     (unsigned long long)l->files[i].size,
                     (unsigned)l->files[i].crc);
    if (pos + (size_t)n >= VG_FACT_STR_MAX) {
      snprintf(key, sizeof(key), "%s%zu", prefix, part++);
      rc = vg_facts_set_str(f, key, chunk);
      pos = 0;
      chunk[0] = '\0';
    }
    vg_bufprintf(chunk, VG_FACT_STR_MAX, &pos, "%s", line);
  }
  if (rc == 0 && pos) {
    snprintf(key, sizeof(key), "%s%zu", prefix, part++);
    rc = vg_facts_set_str(f, key, chunk);
  }
  snprintf(key, sizeof(key), "%scount", prefix);
  if (rc == 0) rc = vg_facts_set_int(f, key, (int64_t)l->n);
  free(chunk);
  return rc;
}

/* Reads a list written by ps_put_list. Returns 0, VG_ENOENT (no list),
 * VG_ENOMEM or VG_EPARSE. The caller frees l->files. */
static int ps_get_list(const vg_facts_t *f, const char *prefix, ps_list_t *l) {
  char key[VG_FACT_KEY_MAX];
  int64_t count;
  size_t part;
  memset(l, 0, sizeof(*l));
  snprintf(key, sizeof(key), "%scount", prefix);
  if (vg_facts_get_int(f, key, &count) != 0) return VG_ENOENT;
  if (count < 0 || count > PS_MAX_FILES) return VG_EPARSE;
  l->files = calloc((size_t)count + 1, sizeof(ps_file_t));
  if (l->files == NULL) return VG_ENOMEM;
  for (part = 0; l->n < (size_t)count; part++) {
    const char *s, *nl;
    snprintf(key, sizeof(key), "%s%zu", prefix, part);
    if ((s = vg_facts_get_str(f, key)) == NULL) return VG_EPARSE;
    for (; *s && l->n < (size_t)count; s = nl + 1) {
      ps_file_t *x = &l->files[l->n];
      const char *bar = strchr(s, '|');
      unsigned long long size;
      unsigned crc;
      nl = strchr(s, '\n');
      if (nl == NULL || bar == NULL || bar > nl ||
          (size_t)(bar - s) >= sizeof(x->name) ||
          sscanf(bar + 1, "%llu|%x", &size, &crc) != 2)
        return VG_EPARSE;
      snprintf(x->name, sizeof(x->name), "%.*s", (int)(bar - s), s);
      x->size = size;
      x->crc = crc;
      l->n++;
    }
  }
  return 0;
}

static const ps_file_t *ps_find(const ps_list_t *l, const char *name) {
  size_t i;
  for (i = 0; i < l->n; i++)
    if (ps_casecmp(l->files[i].name, name) == 0) return &l->files[i];
  return NULL;
}

/* -------------------------------------------------------------- collect */

typedef struct ps_walk_s {
  ps_list_t *l;
} ps_walk_t;

static int ps_dir_cb(const char *name, uint32_t attrs, uint64_t size,
                     void *ud) {
  ps_walk_t *w = ud;
  ps_file_t *x;
  (void)attrs;
  if (w->l->n == PS_MAX_FILES || strlen(name) >= PS_NAME_MAX) {
    w->l->truncated = 1;
    return 0;
  }
  x = &w->l->files[w->l->n++];
  vg_strlcpy(x->name, name, sizeof(x->name));
  x->size = size;
  return 0;
}

/* Reads a string value into fact (null when absent); other errors go to
 * the part's error fact. Returns 0 or VG_ENOMEM-like fact errors. */
static int ps_str(const vg_os_t *os, vg_facts_t *f, const char *fact,
                  const char *errfact, const char *key, const char *value) {
  vg_reg_value_t v;
  int rc = os->reg_get(os, key, value, VG_REG_64, &v);
  char msg[512];
  if (rc == VG_ENOENT) return vg_facts_set_null(f, fact);
  if (rc) {
    snprintf(msg, sizeof(msg), "cannot read HKLM\\%s\\%s: %s", key, value,
             vg_strerror(rc));
    return vg_facts_set_str(f, errfact, msg);
  }
  if (v.type == VG_REGT_DWORD || v.type == VG_REGT_QWORD)
    return vg_facts_set_int(f, fact, (int64_t)v.num);
  return vg_facts_set_str(f, fact, v.str);
}

static void ps_collect_modules(const vg_os_t *os, const vg_mars_loc_t *loc,
                               vg_facts_t *f) {
  char dir[1200], path[1800], msg[512];
  char *unread = NULL;
  size_t upos = 0, i, kept;
  uint32_t attrs = 0;
  ps_list_t l;
  ps_walk_t w;
  uint16_t ver[4];
  int rc;

  snprintf(path, sizeof(path), "%s\\bin\\cbengine.exe", loc->install_path);
  if (os->file_version(os, path, ver) == 0) {
    snprintf(msg, sizeof(msg), "%u.%u.%u.%u", ver[0], ver[1], ver[2], ver[3]);
    vg_facts_set_str(f, "agent_version", msg);
  }
  snprintf(dir, sizeof(dir), "%s\\bin\\Modules\\" PS_MODULE, loc->install_path);
  vg_facts_set_str(f, "module_dir", dir);
  rc = os->file_attrs(os, dir, &attrs);
  if (rc == VG_ENOENT || (rc == 0 && !(attrs & VG_FA_DIRECTORY))) {
    vg_facts_set_bool(f, "module_dir_present", 0);
    return;
  }
  if (rc) {
    snprintf(msg, sizeof(msg), "cannot read %s: %s", dir, vg_strerror(rc));
    vg_facts_set_str(f, "module_error", msg);
    return;
  }
  vg_facts_set_bool(f, "module_dir_present", 1);
  memset(&l, 0, sizeof(l));
  l.files = calloc(PS_MAX_FILES, sizeof(ps_file_t));
  unread = malloc(VG_FACT_STR_MAX);
  if (l.files == NULL || unread == NULL) {
    vg_facts_set_str(f, "module_error", "out of memory");
    goto done;
  }
  unread[0] = '\0';
  w.l = &l;
  rc = os->list_dir(os, dir, ps_dir_cb, &w);
  if (rc) {
    snprintf(msg, sizeof(msg), "cannot list %s: %s", dir, vg_strerror(rc));
    vg_facts_set_str(f, "module_error", msg);
    goto done;
  }
  qsort(l.files, l.n, sizeof(ps_file_t), ps_file_cmp);
  for (i = 0, kept = 0; i < l.n; i++) {
    ps_file_t *x = &l.files[i];
    snprintf(path, sizeof(path), "%s\\%s", dir, x->name);
    rc = os->file_crc32(os, path, &x->crc, &x->size);
    if (rc) /* kept out of the list: an unread file has no CRC */
      vg_bufprintf(unread, VG_FACT_STR_MAX, &upos, "%s%s (%s)",
                   upos ? ", " : "", x->name, vg_strerror(rc));
    else if (kept++ != i)
      l.files[kept - 1] = *x;
  }
  l.n = kept;
  ps_put_list(f, "module_list_", &l);
  if (upos) vg_facts_set_str(f, "module_unread", unread);
  if (l.truncated) vg_facts_set_bool(f, "module_truncated", 1);
done:
  free(l.files);
  free(unread);
}

static int powershell_env_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  vg_mars_loc_t loc;
  vg_reg_value_t v;
  char msg[512], *expanded;
  int rc;

  rc = vg_mars_locate(os, &loc);
  if (rc)
    return vg_facts_fail(f, rc, "cannot read the MARS registry keys: %s",
                         vg_strerror(rc));
  vg_mars_facts(&loc, f);
  if (!loc.installed) return 0;

  /* PowerShell 3 and later register under 3\; 2.0 only under 1\. */
  rc = os->reg_get(os, PS_ENGINE3_KEY, "PowerShellVersion", VG_REG_64, &v);
  if (rc == 0) {
    vg_facts_set_str(f, "ps_version", v.str);
    vg_facts_set_str(f, "ps_engine_key", "3");
  } else if (rc == VG_ENOENT) {
    rc = os->reg_get(os, PS_ENGINE1_KEY, "PowerShellVersion", VG_REG_64, &v);
    if (rc == 0) {
      vg_facts_set_str(f, "ps_version", v.str);
      vg_facts_set_str(f, "ps_engine_key", "1");
    } else if (rc == VG_ENOENT) {
      vg_facts_set_null(f, "ps_version");
    }
  }
  if (rc && rc != VG_ENOENT) {
    snprintf(msg, sizeof(msg), "cannot read the PowerShell version: %s",
             vg_strerror(rc));
    vg_facts_set_str(f, "ps_error", msg);
  }

  rc = os->reg_get(os, PS_ENV_KEY, "PSModulePath", VG_REG_64, &v);
  if (rc == VG_ENOENT) {
    vg_facts_set_null(f, "psmodulepath");
  } else if (rc) {
    snprintf(msg, sizeof(msg), "cannot read HKLM\\%s\\PSModulePath: %s",
             PS_ENV_KEY, vg_strerror(rc));
    vg_facts_set_str(f, "psmodulepath_error", msg);
  } else if ((expanded = malloc(VG_FACT_STR_MAX)) != NULL) {
    vg_facts_set_str(f, "psmodulepath", v.str);
    if (os->expand_env(os, v.str, expanded, VG_FACT_STR_MAX) == 0)
      vg_facts_set_str(f, "psmodulepath_expanded", expanded);
    else
      vg_facts_set_str(f, "psmodulepath_expanded", v.str);
    free(expanded);
  }

  ps_collect_modules(os, &loc, f);

  ps_str(os, f, "policy_enable_scripts", "policy_error", PS_POLICY_KEY,
         "EnableScripts");
  ps_str(os, f, "policy_execution_policy", "policy_error", PS_POLICY_KEY,
         "ExecutionPolicy");
  ps_str(os, f, "lm_execution_policy", "policy_error", PS_LM_KEY,
         "ExecutionPolicy");
  ps_str(os, f, "installation_type", "policy_error", PS_OS_KEY,
         "InstallationType");
  return 0;
}

/* ------------------------------------------------------------- evaluate */

/* One part of the finding: its status, one-line text, and the fix. */
typedef struct ps_part_s {
  vg_status_t st;
  char msg[VG_SUMMARY_MAX];
  char remedy[VG_REMEDY_MAX];
} ps_part_t;

static void ps_part(ps_part_t *p, vg_status_t st, const char *fmt, ...)
    VG_PRINTF(3, 4);

static void ps_part(ps_part_t *p, vg_status_t st, const char *fmt, ...) {
  va_list ap;
  p->st = st;
  va_start(ap, fmt);
  vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
  va_end(ap);
}

/* "5.1.17763.1" -> 5.1 (major + minor / 10, minor capped at 9), or -1. */
static double ps_version_num(const char *s) {
  char *end;
  long major = strtol(s, &end, 10), minor = 0;
  if (end == s || major < 0) return -1;
  if (*end == '.') minor = strtol(end + 1, NULL, 10);
  if (minor < 0) minor = 0;
  if (minor > 9) minor = 9;
  return (double)major + (double)minor / 10.0;
}

static void ps_eval_version(const vg_facts_t *f, const vg_eval_params_t *p,
                            vg_status_t prev, ps_part_t *part) {
  const char *err = vg_facts_get_str(f, "ps_error");
  const char *ver = vg_facts_get_str(f, "ps_version");
  double num;
  vg_status_t st;
  snprintf(part->remedy, sizeof(part->remedy),
           "Install Windows Management Framework 5.1 (PowerShell 5.1) and "
           "restart the server (vigil explain powershell.env).");
  if (err) {
    ps_part(part, VG_ST_UNKNOWN, "%s", err);
    return;
  }
  if (ver == NULL || (num = ps_version_num(ver)) < 0) {
    ps_part(part, VG_ST_CRIT,
            "PowerShell 3.0 or later not installed (no PowerShellVersion "
            "under HKLM\\%s; crit < %g)",
            PS_ENGINE3_KEY, p->th.crit);
    return;
  }
  st = vg_threshold_eval(num, &p->th, prev);
  if (st == VG_ST_OK)
    ps_part(part, st, "PowerShell %s", ver);
  else
    ps_part(part, st, "PowerShell %s (%s < %g)", ver,
            st == VG_ST_CRIT ? "crit" : "warn",
            st == VG_ST_CRIT ? p->th.crit : p->th.warn);
}

static void ps_eval_modpath(const vg_facts_t *f, const char *install,
                            ps_part_t *part) {
  const char *err = vg_facts_get_str(f, "psmodulepath_error");
  const char *path = vg_facts_get_str(f, "psmodulepath_expanded");
  char want[1100], want2[1200], entry[1200];
  const char *s, *e;
  snprintf(want, sizeof(want), "%s\\bin\\Modules", install);
  snprintf(want2, sizeof(want2), "%s\\" PS_MODULE, want);
  snprintf(part->remedy, sizeof(part->remedy),
           "Add %s to the machine PSModulePath environment variable and "
           "restart the server (vigil explain powershell.env).",
           want);
  if (err) {
    ps_part(part, VG_ST_UNKNOWN, "%s", err);
    return;
  }
  if (path == NULL) path = vg_facts_get_str(f, "psmodulepath");
  if (path == NULL) {
    ps_part(part, VG_ST_CRIT, "machine PSModulePath is not set (needs %s)",
            want);
    return;
  }
  for (s = path; *s; s = *e ? e + 1 : e) {
    size_t n;
    e = strchr(s, ';');
    if (e == NULL) e = s + strlen(s);
    /* Entries may carry spaces or quotes around them. */
    while (s < e && (*s == ' ' || *s == '"'))
      s++;
    n = (size_t)(e - s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '"'))
      n--;
    if (n == 0 || n >= sizeof(entry)) continue;
    memcpy(entry, s, n);
    entry[n] = '\0';
    if (vg_path_equal(entry, want) || vg_path_equal(entry, want2)) {
      ps_part(part, VG_ST_OK, "PSModulePath has %s", entry);
      return;
    }
  }
  ps_part(part, VG_ST_CRIT, "machine PSModulePath lacks %s", want);
}

/* Appends a name to a short list, "+N more" once it is long. */
static void ps_name(char *buf, size_t size, size_t *pos, unsigned *shown,
                    unsigned *more, const char *fmt, ...) VG_PRINTF(6, 7);

static void ps_name(char *buf, size_t size, size_t *pos, unsigned *shown,
                    unsigned *more, const char *fmt, ...) {
  char item[PS_NAME_MAX + 80];
  va_list ap;
  if (*shown >= 3 || *pos > 120) {
    (*more)++;
    return;
  }
  va_start(ap, fmt);
  vsnprintf(item, sizeof(item), fmt, ap);
  va_end(ap);
  vg_bufprintf(buf, size, pos, "%s%s", *shown ? ", " : "", item);
  (*shown)++;
}

/* Is this the file PowerShell loads for a folder module? */
static int ps_is_entry(const char *name) {
  static const char *const ext[] = {".psd1", ".psm1", ".cdxml", ".dll"};
  size_t i, n = strlen(PS_MODULE);
  if (strlen(name) <= n || ps_casecmp_n(name, PS_MODULE, n) != 0) return 0;
  for (i = 0; i < VG_ARRAY_SIZE(ext); i++)
    if (ps_casecmp(name + n, ext[i]) == 0) return 1;
  return 0;
}

/* The baseline in memo no longer describes what should be there: another
 * install folder, an agent upgrade (the module is replaced legitimately),
 * or the admin raised baseline_epoch to accept the current files. */
static const char *ps_baseline_stale(const vg_facts_t *f,
                                     const vg_facts_t *memo, int64_t epoch,
                                     char *why, size_t size) {
  const char *mi = vg_facts_get_str(memo, "install_path");
  const char *fi = vg_facts_get_str(f, "install_path");
  const char *mv = vg_facts_get_str(memo, "agent_version");
  const char *fv = vg_facts_get_str(f, "agent_version");
  if (mi && fi && !vg_path_equal(mi, fi))
    snprintf(why, size, "install folder moved from %s", mi);
  else if (mv && fv && strcmp(mv, fv) != 0)
    snprintf(why, size, "agent upgraded from %s to %s", mv, fv);
  else if (vg_facts_int_or(memo, "epoch", 0) != epoch)
    snprintf(why, size, "baseline_epoch set to %lld", (long long)epoch);
  else
    return NULL;
  return why;
}

static void ps_take_baseline(const vg_facts_t *f, const ps_list_t *cur,
                             const vg_eval_params_t *p, int64_t epoch) {
  const char *s;
  vg_facts_t *m = p->memo_out;
  vg_facts_reset(m);
  if ((s = vg_facts_get_str(f, "install_path")) != NULL)
    vg_facts_set_str(m, "install_path", s);
  if ((s = vg_facts_get_str(f, "agent_version")) != NULL)
    vg_facts_set_str(m, "agent_version", s);
  vg_facts_set_int(m, "epoch", epoch);
  vg_facts_set_int(m, "taken_ms", p->now_ms);
  if (ps_put_list(m, "list_", cur) != 0) vg_facts_reset(m);
}

static void ps_eval_modules(const vg_facts_t *f, const vg_eval_params_t *p,
                            ps_part_t *part) {
  const char *dir = vg_facts_get_str(f, "module_dir");
  const char *err = vg_facts_get_str(f, "module_error");
  const char *unread = vg_facts_get_str(f, "module_unread");
  const char *install = vg_facts_get_str(f, "install_path");
  int64_t epoch = (int64_t)vg_probe_num(&p->set, "baseline_epoch");
  ps_list_t cur, base;
  int has_base, rc;
  char why[1200], date[32], list[VG_SUMMARY_MAX] = "";
  const char *stale = NULL;
  size_t i, pos = 0;
  unsigned shown = 0, more = 0, nmissing = 0, nchanged = 0, nnew = 0;

  if (dir == NULL) dir = "MSOnlineBackup";
  snprintf(part->remedy, sizeof(part->remedy),
           "Copy the " PS_MODULE " folder from %s\\bin\\Modules on a machine "
           "with a working MARS agent into the same folder here and restart "
           "the server, or raise [powershell.env] baseline_epoch if the "
           "change was intended (vigil explain powershell.env).",
           install ? install : "<InstallPath>");
  if (err) {
    ps_part(part, VG_ST_UNKNOWN, "%s", err);
    return;
  }
  rc = ps_get_list(p->memo, "list_", &base);
  has_base = rc == 0;
  if (rc == 0 || rc == VG_ENOENT)
    stale = has_base ? ps_baseline_stale(f, p->memo, epoch, why, sizeof(why))
                     : NULL;
  if (!vg_facts_bool_or(f, "module_dir_present", 0)) {
    if (has_base && !stale)
      ps_part(part, VG_ST_CRIT,
              "module folder %s missing (baseline had %zu files)", dir, base.n);
    else
      ps_part(part, VG_ST_CRIT, "module folder %s missing", dir);
    free(base.files);
    return;
  }
  if (unread) {
    ps_part(part, VG_ST_UNKNOWN, "cannot read module files in %s: %s", dir,
            unread);
    free(base.files);
    return;
  }
  if (ps_get_list(f, "module_list_", &cur) != 0) {
    ps_part(part, VG_ST_UNKNOWN, "module file list of %s not collected", dir);
    free(base.files);
    free(cur.files);
    return;
  }

  if (!has_base || stale) {
    for (i = 0; i < cur.n; i++)
      if (ps_is_entry(cur.files[i].name)) break;
    if (i == cur.n)
      ps_part(part, VG_ST_CRIT,
              "no " PS_MODULE ".psd1 (or .psm1/.dll) in %s (%zu files)", dir,
              cur.n);
    else {
      ps_take_baseline(f, &cur, p, epoch);
      ps_part(part, VG_ST_OK, "%zu module files, baseline taken%s%s%s", cur.n,
              stale ? " (" : "", stale ? stale : "", stale ? ")" : "");
    }
    free(base.files);
    free(cur.files);
    return;
  }

  /* Compare with the baseline: missing first, then changed. */
  for (i = 0; i < base.n; i++)
    if (ps_find(&cur, base.files[i].name) == NULL) {
      nmissing++;
      ps_name(list, sizeof(list), &pos, &shown, &more, "%s",
              base.files[i].name);
    }
  if (nmissing) vg_bufprintf(list, sizeof(list), &pos, " missing");
  for (i = 0; i < base.n; i++) {
    const ps_file_t *b = &base.files[i], *c = ps_find(&cur, b->name);
    if (c == NULL || (c->size == b->size && c->crc == b->crc)) continue;
    if (nchanged++ == 0 && nmissing)
      vg_bufprintf(list, sizeof(list), &pos, "; "), shown = 0;
    if (c->size != b->size)
      ps_name(list, sizeof(list), &pos, &shown, &more, "%s (size %llu -> %llu)",
              b->name, (unsigned long long)b->size,
              (unsigned long long)c->size);
    else
      ps_name(list, sizeof(list), &pos, &shown, &more, "%s (CRC %08x -> %08x)",
              b->name, (unsigned)b->crc, (unsigned)c->crc);
  }
  if (nchanged) vg_bufprintf(list, sizeof(list), &pos, " changed");
  for (i = 0; i < cur.n; i++)
    if (ps_find(&base, cur.files[i].name) == NULL) nnew++;
  vg_iso8601(vg_facts_int_or(p->memo, "taken_ms", 0), date, sizeof(date));
  date[10] = '\0';
  if (more) vg_bufprintf(list, sizeof(list), &pos, " (+%u more)", more);
  if (nmissing || nchanged)
    ps_part(part, VG_ST_CRIT,
            "%u of %zu " PS_MODULE " files differ from the %s baseline: %s",
            nmissing + nchanged, base.n, date, list);
  else
    ps_part(part, VG_ST_OK, "%zu module files match the %s baseline%s", base.n,
            date, nnew ? " (plus new files)" : "");
  free(base.files);
  free(cur.files);
}

static int ps_is(const char *a, const char *b) {
  return a && ps_casecmp(a, b) == 0;
}

static void ps_eval_policy(const vg_facts_t *f, ps_part_t *part) {
  const char *err = vg_facts_get_str(f, "policy_error");
  const char *gp = vg_facts_get_str(f, "policy_execution_policy");
  const char *lm = vg_facts_get_str(f, "lm_execution_policy");
  const char *type = vg_facts_get_str(f, "installation_type");
  const char *eff = NULL, *src = NULL, *es;
  int64_t enable = -1;
  int has_es;
  snprintf(part->remedy, sizeof(part->remedy),
           "Run Set-ExecutionPolicy RemoteSigned -Scope LocalMachine in an "
           "elevated PowerShell, or allow scripts in the Group Policy \"Turn "
           "on Script Execution\" (vigil explain powershell.env).");
  if (err) {
    ps_part(part, VG_ST_UNKNOWN, "%s", err);
    return;
  }
  /* PowerShell's own order: the machine Group Policy (EnableScripts=0
   * means Restricted; 1 means its ExecutionPolicy value), then the
   * LocalMachine scope; Undefined/Default fall through to the OS
   * default. */
  es = vg_facts_get_str(f, "policy_enable_scripts");
  has_es = vg_facts_get_int(f, "policy_enable_scripts", &enable) == 0;
  /* PowerShell compares the value's text, so a REG_SZ "0"/"1" counts. */
  if (!has_es && es && (strcmp(es, "0") == 0 || strcmp(es, "1") == 0)) {
    enable = es[0] - '0';
    has_es = 1;
  }
  if (has_es) {
    if (enable == 0) {
      ps_part(part, VG_ST_CRIT,
              "PowerShell's execution policy Restricted (Group Policy "
              "EnableScripts=0) stops the scripts MARS runs");
      return;
    }
    if (enable == 1 && gp && !ps_is(gp, "Undefined"))
      eff = gp, src = "Group Policy";
  }
  if (eff == NULL && lm && !ps_is(lm, "Undefined") && !ps_is(lm, "Default"))
    eff = lm, src = "LocalMachine";
  if (eff) {
    if (ps_is(eff, "Restricted"))
      ps_part(part, VG_ST_CRIT,
              "PowerShell's execution policy Restricted (%s) stops the "
              "scripts MARS runs",
              src);
    else
      ps_part(part, VG_ST_OK, "execution policy %s (%s)", eff, src);
    return;
  }
  if (ps_is(type, "Client"))
    ps_part(part, VG_ST_WARN,
            "execution policy not set: the Windows client default is "
            "Restricted");
  else if (type && ps_casecmp_n(type, "Server", 6) == 0)
    ps_part(part, VG_ST_OK,
            "execution policy not set (Windows Server default RemoteSigned)");
  else
    ps_part(part, VG_ST_OK, "execution policy not set (OS default)");
}

static void powershell_env_evaluate(const vg_facts_t *f,
                                    const vg_eval_params_t *p,
                                    const vg_finding_t *prev,
                                    vg_finding_t *out) {
  ps_part_t parts[4];
  const char *install = vg_facts_get_str(f, "install_path");
  vg_status_t worst = VG_ST_OK;
  char summary[VG_SUMMARY_MAX];
  const char *remedy = NULL;
  size_t pos = 0, i, k;
  static const vg_status_t order[] = {VG_ST_CRIT, VG_ST_WARN, VG_ST_UNKNOWN};

  if (vg_mars_absent(f, out)) return;
  if (install == NULL) {
    vg_finding_set(out, VG_ST_UNKNOWN, "",
                   "MARS install folder missing from the facts");
    return;
  }
  memset(parts, 0, sizeof(parts));
  /* Hysteresis applies to the version only; other parts are yes/no. */
  ps_eval_version(f, p, prev ? prev->status : VG_ST_OK, &parts[0]);
  ps_eval_modpath(f, install, &parts[1]);
  ps_eval_modules(f, p, &parts[2]);
  ps_eval_policy(f, &parts[3]);
  for (i = 0; i < VG_ARRAY_SIZE(parts); i++)
    if (parts[i].st > worst) worst = parts[i].st;

  summary[0] = '\0';
  if (worst == VG_ST_OK) {
    for (i = 0; i < VG_ARRAY_SIZE(parts); i++)
      vg_bufprintf(summary, sizeof(summary), &pos, "%s%s", i ? "; " : "",
                   parts[i].msg);
  } else {
    /* Worst first; the remedy is that of the worst part. */
    for (k = 0; k < VG_ARRAY_SIZE(order); k++)
      for (i = 0; i < VG_ARRAY_SIZE(parts); i++) {
        if (parts[i].st != order[k]) continue;
        if (remedy == NULL) remedy = parts[i].remedy;
        vg_bufprintf(summary, sizeof(summary), &pos, "%s%s", pos ? "; " : "",
                     parts[i].msg);
      }
  }
  vg_finding_set(out, worst, remedy ? remedy : parts[0].remedy, "%s", summary);
  if (worst >= VG_ST_WARN)
    vg_finding_predict(out, "scheduled backups fail, manual backups work");
}

const vg_probe_t vg_probe_powershell_env = {
    .id = "powershell.env",
    .title = "PowerShell environment of MARS",
    .number = 12,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 900,
    .deadline_s = 60,
    .th = {.warn = 5, .crit = 3, .hysteresis = 0, .dir = VG_TH_BELOW},
    .keys = powershell_env_keys,
    .collect = powershell_env_collect,
    .evaluate = powershell_env_evaluate,
};
