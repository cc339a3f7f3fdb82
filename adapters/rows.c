/* rows.c: stored samples and state changes as the JSON objects
 * docs/protocol.md shows (history, events, the bundle). */
#include "rows.h"

#include "report.h"
#include "score.h"
#include "vg.h"

#include <string.h>

int vg_sample_row(const vg_sample_t *s, void *jw) {
  vg_jw_t *w = jw;
  char t[40];
  vg_jw_obj_begin(w);
  vg_jw_kstr(w, "ts", vg_iso8601(s->ts_ms, t, sizeof(t)));
  vg_jw_kstr(w, "status", s->status);
  vg_jw_kstr(w, "summary", s->summary);
  vg_jw_kint(w, "duration_ms", s->duration_ms);
  if (s->repeats > 0) {
    /* Later checks that found the same, stored on this row. */
    vg_jw_kint(w, "checks", s->repeats + 1);
    vg_jw_kstr(w, "last_checked", vg_iso8601(s->last_ts_ms, t, sizeof(t)));
  }
  vg_jw_key(w, "facts");
  vg_jw_raw(w, s->facts_json);
  vg_jw_obj_end(w);
  return 0;
}

int vg_change_row(const vg_change_t *c, void *jw) {
  vg_jw_t *w = jw;
  char t[40];
  vg_jw_obj_begin(w);
  vg_jw_kint(w, "id", c->id);
  vg_jw_kstr(w, "probe", c->probe);
  vg_jw_kstr(w, "ts", vg_iso8601(c->ts_ms, t, sizeof(t)));
  vg_jw_kstr(w, "old_status", c->old_status);
  vg_jw_kstr(w, "new_status", c->new_status);
  vg_jw_kstr(w, "old_since", vg_iso8601(c->old_since_ms, t, sizeof(t)));
  vg_jw_kint(w, "old_duration_ms", c->duration_ms);
  vg_jw_kstr(w, "summary", c->summary);
  vg_jw_obj_end(w);
  return 0;
}

int vg_backup_row(const vg_backup_t *b, void *jw) {
  vg_jw_t *w = jw;
  char t[40];
  const char *assessment =
      b->outcome[0] ? vg_score_add(NULL, b->outcome, b->verdict) : NULL;
  vg_jw_obj_begin(w);
  vg_jw_kstr(w, "at", vg_iso8601(b->scheduled_ms, t, sizeof(t)));
  vg_jw_kstr(w, "task", b->task);
  vg_jw_kstr(w, "verdict", b->verdict);
  vg_jw_kstr(w, "blocking", b->blocking);
  vg_jw_kstr(w, "preflight_at", vg_iso8601(b->preflight_ms, t, sizeof(t)));
  vg_jw_key(w, "outcome");
  if (b->outcome[0])
    vg_jw_str(w, b->outcome);
  else
    vg_jw_null(w);
  vg_jw_key(w, "assessment");
  if (assessment)
    vg_jw_str(w, assessment);
  else
    vg_jw_null(w);
  vg_jw_obj_end(w);
  return 0;
}
