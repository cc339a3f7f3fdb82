/* client.c: connect, check who answers, send one request, read one
 * response line. */
#include "client.h"

#include "server.h"
#include "vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(VG_RESPONSE_MAX >= VG_RESPONSE_MAX_BYTES,
               "the CLI reads every answer the server may send");

#define CALL_READ 65536

/* ------------------------------------------------------- line reader */

void vg_linebuf_init(vg_linebuf_t *lb, size_t max) {
  memset(lb, 0, sizeof(*lb));
  lb->max = max;
}

void vg_linebuf_free(vg_linebuf_t *lb) {
  free(lb->buf);
  vg_linebuf_init(lb, lb->max);
}

int vg_linebuf_feed(vg_linebuf_t *lb, const char *data, size_t n, char **line) {
  const char *nl = n ? memchr(data, '\n', n) : NULL;
  size_t take = nl ? (size_t)(nl - data) : n, cap;
  char *nb;
  *line = NULL;
  if (take > lb->max - lb->len) return VG_ETOOBIG;
  if (lb->len + take + 1 > lb->cap) {
    cap = lb->cap ? lb->cap : 4096;
    while (cap < lb->len + take + 1)
      cap *= 2;
    if (cap > lb->max + 1) cap = lb->max + 1;
    nb = realloc(lb->buf, cap);
    if (nb == NULL) return VG_ENOMEM;
    lb->buf = nb;
    lb->cap = cap;
  }
  if (take) memcpy(lb->buf + lb->len, data, take);
  lb->len += take;
  lb->buf[lb->len] = '\0';
  if (nl == NULL) return 0;
  *line = lb->buf;
  lb->buf = NULL;
  lb->len = lb->cap = 0;
  return 1;
}

/* ------------------------------------------------------------ a call */

typedef struct vg_call_s {
  uv_pipe_t pipe;
  uv_timer_t timer;
  uv_connect_t conn;
  uv_write_t wr;
  const char *name;
  const char *request;
  char *line;
  uv_buf_t out[2];
  vg_linebuf_t lb;
  char rbuf[CALL_READ];
  int rc;
  int done;
  char err[400];
} vg_call_t;

static void call_finish(vg_call_t *c, int rc) {
  if (c->done) return;
  c->done = 1;
  c->rc = rc;
  uv_close((uv_handle_t *)&c->pipe, NULL);
  uv_close((uv_handle_t *)&c->timer, NULL);
}

static void call_timeout_cb(uv_timer_t *t) {
  vg_call_t *c = t->data;
  snprintf(c->err, sizeof(c->err), "the service did not answer within %d s",
           VG_CLIENT_TIMEOUT_MS / 1000);
  call_finish(c, VG_ETIMEDOUT);
}

static void call_alloc_cb(uv_handle_t *h, size_t sug, uv_buf_t *b) {
  vg_call_t *c = h->data;
  (void)sug;
  *b = uv_buf_init(c->rbuf, sizeof(c->rbuf));
}

static void call_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *b) {
  vg_call_t *c = s->data;
  int rc;
  if (c->done) return;
  if (n < 0) {
    snprintf(c->err, sizeof(c->err),
             "the service closed the connection "
             "before answering (%s)",
             uv_strerror((int)n));
    call_finish(c, VG_EIO);
    return;
  }
  if (n == 0) return;
  rc = vg_linebuf_feed(&c->lb, b->base, (size_t)n, &c->line);
  if (rc == 1) {
    call_finish(c, 0);
  } else if (rc == VG_ETOOBIG) {
    snprintf(c->err, sizeof(c->err), "response larger than %d bytes",
             VG_RESPONSE_MAX);
    call_finish(c, VG_ETOOBIG);
  } else if (rc != 0) {
    snprintf(c->err, sizeof(c->err), "out of memory reading the response");
    call_finish(c, VG_ENOMEM);
  }
}

static void call_write_cb(uv_write_t *w, int status) {
  vg_call_t *c = w->data;
  if (status < 0 && !c->done) {
    snprintf(c->err, sizeof(c->err), "cannot send the request: %s",
             uv_strerror(status));
    call_finish(c, VG_EIO);
  }
}

static void call_connect_cb(uv_connect_t *req, int status) {
  vg_call_t *c = req->data;
  int rc;
  if (c->done) return;
  if (status < 0) {
    snprintf(c->err, sizeof(c->err), "%s", uv_strerror(status));
    call_finish(c, VG_ECONN);
    return;
  }
  /* Nothing goes to, or is taken from, a process that is not Vigil. */
  rc = vg__client_check_server(&c->pipe, c->name, c->err, sizeof(c->err));
  if (rc != 0) {
    call_finish(c, rc);
    return;
  }
  c->out[0] = uv_buf_init((char *)c->request, (unsigned)strlen(c->request));
  c->out[1] = uv_buf_init("\n", 1);
  c->wr.data = c;
  if (uv_write(&c->wr, (uv_stream_t *)&c->pipe, c->out, 2, call_write_cb) ||
      uv_read_start((uv_stream_t *)&c->pipe, call_alloc_cb, call_read_cb)) {
    snprintf(c->err, sizeof(c->err), "cannot talk to the service");
    call_finish(c, VG_EIO);
  }
}

int vg_client_request(const char *pipe, const char *request, char **response,
                      char *err, size_t errsz) {
  uv_loop_t loop;
  vg_call_t *c;
  int rc;
  *response = NULL;
  c = calloc(1, sizeof(*c));
  if (c == NULL) {
    snprintf(err, errsz, "out of memory");
    return VG_ENOMEM;
  }
  if (uv_loop_init(&loop) != 0) {
    free(c);
    snprintf(err, errsz, "cannot create an event loop");
    return VG_EIO;
  }
  c->name = pipe;
  c->request = request;
  vg_linebuf_init(&c->lb, VG_RESPONSE_MAX);
  uv_pipe_init(&loop, &c->pipe, 0);
  uv_timer_init(&loop, &c->timer);
  c->pipe.data = c;
  c->timer.data = c;
  c->conn.data = c;
  uv_timer_start(&c->timer, call_timeout_cb, VG_CLIENT_TIMEOUT_MS, 0);
  vg__client_connect(&c->conn, &c->pipe, pipe, call_connect_cb);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  vg_linebuf_free(&c->lb);
  rc = c->rc;
  if (rc != 0) {
    snprintf(err, errsz, "%s", c->err);
    free(c->line);
  } else {
    *response = c->line;
  }
  free(c);
  return rc;
}
