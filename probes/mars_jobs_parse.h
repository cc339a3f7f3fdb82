/* mars_jobs_parse.h: what MARS itself records about its backup jobs,
 * parsed: the CloudBackup events (job outcomes), the lines of
 * CBEngineCurr.errlog (their error HRESULTs) and the
 * LastBackupFailedFiles*.txt lists (failed files by cause). Pure and
 * bounded: each parser looks only at the bytes it is given, whatever they
 * hold. Any thread. */
#ifndef VG_MARS_JOBS_PARSE_H
#define VG_MARS_JOBS_PARSE_H

#include "os.h"

#include <stddef.h>
#include <stdint.h>

/* ---- CloudBackup events --------------------------------------------- */

/* Event ids of the CloudBackup channel (probes.md; *unconfirmed* beyond
 * community scripts). */
enum {
  VG_EV_JOB_STARTED = 1,
  VG_EV_JOB_SUCCESS = 3,
  VG_EV_JOB_WARNINGS = 10,
  VG_EV_JOB_FAILED = 11,
  VG_EV_AGENT_OUTDATED = 14,
  VG_EV_QUOTA_NEAR = 16,
  VG_EV_SCHEDULE_INIT_FAILED = 18
};

typedef enum {
  VG_JOB_SUCCESS = 0,
  VG_JOB_WARNINGS,
  VG_JOB_FAILED
} vg_job_outcome_t;

#define VG_JOBS_MAX 10

typedef struct vg_job_s {
  int64_t at_ms;    /* the outcome event's time */
  int64_t start_ms; /* the start event before it; 0 = not found */
  int outcome;      /* vg_job_outcome_t */
  uint32_t event_id;
  uint32_t code; /* HRESULT named in the event's data; 0 = none */
} vg_job_t;

/* The job history folded from events handed newest first. Times are unix
 * ms; 0 = not seen. */
typedef struct vg_jobs_s {
  vg_job_t jobs[VG_JOBS_MAX]; /* newest first */
  size_t njobs;
  size_t outcomes; /* outcome events seen (may exceed VG_JOBS_MAX) */
  size_t events;   /* events looked at */
  int64_t oldest_ms;
  int64_t last_success_ms;   /* event 3 */
  int64_t last_completed_ms; /* event 3 or 10: the data was backed up */
  int64_t last_failure_ms;   /* event 11 or 18 */
  uint32_t last_failure_id;
  uint32_t last_failure_code;
  int64_t last_start_ms;
  int64_t last_outdated_ms;     /* event 14 */
  int64_t last_quota_ms;        /* event 16 */
  int failures_since_completed; /* 11/18 newer than the newest 3/10 */
  int warnings_in_a_row;        /* newest outcomes that are all 10 */
  /* internal */
  int seen_completed, open_job, streak_open;
} vg_jobs_t;

void vg_jobs_init(vg_jobs_t *j);
/* Folds one event in; call with events newest first. */
void vg_jobs_add(vg_jobs_t *j, const vg_event_t *ev);
/* "success", "warnings", "failed". */
const char *vg_job_outcome_name(int outcome);

/* The first HRESULT-looking number (0x8xxxxxxx, or an 8-digit hex or
 * decimal failure code in a <Data> element) in an event's data; 0 when
 * there is none. */
uint32_t vg_event_code(const char *data);

/* ---- CBEngineCurr.errlog --------------------------------------------- */

#define VG_ERRLOG_MSG_MAX 200

/* One line: pid, tid, MM/DD, time, n, file(line), [object], activity GUID,
 * (empty), LEVEL, message - tab-separated (runs of spaces are accepted
 * too); managed code's lines have no [object] column. */
typedef struct vg_errlog_line_s {
  int month, day, hour, minute, second, ms;
  char level[16]; /* NORMAL, INFO, WARNING, ERROR, FATAL, CRITICAL, ... */
  int has_hr;
  uint32_t hr;    /* from "Hr: = [0x80070005]" */
  char where[64]; /* "backupasync.cpp(1184)" */
  char message[VG_ERRLOG_MSG_MAX];
} vg_errlog_line_t;

typedef int (*vg_errlog_cb)(const vg_errlog_line_t *line,
                            void *ud); /* non-zero stops */

/* Hands every line of buf (UTF-8 text: see textconv.h) that has the
 * errlog's shape to cb, oldest first; others are skipped. partial: buf is
 * a tail whose first line is cut, skip it. Returns the lines handed. */
size_t vg_errlog_parse(const char *buf, size_t len, int partial,
                       vg_errlog_cb cb, void *ud);

/* 1 for a level at which an HRESULT means something went wrong
 * (WARNING and worse). */
int vg_errlog_is_problem(const char *level);

/* ---- LastBackupFailedFiles*.txt ------------------------------------- */

typedef enum {
  VG_FF_CORRUPT = 0, /* 0x80070570: corrupt file, run chkdsk */
  VG_FF_SCRATCH,     /* 0x80070002/3: scratch full or missing */
  VG_FF_ACCESS,      /* 0x80070005: antivirus */
  VG_FF_CLOUD,       /* 0x8007018B: cloud files */
  VG_FF_OTHER,       /* another code */
  VG_FF_NOCODE,      /* a file without a code */
  VG_FF_CLASSES
} vg_ff_class_t;

#define VG_FF_CODES_MAX 8

/* Counts, summed over the lists given to vg_failed_files_parse. */
typedef struct vg_failed_files_s {
  uint64_t files; /* lines naming a file (a drive or UNC path) */
  uint64_t by_class[VG_FF_CLASSES];
  uint32_t codes[VG_FF_CODES_MAX]; /* distinct codes, in order seen */
  uint64_t code_counts[VG_FF_CODES_MAX];
  size_t ncodes;
} vg_failed_files_t;

/* Adds the files of one list (UTF-8 text) to acc. partial as above. */
void vg_failed_files_parse(const char *buf, size_t len, int partial,
                           vg_failed_files_t *acc);

/* Class of a failed file's code, and what it means in words with the fix
 * ("a corrupt file or folder (0x80070570): run chkdsk on the volume"). */
vg_ff_class_t vg_failed_code_class(uint32_t code);
const char *vg_failed_class_words(vg_ff_class_t c);

/* A MARS error code in words: "0x80070570 ERROR_FILE_CORRUPT (the file or
 * folder is corrupt and unreadable)"; codes it does not know as
 * vg_hresult_describe does. Returns buf. */
const char *vg_mars_code_words(uint32_t code, char *buf, size_t size);

#endif /* VG_MARS_JOBS_PARSE_H */
