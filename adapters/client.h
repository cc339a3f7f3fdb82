/* client.h: the CLI's side of the query pipe: connect, make sure the
 * process at the other end is Vigil, send one request, read one line. */
#ifndef VG_CLIENT_H
#define VG_CLIENT_H

#include <uv.h>

#include <stddef.h>
#include <stdint.h>

#define VG_CLIENT_TIMEOUT_MS 15000
#define VG_RESPONSE_MAX (64 * 1024 * 1024)

/* Sends one request line to the service at pipe and returns its one-line
 * response (malloc'd, NUL-terminated, without the newline). Returns 0,
 * VG_ECONN (nobody listening), VG_EUNTRUSTED (the process serving pipe is
 * not Vigil: err names its pid; nothing it sent is returned) or
 * VG_ETIMEDOUT/VG_EIO/VG_ETOOBIG with err set to one line. Runs its own
 * short-lived loop; any thread. */
int vg_client_request(const char *pipe, const char *request, char **response,
                      char *err, size_t errsz);

/* The response reader: bytes in as they come, one line out. */
typedef struct vg_linebuf_s {
  char *buf;
  size_t len, cap;
  size_t max; /* longest line accepted, '\n' not counted */
} vg_linebuf_t;

/* Empty reader for lines up to max bytes. */
void vg_linebuf_init(vg_linebuf_t *lb, size_t max);
/* Appends data[0..n). Returns 1 with *line (malloc'd, NUL-terminated, no
 * '\n'; the caller frees it; bytes after the '\n' are dropped) once a line
 * is complete, 0 while more is needed, VG_ETOOBIG once more than max bytes
 * came without '\n', VG_ENOMEM. Any thread (one reader per thread). */
int vg_linebuf_feed(vg_linebuf_t *lb, const char *data, size_t n, char **line);
/* Frees what the reader holds; lb is then as after init. */
void vg_linebuf_free(vg_linebuf_t *lb);

/* Platform part (adapters/posix/pipe_posix.c, adapters/win/pipe_win.c). */

/* Starts connecting p (uv_pipe_init'ed) to name; cb(req, status) runs on
 * p's loop thread, possibly before this returns. On Windows the pipe is
 * opened for identification only (SECURITY_SQOS_PRESENT |
 * SECURITY_IDENTIFICATION): a server cannot act as the caller. */
void vg__client_connect(uv_connect_t *req, uv_pipe_t *p, const char *name,
                        uv_connect_cb cb);
/* Whether the process serving the connected p may be trusted
 * (docs/protocol.md, "Who answers"). Returns 0, or VG_EUNTRUSTED with err
 * naming the process and what to do. Loop thread of p. */
int vg__client_check_server(uv_pipe_t *p, const char *name, char *err,
                            size_t errsz);

#endif /* VG_CLIENT_H */
