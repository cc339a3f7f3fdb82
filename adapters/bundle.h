/* bundle.h: `vigil bundle [FILE]`, a support bundle for a ticket: one .zip
 * with what a support engineer asks for first, collected without the
 * admin copying anything by hand (docs/operations.md#support-bundle). */
#ifndef VG_BUNDLE_H
#define VG_BUNDLE_H

#include <stddef.h>

typedef struct vg_bundle_in_s {
  const char *home;        /* data folder: vigil.ini is read from it */
  const char *pipe;        /* the service's query pipe */
  const char *check;       /* `vigil check --json` text made here, or NULL */
  const char *check_error; /* why check is NULL */
} vg_bundle_in_t;

/* Writes the bundle to path (NULL or "": vigil-bundle-HOST-TIME.zip in the
 * current folder) through a temporary file renamed into place. On success
 * returns 0 and msg is the one line to print (file, size, what was left
 * out); else a VG_E* code and msg says what failed and what to do. */
int vg_bundle_write(const vg_bundle_in_t *in, const char *path, char *msg,
                    size_t msgsz);

#endif /* VG_BUNDLE_H */
