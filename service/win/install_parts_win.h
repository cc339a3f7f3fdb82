/* install_parts_win.h: the install steps the MSI runs through vigil.exe
 * (install_parts_win.c), usable by the full `vigil install` too. */
#ifndef VG_INSTALL_PARTS_WIN_H
#define VG_INSTALL_PARTS_WIN_H

#include <stddef.h>

/* `vigil install --acl-only [--config FILE] [--home DIR]` and
 * `vigil install --recovery-only`: argv/argc are the arguments after
 * "install". Returns the exit code, or -1 when neither flag is present
 * (the caller goes on with the full install). */
int vg_install_parts(int argc, char **argv);

/* Creates the data folder home (and parents) and gives it a protected DACL:
 * SYSTEM and Administrators full control, inherited inside. 0 or VG_E*
 * with a one-line reason in err. */
int vg_install_data_folder(const char *home, char *err, size_t errsz);

/* Copies src to home\vigil.ini unless that exists; src NULL or "" does
 * nothing. *copied tells whether it copied. 0 or VG_E* with err. */
int vg_install_copy_config(const char *home, const char *src, int *copied,
                           char *err, size_t errsz);

/* Service Vigil: restart after 1 min, 1 min, then every 5 min, reset after
 * a day, also on non-crash failures; delayed automatic start. What the SCM
 * does not support (Wine: the last two) goes to note, not an error.
 * 0 or VG_E* with err. */
int vg_install_recovery(char *err, size_t errsz, char *note, size_t notesz);

#endif /* VG_INSTALL_PARTS_WIN_H */
