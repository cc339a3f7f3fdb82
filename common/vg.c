/* vg.c: error strings and bounded string helpers. */
#include "vg.h"

#include <uv.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *vg_strerror(int err) {
  switch (err) {
  case 0: return "success";
#define XX(name, val, msg)                                                     \
  case val: return msg;
    VG_ERRNO_MAP(XX)
#undef XX
  }
  return "unknown error";
}

int vg_strlcpy(char *dst, const char *src, size_t size) {
  size_t n;
  if (size == 0) return VG_ERANGE;
  n = strlen(src);
  if (n >= size) {
    memcpy(dst, src, size - 1);
    dst[size - 1] = '\0';
    return VG_ERANGE;
  }
  memcpy(dst, src, n + 1);
  return 0;
}

void vg_bufprintf(char *buf, size_t size, size_t *pos, const char *fmt, ...) {
  va_list ap;
  int n;
  if (size == 0 || *pos >= size - 1) return;
  va_start(ap, fmt);
  n = vsnprintf(buf + *pos, size - *pos, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  *pos += (size_t)n;
  if (*pos > size - 1) *pos = size - 1;
}

int vg_read_file(const char *path, size_t max, char **out, size_t *len,
                 char *err, size_t errsz) {
  uv_fs_t req;
  uv_buf_t ub;
  uv_file fd;
  ssize_t n = 0;
  char *buf;
  size_t cap;
  *out = NULL;
  *len = 0;
  /* Without blocking: a FIFO opened for reading would wait for a writer,
   * a device for its driver. */
  fd = uv_fs_open(NULL, &req, path,
                  UV_FS_O_RDONLY | UV_FS_O_NONBLOCK | UV_FS_O_NOCTTY, 0, NULL);
  uv_fs_req_cleanup(&req);
  if (fd == UV_ENOENT) return VG_ENOENT;
  if (fd < 0) {
    snprintf(err, errsz, "%s", uv_strerror(fd));
    return VG_EIO;
  }
  n = uv_fs_fstat(NULL, &req, fd, NULL);
  if (n != 0 || (req.statbuf.st_mode & S_IFMT) != S_IFREG) {
    if (n != 0)
      snprintf(err, errsz,
               "cannot tell what kind of file it is (%s); only a plain "
               "file is read",
               uv_strerror((int)n));
    else
      snprintf(err, errsz,
               "not a regular file (a FIFO, device or folder); "
               "only a plain file is read");
    uv_fs_req_cleanup(&req);
    uv_fs_close(NULL, &req, fd, NULL);
    uv_fs_req_cleanup(&req);
    return VG_EIO;
  }
  /* Sized from the file (it may still grow while read): a buffer of max
   * bytes for a 1 KiB vigil.ini raised glibc's trim threshold to 2 MiB for
   * the process's life (issue 17). */
  cap = (uint64_t)req.statbuf.st_size < max ? (size_t)req.statbuf.st_size : max;
  cap += 2;
  uv_fs_req_cleanup(&req);
  buf = malloc(cap);
  while (buf != NULL && *len <= max) {
    if (*len + 1 >= cap) { /* full: room for max + 1 bytes and the NUL */
      size_t ncap = cap * 2 < max + 2 ? cap * 2 : max + 2;
      char *nb = ncap > cap ? realloc(buf, ncap) : NULL;
      if (nb == NULL) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap = ncap;
    }
    ub = uv_buf_init(buf + *len, (unsigned)(cap - 1 - *len));
    n = uv_fs_read(NULL, &req, fd, &ub, 1, -1, NULL);
    uv_fs_req_cleanup(&req);
    if (n <= 0) break;
    *len += (size_t)n;
  }
  if (buf == NULL) {
    snprintf(err, errsz, "out of memory");
    uv_fs_close(NULL, &req, fd, NULL);
    uv_fs_req_cleanup(&req);
    *len = 0;
    return VG_ENOMEM;
  }
  uv_fs_close(NULL, &req, fd, NULL);
  uv_fs_req_cleanup(&req);
  if (n < 0) {
    snprintf(err, errsz, "%s", uv_strerror((int)n));
    free(buf);
    *len = 0;
    return VG_EIO;
  }
  buf[*len] = '\0';
  *out = buf;
  return 0;
}
