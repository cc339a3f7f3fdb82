/* vss_writers.c: the VSS writers' states, as `vssadmin list writers` shows
 * them (probes.md: vss.writers); a failed writer fails the snapshot every
 * MARS backup starts with, the System Writer above all. */
#include "hresult.h"
#include "mars.h"
#include "probe.h"
#include "vg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VW_SYSTEM_WRITER "System Writer"

static const vg_key_def_t vss_writers_keys[] = {
    /* The common key, declared so collect can bound its own waits by it. */
    {"deadline", VG_KEY_DURATION, 10, 3600e3, NULL,
     "longest a collection may take before it is reported unknown"},
    {"waiting", VG_KEY_STR, 0, 8, "warn",
     "status of a writer left waiting (for freeze, thaw, post-snapshot or "
     "backup complete) or in an unknown state: warn or ok"},
    {NULL, 0, 0, 0, NULL, NULL}};

static const char *const vw_states[] = {"unknown",
                                        "stable",
                                        "waiting for freeze",
                                        "waiting for thaw",
                                        "waiting for post-snapshot",
                                        "waiting for backup complete",
                                        "failed at identify",
                                        "failed at prepare backup",
                                        "failed at prepare snapshot",
                                        "failed at freeze",
                                        "failed at thaw",
                                        "failed at post-snapshot",
                                        "failed at backup complete",
                                        "failed at pre-restore",
                                        "failed at post-restore",
                                        "failed at backup shutdown"};

/* Services that host well-known writers (Microsoft's list of in-box
 * writers): what to restart when one has failed. */
static const struct {
  const char *writer, *service;
} vw_services[] = {
    {"System Writer", "CryptSvc"},
    {"WMI Writer", "Winmgmt"},
    {"Registry Writer", "VSS"},
    {"COM+ REGDB Writer", "VSS"},
    {"ASR Writer", "VSS"},
    {"Shadow Copy Optimization Writer", "VSS"},
    {"BITS Writer", "BITS"},
    {"Task Scheduler Writer", "Schedule"},
    {"IIS Config Writer", "AppHostSvc"},
    {"IIS Metabase Writer", "IISADMIN"},
    {"SqlServerWriter", "SQLWriter"},
    {"NTDS", "NTDS"},
    {"DFS Replication service writer", "DFSR"},
    {"Microsoft Hyper-V VSS Writer", "vmms"},
    {"MSSearch Service Writer", "WSearch"},
    {"Cluster Database", "ClusSvc"},
    {"Certificate Authority", "CertSvc"},
    {"Dhcp Jet Writer", "DHCPServer"},
    {"WINS Jet Writer", "WINS"},
    {"FRS Writer", "NtFrs"},
};

static int vw_failed(int st) {
  return st >= VG_VSS_WS_FAILED_FIRST && st <= VG_VSS_WS_FAILED_LAST;
}

/* 0 failed, 1 waiting/unknown, 2 stable with a last error, 3 stable. */
static int vw_rank(const vg_vss_writer_t *w) {
  if (vw_failed(w->state)) return 0;
  if (w->state != VG_VSS_WS_STABLE) return 1;
  return w->last_error ? 2 : 3;
}

static int vw_cmp(const void *a, const void *b) {
  const vg_vss_writer_t *x = a, *y = b;
  int rx = vw_rank(x), ry = vw_rank(y);
  int sx = strcasecmp(x->name, VW_SYSTEM_WRITER) == 0;
  int sy = strcasecmp(y->name, VW_SYSTEM_WRITER) == 0;
  if (rx != ry) return rx - ry;
  if (sx != sy) return sy - sx;
  return strcasecmp(x->name, y->name);
}

/* ------------------------------------------------------------ collect */

static int vss_writers_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  double deadline = vg_probe_num(&ctx->set, "deadline");
  vg_vss_writers_t *w;
  vg_mars_loc_t loc;
  char *list;
  uint32_t step;
  size_t i, pos = 0, listed = 0;
  int rc = vg_mars_locate_facts(os, &loc, f);
  if (rc || !loc.installed) return rc;

  /* Two asynchronous steps share the deadline, with 2 s to spare for the
   * rest, so this worker returns (and cancels VSS) before the agent gives
   * up on it. */
  if (deadline <= 0 && ctx->set.probe)
    deadline = ctx->set.probe->deadline_s * 1e3;
  step = deadline > 6000 ? (uint32_t)((deadline - 2000) / 2) : 2000;
  w = calloc(1, sizeof(*w));
  list = malloc(VG_FACT_STR_MAX);
  if (w == NULL || list == NULL) {
    free(w);
    free(list);
    return vg_facts_fail(f, VG_ENOMEM, "out of memory");
  }
  rc = os->vss_writers(os, step, w);
  if (rc == VG_ENOTSUP && w->hr == 0) {
    vg_facts_set_bool(f, "vss_supported", 0);
    rc = 0;
    goto done;
  }
  if (rc) {
    rc = vg_hresult_fail(f, rc, w->hr, w->call);
    goto done;
  }
  if (w->n > VG_VSS_WRITERS_MAX) w->n = VG_VSS_WRITERS_MAX;
  qsort(w->w, w->n, sizeof(w->w[0]), vw_cmp);
  /* "name|state|last error" lines ('|' is in no writer name Windows
   * ships; one would only cut that name short), worst first. */
  list[0] = '\0';
  for (i = 0; i < w->n; i++) {
    char line[200];
    int n = snprintf(line, sizeof(line), "%.*s|%d|0x%08X\n",
                     (int)strcspn(w->w[i].name, "|\n"), w->w[i].name,
                     w->w[i].state, (unsigned)w->w[i].last_error);
    if (pos + (size_t)n >= VG_FACT_STR_MAX) break;
    vg_bufprintf(list, VG_FACT_STR_MAX, &pos, "%s", line);
    listed++;
  }
  vg_facts_set_int(f, "writers", (int64_t)w->n);
  vg_facts_set_int(f, "writers_listed", (int64_t)listed);
  vg_facts_set_str(f, "writer_list", list);
  if (w->truncated) vg_facts_set_bool(f, "truncated", 1);
  rc = 0;
done:
  free(w);
  free(list);
  return rc;
}

/* ----------------------------------------------------------- evaluate */

static const char *vw_state_name(int st, char *buf, size_t size) {
  if (st >= 0 && (size_t)st < VG_ARRAY_SIZE(vw_states)) return vw_states[st];
  snprintf(buf, size, "state %d", st);
  return buf;
}

static const char *vw_service(const char *writer) {
  size_t i;
  for (i = 0; i < VG_ARRAY_SIZE(vw_services); i++)
    if (strcasecmp(vw_services[i].writer, writer) == 0)
      return vw_services[i].service;
  return NULL;
}

static void vss_writers_evaluate(const vg_facts_t *f, const vg_eval_params_t *p,
                                 const vg_finding_t *prev, vg_finding_t *out) {
  const char *list = vg_facts_get_str(f, "writer_list");
  const char *waiting = vg_probe_str(&p->set, "waiting");
  int waiting_ok = waiting && strcasecmp(waiting, "ok") == 0;
  int64_t total = vg_facts_int_or(f, "writers", 0);
  char failed[VG_SUMMARY_MAX] = "", warned[VG_SUMMARY_MAX] = "";
  char services[200] = "", remedy[VG_REMEDY_MAX];
  size_t fpos = 0, wpos = 0, spos = 0;
  int nfailed = 0, nwarn = 0, system_failed = 0, nstable = 0, nignored = 0;
  const char *s, *nl;
  (void)prev;

  if (vg_mars_absent(f, out)) return;
  if (!vg_facts_bool_or(f, "vss_supported", 1)) {
    vg_finding_set(out, VG_ST_NA, "",
                   "No Volume Shadow Copy Service on this system (POSIX "
                   "development build)");
    return;
  }
  if (list == NULL) {
    vg_finding_set(out, VG_ST_UNKNOWN, "",
                   "VSS writer states were not collected");
    return;
  }
  for (s = list; *s; s = nl + 1) {
    char name[160], sb[32], d[200];
    const char *bar1 = strchr(s, '|'), *bar2;
    int state = -1;
    unsigned last = 0;
    nl = strchr(s, '\n');
    if (nl == NULL) break;
    bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
    if (bar1 == NULL || bar2 == NULL || bar2 > nl ||
        sscanf(bar1 + 1, "%d", &state) != 1 ||
        sscanf(bar2 + 1, "%x", &last) != 1)
      continue;
    snprintf(name, sizeof(name), "%.*s", (int)(bar1 - s), s);
    if (vw_failed(state)) {
      const char *svc = vw_service(name);
      if (strcasecmp(name, VW_SYSTEM_WRITER) == 0) system_failed = 1;
      if (last)
        vg_bufprintf(failed, sizeof(failed), &fpos, "%s%s (%s, last error %s)",
                     nfailed ? ", " : "", name,
                     vw_state_name(state, sb, sizeof(sb)),
                     vg_hresult_describe(last, d, sizeof(d)));
      else
        vg_bufprintf(failed, sizeof(failed), &fpos, "%s%s (%s)",
                     nfailed ? ", " : "", name,
                     vw_state_name(state, sb, sizeof(sb)));
      nfailed++;
      if (svc && strstr(services, svc) == NULL)
        vg_bufprintf(services, sizeof(services), &spos, "%s%s",
                     spos ? ", " : "", svc);
    } else if (state != VG_VSS_WS_STABLE) {
      if (waiting_ok) {
        nignored++;
        continue;
      }
      vg_bufprintf(warned, sizeof(warned), &wpos, "%s%s (%s)",
                   nwarn++ ? ", " : "", name,
                   vw_state_name(state, sb, sizeof(sb)));
    } else if (last) {
      vg_bufprintf(warned, sizeof(warned), &wpos,
                   "%s%s (stable, last error %s)", nwarn++ ? ", " : "", name,
                   vg_hresult_describe(last, d, sizeof(d)));
    } else {
      nstable++;
    }
  }
  snprintf(remedy, sizeof(remedy),
           "Restart the service that hosts the writer%s%s%s (`vssadmin list "
           "writers` names the writers; net stop / net start the service), "
           "or reboot the server; then run a backup "
           "(vigil explain vss.writers).",
           spos ? " (" : "", services, spos ? ")" : "");
  if (nfailed) {
    vg_finding_set(out, VG_ST_CRIT, remedy, "%d VSS writer(s) failed: %s%s%s",
                   nfailed, failed, nwarn ? "; not stable: " : "", warned);
    vg_finding_predict(out, "VSS snapshot fails");
    if (system_failed) {
      vg_finding_predict(out, "0x1873D");
      vg_finding_predict(out, "0x18770");
    }
    return;
  }
  if (nwarn) {
    vg_finding_set(out, VG_ST_WARN, remedy, "%d VSS writer(s) not stable: %s",
                   nwarn, warned);
    vg_finding_predict(out, "VSS snapshot fails");
    return;
  }
  if (nignored)
    vg_finding_set(out, VG_ST_OK, remedy,
                   "No VSS writer failed: %d stable, %d waiting ([vss.writers] "
                   "waiting = ok)%s",
                   nstable, nignored,
                   total > vg_facts_int_or(f, "writers_listed", total)
                       ? " (list cut short)"
                       : "");
  else
    vg_finding_set(out, VG_ST_OK, remedy, "All %d VSS writers are stable%s",
                   nstable,
                   total > vg_facts_int_or(f, "writers_listed", total)
                       ? " (list cut short)"
                       : "");
}

const vg_probe_t vg_probe_vss_writers = {
    .id = "vss.writers",
    .title = "VSS writers",
    .number = 22,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 1800,
    .deadline_s = 120,
    .th = VG_TH_NONE,
    .keys = vss_writers_keys,
    .collect = vss_writers_collect,
    .evaluate = vss_writers_evaluate,
};
