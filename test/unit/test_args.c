/* test_args.c: the reading of USING lance(...) arguments (ext/vtab/args.c):
** values, quoting, key case, every option and its errors word for word,
** file: URIs and other URIs, and vtab_args_split checked against SQLite
** itself: a module named lance registered here records the arguments
** SQLite hands to xCreate, which the split of the stored CREATE statement
** must reproduce byte for byte. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vtab/args.h"

static char g_err[512];

/* The arguments of a NULL-terminated list into az[16]; returns how many. */
static int collect(va_list ap, const char **az) {
  int n = 0;
  for (const char *z; n < 16 && (z = va_arg(ap, const char *));) az[n++] = z;
  return n;
}

/* Parse the arguments given as a NULL-terminated list; VTAB_ARGS_OK expected. */
static void parse_ok(vtab_args *a, ...) {
  const char *az[16];
  va_list ap;
  va_start(ap, a);
  int n = collect(ap, az);
  va_end(ap);
  if (vtab_args_parse(n, az, a, g_err, sizeof g_err)) fail_msg("parse: %s", g_err);
}

/* The error of parsing the list, word for word. */
static void parse_bad(const char *want, ...) {
  const char *az[16];
  va_list ap;
  va_start(ap, want);
  int n = collect(ap, az);
  va_end(ap);
  vtab_args a;
  g_err[0] = 0;
  assert_int_equal(vtab_args_parse(n, az, &a, g_err, sizeof g_err), VTAB_ARGS_BAD);
  assert_string_equal(g_err, want);
  assert_null(a.path); /* reset on failure */
}

static void test_values_and_keys(void **state) {
  (void)state;
  vtab_args a;
  parse_ok(&a, "'d/t.lance'", NULL);
  assert_string_equal(a.path, "d/t.lance");
  assert_true(a.version == 0);
  assert_null(a.tag);
  assert_int_equal(a.stable_row_ids, -1);
  assert_int_equal(a.v2_paths, -1);
  vtab_args_reset(&a);
  /* bare, "..." and '...' values, doubled quotes, spaces and comments */
  parse_ok(&a, "d/t.lance", "VERSION=3", "Tag = 'it''s'", NULL);
  assert_string_equal(a.path, "d/t.lance");
  assert_true(a.version == 3);
  assert_string_equal(a.tag, "it's");
  vtab_args_reset(&a);
  parse_ok(&a, "\"a \"\"b\"\" 'c'/\"", "version /* pin */ = '0007'", "tag=\"x,y\"", NULL);
  assert_string_equal(a.path, "a \"b\" 'c'");
  assert_true(a.version == 7);
  assert_string_equal(a.tag, "x,y");
  vtab_args_reset(&a);
  parse_ok(&a, "'new.lance'", "schema='id INT64, s TEXT'", "DATA_STORAGE_VERSION=stable",
           "enable_stable_row_ids=TRUE", "Enable_V2_Manifest_Paths=0", NULL);
  assert_string_equal(a.schema, "id INT64, s TEXT");
  assert_string_equal(a.storage, "2.2");
  assert_int_equal(a.stable_row_ids, 1);
  assert_int_equal(a.v2_paths, 0);
  vtab_args_reset(&a);
  parse_ok(&a, "x", "data_storage_version='2.1'", "enable_stable_row_ids=false",
           "enable_v2_manifest_paths=1", "version=18446744073709551615", NULL);
  assert_string_equal(a.storage, "2.1");
  assert_int_equal(a.stable_row_ids, 0);
  assert_int_equal(a.v2_paths, 1);
  assert_true(a.version == UINT64_MAX);
  vtab_args_reset(&a);
  parse_ok(&a, "'s3://b/d/t.lance/'", "Storage_Options = '{\"aws_region\": \"eu-west-1\"}'", NULL);
  assert_string_equal(a.path, "s3://b/d/t.lance");
  assert_string_equal(a.options, "{\"aws_region\": \"eu-west-1\"}");
  vtab_args_reset(&a);
  assert_null(a.options);
  /* permutation= is a dataset argument (file: URIs made paths), split= text */
  parse_ok(&a, "bdd.lance", "PERMUTATION='file:///tmp/p%20q.lance/'", "split=train", NULL);
  assert_string_equal(a.permutation, "/tmp/p q.lance");
  assert_string_equal(a.split, "train");
  vtab_args_reset(&a);
  assert_null(a.permutation);
  assert_null(a.split);
}

static void test_errors(void **state) {
  (void)state;
  parse_bad("usage: CREATE VIRTUAL TABLE t USING lance('path/to/dataset.lance')", NULL);
  parse_bad("bad value for version: '0' (Lance versions start at 1)", "x", "version=0", NULL);
  parse_bad("bad value for version: '00' (Lance versions start at 1)", "x", "version='00'", NULL);
  parse_bad("bad value for version: '+3' (expected a positive integer)", "x", "version='+3'", NULL);
  parse_bad("bad value for version: '3x' (expected a positive integer)", "x", "version='3x'", NULL);
  parse_bad("bad value for version: '18446744073709551616' (expected a positive integer)", "x",
            "version=18446744073709551616", NULL);
  parse_bad("option tag is given twice", "x", "tag=a", "TAG=b", NULL);
  parse_bad("bad value for tag: '' (expected a tag name)", "x", "tag=''", NULL);
  parse_bad("bad value for schema: '' (expected columns, e.g. 'id INT64, v FLOAT32[3]')", "x",
            "schema=\"\"", NULL);
  parse_bad("bad value for data_storage_version: '2.0' (expected '2.1', '2.2' or 'stable'; "
            "writes make Lance 2.1 and 2.2 files)", "x", "data_storage_version='2.0'", NULL);
  parse_bad("bad value for enable_v2_manifest_paths: '2' (expected 0, 1, true or false)", "x",
            "enable_v2_manifest_paths=2", NULL);
  parse_bad("bad option 'colour=3' (expected version=N, tag='name', schema='...', "
            "data_storage_version='2.1'|'2.2', enable_stable_row_ids=0|1, "
            "enable_v2_manifest_paths=0|1, storage_options='{...}', permutation='path' or "
            "split='name')", "x", "colour=3", NULL);
  parse_bad("bad option '<storage options>' (expected version=N, tag='name', schema='...', "
            "data_storage_version='2.1'|'2.2', enable_stable_row_ids=0|1, "
            "enable_v2_manifest_paths=0|1, storage_options='{...}', permutation='path' or "
            "split='name')", "s3://b/t",
            "options='{\"aws_secret_access_key\":\"hunter2\"}'", NULL);
  parse_bad("option storage_options is given twice", "s3://b/t", "storage_options='{}'",
            "STORAGE_OPTIONS='{}'", NULL);
  parse_bad("bad value for storage_options: '' (expected a JSON object)", "s3://b/t",
            "storage_options=''", NULL);
  parse_bad("bad option 'version' (expected version=N, tag='name', schema='...', "
            "data_storage_version='2.1'|'2.2', enable_stable_row_ids=0|1, "
            "enable_v2_manifest_paths=0|1, storage_options='{...}', permutation='path' or "
            "split='name')", "x", "version", NULL);
  parse_bad("argument 2 (version): expected a value", "x", "version=", NULL);
  parse_bad("bad value for split: '' (expected a split name or number)", "x", "split=''", NULL);
  parse_bad("option permutation is given twice", "x", "permutation=p", "permutation=q", NULL);
  parse_bad("argument 2 (tag): unterminated quoted value", "x", "tag='abc", NULL);
  parse_bad("argument 2 (tag): unterminated quoted value", "x", "tag='ab''", NULL);
  parse_bad("argument 3 (tag): unexpected text after the value: 'b'", "x", "version=1",
            "tag='a' b", NULL);
  parse_bad("argument 1 (the dataset): unexpected text after the value: 'b' (quote a path "
            "that holds spaces or '=')", "a b", NULL);
  parse_bad("argument 1 (the dataset): unexpected text after the value: '=3' (quote a path "
            "that holds spaces or '=')", "version=3", NULL);
  parse_bad("argument 1 (the dataset): unterminated quoted value", "\"abc", NULL);
  parse_bad("the dataset path is empty", "''", NULL);
}

static void path_is(const char *z, const char *want) {
  char *out = NULL;
  if (vtab_args_path(z, &out, g_err, sizeof g_err)) fail_msg("%s: %s", z, g_err);
  assert_string_equal(out, want);
  free(out);
}

static void path_bad(const char *z, const char *want) {
  char *out = NULL;
  assert_int_equal(vtab_args_path(z, &out, g_err, sizeof g_err), VTAB_ARGS_BAD);
  assert_null(out);
  assert_string_equal(g_err, want);
}

static void test_paths(void **state) {
  (void)state;
  path_is("d/t.lance", "d/t.lance");
  path_is("d/t.lance///", "d/t.lance");
  path_is("/", "/");
  path_is("a:b/c.lance", "a:b/c.lance"); /* no '//' after the colon: a path */
  path_is("file:///data/t.lance", "/data/t.lance");
  path_is("FILE://LOCALHOST/data/t.lance/", "/data/t.lance");
  path_is("file:///my%20data/%C3%A9t%c3%a9.lance", "/my data/\xc3\xa9t\xc3\xa9.lance");
  path_is("file:///a%2Fb", "/a/b");
  const char *form = "(expected file:///absolute/path or file://localhost/absolute/path)";
  char want[512];
  snprintf(want, sizeof want, "file URI 'file://data/t.lance' names host 'data': only local "
           "files can be opened %s", form);
  path_bad("file://data/t.lance", want);
  snprintf(want, sizeof want, "bad file URI 'file:data/t.lance' %s", form);
  path_bad("file:data/t.lance", want);
  snprintf(want, sizeof want, "bad file URI 'file://' %s", form);
  path_bad("file://", want);
  snprintf(want, sizeof want, "bad file URI 'file:///' %s", form);
  path_bad("file:///", want);
  path_bad("file:///t.lance?mode=ro", "file URI 'file:///t.lance?mode=ro': query and fragment "
           "parts are not supported");
  path_bad("file:///a%zz", "file URI 'file:///a%zz': bad escape '%zz'");
  path_bad("file:///a%4", "file URI 'file:///a%4': bad escape '%4'");
  path_bad("file:///a%00b", "file URI 'file:///a%00b': bad escape '%00'");
  path_is("s3://bucket/t.lance/", "s3://bucket/t.lance"); /* kept for format/store/open.c */
  path_is("S3://bucket", "S3://bucket");
  path_is("s3:///", "s3://");
  path_is("https://h:8/d/t.lance", "https://h:8/d/t.lance");
  path_is("http://h/a%20b.lance", "http://h/a%20b.lance");
  path_bad("gs+x.y-z://b/t", "gs+x.y-z://b/t: only local, s3:// and http(s):// datasets are "
           "supported");
  path_bad("httpx://b/t", "httpx://b/t: only local, s3:// and http(s):// datasets are supported");
  path_bad("", "the dataset path is empty");
}

/* ---- vtab_args_split against SQLite ------------------------------------------ */

typedef struct seen {
  int n;
  char *a[16];
} seen;
static seen g_seen;

static int rec_create(sqlite3 *db, void *aux, int argc, const char *const *argv,
                      sqlite3_vtab **out, char **err) {
  (void)aux;
  (void)err;
  g_seen.n = argc - 3;
  for (int i = 3; i < argc && i - 3 < 16; i++) g_seen.a[i - 3] = strdup(argv[i]);
  int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(c)");
  *out = rc ? NULL : calloc(1, sizeof **out);
  return rc ? rc : *out ? SQLITE_OK : SQLITE_NOMEM;
}
static int rec_disconnect(sqlite3_vtab *v) {
  free(v);
  return SQLITE_OK;
}
static int rec_best(sqlite3_vtab *v, sqlite3_index_info *i) {
  (void)v;
  (void)i;
  return SQLITE_OK;
}
static sqlite3_module rec_module = {.xCreate = rec_create, .xConnect = rec_create,
                                    .xBestIndex = rec_best, .xDisconnect = rec_disconnect,
                                    .xDestroy = rec_disconnect};

/* Create the table with SQLite, then split its stored statement. */
static void split_matches(sqlite3 *db, const char *create, const char *name) {
  memset(&g_seen, 0, sizeof g_seen);
  char *zErr = NULL;
  if (sqlite3_exec(db, create, NULL, NULL, &zErr)) fail_msg("%s: %s", create, zErr);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_schema WHERE name = ?1", -1,
                                      &st, NULL), SQLITE_OK);
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  char **az;
  int n;
  assert_int_equal(vtab_args_split((const char *)sqlite3_column_text(st, 0), &az, &n),
                   VTAB_ARGS_OK);
  if (n != g_seen.n) fail_msg("%s: split gives %d arguments, SQLite %d", create, n, g_seen.n);
  for (int i = 0; i < n; i++) {
    if (strcmp(az[i], g_seen.a[i]))
      fail_msg("%s: argument %d: split '%s', SQLite '%s'", create, i, az[i], g_seen.a[i]);
    free(g_seen.a[i]);
  }
  vtab_args_free_list(az, n);
  sqlite3_finalize(st);
}

static void test_split_like_sqlite(void **state) {
  (void)state;
  sqlite3 *db;
  assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
  assert_int_equal(sqlite3_create_module(db, "lance", &rec_module, NULL), SQLITE_OK);
  split_matches(db, "CREATE VIRTUAL TABLE t1 USING lance('a', version=3)", "t1");
  split_matches(db, "create virtual table \"using\" using LANCE ( \"a,b\" , tag = 'x,''y' )",
                "using");
  split_matches(db, "CREATE VIRTUAL TABLE [t 3] USING \"lance\"('a' /* , c */, -- d, e\n"
                "  v = (1, (2)) , [x,y], `p,q`)", "t 3");
  split_matches(db, "CREATE VIRTUAL TABLE IF NOT EXISTS t4 USING lance(a -- it's\n, b/*)*/)",
                "t4");
  split_matches(db, "CREATE VIRTUAL TABLE t5 USING lance()", "t5");
  split_matches(db, "CREATE VIRTUAL TABLE t6 USING lance", "t6");
  split_matches(db, "CREATE VIRTUAL TABLE t7 USING lance('a',  ,b)", "t7");
  split_matches(db, "CREATE VIRTUAL TABLE t8 USING lance(x /* c */ y, 'it''s' 'z')", "t8");
  sqlite3_close(db);
  /* other statements and modules are not lance tables */
  char **az;
  int n;
  assert_int_equal(vtab_args_split("CREATE TABLE t(using)", &az, &n), VTAB_ARGS_OK);
  assert_int_equal(n, -1);
  assert_int_equal(vtab_args_split("CREATE VIRTUAL TABLE t USING fts5(a)", &az, &n), VTAB_ARGS_OK);
  assert_int_equal(n, -1);
  assert_int_equal(vtab_args_split("CREATE VIRTUAL TABLE t USING lancex(a)", &az, &n),
                   VTAB_ARGS_OK);
  assert_int_equal(n, -1);
  assert_int_equal(vtab_args_split("CREATE VIRTUAL TABLE 'using lance(a)' USING x(b)", &az, &n),
                   VTAB_ARGS_OK);
  assert_int_equal(n, -1);
  assert_null(az);
  /* cut short: unterminated quote or comment ends the argument list */
  assert_int_equal(vtab_args_split("CREATE VIRTUAL TABLE t USING lance('a, b", &az, &n),
                   VTAB_ARGS_OK);
  assert_int_equal(n, 1);
  assert_string_equal(az[0], "'a, b");
  vtab_args_free_list(az, n);
  assert_int_equal(vtab_args_split("CREATE VIRTUAL TABLE t USING lance(a /* b, c", &az, &n),
                   VTAB_ARGS_OK);
  assert_int_equal(n, 1);
  assert_string_equal(az[0], "a");
  vtab_args_free_list(az, n);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values_and_keys),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_paths),
      cmocka_unit_test(test_split_like_sqlite),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
