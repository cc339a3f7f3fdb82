/* fuzz_task_xml.c: libFuzzer target for a scheduled task's definition
 * file (task_xml.c) and the next-run computation over whatever triggers it
 * yields (task_next_run.c), in UTC and in Berlin's daylight saving rules:
 * never crash, never loop, every run strictly after the time asked. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "task_next_run.h"
#include "task_xml.h"
#include "tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vg_task_xml_t fuzz_x;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const int64_t nows[] = {1764000000000ll, 1743296400000ll,
                                 1761440400000ll, 0, -5000000000000ll};
  vg_time_zone_t tz[2];
  size_t i, k, t;
  int64_t at;
  vg_tz_set_utc(&tz[0]);
  vg_tz_set_berlin(&tz[1]);
  if (vg_task_xml_parse((const char *)data, size, &fuzz_x) != 0) return 0;
  if (fuzz_x.ntriggers > VG_TASK_TRIGGERS_MAX) abort();
  for (t = 0; t < fuzz_x.ntriggers; t++) {
    vg_task_trigger_t *tr = &fuzz_x.triggers[t];
    if (strlen(tr->start) >= sizeof(tr->start)) abort();
    vg_task_trigger_max_gap(tr);
  }
  for (k = 0; k < 2; k++)
    for (i = 0; i < sizeof(nows) / sizeof(nows[0]); i++)
      if (vg_task_next_run(fuzz_x.triggers, fuzz_x.ntriggers, nows[i], &tz[k],
                           &at) == 0 &&
          at <= nows[i])
        abort();
  return 0;
}
