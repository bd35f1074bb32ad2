/*
** array_func.c: owns the label-list SQL functions, named as in LanceDB's
** filters:
**
**   array_has_any(list, '["person","rider"]')   1 when the list holds any of the values
**   array_has_all(list, '["person","rider"]')   1 when it holds every one of them
**
** list is a list column (its JSON text, as the `lance` table returns lists) or any
** JSON array text; the second argument is a JSON array of strings and numbers
** (nulls in it are ignored).  NULL when either argument is NULL; text equals text
** byte for byte, numbers compare as numbers, text never equals a number.  On a
** `lance` table column the table overloads both (xFindFunction): the WHERE term
** reaches xBestIndex as a constraint, and a LABEL_LIST index on the column answers
** it as a row-id set (scalar_filter.c); on lists of text or integers filter.c
** decides the rows read exactly as this function would (the constraint is then
** omitted), elsewhere SQLite calls the function on them: the answer is the same
** with or without the index.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "index/scalar.h"
#include "vtab.h"

/* Both arguments parsed; 0 when the result is NULL (or an error was set). */
static int parse_args(sqlite3_context *ctx, sqlite3_value **argv, lf_svalues *list, lf_svalues *want) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) return 0;
  const char *name = sqlite3_user_data(ctx);
  lf_error e = {0};
  for (int k = 0; k < 2; k++) {
    const uint8_t *z = sqlite3_value_text(argv[k]);
    int n = sqlite3_value_bytes(argv[k]);
    if (!z) {
      sqlite3_result_error_nomem(ctx);
      return 0;
    }
    if (lf_svalues_from_json(z, (size_t)n, k ? want : list, &e)) {
      if (e.code == LF_NOMEM) {
        sqlite3_result_error_nomem(ctx);
      } else {
        char *m = sqlite3_mprintf("%s: the %s argument is %s", name, k ? "second" : "first", e.msg);
        sqlite3_result_error(ctx, m ? m : "out of memory", -1);
        sqlite3_free(m);
      }
      if (k) lf_svalues_reset(list);
      return 0;
    }
  }
  return 1;
}

static int holds(const lf_svalues *list, const lf_svalue *v) {
  for (size_t i = 0; i < list->n; i++)
    if (lf_svalue_cmp(&list->v[i], v) == 0) return 1;
  return 0;
}

static void array_has_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  int all = ((const char *)sqlite3_user_data(ctx))[11] == 'l'; /* array_has_a[l]l */
  lf_svalues list, want;
  if (!parse_args(ctx, argv, &list, &want)) return;
  int r = all;
  for (size_t k = 0; k < want.n; k++) {
    if (want.v[k].type == LF_SV_NULL) continue;
    int h = holds(&list, &want.v[k]);
    if (all && !h) { r = 0; break; }
    if (!all && h) { r = 1; break; }
  }
  lf_svalues_reset(&list);
  lf_svalues_reset(&want);
  sqlite3_result_int(ctx, r);
}

int vtab_array_func_register(sqlite3 *db) {
  static const char *names[] = {"array_has_any", "array_has_all"};
  int rc = SQLITE_OK;
  for (int i = 0; rc == SQLITE_OK && i < 2; i++)
    rc = sqlite3_create_function(db, names[i], 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                 (void *)names[i], array_has_func, NULL, NULL);
  return rc;
}

int vtab_array_find_function(const char *name, int nargs, void (**fn)(sqlite3_context *, int, sqlite3_value **),
                             void **arg) {
  static const char *names[] = {"array_has_any", "array_has_all"};
  for (int i = 0; nargs == 2 && i < 2; i++)
    if (!sqlite3_stricmp(name, names[i])) {
      *fn = array_has_func;
      *arg = (void *)names[i];
      return VTAB_OP_HAS_ANY + i;
    }
  return 0;
}
