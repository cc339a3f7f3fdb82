/* zip.h: a .zip archive built in memory, for `vigil bundle`. Entries are
 * deflated with zlib (stored when that does not help), names are UTF-8
 * (general purpose flag bit 11), times are UTC. No ZIP64: the archive is
 * bounded well below 4 GiB. Explorer, `Expand-Archive`, 7-Zip and Python's
 * zipfile read it. Pure: no I/O. */
#ifndef VG_ZIP_H
#define VG_ZIP_H

#include <stddef.h>
#include <stdint.h>

#define VG_ZIP_MAX_ENTRIES 1024
#define VG_ZIP_MAX_NAME 200
#define VG_ZIP_MAX_BYTES (256u * 1024u * 1024u)

typedef struct vg_zipbuf_s {
  unsigned char *p;
  size_t len, cap;
} vg_zipbuf_t;

typedef struct vg_zip_s {
  vg_zipbuf_t data; /* local headers and file data */
  vg_zipbuf_t cd;   /* central directory */
  unsigned n;
} vg_zip_t;

void vg_zip_init(vg_zip_t *z);
/* Adds one file. name: relative, '/'-separated, no "..", no leading '/',
 * no '\\' or ':' (VG_EINVAL). VG_ETOOBIG past VG_ZIP_MAX_BYTES or
 * VG_ZIP_MAX_ENTRIES; VG_ENOMEM. The archive is unchanged on error. */
int vg_zip_add(vg_zip_t *z, const char *name, const void *data, size_t len,
               int64_t mtime_ms);
/* Appends the central directory and hands the archive over (*out is
 * malloc'd; z is empty again). 0, VG_ETOOBIG or VG_ENOMEM. */
int vg_zip_finish(vg_zip_t *z, unsigned char **out, size_t *outlen);
void vg_zip_free(vg_zip_t *z);

#endif /* VG_ZIP_H */
