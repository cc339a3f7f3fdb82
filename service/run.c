/* run.c: the agent in the foreground - loop, signals, console output. */
#include "run.h"

#include "daemon.h"
#include "render.h"
#include "platform.h"
#include "report.h"
#include "eventlog.h"
#include "vg.h"

#include <uv.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct vg_runner_s {
  uv_loop_t loop;
  uv_signal_t sigint, sigterm;
  uv_async_t stop_async;
  vg_daemon_t *daemon;
  const vg_run_opts_t *opts;
  int stopping;
  int table_done; /* the first full table is printed */
} vg_runner_t;

static uv_mutex_t runner_mutex;
static uv_once_t runner_once = UV_ONCE_INIT;
static vg_runner_t *runner_active;

static void runner_init_mutex(void) { uv_mutex_init(&runner_mutex); }

static void print_table(vg_agent_t *a) {
  vg_jw_t w;
  char *text;
  size_t len;
  vg_json_t *doc = NULL;
  char err[128];
  vg_jw_init(&w);
  vg_jw_obj_begin(&w);
  vg_agent_report(a, &w);
  vg_jw_obj_end(&w);
  text = vg_jw_steal(&w, &len);
  if (text && vg_json_parse(text, len, &doc, err, sizeof(err)) == 0) {
    vg_cli_print_report(stdout, doc);
    fflush(stdout);
  }
  vg_json_free(doc);
  free(text);
}

/* The runtime's outputs in the foreground: the Event Log for what the
 * judge reports, the console for people. */
static void on_change(void *ud, vg_agent_t *a, const vg_judged_t *c) {
  vg_runner_t *r = ud;
  char t[40];
  if (c->alert) vg_events_alert(c->alert);
  if (!r->opts->console || !r->table_done) return;
  printf("%s  %-18s %s -> %s: %s\n", vg_iso8601(vg_agent_now(a), t, sizeof(t)),
         c->rt->probe->id, vg_status_name(c->old_status),
         vg_status_name(c->rt->finding.status), c->rt->finding.summary);
  fflush(stdout);
}

static void on_alert(void *ud, vg_agent_t *a, const vg_alert_t *al) {
  (void)ud, (void)a;
  vg_events_alert(al);
}

static void on_cycle(void *ud, vg_agent_t *a) {
  vg_runner_t *r = ud;
  r->table_done = 1;
  if (r->opts->console) print_table(a);
}

/* vigil.ini re-read: what was done, and each problem (event 103). */
static void on_config(void *ud, const vg_config_t *cfg, const char *what) {
  size_t i;
  (void)ud;
  if (cfg->nwarnings == 0) {
    fprintf(stderr, "vigil: %s\n", what);
    return;
  }
  vg_events_lifecycle(VG_EV_CONFIG, what);
  for (i = 0; i < cfg->nwarnings; i++)
    vg_events_lifecycle(VG_EV_CONFIG, cfg->warnings[i]);
}

static void on_store(void *ud, vg_rec_event_t ev, uint64_t n, const char *why) {
  char line[700];
  (void)ud;
  switch (ev) {
  case VG_REC_FAILING:
    snprintf(line, sizeof(line),
             "cannot write to the database: %s; keeping %llu records in "
             "memory and retrying",
             why, (unsigned long long)n);
    break;
  case VG_REC_RECOVERED:
    snprintf(line, sizeof(line), "database writable again; %llu records saved",
             (unsigned long long)n);
    break;
  case VG_REC_DROPPED:
    snprintf(line, sizeof(line),
             "records dropped: %s (oldest samples first; state changes are "
             "kept)",
             why);
    break;
  }
  vg_events_lifecycle(VG_EV_STORE, line);
}

static void stopped_cb(vg_daemon_t *d, void *ud) {
  vg_runner_t *r = ud;
  (void)d;
  uv_close((uv_handle_t *)&r->sigint, NULL);
  uv_close((uv_handle_t *)&r->sigterm, NULL);
  uv_close((uv_handle_t *)&r->stop_async, NULL);
}

static void runner_stop(vg_runner_t *r) {
  if (r->stopping) return;
  r->stopping = 1;
  vg_events_lifecycle(VG_EV_STOPPING, "Vigil is stopping");
  if (r->opts->hooks && r->opts->hooks->stopping)
    r->opts->hooks->stopping(r->opts->hooks->ud, VG_STOP_GRACE_MS + 5000);
  vg_daemon_stop(r->daemon, VG_STOP_GRACE_MS, stopped_cb, r);
}

static void signal_cb(uv_signal_t *s, int signum) {
  (void)signum;
  runner_stop(s->data);
}

static void stop_async_cb(uv_async_t *h) { runner_stop(h->data); }

void vg_run_request_stop(void) {
  uv_once(&runner_once, runner_init_mutex);
  uv_mutex_lock(&runner_mutex);
  if (runner_active) uv_async_send(&runner_active->stop_async);
  uv_mutex_unlock(&runner_mutex);
}

int vg_run(const vg_run_opts_t *o, char *err, size_t errsz) {
  vg_runner_t r;
  vg_daemon_opts_t ao;
  const char *const *notes;
  size_t i, nnotes;
  int rc;
  char line[700];

  memset(&r, 0, sizeof(r));
  r.opts = o;
  uv_once(&runner_once, runner_init_mutex);
  vg_events_open();
  rc = vg_platform_mkdir(o->home);
  if (rc != 0) {
    snprintf(err, errsz, "cannot create the data folder %s: %s", o->home,
             vg_strerror(rc));
    vg_events_lifecycle(VG_EV_START_FAILED, err);
    vg_events_close();
    return rc;
  }
  if (uv_loop_init(&r.loop) != 0) {
    snprintf(err, errsz, "cannot create the event loop");
    vg_events_lifecycle(VG_EV_START_FAILED, err);
    vg_events_close();
    return VG_EIO;
  }
  memset(&ao, 0, sizeof(ao));
  ao.home = o->home;
  ao.pipe_name = o->pipe;
  ao.sink.change = on_change;
  ao.sink.alert = on_alert;
  ao.sink.cycle = on_cycle;
  ao.sink.ud = &r;
  ao.store_event = on_store;
  ao.on_config = on_config;
  rc = vg_daemon_start(&r.daemon, &r.loop, &ao, err, errsz);
  if (rc != 0) {
    uv_run(&r.loop, UV_RUN_DEFAULT);
    uv_loop_close(&r.loop);
    vg_events_lifecycle(VG_EV_START_FAILED, err);
    vg_events_close();
    return rc;
  }
  nnotes = vg_daemon_notes(r.daemon, &notes);
  for (i = 0; i < nnotes; i++)
    vg_events_lifecycle(
        strstr(notes[i], "database") ? VG_EV_STORE : VG_EV_CONFIG, notes[i]);
  uv_signal_init(&r.loop, &r.sigint);
  uv_signal_init(&r.loop, &r.sigterm);
  uv_async_init(&r.loop, &r.stop_async, stop_async_cb);
  r.sigint.data = r.sigterm.data = r.stop_async.data = &r;
  uv_signal_start(&r.sigint, signal_cb, SIGINT);
  uv_signal_start(&r.sigterm, signal_cb, SIGTERM);
  uv_mutex_lock(&runner_mutex);
  runner_active = &r;
  uv_mutex_unlock(&runner_mutex);

  snprintf(line, sizeof(line),
           "Vigil %s started; data folder %s, query pipe %s", VG_VERSION,
           o->home, o->pipe ? o->pipe : "(none)");
  vg_events_lifecycle(VG_EV_STARTED, line);
  if (o->hooks && o->hooks->started) o->hooks->started(o->hooks->ud);

  uv_run(&r.loop, UV_RUN_DEFAULT);

  uv_mutex_lock(&runner_mutex);
  runner_active = NULL;
  uv_mutex_unlock(&runner_mutex);
  rc = uv_loop_close(&r.loop);
  vg_events_lifecycle(VG_EV_STOPPED, rc == 0 ? "Vigil stopped"
                                             : "Vigil stopped (probe "
                                               "workers abandoned)");
  vg_events_close();
  return 0;
}
