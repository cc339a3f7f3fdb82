/* net.h: what net.proxy, net.reach and clock.skew share - URL, proxy list,
 * HTTP Date and response-head parsers, the proxy MARS uses (the zone's
 * rules are in tz.h). Pure (no I/O); any thread. */
#ifndef VG_NET_H
#define VG_NET_H

#include "facts.h"
#include "os.h"
#include "probe.h"

#include <stddef.h>
#include <stdint.h>

/* probes.md "Network endpoints": the default [net.reach] endpoints. */
#define VG_NET_DEFAULT_ENDPOINTS                                               \
  "https://www.msftncsi.com/ncsi.txt, https://login.microsoftonline.com/, "    \
  "https://login.windows.net/, https://management.azure.com/"
#define VG_NET_ENDPOINTS_MAX 6
#define VG_NET_LIST_MAX 2000 /* longest endpoints / proxy setting accepted */

/* The allow-list an admin hands to the network team (remedies). */
#define VG_NET_ALLOW_LIST                                                      \
  "*.microsoft.com, *.windowsazure.com, *.microsoftonline.com, "               \
  "*.windows.net, *.blob.core.windows.net, *.queue.core.windows.net, "         \
  "*.blob.storage.azure.net, www.msftconnecttest.com on 443; IP lists: "       \
  "service tags AzureBackup, Storage, AzureActiveDirectory"

/* ------------------------------------------------------------- parsers */

typedef struct vg_net_url_s {
  int https;
  char host[256]; /* without IPv6 brackets, lower case */
  int ipv6;
  unsigned port;   /* explicit or 80 / 443 */
  char path[1024]; /* path and query, starts with '/'; no fragment */
} vg_net_url_t;

/* Parses an http:// or https:// URL (no user:password@). Returns 0, or
 * VG_EINVAL with why saying what is wrong in a few words ("not an http(s)
 * URL", "credentials in URLs are not supported", ...). */
int vg_net_url_parse(const char *s, vg_net_url_t *out, char *why, size_t whysz);

/* Splits a comma-separated list into trimmed, non-empty items of at most
 * itemsz - 1 characters (longer ones are cut: the URL parser then refuses
 * them). Stores at most max; returns how many the list has in all. */
size_t vg_net_split(const char *list, char *items, size_t itemsz, size_t max);

/* From a WinINet / WinHTTP proxy list - "host:port", "http://host:port",
 * "http=h1:p1;https=h2:p2" (';' or blanks between entries) - the proxy a
 * request of scheme ("http" or "https") goes through, as "host:port"
 * (port 80 when left out; "http://" and a trailing '/' dropped; lower
 * case). Returns 0, VG_ENOENT when the list names none for that scheme
 * (direct), or VG_EINVAL when malformed. */
int vg_net_proxy_for(const char *list, const char *scheme, char *out,
                     size_t outsz);

/* Whether host is in a ProxyOverride / bypass list ("<local>" = names
 * without a dot; '*' wildcards; case-insensitive; ';', ',' or blanks
 * between entries). Returns 1 or 0. */
int vg_net_bypassed(const char *list, const char *host);

/* Parses an HTTP Date: IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), RFC
 * 850 ("Sunday, 06-Nov-94 08:49:37 GMT") or asctime ("Sun Nov  6 08:49:37
 * 1994"). Returns 0 with *ms (unix ms) or VG_EPARSE. */
int vg_net_http_date(const char *s, size_t len, int64_t *ms);

/* Reads an HTTP/1.x response head from buf: *status, *date_ms (0 when no
 * valid Date), *head_len (bytes up to and including the blank line).
 * Returns 0, VG_ENOENT when the head is not complete yet, or VG_EPARSE. */
int vg_net_http_head(const char *buf, size_t len, int *status, int64_t *date_ms,
                     size_t *head_len);

/* ---------------------------------------------------- settings across */

/* A setting of another probe's section (net.reach's endpoints, net.proxy's
 * mars_proxy: one place for the admin to set them), through the same
 * source as the probe's own; def when there is no source or no value. */
const char *vg_net_setting(const vg_probe_settings_t *s, const char *section,
                           const char *key, const char *def);

/* The time one collection may take: the probe's configured deadline
 * (else its default) less a margin for the answer to get back. */
uint32_t vg_net_budget_ms(const vg_probe_settings_t *s);

/* ------------------------------------------------------ the proxy used */

/* Which setting decides the proxy MARS (running as SYSTEM) uses. */
typedef struct vg_net_route_s {
  char source[96]; /* "MARS setting ([net.proxy] mars_proxy)", ... */
  char value[VG_PROXY_STR_MAX + 8]; /* "direct", "proxy h:p", "PAC url" */
  char proxy[VG_PROXY_STR_MAX];     /* "h:p" for https, "" = direct */
  char pac[VG_PROXY_STR_MAX];       /* the PAC script, "" = none */
  char bypass[VG_PROXY_STR_MAX];
} vg_net_route_t;

/* The route for https requests from the sources in order: MARS's own
 * setting (mars: "host:port", "direct", or NULL/"" when unknown), the
 * machine-wide settings when policy ProxySettingsPerUser = 0, SYSTEM's
 * WinINet settings (S-1-5-18, else .DEFAULT), else direct. src may be
 * NULL (not readable here). */
void vg_net_route(const vg_proxy_sources_t *src, const char *mars,
                  vg_net_route_t *out);

/* One source as the same words ("direct", "proxy h:p", "PAC url",
 * "PAC url + proxy h:p"); "" when the source could not be read. WPAD
 * (automatic detection, on by default in Windows) is left out: it is a
 * fact of its own, not compared. */
void vg_net_src_value(const vg_proxy_src_t *s, int winhttp, char *out,
                      size_t outsz);

/* Records every source as facts (<prefix>_read, _enable, _server, _bypass,
 * _pac, _value) and reads them back; from_facts returns 0 or VG_ENOENT
 * when the facts hold no sources. */
void vg_net_sources_facts(const vg_proxy_sources_t *src, vg_facts_t *f);
int vg_net_sources_from_facts(const vg_facts_t *f, vg_proxy_sources_t *out);

/* The answer of a request as words: "HTTP 200", "name not resolved
 * (ERROR_WINHTTP_NAME_NOT_RESOLVED)" ... */
void vg_net_result_words(int rc, const vg_http_result_t *r, char *out,
                         size_t outsz);

/* ---------------------------------------------------------------- time */

/* A duration for people: "340 ms", "5.2 s", "42 s", "6 min 10 s", then
 * as vg_fmt_span ("3 h 5 min"). Negative values print as positive.
 * Returns buf. */
const char *vg_net_fmt_ms(char *buf, size_t size, int64_t ms);

#endif /* VG_NET_H */
