/* fuzz_probe_facts.c: libFuzzer target for the evaluate functions that
 * parse their facts and memo (the VSS writer list, the volume flags, the
 * registration baseline, the System State margin, the Azure and offline-
 * seeding facts), fed a {"facts": {...}, "memo": {...}} document as the
 * store could hand back: never crash, every finding a bounded line, and
 * every warning with a remedy. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "probe.h"
#include "report.h"
#include "vg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_ids[] = {
    "mars.mgmtagent", "mars.registration", "source.volumes", "vss.writers",
    "scratch.space",  "scratch.config",    "mars.install"};

static void fuzz_check(const vg_finding_t *f) {
  if (memchr(f->summary, '\0', sizeof(f->summary)) == NULL) abort();
  if (memchr(f->remedy, '\0', sizeof(f->remedy)) == NULL) abort();
  if ((unsigned)f->status > VG_ST_CRIT) abort();
  if (f->npredicts > VG_MAX_PREDICTS) abort();
  if ((f->status == VG_ST_WARN || f->status == VG_ST_CRIT) &&
      f->remedy[0] == '\0')
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  vg_json_t *doc = NULL;
  vg_facts_t facts, memo, memo_out;
  vg_finding_t prev, out;
  char err[128];
  size_t i;
  if (vg_json_parse((const char *)data, size, &doc, err, sizeof(err)) != 0)
    return 0;
  vg_facts_init(&facts);
  vg_facts_init(&memo);
  vg_facts_from_json(&facts, vg_json_get(doc, "facts"));
  vg_facts_from_json(&memo, vg_json_get(doc, "memo"));
  for (i = 0; i < sizeof(fuzz_ids) / sizeof(fuzz_ids[0]); i++) {
    const vg_probe_t *p = vg_probe_find(fuzz_ids[i]);
    vg_eval_params_t ep;
    double v, level;
    if (p == NULL) abort();
    memset(&ep, 0, sizeof(ep));
    ep.th = p->th;
    ep.set.probe = p; /* every key at its default */
    ep.probe_id = p->id;
    ep.now_ms = 1764000000000ll;
    ep.memo = &memo;
    vg_facts_init(&memo_out);
    ep.memo_out = &memo_out;
    memset(&out, 0, sizeof(out));
    p->evaluate(&facts, &ep, NULL, &out);
    fuzz_check(&out);
    prev = out;
    prev.status = VG_ST_WARN;
    memset(&out, 0, sizeof(out));
    p->evaluate(&facts, &ep, &prev, &out);
    fuzz_check(&out);
    vg_facts_reset(&memo_out);
    if (p->trend) p->trend(&facts, &p->th, &v, &level);
  }
  vg_facts_reset(&facts);
  vg_facts_reset(&memo);
  vg_json_free(doc);
  return 0;
}
