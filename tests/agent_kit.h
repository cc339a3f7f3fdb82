/* agent_kit.h: the runtime for tests - started once over a (fake) OS with
 * a configuration, and its report as JSON text. */
#ifndef VG_AGENT_KIT_H
#define VG_AGENT_KIT_H

#include "agent.h"

/* The runtime run once: the test sets cfg between ak_once_init and
 * ak_once_start; ak_once_finish runs the loop out. Large: keep it static. */
typedef struct ak_once_s {
  vg_config_t cfg;
  vg_settings_t set;
  uv_loop_t loop;
  vg_agent_t *agent;
} ak_once_t;

/* Default settings in cfg and a new loop. */
void ak_once_init(ak_once_t *o);
/* Starts the runtime in ONCE mode on o's loop over os (NULL: this
 * platform) with o's cfg, calling cycle(ud, agent) once every probe has a
 * finding; sets o->agent. Fails the test when it does not start. */
void ak_once_start(ak_once_t *o, const vg_os_t *os,
                   void (*cycle)(void *ud, vg_agent_t *a), void *ud);
/* Runs the loop until nothing is left (the agent stopped), fails the test
 * unless the loop then closes, and frees cfg. */
void ak_once_finish(ak_once_t *o);

/* Returns the agent's report as one JSON object in text (the caller frees
 * it); fails the test when there is none. Loop thread. */
char *ak_report(vg_agent_t *a);

/* Issue 17: the status answer from the cache, one built from scratch and
 * the cache again (it must survive the fresh build). Returns 1 when all
 * three are equal, else 0 with both printed. *fresh (NULL: not wanted)
 * is the fresh answer, the caller frees it. Loop thread. */
int ak_cache_matches(vg_agent_t *a, char **fresh);

#endif
