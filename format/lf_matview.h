/*
** lf_matview.h: materialized views at the format level (format/matview.c): the
** view's schema and the source fragments a refresh reads.  A view is an
** ordinary Lance dataset; ext/vtab/matview.c keeps what it reflects in the
** manifest's config (docs/sql.md, "Materialized views").  Plain C11.
*/
#ifndef LF_MATVIEW_H
#define LF_MATVIEW_H

#include "lf_table.h"

/* The hidden column of every view: the source row id of the row. */
#define LF_VIEW_ROWID "_source_rowid"

/* The view schema: top-level fields tops[0..n) of src (borrowed from it) in
** that order, named names[i], their ids and types (and children) kept, then
** _source_rowid UINT64 NOT NULL with the next free id.  LF_ARG when a field
** is given twice.  out is zeroed first; lf_schema_reset it after. */
int lf_schema_project(const lf_schema *src, const lf_field *const *tops,
                      const char *const *names, int n, lf_schema *out, lf_error *err);

/* changed[i] (room for cur->n_fragments) = 1 when fragment i of cur must be
** read again since version old (NULL: every fragment): its id is not in old
** or its data files differ, or rows deleted in old are live again (fewer
** deleted rows, as after a restore).  Returns how many are. */
int lf_view_changed(const lf_manifest *old, const lf_manifest *cur, uint8_t *changed);

#endif
