/* test_protocol.c: the query server end to end - real agent, real pipe
 * (Unix socket natively, named pipe under Wine): requests, errors, limits,
 * many concurrent and misbehaving clients. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "agent_harness.h"
#include "protocol.h"
#include "client.h"
#include "json.h"
#include "pipe_kit.h"
#include "server.h"
#include "vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static harness_t H;

static int group_setup(void **st) {
  char ini[800];
  (void)st;
  /* scratch.space measures the temp folder every 100 ms; no MARS here. */
  snprintf(ini, sizeof(ini),
           "[scratch.space]\npath = .\ninterval = 100ms\nbackup_bytes = 1K\n"
           "[mars.install]\nrequired = false\n"
           /* a bare Wine prefix has no .NET 4.x and says NT 6.1 */
           "[dotnet.version]\nenabled = false\n"
           "[tls.config]\nenabled = false\n"
           /* no shadow storage WMI class nor iSCSI device under Wine */
           "[vss.storage]\nenabled = false\n"
           "[iscsi.initiator]\nenabled = false\n"
           /* the network probes' endpoints are on the Internet */
           "[net.proxy]\nenabled = false\n[net.reach]\nenabled = false\n"
           "[clock.skew]\nenabled = false\n");
  return harness_start(&H, ini);
}

static int group_teardown(void **st) {
  (void)st;
  assert_int_equal(harness_stop(&H), 0); /* uv_loop_close() == 0 */
  harness_cleanup(&H);
  return 0;
}

static int is_ok(const vg_json_t *doc) {
  int b = 0;
  vg_json_bool(vg_json_get(doc, "ok"), &b);
  return b;
}

static void expect_error(const char *req, const char *needle) {
  vg_json_t *doc = pc_ask(H.pipe, req);
  const char *e = vg_json_get_str(doc, "error");
  assert_false(is_ok(doc));
  assert_non_null(e);
  if (strstr(e, needle) == NULL) fprintf(stderr, "error was: %s\n", e);
  assert_non_null(strstr(e, needle));
  vg_json_free(doc);
}

static void status_follows_interface(void **st) {
  vg_json_t *doc;
  const vg_json_t *p;
  int tries;
  (void)st;
  for (tries = 0; tries < 100; tries++) {
    doc = pc_ask(H.pipe, "{\"cmd\":\"status\",\"id\":7}");
    p = vg_json_at(vg_json_get(doc, "probes"), 0);
    if (strcmp(vg_json_get_str(p, "status"), "unknown") != 0) break;
    vg_json_free(doc);
    uv_sleep(50);
  }
  assert_true(is_ok(doc));
  assert_non_null(vg_json_get_str(doc, "host"));
  assert_non_null(vg_json_get_str(doc, "generated_at"));
  assert_string_equal(vg_json_get_str(doc, "overall"), "ok");
  assert_string_equal(vg_json_get_str(p, "id"), "scratch.space");
  assert_string_equal(vg_json_get_str(p, "status"), "ok");
  assert_non_null(vg_json_get_str(p, "summary"));
  assert_non_null(vg_json_get_str(p, "since"));
  assert_non_null(vg_json_get_str(p, "checked_at"));
  assert_int_equal(vg_json_type(vg_json_get(p, "predicts")), VG_JSON_ARRAY);
  assert_non_null(vg_json_get_str(p, "remedy"));
  assert_int_equal(
      vg_json_type(vg_json_get(vg_json_get(p, "facts"), "free_bytes")),
      VG_JSON_NUMBER);
  {
    int64_t id;
    assert_int_equal(vg_json_int(vg_json_get(doc, "id"), &id), 0);
    assert_int_equal(id, 7);
  }
  vg_json_free(doc);
}

static void other_commands(void **st) {
  vg_json_t *doc;
  (void)st;
  doc = pc_ask(H.pipe, "{\"cmd\":\"version\"}");
  assert_true(is_ok(doc));
  assert_string_equal(vg_json_get_str(doc, "version"), VG_VERSION);
  vg_json_free(doc);
  doc = pc_ask(H.pipe, "{\"cmd\":\"run\",\"probes\":[\"scratch.space\"]}");
  assert_true(is_ok(doc));
  assert_int_equal(vg_json_len(vg_json_get(doc, "scheduled")), 1);
  {
    /* The "checks" count the probe's status reaches once the collection
     * asked for is done: more than it showed before the request. */
    int64_t want = 0, got = 0;
    vg_json_t *stat;
    size_t k;
    assert_int_equal(
        vg_json_int(vg_json_get(vg_json_get(doc, "checks"), "scratch.space"),
                    &want),
        0);
    assert_true(want >= 2); /* the first collection ran at start */
    for (k = 0; k < 100 && got < want; k++) {
      const vg_json_t *ps;
      size_t i;
      uv_sleep(20);
      stat = pc_ask(H.pipe, "{\"cmd\":\"status\"}");
      ps = vg_json_get(stat, "probes");
      for (i = 0; i < vg_json_len(ps); i++)
        if (strcmp(vg_json_get_str(vg_json_at(ps, i), "id"),
                   "scratch.space") == 0)
          assert_int_equal(
              vg_json_int(vg_json_get(vg_json_at(ps, i), "checks"), &got), 0);
      vg_json_free(stat);
    }
    assert_int_equal(got, want);
  }
  vg_json_free(doc);
  uv_sleep(300);
  doc = pc_ask(H.pipe,
               "{\"cmd\":\"history\",\"probe\":\"scratch.space\",\"since\":"
               "\"1h\",\"limit\":2}");
  assert_true(is_ok(doc));
  assert_int_equal(vg_json_len(vg_json_get(doc, "samples")), 2);
  vg_json_free(doc);
  doc =
      pc_ask(H.pipe, "{\"cmd\":\"events\",\"since\":\"2000-01-01T00:00:00Z\"}");
  assert_true(is_ok(doc));
  assert_true(vg_json_len(vg_json_get(doc, "events")) >= 1);
  {
    /* Other probes' first evaluations are events too: find ours. */
    const vg_json_t *evs = vg_json_get(doc, "events");
    size_t i, found = 0;
    for (i = 0; i < vg_json_len(evs); i++)
      found += vg_json_get_str(vg_json_at(evs, i), "probe") &&
               strcmp(vg_json_get_str(vg_json_at(evs, i), "probe"),
                      "scratch.space") == 0;
    assert_true(found >= 1);
  }
  vg_json_free(doc);
}

static void bad_requests_get_clear_errors(void **st) {
  (void)st;
  expect_error("{\"cmd\":\"status\"", "not valid JSON");
  expect_error("not json at all", "not valid JSON");
  expect_error("[1,2,3]", "must be a JSON object");
  expect_error("{\"command\":\"status\"}", "no \"cmd\"");
  expect_error("{\"cmd\":\"reboot\"}", "unknown command 'reboot'");
  expect_error("{\"cmd\":\"history\"}", "needs \"probe\"");
  expect_error("{\"cmd\":\"history\",\"probe\":\"nope\"}",
               "unknown probe 'nope'");
  expect_error("{\"cmd\":\"events\",\"since\":\"yesterday\"}",
               "'since' value 'yesterday'");
  expect_error("{\"cmd\":\"events\",\"limit\":0}", "'limit'");
  expect_error("{\"cmd\":\"run\",\"probes\":[\"nope\"]}", "unknown probe");
  expect_error("{\"cmd\":\"run\",\"probes\":\"scratch.space\"}",
               "must be an array");
}

/* ---------------------------------------------- raw clients on a loop */

/* Runs n raw clients, each sending payload, until all are closed (60 s at
 * most); the caller frees the array. */
static pc_client_t *raw_clients(int n, const char *payload, size_t len,
                                int close_after_write, int want_lines) {
  pc_client_t *rs = calloc((size_t)n, sizeof(pc_client_t));
  int i;
  assert_non_null(rs);
  for (i = 0; i < n; i++) {
    rs[i].payload = payload;
    rs[i].plen = len;
    rs[i].close_after_write = close_after_write;
    rs[i].want_lines = want_lines;
  }
  pc_run(rs, n, H.pipe, 60000);
  return rs;
}

static void two_hundred_concurrent_clients(void **st) {
  const char req[] = "{\"cmd\":\"status\"}\n";
  pc_client_t *rs = raw_clients(200, req, sizeof(req) - 1, 0, 1);
  int i, ok = 0;
  (void)st;
  for (i = 0; i < 200; i++)
    if (rs[i].connected && rs[i].lines == 1 &&
        strstr(rs[i].in, "\"ok\":true") && strstr(rs[i].in, "scratch.space"))
      ok++;
  free(rs);
  assert_int_equal(ok, 200);
}

static void pipelined_requests_answered_in_order(void **st) {
  const char req[] = "{\"cmd\":\"version\",\"id\":1}\n\r\n"
                     "{\"cmd\":\"version\",\"id\":2}\r\n"
                     "{\"cmd\":\"version\",\"id\":3}\n";
  pc_client_t *rs = raw_clients(1, req, sizeof(req) - 1, 0, 3);
  char *a, *b, *c;
  (void)st;
  assert_int_equal(rs[0].lines, 3);
  a = strstr(rs[0].in, "\"id\":1");
  b = strstr(rs[0].in, "\"id\":2");
  c = strstr(rs[0].in, "\"id\":3");
  assert_true(a && b && c && a < b && b < c);
  free(rs);
}

static void oversized_request_is_refused(void **st) {
  size_t n = VG_REQUEST_MAX + 5000;
  char *big = malloc(n);
  pc_client_t *rs;
  (void)st;
  assert_non_null(big);
  memset(big, ' ', n); /* no newline at all */
  big[0] = '{';
  rs = raw_clients(1, big, n, 0, 0);
  assert_true(rs[0].eof); /* the server closed the connection */
  assert_non_null(strstr(rs[0].in, "larger than 65536 bytes"));
  free(rs);
  /* A 64 KiB line followed by newline is also refused. */
  memset(big, 'x', n);
  big[n - 1] = '\n';
  rs = raw_clients(1, big, n, 0, 0);
  assert_non_null(strstr(rs[0].in, "larger than 65536 bytes"));
  free(rs);
  free(big);
  status_follows_interface(st); /* still serving */
}

static void clients_vanishing_mid_response(void **st) {
  /* 50 clients each queue 20 status requests and hang up without reading
   * a byte: the server must drop them and keep serving. */
  static char req[20 * 20];
  size_t i;
  pc_client_t *rs;
  (void)st;
  for (i = 0; i < 20; i++)
    memcpy(req + i * 18, "{\"cmd\":\"status\"}\n", 18);
  rs = raw_clients(50, req, 20 * 18, 1, 0);
  free(rs);
  status_follows_interface(st);
}

static void unprivileged_peer_cannot_run(void **st) {
  vg_jw_t w;
  vg_peer_t peer = {0};
  char *text;
  (void)st;
  /* The handler is loop-thread code; calling it while the loop thread is
   * blocked in a poll is safe for 'run' only because it touches nothing
   * else when refusing. */
  vg_jw_init(&w);
  vg_protocol_handle(vg_daemon_query(H.daemon), &peer, "{\"cmd\":\"run\"}", 13,
                     &w);
  text = vg_jw_steal(&w, NULL);
  assert_non_null(text);
  assert_non_null(strstr(text, "requires Administrators"));
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(status_follows_interface),
      cmocka_unit_test(other_commands),
      cmocka_unit_test(bad_requests_get_clear_errors),
      cmocka_unit_test(two_hundred_concurrent_clients),
      cmocka_unit_test(pipelined_requests_answered_in_order),
      cmocka_unit_test(oversized_request_is_refused),
      cmocka_unit_test(clients_vanishing_mid_response),
      cmocka_unit_test(unprivileged_peer_cannot_run),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
