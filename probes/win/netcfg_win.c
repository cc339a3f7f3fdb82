/* netcfg_win.c: where the SYSTEM account's proxy is set (WinINet values of
 * HKU\S-1-5-18 and HKU\.DEFAULT, the per-machine policy, the WinHTTP
 * default, the current user's IE configuration) and the time zone with
 * its rules for this year and the next. */
#include "net_win.h"

#include "vg.h"
#include "vg_win.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winhttp.h>

#define NETCFG_INET                                                            \
  L"Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings"
#define NETCFG_POLICY                                                          \
  L"SOFTWARE\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings"

/* ------------------------------------------------------------- proxies */

/* A REG_SZ value of hk into out ("" when absent or not text). */
static void netcfg_sz(HKEY hk, const wchar_t *name, char *out, size_t size) {
  wchar_t buf[VG_PROXY_STR_MAX + 1];
  DWORD type = 0, sz = sizeof(buf) - sizeof(wchar_t);
  out[0] = '\0';
  memset(buf, 0, sizeof(buf));
  if (RegQueryValueExW(hk, name, NULL, &type, (BYTE *)buf, &sz) ==
          ERROR_SUCCESS &&
      (type == REG_SZ || type == REG_EXPAND_SZ))
    vg_utf8(buf, out, size);
}

/* A REG_DWORD value; -1 when absent. */
static long netcfg_dword(HKEY hk, const wchar_t *name) {
  DWORD type = 0, v = 0, sz = sizeof(v);
  if (RegQueryValueExW(hk, name, NULL, &type, (BYTE *)&v, &sz) !=
          ERROR_SUCCESS ||
      type != REG_DWORD)
    return -1;
  return (long)v;
}

/* ProxyEnable, ProxyServer, ProxyOverride, AutoConfigURL of root\path. */
static void netcfg_wininet(HKEY root, const wchar_t *path,
                           vg_proxy_src_t *out) {
  HKEY hk = NULL;
  LSTATUS st =
      RegOpenKeyExW(root, path, 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &hk);
  memset(out, 0, sizeof(*out));
  if (st == ERROR_FILE_NOT_FOUND || st == ERROR_PATH_NOT_FOUND) {
    out->read = 0;
    return;
  }
  if (st != ERROR_SUCCESS) {
    out->read = vg_win_err((DWORD)st);
    return;
  }
  out->read = 1;
  out->enabled = netcfg_dword(hk, L"ProxyEnable") > 0;
  netcfg_sz(hk, L"ProxyServer", out->server, sizeof(out->server));
  netcfg_sz(hk, L"ProxyOverride", out->bypass, sizeof(out->bypass));
  netcfg_sz(hk, L"AutoConfigURL", out->pac, sizeof(out->pac));
  RegCloseKey(hk);
}

/* The account this process runs as, and whether it is LocalSystem. */
static void netcfg_account(vg_proxy_sources_t *out) {
  wchar_t name[128];
  DWORD n = VG_ARRAY_SIZE(name);
  HANDLE tok = NULL;
  BYTE buf[256];
  DWORD len = 0;
  if (GetUserNameW(name, &n)) vg_utf8(name, out->account, sizeof(out->account));
  if (OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok)) {
    if (GetTokenInformation(tok, TokenUser, buf, sizeof(buf), &len))
      out->account_system =
          IsWellKnownSid(((TOKEN_USER *)buf)->User.Sid, WinLocalSystemSid) != 0;
    CloseHandle(tok);
  }
}

int vg__win_proxy_sources(const vg_os_t *os, vg_proxy_sources_t *out) {
  WINHTTP_PROXY_INFO pi;
  WINHTTP_CURRENT_USER_IE_PROXY_CONFIG ie;
  HKEY hk = NULL;
  (void)os;
  memset(out, 0, sizeof(*out));
  out->per_user = -1;

  netcfg_wininet(HKEY_USERS, L"S-1-5-18\\" NETCFG_INET, &out->system);
  netcfg_wininet(HKEY_USERS, L".DEFAULT\\" NETCFG_INET, &out->dflt);
  if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, NETCFG_POLICY, 0,
                    KEY_QUERY_VALUE | KEY_WOW64_64KEY, &hk) == ERROR_SUCCESS) {
    out->per_user = (int)netcfg_dword(hk, L"ProxySettingsPerUser");
    RegCloseKey(hk);
  }
  if (out->per_user == 0)
    netcfg_wininet(HKEY_LOCAL_MACHINE, NETCFG_INET, &out->machine);

  memset(&pi, 0, sizeof(pi));
  if (WinHttpGetDefaultProxyConfiguration(&pi)) {
    out->winhttp.read = 1;
    out->winhttp.enabled =
        pi.dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY && pi.lpszProxy;
    if (pi.lpszProxy)
      vg_utf8(pi.lpszProxy, out->winhttp.server, sizeof(out->winhttp.server));
    if (pi.lpszProxyBypass)
      vg_utf8(pi.lpszProxyBypass, out->winhttp.bypass,
              sizeof(out->winhttp.bypass));
    if (pi.lpszProxy) GlobalFree(pi.lpszProxy);
    if (pi.lpszProxyBypass) GlobalFree(pi.lpszProxyBypass);
  } else {
    out->winhttp.read = vg_win_err(GetLastError());
    if (out->winhttp.read == 0) out->winhttp.read = VG_EIO;
  }

  memset(&ie, 0, sizeof(ie));
  if (WinHttpGetIEProxyConfigForCurrentUser(&ie)) {
    out->ie.read = 1;
    out->ie.auto_detect = ie.fAutoDetect != FALSE;
    out->ie.enabled = ie.lpszProxy != NULL;
    if (ie.lpszProxy)
      vg_utf8(ie.lpszProxy, out->ie.server, sizeof(out->ie.server));
    if (ie.lpszProxyBypass)
      vg_utf8(ie.lpszProxyBypass, out->ie.bypass, sizeof(out->ie.bypass));
    if (ie.lpszAutoConfigUrl)
      vg_utf8(ie.lpszAutoConfigUrl, out->ie.pac, sizeof(out->ie.pac));
    if (ie.lpszProxy) GlobalFree(ie.lpszProxy);
    if (ie.lpszProxyBypass) GlobalFree(ie.lpszProxyBypass);
    if (ie.lpszAutoConfigUrl) GlobalFree(ie.lpszAutoConfigUrl);
  } else {
    DWORD err = GetLastError();
    out->ie.read = err == ERROR_FILE_NOT_FOUND ? 0 : vg_win_err(err);
    if (out->ie.read == 0 && err != ERROR_FILE_NOT_FOUND) out->ie.read = VG_EIO;
  }
  netcfg_account(out);
  return 0;
}

/* ----------------------------------------------------------- time zone */

static void netcfg_systime(const SYSTEMTIME *st, vg_systime_t *out) {
  out->year = st->wYear;
  out->month = st->wMonth;
  out->day_of_week = st->wDayOfWeek;
  out->day = st->wDay;
  out->hour = st->wHour;
  out->minute = st->wMinute;
  out->second = st->wSecond;
  out->ms = st->wMilliseconds;
}

/* One rule set from TIME_ZONE_INFORMATION's fields (the dynamic form has
 * the same ones). */
static void netcfg_rules(int year, LONG bias, LONG std_bias, LONG dst_bias,
                         const SYSTEMTIME *std, const SYSTEMTIME *dst,
                         vg_tz_year_t *out) {
  out->year = year;
  out->bias = bias;
  out->std_bias = std_bias;
  out->dst_bias = dst_bias;
  netcfg_systime(std, &out->std_date);
  netcfg_systime(dst, &out->dst_date);
}

/* The zone (GetDynamicTimeZoneInformation) with this year's and the next
 * year's rules (GetTimeZoneInformationForYear). Worker thread. */
int vg__win_time_zone(const vg_os_t *os, vg_time_zone_t *out) {
  DYNAMIC_TIME_ZONE_INFORMATION d;
  SYSTEMTIME now;
  DWORD id;
  int k;
  (void)os;
  vg_tz_set_utc(out);
  memset(&d, 0, sizeof(d));
  out->now_ms = vg_win_now_ms();
  GetSystemTime(&now);
  id = GetDynamicTimeZoneInformation(&d);
  if (id == TIME_ZONE_ID_INVALID) return vg_win_err(GetLastError());
  out->id = (int)id;
  vg_utf8(d.TimeZoneKeyName, out->key_name, sizeof(out->key_name));
  vg_utf8(d.StandardName, out->std_name, sizeof(out->std_name));
  vg_utf8(d.DaylightName, out->dst_name, sizeof(out->dst_name));
  out->auto_dst = !d.DynamicDaylightTimeDisabled;
  netcfg_rules(0, d.Bias, d.StandardBias, d.DaylightBias, &d.StandardDate,
               &d.DaylightDate, &out->rules);
  for (k = 0; k < 2; k++) {
    TIME_ZONE_INFORMATION t;
    int year = now.wYear + k;
    memset(&t, 0, sizeof(t));
    if (GetTimeZoneInformationForYear((USHORT)year, &d, &t)) {
      netcfg_rules(year, t.Bias, t.StandardBias, t.DaylightBias,
                   &t.StandardDate, &t.DaylightDate, &out->years[k]);
    } else {
      /* The zone's standing rules stand in for that year. */
      out->years_err = GetLastError();
      if (out->years_err == 0) out->years_err = ERROR_GEN_FAILURE;
      out->years[k] = out->rules;
      out->years[k].year = year;
    }
  }
  out->nyears = 2;
  if (id == TIME_ZONE_ID_UNKNOWN) { /* no daylight saving time now */
    memset(&out->rules.std_date, 0, sizeof(out->rules.std_date));
    memset(&out->rules.dst_date, 0, sizeof(out->rules.dst_date));
  }
  return 0;
}
