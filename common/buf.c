/* buf.c: the growable, capped text buffer of buf.h. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VG_BUF_DEFAULT_MAX (1u << 20)

void vg_buf_init(vg_buf_t *b, size_t max) {
  memset(b, 0, sizeof(*b));
  b->max = max ? max : VG_BUF_DEFAULT_MAX;
}

void vg_buf_free(vg_buf_t *b) {
  size_t max = b->max;
  free(b->data);
  vg_buf_init(b, max);
}

/* Makes room for n more bytes and the NUL. Returns 0 or sets err. */
static int buf_reserve(vg_buf_t *b, size_t n) {
  size_t want, cap;
  char *p;
  if (b->err) return b->err;
  if (n > b->max - b->len) return b->err = VG_ETOOBIG;
  want = b->len + n + 1;
  if (want <= b->cap) return 0;
  cap = b->cap ? b->cap : 256;
  while (cap < want)
    cap *= 2;
  if (cap > b->max + 1) cap = b->max + 1;
  p = realloc(b->data, cap);
  if (p == NULL) return b->err = VG_ENOMEM;
  b->data = p;
  b->cap = cap;
  return 0;
}

void vg_buf_add(vg_buf_t *b, const char *s, size_t n) {
  if (buf_reserve(b, n)) return;
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void vg_buf_truncate(vg_buf_t *b, size_t len) {
  b->err = 0;
  if (b->data == NULL || len > b->len) return;
  b->len = len;
  b->data[len] = '\0';
}

void vg_buf_puts(vg_buf_t *b, const char *s) { vg_buf_add(b, s, strlen(s)); }

void vg_buf_printf(vg_buf_t *b, const char *fmt, ...) {
  va_list ap;
  int n;
  char small[256];
  if (b->err) return;
  va_start(ap, fmt);
  n = vsnprintf(small, sizeof(small), fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof(small)) {
    vg_buf_add(b, small, (size_t)n);
    return;
  }
  if (buf_reserve(b, (size_t)n)) return;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

const char *vg_buf_str(const vg_buf_t *b) { return b->data ? b->data : ""; }
