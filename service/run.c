/* run.c: the agent in the foreground - loop, signals, console output. */
#include "run.h"

#include "agent.h"
#include "alerts.h"
#include "cli.h"
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
  uv_timer_t settle; /* flood control: when a held probe may settle */
  vg_alerts_t alerts;
  vg_agent_t *agent;
  const vg_run_opts_t *opts;
  int stopping;
  int first_table_done;
} vg_runner_t;

static uv_mutex_t runner_mutex;
static uv_once_t runner_once = UV_ONCE_INIT;
static vg_runner_t *runner_active;

static void runner_init_mutex(void) { uv_mutex_init(&runner_mutex); }

static void print_table(vg_runner_t *r) {
  vg_jw_t w;
  char *text;
  size_t len;
  vg_json_t *doc = NULL;
  char err[128];
  vg_jw_init(&w);
  vg_jw_obj_begin(&w);
  vg_agent_report(r->agent, &w);
  vg_jw_obj_end(&w);
  text = vg_jw_steal(&w, &len);
  if (text && vg_json_parse(text, len, &doc, err, sizeof(err)) == 0) {
    vg_cli_print_report(stdout, doc);
    fflush(stdout);
  }
  vg_json_free(doc);
  free(text);
}

static void settle_cb(uv_timer_t *t);

/* Arms the settle timer for the earliest held probe, if any. */
static void settle_rearm(vg_runner_t *r) {
  int64_t due;
  if (r->stopping) return;
  due = vg_alerts_next_settle(&r->alerts, vg_agent_now(r->agent));
  if (due >= 0) uv_timer_start(&r->settle, settle_cb, (uint64_t)due + 1, 0);
  else uv_timer_stop(&r->settle);
}

static void settle_cb(uv_timer_t *t) {
  vg_runner_t *r = t->data;
  int64_t now = vg_agent_now(r->agent);
  vg_alert_t al;
  size_t i;
  for (i = 0; i < vg_agent_nprobes(r->agent); i++) {
    const vg_probe_rt_t *rt = vg_agent_probe(r->agent, i);
    if (vg_alerts_settle(&r->alerts, i, rt->probe->id, &rt->finding, now,
                         &al))
      vg_events_alert(&al);
  }
  settle_rearm(r);
}

static void on_change(vg_agent_t *a, const vg_probe_rt_t *rt,
                      vg_status_t old_status, int64_t old_since, void *ud) {
  vg_runner_t *r = ud;
  char t[40];
  vg_alert_t al;
  if (vg_alerts_change(&r->alerts, (size_t)(rt - vg_agent_probe(a, 0)),
                       rt->probe->id, old_status, old_since, &rt->finding,
                       vg_agent_now(a), &al))
    vg_events_alert(&al);
  settle_rearm(r);
  if (!r->opts->console) return;
  if (!r->first_table_done) {
    if (vg_agent_complete(a)) {
      r->first_table_done = 1;
      print_table(r);
    }
    return;
  }
  printf("%s  %-18s %s -> %s: %s\n", vg_iso8601(vg_agent_now(a), t, sizeof(t)),
         rt->probe->id, vg_status_name(old_status),
         vg_status_name(rt->finding.status), rt->finding.summary);
  fflush(stdout);
}

static void stopped_cb(vg_agent_t *a, void *ud) {
  vg_runner_t *r = ud;
  (void)a;
  uv_close((uv_handle_t *)&r->sigint, NULL);
  uv_close((uv_handle_t *)&r->sigterm, NULL);
  uv_close((uv_handle_t *)&r->stop_async, NULL);
  uv_close((uv_handle_t *)&r->settle, NULL);
}

static void runner_stop(vg_runner_t *r) {
  if (r->stopping) return;
  r->stopping = 1;
  vg_events_lifecycle(VG_EV_STOPPING, "Vigil is stopping");
  if (r->opts->hooks && r->opts->hooks->stopping)
    r->opts->hooks->stopping(r->opts->hooks->ud, VG_STOP_GRACE_MS + 5000);
  vg_agent_stop(r->agent, VG_STOP_GRACE_MS, stopped_cb, r);
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
  vg_agent_opts_t ao;
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
  ao.mode = VG_AGENT_DAEMON;
  ao.home = o->home;
  ao.pipe_name = o->pipe;
  ao.on_change = on_change;
  ao.on_change_ud = &r;
  rc = vg_agent_start(&r.agent, &r.loop, &ao, err, errsz);
  if (rc != 0) {
    uv_run(&r.loop, UV_RUN_DEFAULT);
    uv_loop_close(&r.loop);
    vg_events_lifecycle(VG_EV_START_FAILED, err);
    vg_events_close();
    return rc;
  }
  nnotes = vg_agent_notes(r.agent, &notes);
  for (i = 0; i < nnotes; i++)
    vg_events_lifecycle(strstr(notes[i], "database") ? VG_EV_STORE
                                                     : VG_EV_CONFIG,
                        notes[i]);
  uv_signal_init(&r.loop, &r.sigint);
  uv_signal_init(&r.loop, &r.sigterm);
  uv_async_init(&r.loop, &r.stop_async, stop_async_cb);
  uv_timer_init(&r.loop, &r.settle);
  r.sigint.data = r.sigterm.data = r.stop_async.data = r.settle.data = &r;
  {
    /* Flood control reads agent.flap_*; no probe reports before uv_run. */
    const vg_config_t *cfg = vg_agent_config(r.agent);
    if (vg_alerts_init(
            &r.alerts, vg_agent_nprobes(r.agent),
            (int64_t)vg_config_get_num(cfg, "agent", "flap_window", 900e3),
            (unsigned)vg_config_get_num(cfg, "agent", "flap_max", 4)) != 0)
      vg_alerts_init(&r.alerts, vg_agent_nprobes(r.agent), 0, 1);
  }
  uv_signal_start(&r.sigint, signal_cb, SIGINT);
  uv_signal_start(&r.sigterm, signal_cb, SIGTERM);
  uv_mutex_lock(&runner_mutex);
  runner_active = &r;
  uv_mutex_unlock(&runner_mutex);

  snprintf(line, sizeof(line), "Vigil %s started; data folder %s, query pipe %s",
           VG_VERSION, o->home, o->pipe ? o->pipe : "(none)");
  vg_events_lifecycle(VG_EV_STARTED, line);
  if (o->hooks && o->hooks->started) o->hooks->started(o->hooks->ud);

  uv_run(&r.loop, UV_RUN_DEFAULT);

  uv_mutex_lock(&runner_mutex);
  runner_active = NULL;
  uv_mutex_unlock(&runner_mutex);
  rc = uv_loop_close(&r.loop);
  vg_alerts_free(&r.alerts);
  vg_events_lifecycle(VG_EV_STOPPED, rc == 0 ? "Vigil stopped"
                                             : "Vigil stopped (probe "
                                               "workers abandoned)");
  vg_events_close();
  return 0;
}
