/* score.h: how a backup's outcome compares with the verdict Vigil gave
 * before it - the words of event 113 and the hit-rate line. Pure. */
#ifndef VG_SCORE_H
#define VG_SCORE_H

#include <stddef.h>

typedef struct vg_score_s {
  unsigned backups;          /* with a known outcome */
  unsigned failed;           /* failed or missed */
  unsigned failed_predicted; /* of those: will_fail or at_risk before */
  unsigned false_alarms;     /* will_fail before, then success/warnings */
  unsigned warnings_ok;      /* at_risk before, then success/warnings */
} vg_score_t;

/* One backup: outcome ("success", "warnings", "failed", "missed") against
 * verdict ("ready", "at_risk", "will_fail", "unknown"). Returns the
 * assessment ("predicted", "warned", "not predicted", "false alarm",
 * "warning, did not fail", "as predicted") and counts it in sc (may be
 * NULL). */
const char *vg_score_add(vg_score_t *sc, const char *outcome,
                         const char *verdict);

/* The hit-rate line: "last 30 scheduled backups: 2 failed, both predicted;
 * 1 warning given that did not fail". Returns buf. */
const char *vg_score_line(const vg_score_t *sc, char *buf, size_t size);

#endif /* VG_SCORE_H */
