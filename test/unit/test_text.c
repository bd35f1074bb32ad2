/*
** test_text.c: text.c's parsers for writes against its formatters: every
** form value.c prints reads back to the same value, and malformed or
** out-of-range text is refused.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "lf.h"

static void test_dates(void **state) {
  (void)state;
  const int64_t days[] = {0, -1, 1, 59, 60, 365, 10957, 11016, -719528, 2932896, -25567};
  for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
    char buf[32];
    int64_t back;
    lf_fmt_date(days[i], buf, sizeof buf);
    assert_int_equal(lf_parse_date(buf, &back), 0);
    assert_int_equal(back, days[i]);
  }
  int64_t d;
  assert_int_equal(lf_parse_date("2024-02-29", &d), 0);
  assert_int_equal(lf_parse_date("2023-02-29", &d), -1);
  assert_int_equal(lf_parse_date("2024-13-01", &d), -1);
  assert_int_equal(lf_parse_date("2024-1-01", &d), -1);
  assert_int_equal(lf_parse_date("2024-01-01x", &d), -1);
  assert_int_equal(lf_parse_date("", &d), -1);
}

static void test_timestamps(void **state) {
  (void)state;
  const int64_t v[] = {0, 1, -1, 1700000000123456789LL, -86400000000001LL, 951782400000000000LL};
  for (int unit = LF_UNIT_S; unit <= LF_UNIT_NS; unit++)
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
      static const int64_t div[] = {1000000000, 1000000, 1000, 1};
      int64_t x = v[i] / div[unit], back;
      char buf[64];
      lf_fmt_timestamp(x, unit, ' ', "", buf, sizeof buf);
      assert_int_equal(lf_parse_timestamp(buf, unit, &back), 0);
      assert_int_equal(back, x);
      lf_fmt_timestamp(x, unit, 'T', "Z", buf, sizeof buf);
      assert_int_equal(lf_parse_timestamp(buf, unit, &back), 0);
      assert_int_equal(back, x);
    }
  int64_t t;
  assert_int_equal(lf_parse_timestamp("2024-01-02", LF_UNIT_US, &t), 0);
  assert_int_equal(t, 1704153600000000LL);
  assert_int_equal(lf_parse_timestamp("2024-01-02 03:04", LF_UNIT_S, &t), 0);
  assert_int_equal(t, 1704153600 + 3 * 3600 + 4 * 60);
  assert_int_equal(lf_parse_timestamp("2024-01-02 03:04:05.5", LF_UNIT_S, &t), -1); /* finer */
  assert_int_equal(lf_parse_timestamp("2024-01-02 03:04:05.5", LF_UNIT_MS, &t), 0);
  assert_int_equal(t % 1000, 500);
  assert_int_equal(lf_parse_timestamp("2024-01-02 24:00:00", LF_UNIT_S, &t), -1);
  assert_int_equal(lf_parse_timestamp("2024-01-02 03:04:05+01:00", LF_UNIT_S, &t), -1);
  assert_int_equal(lf_parse_timestamp("9999-12-31 23:59:59", LF_UNIT_NS, &t), -1); /* overflow */
}

static void test_decimals(void **state) {
  (void)state;
  const char *in[] = {"0", "1.5", "-1.25", "12345678.99", "-0.01", "99999999.99"};
  const char *out[] = {"0.00", "1.50", "-1.25", "12345678.99", "-0.01", "99999999.99"};
  for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
    uint8_t d[16];
    char buf[64];
    assert_int_equal(lf_parse_decimal128(in[i], 10, 2, d), 0);
    lf_fmt_decimal128(d, 2, buf, sizeof buf);
    assert_string_equal(buf, out[i]);
  }
  uint8_t d[16];
  assert_int_equal(lf_parse_decimal128("1.234", 10, 2, d), -1);      /* scale */
  assert_int_equal(lf_parse_decimal128("1.230", 10, 2, d), 0);       /* trailing zero ok */
  assert_int_equal(lf_parse_decimal128("123456789.00", 10, 2, d), -1); /* precision */
  assert_int_equal(lf_parse_decimal128("1e5", 10, 2, d), -1);
  assert_int_equal(lf_parse_decimal128("", 10, 2, d), -1);
  assert_int_equal(lf_parse_decimal128("-.", 10, 2, d), -1);
  assert_int_equal(lf_parse_decimal128(".5", 10, 2, d), 0);
}

static void test_half(void **state) {
  (void)state;
  for (uint32_t h = 0; h < 0x10000; h++) { /* every half reads back to itself */
    double v = lf_half_to_double((uint16_t)h);
    uint16_t back = lf_double_to_half(v);
    if (isnan(v)) assert_true((back & 0x7c00) == 0x7c00 && (back & 0x3ff));
    else assert_int_equal(back, h);
  }
  assert_int_equal(lf_double_to_half(65519.0), 0x7bff);  /* rounds down to max */
  assert_int_equal(lf_double_to_half(65520.0), 0x7c00);  /* rounds to inf */
  assert_int_equal(lf_double_to_half(1.0 + 1.0 / 2048), 0x3c00); /* tie to even */
  assert_int_equal(lf_double_to_half(1.0 + 3.0 / 2048), 0x3c02);
  assert_int_equal(lf_double_to_half(ldexp(1, -25)), 0x0000);    /* tie to even: 0 */
  assert_int_equal(lf_double_to_half(ldexp(1.5, -25)), 0x0001);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_dates),
    cmocka_unit_test(test_timestamps),
    cmocka_unit_test(test_decimals),
    cmocka_unit_test(test_half),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
