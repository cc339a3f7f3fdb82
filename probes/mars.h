/* mars.h: shared lookups of the MARS agent's installation (probes.md,
 * "Shared lookups"), used by every MARS probe. */
#ifndef VG_MARS_H
#define VG_MARS_H

#include "facts.h"
#include "os.h"

#define VG_MARS_SETUP_KEY "SOFTWARE\\Microsoft\\Windows Azure Backup\\Setup"
#define VG_MARS_CONFIG_KEY "SOFTWARE\\Microsoft\\Windows Azure Backup\\Config"
#define VG_MARS_CBP_KEY                                                        \
  "SOFTWARE\\Microsoft\\Windows Azure Backup\\Config\\CloudBackupProvider"
#define VG_MARS_ENGINE_SERVICE "obengine"

typedef struct vg_mars_loc_s {
  int installed;           /* Setup\InstallPath present */
  char install_path[1024]; /* expanded, no trailing separator */
  int has_scratch_config;  /* Config\ScratchLocation present */
  int has_scratch_cbp;     /* Config\CloudBackupProvider\ScratchLocation */
  char scratch_config[1024];
  char scratch_cbp[1024];
  char scratch[1024]; /* effective: Config, else CBP, else default */
  int reg_err;        /* registry error other than "absent", 0 if none */
} vg_mars_loc_t;

/* Reads the install folder and scratch folder values. Returns 0 (also when
 * MARS is absent: installed = 0) or the registry error when the keys exist
 * but cannot be read. Worker thread. */
int vg_mars_locate(const vg_os_t *os, vg_mars_loc_t *out);

/* vg_mars_locate for collect: also adds the mars_installed / install_path
 * facts and turns an unreadable Setup key into a collect failure with a
 * one-line reason. Returns 0 (check loc->installed) or the error. Worker
 * thread. */
int vg_mars_locate_facts(const vg_os_t *os, vg_mars_loc_t *loc, vg_facts_t *f);

/* vg_mars_locate_facts for probes that need the scratch folder: also adds the
 * ScratchLocation value is a collect failure too.
 * Returns 0 (check loc->installed) or the error. Worker thread. */
int vg_mars_locate_scratch(const vg_os_t *os, vg_mars_loc_t *loc,
                           vg_facts_t *f);

/* Reads the attributes of the scratch folder path into the facts "exists"
 * and "attrs" (and *attrs). Returns 0 (absent: exists = false) or the
 * collect error with a one-line reason. Worker thread. */
int vg_mars_scratch_attrs(const vg_os_t *os, const char *path, vg_facts_t *f,
                          uint32_t *attrs);

/* Adds mars_installed / install_path facts. */
int vg_mars_facts(const vg_mars_loc_t *loc, vg_facts_t *f);

/* For evaluate of probes that need the agent: when facts say MARS is not
 * installed, sets the one n/a finding every such probe reports and returns
 * 1; returns 0 otherwise. Pure. */
struct vg_finding_s;
int vg_mars_absent(const vg_facts_t *f, struct vg_finding_s *out);

/* Finds the service of a MARS component: the one whose display name is
 * display (case-insensitive), else the first whose binary lies in the
 * folder bin_dir (quotes stripped, environment variables expanded,
 * case-insensitive), never the service named skip. Returns 0 with its
 * name in name and *by = "display name" or "binary path", VG_ENOENT when
 * none matches, or the error of listing the services. Worker thread. */
int vg_mars_find_service(const vg_os_t *os, const char *display,
                         const char *bin_dir, const char *skip, char *name,
                         size_t namesz, const char **by);

/* Adds the facts state, start_type, delayed_auto_start, pid, exit_code,
 * binary and account of a service as mars.engine names them ("running",
 * "auto", ...). Returns 0 or a facts error. */
int vg_mars_svc_facts(const vg_svc_info_t *si, vg_facts_t *f);

/* Queries service name and records service_exists and (when it exists)
 * vg_mars_svc_facts. Returns 0 (also when there is no such service) or
 * the collect failure "cannot query the <name> service: ...". Worker
 * thread. */
int vg_mars_svc_collect(const vg_os_t *os, const char *name, vg_facts_t *f);

/* Removes trailing path separators (not from a root like "C:\" or "/"). */
void vg_path_strip_trailing(char *path);
/* Case-insensitive path equality ignoring trailing separators and treating
 * '/' and '\' alike (how Windows compares these paths). */
int vg_path_equal(const char *a, const char *b);
/* vg_strerror for an error reading a path: VG_ERANGE there means the path
 * is too long or a junction/symbolic link loops, which the generic "value
 * out of range" does not tell. Pure. */
const char *vg_path_strerror(int err);

#endif /* VG_MARS_H */
