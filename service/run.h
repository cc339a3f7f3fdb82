/* run.h: running the agent in the foreground (console) or under the SCM. */
#ifndef VG_RUN_H
#define VG_RUN_H

#include <stddef.h>
#include <stdint.h>

#define VG_STOP_GRACE_MS 10000

typedef struct vg_run_hooks_s {
  void (*started)(void *ud);                    /* agent is serving */
  void (*stopping)(void *ud, uint64_t hint_ms); /* stop has begun */
  void *ud;
} vg_run_hooks_t;

typedef struct vg_run_opts_s {
  const char *home; /* data folder */
  const char *pipe; /* query pipe name */
  int console;      /* print findings to stdout */
  const vg_run_hooks_t *hooks;
} vg_run_opts_t;

/* Runs the agent until vg_run_request_stop() or SIGINT/SIGTERM (Ctrl-C).
 * Returns 0 after a clean stop, or a VG_E* code with err set when the agent
 * could not start (store, pipe already taken, ...). Calling thread owns the
 * loop. */
int vg_run(const vg_run_opts_t *o, char *err, size_t errsz);

/* Asks a running vg_run to stop. Any thread (the SCM control handler). */
void vg_run_request_stop(void);

#endif /* VG_RUN_H */
