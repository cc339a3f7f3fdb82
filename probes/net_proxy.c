/* net_proxy.c: the proxy the SYSTEM account (and so MARS) uses, from
 * every place it can be set, whether those places agree, and whether the
 * proxies in use accept a connection without asking for credentials
 * (probes.md: net.proxy, "Proxy sources"). */
#include "net.h"
#include "probe.h"
#include "timefmt.h"
#include "vg.h"

#include <stdio.h>
#include <string.h>

#define NET_PROXY_TESTS 2
#define NET_PROXY_REQUEST_MAX 20000 /* ms */

static const vg_key_def_t net_proxy_keys[] = {
    {"mars_proxy", VG_KEY_STR, 0, 600, NULL,
     "MARS's own proxy setting (\"host:port\" or \"direct\"); where MARS "
     "stores it is undocumented, so set it here when MARS has one"},
    {NULL, 0, 0, 0, NULL, NULL}};

/* One proxy to try: through which request, from which setting. */
typedef struct net_proxy_try_s {
  char proxy[VG_PROXY_STR_MAX];
  char pac[VG_PROXY_STR_MAX];
  char from[96];
} net_proxy_try_t;

static void net_proxy_test(const vg_probe_ctx_t *ctx, const char *url,
                           const net_proxy_try_t *t, unsigned k,
                           uint32_t timeout, vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  vg_http_req_t req;
  vg_http_result_t r;
  char key[VG_FACT_KEY_MAX], words[300], label[VG_PROXY_STR_MAX + 8];
  int rc;

  memset(&req, 0, sizeof(req));
  memset(&r, 0, sizeof(r));
  req.url = url;
  req.method = "HEAD";
  req.proxy = t->proxy[0] ? t->proxy : NULL;
  req.pac_url = t->pac[0] ? t->pac : NULL;
  req.timeout_ms = timeout;
  rc = os->http_get(os, &req, &r);
  if (t->pac[0])
    snprintf(label, sizeof(label), "PAC %s", t->pac);
  else
    snprintf(label, sizeof(label), "%s", t->proxy);
  snprintf(key, sizeof(key), "test%u_proxy", k);
  vg_facts_set_str(f, key, label);
  snprintf(key, sizeof(key), "test%u_from", k);
  vg_facts_set_str(f, key, t->from);
  if (rc == VG_ENOTSUP) {
    snprintf(key, sizeof(key), "test%u_error", k);
    vg_facts_set_str(f, key,
                     r.error_text[0] ? r.error_text
                                     : "not supported on this system");
    snprintf(key, sizeof(key), "test%u_supported", k);
    vg_facts_set_bool(f, key, 0);
    return;
  }
  if (t->pac[0]) {
    snprintf(key, sizeof(key), "test%u_pac_proxy", k);
    vg_facts_set_str(f, key, r.proxy_used[0] ? r.proxy_used : "direct");
  }
  if (r.pac_error[0]) {
    snprintf(key, sizeof(key), "test%u_pac_error", k);
    vg_facts_set_str(f, key, r.pac_error);
  }
  snprintf(key, sizeof(key), "test%u_connected", k);
  vg_facts_set_bool(f, key, r.tcp == 1);
  snprintf(key, sizeof(key), "test%u_http", k);
  vg_facts_set_int(f, key, r.status);
  snprintf(key, sizeof(key), "test%u_ms", k);
  vg_facts_set_int(f, key, r.elapsed_ms);
  if (rc) {
    vg_net_result_words(rc, &r, words, sizeof(words));
    snprintf(key, sizeof(key), "test%u_error", k);
    vg_facts_set_str(f, key, words);
    snprintf(key, sizeof(key), "test%u_tls_failed", k);
    if (r.tls == 0) vg_facts_set_bool(f, key, 1);
  }
}

static int net_proxy_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  const char *mars = vg_probe_str(&ctx->set, "mars_proxy");
  const char *list = vg_net_setting(&ctx->set, "net.reach", "endpoints",
                                    VG_NET_DEFAULT_ENDPOINTS);
  char urls[VG_NET_ENDPOINTS_MAX][VG_HTTP_URL_MAX], why[120];
  net_proxy_try_t tries[NET_PROXY_TESTS];
  vg_proxy_sources_t src;
  vg_net_route_t route;
  vg_net_url_t u;
  uint32_t budget = vg_net_budget_ms(&ctx->set), per;
  unsigned ntries = 0, k;
  size_t n, i;
  int rc;

  memset(tries, 0, sizeof(tries));
  memset(&src, 0, sizeof(src));
  src.per_user = -1;
  rc = os->proxy_sources(os, &src);
  if (rc == VG_ENOTSUP && !(mars && *mars)) {
    vg_facts_set_bool(f, "sources_supported", 0);
    return 0;
  }
  if (rc == 0)
    vg_net_sources_facts(&src, f);
  else if (rc != VG_ENOTSUP)
    vg_facts_set_str(f, "sources_error", vg_strerror(rc));
  if (mars && *mars) vg_facts_set_str(f, "mars_proxy", mars);
  vg_net_route(rc == 0 ? &src : NULL, mars, &route);
  vg_facts_set_str(f, "route_source", route.source);
  vg_facts_set_str(f, "route_value", route.value);

  /* The proxies in use: the route's, and WinHTTP's default when it names
   * another one (WinHTTP clients use it). */
  if (route.proxy[0] || route.pac[0]) {
    vg_strlcpy(tries[0].proxy, route.proxy, sizeof(tries[0].proxy));
    vg_strlcpy(tries[0].pac, route.pac, sizeof(tries[0].pac));
    vg_strlcpy(tries[0].from, route.source, sizeof(tries[0].from));
    ntries = 1;
  }
  if (rc == 0 && src.winhttp.read == 1 && src.winhttp.enabled) {
    char wp[VG_PROXY_STR_MAX];
    if (vg_net_proxy_for(src.winhttp.server, "https", wp, sizeof(wp)) == 0 &&
        (ntries == 0 || tries[0].pac[0] || strcmp(wp, tries[0].proxy) != 0)) {
      vg_strlcpy(tries[ntries].proxy, wp, sizeof(tries[ntries].proxy));
      vg_strlcpy(tries[ntries].from, "the WinHTTP default proxy",
                 sizeof(tries[ntries].from));
      ntries++;
    }
  }
  if (ntries == 0) return 0;

  n = vg_net_split(list, urls[0], VG_HTTP_URL_MAX, VG_NET_ENDPOINTS_MAX);
  if (n > VG_NET_ENDPOINTS_MAX) n = VG_NET_ENDPOINTS_MAX;
  for (i = 0; i < n; i++)
    if (vg_net_url_parse(urls[i], &u, why, sizeof(why)) == 0) break;
  if (i == n) {
    vg_facts_set_str(f, "test_error",
                     "[net.reach] endpoints has no usable URL to test the "
                     "proxy with");
    return 0;
  }
  vg_facts_set_str(f, "test_url", urls[i]);
  per = budget / ntries;
  if (per > NET_PROXY_REQUEST_MAX) per = NET_PROXY_REQUEST_MAX;
  for (k = 0; k < ntries; k++)
    net_proxy_test(ctx, urls[i], &tries[k], k + 1, per, f);
  return 0;
}

/* ------------------------------------------------------------ evaluate */

/* Adds "<name>: <value>" to the list of what each place says. */
static void net_proxy_said(char *buf, size_t size, size_t *o, int *n,
                           const char *name, const char *value) {
  vg_bufprintf(buf, size, o, "%s%s: %s", *o ? "; " : "", name, value);
  (*n)++;
}

static void net_proxy_evaluate(const vg_facts_t *f, const vg_eval_params_t *p,
                               const vg_finding_t *prev, vg_finding_t *out) {
  vg_proxy_sources_t src;
  char said[VG_SUMMARY_MAX], wininet[VG_PROXY_STR_MAX + 64];
  char v[VG_PROXY_STR_MAX + 64], tests[VG_SUMMARY_MAX];
  const char *wininet_from = NULL;
  const char *route_src = vg_facts_get_str(f, "route_source");
  const char *route_val = vg_facts_get_str(f, "route_value");
  const char *mars = vg_facts_get_str(f, "mars_proxy");
  size_t so = 0, to = 0, o;
  int disagree = 0, n407 = 0, refused = 0, silent = 0, tls = 0, untested = 0;
  int pac_failed = 0, nsaid = 0;
  int have_src, tested = 0;
  unsigned k;
  const char *remedy;
  (void)p;
  (void)prev;

  said[0] = tests[0] = wininet[0] = '\0';
  if (!vg_facts_bool_or(f, "sources_supported", 1)) {
    vg_finding_set(out, VG_ST_NA, "",
                   "No proxy settings on this system (not Windows) and no "
                   "[net.proxy] mars_proxy");
    return;
  }
  have_src = vg_net_sources_from_facts(f, &src) == 0;

  /* ---- what each place says, and whether they agree */
  if (mars) {
    vg_net_route_t mr;
    vg_net_route(NULL, mars, &mr);
    net_proxy_said(said, sizeof(said), &so, &nsaid, "MARS (mars_proxy)",
                   mr.value);
  }
  if (have_src) {
    const vg_proxy_src_t *w = NULL;
    if (src.per_user == 0 && src.machine.read == 1)
      w = &src.machine, wininet_from = "machine-wide WinINet";
    else if (src.system.read == 1)
      w = &src.system, wininet_from = "SYSTEM WinINet";
    else if (src.dflt.read == 1)
      w = &src.dflt, wininet_from = "SYSTEM WinINet (.DEFAULT)";
    if (w) {
      vg_net_src_value(w, 0, wininet, sizeof(wininet));
    } else if (src.system.read == 0 || src.dflt.read == 0) {
      vg_strlcpy(wininet, "direct", sizeof(wininet));
      wininet_from = "SYSTEM WinINet";
    }
    if (wininet_from)
      net_proxy_said(said, sizeof(said), &so, &nsaid, wininet_from, wininet);
    if (src.system.read == 1 && src.dflt.read == 1 &&
        !(src.per_user == 0 && src.machine.read == 1)) {
      vg_net_src_value(&src.dflt, 0, v, sizeof(v));
      if (strcmp(v, wininet) != 0) {
        disagree = 1;
        net_proxy_said(said, sizeof(said), &so, &nsaid, "HKU\\.DEFAULT", v);
      }
    }
    if (src.winhttp.read >= 0) {
      vg_net_src_value(&src.winhttp, 1, v, sizeof(v));
      net_proxy_said(said, sizeof(said), &so, &nsaid, "WinHTTP default", v);
      if (wininet_from && strcmp(v, wininet) != 0) disagree = 1;
    }
    if (src.ie.read == 1 && src.account_system) {
      vg_net_src_value(&src.ie, 0, v, sizeof(v));
      if (wininet_from && strcmp(v, wininet) != 0) {
        disagree = 1;
        net_proxy_said(said, sizeof(said), &so, &nsaid, "SYSTEM's IE config",
                       v);
      }
    }
  }
  if (mars && route_val) {
    if (wininet_from && strcmp(route_val, wininet) != 0) disagree = 1;
    if (have_src && src.winhttp.read >= 0) {
      vg_net_src_value(&src.winhttp, 1, v, sizeof(v));
      if (strcmp(route_val, v) != 0) disagree = 1;
    }
  }

  /* ---- the proxies tried */
  for (k = 1; k <= NET_PROXY_TESTS; k++) {
    char key[VG_FACT_KEY_MAX];
    const char *proxy, *from, *err, *failed = NULL;
    int64_t http = 0;
    int connected;
    snprintf(key, sizeof(key), "test%u_proxy", k);
    if ((proxy = vg_facts_get_str(f, key)) == NULL) continue;
    snprintf(key, sizeof(key), "test%u_from", k);
    from = vg_facts_get_str(f, key);
    snprintf(key, sizeof(key), "test%u_error", k);
    err = vg_facts_get_str(f, key);
    snprintf(key, sizeof(key), "test%u_http", k);
    vg_facts_get_int(f, key, &http);
    snprintf(key, sizeof(key), "test%u_connected", k);
    connected = vg_facts_bool_or(f, key, 0);
    snprintf(key, sizeof(key), "test%u_supported", k);
    if (!vg_facts_bool_or(f, key, 1)) {
      untested++;
      vg_bufprintf(tests, sizeof(tests), &to,
                   "%sproxy %s (from %s) not tested: %s", to ? "; " : "", proxy,
                   from ? from : "?", err ? err : "not supported");
      continue;
    }
    tested++;
    snprintf(key, sizeof(key), "test%u_pac_error", k);
    if (vg_facts_get_str(f, key)) {
      const char *pe = vg_facts_get_str(f, key);
      pac_failed++;
      snprintf(key, sizeof(key), "test%u_pac_proxy", k);
      vg_bufprintf(tests, sizeof(tests), &to,
                   "%s%s (from %s) cannot be run: %s; requests go %s%s",
                   to ? "; " : "", proxy, from ? from : "?", pe,
                   vg_facts_get_str(f, key) &&
                           strcmp(vg_facts_get_str(f, key), "direct") != 0
                       ? "through "
                       : "",
                   vg_facts_get_str(f, key) ? vg_facts_get_str(f, key)
                                            : "direct");
      continue;
    }
    if (http == 407) {
      n407++;
      vg_bufprintf(tests, sizeof(tests), &to,
                   "%sproxy %s (from %s) answers 407 Proxy Authentication "
                   "Required",
                   to ? "; " : "", proxy, from ? from : "?");
    } else if (!connected) {
      refused++;
      failed = "does not accept a connection";
    } else if (http == 0) {
      snprintf(key, sizeof(key), "test%u_tls_failed", k);
      if (vg_facts_bool_or(f, key, 0)) {
        tls++;
        failed = "accepts connections, but TLS through it fails";
      } else {
        silent++;
        failed = "accepts the connection but does not answer";
      }
    } else {
      vg_bufprintf(tests, sizeof(tests), &to,
                   "%sproxy %s (from %s) accepts connections (HTTP %d)",
                   to ? "; " : "", proxy, from ? from : "?", (int)http);
    }
    if (failed)
      vg_bufprintf(tests, sizeof(tests), &to, "%sproxy %s (from %s) %s: %s",
                   to ? "; " : "", proxy, from ? from : "?", failed,
                   err ? err : "failed");
  }

  memset(out, 0, sizeof(*out));
  if (n407) {
    out->status = VG_ST_CRIT;
    remedy = "Give MARS the proxy's user and password (MARS console > "
             "Change Properties > Proxy Configuration, or "
             "Set-OBMachineSetting -ProxyServer -ProxyPort -ProxyUsername "
             "-ProxyPassword), or let this server through unauthenticated "
             "to the Azure endpoints (vigil explain net.proxy).";
  } else if (refused || silent) {
    out->status = VG_ST_CRIT;
    remedy = "Fix the proxy the SYSTEM account uses: correct or clear it "
             "(Internet Settings of SYSTEM, `netsh winhttp show proxy`, "
             "MARS's proxy setting) or bring the proxy back; then restart "
             "obengine (vigil explain net.proxy).";
  } else if (disagree || tls || pac_failed) {
    out->status = VG_ST_WARN;
    remedy = pac_failed
                 ? "Make the proxy auto-config script reachable for SYSTEM "
                   "and valid, or set a fixed proxy "
                   "(vigil explain net.proxy)."
             : tls ? "A TLS-inspecting proxy must present a certificate this "
                     "server trusts, or let the Azure endpoints through "
                     "uninspected (vigil explain net.proxy)."
                   : "Make SYSTEM's WinINet proxy, the WinHTTP default (`netsh "
                     "winhttp show proxy`) and MARS's own proxy setting the "
                     "same (vigil explain net.proxy).";
  } else {
    out->status = VG_ST_OK;
    remedy = "";
  }
  o = 0;
  if (to)
    vg_bufprintf(out->summary, sizeof(out->summary), &o, "%s", tests);
  else if (vg_facts_get_str(f, "test_error"))
    vg_bufprintf(out->summary, sizeof(out->summary), &o,
                 "%s (from %s) not tested: %s", route_val ? route_val : "?",
                 route_src ? route_src : "?",
                 vg_facts_get_str(f, "test_error"));
  else
    vg_bufprintf(out->summary, sizeof(out->summary), &o, "MARS goes %s (%s)",
                 route_val && strcmp(route_val, "direct") == 0
                     ? "direct"
                     : (route_val ? route_val : "direct"),
                 route_src ? route_src : "no proxy settings for SYSTEM");
  if (disagree)
    vg_bufprintf(out->summary, sizeof(out->summary), &o,
                 "; the proxy settings disagree: %s", said);
  else if (nsaid > 1 && out->status == VG_ST_OK)
    vg_bufprintf(out->summary, sizeof(out->summary), &o, "; all agree (%s)",
                 said);
  if (vg_facts_get_str(f, "sources_error"))
    vg_bufprintf(out->summary, sizeof(out->summary), &o,
                 "; proxy settings unreadable: %s",
                 vg_facts_get_str(f, "sources_error"));
  if (have_src && src.ie.read == 1 && !src.account_system && wininet_from) {
    vg_net_src_value(&src.ie, 0, v, sizeof(v));
    if (strcmp(v, wininet) != 0 && strcmp(v, "direct") != 0)
      vg_bufprintf(out->summary, sizeof(out->summary), &o,
                   "; note: %s (this account, not SYSTEM) uses %s",
                   src.account[0] ? src.account : "the current account", v);
  }
  if (untested && !tested && out->status == VG_ST_OK)
    out->status = VG_ST_UNKNOWN;
  vg_strlcpy(out->remedy, remedy, sizeof(out->remedy));
  if (n407) vg_finding_predict(out, "407");
  if (out->status >= VG_ST_WARN) vg_finding_predict(out, "100050");
}

const vg_probe_t vg_probe_net_proxy = {
    .id = "net.proxy",
    .title = "Proxy of the SYSTEM account",
    .number = 14,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 900,
    .deadline_s = 45,
    .th = {.warn = 0, .crit = 0, .hysteresis = 0, .dir = VG_TH_ABOVE},
    .keys = net_proxy_keys,
    .collect = net_proxy_collect,
    .evaluate = net_proxy_evaluate,
};
