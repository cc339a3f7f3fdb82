/* fixture_runner.h: runs a probe's evaluate against every recorded-facts
 * fixture in tests/fixtures/<probe id>/ . A fixture is a JSON object:
 *   "facts": {...}             the facts collect returned
 *   "prev": "warn"             previous status (optional)
 *   "expect": "crit"           the status evaluate must return
 *   "summary_contains": [..]   substrings the summary must contain
 *   "predicts": [..]           MARS errors that must be predicted
 *   "config": {"key": "value"} probe keys set in vigil.ini (optional)
 *   "now": 1764000000000       wall clock for evaluate (optional)
 *   "memo": {...}              what the probe remembered (optional)
 *   "memo_out": true           evaluate must (true) / must not (false)
 *                              replace the memo (optional)
 *   "remedy_contains": [..]    substrings the remedy must contain
 *   "forecast": {"eta_ms": N, "slope_per_h": X}  the agent's forecast */
#ifndef VG_FIXTURE_RUNNER_H
#define VG_FIXTURE_RUNNER_H

#include "probe.h"

/* Returns the number of fixtures run; fails the test on any mismatch and
 * when the folder has none. */
int run_fixtures(const vg_probe_t *p);

#endif
