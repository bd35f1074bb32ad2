/*
** args.h: the arguments of USING lance(...) (ext/vtab/args.c), read by the
** lance virtual table at CREATE / CONNECT and by the pragma functions and
** commands from a table's CREATE statement.  Plain C (no SQLite calls), so
** the unit tests call it directly.  The rule is in docs/sql.md ("Arguments").
*/
#ifndef LANCE_VTAB_ARGS_H
#define LANCE_VTAB_ARGS_H

#include <stddef.h>
#include <stdint.h>

enum { VTAB_ARGS_OK = 0, VTAB_ARGS_BAD = 1, VTAB_ARGS_NOMEM = 2 };

/* What USING lance(...) says.  Strings are malloc'd (vtab_args_reset). */
typedef struct vtab_args {
  char *path;          /* the dataset directory (a file: URI already made a path) */
  uint64_t version;    /* version=N, 0 when not given */
  char *tag;           /* tag='name', or NULL */
  char *schema;        /* schema='...', or NULL */
  char *storage;       /* data_storage_version: "2.1" or "2.2", or NULL */
  int stable_row_ids;  /* enable_stable_row_ids: 0, 1, or -1 when not given */
  int v2_paths;        /* enable_v2_manifest_paths: 0, 1, or -1 when not given */
  char *options;       /* storage_options='{...}' (JSON, may hold secrets), or NULL */
  char *permutation;   /* permutation='perm.lance': read through it (permute.c), or NULL */
  char *split;         /* split='train' or a split id, or NULL */
} vtab_args;

/* Parse the module arguments az[0..n) as SQLite hands them to xCreate
** (argv[3..]: the text of each argument, trimmed).  The first is the
** dataset, the others key=value options.  On VTAB_ARGS_BAD zErr (nErr
** bytes) holds one sentence without a prefix; *a is reset on any failure. */
int vtab_args_parse(int n, const char *const *az, vtab_args *a, char *zErr, size_t nErr);
void vtab_args_reset(vtab_args *a);

/* The location a dataset argument names (*out malloc'd): a path as is, the
** path of a file: URI, or an s3://, http:// or https:// URI as is; trailing
** slashes dropped.  Other URIs (gs://, ...) are VTAB_ARGS_BAD. */
int vtab_args_path(const char *z, char **out, char *zErr, size_t nErr);

/* The module arguments of a CREATE VIRTUAL TABLE statement as SQLite splits
** them (commas outside quotes, comments and parentheses), each trimmed:
** *az (malloc'd, vtab_args_free_list) holds *n of them when the module is
** lance; *n is -1 (and *az NULL) for any other statement or module. */
int vtab_args_split(const char *zSql, char ***az, int *n);
void vtab_args_free_list(char **az, int n);

#endif
