/* pipe_kit.c: raw clients of the query server for tests (see
 * pipe_kit.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pipe_kit.h"

#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int pc_open; /* clients of pc_run not yet closed */

static void pc_closed(uv_handle_t *h) {
  pc_client_t *c = h->data;
  if (c->closed) return;
  c->closed = 1;
  pc_open--;
}

void pc_close(pc_client_t *c) {
  if (uv_is_closing((uv_handle_t *)&c->pipe)) return;
  if (c->ticking) uv_close((uv_handle_t *)&c->tick, NULL);
  uv_close((uv_handle_t *)&c->pipe, pc_closed);
}

static void pc_alloc(uv_handle_t *h, size_t s, uv_buf_t *b) {
  pc_client_t *c = h->data;
  (void)s;
  if (c->len >= sizeof(c->in) - 1) c->len = 0; /* keep only the tail */
  *b = uv_buf_init(c->in + c->len, (unsigned)(sizeof(c->in) - 1 - c->len));
}

static void pc_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b) {
  pc_client_t *c = s->data;
  ssize_t i;
  (void)b;
  if (n < 0) {
    c->eof = 1;
    c->t_eof = uv_now(s->loop);
    pc_close(c);
    return;
  }
  for (i = 0; i < n; i++)
    if (c->in[c->len + (size_t)i] == '\n') c->lines++;
  c->len += (size_t)n;
  c->bytes += (size_t)n;
  c->in[c->len] = '\0';
  if (c->want_lines && c->lines >= c->want_lines) pc_close(c);
}

static void pc_written(uv_write_t *w, int status) {
  pc_client_t *c = w->data;
  (void)status;
  if (c->close_after_write)
    pc_close(c);
  else if (c->half_close && !uv_is_closing((uv_handle_t *)&c->pipe))
    uv_shutdown(&c->sh, (uv_stream_t *)&c->pipe, NULL);
}

static void pc_tick_written(uv_write_t *w, int status) {
  pc_client_t *c = w->data;
  (void)status;
  c->tick_busy = 0;
}

static void pc_tick(uv_timer_t *t) {
  pc_client_t *c = t->data;
  if (uv_is_closing((uv_handle_t *)&c->pipe) || c->tick_busy) return;
  c->tbuf = uv_buf_init((char *)c->ticker, (unsigned)strlen(c->ticker));
  c->twr.data = c;
  if (uv_write(&c->twr, (uv_stream_t *)&c->pipe, &c->tbuf, 1,
               pc_tick_written) == 0)
    c->tick_busy = 1;
}

static void pc_connected(uv_connect_t *r, int status) {
  pc_client_t *c = r->data;
  uv_buf_t b;
  if (status < 0) {
    pc_close(c);
    return;
  }
  c->connected = 1;
  if (c->plen) {
    b = uv_buf_init((char *)c->payload, (unsigned)c->plen);
    c->wr.data = c;
    uv_write(&c->wr, (uv_stream_t *)&c->pipe, &b, 1, pc_written);
  }
  if (!c->no_read && !c->close_after_write)
    uv_read_start((uv_stream_t *)&c->pipe, pc_alloc, pc_read);
  if (c->ticker) {
    uv_timer_init(r->handle->loop, &c->tick);
    c->tick.data = c;
    c->ticking = 1;
    uv_timer_start(&c->tick, pc_tick, c->tick_ms, c->tick_ms);
  }
}

void pc_start(uv_loop_t *loop, pc_client_t *c, const char *name) {
  uv_pipe_init(loop, &c->pipe, 0);
  c->pipe.data = c;
  c->conn.data = c;
  c->t0 = uv_now(loop);
  pc_open++;
  uv_pipe_connect(&c->conn, &c->pipe, name, pc_connected);
}

typedef struct guard_s {
  uv_timer_t t;
  pc_client_t *cs;
  int n;
} guard_t;

static void guard_cb(uv_timer_t *t) {
  guard_t *g = t->data;
  int i;
  for (i = 0; i < g->n; i++)
    pc_close(&g->cs[i]);
  uv_close((uv_handle_t *)t, NULL);
}

static void done_check_cb(uv_timer_t *t) {
  guard_t *g = t->data;
  if (pc_open == 0) {
    if (!uv_is_closing((uv_handle_t *)&g->t))
      uv_close((uv_handle_t *)&g->t, NULL);
    uv_close((uv_handle_t *)t, NULL);
  }
}

void pc_run(pc_client_t *cs, int n, const char *name, uint64_t max_ms) {
  uv_loop_t loop;
  guard_t g;
  uv_timer_t check;
  int i;
  assert_int_equal(uv_loop_init(&loop), 0);
  pc_open = 0;
  for (i = 0; i < n; i++)
    pc_start(&loop, &cs[i], name);
  g.cs = cs;
  g.n = n;
  uv_timer_init(&loop, &g.t);
  g.t.data = &g;
  uv_timer_start(&g.t, guard_cb, max_ms, 0);
  uv_timer_init(&loop, &check);
  check.data = &g;
  uv_timer_start(&check, done_check_cb, 10, 10);
  uv_run(&loop, UV_RUN_DEFAULT);
  assert_int_equal(uv_loop_close(&loop), 0);
}

void pc_close_all(uv_loop_t *loop, pc_client_t *cs, int n) {
  guard_t g;
  g.cs = cs;
  g.n = n;
  uv_timer_init(loop, &g.t);
  g.t.data = &g;
  uv_timer_start(&g.t, guard_cb, 0, 0);
  uv_run(loop, UV_RUN_DEFAULT);
  assert_int_equal(uv_loop_close(loop), 0);
}

vg_json_t *pc_ask(const char *name, const char *req) {
  char *resp = NULL, err[400];
  vg_json_t *doc = NULL;
  int rc = vg_client_request(name, req, &resp, err, sizeof(err));
  if (rc) fprintf(stderr, "request failed: %s\n", err);
  assert_int_equal(rc, 0);
  assert_int_equal(vg_json_parse(resp, strlen(resp), &doc, err, sizeof(err)),
                   0);
  free(resp);
  return doc;
}

/* ------------------------------------------------ a loop on a thread */

void pc_thread_init(pc_thread_t *t) {
  memset(t, 0, sizeof(*t));
  assert_int_equal(uv_loop_init(&t->loop), 0);
}

static void thread_stop_cb(uv_async_t *a) {
  pc_thread_t *t = a->data;
  t->on_stop(t);
}

static void thread_main(void *arg) {
  pc_thread_t *t = arg;
  uv_run(&t->loop, UV_RUN_DEFAULT);
}

void pc_thread_start(pc_thread_t *t, void (*on_stop)(pc_thread_t *t),
                     void *ud) {
  t->on_stop = on_stop;
  t->ud = ud;
  assert_int_equal(uv_async_init(&t->loop, &t->stop, thread_stop_cb), 0);
  t->stop.data = t;
  assert_int_equal(uv_thread_create(&t->thread, thread_main, t), 0);
}

void pc_thread_stop(pc_thread_t *t) {
  uv_async_send(&t->stop);
  uv_thread_join(&t->thread);
  assert_int_equal(uv_loop_close(&t->loop), 0);
}
