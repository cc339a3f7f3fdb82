/* fixture_runner.c: evaluate against recorded facts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fixture_runner.h"
#include "fs_kit.h"

#include "config.h"
#include "forecast.h"
#include "judge.h"
#include "json.h"
#include "report.h"
#include "vg.h"

#include <uv.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void run_one(const vg_probe_t *p, const char *path) {
  size_t len = 0, i;
  char *text = fk_slurp(path, &len), err[200], msg[200];
  vg_json_t *doc = NULL;
  vg_facts_t facts, memo, memo_out;
  vg_finding_t prev, out;
  vg_eval_params_t ep;
  vg_config_t cfg;
  const vg_json_t *cfgj, *want;
  const char *expect;
  int64_t now = 0;
  vg_status_t st;
  vg_forecast_t fc;

  if (text == NULL) fail_msg("cannot read %s", path);
  if (vg_json_parse(text, len, &doc, err, sizeof(err)) != 0)
    fail_msg("%s: %s", path, err);
  free(text);
  vg_facts_init(&facts);
  vg_facts_init(&memo);
  vg_facts_init(&memo_out);
  if (vg_facts_from_json(&facts, vg_json_get(doc, "facts")) != 0)
    fail_msg("%s: no \"facts\" object", path);
  if (vg_json_get(doc, "memo"))
    vg_facts_from_json(&memo, vg_json_get(doc, "memo"));
  vg_config_init(&cfg);
  cfgj = vg_json_get(doc, "config");
  for (i = 0; i < vg_json_len(cfgj); i++)
    if (vg_config_set(&cfg, p->id, vg_json_key_at(cfgj, i),
                      vg_json_str(vg_json_at(cfgj, i)), msg, sizeof(msg)))
      fail_msg("%s: config: %s", path, msg);
  vg_json_int(vg_json_get(doc, "now"), &now);
  {
    /* "forecast": {"eta_ms": N, "slope_per_h": X} as the agent would
     * compute it from history. */
    const vg_json_t *fj = vg_json_get(doc, "forecast");
    memset(&fc, 0, sizeof(fc));
    if (fj) {
      fc.valid = 1;
      vg_json_int(vg_json_get(fj, "eta_ms"), &fc.eta_ms);
      vg_json_num(vg_json_get(fj, "slope_per_h"), &fc.slope_per_h);
    }
  }
  memset(&prev, 0, sizeof(prev));
  memset(&out, 0, sizeof(out));
  memset(&ep, 0, sizeof(ep));
  vg_config_eval_params(&cfg, p, &ep);
  ep.now_ms = now;
  ep.memo = &memo;
  ep.memo_out = &memo_out;
  ep.forecast = fc.valid ? &fc : NULL;
  if (vg_json_get_str(doc, "prev"))
    vg_status_parse(vg_json_get_str(doc, "prev"), &prev.status);
  p->evaluate(&facts, &ep, vg_json_get_str(doc, "prev") ? &prev : NULL, &out);
  /* The judge step after evaluate, as the agent runs it. */
  vg_judge_forecast(p, &facts, &ep, vg_config_forecast_horizon_ms(&cfg, p),
                    &out);
  expect = vg_json_get_str(doc, "expect");
  if (expect == NULL || vg_status_parse(expect, &st) != 0)
    fail_msg("%s: \"expect\" must be a status", path);
  if (out.status != st)
    fail_msg("%s: expected %s, got %s: %s", path, expect,
             vg_status_name(out.status), out.summary);
  want = vg_json_get(doc, "summary_contains");
  for (i = 0; i < vg_json_len(want); i++)
    if (strstr(out.summary, vg_json_str(vg_json_at(want, i))) == NULL)
      fail_msg("%s: summary \"%s\" lacks \"%s\"", path, out.summary,
               vg_json_str(vg_json_at(want, i)));
  want = vg_json_get(doc, "predicts");
  for (i = 0; i < vg_json_len(want); i++) {
    unsigned k;
    int found = 0;
    for (k = 0; k < out.npredicts; k++)
      found |= strcmp(out.predicts[k], vg_json_str(vg_json_at(want, i))) == 0;
    if (!found)
      fail_msg("%s: %s not predicted", path, vg_json_str(vg_json_at(want, i)));
  }
  want = vg_json_get(doc, "remedy_contains");
  for (i = 0; i < vg_json_len(want); i++)
    if (strstr(out.remedy, vg_json_str(vg_json_at(want, i))) == NULL)
      fail_msg("%s: remedy \"%s\" lacks \"%s\"", path, out.remedy,
               vg_json_str(vg_json_at(want, i)));
  if (vg_json_get(doc, "memo_out")) {
    int b = 0;
    vg_json_bool(vg_json_get(doc, "memo_out"), &b);
    if (b != (memo_out.n > 0))
      fail_msg("%s: %s", path,
               b ? "expected evaluate to fill memo_out"
                 : "memo_out must stay empty (keep the memo)");
  }
  if ((out.status == VG_ST_WARN || out.status == VG_ST_CRIT) &&
      out.remedy[0] == '\0')
    fail_msg("%s: a warning without a remedy", path);
  vg_facts_reset(&facts);
  vg_facts_reset(&memo);
  vg_facts_reset(&memo_out);
  vg_config_free(&cfg);
  vg_json_free(doc);
}

int run_fixtures(const vg_probe_t *p) {
  char dir[600], path[900];
  uv_fs_t req;
  uv_dirent_t ent;
  int n = 0;
  snprintf(dir, sizeof(dir), "%s/%s", VG_FIXTURES, p->id);
  if (uv_fs_scandir(NULL, &req, dir, 0, NULL) < 0)
    fail_msg("no fixtures folder %s", dir);
  while (uv_fs_scandir_next(&req, &ent) != UV_EOF) {
    size_t l = strlen(ent.name);
    if (l < 5 || strcmp(ent.name + l - 5, ".json") != 0) continue;
    snprintf(path, sizeof(path), "%s/%s", dir, ent.name);
    run_one(p, path);
    n++;
  }
  uv_fs_req_cleanup(&req);
  if (n == 0) fail_msg("no fixtures in %s", dir);
  return n;
}

void run_fixtures_each(const fixture_min_t *m, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    const vg_probe_t *p = vg_probe_find(m[i].id);
    int ran;
    if (p == NULL) fail_msg("probe %s is not registered", m[i].id);
    ran = run_fixtures(p);
    if (ran < m[i].at_least)
      fail_msg("%s: %d fixtures, want at least %d", m[i].id, ran,
               m[i].at_least);
  }
}
