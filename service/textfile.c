/* textfile.c: vigil.prom after every evaluation (textfile.h): the agent's
 * view rendered by adapters/prom.c and replaced atomically. */
#include "textfile.h"

#include "buf.h"
#include "prom.h"
#include "vg.h"

#include <stdio.h>
#include <string.h>

#define TEXTFILE_DELAY_MS 1000

void vg_textfile_init(vg_textfile_t *t, uv_loop_t *loop,
                      const vg_settings_t *set) {
  memset(t, 0, sizeof(*t));
  uv_timer_init(loop, &t->timer);
  t->timer.data = t;
  t->set = set;
}

int vg_textfile_write(vg_textfile_t *t, vg_agent_t *a) {
  vg_view_probe_t probes[VG_VIEW_MAX_PROBES];
  vg_report_view_t view;
  vg_buf_t b;
  char err[300];
  int rc;
  if (t->set->textfile_dir[0] == '\0') return 0;
  vg_agent_view(a, &view, probes, VG_VIEW_MAX_PROBES);
  vg_buf_init(&b, VG_PROM_MAX);
  rc = vg_prom_render(&view, &b);
  if (rc == 0)
    rc = vg_prom_write_file(t->set->textfile_dir, vg_buf_str(&b), b.len, err,
                            sizeof(err));
  else
    snprintf(err, sizeof(err), "cannot render the metrics: %s",
             vg_strerror(rc));
  vg_buf_free(&b);
  if (rc != 0) {
    if (!t->failing)
      fprintf(stderr, "vigil: cannot write vigil.prom in %s: %s\n",
              t->set->textfile_dir, err);
    vg_strlcpy(t->last_err, err, sizeof(t->last_err));
    t->failing = 1;
    return rc;
  }
  if (t->failing)
    fprintf(stderr, "vigil: vigil.prom written again in %s\n",
            t->set->textfile_dir);
  t->failing = 0;
  return 0;
}

static void textfile_cb(uv_timer_t *h) {
  vg_textfile_t *t = h->data;
  if (t->agent) vg_textfile_write(t, t->agent);
}

void vg_textfile_touch(vg_textfile_t *t, vg_agent_t *a) {
  t->agent = a;
  if (t->set->textfile_dir[0] == '\0') return;
  if (!uv_is_active((uv_handle_t *)&t->timer))
    uv_timer_start(&t->timer, textfile_cb, TEXTFILE_DELAY_MS, 0);
}

void vg_textfile_close(vg_textfile_t *t) {
  uv_timer_stop(&t->timer);
  uv_close((uv_handle_t *)&t->timer, NULL);
}
