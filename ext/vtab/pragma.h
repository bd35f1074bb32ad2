/*
** pragma.h: internal interface between the pragma function files of
** ext/vtab/: pragma.c (argument resolution, the eponymous virtual tables,
** lance_attach) and pragma_list.c (the rows each function lists).
*/
#ifndef LANCE_PRAGMA_H
#define LANCE_PRAGMA_H

#include <sqlite3ext.h>

#include "lf_table.h"

/* ---- pragma.c: result rows -------------------------------------------------- */

/* One cell: SQLITE_INTEGER (i), SQLITE_TEXT (z, sqlite3_malloc'd) or SQLITE_NULL. */
typedef struct pcell {
  int t;
  sqlite3_int64 i;
  char *z;
} pcell;

/* Cells row after row, nCol per row; nomem is sticky (checked after filling). */
typedef struct prows {
  int nCol;
  int n, cap;
  pcell *a;
  int nomem;
} prows;

void pragma_int(prows *r, sqlite3_int64 v);
void pragma_null(prows *r);
/* Takes z, an sqlite3_malloc'd string (NULL means out of memory). */
void pragma_owned(prows *r, char *z);
/* A copy of z, or NULL when z is NULL. */
void pragma_text(prows *r, const char *z);

/* ---- pragma.c: one call --------------------------------------------------- */

/* What one call of a pragma function works on, resolved from its argument. */
typedef struct pctx {
  sqlite3 *db;
  const char *zFunc;      /* "lance_versions", ... */
  const char *zArg;       /* the argument as given */
  char *zTable;           /* the lance table it names, or NULL for a path */
  char *zPath;            /* dataset directory (its path in store once resolved) */
  char *zUri;             /* the dataset's location as lf_store_open takes it (resolved) */
  char *zOptions;         /* storage options (JSON), or NULL: from the table's
                          ** CREATE, or the storage_options argument */
  sqlite3_uint64 version; /* pinned by the table (0 = latest) */
  char *zTag;             /* pinned tag, or NULL */
  lf_store *store;
  uint64_t *aVer;         /* every version, ascending (nVer >= 1) */
  size_t nVer;
  lf_error err;
  char *zErr;             /* the error message (sqlite3_malloc'd) */
} pctx;

/* Resolves p->zArg (set p->db, zFunc, zArg first) to a dataset directory:
** a lance table's dataset, else a path; opens p->store and lists the
** versions.  Returns an SQLite rc, p->zErr set on error. */
int pragma_resolve(pctx *p);
void pragma_reset(pctx *p);
/* Sets p->zErr to "<function>: <message>"; returns SQLITE_ERROR (NOMEM). */
int pragma_error(pctx *p, const char *zFmt, ...);
/* Reports p->err, a format/ failure with status lrc; returns an SQLite rc. */
int pragma_lf_error(pctx *p, int lrc);

/* ---- index_cmd.c: lance_create_index, lance_drop_index, lance_optimize_indices */
/* Runs the command p->zFunc on the resolved dataset; *version gets the
** latest version after it.  An SQLite rc (SQLITE_INTERRUPT when a build was
** interrupted), p->zErr set on other errors. */
int pragma_index_command(pctx *p, int argc, sqlite3_value **argv, uint64_t *version);

/* ---- pragma_list.c: the rows of each function --------------------------------- */

int pragma_fill_versions(pctx *p, prows *r);
int pragma_fill_tags(pctx *p, prows *r);
int pragma_fill_schema(pctx *p, prows *r);
int pragma_fill_fragments(pctx *p, prows *r);
int pragma_fill_indices(pctx *p, prows *r);
/* backfill.c: a progress file <dataset>/_progress/<what>.json (lance_progress
** lists them): the record below, plus table, pid and the time (UTC); extra
** holds up to two more text members (key, value; NULL key: none).  Written
** through the store, no SQL (the connection may be interrupted); a failed
** write is ignored. */
typedef struct vtab_progress_rec {
  const char *operation, *column, *state, *phase, *error;
  uint64_t done, total, version;
  long long rate;            /* rows per second */
  const char *extra[4];
} vtab_progress_rec;
void vtab_progress_save(pctx *p, const char *path, const vtab_progress_rec *r);
double vtab_progress_clock(void); /* seconds, monotonic */
/* backfill.c: the progress files of lance_backfill (lance_progress). */
int pragma_fill_progress(pctx *p, prows *r);

#endif
