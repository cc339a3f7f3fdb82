/* fuzz_net.c: libFuzzer target for the network probes' parsers - URLs,
 * endpoint and proxy lists, bypass lists, HTTP Dates and response heads,
 * time zone rules: never crash, and what parses keeps its promises. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "vg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_net_fail(const char *what) {
  fprintf(stderr, "fuzz_net: %s\n", what);
  abort();
}

/* A time zone whose rules come from the input's bytes. */
static void fuzz_net_zone(const uint8_t *d, size_t n) {
  vg_time_zone_t tz;
  int64_t at = 0, now;
  int to = 0, i, k;
  int32_t shift = 0;
  if (n < 40) return;
  memset(&tz, 0, sizeof(tz));
  tz.nyears = d[0] % 3;
  for (i = 0; i < 2; i++) {
    vg_tz_year_t *r = &tz.years[i];
    const uint8_t *p = d + 1 + i * 19;
    r->year = 1990 + p[0] % 200;
    r->bias = (int8_t)p[1] * 8;
    r->std_bias = (int8_t)p[2];
    r->dst_bias = (int8_t)p[3];
    for (k = 0; k < 2; k++) {
      vg_systime_t *t = k ? &r->std_date : &r->dst_date;
      const uint8_t *q = p + 4 + k * 7;
      t->year = q[0] & 1 ? 1990 + q[0] % 100 : 0;
      t->month = q[1] % 14;
      t->day_of_week = q[2] % 8;
      t->day = q[3] % 33;
      t->hour = q[4] % 25;
      t->minute = q[5] % 61;
      t->second = q[6] % 61;
    }
  }
  now = ((int64_t)d[39] << 32) | ((int64_t)d[38] << 24);
  if (vg_tz_next_change(&tz, now, &at, &to, &shift) == 0 && at <= now)
    fuzz_net_fail("next change not after now");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s, out[VG_PROXY_STR_MAX], items[VG_NET_ENDPOINTS_MAX][VG_HTTP_URL_MAX];
  char why[120];
  vg_net_url_t u;
  int status;
  int64_t ms;
  size_t head, n, i;

  s = malloc(size + 1);
  if (s == NULL) return 0;
  memcpy(s, data, size);
  s[size] = '\0';

  if (vg_net_url_parse(s, &u, why, sizeof(why)) == 0) {
    if (u.host[0] == '\0' || u.port == 0 || u.port > 65535 || u.path[0] != '/')
      fuzz_net_fail("URL accepted without host, port or path");
  } else if (strlen(why) == 0) {
    fuzz_net_fail("URL refused without a reason");
  }
  n = vg_net_split(s, items[0], VG_HTTP_URL_MAX, VG_NET_ENDPOINTS_MAX);
  for (i = 0; i < n && i < VG_NET_ENDPOINTS_MAX; i++)
    if (strlen(items[i]) >= VG_HTTP_URL_MAX) fuzz_net_fail("item too long");
  if (vg_net_proxy_for(s, "https", out, sizeof(out)) == 0 &&
      strchr(out, ':') == NULL)
    fuzz_net_fail("proxy without a port");
  vg_net_proxy_for(s, "http", out, sizeof(out));
  vg_net_bypassed(s, "login.windows.net");
  vg_net_bypassed("<local>;*.contoso.com;*a*b*c*", s);
  if (vg_net_http_date((const char *)data, size, &ms) == 0 && ms < 0)
    fuzz_net_fail("date before 1970");
  if (vg_net_http_head((const char *)data, size, &status, &ms, &head) == 0 &&
      (head > size || status < 100 || status > 999))
    fuzz_net_fail("head out of bounds");
  fuzz_net_zone(data, size);
  free(s);
  return 0;
}
