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
  int force; /* `--force`: an existing regular file at FILE is replaced */
} vg_bundle_in_t;

/* Whether the bundle may be written to path (NULL or "": the default name
 * is always new): 0, or VG_EEXIST (something is there and force is 0) /
 * VG_EINVAL (force, but what is there is not a regular file: a link,
 * folder or device is never replaced) with msg saying what to do. Call it
 * before the slow part; vg_bundle_write checks again. Any thread. */
int vg_bundle_target_ok(const char *path, int force, char *msg, size_t msgsz);

/* Writes the bundle to path (NULL or "": vigil-bundle-HOST-TIME.zip in the
 * current folder) through a partial file created exclusively beside it
 * (never through a link) and put in place only when complete: an existing
 * path is refused unless in->force (vg_bundle_target_ok). On success
 * returns 0 and msg is the one line to print (file, size, what was left
 * out); else a VG_E* code and msg says what failed and what to do. */
int vg_bundle_write(const vg_bundle_in_t *in, const char *path, char *msg,
                    size_t msgsz);

#endif /* VG_BUNDLE_H */
