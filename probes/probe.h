/* probe.h: the probe interface. A probe measures (collect, on a worker
 * thread, may block) and judges (evaluate, pure) - see architecture.md. */
#ifndef VG_PROBE_H
#define VG_PROBE_H

#include "facts.h"
#include "os.h"
#include "trend.h"

#include <stdint.h>

/* Ordered by severity so that `a > b` means "a is worse". */
typedef enum {
  VG_ST_NA = 0, /* does not apply on this machine */
  VG_ST_OK,
  VG_ST_UNKNOWN, /* could not measure */
  VG_ST_WARN,
  VG_ST_CRIT
} vg_status_t;

#define VG_MAX_PREDICTS 8
#define VG_SUMMARY_MAX 384
#define VG_REMEDY_MAX 384

typedef struct vg_finding_s {
  vg_status_t status;
  char summary[VG_SUMMARY_MAX];
  char remedy[VG_REMEDY_MAX];
  char predicts[VG_MAX_PREDICTS][48];
  unsigned npredicts;
  /* The probe whose own finding would explain this one (its subject is
   * missing because of it: "scratch.config" for a missing scratch folder),
   * or "". The judge lowers this finding while that probe is raised. */
  char explained_by[48];
} vg_finding_t;

/* Numeric thresholds; direction tells which side is bad. Hysteresis is in
 * the value's unit: a raised state clears only once the value is better than
 * the threshold by that much (Netdata style). */
typedef enum { VG_TH_ABOVE = 0, VG_TH_BELOW = 1 } vg_th_dir_t;

typedef struct vg_thresholds_s {
  double warn;
  double crit;
  double hysteresis;
  vg_th_dir_t dir;
} vg_thresholds_t;

/* The thresholds of a probe judged by its own rules, not by a number
 * against warn/crit (needs <math.h> for NAN). */
#define VG_TH_NONE                                                             \
  { .warn = NAN, .crit = NAN, .hysteresis = 0, .dir = VG_TH_ABOVE }

/* The unit of a probe's warn/crit/hysteresis in vigil.ini: a plain number,
 * or a duration ("2m", "90s"; a bare number is seconds) held in seconds. */
typedef enum { VG_TH_NUMBER = 0, VG_TH_SECONDS = 1 } vg_th_unit_t;

/* A probe-specific configuration key (section is the probe id). */
typedef enum {
  VG_KEY_INT,      /* signed 64-bit integer */
  VG_KEY_BYTES,    /* size with optional K/M/G/T suffix (binary) */
  VG_KEY_DURATION, /* milliseconds; accepts ms/s/m/h/d suffix */
  VG_KEY_DOUBLE,
  VG_KEY_BOOL,
  VG_KEY_STR
} vg_key_type_t;

typedef struct vg_key_def_s {
  const char *name;
  vg_key_type_t type;
  double min, max; /* bounds for numeric types; for STR max is the length */
  const char *def; /* default as text, NULL = unset */
  const char *help;
} vg_key_def_t;

struct vg_probe_s;

/* Where a probe's settings come from. The core supplies it (config.c reads
 * vigil.ini); get returns the validated text of [section] key with the key
 * table's default applied, and *num its number for numeric types, or NULL
 * when the key has no value and no default. Read-only; any thread. */
typedef struct vg_settings_src_s {
  const void *ud;
  const char *(*get)(const void *ud, const char *section, const char *key,
                     double *num);
} vg_settings_src_t;

/* A probe's view of its settings: its own section only. src NULL means
 * every key at its default (tests that evaluate without a config). */
typedef struct vg_probe_settings_s {
  const vg_settings_src_t *src;
  const struct vg_probe_s *probe;
} vg_probe_settings_t;

/* The probe's own keys (declared in its keys table, or the keys every
 * probe has): the configured value, else the declared default. Durations
 * are in ms, sizes in bytes. A key the probe did not declare is a bug in
 * the probe: it reads as unset (NULL, 0) and says so once on stderr. */
const char *vg_probe_str(const vg_probe_settings_t *s, const char *key);
double vg_probe_num(const vg_probe_settings_t *s, const char *key);
int vg_probe_bool(const vg_probe_settings_t *s, const char *key);

/* What collect may use. Read-only; shared between worker threads. */
typedef struct vg_probe_ctx_s {
  const vg_os_t *os;
  vg_probe_settings_t set;
  const char *probe_id;
  vg_thresholds_t th; /* thresholds after config */
} vg_probe_ctx_t;

/* Per-evaluation parameters: thresholds (after config) and access to the
 * probe's own settings. */
typedef struct vg_eval_params_s {
  vg_thresholds_t th;
  vg_probe_settings_t set;
  const char *probe_id;
  int64_t now_ms; /* wall clock, for probes that compare times */
  /* What the probe asked to remember across runs and restarts (a baseline,
   * say); empty at first, never NULL. evaluate may fill memo_out to replace
   * it (left empty = keep). Stored with the probe's state. */
  const vg_facts_t *memo;
  vg_facts_t *memo_out;
  /* Where the probe's trend value is heading (probes with a trend function
   * only; NULL otherwise or while history is too short). */
  const vg_forecast_t *forecast;
} vg_eval_params_t;

/* What a probe's failure breaks (interface.md "Probe ids"). */
typedef enum {
  VG_SCOPE_BACKUP = 0,
  VG_SCOPE_RESTORE,
  VG_SCOPE_MONITORING
} vg_scope_t;

const char *vg_scope_name(vg_scope_t s);

typedef struct vg_probe_s {
  const char *id;
  const char *title;
  unsigned number; /* fixed, never reused: places its event ids */
  vg_scope_t scope;
  uint32_t interval_s;      /* default interval */
  uint32_t deadline_s;      /* default deadline for one collect */
  vg_thresholds_t th;       /* default thresholds (may be unused) */
  vg_th_unit_t th_unit;     /* how vigil.ini writes them */
  const vg_key_def_t *keys; /* probe-specific config keys, NULL-terminated */
  /* Worker thread. Fills facts; returns 0 or a VG_E* code with
   * vg_facts_error() set to a one-line reason. */
  int (*collect)(const vg_probe_ctx_t *ctx, vg_facts_t *out);
  /* Loop thread, pure. prev may be NULL (first evaluation). */
  void (*evaluate)(const vg_facts_t *facts, const vg_eval_params_t *p,
                   const vg_finding_t *prev, vg_finding_t *out);
  /* Optional, pure: the value that drifts and the level at which it turns
   * crit, so the agent can forecast when it gets there (scratch.space: free
   * bytes against 5 % of the backup data size). Less must be worse (negate
   * a value that grows towards trouble). 0 when facts carry one. */
  int (*trend)(const vg_facts_t *facts, const vg_thresholds_t *th,
               double *value, double *crit_level);
  /* Optional, pure: the probe's words when the judge warns because the
   * trend (p->forecast) reaches crit within the forecast horizon - the
   * judge decides when (judge.h), the probe only says what. Fills out
   * (summary, remedy, predicts; the status is set by the judge). Returns 1,
   * or 0 when the facts give nothing to say. */
  int (*forecast_warn)(const vg_facts_t *facts, const vg_eval_params_t *p,
                       vg_finding_t *out);
} vg_probe_t;

/* The probe table (probes/probe_table.c), in report order. */
extern const vg_probe_t *const vg_probes[];
extern const size_t vg_nprobes;

/* Returns the probe with that id or NULL. */
const vg_probe_t *vg_probe_find(const char *id);

/* Status names as in interface.md ("ok", "warn", "crit", "unknown", "n/a").
 * vg_status_parse returns 0 or VG_EINVAL. */
const char *vg_status_name(vg_status_t st);
int vg_status_parse(const char *name, vg_status_t *out);

/* Parses "true/false/yes/no/on/off/1/0". Returns 0 or VG_EINVAL. */
int vg_parse_bool(const char *s, int *out);

/* Shared threshold evaluator: status for value v given thresholds and the
 * previous status (for hysteresis). */
vg_status_t vg_threshold_eval(double v, const vg_thresholds_t *th,
                              vg_status_t prev);

/* Finding helpers used by evaluate functions. */
void vg_finding_set(vg_finding_t *f, vg_status_t st, const char *remedy,
                    const char *fmt, ...) VG_PRINTF(4, 5);
void vg_finding_predict(vg_finding_t *f, const char *code);
/* Sets an `unknown` finding from the collect error recorded in facts. */
void vg_finding_unknown(vg_finding_t *f, const char *probe_id,
                        const vg_facts_t *facts);

/* Formats n with thousands separators ("61,204"). */
const char *vg_fmt_count(char *buf, size_t size, uint64_t n);
/* Formats a byte count ("12.5 GiB"). */
const char *vg_fmt_bytes(char *buf, size_t size, uint64_t n);

#endif /* VG_PROBE_H */
