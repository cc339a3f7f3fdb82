/* server.c: accepts clients, splits requests by newline, bounds every
 * buffer, and never lets one client stall the others. */
#include "server.h"

#include "vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct vg_client_s vg_client_t;

struct vg_server_s {
  uv_loop_t *loop;
  vg__listener_t *listener;
  char name[512];
  vg_server_handler handler;
  void *ud;
  vg_client_t *clients; /* doubly linked */
  size_t nclients;
  int closing;
  int pending_closes; /* handles whose close callback has not run */
  void (*done)(void *ud);
  void *done_ud;
};

struct vg_client_s {
  uv_pipe_t pipe;
  uv_timer_t idle;
  vg_server_t *srv;
  vg_client_t *prev, *next;
  vg_peer_t peer;
  int peer_known; /* peer is read with the first request line */
  char *buf;      /* request bytes not yet ending in '\n' */
  size_t len;
  size_t out_bytes; /* queued, unsent */
  int closing;
  int close_after_write;
  int handles_open; /* pipe + timer */
  int reading;
};

typedef struct vg_wreq_s {
  uv_write_t req;
  vg_client_t *c;
  size_t len;
  char data[];
} vg_wreq_t;

static void server_maybe_done(vg_server_t *s) {
  if (s->closing && s->pending_closes == 0 && s->clients == NULL) {
    void (*done)(void *) = s->done;
    void *ud = s->done_ud;
    free(s);
    if (done) done(ud);
  }
}

static void client_free_cb(uv_handle_t *h) {
  vg_client_t *c = h->data;
  vg_server_t *s = c->srv;
  if (--c->handles_open > 0) return;
  if (c->prev)
    c->prev->next = c->next;
  else
    s->clients = c->next;
  if (c->next) c->next->prev = c->prev;
  s->nclients--;
  free(c->buf);
  free(c);
  server_maybe_done(s);
}

static void client_close(vg_client_t *c) {
  if (c->closing) return;
  c->closing = 1;
  uv_close((uv_handle_t *)&c->pipe, client_free_cb);
  uv_close((uv_handle_t *)&c->idle, client_free_cb);
}

static void client_idle_cb(uv_timer_t *t) {
  vg_client_t *c = t->data;
  client_close(c);
}

static void client_write_cb(uv_write_t *req, int status) {
  vg_wreq_t *w = (vg_wreq_t *)req;
  vg_client_t *c = w->c;
  c->out_bytes -= w->len;
  free(w);
  if (status < 0) {
    client_close(c);
    return;
  }
  if (c->close_after_write && c->out_bytes == 0) client_close(c);
}

static void client_read_cb(uv_stream_t *st, ssize_t nread, const uv_buf_t *b);

/* Queues text + '\n' to the client. A client that does not read its
 * answers is disconnected once VG_CLIENT_OUTBUF_MAX bytes are queued. */
static void client_send(vg_client_t *c, const char *text, size_t len) {
  vg_wreq_t *w;
  uv_buf_t buf;
  if (c->closing) return;
  if (c->out_bytes + len + 1 > VG_CLIENT_OUTBUF_MAX) {
    client_close(c);
    return;
  }
  w = malloc(sizeof(*w) + len + 1);
  if (w == NULL) {
    client_close(c);
    return;
  }
  memcpy(w->data, text, len);
  w->data[len] = '\n';
  w->len = len + 1;
  w->c = c;
  buf = uv_buf_init(w->data, (unsigned)w->len);
  c->out_bytes += w->len;
  if (uv_write(&w->req, (uv_stream_t *)&c->pipe, &buf, 1, client_write_cb)) {
    c->out_bytes -= w->len;
    free(w);
    client_close(c);
  }
}

static void client_send_error(vg_client_t *c, const char *msg) {
  vg_jw_t w;
  char *text;
  size_t len;
  vg_jw_init(&w);
  vg_jw_obj_begin(&w);
  vg_jw_kbool(&w, "ok", 0);
  vg_jw_kstr(&w, "error", msg);
  vg_jw_obj_end(&w);
  text = vg_jw_steal(&w, &len);
  if (text) client_send(c, text, len);
  free(text);
}

static void client_handle_line(vg_client_t *c, char *line, size_t len) {
  vg_server_t *s = c->srv;
  vg_jw_t w;
  char *text;
  size_t n;
  if (len > 0 && line[len - 1] == '\r') line[--len] = '\0';
  if (len == 0) return; /* blank lines are keep-alives */
  if (!c->peer_known) {
    vg__pipe_peer(&c->pipe, &c->peer);
    c->peer_known = 1;
  }
  vg_jw_init(&w);
  s->handler(s->ud, &c->peer, line, len, &w);
  text = vg_jw_steal(&w, &n);
  if (text == NULL) {
    client_send_error(c, "out of memory while building the response");
    return;
  }
  client_send(c, text, n);
  free(text);
}

static void client_alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *b) {
  vg_client_t *c = h->data;
  size_t room = VG_REQUEST_MAX + 2 - c->len;
  (void)suggested;
  if (c->buf == NULL) c->buf = malloc(VG_REQUEST_MAX + 2);
  if (c->buf == NULL || room == 0) {
    *b = uv_buf_init(NULL, 0);
    return;
  }
  *b = uv_buf_init(c->buf + c->len, (unsigned)(room > 65536 ? 65536 : room));
}

static void client_read_cb(uv_stream_t *st, ssize_t nread, const uv_buf_t *b) {
  vg_client_t *c = st->data;
  size_t start = 0, i;
  (void)b;
  if (nread < 0) {
    client_close(c); /* EOF or error: a half-read request is dropped */
    return;
  }
  if (nread == 0 || c->closing) return;
  uv_timer_again(&c->idle);
  c->len += (size_t)nread;
  for (i = c->len - (size_t)nread; i < c->len && !c->closing; i++) {
    if (c->buf[i] != '\n') continue;
    c->buf[i] = '\0';
    if (i - start > VG_REQUEST_MAX) {
      char msg[128];
      snprintf(msg, sizeof(msg),
               "request larger than %d bytes; send one JSON object per line",
               VG_REQUEST_MAX);
      client_send_error(c, msg);
      c->close_after_write = 1;
      return;
    }
    client_handle_line(c, c->buf + start, i - start);
    start = i + 1;
  }
  if (c->closing) return;
  memmove(c->buf, c->buf + start, c->len - start);
  c->len -= start;
  if (c->len > VG_REQUEST_MAX) {
    char msg[128];
    snprintf(msg, sizeof(msg),
             "request larger than %d bytes; send one JSON object per line",
             VG_REQUEST_MAX);
    uv_read_stop(st);
    client_send_error(c, msg);
    c->close_after_write = 1;
    if (c->out_bytes == 0) client_close(c);
  }
}

static void server_connection_cb(vg__listener_t *l, void *ud) {
  vg_server_t *s = ud;
  vg_client_t *c;
  if (s->closing) return;
  c = calloc(1, sizeof(*c));
  if (c == NULL) return;
  c->srv = s;
  uv_pipe_init(s->loop, &c->pipe, 0);
  uv_timer_init(s->loop, &c->idle);
  c->pipe.data = c;
  c->idle.data = c;
  c->handles_open = 2;
  c->next = s->clients;
  if (s->clients) s->clients->prev = c;
  s->clients = c;
  s->nclients++;
  if (vg__pipe_accept(l, &c->pipe) != 0) {
    client_close(c);
    return;
  }
  if (s->nclients > VG_SERVER_MAX_CLIENTS) {
    client_send_error(c, "too many clients connected; try again shortly");
    c->close_after_write = 1;
    return;
  }
  uv_timer_start(&c->idle, client_idle_cb, VG_CLIENT_IDLE_MS,
                 VG_CLIENT_IDLE_MS);
  if (uv_read_start((uv_stream_t *)&c->pipe, client_alloc_cb, client_read_cb) !=
      0)
    client_close(c);
}

int vg_server_start(vg_server_t **out, uv_loop_t *loop, const char *name,
                    vg_server_handler h, void *ud, char *err, size_t errsz) {
  vg_server_t *s = calloc(1, sizeof(*s));
  int rc;
  *out = NULL;
  if (s == NULL) {
    snprintf(err, errsz, "out of memory");
    return VG_ENOMEM;
  }
  s->loop = loop;
  s->handler = h;
  s->ud = ud;
  vg_strlcpy(s->name, name, sizeof(s->name));
  rc = vg__pipe_listen(loop, name, server_connection_cb, s, &s->listener, err,
                       errsz);
  if (rc != 0) {
    free(s);
    return rc;
  }
  *out = s;
  return 0;
}

static void listener_closed_cb(void *ud) {
  vg_server_t *s = ud;
  s->listener = NULL;
  s->pending_closes--;
  server_maybe_done(s);
}

void vg_server_close(vg_server_t *s, void (*done)(void *ud), void *ud) {
  vg_client_t *c;
  if (s == NULL || s->closing) return;
  s->closing = 1;
  s->done = done;
  s->done_ud = ud;
  s->pending_closes = 1;
  vg__pipe_close(s->listener, listener_closed_cb, s);
  for (c = s->clients; c; c = c->next)
    client_close(c);
}

size_t vg_server_clients(const vg_server_t *s) { return s->nclients; }
