/* recorder.c: the pending queue between the runtime and the store - one
 * transaction per cycle, retention, and the store-failure path (records
 * kept in memory up to a bound, retried, reported once). */
#include "recorder.h"

#include "report.h"
#include "vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VG_FLUSH_DELAY_MS 100
#define VG_FLUSH_RETRY_MS 5000
#define VG_PRUNE_EVERY_MS (3600 * 1000)
/* The WAL is moved into the database and truncated this often; between,
 * SQLite's own checkpoint (1000 pages) bounds it. Rarer truncation writes
 * each page touched meanwhile once instead of every hour. */
#define VG_TRUNCATE_EVERY_MS (6 * 3600 * 1000)

typedef enum {
  REC_SAMPLE = 0,
  REC_CHANGE,
  REC_STATE,
  REC_REPEAT, /* same as the probe's last sample: extend that row */
  REC_TREND   /* a point the probe's forecast took (value) */
} vg_rec_kind_t;

#define VG_REC_PROBES_MAX 64

/* What was last handed to the store for a probe: its sample (status,
 * summary, facts), so a check that finds the same is stored as one more
 * check of that row, and its state without the check time, so a state
 * that only was checked again is not written again (the store takes that
 * time from the sample). */
typedef struct vg_rec_last_s {
  const char *probe;
  struct vg_pending_s *sample; /* copies of the last sample and state */
  struct vg_pending_s *state;  /* queued (NULL: none yet) */
  int64_t sample_row;          /* the stored row of sample; 0: unknown */
} vg_rec_last_t;

/* A record waiting for the next transaction. A repeat keeps its summary
 * and facts so it can become a full sample again (a replaced database). */
typedef struct vg_pending_s {
  vg_rec_kind_t kind;
  const char *probe; /* static: the probe table's id */
  int64_t ts_ms;
  vg_status_t status, old_status;
  int64_t old_since_ms, duration_ms;
  double value; /* REC_TREND */
  char *summary, *remedy;
  char *facts_json, *predicts_json, *memo_json;
} vg_pending_t;

struct vg_recorder_s {
  uv_loop_t *loop;
  uv_timer_t flush;
  vg_store_t *store;
  int64_t retention_ms;
  vg_rec_notify_fn notify;
  void *ud;
  vg_pending_t *pend;
  size_t npend, cap;
  uint64_t dropped;
  int failing;
  int closing;
  int64_t last_prune_ms, last_truncate_ms;
  int64_t now_hint_ms; /* wall time of the last record, for the timer */
  vg_rec_last_t last[VG_REC_PROBES_MAX];
};

static void pending_free(vg_pending_t *p) {
  free(p->summary);
  free(p->remedy);
  free(p->facts_json);
  free(p->predicts_json);
  free(p->memo_json);
}

int vg_recorder_init(vg_recorder_t **out, uv_loop_t *loop, vg_store_t *store,
                     int64_t retention_ms, vg_rec_notify_fn notify, void *ud) {
  vg_recorder_t *r = calloc(1, sizeof(*r));
  *out = NULL;
  if (r == NULL) return VG_ENOMEM;
  r->loop = loop;
  r->store = store;
  r->retention_ms = retention_ms;
  r->notify = notify;
  r->ud = ud;
  uv_timer_init(loop, &r->flush);
  r->flush.data = r;
  *out = r;
  return 0;
}

static void flush_cb(uv_timer_t *t);

static void flush_soon(vg_recorder_t *r) {
  if (r->closing) return;
  if (!uv_is_active((uv_handle_t *)&r->flush))
    uv_timer_start(&r->flush, flush_cb,
                   r->failing ? VG_FLUSH_RETRY_MS : VG_FLUSH_DELAY_MS, 0);
}

/* Appends a record; when the store has been failing long enough for the
 * queue to fill, the oldest sample goes first - changes and states are
 * kept. */
static void pending_add(vg_recorder_t *r, const vg_pending_t *p) {
  if (r->npend == VG_PENDING_MAX) {
    size_t i;
    for (i = 0; i < r->npend && r->pend[i].kind != REC_SAMPLE; i++) {
    }
    if (i == r->npend) i = 0;
    pending_free(&r->pend[i]);
    memmove(&r->pend[i], &r->pend[i + 1],
            (r->npend - i - 1) * sizeof(*r->pend));
    r->npend--;
    if (r->dropped++ == 0 && r->notify)
      r->notify(r->ud, VG_REC_DROPPED, 1,
                "the store has failed long enough for the queue to fill");
  }
  if (r->npend == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 64;
    vg_pending_t *np;
    if (cap > VG_PENDING_MAX) cap = VG_PENDING_MAX;
    np = realloc(r->pend, cap * sizeof(*np));
    if (np == NULL) {
      vg_pending_t tmp = *p;
      pending_free(&tmp);
      r->dropped++;
      return;
    }
    r->pend = np;
    r->cap = cap;
  }
  r->pend[r->npend++] = *p;
  r->now_hint_ms = p->ts_ms;
  flush_soon(r);
}

/* The probe's slot of what was last stored, or NULL when full. */
static vg_rec_last_t *rec_last(vg_recorder_t *r, const char *probe) {
  size_t i;
  for (i = 0; i < VG_REC_PROBES_MAX; i++)
    if (r->last[i].probe == probe || r->last[i].probe == NULL) {
      r->last[i].probe = probe;
      return &r->last[i];
    }
  return NULL;
}

static int same_text(const char *a, const char *b) {
  return a && b && strcmp(a, b) == 0;
}

/* Whether two samples found the same (status, summary, facts). */
static int same_sample(const vg_pending_t *a, const vg_pending_t *b) {
  return a->status == b->status && same_text(a->summary, b->summary) &&
         same_text(a->facts_json, b->facts_json);
}

/* Whether two states differ at most in their check time. */
static int same_state(const vg_pending_t *a, const vg_pending_t *b) {
  return a->status == b->status && a->old_since_ms == b->old_since_ms &&
         same_text(a->summary, b->summary) && same_text(a->remedy, b->remedy) &&
         same_text(a->predicts_json, b->predicts_json) &&
         same_text(a->facts_json, b->facts_json) &&
         same_text(a->memo_json, b->memo_json);
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

/* A deep copy of p in new memory, or NULL. */
static vg_pending_t *pending_copy(const vg_pending_t *p) {
  vg_pending_t *c = malloc(sizeof(*c));
  if (c == NULL) return NULL;
  *c = *p;
  c->summary = dup_or_null(p->summary);
  c->remedy = dup_or_null(p->remedy);
  c->facts_json = dup_or_null(p->facts_json);
  c->predicts_json = dup_or_null(p->predicts_json);
  c->memo_json = dup_or_null(p->memo_json);
  return c;
}

/* Frees what *slot holds and empties it. */
static void slot_free(vg_pending_t **slot) {
  if (*slot) pending_free(*slot);
  free(*slot);
  *slot = NULL;
}

/* *slot becomes a copy of p (or NULL when out of memory). */
static void slot_set(vg_pending_t **slot, const vg_pending_t *p) {
  slot_free(slot);
  *slot = pending_copy(p);
}

/* An empty record of kind for probe at ts_ms. */
static vg_pending_t pending_base(vg_rec_kind_t kind, const char *probe,
                                 int64_t ts_ms) {
  vg_pending_t p;
  memset(&p, 0, sizeof(p));
  p.kind = kind;
  p.probe = probe;
  p.ts_ms = ts_ms;
  return p;
}

/* A record of kind for probe with the finding's status and summary. */
static vg_pending_t pending_of(vg_rec_kind_t kind, const char *probe,
                               int64_t ts_ms, const vg_finding_t *f,
                               const char *facts_json) {
  vg_pending_t p = pending_base(kind, probe, ts_ms);
  p.status = f->status;
  p.summary = strdup(f->summary);
  p.facts_json = facts_json ? strdup(facts_json) : NULL;
  return p;
}

void vg_recorder_sample(vg_recorder_t *r, const char *probe, int64_t ts_ms,
                        const vg_finding_t *f, const char *facts_json,
                        int64_t duration_ms) {
  vg_pending_t p = pending_of(REC_SAMPLE, probe, ts_ms, f, facts_json);
  vg_rec_last_t *last = rec_last(r, probe);
  p.duration_ms = duration_ms;
  if (last && last->sample && same_sample(last->sample, &p))
    p.kind = REC_REPEAT;
  else if (last)
    slot_set(&last->sample, &p);
  pending_add(r, &p);
}

void vg_recorder_trend(vg_recorder_t *r, const char *probe, int64_t ts_ms,
                       double value) {
  vg_pending_t p = pending_base(REC_TREND, probe, ts_ms);
  p.value = value;
  pending_add(r, &p);
}

void vg_recorder_change(vg_recorder_t *r, const char *probe, int64_t ts_ms,
                        vg_status_t old_status, int64_t old_since_ms,
                        const vg_finding_t *f, const char *facts_json) {
  vg_pending_t p = pending_of(REC_CHANGE, probe, ts_ms, f, facts_json);
  p.old_status = old_status;
  p.old_since_ms = old_since_ms;
  p.duration_ms = ts_ms - old_since_ms;
  pending_add(r, &p);
}

void vg_recorder_state(vg_recorder_t *r, const char *probe,
                       const vg_finding_t *f, const char *facts_json,
                       const vg_facts_t *memo, int64_t since_ms,
                       int64_t checked_ms) {
  vg_pending_t p = pending_of(REC_STATE, probe, checked_ms, f, facts_json);
  vg_rec_last_t *last = rec_last(r, probe);
  size_t i;
  p.old_since_ms = since_ms;
  p.remedy = strdup(f->remedy);
  p.memo_json = vg_facts_json(memo);
  p.predicts_json = vg_predicts_json(f);
  /* Found as before: the sample row says when it was checked. */
  if (last && last->state && same_state(last->state, &p)) {
    last->state->ts_ms = checked_ms;
    pending_free(&p);
    return;
  }
  if (last) slot_set(&last->state, &p);
  for (i = 0; i < r->npend; i++)
    if (r->pend[i].kind == REC_STATE && r->pend[i].probe == probe) {
      pending_free(&r->pend[i]);
      r->pend[i] = p;
      flush_soon(r);
      return;
    }
  pending_add(r, &p);
}

static int write_one(vg_recorder_t *r, const vg_pending_t *p) {
  vg_store_t *s = r->store;
  if (p->kind == REC_CHANGE) {
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
    return vg_store_add_change(s, &c);
  }
  if (p->kind == REC_REPEAT) {
    vg_rec_last_t *last = rec_last(r, p->probe);
    int rc = VG_ENOENT;
    if (last && last->sample_row)
      rc = vg_store_repeat_sample_row(s, last->sample_row, p->probe, p->ts_ms,
                                      p->duration_ms);
    if (rc == VG_ENOENT)
      rc = vg_store_repeat_sample(s, p->probe, p->ts_ms, p->duration_ms);
    return rc;
  }
  if (p->kind == REC_TREND)
    return vg_store_add_trend(s, p->probe, p->ts_ms, p->value);
  if (p->kind == REC_STATE) {
    vg_state_t st;
    st.probe = p->probe;
    st.status = vg_status_name(p->status);
    st.summary = p->summary ? p->summary : "";
    st.remedy = p->remedy ? p->remedy : "";
    st.predicts_json = p->predicts_json ? p->predicts_json : "[]";
    st.facts_json = p->facts_json ? p->facts_json : "{}";
    st.memo_json = p->memo_json ? p->memo_json : "{}";
    st.since_ms = p->old_since_ms;
    st.checked_ms = p->ts_ms;
    return vg_store_put_state(s, &st);
  }
  {
    vg_sample_t smp;
    vg_rec_last_t *last;
    int rc;
    smp.probe = p->probe;
    smp.ts_ms = p->ts_ms;
    smp.status = vg_status_name(p->status);
    smp.summary = p->summary;
    smp.facts_json = p->facts_json ? p->facts_json : "{}";
    smp.duration_ms = p->duration_ms;
    rc = vg_store_add_sample(s, &smp);
    if (rc == 0 && (last = rec_last(r, p->probe)) != NULL)
      last->sample_row = vg_store_sample_row(s);
    return rc;
  }
}

/* Forgets what was last stored (the recorder closes). */
static void rec_forget(vg_recorder_t *r) {
  size_t i;
  for (i = 0; i < VG_REC_PROBES_MAX; i++) {
    slot_free(&r->last[i].sample);
    slot_free(&r->last[i].state);
  }
}

/* A database made again or replaced may lack the rows that repeats and
 * skipped states stand for: queued repeats become full samples, every
 * probe's last state is queued again, and the next samples start anew. */
static void rec_rewrite_in_full(vg_recorder_t *r) {
  size_t i, n = r->npend;
  for (i = 0; i < n; i++)
    if (r->pend[i].kind == REC_REPEAT) r->pend[i].kind = REC_SAMPLE;
  for (i = 0; i < VG_REC_PROBES_MAX && r->last[i].probe; i++) {
    vg_pending_t *c;
    slot_free(&r->last[i].sample);
    r->last[i].sample_row = 0;
    if (r->last[i].state && (c = pending_copy(r->last[i].state)) != NULL) {
      size_t k;
      for (k = 0; k < r->npend; k++)
        if (r->pend[k].kind == REC_STATE && r->pend[k].probe == c->probe) break;
      if (k == r->npend)
        pending_add(r, c);
      else
        pending_free(c);
      free(c);
    }
  }
}

int vg_recorder_flush(vg_recorder_t *r, int64_t now_ms) {
  size_t i;
  int rc;
  char note[700];
  int pruned = 0;
  if (r->npend == 0 && now_ms - r->last_prune_ms <= VG_PRUNE_EVERY_MS) return 0;
  /* The file deleted or replaced under us: made again (nothing lost) and
   * said once; not reopenable: failing like any write error. */
  rc = vg_store_check_file(r->store, note, sizeof(note));
  if (rc == 1) rec_rewrite_in_full(r);
  if (rc == 1 && r->notify) r->notify(r->ud, VG_REC_REOPENED, 0, note);
  rc = rc == 1 ? 0 : rc;
  if (rc == 0) rc = vg_store_begin(r->store);
  for (i = 0; rc == 0 && i < r->npend; i++)
    rc = write_one(r, &r->pend[i]);
  if (rc == 0 && now_ms - r->last_prune_ms > VG_PRUNE_EVERY_MS) {
    rc = vg_store_prune(r->store, now_ms - r->retention_ms);
    if (rc == 0) pruned = 1;
  }
  if (rc == 0) rc = vg_store_commit(r->store);
  if (rc == 0 && pruned) {
    r->last_prune_ms = now_ms;
    if (now_ms - r->last_truncate_ms > VG_TRUNCATE_EVERY_MS) {
      r->last_truncate_ms = now_ms;
      vg_store_checkpoint(r->store);
    }
  }
  if (rc != 0) {
    /* Disk full, locked, I/O error: keep everything queued (bounded) and
     * try again; the owner hears of it once. */
    vg_store_rollback(r->store);
    /* Rows inserted in this transaction are gone (their ids may come
     * again for other rows): repeats find their row by probe again. */
    for (i = 0; i < VG_REC_PROBES_MAX; i++)
      r->last[i].sample_row = 0;
    if (!r->failing && r->notify)
      r->notify(r->ud, VG_REC_FAILING, r->npend, vg_store_errmsg(r->store));
    r->failing = 1;
    return VG_ESTORE;
  }
  if (r->failing && r->notify) r->notify(r->ud, VG_REC_RECOVERED, r->npend, "");
  r->failing = 0;
  for (i = 0; i < r->npend; i++)
    pending_free(&r->pend[i]);
  r->npend = 0;
  return 0;
}

static void flush_cb(uv_timer_t *t) {
  vg_recorder_t *r = t->data;
  uv_timeval64_t tv;
  int64_t now = r->now_hint_ms;
  if (uv_gettimeofday(&tv) == 0 && now == 0)
    now = (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
  if (vg_recorder_flush(r, now) != 0) flush_soon(r);
}

size_t vg_recorder_pending(const vg_recorder_t *r) { return r->npend; }
uint64_t vg_recorder_dropped(const vg_recorder_t *r) { return r->dropped; }
int vg_recorder_failing(const vg_recorder_t *r) { return r->failing; }

const char *vg_recorder_store_state(const vg_recorder_t *r) {
  const char *s = vg_store_state(r->store);
  return r->failing && strcmp(s, "ok") == 0 ? "failing" : s;
}

static void closed_cb(uv_handle_t *h) {
  vg_recorder_t *r = h->data;
  size_t i;
  rec_forget(r);
  for (i = 0; i < r->npend; i++)
    pending_free(&r->pend[i]);
  free(r->pend);
  free(r);
}

void vg_recorder_close(vg_recorder_t *r) {
  r->closing = 1;
  uv_timer_stop(&r->flush);
  vg_recorder_flush(r, r->now_hint_ms);
  uv_close((uv_handle_t *)&r->flush, closed_cb);
}
