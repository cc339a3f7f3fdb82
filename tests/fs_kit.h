/* fs_kit.h: temporary folders and whole files for tests - a fresh folder
 * under the system temp folder, removed with what it holds. */
#ifndef VG_FS_KIT_H
#define VG_FS_KIT_H

#include <stddef.h>

/* Creates a fresh folder <temp>/<prefix>XXXXXX and writes its path to out;
 * returns 0 or a libuv error code. */
int fk_mkdtemp(char *out, size_t size, const char *prefix);
/* Removes the files and empty sub-folders in dir, then dir itself. */
void fk_rmtree(const char *dir);
/* Returns the whole file, NUL-terminated (the caller frees it), or NULL
 * when it cannot be read; *len (may be NULL) gets its size. */
char *fk_slurp(const char *path, size_t *len);
/* Writes text as the whole file path; fails the test when it cannot. */
void fk_put(const char *path, const char *text);

#endif
