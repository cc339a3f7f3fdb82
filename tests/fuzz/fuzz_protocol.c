/* fuzz_protocol.c: libFuzzer target for the query protocol: any request line
 * gets exactly one JSON object back with "ok", and an "error" when not ok. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "json.h"
#include "server.h"
#include "vg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void vg_protocol_handle(vg_agent_t *a, const vg_peer_t *peer,
                        const char *line, size_t len, vg_jw_t *resp);

static uv_loop_t fuzz_loop;
static vg_agent_t *fuzz_agent;

/* One agent (no store, no pipe) serves every input. */
static vg_agent_t *fuzz_agent_get(void) {
  vg_agent_opts_t o;
  char err[200];
  if (fuzz_agent) return fuzz_agent;
  memset(&o, 0, sizeof(o));
  o.mode = VG_AGENT_ONCE;
  o.home = "/nonexistent-vigil-fuzz";
  uv_loop_init(&fuzz_loop);
  if (vg_agent_start(&fuzz_agent, &fuzz_loop, &o, err, sizeof(err)) != 0)
    abort();
  return fuzz_agent;
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
  vg_protocol_handle(fuzz_agent_get(), &peer, (const char *)data, size, &w);
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
