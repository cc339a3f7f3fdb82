/* file_replace_posix.c: vg_file_replace with rename(2), atomic on POSIX. */
#include "file_replace.h"

#include "vg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int vg_file_replace(const char *from, const char *to, char *err, size_t errsz) {
  int e;
  if (rename(from, to) == 0) return 0;
  e = errno;
  snprintf(err, errsz, "%s", strerror(e));
  if (e == ENOENT || e == ENOTDIR) return VG_ENOENT;
  if (e == EACCES || e == EPERM || e == EROFS) return VG_EACCES;
  return VG_EIO;
}
