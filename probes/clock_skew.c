/* clock_skew.c: this machine's clock against the Date header of the
 * endpoints' answers, the time zone's sanity and the next daylight-saving
 * change (probes.md: clock.skew). The Date comes from the latest answer
 * net.reach or net.proxy got (no extra request); only when none is recent
 * does this probe ask the first endpoint once (HEAD). */
#include "net.h"
#include "probe.h"
#include "timefmt.h"
#include "vg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLOCK_SKEW_REQUEST_MAX 20000  /* ms */
#define CLOCK_SKEW_BIAS_MAX (14 * 60) /* minutes either side of UTC */

static const vg_key_def_t clock_skew_keys[] = {
    {"dst_warn", VG_KEY_DURATION, 0, 60 * 86400e3, "7d",
     "warn when a daylight-saving change is this close (0 = never)"},
    {"max_age", VG_KEY_DURATION, 0, 86400e3, "20m",
     "reuse a Date header seen this recently instead of asking again"},
    {NULL, 0, 0, 0, NULL, NULL}};

/* The time zone part of collect. */
static void clock_skew_zone(const vg_os_t *os, vg_facts_t *f) {
  vg_time_zone_t tz;
  int64_t at = 0;
  int to_dst = 0, rc;
  int32_t shift = 0;
  char iso[40];

  memset(&tz, 0, sizeof(tz));
  rc = os->time_zone(os, &tz);
  if (tz.now_ms) vg_facts_set_int(f, "tz_now_ms", tz.now_ms);
  if (rc == VG_ENOTSUP || (rc == 0 && tz.nyears == 0)) {
    /* no per-year rules here (POSIX): nothing to judge */
    vg_facts_set_bool(f, "tz_supported", 0);
    return;
  }
  if (rc) {
    vg_facts_set_str(f, "tz_error", vg_strerror(rc));
    return;
  }
  vg_facts_set_str(f, "tz_key", tz.key_name);
  vg_facts_set_str(f, "tz_std_name", tz.std_name);
  if (tz.dst_name[0]) vg_facts_set_str(f, "tz_dst_name", tz.dst_name);
  vg_facts_set_int(f, "tz_id", tz.id);
  vg_facts_set_bool(f, "tz_auto_dst", tz.auto_dst);
  if (tz.nyears > 0) {
    vg_facts_set_int(f, "tz_bias", tz.years[0].bias);
    vg_facts_set_int(f, "tz_std_bias", tz.years[0].std_bias);
    vg_facts_set_int(f, "tz_dst_bias", tz.years[0].dst_bias);
  }
  if (tz.years_err)
    vg_facts_set_int(f, "tz_years_error", (int64_t)tz.years_err);
  rc = vg_tz_next_change(&tz, tz.now_ms, &at, &to_dst, &shift);
  if (rc == 0) {
    vg_facts_set_int(f, "tz_next_change_ms", at);
    vg_facts_set_str(f, "tz_next_change", vg_iso8601(at, iso, sizeof(iso)));
    vg_facts_set_str(f, "tz_next_to", to_dst ? "daylight" : "standard");
    vg_facts_set_int(f, "tz_shift_min", shift);
  } else if (rc == VG_ENOENT) {
    vg_facts_set_null(f, "tz_next_change");
  } else {
    vg_facts_set_str(f, "tz_rule_error",
                     "a daylight-saving rule is not a valid date");
  }
}

/* The Date part: a recent answer's, else one HEAD to the first endpoint. */
static void clock_skew_date(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  const vg_os_t *os = ctx->os;
  double max_age = vg_probe_num(&ctx->set, "max_age");
  const char *list = vg_net_setting(&ctx->set, "net.reach", "endpoints",
                                    VG_NET_DEFAULT_ENDPOINTS);
  char urls[VG_NET_ENDPOINTS_MAX][VG_HTTP_URL_MAX], words[300], why[120];
  vg_http_date_t d;
  vg_proxy_sources_t src;
  vg_net_route_t route;
  vg_http_req_t req;
  vg_http_result_t r;
  vg_net_url_t u;
  size_t n, i;
  uint32_t budget = vg_net_budget_ms(&ctx->set);
  int rc;

  memset(&d, 0, sizeof(d));
  if (os->http_last_date(os, &d) == 0 && d.date_ms &&
      (double)d.age_ms < max_age) {
    vg_facts_set_str(f, "date_url", d.url);
    vg_facts_set_str(f, "date_source", "recent answer");
    vg_facts_set_int(f, "date_age_ms", d.age_ms);
    vg_facts_set_int(f, "date_ms", d.date_ms);
    vg_facts_set_int(f, "local_ms", d.local_ms);
    vg_facts_set_int(f, "skew_ms", d.date_ms - d.local_ms);
    return;
  }
  n = vg_net_split(list, urls[0], VG_HTTP_URL_MAX, VG_NET_ENDPOINTS_MAX);
  if (n > VG_NET_ENDPOINTS_MAX) n = VG_NET_ENDPOINTS_MAX;
  for (i = 0; i < n; i++)
    if (vg_net_url_parse(urls[i], &u, why, sizeof(why)) == 0) break;
  if (i == n) {
    vg_facts_set_str(f, "date_error",
                     "[net.reach] endpoints has no usable URL to ask for the "
                     "time");
    return;
  }
  rc = os->proxy_sources(os, &src);
  vg_net_route(rc == 0 ? &src : NULL,
               vg_net_setting(&ctx->set, "net.proxy", "mars_proxy", NULL),
               &route);
  memset(&req, 0, sizeof(req));
  memset(&r, 0, sizeof(r));
  req.url = urls[i];
  req.method = "HEAD";
  if (!vg_net_bypassed(route.bypass, u.host)) {
    req.proxy = route.proxy;
    req.pac_url = route.pac;
  }
  req.timeout_ms =
      budget < CLOCK_SKEW_REQUEST_MAX ? budget : CLOCK_SKEW_REQUEST_MAX;
  vg_facts_set_str(f, "date_url", urls[i]);
  vg_facts_set_str(f, "date_source", "own request");
  rc = os->http_get(os, &req, &r);
  if (rc == VG_ENOTSUP) {
    vg_facts_set_bool(f, "date_supported", 0);
    vg_facts_set_str(f, "date_error",
                     r.error_text[0] ? r.error_text
                                     : "not supported on this system");
    return;
  }
  if (rc != 0 || r.date_ms == 0) {
    if (rc)
      vg_net_result_words(rc, &r, words, sizeof(words));
    else
      snprintf(words, sizeof(words), "HTTP %d without a Date header", r.status);
    vg_facts_set_str(f, "date_error", words);
    return;
  }
  vg_facts_set_int(f, "date_ms", r.date_ms);
  vg_facts_set_int(f, "local_ms", r.local_ms);
  vg_facts_set_int(f, "skew_ms", r.date_ms - r.local_ms);
}

static int clock_skew_collect(const vg_probe_ctx_t *ctx, vg_facts_t *f) {
  clock_skew_zone(ctx->os, f);
  clock_skew_date(ctx, f);
  return 0;
}

/* Host of a URL for the summary. */
static const char *clock_skew_host(const char *url, char *buf, size_t size) {
  vg_net_url_t u;
  if (url == NULL || vg_net_url_parse(url, &u, NULL, 0)) return "the endpoint";
  if (u.port == (u.https ? 443u : 80u))
    snprintf(buf, size, "%s", u.host);
  else
    snprintf(buf, size, "%s:%u", u.host, u.port);
  return buf;
}

/* Status of |skew| against warn/crit (seconds, "more than"), holding a
 * raised state until it is hysteresis better than its threshold. */
static vg_status_t clock_skew_level(double a, const vg_thresholds_t *th,
                                    vg_status_t prev) {
  double h = th->hysteresis > 0 ? th->hysteresis : 0;
  if (!isnan(th->crit) && a > th->crit - (prev >= VG_ST_CRIT ? h : 0))
    return VG_ST_CRIT;
  if (!isnan(th->warn) && a > th->warn - (prev >= VG_ST_WARN ? h : 0))
    return VG_ST_WARN;
  return VG_ST_OK;
}

static void clock_skew_evaluate(const vg_facts_t *f, const vg_eval_params_t *p,
                                const vg_finding_t *prev, vg_finding_t *out) {
  int64_t skew, now = p->now_ms, at, bias = 0, sb = 0, db = 0, shift = 60;
  double dst_warn = vg_probe_num(&p->set, "dst_warn");
  const char *url = vg_facts_get_str(f, "date_url");
  const char *key = vg_facts_get_str(f, "tz_key");
  const char *derr = vg_facts_get_str(f, "date_error");
  char host[300], a[40], b[40], iso[40], zone[300], remedy[VG_REMEDY_MAX];
  vg_status_t skew_st, tz_st = VG_ST_OK;
  size_t o = 0, zo = 0;
  int has_skew = vg_facts_get_int(f, "skew_ms", &skew) == 0;
  int tz_supported = vg_facts_bool_or(f, "tz_supported", 1);
  int date_supported = vg_facts_bool_or(f, "date_supported", 1);
  int dst_soon = 0, clock_bad;

  memset(out, 0, sizeof(*out));
  if (!has_skew && !date_supported && !tz_supported) {
    vg_finding_set(out, VG_ST_NA, "",
                   "Neither the time zone nor an HTTPS Date can be read "
                   "here (%s)",
                   derr ? derr : "not supported");
    return;
  }
  if (now == 0) now = vg_facts_int_or(f, "tz_now_ms", 0);

  /* ---- the clock */
  if (has_skew) {
    double s = fabs((double)skew) / 1000.0;
    skew_st = clock_skew_level(s, &p->th, prev ? prev->status : VG_ST_OK);
    clock_skew_host(url, host, sizeof(host));
    if (llabs(skew) < 1000)
      vg_bufprintf(out->summary, sizeof(out->summary), &o,
                   "Clock agrees with %s's Date within 1 s", host);
    else
      vg_bufprintf(out->summary, sizeof(out->summary), &o,
                   "Clock is %s %s %s's Date",
                   vg_net_fmt_ms(a, sizeof(a), skew),
                   skew > 0 ? "behind" : "ahead of", host);
    if (skew_st >= VG_ST_WARN)
      vg_bufprintf(
          out->summary, sizeof(out->summary), &o, " (%s > %s)",
          skew_st == VG_ST_CRIT ? "crit" : "warn",
          vg_net_fmt_ms(
              b, sizeof(b),
              (int64_t)((skew_st == VG_ST_CRIT ? p->th.crit : p->th.warn) *
                        1000)));
  } else {
    skew_st = date_supported ? VG_ST_UNKNOWN : VG_ST_NA;
    vg_bufprintf(out->summary, sizeof(out->summary), &o,
                 "Clock not compared: %s", derr ? derr : "no Date header");
  }

  /* ---- the time zone */
  if (!tz_supported) {
    vg_bufprintf(zone, sizeof(zone), &zo, "time zone not readable here");
  } else if (vg_facts_get_str(f, "tz_error")) {
    tz_st = VG_ST_UNKNOWN;
    vg_bufprintf(zone, sizeof(zone), &zo, "time zone unreadable: %s",
                 vg_facts_get_str(f, "tz_error"));
  } else {
    vg_facts_get_int(f, "tz_bias", &bias);
    vg_facts_get_int(f, "tz_std_bias", &sb);
    vg_facts_get_int(f, "tz_dst_bias", &db);
    vg_bufprintf(zone, sizeof(zone), &zo, "time zone %s (%s)",
                 key && *key ? key : "?",
                 vg_tz_offset((int32_t)(bias + sb), a, sizeof(a)));
    if (llabs(bias + sb) > CLOCK_SKEW_BIAS_MAX ||
        llabs(bias + db) > CLOCK_SKEW_BIAS_MAX) {
      tz_st = VG_ST_WARN;
      vg_bufprintf(zone, sizeof(zone), &zo, " is outside UTC-14..+14 h");
    }
    if (vg_facts_get_str(f, "tz_rule_error")) {
      tz_st = VG_ST_WARN;
      vg_bufprintf(zone, sizeof(zone), &zo, ": %s",
                   vg_facts_get_str(f, "tz_rule_error"));
    } else if (vg_facts_get_int(f, "tz_next_change_ms", &at) == 0) {
      const char *to = vg_facts_get_str(f, "tz_next_to");
      int auto_dst = vg_facts_bool_or(f, "tz_auto_dst", 1);
      vg_facts_get_int(f, "tz_shift_min", &shift);
      vg_iso8601(at, iso, sizeof(iso));
      if (auto_dst && dst_warn > 0 && at > now &&
          (double)(at - now) <= dst_warn) {
        dst_soon = 1;
        if (tz_st < VG_ST_WARN) tz_st = VG_ST_WARN;
        vg_bufprintf(zone, sizeof(zone), &zo,
                     ": daylight saving time %s at %s (in %s), clocks go %s "
                     "%s; scheduled backups then run %s off their local "
                     "time (Azure Backup does not shift the schedule)",
                     to && strcmp(to, "daylight") == 0 ? "starts" : "ends", iso,
                     vg_fmt_span(a, sizeof(a), at - now),
                     to && strcmp(to, "daylight") == 0 ? "forward" : "back",
                     vg_net_fmt_ms(b, sizeof(b), llabs(shift) * 60000),
                     vg_net_fmt_ms(host, sizeof(host), llabs(shift) * 60000));
      } else if (!auto_dst) {
        vg_bufprintf(zone, sizeof(zone), &zo, ", automatic DST adjustment off");
      } else {
        vg_bufprintf(zone, sizeof(zone), &zo, ", next DST change %s", iso);
      }
    } else {
      vg_bufprintf(zone, sizeof(zone), &zo, ", no DST");
    }
  }
  vg_bufprintf(out->summary, sizeof(out->summary), &o, "; %s", zone);

  out->status = skew_st == VG_ST_NA ? tz_st : skew_st;
  if (tz_st > out->status) out->status = tz_st;
  if (!tz_supported && skew_st == VG_ST_NA) out->status = VG_ST_NA;

  clock_bad = skew_st >= VG_ST_WARN;
  o = 0;
  remedy[0] = '\0';
  if (clock_bad)
    vg_bufprintf(remedy, sizeof(remedy), &o,
                 "Fix time sync: `w32tm /query /status`, then `w32tm "
                 "/resync` (domain members follow the domain hierarchy; "
                 "others need a reachable NTP peer). ");
  else if (skew_st == VG_ST_UNKNOWN)
    vg_bufprintf(remedy, sizeof(remedy), &o,
                 "The clock is compared with the Date of the endpoints' "
                 "answers: make them reachable (see net.reach); `w32tm "
                 "/query /status` shows the time source meanwhile. ");
  if (tz_st >= VG_ST_WARN && !dst_soon)
    vg_bufprintf(remedy, sizeof(remedy), &o,
                 "Set the right time zone (`tzutil /g`, `tzutil /s`). ");
  if (dst_soon)
    vg_bufprintf(remedy, sizeof(remedy), &o,
                 "After the change, check the backup time in the MARS "
                 "console (Schedule Backup) and move it if it must stay at "
                 "the same local time. ");
  vg_bufprintf(remedy, sizeof(remedy), &o, "(vigil explain clock.skew)");
  vg_strlcpy(out->remedy, remedy, sizeof(out->remedy));
  if (clock_bad) vg_finding_predict(out, "registration or token errors");
  if (dst_soon) vg_finding_predict(out, "backup runs an hour off schedule");
}

const vg_probe_t vg_probe_clock_skew = {
    .id = "clock.skew",
    .title = "System clock and time zone",
    .number = 16,
    .scope = VG_SCOPE_BACKUP,
    .interval_s = 900,
    .deadline_s = 30,
    /* seconds of |skew|, "more than" (probes.md: > 2 min, > 5 min) */
    .th = {.warn = 120, .crit = 300, .hysteresis = 10, .dir = VG_TH_ABOVE},
    .th_unit = VG_TH_SECONDS,
    .keys = clock_skew_keys,
    .collect = clock_skew_collect,
    .evaluate = clock_skew_evaluate,
};
