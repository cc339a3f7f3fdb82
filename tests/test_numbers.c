/* test_numbers.c: vg_floor / vg_ceil (common/vg.h, libm's floor and ceil
 * without libm) against libm over edge values, and the unit formatting
 * that no longer uses fmod. Native and under Wine. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "timefmt.h"
#include "vg.h"

static void floor_and_ceil_match_libm(void **st) {
  static const double xs[] = {0.0,
                              0.5,
                              -0.5,
                              1.0,
                              -1.0,
                              1.5,
                              -1.5,
                              2.9999999999999996,
                              -2.9999999999999996,
                              123456.7,
                              -123456.7,
                              4503599627370495.5,
                              -4503599627370495.5,
                              4503599627370496.0,
                              -4503599627370497.0,
                              9.3e18,
                              -9.3e18,
                              1e300,
                              -1e300,
                              5e-324,
                              -5e-324};
  size_t i;
  (void)st;
  for (i = 0; i < VG_ARRAY_SIZE(xs); i++) {
    double x = xs[i];
    if (vg_floor(x) != floor(x) || vg_ceil(x) != ceil(x))
      fail_msg("x=%.17g: vg_floor %.17g floor %.17g, vg_ceil %.17g ceil "
               "%.17g",
               x, vg_floor(x), floor(x), vg_ceil(x), ceil(x));
  }
  assert_true(isnan(vg_floor(NAN)));
  assert_true(isnan(vg_ceil(NAN)));
  assert_true(vg_floor(INFINITY) == INFINITY);
  assert_true(vg_ceil(-INFINITY) == -INFINITY);
}

static void units_only_for_whole_multiples(void **st) {
  static const struct {
    double ms;
    const char *want;
  } d[] = {{86400e3, "1d"},   {2 * 86400e3, "2d"}, {3600e3, "1h"},
           {5400e3, "90m"},   {1500, "1500ms"},    {1000.5, "1000ms"},
           {0, "0ms"},        {9.5e18, "9500000000000000s"}};
  static const struct {
    double b;
    const char *want;
  } z[] = {{1073741824.0, "1G"}, {1536, "1536"}, {3 * 1048576.0, "3M"},
           {2048, "2K"},         {1099511627776.0 * 4, "4T"}};
  char buf[64];
  size_t i;
  (void)st;
  for (i = 0; i < VG_ARRAY_SIZE(d); i++)
    assert_string_equal(vg_fmt_duration(buf, sizeof(buf), d[i].ms), d[i].want);
  for (i = 0; i < VG_ARRAY_SIZE(z); i++)
    assert_string_equal(vg_fmt_size(buf, sizeof(buf), z[i].b), z[i].want);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(floor_and_ceil_match_libm),
      cmocka_unit_test(units_only_for_whole_multiples),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
