/* source_volumes.c: the volumes MARS is to back up - fixed, NTFS,
 * writable, online, not BitLocker-locked and within the agent's size limit
 * per volume (probes.md: source.volumes). */
#include "hresult.h"
#include "mars.h"
#include "probe.h"
#include "vg.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Facts hold at most this many volumes (five facts each). */
#define SV_FACT_VOLUMES 10
#define SV_CONFIG_MAX 26

static const vg_key_def_t source_volumes_keys[] = {
    {"volumes", VG_KEY_STR, 0, 2000, NULL,
     "comma-separated volumes to protect (\"C:, D:\\, E:\\Mount\"); default: "
     "every fixed volume with a drive letter"},
    {"size_limit", VG_KEY_BYTES, 1, 1.8e19, "54400G",
     "largest volume MARS backs up (used bytes); crit above it"},
    {NULL, 0, 0, 0, NULL, NULL}};

static const char *const sv_drive_names[] = {
    "unknown", "no_root", "removable", "fixed", "remote", "cdrom", "ramdisk"};

static const char *sv_drive_name(int t) {
  return t >= 0 && (size_t)t < VG_ARRAY_SIZE(sv_drive_names) ? sv_drive_names[t]
                                                             : "unknown";
}

/* ------------------------------------------------------------ collect */

typedef struct sv_pick_s {
  char want[SV_CONFIG_MAX][264]; /* configured volumes, "X:\" form */
  int found[SV_CONFIG_MAX];
  size_t nwant;
} sv_pick_t;

/* Parses "C:, d:\\ ; E:\\Mount" into "C:\", "d:\", "E:\Mount\". */
static void sv_parse_list(const char *list, sv_pick_t *pk) {
  memset(pk, 0, sizeof(*pk));
  while (list && *list && pk->nwant < SV_CONFIG_MAX) {
    size_t len = strcspn(list, ",;");
    const char *next = list[len] ? list + len + 1 : list + len;
    char *w = pk->want[pk->nwant];
    while (len > 0 && isspace((unsigned char)*list))
      list++, len--;
    while (len > 0 && isspace((unsigned char)list[len - 1]))
      len--;
    if (len > 0 && len < sizeof(pk->want[0]) - 3) {
      memcpy(w, list, len);
      w[len] = '\0';
      if (len == 1 && isalpha((unsigned char)w[0])) w[len++] = ':';
      if (w[len - 1] != '\\' && w[len - 1] != '/') w[len++] = '\\';
      w[len] = '\0';
      pk->nwant++;
    }
    list = next;
  }
}

static int sv_has_problem(const vg_volume_entry_t *v) {
  return v->drive_type != VG_DRIVE_FIXED || v->read_only || v->offline ||
         v->locked == 1 || v->info_hr != 0 || strcasecmp(v->fs_name, "NTFS");
}

static uint64_t sv_used(const vg_volume_entry_t *v) {
  return v->space_read && v->total_bytes > v->free_bytes
             ? v->total_bytes - v->free_bytes
             : 0;
}

/* Volumes with something to say first, then the fullest: what fits in the
 * facts is what matters most. */
static int sv_cmp(const void *a, const void *b) {
  const vg_volume_entry_t *x = *(const vg_volume_entry_t *const *)a;
  const vg_volume_entry_t *y = *(const vg_volume_entry_t *const *)b;
  int px = sv_has_problem(x), py = sv_has_problem(y);
  uint64_t ux = sv_used(x), uy = sv_used(y);
  if (px != py) return py - px;
  return ux == uy ? strcmp(x->mount, y->mount) : (ux < uy ? 1 : -1);
}

static void sv_volume_facts(vg_facts_t *f, int i, const vg_volume_entry_t *v) {
  char k[VG_FACT_KEY_MAX], flags[300], d[160];
  size_t pos = 0;
#define SV_KEY(suffix) (snprintf(k, sizeof(k), "vol%d%s", i, suffix), k)
  flags[0] = '\0';
  if (v->read_only) vg_bufprintf(flags, sizeof(flags), &pos, "read-only,");
  if (v->offline) vg_bufprintf(flags, sizeof(flags), &pos, "offline,");
  if (v->locked == 1) vg_bufprintf(flags, sizeof(flags), &pos, "locked,");
  if (v->locked < 0) vg_bufprintf(flags, sizeof(flags), &pos, "lock-unknown,");
  /* Last: the reason runs to the end of the string. */
  if (v->info_hr && !v->offline && v->locked != 1)
    vg_bufprintf(flags, sizeof(flags), &pos, "unreadable: %s,",
                 vg_hresult_describe(v->info_hr, d, sizeof(d)));
  if (pos) flags[pos - 1] = '\0';
  vg_facts_set_str(f, SV_KEY(""), v->mount[0] ? v->mount : v->device);
  vg_facts_set_str(f, SV_KEY("_fs"), v->fs_name);
  vg_facts_set_str(f, SV_KEY("_type"), sv_drive_name(v->drive_type));
  vg_facts_set_str(f, SV_KEY("_flags"), flags);
  if (v->space_read)
    vg_facts_set_int(f, SV_KEY("_used"), (int64_t)sv_used(v));
  else
    vg_facts_set_null(f, SV_KEY("_used"));
#undef SV_KEY
}

static int source_volumes_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  const char *list = vg_probe_str(&ctx->set, "volumes");
  const vg_volume_entry_t *pick[VG_VOLUMES_MAX];
  vg_volume_list_t *vl;
  vg_mars_loc_t loc;
  sv_pick_t *pk;
  char missing[1200] = "", d[200];
  size_t i, j, n = 0, mpos = 0;
  int rc = vg_mars_locate_facts(os, &loc, f);
  if (rc || !loc.installed) return rc;

  vl = calloc(1, sizeof(*vl));
  pk = calloc(1, sizeof(*pk));
  if (vl == NULL || pk == NULL) {
    free(vl);
    free(pk);
    return vg_facts_fail(f, VG_ENOMEM, "out of memory");
  }
  rc = os->volumes_list(os, vl);
  if (rc == VG_ENOTSUP && vl->hr == 0) {
    vg_facts_set_bool(f, "volumes_supported", 0);
    rc = 0;
    goto done;
  }
  if (rc) {
    rc = vg_hresult_fail(f, rc, vl->hr, vl->call);
    goto done;
  }
  sv_parse_list(list, pk);
  vg_facts_set_str(f, "selection",
                   pk->nwant ? "configured" : "fixed volumes with a letter");
  for (i = 0; i < vl->n && i < VG_VOLUMES_MAX; i++) {
    const vg_volume_entry_t *v = &vl->vols[i];
    int want = 0;
    if (pk->nwant == 0) {
      want = v->letter && v->drive_type == VG_DRIVE_FIXED;
    } else {
      for (j = 0; j < pk->nwant; j++)
        if ((v->mount[0] && vg_path_equal(v->mount, pk->want[j])) ||
            vg_path_equal(v->device, pk->want[j]))
          want = pk->found[j] = 1;
    }
    if (want) pick[n++] = v;
  }
  for (j = 0; j < pk->nwant; j++)
    if (!pk->found[j])
      vg_bufprintf(missing, sizeof(missing), &mpos, "%s%s", mpos ? ", " : "",
                   pk->want[j]);
  if (mpos) vg_facts_set_str(f, "missing", missing);
  qsort(pick, n, sizeof(pick[0]), sv_cmp);
  for (i = 0; i < n && i < SV_FACT_VOLUMES; i++)
    sv_volume_facts(f, (int)i, pick[i]);
  vg_facts_set_int(f, "volumes", (int64_t)n);
  vg_facts_set_int(f, "volumes_listed", (int64_t)(i));
  if (vl->truncated) vg_facts_set_bool(f, "truncated", 1);
  if (vl->bitlocker_note[0])
    vg_facts_set_str(f, "bitlocker_note", vl->bitlocker_note);
  if (vl->bitlocker_hr) {
    char why[400];
    snprintf(why, sizeof(why), "%s returned %s", vl->bitlocker_call,
             vg_hresult_describe(vl->bitlocker_hr, d, sizeof(d)));
    vg_facts_set_str(f, "bitlocker_error", why);
  }
  rc = 0;
done:
  free(vl);
  free(pk);
  return rc;
}

/* ----------------------------------------------------------- evaluate */

/* "54,400 GiB" for a whole number of GiB (how the limit is written), else
 * the usual byte form. */
static const char *sv_fmt_limit(char *buf, size_t size, double limit) {
  uint64_t b = (uint64_t)limit;
  char n[32];
  if (b >= (1ull << 30) && b % (1ull << 30) == 0) {
    snprintf(buf, size, "%s GiB", vg_fmt_count(n, sizeof(n), b >> 30));
    return buf;
  }
  return vg_fmt_bytes(buf, size, b);
}

typedef struct sv_report_s {
  char crit[VG_SUMMARY_MAX], warn[VG_SUMMARY_MAX];
  size_t cpos, wpos;
  int ncrit, nwarn;
} sv_report_t;

static void sv_add(char *buf, size_t *pos, int *n, const char *vol,
                   const char *what) {
  vg_bufprintf(buf, VG_SUMMARY_MAX, pos, "%s%s %s", (*n)++ ? "; " : "", vol,
               what);
}

static int sv_flag(const char *flags, const char *word) {
  size_t n = strlen(word);
  const char *p = flags;
  while (p && *p) {
    if (strncmp(p, word, n) == 0 &&
        (p[n] == '\0' || p[n] == ',' || p[n] == ':'))
      return 1;
    p = strchr(p, ',');
    if (p) p++;
  }
  return 0;
}

static void source_volumes_evaluate(const vg_facts_t *f,
                                    const vg_eval_params_t *p,
                                    const vg_finding_t *prev,
                                    vg_finding_t *out) {
  const char *missing = vg_facts_get_str(f, "missing");
  const char *blerr = vg_facts_get_str(f, "bitlocker_error");
  int64_t nvol = vg_facts_int_or(f, "volumes", 0);
  int64_t listed = vg_facts_int_or(f, "volumes_listed", 0);
  double limit = vg_probe_num(&p->set, "size_limit");
  double worst_pct = 0;
  char lim[32], ok[VG_SUMMARY_MAX], k[VG_FACT_KEY_MAX];
  const char *worst = NULL;
  size_t opos = 0;
  int i, lock_unknown = 0, nok = 0;
  vg_status_t st = VG_ST_OK;
  sv_report_t r;
  const char *remedy =
      "Bring the volume online, unlock it (manage-bde -unlock, or turn on "
      "auto-unlock), make it writable, or take it out of the backup "
      "policy; a volume over the size limit must be split or excluded "
      "(vigil explain source.volumes).";

  if (vg_mars_absent(f, out)) return;
  if (!vg_facts_bool_or(f, "volumes_supported", 1)) {
    vg_finding_set(out, VG_ST_NA, "",
                   "No volume list on this system (POSIX development build)");
    return;
  }
  if (limit <= 0) limit = 54400.0 * 1073741824.0;
  sv_fmt_limit(lim, sizeof(lim), limit);
  memset(&r, 0, sizeof(r));
  if (missing)
    sv_add(r.crit, &r.cpos, &r.ncrit, missing,
           strchr(missing, ',') ? "are not mounted (configured volumes)"
                                : "is not mounted (configured volume)");
  for (i = 0; i < listed; i++) {
    const char *vol, *fs, *type, *flags;
    int64_t used;
    int has_used;
    char what[200];
#define SV_GET(suffix) (snprintf(k, sizeof(k), "vol%d%s", i, suffix), k)
    vol = vg_facts_get_str(f, SV_GET(""));
    fs = vg_facts_get_str(f, SV_GET("_fs"));
    type = vg_facts_get_str(f, SV_GET("_type"));
    flags = vg_facts_get_str(f, SV_GET("_flags"));
    has_used = vg_facts_get_int(f, SV_GET("_used"), &used) == 0;
#undef SV_GET
    if (vol == NULL) continue;
    if (fs == NULL) fs = "";
    if (flags == NULL) flags = "";
    if (type && strcmp(type, "fixed") != 0) {
      snprintf(what, sizeof(what), "is a %s volume, not a fixed one", type);
      sv_add(r.crit, &r.cpos, &r.ncrit, vol, what);
      continue;
    }
    if (sv_flag(flags, "offline")) {
      sv_add(r.crit, &r.cpos, &r.ncrit, vol, "is offline");
      continue;
    }
    if (sv_flag(flags, "locked")) {
      sv_add(r.crit, &r.cpos, &r.ncrit, vol, "is locked by BitLocker");
      continue;
    }
    if (sv_flag(flags, "unreadable")) {
      const char *why = strstr(flags, "unreadable: ");
      snprintf(what, sizeof(what), "cannot be read: %s",
               why ? why + 12 : "unreadable");
      sv_add(r.crit, &r.cpos, &r.ncrit, vol, what);
      continue;
    }
    if (sv_flag(flags, "lock-unknown")) lock_unknown = 1;
    if (strcasecmp(fs, "NTFS") != 0) {
      snprintf(what, sizeof(what), "is %s, not NTFS", *fs ? fs : "unformatted");
      sv_add(r.crit, &r.cpos, &r.ncrit, vol, what);
    }
    if (sv_flag(flags, "read-only"))
      sv_add(r.crit, &r.cpos, &r.ncrit, vol, "is read-only");
    if (has_used) {
      double pct = 100.0 * (double)used / limit;
      char ub[32];
      vg_fmt_bytes(ub, sizeof(ub), (uint64_t)used);
      if ((double)used > limit) {
        snprintf(what, sizeof(what), "has %s used, over the %s MARS limit", ub,
                 lim);
        sv_add(r.crit, &r.cpos, &r.ncrit, vol, what);
      } else {
        vg_status_t vs =
            vg_threshold_eval(pct, &p->th, prev ? prev->status : VG_ST_OK);
        snprintf(what, sizeof(what),
                 "has %s used, %.1f%% of the %s MARS limit (%s >= %g%%)", ub,
                 vg_floor(pct * 10) / 10, lim, vs == VG_ST_CRIT ? "crit" : "warn",
                 vs == VG_ST_CRIT ? p->th.crit : p->th.warn);
        if (vs == VG_ST_CRIT)
          sv_add(r.crit, &r.cpos, &r.ncrit, vol, what);
        else if (vs == VG_ST_WARN)
          sv_add(r.warn, &r.wpos, &r.nwarn, vol, what);
      }
      if (worst == NULL || pct > worst_pct) worst = vol, worst_pct = pct;
    }
    nok++;
    vg_bufprintf(ok, sizeof(ok), &opos, "%s%s", opos ? ", " : "", vol);
  }
  if (r.ncrit)
    st = VG_ST_CRIT;
  else if (r.nwarn)
    st = VG_ST_WARN;
  if (st == VG_ST_CRIT) {
    vg_finding_set(out, st, remedy, "%s%s%s", r.crit, r.nwarn ? "; " : "",
                   r.warn);
  } else if (st == VG_ST_WARN) {
    vg_finding_set(out, st, remedy, "%s", r.warn);
  } else if (blerr && lock_unknown) {
    vg_finding_set(out, VG_ST_UNKNOWN, remedy,
                   "BitLocker lock status of %s not read: %s", ok, blerr);
    return;
  } else if (nvol == 0) {
    vg_finding_set(out, VG_ST_OK, remedy,
                   "No fixed volume with a drive letter to check");
    return;
  } else {
    vg_finding_set(out, VG_ST_OK, remedy,
                   "%d volume(s) ready to back up (fixed, NTFS, writable, "
                   "online, unlocked): %s; fullest %s at %.1f%% of the %s "
                   "limit",
                   nok, ok, worst ? worst : "?", vg_floor(worst_pct * 10) / 10,
                   lim);
  }
  if (nvol > listed) {
    size_t n = strlen(out->summary);
    snprintf(out->summary + n, sizeof(out->summary) - n,
             " (%lld more volume(s) not shown)", (long long)(nvol - listed));
  }
  if (st >= VG_ST_WARN) vg_finding_predict(out, "backup of that volume fails");
}

const vg_probe_t vg_probe_source_volumes = {
    .id = "source.volumes",
    .title = "Volumes to back up",
    .number = 21,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 900,
    .deadline_s = 60,
    /* percent of size_limit used; over the limit itself is crit */
    .th = {.warn = 90.0, .crit = NAN, .hysteresis = 1.0, .dir = VG_TH_ABOVE},
    .keys = source_volumes_keys,
    .collect = source_volumes_collect,
    .evaluate = source_volumes_evaluate,
};
