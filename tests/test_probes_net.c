/* test_probes_net.c: net.proxy, net.reach and clock.skew - evaluate against
 * recorded facts (tests/fixtures/<id>/), the URL / proxy list / HTTP Date
 * parsers, the next DST change from recorded zone rules, collect against a
 * fake machine, and collect through this platform's own HTTP client
 * (WinHTTP under Wine, the plain client on POSIX) against servers this
 * test runs on 127.0.0.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "config.h"
#include "fake_os.h"
#include "fixture_runner.h"
#include "probe_kit.h"
#include "net.h"
#include "pipe_kit.h"
#include "probe.h"
#include "timefmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define EP1 "https://www.msftncsi.com/ncsi.txt"
#define EP2 "https://login.microsoftonline.com/"
#define EP3 "https://login.windows.net/"
#define EP4 "https://management.azure.com/"

/* ------------------------------------------------------------- helpers */

/* This file's names for the kit's steps and checks (probe_kit.h). */
#define probe(id) pk_probe(id)
#define set(cfg, section, key, value) pk_set(cfg, section, key, value)
#define has(text, want) pk_has(text, want)

/* ------------------------------------------------------ recorded facts */

static void reach_fixtures(void **st) {
  (void)st;
  assert_true(run_fixtures(probe("net.reach")) >= 16);
}

static void proxy_fixtures(void **st) {
  (void)st;
  assert_true(run_fixtures(probe("net.proxy")) >= 16);
}

static void clock_fixtures(void **st) {
  (void)st;
  assert_true(run_fixtures(probe("clock.skew")) >= 25);
}

/* -------------------------------------------------------------- parsers */

static void url_parser(void **st) {
  vg_net_url_t u;
  char why[120];
  (void)st;
  assert_int_equal(
      vg_net_url_parse(" HTTPS://Login.Windows.NET ", &u, why, sizeof(why)), 0);
  assert_true(u.https);
  assert_string_equal(u.host, "login.windows.net");
  assert_int_equal(u.port, 443);
  assert_string_equal(u.path, "/");
  assert_int_equal(vg_net_url_parse("http://127.0.0.1:8080/a/b?c=d#frag", &u,
                                    why, sizeof(why)),
                   0);
  assert_false(u.https);
  assert_int_equal(u.port, 8080);
  assert_string_equal(u.path, "/a/b?c=d");
  assert_int_equal(vg_net_url_parse("http://[::1]:81?x", &u, why, sizeof(why)),
                   0);
  assert_true(u.ipv6);
  assert_string_equal(u.host, "::1");
  assert_string_equal(u.path, "/?x");
  assert_int_equal(vg_net_url_parse("ftp://x/", &u, why, sizeof(why)),
                   VG_EINVAL);
  assert_string_equal(why, "not an http:// or https:// URL");
  assert_int_equal(vg_net_url_parse("login.windows.net", &u, why, sizeof(why)),
                   VG_EINVAL);
  assert_int_equal(vg_net_url_parse("https://u:p@host/", &u, why, sizeof(why)),
                   VG_EINVAL);
  assert_string_equal(why, "credentials in URLs are not supported");
  assert_int_equal(vg_net_url_parse("https://host:0/", &u, why, sizeof(why)),
                   VG_EINVAL);
  assert_int_equal(
      vg_net_url_parse("https://host:65536/", &u, why, sizeof(why)), VG_EINVAL);
  assert_int_equal(vg_net_url_parse("https://ho st/", &u, why, sizeof(why)),
                   VG_EINVAL);
  assert_int_equal(vg_net_url_parse("https:///x", &u, why, sizeof(why)),
                   VG_EINVAL);
  assert_int_equal(vg_net_url_parse("", &u, why, sizeof(why)), VG_EINVAL);
  assert_int_equal(vg_net_url_parse(NULL, &u, why, sizeof(why)), VG_EINVAL);
}

static void list_split(void **st) {
  char items[3][32];
  (void)st;
  assert_int_equal(vg_net_split(" a , ,b,c,d ", items[0], 32, 3), 4);
  assert_string_equal(items[0], "a");
  assert_string_equal(items[1], "b");
  assert_string_equal(items[2], "c");
  assert_int_equal(vg_net_split("", items[0], 32, 3), 0);
  assert_int_equal(vg_net_split(NULL, items[0], 32, 3), 0);
  assert_int_equal(
      vg_net_split("0123456789012345678901234567890123456789", items[0], 8, 3),
      1);
  assert_string_equal(items[0], "0123456");
}

static void proxy_lists(void **st) {
  char out[128];
  (void)st;
  assert_int_equal(
      vg_net_proxy_for("Proxy.Contoso.com:8080", "https", out, sizeof(out)), 0);
  assert_string_equal(out, "proxy.contoso.com:8080");
  assert_int_equal(
      vg_net_proxy_for("http=a:1;https=b:2", "https", out, sizeof(out)), 0);
  assert_string_equal(out, "b:2");
  assert_int_equal(
      vg_net_proxy_for("http=a:1;https=b:2", "http", out, sizeof(out)), 0);
  assert_string_equal(out, "a:1");
  assert_int_equal(vg_net_proxy_for("http=a:1", "https", out, sizeof(out)),
                   VG_ENOENT);
  assert_int_equal(
      vg_net_proxy_for("ftp=f:21 http://c:3128/", "https", out, sizeof(out)),
      0);
  assert_string_equal(out, "c:3128");
  assert_int_equal(vg_net_proxy_for("proxy", "https", out, sizeof(out)), 0);
  assert_string_equal(out, "proxy:80");
  assert_int_equal(
      vg_net_proxy_for("[fd00::1]:8080", "https", out, sizeof(out)), 0);
  assert_string_equal(out, "[fd00::1]:8080");
  assert_int_equal(vg_net_proxy_for("", "https", out, sizeof(out)), VG_ENOENT);
  assert_int_equal(vg_net_proxy_for("a b:c", "https", out, sizeof(out)), 0);
  assert_int_equal(vg_net_proxy_for("b:c", "https", out, sizeof(out)),
                   VG_EINVAL);
  assert_int_equal(vg_net_proxy_for("https=:8080", "https", out, sizeof(out)),
                   VG_EINVAL);
}

static void bypass_lists(void **st) {
  (void)st;
  assert_true(vg_net_bypassed("<local>;*.contoso.com", "intranet"));
  assert_false(vg_net_bypassed("<local>", "login.windows.net"));
  assert_true(vg_net_bypassed("<local>;*.contoso.com", "Web.CONTOSO.com"));
  assert_true(vg_net_bypassed("*.windows.net, 10.*", "10.1.2.3"));
  assert_true(vg_net_bypassed("login.*.net", "login.windows.net"));
  assert_false(vg_net_bypassed("*.contoso.com", "contoso.com.evil"));
  assert_false(vg_net_bypassed("", "x"));
  assert_false(vg_net_bypassed(NULL, "x"));
}

static void http_dates(void **st) {
  int64_t ms = 0;
  const int64_t want = 784111777000ll; /* 1994-11-06T08:49:37Z */
  const char *imf = "Sun, 06 Nov 1994 08:49:37 GMT";
  const char *rfc850 = "Sunday, 06-Nov-94 08:49:37 GMT";
  const char *asc = "Sun Nov  6 08:49:37 1994";
  (void)st;
  assert_int_equal(vg_net_http_date(imf, strlen(imf), &ms), 0);
  assert_int_equal(ms, want);
  assert_int_equal(vg_net_http_date(rfc850, strlen(rfc850), &ms), 0);
  assert_int_equal(ms, want);
  assert_int_equal(vg_net_http_date(asc, strlen(asc), &ms), 0);
  assert_int_equal(ms, want);
  assert_int_equal(vg_net_http_date("Tue, 29 Feb 2028 23:59:59 GMT", 29, &ms),
                   0);
  assert_int_equal(vg_net_http_date("Thu, 29 Feb 2027 00:00:00 GMT", 29, &ms),
                   VG_EPARSE);
  assert_int_equal(vg_net_http_date("Sun, 06 Nov 1994 24:00:00 GMT", 29, &ms),
                   VG_EPARSE);
  assert_int_equal(vg_net_http_date("Sun, 06 Nov 1994 08:49:37 CET", 29, &ms),
                   VG_EPARSE);
  assert_int_equal(vg_net_http_date("yesterday", 9, &ms), VG_EPARSE);
}

static void http_heads(void **st) {
  const char *ok = "HTTP/1.1 407 Proxy Authentication Required\r\n"
                   "Proxy-Authenticate: Basic\r\n"
                   "date:  Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\nbody";
  int status;
  int64_t date;
  size_t head;
  (void)st;
  assert_int_equal(vg_net_http_head(ok, strlen(ok), &status, &date, &head), 0);
  assert_int_equal(status, 407);
  assert_int_equal(date, 784111777000ll);
  assert_int_equal(head, strlen(ok) - 4);
  assert_int_equal(vg_net_http_head(ok, 20, &status, &date, &head), VG_ENOENT);
  assert_int_equal(
      vg_net_http_head("SSH-2.0-OpenSSH\r\n\r\n", 19, &status, &date, &head),
      VG_EPARSE);
  assert_int_equal(
      vg_net_http_head("HTTP/1.0 200\r\n\r\n", 16, &status, &date, &head), 0);
  assert_int_equal(status, 200);
  assert_int_equal(date, 0);
}

/* ---------------------------------------------------- time zone rules */

static vg_systime_t rel(int month, int week, int dow, int hour) {
  vg_systime_t t = {
      .month = month, .day = week, .day_of_week = dow, .hour = hour};
  return t;
}

/* Windows' rules as recorded: W. Europe (last Sunday of March 02:00 /
 * October 03:00), Eastern (2nd Sunday of March / 1st Sunday of November,
 * 02:00), AUS Eastern (1st Sunday of October 02:00 / April 03:00), China
 * (no DST). Dates are month, week, weekday, hour (rel). */
typedef struct zone_rule_s {
  const char *name;
  int bias, dst_bias;
  int dst[4], std[4];
} zone_rule_t;

static const zone_rule_t zone_rules[] = {
    {"europe", -60, -60, {3, 5, 0, 2}, {10, 5, 0, 3}},
    {"us", 300, -60, {3, 2, 0, 2}, {11, 1, 0, 2}},
    {"aus", -600, -60, {10, 1, 0, 2}, {4, 1, 0, 3}},
    {"china", -480, 0, {0, 0, 0, 0}, {0, 0, 0, 0}}, /* and any other name */
};

/* The rules of zone which (zone_rules) for year and the year after. */
static void zone(vg_time_zone_t *tz, const char *which, int year) {
  const zone_rule_t *z = &zone_rules[VG_ARRAY_SIZE(zone_rules) - 1];
  size_t i;
  int k;
  for (i = 0; i < VG_ARRAY_SIZE(zone_rules); i++)
    if (strcmp(which, zone_rules[i].name) == 0) z = &zone_rules[i];
  memset(tz, 0, sizeof(*tz));
  tz->auto_dst = 1;
  tz->nyears = 2;
  for (k = 0; k < 2; k++) {
    vg_tz_year_t *r = &tz->years[k];
    r->year = year + k;
    r->bias = z->bias;
    r->dst_bias = z->dst_bias;
    r->dst_date = rel(z->dst[0], z->dst[1], z->dst[2], z->dst[3]);
    r->std_date = rel(z->std[0], z->std[1], z->std[2], z->std[3]);
  }
}

static int64_t iso(const char *s) {
  int y, mo, d, h, mi, se;
  assert_int_equal(sscanf(s, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &se),
                   6);
  return (vg_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 +
          mi * 60 + se) *
         1000;
}

static void next_is(const vg_time_zone_t *tz, const char *now, const char *want,
                    int to_dst) {
  int64_t at = 0;
  int dst = -1;
  int32_t shift = 0;
  char a[40];
  assert_int_equal(vg_tz_next_change(tz, iso(now), &at, &dst, &shift), 0);
  if (at != iso(want))
    fail_msg("from %s: next change %s, want %s", now,
             vg_iso8601(at, a, sizeof(a)), want);
  assert_int_equal(dst, to_dst);
  assert_int_equal(shift, 60);
}

/* Where the next change of a zone's rules for a year falls, seen from a
 * given instant (UTC), and whether it goes into daylight saving time. */
typedef struct tz_case_s {
  const char *zone;
  int year;
  const char *now, *want;
  int to_dst;
} tz_case_t;

static const tz_case_t tz_cases[] = {
    /* 2025-03-30 02:00 CET = 01:00Z; the day before, and a second before */
    {"europe", 2025, "2025-03-29T01:00:00", "2025-03-30T01:00:00", 1},
    {"europe", 2025, "2025-03-30T00:59:59", "2025-03-30T01:00:00", 1},
    /* 2025-10-26 03:00 CEST = 01:00Z */
    {"europe", 2025, "2025-03-30T01:00:00", "2025-10-26T01:00:00", 0},
    {"europe", 2025, "2025-10-25T01:00:00", "2025-10-26T01:00:00", 0},
    /* after the last change of the year: next year's rules */
    {"europe", 2025, "2025-11-24T16:00:00", "2026-03-29T01:00:00", 1},
    /* 2025-03-09 02:00 EST = 07:00Z; 2025-11-02 02:00 EDT = 06:00Z */
    {"us", 2025, "2025-03-08T07:00:00", "2025-03-09T07:00:00", 1},
    {"us", 2025, "2025-06-01T00:00:00", "2025-11-02T06:00:00", 0},
    /* 2026: March 8, November 1 */
    {"us", 2026, "2026-01-01T00:00:00", "2026-03-08T07:00:00", 1},
    {"us", 2026, "2026-10-31T06:00:00", "2026-11-01T06:00:00", 0},
    /* southern: 2026-04-05 03:00 AEDT (UTC+11) = 2026-04-04T16:00Z */
    {"aus", 2025, "2025-12-01T00:00:00", "2026-04-04T16:00:00", 0},
    /* 2025-10-05 02:00 AEST (UTC+10) = 2025-10-04T16:00Z */
    {"aus", 2025, "2025-06-01T00:00:00", "2025-10-04T16:00:00", 1},
};

static void tz_next_changes(void **st) {
  size_t i;
  (void)st;
  for (i = 0; i < VG_ARRAY_SIZE(tz_cases); i++) {
    vg_time_zone_t tz;
    zone(&tz, tz_cases[i].zone, tz_cases[i].year);
    next_is(&tz, tz_cases[i].now, tz_cases[i].want, tz_cases[i].to_dst);
  }
}

static void tz_without_dst(void **st) {
  vg_time_zone_t tz;
  int64_t at;
  int dst;
  int32_t shift;
  char buf[16];
  (void)st;
  zone(&tz, "china", 2025);
  assert_int_equal(
      vg_tz_next_change(&tz, iso("2025-06-01T00:00:00"), &at, &dst, &shift),
      VG_ENOENT);
  tz.nyears = 0;
  assert_int_equal(vg_tz_next_change(&tz, 0, &at, &dst, &shift), VG_ENOENT);
  assert_string_equal(vg_tz_offset(-480, buf, sizeof(buf)), "UTC+08:00");
  assert_string_equal(vg_tz_offset(300, buf, sizeof(buf)), "UTC-05:00");
  assert_string_equal(vg_tz_offset(-345, buf, sizeof(buf)), "UTC+05:45");
}

static void tz_bad_rules(void **st) {
  vg_time_zone_t tz;
  int64_t at;
  int dst;
  int32_t shift;
  (void)st;
  zone(&tz, "europe", 2025);
  tz.years[0].std_date.month = 13;
  assert_int_equal(vg_tz_next_change(&tz, 0, &at, &dst, &shift), VG_EINVAL);
  zone(&tz, "europe", 2025);
  tz.years[0].dst_date.day = 6; /* week 6 */
  assert_int_equal(vg_tz_next_change(&tz, 0, &at, &dst, &shift), VG_EINVAL);
  zone(&tz, "europe", 2025);
  tz.years[1].std_date.month = 0; /* one transition only */
  assert_int_equal(vg_tz_next_change(&tz, 0, &at, &dst, &shift), VG_EINVAL);
}

static void tz_year_markers(void **st) {
  vg_time_zone_t tz;
  (void)st;
  /* A year whose DST "starts" Jan 1 00:00 and "ends" Dec 31 23:59 (how
   * Windows writes a year spent all in one offset) has no change. */
  zone(&tz, "europe", 2025);
  tz.years[0].dst_date = rel(1, 1, 3, 0); /* Wed, Jan 1 2025 */
  tz.years[0].std_date = rel(12, 5, 3, 23);
  tz.years[0].std_date.minute = 59;
  next_is(&tz, "2025-06-01T00:00:00", "2026-03-29T01:00:00", 1);
  /* absolute dates (wYear set) */
  zone(&tz, "europe", 2025);
  memset(&tz.years[0].dst_date, 0, sizeof(vg_systime_t));
  tz.years[0].dst_date.year = 2025;
  tz.years[0].dst_date.month = 4;
  tz.years[0].dst_date.day = 6;
  tz.years[0].dst_date.hour = 2;
  next_is(&tz, "2025-03-01T00:00:00", "2025-04-06T01:00:00", 1);
}

/* ---------------------------------------------------------- fake machine */

/* Runs probe id once on os (NULL: this platform) with r's settings,
 * evaluated at now (net.reach and net.proxy do not read it): collect
 * succeeds. Returns the finding. */
static const vg_finding_t *go(pk_run_t *r, const vg_os_t *os, const char *id,
                              int64_t now) {
  r->now = now;
  pk_run(r, os, id);
  assert_int_equal(r->rc, 0);
  return &r->out;
}

/* go, then the finding has status st and a summary with text. */
static void step(pk_run_t *r, const vg_os_t *os, const char *id, int64_t now,
                 vg_status_t st, const char *text) {
  pk_expect(go(r, os, id, now), st, text);
}

/* go on the test's fake machine (pk_machine_test). */
static const vg_finding_t *fake_go(pk_machine_t *m, const char *id,
                                   int64_t now) {
  return go(&m->r, &m->f.os, id, now);
}

/* step on the test's fake machine (pk_machine_test). */
static void fake_step(pk_machine_t *m, const char *id, int64_t now,
                      vg_status_t st, const char *text) {
  step(&m->r, &m->f.os, id, now, st, text);
}

/* The proxy settings each source of the fake holds: a server, "" for
 * direct, NULL to keep the fake's own. */
static void proxies(fake_os_t *f, const char *system, const char *dflt,
                    const char *winhttp) {
  vg_proxy_src_t *src[3];
  const char *server[3];
  int i;
  src[0] = &f->proxy.system, server[0] = system;
  src[1] = &f->proxy.dflt, server[1] = dflt;
  src[2] = &f->proxy.winhttp, server[2] = winhttp;
  for (i = 0; i < 3; i++)
    if (server[i])
      fake_proxy_src(src[i], server[i][0] != '\0', server[i], NULL);
}

static void fake_answers(fake_os_t *f, int status) {
  fake_http(f, EP1, 0, status);
  fake_http(f, EP2, 0, status);
  fake_http(f, EP3, 0, status);
  fake_http(f, EP4, 0, status);
}

static void reach_routes_through_system_proxy(void **st) {
  pk_machine_t *m = *st;
  fake_os_t *f = &m->f;
  proxies(f, "http=h:1;https=p:8080", NULL, NULL);
  vg_strlcpy(f->proxy.system.bypass, "<local>;*.windows.net",
             sizeof(f->proxy.system.bypass));
  fake_answers(f, 200);
  fake_step(m, "net.reach", 0, VG_ST_OK,
            "All 4 endpoints answered through proxy p:8080");
  assert_int_equal(f->http_calls, 4);
  assert_string_equal(f->http_proxy[0], "p:8080");
  assert_string_equal(f->http_proxy[1], "p:8080");
  assert_string_equal(f->http_proxy[2], ""); /* login.windows.net: bypass */
  assert_string_equal(f->http_proxy[3], "p:8080");
  pk_expect_fact(&m->r.facts, "ep3_via", "direct (proxy bypass list)");
  pk_expect_fact(&m->r.facts, "proxy_source",
                 "SYSTEM's WinINet settings (HKU\\S-1-5-18)");
}

static void reach_one_of_three_down(void **st) {
  pk_machine_t *m = *st;
  fake_http(&m->f, EP1, 0, 200);
  fake_http(&m->f, EP2, VG_ENOENT, 0);
  fake_http(&m->f, EP3, 0, 302);
  set(&m->r.cfg, "net.reach", "endpoints", EP1 "," EP2 "," EP3);
  fake_step(m, "net.reach", 0, VG_ST_WARN,
            "1 of 3 endpoints failed directly: "
            "login.microsoftonline.com: name not resolved "
            "(ERROR_WINHTTP_NAME_NOT_RESOLVED)");
  assert_int_equal(vg_facts_bool_or(&m->r.facts, "ep2_dns", 1), 0);
  assert_string_equal(m->r.out.predicts[0], "100050");
}

static void reach_shares_the_deadline(void **st) {
  pk_machine_t *m = *st;
  fake_answers(&m->f, 200);
  set(&m->r.cfg, "net.reach", "deadline", "10s");
  fake_go(m, "net.reach", 0);
  /* budget 8 s; three answers of 120 ms before the last: 7640 ms left */
  assert_int_equal(m->f.http_calls, 4);
  assert_int_equal(m->f.http_timeout, 7640);
  assert_string_equal(m->f.http_method, "GET");
}

static void reach_uses_mars_proxy_and_bounds_the_list(void **st) {
  pk_machine_t *m = *st;
  fake_answers(&m->f, 200);
  set(&m->r.cfg, "net.proxy", "mars_proxy", "http://m:3128");
  set(&m->r.cfg, "net.reach", "endpoints",
      EP1 ", ftp://x/, " EP2 "," EP3 "," EP4 ",https://a/,https://b/,"
          "https://c/");
  /* https://a/ is not answered by the fake: one of five fails */
  fake_step(m, "net.reach", 0, VG_ST_WARN,
            "'ftp://x/' (not an http:// or https:// URL) ignored");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "endpoints", 0), 6);
  assert_int_equal(vg_facts_int_or(&m->r.facts, "endpoints_ignored", 0), 2);
  assert_int_equal(m->f.http_calls, 5); /* ftp:// is not requested */
  assert_string_equal(m->f.http_proxy[0], "m:3128");
  pk_expect_fact(&m->r.facts, "ep2_result", "invalid");
  pk_expect_fact(&m->r.facts, "proxy_source",
                 "MARS setting ([net.proxy] mars_proxy)");
}

static void proxy_disagreement_collected(void **st) {
  pk_machine_t *m = *st;
  fake_os_t *f = &m->f;
  proxies(f, "p:8080", "p:8080", "");
  fake_http(f, EP1, 0, 200);
  fake_step(m, "net.proxy", 0, VG_ST_WARN,
            "proxy p:8080 (from SYSTEM's WinINet settings "
            "(HKU\\S-1-5-18)) accepts connections (HTTP 200)");
  assert_int_equal(f->http_calls, 1);
  assert_string_equal(f->http_proxy[0], "p:8080");
  assert_string_equal(f->http_method, "HEAD");
  has(m->r.out.summary, "the proxy settings disagree: SYSTEM WinINet: proxy "
                        "p:8080; WinHTTP default: direct");
}

static void proxy_tests_the_winhttp_proxy_too(void **st) {
  pk_machine_t *m = *st;
  fake_os_t *f = &m->f;
  proxies(f, NULL, "p:8080", "old:3128");
  fake_http(f, EP1, 0, 200);
  f->http[0].res.status = 200;
  /* the fake answers both: both accept; the sources still disagree */
  fake_step(m, "net.proxy", 0, VG_ST_WARN,
            "proxy old:3128 (from the WinHTTP default proxy) accepts");
  assert_int_equal(f->http_calls, 2);
  assert_string_equal(f->http_proxy[1], "old:3128");
}

static void proxy_refused_and_407(void **st) {
  pk_machine_t *m = *st;
  proxies(&m->f, "p:8080", NULL, "p:8080");
  /* no answer planted: the fake refuses the connection */
  fake_step(m, "net.proxy", 0, VG_ST_CRIT,
            "proxy p:8080 (from SYSTEM's WinINet settings "
            "(HKU\\S-1-5-18)) does not accept a connection: cannot "
            "connect (ERROR_WINHTTP_CANNOT_CONNECT)");
  fake_http(&m->f, EP1, 0, 407);
  fake_step(m, "net.proxy", 0, VG_ST_CRIT,
            "answers 407 Proxy Authentication Required");
  assert_string_equal(m->r.out.predicts[0], "407");
}

static void proxy_direct_makes_no_request(void **st) {
  pk_machine_t *m = *st;
  proxies(&m->f, "", NULL, "");
  fake_step(m, "net.proxy", 0, VG_ST_OK, "MARS goes direct");
  assert_int_equal(m->f.http_calls, 0);
}

static void proxy_unreadable_sources_say_so(void **st) {
  pk_machine_t *m = *st;
  m->f.proxy_rc = VG_EACCES;
  has(fake_go(m, "net.proxy", 0)->summary,
      "proxy settings unreadable: access denied");
}

/* A Date seen by net.reach: its URL, when and how long ago it came, and
 * how far it is off this clock. */
static void last_date(fake_os_t *f, const char *url, int64_t age_ms,
                      int64_t date_ms, int64_t local_ms) {
  vg_strlcpy(f->last_date.url, url, sizeof(f->last_date.url));
  f->last_date.age_ms = age_ms;
  f->last_date.date_ms = date_ms;
  f->last_date.local_ms = local_ms;
}

/* The fake's answer from EP1 at local_ms with a Date of date_ms (no Date
 * header when 0). */
static void ep1_date(fake_os_t *f, int64_t local_ms, int64_t date_ms) {
  vg_http_result_t *r = fake_http(f, EP1, 0, 200);
  r->local_ms = local_ms;
  r->date_ms = date_ms;
}

static void clock_reuses_a_recent_date(void **st) {
  pk_machine_t *m = *st;
  fake_os_t *f = &m->f;
  last_date(f, EP2, 5 * 60000, f->tz.now_ms - 400000, f->tz.now_ms);
  fake_step(m, "clock.skew", f->tz.now_ms, VG_ST_CRIT,
            "Clock is 6 min 40 s ahead of login.microsoftonline.com's Date "
            "(crit > 5 min); time zone UTC (UTC+00:00), no DST");
  assert_int_equal(f->http_calls, 0);
  pk_expect_fact(&m->r.facts, "date_source", "recent answer");
}

static void clock_asks_once_when_stale(void **st) {
  pk_machine_t *m = *st;
  fake_os_t *f = &m->f;
  last_date(f, EP2, 30 * 60000 /* older than max_age (20m) */, 1, 1);
  ep1_date(f, f->tz.now_ms, f->tz.now_ms + 150000);
  fake_step(m, "clock.skew", f->tz.now_ms, VG_ST_WARN,
            "Clock is 2 min 30 s behind www.msftncsi.com's Date "
            "(warn > 2 min)");
  assert_int_equal(f->http_calls, 1);
  assert_string_equal(f->http_method, "HEAD");
  pk_expect_fact(&m->r.facts, "date_source", "own request");
}

static void clock_dst_tomorrow_from_rules(void **st) {
  pk_machine_t *m = *st;
  fake_os_t *f = &m->f;
  zone(&f->tz, "us", 2025);
  vg_strlcpy(f->tz.key_name, "Eastern Standard Time", sizeof(f->tz.key_name));
  f->tz.now_ms = iso("2025-11-01T06:00:00"); /* the day before */
  ep1_date(f, f->tz.now_ms, f->tz.now_ms);
  fake_step(m, "clock.skew", f->tz.now_ms, VG_ST_WARN,
            "time zone Eastern Standard Time (UTC-05:00): daylight "
            "saving time ends at 2025-11-02T06:00:00Z (in 1 d)");
  pk_expect_fact(&m->r.facts, "tz_next_to", "standard");
  /* a second after the change: the next one is months away */
  f->tz.now_ms = iso("2025-11-02T06:00:01");
  fake_step(m, "clock.skew", f->tz.now_ms, VG_ST_OK,
            "next DST change 2026-03-08T07:00:00Z");
}

static void clock_zone_failures(void **st) {
  pk_machine_t *m = *st;
  fake_os_t *f = &m->f;
  f->tz_rc = VG_EACCES;
  fake_http(f, EP1, 0, 200); /* no Date in the answer */
  fake_step(m, "clock.skew", f->tz.now_ms, VG_ST_UNKNOWN,
            "Clock not compared: HTTP 200 without a Date header; time "
            "zone unreadable: access denied");
  fake_os_init(f);
  zone(&f->tz, "europe", 2025);
  f->tz.years[0].dst_date.month = 14;
  fake_step(m, "clock.skew", f->tz.now_ms, VG_ST_WARN,
            "a daylight-saving rule is not a valid date");
}

/* ------------------------------------------------- local HTTP servers */

/* A server on 127.0.0.1 in a thread of its own (libuv): answers every
 * request with status and a Date skew_ms off this clock, records the
 * first request line. */
typedef struct srv_s {
  pc_thread_t th;
  uv_tcp_t tcp;
  int port;
  int status;
  int64_t skew_ms;
  volatile int requests;
  char first_line[300];
} srv_t;

typedef struct srv_conn_s {
  uv_tcp_t h;
  srv_t *srv;
  uv_write_t w;
  char buf[8192];
  size_t len;
  char out[512];
  int answered;
} srv_conn_t;

static void srv_civil(int64_t z, int *y, int *m, int *d) {
  int64_t era, doe, yoe, doy, mp;
  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yoe + era * 400 + (*m <= 2));
}

static void srv_date(int64_t ms, char *out, size_t n) {
  static const char *const wd[] = {"Thu", "Fri", "Sat", "Sun",
                                   "Mon", "Tue", "Wed"};
  static const char *const mn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t s = ms / 1000, days = s / 86400, sod = s % 86400;
  int y, m, d;
  srv_civil(days, &y, &m, &d);
  snprintf(out, n, "%s, %02d %s %04d %02d:%02d:%02d GMT", wd[days % 7], d,
           mn[m - 1], y, (int)(sod / 3600), (int)(sod / 60 % 60),
           (int)(sod % 60));
}

static int64_t srv_now_ms(void) {
  uv_timeval64_t tv;
  uv_gettimeofday(&tv);
  return tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static void srv_closed(uv_handle_t *h) { free(h->data); }

static void srv_written(uv_write_t *w, int status) {
  srv_conn_t *c = w->data;
  (void)status;
  uv_close((uv_handle_t *)&c->h, srv_closed);
}

static void srv_alloc(uv_handle_t *h, size_t sug, uv_buf_t *b) {
  srv_conn_t *c = h->data;
  (void)sug;
  b->base = c->buf + c->len;
  b->len = sizeof(c->buf) - 1 - c->len;
}

static void srv_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b) {
  srv_conn_t *c = s->data;
  char date[64];
  uv_buf_t ob;
  size_t eol;
  (void)b;
  if (n < 0 || (c->len + (size_t)n >= sizeof(c->buf) - 1 && !c->answered)) {
    if (!c->answered && !uv_is_closing((uv_handle_t *)s)) {
      c->answered = 1;
      uv_close((uv_handle_t *)s, srv_closed);
    }
    return;
  }
  c->len += (size_t)n;
  c->buf[c->len] = '\0';
  if (c->answered || strstr(c->buf, "\r\n\r\n") == NULL) return;
  c->answered = 1;
  uv_read_stop(s);
  eol = strcspn(c->buf, "\r\n");
  if (c->srv->requests++ == 0)
    snprintf(c->srv->first_line, sizeof(c->srv->first_line), "%.*s", (int)eol,
             c->buf);
  srv_date(srv_now_ms() + c->srv->skew_ms, date, sizeof(date));
  snprintf(c->out, sizeof(c->out),
           "HTTP/1.1 %d Test\r\nDate: %s\r\n%sContent-Length: 0\r\n"
           "Connection: close\r\n\r\n",
           c->srv->status, date,
           c->srv->status == 407 ? "Proxy-Authenticate: Basic realm=\"t\"\r\n"
                                 : "");
  ob = uv_buf_init(c->out, (unsigned)strlen(c->out));
  c->w.data = c;
  if (uv_write(&c->w, s, &ob, 1, srv_written) != 0)
    uv_close((uv_handle_t *)s, srv_closed);
}

static void srv_conn(uv_stream_t *l, int status) {
  srv_t *srv = l->data;
  srv_conn_t *c;
  if (status != 0) return;
  c = calloc(1, sizeof(*c));
  assert_non_null(c);
  c->srv = srv;
  uv_tcp_init(&srv->th.loop, &c->h);
  c->h.data = c;
  if (uv_accept(l, (uv_stream_t *)&c->h) != 0 ||
      uv_read_start((uv_stream_t *)&c->h, srv_alloc, srv_read) != 0)
    uv_close((uv_handle_t *)&c->h, srv_closed);
}

static void srv_close_walk(uv_handle_t *h, void *arg) {
  srv_t *srv = arg;
  if (uv_is_closing(h)) return;
  if (h == (uv_handle_t *)&srv->tcp || h == (uv_handle_t *)&srv->th.stop)
    uv_close(h, NULL);
  else
    uv_close(h, srv_closed);
}

static void srv_stop_cb(pc_thread_t *th) {
  uv_walk(&th->loop, srv_close_walk, th->ud);
}

/* Binds t to a free port of 127.0.0.1; returns the port. */
static int bind_local(uv_tcp_t *t) {
  struct sockaddr_in a;
  struct sockaddr_storage ss;
  int len = sizeof(ss);
  uv_ip4_addr("127.0.0.1", 0, &a);
  assert_int_equal(uv_tcp_bind(t, (const struct sockaddr *)&a, 0), 0);
  assert_int_equal(uv_tcp_getsockname(t, (struct sockaddr *)&ss, &len), 0);
  return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void srv_start(srv_t *srv, int status, int64_t skew_ms) {
  memset(srv, 0, sizeof(*srv));
  srv->status = status;
  srv->skew_ms = skew_ms;
  pc_thread_init(&srv->th);
  assert_int_equal(uv_tcp_init(&srv->th.loop, &srv->tcp), 0);
  srv->tcp.data = srv;
  srv->port = bind_local(&srv->tcp);
  assert_int_equal(uv_listen((uv_stream_t *)&srv->tcp, 16, srv_conn), 0);
  pc_thread_start(&srv->th, srv_stop_cb, srv);
}

/* A port nothing listens on (bound, then closed). */
static int closed_port(void) {
  uv_loop_t loop;
  uv_tcp_t t;
  int port;
  uv_loop_init(&loop);
  uv_tcp_init(&loop, &t);
  port = bind_local(&t);
  uv_close((uv_handle_t *)&t, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  return port;
}

static void within(int64_t got, int64_t want, int64_t slack) {
  if (got < want - slack || got > want + slack)
    fail_msg("%lld is not within %lld of %lld", (long long)got,
             (long long)slack, (long long)want);
}

/* One test against local servers: up to three of them, a closed port,
 * and the probes' runs on this platform with every deadline 20 s. */
typedef struct local_s {
  srv_t srv[3];
  int nsrv;
  int closed;
  pk_run_t r;
} local_t;

static void local_init(local_t *l) {
  memset(l, 0, sizeof(*l));
  l->closed = closed_port();
  pk_run_init(&l->r);
  set(&l->r.cfg, "net.reach", "deadline", "20s");
  set(&l->r.cfg, "net.proxy", "deadline", "20s");
  set(&l->r.cfg, "clock.skew", "deadline", "20s");
}

/* Starts the next server of l (srv_start); returns it. */
static srv_t *local_serve(local_t *l, int status, int64_t skew_ms) {
  assert_true(l->nsrv < (int)VG_ARRAY_SIZE(l->srv));
  srv_start(&l->srv[l->nsrv], status, skew_ms);
  return &l->srv[l->nsrv++];
}

/* Stops l's servers and frees its runs. */
static void local_free(local_t *l) {
  int i;
  for (i = 0; i < l->nsrv; i++)
    pc_thread_stop(&l->srv[i].th);
  pk_run_free(&l->r);
}

/* The platform's client against skewed servers and a closed port: one of
 * three endpoints down is warn; the Date it saw (3 min fast) feeds
 * clock.skew without another request; a stale one makes clock.skew ask
 * once itself (HEAD). */
static void local_reach_and_clock(void **st) {
  local_t l;
  srv_t *a, *b, *d;
  char list[300], want[120], one[80];
  const vg_finding_t *out;
  (void)st;
  local_init(&l);
  a = local_serve(&l, 200, 180000);
  b = local_serve(&l, 204, 180000);
  snprintf(list, sizeof(list),
           "http://127.0.0.1:%d/ncsi.txt, http://127.0.0.1:%d/, "
           "http://127.0.0.1:%d/",
           a->port, b->port, l.closed);
  set(&l.r.cfg, "net.reach", "endpoints", list);
  snprintf(want, sizeof(want),
           "1 of 3 endpoints failed directly: "
           "127.0.0.1:%d: ",
           l.closed);
  step(&l.r, NULL, "net.reach", 0, VG_ST_WARN, want);
  assert_int_equal(vg_facts_int_or(&l.r.facts, "ep1_http", 0), 200);
  assert_int_equal(vg_facts_int_or(&l.r.facts, "ep2_http", 0), 204);
  assert_int_equal(vg_facts_bool_or(&l.r.facts, "ep3_tcp", 1), 0);
  within(vg_facts_int_or(&l.r.facts, "skew_ms", 0), 180000, 3000);
  assert_int_equal(a->requests, 1);
  assert_true(strncmp(a->first_line, "GET /ncsi.txt HTTP/1.1", 22) == 0);

  /* clock.skew: the Date net.reach saw, no new request */
  out = go(&l.r, NULL, "clock.skew", srv_now_ms());
  pk_expect_fact(&l.r.facts, "date_source", "recent answer");
  within(vg_facts_int_or(&l.r.facts, "skew_ms", 0), 180000, 3000);
  has(out->summary, "behind 127.0.0.1:");
  assert_true(out->status >= VG_ST_WARN);
  assert_int_equal(a->requests + b->requests, 2);

  /* max_age 0: clock.skew asks the first endpoint itself, once */
  d = local_serve(&l, 200, -360000);
  snprintf(one, sizeof(one), "http://127.0.0.1:%d/", d->port);
  set(&l.r.cfg, "net.reach", "endpoints", one);
  set(&l.r.cfg, "clock.skew", "max_age", "0");
  out = go(&l.r, NULL, "clock.skew", srv_now_ms());
  pk_expect_fact(&l.r.facts, "date_source", "own request");
  within(vg_facts_int_or(&l.r.facts, "skew_ms", 0), -360000, 3000);
  has(out->summary, "ahead of 127.0.0.1:");
  has(out->summary, "(crit > 5 min)");
  assert_int_equal(d->requests, 1);
  assert_true(strncmp(d->first_line, "HEAD / HTTP/1.1", 15) == 0);
  local_free(&l);
}

/* net.proxy and net.reach through [net.proxy] mars_proxy: a proxy that
 * answers 407, then one that refuses the connection. */
static void local_proxy_407_and_refused(void **st) {
  local_t l;
  srv_t *origin, *proxy;
  char url[80], px[40], want[200];
  (void)st;
  local_init(&l);
  origin = local_serve(&l, 200, 0);
  proxy = local_serve(&l, 407, 0);
  snprintf(url, sizeof(url), "http://127.0.0.1:%d/", origin->port);
  snprintf(px, sizeof(px), "127.0.0.1:%d", proxy->port);
  set(&l.r.cfg, "net.reach", "endpoints", url);
  set(&l.r.cfg, "net.proxy", "mars_proxy", px);
  snprintf(want, sizeof(want),
           "proxy %s (from MARS setting ([net.proxy] mars_proxy)) answers 407 "
           "Proxy Authentication Required",
           px);
  step(&l.r, NULL, "net.proxy", 0, VG_ST_CRIT, want);
  assert_int_equal(origin->requests, 0);
  assert_int_equal(proxy->requests, 1);
  /* Through the proxy: the absolute URI (Windows' WinHTTP, the POSIX
   * client); Wine 8's WinHTTP sends the origin form "HEAD / HTTP/1.1". */
  snprintf(want, sizeof(want), "HEAD %s HTTP/1.1", url);
  if (strcmp(proxy->first_line, want) != 0)
    assert_string_equal(proxy->first_line, "HEAD / HTTP/1.1");

  step(&l.r, NULL, "net.reach", 0, VG_ST_CRIT,
       "HTTP 407 Proxy Authentication Required");
  assert_int_equal(l.r.out.predicts[0][0], '4');

  snprintf(px, sizeof(px), "127.0.0.1:%d", l.closed);
  set(&l.r.cfg, "net.proxy", "mars_proxy", px);
  step(&l.r, NULL, "net.proxy", 0, VG_ST_CRIT, "does not accept a connection");
  local_free(&l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(reach_fixtures),
      cmocka_unit_test(proxy_fixtures),
      cmocka_unit_test(clock_fixtures),
      cmocka_unit_test(url_parser),
      cmocka_unit_test(list_split),
      cmocka_unit_test(proxy_lists),
      cmocka_unit_test(bypass_lists),
      cmocka_unit_test(http_dates),
      cmocka_unit_test(http_heads),
      cmocka_unit_test(tz_next_changes),
      cmocka_unit_test(tz_without_dst),
      cmocka_unit_test(tz_bad_rules),
      cmocka_unit_test(tz_year_markers),
      pk_machine_test(reach_routes_through_system_proxy),
      pk_machine_test(reach_one_of_three_down),
      pk_machine_test(reach_shares_the_deadline),
      pk_machine_test(reach_uses_mars_proxy_and_bounds_the_list),
      pk_machine_test(proxy_disagreement_collected),
      pk_machine_test(proxy_tests_the_winhttp_proxy_too),
      pk_machine_test(proxy_refused_and_407),
      pk_machine_test(proxy_direct_makes_no_request),
      pk_machine_test(proxy_unreadable_sources_say_so),
      pk_machine_test(clock_reuses_a_recent_date),
      pk_machine_test(clock_asks_once_when_stale),
      pk_machine_test(clock_dst_tomorrow_from_rules),
      pk_machine_test(clock_zone_failures),
      cmocka_unit_test(local_reach_and_clock),
      cmocka_unit_test(local_proxy_407_and_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
