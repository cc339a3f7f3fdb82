/* file_replace_win.c: vg_file_replace with MoveFileExW(REPLACE_EXISTING),
 * which replaces the target in one step on the same volume. */
#include "file_replace.h"

#include "vg.h"
#include "vg_win.h"

#include <stdio.h>
#include <stdlib.h>

int vg_file_replace(const char *from, const char *to, char *err, size_t errsz) {
  wchar_t *wf = vg_wide(from), *wt = vg_wide(to);
  DWORD e = 0;
  BOOL ok;
  if (wf == NULL || wt == NULL) {
    free(wf);
    free(wt);
    snprintf(err, errsz, "out of memory or invalid UTF-8 in the path");
    return VG_EIO;
  }
  ok = MoveFileExW(wf, wt, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH);
  if (!ok) e = GetLastError();
  free(wf);
  free(wt);
  if (ok) return 0;
  vg_win_msg(e, err, errsz);
  return e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND     ? VG_ENOENT
         : e == ERROR_ACCESS_DENIED || e == ERROR_SHARING_VIOLATION ? VG_EACCES
                                                                    : VG_EIO;
}
