/* test_json.c: the JSON writer's output and the strict reader's verdicts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "vg.h"

/* ---- helpers ---------------------------------------------------------- */

/* Steals the writer's text, asserting it did not fail. */
static char *take(vg_jw_t *w) {
  size_t len = 0;
  char *s;

  assert_int_equal(w->err, 0);
  s = vg_jw_steal(w, &len);
  assert_non_null(s);
  assert_int_equal(strlen(s), len);
  return s;
}

static void expect_written(vg_jw_t *w, const char *want) {
  char *s = take(w);
  assert_string_equal(s, want);
  free(s);
}

static vg_json_t *parse_ok(const char *text) {
  vg_json_t *v = NULL;
  char err[128];
  int rc = vg_json_parse(text, strlen(text), &v, err, sizeof(err));

  if (rc != 0) print_error("parse of %s failed: %s\n", text, err);
  assert_int_equal(rc, 0);
  assert_non_null(v);
  assert_string_equal(err, "");
  return v;
}

static void expect_error_n(const char *text, size_t len, int want_rc,
                           const char *want_msg) {
  vg_json_t *v = (vg_json_t *)&v; /* must come back NULL */
  char err[128];
  int rc = vg_json_parse(text, len, &v, err, sizeof(err));

  assert_int_equal(rc, want_rc);
  assert_null(v);
  assert_string_equal(err, want_msg);
}

static void expect_error(const char *text, const char *want_msg) {
  expect_error_n(text, strlen(text), VG_EPARSE, want_msg);
}

/* Parses text and writes it back compactly. */
static char *reserialise(const char *text) {
  vg_json_t *v = parse_ok(text);
  vg_jw_t w;
  char *s;

  vg_jw_init(&w);
  vg_jw_value(&w, v);
  vg_json_free(v);
  s = take(&w);
  return s;
}

static void expect_round_trip(const char *text, const char *want) {
  char *s = reserialise(text);
  assert_string_equal(s, want);
  free(s);
}

static char *nested(const char *open, const char *close, int depth) {
  size_t o = strlen(open), c = strlen(close);
  char *s = malloc((o + c) * (size_t)depth + 1), *p = s;
  int i;

  assert_non_null(s);
  for (i = 0; i < depth; i++, p += o) memcpy(p, open, o);
  for (i = 0; i < depth; i++, p += c) memcpy(p, close, c);
  *p = '\0';
  return s;
}

/* ---- writer ----------------------------------------------------------- */

static void test_writer_nesting_and_commas(void **state) {
  vg_jw_t w;
  (void)state;

  vg_jw_init(&w);
  vg_jw_obj_begin(&w);
  vg_jw_kint(&w, "a", 1);
  vg_jw_key(&w, "b");
  vg_jw_arr_begin(&w);
  vg_jw_int(&w, 1);
  vg_jw_str(&w, "two");
  vg_jw_obj_begin(&w);
  vg_jw_key(&w, "c");
  vg_jw_null(&w);
  vg_jw_obj_end(&w);
  vg_jw_arr_begin(&w);
  vg_jw_arr_end(&w);
  vg_jw_bool(&w, 0);
  vg_jw_arr_end(&w);
  vg_jw_key(&w, "d");
  vg_jw_obj_begin(&w);
  vg_jw_obj_end(&w);
  vg_jw_kstr(&w, "e", NULL);
  vg_jw_kbool(&w, "f", 7);
  vg_jw_kuint(&w, "g", 42);
  vg_jw_kdouble(&w, "h", 0.5);
  vg_jw_key(&w, "i");
  vg_jw_raw(&w, "{\"pre\":[1,2]}");
  vg_jw_obj_end(&w);
  assert_int_equal(w.depth, 0);
  expect_written(&w, "{\"a\":1,\"b\":[1,\"two\",{\"c\":null},[],false],"
                     "\"d\":{},\"e\":null,\"f\":true,\"g\":42,\"h\":0.5,"
                     "\"i\":{\"pre\":[1,2]}}");
}

static void test_writer_scalars_at_top_level(void **state) {
  vg_jw_t w;
  (void)state;

  vg_jw_init(&w);
  vg_jw_str(&w, "");
  expect_written(&w, "\"\"");
  vg_jw_null(&w);
  expect_written(&w, "null");
  vg_jw_raw(&w, NULL);
  expect_written(&w, "null");
  /* Nothing written yet is an empty string, not an error. */
  expect_written(&w, "");
}

static void test_writer_escapes(void **state) {
  vg_jw_t w;
  (void)state;

  vg_jw_init(&w);
  vg_jw_str(&w, "q\" b\\ s/ \n\t\r\b\f \x01\x1f\x7f");
  expect_written(&w, "\"q\\\" b\\\\ s/ \\n\\t\\r\\b\\f \\u0001\\u001f\x7f\"");

  /* Well-formed UTF-8 passes through untouched. */
  vg_jw_str(&w, "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  expect_written(&w, "\"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");

  /* An embedded NUL only reaches the writer through strn. */
  vg_jw_strn(&w, "a\0b", 3);
  expect_written(&w, "\"a\\u0000b\"");
  vg_jw_strn(&w, "abcdef", 3);
  expect_written(&w, "\"abc\"");
}

static void test_writer_replaces_invalid_utf8(void **state) {
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"a\xff" "b", "\"a\xef\xbf\xbd" "b\""},        /* never valid */
      {"\xc3", "\"\xef\xbf\xbd\""},                    /* truncated at end */
      {"\xc3(", "\"\xef\xbf\xbd(\""},                  /* bad continuation */
      {"\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\""},    /* overlong '/' */
      {"\xe2\x82", "\"\xef\xbf\xbd\""},                /* one maximal part */
      {"\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""}, /* D800 */
      {"\xf4\x90\x80\x80",
       "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""}, /* >10FFFF */
      {"\x80x", "\"\xef\xbf\xbdx\""},                  /* lone continuation */
  };
  vg_jw_t w;
  size_t i;
  (void)state;

  vg_jw_init(&w);
  for (i = 0; i < VG_ARRAY_SIZE(cases); i++) {
    vg_jw_str(&w, cases[i].in);
    expect_written(&w, cases[i].out);
  }
}

static void test_writer_keys_are_escaped(void **state) {
  vg_jw_t w;
  (void)state;

  vg_jw_init(&w);
  vg_jw_obj_begin(&w);
  vg_jw_kstr(&w, "C:\\Temp \"x\"", "v");
  vg_jw_obj_end(&w);
  expect_written(&w, "{\"C:\\\\Temp \\\"x\\\"\":\"v\"}");
}

static void test_writer_integers(void **state) {
  vg_jw_t w;
  (void)state;

  vg_jw_init(&w);
  vg_jw_arr_begin(&w);
  vg_jw_int(&w, 0);
  vg_jw_int(&w, -1);
  vg_jw_int(&w, INT64_MAX);
  vg_jw_int(&w, INT64_MIN);
  vg_jw_uint(&w, 0);
  vg_jw_uint(&w, UINT64_MAX);
  vg_jw_arr_end(&w);
  expect_written(&w, "[0,-1,9223372036854775807,-9223372036854775808,0,"
                     "18446744073709551615]");
}

static void test_writer_doubles(void **state) {
  static const struct {
    double v;
    const char *out;
  } cases[] = {
      {12.5, "12.5"},   {0.1, "0.1"},       {-3.0, "-3"},
      {0.0, "0"},       {1e21, "1e+21"},    {1.5e-7, "1.5e-7"},
      {1e-300, "1e-300"}, {2e-5, "2e-5"},   {100.0, "100"},
      {-0.0, "-0"},
      {0.30000000000000004, "0.30000000000000004"},
  };
  vg_jw_t w;
  size_t i;
  char *s;
  (void)state;

  vg_jw_init(&w);
  for (i = 0; i < VG_ARRAY_SIZE(cases); i++) {
    vg_jw_double(&w, cases[i].v);
    expect_written(&w, cases[i].out);
  }
  vg_jw_arr_begin(&w);
  vg_jw_double(&w, NAN);
  vg_jw_double(&w, INFINITY);
  vg_jw_double(&w, -INFINITY);
  vg_jw_arr_end(&w);
  expect_written(&w, "[null,null,null]");

  /* Whatever digits are chosen, they read back to the same double. */
  {
    const double vals[] = {1.0 / 3.0, DBL_MAX, DBL_MIN, 5e-324,
                           -2.2250738585072014e-308, 123456789.123456789};
    for (i = 0; i < VG_ARRAY_SIZE(vals); i++) {
      vg_jw_double(&w, vals[i]);
      s = take(&w);
      assert_true(strtod(s, NULL) == vals[i]);
      assert_true(strlen(s) <= 24);
      free(s);
    }
  }
}

static void test_writer_depth_limit(void **state) {
  vg_jw_t w;
  int i;
  char *want;
  (void)state;

  vg_jw_init(&w);
  for (i = 0; i < VG_JSON_MAX_DEPTH; i++) vg_jw_arr_begin(&w);
  for (i = 0; i < VG_JSON_MAX_DEPTH; i++) vg_jw_arr_end(&w);
  want = nested("[", "]", VG_JSON_MAX_DEPTH);
  expect_written(&w, want);
  free(want);

  for (i = 0; i < VG_JSON_MAX_DEPTH + 1; i++) vg_jw_arr_begin(&w);
  assert_int_equal(w.err, VG_ERANGE);
  /* Later calls do nothing; steal reports the failure and resets. */
  vg_jw_int(&w, 1);
  assert_int_equal(w.err, VG_ERANGE);
  assert_null(vg_jw_steal(&w, NULL));
  assert_int_equal(w.err, 0);
  assert_null(w.buf);
  vg_jw_int(&w, 5);
  expect_written(&w, "5");
}

static void test_writer_misuse_is_reported(void **state) {
  vg_jw_t w;
  (void)state;

  vg_jw_init(&w);
  vg_jw_obj_begin(&w);
  vg_jw_int(&w, 1); /* value without key */
  assert_int_equal(w.err, VG_EINVAL);
  vg_jw_free(&w);

  vg_jw_arr_begin(&w);
  vg_jw_key(&w, "k"); /* key in an array */
  assert_int_equal(w.err, VG_EINVAL);
  vg_jw_free(&w);

  vg_jw_arr_begin(&w);
  vg_jw_obj_end(&w); /* mismatched close */
  assert_int_equal(w.err, VG_EINVAL);
  vg_jw_free(&w);

  vg_jw_obj_begin(&w);
  vg_jw_key(&w, "k");
  vg_jw_obj_end(&w); /* key without value */
  assert_int_equal(w.err, VG_EINVAL);
  vg_jw_free(&w);

  vg_jw_arr_end(&w); /* nothing open */
  assert_int_equal(w.err, VG_EINVAL);
  vg_jw_free(&w);

  vg_jw_int(&w, 1);
  vg_jw_int(&w, 2); /* two top-level values */
  assert_int_equal(w.err, VG_EINVAL);
  assert_null(vg_jw_steal(&w, NULL));
}

static void test_writer_grows_buffer(void **state) {
  vg_jw_t w;
  char *s, *big = malloc(100001);
  size_t len = 0;
  (void)state;

  assert_non_null(big);
  memset(big, 'x', 100000);
  big[100000] = '\0';
  vg_jw_init(&w);
  vg_jw_arr_begin(&w);
  vg_jw_str(&w, big);
  vg_jw_str(&w, big);
  vg_jw_arr_end(&w);
  s = vg_jw_steal(&w, &len);
  assert_non_null(s);
  assert_int_equal(len, 2 * 100002 + 3);
  assert_int_equal(s[len], '\0');
  free(s);
  free(big);
}

/* ---- reader: valid documents ------------------------------------------ */

static void test_parse_document(void **state) {
  const char *text =
      " \r\n\t{\"host\": \"SRV01\", \"ok\": true, \"bad\": false,\n"
      "  \"none\": null, \"pct\": 91.25, \"n\": -7,\n"
      "  \"probes\": [ {\"id\": \"disk\"}, [], {}, \"x\", 3 ],\n"
      "  \"empty\": \"\" } \n";
  vg_json_t *v = parse_ok(text);
  const vg_json_t *probes;
  double d;
  int64_t n;
  int b;
  (void)state;

  assert_int_equal(vg_json_type(v), VG_JSON_OBJECT);
  assert_int_equal(vg_json_len(v), 8);
  assert_string_equal(vg_json_key_at(v, 0), "host");
  assert_string_equal(vg_json_key_at(v, 7), "empty");
  assert_null(vg_json_key_at(v, 8));
  assert_string_equal(vg_json_get_str(v, "host"), "SRV01");
  assert_string_equal(vg_json_str(vg_json_at(v, 0)), "SRV01");
  assert_string_equal(vg_json_get_str(v, "empty"), "");

  assert_int_equal(vg_json_bool(vg_json_get(v, "ok"), &b), 0);
  assert_int_equal(b, 1);
  assert_int_equal(vg_json_bool(vg_json_get(v, "bad"), &b), 0);
  assert_int_equal(b, 0);
  assert_int_equal(vg_json_type(vg_json_get(v, "none")), VG_JSON_NULL);
  assert_non_null(vg_json_get(v, "none"));
  assert_int_equal(vg_json_num(vg_json_get(v, "pct"), &d), 0);
  assert_true(d == 91.25);
  assert_int_equal(vg_json_int(vg_json_get(v, "n"), &n), 0);
  assert_int_equal(n, -7);

  probes = vg_json_get(v, "probes");
  assert_int_equal(vg_json_type(probes), VG_JSON_ARRAY);
  assert_int_equal(vg_json_len(probes), 5);
  assert_string_equal(vg_json_get_str(vg_json_at(probes, 0), "id"), "disk");
  assert_int_equal(vg_json_type(vg_json_at(probes, 1)), VG_JSON_ARRAY);
  assert_int_equal(vg_json_len(vg_json_at(probes, 1)), 0);
  assert_null(vg_json_at(vg_json_at(probes, 1), 0));
  assert_int_equal(vg_json_type(vg_json_at(probes, 2)), VG_JSON_OBJECT);
  assert_int_equal(vg_json_len(vg_json_at(probes, 2)), 0);
  assert_null(vg_json_at(probes, 5));
  assert_null(vg_json_key_at(probes, 0)); /* arrays have no keys */

  /* Wrong types and absent members answer NULL / VG_EINVAL, and chain. */
  assert_null(vg_json_get(v, "missing"));
  assert_null(vg_json_get(probes, "id"));
  assert_null(vg_json_get_str(v, "ok"));
  assert_null(vg_json_get_str(vg_json_get(v, "missing"), "deeper"));
  assert_int_equal(vg_json_num(vg_json_get(v, "host"), &d), VG_EINVAL);
  assert_int_equal(vg_json_int(vg_json_get(v, "ok"), &n), VG_EINVAL);
  assert_int_equal(vg_json_bool(vg_json_get(v, "none"), &b), VG_EINVAL);
  assert_int_equal(vg_json_len(vg_json_get(v, "host")), 0);
  assert_int_equal(vg_json_type(NULL), VG_JSON_NULL);
  vg_json_free(v);
}

static void test_parse_top_level_scalars(void **state) {
  vg_json_t *v;
  int64_t n;
  (void)state;

  v = parse_ok("42");
  assert_int_equal(vg_json_int(v, &n), 0);
  assert_int_equal(n, 42);
  vg_json_free(v);
  v = parse_ok(" \"s\" ");
  assert_string_equal(vg_json_str(v), "s");
  vg_json_free(v);
  v = parse_ok("null");
  assert_int_equal(vg_json_type(v), VG_JSON_NULL);
  vg_json_free(v);
  v = parse_ok("0");
  assert_int_equal(vg_json_int(v, &n), 0);
  assert_int_equal(n, 0);
  vg_json_free(v);
  vg_json_free(NULL);
}

static void test_parse_duplicate_keys_first_wins(void **state) {
  vg_json_t *v = parse_ok("{\"a\":1,\"b\":2,\"a\":3}");
  int64_t n;
  (void)state;

  assert_int_equal(vg_json_len(v), 3);
  assert_int_equal(vg_json_int(vg_json_get(v, "a"), &n), 0);
  assert_int_equal(n, 1);
  assert_int_equal(vg_json_int(vg_json_at(v, 2), &n), 0);
  assert_int_equal(n, 3);
  vg_json_free(v);
}

static void test_parse_escapes_and_surrogates(void **state) {
  vg_json_t *v = parse_ok(
      "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"\\u00e9\\u00C9\", \"\\u20AC\","
      " \"\\uD83D\\uDE00\", \"\\udbff\\udfff\", \"\xf0\x9f\x98\x80\"]");
  (void)state;

  assert_string_equal(vg_json_str(vg_json_at(v, 0)), "\"\\/\b\f\n\r\t");
  assert_string_equal(vg_json_str(vg_json_at(v, 1)), "\xc3\xa9\xc3\x89");
  assert_string_equal(vg_json_str(vg_json_at(v, 2)), "\xe2\x82\xac");
  assert_string_equal(vg_json_str(vg_json_at(v, 3)), "\xf0\x9f\x98\x80");
  assert_string_equal(vg_json_str(vg_json_at(v, 4)), "\xf4\x8f\xbf\xbf");
  assert_string_equal(vg_json_str(vg_json_at(v, 5)), "\xf0\x9f\x98\x80");
  vg_json_free(v);

  expect_error("\"\\uD800\"", "at byte 1: unpaired surrogate \\uD800 in "
                              "string");
  expect_error("\"ab\\uDC00\"", "at byte 3: unpaired surrogate \\uDC00 in "
                                "string");
  expect_error("\"\\uD83D\\u0041\"",
               "at byte 1: unpaired surrogate \\uD83D in string");
  expect_error("\"\\uD83Dx\\uDE00\"",
               "at byte 1: unpaired surrogate \\uD83D in string");
  expect_error("\"\\uD83D\\uDE0\"",
               "at byte 7: expected 4 hex digits after '\\u'");
  expect_error("\"\\uD83D\\uD83D\"",
               "at byte 1: unpaired surrogate \\uD83D in string");
}

static void test_parse_rejects_invalid_utf8(void **state) {
  (void)state;
  expect_error("\"ab\xff\"", "at byte 3: invalid UTF-8 sequence starting "
                             "with byte 0xFF in string");
  expect_error("[\"\xc0\xaf\"]", "at byte 2: invalid UTF-8 sequence "
                                 "starting with byte 0xC0 in string");
  expect_error("\"\xed\xa0\x80\"", "at byte 1: invalid UTF-8 sequence "
                                   "starting with byte 0xED in string");
  expect_error("\"\xf4\x90\x80\x80\"", "at byte 1: invalid UTF-8 sequence "
                                       "starting with byte 0xF4 in string");
  expect_error("\"\xe2\x82\"", "at byte 1: invalid UTF-8 sequence "
                               "starting with byte 0xE2 in string");
  expect_error("\"\x80\"", "at byte 1: invalid UTF-8 sequence starting "
                           "with byte 0x80 in string");
  /* Keys are strings too. */
  expect_error("{\"k\xfe\":1}", "at byte 3: invalid UTF-8 sequence "
                                "starting with byte 0xFE in string");
  /* Outside strings a stray byte is just unexpected. */
  expect_error("\xef\xbb\xbf{}", "at byte 0: expected a value, found byte "
                                 "0xEF");
}

/* ---- reader: errors --------------------------------------------------- */

static void test_parse_error_messages(void **state) {
  static const struct {
    const char *text, *msg;
  } cases[] = {
      /* structure */
      {"", "at byte 0: unexpected end of input"},
      {"   ", "at byte 3: unexpected end of input"},
      {"[1, 2", "at byte 5: unexpected end of input"},
      {"{\"a\" 1}", "at byte 5: expected ':' after object key"},
      {"{\"a\"", "at byte 4: expected ':' after object key"},
      {"{\"a\":1 \"b\":2}",
       "at byte 7: expected ',' or '}' after object member, found '\"'"},
      {"[1 2]", "at byte 3: expected ',' or ']' after array element, "
                "found '2'"},
      {"[1,]", "at byte 3: trailing comma before ']'"},
      {"{\"a\":1,}", "at byte 7: trailing comma before '}'"},
      {"{\"a\":1, }", "at byte 8: trailing comma before '}'"},
      {"{1:2}", "at byte 1: expected a string key, found '1'"},
      {"{'a':1}", "at byte 1: expected a string key, found '''"},
      {"[,1]", "at byte 1: expected a value, found ','"},
      {"[1]]", "at byte 3: unexpected data after the JSON value, found ']'"},
      {"{} {}", "at byte 3: unexpected data after the JSON value, found '{'"},
      {"1 2", "at byte 2: unexpected data after the JSON value, found '2'"},
      {"[1}", "at byte 2: expected ',' or ']' after array element, "
              "found '}'"},
      {"/* c */ 1", "at byte 0: comments are not allowed"},
      {"[1, // c\n2]", "at byte 4: comments are not allowed"},
      /* literals */
      {"tru", "at byte 0: invalid literal, expected 'true'"},
      {"[nul]", "at byte 1: invalid literal, expected 'null'"},
      {"falsy", "at byte 0: invalid literal, expected 'false'"},
      {"truex", "at byte 4: unexpected data after the JSON value, "
                "found 'x'"},
      {"NaN", "at byte 0: expected a value, found 'N'"},
      {"[Infinity]", "at byte 1: expected a value, found 'I'"},
      {"\x01", "at byte 0: expected a value, found byte 0x01"},
      /* numbers */
      {"01", "at byte 0: leading zeros are not allowed"},
      {"[-01]", "at byte 2: leading zeros are not allowed"},
      {"-", "at byte 1: expected a digit after '-'"},
      {"-x", "at byte 1: expected a digit after '-'"},
      {"-Infinity", "at byte 1: expected a digit after '-'"},
      {"1.", "at byte 2: expected a digit after '.'"},
      {"1.e5", "at byte 2: expected a digit after '.'"},
      {"1e", "at byte 2: expected a digit in the exponent"},
      {"1e+", "at byte 3: expected a digit in the exponent"},
      {".5", "at byte 0: expected a value, found '.'"},
      {"+1", "at byte 0: expected a value, found '+'"},
      {"0x10", "at byte 1: unexpected data after the JSON value, found 'x'"},
      /* strings */
      {"\"abc", "at byte 0: unterminated string"},
      {"[\"abc\\", "at byte 1: unterminated string"},
      {"\"a\nb\"", "at byte 2: control character 0x0A must be escaped in a "
                   "string"},
      {"\"a\tb\"", "at byte 2: control character 0x09 must be escaped in a "
                   "string"},
      {"\"\\x41\"", "at byte 1: invalid escape '\\x' in string"},
      {"\"\\'\"", "at byte 1: invalid escape '\\'' in string"},
      {"\"\\u12\"", "at byte 1: expected 4 hex digits after '\\u'"},
      {"\"\\u12G4\"", "at byte 1: expected 4 hex digits after '\\u'"},
      {"\"a\\u0000b\"", "at byte 2: \\u0000 is not allowed in strings"},
  };
  size_t i;
  (void)state;

  for (i = 0; i < VG_ARRAY_SIZE(cases); i++) {
    expect_error(cases[i].text, cases[i].msg);
  }
}

static void test_parse_respects_len_and_nul(void **state) {
  vg_json_t *v = NULL;
  int64_t n;
  (void)state;

  /* Only text[0..len) is read: "[1]" followed by junk past len. */
  assert_int_equal(vg_json_parse("[1]garbage", 3, &v, NULL, 0), 0);
  assert_int_equal(vg_json_int(vg_json_at(v, 0), &n), 0);
  assert_int_equal(n, 1);
  vg_json_free(v);
  assert_int_equal(vg_json_parse("12345", 2, &v, NULL, 0), 0);
  assert_int_equal(vg_json_int(v, &n), 0);
  assert_int_equal(n, 12);
  vg_json_free(v);
  /* An embedded NUL is an ordinary bad byte. */
  expect_error_n("[1]\0", 4, VG_EPARSE, "at byte 3: unexpected data after "
                                        "the JSON value, found byte 0x00");
  expect_error_n("\"a\0\"", 4, VG_EPARSE, "at byte 2: control character "
                                          "0x00 must be escaped in a string");
  expect_error_n(NULL, 0, VG_EPARSE, "at byte 0: unexpected end of input");
}

static void test_parse_arguments(void **state) {
  vg_json_t *v;
  char err[12];
  (void)state;

  assert_int_equal(vg_json_parse("1", 1, NULL, NULL, 0), VG_EINVAL);
  assert_int_equal(vg_json_parse(NULL, 1, &v, NULL, 0), VG_EINVAL);
  /* A short buffer gets a truncated, terminated message. */
  assert_int_equal(vg_json_parse("[1,]", 4, &v, err, sizeof(err)),
                   VG_EPARSE);
  assert_string_equal(err, "at byte 3: ");
  assert_int_equal(vg_json_parse("[1,]", 4, &v, NULL, 0), VG_EPARSE);
  assert_null(v);
}

static void test_parse_depth_limit(void **state) {
  char *s;
  vg_json_t *v;
  vg_jw_t w;
  const vg_json_t *inner;
  int i;
  (void)state;

  /* 64 levels parse and write back unchanged. */
  s = nested("[", "]", VG_JSON_MAX_DEPTH);
  v = parse_ok(s);
  vg_jw_init(&w);
  vg_jw_value(&w, v);
  expect_written(&w, s);
  vg_json_free(v);
  free(s);

  s = nested("{\"a\":[", "]}", VG_JSON_MAX_DEPTH / 2);
  v = parse_ok(s);
  inner = v;
  for (i = 0; i < VG_JSON_MAX_DEPTH / 2 - 1; i++)
    inner = vg_json_at(vg_json_get(inner, "a"), 0);
  assert_int_equal(vg_json_len(vg_json_get(inner, "a")), 0);
  vg_json_free(v);
  free(s);

  /* 65 levels are refused with VG_ERANGE at the 65th bracket. */
  s = nested("[", "]", VG_JSON_MAX_DEPTH + 1);
  expect_error_n(s, strlen(s), VG_ERANGE,
                 "at byte 64: nesting deeper than 64");
  free(s);

  /* Deep garbage stops at the limit without touching the C stack. */
  s = malloc(1000001);
  assert_non_null(s);
  memset(s, '[', 1000000);
  s[1000000] = '\0';
  expect_error_n(s, 1000000, VG_ERANGE,
                 "at byte 64: nesting deeper than 64");
  free(s);
}

static void test_parse_big_array(void **state) {
  enum { N = 100000 };
  vg_jw_t w;
  vg_json_t *v;
  char *text, *again, err[128];
  size_t len, i;
  int64_t n;
  (void)state;

  vg_jw_init(&w);
  vg_jw_arr_begin(&w);
  for (i = 0; i < N; i++) {
    if (i % 2 == 0) {
      vg_jw_int(&w, (int64_t)i);
    } else {
      vg_jw_obj_begin(&w);
      vg_jw_kint(&w, "i", (int64_t)i);
      vg_jw_obj_end(&w);
    }
  }
  vg_jw_arr_end(&w);
  text = vg_jw_steal(&w, &len);
  assert_non_null(text);

  assert_int_equal(vg_json_parse(text, len, &v, err, sizeof(err)), 0);
  assert_int_equal(vg_json_len(v), N);
  for (i = 0; i < N; i++) {
    const vg_json_t *e = vg_json_at(v, i);
    if (i % 2 != 0) e = vg_json_get(e, "i");
    assert_int_equal(vg_json_int(e, &n), 0);
    assert_int_equal(n, (int64_t)i);
  }
  vg_jw_value(&w, v);
  again = take(&w);
  assert_string_equal(again, text);
  free(again);
  vg_json_free(v);
  free(text);
}

static void test_parse_int64_edges(void **state) {
  vg_json_t *v = parse_ok(
      "[9223372036854775807, -9223372036854775808, 9223372036854775808,"
      " -9223372036854775809, 9007199254740993, -0, 1e3, 2.0, 1.5,"
      " 12.50e1, 9.223372036854775807e18, 1e19, 0.0e400, 1e-2,"
      " 100000000000000000000000000000e-29, 1e999999999999, 1e400,"
      " 123456789012345678901234567890, 1.0000000000000000001]");
  static const struct {
    int rc;
    int64_t want;
  } cases[] = {
      {0, INT64_MAX},        {0, INT64_MIN},
      {VG_ERANGE, 0},        {VG_ERANGE, 0},
      {0, 9007199254740993}, {0, 0},
      {0, 1000},             {0, 2},
      {VG_EINVAL, 0},        {0, 125},
      {0, INT64_MAX},        {VG_ERANGE, 0},
      {0, 0},                {VG_EINVAL, 0},
      {0, 1},                {VG_ERANGE, 0},
      {VG_ERANGE, 0},        {VG_ERANGE, 0},
      {VG_EINVAL, 0},
  };
  size_t i;
  int64_t n;
  double d;
  (void)state;

  assert_int_equal(vg_json_len(v), VG_ARRAY_SIZE(cases));
  for (i = 0; i < VG_ARRAY_SIZE(cases); i++) {
    int rc;
    n = -42;
    rc = vg_json_int(vg_json_at(v, i), &n);
    if (rc != cases[i].rc) print_error("element %u\n", (unsigned)i);
    assert_int_equal(rc, cases[i].rc);
    if (cases[i].rc == 0) assert_true(n == cases[i].want);
  }
  /* Doubles: near values, and VG_ERANGE beyond the double range. */
  assert_int_equal(vg_json_num(vg_json_at(v, 4), &d), 0);
  assert_true(d == 9007199254740992.0);
  assert_int_equal(vg_json_num(vg_json_at(v, 16), &d), VG_ERANGE);
  assert_int_equal(vg_json_num(vg_json_at(v, 12), &d), 0);
  assert_true(d == 0.0);
  vg_json_free(v);
}

/* ---- round trips ------------------------------------------------------ */

static void test_round_trip(void **state) {
  (void)state;
  expect_round_trip(" { \"a\" : [ 1 , 2.50 , -0 , 1E+2 ] ,\n \"b\" : { } , "
                    "\"c\":[ ] , \"d\" : null , \"e\" : true } ",
                    "{\"a\":[1,2.50,-0,1E+2],\"b\":{},\"c\":[],\"d\":null,"
                    "\"e\":true}");
  /* Numbers keep their text, beyond what a double holds. */
  expect_round_trip("[123456789012345678901234567890, 0.10000000000000000555]",
                    "[123456789012345678901234567890,0.10000000000000000555]");
  /* Escapes come back in canonical form; duplicates are kept. */
  expect_round_trip("{\"k\\u0041\":\"\\u00e9\\/\\u001F\\uD83D\\uDE00\","
                    "\"k\\u0041\":2}",
                    "{\"kA\":\"\xc3\xa9/\\u001f\xf0\x9f\x98\x80\",\"kA\":2}");

  /* Writer output always parses back to the same text. */
  {
    vg_jw_t w;
    char *first, *second;

    vg_jw_init(&w);
    vg_jw_obj_begin(&w);
    vg_jw_kstr(&w, "bad\xff", "tab\t\xc3\xa9\xed\xa0\x80");
    vg_jw_kdouble(&w, "d", 1.0 / 3.0);
    vg_jw_kint(&w, "min", INT64_MIN);
    vg_jw_obj_end(&w);
    first = take(&w);
    second = reserialise(first);
    assert_string_equal(first, second);
    free(first);
    free(second);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_writer_nesting_and_commas),
      cmocka_unit_test(test_writer_scalars_at_top_level),
      cmocka_unit_test(test_writer_escapes),
      cmocka_unit_test(test_writer_replaces_invalid_utf8),
      cmocka_unit_test(test_writer_keys_are_escaped),
      cmocka_unit_test(test_writer_integers),
      cmocka_unit_test(test_writer_doubles),
      cmocka_unit_test(test_writer_depth_limit),
      cmocka_unit_test(test_writer_misuse_is_reported),
      cmocka_unit_test(test_writer_grows_buffer),
      cmocka_unit_test(test_parse_document),
      cmocka_unit_test(test_parse_top_level_scalars),
      cmocka_unit_test(test_parse_duplicate_keys_first_wins),
      cmocka_unit_test(test_parse_escapes_and_surrogates),
      cmocka_unit_test(test_parse_rejects_invalid_utf8),
      cmocka_unit_test(test_parse_error_messages),
      cmocka_unit_test(test_parse_respects_len_and_nul),
      cmocka_unit_test(test_parse_arguments),
      cmocka_unit_test(test_parse_depth_limit),
      cmocka_unit_test(test_parse_big_array),
      cmocka_unit_test(test_parse_int64_edges),
      cmocka_unit_test(test_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
