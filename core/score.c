/* score.c: outcome against verdict, and the hit-rate line (score.h). */
#include "score.h"

#include "vg.h"

#include <stdio.h>
#include <string.h>

const char *vg_score_add(vg_score_t *sc, const char *outcome,
                         const char *verdict) {
  int failed = strcmp(outcome, "failed") == 0 || strcmp(outcome, "missed") == 0;
  int will_fail = strcmp(verdict, "will_fail") == 0;
  int at_risk = strcmp(verdict, "at_risk") == 0;
  const char *a;
  if (failed)
    a = will_fail ? "predicted" : at_risk ? "warned" : "not predicted";
  else
    a = will_fail ? "false alarm"
        : at_risk ? "warning, did not fail"
                  : "as predicted";
  if (sc) {
    sc->backups++;
    if (failed) {
      sc->failed++;
      if (will_fail || at_risk) sc->failed_predicted++;
    } else if (will_fail) {
      sc->false_alarms++;
    } else if (at_risk) {
      sc->warnings_ok++;
    }
  }
  return a;
}

const char *vg_score_line(const vg_score_t *sc, char *buf, size_t size) {
  size_t pos = 0;
  if (size) buf[0] = '\0';
  vg_bufprintf(buf, size, &pos, "last %u scheduled backup%s: ", sc->backups,
               sc->backups == 1 ? "" : "s");
  if (sc->failed == 0)
    vg_bufprintf(buf, size, &pos, "none failed");
  else if (sc->failed_predicted == sc->failed)
    vg_bufprintf(buf, size, &pos, "%u failed, %s predicted", sc->failed,
                 sc->failed == 1   ? "it was"
                 : sc->failed == 2 ? "both"
                                   : "all");
  else
    vg_bufprintf(buf, size, &pos, "%u failed, %u of them predicted", sc->failed,
                 sc->failed_predicted);
  if (sc->false_alarms)
    vg_bufprintf(buf, size, &pos, "; %u \"will fail\" that succeeded",
                 sc->false_alarms);
  if (sc->warnings_ok)
    vg_bufprintf(buf, size, &pos, "; %u warning%s given that did not fail",
                 sc->warnings_ok, sc->warnings_ok == 1 ? "" : "s");
  return buf;
}
