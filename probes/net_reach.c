/* net_reach.c: HTTPS reachability of the endpoints MARS needs, through the
 * proxy the SYSTEM account uses (probes.md: net.reach, "Network
 * endpoints"). One request per endpoint, each within its share of the
 * probe's deadline. */
#include "net.h"
#include "probe.h"
#include "timefmt.h"
#include "vg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NET_REACH_PER_REQUEST_MAX 20000 /* ms */
#define NET_REACH_PER_REQUEST_MIN 1000

static const vg_key_def_t net_reach_keys[] = {
    {"endpoints", VG_KEY_STR, 0, VG_NET_LIST_MAX, VG_NET_DEFAULT_ENDPOINTS,
     "comma-separated https:// (or, for tests, http://) URLs to request"},
    {"slow", VG_KEY_DURATION, 100, 600e3, "5s",
     "an endpoint answering slower than this is a warning"},
    {NULL, 0, 0, 0, NULL, NULL}};

static void net_reach_key(char *k, size_t ksz, size_t i, const char *name) {
  snprintf(k, ksz, "ep%u_%s", (unsigned)(i + 1), name);
}

static void net_reach_tri(vg_facts_t *f, size_t i, const char *name, int v) {
  char k[VG_FACT_KEY_MAX];
  net_reach_key(k, sizeof(k), i, name);
  if (v < 0)
    vg_facts_set_null(f, k);
  else
    vg_facts_set_bool(f, k, v);
}

static void net_reach_str(vg_facts_t *f, size_t i, const char *name,
                          const char *v) {
  char k[VG_FACT_KEY_MAX];
  net_reach_key(k, sizeof(k), i, name);
  vg_facts_set_str(f, k, v);
}

static void net_reach_int(vg_facts_t *f, size_t i, const char *name,
                          int64_t v) {
  char k[VG_FACT_KEY_MAX];
  net_reach_key(k, sizeof(k), i, name);
  vg_facts_set_int(f, k, v);
}

static int net_reach_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  const char *list = vg_probe_str(&ctx->set, "endpoints");
  char(*urls)[VG_HTTP_URL_MAX];
  vg_proxy_sources_t src;
  vg_net_route_t route;
  uint32_t budget = vg_net_budget_ms(&ctx->set);
  int64_t spent = 0;
  size_t n, total, i;
  int rc;

  urls = malloc(sizeof(char[VG_NET_ENDPOINTS_MAX][VG_HTTP_URL_MAX]));
  if (urls == NULL) return vg_facts_fail(f, VG_ENOMEM, "out of memory");
  total = vg_net_split(list ? list : "", urls[0], VG_HTTP_URL_MAX,
                       VG_NET_ENDPOINTS_MAX);
  n = total < VG_NET_ENDPOINTS_MAX ? total : VG_NET_ENDPOINTS_MAX;
  vg_facts_set_int(f, "endpoints", (int64_t)n);
  if (total > n) vg_facts_set_int(f, "endpoints_ignored", (int64_t)(total - n));

  rc = os->proxy_sources(os, &src);
  vg_net_route(rc == 0 ? &src : NULL,
               vg_net_setting(&ctx->set, "net.proxy", "mars_proxy", NULL),
               &route);
  vg_facts_set_str(f, "proxy", route.value);
  vg_facts_set_str(f, "proxy_source", route.source);
  if (rc != 0 && rc != VG_ENOTSUP)
    vg_facts_set_str(f, "proxy_error", vg_strerror(rc));

  for (i = 0; i < n; i++) {
    vg_net_url_t u;
    vg_http_req_t req;
    vg_http_result_t r;
    char why[120], words[300];
    int64_t left = (int64_t)budget - spent;
    uint32_t per;
    int bypass;

    net_reach_str(f, i, "url", urls[i]);
    if (vg_net_url_parse(urls[i], &u, why, sizeof(why))) {
      net_reach_str(f, i, "result", "invalid");
      net_reach_str(f, i, "error", why);
      continue;
    }
    left /= (int64_t)(n - i);
    per = left > NET_REACH_PER_REQUEST_MAX ? NET_REACH_PER_REQUEST_MAX
                                           : (uint32_t)(left > 0 ? left : 0);
    if (per < NET_REACH_PER_REQUEST_MIN) {
      net_reach_str(f, i, "result", "skipped");
      net_reach_str(f, i, "error", "no time left before the probe's deadline");
      continue;
    }
    bypass = vg_net_bypassed(route.bypass, u.host);
    memset(&req, 0, sizeof(req));
    memset(&r, 0, sizeof(r));
    req.url = urls[i];
    req.method = "GET";
    req.proxy = bypass ? NULL : route.proxy;
    req.pac_url = bypass ? NULL : route.pac;
    req.timeout_ms = per;
    rc = os->http_get(os, &req, &r);
    spent += r.elapsed_ms > 0 ? r.elapsed_ms : 0;
    if (rc == VG_ENOTSUP) {
      net_reach_str(f, i, "result", "unsupported");
      net_reach_str(f, i, "error",
                    r.error_text[0] ? r.error_text
                                    : "not supported on this system");
      continue;
    }
    net_reach_str(f, i, "result", rc == 0 ? "answered" : "failed");
    net_reach_tri(f, i, "dns", r.dns);
    net_reach_tri(f, i, "tcp", r.tcp);
    net_reach_tri(f, i, "tls", r.tls);
    net_reach_int(f, i, "http", r.status);
    net_reach_int(f, i, "ms", r.elapsed_ms);
    if (rc != 0) {
      vg_net_result_words(rc, &r, words, sizeof(words));
      net_reach_str(f, i, "error", words);
    }
    if (bypass) net_reach_str(f, i, "via", "direct (proxy bypass list)");
    if (r.date_ms && vg_facts_find(f, "skew_ms") == NULL) {
      vg_facts_set_int(f, "skew_ms", r.date_ms - r.local_ms);
      vg_facts_set_str(f, "skew_url", urls[i]);
    }
  }
  free(urls);
  return 0;
}

/* "host" or "host:port" when the port is not the scheme's own. */
static void net_reach_label(const char *url, char *out, size_t outsz) {
  vg_net_url_t u;
  if (vg_net_url_parse(url, &u, NULL, 0)) {
    snprintf(out, outsz, "'%.60s'", url);
    return;
  }
  if (u.port == (u.https ? 443u : 80u))
    snprintf(out, outsz, "%s", u.host);
  else
    snprintf(out, outsz, u.ipv6 ? "[%s]:%u" : "%s:%u", u.host, u.port);
}

static void net_reach_evaluate(const vg_facts_t *f, const vg_eval_params_t *p,
                               const vg_finding_t *prev, vg_finding_t *out) {
  int64_t n = vg_facts_int_or(f, "endpoints", 0), i;
  double slow = vg_probe_num(&p->set, "slow");
  const char *proxy = vg_facts_get_str(f, "proxy");
  const char *psrc = vg_facts_get_str(f, "proxy_source");
  char fails[VG_SUMMARY_MAX], slows[160], bad[160], route[160], lbl[300];
  size_t fo = 0, so = 0, bo = 0;
  int answered = 0, failed = 0, invalid = 0, skipped = 0, nslow = 0;
  int unsupported = 0;
  int n403 = 0, n407 = 0;
  int64_t slowest = -1;
  char slowest_lbl[300] = "";
  const char *skip_why = NULL;
  vg_status_t st = VG_ST_OK;
  char remedy[VG_REMEDY_MAX];
  (void)prev;

  fails[0] = slows[0] = bad[0] = '\0';
  if (proxy == NULL || strcmp(proxy, "direct") == 0)
    snprintf(route, sizeof(route), "directly");
  else
    snprintf(route, sizeof(route), "through %.120s", proxy);
  for (i = 0; i < n && i < VG_NET_ENDPOINTS_MAX; i++) {
    char k[VG_FACT_KEY_MAX];
    const char *url, *res, *err;
    int64_t http = 0, ms = 0;
    snprintf(k, sizeof(k), "ep%u_url", (unsigned)(i + 1));
    url = vg_facts_get_str(f, k);
    snprintf(k, sizeof(k), "ep%u_result", (unsigned)(i + 1));
    res = vg_facts_get_str(f, k);
    snprintf(k, sizeof(k), "ep%u_error", (unsigned)(i + 1));
    err = vg_facts_get_str(f, k);
    snprintf(k, sizeof(k), "ep%u_http", (unsigned)(i + 1));
    vg_facts_get_int(f, k, &http);
    snprintf(k, sizeof(k), "ep%u_ms", (unsigned)(i + 1));
    vg_facts_get_int(f, k, &ms);
    if (url == NULL || res == NULL) continue;
    net_reach_label(url, lbl, sizeof(lbl));
    if (strcmp(res, "invalid") == 0) {
      invalid++;
      vg_bufprintf(bad, sizeof(bad), &bo, "%s'%.60s' (%s)", bo ? ", " : "", url,
                   err ? err : "not a URL");
    } else if (strcmp(res, "skipped") == 0 || strcmp(res, "unsupported") == 0) {
      if (res[0] == 's')
        skipped++;
      else
        unsupported++;
      if (skip_why == NULL) skip_why = err;
    } else if (strcmp(res, "answered") == 0 && http != 403 && http != 407 &&
               http < 500) {
      answered++;
      if (ms > slowest) {
        slowest = ms;
        vg_strlcpy(slowest_lbl, lbl, sizeof(slowest_lbl));
      }
      if (slow > 0 && (double)ms > slow) {
        char sp[32];
        nslow++;
        vg_bufprintf(slows, sizeof(slows), &so, "%s%s %s", so ? ", " : "", lbl,
                     vg_net_fmt_ms(sp, sizeof(sp), ms));
      }
    } else {
      failed++;
      if (http == 403) n403++;
      if (http == 407) n407++;
      if (http == 407)
        vg_bufprintf(fails, sizeof(fails), &fo,
                     "%s%s: HTTP 407 Proxy Authentication Required",
                     fo ? "; " : "", lbl);
      else if (http == 403)
        vg_bufprintf(fails, sizeof(fails), &fo, "%s%s: HTTP 403 Forbidden",
                     fo ? "; " : "", lbl);
      else if (http >= 500)
        vg_bufprintf(fails, sizeof(fails), &fo, "%s%s: HTTP %d", fo ? "; " : "",
                     lbl, (int)http);
      else
        vg_bufprintf(fails, sizeof(fails), &fo, "%s%s: %s", fo ? "; " : "", lbl,
                     err ? err : "failed");
    }
  }

  if (answered + failed == 0) {
    if (invalid) {
      vg_finding_set(out, VG_ST_UNKNOWN,
                     "Correct [net.reach] endpoints in vigil.ini: "
                     "comma-separated https:// URLs "
                     "(vigil explain net.reach).",
                     "No endpoint checked: [net.reach] endpoints has no "
                     "usable URL: %s",
                     bad);
    } else if (skipped) {
      vg_finding_set(out, VG_ST_UNKNOWN,
                     "Raise [net.reach] deadline or list fewer endpoints "
                     "(vigil explain net.reach).",
                     "No endpoint requested: %s",
                     skip_why ? skip_why : "skipped");
    } else if (unsupported) {
      vg_finding_set(out, VG_ST_NA, "",
                     "The endpoints cannot be requested here (%s)",
                     skip_why ? skip_why : "not supported");
    } else {
      vg_finding_set(out, VG_ST_UNKNOWN,
                     "Set [net.reach] endpoints in vigil.ini "
                     "(vigil explain net.reach).",
                     "No endpoints to check ([net.reach] endpoints is "
                     "empty)");
    }
    return;
  }
  snprintf(remedy, sizeof(remedy),
           "Allow HTTPS from this server (as SYSTEM, through its proxy) to "
           "%s (vigil explain net.reach).",
           VG_NET_ALLOW_LIST);
  if (n407) {
    st = VG_ST_CRIT;
    snprintf(remedy, sizeof(remedy),
             "The proxy wants credentials: give MARS the proxy user and "
             "password (MARS console > Change Properties > Proxy "
             "Configuration, or Set-OBMachineSetting -ProxyUsername), or let "
             "this server through unauthenticated to the allow-list "
             "(vigil explain net.reach).");
  } else if (n403 || failed == answered + failed) {
    st = VG_ST_CRIT;
  } else if (failed || nslow || invalid) {
    st = VG_ST_WARN;
    if (!failed && !nslow)
      snprintf(remedy, sizeof(remedy),
               "Correct [net.reach] endpoints in vigil.ini: comma-separated "
               "https:// URLs (vigil explain net.reach).");
  }

  if (failed == answered + failed)
    vg_finding_set(out, st, remedy, "None of %d endpoint%s answered %s: %s",
                   failed, failed == 1 ? "" : "s", route, fails);
  else if (failed)
    vg_finding_set(out, st, remedy, "%d of %d endpoints failed %s: %s", failed,
                   answered + failed, route, fails);
  else if (nslow)
    vg_finding_set(out, st, remedy, "%d endpoint%s slow %s (> %s): %s", nslow,
                   nslow == 1 ? " is" : "s are", route,
                   vg_net_fmt_ms(lbl, sizeof(lbl), (int64_t)slow), slows);
  else {
    char sp[32];
    vg_finding_set(out, st, remedy,
                   "All %d endpoint%s answered %s (slowest %s, %s)", answered,
                   answered == 1 ? "" : "s", route, slowest_lbl,
                   vg_net_fmt_ms(sp, sizeof(sp), slowest));
  }
  {
    size_t o = strlen(out->summary);
    if (proxy && strcmp(proxy, "direct") != 0 && psrc)
      vg_bufprintf(out->summary, sizeof(out->summary), &o, " [proxy from %s]",
                   psrc);
    if (invalid)
      vg_bufprintf(out->summary, sizeof(out->summary), &o,
                   "; [net.reach] endpoints: %s ignored", bad);
    if (skipped + unsupported)
      vg_bufprintf(out->summary, sizeof(out->summary), &o,
                   "; %d not tried (%s)", skipped + unsupported,
                   skip_why ? skip_why : "skipped");
  }
  if (n407) vg_finding_predict(out, "407");
  if (n403) vg_finding_predict(out, "403");
  if (failed) vg_finding_predict(out, "100050");
  if (failed == answered + failed) vg_finding_predict(out, "34513");
}

const vg_probe_t vg_probe_net_reach = {
    .id = "net.reach",
    .title = "Azure endpoints reachable through the SYSTEM proxy",
    .number = 15,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 600,
    .deadline_s = 60,
    .th = {.warn = 0, .crit = 0, .hysteresis = 0, .dir = VG_TH_ABOVE},
    .keys = net_reach_keys,
    .collect = net_reach_collect,
    .evaluate = net_reach_evaluate,
};
