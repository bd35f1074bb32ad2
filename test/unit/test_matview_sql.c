/*
** test_matview_sql.c: ext/vtab/matview_sql.c, a materialized view's SQL split
** into columns, table, alias and condition: quoted names, comments, strings
** and parentheses that hide keywords, a trailing semicolon, and every refusal
** word for word.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "vtab/matview.h"

static char g_err[512];

static void parse_ok(const char *z, view_sql *v) {
  if (view_sql_parse(z, v, g_err, sizeof g_err)) fail_msg("parse: %s", g_err);
}

static void parse_bad(const char *z, const char *want) {
  view_sql v;
  g_err[0] = 0;
  assert_int_equal(view_sql_parse(z, &v, g_err, sizeof g_err), VIEW_SQL_BAD);
  assert_string_equal(g_err, want);
  assert_null(v.cols);
  assert_null(v.table);
}

static void test_parts(void **state) {
  (void)state;
  view_sql v;
  parse_ok("SELECT id, image, caption FROM bdd WHERE has_person AND timeofday = 'night'", &v);
  assert_string_equal(v.cols, "id, image, caption");
  assert_string_equal(v.table, "bdd");
  assert_null(v.schema);
  assert_null(v.alias);
  assert_string_equal(v.where, "has_person AND timeofday = 'night'");
  view_sql_reset(&v);
  parse_ok("select * from main.\"my \"\"t\"\" x\" AS b;", &v);
  assert_string_equal(v.cols, "*");
  assert_string_equal(v.schema, "main");
  assert_string_equal(v.table, "my \"t\" x");
  assert_string_equal(v.alias, "b");
  assert_null(v.where);
  view_sql_reset(&v);
  parse_ok("SELECT a FROM [t] b WHERE x = 1 ; ", &v);
  assert_string_equal(v.table, "t");
  assert_string_equal(v.alias, "b");
  assert_string_equal(v.where, "x = 1");
  view_sql_reset(&v);
}

static void test_hidden_keywords(void **state) {
  (void)state;
  view_sql v;
  /* keywords inside strings, quoted names, comments and parentheses are not the view's */
  parse_ok("SELECT \"order\", `join` -- ORDER BY x\n FROM t /* LIMIT 3 */ WHERE c = 'a JOIN b' "
           "AND id IN (SELECT id FROM u ORDER BY id LIMIT 3)", &v);
  assert_string_equal(v.cols, "\"order\", `join` -- ORDER BY x");
  assert_string_equal(v.table, "t");
  assert_string_equal(v.where, "c = 'a JOIN b' AND id IN (SELECT id FROM u ORDER BY id LIMIT 3)");
  view_sql_reset(&v);
  parse_ok("SELECT (SELECT 1 FROM x) AS one FROM t", &v); /* EXPLAIN refuses it in SQL */
  assert_string_equal(v.cols, "(SELECT 1 FROM x) AS one");
  view_sql_reset(&v);
}

static void test_refused(void **state) {
  (void)state;
  parse_bad("DELETE FROM t", "the view's SQL must be a SELECT");
  parse_bad("", "the view's SQL must be a SELECT");
  parse_bad("WITH x AS (SELECT 1) SELECT a FROM t", "the view's SQL must be a SELECT");
  parse_bad("SELECT DISTINCT a FROM t", "DISTINCT is not allowed in a materialized view");
  parse_bad("SELECT ALL a FROM t", "ALL is not allowed in a materialized view");
  parse_bad("SELECT a FROM t JOIN u ON 1", "JOIN is not allowed in a materialized view");
  parse_bad("SELECT a FROM t x LEFT JOIN u ON 1", "unexpected 'LEFT' after the table (a view reads one table)");
  parse_bad("SELECT a FROM t, u", "a view reads one table (no joins)");
  parse_bad("SELECT a FROM t x, u", "unexpected ',' after the table (a view reads one table)");
  parse_bad("SELECT a FROM t GROUP BY a", "GROUP is not allowed in a materialized view");
  parse_bad("SELECT a FROM t WHERE a > 1 HAVING a", "HAVING is not allowed in a materialized view");
  parse_bad("SELECT a FROM t ORDER BY a", "ORDER is not allowed in a materialized view");
  parse_bad("SELECT a FROM t WHERE 1 LIMIT 1", "LIMIT is not allowed in a materialized view");
  parse_bad("SELECT a FROM t UNION SELECT a FROM u", "UNION is not allowed in a materialized view");
  parse_bad("SELECT a FROM t WHERE 1 EXCEPT SELECT a FROM u", "EXCEPT is not allowed in a materialized view");
  parse_bad("SELECT a FROM t WINDOW w AS ()", "WINDOW is not allowed in a materialized view");
  parse_bad("SELECT a FROM (SELECT a FROM t)", "FROM must name the source table");
  parse_bad("SELECT a FROM", "FROM must name the source table");
  parse_bad("SELECT a FROM t AS", "AS must be followed by an alias");
  parse_bad("SELECT a", "the view's SQL has no FROM");
  parse_bad("SELECT a FROM t; SELECT 1", "the view's SQL must be one statement");
  parse_bad("SELECT a FROM t WHERE 1; DROP TABLE t", "the view's SQL must be one statement");
  parse_bad("SELECT a FROM t WHERE (a) OR (1", "the view's SQL has unbalanced parentheses");
  parse_bad("SELECT a FROM t WHERE a) OR (1", "the view's SQL has unbalanced parentheses");
  parse_bad("SELECT a FROM t x y", "unexpected 'y' after the table (a view reads one table)");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parts),
      cmocka_unit_test(test_hidden_keywords),
      cmocka_unit_test(test_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
