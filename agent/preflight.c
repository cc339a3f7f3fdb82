/* preflight.c: backup-aware warnings (architecture.md) - the next
 * scheduled backup from task.schedule's facts, the pre-flight sweep
 * preflight_lead before it (every backup-scope probe collected now), one
 * verdict per scheduled backup (kept in the store so a restart never
 * announces it twice), and each outcome mars.jobs reports matched to the
 * verdict given for it. Loop thread. */
#include "agent_int.h"

#include "score.h"
#include "timefmt.h"
#include "vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PF_TIMER_MAX_MS (3600 * 1000LL)        /* re-check at least hourly */
#define PF_SWEEP_GRACE_MS 5000                 /* past the slowest deadline */
#define PF_MATCH_BEFORE_MS (15 * 60 * 1000LL)  /* a job that began early */
#define PF_MATCH_AFTER_MS (12 * 3600 * 1000LL) /* ...or this much later */
#define PF_JOBS_MAX 10

static int64_t now_ms(const vg_agent_t *a) { return vg_agent_now(a); }

static const vg_probe_rt_t *probe_rt(const vg_agent_t *a, const char *id,
                                     size_t *idx) {
  size_t i;
  for (i = 0; i < a->n; i++)
    if (strcmp(a->rt[i].probe->id, id) == 0) {
      if (idx) *idx = i;
      return &a->rt[i];
    }
  return NULL;
}

/* ------------------------------------------------------------ schedule */

/* The next backup from task.schedule's facts: next_backup_ms (NextRunTime,
 * or computed from the triggers), else next_run_ms. */
static void pf_read_schedule(vg_agent_t *a) {
  vg_preflight_t *pf = &a->pf;
  const vg_probe_rt_t *rt = probe_rt(a, "task.schedule", NULL);
  int64_t at = 0;
  const char *task = NULL, *src = NULL;
  pf->next_ms = 0;
  if (rt == NULL || !rt->has_finding || !rt->enabled) return;
  if (vg_facts_get_int(&rt->facts, "next_backup_ms", &at) == 0) {
    task = vg_facts_get_str(&rt->facts, "next_backup_task");
    src = vg_facts_get_str(&rt->facts, "next_backup_source");
  } else if (vg_facts_get_int(&rt->facts, "next_run_ms", &at) == 0) {
    task = vg_facts_get_str(&rt->facts, "task");
    src = "task";
  }
  if (at <= 0) return;
  pf->next_ms = at;
  vg_strlcpy(pf->task, task ? task : "", sizeof(pf->task));
  vg_strlcpy(pf->source, src ? src : "task", sizeof(pf->source));
}

/* --------------------------------------------------------------- sweep */

static void pf_timer_cb(uv_timer_t *t);

static void pf_arm(vg_agent_t *a, int64_t delay_ms) {
  if (a->stopping) return;
  if (delay_ms < 0) delay_ms = 0;
  if (delay_ms > PF_TIMER_MAX_MS) delay_ms = PF_TIMER_MAX_MS;
  uv_timer_start(&a->pf.timer, pf_timer_cb, (uint64_t)delay_ms, 0);
}

/* The verdict for the backup at at_ms from the current findings and each
 * trend's forecast. */
static vg_verdict_t pf_verdict(vg_agent_t *a, int64_t at_ms, size_t *blocking,
                               size_t *nblocking) {
  vg_verdict_in_t in[64];
  size_t map[64], i, k = 0, b[VG_BLOCKING_MAX], nb = 0;
  vg_verdict_t v;
  for (i = 0; i < a->n && k < VG_ARRAY_SIZE(in); i++) {
    const vg_probe_rt_t *rt = &a->rt[i];
    if (!rt->enabled) continue;
    in[k].probe = rt->probe;
    in[k].has_finding = rt->has_finding;
    in[k].status = rt->finding.status;
    in[k].forecast = rt->trend && rt->forecast.valid ? &rt->forecast : NULL;
    map[k++] = i;
  }
  v = vg_judge_verdict(in, k, at_ms, b, &nb);
  for (i = 0; i < nb; i++)
    blocking[i] = map[b[i]];
  *nblocking = nb;
  return v;
}

static void pf_sweep_start(vg_agent_t *a) {
  vg_preflight_t *pf = &a->pf;
  uint64_t longest = 0;
  size_t i;
  pf->sweeping = 1;
  pf->swept_for_ms = pf->next_ms;
  pf->preflight_ms = 0;
  pf->sweep_start_ms = now_ms(a);
  for (i = 0; i < a->n; i++) {
    vg_sched_entry_t *e = &a->sched.entries[i];
    if (!a->rt[i].enabled || a->rt[i].probe->scope != VG_SCOPE_BACKUP) continue;
    if (e->deadline_ms > longest) longest = e->deadline_ms;
    vg_agent_run_now(a, a->rt[i].probe->id, NULL);
  }
  pf->sweep_deadline =
      a->clock.mono_ms(a->clock.ud) + longest + PF_SWEEP_GRACE_MS;
  pf_arm(a, (int64_t)(longest + PF_SWEEP_GRACE_MS));
}

/* Whether every backup-scope probe has reported since the sweep began. */
static int pf_sweep_complete(const vg_agent_t *a) {
  size_t i;
  for (i = 0; i < a->n; i++) {
    const vg_probe_rt_t *rt = &a->rt[i];
    if (!rt->enabled || rt->probe->scope != VG_SCOPE_BACKUP) continue;
    if (rt->checked_ms < a->pf.sweep_start_ms) return 0;
  }
  return 1;
}

static void pf_sweep_finish(vg_agent_t *a) {
  vg_preflight_t *pf = &a->pf;
  a->report_dirty = 1;
  vg_preflight_ev_t ev;
  size_t blocking[VG_BLOCKING_MAX], nb, i;
  char ids[600];
  size_t pos = 0;
  int inserted = 1;
  pf->sweeping = 0;
  pf->preflight_ms = now_ms(a);
  memset(&ev, 0, sizeof(ev));
  ev.at_ms = pf->swept_for_ms;
  ev.task = pf->task;
  ev.lead_ms = pf->swept_for_ms - pf->preflight_ms;
  ev.verdict = pf_verdict(a, pf->swept_for_ms, blocking, &nb);
  ids[0] = '\0';
  for (i = 0; i < nb; i++) {
    ev.blocking[ev.nblocking++] = &a->rt[blocking[i]];
    vg_bufprintf(ids, sizeof(ids), &pos, "%s%s", i ? "," : "",
                 a->rt[blocking[i]].probe->id);
  }
  if (a->opts.store) {
    vg_backup_t b;
    memset(&b, 0, sizeof(b));
    b.scheduled_ms = pf->swept_for_ms;
    b.task = pf->task;
    b.verdict = vg_verdict_name(ev.verdict);
    b.blocking = ids;
    b.preflight_ms = pf->preflight_ms;
    /* A write failure still announces it (once in this process). */
    if (vg_store_backup_put(a->opts.store, &b, &inserted) != 0) inserted = 1;
  }
  if (inserted && a->opts.sink.preflight)
    a->opts.sink.preflight(a->opts.sink.ud, a, &ev);
}

/* Arms the timer for the next sweep, starts one now when the backup is
 * within the lead and not swept yet, or re-checks the schedule once a
 * backup's time has passed. */
static void pf_plan(vg_agent_t *a) {
  vg_preflight_t *pf = &a->pf;
  int64_t now = now_ms(a), lead = a->set->preflight_lead_ms;
  if (pf->sweeping || a->opts.mode != VG_AGENT_DAEMON) return;
  if (pf->next_ms <= 0) {
    uv_timer_stop(&pf->timer);
    return;
  }
  if (pf->next_ms <= now) {
    /* The backup time passed: ask task.schedule for the next one soon. */
    pf_arm(a, 60 * 1000);
    return;
  }
  if (pf->next_ms - now <= lead) {
    if (pf->swept_for_ms != pf->next_ms)
      pf_sweep_start(a);
    else
      pf_arm(a, pf->next_ms - now + 60 * 1000);
    return;
  }
  pf_arm(a, pf->next_ms - lead - now);
}

static void pf_timer_cb(uv_timer_t *t) {
  vg_agent_t *a = t->data;
  vg_preflight_t *pf = &a->pf;
  if (pf->sweeping) {
    /* The slowest probe's deadline passed: judge with what is there. */
    pf_sweep_finish(a);
    pf_plan(a);
    return;
  }
  if (pf->next_ms > 0 && pf->next_ms <= now_ms(a))
    vg_agent_run_now(a, "task.schedule", NULL);
  pf_plan(a);
}

/* ------------------------------------------------------------ outcomes */

typedef struct pf_job_s {
  int64_t ms;
  const char *outcome;
} pf_job_t;

/* Recent job outcomes from mars.jobs' facts (job_N_ms / job_N_outcome,
 * newest first). Returns how many; -1 when mars.jobs has none to give
 * (not installed, cannot read its sources). */
static int pf_jobs(const vg_agent_t *a, pf_job_t *jobs) {
  const vg_probe_rt_t *rt = probe_rt(a, "mars.jobs", NULL);
  int n = 0, i;
  char k[32];
  if (rt == NULL || !rt->has_finding ||
      (rt->finding.status != VG_ST_OK && rt->finding.status != VG_ST_WARN &&
       rt->finding.status != VG_ST_CRIT))
    return -1;
  for (i = 0; i < PF_JOBS_MAX; i++) {
    snprintf(k, sizeof(k), "job_%d_ms", i);
    if (vg_facts_get_int(&rt->facts, k, &jobs[n].ms) != 0) break;
    snprintf(k, sizeof(k), "job_%d_outcome", i);
    jobs[n].outcome = vg_facts_get_str(&rt->facts, k);
    if (jobs[n].outcome) n++;
  }
  return n;
}

typedef struct pf_match_s {
  vg_agent_t *a;
  pf_job_t jobs[PF_JOBS_MAX];
  int njobs;
  int64_t now;
  vg_backup_t todo[16];
  char text[16][3][400];
  int ntodo;
} pf_match_t;

static int pf_match_row(const vg_backup_t *b, void *ud) {
  pf_match_t *m = ud;
  if (m->ntodo == (int)VG_ARRAY_SIZE(m->todo)) return 1;
  if (b->outcome[0] != '\0' || b->scheduled_ms > m->now) return 0;
  m->todo[m->ntodo] = *b;
  vg_strlcpy(m->text[m->ntodo][0], b->task, sizeof(m->text[0][0]));
  vg_strlcpy(m->text[m->ntodo][1], b->verdict, sizeof(m->text[0][1]));
  vg_strlcpy(m->text[m->ntodo][2], b->blocking, sizeof(m->text[0][2]));
  m->todo[m->ntodo].task = m->text[m->ntodo][0];
  m->todo[m->ntodo].verdict = m->text[m->ntodo][1];
  m->todo[m->ntodo].blocking = m->text[m->ntodo][2];
  m->ntodo++;
  return 0;
}

/* Matches recorded backups without an outcome to the jobs mars.jobs saw:
 * a job that began from 15 min before to 12 h after the scheduled time is
 * its run; none by then is "missed". */
static void pf_outcomes(vg_agent_t *a) {
  pf_match_t *m;
  int i, j;
  if (a->opts.store == NULL) return;
  /* Not calloc: the 20 KiB of rows are filled before they are read
   * (clearing them at every mars.jobs check cost an idle agent 2 %). */
  m = malloc(sizeof(*m));
  if (m == NULL) return;
  m->ntodo = 0;
  m->a = a;
  m->now = now_ms(a);
  m->njobs = pf_jobs(a, m->jobs);
  if (m->njobs < 0) {
    free(m);
    return;
  }
  vg_store_backups(a->opts.store, m->now - 30 * 86400000LL, 64, pf_match_row,
                   m);
  for (i = 0; i < m->ntodo; i++) {
    const vg_backup_t *b = &m->todo[i];
    const char *outcome = NULL;
    int64_t when = m->now;
    int updated = 0;
    for (j = 0; j < m->njobs && outcome == NULL; j++)
      if (m->jobs[j].ms >= b->scheduled_ms - PF_MATCH_BEFORE_MS &&
          m->jobs[j].ms <= b->scheduled_ms + PF_MATCH_AFTER_MS) {
        outcome = m->jobs[j].outcome;
        when = m->jobs[j].ms;
      }
    if (outcome == NULL && m->now > b->scheduled_ms + PF_MATCH_AFTER_MS)
      outcome = "missed";
    if (outcome == NULL) continue;
    if (vg_store_backup_outcome(a->opts.store, b->scheduled_ms, outcome, when,
                                &updated) != 0 ||
        !updated)
      continue;
    a->report_dirty = 1;
    if (b->scheduled_ms >= a->pf.last_ms) {
      a->pf.last_ms = b->scheduled_ms;
      vg_strlcpy(a->pf.last_outcome, outcome, sizeof(a->pf.last_outcome));
      vg_strlcpy(a->pf.last_verdict, b->verdict, sizeof(a->pf.last_verdict));
    }
    if (a->opts.sink.outcome) {
      vg_outcome_ev_t ev;
      ev.at_ms = b->scheduled_ms;
      ev.task = b->task;
      ev.outcome = outcome;
      ev.verdict = b->verdict;
      ev.blocking = b->blocking;
      ev.assessment = vg_score_add(NULL, outcome, b->verdict);
      a->opts.sink.outcome(a->opts.sink.ud, a, &ev);
    }
  }
  free(m);
}

static int pf_last_row(const vg_backup_t *b, void *ud) {
  vg_preflight_t *pf = ud;
  if (b->outcome[0] == '\0') return 0;
  pf->last_ms = b->scheduled_ms;
  vg_strlcpy(pf->last_outcome, b->outcome, sizeof(pf->last_outcome));
  vg_strlcpy(pf->last_verdict, b->verdict, sizeof(pf->last_verdict));
  return 1;
}

/* ----------------------------------------------------------- interface */

void vg__preflight_init(vg_agent_t *a) {
  uv_timer_init(a->loop, &a->pf.timer);
  a->pf.timer.data = a;
  if (a->opts.store)
    vg_store_backups(a->opts.store, 0, 64, pf_last_row, &a->pf);
  pf_read_schedule(a);
  /* A sweep already made for the stored next backup (before a restart)
   * is known from the store: pf_sweep_finish's insert keeps the first. */
  pf_plan(a);
}

void vg__preflight_close(vg_agent_t *a, uv_close_cb cb) {
  uv_timer_stop(&a->pf.timer);
  uv_close((uv_handle_t *)&a->pf.timer, cb);
}

void vg__preflight_on_apply(vg_agent_t *a, size_t idx) {
  const char *id = a->rt[idx].probe->id;
  if (a->opts.mode != VG_AGENT_DAEMON) return;
  if (a->pf.sweeping && pf_sweep_complete(a)) {
    uv_timer_stop(&a->pf.timer);
    pf_sweep_finish(a);
  }
  if (strcmp(id, "task.schedule") == 0) {
    int64_t before = a->pf.next_ms;
    pf_read_schedule(a);
    if (a->pf.next_ms != before || !uv_is_active((uv_handle_t *)&a->pf.timer))
      pf_plan(a);
  } else if (!a->pf.sweeping && !uv_is_active((uv_handle_t *)&a->pf.timer)) {
    pf_plan(a);
  }
  if (strcmp(id, "mars.jobs") == 0) pf_outcomes(a);
}

int64_t vg_agent_next_backup(vg_agent_t *a, const char **task,
                             const char **source, vg_verdict_t *verdict,
                             size_t *blocking, size_t *nblocking) {
  *nblocking = 0;
  if (a->pf.next_ms <= 0) return 0;
  *task = a->pf.task;
  *source = a->pf.source;
  *verdict = pf_verdict(a, a->pf.next_ms, blocking, nblocking);
  return a->pf.next_ms;
}

void vg__preflight_report(vg_agent_t *a, vg_jw_t *w) {
  vg_preflight_t *pf = &a->pf;
  char t[40];
  if (pf->next_ms > 0) {
    size_t blocking[VG_BLOCKING_MAX], nb, i;
    vg_verdict_t v = pf_verdict(a, pf->next_ms, blocking, &nb);
    vg_jw_key(w, "next_backup");
    vg_jw_obj_begin(w);
    vg_jw_kstr(w, "at", vg_iso8601(pf->next_ms, t, sizeof(t)));
    vg_jw_kstr(w, "source", pf->source);
    vg_jw_kstr(w, "task", pf->task);
    vg_jw_kstr(w, "verdict", vg_verdict_name(v));
    vg_jw_key(w, "blocking");
    vg_jw_arr_begin(w);
    for (i = 0; i < nb; i++)
      vg_jw_str(w, a->rt[blocking[i]].probe->id);
    vg_jw_arr_end(w);
    vg_jw_key(w, "preflight_at");
    if (pf->swept_for_ms == pf->next_ms && pf->preflight_ms > 0)
      vg_jw_str(w, vg_iso8601(pf->preflight_ms, t, sizeof(t)));
    else
      vg_jw_null(w);
    vg_jw_obj_end(w);
  }
  if (pf->last_ms > 0) {
    vg_jw_key(w, "last_backup");
    vg_jw_obj_begin(w);
    vg_jw_kstr(w, "at", vg_iso8601(pf->last_ms, t, sizeof(t)));
    vg_jw_kstr(w, "outcome", pf->last_outcome);
    vg_jw_key(w, "verdict_before");
    if (pf->last_verdict[0])
      vg_jw_str(w, pf->last_verdict);
    else
      vg_jw_null(w);
    vg_jw_obj_end(w);
  }
}
