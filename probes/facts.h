/* facts.h: typed facts a probe's collect returns (name -> value). */
#ifndef VG_FACTS_H
#define VG_FACTS_H

#include "vg.h"

#include <stddef.h>
#include <stdint.h>

#define VG_FACT_KEY_MAX 40
#define VG_FACTS_MAX 64
#define VG_FACT_STR_MAX 4096

typedef enum {
  VG_FACT_NULL,
  VG_FACT_INT,
  VG_FACT_DOUBLE,
  VG_FACT_BOOL,
  VG_FACT_STR
} vg_fact_type_t;

typedef struct vg_fact_s {
  char key[VG_FACT_KEY_MAX];
  vg_fact_type_t type;
  union {
    int64_t i;
    double d;
    int b;
    char *s;
  } v;
} vg_fact_t;

/* items grows as facts are set (to VG_FACTS_MAX at most): a probe holds
 * the few it has, not 64 slots (issue 17: 22 probes x 2 sets x 4 KiB). */
typedef struct vg_facts_s {
  vg_fact_t *items;
  size_t n, cap;
  int err;         /* VG_E* of a failed collect, 0 otherwise */
  char error[512]; /* one-line reason when err != 0 */
} vg_facts_t;

/* init: an empty set (f may hold garbage; nothing is freed). reset: frees
 * what the set holds and leaves it empty (the set's destructor). A set
 * moves by struct assignment when the source is init'ed afterwards. */
void vg_facts_init(vg_facts_t *f);
void vg_facts_reset(vg_facts_t *f);

/* Setters replace an existing key. Return 0, VG_ENOMEM or VG_ERANGE (too
 * many facts / key too long). Strings are copied, cut at VG_FACT_STR_MAX. */
int vg_facts_set_int(vg_facts_t *f, const char *key, int64_t v);
int vg_facts_set_double(vg_facts_t *f, const char *key, double v);
int vg_facts_set_bool(vg_facts_t *f, const char *key, int v);
int vg_facts_set_str(vg_facts_t *f, const char *key, const char *v);
int vg_facts_set_null(vg_facts_t *f, const char *key);

/* Records a collect failure; returns err so collect can `return` it. */
int vg_facts_fail(vg_facts_t *f, int err, const char *fmt, ...) VG_PRINTF(3, 4);

const vg_fact_t *vg_facts_find(const vg_facts_t *f, const char *key);
/* Getters return 0, VG_ENOENT (absent or null) or VG_EINVAL (wrong type).
 * get_int accepts a double with no fraction; get_double accepts an int. */
int vg_facts_get_int(const vg_facts_t *f, const char *key, int64_t *out);
int vg_facts_get_double(const vg_facts_t *f, const char *key, double *out);
int vg_facts_get_bool(const vg_facts_t *f, const char *key, int *out);
const char *vg_facts_get_str(const vg_facts_t *f, const char *key);
/* Convenience: value or def when absent. */
int64_t vg_facts_int_or(const vg_facts_t *f, const char *key, int64_t def);
int vg_facts_bool_or(const vg_facts_t *f, const char *key, int def);

/* Deep copy (dst is reset first). */
int vg_facts_copy(vg_facts_t *dst, const vg_facts_t *src);

#endif /* VG_FACTS_H */
