/* bench_clients.c: what a flood of local clients costs the query server
 * (issue 16). One process: the server on a thread with a handler whose
 * answers are the size of a real `status` (about 24 KB), clients on the
 * main thread. Phases, each measured against the idle baseline of the same
 * run (resident memory, and the server's own accounting):
 *   idle:      the server alone;
 *   connected: N clients that asked once, read the answer and stay;
 *   flood:     F clients pipelining P status requests without reading,
 *              while one reader asks every 100 ms (its slowest answer);
 *   after:     everyone gone - how much memory came back.
 * Before issue 16 a non-reading client could pin 8 MiB (F = 200: 1.6 GB).
 * All clients are one account here, so the per-account cap is lifted to
 * the total (1,024 slots: N + F + 1 must fit).
 * Usage: bench_clients [N] [F] [P]   (defaults 500 200 40) */
#include "server.h"
#include "server_thread.h"
#include "vg.h"

#include <uv.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATUS_BYTES 24000

static char *status_pad;

static void handler(void *ud, const vg_peer_t *peer, const char *line,
                    size_t len, vg_jw_t *w) {
  (void)ud, (void)peer, (void)line, (void)len;
  vg_jw_obj_begin(w);
  vg_jw_kbool(w, "ok", 1);
  vg_jw_kstr(w, "pad", status_pad);
  vg_jw_obj_end(w);
}

/* ------------------------------------------------------------ clients */

typedef struct cl_s {
  uv_pipe_t pipe;
  uv_connect_t conn;
  uv_write_t wr;
  uv_timer_t tick;
  const char *payload;
  size_t plen;
  int no_read;
  int ticking;
  int lines, asked;
  uint64_t asked_at, worst_ms;
} cl_t;

static char cl_buf[65536]; /* every client reads here: they hold nothing */

static int open_clients;

static void cl_closed(uv_handle_t *h) {
  (void)h;
  open_clients--;
}

static void cl_close(cl_t *c) {
  if (uv_is_closing((uv_handle_t *)&c->pipe)) return;
  if (c->ticking) uv_close((uv_handle_t *)&c->tick, NULL);
  uv_close((uv_handle_t *)&c->pipe, cl_closed);
}

static void cl_alloc(uv_handle_t *h, size_t s, uv_buf_t *b) {
  (void)h, (void)s;
  *b = uv_buf_init(cl_buf, sizeof(cl_buf));
}

static void cl_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b) {
  cl_t *c = st->data;
  ssize_t i;
  if (n < 0) {
    cl_close(c);
    return;
  }
  for (i = 0; i < n; i++)
    if (b->base[i] == '\n') {
      uint64_t took = uv_now(st->loop) - c->asked_at;
      c->lines++;
      if (c->asked && took > c->worst_ms) c->worst_ms = took;
      c->asked = 0;
    }
}

static void cl_tick(uv_timer_t *t) {
  cl_t *c = t->data;
  uv_buf_t b;
  if (c->asked || uv_is_closing((uv_handle_t *)&c->pipe)) return;
  b = uv_buf_init((char *)"status\n", 7);
  c->asked = 1;
  c->asked_at = uv_now(t->loop);
  uv_try_write((uv_stream_t *)&c->pipe, &b, 1);
}

static void cl_connected(uv_connect_t *r, int status) {
  cl_t *c = r->data;
  uv_buf_t b;
  if (status < 0) {
    cl_close(c);
    return;
  }
  if (c->plen) {
    b = uv_buf_init((char *)c->payload, (unsigned)c->plen);
    uv_write(&c->wr, (uv_stream_t *)&c->pipe, &b, 1, NULL);
  }
  if (!c->no_read) uv_read_start((uv_stream_t *)&c->pipe, cl_alloc, cl_read);
  if (c->ticking) uv_timer_start(&c->tick, cl_tick, 0, 100);
}

static void cl_start(uv_loop_t *loop, cl_t *c, const char *name) {
  uv_pipe_init(loop, &c->pipe, 0);
  c->pipe.data = c;
  c->conn.data = c;
  if (c->ticking) {
    uv_timer_init(loop, &c->tick);
    c->tick.data = c;
  }
  open_clients++;
  uv_pipe_connect(&c->conn, &c->pipe, name, cl_connected);
}

/* Runs the loop for ms. */
static void run_for(uv_loop_t *loop, uint64_t ms) {
  uint64_t end;
  uv_update_time(loop);
  end = uv_now(loop) + ms;
  while (uv_now(loop) < end) {
    uv_run(loop, UV_RUN_NOWAIT);
    uv_sleep(5);
    uv_update_time(loop);
  }
}

static double mib(size_t b) { return (double)b / (1024.0 * 1024.0); }

static size_t rss(void) {
  size_t r = 0;
  uv_resident_set_memory(&r);
  return r;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 500;
  int f = argc > 2 ? atoi(argv[2]) : 200;
  int p = argc > 3 ? atoi(argv[3]) : 40;
  vg_srv_thread_t t;
  uv_loop_t loop;
  cl_t *cs;
  char err[400], *flood;
  size_t base, conn_rss, flood_rss, after_rss;
  int i, total;
  if (n < 0 || f < 0 || p < 1) {
    fprintf(stderr, "usage: bench_clients [N] [F] [P]\n");
    return 2;
  }
  status_pad = malloc(STATUS_BYTES + 1);
  flood = malloc((size_t)p * 7);
  cs = calloc((size_t)(n + f + 1), sizeof(cl_t));
  if (!status_pad || !flood || !cs) return 1;
  memset(status_pad, 'x', STATUS_BYTES);
  status_pad[STATUS_BYTES] = '\0';
  for (i = 0; i < p; i++)
    memcpy(flood + (size_t)i * 7, "status\n", 7);
  {
    vg_server_limits_t lim;
    vg_server_limits_default(&lim);
    lim.max_per_user = lim.max_clients;
    if (vg_srv_thread_start(&t, "bench", handler, &t, &lim, err, sizeof(err))) {
      fprintf(stderr, "bench_clients: %s\n", err);
      return 1;
    }
  }
  uv_loop_init(&loop);
  run_for(&loop, 200);
  base = rss();

  /* connected: each asks once, reads, stays */
  for (i = 0; i < n; i++) {
    cs[i].payload = "status\n";
    cs[i].plen = 7;
    cl_start(&loop, &cs[i], t.name);
  }
  for (i = 0; i < 2000; i++) {
    int k, done = 0;
    run_for(&loop, 10);
    for (k = 0; k < n; k++)
      done += cs[k].lines >= 1;
    if (done == n) break;
  }
  conn_rss = rss();

  /* flood: F never read, one reader every 100 ms */
  for (i = n; i < n + f; i++) {
    cs[i].payload = flood;
    cs[i].plen = (size_t)p * 7;
    cs[i].no_read = 1;
    cl_start(&loop, &cs[i], t.name);
  }
  cs[n + f].ticking = 1;
  cl_start(&loop, &cs[n + f], t.name);
  run_for(&loop, 5000);
  flood_rss = rss();

  for (i = 0; i < n + f + 1; i++)
    cl_close(&cs[i]);
  while (open_clients > 0)
    uv_run(&loop, UV_RUN_ONCE);
  run_for(&loop, 500);
  after_rss = rss();
  total = cs[n + f].lines;

  vg_srv_thread_stop(&t);
  uv_loop_close(&loop);

  printf("bench_clients: %d connected, %d flooding x %d requests of %d KB\n", n,
         f, p, STATUS_BYTES / 1000);
  printf("  resident, idle server          %8.1f MiB\n", mib(base));
  printf("  resident, %4d connected       %8.1f MiB (+%.1f)\n", n,
         mib(conn_rss), mib(conn_rss) - mib(base));
  printf("  resident, during the flood     %8.1f MiB (+%.1f)\n", mib(flood_rss),
         mib(flood_rss) - mib(base));
  printf("  resident, all gone             %8.1f MiB (+%.1f)\n", mib(after_rss),
         mib(after_rss) - mib(base));
  printf("  server: answers held at most   %8.1f MiB (budget %.0f MiB), "
         "request buffers at most %.1f MiB\n",
         mib(t.last.out_peak), mib(VG_SERVER_OUTPUT_BUDGET),
         mib(t.last.in_peak));
  printf("  server: %llu stalled clients dropped, %llu refused by the "
         "per-account cap\n",
         (unsigned long long)t.last.stalled_closed,
         (unsigned long long)t.last.refused_user);
  printf("  reader during the flood: %d answers, slowest %llu ms\n", total,
         (unsigned long long)cs[n + f].worst_ms);
  printf("  before issue 16 the flood could hold %.0f MiB (8 MiB per "
         "client)\n",
         mib((size_t)f * 8 * 1024 * 1024));
  free(cs);
  free(flood);
  free(status_pad);
  return 0;
}
