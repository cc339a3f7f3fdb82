/* protocol.c: the query protocol (docs/protocol.md) - one JSON request per
 * line, one JSON response per line. */
#include "protocol.h"

#include "probe.h"
#include "rows.h"
#include "timefmt.h"
#include "vg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VG_STATUS_REQUEST "{\"cmd\":\"status\"}"

static void proto_error(vg_jw_t *w, const char *fmt, ...) VG_PRINTF(2, 3);

static void proto_error(vg_jw_t *w, const char *fmt, ...) {
  char msg[512], *c;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  /* Echoed request text must not break the one-line message. */
  for (c = msg; *c; c++)
    if ((unsigned char)*c < 0x20) *c = '?';
  vg_jw_kbool(w, "ok", 0);
  vg_jw_kstr(w, "error", msg);
}

/* Reads "since" (a span like "24h" or an ISO time) and "limit". */
static int proto_window(const vg_query_t *q, const vg_json_t *req,
                        const char *def, int64_t *since, int *limit,
                        vg_jw_t *w) {
  const vg_json_t *js = vg_json_get(req, "since");
  const vg_json_t *jl = vg_json_get(req, "limit");
  const char *s = def;
  int64_t l = VG_HISTORY_DEFAULT_LIMIT;
  if (js) {
    s = vg_json_str(js);
    if (s == NULL) {
      proto_error(w, "'since' must be a string like \"24h\", \"7d\" or "
                     "\"2026-11-24T00:00:00Z\"");
      return -1;
    }
  }
  if (vg_parse_since(s, q->now_ms(q->ud), since) != 0) {
    proto_error(w,
                "'since' value '%.40s' is not understood; use \"24h\", "
                "\"7d\" or \"2026-11-24T00:00:00Z\"",
                s);
    return -1;
  }
  if (jl && (vg_json_int(jl, &l) != 0 || l < 1 || l > VG_HISTORY_MAX_LIMIT)) {
    proto_error(w, "'limit' must be a whole number from 1 to %d",
                VG_HISTORY_MAX_LIMIT);
    return -1;
  }
  *limit = (int)l;
  return 0;
}

static void cmd_history(const vg_query_t *q, const vg_json_t *req, vg_jw_t *w) {
  const char *probe = vg_json_get_str(req, "probe");
  int64_t since;
  int limit;
  if (probe == NULL) {
    proto_error(w, "'history' needs \"probe\": one of the probe ids");
    return;
  }
  if (vg_probe_find(probe) == NULL) {
    proto_error(w, "unknown probe '%.60s'", probe);
    return;
  }
  if (proto_window(q, req, "7d", &since, &limit, w)) return;
  if (q->store(q->ud) == NULL) {
    proto_error(w, "history is kept only by the running service");
    return;
  }
  q->flush(q->ud); /* with what is recorded, including this cycle; a
                    * failing store answers with what it has at once */
  vg_jw_kbool(w, "ok", 1);
  vg_jw_kstr(w, "probe", probe);
  vg_jw_key(w, "samples");
  vg_jw_arr_begin(w);
  {
    int rc = vg_store_history(q->store(q->ud), probe, since, limit,
                              vg_sample_row, w);
    if (rc != 0) w->err = rc < 0 ? rc : VG_ESTORE;
  }
  vg_jw_arr_end(w);
}

static void cmd_events(const vg_query_t *q, const vg_json_t *req, vg_jw_t *w) {
  const char *probe = vg_json_get_str(req, "probe");
  int64_t since;
  int limit;
  if (probe && vg_probe_find(probe) == NULL) {
    proto_error(w, "unknown probe '%.60s'", probe);
    return;
  }
  if (proto_window(q, req, "24h", &since, &limit, w)) return;
  if (q->store(q->ud) == NULL) {
    proto_error(w, "events are kept only by the running service");
    return;
  }
  q->flush(q->ud);
  vg_jw_kbool(w, "ok", 1);
  vg_jw_key(w, "events");
  vg_jw_arr_begin(w);
  {
    int rc = vg_store_changes(q->store(q->ud), probe, since, limit,
                              vg_change_row, w);
    if (rc != 0) w->err = rc < 0 ? rc : VG_ESTORE;
  }
  vg_jw_arr_end(w);
}

/* Scheduled backups with the verdict given before each and the outcome,
 * plus the score over them. */
static void cmd_backups(const vg_query_t *q, const vg_json_t *req, vg_jw_t *w) {
  int64_t since;
  int limit;
  if (proto_window(q, req, "30d", &since, &limit, w)) return;
  if (q->store(q->ud) == NULL) {
    proto_error(w, "backups are kept only by the running service");
    return;
  }
  q->flush(q->ud);
  vg_jw_kbool(w, "ok", 1);
  vg_jw_key(w, "backups");
  vg_jw_arr_begin(w);
  {
    int rc = vg_store_backups(q->store(q->ud), since, limit, vg_backup_row, w);
    if (rc != 0) w->err = rc < 0 ? rc : VG_ESTORE;
  }
  vg_jw_arr_end(w);
}

static void cmd_run(const vg_query_t *q, const vg_peer_t *peer,
                    const vg_json_t *req, vg_jw_t *w) {
  const vg_json_t *probes = vg_json_get(req, "probes");
  uint64_t *after; /* per probe of the table; 0: not scheduled */
  size_t i, n;
  if (!peer->privileged) {
    proto_error(w, "'run' requires Administrators; run the command from an "
                   "elevated prompt");
    return;
  }
  if (probes && vg_json_type(probes) != VG_JSON_ARRAY) {
    proto_error(w, "'probes' must be an array of probe ids");
    return;
  }
  n = probes ? vg_json_len(probes) : 0;
  for (i = 0; i < n; i++) {
    const char *id = vg_json_str(vg_json_at(probes, i));
    if (id == NULL || vg_probe_find(id) == NULL) {
      proto_error(w, "unknown probe '%.60s'", id ? id : "(not a string)");
      return;
    }
  }
  after = calloc(vg_nprobes ? vg_nprobes : 1, sizeof(*after));
  if (after == NULL) {
    proto_error(w, "out of memory; try again");
    return;
  }
  vg_jw_kbool(w, "ok", 1);
  /* "scheduled": the ids; "checks": for each, the "checks" count its
   * status shows once a collection started after this request is done. */
  for (i = 0; i < vg_nprobes; i++) {
    const char *id = vg_probes[i]->id;
    size_t k;
    int want = n == 0;
    for (k = 0; k < n && !want; k++)
      want = strcmp(vg_json_str(vg_json_at(probes, k)), id) == 0;
    if (want && q->run_now(q->ud, id, &after[i]) > 0 && after[i] == 0)
      after[i] = 1; /* scheduled all the same */
  }
  vg_jw_key(w, "scheduled");
  vg_jw_arr_begin(w);
  for (i = 0; i < vg_nprobes; i++)
    if (after[i]) vg_jw_str(w, vg_probes[i]->id);
  vg_jw_arr_end(w);
  vg_jw_key(w, "checks");
  vg_jw_obj_begin(w);
  for (i = 0; i < vg_nprobes; i++)
    if (after[i]) vg_jw_kint(w, vg_probes[i]->id, (int64_t)after[i]);
  vg_jw_obj_end(w);
  free(after);
}

void vg_protocol_handle(const vg_query_t *q, const vg_peer_t *peer,
                        const char *line, size_t len, vg_jw_t *w) {
  vg_json_t *req = NULL;
  char perr[160];
  const char *cmd;
  const vg_json_t *id;

  vg_jw_obj_begin(w);
  /* The request every client sends most: answered without parsing, the
   * same answer as the parsed form below. */
  if (len == sizeof(VG_STATUS_REQUEST) - 1 &&
      memcmp(line, VG_STATUS_REQUEST, len) == 0) {
    vg_jw_kbool(w, "ok", 1);
    q->report(q->ud, w);
    vg_jw_obj_end(w);
    return;
  }
  if (vg_json_parse(line, len, &req, perr, sizeof(perr)) != 0) {
    proto_error(w,
                "request is not valid JSON (%s); send one object per "
                "line like {\"cmd\":\"status\"}",
                perr);
    vg_jw_obj_end(w);
    return;
  }
  if (vg_json_type(req) != VG_JSON_OBJECT) {
    proto_error(w, "request must be a JSON object like {\"cmd\":\"status\"}");
    goto done;
  }
  id = vg_json_get(req, "id");
  if (id) {
    vg_jw_key(w, "id");
    vg_jw_value(w, id);
  }
  cmd = vg_json_get_str(req, "cmd");
  if (cmd == NULL) {
    proto_error(w, "request has no \"cmd\" string; commands: status, "
                   "history, events, backups, run, version");
  } else if (strcmp(cmd, "status") == 0) {
    vg_jw_kbool(w, "ok", 1);
    q->report(q->ud, w);
  } else if (strcmp(cmd, "history") == 0) {
    cmd_history(q, req, w);
  } else if (strcmp(cmd, "events") == 0) {
    cmd_events(q, req, w);
  } else if (strcmp(cmd, "run") == 0) {
    cmd_run(q, peer, req, w);
  } else if (strcmp(cmd, "backups") == 0) {
    cmd_backups(q, req, w);
  } else if (strcmp(cmd, "version") == 0) {
    vg_jw_kbool(w, "ok", 1);
    vg_jw_kstr(w, "version", VG_VERSION);
    vg_jw_kint(w, "protocol", VG_PROTOCOL_VERSION);
    vg_jw_kint(w, "schema", VG_STORE_SCHEMA_VERSION);
  } else {
    proto_error(w,
                "unknown command '%.40s'; commands: status, history, "
                "events, backups, run, version",
                cmd);
  }
done:
  vg_jw_obj_end(w);
  vg_json_free(req);
}

void vg_protocol_server_cb(void *ud, const vg_peer_t *peer, const char *line,
                           size_t len, vg_jw_t *resp) {
  vg_protocol_handle(ud, peer, line, len, resp);
}
