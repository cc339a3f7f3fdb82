/* zip.c: see zip.h. Layout per PKWARE APPNOTE 6.3: local file header +
 * data per entry, then the central directory and its end record. */
#include "zip.h"

#include "report.h"
#include "vg.h"

#include <zlib.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZIP_LOCAL_SIG 0x04034b50u
#define ZIP_CENTRAL_SIG 0x02014b50u
#define ZIP_END_SIG 0x06054b50u
#define ZIP_VERSION 20 /* 2.0: deflate */
#define ZIP_FLAG_UTF8 0x0800u
#define ZIP_STORED 0
#define ZIP_DEFLATED 8

void vg_zip_init(vg_zip_t *z) { memset(z, 0, sizeof(*z)); }

void vg_zip_free(vg_zip_t *z) {
  free(z->data.p);
  free(z->cd.p);
  vg_zip_init(z);
}

static int buf_reserve(vg_zipbuf_t *b, size_t more) {
  size_t cap;
  unsigned char *p;
  if (more > VG_ZIP_MAX_BYTES || b->len > VG_ZIP_MAX_BYTES - more)
    return VG_ETOOBIG;
  if (b->len + more <= b->cap) return 0;
  cap = b->cap ? b->cap : 4096;
  while (cap < b->len + more)
    cap *= 2;
  p = realloc(b->p, cap);
  if (p == NULL) return VG_ENOMEM;
  b->p = p;
  b->cap = cap;
  return 0;
}

/* Callers reserve first; these only write. */
static void put16(vg_zipbuf_t *b, unsigned v) {
  b->p[b->len++] = (unsigned char)(v & 0xff);
  b->p[b->len++] = (unsigned char)((v >> 8) & 0xff);
}

static void put32(vg_zipbuf_t *b, uint32_t v) {
  put16(b, (unsigned)(v & 0xffff));
  put16(b, (unsigned)(v >> 16));
}

static void put_bytes(vg_zipbuf_t *b, const void *p, size_t n) {
  if (n) memcpy(b->p + b->len, p, n);
  b->len += n;
}

/* MS-DOS date and time of a UTC instant (1980..2107; clamped). */
static void dos_time(int64_t ms, unsigned *date, unsigned *time) {
  char iso[32];
  int y = 1980, mo = 1, d = 1, h = 0, mi = 0, s = 0;
  if (sscanf(vg_iso8601(ms, iso, sizeof(iso)), "%d-%d-%dT%d:%d:%d", &y, &mo, &d,
             &h, &mi, &s) != 6 ||
      y < 1980) {
    y = 1980, mo = 1, d = 1, h = mi = s = 0;
  }
  if (y > 2107) y = 2107;
  *date = (unsigned)(((y - 1980) << 9) | (mo << 5) | d);
  *time = (unsigned)((h << 11) | (mi << 5) | (s / 2));
}

static int name_ok(const char *name, size_t n) {
  const char *p;
  if (n == 0 || n > VG_ZIP_MAX_NAME || name[0] == '/' || name[n - 1] == '/')
    return 0;
  if (strpbrk(name, "\\:") != NULL) return 0;
  for (p = name; *p; p++)
    if ((unsigned char)*p < 0x20) return 0;
  /* no ".." segment */
  for (p = name; p != NULL; p = strchr(p, '/')) {
    if (*p == '/') p++;
    if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0')) return 0;
  }
  return 1;
}

/* Raw deflate (no zlib header) of src into a malloc'd buffer. */
static int deflate_raw(const void *src, size_t len, unsigned char **out,
                       size_t *outlen) {
  z_stream s;
  uLong bound;
  int rc;
  memset(&s, 0, sizeof(s));
  if (deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK)
    return VG_ENOMEM;
  bound = deflateBound(&s, (uLong)len);
  *out = malloc(bound ? bound : 1);
  if (*out == NULL) {
    deflateEnd(&s);
    return VG_ENOMEM;
  }
  s.next_in = (Bytef *)(uintptr_t)src;
  s.avail_in = (uInt)len;
  s.next_out = *out;
  s.avail_out = (uInt)bound;
  rc = deflate(&s, Z_FINISH);
  *outlen = (size_t)s.total_out;
  deflateEnd(&s);
  if (rc != Z_STREAM_END) {
    free(*out);
    *out = NULL;
    return VG_EIO;
  }
  return 0;
}

int vg_zip_add(vg_zip_t *z, const char *name, const void *data, size_t len,
               int64_t mtime_ms) {
  size_t n = name ? strlen(name) : 0, clen;
  unsigned char *packed = NULL;
  const unsigned char *body;
  unsigned date, time, method;
  uint32_t crc, offset;
  int rc;

  if (!name_ok(name, n) || (len && data == NULL)) return VG_EINVAL;
  if (z->n >= VG_ZIP_MAX_ENTRIES || len > VG_ZIP_MAX_BYTES) return VG_ETOOBIG;
  crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), data, (uInt)len);
  method = ZIP_STORED;
  body = data;
  clen = len;
  if (len > 0) {
    rc = deflate_raw(data, len, &packed, &clen);
    if (rc != 0) return rc;
    if (clen < len) {
      method = ZIP_DEFLATED;
      body = packed;
    } else {
      clen = len;
    }
  }
  rc = buf_reserve(&z->data, 30 + n + clen);
  if (rc == 0) rc = buf_reserve(&z->cd, 46 + n);
  if (rc != 0) {
    free(packed);
    return rc;
  }
  dos_time(mtime_ms, &date, &time);
  offset = (uint32_t)z->data.len;

  put32(&z->data, ZIP_LOCAL_SIG);
  put16(&z->data, ZIP_VERSION);
  put16(&z->data, ZIP_FLAG_UTF8);
  put16(&z->data, method);
  put16(&z->data, time);
  put16(&z->data, date);
  put32(&z->data, crc);
  put32(&z->data, (uint32_t)clen);
  put32(&z->data, (uint32_t)len);
  put16(&z->data, (unsigned)n);
  put16(&z->data, 0);
  put_bytes(&z->data, name, n);
  put_bytes(&z->data, body, clen);

  put32(&z->cd, ZIP_CENTRAL_SIG);
  put16(&z->cd, ZIP_VERSION); /* made by: MS-DOS/FAT attributes, 2.0 */
  put16(&z->cd, ZIP_VERSION);
  put16(&z->cd, ZIP_FLAG_UTF8);
  put16(&z->cd, method);
  put16(&z->cd, time);
  put16(&z->cd, date);
  put32(&z->cd, crc);
  put32(&z->cd, (uint32_t)clen);
  put32(&z->cd, (uint32_t)len);
  put16(&z->cd, (unsigned)n);
  put16(&z->cd, 0); /* extra */
  put16(&z->cd, 0); /* comment */
  put16(&z->cd, 0); /* disk */
  put16(&z->cd, 0); /* internal attributes */
  put32(&z->cd, 0); /* external attributes */
  put32(&z->cd, offset);
  put_bytes(&z->cd, name, n);
  z->n++;
  free(packed);
  return 0;
}

int vg_zip_finish(vg_zip_t *z, unsigned char **out, size_t *outlen) {
  uint32_t cd_offset = (uint32_t)z->data.len;
  int rc = buf_reserve(&z->data, z->cd.len + 22);
  if (rc != 0) return rc;
  put_bytes(&z->data, z->cd.p, z->cd.len);
  put32(&z->data, ZIP_END_SIG);
  put16(&z->data, 0); /* this disk */
  put16(&z->data, 0); /* disk with the central directory */
  put16(&z->data, z->n);
  put16(&z->data, z->n);
  put32(&z->data, (uint32_t)z->cd.len);
  put32(&z->data, cd_offset);
  put16(&z->data, 0); /* comment */
  *out = z->data.p;
  *outlen = z->data.len;
  z->data.p = NULL;
  vg_zip_free(z);
  return 0;
}
