/* run.c: the agent in the foreground - loop, signals, console output. */
#include "run.h"

#include "daemon.h"
#include "textfile.h"
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
  int table_done;     /* the first full table is printed */
  uv_timer_t summary; /* event 120 every summary_interval */
  vg_textfile_t textfile;
  vg_agent_t *agent;
} vg_runner_t;

static uv_mutex_t runner_mutex;
static uv_once_t runner_once = UV_ONCE_INIT;
static vg_runner_t *runner_active;

static void runner_init_mutex(void) { uv_mutex_init(&runner_mutex); }

static void print_table(vg_agent_t *a) {
  vg_view_probe_t probes[VG_VIEW_MAX_PROBES];
  vg_report_view_t view;
  vg_agent_view(a, &view, probes, VG_VIEW_MAX_PROBES);
  vg_cli_print_view(stdout, &view);
  fflush(stdout);
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

/* Event 120: every probe that is not ok, one line each, so a collector
 * attached later learns the state. */
static void write_summary(vg_agent_t *a) {
  vg_ev_finding_t f[128];
  size_t i, n = 0;
  for (i = 0; i < vg_agent_nprobes(a) && n < VG_ARRAY_SIZE(f); i++) {
    const vg_probe_rt_t *rt = vg_agent_probe(a, i);
    if (!rt->enabled || !rt->has_finding) continue;
    f[n].probe_id = rt->probe->id;
    f[n].status = rt->finding.status;
    f[n].summary = rt->finding.summary;
    f[n].remedy = rt->finding.remedy;
    n++;
  }
  vg_events_summary(f, n);
}

static void summary_cb(uv_timer_t *t) {
  vg_runner_t *r = t->data;
  if (r->agent) write_summary(r->agent);
}

static void on_cycle(void *ud, vg_agent_t *a) {
  vg_runner_t *r = ud;
  const vg_settings_t *s = vg_daemon_settings(r->daemon);
  r->table_done = 1;
  r->agent = a;
  write_summary(a);
  if (s->summary_interval_ms > 0)
    uv_timer_start(&r->summary, summary_cb, (uint64_t)s->summary_interval_ms,
                   (uint64_t)s->summary_interval_ms);
  if (r->opts->console) print_table(a);
}

static void on_evaluated(void *ud, vg_agent_t *a, size_t idx) {
  vg_runner_t *r = ud;
  (void)idx;
  vg_textfile_touch(&r->textfile, a);
}

/* Events 110-112: the pre-flight verdict, with each blocking probe's
 * summary and fix. */
static void on_preflight(void *ud, vg_agent_t *a, const vg_preflight_ev_t *ev) {
  vg_ev_finding_t f[VG_BLOCKING_MAX];
  vg_ev_preflight_t p;
  size_t i;
  char t[40];
  (void)ud, (void)a;
  for (i = 0; i < ev->nblocking; i++) {
    f[i].probe_id = ev->blocking[i]->probe->id;
    f[i].status = ev->blocking[i]->finding.status;
    f[i].summary = ev->blocking[i]->finding.summary;
    f[i].remedy = ev->blocking[i]->finding.remedy;
  }
  p.backup_at_ms = ev->at_ms;
  p.task = ev->task;
  p.verdict = vg_verdict_name(ev->verdict);
  p.blocking = f;
  p.nblocking = ev->nblocking;
  p.lead_ms = ev->lead_ms;
  vg_events_preflight(&p);
  fprintf(stderr, "vigil: pre-flight for the backup at %s: %s\n",
          vg_iso8601(ev->at_ms, t, sizeof(t)), p.verdict);
}

/* Event 113: the outcome against the verdict given for it. */
static void on_outcome(void *ud, vg_agent_t *a, const vg_outcome_ev_t *ev) {
  (void)ud, (void)a;
  vg_events_backup_outcome(ev->at_ms, ev->outcome, ev->verdict, NULL, 0,
                           ev->assessment);
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

/* Events 106/107/108: the store failing at run time, recovered, records
 * dropped. */
static void on_store(void *ud, vg_rec_event_t ev, uint64_t n, const char *why) {
  static uint64_t failing_since_ms;
  uint64_t now = uv_hrtime() / 1000000u;
  (void)ud;
  switch (ev) {
  case VG_REC_FAILING:
    failing_since_ms = now;
    vg_events_store_failing(why, (size_t)n);
    break;
  case VG_REC_RECOVERED:
    vg_events_store_recovered((size_t)n, (int64_t)(now - failing_since_ms));
    break;
  case VG_REC_DROPPED: vg_events_records_dropped(n, why); break;
  case VG_REC_REOPENED: vg_events_lifecycle(VG_EV_STORE, why); break;
  }
}

static void stopped_cb(vg_daemon_t *d, void *ud) {
  vg_runner_t *r = ud;
  (void)d;
  uv_close((uv_handle_t *)&r->summary, NULL);
  uv_close((uv_handle_t *)&r->sigint, NULL);
  uv_close((uv_handle_t *)&r->sigterm, NULL);
  uv_close((uv_handle_t *)&r->stop_async, NULL);
}

static void runner_stop(vg_runner_t *r) {
  if (r->stopping) return;
  r->stopping = 1;
  vg_events_lifecycle(VG_EV_STOPPING,
                      "collections still running get up to 10 s; queued "
                      "records are written first");
  uv_timer_stop(&r->summary);
  if (r->agent) vg_textfile_write(&r->textfile, r->agent);
  vg_textfile_close(&r->textfile);
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
  ao.sink.evaluated = on_evaluated;
  ao.sink.preflight = on_preflight;
  ao.sink.outcome = on_outcome;
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
  uv_timer_init(&r.loop, &r.summary);
  r.summary.data = &r;
  vg_textfile_init(&r.textfile, &r.loop, vg_daemon_settings(r.daemon));
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
  vg_events_lifecycle(VG_EV_STOPPED,
                      rc == 0 ? "clean stop, every record written"
                              : "every record written; probe collections "
                                "still stuck in the OS were abandoned");
  vg_events_close();
  return 0;
}
