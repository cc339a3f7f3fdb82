/* facts.c: the typed facts container. */
#include "facts.h"

#include "vg.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vg_facts_init(vg_facts_t *f) {
  f->items = NULL;
  f->n = f->cap = 0;
  f->err = 0;
  f->error[0] = '\0';
}

void vg_facts_reset(vg_facts_t *f) {
  size_t i;
  for (i = 0; i < f->n; i++)
    if (f->items[i].type == VG_FACT_STR) free(f->items[i].v.s);
  free(f->items);
  vg_facts_init(f);
}

/* Room for n facts; 0 or VG_ENOMEM / VG_ERANGE. */
static int facts_reserve(vg_facts_t *f, size_t n) {
  size_t cap = f->cap ? f->cap : 8;
  vg_fact_t *items;
  if (n > VG_FACTS_MAX) return VG_ERANGE;
  if (n <= f->cap) return 0;
  while (cap < n) cap *= 2;
  if (cap > VG_FACTS_MAX) cap = VG_FACTS_MAX;
  items = realloc(f->items, cap * sizeof(*items));
  if (items == NULL) return VG_ENOMEM;
  f->items = items;
  f->cap = cap;
  return 0;
}

/* Returns the slot for key (existing or new, cleared) or NULL when full
 * (or out of memory). */
static vg_fact_t *slot(vg_facts_t *f, const char *key) {
  size_t i;
  vg_fact_t *it;
  if (strlen(key) >= VG_FACT_KEY_MAX) return NULL;
  for (i = 0; i < f->n; i++) {
    it = &f->items[i];
    if (strcmp(it->key, key) == 0) {
      if (it->type == VG_FACT_STR) free(it->v.s);
      it->type = VG_FACT_NULL;
      return it;
    }
  }
  if (facts_reserve(f, f->n + 1) != 0) return NULL;
  it = &f->items[f->n++];
  memset(it, 0, sizeof(*it));
  vg_strlcpy(it->key, key, sizeof(it->key));
  return it;
}

int vg_facts_set_int(vg_facts_t *f, const char *key, int64_t v) {
  vg_fact_t *it = slot(f, key);
  if (it == NULL) return VG_ERANGE;
  it->type = VG_FACT_INT;
  it->v.i = v;
  return 0;
}

int vg_facts_set_double(vg_facts_t *f, const char *key, double v) {
  vg_fact_t *it = slot(f, key);
  if (it == NULL) return VG_ERANGE;
  it->type = isfinite(v) ? VG_FACT_DOUBLE : VG_FACT_NULL;
  it->v.d = v;
  return 0;
}

int vg_facts_set_bool(vg_facts_t *f, const char *key, int v) {
  vg_fact_t *it = slot(f, key);
  if (it == NULL) return VG_ERANGE;
  it->type = VG_FACT_BOOL;
  it->v.b = v != 0;
  return 0;
}

int vg_facts_set_str(vg_facts_t *f, const char *key, const char *v) {
  vg_fact_t *it;
  size_t n;
  if (v == NULL) return vg_facts_set_null(f, key);
  it = slot(f, key);
  if (it == NULL) return VG_ERANGE;
  n = strlen(v);
  if (n > VG_FACT_STR_MAX) n = VG_FACT_STR_MAX;
  it->v.s = malloc(n + 1);
  if (it->v.s == NULL) return VG_ENOMEM;
  memcpy(it->v.s, v, n);
  it->v.s[n] = '\0';
  it->type = VG_FACT_STR;
  return 0;
}

int vg_facts_set_null(vg_facts_t *f, const char *key) {
  vg_fact_t *it = slot(f, key);
  if (it == NULL) return VG_ERANGE;
  it->type = VG_FACT_NULL;
  return 0;
}

int vg_facts_fail(vg_facts_t *f, int err, const char *fmt, ...) {
  va_list ap;
  f->err = err ? err : VG_EIO;
  va_start(ap, fmt);
  vsnprintf(f->error, sizeof(f->error), fmt, ap);
  va_end(ap);
  return f->err;
}

const vg_fact_t *vg_facts_find(const vg_facts_t *f, const char *key) {
  size_t i;
  for (i = 0; i < f->n; i++)
    if (strcmp(f->items[i].key, key) == 0) return &f->items[i];
  return NULL;
}

int vg_facts_get_int(const vg_facts_t *f, const char *key, int64_t *out) {
  const vg_fact_t *it = vg_facts_find(f, key);
  if (it == NULL || it->type == VG_FACT_NULL) return VG_ENOENT;
  if (it->type == VG_FACT_INT) return *out = it->v.i, 0;
  if (it->type == VG_FACT_BOOL) return *out = it->v.b, 0;
  if (it->type == VG_FACT_DOUBLE && it->v.d == vg_floor(it->v.d) &&
      fabs(it->v.d) < 9.2e18)
    return *out = (int64_t)it->v.d, 0;
  return VG_EINVAL;
}

int vg_facts_get_double(const vg_facts_t *f, const char *key, double *out) {
  const vg_fact_t *it = vg_facts_find(f, key);
  if (it == NULL || it->type == VG_FACT_NULL) return VG_ENOENT;
  if (it->type == VG_FACT_DOUBLE) return *out = it->v.d, 0;
  if (it->type == VG_FACT_INT) return *out = (double)it->v.i, 0;
  return VG_EINVAL;
}

int vg_facts_get_bool(const vg_facts_t *f, const char *key, int *out) {
  const vg_fact_t *it = vg_facts_find(f, key);
  if (it == NULL || it->type == VG_FACT_NULL) return VG_ENOENT;
  if (it->type == VG_FACT_BOOL) return *out = it->v.b, 0;
  if (it->type == VG_FACT_INT) return *out = it->v.i != 0, 0;
  return VG_EINVAL;
}

const char *vg_facts_get_str(const vg_facts_t *f, const char *key) {
  const vg_fact_t *it = vg_facts_find(f, key);
  return it && it->type == VG_FACT_STR ? it->v.s : NULL;
}

int64_t vg_facts_int_or(const vg_facts_t *f, const char *key, int64_t def) {
  int64_t v;
  return vg_facts_get_int(f, key, &v) == 0 ? v : def;
}

int vg_facts_bool_or(const vg_facts_t *f, const char *key, int def) {
  int v;
  return vg_facts_get_bool(f, key, &v) == 0 ? v : def;
}

int vg_facts_copy(vg_facts_t *dst, const vg_facts_t *src) {
  size_t i;
  vg_facts_reset(dst);
  dst->err = src->err;
  vg_strlcpy(dst->error, src->error, sizeof(dst->error));
  if (facts_reserve(dst, src->n) != 0) return VG_ENOMEM;
  for (i = 0; i < src->n; i++) {
    dst->items[i] = src->items[i];
    if (src->items[i].type == VG_FACT_STR) {
      dst->items[i].v.s = strdup(src->items[i].v.s);
      if (dst->items[i].v.s == NULL) {
        dst->items[i].type = VG_FACT_NULL;
        dst->n = i + 1;
        return VG_ENOMEM;
      }
    }
  }
  dst->n = src->n;
  return 0;
}
