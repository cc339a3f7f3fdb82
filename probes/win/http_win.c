/* http_win.c: one WinHTTP request as the network probes need it - bounded
 * by timeouts, through a given proxy or PAC script, with how far it got
 * (name, connection, TLS, answer) and the answer's Date. */
#include "net_win.h"

#include "net.h"
#include "vg.h"
#include "vg_win.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winhttp.h>

/* ----------------------------------------------------- the Date memory */

static SRWLOCK http_win_lock = SRWLOCK_INIT;
static vg_http_date_t http_win_seen;
static ULONGLONG http_win_date_tick;

static void http_win_remember(const char *url, int64_t date_ms,
                              int64_t local_ms) {
  AcquireSRWLockExclusive(&http_win_lock);
  vg_strlcpy(http_win_seen.url, url, sizeof(http_win_seen.url));
  http_win_seen.date_ms = date_ms;
  http_win_seen.local_ms = local_ms;
  http_win_date_tick = GetTickCount64();
  ReleaseSRWLockExclusive(&http_win_lock);
}

int vg__win_http_last_date(const vg_os_t *os, vg_http_date_t *out) {
  int rc = VG_ENOENT;
  (void)os;
  AcquireSRWLockShared(&http_win_lock);
  if (http_win_seen.date_ms) {
    *out = http_win_seen;
    out->age_ms = (int64_t)(GetTickCount64() - http_win_date_tick);
    rc = 0;
  }
  ReleaseSRWLockShared(&http_win_lock);
  return rc;
}

/* ---------------------------------------------------------- the request */

/* How far the request got, from WinHTTP's status notifications. */
enum {
  HTTP_WIN_NONE,
  HTTP_WIN_RESOLVING,
  HTTP_WIN_RESOLVED,
  HTTP_WIN_CONNECTING,
  HTTP_WIN_CONNECTED,
  HTTP_WIN_SENDING,
  HTTP_WIN_SENT,
  HTTP_WIN_RECEIVING,
  HTTP_WIN_RECEIVED
};

typedef struct http_win_state_s {
  volatile LONG stage;
  volatile LONG secure_flags;
} http_win_state_t;

static void CALLBACK http_win_cb(HINTERNET h, DWORD_PTR ctx, DWORD status,
                                 LPVOID info, DWORD len) {
  http_win_state_t *s = (http_win_state_t *)ctx;
  LONG st = HTTP_WIN_NONE;
  (void)h;
  if (s == NULL) return;
  switch (status) {
  case WINHTTP_CALLBACK_STATUS_RESOLVING_NAME: st = HTTP_WIN_RESOLVING; break;
  case WINHTTP_CALLBACK_STATUS_NAME_RESOLVED: st = HTTP_WIN_RESOLVED; break;
  case WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER:
    st = HTTP_WIN_CONNECTING;
    break;
  case WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER:
    st = HTTP_WIN_CONNECTED;
    break;
  case WINHTTP_CALLBACK_STATUS_SENDING_REQUEST: st = HTTP_WIN_SENDING; break;
  case WINHTTP_CALLBACK_STATUS_REQUEST_SENT: st = HTTP_WIN_SENT; break;
  case WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE:
    st = HTTP_WIN_RECEIVING;
    break;
  case WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED: st = HTTP_WIN_RECEIVED; break;
  case WINHTTP_CALLBACK_STATUS_SECURE_FAILURE:
    if (info && len >= sizeof(DWORD))
      InterlockedExchange(&s->secure_flags, (LONG) * (DWORD *)info);
    return;
  default: return;
  }
  if (st > s->stage) InterlockedExchange(&s->stage, st);
}

static const struct {
  DWORD code;
  const char *name, *words;
} http_win_errors[] = {
    {ERROR_WINHTTP_NAME_NOT_RESOLVED, "ERROR_WINHTTP_NAME_NOT_RESOLVED",
     "name not resolved"},
    {ERROR_WINHTTP_CANNOT_CONNECT, "ERROR_WINHTTP_CANNOT_CONNECT",
     "cannot connect"},
    {ERROR_WINHTTP_TIMEOUT, "ERROR_WINHTTP_TIMEOUT", "timed out"},
    {ERROR_WINHTTP_SECURE_FAILURE, "ERROR_WINHTTP_SECURE_FAILURE",
     "TLS failed"},
    {ERROR_WINHTTP_SECURE_FAILURE_PROXY, "ERROR_WINHTTP_SECURE_FAILURE_PROXY",
     "TLS to the proxy failed"},
    {ERROR_WINHTTP_SECURE_CHANNEL_ERROR, "ERROR_WINHTTP_SECURE_CHANNEL_ERROR",
     "TLS channel error (no common protocol or cipher?)"},
    {ERROR_WINHTTP_SECURE_INVALID_CA, "ERROR_WINHTTP_SECURE_INVALID_CA",
     "certificate from an untrusted authority (a TLS-inspecting proxy?)"},
    {ERROR_WINHTTP_SECURE_CERT_DATE_INVALID,
     "ERROR_WINHTTP_SECURE_CERT_DATE_INVALID",
     "certificate expired or not yet valid (or this clock is wrong)"},
    {ERROR_WINHTTP_SECURE_CERT_CN_INVALID,
     "ERROR_WINHTTP_SECURE_CERT_CN_INVALID",
     "certificate is for another name (a TLS-inspecting proxy?)"},
    {ERROR_WINHTTP_SECURE_CERT_REV_FAILED,
     "ERROR_WINHTTP_SECURE_CERT_REV_FAILED",
     "certificate revocation could not be checked (CRL/OCSP blocked?)"},
    {ERROR_WINHTTP_SECURE_CERT_REVOKED, "ERROR_WINHTTP_SECURE_CERT_REVOKED",
     "certificate revoked"},
    {ERROR_WINHTTP_SECURE_INVALID_CERT, "ERROR_WINHTTP_SECURE_INVALID_CERT",
     "invalid certificate"},
    {ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE,
     "ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE", "certificate not for servers"},
    {ERROR_WINHTTP_CONNECTION_ERROR, "ERROR_WINHTTP_CONNECTION_ERROR",
     "connection reset or closed"},
    {ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
     "ERROR_WINHTTP_INVALID_SERVER_RESPONSE", "invalid answer"},
    {ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED,
     "ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED",
     "the server wants a client certificate"},
    {ERROR_WINHTTP_INVALID_URL, "ERROR_WINHTTP_INVALID_URL", "invalid URL"},
    {ERROR_WINHTTP_UNRECOGNIZED_SCHEME, "ERROR_WINHTTP_UNRECOGNIZED_SCHEME",
     "unknown URL scheme"},
    {ERROR_WINHTTP_AUTODETECTION_FAILED, "ERROR_WINHTTP_AUTODETECTION_FAILED",
     "proxy auto-detection failed"},
    {ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT,
     "ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT",
     "the proxy auto-config script could not be downloaded"},
    {ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT, "ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT",
     "the proxy auto-config script failed"},
    {ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR,
     "ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR",
     "the WinHTTP auto-proxy service failed"},
    {ERROR_WINHTTP_OPERATION_CANCELLED, "ERROR_WINHTTP_OPERATION_CANCELLED",
     "cancelled"},
    {ERROR_WINHTTP_RESEND_REQUEST, "ERROR_WINHTTP_RESEND_REQUEST",
     "the request had to be resent"},
};

/* Fills error, error_name and error_text for a Win32/WinHTTP error. */
static void http_win_name(DWORD err, vg_http_result_t *out) {
  size_t i;
  out->error = err;
  for (i = 0; i < VG_ARRAY_SIZE(http_win_errors); i++)
    if (http_win_errors[i].code == err) {
      vg_strlcpy(out->error_name, http_win_errors[i].name,
                 sizeof(out->error_name));
      vg_strlcpy(out->error_text, http_win_errors[i].words,
                 sizeof(out->error_text));
      return;
    }
  snprintf(out->error_name, sizeof(out->error_name), "error %lu",
           (unsigned long)err);
  vg_win_msg(err, out->error_text, sizeof(out->error_text));
}

/* The TLS failure flags of WINHTTP_CALLBACK_STATUS_SECURE_FAILURE in
 * words, the likeliest cause first. */
static const struct {
  DWORD flag;
  const char *words;
} http_win_secure[] = {
    {WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA,
     "certificate from an untrusted authority (a TLS-inspecting proxy?)"},
    {WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID,
     "certificate expired or not yet valid (or this clock is wrong)"},
    {WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID,
     "certificate is for another name (a TLS-inspecting proxy?)"},
    {WINHTTP_CALLBACK_STATUS_FLAG_CERT_REVOKED, "certificate revoked"},
    {WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED,
     "certificate revocation could not be checked (CRL/OCSP blocked?)"},
    {WINHTTP_CALLBACK_STATUS_FLAG_SECURITY_CHANNEL_ERROR,
     "TLS channel error (no common protocol or cipher?)"},
    {WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT, "invalid certificate"},
};

static const char *http_win_secure_words(DWORD f) {
  size_t i;
  for (i = 0; i < VG_ARRAY_SIZE(http_win_secure); i++)
    if (f & http_win_secure[i].flag) return http_win_secure[i].words;
  return NULL;
}

/* Maps a failure to the VG_E* code and the stage flags. */
static int http_win_fail(DWORD err, const http_win_state_t *s, int https,
                         vg_http_result_t *out) {
  LONG st = s->stage;
  const char *tls_words = http_win_secure_words((DWORD)s->secure_flags);
  char prefix[VG_PROXY_STR_MAX + 16] = "";
  http_win_name(err, out);
  if (out->proxy_used[0] && st < HTTP_WIN_CONNECTED)
    snprintf(prefix, sizeof(prefix), "proxy %s: ", out->proxy_used);
  switch (err) {
  case ERROR_WINHTTP_NAME_NOT_RESOLVED: out->dns = 0; break;
  case ERROR_WINHTTP_CANNOT_CONNECT:
    out->dns = 1;
    out->tcp = 0;
    break;
  case ERROR_WINHTTP_TIMEOUT:
    if (st < HTTP_WIN_RESOLVED) {
      out->dns = 0;
      vg_strlcpy(out->error_text, "timed out resolving the name",
                 sizeof(out->error_text));
    } else if (st < HTTP_WIN_CONNECTED) {
      out->dns = 1;
      out->tcp = 0;
      vg_strlcpy(out->error_text, "timed out connecting",
                 sizeof(out->error_text));
    } else {
      out->dns = out->tcp = 1;
      if (https && st >= HTTP_WIN_SENT) out->tls = 1;
      vg_strlcpy(out->error_text, "timed out waiting for the answer",
                 sizeof(out->error_text));
    }
    break;
  case ERROR_WINHTTP_SECURE_FAILURE:
  case ERROR_WINHTTP_SECURE_FAILURE_PROXY:
  case ERROR_WINHTTP_SECURE_CHANNEL_ERROR:
  case ERROR_WINHTTP_SECURE_INVALID_CA:
  case ERROR_WINHTTP_SECURE_CERT_DATE_INVALID:
  case ERROR_WINHTTP_SECURE_CERT_CN_INVALID:
  case ERROR_WINHTTP_SECURE_CERT_REV_FAILED:
  case ERROR_WINHTTP_SECURE_CERT_REVOKED:
  case ERROR_WINHTTP_SECURE_INVALID_CERT:
  case ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE:
    out->dns = out->tcp = 1;
    out->tls = 0;
    if (tls_words)
      snprintf(out->error_text, sizeof(out->error_text), "TLS failed: %s",
               tls_words);
    break;
  default:
    if (st >= HTTP_WIN_RESOLVED) out->dns = 1;
    if (st >= HTTP_WIN_CONNECTED) out->tcp = 1;
    break;
  }
  if (prefix[0]) {
    char t[sizeof(out->error_text)];
    snprintf(t, sizeof(t), "%s%s", prefix, out->error_text);
    vg_strlcpy(out->error_text, t, sizeof(out->error_text));
  }
  switch (err) {
  case ERROR_WINHTTP_NAME_NOT_RESOLVED: return VG_ENOENT;
  case ERROR_WINHTTP_CANNOT_CONNECT:
  case ERROR_WINHTTP_CONNECTION_ERROR: return VG_ECONN;
  case ERROR_WINHTTP_TIMEOUT: return VG_ETIMEDOUT;
  case ERROR_NOT_ENOUGH_MEMORY: return VG_ENOMEM;
  default: return VG_EIO;
  }
}

/* The answer's Date: as SYSTEMTIME where WinHTTP parses it, else the text
 * through our own parser. 0 when there is none. */
static int64_t http_win_date(HINTERNET req) {
  SYSTEMTIME st;
  FILETIME ft;
  DWORD sz = sizeof(st);
  wchar_t w[128];
  char a[128];
  int64_t ms = 0;
  if (WinHttpQueryHeaders(
          req, WINHTTP_QUERY_DATE | WINHTTP_QUERY_FLAG_SYSTEMTIME,
          WINHTTP_HEADER_NAME_BY_INDEX, &st, &sz, WINHTTP_NO_HEADER_INDEX) &&
      SystemTimeToFileTime(&st, &ft)) {
    ms = vg_win_ft_ms(&ft);
    if (ms > 0) return ms;
  }
  sz = sizeof(w) - sizeof(wchar_t);
  memset(w, 0, sizeof(w));
  if (WinHttpQueryHeaders(req, WINHTTP_QUERY_DATE, WINHTTP_HEADER_NAME_BY_INDEX,
                          w, &sz, WINHTTP_NO_HEADER_INDEX) &&
      vg_utf8(w, a, sizeof(a)) == 0 && vg_net_http_date(a, strlen(a), &ms) == 0)
    return ms;
  return 0;
}

/* Runs the PAC script for url; on success sets the request's proxy and
 * proxy_used. On failure records pac_error and applies the fallback. */
static void http_win_pac(HINTERNET session, HINTERNET hreq, const wchar_t *wurl,
                         const vg_http_req_t *req, vg_http_result_t *out) {
  WINHTTP_AUTOPROXY_OPTIONS ao;
  WINHTTP_PROXY_INFO pi;
  wchar_t *wpac = vg_wide(req->pac_url);
  memset(&ao, 0, sizeof(ao));
  memset(&pi, 0, sizeof(pi));
  if (wpac == NULL) return;
  ao.dwFlags = WINHTTP_AUTOPROXY_CONFIG_URL;
  ao.lpszAutoConfigUrl = wpac;
  ao.fAutoLogonIfChallenged = TRUE;
  if (WinHttpGetProxyForUrl(session, wurl, &ao, &pi)) {
    if (pi.dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY && pi.lpszProxy) {
      WinHttpSetOption(hreq, WINHTTP_OPTION_PROXY, &pi, sizeof(pi));
      vg_utf8(pi.lpszProxy, out->proxy_used, sizeof(out->proxy_used));
    }
  } else {
    vg_http_result_t e;
    DWORD err = GetLastError();
    memset(&e, 0, sizeof(e));
    http_win_name(err, &e);
    snprintf(out->pac_error, sizeof(out->pac_error), "%s (%s)", e.error_text,
             e.error_name);
    if (req->proxy && *req->proxy) {
      wchar_t *wp = vg_wide(req->proxy);
      WINHTTP_PROXY_INFO fb;
      memset(&fb, 0, sizeof(fb));
      fb.dwAccessType = WINHTTP_ACCESS_TYPE_NAMED_PROXY;
      fb.lpszProxy = wp;
      if (wp) WinHttpSetOption(hreq, WINHTTP_OPTION_PROXY, &fb, sizeof(fb));
      vg_strlcpy(out->proxy_used, req->proxy, sizeof(out->proxy_used));
      free(wp);
    }
  }
  if (pi.lpszProxy) GlobalFree(pi.lpszProxy);
  if (pi.lpszProxyBypass) GlobalFree(pi.lpszProxyBypass);
  free(wpac);
}

int vg__win_http_get(const vg_os_t *os, const vg_http_req_t *req,
                     vg_http_result_t *out) {
  vg_net_url_t u;
  char why[120];
  wchar_t *wurl = NULL, *whost = NULL, *wpath = NULL, *wproxy = NULL;
  wchar_t *wmethod = NULL;
  HINTERNET session = NULL, conn = NULL, hreq = NULL;
  http_win_state_t state;
  ULONGLONG t0 = GetTickCount64();
  int named = req->proxy && *req->proxy && !(req->pac_url && *req->pac_url);
  int tmo = (int)(req->timeout_ms ? req->timeout_ms : 30000), half;
  DWORD v, status = 0, sz;
  int rc = 0;
  (void)os;

  memset(out, 0, sizeof(*out));
  memset(&state, 0, sizeof(state));
  out->dns = out->tcp = out->tls = -1;
  if (vg_net_url_parse(req->url, &u, why, sizeof(why))) {
    vg_strlcpy(out->error_text, why, sizeof(out->error_text));
    return VG_EINVAL;
  }
  wurl = vg_wide(req->url);
  whost = vg_wide(u.host);
  wpath = vg_wide(u.path);
  wmethod = vg_wide(req->method && *req->method ? req->method : "GET");
  if (named) wproxy = vg_wide(req->proxy);
  if (!wurl || !whost || !wpath || !wmethod || (named && !wproxy)) {
    rc = VG_ENOMEM;
    vg_strlcpy(out->error_text, "out of memory", sizeof(out->error_text));
    goto done;
  }
  if (named) vg_strlcpy(out->proxy_used, req->proxy, sizeof(out->proxy_used));
  session = WinHttpOpen(
      L"Vigil/" VG_VERSION " (MARS health check)",
      named ? WINHTTP_ACCESS_TYPE_NAMED_PROXY : WINHTTP_ACCESS_TYPE_NO_PROXY,
      named ? wproxy : WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0);
  if (session == NULL) goto fail;
  /* Name, connection and sending in half the time each, at most two
   * addresses of a name; the answer in all of it. */
  half = tmo / 2 >= 1000 ? tmo / 2 : tmo;
  if (!WinHttpSetTimeouts(session, half, half, half, tmo)) goto fail;
  v = 2;
  WinHttpSetOption(session, WINHTTP_OPTION_CONNECT_RETRIES, &v, sizeof(v));
  WinHttpSetStatusCallback(session, http_win_cb,
                           WINHTTP_CALLBACK_FLAG_RESOLVE_NAME |
                               WINHTTP_CALLBACK_FLAG_CONNECT_TO_SERVER |
                               WINHTTP_CALLBACK_FLAG_SEND_REQUEST |
                               WINHTTP_CALLBACK_FLAG_RECEIVE_RESPONSE |
                               WINHTTP_CALLBACK_FLAG_SECURE_FAILURE,
                           0);
  conn = WinHttpConnect(session, whost, (INTERNET_PORT)u.port, 0);
  if (conn == NULL) goto fail;
  hreq = WinHttpOpenRequest(conn, wmethod, wpath, NULL, WINHTTP_NO_REFERER,
                            WINHTTP_DEFAULT_ACCEPT_TYPES,
                            u.https ? WINHTTP_FLAG_SECURE : 0);
  if (hreq == NULL) goto fail;
  v = WINHTTP_DISABLE_REDIRECTS;
  WinHttpSetOption(hreq, WINHTTP_OPTION_DISABLE_FEATURE, &v, sizeof(v));
  v = (DWORD)tmo;
  WinHttpSetOption(hreq, WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, &v,
                   sizeof(v));
  if (req->pac_url && *req->pac_url)
    http_win_pac(session, hreq, wurl, req, out);
  if (!WinHttpSendRequest(hreq, WINHTTP_NO_ADDITIONAL_HEADERS, 0,
                          WINHTTP_NO_REQUEST_DATA, 0, 0, (DWORD_PTR)&state))
    goto fail;
  if (!WinHttpReceiveResponse(hreq, NULL)) goto fail;
  out->local_ms = vg_win_now_ms();
  sz = sizeof(status);
  if (!WinHttpQueryHeaders(
          hreq, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
          WINHTTP_HEADER_NAME_BY_INDEX, &status, &sz, WINHTTP_NO_HEADER_INDEX))
    goto fail;
  out->status = (int)status;
  out->dns = out->tcp = 1;
  out->tls = u.https ? 1 : -1;
  out->date_ms = http_win_date(hreq);
  if (out->date_ms) http_win_remember(req->url, out->date_ms, out->local_ms);
  goto done;
fail:
  rc = http_win_fail(GetLastError(), &state, u.https, out);
done:
  if (session) WinHttpSetStatusCallback(session, NULL, 0, 0);
  if (hreq) WinHttpCloseHandle(hreq);
  if (conn) WinHttpCloseHandle(conn);
  if (session) WinHttpCloseHandle(session);
  out->elapsed_ms = (int64_t)(GetTickCount64() - t0);
  free(wurl);
  free(whost);
  free(wpath);
  free(wproxy);
  free(wmethod);
  return rc;
}
