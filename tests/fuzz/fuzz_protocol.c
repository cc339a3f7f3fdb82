/* fuzz_protocol.c: libFuzzer target for the query protocol: any request line
 * gets exactly one JSON object back with "ok", and an "error" when not ok. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "json.h"
#include "protocol.h"
#include "server.h"
#include "vg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uv_loop_t fuzz_loop;
static vg_agent_t *fuzz_agent;
static vg_config_t fuzz_cfg;
static vg_settings_t fuzz_set;
static vg_query_t fuzz_query;

static int64_t fq_now(void *ud) { return vg_agent_now(ud); }
static void fq_report(void *ud, vg_jw_t *w) { vg_agent_report(ud, w); }
static vg_store_t *fq_store(void *ud) {
  (void)ud;
  return NULL;
}
static int fq_flush(void *ud) {
  (void)ud;
  return 0;
}
static int fq_run_now(void *ud, const char *id, uint64_t *checks) {
  return vg_agent_run_now(ud, id, checks);
}

/* One agent (no store, no pipe) serves every input. */
static const vg_query_t *fuzz_query_get(void) {
  vg_agent_opts_t o;
  char err[200];
  if (fuzz_agent) return &fuzz_query;
  vg_config_init(&fuzz_cfg);
  vg_config_settings(&fuzz_cfg, &fuzz_set);
  memset(&o, 0, sizeof(o));
  o.mode = VG_AGENT_ONCE;
  o.cfg = &fuzz_cfg;
  o.settings = &fuzz_set;
  uv_loop_init(&fuzz_loop);
  if (vg_agent_start(&fuzz_agent, &fuzz_loop, &o, err, sizeof(err)) != 0)
    abort();
  fuzz_query.ud = fuzz_agent;
  fuzz_query.now_ms = fq_now;
  fuzz_query.report = fq_report;
  fuzz_query.store = fq_store;
  fuzz_query.flush = fq_flush;
  fuzz_query.run_now = fq_run_now;
  return &fuzz_query;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  vg_peer_t peer = {(int)(size & 1)};
  vg_jw_t w;
  vg_json_t *doc = NULL;
  char err[128], *text;
  size_t len;
  const char *cmd;

  if (size > VG_REQUEST_MAX) return 0;
  vg_jw_init(&w);
  vg_protocol_handle(fuzz_query_get(), &peer, (const char *)data, size, &w);
  text = vg_jw_steal(&w, &len);
  if (text == NULL) abort();
  if (vg_json_parse(text, len, &doc, err, sizeof(err)) != 0) abort();
  if (vg_json_get(doc, "ok") == NULL) abort();
  cmd = vg_json_get_str(doc, "error");
  {
    int ok = 0;
    vg_json_bool(vg_json_get(doc, "ok"), &ok);
    if (!ok && (cmd == NULL || strchr(cmd, '\n'))) abort();
  }
  vg_json_free(doc);
  free(text);
  return 0;
}
