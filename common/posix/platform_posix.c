/* platform_posix.c: folders, events and (absent) service control for the
 * POSIX development build. */
#include "platform.h"

#include "vg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

int vg_platform_home(char *out, size_t size) {
  const char *h = getenv("VIGIL_HOME");
  if (h && *h) return vg_strlcpy(out, h, size);
  h = getenv("HOME");
  if (h == NULL || *h == '\0') h = "/tmp";
  return snprintf(out, size, "%s/.local/state/vigil", h) < (int)size
             ? 0
             : VG_ERANGE;
}

void vg_platform_pipe_name(const char *home, char *out, size_t size) {
  const char *p = getenv("VIGIL_PIPE");
  if (p && *p) vg_strlcpy(out, p, size);
  else snprintf(out, size, "%s/vigil.sock", home);
}

int vg_platform_mkdir(const char *path) {
  char tmp[1024];
  size_t i;
  if (vg_strlcpy(tmp, path, sizeof(tmp))) return VG_ERANGE;
  for (i = 1; tmp[i]; i++) {
    if (tmp[i] != '/') continue;
    tmp[i] = '\0';
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST) return VG_EACCES;
    tmp[i] = '/';
  }
  if (mkdir(tmp, 0700) != 0 && errno != EEXIST) return VG_EACCES;
  return 0;
}

int vg_platform_setenv(const char *name, const char *value) {
  return setenv(name, value, 1) == 0 ? 0 : VG_EINVAL;
}
