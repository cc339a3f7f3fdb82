/* vg_win.h: small Windows helpers shared by service/win and probes/win:
 * UTF-8 <-> UTF-16 conversion and Win32 error mapping. */
#ifndef VG_WIN_H
#define VG_WIN_H

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <stddef.h>

/* Converts UTF-8 to a malloc'd UTF-16 string; NULL on failure. */
wchar_t *vg_wide(const char *s);
/* Converts UTF-16 into out (UTF-8). Returns 0 or VG_ERANGE/VG_EINVAL. */
int vg_utf8(const wchar_t *w, char *out, size_t outsz);
/* Maps a Win32 error code to a VG_E* code. */
int vg_win_err(DWORD err);
/* One-line system message for a Win32 error or HRESULT ("Access is denied.
 * (0x80070005)"), English where available. */
const char *vg_win_msg(DWORD err, char *buf, size_t size);

#endif /* VG_WIN_H */
