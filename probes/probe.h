/* probe.h: the probe interface. A probe measures (collect, on a worker
 * thread, may block) and judges (evaluate, pure) - see architecture.md. */
#ifndef VG_PROBE_H
#define VG_PROBE_H

#include "facts.h"
#include "os.h"

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

struct vg_config_s;
struct vg_forecast_s; /* service/forecast.h */

/* What collect may use. Read-only; shared between worker threads. */
typedef struct vg_probe_ctx_s {
  const vg_os_t *os;
  const struct vg_config_s *cfg;
  const char *probe_id;
} vg_probe_ctx_t;

/* Per-evaluation parameters: thresholds (after config) and access to the
 * probe's own config keys. */
typedef struct vg_eval_params_s {
  vg_thresholds_t th;
  const struct vg_config_s *cfg;
  const char *probe_id;
  int64_t now_ms; /* wall clock, for probes that compare times */
  /* What the probe asked to remember across runs and restarts (a baseline,
   * say); empty at first, never NULL. evaluate may fill memo_out to replace
   * it (left empty = keep). Stored with the probe's state. */
  const vg_facts_t *memo;
  vg_facts_t *memo_out;
  /* Where the probe's trend value is heading (probes with a trend function
   * only; NULL otherwise or while history is too short). */
  const struct vg_forecast_s *forecast;
} vg_eval_params_t;

typedef struct vg_probe_s {
  const char *id;
  const char *title;
  uint32_t interval_s; /* default interval */
  uint32_t deadline_s; /* default deadline for one collect */
  vg_thresholds_t th;  /* default thresholds (may be unused) */
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
} vg_probe_t;

/* The probe table (probes/registry.c). */
extern const vg_probe_t *const vg_probes[];
extern const size_t vg_nprobes;

/* Returns the probe with that id or NULL. */
const vg_probe_t *vg_probe_find(const char *id);

/* Status names as in interface.md ("ok", "warn", "crit", "unknown", "n/a").
 * vg_status_parse returns 0 or VG_EINVAL. */
const char *vg_status_name(vg_status_t st);
int vg_status_parse(const char *name, vg_status_t *out);

/* Shared threshold evaluator: status for value v given thresholds and the
 * previous status (for hysteresis). */
vg_status_t vg_threshold_eval(double v, const vg_thresholds_t *th,
                              vg_status_t prev);

/* Finding helpers used by evaluate functions. */
void vg_finding_set(vg_finding_t *f, vg_status_t st, const char *remedy,
                    const char *fmt, ...)
    VG_PRINTF(4, 5);
void vg_finding_predict(vg_finding_t *f, const char *code);
/* Sets an `unknown` finding from the collect error recorded in facts. */
void vg_finding_unknown(vg_finding_t *f, const char *probe_id,
                        const vg_facts_t *facts);

/* Formats n with thousands separators ("61,204"). */
const char *vg_fmt_count(char *buf, size_t size, uint64_t n);
/* Formats a byte count ("12.5 GiB"). */
const char *vg_fmt_bytes(char *buf, size_t size, uint64_t n);

#endif /* VG_PROBE_H */
