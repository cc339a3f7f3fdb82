/* file_replace.h: replace a file by another in one step (the textfile
 * exporter's write-then-rename). adapters/win/ and adapters/posix/. */
#ifndef VG_FILE_REPLACE_H
#define VG_FILE_REPLACE_H

#include <stddef.h>

/* Renames from over to (UTF-8 paths), replacing to if it exists: readers
 * see the old or the new file, never a mix. Returns 0, or VG_ENOENT,
 * VG_EACCES, VG_EIO with err set to the system's reason. Blocking. */
int vg_file_replace(const char *from, const char *to, char *err, size_t errsz);

#endif /* VG_FILE_REPLACE_H */
