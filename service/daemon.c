/* daemon.c: wiring of a running agent - config -> settings -> store ->
 * recorder -> runtime -> query server (see daemon.h). */
#include "daemon.h"

#include "server.h"
#include "vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VG_NOTES_MAX 40
/* vigil.ini is watched by change notifications on its folder (a look
 * VG_INI_SETTLE_MS after the last one); a slow poll stays as a safety net
 * (folders where notifications are missed), the old fast one where
 * notifications cannot be had. A look is a stat on the loop thread
 * (microseconds; no worker, no extra wake-up), the file read only when
 * its size or times moved. */
#define VG_INI_POLL_MS 5000
#define VG_INI_NET_POLL_MS 60000
#define VG_INI_SETTLE_MS 200
#define VG_RETIRED_MAX 8

struct vg_daemon_s {
  uv_loop_t *loop;
  vg_config_t *cfg; /* in effect (heap: replaced on reload) */
  vg_config_t *retired[VG_RETIRED_MAX]; /* replaced, freed when safe */
  vg_config_t *pending; /* a valid new one waiting for workers to finish */
  vg_settings_t set;
  uv_timer_t ini_watch;    /* the poll: a stat on the loop, no worker */
  uv_fs_event_t ini_event; /* the folder of vigil.ini */
  uv_timer_t ini_settle;   /* a look after notifications calm down */
  uv_stat_t ini_stat;      /* as last read (zeros: absent) */
  uv_timer_t retry;
  char ini_path[1200];
  vg_config_cb on_config;
  void *on_config_ud;
  vg_store_t *store;
  vg_recorder_t *rec;
  vg_agent_t *agent;
  vg_server_t *server;
  vg_query_t query;
  const char *notes[VG_NOTES_MAX];
  size_t nnotes;
  char store_note[600];
  int agent_done;
  int closing; /* handles still closing */
  void (*done)(vg_daemon_t *d, void *ud);
  void *done_ud;
};

/* ------------------------------------------------------------- queries */

static int64_t q_now(void *ud) {
  vg_daemon_t *d = ud;
  return vg_agent_now(d->agent);
}

static void q_report(void *ud, vg_jw_t *w) {
  vg_daemon_t *d = ud;
  vg_agent_report(d->agent, w);
}

static vg_store_t *q_store(void *ud) {
  vg_daemon_t *d = ud;
  return d->store;
}

/* Reads write what is queued first - unless the store is failing or
 * locked: then the answer comes at once from what is there. */
static int q_flush(void *ud) {
  vg_daemon_t *d = ud;
  if (vg_recorder_failing(d->rec)) return VG_ESTORE;
  return vg_daemon_flush(d);
}

static int q_run_now(void *ud, const char *id, uint64_t *checks) {
  vg_daemon_t *d = ud;
  return vg_agent_run_now(d->agent, id, checks);
}

/* --------------------------------------------------------------- start */

static void note(vg_daemon_t *d, const char *text) {
  if (d->nnotes < VG_NOTES_MAX) d->notes[d->nnotes++] = text;
}

static void config_release(vg_config_t *c) {
  if (c == NULL) return;
  vg_config_free(c);
  free(c);
}

static void daemon_free(vg_daemon_t *d) {
  size_t i;
  config_release(d->cfg);
  config_release(d->pending);
  for (i = 0; i < VG_RETIRED_MAX; i++)
    config_release(d->retired[i]);
  free(d);
}

/* ------------------------------------------------------------- reload */

/* Puts the pending configuration in effect once no worker reads the old
 * one; the old one is kept until then too. */
static void retry_cb(uv_timer_t *t);

static void reload_apply(vg_daemon_t *d) {
  vg_settings_t set;
  size_t i;
  if (d->pending == NULL) return;
  if (vg_agent_inflight(d->agent) > 0) {
    uv_timer_start(&d->retry, retry_cb, 500, 0);
    return;
  }
  vg_config_settings(d->pending, &set);
  d->set = set;
  if (vg_agent_reconfigure(d->agent, d->pending) != 0) return;
  for (i = 0; i < VG_RETIRED_MAX; i++)
    config_release(d->retired[i]);
  memset(d->retired, 0, sizeof(d->retired));
  d->retired[0] = d->cfg;
  d->cfg = d->pending;
  d->pending = NULL;
  if (d->on_config)
    d->on_config(d->on_config_ud, d->cfg,
                 "vigil.ini changed; the new settings are in effect");
}

static void retry_cb(uv_timer_t *t) { reload_apply(t->data); }

/* vigil.ini's size and times now (zeros when it is absent). */
static void ini_stat_now(const vg_daemon_t *d, uv_stat_t *st) {
  uv_fs_t req;
  memset(st, 0, sizeof(*st));
  if (uv_fs_stat(NULL, &req, d->ini_path, NULL) == 0) *st = req.statbuf;
  uv_fs_req_cleanup(&req);
}

static int ini_same(const uv_stat_t *a, const uv_stat_t *b) {
  return a->st_size == b->st_size && a->st_ino == b->st_ino &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
         a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
         a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
         a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* vigil.ini changed (or appeared, or went away): read it; a file with
 * problems keeps the settings in effect and says why. */
static void ini_reload(vg_daemon_t *d) {
  vg_config_t *c;
  uv_stat_t st;
  ini_stat_now(d, &st);
  if (ini_same(&st, &d->ini_stat)) return; /* a neighbour changed */
  d->ini_stat = st;
  c = malloc(sizeof(*c));
  if (c == NULL) return;
  vg_config_init(c);
  vg_config_load(c, d->ini_path);
  if (c->nwarnings > 0) {
    if (d->on_config)
      d->on_config(d->on_config_ud, c,
                   "vigil.ini changed but has problems; the settings in "
                   "effect stay until it is fixed");
    config_release(c);
    return;
  }
  config_release(d->pending);
  d->pending = c;
  reload_apply(d);
}

static void ini_polled_cb(uv_timer_t *t) { ini_reload(t->data); }

static void ini_settle_cb(uv_timer_t *t) { ini_reload(t->data); }

/* Case-insensitive: the folder is on NTFS under Windows. */
static int is_ini_name(const char *name) {
  const char *w = "vigil.ini";
  for (; *name && *w; name++, w++)
    if ((*name >= 'A' && *name <= 'Z' ? *name + 32 : *name) != *w) return 0;
  return *name == '\0' && *w == '\0';
}

/* Something in the folder changed: look at vigil.ini once the writes
 * calm down (an editor saves in several steps). */
static void ini_event_cb(uv_fs_event_t *h, const char *name, int events,
                         int status) {
  vg_daemon_t *d = h->data;
  (void)events;
  if (status == 0 && name != NULL && !is_ini_name(name)) return;
  uv_timer_start(&d->ini_settle, ini_settle_cb, VG_INI_SETTLE_MS, 0);
}

/* Watches vigil.ini: notifications on its folder where they can be had,
 * and a poll (slow beside notifications, else every VG_INI_POLL_MS). */
static void ini_watch_start(vg_daemon_t *d) {
  char dir[sizeof(d->ini_path)];
  char *slash;
  uint64_t poll = VG_INI_POLL_MS;
  uv_timer_init(d->loop, &d->ini_watch);
  uv_fs_event_init(d->loop, &d->ini_event);
  uv_timer_init(d->loop, &d->ini_settle);
  d->ini_watch.data = d->ini_event.data = d->ini_settle.data = d;
  ini_stat_now(d, &d->ini_stat);
  vg_strlcpy(dir, d->ini_path, sizeof(dir));
  slash = strrchr(dir, '/');
  if (strrchr(dir, '\\') > slash) slash = strrchr(dir, '\\');
  if (slash != NULL) {
    slash[slash == dir ? 1 : 0] = '\0';
    if (uv_fs_event_start(&d->ini_event, ini_event_cb, dir, 0) == 0)
      poll = VG_INI_NET_POLL_MS;
  }
  uv_timer_start(&d->ini_watch, ini_polled_cb, poll, poll);
}

int vg_daemon_start(vg_daemon_t **out, uv_loop_t *loop,
                    const vg_daemon_opts_t *o, char *err, size_t errsz) {
  vg_daemon_t *d = calloc(1, sizeof(*d));
  vg_agent_opts_t ao;
  char path[1200];
  const char *home = o->home ? o->home : ".";
  size_t i;
  int rc;
  *out = NULL;
  if (d == NULL) {
    snprintf(err, errsz, "out of memory");
    return VG_ENOMEM;
  }
  d->loop = loop;
  d->on_config = o->on_config;
  d->on_config_ud = o->on_config_ud;
  d->cfg = malloc(sizeof(*d->cfg));
  if (d->cfg == NULL) {
    free(d);
    snprintf(err, errsz, "out of memory");
    return VG_ENOMEM;
  }
  vg_config_init(d->cfg);
  vg_config_load_home(d->cfg, home);
  vg_strlcpy(d->ini_path, d->cfg->path, sizeof(d->ini_path));
  for (i = 0; i < d->cfg->nwarnings; i++)
    note(d, d->cfg->warnings[i]);
  vg_config_settings(d->cfg, &d->set);

  snprintf(path, sizeof(path), "%s/vigil.db", home);
  rc = vg_store_open(path, &d->store, d->store_note, sizeof(d->store_note), err,
                     errsz);
  if (rc != 0) {
    daemon_free(d);
    return rc;
  }
  if (d->store_note[0]) note(d, d->store_note);
  rc = vg_recorder_init(&d->rec, loop, d->store, d->set.retention_ms,
                        o->store_event, o->store_event_ud);
  if (rc != 0) {
    snprintf(err, errsz, "out of memory");
    vg_store_close(d->store);
    daemon_free(d);
    return rc;
  }
  memset(&ao, 0, sizeof(ao));
  ao.mode = VG_AGENT_DAEMON;
  ao.cfg = d->cfg;
  ao.settings = &d->set;
  ao.os = o->os;
  ao.clock = o->clock;
  ao.seed = o->seed;
  ao.store = d->store;
  ao.recorder = d->rec;
  ao.sink = o->sink;
  rc = vg_agent_start(&d->agent, loop, &ao, err, errsz);
  if (rc == 0 && o->pipe_name) {
    d->query.ud = d;
    d->query.now_ms = q_now;
    d->query.report = q_report;
    d->query.store = q_store;
    d->query.flush = q_flush;
    d->query.run_now = q_run_now;
    rc = vg_server_start(&d->server, loop, o->pipe_name, vg_protocol_server_cb,
                         &d->query, err, errsz);
    if (rc != 0) {
      /* Nothing ran yet: stop the runtime and unwind synchronously enough
       * for the caller's uv_run to close the handles. */
      vg_agent_stop(d->agent, 0, NULL, NULL);
      d->agent = NULL;
    }
  }
  if (rc != 0) {
    vg_recorder_close(d->rec);
    vg_store_close(d->store);
    daemon_free(d);
    return rc;
  }
  uv_timer_init(loop, &d->retry);
  d->retry.data = d;
  ini_watch_start(d);
  *out = d;
  return 0;
}

/* ---------------------------------------------------------------- stop */

static void maybe_done_final(vg_daemon_t *d);

static void watch_closed_cb(uv_handle_t *h) {
  vg_daemon_t *d = h->data;
  if (--d->closing > 0) return;
  maybe_done_final(d);
}

static void maybe_done(vg_daemon_t *d) {
  if (d->server || !d->agent_done || d->closing) return;
  d->closing = 4;
  uv_close((uv_handle_t *)&d->ini_watch, watch_closed_cb);
  uv_close((uv_handle_t *)&d->ini_event, watch_closed_cb);
  uv_close((uv_handle_t *)&d->ini_settle, watch_closed_cb);
  uv_close((uv_handle_t *)&d->retry, watch_closed_cb);
}

static void maybe_done_final(vg_daemon_t *d) {
  vg_recorder_close(d->rec); /* flushes */
  vg_store_close(d->store);
  d->store = NULL;
  if (d->done) d->done(d, d->done_ud);
  daemon_free(d);
}

static void server_closed_cb(void *ud) {
  vg_daemon_t *d = ud;
  d->server = NULL;
  maybe_done(d);
}

static void agent_stopped_cb(vg_agent_t *a, void *ud) {
  vg_daemon_t *d = ud;
  (void)a;
  d->agent_done = 1;
  maybe_done(d);
}

void vg_daemon_stop(vg_daemon_t *d, uint64_t grace_ms,
                    void (*done)(vg_daemon_t *d, void *ud), void *ud) {
  d->done = done;
  d->done_ud = ud;
  uv_timer_stop(&d->ini_watch);
  uv_fs_event_stop(&d->ini_event);
  uv_timer_stop(&d->ini_settle);
  uv_timer_stop(&d->retry);
  if (d->server) vg_server_close(d->server, server_closed_cb, d);
  vg_agent_stop(d->agent, grace_ms, agent_stopped_cb, d);
}

/* ----------------------------------------------------------- accessors */

size_t vg_daemon_notes(const vg_daemon_t *d, const char *const **notes) {
  *notes = d->notes;
  return d->nnotes;
}

vg_agent_t *vg_daemon_agent(vg_daemon_t *d) { return d->agent; }
const vg_config_t *vg_daemon_config(const vg_daemon_t *d) { return d->cfg; }
const vg_settings_t *vg_daemon_settings(const vg_daemon_t *d) {
  return &d->set;
}
const vg_query_t *vg_daemon_query(const vg_daemon_t *d) { return &d->query; }

int vg_daemon_flush(vg_daemon_t *d) {
  return vg_recorder_flush(d->rec, vg_agent_now(d->agent));
}
