/* probe_kit.c: collect + evaluate of one probe on a fake OS, as the agent
 * runs it, and the checks the probe tests make on its finding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "probe_kit.h"

#include <stdlib.h>
#include <string.h>

const vg_probe_t *pk_probe(const char *id) {
  const vg_probe_t *p = vg_probe_find(id);
  if (p == NULL) fail_msg("probe %s is not registered", id);
  return p;
}

void pk_set(vg_config_t *cfg, const char *section, const char *key,
            const char *value) {
  char msg[200];
  if (vg_config_set(cfg, section, key, value, msg, sizeof(msg)) != 0)
    fail_msg("config [%s] %s: %s", section, key, msg);
}

int pk_collect(const vg_os_t *os, const vg_config_t *cfg, const char *id,
               vg_facts_t *facts) {
  const vg_probe_t *p = pk_probe(id);
  vg_probe_ctx_t ctx;
  vg_config_probe_ctx(cfg, p, os, &ctx);
  vg_facts_init(facts);
  return p->collect(&ctx, facts);
}

void pk_evaluate(const vg_config_t *cfg, const char *id,
                 const vg_facts_t *facts, const vg_facts_t *memo,
                 vg_facts_t *memo_out, int64_t now, vg_finding_t *out) {
  const vg_probe_t *p = pk_probe(id);
  vg_eval_params_t ep;
  vg_facts_t empty, dropped;
  vg_facts_init(&empty);
  vg_facts_init(&dropped);
  if (memo_out == NULL) memo_out = &dropped;
  vg_facts_init(memo_out);
  memset(&ep, 0, sizeof(ep));
  memset(out, 0, sizeof(*out));
  vg_config_eval_params(cfg, p, &ep);
  ep.now_ms = now;
  ep.memo = memo ? memo : &empty;
  ep.memo_out = memo_out;
  p->evaluate(facts, &ep, NULL, out);
  vg_facts_reset(&dropped);
}

/* collect, then evaluate or the unknown finding; see pk_cycle. */
static int cycle(const vg_os_t *os, const vg_config_t *cfg, const char *id,
                 int64_t now, const vg_facts_t *memo, vg_facts_t *memo_out,
                 vg_facts_t *facts, vg_finding_t *out) {
  int rc = pk_collect(os, cfg, id, facts);
  if (rc != 0) {
    assert_int_equal(facts->err, rc); /* a reason was recorded */
    memset(out, 0, sizeof(*out));
    vg_finding_unknown(out, id, facts);
    return rc;
  }
  pk_evaluate(cfg, id, facts, memo, memo_out, now, out);
  return 0;
}

int pk_cycle(const vg_os_t *os, const vg_config_t *cfg, const char *id,
             int64_t now, vg_facts_t *facts, vg_finding_t *out) {
  return cycle(os, cfg, id, now, NULL, NULL, facts, out);
}

void pk_run_init(pk_run_t *r) {
  memset(r, 0, sizeof(*r));
  vg_config_init(&r->cfg);
  vg_facts_init(&r->facts);
  vg_facts_init(&r->memo);
  r->now = PK_NOW;
}

void pk_run_free(pk_run_t *r) {
  vg_facts_reset(&r->facts);
  vg_facts_reset(&r->memo);
  vg_config_free(&r->cfg);
}

int pk_machine_setup(void **st) {
  pk_machine_t *m = calloc(1, sizeof(*m));
  assert_non_null(m);
  fake_os_init(&m->f);
  pk_run_init(&m->r);
  *st = m;
  return 0;
}

int pk_machine_teardown(void **st) {
  pk_machine_t *m = *st;
  pk_run_free(&m->r);
  free(m);
  return 0;
}

void pk_run(pk_run_t *r, const vg_os_t *os, const char *id) {
  vg_facts_t memo_out;
  vg_facts_init(&memo_out);
  vg_facts_reset(&r->facts);
  r->memo_replaced = 0;
  r->rc =
      cycle(os, &r->cfg, id, r->now, &r->memo, &memo_out, &r->facts, &r->out);
  if (memo_out.n > 0) {
    vg_facts_reset(&r->memo);
    r->memo = memo_out;
    r->memo_replaced = 1;
  }
  if ((r->out.status == VG_ST_WARN || r->out.status == VG_ST_CRIT) &&
      r->out.remedy[0] == '\0')
    fail_msg("%s: %s without a remedy", id, vg_status_name(r->out.status));
}

void pk_step(pk_run_t *r, const vg_os_t *os, const char *id, vg_status_t st,
             const char *text) {
  pk_run(r, os, id);
  if (r->out.status != st)
    fail_msg("%s: expected %s, got %s: %s", id, vg_status_name(st),
             vg_status_name(r->out.status), r->out.summary);
  pk_expect(&r->out, st, text);
}

void pk_expect_each(const vg_os_t *os, const char *const *ids, size_t n,
                    vg_status_t st, const char *text) {
  pk_run_t r;
  size_t i;
  pk_run_init(&r);
  for (i = 0; i < n; i++)
    pk_step(&r, os, ids[i], st, text);
  pk_run_free(&r);
}

void pk_expect(const vg_finding_t *out, vg_status_t st, const char *text) {
  if (out->status != st)
    fail_msg("expected %s, got %s: %s", vg_status_name(st),
             vg_status_name(out->status), out->summary);
  if (text && strstr(out->summary, text) == NULL)
    fail_msg("summary \"%s\" lacks \"%s\"", out->summary, text);
}

void pk_has(const char *hay, const char *needle) {
  if (hay == NULL || strstr(hay, needle) == NULL)
    fail_msg("\"%s\" lacks \"%s\"", hay ? hay : "(null)", needle);
}

const char *pk_fact_str(const vg_facts_t *facts, const char *key) {
  const char *v = vg_facts_get_str(facts, key);
  if (v == NULL) fail_msg("no string fact %s", key);
  return v;
}

void pk_expect_fact(const vg_facts_t *facts, const char *key,
                    const char *want) {
  const char *got = vg_facts_get_str(facts, key);
  if (got == NULL || strcmp(got, want) != 0)
    fail_msg("fact %s is \"%s\", want \"%s\"", key, got ? got : "(none)", want);
}

int pk_predicted(const vg_finding_t *out, const char *code) {
  unsigned i;
  for (i = 0; i < out->npredicts; i++)
    if (strcmp(out->predicts[i], code) == 0) return 1;
  return 0;
}
