/* jobs_win.h: the Windows readers of the turn-2 OS table entries for the
 * backup schedule and job outcomes: task folders (task_win.c) and the event
 * log (events_win.c). See os.h for each contract. Worker threads. */
#ifndef VG_JOBS_WIN_H
#define VG_JOBS_WIN_H

#include "os.h"

#include <stddef.h>

int vg__win_task_list(const vg_os_t *os, const char *folder,
                      vg_task_names_t *out);
int vg__win_event_query(const vg_os_t *os, const char *channel,
                        const char *xpath, size_t max, vg_event_cb cb, void *ud,
                        char *why, size_t whysz);
int vg__win_event_channels(const vg_os_t *os, vg_name_cb cb, void *ud,
                           char *why, size_t whysz);

#endif /* VG_JOBS_WIN_H */
