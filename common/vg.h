/* vg.h: error codes and small helpers shared by every area of Vigil.
 * Functions return 0 on success or a negative VG_E* code (libuv style). */
#ifndef VG_H
#define VG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h> /* defines __MINGW_PRINTF_FORMAT on mingw */

/* printf-style checking that matches the C runtime in use. */
#if defined(__MINGW_PRINTF_FORMAT)
#define VG_PRINTF(fmt, args)                                                   \
  __attribute__((format(__MINGW_PRINTF_FORMAT, fmt, args)))
#elif defined(__GNUC__)
#define VG_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define VG_PRINTF(fmt, args)
#endif

#define VG_VERSION "0.1.0"

#define VG_ERRNO_MAP(XX)                                                       \
  XX(ENOMEM, -1, "out of memory")                                              \
  XX(EINVAL, -2, "invalid argument")                                           \
  XX(ERANGE, -3, "value out of range")                                         \
  XX(ENOENT, -4, "not found")                                                  \
  XX(EACCES, -5, "access denied")                                              \
  XX(EIO, -6, "input/output error")                                            \
  XX(ETIMEDOUT, -7, "timed out")                                               \
  XX(EPARSE, -8, "malformed input")                                            \
  XX(ETOOBIG, -9, "input too large")                                           \
  XX(ENOTSUP, -10, "not supported on this system")                             \
  XX(ESTORE, -11, "database error")                                            \
  XX(EBUSY, -12, "busy")                                                       \
  XX(ECONN, -13, "cannot connect")                                             \
  XX(EEXIST, -14, "already exists")                                            \
  XX(EPERM, -15, "requires Administrators")                                    \
  XX(ELOCKED, -16, "the database is locked by another program")                \
  XX(EUNTRUSTED, -17, "the pipe is served by a program that is not Vigil")     \
  XX(ESQUAT, -18, "another program holds Vigil's pipe name")

enum {
#define XX(name, val, msg) VG_##name = (val),
  VG_ERRNO_MAP(XX)
#undef XX
};

/* Returns a static English message for a VG_E* code. Any thread. */
const char *vg_strerror(int err);

#define VG_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* floor and ceil without libm: built for size, gcc calls libm's for them,
 * and the process then maps all of libm for two functions (issue 17).
 * Exact for every double (from 2^52 on a double is whole); NaN and the
 * infinities come back as they are. */
static inline double vg_floor(double x) {
  double t;
  if (!(x > -4503599627370496.0 && x < 4503599627370496.0)) return x;
  t = (double)(int64_t)x;
  return t > x ? t - 1.0 : t;
}
static inline double vg_ceil(double x) { return -vg_floor(-x); }

/* Bounded string copy: always NUL-terminates; returns VG_ERANGE when cut. */
int vg_strlcpy(char *dst, const char *src, size_t size);

/* snprintf that appends at *pos, never overflows, keeps *pos <= size-1. */
void vg_bufprintf(char *buf, size_t size, size_t *pos, const char *fmt, ...)
    VG_PRINTF(4, 5);

/* Reads a whole file, at most max + 1 bytes (so len > max tells the caller
 * it is too big), into *out (malloc'd, NUL-terminated). UTF-8 paths on
 * every platform (libuv). Opens without blocking and reads only a regular
 * file: a FIFO, device or folder is refused at once. Returns 0, VG_ENOENT
 * when there is no file, or VG_EIO/VG_ENOMEM with err set to the reason
 * (one line). Blocking (disk I/O): not on the loop thread of a running
 * service. */
int vg_read_file(const char *path, size_t max, char **out, size_t *len,
                 char *err, size_t errsz);

#endif /* VG_H */
