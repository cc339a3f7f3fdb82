/* test_mars_jobs.c: mars.jobs - the parsers against lines in MARS's
 * recorded formats (CBEngineCurr.errlog, LastBackupFailedFiles lists,
 * CloudBackup event data), the job history folded from events, evaluate
 * against recorded facts (tests/fixtures/mars.jobs), and collect on a fake
 * machine: the channel fallback, a multi-megabyte errlog read from its end
 * only, failed files by cause, and an event log API that is not there. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "config.h"
#include "fake_os.h"
#include "fixture_runner.h"
#include "probe_kit.h"
#include "mars.h"
#include "mars_jobs_parse.h"
#include "probe.h"
#include "timefmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IP "C:\\Program Files\\Microsoft Azure Recovery Services Agent"
#define TEMP IP "\\Temp"
#define ERRLOG TEMP "\\CBEngineCurr.errlog"
#define NOW 1764000000000ll /* 2025-11-24T16:00:00Z */
#define H 3600000ll
#define MJ_BIG (1536 * 1024) /* longer than the 1 MiB read of a list */

static int64_t utc(int y, int mo, int d, int h, int mi) {
  return vg_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400000ll +
         h * 3600000ll + mi * 60000ll;
}

/* Lines in CBEngineCurr.errlog's format: pid, tid, MM/DD, time, n,
 * file(line), [object], activity GUID, (empty), LEVEL, message; the
 * managed line has no [object]. */
static const char errlog_text[] =
    "1A2C\t2F10\t11/24\t21:30:00.010\t71\tbackupasync.cpp(311)\t[00000000032A"
    "1F40]\t6B2F1D3E-0A44-4C1B-9E3A-2B7D55C1A001\t\tNORMAL\tBackup job "
    "started\r\n"
    "1A2C\t2F10\t11/24\t21:31:05.120\t71\tdsmfsenumerator.cpp(1025)\t[000000"
    "00032A1F40]\t6B2F1D3E-0A44-4C1B-9E3A-2B7D55C1A001\t\tWARNING\tFailed: "
    "Hr: = [0x80070005] : FindFirstFile failed for C:\\Data\\locked.db\r\n"
    "1A2C\t0C88\t11/24\t21:40:00.002\t69\tCloudBackupProvider.cs(412)\t6B2F1D"
    "3E-0A44-4C1B-9E3A-2B7D55C1A001\t\tFATAL\tJob failed: Hr: = "
    "[0x80070570]\r\n"
    "not a log line at all\r\n"
    "1A2C\t0C88\t11/24\t21:40:01.500\t69\tCloudBackupProvider.cs(420)\t6B2F1D"
    "3E-0A44-4C1B-9E3A-2B7D55C1A001\t\tNORMAL\tCleaning up\r\n";

typedef struct lines_s {
  vg_errlog_line_t l[8];
  size_t n;
} lines_t;

static int collect_line(const vg_errlog_line_t *l, void *ud) {
  lines_t *ls = ud;
  if (ls->n < 8) ls->l[ls->n++] = *l;
  return 0;
}

static void errlog_lines_parse(void **st) {
  lines_t ls;
  (void)st;
  memset(&ls, 0, sizeof(ls));
  assert_int_equal(
      vg_errlog_parse(errlog_text, strlen(errlog_text), 0, collect_line, &ls),
      4);
  assert_int_equal(ls.l[0].month, 11);
  assert_int_equal(ls.l[0].day, 24);
  assert_int_equal(ls.l[0].hour, 21);
  assert_int_equal(ls.l[0].minute, 30);
  assert_int_equal(ls.l[0].ms, 10);
  assert_string_equal(ls.l[0].level, "NORMAL");
  assert_false(ls.l[0].has_hr);
  assert_string_equal(ls.l[1].level, "WARNING");
  assert_true(ls.l[1].has_hr);
  assert_int_equal(ls.l[1].hr, 0x80070005u);
  assert_string_equal(ls.l[1].where, "dsmfsenumerator.cpp(1025)");
  pk_has(ls.l[1].message, "FindFirstFile failed");
  assert_string_equal(ls.l[2].level, "FATAL");
  assert_int_equal(ls.l[2].hr, 0x80070570u);
  assert_string_equal(ls.l[2].where, "CloudBackupProvider.cs(412)");
  assert_true(vg_errlog_is_problem("WARNING"));
  assert_false(vg_errlog_is_problem("NORMAL"));

  /* a tail starts mid-line: that line is skipped */
  memset(&ls, 0, sizeof(ls));
  assert_int_equal(vg_errlog_parse(errlog_text + 40, strlen(errlog_text) - 40,
                                   1, collect_line, &ls),
                   3);
  assert_int_equal(ls.l[0].hr, 0x80070005u);

  /* the same line with spaces instead of tabs (as pasted into articles) */
  memset(&ls, 0, sizeof(ls));
  {
    const char *sp = "44B4 3968 10/21 21:02:21.611 71 backupasync.cpp(1184) "
                     "[000000001B73B830] 0517B3DB-347D-45A8-9DAB-FD7D1EA7D134 "
                     "WARNING Failed: Hr: = [0x80780054] Progress: Failed";
    assert_int_equal(vg_errlog_parse(sp, strlen(sp), 0, collect_line, &ls), 1);
    assert_int_equal(ls.l[0].hr, 0x80780054u);
    assert_string_equal(ls.l[0].where, "backupasync.cpp(1184)");
  }
}

static void failed_files_by_cause(void **st) {
  vg_failed_files_t acc;
  char words[200];
  const char *list = "C:\\Data\\Finance\\ledger.xlsx\t0x80070570\r\n"
                     "C:\\Data\\Finance\\old.xlsx 0x80070570\r\n"
                     "C:\\Users\\ann\\OneDrive\\plan.docx\t0x8007018B\r\n"
                     "D:\\Shares\\locked.pst\t0x80070005\r\n"
                     "D:\\Shares\\gone.tmp\t0x80070002\r\n"
                     "\\\\?\\E:\\deep\\path\\file.bin\t0x80070020\r\n"
                     "E:\\nocode.txt\r\n"
                     "Total failed files: 7\r\n";
  (void)st;
  memset(&acc, 0, sizeof(acc));
  vg_failed_files_parse(list, strlen(list), 0, &acc);
  assert_int_equal(acc.files, 7);
  assert_int_equal(acc.by_class[VG_FF_CORRUPT], 2);
  assert_int_equal(acc.by_class[VG_FF_CLOUD], 1);
  assert_int_equal(acc.by_class[VG_FF_ACCESS], 1);
  assert_int_equal(acc.by_class[VG_FF_SCRATCH], 1);
  assert_int_equal(acc.by_class[VG_FF_OTHER], 1);
  assert_int_equal(acc.by_class[VG_FF_NOCODE], 1);
  assert_int_equal(acc.ncodes, 5);
  assert_int_equal(acc.codes[0], 0x80070570u);
  assert_int_equal(acc.code_counts[0], 2);
  pk_has(vg_failed_class_words(VG_FF_CORRUPT), "chkdsk");
  pk_has(vg_failed_class_words(VG_FF_ACCESS), "antivirus");
  pk_has(vg_failed_class_words(VG_FF_SCRATCH), "scratch");
  pk_has(vg_failed_class_words(VG_FF_CLOUD), "cloud");
  assert_string_equal(
      vg_mars_code_words(0x80070570u, words, sizeof(words)),
      "0x80070570 ERROR_FILE_CORRUPT (a file or folder is corrupt and "
      "unreadable: run chkdsk)");
  pk_has(vg_mars_code_words(0x80070005u, words, sizeof(words)),
         "E_ACCESSDENIED");
}

static void event_data_codes(void **st) {
  (void)st;
  assert_int_equal(
      vg_event_code("<EventData><Data Name=\"ErrorCode\">0x80070005</Data>"
                    "</EventData>"),
      0x80070005u);
  assert_int_equal(
      vg_event_code("<EventData><Data>-2147024891</Data></EventData>"),
      0x80070005u);
  assert_int_equal(vg_event_code("<EventData><Data>42</Data></EventData>"), 0);
  assert_int_equal(vg_event_code("0x12345678 is not a failure"), 0);
  assert_int_equal(vg_event_code(""), 0);
}

static vg_event_t ev(uint32_t id, int64_t t) {
  vg_event_t e;
  memset(&e, 0, sizeof(e));
  e.id = id;
  e.time_ms = t;
  return e;
}

/* Events newest first, as the event log hands them. */
static void jobs_fold_from_events(void **st) {
  vg_jobs_t j;
  vg_event_t es[9];
  size_t i;
  (void)st;
  es[0] = ev(10, NOW - 2 * H);  /* newest: warnings */
  es[1] = ev(1, NOW - 3 * H);   /* its start */
  es[2] = ev(16, NOW - 3 * H);  /* quota notice */
  es[3] = ev(11, NOW - 26 * H); /* failed */
  snprintf(es[3].data, sizeof(es[3].data),
           "<EventData><Data>0x80070570</Data></EventData>");
  es[4] = ev(1, NOW - 27 * H);
  es[5] = ev(3, NOW - 50 * H); /* success */
  es[6] = ev(1, NOW - 51 * H);
  es[7] = ev(18, NOW - 74 * H); /* failed to start: no start event */
  es[8] = ev(3, NOW - 98 * H);
  vg_jobs_init(&j);
  for (i = 0; i < 9; i++)
    vg_jobs_add(&j, &es[i]);
  assert_int_equal(j.njobs, 5);
  assert_int_equal(j.jobs[0].outcome, VG_JOB_WARNINGS);
  assert_int_equal(j.jobs[0].start_ms, NOW - 3 * H);
  assert_int_equal(j.jobs[1].outcome, VG_JOB_FAILED);
  assert_int_equal(j.jobs[1].code, 0x80070570u);
  assert_int_equal(j.jobs[1].start_ms, NOW - 27 * H);
  assert_int_equal(j.jobs[3].event_id, 18);
  assert_int_equal(j.jobs[3].start_ms, 0);
  assert_int_equal(j.last_success_ms, NOW - 50 * H);
  assert_int_equal(j.last_completed_ms, NOW - 2 * H);
  assert_int_equal(j.last_failure_ms, NOW - 26 * H);
  assert_int_equal(j.last_failure_code, 0x80070570u);
  assert_int_equal(j.last_quota_ms, NOW - 3 * H);
  assert_int_equal(j.last_start_ms, NOW - 3 * H);
  assert_int_equal(j.failures_since_completed, 0); /* a 10 came after */
  assert_int_equal(j.warnings_in_a_row, 1);
  assert_int_equal(j.oldest_ms, NOW - 98 * H);
  assert_string_equal(vg_job_outcome_name(j.jobs[1].outcome), "failed");
}

static void mars_jobs_fixtures(void **st) {
  (void)st;
  assert_true(run_fixtures(vg_probe_find("mars.jobs")) >= 16);
}

/* ---- collect on a fake machine ---------------------------------------- */

/* Runs mars.jobs once at the fake machine's clock, the memo carried in r,
 * and prints the finding. */
static void run(fake_os_t *f, pk_run_t *r) {
  r->now = f->now_ms;
  pk_run(r, &f->os, "mars.jobs");
  print_message("mars.jobs: %s - %s\n", vg_status_name(r->out.status),
                r->out.summary);
}

/* A MARS install with its Temp folder (on the empty machine of
 * pk_machine_setup). */
static void machine(fake_os_t *f) {
  fake_reg_sz(f, VG_MARS_SETUP_KEY, "InstallPath", IP);
  fake_file(f, TEMP, VG_FA_DIRECTORY);
}

static void collect_events_and_logs(void **st) {
  pk_machine_t *m = *st;
  const char *list = "C:\\Data\\a.db\t0x80070570\r\nC:\\Data\\b.db\t0x80070005"
                     "\r\n";
  machine(&m->f);
  m->f.now_ms = utc(2025, 11, 25, 8, 0);
  fake_channel(&m->f, "CloudBackup");
  fake_event(&m->f, 1, utc(2025, 11, 23, 21, 30));
  fake_event(&m->f, 3, utc(2025, 11, 23, 22, 10));
  fake_event(&m->f, 1, utc(2025, 11, 24, 21, 35));
  /* failed at 21:40, its data names no code: the errlog has it (UTC) */
  snprintf(fake_event(&m->f, 11, utc(2025, 11, 24, 21, 40))->data,
           VG_EVENT_DATA_MAX, "<EventData><Data>none</Data></EventData>");
  fake_content(&m->f, ERRLOG, errlog_text, strlen(errlog_text),
               utc(2025, 11, 24, 21, 45));
  fake_content(&m->f, TEMP "\\LastBackupFailedFiles_1.txt", list, strlen(list),
               utc(2025, 11, 24, 21, 40));
  fake_content(&m->f, TEMP "\\notes.txt", "x", 1, 0);
  run(&m->f, &m->r);
  assert_int_equal(m->r.rc, 0);
  assert_string_equal(m->f.event_channel, "CloudBackup");
  pk_has(m->f.event_xpath, "EventID=11");
  assert_string_equal(vg_facts_get_str(&m->r.facts, "events_channel"),
                      "CloudBackup");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "events_read", 0), 4);
  assert_int_equal(vg_facts_int_or(&m->r.facts, "last_success_ms", 0),
                   utc(2025, 11, 23, 22, 10));
  assert_int_equal(vg_facts_int_or(&m->r.facts, "last_failure_ms", 0),
                   utc(2025, 11, 24, 21, 40));
  assert_string_equal(vg_facts_get_str(&m->r.facts, "last_outcome"), "failed");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "last_outcome_ms", 0),
                   utc(2025, 11, 24, 21, 40));
  assert_string_equal(vg_facts_get_str(&m->r.facts, "job_0_outcome"), "failed");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "job_0_start_ms", 0),
                   utc(2025, 11, 24, 21, 35));
  assert_string_equal(vg_facts_get_str(&m->r.facts, "job_1_outcome"),
                      "success");
  assert_null(vg_facts_find(&m->r.facts, "job_2_ms"));
  /* the code of the failure: the errlog's newest error up to it */
  assert_string_equal(vg_facts_get_str(&m->r.facts, "last_failure_code"),
                      "0x80070570");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "errlog_errors", 0), 2);
  assert_string_equal(vg_facts_get_str(&m->r.facts, "errlog_last_hr"),
                      "0x80070570");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "errlog_last_hr_ms", 0),
                   utc(2025, 11, 24, 21, 40) + 2);
  assert_string_equal(vg_facts_get_str(&m->r.facts, "errlog_codes"),
                      "0x80070005 x1, 0x80070570 x1");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "failed_lists", 0), 1);
  assert_int_equal(vg_facts_int_or(&m->r.facts, "failed_files", 0), 2);
  assert_int_equal(vg_facts_int_or(&m->r.facts, "failed_corrupt", 0), 1);
  assert_string_equal(vg_facts_get_str(&m->r.facts, "failed_classes"),
                      "corrupt 1, access denied 1");
  assert_string_equal(vg_facts_get_str(&m->r.facts, "schedule_period_from"),
                      "default");
  /* 11 after the last success: crit, naming both and the code in words */
  assert_int_equal(m->r.out.status, VG_ST_CRIT);
  pk_has(m->r.out.summary, "The last backup failed at "
                           "2025-11-24T21:40:00Z");
  pk_has(m->r.out.summary, "Last success 2025-11-23T22:10:00Z");
  pk_has(m->r.out.summary, "ERROR_FILE_CORRUPT");
  pk_has(m->r.out.summary, "1 failed file(s) are corrupt");
  assert_string_equal(m->r.out.predicts[0], "0x80070570");
}

/* Wine: EvtQuery answers nothing. The reason is named; the logs are still
 * read; unknown unless the files show a problem. */
static void collect_without_the_event_log_api(void **st) {
  pk_machine_t *m = *st;
  machine(&m->f);
  m->f.event_rc = VG_ENOTSUP;
  strcpy(m->f.event_why, "EvtQuery(CloudBackup) returned no result and no "
                         "error: the event log query API is not implemented on "
                         "this system");
  fake_content(&m->f, ERRLOG, errlog_text, strlen(errlog_text),
               utc(2025, 11, 24, 21, 45));
  run(&m->f, &m->r);
  assert_int_equal(m->r.rc, 0);
  pk_has(vg_facts_get_str(&m->r.facts, "events_error"),
         "EvtQuery(CloudBackup) returned no result");
  assert_int_equal(vg_facts_find(&m->r.facts, "last_success_ms")->type,
                   VG_FACT_NULL);
  assert_int_equal(m->r.out.status, VG_ST_UNKNOWN);
  pk_has(m->r.out.summary, "could not be read: EvtQuery(CloudBackup)");
  pk_has(m->r.out.summary, "newest error in CBEngineCurr.errlog: "
                           "0x80070570 ERROR_FILE_CORRUPT");
}

/* The channel is not called CloudBackup: CloudBackup/... is found. */
static void collect_channel_fallback(void **st) {
  pk_machine_t *m = *st;
  machine(&m->f);
  fake_channel(&m->f, "CloudBackup/Operational"); /* holds the events */
  fake_channel(&m->f, "CloudBackupX");
  fake_channel(&m->f, "Application");
  fake_event(&m->f, 3, NOW - 2 * H);
  run(&m->f, &m->r);
  assert_string_equal(vg_facts_get_str(&m->r.facts, "events_channel"),
                      "CloudBackup/Operational");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "last_success_ms", 0),
                   NOW - 2 * H);
  assert_int_equal(m->r.out.status, VG_ST_OK);
  pk_has(m->r.out.summary, "Last backup succeeded at "
                           "2025-11-24T14:00:00Z (2 h ago); no failure "
                           "in the log");

  /* neither: the error says what was looked for */
  m->f.nchannels = 0;
  fake_channel(&m->f, "Application");
  run(&m->f, &m->r);
  pk_has(vg_facts_get_str(&m->r.facts, "events_error"),
         "no event log channel named CloudBackup or CloudBackup/...");
  assert_int_equal(m->r.out.status, VG_ST_UNKNOWN);
}

/* A 3 MiB errlog: only its last 256 KiB are read, and the errors at its
 * end are found. */
static void collect_reads_only_the_tail(void **st) {
  pk_machine_t *m = *st;
  size_t cap = 3u << 20, o = 0;
  char *big = malloc(cap + 4096);
  assert_non_null(big);
  while (o + 200 < cap)
    o += (size_t)snprintf(big + o, 200,
                          "1A2C\t2F10\t11/20\t10:00:00.000\t71\tx.cpp(1)\t[0]"
                          "\tG\t\tNORMAL\tnothing to see %zu\r\n",
                          o);
  o += (size_t)snprintf(big + o, 4096,
                        "1A2C\t2F10\t11/24\t09:00:00.000\t71\tx.cpp(2)\t[0]\t"
                        "G\t\tERROR\tFailed: Hr: = [0x80070002]\r\n");
  machine(&m->f);
  fake_channel(&m->f, "CloudBackup");
  fake_event(&m->f, 3, NOW - 2 * H);
  fake_content(&m->f, ERRLOG, big, o, NOW);
  m->f.file_tail_bytes = 0;
  run(&m->f, &m->r);
  assert_int_equal(m->f.file_tail_bytes, 256 * 1024);
  assert_int_equal(vg_facts_int_or(&m->r.facts, "errlog_size", 0), (int64_t)o);
  assert_int_equal(vg_facts_int_or(&m->r.facts, "errlog_read", 0), 256 * 1024);
  assert_string_equal(vg_facts_get_str(&m->r.facts, "errlog_last_hr"),
                      "0x80070002");
  assert_int_equal(vg_facts_int_or(&m->r.facts, "errlog_last_hr_ms", 0),
                   utc(2025, 11, 24, 9, 0));
  free(big);
}

/* The failed-files count grows from one backup to the next: warn, and
 * stays warn while it does not shrink; memo survives between runs. */
static void failed_files_growing(void **st) {
  pk_machine_t *m = *st;
  static char lists[3][400];
  int i;
  machine(&m->f);
  fake_channel(&m->f, "CloudBackup");
  fake_event(&m->f, 3, NOW - 2 * H);
  for (i = 0; i < 3; i++) {
    size_t o = 0;
    int k;
    for (k = 0; k < (i == 2 ? 1 : 2 + 2 * i); k++)
      o += (size_t)snprintf(lists[i] + o, sizeof(lists[i]) - o,
                            "D:\\Shares\\f%d.pst\t0x80070020\r\n", k);
  }
  fake_content(&m->f, TEMP "\\LastBackupFailedFiles.txt", lists[0],
               strlen(lists[0]), NOW);
  run(&m->f, &m->r);
  assert_int_equal(vg_facts_int_or(&m->r.facts, "failed_files", 0), 2);
  assert_int_equal(m->r.out.status, VG_ST_OK); /* first sight: a baseline */
  m->f.contents[0].data = lists[1];
  m->f.contents[0].len = strlen(lists[1]);
  run(&m->f, &m->r);
  assert_int_equal(m->r.out.status, VG_ST_WARN);
  pk_has(m->r.out.summary, "Failed files grew from 2 to 4");
  /* the same list again: still grown */
  run(&m->f, &m->r);
  assert_int_equal(m->r.out.status, VG_ST_WARN);
  m->f.contents[0].data = lists[2];
  m->f.contents[0].len = strlen(lists[2]);
  run(&m->f, &m->r);
  assert_int_equal(m->r.out.status, VG_ST_OK);
}

/* The schedule's period comes from the MARS task's triggers: weekly
 * gives 7 days + grace before "no backup completed" is crit. */
static void schedule_period_from_the_task(void **st) {
  pk_machine_t *m = *st;
  machine(&m->f);
  fake_task(&m->f, "\\Microsoft\\OnlineBackup\\Microsoft-OnlineBackup");
  fake_channel(&m->f, "CloudBackup");
  fake_event(&m->f, 3, NOW - 5 * 24 * H);
  run(&m->f, &m->r);
  assert_int_equal(vg_facts_int_or(&m->r.facts, "schedule_period_ms", 0),
                   7 * 24 * H);
  assert_string_equal(vg_facts_get_str(&m->r.facts, "schedule_period_from"),
                      "task");
  assert_int_equal(m->r.out.status, VG_ST_OK);
  /* daily (no task): 5 days without a completed backup is crit */
  m->f.task_path[0] = '\0';
  run(&m->f, &m->r);
  assert_int_equal(m->r.out.status, VG_ST_CRIT);
  pk_has(m->r.out.summary, "No backup completed for 5 d (the schedule "
                           "runs every 1 d)");
}

/* Everything at once: a dozen jobs with their starts, both notices, the
 * errlog, a failed-files list too long to read whole - every fact fits
 * (none dropped for want of room). */
static void all_facts_fit(void **st) {
  pk_machine_t *m = *st;
  static char list[MJ_BIG];
  size_t o = 0;
  int i;
  machine(&m->f);
  fake_channel(&m->f, "CloudBackup");
  fake_event(&m->f, 14, NOW - 40 * H);
  fake_event(&m->f, 16, NOW - 39 * H);
  for (i = 12; i > 0; i--) {
    fake_event(&m->f, 1, NOW - i * 24 * H);
    fake_event(&m->f, i % 3 ? 3 : 11, NOW - i * 24 * H + H);
  }
  fake_content(&m->f, ERRLOG, errlog_text, strlen(errlog_text), NOW);
  while (o + 64 < sizeof(list))
    o += (size_t)snprintf(list + o, 64, "C:\\Data\\f%zu.db\t0x80070570\r\n", o);
  fake_content(&m->f, TEMP "\\LastBackupFailedFiles_9.txt", list, o, NOW);
  run(&m->f, &m->r);
  print_message("%u facts\n", (unsigned)m->r.facts.n);
  assert_true(m->r.facts.n < VG_FACTS_MAX);
  assert_non_null(vg_facts_find(&m->r.facts, "job_9_start_ms"));
  assert_non_null(vg_facts_find(&m->r.facts, "failed_classes"));
  assert_true(vg_facts_bool_or(&m->r.facts, "failed_files_partial", 0));
  assert_true(vg_facts_int_or(&m->r.facts, "failed_files", 0) > 30000);
}

static void not_installed_is_na(void **st) {
  pk_machine_t *m = *st;
  fake_os_init(&m->f);
  run(&m->f, &m->r);
  assert_int_equal(m->r.out.status, VG_ST_NA);
  assert_int_equal(m->f.event_queries, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(errlog_lines_parse),
      cmocka_unit_test(failed_files_by_cause),
      cmocka_unit_test(event_data_codes),
      cmocka_unit_test(jobs_fold_from_events),
      cmocka_unit_test(mars_jobs_fixtures),
      pk_machine_test(collect_events_and_logs),
      pk_machine_test(collect_without_the_event_log_api),
      pk_machine_test(collect_channel_fallback),
      pk_machine_test(collect_reads_only_the_tail),
      pk_machine_test(failed_files_growing),
      pk_machine_test(schedule_period_from_the_task),
      pk_machine_test(all_facts_fit),
      pk_machine_test(not_installed_is_na),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
