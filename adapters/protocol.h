/* protocol.h: the query protocol (docs/protocol.md) - one JSON request per
 * line, one JSON response per line - over a small query interface, so the
 * protocol never sees the agent itself. Loop thread. */
#ifndef VG_PROTOCOL_H
#define VG_PROTOCOL_H

#include "json.h"
#include "server.h"
#include "store.h"

#include <stddef.h>
#include <stdint.h>

#define VG_PROTOCOL_VERSION 1
#define VG_HISTORY_DEFAULT_LIMIT 500
#define VG_HISTORY_MAX_LIMIT 10000 /* rows one history/events answer holds */

/* What the protocol may ask of whoever answers it (the agent's wiring). */
typedef struct vg_query_s {
  void *ud;
  /* Wall clock, unix ms. */
  int64_t (*now_ms)(void *ud);
  /* Writes the report's members (interface.md) into an open object. */
  void (*report)(void *ud, vg_jw_t *w);
  /* The store for history/events, or NULL when none is kept. */
  vg_store_t *(*store)(void *ud);
  /* Writes queued records so an answer includes this cycle. 0 or VG_E*. */
  int (*flush)(void *ud);
  /* Makes probe id due now: >0 scheduled, 0 disabled, VG_ENOENT unknown;
   * *checks: the probe's "checks" count once a collection started after
   * this call is done. */
  int (*run_now)(void *ud, const char *id, uint64_t *checks);
} vg_query_t;

/* Handles one request line; writes one response object into resp. */
void vg_protocol_handle(const vg_query_t *q, const vg_peer_t *peer,
                        const char *line, size_t len, vg_jw_t *resp);

/* The server handler (server.h) for ud = a const vg_query_t *. */
void vg_protocol_server_cb(void *ud, const vg_peer_t *peer, const char *line,
                           size_t len, vg_jw_t *resp);

#endif /* VG_PROTOCOL_H */
