/* json.h: strict RFC 8259 JSON for Vigil: a streaming writer for responses
 * and facts, and a bounded DOM reader for requests and stored documents. */
#ifndef VG_JSON_H
#define VG_JSON_H

#include <stddef.h>
#include <stdint.h>

/* ---- Writer ------------------------------------------------------------
 * Builds compact JSON in a growable buffer. Commas are inserted
 * automatically. The first failure (VG_ENOMEM, VG_ERANGE for nesting deeper
 * than VG_JSON_MAX_DEPTH, VG_EINVAL for misuse such as a value in an object
 * without a key) is kept in err and every later call does nothing, so a
 * caller may write a whole document and check once at vg_jw_steal.
 * A writer belongs to one thread at a time. */

#define VG_JSON_MAX_DEPTH 64

typedef struct vg_jw_s {
  char *buf;
  size_t len, cap;
  int err;
  int depth;               /* open containers */
  unsigned char first[64]; /* per open container: object/has-items/key */
} vg_jw_t;

/* Prepares an empty writer; never fails (memory comes on first write). */
void vg_jw_init(vg_jw_t *w);

/* Frees the buffer and leaves w as after vg_jw_init. */
void vg_jw_free(vg_jw_t *w);

/* Returns the text written so far as a malloc'd NUL-terminated string the
 * caller frees, its length in *len (len may be NULL), or NULL if w->err is
 * set or memory ran out. Either way w is reset as after vg_jw_init. */
char *vg_jw_steal(vg_jw_t *w, size_t *len);

/* Open and close containers; a mismatched close sets VG_EINVAL. */
void vg_jw_obj_begin(vg_jw_t *w);
void vg_jw_obj_end(vg_jw_t *w);
void vg_jw_arr_begin(vg_jw_t *w);
void vg_jw_arr_end(vg_jw_t *w);

/* Writes an object member name; must be followed by exactly one value. */
void vg_jw_key(vg_jw_t *w, const char *key);

/* Writes a string (NULL writes null). Escapes '"', '\\' and control
 * characters; each ill-formed UTF-8 sequence becomes U+FFFD. */
void vg_jw_str(vg_jw_t *w, const char *s);

/* As vg_jw_str for s[0..n); an embedded NUL is written as \u0000. */
void vg_jw_strn(vg_jw_t *w, const char *s, size_t n);

/* Write numbers. Doubles use the fewest of 15..17 significant digits that
 * read back to the same value (12.5 -> 12.5); NaN and infinities write null.
 * Assumes LC_NUMERIC is "C" (the default unless setlocale is called). */
void vg_jw_int(vg_jw_t *w, int64_t v);
void vg_jw_uint(vg_jw_t *w, uint64_t v);
void vg_jw_double(vg_jw_t *w, double v);

/* Write true/false (any non-zero v is true) and null. */
void vg_jw_bool(vg_jw_t *w, int v);
void vg_jw_null(vg_jw_t *w);

/* Inserts one pre-serialised JSON value verbatim (not checked; NULL writes
 * null). */
void vg_jw_raw(vg_jw_t *w, const char *json);

/* Key and value in one call, for building objects. */
/* Appends members ("k":v,"k2":v2 - n bytes of valid JSON members, no
 * braces) to the open object, as if each had been written; a cached part
 * of a document spliced into a new one. */
void vg_jw_raw_members(vg_jw_t *w, const char *members, size_t n);
void vg_jw_kstr(vg_jw_t *w, const char *key, const char *s);
void vg_jw_kint(vg_jw_t *w, const char *key, int64_t v);
void vg_jw_kuint(vg_jw_t *w, const char *key, uint64_t v);
void vg_jw_kdouble(vg_jw_t *w, const char *key, double v);
void vg_jw_kbool(vg_jw_t *w, const char *key, int v);

/* ---- Reader ------------------------------------------------------------
 * A parsed document is immutable and owned by the caller until
 * vg_json_free; it may be read from several threads at once. Accessors
 * accept NULL and then return NULL / 0 / VG_EINVAL, so lookups chain. */

typedef enum {
  VG_JSON_NULL,
  VG_JSON_BOOL,
  VG_JSON_NUMBER,
  VG_JSON_STRING,
  VG_JSON_ARRAY,
  VG_JSON_OBJECT
} vg_json_type_t;

typedef struct vg_json_s vg_json_t;

/* Parses exactly one JSON value (surrounding whitespace allowed) from
 * text[0..len). Returns 0 and the document in *out (free with
 * vg_json_free), or VG_EPARSE, VG_ENOMEM, VG_ERANGE (nesting deeper than
 * VG_JSON_MAX_DEPTH) or VG_EINVAL (out is NULL). On error *out is NULL and,
 * when err is not NULL, err holds one line such as "at byte 17: expected
 * ':' after object key" (0-based byte offset into text). Any thread. */
int vg_json_parse(const char *text, size_t len, vg_json_t **out, char *err,
                  size_t errlen);

/* Frees a document returned by vg_json_parse (only its root; NULL is ok). */
void vg_json_free(vg_json_t *v);

/* Type of v; NULL counts as VG_JSON_NULL. */
vg_json_type_t vg_json_type(const vg_json_t *v);

/* Value of member key of object obj, the first one if the key repeats;
 * NULL if obj is not an object or has no such member. Linear search. */
const vg_json_t *vg_json_get(const vg_json_t *obj, const char *key);

/* Number of array elements or object members; 0 for scalars. */
size_t vg_json_len(const vg_json_t *v);

/* Element i of an array or value of member i of an object, in document
 * order; NULL when out of range or v is a scalar. */
const vg_json_t *vg_json_at(const vg_json_t *v, size_t i);

/* Name of member i of an object, or NULL. */
const char *vg_json_key_at(const vg_json_t *obj, size_t i);

/* NUL-terminated UTF-8 of a string value (never holds NUL), or NULL unless
 * v is a string. Valid while the document lives. */
const char *vg_json_str(const vg_json_t *v);

/* vg_json_str(vg_json_get(obj, key)). */
const char *vg_json_get_str(const vg_json_t *obj, const char *key);

/* Stores the nearest double to a number. Returns 0, VG_EINVAL if v is not a
 * number, or VG_ERANGE if it is beyond the double range. */
int vg_json_num(const vg_json_t *v, double *out);

/* Stores an integral number exactly (integers are read digit by digit, not
 * through a double; 1e3 and 2.0 count as integral). Returns 0, VG_EINVAL if
 * v is not an integral number, or VG_ERANGE outside int64_t. */
int vg_json_int(const vg_json_t *v, int64_t *out);

/* Stores 1 or 0 for true/false. Returns 0 or VG_EINVAL if not a boolean. */
int vg_json_bool(const vg_json_t *v, int *out);

/* Writes a parsed value compactly; numbers keep their original text, so a
 * parse/write round trip preserves big integers and precision. */
void vg_jw_value(vg_jw_t *w, const vg_json_t *v);

#endif /* VG_JSON_H */
