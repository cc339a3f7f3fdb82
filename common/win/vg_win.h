/* vg_win.h: small Windows helpers shared by service/win and probes/win:
 * UTF-8 <-> UTF-16 conversion, Win32 error mapping and FILETIME to unix
 * time. */
#ifndef VG_WIN_H
#define VG_WIN_H

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <stddef.h>
#include <stdint.h>

/* Converts UTF-8 to a malloc'd UTF-16 string; NULL on failure. */
wchar_t *vg_wide(const char *s);
/* Converts UTF-16 into out (UTF-8). Returns 0 or VG_ERANGE/VG_EINVAL. */
int vg_utf8(const wchar_t *w, char *out, size_t outsz);
/* Maps a Win32 error code to a VG_E* code. */
int vg_win_err(DWORD err);
/* One-line system message for a Win32 error or HRESULT ("Access is denied.
 * (0x80070005)"), English where available. */
const char *vg_win_msg(DWORD err, char *buf, size_t size);
/* A FILETIME count (100 ns since 1601-01-01 UTC) as unix ms. Any thread. */
int64_t vg_win_filetime_ms(ULONGLONG ft);
/* The same for a FILETIME, and the system clock now as unix ms. */
int64_t vg_win_ft_ms(const FILETIME *ft);
int64_t vg_win_now_ms(void);

#endif /* VG_WIN_H */
