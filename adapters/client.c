/* client.c: connect, send one request, read one response line. */
#include "client.h"

#include "vg.h"

#include <uv.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct vg_call_s {
  uv_pipe_t pipe;
  uv_timer_t timer;
  uv_connect_t conn;
  uv_write_t wr;
  const char *request;
  char *line;
  uv_buf_t out[2];
  char *buf;
  size_t len, cap;
  int rc;
  int done;
  char err[256];
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
  if (c->cap - c->len < 65536) {
    size_t cap = c->cap ? c->cap * 2 : 131072;
    char *nb = cap <= VG_RESPONSE_MAX + 65536 ? realloc(c->buf, cap) : NULL;
    if (nb == NULL) {
      *b = uv_buf_init(NULL, 0);
      return;
    }
    c->buf = nb;
    c->cap = cap;
  }
  *b = uv_buf_init(c->buf + c->len, (unsigned)(c->cap - c->len - 1));
}

static void call_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *b) {
  vg_call_t *c = s->data;
  char *nl;
  (void)b;
  if (n < 0) {
    snprintf(c->err, sizeof(c->err),
             "the service closed the connection "
             "before answering (%s)",
             uv_strerror((int)n));
    call_finish(c, VG_EIO);
    return;
  }
  if (n == 0) return;
  nl = memchr(c->buf + c->len, '\n', (size_t)n);
  c->len += (size_t)n;
  if (nl) {
    *nl = '\0';
    c->line = c->buf;
    c->buf = NULL;
    call_finish(c, 0);
  } else if (c->len > VG_RESPONSE_MAX) {
    snprintf(c->err, sizeof(c->err), "response larger than %d bytes",
             VG_RESPONSE_MAX);
    call_finish(c, VG_ETOOBIG);
  }
}

static void call_write_cb(uv_write_t *w, int status) {
  vg_call_t *c = w->data;
  if (status < 0) {
    snprintf(c->err, sizeof(c->err), "cannot send the request: %s",
             uv_strerror(status));
    call_finish(c, VG_EIO);
  }
}

static void call_connect_cb(uv_connect_t *req, int status) {
  vg_call_t *c = req->data;
  if (status < 0) {
    snprintf(c->err, sizeof(c->err), "%s", uv_strerror(status));
    call_finish(c, VG_ECONN);
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
  vg_call_t c;
  *response = NULL;
  memset(&c, 0, sizeof(c));
  if (uv_loop_init(&loop) != 0) {
    snprintf(err, errsz, "cannot create an event loop");
    return VG_EIO;
  }
  c.request = request;
  uv_pipe_init(&loop, &c.pipe, 0);
  uv_timer_init(&loop, &c.timer);
  c.pipe.data = &c;
  c.timer.data = &c;
  c.conn.data = &c;
  uv_timer_start(&c.timer, call_timeout_cb, VG_CLIENT_TIMEOUT_MS, 0);
  uv_pipe_connect(&c.conn, &c.pipe, pipe, call_connect_cb);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  free(c.buf);
  if (c.rc != 0) {
    snprintf(err, errsz, "%s", c.err);
    free(c.line);
    return c.rc;
  }
  *response = c.line;
  return 0;
}
