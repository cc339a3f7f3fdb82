/* bench_load.c: the load generator of bench/footprint.sh - starts a
 * daemon and times its start-up, then sends it queries over its Unix socket
 * (Vigil's newline JSON or collectd's unixsock text) one at a time or from
 * many clients at once. Prints key=value lines; never judges the numbers.
 *
 *   bench_load launch  PROTO SOCK OUT TIMEOUT_S -- CMD [ARG..]
 *   bench_load query   PROTO SOCK [REQUEST]
 *   bench_load latency PROTO SOCK N [REQUEST]
 *   bench_load burst   PROTO SOCK CLIENTS SECONDS [REQUEST]
 *
 * PROTO is "vigil" (default request {"cmd":"status"}) or "collectd"
 * (default request LISTVAL). POSIX only (Linux: the daemons run here). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ANSWER_MAX (64u << 20) /* a status answer is tens of KiB */
#define LAT_PER_THREAD 200000

typedef enum { PROTO_VIGIL, PROTO_COLLECTD } proto_t;

typedef struct {
  proto_t proto;
  const char *sock;
  char req[1024]; /* with its newline */
} target_t;

typedef struct {
  char *buf;
  size_t len, cap;
} answer_t;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ns(uint64_t ns) {
  struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

static int target_init(target_t *t, const char *proto, const char *sock,
                       const char *req) {
  if (strcmp(proto, "vigil") == 0)
    t->proto = PROTO_VIGIL;
  else if (strcmp(proto, "collectd") == 0)
    t->proto = PROTO_COLLECTD;
  else {
    fprintf(stderr, "bench_load: protocol '%s': use vigil or collectd\n",
            proto);
    return -1;
  }
  if (req == NULL)
    req = t->proto == PROTO_VIGIL ? "{\"cmd\":\"status\"}" : "LISTVAL";
  if (strlen(sock) >= sizeof(((struct sockaddr_un *)0)->sun_path) ||
      strlen(req) + 2 > sizeof(t->req)) {
    fprintf(stderr, "bench_load: socket path or request too long\n");
    return -1;
  }
  t->sock = sock;
  snprintf(t->req, sizeof(t->req), "%s\n", req);
  return 0;
}

static int sock_connect(const char *path) {
  struct sockaddr_un sa;
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  memset(&sa, 0, sizeof(sa));
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, path, strlen(path) + 1);
  if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* 1 once buf holds a whole answer: Vigil's is one line; collectd's is a
 * line "N Values found" (or "-1 error") and N more lines. */
static int answer_complete(proto_t proto, const answer_t *a) {
  const char *nl = memchr(a->buf, '\n', a->len);
  long n, lines = 0;
  size_t i;
  if (nl == NULL) return 0;
  if (proto == PROTO_VIGIL) return 1;
  n = strtol(a->buf, NULL, 10);
  if (n <= 0) return 1;
  for (i = 0; i < a->len; i++)
    if (a->buf[i] == '\n') lines++;
  return lines >= n + 1;
}

/* One query on a new connection. Returns 0 with the answer in a (its buf
 * reused across calls, NUL-terminated), -1 when the socket does not
 * answer. */
static int query_once(const target_t *t, answer_t *a) {
  int fd = sock_connect(t->sock);
  if (fd < 0) return -1;
  a->len = 0;
  if (write_all(fd, t->req, strlen(t->req)) != 0) {
    close(fd);
    return -1;
  }
  for (;;) {
    ssize_t r;
    if (a->cap - a->len < 4097) {
      size_t cap = a->cap ? a->cap * 2 : 65536;
      char *nb;
      if (cap > ANSWER_MAX || (nb = realloc(a->buf, cap)) == NULL) break;
      a->buf = nb;
      a->cap = cap;
    }
    r = recv(fd, a->buf + a->len, a->cap - a->len - 1, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    a->len += (size_t)r;
    a->buf[a->len] = '\0';
    if (answer_complete(t->proto, a)) {
      close(fd);
      return 0;
    }
  }
  close(fd);
  return -1;
}

/* 1 when the answer is an error (Vigil "ok":false, collectd a negative
 * count). */
static int answer_error(proto_t proto, const answer_t *a) {
  if (proto == PROTO_COLLECTD) return strtol(a->buf, NULL, 10) < 0;
  return strstr(a->buf, "\"ok\":false") != NULL &&
         (size_t)(strstr(a->buf, "\"ok\":false") - a->buf) < 256;
}

/* 1 when the answer carries a measured value for everything: Vigil's
 * status has probes and none with "checked_at":null; collectd's LISTVAL
 * lists at least one value. */
static int answer_measured(proto_t proto, const answer_t *a) {
  if (answer_error(proto, a)) return 0;
  if (proto == PROTO_COLLECTD) return strtol(a->buf, NULL, 10) > 0;
  return strstr(a->buf, "\"probes\":[{") != NULL &&
         strstr(a->buf, "\"checked_at\":null") == NULL &&
         strstr(a->buf, "\"checked_at\": null") == NULL;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static double pct_ms(const uint64_t *sorted, size_t n, double p) {
  size_t i;
  if (n == 0) return 0;
  i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
  return (double)sorted[i] / 1e6;
}

/* ------------------------------------------------------------ launch */

static volatile pid_t launch_child = 0;

static void launch_forward(int sig) {
  if (launch_child > 0) kill(launch_child, sig);
}

/* Starts CMD, writes OUT.pid at once, polls the socket every 0.5 ms and
 * writes OUT: socket_ms (first answer of any kind) and first_ms (first
 * answer with every value measured), "timeout" past TIMEOUT_S. Then waits
 * for CMD (the caller stops it by its pid) and exits with its status. */
static int cmd_launch(const target_t *t, const char *out, double timeout_s,
                      char **argv) {
  char path[4096];
  answer_t a = {0};
  uint64_t t0, deadline, sock_ns = 0, first_ns = 0;
  FILE *f;
  int st = 0;
  pid_t pid;
  t0 = now_ns();
  pid = fork();
  if (pid < 0) return perror("bench_load: fork"), 1;
  if (pid == 0) {
    execvp(argv[0], argv);
    fprintf(stderr, "bench_load: cannot run %s: %s\n", argv[0],
            strerror(errno));
    _exit(127);
  }
  launch_child = pid;
  signal(SIGTERM, launch_forward);
  signal(SIGINT, launch_forward);
  snprintf(path, sizeof(path), "%s.pid", out);
  if ((f = fopen(path, "w")) != NULL) {
    fprintf(f, "%ld\n", (long)pid);
    fclose(f);
  }
  deadline = t0 + (uint64_t)(timeout_s * 1e9);
  while (now_ns() < deadline) {
    if (waitpid(pid, &st, WNOHANG) == pid) {
      pid = 0;
      break;
    }
    if (query_once(t, &a) == 0) {
      uint64_t dt = now_ns() - t0;
      if (sock_ns == 0) sock_ns = dt;
      if (answer_measured(t->proto, &a)) {
        first_ns = dt;
        break;
      }
    }
    sleep_ns(500000);
  }
  free(a.buf);
  if ((f = fopen(out, "w")) != NULL) {
    if (sock_ns)
      fprintf(f, "socket_ms=%.2f\n", (double)sock_ns / 1e6);
    else
      fprintf(f, "socket_ms=timeout\n");
    if (first_ns)
      fprintf(f, "first_ms=%.2f\n", (double)first_ns / 1e6);
    else
      fprintf(f, "first_ms=timeout\n");
    fprintf(f, "exited=%d\n", pid == 0);
    fclose(f);
  }
  if (pid == 0) return 1;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ------------------------------------------------------------ latency */

/* N queries one after the other, each on a new connection. */
static int cmd_latency(const target_t *t, long n) {
  uint64_t *lat = calloc((size_t)n, sizeof(*lat));
  answer_t a = {0};
  size_t ok = 0, errs = 0, bytes = 0;
  long i;
  uint64_t sum = 0;
  if (lat == NULL) return 1;
  for (i = 0; i < n; i++) {
    uint64_t s = now_ns();
    if (query_once(t, &a) != 0 || answer_error(t->proto, &a)) {
      errs++;
      continue;
    }
    lat[ok] = now_ns() - s;
    sum += lat[ok++];
    bytes = a.len;
  }
  qsort(lat, ok, sizeof(*lat), cmp_u64);
  printf("queries=%zu\nerrors=%zu\nanswer_bytes=%zu\n", ok, errs, bytes);
  printf("p50_ms=%.4f\np90_ms=%.4f\np99_ms=%.4f\nmax_ms=%.4f\n",
         pct_ms(lat, ok, 50), pct_ms(lat, ok, 90), pct_ms(lat, ok, 99),
         ok ? (double)lat[ok - 1] / 1e6 : 0);
  printf("mean_ms=%.4f\n", ok ? (double)sum / (double)ok / 1e6 : 0);
  free(lat);
  free(a.buf);
  return ok ? 0 : 1;
}

/* ------------------------------------------------------------ burst */

typedef struct {
  const target_t *t;
  uint64_t start, deadline;
  uint64_t *lat;
  size_t nlat, ok, errs;
  pthread_barrier_t *go;
} burst_t;

static void *burst_thread(void *arg) {
  burst_t *b = arg;
  answer_t a = {0};
  pthread_barrier_wait(b->go);
  while (now_ns() < b->deadline) {
    uint64_t s = now_ns();
    if (query_once(b->t, &a) != 0 || answer_error(b->t->proto, &a)) {
      b->errs++;
      sleep_ns(1000000); /* refused: do not spin */
      continue;
    }
    if (b->nlat < LAT_PER_THREAD) b->lat[b->nlat++] = now_ns() - s;
    b->ok++;
  }
  free(a.buf);
  return NULL;
}

/* CLIENTS threads, each querying on new connections back to back for
 * SECONDS. */
static int cmd_burst(const target_t *t, long clients, double seconds) {
  burst_t *b = calloc((size_t)clients, sizeof(*b));
  pthread_t *th = calloc((size_t)clients, sizeof(*th));
  pthread_barrier_t go;
  uint64_t *all, t0;
  size_t ok = 0, errs = 0, nall = 0, k;
  long i;
  double took;
  if (b == NULL || th == NULL) return 1;
  pthread_barrier_init(&go, NULL, (unsigned)clients + 1);
  for (i = 0; i < clients; i++) {
    b[i].t = t;
    b[i].go = &go;
    b[i].lat = malloc(LAT_PER_THREAD * sizeof(uint64_t));
    if (b[i].lat == NULL ||
        pthread_create(&th[i], NULL, burst_thread, &b[i]) != 0) {
      fprintf(stderr, "bench_load: cannot start client %ld\n", i);
      return 1;
    }
  }
  t0 = now_ns();
  for (i = 0; i < clients; i++)
    b[i].deadline = t0 + (uint64_t)(seconds * 1e9);
  pthread_barrier_wait(&go);
  for (i = 0; i < clients; i++) {
    pthread_join(th[i], NULL);
    ok += b[i].ok;
    errs += b[i].errs;
    nall += b[i].nlat;
  }
  took = (double)(now_ns() - t0) / 1e9;
  all = malloc((nall ? nall : 1) * sizeof(*all));
  if (all == NULL) return 1;
  for (i = 0, k = 0; i < clients; i++) {
    memcpy(all + k, b[i].lat, b[i].nlat * sizeof(*all));
    k += b[i].nlat;
    free(b[i].lat);
  }
  qsort(all, nall, sizeof(*all), cmp_u64);
  printf("clients=%ld\nseconds=%.2f\nrequests=%zu\nerrors=%zu\n", clients, took,
         ok, errs);
  printf("rps=%.0f\np50_ms=%.4f\np99_ms=%.4f\n", (double)ok / took,
         pct_ms(all, nall, 50), pct_ms(all, nall, 99));
  pthread_barrier_destroy(&go);
  free(all);
  free(b);
  free(th);
  return ok ? 0 : 1;
}

static int usage(void) {
  fprintf(stderr,
          "usage: bench_load launch  PROTO SOCK OUT TIMEOUT_S -- CMD..\n"
          "       bench_load query   PROTO SOCK [REQUEST]\n"
          "       bench_load latency PROTO SOCK N [REQUEST]\n"
          "       bench_load burst   PROTO SOCK CLIENTS SECONDS "
          "[REQUEST]\n"
          "PROTO: vigil or collectd\n");
  return 2;
}

int main(int argc, char **argv) {
  target_t t;
  if (argc < 4) return usage();
  if (strcmp(argv[1], "launch") == 0) {
    if (argc < 8 || strcmp(argv[6], "--") != 0) return usage();
    if (target_init(&t, argv[2], argv[3], NULL)) return 2;
    return cmd_launch(&t, argv[4], atof(argv[5]), argv + 7);
  }
  if (strcmp(argv[1], "query") == 0) {
    answer_t a = {0};
    int rc;
    if (target_init(&t, argv[2], argv[3], argc > 4 ? argv[4] : NULL)) return 2;
    rc = query_once(&t, &a);
    if (rc == 0) fwrite(a.buf, 1, a.len, stdout);
    free(a.buf);
    return rc ? 1 : 0;
  }
  if (strcmp(argv[1], "latency") == 0) {
    if (argc < 5 || atol(argv[4]) <= 0) return usage();
    if (target_init(&t, argv[2], argv[3], argc > 5 ? argv[5] : NULL)) return 2;
    return cmd_latency(&t, atol(argv[4]));
  }
  if (strcmp(argv[1], "burst") == 0) {
    if (argc < 6 || atol(argv[4]) <= 0 || atof(argv[5]) <= 0) return usage();
    if (target_init(&t, argv[2], argv[3], argc > 6 ? argv[6] : NULL)) return 2;
    return cmd_burst(&t, atol(argv[4]), atof(argv[5]));
  }
  return usage();
}
