/* buf.h: a growable text buffer with a size cap, for renderers that build a
 * whole document (Prometheus textfile, Nagios lines) before writing it. */
#ifndef VG_BUF_H
#define VG_BUF_H

#include "vg.h"

#include <stddef.h>

typedef struct vg_buf_s {
  char *data; /* NUL-terminated while err == 0; NULL until the first add */
  size_t len;
  size_t cap;
  size_t max; /* the text never grows past this many bytes */
  int err;    /* sticky: VG_ENOMEM or VG_ETOOBIG; later adds do nothing */
} vg_buf_t;

/* Prepares an empty buffer that refuses to grow past max bytes (0 = 1 MiB).
 * No allocation yet. Any thread (one buffer per thread). */
void vg_buf_init(vg_buf_t *b, size_t max);
/* Frees the text; b is as after vg_buf_init with the same max. */
void vg_buf_free(vg_buf_t *b);
/* Appends n bytes / a C string / printf output. On overflow or OOM the
 * buffer keeps what it had and err is set; check once at the end. */
void vg_buf_add(vg_buf_t *b, const char *s, size_t n);
void vg_buf_puts(vg_buf_t *b, const char *s);
void vg_buf_printf(vg_buf_t *b, const char *fmt, ...) VG_PRINTF(2, 3);
/* Cuts the text back to its first len bytes (len <= b->len) and clears
 * err, keeping the memory for what comes next. */
void vg_buf_truncate(vg_buf_t *b, size_t len);
/* The text so far ("" when empty); owned by b. */
const char *vg_buf_str(const vg_buf_t *b);

#endif /* VG_BUF_H */
