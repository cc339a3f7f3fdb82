/* server.c: accepts clients, splits requests by newline, bounds every
 * buffer, and never lets one client stall the others: a connection cap per
 * account, an idle close that blank lines do not reset, one budget for the
 * answers of all clients with backpressure, answers written in chunks. */
#include "server.h"

#include "vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRV_CHUNK (64 * 1024) /* bytes per read and per write */
#define SRV_IN_MIN 1024       /* smallest request buffer */
#define SRV_IN_MAX (VG_REQUEST_MAX + 2)
#define SRV_HINT_MAX (64 * 1024) /* largest answer buffer made up front */

typedef struct vg_client_s vg_client_t;

/* One answer, '\n' included; off bytes of it are written. */
typedef struct vg_out_s {
  struct vg_out_s *next;
  char *data;
  size_t len, off;
} vg_out_t;

struct vg_server_s {
  uv_loop_t *loop;
  vg__listener_t *listener;
  vg_server_handler handler;
  void *ud;
  vg_server_limits_t lim;
  vg_client_t *clients; /* doubly linked */
  size_t nclients;      /* with handles open */
  size_t ncounted;      /* served (not refused, not closing) */
  size_t nwaiting;      /* with a request that waits for room */
  vg_server_stats_t st; /* the accounting (clients filled when read) */
  uv_timer_t kick;      /* serves waiting clients once answers drained */
  uv_timer_t sweep;     /* over the budget: drops queues that do not move */
  int timers;           /* kick and sweep initialized */
  char *slab;           /* every read lands here first (loop thread only) */
  size_t hint; /* room for the last answer: the next is made that big */
  int closing;
  int pending_closes; /* listener and timers whose close has not run */
  void (*done)(void *ud);
  void *done_ud;
};

struct vg_client_s {
  uv_pipe_t pipe;
  uv_timer_t idle;
  uv_write_t wr;
  vg_server_t *srv;
  vg_client_t *prev, *next;
  vg_peer_t peer;
  char *in; /* received, not yet served; grows on demand */
  size_t in_len, in_cap;
  vg_out_t *out_head, *out_tail;
  size_t out_bytes;     /* queued answers, not yet fully written */
  size_t wr_len;        /* bytes of the write in flight */
  uint64_t progress_ms; /* last time its queue moved (or started) */
  int handles_open;     /* pipe + timer */
  int peer_known;       /* privilege is read with the first request */
  int counted;          /* holds a slot (per user and in total) */
  int closing;
  int eof;
  int reading;
  int writing;
  int waiting; /* has a request it may not be served yet */
  int close_after_write;
};

/* ------------------------------------------------------------ helpers */

static void srv_released(vg_server_t *s);
static void client_serve(vg_client_t *c, size_t max_lines);

static void server_maybe_done(vg_server_t *s) {
  if (s->closing && s->pending_closes == 0 && s->clients == NULL) {
    void (*done)(void *) = s->done;
    void *ud = s->done_ud;
    free(s->slab);
    free(s);
    if (done) done(ud);
  }
}

static void in_account(vg_server_t *s, size_t oldcap, size_t newcap) {
  s->st.in_bytes = s->st.in_bytes - oldcap + newcap;
  if (s->st.in_bytes > s->st.in_peak) s->st.in_peak = s->st.in_bytes;
}

static void set_waiting(vg_client_t *c, int w) {
  if (c->waiting == w) return;
  c->waiting = w;
  if (w)
    c->srv->nwaiting++;
  else
    c->srv->nwaiting--;
}

/* Whether c may have its next request answered now. A client with an
 * empty queue is served up to twice the budget, so readers keep getting
 * answers while others sit on theirs; past that nobody is. */
static int client_may_serve(const vg_client_t *c) {
  const vg_server_t *s = c->srv;
  if (c->out_bytes >= s->lim.client_queue) return 0;
  if (c->out_bytes == 0) return s->st.out_bytes < 2 * s->lim.output_budget;
  return s->st.out_bytes < s->lim.output_budget;
}

/* --------------------------------------------------------------- close */

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
  while (c->out_head) {
    vg_out_t *o = c->out_head;
    c->out_head = o->next;
    s->st.out_bytes -= o->len;
    free(o->data);
    free(o);
  }
  in_account(s, c->in_cap, 0);
  free(c->in);
  free(c);
  srv_released(s);
  server_maybe_done(s);
}

static void client_close(vg_client_t *c) {
  if (c->closing) return;
  c->closing = 1;
  if (c->counted) {
    c->counted = 0;
    c->srv->ncounted--;
  }
  set_waiting(c, 0);
  uv_close((uv_handle_t *)&c->pipe, client_free_cb);
  uv_close((uv_handle_t *)&c->idle, client_free_cb);
}

/* Closes c once it has nothing more to say: after a fatal error was sent,
 * or after end-of-file once every request it sent is answered. */
static void client_maybe_finish(vg_client_t *c) {
  if (c->closing || c->out_head != NULL) return;
  if (c->close_after_write || (c->eof && c->in_len == 0)) client_close(c);
}

static void client_idle_cb(uv_timer_t *t) {
  vg_client_t *c = t->data;
  c->srv->st.idle_closed++;
  client_close(c);
}

/* -------------------------------------------------------------- output */

static void client_write_cb(uv_write_t *req, int status);

/* Hands the next chunk of the oldest answer to the pipe; one write in
 * flight per client, so its progress is measured chunk by chunk. */
static void client_pump(vg_client_t *c) {
  vg_out_t *o = c->out_head;
  uv_buf_t buf;
  size_t n;
  if (c->closing || c->writing || o == NULL) return;
  n = o->len - o->off;
  if (n > SRV_CHUNK) n = SRV_CHUNK;
  buf = uv_buf_init(o->data + o->off, (unsigned)n);
  c->wr.data = c;
  if (uv_write(&c->wr, (uv_stream_t *)&c->pipe, &buf, 1, client_write_cb)) {
    client_close(c);
    return;
  }
  c->writing = 1;
  c->wr_len = n;
}

static void sweep_cb(uv_timer_t *t);

static void sweep_arm(vg_server_t *s) {
  uint64_t every = s->lim.stall_ms / 4 ? s->lim.stall_ms / 4 : 1;
  if (s->closing || !s->timers || uv_is_active((uv_handle_t *)&s->sweep))
    return;
  if (s->st.out_bytes >= s->lim.output_budget && s->nwaiting > 0)
    uv_timer_start(&s->sweep, sweep_cb, every, every);
}

/* Queues data (malloc'd, len bytes ending in '\n'; taken over). */
static void client_queue(vg_client_t *c, char *data, size_t len) {
  vg_server_t *s = c->srv;
  vg_out_t *o;
  if (c->closing || (o = malloc(sizeof(*o))) == NULL) {
    free(data);
    client_close(c);
    return;
  }
  o->next = NULL;
  o->data = data;
  o->len = len;
  o->off = 0;
  if (c->out_tail)
    c->out_tail->next = o;
  else {
    c->out_head = o;
    c->progress_ms = uv_now(s->loop);
  }
  c->out_tail = o;
  c->out_bytes += len;
  s->st.out_bytes += len;
  if (s->st.out_bytes > s->st.out_peak) s->st.out_peak = s->st.out_bytes;
  client_pump(c);
  sweep_arm(s);
}

static void client_write_cb(uv_write_t *req, int status) {
  vg_client_t *c = req->data;
  vg_server_t *s = c->srv;
  vg_out_t *o = c->out_head;
  c->writing = 0;
  if (status < 0 || c->closing) {
    client_close(c);
    return;
  }
  o->off += c->wr_len;
  c->progress_ms = uv_now(s->loop);
  uv_timer_again(&c->idle); /* taking answers is activity */
  if (o->off == o->len) {
    c->out_head = o->next;
    if (c->out_head == NULL) c->out_tail = NULL;
    c->out_bytes -= o->len;
    s->st.out_bytes -= o->len;
    free(o->data);
    free(o);
    client_serve(c, SIZE_MAX); /* it may have room again */
    srv_released(s);
  }
  client_pump(c);
  client_maybe_finish(c);
}

/* {"ok":false,"id":...,"error":msg}; the id is copied from the request
 * line when it has one. */
static void client_send_error(vg_client_t *c, const char *line, size_t len,
                              const char *msg) {
  vg_jw_t w;
  vg_json_t *req = NULL;
  char perr[8], *text;
  size_t n;
  vg_jw_init(&w);
  vg_jw_obj_begin(&w);
  vg_jw_kbool(&w, "ok", 0);
  if (line && vg_json_parse(line, len, &req, perr, sizeof(perr)) == 0 &&
      vg_json_type(req) == VG_JSON_OBJECT && vg_json_get(req, "id")) {
    vg_jw_key(&w, "id");
    vg_jw_value(&w, vg_json_get(req, "id"));
  }
  vg_json_free(req);
  vg_jw_kstr(&w, "error", msg);
  vg_jw_obj_end(&w);
  text = vg_jw_steal(&w, &n);
  if (text == NULL) {
    client_close(c);
    return;
  }
  text[n] = '\n'; /* the NUL's place */
  client_queue(c, text, n + 1);
}

static const char *handler_error(int err) {
  switch (err) {
  case VG_ELOCKED:
    return "the database is locked by another program; try again in a few "
           "seconds (the service keeps running)";
  case VG_ESTORE:
    return "the database could not be read; try again shortly, and see the "
           "Event Log if it persists";
  default: return "out of memory while building the response";
  }
}

static void client_handle_line(vg_client_t *c, char *line, size_t len) {
  vg_server_t *s = c->srv;
  vg_jw_t w;
  char *text, *t2, msg[200];
  size_t n, cap;
  int err;
  if (!c->peer_known) {
    vg__pipe_peer(&c->pipe, &c->peer);
    c->peer_known = 1;
  }
  vg_jw_init(&w);
  /* Room for an answer as long as the last one up front: a status answer
   * is written without growing the buffer on the way (the writer grows it
   * as usual when it needs more). */
  if (s->hint > 0 && (w.buf = malloc(s->hint)) != NULL) w.cap = s->hint;
  s->handler(s->ud, &c->peer, line, len, &w);
  err = w.err;
  cap = w.cap;
  text = vg_jw_steal(&w, &n);
  if (text != NULL) /* the writer's NUL, the '\n' and a little to grow */
    s->hint = n + 64 <= SRV_HINT_MAX ? n + 64 : 0;
  if (text == NULL) {
    client_send_error(c, line, len, handler_error(err));
    return;
  }
  if (n + 1 > s->lim.response_max) {
    free(text);
    s->st.oversize++;
    snprintf(msg, sizeof(msg),
             "the answer would be %zu bytes, more than the %zu one response "
             "may hold; ask for fewer rows with \"limit\" or a shorter "
             "\"since\"",
             n + 1, s->lim.response_max);
    client_send_error(c, line, len, msg);
    return;
  }
  t2 = text;
  if (n + 1 + 256 < cap) {
    t2 = realloc(text, n + 1); /* drop the writer's spare room */
    if (t2 == NULL) {
      free(text);
      client_send_error(c, line, len, handler_error(VG_ENOMEM));
      return;
    }
  }
  t2[n] = '\n';
  client_queue(c, t2, n + 1);
}

/* --------------------------------------------------------------- input */

static void client_alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *b);
static void client_read_cb(uv_stream_t *st, ssize_t nread, const uv_buf_t *b);

/* Reads from c only while it may add work: not while it waits for room,
 * has too much queued, or is done. */
static void client_update_reading(vg_client_t *c) {
  const vg_server_t *s = c->srv;
  int want = !c->closing && !c->eof && !c->close_after_write && !c->waiting &&
             c->out_bytes < s->lim.client_queue;
  if (want && !c->reading) {
    if (uv_read_start((uv_stream_t *)&c->pipe, client_alloc_cb,
                      client_read_cb) != 0) {
      client_close(c);
      return;
    }
    c->reading = 1;
  } else if (!want && c->reading) {
    uv_read_stop((uv_stream_t *)&c->pipe);
    c->reading = 0;
  }
}

/* Room for need bytes plus a NUL. 0 or VG_ENOMEM. */
static int client_in_reserve(vg_client_t *c, size_t need) {
  size_t cap = c->in_cap ? c->in_cap : SRV_IN_MIN;
  char *nb;
  if (need + 1 <= c->in_cap) return 0;
  while (cap < need + 1)
    cap *= 2;
  if (cap > SRV_IN_MAX + 1) cap = SRV_IN_MAX + 1;
  if (cap < need + 1) return VG_ENOMEM;
  nb = realloc(c->in, cap);
  if (nb == NULL) return VG_ENOMEM;
  in_account(c->srv, c->in_cap, cap);
  c->in = nb;
  c->in_cap = cap;
  return 0;
}

/* Drops the first used bytes; gives memory back after a burst. */
static void client_in_consume(vg_client_t *c, size_t used) {
  size_t cap;
  char *nb;
  if (used > 0) {
    memmove(c->in, c->in + used, c->in_len - used);
    c->in_len -= used;
  }
  if (c->in_len == 0) {
    in_account(c->srv, c->in_cap, 0);
    free(c->in);
    c->in = NULL;
    c->in_cap = 0;
    return;
  }
  if (c->in_cap <= SRV_IN_MIN || c->in_len + 1 > c->in_cap / 4) return;
  for (cap = SRV_IN_MIN; cap < c->in_len + 1; cap *= 2) {
  }
  nb = realloc(c->in, cap);
  if (nb == NULL) return;
  in_account(c->srv, c->in_cap, cap);
  c->in = nb;
  c->in_cap = cap;
}

static void client_refuse_long(vg_client_t *c) {
  char msg[128];
  snprintf(msg, sizeof(msg),
           "request larger than %d bytes; send one JSON object per line",
           VG_REQUEST_MAX);
  client_send_error(c, NULL, 0, msg);
  c->close_after_write = 1;
}

/* Answers up to max_lines complete requests buffered for c, in order,
 * while it may be served. Blank lines are skipped and are not activity.
 * At end-of-file a last line without '\n' counts. */
static void client_serve(vg_client_t *c, size_t max_lines) {
  size_t pos = 0, served = 0;
  int pending = 0;
  while (!c->closing && !c->close_after_write && pos < c->in_len) {
    char *line = c->in + pos, *nl;
    size_t avail = c->in_len - pos, len, used;
    nl = memchr(line, '\n', avail);
    if (nl) {
      len = (size_t)(nl - line);
      used = len + 1;
    } else if (c->eof) {
      len = used = avail;
    } else {
      if (avail > VG_REQUEST_MAX) {
        client_refuse_long(c);
        pos = c->in_len;
      }
      break;
    }
    if (len > 0 && line[len - 1] == '\r') len--;
    if (len > VG_REQUEST_MAX) {
      client_refuse_long(c);
      pos = c->in_len;
      break;
    }
    if (len > 0) {
      if (served == max_lines || !client_may_serve(c)) {
        pending = 1;
        break;
      }
      line[len] = '\0'; /* in_cap keeps room for it at the end */
      uv_timer_again(&c->idle);
      client_handle_line(c, line, len);
      served++;
    }
    pos += used;
  }
  if (c->closing) return;
  client_in_consume(c, pos);
  set_waiting(c, pending && !c->close_after_write);
  if (c->waiting) sweep_arm(c->srv);
  client_update_reading(c);
  client_maybe_finish(c);
}

/* Every read lands in the server's one slab; only what is left unserved
 * is copied into the client's own buffer. */
static void client_alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *b) {
  vg_client_t *c = h->data;
  size_t room = c->in_len < SRV_IN_MAX ? SRV_IN_MAX - c->in_len : 0;
  (void)suggested;
  if (room > SRV_CHUNK) room = SRV_CHUNK;
  *b = uv_buf_init(room ? c->srv->slab : NULL, (unsigned)room);
}

static void client_read_cb(uv_stream_t *st, ssize_t nread, const uv_buf_t *b) {
  vg_client_t *c = st->data;
  if (c->closing) return;
  if (nread == UV_EOF) {
    /* Half-closed: answer what was asked, then close. */
    uv_read_stop(st);
    c->reading = 0;
    c->eof = 1;
    client_serve(c, SIZE_MAX);
    return;
  }
  if (nread < 0) {
    client_close(c);
    return;
  }
  if (nread == 0) return;
  if (client_in_reserve(c, c->in_len + (size_t)nread) != 0) {
    client_close(c);
    return;
  }
  memcpy(c->in + c->in_len, b->base, (size_t)nread);
  c->in_len += (size_t)nread;
  client_serve(c, SIZE_MAX);
}

/* ------------------------------------------------------ waiting, sweep */

static void kick_cb(uv_timer_t *t) {
  vg_server_t *s = t->data;
  vg_client_t *c;
  int again = 0;
  /* One request per waiting client per pass: round robin. */
  for (c = s->clients; c; c = c->next)
    if (c->waiting && !c->closing) client_serve(c, 1);
  for (c = s->clients; c && !again; c = c->next)
    again = c->waiting && !c->closing && client_may_serve(c);
  if (again && !s->closing) uv_timer_start(&s->kick, kick_cb, 0, 0);
}

/* Memory went back: clients waiting for room may go on. */
static void srv_released(vg_server_t *s) {
  if (s->closing || !s->timers || s->nwaiting == 0) return;
  if (!uv_is_active((uv_handle_t *)&s->kick))
    uv_timer_start(&s->kick, kick_cb, 0, 0);
}

/* Over the budget with someone waiting: the largest queues that have not
 * moved for stall_ms go, until the rest fits. */
static void sweep_cb(uv_timer_t *t) {
  vg_server_t *s = t->data;
  uint64_t now = uv_now(s->loop);
  size_t held = s->st.out_bytes;
  if (held < s->lim.output_budget || s->nwaiting == 0) {
    uv_timer_stop(&s->sweep);
    return;
  }
  while (held >= s->lim.output_budget) {
    vg_client_t *c, *worst = NULL;
    for (c = s->clients; c; c = c->next)
      if (!c->closing && c->out_bytes > 0 &&
          now - c->progress_ms >= s->lim.stall_ms &&
          (worst == NULL || c->out_bytes > worst->out_bytes))
        worst = c;
    if (worst == NULL) break;
    held -= worst->out_bytes;
    s->st.stalled_closed++;
    client_close(worst);
  }
}

/* ------------------------------------------------------------- accept */

static void client_refuse(vg_client_t *c, const char *msg) {
  client_send_error(c, NULL, 0, msg);
  c->close_after_write = 1;
}

static void server_connection_cb(vg__listener_t *l, void *ud) {
  vg_server_t *s = ud;
  vg_client_t *c, *o;
  size_t mine = 0;
  char msg[160];
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
  vg__pipe_identity(&c->pipe, &c->peer);
  uv_timer_start(&c->idle, client_idle_cb, s->lim.idle_ms, s->lim.idle_ms);
  for (o = s->clients; o; o = o->next)
    if (o->counted && strcmp(o->peer.user, c->peer.user) == 0) mine++;
  if (s->ncounted >= s->lim.max_clients) {
    s->st.refused_full++;
    client_refuse(c, "too many clients connected; try again shortly");
    return;
  }
  if (mine >= s->lim.max_per_user) {
    s->st.refused_user++;
    snprintf(msg, sizeof(msg),
             "too many connections from your account (%zu); close some and "
             "try again",
             mine);
    client_refuse(c, msg);
    return;
  }
  c->counted = 1;
  s->ncounted++;
  client_update_reading(c);
}

/* ---------------------------------------------------------- lifecycle */

void vg_server_limits_default(vg_server_limits_t *l) {
  l->max_clients = VG_SERVER_MAX_CLIENTS;
  l->max_per_user = VG_SERVER_MAX_PER_USER;
  l->output_budget = VG_SERVER_OUTPUT_BUDGET;
  l->client_queue = VG_CLIENT_QUEUE_SOFT;
  l->response_max = VG_RESPONSE_MAX_BYTES;
  l->idle_ms = VG_CLIENT_IDLE_MS;
  l->stall_ms = VG_CLIENT_STALL_MS;
}

void vg_server_set_limits(vg_server_t *s, const vg_server_limits_t *l) {
  s->lim = *l;
}

int vg_server_start(vg_server_t **out, uv_loop_t *loop, const char *name,
                    vg_server_handler h, void *ud, char *err, size_t errsz) {
  vg_server_t *s = calloc(1, sizeof(*s));
  int rc;
  *out = NULL;
  if (s == NULL || (s->slab = malloc(SRV_CHUNK)) == NULL) {
    free(s);
    snprintf(err, errsz, "out of memory");
    return VG_ENOMEM;
  }
  s->loop = loop;
  s->handler = h;
  s->ud = ud;
  vg_server_limits_default(&s->lim);
  rc = vg__pipe_listen(loop, name, server_connection_cb, s, &s->listener, err,
                       errsz);
  if (rc != 0) {
    free(s->slab);
    free(s);
    return rc;
  }
  uv_timer_init(loop, &s->kick);
  uv_timer_init(loop, &s->sweep);
  s->kick.data = s;
  s->sweep.data = s;
  s->timers = 1;
  *out = s;
  return 0;
}

static void listener_closed_cb(void *ud) {
  vg_server_t *s = ud;
  s->listener = NULL;
  s->pending_closes--;
  server_maybe_done(s);
}

static void timer_closed_cb(uv_handle_t *h) {
  vg_server_t *s = h->data;
  s->pending_closes--;
  server_maybe_done(s);
}

void vg_server_close(vg_server_t *s, void (*done)(void *ud), void *ud) {
  vg_client_t *c;
  if (s == NULL || s->closing) return;
  s->closing = 1;
  s->done = done;
  s->done_ud = ud;
  s->pending_closes = 3;
  vg__pipe_close(s->listener, listener_closed_cb, s);
  uv_close((uv_handle_t *)&s->kick, timer_closed_cb);
  uv_close((uv_handle_t *)&s->sweep, timer_closed_cb);
  for (c = s->clients; c; c = c->next)
    client_close(c);
}

size_t vg_server_clients(const vg_server_t *s) { return s->nclients; }

void vg_server_stats(const vg_server_t *s, vg_server_stats_t *out) {
  *out = s->st;
  out->clients = s->nclients;
}
