/* events_win.c: reading an event log channel through the Windows Event
 * Log API (wevtapi: EvtQuery newest first, EvtRender of the system
 * properties and the event's data) and listing channels. Wine's wevtapi
 * answers EvtQuery and EvtOpenChannelEnum with no handle and no error:
 * that is reported as "not supported", never as an empty log. */
#include "jobs_win.h"

#include "vg.h"
#include "vg_win.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winevt.h>

#define EV_BATCH 16
#define EV_XML_MAX (64 * 1024) /* an event's XML beyond this is not read */

/* Records the failing call and maps its error; an API that returned
 * nothing without an error is not implemented. */
static int ev_fail(const char *call, const char *channel, DWORD err, char *why,
                   size_t whysz) {
  char msg[200];
  if (err == 0 || err == ERROR_CALL_NOT_IMPLEMENTED ||
      err == ERROR_NOT_SUPPORTED || err == ERROR_PROC_NOT_FOUND) {
    snprintf(why, whysz,
             "%s%s%s%s returned no result and no error: the event log query "
             "API is not implemented on this system",
             call, channel ? "(" : "", channel ? channel : "",
             channel ? ")" : "");
    return VG_ENOTSUP;
  }
  snprintf(why, whysz, "%s%s%s%s: Win32 error %lu (%s)", call,
           channel ? "(" : "", channel ? channel : "", channel ? ")" : "",
           (unsigned long)err, vg_win_msg(err, msg, sizeof(msg)));
  if (err == ERROR_EVT_CHANNEL_NOT_FOUND ||
      err == ERROR_EVT_INVALID_CHANNEL_PATH)
    return VG_ENOENT;
  return vg_win_err(err);
}

/* The <EventData>..</EventData> (or <UserData>) part of the event's XML
 * into out, cut to fit; "" when it has none or cannot be rendered. */
static void ev_data(EVT_HANDLE h, char *out, size_t size) {
  DWORD used = 0, count = 0;
  wchar_t *xml = NULL;
  char *u8 = NULL, *from, *to;
  size_t n;
  out[0] = '\0';
  if (EvtRender(NULL, h, EvtRenderEventXml, 0, NULL, &used, &count) ||
      GetLastError() != ERROR_INSUFFICIENT_BUFFER || used == 0 ||
      used > EV_XML_MAX)
    return;
  xml = malloc(used + sizeof(wchar_t));
  u8 = malloc(used * 2 + 4);
  if (xml == NULL || u8 == NULL) goto done;
  if (!EvtRender(NULL, h, EvtRenderEventXml, used, xml, &used, &count))
    goto done;
  xml[used / sizeof(wchar_t)] = L'\0';
  if (vg_utf8(xml, u8, used * 2 + 4) != 0) goto done;
  from = strstr(u8, "<EventData");
  to = from ? strstr(from, "</EventData>") : NULL;
  if (from == NULL) {
    from = strstr(u8, "<UserData");
    to = from ? strstr(from, "</UserData>") : NULL;
  }
  if (from == NULL) goto done;
  n = to ? (size_t)(to - from) + (to[2] == 'E' ? 12 : 11) : strlen(from);
  if (n >= size) n = size - 1;
  memcpy(out, from, n);
  out[n] = '\0';
done:
  free(xml);
  free(u8);
}

/* System properties of one event into ev; 0 when they cannot be
 * rendered. */
static int ev_system(EVT_HANDLE ctx, EVT_HANDLE h, vg_event_t *ev) {
  union {
    EVT_VARIANT v[EvtSystemPropertyIdEND];
    char bytes[4096];
  } stack;
  void *buf = &stack, *heap = NULL;
  DWORD used = 0, count = 0;
  PEVT_VARIANT v;
  int ok = 0;
  memset(ev, 0, sizeof(*ev));
  if (!EvtRender(ctx, h, EvtRenderEventValues, sizeof(stack), buf, &used,
                 &count)) {
    /* long strings among the values (computer, user): room for them */
    if (GetLastError() != ERROR_INSUFFICIENT_BUFFER || used > 65536 ||
        (heap = malloc(used)) == NULL)
      return 0;
    buf = heap;
    if (!EvtRender(ctx, h, EvtRenderEventValues, used, buf, &used, &count))
      goto done;
  }
  if (count < EvtSystemEventRecordId + 1) goto done;
  v = buf;
  if ((v[EvtSystemEventID].Type & EVT_VARIANT_TYPE_MASK) == EvtVarTypeUInt16)
    ev->id = v[EvtSystemEventID].UInt16Val;
  if ((v[EvtSystemLevel].Type & EVT_VARIANT_TYPE_MASK) == EvtVarTypeByte)
    ev->level = v[EvtSystemLevel].ByteVal;
  if ((v[EvtSystemTimeCreated].Type & EVT_VARIANT_TYPE_MASK) ==
      EvtVarTypeFileTime)
    ev->time_ms = vg_win_filetime_ms(v[EvtSystemTimeCreated].FileTimeVal);
  if ((v[EvtSystemEventRecordId].Type & EVT_VARIANT_TYPE_MASK) ==
      EvtVarTypeUInt64)
    ev->record_id = v[EvtSystemEventRecordId].UInt64Val;
  if ((v[EvtSystemProviderName].Type & EVT_VARIANT_TYPE_MASK) ==
          EvtVarTypeString &&
      v[EvtSystemProviderName].StringVal)
    vg_utf8(v[EvtSystemProviderName].StringVal, ev->provider,
            sizeof(ev->provider));
  ok = 1;
done:
  free(heap);
  return ok;
}

int vg__win_event_query(const vg_os_t *os, const char *channel,
                        const char *xpath, size_t max, vg_event_cb cb, void *ud,
                        char *why, size_t whysz) {
  wchar_t *wch = vg_wide(channel), *wq = vg_wide(xpath ? xpath : "*");
  EVT_HANDLE q = NULL, ctx = NULL, hs[EV_BATCH];
  vg_event_t *ev = malloc(sizeof(*ev));
  size_t seen = 0;
  int rc = 0, stop = 0;
  (void)os;
  if (whysz) why[0] = '\0';
  if (wch == NULL || wq == NULL || ev == NULL) {
    rc = VG_ENOMEM;
    goto done;
  }
  SetLastError(0);
  q = EvtQuery(NULL, wch, wq, EvtQueryChannelPath | EvtQueryReverseDirection);
  if (q == NULL) {
    rc = ev_fail("EvtQuery", channel, GetLastError(), why, whysz);
    goto done;
  }
  SetLastError(0);
  ctx = EvtCreateRenderContext(0, NULL, EvtRenderContextSystem);
  if (ctx == NULL) {
    rc = ev_fail("EvtCreateRenderContext", NULL, GetLastError(), why, whysz);
    goto done;
  }
  while (!stop && seen < max) {
    DWORD got = 0, i,
          want = (DWORD)(max - seen < EV_BATCH ? max - seen : EV_BATCH);
    if (!EvtNext(q, want, hs, 5000, 0, &got)) {
      DWORD err = GetLastError();
      if (err != ERROR_NO_MORE_ITEMS)
        rc = ev_fail("EvtNext", channel, err, why, whysz);
      break;
    }
    for (i = 0; i < got; i++) {
      if (!stop && ev_system(ctx, hs[i], ev)) {
        ev_data(hs[i], ev->data, sizeof(ev->data));
        seen++;
        if (cb(ev, ud)) stop = 1;
      }
      EvtClose(hs[i]);
    }
    if (got == 0) break;
  }
done:
  if (ctx) EvtClose(ctx);
  if (q) EvtClose(q);
  free(ev);
  free(wch);
  free(wq);
  return rc;
}

int vg__win_event_channels(const vg_os_t *os, vg_name_cb cb, void *ud,
                           char *why, size_t whysz) {
  EVT_HANDLE en;
  DWORD cap = 512;
  wchar_t *name = malloc(cap * sizeof(wchar_t));
  char u8[2048];
  int rc = 0;
  (void)os;
  if (whysz) why[0] = '\0';
  if (name == NULL) return VG_ENOMEM;
  SetLastError(0);
  en = EvtOpenChannelEnum(NULL, 0);
  if (en == NULL) {
    free(name);
    return ev_fail("EvtOpenChannelEnum", NULL, GetLastError(), why, whysz);
  }
  for (;;) {
    DWORD used = 0;
    if (!EvtNextChannelPath(en, cap, name, &used)) {
      DWORD err = GetLastError();
      wchar_t *bigger;
      if (err == ERROR_INSUFFICIENT_BUFFER && used > cap && used <= 32768 &&
          (bigger = realloc(name, used * sizeof(wchar_t))) != NULL) {
        name = bigger; /* the same name again, with room for it */
        cap = used;
        continue;
      }
      if (err != ERROR_NO_MORE_ITEMS)
        rc = ev_fail("EvtNextChannelPath", NULL, err, why, whysz);
      break;
    }
    if (vg_utf8(name, u8, sizeof(u8)) != 0) continue;
    if (cb(u8, ud)) break;
  }
  EvtClose(en);
  free(name);
  return rc;
}
