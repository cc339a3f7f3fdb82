/* view_kit.c: a report view built by hand for the exporter tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "view_kit.h"

#include "vg.h"

#include <stdlib.h>
#include <string.h>

void vk_init(vk_view_t *s, int64_t now_ms) {
  memset(s, 0, sizeof(*s));
  s->v.probes = s->p;
  s->v.now_ms = now_ms;
}

vg_view_probe_t *vk_probe(vk_view_t *s, size_t i, const char *id,
                          vg_status_t st, const char *summary,
                          const char *remedy) {
  assert_true(i < VK_MAX);
  memset(&s->f[i], 0, sizeof(s->f[i]));
  s->f[i].status = st;
  vg_strlcpy(s->f[i].summary, summary, sizeof(s->f[i].summary));
  vg_strlcpy(s->f[i].remedy, remedy, sizeof(s->f[i].remedy));
  vg_facts_init(&s->facts[i]);
  memset(&s->p[i], 0, sizeof(s->p[i]));
  s->p[i].id = id;
  s->p[i].finding = &s->f[i];
  s->p[i].facts = &s->facts[i];
  if (i + 1 > s->v.nprobes) s->v.nprobes = i + 1;
  return &s->p[i];
}

void vk_free(vk_view_t *s) {
  size_t i;
  for (i = 0; i < VK_MAX; i++)
    vg_facts_reset(&s->facts[i]);
}

char *vk_render(vk_render_fn render, const vg_report_view_t *v, size_t max) {
  vg_buf_t b;
  char *s;
  vg_buf_init(&b, max);
  assert_int_equal(render(v, &b), 0);
  s = strdup(vg_buf_str(&b));
  vg_buf_free(&b);
  assert_non_null(s);
  return s;
}

void vk_scratch_facts(vg_facts_t *f) {
  vg_facts_set_int(f, "free_bytes", 7200);
  vg_facts_set_int(f, "total_bytes", 500000);
  vg_facts_set_int(f, "backup_bytes", 100000);
}
