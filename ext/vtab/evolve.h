/*
** evolve.h: internal interface of the schema evolution commands
** (ext/vtab/evolve.c: lance_add_columns, lance_alter_columns,
** lance_drop_columns; ext/vtab/backfill.c: lance_backfill, lance_progress).
*/
#ifndef LANCE_EVOLVE_H
#define LANCE_EVOLVE_H

#include <sqlite3ext.h>

#include "lf_write.h"
#include "vtab/pragma.h"

/* What lance_backfill_gate(?, _rowaddr) answers for a row (backfill.c): 1
** (compute it) unless `stop` is set and the row is in fragment stop_frag or
** (block_all: rows of that fragment are left for another pass) after it,
** or the row lies in fragment `frag` below offset `from` (done by an
** earlier pass).  SQLite fetches one row ahead of the C code: a cut must
** not stop rows of the next fragment unless a new pass follows. */
typedef struct evo_gate {
  int stop, block_all, has_from;
  uint64_t stop_frag, frag, from;
} evo_gate;

/* evo_write's answer when it cut a fragment (the budget ran out in it) and
** the rest of that fragment needs another pass over the next version. */
#define EVO_RESTART (-1)

/* One evolution command in progress on the dataset p->zPath. */
typedef struct evo {
  pctx *p;
  lf_dataset *ds;           /* the latest version when the command started */
  char tmp[40];             /* temp."<tmp>": a lance table pinned to ds's version */
  lf_frag_file *adds;       /* column files written, one per fragment */
  int nadds, cap;
  int32_t *tomb;            /* backfill: field ids tombstoned by MERGE adds */
  int ntomb;
  uint64_t computed;        /* rows whose value the expression computed */
  uint64_t budget;          /* rows to compute before a cut (UINT64_MAX: no cuts) */
  uint64_t batch;           /* rows encoded at a time */
  evo_gate gate;
  int (*on_frag)(struct evo *, int frag, uint64_t computed); /* after each fragment */
  void *ctx;
} evo;

/* Open the latest version of p's dataset and temp.<tmp> pinned to it. */
int evo_open(evo *e, pctx *p);
/* The same again on the latest version (after commits), e's files kept. */
int evo_reopen(evo *e);
/* Live rows of the fragments of e->ds before index `first`. */
int evo_rows_before(evo *e, int first, uint64_t *n);
/* Registers lance_backfill_gate (commands.c calls it). */
int evo_register(sqlite3 *db);
/* Drop temp.<tmp>, free e; with drop_files the files in e->adds are deleted. */
void evo_close(evo *e, int drop_files);
/* The query over temp.<tmp> AS "<table>": zSel is the select list
** (sqlite3_mprintf'd by the caller, freed here), zWhere a filter or NULL. */
int evo_prepare(evo *e, char *zSel, const char *zWhere, sqlite3_stmt **st);
/* Write one column file per fragment of e->ds holding the top-level fields
** of cols (field ids set) from the rows of st: _rowaddr, computed flag (0 or
** 1), then one value per field, every live row in scan order.  Deleted rows
** get NULL (or, NOT NULL fields, a neighbour's value: never read).
** Fragments where keep_idle is 0 and nothing was computed get no file.
** Starts at fragment index `first` (st skips the rows before it).  Each
** computed row spends one of e->budget; when it runs out the gate stops
** computing, the fragment is finished with its old values, on_frag runs,
** and EVO_RESTART comes back when rows of the fragment are left. */
int evo_write(evo *e, sqlite3_stmt *st, const lf_schema *cols, int keep_idle, int first);
/* Forget the files recorded in e->adds (after they were committed). */
void evo_clear_adds(evo *e);
/* Re-declare every unpinned lance table of the connection on p->zPath
** (DROP TABLE + the same CREATE VIRTUAL TABLE: the dataset is untouched). */
int evo_refresh_tables(pctx *p);
/* Commit e->adds (kind MERGE or REPLACE) and/or sp's schema change on top
** of base; indexes on columns sp drops or casts are removed.  On success
** the files belong to the dataset (e->adds is emptied). */
int evo_commit(evo *e, const lf_manifest *base, int kind, const lf_evolve_spec *sp,
               uint64_t *version);
/* The column named z (top-level, any case) of e->ds, or an error. */
int evo_column(evo *e, const char *z, const lf_field **out);

/* backfill.c */
int evo_backfill(pctx *p, int argc, sqlite3_value **argv, uint64_t *version);

/* evolve.c: lance_add_columns / lance_alter_columns / lance_drop_columns. */
int evo_command(pctx *p, int argc, sqlite3_value **argv, uint64_t *version);

#endif
