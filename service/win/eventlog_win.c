/* eventlog_win.c: the Windows Event Log writer (source "Vigil").
 * Minimal form; the message table and flood control come with issue 4. */
#include "platform.h"

#include "vg.h"
#include "vg_win.h"

#include <stdio.h>
#include <stdlib.h>

static HANDLE ev_source;

void vg_events_open(void) {
  if (ev_source == NULL) ev_source = RegisterEventSourceW(NULL, L"Vigil");
}

void vg_events_close(void) {
  if (ev_source) DeregisterEventSource(ev_source);
  ev_source = NULL;
}

static void ev_report(WORD type, DWORD id, const char *text) {
  wchar_t *w = vg_wide(text);
  LPCWSTR strs[1];
  if (ev_source && w) {
    strs[0] = w;
    ReportEventW(ev_source, type, 0, id, NULL, 1, 0, strs, NULL);
  }
  free(w);
}

void vg_events_lifecycle(vg_event_kind_t kind, const char *text) {
  ev_report(kind == VG_EV_START_FAILED ? EVENTLOG_ERROR_TYPE
            : kind == VG_EV_CONFIG || kind == VG_EV_STORE
                ? EVENTLOG_WARNING_TYPE
                : EVENTLOG_INFORMATION_TYPE,
            (DWORD)kind, text);
  fprintf(stderr, "vigil: %s\n", text);
}

void vg_events_probe(const char *probe_id, vg_status_t old_status,
                     const vg_finding_t *f) {
  char text[600];
  snprintf(text, sizeof(text), "%s: %s -> %s: %s", probe_id,
           vg_status_name(old_status), vg_status_name(f->status), f->summary);
  ev_report(f->status == VG_ST_CRIT   ? EVENTLOG_ERROR_TYPE
            : f->status == VG_ST_WARN ? EVENTLOG_WARNING_TYPE
                                      : EVENTLOG_INFORMATION_TYPE,
            100, text);
}
