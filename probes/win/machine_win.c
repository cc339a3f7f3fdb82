/* machine_win.c: the names the machine answers to (GetComputerNameExW) and
 * the list of its services with display names and binaries (SCM). */
#include "com_win.h"

#include "vg.h"

#include <stdlib.h>
#include <string.h>

/* One name of the machine into out; "" when it has none of that kind (a
 * workgroup machine has no DNS domain). Returns 0 or the mapped error. */
static int machine_win_name(COMPUTER_NAME_FORMAT kind, char *out, size_t size) {
  wchar_t buf[512];
  DWORD n = (DWORD)VG_ARRAY_SIZE(buf);
  out[0] = '\0';
  if (!GetComputerNameExW(kind, buf, &n)) {
    DWORD e = GetLastError();
    return e == ERROR_MORE_DATA ? VG_ERANGE : vg_win_err(e);
  }
  buf[n < VG_ARRAY_SIZE(buf) ? n : VG_ARRAY_SIZE(buf) - 1] = L'\0';
  vg__w2u(buf, out, size);
  return 0;
}

int vg__win_computer_names(const vg_os_t *os, vg_computer_names_t *out) {
  int rc;
  (void)os;
  memset(out, 0, sizeof(*out));
  rc = machine_win_name(ComputerNameDnsHostname, out->host, sizeof(out->host));
  if (rc == 0)
    rc = machine_win_name(ComputerNameDnsFullyQualified, out->fqdn,
                          sizeof(out->fqdn));
  if (rc == 0)
    rc = machine_win_name(ComputerNameDnsDomain, out->domain,
                          sizeof(out->domain));
  if (rc == 0)
    rc = machine_win_name(ComputerNameNetBIOS, out->netbios,
                          sizeof(out->netbios));
  return rc;
}

/* Binary path of one service as configured ("" when it cannot be read:
 * a service the caller may not query is still listed). */
static void machine_win_binary(SC_HANDLE scm, const wchar_t *name, char *out,
                               size_t size) {
  SC_HANDLE svc = OpenServiceW(scm, name, SERVICE_QUERY_CONFIG);
  QUERY_SERVICE_CONFIGW *qc = NULL;
  DWORD need = 0;
  out[0] = '\0';
  if (svc == NULL) return;
  if (!QueryServiceConfigW(svc, NULL, 0, &need) &&
      GetLastError() == ERROR_INSUFFICIENT_BUFFER && need < 64 * 1024 &&
      (qc = malloc(need)) != NULL &&
      QueryServiceConfigW(svc, qc, need, &need) && qc->lpBinaryPathName)
    vg__w2u(qc->lpBinaryPathName, out, size);
  free(qc);
  CloseServiceHandle(svc);
}

int vg__win_svc_enum(const vg_os_t *os, vg_svc_enum_cb cb, void *ud) {
  enum { BUF_MAX = 1024 * 1024 };
  SC_HANDLE scm;
  BYTE *buf = NULL;
  DWORD size = 64 * 1024, need = 0, count = 0, resume = 0, i;
  char name[512], display[512], binary[1100];
  int rc = 0, more = 1;
  (void)os;
  scm = OpenSCManagerW(NULL, NULL,
                       SC_MANAGER_CONNECT | SC_MANAGER_ENUMERATE_SERVICE);
  if (scm == NULL) return vg_win_err(GetLastError());
  buf = malloc(size);
  if (buf == NULL) {
    CloseServiceHandle(scm);
    return VG_ENOMEM;
  }
  while (more) {
    ENUM_SERVICE_STATUS_PROCESSW *e;
    BOOL ok = EnumServicesStatusExW(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32,
                                    SERVICE_STATE_ALL, buf, size, &need, &count,
                                    &resume, NULL);
    DWORD err = ok ? 0 : GetLastError();
    if (!ok && err != ERROR_MORE_DATA) {
      rc = vg_win_err(err);
      break;
    }
    more = !ok;
    e = (ENUM_SERVICE_STATUS_PROCESSW *)buf;
    for (i = 0; i < count; i++) {
      vg__w2u(e[i].lpServiceName, name, sizeof(name));
      vg__w2u(e[i].lpDisplayName, display, sizeof(display));
      machine_win_binary(scm, e[i].lpServiceName, binary, sizeof(binary));
      if (cb(name, display, binary, ud)) {
        more = 0;
        break;
      }
    }
    /* Nothing fitted: grow the buffer (bounded) and ask again. */
    if (more && count == 0) {
      BYTE *bigger;
      if (need <= size || need > BUF_MAX) {
        rc = VG_ETOOBIG;
        break;
      }
      bigger = realloc(buf, need);
      if (bigger == NULL) {
        rc = VG_ENOMEM;
        break;
      }
      buf = bigger;
      size = need;
    }
  }
  free(buf);
  CloseServiceHandle(scm);
  return rc;
}
