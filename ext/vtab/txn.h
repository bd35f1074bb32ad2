/*
** txn.h: the state of one write transaction on a `lance` table, shared by
** write.c (xUpdate, COMMIT) and txn.c (what the transaction sees, savepoints).
**
** Every row the transaction writes gets a sequence number `seq` (0, 1, ...
** in the order written).  Rows live in new fragments: closed ones (frags[],
** data files finished) and the open one (rows in the writer w, then rows
** still in the builders cols[]).  Its rows are seq open_seq ... nseq - 1.
**
** Inside the transaction a written row's rowid is
**   without stable row ids: its address in the transaction's view,
**     (first_fid + k) << 32 | offset, k the fragment's index (the open one
**     is k = nfrags);
**   with stable row ids: base_next + seq for a new row, or the id it kept
**     (UPDATE keeps a row's id; ids at base_next or above are fresh at COMMIT).
**
** What changed is undone in reverse by the undo log (savepoints, a failed
** statement); rows written after a savepoint that is rolled back to are
** marked dead (their data stays in the file until COMMIT rewrites it).
*/
#ifndef LANCE_VTAB_TXN_H
#define LANCE_VTAB_TXN_H

#include "lf_write.h"
#include "vtab.h"

#define TXN_SPILL_ROWS 8192
#define TXN_FILE_ROWS (1024 * 1024)   /* LanceDB's default max_rows_per_file */
#define TXN_GONE UINT64_MAX           /* map value: the base row is deleted */
#define TXN_ABSENT (UINT64_MAX - 1)   /* map value: no entry (an undone one) */

typedef struct txn_dels {            /* rows deleted in one base fragment */
  uint32_t *off;                     /* in the order deleted (undo pops the last) */
  size_t n, cap;
} txn_dels;

typedef struct txn_frag {            /* a closed new fragment */
  lf_data_file df;
  uint64_t rows, first_seq;
  uint64_t *ids;                     /* stable row ids: the rows' ids, or NULL when
                                     ** every one is base_next + seq */
} txn_frag;

enum { TXN_U_BASE_DEL, TXN_U_DEAD, TXN_U_MAP };
typedef struct txn_undo {            /* one change, as undone */
  int kind;                          /* BASE_DEL: a = base fragment index (pop its last);
                                     ** DEAD: a = seq (clear);  MAP: a = id, b = old value */
  uint64_t a, b;
} txn_undo;

typedef struct txn_savepoint {
  int level;
  size_t nlog;
  uint64_t nseq;
} txn_savepoint;

struct vtab_txn {
  lf_dataset *base;                  /* the version read and written to (a reference) */
  const lf_schema *schema;
  int major, minor;                  /* file version of new data files */
  int stable;                        /* stable row ids */
  uint64_t first_fid, base_next;     /* first new fragment id; base's next_row_id */
  lf_array *cols;                    /* rows not yet in a file, one builder per field */
  uint64_t nrows;
  lf_writer *w;                      /* the open fragment's data file */
  char wname[64];
  uint64_t wrows;
  uint64_t *oids;                    /* stable: ids of the open fragment's rows */
  size_t cap_oids;
  uint64_t nseq, open_seq;
  txn_frag *frags;
  int nfrags;
  txn_dels *bdel;                    /* per base fragment */
  int nbase;
  uint8_t *dead;                     /* bit per seq: deleted or rolled back */
  size_t cap_dead;                   /* bytes */
  uint64_t *mkeys, *mvals;           /* row id map: key id + 1 (0 empty) -> TXN_GONE,
                                     ** the seq the row moved to, or TXN_ABSENT */
  size_t mcap, mn;
  txn_undo *log;
  size_t nlog, cap_log;
  txn_savepoint *sp;
  int nsp, cap_sp;
  lf_dataset *view;                  /* what the statements see, NULL when stale */
  int published;                     /* the version is out: its files must stay */
  char *broken;                      /* why the transaction cannot go on, or NULL */
  struct vtab_upd *upd;              /* a column-only UPDATE (update_cols.c), or NULL */
  uint64_t upd_filters;              /* vt->ust.filters when it started */
};

/* Where a row of the transaction's view is. */
typedef struct txn_loc {
  int in_txn;                        /* 1: a row written by the transaction (seq) */
  int fi;                            /* else: base fragment index and offset */
  uint64_t off, seq;
} txn_loc;

/* txn.c */
void txn_stale(vtab_txn *t);       /* the view must be made again */
/* Base fragment deletions, sorted, as view entries (*dels, *offs malloc'd). */
int txn_sorted_dels(vtab_txn *t, lf_view_del **dels, int *n, uint32_t **offs);
/* Dead offsets of closed fragment k into out (room for its rows); their count. */
size_t txn_frag_dead(const vtab_txn *t, int k, uint32_t *out);
int txn_is_dead(const vtab_txn *t, uint64_t seq);
/* Find the live row with rowid id: 1 found, 0 not, < 0 an SQLite error (rc = -rc). */
int txn_locate(lvtab *vt, uint64_t id, txn_loc *loc);
/* Record changes (with their undo entries); SQLITE_OK or SQLITE_NOMEM. */
int txn_del_base(vtab_txn *t, int fi, uint64_t off, uint64_t id);
int txn_mark_dead(vtab_txn *t, uint64_t seq, int logged);
int txn_map_set(vtab_txn *t, uint64_t id, uint64_t val);
/* Undo back to (nlog, nseq): log entries popped, rows from nseq on dead. */
int txn_undo_to(lvtab *vt, size_t nlog, uint64_t nseq);
/* lf status codes.  The data file of the open fragment, closed into frags[] (nothing if none). */
int txn_close_file(lvtab *vt, lf_error *e);
/* Builders -> open data file. */
int txn_spill(lvtab *vt, lf_error *e);
/* Remove a data file this transaction wrote. */
void txn_drop_file(lvtab *vt, const lf_data_file *df);
void txn_free_state(lf_store *st, const char *root, vtab_txn *t, int drop_files);

/* update_cols.c: the column-only UPDATE path (its comment gives the rule). */
/* At an UPDATE's xUpdate: 1 take the column path, 0 the row path, < 0 -rc. */
int vtab_upd_decide(lvtab *vt);
/* Record the new values of the changed columns of row id (cols: the row). */
int vtab_upd_record(lvtab *vt, sqlite3_value **cols, uint64_t id);
/* xSync: write the column files and commit them. */
int vtab_upd_sync(lvtab *vt);
/* Free t->upd; drop_files: also the column files written. */
void vtab_upd_free(lf_store *st, const char *root, vtab_txn *t, int drop_files);

#endif
