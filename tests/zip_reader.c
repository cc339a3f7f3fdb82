/* zip_reader.c: see zip_reader.h. */
#include "zip_reader.h"

#include <zlib.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned g16(const unsigned char *p) { return p[0] | (p[1] << 8); }
static uint32_t g32(const unsigned char *p) {
  return (uint32_t)g16(p) | ((uint32_t)g16(p + 2) << 16);
}

static char *inflate_raw(const unsigned char *src, size_t clen, size_t len) {
  z_stream s;
  char *out = malloc(len + 1);
  int rc;
  if (out == NULL) return NULL;
  memset(&s, 0, sizeof(s));
  if (inflateInit2(&s, -MAX_WBITS) != Z_OK) {
    free(out);
    return NULL;
  }
  s.next_in = (Bytef *)(uintptr_t)src;
  s.avail_in = (uInt)clen;
  s.next_out = (Bytef *)out;
  s.avail_out = (uInt)len;
  rc = inflate(&s, Z_FINISH);
  inflateEnd(&s);
  if (rc != Z_STREAM_END || s.total_out != len) {
    free(out);
    return NULL;
  }
  return out;
}

char *zr_read(const unsigned char *zip, size_t ziplen, const char *name,
              size_t *len, int *count, const char **why) {
  const unsigned char *e, *c, *l;
  unsigned n, i, method, nlen;
  uint32_t cdsize, cdoff, crc, clen, ulen, off;
  char *out;
  *why = "damaged";
  if (ziplen < 22) return NULL;
  e = zip + ziplen - 22; /* no archive comment */
  if (g32(e) != 0x06054b50u) {
    *why = "no end record";
    return NULL;
  }
  n = g16(e + 10);
  cdsize = g32(e + 12);
  cdoff = g32(e + 16);
  if (g16(e + 8) != n || (size_t)cdoff + cdsize != ziplen - 22) {
    *why = "end record disagrees";
    return NULL;
  }
  if (count) *count = (int)n;
  c = zip + cdoff;
  for (i = 0; i < n; i++) {
    if (c + 46 > zip + cdoff + cdsize || g32(c) != 0x02014b50u) {
      *why = "bad central header";
      return NULL;
    }
    method = g16(c + 10);
    crc = g32(c + 16);
    clen = g32(c + 20);
    ulen = g32(c + 24);
    nlen = g16(c + 28);
    off = g32(c + 42);
    if (!(g16(c + 8) & 0x0800)) {
      *why = "UTF-8 flag missing";
      return NULL;
    }
    if (nlen == strlen(name) && memcmp(c + 46, name, nlen) == 0) {
      l = zip + off;
      if ((size_t)off + 30 + nlen + clen > cdoff || g32(l) != 0x04034b50u ||
          g16(l + 8) != method || g32(l + 14) != crc || g32(l + 18) != clen ||
          g32(l + 22) != ulen || g16(l + 26) != nlen ||
          memcmp(l + 30, name, nlen) != 0) {
        *why = "local header disagrees with the central directory";
        return NULL;
      }
      l += 30 + nlen + g16(l + 28);
      if (method == 0 && clen == ulen) {
        out = malloc(ulen + 1);
        if (out && ulen) memcpy(out, l, ulen);
      } else if (method == 8) {
        out = inflate_raw(l, clen, ulen);
      } else {
        *why = "unknown method";
        return NULL;
      }
      if (out == NULL) {
        *why = "does not inflate";
        return NULL;
      }
      if ((uint32_t)crc32(crc32(0L, Z_NULL, 0), (const Bytef *)out,
                          (uInt)ulen) != crc) {
        free(out);
        *why = "CRC mismatch";
        return NULL;
      }
      out[ulen] = '\0';
      *len = ulen;
      *why = NULL;
      return out;
    }
    c += 46 + nlen + g16(c + 30) + g16(c + 32);
  }
  *why = "no such entry";
  return NULL;
}

unsigned char *zr_load(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  unsigned char *buf = NULL;
  long n;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
      fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
      free(buf);
      buf = NULL;
    } else {
      *len = (size_t)n;
    }
  }
  fclose(f);
  return buf;
}
