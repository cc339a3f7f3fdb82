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

typedef enum {
  REC_SAMPLE = 0,
  REC_CHANGE,
  REC_STATE,
  REC_REPEAT /* same as the probe's last sample: extend that row */
} vg_rec_kind_t;

#define VG_REC_PROBES_MAX 64

/* What the last sample of a probe held (status, summary, facts), so a
 * check that finds the same is stored as one more check of that row. */
typedef struct vg_rec_last_s {
  const char *probe;
  char *key;
} vg_rec_last_t;

/* A record waiting for the next transaction. */
typedef struct vg_pending_s {
  vg_rec_kind_t kind;
  const char *probe; /* static: the probe table's id */
  int64_t ts_ms;
  vg_status_t status, old_status;
  int64_t old_since_ms, duration_ms;
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
  int64_t last_prune_ms;
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

/* Whether this sample repeats the probe's last one; remembers it when
 * not. Returns 1 for a repeat. */
static int sample_repeats(vg_recorder_t *r, const char *probe,
                          const vg_finding_t *f, const char *facts_json) {
  size_t i, n;
  char *key;
  if (facts_json == NULL) return 0;
  n = strlen(f->summary) + strlen(facts_json) + 16;
  key = malloc(n);
  if (key == NULL) return 0;
  snprintf(key, n, "%d\n%s\n%s", (int)f->status, f->summary, facts_json);
  for (i = 0; i < VG_REC_PROBES_MAX && r->last[i].probe; i++)
    if (r->last[i].probe == probe) break;
  if (i == VG_REC_PROBES_MAX) {
    free(key);
    return 0;
  }
  if (r->last[i].probe && strcmp(r->last[i].key, key) == 0) {
    free(key);
    return 1;
  }
  free(r->last[i].key);
  r->last[i].probe = probe;
  r->last[i].key = key;
  return 0;
}

void vg_recorder_sample(vg_recorder_t *r, const char *probe, int64_t ts_ms,
                        const vg_finding_t *f, const char *facts_json,
                        int64_t duration_ms) {
  vg_pending_t p;
  memset(&p, 0, sizeof(p));
  p.probe = probe;
  p.ts_ms = ts_ms;
  p.status = f->status;
  p.duration_ms = duration_ms;
  p.facts_json = facts_json ? strdup(facts_json) : NULL;
  if (sample_repeats(r, probe, f, p.facts_json)) {
    free(p.facts_json);
    p.facts_json = NULL;
    p.kind = REC_REPEAT;
  } else {
    p.kind = REC_SAMPLE;
    p.summary = strdup(f->summary);
  }
  pending_add(r, &p);
}

void vg_recorder_change(vg_recorder_t *r, const char *probe, int64_t ts_ms,
                        vg_status_t old_status, int64_t old_since_ms,
                        const vg_finding_t *f, const char *facts_json) {
  vg_pending_t p;
  memset(&p, 0, sizeof(p));
  p.kind = REC_CHANGE;
  p.probe = probe;
  p.ts_ms = ts_ms;
  p.status = f->status;
  p.old_status = old_status;
  p.old_since_ms = old_since_ms;
  p.duration_ms = ts_ms - old_since_ms;
  p.summary = strdup(f->summary);
  p.facts_json = facts_json ? strdup(facts_json) : NULL;
  pending_add(r, &p);
}

void vg_recorder_state(vg_recorder_t *r, const char *probe,
                       const vg_finding_t *f, const char *facts_json,
                       const vg_facts_t *memo, int64_t since_ms,
                       int64_t checked_ms) {
  vg_pending_t p;
  size_t i;
  memset(&p, 0, sizeof(p));
  p.kind = REC_STATE;
  p.probe = probe;
  p.ts_ms = checked_ms;
  p.status = f->status;
  p.old_since_ms = since_ms;
  p.summary = strdup(f->summary);
  p.remedy = strdup(f->remedy);
  p.facts_json = facts_json ? strdup(facts_json) : NULL;
  p.memo_json = vg_facts_json(memo);
  p.predicts_json = vg_predicts_json(f);
  for (i = 0; i < r->npend; i++)
    if (r->pend[i].kind == REC_STATE && r->pend[i].probe == probe) {
      pending_free(&r->pend[i]);
      r->pend[i] = p;
      flush_soon(r);
      return;
    }
  pending_add(r, &p);
}

static int write_one(vg_store_t *s, const vg_pending_t *p) {
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
  if (p->kind == REC_REPEAT)
    return vg_store_repeat_sample(s, p->probe, p->ts_ms, p->duration_ms);
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
    smp.probe = p->probe;
    smp.ts_ms = p->ts_ms;
    smp.status = vg_status_name(p->status);
    smp.summary = p->summary;
    smp.facts_json = p->facts_json ? p->facts_json : "{}";
    smp.duration_ms = p->duration_ms;
    return vg_store_add_sample(s, &smp);
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
  if (rc == 1 && r->notify) r->notify(r->ud, VG_REC_REOPENED, 0, note);
  rc = rc == 1 ? 0 : rc;
  if (rc == 0) rc = vg_store_begin(r->store);
  for (i = 0; rc == 0 && i < r->npend; i++)
    rc = write_one(r->store, &r->pend[i]);
  if (rc == 0 && now_ms - r->last_prune_ms > VG_PRUNE_EVERY_MS) {
    rc = vg_store_prune(r->store, now_ms - r->retention_ms);
    if (rc == 0) pruned = 1;
  }
  if (rc == 0) rc = vg_store_commit(r->store);
  if (rc == 0 && pruned) {
    /* Hourly: the WAL back into the database and truncated. */
    r->last_prune_ms = now_ms;
    vg_store_checkpoint(r->store);
  }
  if (rc != 0) {
    /* Disk full, locked, I/O error: keep everything queued (bounded) and
     * try again; the owner hears of it once. */
    vg_store_rollback(r->store);
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
  for (i = 0; i < VG_REC_PROBES_MAX; i++)
    free(r->last[i].key);
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
