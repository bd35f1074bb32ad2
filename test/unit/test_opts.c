/* test_opts.c: the splitting of `key=value ...` option texts (ext/vtab/opts.c):
** words without names, named options with values to the end of the word or
** (spaced) to the next named option, unknown words, trimming, the end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "vtab/opts.h"

/* Every option of z as "key|k|v;" into out. */
static void split(const char *z, const char *const *names, int n, int spaced, char *out, size_t cap) {
  vtab_opt o;
  size_t at = 0;
  out[0] = 0;
  while (vtab_opt_next(&z, names, n, spaced, &o) && at < cap)
    at += (size_t)snprintf(out + at, cap - at, "%d|%.*s|%s%.*s;", o.key, (int)o.kn, o.k,
                           o.has_eq ? "" : "!", (int)o.vn, o.v);
}

static void test_words(void **state) {
  (void)state;
  char b[256];
  split("  a=1\tb=two  flag c= ", NULL, 0, 0, b, sizeof b);
  assert_string_equal(b, "-1|a|1;-1|b|two;-1|flag|!;-1|c|;");
  split("", NULL, 0, 0, b, sizeof b);
  assert_string_equal(b, "");
  split(" \n ", NULL, 0, 0, b, sizeof b);
  assert_string_equal(b, "");
  const char *z = NULL;
  vtab_opt o;
  assert_int_equal(vtab_opt_next(&z, NULL, 0, 0, &o), 0);
  split("k=v=w", NULL, 0, 0, b, sizeof b);
  assert_string_equal(b, "-1|k|v=w;");
}

static void test_named(void **state) {
  (void)state;
  static const char *const names[] = {"where", "batch_rows", "progress"};
  char b[256];
  /* spaced: the value runs to the next named option, trimmed */
  split("where= a = 1 AND b_where=2  batch_rows=10 progress=1", names, 3, 1, b, sizeof b);
  assert_string_equal(b, "0|where|a = 1 AND b_where=2;1|batch_rows|10;2|progress|1;");
  /* a name inside a word does not start an option; unknown words come back as -1 */
  split("speed=11 where=x", names, 3, 1, b, sizeof b);
  assert_string_equal(b, "-1|speed|11;0|where|x;");
  /* not spaced: values end with the word */
  split("where=a b batch_rows=2", names, 3, 0, b, sizeof b);
  assert_string_equal(b, "0|where|a;-1|b|!;1|batch_rows|2;");
  /* a name needs its '=' */
  split("wherever=1 where", names, 3, 1, b, sizeof b);
  assert_string_equal(b, "-1|wherever|1;-1|where|!;");
  vtab_opt o;
  const char *z = "batch_rows=3";
  assert_int_equal(vtab_opt_next(&z, names, 3, 1, &o), 1);
  assert_true(vtab_opt_is(&o, "batch_rows"));
  assert_false(vtab_opt_is(&o, "batch"));
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_words), cmocka_unit_test(test_named)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
