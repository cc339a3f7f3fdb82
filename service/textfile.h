/* textfile.h: vigil.prom for windows_exporter's textfile collector -
 * rewritten (atomically) shortly after every evaluation when [export]
 * textfile_dir is set. Composition root; loop thread. */
#ifndef VG_TEXTFILE_H
#define VG_TEXTFILE_H

#include "agent.h"
#include "settings.h"

#include <uv.h>

typedef struct vg_textfile_s {
  uv_timer_t timer;
  vg_agent_t *agent;
  const vg_settings_t *set; /* textfile_dir read at each write */
  int failing;              /* the last write failed (said once) */
  char last_err[300];
} vg_textfile_t;

/* Prepares the writer (no file is written until the first touch). */
void vg_textfile_init(vg_textfile_t *t, uv_loop_t *loop,
                      const vg_settings_t *set);
/* A probe was evaluated: write vigil.prom within a second (writes are
 * coalesced). */
void vg_textfile_touch(vg_textfile_t *t, vg_agent_t *a);
/* Writes vigil.prom now from a's findings. Returns 0, or VG_E* with the
 * reason in t->last_err (said once on stderr until a write works again). */
int vg_textfile_write(vg_textfile_t *t, vg_agent_t *a);
void vg_textfile_close(vg_textfile_t *t);

#endif /* VG_TEXTFILE_H */
