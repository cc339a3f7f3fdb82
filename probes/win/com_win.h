/* com_win.h: the COM, WMI and SetupAPI readers of the OS table
 * (task_win.c, wmi_win.c, device_win.c) and the helpers they share. */
#ifndef VG_COM_WIN_H
#define VG_COM_WIN_H

#include "os.h"
#include "vg_win.h"

#include <oleauto.h>
#include <stddef.h>
#include <stdint.h>

/* The os.h entries (see there). Worker threads. */
int vg__win_task_query(const vg_os_t *os, const char *folder, const char *name,
                       vg_task_info_t *out);
int vg__win_shadow_storage(const vg_os_t *os, vg_shadow_info_t *out);
int vg__win_device_query(const vg_os_t *os, const char *class_guid, const char *hardware_id,
                         vg_device_list_t *out);
int vg__win_volume_dedup(const vg_os_t *os, const char *path, int *enabled, char *why,
                         size_t whysz);

/* Issue 13: volumes (volumes_win.c), VSS writers (vss_win.c), the
 * machine's names and services (machine_win.c). The os.h entries. */
int vg__win_volumes_list(const vg_os_t *os, vg_volume_list_t *out);
int vg__win_vss_writers(const vg_os_t *os, uint32_t timeout_ms,
                        vg_vss_writers_t *out);
int vg__win_computer_names(const vg_os_t *os, vg_computer_names_t *out);
int vg__win_svc_enum(const vg_os_t *os, vg_svc_enum_cb cb, void *ud);
/* Fills locked (and the bitlocker_* fields) of every volume in out from
 * WMI Win32_EncryptableVolume.GetLockStatus (wmi_win.c). Never fails: a
 * failure is recorded in out. Worker thread; initialises COM for the
 * call. */
void vg__win_bitlocker_status(vg_volume_list_t *out);

/* Initialises COM (multithreaded) on the calling thread for one call.
 * Returns S_OK and *owed = 1 when vg__com_leave must balance it, S_OK and
 * *owed = 0 when the thread already had COM in another mode (usable as
 * is), or the failure. */
HRESULT vg__com_enter(int *owed);
void vg__com_leave(int owed);

/* Records a failed call (name and HRESULT) and returns its VG_E* code. */
int vg__com_fail(uint32_t *hr_out, char *call, size_t callsz, const char *name,
                 HRESULT hr);

/* UTF-16 (NULL = "") to UTF-8, cut to fit. */
void vg__w2u(const wchar_t *w, char *out, size_t size);
/* A BSTR from UTF-8; NULL on failure. Free with SysFreeString. */
BSTR vg__bstr(const char *s);
/* Unix ms (UTC) of an OLE automation DATE in local time; 0 for DATE 0. */
int64_t vg__date_ms(DATE d);

#endif /* VG_COM_WIN_H */
