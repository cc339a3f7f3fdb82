/* agent.c: the agent runtime - schedule, collect on workers, evaluate,
 * judge, and hand each judged change to the recorder and the sink. */
#include "agent.h"

#include "agent_int.h"

#include "report.h"
#include "trend_history.h"
#include "vg.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest status answer kept (the protocol's largest answer). */
#define VG_ANSWER_MAX ((size_t)64 << 20)

#define VG_TICK_MAX_MS 60000
#define VG_FORECAST_MIN_POINTS 4
#define VG_FORECAST_MIN_SPAN_MS (3600 * 1000)

/* ------------------------------------------------------------- clocks */

static uint64_t real_mono_ms(void *ud) {
  (void)ud;
  return uv_hrtime() / 1000000u;
}

static int64_t real_wall_ms(void *ud) {
  uv_timeval64_t tv;
  (void)ud;
  if (uv_gettimeofday(&tv) != 0) return 0;
  return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static uint64_t mono(const vg_agent_t *a) {
  return a->clock.mono_ms(a->clock.ud);
}

int64_t vg_agent_now(const vg_agent_t *a) {
  return a->clock.wall_ms(a->clock.ud);
}

/* --------------------------------------------------------------- judge */

static void settle_rearm(vg_agent_t *a);
static void agent_dependents(vg_agent_t *a, size_t idx);

/* Applies a judged finding to probe idx: state bookkeeping, records, the
 * Event Log's alert and the sink. Loop thread. */
static void agent_apply(vg_agent_t *a, size_t idx, const vg_finding_t *f,
                        const vg_facts_t *facts, int64_t duration_ms) {
  vg_probe_rt_t *rt = &a->rt[idx];
  int64_t now = vg_agent_now(a);
  vg_status_t old = rt->has_finding ? rt->finding.status : VG_ST_NA;
  a->report_dirty = 1;
  int64_t old_since = rt->has_finding ? rt->since_ms : now;
  int changed;

  /* Hits before raising: a worse status waits for confirmation; until
   * then the probe keeps its finding (checked again, nothing changed). */
  if (!vg_judge_confirm(&a->judge, idx, rt->has_finding, old, f)) {
    rt->checked_ms = now;
    rt->last_duration_ms = duration_ms;
    vg__preflight_on_apply(a, idx);
    return;
  }
  changed = !rt->has_finding || old != f->status;
  rt->finding = *f;
  if (facts != &rt->facts) vg_facts_copy(&rt->facts, facts);
  rt->checked_ms = now;
  rt->last_duration_ms = duration_ms;
  if (changed) rt->since_ms = now;
  rt->has_finding = 1;

  if (a->opts.recorder) {
    /* The facts as JSON once for the sample, the change and the state. */
    char *fj = vg_facts_json(&rt->facts);
    vg_recorder_sample(a->opts.recorder, rt->probe->id, now, f, fj,
                       duration_ms);
    /* n/a -> n/a (first run, nothing applies) is no change to record. */
    if (changed && !(old == VG_ST_NA && f->status == VG_ST_NA))
      vg_recorder_change(a->opts.recorder, rt->probe->id, now, old, old_since,
                         f, fj);
    vg_recorder_state(a->opts.recorder, rt->probe->id, &rt->finding, fj,
                      &rt->memo, rt->since_ms, rt->checked_ms);
    free(fj);
  }
  if (changed) {
    vg_alert_t al;
    vg_judged_t c;
    c.rt = rt;
    c.idx = idx;
    c.old_status = old;
    c.old_since_ms = old_since;
    c.alert =
        vg_judge_alert(&a->judge, idx, old, old_since, &rt->finding, now, &al)
            ? &al
            : NULL;
    if (a->opts.sink.change) a->opts.sink.change(a->opts.sink.ud, a, &c);
    settle_rearm(a);
    agent_dependents(a, idx);
  }
  if (!a->cycle_done && vg_agent_complete(a)) {
    a->cycle_done = 1;
    if (a->opts.sink.cycle) a->opts.sink.cycle(a->opts.sink.ud, a);
  }
  vg__preflight_on_apply(a, idx);
  if (a->opts.sink.evaluated) a->opts.sink.evaluated(a->opts.sink.ud, a, idx);
}

/* Probe idx changed: findings that name it as their explanation are
 * judged again - lowered at once while it is raised, re-collected when it
 * clears (their own finding then stands). */
static void agent_dependents(vg_agent_t *a, size_t idx) {
  vg_probe_rt_t *ex = &a->rt[idx];
  size_t i;
  for (i = 0; i < a->n; i++) {
    vg_probe_rt_t *rt = &a->rt[i];
    vg_finding_t f;
    if (i == idx || !rt->has_finding ||
        strcmp(rt->finding.explained_by, ex->probe->id) != 0)
      continue;
    if (ex->finding.status < VG_ST_WARN) {
      if (strstr(rt->finding.summary, "explained by ") != NULL)
        vg_agent_run_now(a, rt->probe->id, NULL);
      continue;
    }
    f = rt->finding;
    if (vg_judge_explained(&f, ex->probe->id, ex->finding.status))
      agent_apply(a, i, &f, &rt->facts, rt->last_duration_ms);
  }
}

static void settle_cb(uv_timer_t *t);

/* Arms the settle timer for the earliest held probe, if any. */
static void settle_rearm(vg_agent_t *a) {
  int64_t due;
  if (a->stopping) return;
  due = vg_judge_next_settle(&a->judge, vg_agent_now(a));
  if (due >= 0)
    uv_timer_start(&a->settle, settle_cb, (uint64_t)due + 1, 0);
  else
    uv_timer_stop(&a->settle);
}

static void settle_cb(uv_timer_t *t) {
  vg_agent_t *a = t->data;
  int64_t now = vg_agent_now(a);
  vg_alert_t al;
  size_t i;
  for (i = 0; i < a->n; i++)
    if (a->rt[i].has_finding &&
        vg_judge_settle(&a->judge, i, &a->rt[i].finding, now, &al) &&
        a->opts.sink.alert)
      a->opts.sink.alert(a->opts.sink.ud, a, &al);
  settle_rearm(a);
}

/* Re-announces probes still warn/crit after the reminder interval. */
static void agent_remind(vg_agent_t *a) {
  int64_t now = vg_agent_now(a);
  vg_alert_t al;
  size_t i;
  for (i = 0; i < a->n; i++)
    if (a->rt[i].has_finding &&
        vg_judge_remind(&a->judge, i, &a->rt[i].finding, a->rt[i].since_ms, now,
                        &al) &&
        a->opts.sink.alert)
      a->opts.sink.alert(a->opts.sink.ud, a, &al);
}

/* ------------------------------------------------------------ forecast */

/* Feeds the probe's trend value into its history and forecasts when it
 * reaches the crit level. Returns the forecast for evaluate, or NULL. */
static void agent_seed_trends(vg_agent_t *a);

static const vg_forecast_t *agent_forecast(vg_agent_t *a, vg_probe_rt_t *rt,
                                           const vg_facts_t *facts,
                                           int64_t now) {
  double v, level;
  memset(&rt->forecast, 0, sizeof(rt->forecast));
  if (rt->trend == NULL ||
      rt->probe->trend(facts, &rt->ctx.th, &v, &level) != 0)
    return NULL;
  if (!a->trends_seeded) {
    /* The recorded points go in before the first new one; read here
     * rather than at start, so the query pipe answers sooner. */
    a->trends_seeded = 1;
    if (a->opts.store) agent_seed_trends(a);
  }
  vg_trend_history_add(rt->trend, a->opts.recorder, rt->probe->id, now, v);
  vg_forecast(rt->trend, now, a->set->forecast_window_ms,
              VG_FORECAST_MIN_POINTS, VG_FORECAST_MIN_SPAN_MS, level,
              &rt->forecast);
  return rt->forecast.valid ? &rt->forecast : NULL;
}

/* Refills trends from the recorded points so a restart keeps its
 * forecasts. */
static void agent_seed_trends(vg_agent_t *a) {
  size_t i;
  int64_t since = vg_agent_now(a) - a->set->forecast_window_ms;
  for (i = 0; i < a->n; i++)
    if (a->rt[i].trend)
      vg_trend_history_seed(a->rt[i].trend, a->opts.store, a->opts.recorder,
                            a->rt[i].probe, &a->rt[i].ctx.th, since);
}

/* ------------------------------------------------------------- workers */

static void tick_cb(uv_timer_t *t);

static void rearm(vg_agent_t *a, uint64_t delay) {
  if (a->stopping) return;
  if (delay > VG_TICK_MAX_MS) delay = VG_TICK_MAX_MS;
  uv_timer_start(&a->tick, tick_cb, delay, 0);
}

/* Worker threads are kept once started (only as many as were ever busy
 * at once: a burst of quick collections uses one or two). Ending idle ones
 * makes the loop join them, and on Windows a thread's exit takes the
 * loader lock a collection loading COM or WMI may hold for a while; the
 * footprint numbers (bench/README.md) are with kept threads. (The
 * `vigil run` hang under Wine first blamed on this was the CLI comparing
 * whole-second checked_at; see cmd_recheck.) */
#define VG_WORKER_IDLE_MS 0

static void work_cb(vg_work_t *w) {
  vg_job_t *j = w->data;
  const vg_probe_rt_t *rt = &j->a->rt[j->idx];
  j->rc = rt->probe->collect(&rt->ctx, &j->facts);
  if (j->rc != 0 && j->facts.err == 0)
    vg_facts_fail(&j->facts, j->rc, "%s", vg_strerror(j->rc));
}

static void agent_maybe_finish(vg_agent_t *a);
static void agent_free(vg_agent_t *a);

/* The judge's "explained by" rule for f against the current finding of
 * the probe it names. */
static void agent_explain(vg_agent_t *a, vg_finding_t *f) {
  size_t i;
  if (f->explained_by[0] == '\0') return;
  for (i = 0; i < a->n; i++)
    if (a->rt[i].has_finding &&
        strcmp(a->rt[i].probe->id, f->explained_by) == 0)
      vg_judge_explained(f, a->rt[i].probe->id, a->rt[i].finding.status);
}

/* evaluate, then the judge's forecast rule: the finding for a collect. */
static void agent_evaluate(vg_agent_t *a, vg_probe_rt_t *rt,
                           const vg_facts_t *facts, vg_finding_t *f) {
  vg_eval_params_t ep;
  vg_facts_t memo_out;
  memset(&ep, 0, sizeof(ep));
  vg_facts_init(&memo_out);
  ep.th = rt->ctx.th;
  ep.set = rt->ctx.set;
  ep.probe_id = rt->probe->id;
  ep.now_ms = vg_agent_now(a);
  ep.memo = &rt->memo;
  ep.memo_out = &memo_out;
  ep.forecast = agent_forecast(a, rt, facts, ep.now_ms);
  rt->probe->evaluate(facts, &ep, rt->has_finding ? &rt->finding : NULL, f);
  vg_judge_forecast(rt->probe, facts, &ep, rt->horizon_ms, f);
  agent_explain(a, f);
  if (memo_out.n > 0) {
    vg_facts_reset(&rt->memo);
    rt->memo = memo_out; /* moves the strings */
    vg_facts_init(&memo_out);
  }
  vg_facts_reset(&memo_out);
}

static void after_work_cb(vg_work_t *w, int cancelled) {
  vg_job_t *j = w->data;
  vg_agent_t *a = j->a;
  vg_sched_entry_t *e = &a->sched.entries[j->idx];
  vg_probe_rt_t *rt = &a->rt[j->idx];
  uint64_t now = mono(a);
  a->inflight--;
  a->jobs[j->idx] = NULL;
  if (cancelled || a->abandoned) {
    e->busy = 0;
    a->report_dirty = 1;
  } else {
    vg_finding_t f;
    memset(&f, 0, sizeof(f));
    vg_sched_done(&a->sched, e, j->rc == 0, now);
    if (j->rc == 0)
      agent_evaluate(a, rt, &j->facts, &f);
    else
      vg_finding_unknown(&f, rt->probe->id, &j->facts);
    agent_apply(a, j->idx, &f, &j->facts, (int64_t)(now - j->t0));
  }
  vg_facts_reset(&j->facts);
  free(j);
  /* An abandoned worker came back after the stop finished: the workers'
   * close (workers_closed_cb) releases the runtime once its thread ended. */
  if (a->handles_closed) return;
  if (a->stopping)
    agent_maybe_finish(a);
  else
    rearm(a, 0);
}

static void start_cb(vg_sched_entry_t *e, void *ud) {
  vg_agent_t *a = ud;
  size_t idx = (size_t)(e - a->sched.entries);
  vg_job_t *j = malloc(sizeof(*j));
  if (j == NULL) {
    vg_sched_done(&a->sched, e, 0, mono(a));
    a->report_dirty = 1; /* its "checks" moved */
    return;
  }
  memset(j, 0, offsetof(vg_job_t, facts));
  j->a = a;
  j->idx = idx;
  j->t0 = mono(a);
  vg_facts_init(&j->facts);
  j->rc = 0;
  j->work.data = j;
  if (vg_workers_submit(&a->workers, &j->work, work_cb, after_work_cb) != 0) {
    free(j);
    vg_sched_done(&a->sched, e, 0, mono(a));
    a->report_dirty = 1; /* its "checks" moved */
    return;
  }
  a->jobs[idx] = j;
  a->inflight++;
  /* Its placeholder now says the collection is running. */
  if (!a->rt[idx].has_finding) a->report_dirty = 1;
}

static void overdue_cb(vg_sched_entry_t *e, void *ud) {
  vg_agent_t *a = ud;
  size_t idx = (size_t)(e - a->sched.entries);
  vg_finding_t f;
  vg_facts_t facts;
  memset(&f, 0, sizeof(f));
  vg_facts_init(&facts);
  vg_facts_fail(&facts, VG_ETIMEDOUT,
                "collection did not finish within %llu ms (deadline); it is "
                "not started again until the stuck call returns",
                (unsigned long long)e->deadline_ms);
  vg_finding_unknown(&f, e->probe->id, &facts);
  agent_apply(a, idx, &f, &facts, (int64_t)e->deadline_ms);
  vg_facts_reset(&facts);
  /* Its thread may stay stuck: the others get another. */
  if (a->jobs[idx]) vg_workers_release(&a->workers, &a->jobs[idx]->work);
}

static void tick_cb(uv_timer_t *t) {
  vg_agent_t *a = t->data;
  uint64_t now = mono(a);
  vg_sched_tick(&a->sched, now, start_cb, overdue_cb, a);
  if (a->opts.mode == VG_AGENT_DAEMON) agent_remind(a);
  rearm(a, vg_sched_next_wake(&a->sched, now));
}

/* -------------------------------------------------------------- start */

static int load_state_cb(const vg_state_t *st, void *ud) {
  vg_agent_t *a = ud;
  size_t i;
  for (i = 0; i < a->n; i++) {
    vg_probe_rt_t *rt = &a->rt[i];
    vg_json_t *js = NULL;
    char err[64];
    if (strcmp(rt->probe->id, st->probe) != 0) continue;
    memset(&rt->finding, 0, sizeof(rt->finding));
    if (vg_status_parse(st->status, &rt->finding.status) != 0)
      rt->finding.status = VG_ST_UNKNOWN;
    vg_strlcpy(rt->finding.summary, st->summary, sizeof(rt->finding.summary));
    vg_strlcpy(rt->finding.remedy, st->remedy, sizeof(rt->finding.remedy));
    if (vg_json_parse(st->predicts_json, strlen(st->predicts_json), &js, err,
                      sizeof(err)) == 0) {
      size_t k;
      for (k = 0; k < vg_json_len(js); k++)
        if (vg_json_str(vg_json_at(js, k)))
          vg_finding_predict(&rt->finding, vg_json_str(vg_json_at(js, k)));
      vg_json_free(js);
    }
    if (vg_json_parse(st->facts_json, strlen(st->facts_json), &js, err,
                      sizeof(err)) == 0) {
      vg_facts_from_json(&rt->facts, js);
      vg_json_free(js);
    }
    if (vg_json_parse(st->memo_json, strlen(st->memo_json), &js, err,
                      sizeof(err)) == 0) {
      vg_facts_from_json(&rt->memo, js);
      vg_json_free(js);
    }
    rt->since_ms = st->since_ms;
    rt->checked_ms = st->checked_ms;
    rt->has_finding = 1;
  }
  return 0;
}

static int selected(const vg_agent_opts_t *o, const char *id) {
  size_t i;
  if (o->mode != VG_AGENT_ONCE || o->only == NULL) return 1;
  for (i = 0; i < o->nonly; i++)
    if (strcmp(o->only[i], id) == 0) return 1;
  return 0;
}

/* Releases the runtime's memory (its handles are closed or never opened). */
static void agent_free(vg_agent_t *a) {
  size_t i;
  for (i = 0; i < a->n; i++) {
    vg_facts_reset(&a->rt[i].facts);
    vg_facts_reset(&a->rt[i].memo);
    free(a->rt[i].trend);
  }
  free(a->rt);
  free(a->jobs);
  vg_buf_free(&a->answer);
  vg_sched_free(&a->sched);
  vg_judge_free(&a->judge);
  free(a);
}

int vg_agent_start(vg_agent_t **out, uv_loop_t *loop,
                   const vg_agent_opts_t *opts, char *err, size_t errsz) {
  vg_agent_t *a;
  size_t i;
  int rc;
  *out = NULL;
  for (i = 0; opts->only && i < opts->nonly; i++)
    if (vg_probe_find(opts->only[i]) == NULL) {
      snprintf(err, errsz,
               "unknown probe '%s'; `vigil --help` lists the probe ids",
               opts->only[i]);
      return VG_EINVAL;
    }
  a = calloc(1, sizeof(*a));
  if (a) vg_buf_init(&a->answer, VG_ANSWER_MAX);
  if (a == NULL) {
    snprintf(err, errsz, "out of memory");
    return VG_ENOMEM;
  }
  a->loop = loop;
  a->opts = *opts;
  a->report_cache_on = 1;
  a->set = opts->settings;
  a->os = opts->os ? opts->os : vg_os_default();
  if (opts->clock)
    a->clock = *opts->clock;
  else {
    a->clock.mono_ms = real_mono_ms;
    a->clock.wall_ms = real_wall_ms;
  }
  {
    size_t hl = sizeof(a->host);
    vg_computer_names_t names;
    if (uv_os_gethostname(a->host, &hl) != 0)
      vg_strlcpy(a->host, "localhost", sizeof(a->host));
    /* The DNS name fleets key on (report host_fqdn); the host name where
     * the machine has none or it cannot be read. */
    memset(&names, 0, sizeof(names));
    if (a->os->computer_names && a->os->computer_names(a->os, &names) == 0)
      vg_strlcpy(a->host_fqdn, names.fqdn, sizeof(a->host_fqdn));
  }
  a->n = vg_nprobes;
  a->rt = calloc(a->n, sizeof(*a->rt));
  a->jobs = calloc(a->n, sizeof(*a->jobs));
  rc = a->rt && a->jobs
           ? vg_sched_init(&a->sched, a->n,
                           opts->seed ? opts->seed : (uint32_t)uv_hrtime() | 1u)
           : VG_ENOMEM;
  if (rc == 0) rc = vg_judge_init(&a->judge, vg_probes, a->n, a->set);
  /* One thread per probe at most (each stuck one included) and four more;
   * `active` (8, or UV_THREADPOOL_SIZE) collect at once. */
  if (rc == 0)
    rc = vg_workers_init(&a->workers, loop, 0, (unsigned)a->n + 4,
                         VG_WORKER_IDLE_MS);
  if (rc) {
    snprintf(err, errsz, "out of memory");
    vg_judge_free(&a->judge);
    free(a->rt);
    free(a->jobs);
    vg_sched_free(&a->sched);
    free(a);
    return VG_ENOMEM;
  }
  a->sched.max_backoff_ms = (uint64_t)a->set->max_backoff_ms;
  for (i = 0; i < a->n; i++) {
    const vg_probe_t *p = vg_probes[i];
    vg_probe_rt_t *rt = &a->rt[i];
    rt->probe = p;
    if (p->trend) {
      rt->trend = malloc(sizeof(vg_trend_t));
      if (rt->trend)
        vg_trend_init(rt->trend, a->set->forecast_window_ms / VG_TREND_POINTS);
    }
    /* rt is calloc'd: its facts and memo are already empty sets. */
    vg_config_probe_ctx(opts->cfg, p, a->os, &rt->ctx);
    rt->horizon_ms = vg_config_forecast_horizon_ms(opts->cfg, p);
    rt->enabled = vg_config_enabled(opts->cfg, p) && selected(opts, p->id);
    vg_sched_setup(&a->sched, i, p, vg_config_interval_ms(opts->cfg, p),
                   vg_config_deadline_ms(opts->cfg, p), rt->enabled, mono(a));
    if (opts->mode == VG_AGENT_ONCE) a->sched.entries[i].next_due_ms = 0;
  }
  if (opts->store) {
    vg_store_load_states(opts->store, load_state_cb, a);
    /* The trends are refilled from the store at their first evaluation
     * (agent_forecast). */
  }
  uv_timer_init(loop, &a->tick);
  uv_timer_init(loop, &a->settle);
  a->tick.data = a;
  a->settle.data = a;
  vg__preflight_init(a);
  rearm(a, 0);
  *out = a;
  return 0;
}

/* --------------------------------------------------------------- stop */

static void handle_closed_cb(uv_handle_t *h) {
  vg_agent_t *a = h->data;
  if (--a->closing_handles > 0) return;
  a->handles_closed = 1;
  if (a->done) a->done(a, a->done_ud);
  /* Abandoned workers still reference the agent: keep it until they are
   * back and their threads ended (workers_closed_cb). */
  if (a->workers_closed) agent_free(a);
}

static void workers_closed_cb(uv_handle_t *h) {
  vg_agent_t *a = (vg_agent_t *)(void *)((char *)h->data -
                                         offsetof(vg_agent_t, workers));
  a->workers_closed = 1;
  if (a->handles_closed) agent_free(a);
}

/* Final step once workers are back (or abandoned). */
static void agent_maybe_finish(vg_agent_t *a) {
  if (a->closing_handles || a->handles_closed) return;
  if (a->inflight > 0 && !a->abandoned) return;
  a->closing_handles = 3;
  vg_workers_close(&a->workers, workers_closed_cb);
  uv_close((uv_handle_t *)&a->tick, handle_closed_cb);
  uv_close((uv_handle_t *)&a->settle, handle_closed_cb);
  vg__preflight_close(a, handle_closed_cb);
}

static void grace_cb(uv_timer_t *t) {
  vg_agent_t *a = t->data;
  if (a->inflight > 0) {
    fprintf(stderr,
            "vigil: %zu probe collection(s) still running at shutdown; "
            "abandoning them\n",
            a->inflight);
    a->abandoned = 1;
    vg_workers_abandon(&a->workers);
  }
  agent_maybe_finish(a);
}

void vg_agent_stop(vg_agent_t *a, uint64_t grace_ms,
                   void (*done)(vg_agent_t *a, void *ud), void *ud) {
  size_t i;
  if (a->stopping) return;
  a->stopping = 1;
  a->done = done;
  a->done_ud = ud;
  uv_timer_stop(&a->tick);
  uv_timer_stop(&a->settle);
  uv_timer_stop(&a->pf.timer);
  for (i = 0; i < a->n; i++)
    a->sched.entries[i].enabled = 0;
  if (a->inflight > 0) {
    /* Queued but not started work is cancelled; running work gets grace. */
    vg_workers_cancel_queued(&a->workers);
    uv_timer_start(&a->tick, grace_cb, grace_ms, 0);
    return;
  }
  agent_maybe_finish(a);
}

/* -------------------------------------------------------- reconfigure */

int vg_agent_reconfigure(vg_agent_t *a, const vg_config_t *cfg) {
  size_t i;
  uint64_t now = mono(a);
  if (a->inflight > 0) return VG_EBUSY;
  a->opts.cfg = cfg;
  a->report_dirty = 1;
  a->sched.max_backoff_ms = (uint64_t)a->set->max_backoff_ms;
  a->judge.raise_hits =
      a->set->raise_hits > 0 ? (unsigned)a->set->raise_hits : 1;
  a->judge.reminder_ms = a->set->reminder_interval_ms;
  for (i = 0; i < a->n; i++) {
    vg_probe_rt_t *rt = &a->rt[i];
    vg_sched_entry_t *e = &a->sched.entries[i];
    int was = rt->enabled;
    vg_config_probe_ctx(cfg, rt->probe, a->os, &rt->ctx);
    rt->horizon_ms = vg_config_forecast_horizon_ms(cfg, rt->probe);
    rt->enabled =
        vg_config_enabled(cfg, rt->probe) && selected(&a->opts, rt->probe->id);
    e->interval_ms = vg_config_interval_ms(cfg, rt->probe);
    e->deadline_ms = vg_config_deadline_ms(cfg, rt->probe);
    e->enabled = rt->enabled;
    /* A probe turned on, or one whose interval shrank, runs now. */
    if ((rt->enabled && !was) || e->next_due_ms > now + e->interval_ms)
      e->next_due_ms = now;
  }
  rearm(a, 0);
  return 0;
}

/* ---------------------------------------------------------- accessors */

size_t vg_agent_nprobes(const vg_agent_t *a) { return a->n; }

const vg_probe_rt_t *vg_agent_probe(const vg_agent_t *a, size_t i) {
  return i < a->n ? &a->rt[i] : NULL;
}

const char *vg_agent_host(const vg_agent_t *a) { return a->host; }

size_t vg_agent_inflight(const vg_agent_t *a) { return a->inflight; }

int vg_agent_run_now(vg_agent_t *a, const char *id, uint64_t *checks) {
  size_t i;
  int n = 0;
  uint64_t now = mono(a), c;
  if (checks) *checks = 0;
  for (i = 0; i < a->n; i++) {
    vg_sched_entry_t *e = &a->sched.entries[i];
    if (id && strcmp(e->probe->id, id) != 0) continue;
    if (!e->enabled) continue;
    c = vg_sched_run_now(&a->sched, e, now);
    if (checks && id) *checks = c;
    n++;
  }
  if (id && n == 0 && vg_probe_find(id) == NULL) return VG_ENOENT;
  rearm(a, 0);
  return n;
}

/* What a probe that has not run yet shows, in the report and the views. */
static const vg_finding_t agent_pending = {
    VG_ST_UNKNOWN,
    "Not checked yet; the first collection is due shortly",
    "",
    {{0}},
    0,
    ""};

/* ... and one whose first collection is under way. */
static const vg_finding_t agent_running = {
    VG_ST_UNKNOWN,
    "Not checked yet; the first collection is running",
    "",
    {{0}},
    0,
    ""};

size_t vg_agent_view(vg_agent_t *a, vg_report_view_t *v,
                     vg_view_probe_t *probes, size_t max) {
  size_t i, k = 0;
  memset(v, 0, sizeof(*v));
  for (i = 0; i < a->n && k < max; i++) {
    vg_probe_rt_t *rt = &a->rt[i];
    vg_view_probe_t *p = &probes[k];
    if (!rt->enabled) continue;
    memset(p, 0, sizeof(*p));
    p->id = rt->probe->id;
    p->number = rt->probe->number;
    p->scope = rt->probe->scope;
    p->finding = rt->has_finding            ? &rt->finding
                 : a->sched.entries[i].busy ? &agent_running
                                            : &agent_pending;
    p->facts = rt->has_finding ? &rt->facts : NULL;
    p->checked_ms = rt->checked_ms;
    p->since_ms = rt->has_finding ? rt->since_ms : 0;
    p->forecast = rt->trend && rt->forecast.valid ? &rt->forecast : NULL;
    p->th = &rt->ctx.th;
    k++;
  }
  v->host = a->host;
  v->now_ms = vg_agent_now(a);
  v->probes = probes;
  v->nprobes = k;
  if (a->pf.next_ms > 0) {
    size_t b[VG_BLOCKING_MAX], nb;
    const char *task, *source;
    vg_verdict_t verdict;
    v->next_backup.at_ms =
        vg_agent_next_backup(a, &task, &source, &verdict, b, &nb);
    v->next_backup.task = task;
    v->next_backup.verdict = vg_verdict_name(verdict);
    for (i = 0; i < nb && i < VG_VIEW_BLOCKING_MAX; i++)
      v->next_backup.blocking[v->next_backup.nblocking++] =
          a->rt[b[i]].probe->id;
  }
  if (a->pf.last_ms > 0) {
    v->last_backup.at_ms = a->pf.last_ms;
    v->last_backup.outcome = a->pf.last_outcome;
    v->last_backup.verdict_before =
        a->pf.last_verdict[0] ? a->pf.last_verdict : NULL;
  }
  if (a->opts.recorder) {
    v->store = vg_recorder_store_state(a->opts.recorder);
    v->dropped_records = vg_recorder_dropped(a->opts.recorder);
  }
  return k;
}

int vg_agent_complete(const vg_agent_t *a) {
  size_t i;
  for (i = 0; i < a->n; i++)
    if (a->sched.entries[i].enabled &&
        (!a->rt[i].has_finding || a->rt[i].checked_ms == 0 ||
         a->sched.entries[i].runs == 0))
      return 0;
  return 1;
}

/* The report's members but generated_at and the agent's own health, as
 * JSON text (without braces) into w. */
static void agent_report_members(vg_agent_t *a, vg_jw_t *w) {
  vg_report_item_t *items = calloc(a->n ? a->n : 1, sizeof(*items));
  size_t i, k = 0;
  vg_report_head_t head;
  if (items == NULL) {
    w->err = VG_ENOMEM;
    return;
  }
  for (i = 0; i < a->n; i++) {
    vg_probe_rt_t *rt = &a->rt[i];
    if (!rt->enabled) continue;
    items[k].id = rt->probe->id;
    items[k].probe = rt->probe;
    items[k].finding = rt->has_finding            ? &rt->finding
                       : a->sched.entries[i].busy ? &agent_running
                                                  : &agent_pending;
    items[k].facts = rt->has_finding ? &rt->facts : NULL;
    items[k].since_ms = rt->has_finding ? rt->since_ms : vg_agent_now(a);
    items[k].checked_ms = rt->checked_ms;
    items[k].checks = a->sched.entries[i].checks;
    items[k].forecast = rt->trend ? &rt->forecast : NULL;
    k++;
  }
  /* Worst first, as an admin reads it. */
  for (i = 1; i < k; i++) {
    vg_report_item_t t = items[i];
    size_t j = i;
    while (j > 0 && items[j - 1].finding->status < t.finding->status) {
      items[j] = items[j - 1];
      j--;
    }
    items[j] = t;
  }
  head.host = a->host;
  head.host_fqdn = a->host_fqdn[0] ? a->host_fqdn : NULL;
  head.now_ms = 0; /* generated_at is the caller's */
  vg_report_write(w, &head, items, k);
  free(items);
  vg__preflight_report(a, w);
}

/* Collections past their deadline whose call has not returned (each holds
 * one worker; the probe is reported unknown meanwhile). */
static uint64_t agent_stuck(const vg_agent_t *a) {
  uint64_t stuck = 0;
  size_t i;
  for (i = 0; i < a->n; i++)
    if (a->sched.entries[i].busy && a->sched.entries[i].overdue) stuck++;
  return stuck;
}

/* The agent's own health: "agent":{...} into the open object w. */
static void agent_health(vg_agent_t *a, vg_jw_t *w) {
  size_t i;
  vg_jw_key(w, "agent");
  vg_jw_obj_begin(w);
  vg_jw_kstr(w, "store", a->tail_store);
  vg_jw_kuint(w, "dropped_records", a->tail_dropped);
  vg_jw_kuint(w, "pending_records", a->tail_pending);
  vg_jw_kuint(w, "stuck_collections", a->tail_stuck);
  vg_jw_key(w, "config_problems");
  vg_jw_arr_begin(w);
  for (i = 0; a->tail_cfg && i < a->tail_cfg->nwarnings; i++)
    vg_jw_str(w, a->tail_cfg->warnings[i]);
  vg_jw_arr_end(w);
  vg_jw_obj_end(w);
}

/* Appends n bytes to the answer. 0 or VG_ENOMEM/VG_ETOOBIG. */
static int answer_put(vg_agent_t *a, const char *s, size_t n) {
  vg_buf_add(&a->answer, s, n);
  return a->answer.err;
}

/* Renders the members of an object written by fill into the answer
 * (the braces dropped). 0 or VG_ENOMEM. */
static int answer_render(vg_agent_t *a,
                         void (*fill)(vg_agent_t *a, vg_jw_t *w)) {
  vg_jw_t w;
  char *text;
  size_t len;
  int rc;
  vg_jw_init(&w);
  vg_jw_obj_begin(&w);
  fill(a, &w);
  vg_jw_obj_end(&w);
  text = vg_jw_steal(&w, &len);
  if (text == NULL) return VG_ENOMEM;
  rc = len > 2 ? answer_put(a, text + 1, len - 2) : 0;
  free(text);
  return rc;
}

#define VG_GEN_KEY "\"generated_at\":\""
#define VG_GEN_LEN 20 /* 2026-11-24T21:00:00Z */

/* Brings the answer up to date for wall time now_ms: the report part when
 * something changed, generated_at when the second moved, the agent part
 * when one of its values moved. 0 or VG_ENOMEM (the answer is dropped). */
static int agent_answer_update(vg_agent_t *a, int64_t now_ms) {
  int64_t sec = now_ms >= 0 ? now_ms / 1000 : (now_ms - 999) / 1000;
  const char *store =
      a->opts.recorder ? vg_recorder_store_state(a->opts.recorder) : "none";
  uint64_t dropped =
      a->opts.recorder ? vg_recorder_dropped(a->opts.recorder) : 0;
  uint64_t pending =
      a->opts.recorder ? vg_recorder_pending(a->opts.recorder) : 0;
  uint64_t stuck = agent_stuck(a);
  char t[40];
  int full = a->report_dirty || a->answer.data == NULL || !a->report_cache_on;
  if (full || sec != a->answer_sec) {
    vg_iso8601(sec * 1000, t, sizeof(t));
    if (strlen(t) != VG_GEN_LEN) full = 1; /* before year 1000 */
  }
  if (full) {
    vg_buf_truncate(&a->answer, 0);
    if (answer_put(a, VG_GEN_KEY, strlen(VG_GEN_KEY)) ||
        answer_put(a, t, strlen(t)) || answer_put(a, "\",", 2) ||
        answer_render(a, agent_report_members))
      goto fail;
    a->answer_report_end = a->answer.len;
    a->report_dirty = 0;
    a->tail_valid = 0; /* the agent part follows */
  } else if (sec != a->answer_sec) {
    memcpy(a->answer.data + strlen(VG_GEN_KEY), t, VG_GEN_LEN);
  }
  a->answer_sec = sec;
  if (!a->tail_valid || strcmp(a->tail_store, store) != 0 ||
      a->tail_dropped != dropped || a->tail_pending != pending ||
      a->tail_stuck != stuck || a->tail_cfg != a->opts.cfg) {
    vg_strlcpy(a->tail_store, store, sizeof(a->tail_store));
    a->tail_valid = 1;
    a->tail_dropped = dropped;
    a->tail_pending = pending;
    a->tail_stuck = stuck;
    a->tail_cfg = a->opts.cfg;
    vg_buf_truncate(&a->answer, a->answer_report_end);
    if (answer_put(a, ",", 1) || answer_render(a, agent_health)) goto fail;
  }
  return 0;
fail:
  vg_buf_free(&a->answer);
  a->tail_valid = 0;
  return VG_ENOMEM;
}

void vg_agent_report(vg_agent_t *a, vg_jw_t *w) {
  if (agent_answer_update(a, vg_agent_now(a)) != 0) {
    w->err = VG_ENOMEM;
    return;
  }
  vg_jw_raw_members(w, a->answer.data, a->answer.len);
}

void vg_agent_report_cache(vg_agent_t *a, int on) { a->report_cache_on = on; }
