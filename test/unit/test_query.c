/*
** test_query.c: ext/fts/query.c, full-text query parsing: plain text, every
** LanceDB JSON query kind with Lance's defaults, and every error sentence.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fts/query.h"

static fts_query *ok(const char *z) {
  fts_query *q = NULL;
  char err[256];
  int rc = fts_query_parse(z, "body", &q, err, sizeof err);
  if (rc) fprintf(stderr, "unexpected error: %s\n", err);
  assert_int_equal(rc, 0);
  assert_non_null(q);
  return q;
}

static void bad(const char *z, const char *want) {
  fts_query *q = (fts_query *)1;
  char err[256];
  assert_int_equal(fts_query_parse(z, "body", &q, err, sizeof err), -1);
  assert_null(q);
  if (strcmp(err, want)) fprintf(stderr, "got:  %s\nwant: %s\n", err, want);
  assert_string_equal(err, want);
}

static void test_plain(void **st) {
  (void)st;
  fts_query *q = ok("rainy night");
  assert_int_equal(q->kind, FTSQ_MATCH);
  assert_string_equal(q->column, "body");
  assert_string_equal(q->terms, "rainy night");
  assert_int_equal(q->op_and, 0);
  assert_int_equal(q->fuzziness, 0);
  assert_true(q->boost == 1.0);
  fts_query_free(q);
  q = ok(""); /* empty text: a match with no terms, no error */
  assert_string_equal(q->terms, "");
  fts_query_free(q);
}

static void test_match(void **st) {
  (void)st;
  fts_query *q = ok("{\"match\":{\"column\":\"title\",\"terms\":\"a \\\"b\\\" \\u00e9\\ud83d\\ude00\","
                    "\"boost\":2.5,\"fuzziness\":1,\"max_expansions\":10,\"operator\":\"AND\","
                    "\"prefix_length\":2}}");
  assert_int_equal(q->kind, FTSQ_MATCH);
  assert_string_equal(q->column, "title");
  assert_string_equal(q->terms, "a \"b\" \xc3\xa9\xf0\x9f\x98\x80");
  assert_true(q->boost == 2.5);
  assert_int_equal(q->fuzziness, 1);
  assert_int_equal(q->max_expansions, 10);
  assert_int_equal(q->op_and, 1);
  assert_int_equal(q->prefix_length, 2);
  fts_query_free(q);
  /* Lance's defaults: column = the MATCH column, fuzziness missing/null = None */
  q = ok(" { \"match\" : { \"terms\" : \"x\" } } ");
  assert_string_equal(q->column, "body");
  assert_int_equal(q->fuzziness, FTSQ_FUZZY_AUTO);
  assert_int_equal(q->max_expansions, 50);
  fts_query_free(q);
  q = ok("{\"match\":{\"terms\":\"x\",\"fuzziness\":null,\"column\":null,\"operator\":\"or\"}}");
  assert_int_equal(q->fuzziness, FTSQ_FUZZY_AUTO);
  assert_string_equal(q->column, "body");
  fts_query_free(q);
}

static void test_phrase_boost_boolean_multi(void **st) {
  (void)st;
  fts_query *q = ok("{\"phrase\":{\"terms\":\"rainy night\",\"slop\":2}}");
  assert_int_equal(q->kind, FTSQ_PHRASE);
  assert_int_equal(q->slop, 2);
  fts_query_free(q);
  q = ok("{\"boost\":{\"positive\":{\"match\":{\"terms\":\"car\"}},"
         "\"negative\":{\"phrase\":{\"terms\":\"red car\"}}}}");
  assert_int_equal(q->kind, FTSQ_BOOST);
  assert_true(q->negative_boost == 0.5);
  assert_int_equal(q->positive->kind, FTSQ_MATCH);
  assert_int_equal(q->negative->kind, FTSQ_PHRASE);
  fts_query_free(q);
  q = ok("{\"boolean\":{\"should\":[{\"match\":{\"terms\":\"a\"}}],\"must\":[],"
         "\"must_not\":[{\"match\":{\"terms\":\"b\"}},{\"match\":{\"terms\":\"c\"}}]}}");
  assert_int_equal(q->kind, FTSQ_BOOLEAN);
  assert_int_equal(q->n_should, 1);
  assert_int_equal(q->n_must, 0);
  assert_int_equal(q->n_must_not, 2);
  fts_query_free(q);
  q = ok("{\"multi_match\":{\"query\":\"night\",\"columns\":[\"title\",\"body\"],\"boost\":[2,1]}}");
  assert_int_equal(q->kind, FTSQ_MULTI_MATCH);
  assert_int_equal(q->n_should, 2);
  assert_string_equal(q->should[0]->column, "title");
  assert_true(q->should[0]->boost == 2.0);
  assert_string_equal(q->should[1]->terms, "night");
  assert_int_equal(q->should[1]->fuzziness, 0);
  fts_query_free(q);
  q = ok("{\"multi_match\":{\"query\":\"night\",\"columns\":[\"title\"]}}");
  assert_true(q->should[0]->boost == 1.0);
  fts_query_free(q);
}

static void test_errors(void **st) {
  (void)st;
  bad("{\"match\":{}}", "full-text query: a match query needs \"terms\"");
  bad("{\"phrase\":{\"terms\":\"a\",\"fuzziness\":1}}", "full-text query: unknown key \"fuzziness\" in a phrase query");
  bad("{\"match\":{\"terms\":\"a\",\"operator\":\"xor\"}}", "full-text query: \"operator\" must be \"And\" or \"Or\", not \"xor\"");
  bad("{\"match\":{\"terms\":\"a\",\"boost\":-1}}", "full-text query: \"boost\" must be a finite number >= 0");
  bad("{\"match\":{\"terms\":\"a\",\"fuzziness\":1.5}}", "full-text query: \"fuzziness\" must be a whole number from 0 to 2");
  bad("{\"fuzzy\":{}}", "full-text query: unknown query kind \"fuzzy\" (match, phrase, boost, multi_match, boolean)");
  bad("{\"boolean\":{\"must_not\":[{\"match\":{\"terms\":\"a\"}}]}}", "full-text query: boolean query must have at least one should/must query");
  bad("{\"boost\":{\"positive\":{\"match\":{\"terms\":\"a\"}}}}", "full-text query: a boost query needs \"positive\" and \"negative\"");
  bad("{\"multi_match\":{\"query\":\"a\",\"columns\":[]}}", "full-text query: a multi_match query needs at least one column in \"columns\"");
  bad("{\"multi_match\":{\"query\":\"a\",\"columns\":[\"x\"],\"boost\":[1,2]}}", "full-text query: multi_match has 1 columns but 2 boosts");
  bad("{\"match\":{\"terms\":\"a\"}} x", "full-text query: unexpected text after the query at offset 24");
  bad("{\"match\":{\"terms\":\"a\"}", "full-text query: expected '}' at offset 22");
  bad("{\"match\":{\"terms\":\"a\\q\"}}", "full-text query: bad escape at offset 20");
  bad("{\"match\":{\"terms\":\"\\ud800\"}}", "full-text query: unpaired surrogate in \\u escape at offset 25");
  bad("{\"match\":{\"terms\":\"abc", "full-text query: unterminated string");
  bad("{\"match\":{\"terms\":7}}", "full-text query: expected a string at offset 18");
  bad("{\"match\":{\"terms\":\"a\",\"slop\":1}}", "full-text query: unknown key \"slop\" in a match query");
  bad("{\"match\":{\"terms\":\"a\",\"terms\":\"b\"}}", "full-text query: duplicate key \"terms\"");
  bad("{\"match\":{\"terms\" \"a\"}}", "full-text query: expected ':' at offset 18");
  /* nesting is bounded */
  char deep[4000] = "";
  for (int i = 0; i < 70; i++) strcat(deep, "{\"boost\":{\"positive\":");
  bad(deep, "full-text query: queries nested deeper than 64");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain),
      cmocka_unit_test(test_match),
      cmocka_unit_test(test_phrase_boost_boolean_multi),
      cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
