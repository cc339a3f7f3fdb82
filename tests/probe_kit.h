/* probe_kit.h: runs a probe the way the agent does - collect on a (fake)
 * OS, then evaluate with the memo carried from run to run - and checks
 * its finding; shared by the probe tests. */
#ifndef VG_PROBE_KIT_H
#define VG_PROBE_KIT_H

#include "config.h"
#include "fake_os.h"
#include "probe.h"

/* The wall clock probe tests evaluate at: 2025-11-24T16:00:00Z. */
#define PK_NOW 1764000000000ll

/* Returns the registered probe id; fails the test when there is none. */
const vg_probe_t *pk_probe(const char *id);
/* Sets [section] key = value in cfg; fails the test when it is refused. */
void pk_set(vg_config_t *cfg, const char *section, const char *key,
            const char *value);

/* Collects probe id on os (NULL: this platform) with cfg (NULL: the
 * defaults) into facts, which it initialises (the caller resets them);
 * returns collect's code. */
int pk_collect(const vg_os_t *os, const vg_config_t *cfg, const char *id,
               vg_facts_t *facts);
/* Evaluates facts of probe id with cfg (NULL: the defaults) at now with
 * memo (NULL: empty) into out; memo_out is initialised here and owned by
 * the caller (NULL: dropped). */
void pk_evaluate(const vg_config_t *cfg, const char *id,
                 const vg_facts_t *facts, const vg_facts_t *memo,
                 vg_facts_t *memo_out, int64_t now, vg_finding_t *out);
/* Collects then evaluates at now with an empty memo, as the agent does:
 * when collect fails, out is the scheduler's unknown finding (and the
 * facts must carry the reason). facts are initialised here and owned by
 * the caller. Returns collect's code. */
int pk_cycle(const vg_os_t *os, const vg_config_t *cfg, const char *id,
             int64_t now, vg_facts_t *facts, vg_finding_t *out);

/* One probe's runs on one machine: the settings, the last facts and
 * finding, and the memo carried between runs as the agent keeps it. */
typedef struct pk_run_s {
  vg_config_t cfg;
  vg_facts_t facts;
  vg_facts_t memo;
  vg_finding_t out;
  int memo_replaced; /* the last evaluate filled memo_out */
  int64_t now;       /* evaluate's wall clock; PK_NOW at init */
  int rc;            /* collect's code */
} pk_run_t;

/* Empty settings, facts and memo; now = PK_NOW. */
void pk_run_init(pk_run_t *r);
/* Frees what r holds. */
void pk_run_free(pk_run_t *r);
/* A fake machine and one probe's runs on it: the state of a cmocka test
 * that has pk_machine_setup and pk_machine_teardown. */
typedef struct pk_machine_s {
  fake_os_t f;
  pk_run_t r;
} pk_machine_t;

/* cmocka setup: *st becomes a pk_machine_t with an empty fake OS
 * (fake_os_init) and a fresh run (pk_run_init). Returns 0. */
int pk_machine_setup(void **st);
/* cmocka teardown: frees the run (pk_run_free) and the machine. Returns
 * 0. */
int pk_machine_teardown(void **st);
/* A test of pk_machine_setup and pk_machine_teardown. */
#define pk_machine_test(fn)                                                    \
  cmocka_unit_test_setup_teardown(fn, pk_machine_setup, pk_machine_teardown)

/* Collects and evaluates probe id once on os: the memo of the last run
 * goes in, a filled memo_out replaces it. A warn or crit finding without
 * a remedy fails the test. */
void pk_run(pk_run_t *r, const vg_os_t *os, const char *id);

/* pk_run, then pk_expect on the finding. */
void pk_step(pk_run_t *r, const vg_os_t *os, const char *id, vg_status_t st,
             const char *text);
/* pk_step for each of the n probes ids in turn, with default settings. */
void pk_expect_each(const vg_os_t *os, const char *const *ids, size_t n,
                    vg_status_t st, const char *text);

/* Fails the test unless out has status st and (text not NULL) its summary
 * contains text. */
void pk_expect(const vg_finding_t *out, vg_status_t st, const char *text);
/* Fails the test unless hay (may be NULL) contains needle. */
void pk_has(const char *hay, const char *needle);
/* Returns the string fact key; fails the test when there is none. */
const char *pk_fact_str(const vg_facts_t *facts, const char *key);
/* Fails the test unless string fact key is want. */
void pk_expect_fact(const vg_facts_t *facts, const char *key, const char *want);
/* Returns 1 when out predicts MARS error code. */
int pk_predicted(const vg_finding_t *out, const char *code);

#endif
