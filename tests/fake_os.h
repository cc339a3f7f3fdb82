/* fake_os.h: an in-memory vg_os_t for tests - a registry, files, volumes
 * and services planted by the test, with errors injectable per path. */
#ifndef VG_FAKE_OS_H
#define VG_FAKE_OS_H

#include "os.h"

#define FAKE_MAX 128

typedef struct fake_reg_s {
  char key[256], value[128];
  unsigned flags; /* 0 = either view, or VG_REG_32 / VG_REG_64 */
  vg_reg_value_t v;
  int err; /* reg_get of this value fails with it when set */
} fake_reg_t;

typedef struct fake_file_s {
  char path[512];
  uint32_t attrs;
  int err; /* returned by every call on this path when set */
  uint64_t size;
  uint32_t crc;
  uint64_t count; /* count_files result for a directory */
  uint16_t version[4];
  int writable; /* probe_write succeeds */
} fake_file_t;

typedef struct fake_svc_s {
  char name[64];
  vg_svc_info_t info;
} fake_svc_t;

typedef struct fake_os_s {
  vg_os_t os; /* must be first: tests pass &fake.os */
  fake_reg_t reg[FAKE_MAX];
  int nreg;
  int reg_err; /* returned by every registry call when set */
  fake_file_t files[FAKE_MAX];
  int nfiles;
  fake_svc_t svcs[16];
  int nsvcs;
  vg_volume_info_t volume; /* returned for every path */
  uint64_t fixed_used;
  int disk_err;
  int svc_err;            /* returned by svc_query when set */
  uint64_t count_stop_at; /* stop_at of the last count_files call */
  char count_pattern[64]; /* pattern of the last count_files call */
  char env[8][2][256];    /* fake_env: name, value for expand_env */
  int nenv;
  /* COM readers (issue 6). task_query finds the task when task_path (full
   * path) matches, else says ERROR_FILE_NOT_FOUND; a non-zero *_rc fails
   * the call with the hr/call already in task/shadow/devices. */
  char task_path[256];
  vg_task_info_t task;
  int task_rc;
  vg_shadow_info_t shadow;
  int shadow_rc;
  vg_device_list_t devices; /* device_query filters them by class/id */
  int devices_rc;
  int device_queries; /* calls made */
  /* volume_dedup answers these for every path; dedup_why is copied out. */
  int dedup_enabled;
  int dedup_rc;
  char dedup_why[200];
  int dedup_queries; /* calls made */
  /* Turn 2 (issue 11). wall_clock_ms answers now_ms
   * (2025-11-24T16:00:00Z at init). */
  int64_t now_ms;
  /* More tasks beside `task` (fake_task_add); task_list lists the planted
   * tasks of a folder, or fails with task_list_rc (hr/call in task_list_hr
   * and task_list_call). */
  struct {
    char path[256];
    vg_task_info_t info;
  } more_tasks[8];
  int nmore_tasks;
  int task_list_rc;
  uint32_t task_list_hr;
  char task_list_call[128];
  int task_list_calls;
  /* File contents for file_tail (fake_content); the test owns data. */
  struct {
    char path[512];
    const char *data;
    size_t len;
    int64_t mtime_ms;
  } contents[16];
  int ncontents;
  size_t file_tail_max;   /* max of the last file_tail call */
  size_t file_tail_bytes; /* bytes handed out by file_tail calls */
  /* Event log: channels (event_channels lists them; event_query opens
   * them) and events (fake_event, oldest first; they belong to channel
   * channels[0]). *_rc fail the calls with *_why. */
  char channels[4][64];
  int nchannels;
  vg_event_t events[48];
  size_t nevents;
  int event_rc;
  char event_why[200];
  int channels_rc;
  char event_xpath[256];  /* xpath of the last event_query */
  char event_channel[64]; /* channel of the last event_query */
  int event_queries;
  /* Network and time (issue 12). http_get answers from http[] by URL
   * (fake_http), else fails to connect; an answer with a Date becomes
   * last_date (age 0), as the real tables remember it. */
  struct {
    char url[VG_HTTP_URL_MAX];
    int rc;
    vg_http_result_t res;
  } http[8];
  int nhttp;
  int http_calls;                       /* requests made */
  char http_proxy[8][VG_PROXY_STR_MAX]; /* proxy of each request ("") */
  char http_pac[VG_PROXY_STR_MAX];      /* pac_url of the last request */
  char http_method[8];                  /* method of the last request */
  uint32_t http_timeout;                /* timeout_ms of the last one */
  vg_http_date_t last_date;             /* date_ms 0 = none yet */
  vg_proxy_sources_t proxy;             /* every source absent at init */
  int proxy_rc;
  /* time_zone answers tz (UTC, no DST, years 2025 and 2026 at init) or
   * fails with tz_rc (out then UTC with tz.now_ms). */
  vg_time_zone_t tz;
  int tz_rc;
  /* Issue 13. volumes_list copies volumes out (volumes_rc fails it with
   * the hr/call already there); vss_writers likewise, recording the
   * timeout it was given; computer_names answers names; svc_enum lists
   * svcs with svc_display[i] as the display name of svcs[i]. */
  vg_volume_list_t volumes;
  int volumes_rc;
  vg_vss_writers_t vss;
  int vss_rc;
  uint32_t vss_timeout_ms;
  int vss_queries;
  vg_computer_names_t names;
  int names_rc;
  char svc_display[16][128];
  int svc_enum_rc;
} fake_os_t;

/* Empty machine: no registry, no files; one fixed NTFS volume C:\ with
 * 100 GiB free of 200 GiB. */
void fake_os_init(fake_os_t *f);
void fake_reg_sz(fake_os_t *f, const char *key, const char *value,
                 const char *data);
void fake_reg_dword(fake_os_t *f, const char *key, const char *value,
                    uint32_t data);
/* Same in one registry view only (VG_REG_32 or VG_REG_64). */
void fake_reg_dword_view(fake_os_t *f, unsigned view, const char *key,
                         const char *value, uint32_t data);
/* A value whose reg_get fails with err (VG_EACCES: present, unreadable). */
void fake_reg_err(fake_os_t *f, const char *key, const char *value, int err);
/* A REG_EXPAND_SZ value (stored unexpanded, as the registry does). */
void fake_reg_expand_sz(fake_os_t *f, const char *key, const char *value,
                        const char *data);
/* Defines %name% for expand_env (up to 8; %SystemRoot% is built in). */
void fake_env(fake_os_t *f, const char *name, const char *value);
fake_file_t *fake_file(fake_os_t *f, const char *path, uint32_t attrs);
fake_svc_t *fake_svc(fake_os_t *f, const char *name, int state, int start_type);

/* Plants task path (e.g. "\\Microsoft\\OnlineBackup\\Microsoft-OnlineBackup")
 * enabled, ready, with every value readable; returns it for changes. */
vg_task_info_t *fake_task(fake_os_t *f, const char *path);
/* Adds a fixed volume; max 0 = no shadow storage association. */
vg_shadow_volume_t *fake_shadow_volume(fake_os_t *f, const char *name,
                                       const char *fs, uint64_t used,
                                       uint64_t max);
/* Adds a device in class_guid with hardware id hwid. */
vg_device_info_t *fake_device(fake_os_t *f, const char *class_guid,
                              const char *class_name, const char *hwid);

/* Adds a volume mounted at mount ("D:\\"; a drive letter makes it one
 * of the default source volumes), fixed and online, with used of total
 * bytes in use and BitLocker unlocked. */
vg_volume_entry_t *fake_volume(fake_os_t *f, const char *mount, const char *fs,
                               uint64_t used, uint64_t total);
/* Adds a VSS writer in state with last error last_error. */
vg_vss_writer_t *fake_vss_writer(fake_os_t *f, const char *name, int state,
                                 uint32_t last_error);
/* Sets the display name of a service planted with fake_svc. */
void fake_svc_display(fake_os_t *f, const fake_svc_t *svc, const char *display);

/* An answer for url: rc 0 with HTTP status, else the failure rc; returns
 * the result for changes (dns/tcp/tls set as far as rc says). */
vg_http_result_t *fake_http(fake_os_t *f, const char *url, int rc, int status);
/* Sets a WinINet-style proxy source. */
void fake_proxy_src(vg_proxy_src_t *s, int enabled, const char *server,
                    const char *pac);

/* Plants one more task at path (also listed by task_list), enabled, ready,
 * as fake_task does; returns it for changes. Up to 8. */
vg_task_info_t *fake_task_add(fake_os_t *f, const char *path);
/* Plants the contents of file path for file_tail (and a fake_file entry
 * with its size, for list_dir); data stays owned by the test. */
fake_file_t *fake_content(fake_os_t *f, const char *path, const char *data,
                          size_t len, int64_t mtime_ms);
/* Makes event log channel name exist (the first one holds the events). */
void fake_channel(fake_os_t *f, const char *name);
/* Appends an event (plant them oldest first); returns it for changes. */
vg_event_t *fake_event(fake_os_t *f, uint32_t id, int64_t time_ms);

#endif /* VG_FAKE_OS_H */
