/* scratch_attributes.c: the scratch (cache) folder must be a plain folder -
 * not encrypted, compressed, sparse, a reparse point or on a deduplicated
 * volume, which break the agent's VHD and checksum store (probes.md:
 * scratch.attributes). */
#include "mars.h"
#include "probe.h"
#include "vg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct {
  uint32_t bit;
  const char *name;
} scratch_attributes_bad[] = {
    {VG_FA_ENCRYPTED, "encrypted"},
    {VG_FA_COMPRESSED, "compressed"},
    {VG_FA_SPARSE, "sparse"},
    {VG_FA_REPARSE, "a reparse point (junction or symbolic link)"},
};

static int scratch_attributes_collect(const vg_probe_ctx_t *ctx,
                                      vg_facts_t *f) {
  vg_mars_loc_t loc;
  uint32_t attrs = 0;
  char why[300];
  int dedup = 0, rc = vg_mars_locate_scratch(ctx->os, &loc, f);
  if (rc || !loc.installed) return rc;
  vg_facts_set_str(f, "scratch", loc.scratch);
  rc = vg_mars_scratch_attrs(ctx->os, loc.scratch, f, &attrs);
  if (rc || !vg_facts_bool_or(f, "exists", 0)) return rc;

  /* Optional: a failed dedup query leaves the fact null with the reason,
   * the attributes still count; POSIX has no such feature (no facts). */
  rc = ctx->os->volume_dedup(ctx->os, loc.scratch, &dedup, why, sizeof(why));
  if (rc == 0) {
    vg_facts_set_bool(f, "deduplicated", dedup);
    if (why[0]) vg_facts_set_str(f, "dedup_note", why);
  } else if (rc != VG_ENOTSUP) {
    vg_facts_set_null(f, "deduplicated");
    vg_facts_set_str(f, "dedup_error", why[0] ? why : vg_strerror(rc));
  }
  return 0;
}

static void scratch_attributes_evaluate(const vg_facts_t *f,
                                        const vg_eval_params_t *p,
                                        const vg_finding_t *prev,
                                        vg_finding_t *out) {
  const char *scratch = vg_facts_get_str(f, "scratch");
  int64_t attrs;
  const char *remedy =
      "Move the cache to a plain NTFS folder (not compressed, encrypted, "
      "sparse, linked or on a deduplicated volume): copy it, update both "
      "ScratchLocation values and restart obengine "
      "(vigil explain scratch.attributes).";
  char buf[VG_SUMMARY_MAX];
  size_t pos = 0, i;
  int n = 0;
  (void)p, (void)prev;

  if (vg_mars_absent(f, out)) return;
  if (scratch == NULL) scratch = "?";
  if (!vg_facts_bool_or(f, "exists", 0) ||
      vg_facts_get_int(f, "attrs", &attrs) != 0) {
    vg_finding_set(out, VG_ST_UNKNOWN, remedy,
                   "Scratch folder %s does not exist, so its attributes "
                   "were not checked (see scratch.config)",
                   scratch);
    vg_strlcpy(out->explained_by, "scratch.config", sizeof(out->explained_by));
    return;
  }
  buf[0] = '\0';
  for (i = 0; i < VG_ARRAY_SIZE(scratch_attributes_bad); i++)
    if ((uint32_t)attrs & scratch_attributes_bad[i].bit)
      vg_bufprintf(buf, sizeof(buf), &pos, "%s%s", n++ ? ", " : "",
                   scratch_attributes_bad[i].name);
  if (vg_facts_bool_or(f, "deduplicated", 0))
    vg_bufprintf(buf, sizeof(buf), &pos, "%son a deduplicated volume",
                 n++ ? ", " : "");
  if (n == 0) {
    char tail[VG_SUMMARY_MAX];
    const char *note = vg_facts_get_str(f, "dedup_note");
    const char *err = vg_facts_get_str(f, "dedup_error");
    if (err)
      snprintf(tail, sizeof(tail), "; deduplication not checked: %s", err);
    else if (note)
      snprintf(tail, sizeof(tail), "; %s", note);
    else if (vg_facts_find(f, "deduplicated"))
      snprintf(tail, sizeof(tail), " on a volume without deduplication");
    else
      tail[0] = '\0';
    vg_finding_set(out, VG_ST_OK, remedy,
                   "Scratch folder %s is a plain folder (not encrypted, "
                   "compressed, sparse or a reparse point)%s",
                   scratch, tail);
    return;
  }
  vg_finding_set(out, VG_ST_CRIT, remedy, "Scratch folder %s is %s", scratch,
                 buf);
  vg_finding_predict(out, "SalVhdInitializationError");
  vg_finding_predict(out, "SalChecksumStoreInitializationFailed");
}

const vg_probe_t vg_probe_scratch_attributes = {
    .id = "scratch.attributes",
    .title = "Scratch folder attributes",
    .number = 4,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 3600,
    .deadline_s = 30,
    .th = VG_TH_NONE,
    .keys = NULL,
    .collect = scratch_attributes_collect,
    .evaluate = scratch_attributes_evaluate,
};
