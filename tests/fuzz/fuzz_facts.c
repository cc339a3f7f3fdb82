/* fuzz_facts.c: libFuzzer target for a probe's state read back from a
 * tampered database (what the agent does at start with each state row):
 * the input is the row's status, summary, predicts, facts and memo text
 * separated by NUL bytes. Never crash; whatever is taken in is written
 * out again as JSON that parses. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "json.h"
#include "probe.h"
#include "report.h"
#include "vg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vg_facts_t fuzz_facts, fuzz_memo;
static vg_finding_t fuzz_finding;

/* Parses text into f like the agent's state loader; checks the way back. */
static void fuzz_load(vg_facts_t *f, const char *text) {
  vg_json_t *js = NULL;
  char err[64], *out;
  if (vg_json_parse(text, strlen(text), &js, err, sizeof(err)) != 0) return;
  vg_facts_from_json(f, js);
  vg_json_free(js);
  if (f->n > VG_FACTS_MAX) abort();
  out = vg_facts_json(f);
  if (out == NULL) abort();
  if (vg_json_parse(out, strlen(out), &js, err, sizeof(err)) != 0) abort();
  vg_json_free(js);
  free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *field[5] = {"", "", "[]", "{}", "{}"};
  char *buf = malloc(size + 1), *p, *end, *out;
  vg_json_t *js = NULL;
  char err[64];
  size_t i, k;
  if (buf == NULL) return 0;
  memcpy(buf, data, size);
  buf[size] = '\0';
  end = buf + size;
  for (p = buf, i = 0; i < 5 && p <= end; i++) {
    field[i] = p;
    p += strlen(p) + 1;
  }
  memset(&fuzz_finding, 0, sizeof(fuzz_finding));
  if (vg_status_parse(field[0], &fuzz_finding.status) != 0)
    fuzz_finding.status = VG_ST_UNKNOWN;
  vg_strlcpy(fuzz_finding.summary, field[1], sizeof(fuzz_finding.summary));
  if (vg_json_parse(field[2], strlen(field[2]), &js, err, sizeof(err)) == 0) {
    for (k = 0; k < vg_json_len(js); k++)
      if (vg_json_str(vg_json_at(js, k)))
        vg_finding_predict(&fuzz_finding, vg_json_str(vg_json_at(js, k)));
    vg_json_free(js);
  }
  out = vg_predicts_json(&fuzz_finding);
  if (out == NULL || vg_json_parse(out, strlen(out), &js, err, sizeof(err)))
    abort();
  vg_json_free(js);
  free(out);
  fuzz_load(&fuzz_facts, field[3]);
  fuzz_load(&fuzz_memo, field[4]);
  vg_facts_reset(&fuzz_facts);
  vg_facts_reset(&fuzz_memo);
  free(buf);
  return 0;
}
