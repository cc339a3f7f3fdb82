/* agent.c: the agent's loop - schedule, collect on workers, evaluate,
 * record state changes, batch writes into one transaction per cycle. */
#include "agent.h"

#include "report.h"
#include "server.h"
#include "vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VG_PENDING_MAX 20000
#define VG_FLUSH_DELAY_MS 100
#define VG_FLUSH_RETRY_MS 5000
#define VG_TICK_MAX_MS 60000
#define VG_PRUNE_EVERY_MS (3600 * 1000)
#define VG_NOTES_MAX 40
#define VG_FORECAST_MIN_POINTS 4
#define VG_FORECAST_MIN_SPAN_MS (3600 * 1000)

/* A record waiting for the next transaction. */
typedef struct vg_pending_s {
  int is_change;
  const char *probe; /* static: the probe table's id */
  int64_t ts_ms;
  vg_status_t status, old_status;
  int64_t old_since_ms, duration_ms;
  char *summary;
  char *facts_json;
} vg_pending_t;

typedef struct vg_job_s {
  uv_work_t req;
  vg_agent_t *a;
  size_t idx;
  vg_probe_ctx_t ctx;
  vg_facts_t facts;
  int rc;
  uint64_t t0;
} vg_job_t;

struct vg_agent_s {
  uv_loop_t *loop;
  vg_agent_opts_t opts;
  vg_clock_t clock;
  const vg_os_t *os;
  char home[1024];
  char host[256];
  vg_config_t cfg;
  vg_store_t *store;
  vg_sched_t sched;
  vg_probe_rt_t *rt;
  size_t n;
  uv_timer_t tick, flush;
  vg_server_t *server;
  vg_pending_t *pend;
  size_t npend, cappend;
  uint64_t dropped;
  int store_failing;
  int64_t last_prune_ms;
  int64_t forecast_window_ms;
  const char *notes[VG_NOTES_MAX];
  size_t nnotes;
  char store_note[600];
  char drop_note[200];
  size_t inflight;
  int stopping;
  int abandoned;
  int closing_handles;
  void (*done)(vg_agent_t *a, void *ud);
  void *done_ud;
};

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

/* ------------------------------------------------------------ records */

static void pending_free(vg_pending_t *p) {
  free(p->summary);
  free(p->facts_json);
}

/* Appends a record; when the store has been failing long enough for the
 * queue to fill, the oldest sample goes first - state changes are kept. */
static void pending_add(vg_agent_t *a, const vg_pending_t *p) {
  if (a->npend == VG_PENDING_MAX) {
    size_t i;
    for (i = 0; i < a->npend && a->pend[i].is_change; i++) {
    }
    if (i == a->npend) i = 0;
    pending_free(&a->pend[i]);
    memmove(&a->pend[i], &a->pend[i + 1],
            (a->npend - i - 1) * sizeof(*a->pend));
    a->npend--;
    a->dropped++;
  }
  if (a->npend == a->cappend) {
    size_t cap = a->cappend ? a->cappend * 2 : 64;
    vg_pending_t *np;
    if (cap > VG_PENDING_MAX) cap = VG_PENDING_MAX;
    np = realloc(a->pend, cap * sizeof(*np));
    if (np == NULL) {
      vg_pending_t tmp = *p;
      pending_free(&tmp);
      a->dropped++;
      return;
    }
    a->pend = np;
    a->cappend = cap;
  }
  a->pend[a->npend++] = *p;
}

static void flush_cb(uv_timer_t *t);

static void flush_soon(vg_agent_t *a) {
  if (a->store == NULL || a->stopping) return;
  if (!uv_is_active((uv_handle_t *)&a->flush))
    uv_timer_start(&a->flush, flush_cb,
                   a->store_failing ? VG_FLUSH_RETRY_MS : VG_FLUSH_DELAY_MS, 0);
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

int vg_agent_flush(vg_agent_t *a) {
  size_t i;
  int rc;
  int64_t now;
  if (a->store == NULL) return 0;
  rc = vg_store_begin(a->store);
  for (i = 0; rc == 0 && i < a->npend; i++) {
    vg_pending_t *p = &a->pend[i];
    if (p->is_change) {
      vg_change_t c;
      memset(&c, 0, sizeof(c));
      c.probe = p->probe;
      c.ts_ms = p->ts_ms;
      c.old_status = vg_status_name(p->old_status);
      c.new_status = vg_status_name(p->status);
      c.old_since_ms = p->old_since_ms;
      c.duration_ms = p->duration_ms;
      c.summary = p->summary;
      c.facts_json = p->facts_json;
      rc = vg_store_add_change(a->store, &c);
    } else {
      vg_sample_t s;
      s.probe = p->probe;
      s.ts_ms = p->ts_ms;
      s.status = vg_status_name(p->status);
      s.summary = p->summary;
      s.facts_json = p->facts_json;
      s.duration_ms = p->duration_ms;
      rc = vg_store_add_sample(a->store, &s);
    }
  }
  for (i = 0; rc == 0 && i < a->n; i++) {
    vg_probe_rt_t *rt = &a->rt[i];
    vg_state_t st;
    char *facts, *pred, *memo;
    if (!rt->dirty) continue;
    facts = vg_facts_json(&rt->facts);
    memo = vg_facts_json(&rt->memo);
    pred = vg_predicts_json(&rt->finding);
    st.probe = rt->probe->id;
    st.status = vg_status_name(rt->finding.status);
    st.summary = rt->finding.summary;
    st.remedy = rt->finding.remedy;
    st.predicts_json = pred;
    st.facts_json = facts;
    st.memo_json = memo;
    st.since_ms = rt->since_ms;
    st.checked_ms = rt->checked_ms;
    rc = vg_store_put_state(a->store, &st);
    free(facts);
    free(pred);
    free(memo);
  }
  now = vg_agent_now(a);
  if (rc == 0 && now - a->last_prune_ms > VG_PRUNE_EVERY_MS) {
    uint64_t keep = (uint64_t)vg_config_get_num(&a->cfg, "agent", "retention",
                                                90 * 86400e3);
    rc = vg_store_prune(a->store, now - (int64_t)keep);
    if (rc == 0) a->last_prune_ms = now;
  }
  if (rc == 0) rc = vg_store_commit(a->store);
  if (rc != 0) {
    /* Disk full, locked, I/O error: keep everything queued (bounded) and
     * try again; the change callback reports the store problem once. */
    vg_store_rollback(a->store);
    if (!a->store_failing && a->opts.on_change)
      fprintf(stderr,
              "vigil: cannot write to the database: %s; keeping %zu "
              "records in memory and retrying\n",
              vg_store_errmsg(a->store), a->npend);
    a->store_failing = 1;
    return VG_ESTORE;
  }
  if (a->store_failing && a->opts.on_change)
    fprintf(stderr, "vigil: database writable again; %zu records saved\n",
            a->npend);
  a->store_failing = 0;
  for (i = 0; i < a->npend; i++)
    pending_free(&a->pend[i]);
  a->npend = 0;
  for (i = 0; i < a->n; i++)
    a->rt[i].dirty = 0;
  return 0;
}

static void flush_cb(uv_timer_t *t) {
  vg_agent_t *a = t->data;
  if (vg_agent_flush(a) != 0) flush_soon(a);
}

size_t vg_agent_pending(const vg_agent_t *a) { return a->npend; }

/* Applies a new finding to probe idx: state change bookkeeping, records,
 * notification. Loop thread. */
static void agent_apply(vg_agent_t *a, size_t idx, const vg_finding_t *f,
                        const vg_facts_t *facts, int64_t duration_ms) {
  vg_probe_rt_t *rt = &a->rt[idx];
  int64_t now = vg_agent_now(a);
  vg_status_t old = rt->has_finding ? rt->finding.status : VG_ST_NA;
  int64_t old_since = rt->has_finding ? rt->since_ms : now;
  int changed = !rt->has_finding || old != f->status;
  vg_pending_t p;
  char *facts_json;

  rt->finding = *f;
  if (facts != &rt->facts) vg_facts_copy(&rt->facts, facts);
  rt->checked_ms = now;
  rt->last_duration_ms = duration_ms;
  rt->dirty = 1;
  if (changed) rt->since_ms = now;
  rt->has_finding = 1;

  if (a->store) {
    facts_json = vg_facts_json(facts);
    memset(&p, 0, sizeof(p));
    p.probe = rt->probe->id;
    p.ts_ms = now;
    p.status = f->status;
    p.summary = strdup(f->summary);
    p.facts_json = facts_json;
    p.duration_ms = duration_ms;
    pending_add(a, &p);
    if (changed) {
      memset(&p, 0, sizeof(p));
      p.is_change = 1;
      p.probe = rt->probe->id;
      p.ts_ms = now;
      p.status = f->status;
      p.old_status = old;
      p.old_since_ms = old_since;
      p.duration_ms = now - old_since;
      p.summary = strdup(f->summary);
      p.facts_json = dup_or_null(facts_json);
      pending_add(a, &p);
    }
    flush_soon(a);
  }
  if (changed && a->opts.on_change)
    a->opts.on_change(a, rt, old, old_since, a->opts.on_change_ud);
}

/* ------------------------------------------------------------ forecast */

/* Feeds the probe's trend value into its history and forecasts when it
 * reaches the crit level. Returns the forecast for evaluate, or NULL. */
static const vg_forecast_t *agent_forecast(vg_agent_t *a, vg_probe_rt_t *rt,
                                           const vg_facts_t *facts,
                                           const vg_thresholds_t *th,
                                           int64_t now) {
  double v, level;
  memset(&rt->forecast, 0, sizeof(rt->forecast));
  if (rt->trend == NULL || rt->probe->trend(facts, th, &v, &level) != 0)
    return NULL;
  vg_trend_add(rt->trend, now, v);
  vg_forecast(rt->trend, now, a->forecast_window_ms, VG_FORECAST_MIN_POINTS,
              VG_FORECAST_MIN_SPAN_MS, level, &rt->forecast);
  return rt->forecast.valid ? &rt->forecast : NULL;
}

typedef struct vg_seed_s {
  vg_agent_t *a;
  vg_probe_rt_t *rt;
  vg_trend_point_t *pts;
  size_t n, cap;
} vg_seed_t;

static int seed_cb(const vg_sample_t *s, void *ud) {
  vg_seed_t *k = ud;
  vg_json_t *js = NULL;
  vg_facts_t f;
  vg_thresholds_t th;
  double v, level;
  char err[64];
  if (k->n == k->cap) return 1;
  if (vg_json_parse(s->facts_json, strlen(s->facts_json), &js, err,
                    sizeof(err)) != 0)
    return 0;
  vg_facts_init(&f);
  vg_facts_from_json(&f, js);
  vg_config_thresholds(&k->a->cfg, k->rt->probe, &th);
  if (k->rt->probe->trend(&f, &th, &v, &level) == 0)
    k->pts[k->n++] = (vg_trend_point_t){s->ts_ms, v};
  vg_facts_reset(&f);
  vg_json_free(js);
  return 0;
}

/* Refills trends from recorded samples so a restart keeps its forecasts. */
static void agent_seed_trends(vg_agent_t *a) {
  size_t i;
  int64_t now = vg_agent_now(a);
  for (i = 0; i < a->n; i++) {
    vg_seed_t k = {a, &a->rt[i], NULL, 0, 4 * VG_TREND_POINTS};
    if (a->rt[i].trend == NULL) continue;
    k.pts = malloc(k.cap * sizeof(*k.pts));
    if (k.pts == NULL) continue;
    /* Newest first from the store; thinning wants oldest first. */
    vg_store_history(a->store, a->rt[i].probe->id, now - a->forecast_window_ms,
                     (int)k.cap, seed_cb, &k);
    while (k.n > 0) {
      k.n--;
      vg_trend_add(a->rt[i].trend, k.pts[k.n].t_ms, k.pts[k.n].v);
    }
    free(k.pts);
  }
}

/* ------------------------------------------------------------- workers */

static void tick_cb(uv_timer_t *t);

static void rearm(vg_agent_t *a, uint64_t delay) {
  if (a->stopping) return;
  if (delay > VG_TICK_MAX_MS) delay = VG_TICK_MAX_MS;
  uv_timer_start(&a->tick, tick_cb, delay, 0);
}

static void work_cb(uv_work_t *req) {
  vg_job_t *j = req->data;
  const vg_probe_t *p = vg_probes[j->idx];
  j->rc = p->collect(&j->ctx, &j->facts);
  if (j->rc != 0 && j->facts.err == 0)
    vg_facts_fail(&j->facts, j->rc, "%s", vg_strerror(j->rc));
}

static void agent_maybe_finish(vg_agent_t *a);

static void after_work_cb(uv_work_t *req, int status) {
  vg_job_t *j = req->data;
  vg_agent_t *a = j->a;
  vg_sched_entry_t *e = &a->sched.entries[j->idx];
  vg_probe_rt_t *rt = &a->rt[j->idx];
  uint64_t now = mono(a);
  a->inflight--;
  if (status == UV_ECANCELED || a->abandoned) {
    e->busy = 0;
  } else {
    vg_finding_t f;
    vg_eval_params_t ep;
    vg_facts_t memo_out;
    int ok = j->rc == 0;
    memset(&f, 0, sizeof(f));
    memset(&ep, 0, sizeof(ep));
    vg_facts_init(&memo_out);
    vg_sched_done(&a->sched, e, ok, now);
    if (ok) {
      vg_config_eval_params(&a->cfg, rt->probe, &ep);
      ep.now_ms = vg_agent_now(a);
      ep.memo = &rt->memo;
      ep.memo_out = &memo_out;
      ep.forecast = agent_forecast(a, rt, &j->facts, &ep.th, ep.now_ms);
      rt->probe->evaluate(&j->facts, &ep, rt->has_finding ? &rt->finding : NULL,
                          &f);
      if (memo_out.n > 0) {
        vg_facts_reset(&rt->memo);
        rt->memo = memo_out; /* moves the strings */
        vg_facts_init(&memo_out);
      }
    } else {
      vg_finding_unknown(&f, rt->probe->id, &j->facts);
    }
    agent_apply(a, j->idx, &f, &j->facts, (int64_t)(now - j->t0));
    vg_facts_reset(&memo_out);
  }
  vg_facts_reset(&j->facts);
  free(j);
  if (a->stopping)
    agent_maybe_finish(a);
  else
    rearm(a, 0);
}

static void start_cb(vg_sched_entry_t *e, void *ud) {
  vg_agent_t *a = ud;
  size_t idx = (size_t)(e - a->sched.entries);
  vg_job_t *j = calloc(1, sizeof(*j));
  if (j == NULL) {
    vg_sched_done(&a->sched, e, 0, mono(a));
    return;
  }
  j->a = a;
  j->idx = idx;
  vg_config_probe_ctx(&a->cfg, e->probe, a->os, &j->ctx);
  j->t0 = mono(a);
  vg_facts_init(&j->facts);
  j->req.data = j;
  if (uv_queue_work(a->loop, &j->req, work_cb, after_work_cb) != 0) {
    free(j);
    vg_sched_done(&a->sched, e, 0, mono(a));
    return;
  }
  a->inflight++;
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
}

static void tick_cb(uv_timer_t *t) {
  vg_agent_t *a = t->data;
  uint64_t now = mono(a);
  vg_sched_tick(&a->sched, now, start_cb, overdue_cb, a);
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

static void agent_note(vg_agent_t *a, const char *text) {
  if (a->nnotes < VG_NOTES_MAX) a->notes[a->nnotes++] = text;
}

static void server_handler(void *ud, const vg_peer_t *peer, const char *line,
                           size_t len, vg_jw_t *resp);

/* Releases the agent's memory (its handles are closed or never opened). */
static void agent_free(vg_agent_t *a) {
  size_t i;
  for (i = 0; i < a->npend; i++)
    pending_free(&a->pend[i]);
  free(a->pend);
  for (i = 0; i < a->n; i++) {
    vg_facts_reset(&a->rt[i].facts);
    vg_facts_reset(&a->rt[i].memo);
    free(a->rt[i].trend);
  }
  free(a->rt);
  vg_sched_free(&a->sched);
  vg_config_free(&a->cfg);
  free(a);
}

int vg_agent_start(vg_agent_t **out, uv_loop_t *loop,
                   const vg_agent_opts_t *opts, char *err, size_t errsz) {
  vg_agent_t *a;
  char path[1200];
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
  if (a == NULL) {
    snprintf(err, errsz, "out of memory");
    return VG_ENOMEM;
  }
  a->loop = loop;
  a->opts = *opts;
  a->os = opts->os ? opts->os : vg_os_default();
  if (opts->clock)
    a->clock = *opts->clock;
  else {
    a->clock.mono_ms = real_mono_ms;
    a->clock.wall_ms = real_wall_ms;
  }
  vg_strlcpy(a->home, opts->home ? opts->home : ".", sizeof(a->home));
  {
    size_t hl = sizeof(a->host);
    if (uv_os_gethostname(a->host, &hl) != 0)
      vg_strlcpy(a->host, "localhost", sizeof(a->host));
  }
  vg_config_init(&a->cfg);
  snprintf(path, sizeof(path), "%s/vigil.ini", a->home);
  vg_config_load(&a->cfg, path);
  for (i = 0; i < a->cfg.nwarnings; i++)
    agent_note(a, a->cfg.warnings[i]);

  a->n = vg_nprobes;
  a->rt = calloc(a->n, sizeof(*a->rt));
  rc = a->rt
           ? vg_sched_init(&a->sched, a->n,
                           opts->seed ? opts->seed : (uint32_t)uv_hrtime() | 1u)
           : VG_ENOMEM;
  if (rc) {
    snprintf(err, errsz, "out of memory");
    free(a->rt);
    vg_config_free(&a->cfg);
    free(a);
    return VG_ENOMEM;
  }
  a->sched.max_backoff_ms =
      (uint64_t)vg_config_get_num(&a->cfg, "agent", "max_backoff", 3600e3);
  a->forecast_window_ms = (int64_t)vg_config_get_num(
      &a->cfg, "agent", "forecast_window", 7 * 86400e3);
  for (i = 0; i < a->n; i++) {
    const vg_probe_t *p = vg_probes[i];
    a->rt[i].probe = p;
    if (p->trend) {
      a->rt[i].trend = malloc(sizeof(vg_trend_t));
      if (a->rt[i].trend)
        vg_trend_init(a->rt[i].trend, a->forecast_window_ms / VG_TREND_POINTS);
    }
    vg_facts_init(&a->rt[i].facts);
    vg_facts_init(&a->rt[i].memo);
    vg_sched_setup(&a->sched, i, p, vg_config_interval_ms(&a->cfg, p),
                   vg_config_deadline_ms(&a->cfg, p),
                   vg_config_enabled(&a->cfg, p) && selected(opts, p->id),
                   mono(a));
    if (opts->mode == VG_AGENT_ONCE) a->sched.entries[i].next_due_ms = 0;
  }

  if (opts->mode == VG_AGENT_DAEMON) {
    snprintf(path, sizeof(path), "%s/vigil.db", a->home);
    rc = vg_store_open(path, &a->store, a->store_note, sizeof(a->store_note),
                       err, errsz);
    if (rc != 0) goto fail;
    if (a->store_note[0]) agent_note(a, a->store_note);
    a->last_prune_ms = 0;
    vg_store_load_states(a->store, load_state_cb, a);
    agent_seed_trends(a);
  }
  if (opts->pipe_name) {
    rc = vg_server_start(&a->server, loop, opts->pipe_name, server_handler, a,
                         err, errsz);
    if (rc != 0) goto fail;
  }
  uv_timer_init(loop, &a->tick);
  uv_timer_init(loop, &a->flush);
  a->tick.data = a;
  a->flush.data = a;
  rearm(a, 0);
  *out = a;
  return 0;
fail:
  vg_store_close(a->store);
  agent_free(a);
  return rc;
}

/* --------------------------------------------------------------- stop */

static void handle_closed_cb(uv_handle_t *h) {
  vg_agent_t *a = h->data;
  if (--a->closing_handles > 0) return;
  if (a->done) a->done(a, a->done_ud);
  /* Abandoned workers still reference the agent: keep it (the process is
   * about to exit). */
  if (a->inflight == 0) agent_free(a);
}

static void server_closed_cb(void *ud) {
  vg_agent_t *a = ud;
  a->server = NULL;
  agent_maybe_finish(a);
}

/* Final step once workers are back (or abandoned) and the server is gone. */
static void agent_maybe_finish(vg_agent_t *a) {
  if (a->closing_handles || a->server) return;
  if (a->inflight > 0 && !a->abandoned) return;
  uv_timer_stop(&a->flush);
  if (a->store) {
    vg_agent_flush(a);
    vg_store_close(a->store);
    a->store = NULL;
  }
  a->closing_handles = 2;
  uv_close((uv_handle_t *)&a->tick, handle_closed_cb);
  uv_close((uv_handle_t *)&a->flush, handle_closed_cb);
}

static void grace_cb(uv_timer_t *t) {
  vg_agent_t *a = t->data;
  if (a->inflight > 0) {
    fprintf(stderr,
            "vigil: %zu probe collection(s) still running at shutdown; "
            "abandoning them\n",
            a->inflight);
    a->abandoned = 1;
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
  for (i = 0; i < a->n; i++)
    a->sched.entries[i].enabled = 0;
  if (a->server) vg_server_close(a->server, server_closed_cb, a);
  if (a->inflight > 0) {
    /* Queued but not started work is cancelled; running work gets grace. */
    uv_timer_start(&a->tick, grace_cb, grace_ms, 0);
    return;
  }
  agent_maybe_finish(a);
}

/* ---------------------------------------------------------- accessors */

size_t vg_agent_notes(const vg_agent_t *a, const char *const **notes) {
  *notes = a->notes;
  return a->nnotes;
}

size_t vg_agent_nprobes(const vg_agent_t *a) { return a->n; }

const vg_probe_rt_t *vg_agent_probe(const vg_agent_t *a, size_t i) {
  return i < a->n ? &a->rt[i] : NULL;
}

vg_store_t *vg_agent_store(vg_agent_t *a) { return a->store; }

const vg_config_t *vg_agent_config(const vg_agent_t *a) { return &a->cfg; }

int vg_agent_run_now(vg_agent_t *a, const char *id) {
  size_t i;
  int n = 0;
  uint64_t now = mono(a);
  for (i = 0; i < a->n; i++) {
    vg_sched_entry_t *e = &a->sched.entries[i];
    if (id && strcmp(e->probe->id, id) != 0) continue;
    if (!e->enabled) continue;
    vg_sched_run_now(&a->sched, e, now);
    n++;
  }
  if (id && n == 0 && vg_probe_find(id) == NULL) return VG_ENOENT;
  rearm(a, 0);
  return n;
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

void vg_agent_report(vg_agent_t *a, vg_jw_t *w) {
  vg_report_item_t *items = calloc(a->n ? a->n : 1, sizeof(*items));
  static const vg_finding_t pending = {
      VG_ST_UNKNOWN,
      "Not checked yet; the first collection is due shortly",
      "",
      {{0}},
      0};
  size_t i, k = 0;
  if (items == NULL) {
    w->err = VG_ENOMEM;
    return;
  }
  for (i = 0; i < a->n; i++) {
    vg_probe_rt_t *rt = &a->rt[i];
    int enabled = vg_config_enabled(&a->cfg, rt->probe) &&
                  selected(&a->opts, rt->probe->id);
    if (!enabled) continue;
    items[k].id = rt->probe->id;
    items[k].finding = rt->has_finding ? &rt->finding : &pending;
    items[k].facts = rt->has_finding ? &rt->facts : NULL;
    items[k].since_ms = rt->has_finding ? rt->since_ms : vg_agent_now(a);
    items[k].checked_ms = rt->checked_ms;
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
  vg_report_write(w, a->host, vg_agent_now(a), items, k);
  free(items);
}

/* The protocol lives in protocol.c; the server calls through here. */
void vg_protocol_handle(vg_agent_t *a, const vg_peer_t *peer, const char *line,
                        size_t len, vg_jw_t *resp);

static void server_handler(void *ud, const vg_peer_t *peer, const char *line,
                           size_t len, vg_jw_t *resp) {
  vg_protocol_handle(ud, peer, line, len, resp);
}
