/*
** test_perm_options.c: ext/vtab/perm_options.c, the options text of
** lance_permutation(): values that hold spaces, quotes and '=', each key,
** ratios against counts, and every error word for word.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "vtab/permute.h"

static char g_err[512];

static void parse_ok(const char *z, perm_opts *o) {
  if (perm_opts_parse(z, o, g_err, sizeof g_err)) fail_msg("parse: %s", g_err);
}

static void parse_bad(const char *z, const char *want) {
  perm_opts o;
  g_err[0] = 0;
  assert_int_equal(perm_opts_parse(z, &o, g_err, sizeof g_err), PERM_OPTS_BAD);
  assert_string_equal(g_err, want);
  assert_null(o.filter);
}

static void test_values(void **state) {
  (void)state;
  perm_opts o;
  parse_ok("  filter=timeofday = 'night' AND x>=1   split_random=0.8,0.1,0.1 "
           "split_names=train,val,test seed=42 shuffle=true ", &o);
  assert_string_equal(o.filter, "timeofday = 'night' AND x>=1");
  assert_int_equal(o.strategy, PERM_SPLIT_RANDOM);
  assert_int_equal(o.nsizes, 3);
  assert_int_equal(o.is_ratio, 1);
  assert_true(o.sizes[0] == 0.8 && o.sizes[2] == 0.1);
  assert_int_equal(o.nnames, 3);
  assert_string_equal(o.names[2], "test");
  assert_true(o.has_seed && o.seed == 42 && o.shuffle == 1);
  perm_opts_reset(&o);
  parse_ok("split_sequential=800,200 version=3", &o);
  assert_int_equal(o.strategy, PERM_SPLIT_SEQUENTIAL);
  assert_int_equal(o.is_ratio, 0);
  assert_true(o.sizes[1] == 200 && o.version == 3);
  perm_opts_reset(&o);
  /* a key only starts after white space: 'xseed=' and '(seed=' stay in the value */
  parse_ok("split_calculated=CASE WHEN xseed=1 THEN 0 ELSE (seed=2) END tag=gold", &o);
  assert_int_equal(o.strategy, PERM_SPLIT_CALCULATED);
  assert_string_equal(o.calc, "CASE WHEN xseed=1 THEN 0 ELSE (seed=2) END");
  assert_string_equal(o.tag, "gold");
  assert_int_equal(o.has_seed, 0);
  perm_opts_reset(&o);
  parse_ok("split_hash=a, b split_weights=1,2 discard_weight=3 shuffle=0", &o);
  assert_string_equal(o.hash_cols, "a, b");
  assert_true(o.has_weights && o.nsizes == 2 && o.discard_weight == 3 && !o.shuffle);
  perm_opts_reset(&o);
  parse_ok("", &o);
  assert_int_equal(o.strategy, PERM_SPLIT_NONE);
  perm_opts_reset(&o);
  parse_ok("split_random=1e-1,0.9", &o);  /* an exponent makes ratios */
  assert_int_equal(o.is_ratio, 1);
  perm_opts_reset(&o);
}

static void test_errors(void **state) {
  (void)state;
  parse_bad("colour=red", "unknown option at 'colour=red' (expected filter=, split_random=, "
            "split_sequential=, split_hash=, split_calculated=, split_names=, seed=, shuffle=, "
            "version= or tag=)");
  parse_bad("seed=1 seed=2", "option seed is given twice");
  parse_bad("seed=", "seed: empty value");
  parse_bad("seed=x", "seed: bad value 'x' (expected a non-negative integer)");
  parse_bad("version=0", "version: bad value '0' (expected a version, 1 or more)");
  parse_bad("shuffle=yes", "shuffle: bad value 'yes' (expected true or false)");
  parse_bad("split_random=0.5,,0.5", "split_random: bad size list '0.5,,0.5' (expected ratios "
            "like 0.8,0.2 or counts like 800,200)");
  parse_bad("split_random=-1,2", "split_random: bad size list '-1,2' (expected ratios like "
            "0.8,0.2 or counts like 800,200)");
  parse_bad("split_random=inf", "split_random: bad size list 'inf' (expected ratios like 0.8,0.2 "
            "or counts like 800,200)");
  parse_bad("split_names=a,,b", "split_names: empty name in 'a,,b'");
  parse_bad("split_random=0.5,0.5 split_names=a", "split_names: 1 names for 2 splits");
  parse_bad("split_names=a,b", "split_names: 2 names for 1 splits");
  parse_bad("split_random=1,2 split_sequential=1,2", "only one of split_random, "
            "split_sequential, split_hash and split_calculated can be given");
  parse_bad("split_hash=a", "split_hash needs split_weights (e.g. split_weights=0.8,0.2)");
  parse_bad("split_weights=1,2", "split_weights and discard_weight go with split_hash");
  parse_bad("split_hash=a split_weights=0.5,0.2 discard_weight=1", "discard_weight goes with "
            "integer split_weights (ratios discard what they leave of 1)");
  parse_bad("version=2 tag=x", "give version or tag, not both");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_values),
    cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
