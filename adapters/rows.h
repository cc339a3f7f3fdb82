/* rows.h: store rows as JSON (adapter between the store and the pipe). */
#ifndef VG_ROWS_H
#define VG_ROWS_H

#include "json.h"
#include "store.h"

/* One sample (history) and one state change (events) as JSON objects, as
 * docs/protocol.md shows them, appended to the vg_jw_t *jw: the row
 * callbacks of vg_store_history() and vg_store_changes(). Return 0. */
int vg_sample_row(const vg_sample_t *s, void *jw);
int vg_change_row(const vg_change_t *c, void *jw);
/* One scheduled backup (vg_store_backups row) with its assessment. */
int vg_backup_row(const vg_backup_t *b, void *jw);

#endif /* VG_ROWS_H */
