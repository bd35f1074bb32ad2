/*
** commands.c: owns the write commands on tags and versions (scalar
** functions; the first argument is a lance table name or a dataset path,
** resolved as the pragma functions resolve it):
**   lance_tag_create(t, name [, version])  tag the version (default: the
**                                           latest); returns the version
**   lance_tag_update(t, name, version)     move the tag; returns the version
**   lance_tag_delete(t, name)              returns the version it pointed to
**   lance_restore(t, version | tag)        publish that version's data as a
**                                           new version; returns the new one
**   lance_create_index, lance_drop_index, lance_optimize_indices: index_cmd.c
**   lance_merge_insert: merge.c;  lance_compact, lance_cleanup: maint.c
**   lance_add_columns, lance_alter_columns, lance_drop_columns: evolve.c;
**   lance_backfill: backfill.c
**   lance_take_columns (batch takes for loaders, a table-valued function): take_batch.c
** They write files, so they are SQLITE_DIRECTONLY (no views, no triggers).
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <stdlib.h>
#include <string.h>

#include "lance_ext.h"
#include "lf_write.h"
#include "pragma.h"
#include "vtab/evolve.h"

/* A version argument: a positive integer, or (tags allowed) a tag name. */
static int version_arg(pctx *p, sqlite3_value *v, int tags_ok, uint64_t *out) {
  if (sqlite3_value_type(v) == SQLITE_INTEGER && sqlite3_value_int64(v) > 0) {
    *out = (uint64_t)sqlite3_value_int64(v);
    for (size_t i = 0; i < p->nVer; i++)
      if (p->aVer[i] == *out) return SQLITE_OK;
    return pragma_error(p, "version %llu not found (latest is %llu)", (unsigned long long)*out,
                        (unsigned long long)p->aVer[p->nVer - 1]);
  }
  if (tags_ok && sqlite3_value_type(v) == SQLITE_TEXT) {
    lf_tag t = {0};
    int lrc = lf_tag_read(p->store, p->zPath, (const char *)sqlite3_value_text(v), &t, &p->err);
    *out = t.version;
    lf_tag_reset(&t);
    return lrc ? pragma_lf_error(p, lrc) : SQLITE_OK;
  }
  return pragma_error(p, "the version must be a positive integer%s", tags_ok ? " or a tag name" : "");
}

static const char *text_arg(sqlite3_value *v) {
  return sqlite3_value_type(v) == SQLITE_TEXT ? (const char *)sqlite3_value_text(v) : NULL;
}

static int run_command(sqlite3_context *ctx, pctx *p, int argc, sqlite3_value **argv,
                       sqlite3_int64 *result) {
  const char *f = p->zFunc, *name = argc > 1 ? text_arg(argv[1]) : NULL;
  uint64_t v = p->aVer[p->nVer - 1];
  int rc = SQLITE_OK, lrc = LF_OK;
  (void)ctx;
  if (!strcmp(f, "lance_create_index") || !strcmp(f, "lance_drop_index") ||
      !strcmp(f, "lance_optimize_indices")) {
    rc = pragma_index_command(p, argc, argv, &v);
    *result = (sqlite3_int64)v;
    return rc;
  }
  if (!strcmp(f, "lance_add_columns") || !strcmp(f, "lance_alter_columns") ||
      !strcmp(f, "lance_drop_columns") || !strcmp(f, "lance_backfill")) {
    rc = evo_command(p, argc, argv, &v);
    *result = (sqlite3_int64)v;
    return rc;
  }
  if (strcmp(f, "lance_restore") && !name) return pragma_error(p, "the tag name must be TEXT");
  if (!strcmp(f, "lance_tag_create")) {
    if (argc > 2 && (rc = version_arg(p, argv[2], 0, &v))) return rc;
    lrc = lf_tag_create(p->store, p->zPath, name, v, &p->err);
  } else if (!strcmp(f, "lance_tag_update")) {
    if ((rc = version_arg(p, argv[2], 0, &v))) return rc;
    lrc = lf_tag_update(p->store, p->zPath, name, v, &p->err);
  } else if (!strcmp(f, "lance_tag_delete")) {
    lf_tag t = {0};
    lrc = lf_tag_read(p->store, p->zPath, name, &t, &p->err);
    v = t.version;
    lf_tag_reset(&t);
    if (!lrc) lrc = lf_tag_delete(p->store, p->zPath, name, &p->err);
  } else {
    if ((rc = version_arg(p, argv[1], 1, &v))) return rc;
    lf_manifest m = {0};
    lrc = lf_dataset_read_manifest(p->store, p->zPath, 0, &m, &p->err);
    lf_commit_req req = {0};
    req.kind = LF_COMMIT_RESTORE;
    req.restore_version = v;
    if (!lrc) lrc = lf_commit(p->store, p->zPath, &m, &req, &v, &p->err);
    lf_manifest_reset(&m);
  }
  if (lrc) return pragma_lf_error(p, lrc);
  *result = (sqlite3_int64)v;
  return SQLITE_OK;
}

static void command_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  pctx p;
  memset(&p, 0, sizeof p);
  p.db = sqlite3_context_db_handle(ctx);
  p.zFunc = (const char *)sqlite3_user_data(ctx);
  sqlite3_int64 result = 0;
  int rc;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    rc = pragma_error(&p, "the first argument is NULL, not a lance table name or dataset path");
  } else {
    p.zArg = (const char *)sqlite3_value_text(argv[0]);
    rc = p.zArg ? pragma_resolve(&p) : SQLITE_NOMEM;
    if (rc == SQLITE_OK) rc = run_command(ctx, &p, argc, argv, &result);
  }
  if (rc == SQLITE_OK) sqlite3_result_int64(ctx, result);
  else if (rc == SQLITE_INTERRUPT) sqlite3_result_error_code(ctx, SQLITE_INTERRUPT);
  else if (rc == SQLITE_NOMEM || !p.zErr) sqlite3_result_error_nomem(ctx);
  else sqlite3_result_error(ctx, p.zErr, -1);
  pragma_reset(&p);
}

int lance_commands_register(sqlite3 *db) {
  static const struct { const char *name; int nargs[2]; } fns[] = {
    {"lance_tag_create", {2, 3}}, {"lance_tag_update", {3, 3}},
    {"lance_tag_delete", {2, 2}}, {"lance_restore", {2, 2}},
    {"lance_create_index", {3, 4}}, {"lance_drop_index", {2, 2}},
    {"lance_optimize_indices", {1, 1}},
    {"lance_add_columns", {2, 3}}, {"lance_alter_columns", {2, 2}},
    {"lance_drop_columns", {2, 2}}, {"lance_backfill", {3, 4}},
  };
  int rc = evo_register(db);
  for (size_t i = 0; rc == SQLITE_OK && i < sizeof fns / sizeof fns[0]; i++)
    for (int n = fns[i].nargs[0]; rc == SQLITE_OK && n <= fns[i].nargs[1]; n++)
      rc = sqlite3_create_function(db, fns[i].name, n, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                   (void *)fns[i].name, command_func, NULL, NULL);
  if (rc == SQLITE_OK) rc = lance_merge_register(db);
  if (rc == SQLITE_OK) rc = lance_maint_register(db);
  /* trainbatch: lance_take_columns (take_batch.c) */
  if (rc == SQLITE_OK) rc = lance_take_batch_register(db);
  return rc;
}
