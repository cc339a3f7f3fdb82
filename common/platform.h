/* platform.h: what differs between the Windows product and the POSIX
 * development build outside the probes: folders, the pipe name, the
 * service manager and the event sink (service/win/, service/posix/). */
#ifndef VG_PLATFORM_H
#define VG_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/* Default data folder: %ProgramData%\Vigil on Windows; $VIGIL_HOME, else
 * $HOME/.local/state/vigil on POSIX. Returns 0 or VG_ERANGE. */
int vg_platform_home(char *out, size_t size);
/* Query pipe: \\.\pipe\vigil on Windows; <home>/vigil.sock on POSIX.
 * $VIGIL_PIPE overrides both (tests). */
void vg_platform_pipe_name(const char *home, char *out, size_t size);
/* Creates the data folder (and parents) if missing. 0 or VG_E*. */
int vg_platform_mkdir(const char *path);

/* Sets an environment variable where both the OS and the C runtime see it
 * (on Windows SetEnvironmentVariable alone does not reach the C runtime's
 * getenv, which tests' COLUMNS goes through). 0 or VG_EINVAL. */
int vg_platform_setenv(const char *name, const char *value);

#endif /* VG_PLATFORM_H */
