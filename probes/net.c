/* net.c: parsers and pure logic shared by the network and time probes
 * (net.proxy, net.reach, clock.skew): URLs, proxy lists, HTTP Date and
 * response heads, the proxy MARS uses, the next DST change. */
#include "net.h"

#include "timefmt.h"
#include "vg.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NET_HEAD_MAX 16384 /* longest response head read */

/* ------------------------------------------------------------- helpers */

static int net_ieq(const char *a, const char *b, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i])) return 0;
  return 1;
}

static int net_host_char(int c) {
  return isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~' || c == '%';
}

static void net_why(char *why, size_t whysz, const char *msg) {
  if (why && whysz) vg_strlcpy(why, msg, whysz);
}

/* Host (IPv6 in brackets allowed) and optional ":port" in s[0..n). */
static int net_hostport(const char *s, size_t n, char *host, size_t hostsz,
                        int *ipv6, unsigned *port, const char **why) {
  const char *end = s + n, *h, *rest;
  size_t hl, i;
  *ipv6 = 0;
  if (n > 0 && s[0] == '[') {
    const char *close = memchr(s, ']', n);
    if (close == NULL) return *why = "unclosed '[' in the host", VG_EINVAL;
    h = s + 1;
    hl = (size_t)(close - h);
    for (i = 0; i < hl; i++)
      if (!isxdigit((unsigned char)h[i]) && h[i] != ':' && h[i] != '.')
        return *why = "bad IPv6 address", VG_EINVAL;
    *ipv6 = 1;
    rest = close + 1;
  } else {
    const char *colon = memchr(s, ':', n);
    h = s;
    hl = colon ? (size_t)(colon - s) : n;
    for (i = 0; i < hl; i++)
      if (!net_host_char((unsigned char)h[i]))
        return *why = "bad character in the host name", VG_EINVAL;
    rest = s + hl;
  }
  if (hl == 0) return *why = "no host name", VG_EINVAL;
  if (hl >= hostsz || hl > 253) return *why = "host name too long", VG_EINVAL;
  for (i = 0; i < hl; i++)
    host[i] = (char)tolower((unsigned char)h[i]);
  host[hl] = '\0';
  if (rest < end) {
    unsigned long v = 0;
    size_t digits = 0;
    if (*rest != ':') return *why = "junk after the host", VG_EINVAL;
    for (rest++; rest < end; rest++, digits++) {
      if (!isdigit((unsigned char)*rest) || digits >= 5)
        return *why = "bad port", VG_EINVAL;
      v = v * 10 + (unsigned long)(*rest - '0');
    }
    if (digits == 0 || v == 0 || v > 65535) return *why = "bad port", VG_EINVAL;
    *port = (unsigned)v;
  }
  return 0;
}

/* ------------------------------------------------------------- parsers */

int vg_net_url_parse(const char *s, vg_net_url_t *out, char *why,
                     size_t whysz) {
  size_t n, an, pn, i;
  const char *auth, *path, *why_s = NULL;
  memset(out, 0, sizeof(*out));
  if (s == NULL) return net_why(why, whysz, "empty"), VG_EINVAL;
  while (*s == ' ' || *s == '\t')
    s++;
  n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  if (n == 0) return net_why(why, whysz, "empty"), VG_EINVAL;
  if (n >= VG_HTTP_URL_MAX)
    return net_why(why, whysz, "URL longer than 511 characters"), VG_EINVAL;
  if (n >= 8 && net_ieq(s, "https://", 8)) {
    out->https = 1;
    auth = s + 8;
  } else if (n >= 7 && net_ieq(s, "http://", 7)) {
    auth = s + 7;
  } else {
    return net_why(why, whysz, "not an http:// or https:// URL"), VG_EINVAL;
  }
  for (i = 0; i < n; i++)
    if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
      return net_why(why, whysz, "blank, control or non-ASCII character"),
             VG_EINVAL;
  for (an = 0; auth + an < s + n && !strchr("/?#", auth[an]); an++) {
  }
  if (memchr(auth, '@', an))
    return net_why(why, whysz, "credentials in URLs are not supported"),
           VG_EINVAL;
  out->port = out->https ? 443 : 80;
  if (net_hostport(auth, an, out->host, sizeof(out->host), &out->ipv6,
                   &out->port, &why_s))
    return net_why(why, whysz, why_s), VG_EINVAL;
  path = auth + an;
  pn = (size_t)(s + n - path);
  {
    const char *hash = memchr(path, '#', pn);
    if (hash) pn = (size_t)(hash - path);
  }
  if (pn + 2 > sizeof(out->path))
    return net_why(why, whysz, "path too long"), VG_EINVAL;
  if (pn == 0 || path[0] != '/') {
    out->path[0] = '/';
    memcpy(out->path + 1, path, pn);
    out->path[pn + 1] = '\0';
  } else {
    memcpy(out->path, path, pn);
    out->path[pn] = '\0';
  }
  return 0;
}

size_t vg_net_split(const char *list, char *items, size_t itemsz, size_t max) {
  size_t total = 0;
  const char *p = list;
  if (list == NULL || itemsz == 0) return 0;
  for (;;) {
    const char *e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    while (len && isspace((unsigned char)p[0]))
      p++, len--;
    while (len && isspace((unsigned char)p[len - 1]))
      len--;
    if (len) {
      if (total < max) {
        char *dst = items + total * itemsz;
        size_t take = len < itemsz - 1 ? len : itemsz - 1;
        memcpy(dst, p, take);
        dst[take] = '\0';
      }
      total++;
    }
    if (e == NULL) break;
    p = e + 1;
  }
  return total;
}

/* Calls cb on each entry of a list separated by any of seps. */
typedef int (*net_entry_cb)(const char *e, size_t n, void *ud);

static int net_each(const char *list, const char *seps, net_entry_cb cb,
                    void *ud) {
  const char *p = list;
  while (p && *p) {
    size_t n = strcspn(p, seps);
    if (n && cb(p, n, ud)) return 1;
    p += n;
    if (*p) p++;
  }
  return 0;
}

typedef struct net_pick_s {
  const char *scheme;
  const char *bare, *match;
  size_t bare_n, match_n;
} net_pick_t;

static int net_pick_cb(const char *e, size_t n, void *ud) {
  net_pick_t *k = ud;
  const char *eq = memchr(e, '=', n);
  if (eq == NULL) {
    if (k->bare == NULL) k->bare = e, k->bare_n = n;
  } else {
    size_t kl = (size_t)(eq - e);
    if (kl == strlen(k->scheme) && net_ieq(e, k->scheme, kl) &&
        k->match == NULL)
      k->match = eq + 1, k->match_n = n - kl - 1;
  }
  return 0;
}

int vg_net_proxy_for(const char *list, const char *scheme, char *out,
                     size_t outsz) {
  net_pick_t k;
  const char *v, *why = NULL;
  size_t n;
  char host[256];
  unsigned port = 80;
  int ipv6;
  if (outsz) out[0] = '\0';
  if (list == NULL || strlen(list) > VG_NET_LIST_MAX) return VG_EINVAL;
  memset(&k, 0, sizeof(k));
  k.scheme = scheme;
  net_each(list, "; \t\r\n", net_pick_cb, &k);
  v = k.match ? k.match : k.bare;
  n = k.match ? k.match_n : k.bare_n;
  if (v == NULL || n == 0) return VG_ENOENT;
  if (n >= 7 && net_ieq(v, "http://", 7))
    v += 7, n -= 7;
  else if (n >= 8 && net_ieq(v, "https://", 8))
    v += 8, n -= 8;
  while (n && v[n - 1] == '/')
    n--;
  if (net_hostport(v, n, host, sizeof(host), &ipv6, &port, &why))
    return VG_EINVAL;
  if ((size_t)snprintf(out, outsz, ipv6 ? "[%s]:%u" : "%s:%u", host, port) >=
      outsz)
    return VG_EINVAL;
  return 0;
}

/* '*' wildcard match, case-insensitive; pattern p[0..pn). */
static int net_glob(const char *p, size_t pn, const char *s) {
  size_t pi = 0, star = (size_t)-1;
  const char *mark = NULL;
  while (*s) {
    if (pi < pn && p[pi] == '*') {
      star = pi++;
      mark = s;
    } else if (pi < pn &&
               tolower((unsigned char)p[pi]) == tolower((unsigned char)*s)) {
      pi++;
      s++;
    } else if (star != (size_t)-1) {
      pi = star + 1;
      s = ++mark;
    } else {
      return 0;
    }
  }
  while (pi < pn && p[pi] == '*')
    pi++;
  return pi == pn;
}

static int net_bypass_cb(const char *e, size_t n, void *ud) {
  const char *host = ud;
  if (n == 7 && net_ieq(e, "<local>", 7))
    return strchr(host, '.') == NULL && strchr(host, ':') == NULL;
  if (n >= 7 && net_ieq(e, "http://", 7))
    e += 7, n -= 7;
  else if (n >= 8 && net_ieq(e, "https://", 8))
    e += 8, n -= 8;
  return n > 0 && net_glob(e, n, host);
}

int vg_net_bypassed(const char *list, const char *host) {
  if (list == NULL || host == NULL || *host == '\0') return 0;
  return net_each(list, "; ,\t\r\n", net_bypass_cb, (void *)host);
}

/* --------------------------------------------------------- HTTP dates */

static int net_month(const char *s) {
  static const char *const m[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                  "jul", "aug", "sep", "oct", "nov", "dec"};
  int i;
  for (i = 0; i < 12; i++)
    if (net_ieq(s, m[i], 3)) return i + 1;
  return 0;
}

static int net_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int net_mdays(int64_t y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && net_leap(y) ? 29 : d[m - 1];
}

/* Reads 1..max digits at *p; returns the count read. */
static int net_digits(const char **p, const char *end, int max, long *v) {
  int n = 0;
  *v = 0;
  while (*p < end && n < max && isdigit((unsigned char)**p)) {
    *v = *v * 10 + (**p - '0');
    (*p)++;
    n++;
  }
  return n;
}

static int net_expect(const char **p, const char *end, char c) {
  if (*p < end && **p == c) return (*p)++, 1;
  return 0;
}

static void net_spaces(const char **p, const char *end) {
  while (*p < end && **p == ' ')
    (*p)++;
}

/* "HH:MM:SS" */
static int net_hms(const char **p, const char *end, long *h, long *m, long *s) {
  if (net_digits(p, end, 2, h) != 2 || !net_expect(p, end, ':') ||
      net_digits(p, end, 2, m) != 2 || !net_expect(p, end, ':') ||
      net_digits(p, end, 2, s) != 2)
    return VG_EPARSE;
  return 0;
}

int vg_net_http_date(const char *s, size_t len, int64_t *ms) {
  const char *p = s, *end = s + len;
  long day = 0, year = 0, h = 0, mi = 0, sec = 0;
  int mon = 0, nd;
  if (s == NULL || len > 64) return VG_EPARSE;
  net_spaces(&p, end);
  while (end > p && (end[-1] == ' ' || end[-1] == '\r'))
    end--;
  while (p < end && isalpha((unsigned char)*p))
    p++; /* day name */
  net_expect(&p, end, ',');
  net_spaces(&p, end);
  if (p < end && isdigit((unsigned char)*p)) {
    /* IMF-fixdate "06 Nov 1994" or RFC 850 "06-Nov-94" */
    char sep;
    if (net_digits(&p, end, 2, &day) < 1 || p >= end) return VG_EPARSE;
    sep = *p++;
    if ((sep != ' ' && sep != '-') || end - p < 4) return VG_EPARSE;
    mon = net_month(p);
    p += 3;
    if (!net_expect(&p, end, sep)) return VG_EPARSE;
    nd = net_digits(&p, end, 4, &year);
    if (nd == 2 && sep == '-')
      year += year < 70 ? 2000 : 1900;
    else if (nd != 4)
      return VG_EPARSE;
    net_spaces(&p, end);
    if (net_hms(&p, end, &h, &mi, &sec)) return VG_EPARSE;
    net_spaces(&p, end);
    if (end - p != 3 || !net_ieq(p, "GMT", 3)) return VG_EPARSE;
  } else {
    /* asctime "Nov  6 08:49:37 1994" */
    if (end - p < 3) return VG_EPARSE;
    mon = net_month(p);
    p += 3;
    net_spaces(&p, end);
    if (net_digits(&p, end, 2, &day) < 1) return VG_EPARSE;
    net_spaces(&p, end);
    if (net_hms(&p, end, &h, &mi, &sec)) return VG_EPARSE;
    net_spaces(&p, end);
    if (net_digits(&p, end, 4, &year) != 4 || p != end) return VG_EPARSE;
  }
  if (mon == 0 || year < 1970 || day < 1 || day > net_mdays(year, mon) ||
      h > 23 || mi > 59 || sec > 60)
    return VG_EPARSE;
  *ms = ((vg_days_from_civil(year, (unsigned)mon, (unsigned)day) * 86400) +
         h * 3600 + mi * 60 + sec) *
        1000;
  return 0;
}

/* First occurrence of the n bytes of pat in buf[0..len). */
static const char *net_find(const char *buf, size_t len, const char *pat,
                            size_t n) {
  size_t i;
  for (i = 0; i + n <= len; i++)
    if (memcmp(buf + i, pat, n) == 0) return buf + i;
  return NULL;
}

int vg_net_http_head(const char *buf, size_t len, int *status, int64_t *date_ms,
                     size_t *head_len) {
  const char *end, *p, *eol;
  size_t scan = len < NET_HEAD_MAX ? len : NET_HEAD_MAX;
  *status = 0;
  *date_ms = 0;
  *head_len = 0;
  end = net_find(buf, scan, "\r\n\r\n", 4);
  if (end == NULL) return len >= NET_HEAD_MAX ? VG_EPARSE : VG_ENOENT;
  *head_len = (size_t)(end - buf) + 4;
  if (end - buf < 12 || memcmp(buf, "HTTP/1.", 7) != 0 ||
      !isdigit((unsigned char)buf[7]) || buf[8] != ' ' ||
      !isdigit((unsigned char)buf[9]) || !isdigit((unsigned char)buf[10]) ||
      !isdigit((unsigned char)buf[11]) ||
      (end - buf > 12 && buf[12] != ' ' && buf[12] != '\r'))
    return VG_EPARSE;
  *status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
  if (*status < 100) return VG_EPARSE;
  for (p = buf; p < end; p = eol + 2) {
    eol = net_find(p, (size_t)(end + 2 - p), "\r\n", 2);
    if (eol == NULL) break;
    if (eol - p > 5 && net_ieq(p, "date:", 5)) {
      const char *v = p + 5;
      int64_t ms;
      while (v < eol && (*v == ' ' || *v == '\t'))
        v++;
      if (vg_net_http_date(v, (size_t)(eol - v), &ms) == 0) *date_ms = ms;
    }
  }
  return 0;
}

/* ---------------------------------------------------- settings across */

const char *vg_net_setting(const vg_probe_settings_t *s, const char *section,
                           const char *key, const char *def) {
  const char *v;
  double num = 0;
  if (s == NULL || s->src == NULL) return def;
  v = s->src->get(s->src->ud, section, key, &num);
  return v ? v : def;
}

uint32_t vg_net_budget_ms(const vg_probe_settings_t *s) {
  double ms = 0, num = 0;
  if (s->src && s->probe &&
      s->src->get(s->src->ud, s->probe->id, "deadline", &num))
    ms = num;
  if (ms <= 0 && s->probe) ms = s->probe->deadline_s * 1000.0;
  if (ms <= 0) ms = 30000;
  if (ms > 3600e3) ms = 3600e3;
  ms -= ms / 5 < 5000 ? ms / 5 : 5000;
  return (uint32_t)ms;
}

/* ------------------------------------------------------ the proxy used */

void vg_net_src_value(const vg_proxy_src_t *s, int winhttp, char *out,
                      size_t outsz) {
  char proxy[VG_PROXY_STR_MAX];
  size_t o = 0;
  out[0] = '\0';
  if (s->read < 0) return;
  if (s->read == 1 && s->pac[0]) vg_bufprintf(out, outsz, &o, "PAC %s", s->pac);
  if (s->read == 1 && s->enabled && s->server[0]) {
    int rc = vg_net_proxy_for(s->server, "https", proxy, sizeof(proxy));
    if (rc == 0)
      vg_bufprintf(out, outsz, &o, "%sproxy %s", o ? " + " : "", proxy);
    else if (rc != VG_ENOENT)
      vg_bufprintf(out, outsz, &o, "%sinvalid proxy list '%.200s'",
                   o ? " + " : "", s->server);
  }
  if (o == 0) vg_bufprintf(out, outsz, &o, "direct");
  (void)winhttp;
}

static void net_route_from(const vg_proxy_src_t *s, vg_net_route_t *out) {
  vg_net_src_value(s, 0, out->value, sizeof(out->value));
  if (s->enabled && s->server[0] &&
      vg_net_proxy_for(s->server, "https", out->proxy, sizeof(out->proxy)))
    out->proxy[0] = '\0';
  vg_strlcpy(out->pac, s->pac, sizeof(out->pac));
  vg_strlcpy(out->bypass, s->bypass, sizeof(out->bypass));
}

void vg_net_route(const vg_proxy_sources_t *src, const char *mars,
                  vg_net_route_t *out) {
  memset(out, 0, sizeof(*out));
  if (mars && *mars) {
    vg_strlcpy(out->source, "MARS setting ([net.proxy] mars_proxy)",
               sizeof(out->source));
    if (strcmp(mars, "direct") == 0 || strcmp(mars, "none") == 0)
      vg_strlcpy(out->value, "direct", sizeof(out->value));
    else if (vg_net_proxy_for(mars, "https", out->proxy, sizeof(out->proxy)) ==
             0)
      snprintf(out->value, sizeof(out->value), "proxy %s", out->proxy);
    else
      snprintf(out->value, sizeof(out->value), "invalid proxy list '%.200s'",
               mars);
    return;
  }
  if (src && src->per_user == 0 && src->machine.read == 1) {
    vg_strlcpy(out->source,
               "machine-wide settings (policy ProxySettingsPerUser=0)",
               sizeof(out->source));
    net_route_from(&src->machine, out);
  } else if (src && src->system.read == 1) {
    vg_strlcpy(out->source, "SYSTEM's WinINet settings (HKU\\S-1-5-18)",
               sizeof(out->source));
    net_route_from(&src->system, out);
  } else if (src && src->dflt.read == 1) {
    vg_strlcpy(out->source, "SYSTEM's WinINet settings (HKU\\.DEFAULT)",
               sizeof(out->source));
    net_route_from(&src->dflt, out);
  } else {
    vg_strlcpy(out->source, "no proxy settings for SYSTEM",
               sizeof(out->source));
    vg_strlcpy(out->value, "direct", sizeof(out->value));
  }
}

static const struct {
  const char *prefix;
  size_t off;
} net_srcs[] = {
    {"system", offsetof(vg_proxy_sources_t, system)},
    {"default", offsetof(vg_proxy_sources_t, dflt)},
    {"machine", offsetof(vg_proxy_sources_t, machine)},
    {"winhttp", offsetof(vg_proxy_sources_t, winhttp)},
    {"ie", offsetof(vg_proxy_sources_t, ie)},
};

static void net_key(char *k, size_t ksz, const char *prefix, const char *s) {
  snprintf(k, ksz, "%s_%s", prefix, s);
}

void vg_net_sources_facts(const vg_proxy_sources_t *src, vg_facts_t *f) {
  size_t i;
  char k[VG_FACT_KEY_MAX], v[VG_PROXY_STR_MAX + 64];
  for (i = 0; i < VG_ARRAY_SIZE(net_srcs); i++) {
    const vg_proxy_src_t *s =
        (const vg_proxy_src_t *)((const char *)src + net_srcs[i].off);
    const char *p = net_srcs[i].prefix;
    net_key(k, sizeof(k), p, "read");
    vg_facts_set_int(f, k, s->read);
    if (s->read != 1) continue;
    net_key(k, sizeof(k), p, "enable");
    vg_facts_set_bool(f, k, s->enabled);
    if (s->server[0]) {
      net_key(k, sizeof(k), p, "server");
      vg_facts_set_str(f, k, s->server);
    }
    if (s->bypass[0]) {
      net_key(k, sizeof(k), p, "bypass");
      vg_facts_set_str(f, k, s->bypass);
    }
    if (s->pac[0]) {
      net_key(k, sizeof(k), p, "pac");
      vg_facts_set_str(f, k, s->pac);
    }
    if (s->auto_detect) {
      net_key(k, sizeof(k), p, "wpad");
      vg_facts_set_bool(f, k, 1);
    }
    vg_net_src_value(s, 0, v, sizeof(v));
    net_key(k, sizeof(k), p, "value");
    vg_facts_set_str(f, k, v);
  }
  if (src->per_user >= 0)
    vg_facts_set_int(f, "policy_per_user", src->per_user);
  else
    vg_facts_set_null(f, "policy_per_user");
  if (src->account[0]) {
    vg_facts_set_str(f, "account", src->account);
    vg_facts_set_bool(f, "account_system", src->account_system);
  }
}

static void net_fact_str(const vg_facts_t *f, const char *p, const char *s,
                         char *out, size_t outsz) {
  char k[VG_FACT_KEY_MAX];
  const char *v;
  net_key(k, sizeof(k), p, s);
  v = vg_facts_get_str(f, k);
  vg_strlcpy(out, v ? v : "", outsz);
}

int vg_net_sources_from_facts(const vg_facts_t *f, vg_proxy_sources_t *out) {
  size_t i;
  int any = 0;
  int64_t v;
  char k[VG_FACT_KEY_MAX];
  const char *acct;
  memset(out, 0, sizeof(*out));
  for (i = 0; i < VG_ARRAY_SIZE(net_srcs); i++) {
    vg_proxy_src_t *s = (vg_proxy_src_t *)((char *)out + net_srcs[i].off);
    const char *p = net_srcs[i].prefix;
    net_key(k, sizeof(k), p, "read");
    if (vg_facts_get_int(f, k, &v) != 0) continue;
    any = 1;
    s->read = (int)v;
    if (s->read != 1) continue;
    net_key(k, sizeof(k), p, "enable");
    s->enabled = vg_facts_bool_or(f, k, 0);
    net_key(k, sizeof(k), p, "wpad");
    s->auto_detect = vg_facts_bool_or(f, k, 0);
    net_fact_str(f, p, "server", s->server, sizeof(s->server));
    net_fact_str(f, p, "bypass", s->bypass, sizeof(s->bypass));
    net_fact_str(f, p, "pac", s->pac, sizeof(s->pac));
  }
  out->per_user = (int)vg_facts_int_or(f, "policy_per_user", -1);
  acct = vg_facts_get_str(f, "account");
  if (acct) vg_strlcpy(out->account, acct, sizeof(out->account));
  out->account_system = vg_facts_bool_or(f, "account_system", 0);
  return any ? 0 : VG_ENOENT;
}

void vg_net_result_words(int rc, const vg_http_result_t *r, char *out,
                         size_t outsz) {
  if (rc == 0 && r->status)
    snprintf(out, outsz, "HTTP %d", r->status);
  else if (r->error_text[0] && r->error_name[0])
    snprintf(out, outsz, "%s (%s)", r->error_text, r->error_name);
  else if (r->error_text[0])
    snprintf(out, outsz, "%s", r->error_text);
  else
    snprintf(out, outsz, "%s", vg_strerror(rc ? rc : VG_EIO));
}

/* ---------------------------------------------------------------- time */

const char *vg_net_fmt_ms(char *buf, size_t size, int64_t ms) {
  if (ms < 0) ms = ms == INT64_MIN ? INT64_MAX : -ms;
  if (ms < 1000)
    snprintf(buf, size, "%d ms", (int)ms);
  else if (ms < 10000)
    snprintf(buf, size, "%.1f s", (double)ms / 1000.0);
  else if (ms < 60000)
    snprintf(buf, size, "%d s", (int)(ms / 1000));
  else if (ms < 3600000 && (ms / 1000) % 60)
    snprintf(buf, size, "%d min %d s", (int)(ms / 60000),
             (int)((ms / 1000) % 60));
  else
    vg_fmt_span(buf, size, ms);
  return buf;
}
