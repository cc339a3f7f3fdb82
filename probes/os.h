/* os.h: the operating-system boundary probes read through, as a table of
 * function pointers (SQLite's VFS habit). probes/win/ and probes/posix/
 * provide the real tables; tests swap in a fake. All strings are UTF-8;
 * registry keys are paths under HKEY_LOCAL_MACHINE. Every function returns
 * 0 or a VG_E* code (VG_ENOENT: key/value/file absent, VG_EACCES, VG_ENOTSUP
 * where the platform has no such thing) and may block: call from workers. */
#ifndef VG_OS_H
#define VG_OS_H

#include "tz.h"

#include <stddef.h>
#include <stdint.h>

/* Registry view flags. */
#define VG_REG_64 0x1u /* KEY_WOW64_64KEY (default) */
#define VG_REG_32 0x2u /* KEY_WOW64_32KEY */

typedef enum {
  VG_REGT_OTHER = 0,
  VG_REGT_SZ,
  VG_REGT_EXPAND_SZ,
  VG_REGT_MULTI_SZ,
  VG_REGT_DWORD,
  VG_REGT_QWORD
} vg_reg_type_t;

/* One registry value as read; str holds SZ/EXPAND_SZ text (not expanded),
 * MULTI_SZ joined with '\n', or the decimal form of a number. */
typedef struct vg_reg_value_s {
  vg_reg_type_t type;
  uint64_t num;
  char str[2048];
} vg_reg_value_t;

typedef int (*vg_reg_enum_cb)(const char *name, const vg_reg_value_t *val,
                              void *ud); /* non-zero stops */

/* Service Control Manager facts. */
typedef enum {
  VG_SVC_STOPPED = 1,
  VG_SVC_START_PENDING,
  VG_SVC_STOP_PENDING,
  VG_SVC_RUNNING,
  VG_SVC_CONTINUE_PENDING,
  VG_SVC_PAUSE_PENDING,
  VG_SVC_PAUSED
} vg_svc_state_t;

typedef enum {
  VG_SVC_BOOT = 0,
  VG_SVC_SYSTEM = 1,
  VG_SVC_AUTO = 2,
  VG_SVC_DEMAND = 3,
  VG_SVC_DISABLED = 4
} vg_svc_start_t;

typedef struct vg_svc_info_s {
  int state;      /* vg_svc_state_t */
  int start_type; /* vg_svc_start_t */
  int delayed;    /* delayed auto start */
  uint32_t pid;
  uint32_t exit_code;
  char binary[1024];
  char account[256];
} vg_svc_info_t;

/* File and volume facts. Attribute bits use Windows' FILE_ATTRIBUTE_*
 * values so recorded facts read the same on every platform. */
#define VG_FA_READONLY 0x1u
#define VG_FA_DIRECTORY 0x10u
#define VG_FA_SPARSE 0x200u
#define VG_FA_REPARSE 0x400u
#define VG_FA_COMPRESSED 0x800u
#define VG_FA_ENCRYPTED 0x4000u

typedef enum {
  VG_DRIVE_UNKNOWN = 0,
  VG_DRIVE_NO_ROOT = 1,
  VG_DRIVE_REMOVABLE = 2,
  VG_DRIVE_FIXED = 3,
  VG_DRIVE_REMOTE = 4,
  VG_DRIVE_CDROM = 5,
  VG_DRIVE_RAMDISK = 6
} vg_drive_type_t;

typedef struct vg_volume_info_s {
  char root[512];   /* volume mount point, e.g. "D:\" */
  char fs_name[32]; /* "NTFS", "ReFS", "ext4" */
  int drive_type;   /* vg_drive_type_t */
  int read_only;
  uint64_t free_bytes; /* available to the caller */
  uint64_t total_bytes;
} vg_volume_info_t;

typedef int (*vg_dir_enum_cb)(const char *name, uint32_t attrs, uint64_t size,
                              void *ud); /* non-zero stops */

/* ---- Task Scheduler, shadow storage and devices (COM, WMI, SetupAPI;
 * probes/win/task_win.c, wmi_win.c, device_win.c). Each result records the
 * failing call's name and its HRESULT (Win32 errors as HRESULT_FROM_WIN32)
 * so a probe can say what failed and why; VG_ENOTSUP with hr == 0 means the
 * platform has no such facility at all (POSIX). Single values that could
 * not be read keep their own *_hr (a failure code) while the rest is
 * valid: value fields are meaningful only when their *_hr is a success
 * code (high bit clear; success codes such as SCHED_S_TASK_HAS_NOT_RUN are
 * kept as returned). */
#define VG_TASK_TRIGGERS_MAX 16

typedef struct vg_task_trigger_s {
  int type; /* TASK_TRIGGER_TYPE2: 1 time, 2 daily, 3 weekly, ... */
  int enabled;
  int days_interval;     /* daily triggers; 0 = not read */
  int weeks_interval;    /* weekly triggers; 0 = not read */
  char repetition[32];   /* ISO 8601 duration ("PT1H"); "" = does not repeat */
  char rep_duration[32]; /* "" = repeats indefinitely */
  char start[40];        /* StartBoundary as written in the task */
  /* weekly triggers: TASK_DAYS_OF_WEEK bits (0x01 Sunday, 0x02 Monday ..
   * 0x40 Saturday); 0 = not read */
  int days_of_week;
  char end[40]; /* EndBoundary; "" = none */
} vg_task_trigger_t;

typedef struct vg_task_info_s {
  int enabled;
  uint32_t enabled_hr;
  /* TASK_STATE: 0 unknown, 1 disabled, 2 queued, 3 ready, 4 running */
  int state;
  uint32_t state_hr;
  int64_t last_run_ms; /* unix ms (UTC) of IRegisteredTask::LastRunTime */
  uint32_t last_run_hr;
  int32_t last_result; /* LastTaskResult: exit code or HRESULT */
  uint32_t last_result_hr;
  int64_t next_run_ms; /* 0 = nothing scheduled */
  uint32_t next_run_hr;
  int32_t missed_runs;
  uint32_t missed_runs_hr;
  char user_id[256]; /* IPrincipal::UserId as stored ("S-1-5-18", "SYSTEM") */
  uint32_t user_id_hr;
  char group_id[256];
  uint32_t group_id_hr;
  char principal_sid[192]; /* SID of user_id, else of group_id; "" if none */
  /* TASK_INSTANCES_*: 0 parallel, 1 queue, 2 ignore new, 3 stop existing */
  int multiple_instances;
  uint32_t multiple_instances_hr;
  size_t ntriggers;
  uint32_t triggers_hr;
  vg_task_trigger_t triggers[VG_TASK_TRIGGERS_MAX];
  uint32_t hr;    /* whole query failed: HRESULT ... */
  char call[128]; /* ... of this call */
} vg_task_info_t;

#define VG_SHADOW_VOLUMES_MAX 32

typedef struct vg_shadow_volume_s {
  char device[128]; /* volume GUID path "\\?\Volume{...}\" */
  char name[260];   /* first mount point ("C:\"), else the device path */
  char fs_name[32];
  int drive_type; /* vg_drive_type_t */
  uint64_t capacity;
  int has_storage;       /* a shadow storage association exists for it */
  char diff_volume[260]; /* name of the volume holding its storage */
  uint64_t used, allocated, max; /* bytes, as reported (max may be ~0) */
  int copies; /* shadow copies of this volume; -1 = not counted */
} vg_shadow_volume_t;

typedef struct vg_shadow_info_s {
  vg_shadow_volume_t vols[VG_SHADOW_VOLUMES_MAX];
  size_t n;
  uint32_t hr;
  char call[128];
} vg_shadow_info_t;

#define VG_DEVICES_MAX 8

typedef struct vg_device_info_s {
  char instance_id[200];  /* "ROOT\ISCSIPRT\0000" */
  char hardware_ids[512]; /* joined with '\n' */
  char class_name[64];    /* "SCSIAdapter"; "" when the device has no class */
  char class_guid[40];    /* "{4d36e97b-...}" */
  char description[256];  /* SPDRP_DEVICEDESC */
  char friendly_name[256];
  char driver[128];   /* SPDRP_DRIVER key; "" = no driver installed */
  uint32_t status;    /* DN_* bits of CM_Get_DevNode_Status */
  uint32_t problem;   /* CM_PROB_* (28 = driver not installed), 0 = none */
  uint32_t status_cr; /* CONFIGRET of CM_Get_DevNode_Status, 0 = read */
} vg_device_info_t;

typedef struct vg_device_list_s {
  vg_device_info_t devs[VG_DEVICES_MAX];
  size_t n;
  uint32_t hr;
  char call[128];
} vg_device_list_t;

/* ---- Volumes to back up, VSS writers, the machine's names and the
 * service list (issue 13; probes/win/volumes_win.c, vss_win.c,
 * os_win.c). Like the readers above, a failure records the failing call
 * and its HRESULT. */
#define VG_VOLUMES_MAX 32

typedef struct vg_volume_entry_s {
  char device[128]; /* volume GUID path "\\?\Volume{...}\" */
  char mount[260];  /* first mount point ("D:\"), "" when it has none */
  char letter;      /* 'D' when a mount point is a drive letter, else 0 */
  char fs_name[32]; /* "" when the volume could not be read */
  int drive_type;   /* vg_drive_type_t */
  int read_only;    /* FILE_READ_ONLY_VOLUME */
  int offline;      /* IOCTL_VOLUME_IS_OFFLINE, or not ready */
  uint32_t info_hr; /* GetVolumeInformationW's failure, 0 = read */
  int locked;       /* BitLocker: 1 locked, 0 not (or not encrypted),
                       -1 not known */
  int space_read;   /* total/free below are valid */
  uint64_t total_bytes, free_bytes; /* free of the whole volume */
} vg_volume_entry_t;

typedef struct vg_volume_list_s {
  vg_volume_entry_t vols[VG_VOLUMES_MAX];
  size_t n;
  int truncated; /* more volumes than VG_VOLUMES_MAX */
  /* BitLocker lock status: a failure of its WMI query leaves locked -1
   * on every volume with the call and HRESULT here; where BitLocker is
   * not installed, locked is 0 and bitlocker_note says so. */
  uint32_t bitlocker_hr;
  char bitlocker_call[128];
  char bitlocker_note[128];
  uint32_t hr; /* the volume list itself failed */
  char call[128];
} vg_volume_list_t;

/* VSS_WRITER_STATE values (vss.h). */
#define VG_VSS_WS_UNKNOWN 0
#define VG_VSS_WS_STABLE 1
#define VG_VSS_WS_FAILED_FIRST 6 /* VSS_WS_FAILED_AT_IDENTIFY */
#define VG_VSS_WS_FAILED_LAST 15 /* VSS_WS_FAILED_AT_BACKUPSHUTDOWN */
#define VG_VSS_WRITERS_MAX 64

typedef struct vg_vss_writer_s {
  char name[128];
  char id[40];         /* writer class id "{...}" */
  int state;           /* VSS_WRITER_STATE */
  uint32_t last_error; /* the HRESULT the writer reports; 0 = none */
} vg_vss_writer_t;

typedef struct vg_vss_writers_s {
  vg_vss_writer_t w[VG_VSS_WRITERS_MAX];
  size_t n;
  int truncated; /* more writers than VG_VSS_WRITERS_MAX */
  uint32_t hr;
  char call[128];
} vg_vss_writers_t;

/* The names a MARS registration is bound to. */
typedef struct vg_computer_names_s {
  char host[256];   /* ComputerNameDnsHostname */
  char fqdn[512];   /* ComputerNameDnsFullyQualified */
  char domain[256]; /* ComputerNameDnsDomain; "" in a workgroup */
  char netbios[64]; /* ComputerNameNetBIOS */
} vg_computer_names_t;

typedef int (*vg_svc_enum_cb)(const char *name, const char *display,
                              const char *binary,
                              void *ud); /* non-zero stops */

/* ---- Network and time (probes/win/http_win.c, netcfg_win.c; a plain
 * HTTP/1.1 client in probes/posix/os_posix.c). Used by net.proxy,
 * net.reach and clock.skew. */
#define VG_HTTP_URL_MAX 512
#define VG_PROXY_STR_MAX 512

/* One request. The caller decides the route: proxy is the proxy's
 * "host:port" or NULL/"" for a direct connection (bypass lists are
 * applied by the caller); pac_url, when set, asks the platform to run
 * that proxy auto-config script for the URL first (Windows only; when the
 * script cannot be run the request goes through proxy, else direct, as
 * WinINet does, and pac_error says why). timeout_ms bounds the phases:
 * name resolution, connecting (two addresses at most) and sending in half
 * of it each, the answer in all of it. Redirects are not followed. */
typedef struct vg_http_req_s {
  const char *url;    /* http:// or https:// */
  const char *method; /* "GET" or "HEAD" */
  const char *proxy;
  const char *pac_url;
  uint32_t timeout_ms;
} vg_http_req_t;

/* How far a request got: each of dns/tcp/tls is 1 (done), 0 (failed
 * there) or -1 (not reached or does not apply: tls for http://). With a
 * proxy the first three describe the hop to the proxy. */
typedef struct vg_http_result_s {
  int dns, tcp, tls;
  int status;           /* HTTP status of the answer; 0 = none */
  uint32_t error;       /* platform error (ERROR_WINHTTP_*, errno); 0 = none */
  char error_name[48];  /* "ERROR_WINHTTP_NAME_NOT_RESOLVED", "ECONNREFUSED" */
  char error_text[200]; /* one line in words, "" when status arrived */
  int64_t elapsed_ms;
  int64_t date_ms;  /* the answer's Date header (unix ms); 0 = none */
  int64_t local_ms; /* this machine's clock when the answer arrived */
  char proxy_used[VG_PROXY_STR_MAX]; /* "" = direct */
  char pac_error[160];               /* the PAC script could not be run: why */
} vg_http_result_t;

/* The latest Date header any http_get of this process saw. */
typedef struct vg_http_date_s {
  char url[VG_HTTP_URL_MAX];
  int64_t date_ms, local_ms;
  int64_t age_ms; /* how long ago (monotonic clock) */
} vg_http_date_t;

/* One place proxy settings are kept. read: 1 read (values below), 0 the
 * key or value set is absent, or a VG_E* code when reading failed. */
typedef struct vg_proxy_src_s {
  int read;
  int enabled;                   /* ProxyEnable / a named WinHTTP proxy */
  char server[VG_PROXY_STR_MAX]; /* ProxyServer / WinHTTP proxy list */
  char bypass[VG_PROXY_STR_MAX]; /* ProxyOverride / WinHTTP bypass list */
  char pac[VG_PROXY_STR_MAX];    /* AutoConfigURL */
  int auto_detect;               /* WPAD (IE config only) */
} vg_proxy_src_t;

/* Where the SYSTEM account's proxy comes from (probes.md "Proxy
 * sources"). */
typedef struct vg_proxy_sources_s {
  vg_proxy_src_t system;  /* HKU\S-1-5-18\...\Internet Settings */
  vg_proxy_src_t dflt;    /* HKU\.DEFAULT\...\Internet Settings */
  vg_proxy_src_t machine; /* HKLM\...\Internet Settings (per machine) */
  vg_proxy_src_t winhttp; /* WinHttpGetDefaultProxyConfiguration */
  vg_proxy_src_t ie;      /* WinHttpGetIEProxyConfigForCurrentUser */
  int per_user;       /* policy ProxySettingsPerUser: 0, 1, or -1 when unset */
  char account[128];  /* the account ie was read as */
  int account_system; /* that account is LocalSystem (S-1-5-18) */
} vg_proxy_sources_t;

/* The local time zone: vg_time_zone_t in tz.h. */

/* ---- Turn 2 (issue 11): task folders, file tails, the event log. */
#define VG_TASK_NAMES_MAX 32

/* The tasks of one Task Scheduler folder (not its subfolders). */
typedef struct vg_task_names_s {
  char names[VG_TASK_NAMES_MAX][200];
  size_t n;     /* listed, at most VG_TASK_NAMES_MAX */
  size_t total; /* tasks in the folder (hidden ones included) */
  uint32_t hr;  /* as vg_task_info_t: the failing call and its HRESULT */
  char call[128];
} vg_task_names_t;

/* What file_tail read. */
typedef struct vg_file_tail_s {
  uint64_t size;    /* the file's size when it was read */
  int64_t mtime_ms; /* last write time, unix ms (UTC); 0 = unknown */
  size_t len;       /* bytes placed in buf: the last min(size, max) */
} vg_file_tail_t;

#define VG_EVENT_DATA_MAX 512

/* One event of an event log channel (system properties and its data). */
typedef struct vg_event_s {
  uint32_t id;     /* EventID */
  int level;       /* 1 critical, 2 error, 3 warning, 4 information */
  int64_t time_ms; /* TimeCreated, unix ms (UTC) */
  uint64_t record_id;
  char provider[128];
  /* The <EventData> or <UserData> element of the event's XML, cut to fit;
   * "" when it has none. */
  char data[VG_EVENT_DATA_MAX];
} vg_event_t;

typedef int (*vg_event_cb)(const vg_event_t *ev, void *ud); /* non-zero stops */
typedef int (*vg_name_cb)(const char *name, void *ud);      /* non-zero stops */

/* Every function takes the table itself first (SQLite's VFS habit), so a
 * table can carry its own state (the tests' fake OS needs no global). */
typedef struct vg_os_s {
  /* Registry (Windows); VG_ENOTSUP on POSIX. */
  int (*reg_get)(const struct vg_os_s *os, const char *key, const char *value,
                 unsigned flags, vg_reg_value_t *out);
  int (*reg_enum_values)(const struct vg_os_s *os, const char *key,
                         unsigned flags, vg_reg_enum_cb cb, void *ud);
  int (*reg_enum_keys)(const struct vg_os_s *os, const char *key,
                       unsigned flags, vg_reg_enum_cb cb,
                       void *ud); /* cb gets name, val NULL */

  /* Expands %VAR% (Windows) or $VAR / ${VAR} (POSIX) into out. */
  int (*expand_env)(const struct vg_os_s *os, const char *in, char *out,
                    size_t outsz);

  /* Free/total bytes of the volume holding path. */
  int (*disk_space)(const struct vg_os_s *os, const char *path,
                    uint64_t *free_bytes, uint64_t *total_bytes);
  /* Sum of used bytes of all fixed local volumes (the default estimate of
   * the backup data size until protected volumes can be read from MARS). */
  int (*fixed_volumes_used)(const struct vg_os_s *os, uint64_t *used_bytes);
  /* Volume facts of the volume holding path. */
  int (*volume_info)(const struct vg_os_s *os, const char *path,
                     vg_volume_info_t *out);
  /* Attributes of path (VG_FA_* bits); VG_ENOENT when absent. */
  int (*file_attrs)(const struct vg_os_s *os, const char *path,
                    uint32_t *attrs);
  /* Creates and deletes a uniquely named file in dir. */
  int (*probe_write)(const struct vg_os_s *os, const char *dir);
  /* Counts entries of dir matching a glob like "*.tmp"; stops once *count
   * reaches stop_at (0 = no limit). */
  int (*count_files)(const struct vg_os_s *os, const char *dir,
                     const char *pattern, uint64_t stop_at, uint64_t *count);
  /* Lists the plain files of dir (not recursive). */
  int (*list_dir)(const struct vg_os_s *os, const char *dir, vg_dir_enum_cb cb,
                  void *ud);
  /* CRC-32 (zlib) and size of a file's contents. */
  int (*file_crc32)(const struct vg_os_s *os, const char *path, uint32_t *crc,
                    uint64_t *size);
  /* Fixed file version of an executable: v[0].v[1].v[2].v[3]. */
  int (*file_version)(const struct vg_os_s *os, const char *path,
                      uint16_t v[4]);

  /* Service Control Manager; VG_ENOENT when the service does not exist. */
  int (*svc_query)(const struct vg_os_s *os, const char *name,
                   vg_svc_info_t *out);

  /* Task folder\name of the Task Scheduler 2.0 (ITaskService). VG_ENOENT
   * when the folder or the task does not exist. COM is initialised on the
   * calling thread for the call. */
  int (*task_query)(const struct vg_os_s *os, const char *folder,
                    const char *name, vg_task_info_t *out);
  /* Local volumes with their shadow-copy storage association (WMI
   * Win32_ShadowStorage), including volumes that have none. */
  int (*shadow_storage)(const struct vg_os_s *os, vg_shadow_info_t *out);
  /* Present devices whose hardware ids include hardware_id, in device setup
   * class class_guid ("{...}") or in every class when class_guid is NULL. */
  int (*device_query)(const struct vg_os_s *os, const char *class_guid,
                      const char *hardware_id, vg_device_list_t *out);
  /* Whether Data Deduplication is enabled on the volume holding path (WMI
   * MSFT_DedupVolume in ROOT\Microsoft\Windows\Deduplication). 0 with
   * *enabled set; when the feature is not installed (no such namespace or
   * class) 0, *enabled = 0 and why says so, else why is "". On failure the
   * error with why naming the failing call and its HRESULT. VG_ENOTSUP on
   * POSIX. COM is initialised on the calling thread for the call. */
  int (*volume_dedup)(const struct vg_os_s *os, const char *path, int *enabled,
                      char *why, size_t whysz);

  /* ---- Turn 2 (issue 11). The current time, unix ms (UTC). Returns 0. */
  int (*wall_clock_ms)(const struct vg_os_s *os, int64_t *now_ms);
  /* The names of the tasks in Task Scheduler folder (hidden ones
   * included, subfolders not). VG_ENOENT when the folder does not exist;
   * other failures as task_query (hr and call in out). COM is initialised
   * on the calling thread for the call. */
  int (*task_list)(const struct vg_os_s *os, const char *folder,
                   vg_task_names_t *out);
  /* Reads the last max bytes of path (all of it when smaller) into buf,
   * seeking from the end: never reads more, whatever the file's size.
   * VG_ENOENT when there is no such file. */
  int (*file_tail)(const struct vg_os_s *os, const char *path, size_t max,
                   char *buf, vg_file_tail_t *out);
  /* Hands the newest events of event log channel (at most max, newest
   * first) that match the XPath query xpath ("*" = all) to cb. 0 also
   * when there are none; VG_ENOENT when the channel does not exist;
   * VG_ENOTSUP when the system has no event log query API (POSIX, or it
   * answers with no result and no error); else the error. On failure why
   * names the failing call and its error. */
  int (*event_query)(const struct vg_os_s *os, const char *channel,
                     const char *xpath, size_t max, vg_event_cb cb, void *ud,
                     char *why, size_t whysz);
  /* Hands the name of every event log channel to cb. Errors as
   * event_query. */
  int (*event_channels)(const struct vg_os_s *os, vg_name_cb cb, void *ud,
                        char *why, size_t whysz);

  /* One HTTP(S) request (WinHTTP; POSIX: plain http:// only, https is
   * VG_ENOTSUP). Returns 0 when an answer arrived (any status), else the
   * VG_E* code of the failure (VG_ECONN, VG_ETIMEDOUT, VG_ENOENT for a
   * name that does not resolve, VG_EIO for TLS) with out saying where and
   * why. Remembers the answer's Date for http_last_date. Blocks up to a
   * few times req->timeout_ms. */
  int (*http_get)(const struct vg_os_s *os, const vg_http_req_t *req,
                  vg_http_result_t *out);
  /* The latest Date header http_get saw in this process; VG_ENOENT when
   * none yet. */
  int (*http_last_date)(const struct vg_os_s *os, vg_http_date_t *out);
  /* Every proxy source, each with its own read result (out->*.read).
   * VG_ENOTSUP where there are none (POSIX). */
  int (*proxy_sources)(const struct vg_os_s *os, vg_proxy_sources_t *out);
  /* The local time zone: names, state and standing rules
   * (GetDynamicTimeZoneInformation; POSIX: derived from localtime_r, no
   * key name) and this year's and next year's rules
   * (GetTimeZoneInformationForYear; none on POSIX: nyears 0). Returns 0
   * or the error; on failure out holds UTC with now_ms set. */
  int (*time_zone)(const struct vg_os_s *os, vg_time_zone_t *out);

  /* Every local volume (FindFirstVolumeW) with its first mount point, type,
   * file system, read-only flag, offline state, space and BitLocker lock
   * status (WMI Win32_EncryptableVolume.GetLockStatus). VG_ENOTSUP on
   * POSIX. COM is initialised on the calling thread for the call. */
  int (*volumes_list)(const struct vg_os_s *os, vg_volume_list_t *out);
  /* The VSS writers and their states (IVssBackupComponents:
   * GatherWriterMetadata, GatherWriterStatus), waiting at most timeout_ms
   * for each asynchronous step (then cancelled: VG_ETIMEDOUT). VG_ENOTSUP
   * with hr 0 on POSIX. COM is initialised on the calling thread. */
  int (*vss_writers)(const struct vg_os_s *os, uint32_t timeout_ms,
                     vg_vss_writers_t *out);
  /* Host name, FQDN, DNS domain and NetBIOS name (GetComputerNameExW). */
  int (*computer_names)(const struct vg_os_s *os, vg_computer_names_t *out);
  /* Calls cb with each Win32 service's name, display name and binary path
   * (as configured, unexpanded) until cb returns non-zero. */
  int (*svc_enum)(const struct vg_os_s *os, vg_svc_enum_cb cb, void *ud);
} vg_os_t;

/* The real table of this platform (probes/win/os_win.c, probes/posix/). */
const vg_os_t *vg_os_default(void);

#endif /* VG_OS_H */
