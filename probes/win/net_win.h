/* net_win.h: the network and time readers of the OS table on Windows
 * (http_win.c: WinHTTP requests; netcfg_win.c: proxy settings, time
 * zone). */
#ifndef VG_NET_WIN_H
#define VG_NET_WIN_H

#include "os.h"

/* The os.h entries (see there). Worker threads. */
int vg__win_http_get(const vg_os_t *os, const vg_http_req_t *req,
                     vg_http_result_t *out);
int vg__win_http_last_date(const vg_os_t *os, vg_http_date_t *out);
int vg__win_proxy_sources(const vg_os_t *os, vg_proxy_sources_t *out);
int vg__win_time_zone(const vg_os_t *os, vg_time_zone_t *out);

#endif /* VG_NET_WIN_H */
