/* service_ctl.h: the Windows service commands (SCM); on POSIX they say
 * they apply to Windows only. Composition root. */
#ifndef VG_SERVICE_CTL_H
#define VG_SERVICE_CTL_H

/* Windows service commands (SCM); on POSIX they print that they apply to
 * Windows only and return 2. argv/argc are the arguments after the verb. */
int vg_service_dispatch(int argc, char **argv);
int vg_service_install(int argc, char **argv);
int vg_service_uninstall(int argc, char **argv);
int vg_service_start(int argc, char **argv);
int vg_service_stop(int argc, char **argv);

#endif /* VG_SERVICE_CTL_H */
