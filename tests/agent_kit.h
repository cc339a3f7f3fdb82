/* agent_kit.h: the runtime for tests - started once over a (fake) OS with
 * a configuration, and its report as JSON text. */
#ifndef VG_AGENT_KIT_H
#define VG_AGENT_KIT_H

#include "agent.h"

/* Starts the runtime in ONCE mode on loop over os (NULL: this platform)
 * with cfg, whose settings it resolves into *set (both must outlive the
 * agent), reporting to sink (NULL: nowhere). Returns the agent; fails the
 * test when it does not start. Loop thread. */
vg_agent_t *ak_start_once(uv_loop_t *loop, const vg_os_t *os,
                          const vg_config_t *cfg, vg_settings_t *set,
                          const vg_agent_sink_t *sink);

/* Returns the agent's report as one JSON object in text (the caller frees
 * it); fails the test when there is none. Loop thread. */
char *ak_report(vg_agent_t *a);

#endif
