/* prom.h: the findings in the Prometheus text exposition format, as
 * windows_exporter's textfile collector reads it (docs/metrics.md is the
 * contract), and the atomic write of vigil.prom. */
#ifndef VG_PROM_H
#define VG_PROM_H

#include "buf.h"
#include "report_view.h"

#include <stddef.h>

/* Largest vigil.prom Vigil writes (a few KB in practice). */
#define VG_PROM_MAX (1u << 20)
#define VG_PROM_FILE "vigil.prom"
#define VG_PROM_TMP "vigil.prom.tmp"

/* Appends the exposition of r to out: UTF-8 without BOM, LF line ends, a
 * final newline, HELP and TYPE once per family, every series once. A
 * family without samples is left out. Returns 0, or out->err (VG_ENOMEM,
 * VG_ETOOBIG) when out could not hold it. Pure; any thread. */
int vg_prom_render(const vg_report_view_t *r, vg_buf_t *out);

/* Writes text (len bytes, at most VG_PROM_MAX) to dir/vigil.prom.tmp and
 * renames it over dir/vigil.prom (MoveFileExW REPLACE_EXISTING on Windows,
 * rename() on POSIX), so the collector never reads half a file. dir is
 * UTF-8. Returns 0, VG_ETOOBIG, or VG_EIO/VG_ENOENT/VG_EACCES with err set
 * to one line naming the file and the reason (the tmp file is removed).
 * Blocking (small file): loop thread is fine, once per change. */
int vg_prom_write_file(const char *dir, const char *text, size_t len, char *err,
                       size_t errsz);

#endif /* VG_PROM_H */
