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

/* A probe id and the fewest fixtures its folder must hold. */
typedef struct fixture_min_s {
  const char *id;
  int at_least;
} fixture_min_t;

/* Runs the fixtures of each of the n probes of m (run_fixtures); fails the
 * test when a probe is not registered or has fewer than at_least. */
void run_fixtures_each(const fixture_min_t *m, size_t n);

#endif
