/* vg.c: error strings and bounded string helpers. */
#include "vg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *vg_strerror(int err) {
  switch (err) {
  case 0: return "success";
#define XX(name, val, msg)                                                 \
  case val: return msg;
    VG_ERRNO_MAP(XX)
#undef XX
  }
  return "unknown error";
}

int vg_strlcpy(char *dst, const char *src, size_t size) {
  size_t n;
  if (size == 0) return VG_ERANGE;
  n = strlen(src);
  if (n >= size) {
    memcpy(dst, src, size - 1);
    dst[size - 1] = '\0';
    return VG_ERANGE;
  }
  memcpy(dst, src, n + 1);
  return 0;
}

void vg_bufprintf(char *buf, size_t size, size_t *pos, const char *fmt, ...) {
  va_list ap;
  int n;
  if (size == 0 || *pos >= size - 1) return;
  va_start(ap, fmt);
  n = vsnprintf(buf + *pos, size - *pos, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  *pos += (size_t)n;
  if (*pos > size - 1) *pos = size - 1;
}
