/* zip_reader.h: a strict reader of the archives service/zip.c writes, for
 * tests: walks the end record and the central directory, checks each local
 * header against it, inflates and checks the CRC. */
#ifndef VG_TEST_ZIP_READER_H
#define VG_TEST_ZIP_READER_H

#include <stddef.h>

/* Returns the named entry's content (malloc'd, NUL-terminated, *len set),
 * or NULL when the entry is missing or the archive is damaged (*why says
 * which). count, if not NULL, receives the number of entries. */
char *zr_read(const unsigned char *zip, size_t ziplen, const char *name,
              size_t *len, int *count, const char **why);
/* Reads a whole file (malloc'd) or NULL. */
unsigned char *zr_load(const char *path, size_t *len);

#endif
