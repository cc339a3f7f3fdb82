/* test_forecast.c: trend lines and time-to-level, the thinning ring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "forecast.h"

#define H (3600 * 1000LL)
#define T0 1764000000000LL

static void falling_line_reaches_level(void **st) {
  vg_trend_t t;
  vg_forecast_t f;
  int i;
  (void)st;
  vg_trend_init(&t, 0);
  /* 1000 GiB falling 10 GiB an hour, hourly points for 10 h. */
  for (i = 0; i <= 10; i++) vg_trend_add(&t, T0 + i * H, 1000.0 - 10.0 * i);
  vg_forecast(&t, T0 + 10 * H, 7 * 24 * H, 4, H, 500.0, &f);
  assert_true(f.valid);
  assert_int_equal(f.points, 11);
  assert_true(f.slope_per_h > -10.0001 && f.slope_per_h < -9.9999);
  /* 900 now, 400 to go at 10/h: 40 h from now. */
  assert_true(f.eta_ms > T0 + 50 * H - 1000 && f.eta_ms < T0 + 50 * H + 1000);
}

static void noise_does_not_hide_the_trend(void **st) {
  vg_trend_t t;
  vg_forecast_t f;
  int i;
  (void)st;
  vg_trend_init(&t, 0);
  for (i = 0; i < 48; i++)
    vg_trend_add(&t, T0 + i * H, 1000.0 - 5.0 * i + (i % 2 ? 20.0 : -20.0));
  vg_forecast(&t, T0 + 47 * H, 7 * 24 * H, 4, H, 0.0, &f);
  assert_true(f.valid);
  assert_true(f.slope_per_h < -4.5 && f.slope_per_h > -5.5);
  assert_true(f.eta_ms > T0 + 190 * H && f.eta_ms < T0 + 210 * H);
}

static void no_date_when_moving_away_or_flat(void **st) {
  vg_trend_t t;
  vg_forecast_t f;
  int i;
  (void)st;
  vg_trend_init(&t, 0);
  for (i = 0; i < 10; i++) vg_trend_add(&t, T0 + i * H, 100.0 + i);
  vg_forecast(&t, T0 + 9 * H, 7 * 24 * H, 4, H, 50.0, &f);
  assert_true(f.valid);
  assert_int_equal(f.eta_ms, 0); /* rising away from a lower level */
  vg_trend_init(&t, 0);
  for (i = 0; i < 10; i++) vg_trend_add(&t, T0 + i * H, 100.0);
  vg_forecast(&t, T0 + 9 * H, 7 * 24 * H, 4, H, 50.0, &f);
  assert_int_equal(f.eta_ms, 0);
}

static void too_little_history_is_no_trend(void **st) {
  vg_trend_t t;
  vg_forecast_t f;
  (void)st;
  vg_trend_init(&t, 0);
  vg_trend_add(&t, T0, 100);
  vg_trend_add(&t, T0 + H / 4, 90);
  vg_trend_add(&t, T0 + H / 2, 80);
  vg_forecast(&t, T0 + H / 2, 7 * 24 * H, 4, H, 0, &f);
  assert_false(f.valid); /* 3 points */
  vg_trend_add(&t, T0 + H / 2 + 60000, 79);
  vg_forecast(&t, T0 + H / 2 + 60000, 7 * 24 * H, 4, H, 0, &f);
  assert_false(f.valid); /* 4 points but only 31 minutes */
  /* Points older than the window do not count. */
  vg_trend_add(&t, T0 + 30 * 24 * H, 10);
  vg_forecast(&t, T0 + 30 * 24 * H, 7 * 24 * H, 1, 0, 0, &f);
  assert_int_equal(f.points, 1);
}

static void ring_thins_and_wraps(void **st) {
  vg_trend_t t;
  vg_forecast_t f;
  int i;
  (void)st;
  vg_trend_init(&t, H);
  for (i = 0; i < 600 * 4; i++) /* every 15 min: one in four kept */
    vg_trend_add(&t, T0 + i * (H / 4), 5000.0 - i / 4.0);
  assert_int_equal(t.n, VG_TREND_POINTS);
  vg_forecast(&t, T0 + 599 * H + 3 * H / 4, 1000 * H, 4, H, 0, &f);
  assert_true(f.valid);
  assert_true(f.slope_per_h > -1.01 && f.slope_per_h < -0.99);
  assert_int_equal(f.points, VG_TREND_POINTS);
  /* The newest point is the last hour's first quarter. */
  assert_true(f.span_ms == (int64_t)(VG_TREND_POINTS - 1) * H);
}

static void already_past_the_level_is_now(void **st) {
  vg_trend_t t;
  vg_forecast_t f;
  int i;
  (void)st;
  vg_trend_init(&t, 0);
  for (i = 0; i < 6; i++) vg_trend_add(&t, T0 + i * H, 60.0 - i);
  vg_forecast(&t, T0 + 5 * H, 7 * 24 * H, 4, H, 56.0, &f);
  assert_true(f.valid);
  assert_int_equal(f.eta_ms, T0 + 5 * H);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(falling_line_reaches_level),
      cmocka_unit_test(noise_does_not_hide_the_trend),
      cmocka_unit_test(no_date_when_moving_away_or_flat),
      cmocka_unit_test(too_little_history_is_no_trend),
      cmocka_unit_test(ring_thins_and_wraps),
      cmocka_unit_test(already_past_the_level_is_now),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
