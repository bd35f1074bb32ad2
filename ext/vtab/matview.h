/*
** matview.h: materialized views in SQL (docs/sql.md, "Materialized views").
**   matview_sql.c  the view's SQL, split into columns, table and condition (plain C)
**   matview.c      lance_create_view() and lance_refresh() (registered by
**                  vtab_view_register, vtab.h)
** The view's schema and the fragments a refresh reads are format/'s (lf_matview.h).
*/
#ifndef LANCE_VTAB_MATVIEW_H
#define LANCE_VTAB_MATVIEW_H

#include <stddef.h>

enum { VIEW_SQL_OK = 0, VIEW_SQL_BAD = 2, VIEW_SQL_NOMEM = 3 };

/* SELECT <cols> FROM [<schema>.]<table> [[AS] <alias>] [WHERE <where>]
** (strings malloc'd; schema, alias and where NULL when absent). */
typedef struct view_sql {
  char *cols, *schema, *table, *alias, *where;
} view_sql;

/* Split z into v (zeroed first).  On VIEW_SQL_BAD zErr holds one sentence
** saying what is not allowed; v is reset on any failure. */
int view_sql_parse(const char *z, view_sql *v, char *zErr, size_t nErr);
void view_sql_reset(view_sql *v);

#endif
