/* textconv.c: UTF-16 or UTF-8 text to UTF-8 (textconv.h). */
#include "textconv.h"

#include <stdint.h>
#include <string.h>

/* Appends code point cp as UTF-8 when it fits; returns 0 when it did not. */
static int tc_put(char *out, size_t outsz, size_t *o, uint32_t cp) {
  unsigned char b[4];
  size_t n, i;
  if (cp == 0) cp = ' ';
  if (cp < 0x80) {
    b[0] = (unsigned char)cp;
    n = 1;
  } else if (cp < 0x800) {
    b[0] = (unsigned char)(0xC0 | (cp >> 6));
    b[1] = (unsigned char)(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    b[0] = (unsigned char)(0xE0 | (cp >> 12));
    b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    b[2] = (unsigned char)(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    b[0] = (unsigned char)(0xF0 | (cp >> 18));
    b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    b[3] = (unsigned char)(0x80 | (cp & 0x3F));
    n = 4;
  }
  if (*o + n >= outsz) return 0;
  for (i = 0; i < n; i++)
    out[(*o)++] = (char)b[i];
  return 1;
}

/* 1 little endian, 2 big endian, 0 not UTF-16; *skip bytes to drop. */
static int tc_utf16(const unsigned char *in, size_t len, size_t *skip) {
  size_t i, n = len < 512 ? len : 512, z_even = 0, z_odd = 0;
  *skip = 0;
  if (len >= 2 && in[0] == 0xFF && in[1] == 0xFE) {
    *skip = 2;
    return 1;
  }
  if (len >= 2 && in[0] == 0xFE && in[1] == 0xFF) {
    *skip = 2;
    return 2;
  }
  if (n < 8) return 0;
  for (i = 0; i < n; i++)
    if (in[i] == 0) {
      if (i % 2)
        z_odd++;
      else
        z_even++;
    }
  if (z_odd > n / 4 && z_even < n / 16) return 1;
  if (z_even > n / 4 && z_odd < n / 16) {
    *skip = 1; /* little endian read from an odd offset */
    return 1;
  }
  return 0;
}

static size_t tc_from_utf16(const unsigned char *in, size_t len, int be,
                            char *out, size_t outsz) {
  size_t i, o = 0;
  for (i = 0; i + 1 < len; i += 2) {
    uint32_t u = be ? (uint32_t)(in[i] << 8 | in[i + 1])
                    : (uint32_t)(in[i + 1] << 8 | in[i]);
    if (u >= 0xD800 && u < 0xDC00 && i + 3 < len) {
      uint32_t lo = be ? (uint32_t)(in[i + 2] << 8 | in[i + 3])
                       : (uint32_t)(in[i + 3] << 8 | in[i + 2]);
      if (lo >= 0xDC00 && lo < 0xE000) {
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        i += 2;
      } else {
        u = '?';
      }
    } else if (u >= 0xD800 && u < 0xE000) {
      u = '?';
    }
    if (!tc_put(out, outsz, &o, u)) break;
  }
  return o;
}

/* Length of a valid UTF-8 sequence at p (at most avail bytes), 0 if not. */
static size_t tc_utf8_len(const unsigned char *p, size_t avail) {
  size_t n, i;
  uint32_t cp;
  if (p[0] < 0x80) return 1;
  if ((p[0] & 0xE0) == 0xC0) {
    n = 2;
    cp = p[0] & 0x1F;
  } else if ((p[0] & 0xF0) == 0xE0) {
    n = 3;
    cp = p[0] & 0x0F;
  } else if ((p[0] & 0xF8) == 0xF0) {
    n = 4;
    cp = p[0] & 0x07;
  } else {
    return 0;
  }
  if (n > avail) return 0;
  for (i = 1; i < n; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (p[i] & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
      (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp < 0xE000))
    return 0;
  return n;
}

size_t vg_text_utf8(const char *in, size_t len, char *out, size_t outsz) {
  const unsigned char *u = (const unsigned char *)in;
  size_t skip, i, o = 0;
  int kind;
  if (outsz == 0) return 0;
  out[0] = '\0';
  if (in == NULL) return 0;
  kind = tc_utf16(u, len, &skip);
  if (kind) {
    o = tc_from_utf16(u + skip, len - skip, kind == 2, out, outsz);
    out[o] = '\0';
    return o;
  }
  i = len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF ? 3 : 0;
  while (i < len) {
    size_t n = tc_utf8_len(u + i, len - i);
    if (n == 0) {
      if (!tc_put(out, outsz, &o, '?')) break;
      i++;
      continue;
    }
    if (u[i] == 0) {
      if (!tc_put(out, outsz, &o, ' ')) break;
    } else {
      if (o + n >= outsz) break;
      memcpy(out + o, u + i, n);
      o += n;
    }
    i += n;
  }
  out[o] = '\0';
  return o;
}
