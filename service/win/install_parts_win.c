/* install_parts_win.c: the parts of installing Vigil that the MSI's tables
 * cannot express (installer/vigil.wxs), run by its deferred custom actions
 * as LocalSystem, after the service exists and before it starts:
 *
 *   vigil install --acl-only [--config FILE] [--home DIR]
 *       creates the data folder (HKLM\SOFTWARE\Vigil DataFolder, else
 *       %ProgramData%\Vigil) with a protected ACL: full control for SYSTEM
 *       and Administrators, nobody else; copies FILE to vigil.ini there
 *       unless a vigil.ini exists (an empty FILE means none).
 *   vigil install --recovery-only
 *       service Vigil: restart after 1 min, again after 1 min, then every
 *       5 min (failure count reset after a day), also when it stops with an
 *       error; delayed automatic start.
 *
 * main_win.c sends `vigil install` with either flag here; everything else
 * goes on to the full `vigil install` (service_win.c). */
#include "install_parts_win.h"

#include "platform.h"
#include "vg.h"
#include "vg_win.h"

#include <aclapi.h>
#include <sddl.h>
#include <shlobj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Protected (no inheritance from %ProgramData%), inherited by everything
 * created inside: SYSTEM and Administrators full control. */
#define DATA_SDDL L"D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"
#define CONFIG_MAX (1024 * 1024)

static void set_err(char *err, size_t size, const char *what, DWORD code) {
  char msg[200];
  snprintf(err, size, "%s: %s", what, vg_win_msg(code, msg, sizeof(msg)));
}

int vg_install_data_folder(const char *home, char *err, size_t errsz) {
  PSECURITY_DESCRIPTOR sd = NULL;
  SECURITY_ATTRIBUTES sa;
  PACL dacl = NULL;
  BOOL present = FALSE, defaulted = FALSE;
  wchar_t *w = vg_wide(home);
  DWORD rc;
  int ret = 0;
  if (w == NULL) {
    snprintf(err, errsz, "out of memory");
    return VG_ENOMEM;
  }
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(
          DATA_SDDL, SDDL_REVISION_1, &sd, NULL) ||
      !GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted)) {
    set_err(err, errsz, "building the data folder ACL", GetLastError());
    free(w);
    if (sd) LocalFree(sd);
    return VG_EINVAL;
  }
  sa.nLength = sizeof(sa);
  sa.lpSecurityDescriptor = sd;
  sa.bInheritHandle = FALSE;
  rc = (DWORD)SHCreateDirectoryExW(NULL, w, &sa);
  if (rc != ERROR_SUCCESS && rc != ERROR_ALREADY_EXISTS &&
      rc != ERROR_FILE_EXISTS) {
    char what[1200];
    snprintf(what, sizeof(what), "creating the data folder %s", home);
    set_err(err, errsz, what, rc);
    ret = vg_win_err(rc);
  } else {
    /* Also for a folder that was there already (upgrade, pre-created):
     * the protected DACL replaces what it had and reaches vigil.db and
     * vigil.ini through inheritance. */
    rc = SetNamedSecurityInfoW(w, SE_FILE_OBJECT,
                               DACL_SECURITY_INFORMATION |
                                   PROTECTED_DACL_SECURITY_INFORMATION,
                               NULL, NULL, dacl, NULL);
    if (rc != ERROR_SUCCESS) {
      char what[1200];
      snprintf(what, sizeof(what), "setting the ACL of %s", home);
      set_err(err, errsz, what, rc);
      ret = vg_win_err(rc);
    }
  }
  LocalFree(sd);
  free(w);
  return ret;
}

int vg_install_copy_config(const char *home, const char *src, int *copied,
                           char *err, size_t errsz) {
  char dst[1100];
  wchar_t *wsrc = NULL, *wdst = NULL;
  HANDLE in = INVALID_HANDLE_VALUE, out = INVALID_HANDLE_VALUE;
  char *buf = NULL;
  DWORD n = 0, done = 0;
  LARGE_INTEGER size;
  int ret = 0;
  *copied = 0;
  if (src == NULL || *src == '\0') return 0;
  if (snprintf(dst, sizeof(dst), "%s\\vigil.ini", home) >= (int)sizeof(dst)) {
    snprintf(err, errsz, "data folder path too long");
    return VG_ERANGE;
  }
  wsrc = vg_wide(src);
  wdst = vg_wide(dst);
  if (wsrc == NULL || wdst == NULL) {
    snprintf(err, errsz, "out of memory");
    ret = VG_ENOMEM;
    goto done;
  }
  in = CreateFileW(wsrc, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                   FILE_ATTRIBUTE_NORMAL, NULL);
  if (in == INVALID_HANDLE_VALUE) {
    char what[1200];
    snprintf(what, sizeof(what), "reading the config file %s (VIGILCONFIG)",
             src);
    set_err(err, errsz, what, GetLastError());
    ret = VG_ENOENT;
    goto done;
  }
  if (!GetFileSizeEx(in, &size) || size.QuadPart > CONFIG_MAX) {
    snprintf(err, errsz, "the config file %s is not a vigil.ini (over 1 MiB)",
             src);
    ret = VG_EINVAL;
    goto done;
  }
  buf = malloc((size_t)size.QuadPart + 1);
  if (buf == NULL || !ReadFile(in, buf, (DWORD)size.QuadPart, &n, NULL)) {
    set_err(err, errsz, "reading the config file", GetLastError());
    ret = VG_EIO;
    goto done;
  }
  /* A new file, so it inherits the data folder's ACL; an existing
   * vigil.ini is the admin's and stays. */
  out = CreateFileW(wdst, GENERIC_WRITE, 0, NULL, CREATE_NEW,
                    FILE_ATTRIBUTE_NORMAL, NULL);
  if (out == INVALID_HANDLE_VALUE) {
    DWORD e = GetLastError();
    if (e == ERROR_FILE_EXISTS || e == ERROR_ALREADY_EXISTS) goto done;
    {
      char what[1200];
      snprintf(what, sizeof(what), "creating %s", dst);
      set_err(err, errsz, what, e);
    }
    ret = vg_win_err(e);
    goto done;
  }
  if (!WriteFile(out, buf, n, &done, NULL) || done != n ||
      !FlushFileBuffers(out)) {
    DWORD e = GetLastError();
    CloseHandle(out);
    out = INVALID_HANDLE_VALUE;
    DeleteFileW(wdst);
    set_err(err, errsz, "writing vigil.ini", e);
    ret = VG_EIO;
    goto done;
  }
  *copied = 1;
done:
  if (in != INVALID_HANDLE_VALUE) CloseHandle(in);
  if (out != INVALID_HANDLE_VALUE) CloseHandle(out);
  free(buf);
  free(wsrc);
  free(wdst);
  return ret;
}

int vg_install_recovery(char *err, size_t errsz, char *note, size_t notesz) {
  SC_HANDLE scm, svc;
  SC_ACTION actions[3] = {{SC_ACTION_RESTART, 60 * 1000},
                          {SC_ACTION_RESTART, 60 * 1000},
                          {SC_ACTION_RESTART, 5 * 60 * 1000}};
  SERVICE_FAILURE_ACTIONSW fa;
  SERVICE_FAILURE_ACTIONS_FLAG flag;
  SERVICE_DELAYED_AUTO_START_INFO delayed;
  int ret = 0;
  note[0] = '\0';
  scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
  if (scm == NULL) {
    set_err(err, errsz, "opening the Service Control Manager", GetLastError());
    return vg_win_err(GetLastError());
  }
  svc = OpenServiceW(scm, L"Vigil", SERVICE_CHANGE_CONFIG | SERVICE_START);
  if (svc == NULL) {
    DWORD e = GetLastError();
    set_err(err, errsz, "opening service Vigil", e);
    CloseServiceHandle(scm);
    return vg_win_err(e);
  }
  memset(&fa, 0, sizeof(fa));
  fa.dwResetPeriod = 24 * 60 * 60;
  fa.cActions = 3;
  fa.lpsaActions = actions;
  if (!ChangeServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS, &fa)) {
    DWORD e = GetLastError();
    set_err(err, errsz, "setting the recovery actions of service Vigil", e);
    ret = vg_win_err(e);
    goto done;
  }
  /* Both below exist since Windows Vista; an SCM without them (Wine)
   * answers ERROR_INVALID_LEVEL: noted, not a failure. */
  flag.fFailureActionsOnNonCrashFailures = TRUE;
  if (!ChangeServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &flag)) {
    DWORD e = GetLastError();
    if (e != ERROR_INVALID_LEVEL) {
      set_err(err, errsz, "setting recovery on non-crash failures", e);
      ret = vg_win_err(e);
      goto done;
    }
    snprintf(note, notesz,
             "this Service Control Manager does not support "
             "recovery on non-crash failures");
  }
  delayed.fDelayedAutostart = TRUE;
  if (!ChangeServiceConfig2W(svc, SERVICE_CONFIG_DELAYED_AUTO_START_INFO,
                             &delayed)) {
    DWORD e = GetLastError();
    if (e != ERROR_INVALID_LEVEL) {
      set_err(err, errsz, "setting delayed automatic start", e);
      ret = vg_win_err(e);
      goto done;
    }
    snprintf(note + strlen(note), notesz - strlen(note),
             "%sdoes not support "
             "delayed automatic start",
             note[0] ? " and " : "this Service Control Manager ");
  }
done:
  CloseServiceHandle(svc);
  CloseServiceHandle(scm);
  return ret;
}

int vg_install_parts(int argc, char **argv) {
  const char *config = NULL, *home_arg = NULL;
  char home[1024], err[1400], note[300];
  int acl = 0, recovery = 0, copied = 0, i;
  for (i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--acl-only") == 0)
      acl = 1;
    else if (strcmp(argv[i], "--recovery-only") == 0)
      recovery = 1;
  }
  if (!acl && !recovery) return -1; /* the full `vigil install` */
  for (i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--acl-only") == 0 || strcmp(a, "--recovery-only") == 0)
      continue;
    if ((strcmp(a, "--config") == 0 || strcmp(a, "--home") == 0) && acl) {
      if (i + 1 >= argc) {
        fprintf(stderr, "vigil install: %s needs a value\n", a);
        return 2;
      }
      if (a[2] == 'c')
        config = argv[++i];
      else
        home_arg = argv[++i];
      continue;
    }
    fprintf(stderr,
            "vigil install: '%s' does not go with --acl-only or "
            "--recovery-only; usage: vigil install --acl-only "
            "[--config FILE] [--home DIR] | --recovery-only\n",
            a);
    return 2;
  }
  if (acl) {
    if (home_arg && *home_arg)
      vg_strlcpy(home, home_arg, sizeof(home));
    else if (vg_platform_home(home, sizeof(home)) != 0) {
      fprintf(stderr, "vigil install: data folder path too long\n");
      return 2;
    }
    if (vg_install_data_folder(home, err, sizeof(err)) != 0 ||
        vg_install_copy_config(home, config, &copied, err, sizeof(err)) != 0) {
      fprintf(stderr, "vigil install: %s\n", err);
      return 1;
    }
    printf("vigil install: data folder %s (SYSTEM and Administrators "
           "only)%s%s\n",
           home, copied ? "; vigil.ini copied from " : "",
           copied ? config : "");
    if (config && *config && !copied)
      printf("vigil install: kept the existing %s\\vigil.ini; %s not "
             "copied\n",
             home, config);
  }
  if (recovery) {
    if (vg_install_recovery(err, sizeof(err), note, sizeof(note)) != 0) {
      fprintf(stderr, "vigil install: %s\n", err);
      return 1;
    }
    printf("vigil install: service Vigil restarts after 1 min, 1 min, then "
           "every 5 min%s%s\n",
           note[0] ? "; " : "", note);
  }
  return 0;
}
