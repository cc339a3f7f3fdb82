/* hresult.h: HRESULTs (and the Task Scheduler's last-result codes) in
 * words, on every platform, so evaluate can explain recorded facts; and
 * how collect records a failed COM call. */
#ifndef VG_HRESULT_H
#define VG_HRESULT_H

#include "facts.h"

#include <stddef.h>
#include <stdint.h>

/* Symbolic name ("E_NOTIMPL") of a known code, or NULL. Any thread. */
const char *vg_hresult_name(uint32_t hr);
/* Meaning in words ("not implemented on this system") of a known code, or
 * NULL. Any thread. */
const char *vg_hresult_meaning(uint32_t hr);
/* "0x80004001 E_NOTIMPL (not implemented on this system)"; for codes not in
 * the table the Win32 error number of a FACILITY_WIN32 code, else just the
 * number. Returns buf. Any thread. */
const char *vg_hresult_describe(uint32_t hr, char *buf, size_t size);
/* VG_E* class of a failure code: VG_ENOTSUP (E_NOTIMPL), VG_EACCES,
 * VG_ENOENT (class/file/path not found), VG_ETIMEDOUT, else VG_EIO.
 * Returns 0 for success codes. */
int vg_hresult_err(uint32_t hr);
/* 1 when hr is a failure code (severity bit set). */
int vg_hresult_failed(uint32_t hr);

/* Records a failed OS call that reported an HRESULT (the os.h readers'
 * .hr and .call): the facts hresult and failed_call, and the collect
 * failure err with the reason "<call> returned <hr in words>". Returns
 * vg_facts_fail's result (err), for collect to return. Worker thread. */
int vg_hresult_fail(vg_facts_t *f, int err, uint32_t hr, const char *call);

#endif /* VG_HRESULT_H */
