/* os.h: the operating-system boundary probes read through, as a table of
 * function pointers (SQLite's VFS habit). probes/win/ and probes/posix/
 * provide the real tables; tests swap in a fake. All strings are UTF-8;
 * registry keys are paths under HKEY_LOCAL_MACHINE. Every function returns
 * 0 or a VG_E* code (VG_ENOENT: key/value/file absent, VG_EACCES, VG_ENOTSUP
 * where the platform has no such thing) and may block: call from workers. */
#ifndef VG_OS_H
#define VG_OS_H

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

typedef int (*vg_dir_enum_cb)(const char *name, uint32_t attrs,
                              uint64_t size, void *ud); /* non-zero stops */

typedef struct vg_os_s {
  /* Registry (Windows); VG_ENOTSUP on POSIX. */
  int (*reg_get)(const char *key, const char *value, unsigned flags,
                 vg_reg_value_t *out);
  int (*reg_enum_values)(const char *key, unsigned flags, vg_reg_enum_cb cb,
                         void *ud);
  int (*reg_enum_keys)(const char *key, unsigned flags, vg_reg_enum_cb cb,
                       void *ud); /* cb gets name, val NULL */

  /* Expands %VAR% (Windows) or $VAR / ${VAR} (POSIX) into out. */
  int (*expand_env)(const char *in, char *out, size_t outsz);

  /* Free/total bytes of the volume holding path. */
  int (*disk_space)(const char *path, uint64_t *free_bytes,
                    uint64_t *total_bytes);
  /* Sum of used bytes of all fixed local volumes (the default estimate of
   * the backup data size until protected volumes can be read from MARS). */
  int (*fixed_volumes_used)(uint64_t *used_bytes);
  /* Volume facts of the volume holding path. */
  int (*volume_info)(const char *path, vg_volume_info_t *out);
  /* Attributes of path (VG_FA_* bits); VG_ENOENT when absent. */
  int (*file_attrs)(const char *path, uint32_t *attrs);
  /* Creates and deletes a uniquely named file in dir. */
  int (*probe_write)(const char *dir);
  /* Counts entries of dir matching a glob like "*.tmp"; stops once *count
   * reaches stop_at (0 = no limit). */
  int (*count_files)(const char *dir, const char *pattern, uint64_t stop_at,
                     uint64_t *count);
  /* Lists the plain files of dir (not recursive). */
  int (*list_dir)(const char *dir, vg_dir_enum_cb cb, void *ud);
  /* CRC-32 (zlib) and size of a file's contents. */
  int (*file_crc32)(const char *path, uint32_t *crc, uint64_t *size);
  /* Fixed file version of an executable: v[0].v[1].v[2].v[3]. */
  int (*file_version)(const char *path, uint16_t v[4]);

  /* Service Control Manager; VG_ENOENT when the service does not exist. */
  int (*svc_query)(const char *name, vg_svc_info_t *out);
} vg_os_t;

/* The real table of this platform (probes/win/os_win.c, probes/posix/). */
const vg_os_t *vg_os_default(void);

#endif /* VG_OS_H */
