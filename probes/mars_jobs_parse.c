/* mars_jobs_parse.c: CloudBackup events folded into a job history,
 * CBEngineCurr.errlog lines and LastBackupFailedFiles lists
 * (mars_jobs_parse.h). */
#include "mars_jobs_parse.h"

#include "hresult.h"
#include "vg.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- events */

void vg_jobs_init(vg_jobs_t *j) {
  memset(j, 0, sizeof(*j));
  j->open_job = -1;
  j->streak_open = 1;
}

const char *vg_job_outcome_name(int outcome) {
  switch (outcome) {
  case VG_JOB_SUCCESS: return "success";
  case VG_JOB_WARNINGS: return "warnings";
  default: return "failed";
  }
}

void vg_jobs_add(vg_jobs_t *j, const vg_event_t *ev) {
  int outcome = -1;
  j->events++;
  if (ev->time_ms && (j->oldest_ms == 0 || ev->time_ms < j->oldest_ms))
    j->oldest_ms = ev->time_ms;
  switch (ev->id) {
  case VG_EV_JOB_SUCCESS: outcome = VG_JOB_SUCCESS; break;
  case VG_EV_JOB_WARNINGS: outcome = VG_JOB_WARNINGS; break;
  case VG_EV_JOB_FAILED:
  case VG_EV_SCHEDULE_INIT_FAILED: outcome = VG_JOB_FAILED; break;
  case VG_EV_JOB_STARTED:
    if (j->last_start_ms == 0) j->last_start_ms = ev->time_ms;
    if (j->open_job >= 0) {
      j->jobs[j->open_job].start_ms = ev->time_ms;
      j->open_job = -1;
    }
    return;
  case VG_EV_AGENT_OUTDATED:
    if (j->last_outdated_ms == 0) j->last_outdated_ms = ev->time_ms;
    return;
  case VG_EV_QUOTA_NEAR:
    if (j->last_quota_ms == 0) j->last_quota_ms = ev->time_ms;
    return;
  default: return;
  }
  j->outcomes++;
  j->open_job = -1;
  if (j->njobs < VG_JOBS_MAX) {
    vg_job_t *job = &j->jobs[j->njobs];
    memset(job, 0, sizeof(*job));
    job->at_ms = ev->time_ms;
    job->outcome = outcome;
    job->event_id = ev->id;
    job->code = outcome == VG_JOB_FAILED ? vg_event_code(ev->data) : 0;
    j->open_job = (int)j->njobs++;
  }
  if (outcome == VG_JOB_WARNINGS && j->streak_open)
    j->warnings_in_a_row++;
  else
    j->streak_open = 0;
  if (outcome == VG_JOB_FAILED) {
    if (j->last_failure_ms == 0) {
      j->last_failure_ms = ev->time_ms;
      j->last_failure_id = ev->id;
      j->last_failure_code = vg_event_code(ev->data);
    }
    if (!j->seen_completed) j->failures_since_completed++;
    return;
  }
  if (outcome == VG_JOB_SUCCESS && j->last_success_ms == 0)
    j->last_success_ms = ev->time_ms;
  if (j->last_completed_ms == 0) j->last_completed_ms = ev->time_ms;
  j->seen_completed = 1;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = tolower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* Hex digits at s (at most 8, no more follow): *v, returns their count. */
static int hex32(const char *s, uint32_t *v) {
  int n = 0;
  *v = 0;
  while (n < 8 && hexval((unsigned char)s[n]) >= 0)
    *v = *v << 4 | (uint32_t)hexval((unsigned char)s[n++]);
  if (n == 0 || hexval((unsigned char)s[n]) >= 0) return 0;
  return n;
}

uint32_t vg_event_code(const char *data) {
  const char *p;
  uint32_t v;
  if (data == NULL) return 0;
  for (p = data; *p; p++)
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        (p == data || !isalnum((unsigned char)p[-1])) &&
        hex32(p + 2, &v) == 8 && (v & 0x80000000u))
      return v;
  /* a failure code written in decimal as the whole of a <Data> element */
  for (p = strstr(data, "<Data"); p; p = strstr(p + 1, "<Data")) {
    const char *gt = strchr(p, '>');
    char *end;
    long long n;
    if (gt == NULL) break;
    if (!(isdigit((unsigned char)gt[1]) || gt[1] == '-')) continue;
    n = strtoll(gt + 1, &end, 10);
    if (*end != '<') continue;
    if (n >= -2147483648ll && n < 0) return (uint32_t)(int32_t)n;
    if (n >= 0x80000000ll && n <= 0xFFFFFFFFll) return (uint32_t)n;
  }
  return 0;
}

/* ---------------------------------------------------------------- errlog */

#define EL_FIELDS 16

typedef struct el_field_s {
  const char *p;
  size_t n;
} el_field_t;

static const char *const el_levels[] = {
    "NORMAL", "INFO",    "INFORMATION", "VERBOSE", "DEBUG",
    "TRACE",  "WARNING", "ERROR",       "FATAL",   "CRITICAL"};

static int el_level(const el_field_t *f) {
  size_t i;
  for (i = 0; i < VG_ARRAY_SIZE(el_levels); i++)
    if (f->n == strlen(el_levels[i]) && memcmp(f->p, el_levels[i], f->n) == 0)
      return 1;
  return 0;
}

int vg_errlog_is_problem(const char *level) {
  return strcmp(level, "WARNING") == 0 || strcmp(level, "ERROR") == 0 ||
         strcmp(level, "FATAL") == 0 || strcmp(level, "CRITICAL") == 0;
}

/* "MM/DD" */
static int el_date(const el_field_t *f, int *m, int *d) {
  const char *s = f->p;
  if (f->n != 5 || !isdigit((unsigned char)s[0]) ||
      !isdigit((unsigned char)s[1]) || s[2] != '/' ||
      !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
    return 0;
  *m = (s[0] - '0') * 10 + (s[1] - '0');
  *d = (s[3] - '0') * 10 + (s[4] - '0');
  return *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
}

/* "HH:MM:SS" with an optional ".mmm" */
static int el_time(const el_field_t *f, vg_errlog_line_t *l) {
  const char *s = f->p;
  size_t i;
  if (f->n < 8) return 0;
  for (i = 0; i < 8; i++)
    if (i % 3 == 2 ? s[i] != ':' : !isdigit((unsigned char)s[i])) return 0;
  l->hour = (s[0] - '0') * 10 + (s[1] - '0');
  l->minute = (s[3] - '0') * 10 + (s[4] - '0');
  l->second = (s[6] - '0') * 10 + (s[7] - '0');
  l->ms = 0;
  if (f->n > 8) {
    int scale = 100;
    if (s[8] != '.') return 0;
    for (i = 9; i < f->n; i++) {
      if (!isdigit((unsigned char)s[i])) return 0;
      l->ms += (s[i] - '0') * scale;
      scale /= 10;
    }
  }
  return l->hour < 24 && l->minute < 60 && l->second < 61;
}

/* The "Hr: = [0x...]" code in a message. */
static int el_hr(const char *msg, uint32_t *hr) {
  const char *p;
  for (p = msg; (p = strchr(p, ':')) != NULL; p++) {
    const char *q = p + 1;
    if (p - msg < 2 || tolower((unsigned char)p[-1]) != 'r' ||
        tolower((unsigned char)p[-2]) != 'h')
      continue;
    while (*q == ' ' || *q == '=' || *q == '[')
      q++;
    if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X') && hex32(q + 2, hr))
      return 1;
  }
  return 0;
}

static void el_copy(char *dst, size_t size, const char *p, size_t n) {
  size_t i, o = 0;
  for (i = 0; i < n && o + 1 < size; i++)
    dst[o++] = p[i] == '\t' ? ' ' : p[i];
  dst[o] = '\0';
}

/* Parses one line [p, end); returns 1 when it has the errlog's shape. */
static int el_line(const char *p, const char *end, vg_errlog_line_t *l) {
  el_field_t fs[EL_FIELDS];
  size_t nf = 0, tabs = 0, i, j, k;
  const char *q;
  for (q = p; q < end; q++)
    if (*q == '\t') tabs++;
  q = p;
  while (q < end && nf < EL_FIELDS) {
    const char *s;
    if (tabs < 5)
      while (q < end && *q == ' ')
        q++;
    s = q;
    while (q < end && (tabs >= 5 ? *q != '\t' : *q != ' '))
      q++;
    fs[nf].p = s;
    fs[nf].n = (size_t)(q - s);
    nf++;
    if (q < end) q++;
  }
  memset(l, 0, sizeof(*l));
  for (i = 0; i + 1 < nf && i < 5; i++)
    if (el_date(&fs[i], &l->month, &l->day) && el_time(&fs[i + 1], l)) break;
  if (i + 1 >= nf || i >= 5) return 0;
  for (j = i + 2; j < nf && !el_level(&fs[j]); j++)
    ;
  if (j >= nf) return 0;
  el_copy(l->level, sizeof(l->level), fs[j].p, fs[j].n);
  for (k = i + 2; k < j; k++)
    if (fs[k].n > 3 && fs[k].p[0] != '[' && fs[k].p[fs[k].n - 1] == ')' &&
        memchr(fs[k].p, '(', fs[k].n)) {
      el_copy(l->where, sizeof(l->where), fs[k].p, fs[k].n);
      break;
    }
  q = fs[j].p + fs[j].n;
  while (q < end && (*q == '\t' || *q == ' '))
    q++;
  el_copy(l->message, sizeof(l->message), q, (size_t)(end - q));
  l->has_hr = el_hr(l->message, &l->hr);
  return 1;
}

/* Calls fn on every line of buf (without its end of line). */
static size_t each_line(const char *buf, size_t len, int partial,
                        int (*fn)(const char *p, const char *end, void *ud),
                        void *ud) {
  const char *p = buf, *end = buf + len;
  size_t n = 0;
  if (partial) {
    const char *nl = memchr(p, '\n', len);
    p = nl ? nl + 1 : end;
  }
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl : end;
    while (e > p && (e[-1] == '\r' || e[-1] == '\0'))
      e--;
    if (fn(p, e, ud) < 0) break;
    n++;
    p = nl ? nl + 1 : end;
  }
  return n;
}

typedef struct el_ctx_s {
  vg_errlog_cb cb;
  void *ud;
  size_t handed;
  vg_errlog_line_t line;
} el_ctx_t;

static int el_each(const char *p, const char *end, void *ud) {
  el_ctx_t *c = ud;
  if (!el_line(p, end, &c->line)) return 0;
  c->handed++;
  return c->cb(&c->line, c->ud) ? -1 : 0;
}

size_t vg_errlog_parse(const char *buf, size_t len, int partial,
                       vg_errlog_cb cb, void *ud) {
  el_ctx_t *c = malloc(sizeof(*c));
  size_t n;
  if (c == NULL || buf == NULL) {
    free(c);
    return 0;
  }
  c->cb = cb;
  c->ud = ud;
  c->handed = 0;
  each_line(buf, len, partial, el_each, c);
  n = c->handed;
  free(c);
  return n;
}

/* ---------------------------------------------------------- failed files */

vg_ff_class_t vg_failed_code_class(uint32_t code) {
  switch (code) {
  case 0x80070570u: return VG_FF_CORRUPT;
  case 0x80070002u:
  case 0x80070003u: return VG_FF_SCRATCH;
  case 0x80070005u: return VG_FF_ACCESS;
  case 0x8007018Bu: return VG_FF_CLOUD;
  default: return VG_FF_OTHER;
  }
}

const char *vg_failed_class_words(vg_ff_class_t c) {
  switch (c) {
  case VG_FF_CORRUPT:
    return "corrupt file or folder (0x80070570): run chkdsk /f on its volume";
  case VG_FF_SCRATCH:
    return "file or path not found (0x80070002/3): the scratch folder is "
           "full or missing, or the files went away during the backup";
  case VG_FF_ACCESS:
    return "access denied (0x80070005): an antivirus is likely locking the "
           "files; exclude the scratch folder and cbengine.exe";
  case VG_FF_CLOUD:
    return "cloud files (0x8007018B): OneDrive or other Files On-Demand "
           "placeholders cannot be backed up; exclude them";
  case VG_FF_OTHER: return "another error code";
  default: return "no error code given";
  }
}

static int ff_path(const char *p, const char *end) {
  for (; p + 2 < end; p++) {
    if (isalpha((unsigned char)p[0]) && p[1] == ':' && p[2] == '\\') return 1;
    if (p[0] == '\\' && p[1] == '\\') return 1;
  }
  return 0;
}

static int ff_code(const char *p, const char *end, uint32_t *code) {
  for (; p + 2 < end; p++)
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
      char hex[12];
      size_t n = (size_t)(end - (p + 2)) < 10 ? (size_t)(end - (p + 2)) : 10;
      memcpy(hex, p + 2, n);
      hex[n] = '\0';
      if (hex32(hex, code)) return 1;
    }
  return 0;
}

static int ff_each(const char *p, const char *end, void *ud) {
  vg_failed_files_t *acc = ud;
  uint32_t code;
  size_t i;
  vg_ff_class_t c;
  if (!ff_path(p, end)) return 0;
  acc->files++;
  if (!ff_code(p, end, &code)) {
    acc->by_class[VG_FF_NOCODE]++;
    return 0;
  }
  c = vg_failed_code_class(code);
  acc->by_class[c]++;
  for (i = 0; i < acc->ncodes; i++)
    if (acc->codes[i] == code) break;
  if (i == acc->ncodes && acc->ncodes < VG_FF_CODES_MAX) {
    acc->codes[i] = code;
    acc->ncodes++;
  }
  if (i < acc->ncodes) acc->code_counts[i]++;
  return 0;
}

void vg_failed_files_parse(const char *buf, size_t len, int partial,
                           vg_failed_files_t *acc) {
  if (buf == NULL) return;
  each_line(buf, len, partial, ff_each, acc);
}

const char *vg_mars_code_words(uint32_t code, char *buf, size_t size) {
  static const struct {
    uint32_t code;
    const char *name, *meaning;
  } codes[] = {
      {0x80070570u, "ERROR_FILE_CORRUPT",
       "a file or folder is corrupt and unreadable: run chkdsk"},
      {0x8007018Bu, "ERROR_CLOUD_FILE_ACCESS_DENIED",
       "a cloud file (Files On-Demand placeholder) cannot be read"},
      {0x80070070u, "ERROR_DISK_FULL", "there is not enough space on the disk"},
      {0x80070020u, "ERROR_SHARING_VIOLATION",
       "the file is in use by another process"},
  };
  size_t i;
  for (i = 0; i < VG_ARRAY_SIZE(codes); i++)
    if (codes[i].code == code) {
      snprintf(buf, size, "0x%08X %s (%s)", (unsigned)code, codes[i].name,
               codes[i].meaning);
      return buf;
    }
  return vg_hresult_describe(code, buf, size);
}
