/* fake_cbengine.c: a stand-in for MARS's cbengine.exe in the Wine lane - a
 * service that starts, reports running and stops on request, with the file
 * version the build gives its resource (fake_cbengine.rc). It runs as
 * obengine, or as the service named by its first argument (the env lane
 * plants a WinDefend with it). */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <stdio.h>

static wchar_t fake_name[64] = L"obengine";
static SERVICE_STATUS_HANDLE fake_status_handle;
static HANDLE fake_stop_event;

static void fake_report(DWORD state) {
  SERVICE_STATUS s;
  ZeroMemory(&s, sizeof(s));
  s.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  s.dwCurrentState = state;
  s.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP : 0;
  SetServiceStatus(fake_status_handle, &s);
}

static DWORD WINAPI fake_handler(DWORD control, DWORD type, void *data,
                                 void *ctx) {
  (void)type, (void)data, (void)ctx;
  if (control == SERVICE_CONTROL_STOP) {
    fake_report(SERVICE_STOP_PENDING);
    SetEvent(fake_stop_event);
  }
  return NO_ERROR;
}

static void WINAPI fake_main(DWORD argc, wchar_t **argv) {
  (void)argc, (void)argv;
  fake_status_handle =
      RegisterServiceCtrlHandlerExW(fake_name, fake_handler, NULL);
  if (fake_status_handle == NULL) return;
  fake_stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
  fake_report(SERVICE_RUNNING);
  WaitForSingleObject(fake_stop_event, INFINITE);
  fake_report(SERVICE_STOPPED);
}

int main(int argc, char **argv) {
  SERVICE_TABLE_ENTRYW table[] = {{fake_name, fake_main}, {NULL, NULL}};
  if (argc > 1 &&
      !MultiByteToWideChar(CP_ACP, 0, argv[1], -1, fake_name,
                           (int)(sizeof(fake_name) / sizeof(fake_name[0]))))
    return 1;
  if (!StartServiceCtrlDispatcherW(table)) {
    fprintf(stderr, "fake cbengine: run me as a service\n");
    return 1;
  }
  return 0;
}
