/* json.c: strict RFC 8259 JSON writer and bounded, iterative DOM reader. */
#include "json.h"

#include "vg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- UTF-8 ------------------------------------------------------------ */

/* Length (1..4) of the well-formed UTF-8 sequence at s[0..n), or 0. On 0,
 * *bad is the length of its maximal ill-formed prefix (>= 1), which the
 * writer replaces by one U+FFFD as Unicode recommends. Table 3-7 of the
 * Unicode standard: no overlongs, no surrogates, nothing above U+10FFFF. */
static size_t json_utf8_seq(const unsigned char *s, size_t n, size_t *bad) {
  unsigned char lo = 0x80, hi = 0xBF;
  size_t need, i;

  if (s[0] < 0x80) return 1;
  if (s[0] >= 0xC2 && s[0] <= 0xDF) {
    need = 1;
  } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
    need = 2;
    if (s[0] == 0xE0) lo = 0xA0;
    if (s[0] == 0xED) hi = 0x9F;
  } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
    need = 3;
    if (s[0] == 0xF0) lo = 0x90;
    if (s[0] == 0xF4) hi = 0x8F;
  } else {
    *bad = 1;
    return 0;
  }
  for (i = 1; i <= need; i++) {
    if (i >= n || s[i] < lo || s[i] > hi) {
      *bad = i;
      return 0;
    }
    lo = 0x80;
    hi = 0xBF;
  }
  return need + 1;
}

/* Encodes a scalar value (not a surrogate, <= U+10FFFF); returns bytes. */
static size_t json_utf8_put(char *d, uint32_t cp) {
  if (cp < 0x80) {
    d[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    d[0] = (char)(0xC0 | (cp >> 6));
    d[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    d[0] = (char)(0xE0 | (cp >> 12));
    d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    d[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  d[0] = (char)(0xF0 | (cp >> 18));
  d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  d[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  d[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Decimal digits of v, written backwards ending at end; returns start. Our
 * own so no printf flavour (msvcrt vs. C99) decides the output. */
static char *json_fmt_u64(char *end, uint64_t v) {
  do {
    *--end = (char)('0' + (int)(v % 10));
    v /= 10;
  } while (v != 0);
  return end;
}

/* ---- Writer ----------------------------------------------------------- */

/* Flags in first[depth - 1] for each open container. */
#define JW_OBJ 0x1u /* an object, not an array */
#define JW_ANY 0x2u /* holds at least one item, so the next needs a comma */
#define JW_KEY 0x4u /* a key was written and its value is due */

static void jw_fail(vg_jw_t *w, int err) {
  if (w->err == 0) w->err = err;
}

/* Makes room for n more bytes plus the NUL vg_jw_steal adds. */
static int jw_reserve(vg_jw_t *w, size_t n) {
  size_t need, cap;
  char *nb;

  if (w->err != 0) return -1;
  if (n >= SIZE_MAX - w->len) {
    jw_fail(w, VG_ENOMEM);
    return -1;
  }
  need = w->len + n + 1;
  if (need <= w->cap) return 0;
  cap = w->cap != 0 ? w->cap : 256;
  while (cap < need) {
    if (cap > SIZE_MAX / 2) {
      cap = need;
      break;
    }
    cap *= 2;
  }
  nb = realloc(w->buf, cap);
  if (nb == NULL) {
    jw_fail(w, VG_ENOMEM);
    return -1;
  }
  w->buf = nb;
  w->cap = cap;
  return 0;
}

static void jw_put(vg_jw_t *w, const char *s, size_t n) {
  if (jw_reserve(w, n) != 0) return;
  memcpy(w->buf + w->len, s, n);
  w->len += n;
}

static void jw_putc(vg_jw_t *w, char c) {
  if (jw_reserve(w, 1) != 0) return;
  w->buf[w->len++] = c;
}

/* Called before every value: writes the comma if one is due and checks the
 * value is allowed here. Returns 0 when the caller may write. */
static int jw_sep(vg_jw_t *w) {
  unsigned char *f;

  if (w->err != 0) return -1;
  if (w->depth == 0) {
    if (w->len != 0) { /* a second top-level value */
      jw_fail(w, VG_EINVAL);
      return -1;
    }
    return 0;
  }
  f = &w->first[w->depth - 1];
  if (*f & JW_OBJ) {
    if (!(*f & JW_KEY)) { /* object member without a key */
      jw_fail(w, VG_EINVAL);
      return -1;
    }
    *f = (unsigned char)(*f & ~JW_KEY);
    return 0;
  }
  if (*f & JW_ANY) jw_putc(w, ',');
  *f |= JW_ANY;
  return w->err != 0 ? -1 : 0;
}

static void jw_string(vg_jw_t *w, const unsigned char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t i = 0, run = 0, k, bad;
  char esc[6];

  if (jw_reserve(w, n + 2) != 0) return;
  jw_putc(w, '"');
  while (i < n) {
    unsigned char c = s[i];
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      i++;
      continue;
    }
    jw_put(w, (const char *)s + run, i - run);
    if (c < 0x80) {
      esc[0] = '\\';
      switch (c) {
      case '"': esc[1] = '"'; break;
      case '\\': esc[1] = '\\'; break;
      case '\b': esc[1] = 'b'; break;
      case '\f': esc[1] = 'f'; break;
      case '\n': esc[1] = 'n'; break;
      case '\r': esc[1] = 'r'; break;
      case '\t': esc[1] = 't'; break;
      default:
        esc[1] = 'u';
        esc[2] = '0';
        esc[3] = '0';
        esc[4] = hex[c >> 4];
        esc[5] = hex[c & 0xF];
        break;
      }
      jw_put(w, esc, esc[1] == 'u' ? 6 : 2);
      i++;
    } else if ((k = json_utf8_seq(s + i, n - i, &bad)) != 0) {
      jw_put(w, (const char *)s + i, k);
      i += k;
    } else {
      jw_put(w, "\xEF\xBF\xBD", 3);
      i += bad;
    }
    run = i;
  }
  jw_put(w, (const char *)s + run, i - run);
  jw_putc(w, '"');
}

static void jw_begin(vg_jw_t *w, unsigned char flags, char c) {
  if (jw_sep(w) != 0) return;
  if (w->depth >= VG_JSON_MAX_DEPTH) {
    jw_fail(w, VG_ERANGE);
    return;
  }
  jw_putc(w, c);
  w->first[w->depth++] = flags;
}

static void jw_end(vg_jw_t *w, unsigned char obj, char c) {
  if (w->err != 0) return;
  if (w->depth == 0 || (w->first[w->depth - 1] & JW_OBJ) != obj ||
      (w->first[w->depth - 1] & JW_KEY)) {
    jw_fail(w, VG_EINVAL);
    return;
  }
  jw_putc(w, c);
  w->depth--;
}

/* Any thread owning w. */
void vg_jw_init(vg_jw_t *w) { memset(w, 0, sizeof(*w)); }

/* Any thread owning w. */
void vg_jw_free(vg_jw_t *w) {
  free(w->buf);
  vg_jw_init(w);
}

/* Caller owns and frees the result. */
char *vg_jw_steal(vg_jw_t *w, size_t *len) {
  char *out = NULL;

  if (w->err == 0) {
    if (w->buf == NULL) {
      out = malloc(1);
    } else {
      out = w->buf;
      w->buf = NULL;
    }
    if (out != NULL) {
      out[w->len] = '\0';
      if (len != NULL) *len = w->len;
    }
  }
  vg_jw_free(w);
  return out;
}

/* Any thread owning w. */
void vg_jw_obj_begin(vg_jw_t *w) { jw_begin(w, JW_OBJ, '{'); }

/* Any thread owning w. */
void vg_jw_obj_end(vg_jw_t *w) { jw_end(w, JW_OBJ, '}'); }

/* Any thread owning w. */
void vg_jw_arr_begin(vg_jw_t *w) { jw_begin(w, 0, '['); }

/* Any thread owning w. */
void vg_jw_arr_end(vg_jw_t *w) { jw_end(w, 0, ']'); }

/* Any thread owning w. */
void vg_jw_key(vg_jw_t *w, const char *key) {
  unsigned char *f;

  if (w->err != 0) return;
  f = w->depth > 0 ? &w->first[w->depth - 1] : NULL;
  if (key == NULL || f == NULL || !(*f & JW_OBJ) || (*f & JW_KEY)) {
    jw_fail(w, VG_EINVAL);
    return;
  }
  if (*f & JW_ANY) jw_putc(w, ',');
  *f |= JW_ANY | JW_KEY;
  jw_string(w, (const unsigned char *)key, strlen(key));
  jw_putc(w, ':');
}

/* Any thread owning w. */
void vg_jw_str(vg_jw_t *w, const char *s) {
  if (s == NULL) {
    vg_jw_null(w);
    return;
  }
  vg_jw_strn(w, s, strlen(s));
}

/* Any thread owning w. */
void vg_jw_strn(vg_jw_t *w, const char *s, size_t n) {
  if (s == NULL) {
    vg_jw_null(w);
    return;
  }
  if (jw_sep(w) != 0) return;
  jw_string(w, (const unsigned char *)s, n);
}

/* Any thread owning w. */
void vg_jw_int(vg_jw_t *w, int64_t v) {
  char buf[24], *end = buf + sizeof(buf), *p;

  if (jw_sep(w) != 0) return;
  /* Negate in unsigned arithmetic so INT64_MIN does not overflow. */
  p = json_fmt_u64(end, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
  if (v < 0) *--p = '-';
  jw_put(w, p, (size_t)(end - p));
}

/* Any thread owning w. */
void vg_jw_uint(vg_jw_t *w, uint64_t v) {
  char buf[24], *end = buf + sizeof(buf), *p;

  if (jw_sep(w) != 0) return;
  p = json_fmt_u64(end, v);
  jw_put(w, p, (size_t)(end - p));
}

/* Any thread owning w. */
void vg_jw_double(vg_jw_t *w, double v) {
  char buf[40];
  int prec, n = 0, i, j;

  if (!isfinite(v)) {
    vg_jw_null(w);
    return;
  }
  if (jw_sep(w) != 0) return;
  for (prec = 15; prec <= 17; prec++) {
    n = snprintf(buf, sizeof(buf), "%.*g", prec, v);
    if (n <= 0 || (size_t)n >= sizeof(buf)) {
      jw_fail(w, VG_ERANGE);
      return;
    }
    if (strtod(buf, NULL) == v) break;
  }
  /* A locale's decimal comma must not leak into JSON, and the exponent
   * loses leading zeros so msvcrt ("1e+021") and C99 ("1e+21") agree. */
  for (i = 0, j = 0; i < n; i++) {
    char c = buf[i] == ',' ? '.' : buf[i];
    if (c == '0' && j > 0 && (buf[j - 1] == '+' || buf[j - 1] == '-') &&
        j > 1 && buf[j - 2] == 'e' && i + 1 < n)
      continue;
    buf[j++] = c;
  }
  jw_put(w, buf, (size_t)j);
}

/* Any thread owning w. */
void vg_jw_bool(vg_jw_t *w, int v) {
  if (jw_sep(w) != 0) return;
  if (v)
    jw_put(w, "true", 4);
  else
    jw_put(w, "false", 5);
}

/* Any thread owning w. */
void vg_jw_null(vg_jw_t *w) {
  if (jw_sep(w) != 0) return;
  jw_put(w, "null", 4);
}

/* Any thread owning w. */
void vg_jw_raw(vg_jw_t *w, const char *json) {
  if (json == NULL) {
    vg_jw_null(w);
    return;
  }
  if (jw_sep(w) != 0) return;
  jw_put(w, json, strlen(json));
}

/* Any thread owning w. */
void vg_jw_raw_members(vg_jw_t *w, const char *members, size_t n) {
  unsigned char *f;
  if (n == 0 || w->err != 0) return;
  if (w->depth == 0 || !((f = &w->first[w->depth - 1])[0] & JW_OBJ) ||
      (*f & JW_KEY)) {
    jw_fail(w, VG_EINVAL);
    return;
  }
  if (*f & JW_ANY) jw_putc(w, ',');
  *f |= JW_ANY;
  jw_put(w, members, n);
}

/* The keyed writers (json.h): the key, then the value. Any thread owning
 * w. */
#define JW_KEYED(name, type, put)                                              \
  void name(vg_jw_t *w, const char *key, type v) {                             \
    vg_jw_key(w, key);                                                         \
    put(w, v);                                                                 \
  }
JW_KEYED(vg_jw_kstr, const char *, vg_jw_str)
JW_KEYED(vg_jw_kint, int64_t, vg_jw_int)
JW_KEYED(vg_jw_kuint, uint64_t, vg_jw_uint)
JW_KEYED(vg_jw_kdouble, double, vg_jw_double)
JW_KEYED(vg_jw_kbool, int, vg_jw_bool)
#undef JW_KEYED

/* ---- Document ---------------------------------------------------------
 * A document is three allocations: the root, one array holding every other
 * node (children of a container are contiguous), and one text pool holding
 * every string and number token NUL-terminated. The pool needs at most
 * len + 1 bytes: a decoded string plus its NUL is no longer than its quoted
 * source, and each number token is followed by a byte of some other token,
 * except a lone top-level number, which takes the extra one. */

struct vg_json_s {
  const char *key; /* member name when inside an object, else NULL */
  union {
    const char *s;   /* string value or number token */
    vg_json_t *kids; /* array elements / object members */
    size_t idx;      /* while parsing: index of kids in the node array */
  } u;
  size_t n;           /* bytes of s, or number of kids */
  unsigned char type; /* vg_json_type_t */
  unsigned char flag; /* bool value; for numbers 1 if plain integer */
};

typedef struct {
  vg_json_t root; /* first, so the root pointer is the document pointer */
  vg_json_t *nodes;
  char *text;
} json_doc_t;

typedef struct {
  const unsigned char *p;
  size_t len, pos;
  char *text; /* pool of len + 1 bytes */
  size_t tlen;
  vg_json_t *stk; /* finished values whose container is still open */
  size_t sn, scap;
  vg_json_t *nodes; /* children of closed containers */
  size_t nn, ncap;
  char *err;
  size_t errlen;
} json_parser_t;

static int json_msg(json_parser_t *ps, int rc, size_t at, const char *msg) {
  char num[24], *end = num + sizeof(num), *p;
  size_t pos = 0;

  if (ps->err == NULL || ps->errlen == 0) return rc;
  ps->err[0] = '\0';
  if (at != SIZE_MAX) {
    p = json_fmt_u64(end - 1, (uint64_t)at);
    end[-1] = '\0';
    vg_bufprintf(ps->err, ps->errlen, &pos, "at byte %s: ", p);
  }
  vg_bufprintf(ps->err, ps->errlen, &pos, "%s", msg);
  return rc;
}

static int json_fail(json_parser_t *ps, size_t at, const char *msg) {
  return json_msg(ps, VG_EPARSE, at, msg);
}

static int json_oom(json_parser_t *ps) {
  return json_msg(ps, VG_ENOMEM, SIZE_MAX, "out of memory");
}

/* "found 'x'" or "found byte 0xFF" for the byte at pos. */
static int json_fail_found(json_parser_t *ps, const char *what) {
  char msg[96];
  unsigned char c = ps->p[ps->pos];

  if (c > 0x20 && c < 0x7F)
    snprintf(msg, sizeof(msg), "%s, found '%c'", what, c);
  else
    snprintf(msg, sizeof(msg), "%s, found byte 0x%02X", what, (unsigned)c);
  return json_fail(ps, ps->pos, msg);
}

static int json_grow(void **arr, size_t *cap, size_t need, size_t size) {
  size_t ncap = *cap != 0 ? *cap : 16;
  void *na;

  if (need <= *cap) return 0;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2 / size) return VG_ENOMEM;
    ncap *= 2;
  }
  na = realloc(*arr, ncap * size);
  if (na == NULL) return VG_ENOMEM;
  *arr = na;
  *cap = ncap;
  return 0;
}

static int json_push(json_parser_t *ps, const vg_json_t *v) {
  void *stk = ps->stk;

  if (json_grow(&stk, &ps->scap, ps->sn + 1, sizeof(vg_json_t)) != 0)
    return json_oom(ps);
  ps->stk = stk;
  ps->stk[ps->sn++] = *v;
  return 0;
}

static void json_skip_ws(json_parser_t *ps) {
  while (ps->pos < ps->len) {
    unsigned char c = ps->p[ps->pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    ps->pos++;
  }
}

static int json_hex4(const unsigned char *s, uint32_t *out) {
  uint32_t v = 0;
  int i;

  for (i = 0; i < 4; i++) {
    unsigned char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= (uint32_t)(c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= (uint32_t)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= (uint32_t)(c - 'A' + 10);
    else
      return -1;
  }
  *out = v;
  return 0;
}

/* Reads "\uXXXX" at pos into *u; pos is left unchanged. */
static int json_uescape(json_parser_t *ps, size_t pos, uint32_t *u) {
  if (ps->len - pos < 6 || json_hex4(ps->p + pos + 2, u) != 0)
    return json_fail(ps, pos, "expected 4 hex digits after '\\u'");
  return 0;
}

static int json_surrogate_fail(json_parser_t *ps, size_t at, uint32_t u) {
  char msg[64];

  snprintf(msg, sizeof(msg), "unpaired surrogate \\u%04X in string",
           (unsigned)u);
  return json_fail(ps, at, msg);
}

/* Decodes the string at pos (on its opening quote) into the text pool. */
static int json_string(json_parser_t *ps, const char **out, size_t *outn) {
  const unsigned char *p = ps->p;
  size_t start = ps->pos, pos = ps->pos + 1, k, bad;
  char *dst = ps->text + ps->tlen, *d = dst;
  char msg[80];
  uint32_t u, lo;
  int rc;

  for (;;) {
    unsigned char c;
    if (pos >= ps->len) return json_fail(ps, start, "unterminated string");
    c = p[pos];
    if (c == '"') break;
    if (c >= 0x20 && c < 0x80 && c != '\\') {
      *d++ = (char)c;
      pos++;
    } else if (c < 0x20) {
      snprintf(msg, sizeof(msg),
               "control character 0x%02X must be escaped in a string",
               (unsigned)c);
      return json_fail(ps, pos, msg);
    } else if (c >= 0x80) {
      if ((k = json_utf8_seq(p + pos, ps->len - pos, &bad)) == 0) {
        snprintf(msg, sizeof(msg),
                 "invalid UTF-8 sequence starting with byte 0x%02X in string",
                 (unsigned)c);
        return json_fail(ps, pos, msg);
      }
      memcpy(d, p + pos, k);
      d += k;
      pos += k;
    } else if (pos + 1 >= ps->len) {
      return json_fail(ps, start, "unterminated string");
    } else {
      switch (p[pos + 1]) {
      case '"': *d++ = '"'; break;
      case '\\': *d++ = '\\'; break;
      case '/': *d++ = '/'; break;
      case 'b': *d++ = '\b'; break;
      case 'f': *d++ = '\f'; break;
      case 'n': *d++ = '\n'; break;
      case 'r': *d++ = '\r'; break;
      case 't': *d++ = '\t'; break;
      case 'u':
        if ((rc = json_uescape(ps, pos, &u)) != 0) return rc;
        if (u == 0)
          return json_fail(ps, pos, "\\u0000 is not allowed in strings");
        if (u >= 0xDC00 && u <= 0xDFFF) return json_surrogate_fail(ps, pos, u);
        if (u >= 0xD800 && u <= 0xDBFF) {
          if (ps->len - pos < 12 || p[pos + 6] != '\\' || p[pos + 7] != 'u')
            return json_surrogate_fail(ps, pos, u);
          if ((rc = json_uescape(ps, pos + 6, &lo)) != 0) return rc;
          if (lo < 0xDC00 || lo > 0xDFFF)
            return json_surrogate_fail(ps, pos, u);
          u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
          pos += 6;
        }
        d += json_utf8_put(d, u);
        pos += 4; /* plus the 2 below */
        break;
      default:
        if (p[pos + 1] > 0x20 && p[pos + 1] < 0x7F)
          snprintf(msg, sizeof(msg), "invalid escape '\\%c' in string",
                   p[pos + 1]);
        else
          snprintf(msg, sizeof(msg), "invalid escape in string");
        return json_fail(ps, pos, msg);
      }
      pos += 2;
    }
  }
  *d++ = '\0';
  ps->pos = pos + 1;
  ps->tlen += (size_t)(d - dst);
  *out = dst;
  *outn = (size_t)(d - dst) - 1;
  return 0;
}

static int json_isdigit(json_parser_t *ps, size_t pos) {
  return pos < ps->len && ps->p[pos] >= '0' && ps->p[pos] <= '9';
}

/* Validates the number at pos and copies its token into the text pool. */
static int json_number(json_parser_t *ps, vg_json_t *v) {
  size_t start = ps->pos, pos = ps->pos;
  unsigned char plain = 1;

  if (ps->p[pos] == '-') pos++;
  if (!json_isdigit(ps, pos))
    return json_fail(ps, pos, "expected a digit after '-'");
  if (ps->p[pos] == '0') {
    if (json_isdigit(ps, pos + 1))
      return json_fail(ps, pos, "leading zeros are not allowed");
    pos++;
  } else {
    while (json_isdigit(ps, pos))
      pos++;
  }
  if (pos < ps->len && ps->p[pos] == '.') {
    plain = 0;
    if (!json_isdigit(ps, ++pos))
      return json_fail(ps, pos, "expected a digit after '.'");
    while (json_isdigit(ps, pos))
      pos++;
  }
  if (pos < ps->len && (ps->p[pos] == 'e' || ps->p[pos] == 'E')) {
    plain = 0;
    pos++;
    if (pos < ps->len && (ps->p[pos] == '+' || ps->p[pos] == '-')) pos++;
    if (!json_isdigit(ps, pos))
      return json_fail(ps, pos, "expected a digit in the exponent");
    while (json_isdigit(ps, pos))
      pos++;
  }
  v->type = VG_JSON_NUMBER;
  v->flag = plain;
  v->n = pos - start;
  v->u.s = ps->text + ps->tlen;
  memcpy(ps->text + ps->tlen, ps->p + start, v->n);
  ps->text[ps->tlen + v->n] = '\0';
  ps->tlen += v->n + 1;
  ps->pos = pos;
  return 0;
}

static int json_literal(json_parser_t *ps, vg_json_t *v) {
  static const struct {
    const char *word;
    unsigned char type, flag;
  } lits[] = {{"true", VG_JSON_BOOL, 1},
              {"false", VG_JSON_BOOL, 0},
              {"null", VG_JSON_NULL, 0}};
  char msg[48];
  size_t i, n;

  for (i = 0; i < VG_ARRAY_SIZE(lits); i++) {
    if (lits[i].word[0] != (char)ps->p[ps->pos]) continue;
    n = strlen(lits[i].word);
    if (ps->len - ps->pos < n ||
        memcmp(ps->p + ps->pos, lits[i].word, n) != 0) {
      snprintf(msg, sizeof(msg), "invalid literal, expected '%s'",
               lits[i].word);
      return json_fail(ps, ps->pos, msg);
    }
    v->type = lits[i].type;
    v->flag = lits[i].flag;
    ps->pos += n;
    return 0;
  }
  return json_fail_found(ps, "expected a value");
}

/* Moves the children of a closing container from the stack to the node
 * array and leaves the container itself on the stack. */
static int json_close(json_parser_t *ps, size_t start, const char *key,
                      unsigned char type) {
  vg_json_t c;
  size_t n = ps->sn - start;
  void *nodes = ps->nodes;

  memset(&c, 0, sizeof(c));
  c.key = key;
  c.type = type;
  c.n = n;
  if (n != 0) {
    if (json_grow(&nodes, &ps->ncap, ps->nn + n, sizeof(vg_json_t)) != 0)
      return json_oom(ps);
    ps->nodes = nodes;
    memcpy(ps->nodes + ps->nn, ps->stk + start, n * sizeof(vg_json_t));
    c.u.idx = ps->nn;
    ps->nn += n;
  }
  ps->sn = start;
  return json_push(ps, &c);
}

enum { JS_VALUE, JS_KEY, JS_AFTER };

/* The state machine; leaves the root as the only entry of ps->stk. Depth is
 * bounded by a fixed frame array, so malicious nesting cannot overflow the
 * C stack. */
static int json_run(json_parser_t *ps) {
  struct {
    size_t start;    /* first stack entry of this container's children */
    const char *key; /* the container's own member name */
    unsigned char obj;
  } fr[VG_JSON_MAX_DEPTH];
  int depth = 0, state = JS_VALUE, rc;
  const char *key = NULL;
  vg_json_t v;
  unsigned char c;

  for (;;) {
    json_skip_ws(ps);
    if (state == JS_AFTER && depth == 0) break;
    if (ps->pos >= ps->len)
      return json_fail(ps, ps->pos, "unexpected end of input");
    c = ps->p[ps->pos];
    if (state == JS_KEY) {
      size_t n;
      if (c != '"') return json_fail_found(ps, "expected a string key");
      if ((rc = json_string(ps, &key, &n)) != 0) return rc;
      json_skip_ws(ps);
      if (ps->pos >= ps->len || ps->p[ps->pos] != ':')
        return json_fail(ps, ps->pos, "expected ':' after object key");
      ps->pos++;
      state = JS_VALUE;
    } else if (state == JS_AFTER) {
      unsigned char obj = fr[depth - 1].obj;
      if (c == (obj ? '}' : ']')) {
        ps->pos++;
        depth--;
        rc = json_close(ps, fr[depth].start, fr[depth].key,
                        obj ? VG_JSON_OBJECT : VG_JSON_ARRAY);
        if (rc != 0) return rc;
      } else if (c == ',') {
        ps->pos++;
        json_skip_ws(ps);
        if (ps->pos < ps->len && ps->p[ps->pos] == (obj ? '}' : ']'))
          return json_fail(ps, ps->pos,
                           obj ? "trailing comma before '}'"
                               : "trailing comma before ']'");
        state = obj ? JS_KEY : JS_VALUE;
      } else {
        return json_fail_found(ps, obj ? "expected ',' or '}' after object "
                                         "member"
                                       : "expected ',' or ']' after array "
                                         "element");
      }
    } else if (c == '{' || c == '[') {
      if (depth == VG_JSON_MAX_DEPTH)
        return json_msg(ps, VG_ERANGE, ps->pos, "nesting deeper than 64");
      ps->pos++;
      fr[depth].start = ps->sn;
      fr[depth].key = key;
      fr[depth].obj = c == '{';
      depth++;
      key = NULL;
      json_skip_ws(ps);
      if (ps->pos < ps->len && ps->p[ps->pos] == (c == '{' ? '}' : ']')) {
        state = JS_AFTER; /* empty: the next round closes it */
      } else {
        state = c == '{' ? JS_KEY : JS_VALUE;
      }
    } else {
      memset(&v, 0, sizeof(v));
      if (c == '"') {
        v.type = VG_JSON_STRING;
        rc = json_string(ps, &v.u.s, &v.n);
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        rc = json_number(ps, &v);
      } else if (c == '/') {
        rc = json_fail(ps, ps->pos, "comments are not allowed");
      } else {
        rc = json_literal(ps, &v);
      }
      if (rc != 0) return rc;
      v.key = key;
      key = NULL;
      if ((rc = json_push(ps, &v)) != 0) return rc;
      state = JS_AFTER;
    }
  }
  if (ps->pos != ps->len)
    return json_fail_found(ps, "unexpected data after the JSON value");
  return 0;
}

static void json_fixup(vg_json_t *v, vg_json_t *base) {
  if (v->type == VG_JSON_ARRAY || v->type == VG_JSON_OBJECT)
    v->u.kids = v->n != 0 ? base + v->u.idx : NULL;
}

/* Caller frees *out with vg_json_free. Any thread. */
int vg_json_parse(const char *text, size_t len, vg_json_t **out, char *err,
                  size_t errlen) {
  json_parser_t ps;
  json_doc_t *doc = NULL;
  size_t i;
  int rc;

  if (err != NULL && errlen != 0) err[0] = '\0';
  if (out == NULL) return VG_EINVAL;
  *out = NULL;
  if (text == NULL && len != 0) return VG_EINVAL;
  memset(&ps, 0, sizeof(ps));
  ps.p = (const unsigned char *)text;
  ps.len = len;
  ps.err = err;
  ps.errlen = errlen;
  if (len == SIZE_MAX) return json_oom(&ps);
  ps.text = malloc(len + 1);
  doc = malloc(sizeof(*doc));
  if (ps.text == NULL || doc == NULL) {
    rc = json_oom(&ps);
    goto fail;
  }
  if ((rc = json_run(&ps)) != 0) goto fail;

  /* Shrinking may move the nodes, so pointers are made only afterwards. */
  if (ps.nn != 0 && ps.nn < ps.ncap) {
    vg_json_t *nodes = realloc(ps.nodes, ps.nn * sizeof(vg_json_t));
    if (nodes != NULL) ps.nodes = nodes;
  }
  for (i = 0; i < ps.nn; i++)
    json_fixup(&ps.nodes[i], ps.nodes);
  doc->root = ps.stk[0];
  json_fixup(&doc->root, ps.nodes);
  doc->nodes = ps.nodes;
  doc->text = ps.text;
  free(ps.stk);
  *out = &doc->root;
  return 0;

fail:
  free(doc);
  free(ps.text);
  free(ps.stk);
  free(ps.nodes);
  return rc;
}

/* Only for the root returned by vg_json_parse. */
void vg_json_free(vg_json_t *v) {
  json_doc_t *doc = (json_doc_t *)v;

  if (doc == NULL) return;
  free(doc->nodes);
  free(doc->text);
  free(doc);
}

/* ---- Accessors -------------------------------------------------------- */

/* Any thread. */
vg_json_type_t vg_json_type(const vg_json_t *v) {
  return v != NULL ? (vg_json_type_t)v->type : VG_JSON_NULL;
}

/* Returned pointer lives as long as the document. */
const vg_json_t *vg_json_get(const vg_json_t *obj, const char *key) {
  size_t i;

  if (obj == NULL || obj->type != VG_JSON_OBJECT || key == NULL) return NULL;
  for (i = 0; i < obj->n; i++)
    if (strcmp(obj->u.kids[i].key, key) == 0) return &obj->u.kids[i];
  return NULL;
}

/* Any thread. */
size_t vg_json_len(const vg_json_t *v) {
  if (v == NULL || (v->type != VG_JSON_ARRAY && v->type != VG_JSON_OBJECT))
    return 0;
  return v->n;
}

/* Returned pointer lives as long as the document. */
const vg_json_t *vg_json_at(const vg_json_t *v, size_t i) {
  if (i >= vg_json_len(v)) return NULL;
  return &v->u.kids[i];
}

/* Returned pointer lives as long as the document. */
const char *vg_json_key_at(const vg_json_t *obj, size_t i) {
  if (obj == NULL || obj->type != VG_JSON_OBJECT || i >= obj->n) return NULL;
  return obj->u.kids[i].key;
}

/* Returned pointer lives as long as the document. */
const char *vg_json_str(const vg_json_t *v) {
  return v != NULL && v->type == VG_JSON_STRING ? v->u.s : NULL;
}

/* Returned pointer lives as long as the document. */
const char *vg_json_get_str(const vg_json_t *obj, const char *key) {
  return vg_json_str(vg_json_get(obj, key));
}

/* Any thread (strtod only reads the locale). */
int vg_json_num(const vg_json_t *v, double *out) {
  double d;

  if (v == NULL || v->type != VG_JSON_NUMBER) return VG_EINVAL;
  d = strtod(v->u.s, NULL);
  if (isinf(d)) return VG_ERANGE;
  *out = d;
  return 0;
}

/* Exact decimal arithmetic on the token: the value is D * 10^scale with D
 * the digits without trailing zeros; integral iff scale >= 0. */
int vg_json_int(const vg_json_t *v, int64_t *out) {
  const char *s, *ip, *fp = NULL;
  size_t ilen, flen = 0, ndig, sig, i, zeros = 0;
  int64_t exp10 = 0, scale;
  uint64_t mag = 0, limit;
  int neg, eneg = 0;

  if (v == NULL || v->type != VG_JSON_NUMBER) return VG_EINVAL;
  s = v->u.s;
  neg = *s == '-';
  ip = s + neg;
  ilen = strspn(ip, "0123456789");
  s = ip + ilen;
  if (*s == '.') {
    fp = s + 1;
    flen = strspn(fp, "0123456789");
    s = fp + flen;
  }
  if (*s == 'e' || *s == 'E') {
    s++;
    if (*s == '+' || *s == '-') eneg = *s++ == '-';
    for (; *s >= '0' && *s <= '9'; s++)
      if (exp10 < 1000000000) exp10 = exp10 * 10 + (*s - '0');
    if (eneg) exp10 = -exp10;
  }
  /* The digit sequence is ip[0..ilen) followed by fp[0..flen). */
  ndig = ilen + flen;
  while (zeros < ndig &&
         (ndig - 1 - zeros < ilen ? ip[ndig - 1 - zeros]
                                  : fp[ndig - 1 - zeros - ilen]) == '0')
    zeros++;
  if (zeros == ndig) {
    *out = 0;
    return 0;
  }
  scale = exp10 - (int64_t)flen + (int64_t)zeros;
  if (scale < 0) return VG_EINVAL;
  limit = neg ? (uint64_t)1 << 63 : ((uint64_t)1 << 63) - 1;
  sig = ndig - zeros;
  for (i = 0; i < sig; i++) {
    unsigned dig = (unsigned)((i < ilen ? ip[i] : fp[i - ilen]) - '0');
    if (mag > (limit - dig) / 10) return VG_ERANGE;
    mag = mag * 10 + dig;
  }
  for (; scale > 0; scale--) {
    if (mag > limit / 10) return VG_ERANGE;
    mag *= 10;
  }
  if (!neg)
    *out = (int64_t)mag;
  else if (mag == (uint64_t)1 << 63)
    *out = INT64_MIN;
  else
    *out = -(int64_t)mag;
  return 0;
}

/* Any thread. */
int vg_json_bool(const vg_json_t *v, int *out) {
  if (v == NULL || v->type != VG_JSON_BOOL) return VG_EINVAL;
  *out = v->flag;
  return 0;
}

/* Recursion is bounded: parsed documents nest at most VG_JSON_MAX_DEPTH. */
void vg_jw_value(vg_jw_t *w, const vg_json_t *v) {
  size_t i;

  if (w->err != 0) return;
  switch (vg_json_type(v)) {
  case VG_JSON_NULL: vg_jw_null(w); break;
  case VG_JSON_BOOL: vg_jw_bool(w, v->flag); break;
  case VG_JSON_NUMBER:
    if (jw_sep(w) == 0) jw_put(w, v->u.s, v->n);
    break;
  case VG_JSON_STRING: vg_jw_strn(w, v->u.s, v->n); break;
  case VG_JSON_ARRAY:
    vg_jw_arr_begin(w);
    for (i = 0; i < v->n; i++)
      vg_jw_value(w, &v->u.kids[i]);
    vg_jw_arr_end(w);
    break;
  case VG_JSON_OBJECT:
    vg_jw_obj_begin(w);
    for (i = 0; i < v->n; i++) {
      vg_jw_key(w, v->u.kids[i].key);
      vg_jw_value(w, &v->u.kids[i]);
    }
    vg_jw_obj_end(w);
    break;
  }
}
