/*
** vtab.h: internal interface of ext/vtab/, the `lance` virtual table.
*/
#ifndef LANCE_VTAB_H
#define LANCE_VTAB_H

#include <sqlite3ext.h>

#include "lf.h"

/* value.c: an lf_array row as an SQLite value, per docs/sql.md's types
** table (integers, REAL, TEXT dates/timestamps, BLOB vectors, JSON TEXT for
** lists and structs). */
void vtab_result(sqlite3_context *ctx, const lf_array *a, uint64_t i);
/* The SQL type a field's values take: "INTEGER", "REAL", "TEXT", "BLOB". */
const char *vtab_sql_type(const lf_field *f);

/* vtab.c */
int vtab_register(sqlite3 *db);

#endif
