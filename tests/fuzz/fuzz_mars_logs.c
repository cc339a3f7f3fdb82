/* fuzz_mars_logs.c: libFuzzer target for what mars.jobs reads from MARS's
 * own files and events: text decoding (UTF-16 tails), CBEngineCurr.errlog
 * lines, LastBackupFailedFiles lists, event data codes and the job history
 * fold. Never crash, never read outside the input, every field bounded. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mars_jobs_parse.h"
#include "textconv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_line(const vg_errlog_line_t *l, void *ud) {
  size_t *n = ud;
  if (strlen(l->message) >= sizeof(l->message) ||
      strlen(l->where) >= sizeof(l->where) ||
      strlen(l->level) >= sizeof(l->level) || l->month < 1 || l->month > 12 ||
      l->day < 1 || l->day > 31)
    abort();
  (*n)++;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  size_t cap = size * 3 / 2 + 4, tlen, n = 0, i;
  char *text = malloc(cap);
  vg_failed_files_t ff;
  vg_jobs_t jobs;
  vg_event_t ev;
  if (text == NULL) return 0;
  tlen = vg_text_utf8((const char *)data, size, text, cap);
  if (tlen >= cap || text[tlen] != '\0') abort();
  /* the parsers get exactly the bytes, no terminator beyond them */
  vg_errlog_parse(text, tlen, size & 1, fuzz_line, &n);
  memset(&ff, 0, sizeof(ff));
  vg_failed_files_parse(text, tlen, 0, &ff);
  if (ff.ncodes > VG_FF_CODES_MAX) abort();
  for (i = 0; i < VG_FF_CLASSES; i++)
    if (ff.by_class[i] > ff.files) abort();
  /* the same bytes as an event's data, and as a run of events */
  memset(&ev, 0, sizeof(ev));
  memcpy(ev.data, text,
         tlen < sizeof(ev.data) - 1 ? tlen : sizeof(ev.data) - 1);
  vg_event_code(ev.data);
  vg_jobs_init(&jobs);
  for (i = 0; i + 4 <= size && i < 4096; i += 4) {
    ev.id = data[i] % 20;
    ev.time_ms = (int64_t)((uint32_t)data[i + 1] << 16 | data[i + 2] << 8 |
                           data[i + 3]) *
                 1000;
    vg_jobs_add(&jobs, &ev);
  }
  if (jobs.njobs > VG_JOBS_MAX) abort();
  free(text);
  return 0;
}
