/*
** maint.c: owns the maintenance commands (scalar functions; the first
** argument is a lance table or a dataset path, resolved as the pragma
** functions resolve it; SQLITE_DIRECTONLY):
**   lance_compact(t [, 'target_rows_per_fragment=1048576 materialize_deletions=true
**                      materialize_deletions_threshold=0.1'])
**     format/compact.c; returns {"version":N|null,"fragments_removed":N,
**     "fragments_added":N,"files_removed":N,"files_added":N} (version null:
**     nothing was worth rewriting, no version made)
**   lance_cleanup(t [, 'older_than=7d delete_unverified=false
**                      error_if_tagged_old_versions=true'])
**     format/cleanup.c; older_than: <n>s|m|h|d|w (Lance's default 7 days);
**     returns {"old_versions":N,"bytes_removed":N,"files_removed":N}
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lance_ext.h"
#include "lf_write.h"
#include "opts.h"
#include "pragma.h"

/* One "key=value" of an options string (opts.h), its value copied (cut at 63 bytes). */
typedef struct kv {
  vtab_opt o;
  char val[64];
} kv;

/* The next "key=value" of *z (then past it); 0 at the end. */
static int next_kv(const char **z, kv *a) {
  if (!vtab_opt_next(z, NULL, 0, 0, &a->o)) return 0;
  snprintf(a->val, sizeof a->val, "%.*s", (int)(a->o.vn < 63 ? a->o.vn : 63), a->o.v);
  return 1;
}

static int is_key(const kv *a, const char *name) { return vtab_opt_is(&a->o, name); }

static int bool_val(pctx *p, const kv *o, int *flag) {
  if (!strcmp(o->val, "true")) *flag = 1;
  else if (!strcmp(o->val, "false")) *flag = 0;
  else return pragma_error(p, "bad value '%s' for %.*s (true or false)", o->val, (int)o->o.kn, o->o.k);
  return SQLITE_OK;
}

/* "key=value ..." of lance_compact into o; SQLite rc, p->zErr set. */
static int compact_opts(pctx *p, const char *z, lf_compact_opts *o) {
  o->target_rows = 1024 * 1024;
  o->materialize_deletions = 1;
  o->deletion_threshold = 0.1;
  kv a;
  int rc = SQLITE_OK;
  while (!rc && z && next_kv(&z, &a)) {
    char *end = NULL;
    if (is_key(&a, "target_rows_per_fragment")) {
      long long x = strtoll(a.val, &end, 10);
      if (!a.o.vn || *end || x <= 0 || a.o.vn > 18)
        return pragma_error(p, "bad value '%s' for target_rows_per_fragment (a positive integer)", a.val);
      o->target_rows = (uint64_t)x;
    } else if (is_key(&a, "materialize_deletions")) {
      rc = bool_val(p, &a, &o->materialize_deletions);
    } else if (is_key(&a, "materialize_deletions_threshold")) {
      double x = strtod(a.val, &end);
      if (!a.o.vn || *end || !(x >= 0 && x <= 1))
        return pragma_error(p, "bad value '%s' for materialize_deletions_threshold (0 to 1)", a.val);
      o->deletion_threshold = x;
    } else {
      return pragma_error(p, "unknown option '%.*s' (expected target_rows_per_fragment, "
                          "materialize_deletions or materialize_deletions_threshold)", (int)a.o.kn, a.o.k);
    }
  }
  return rc;
}

static int compact(pctx *p, int argc, sqlite3_value **argv, char **json) {
  lf_compact_opts o;
  lf_compact_stats st;
  int rc = compact_opts(p, argc > 1 ? (const char *)sqlite3_value_text(argv[1]) : NULL, &o);
  if (rc) return rc;
  if (p->version || p->zTag)
    return pragma_error(p, "table '%s' is pinned to a version or tag and is read-only", p->zArg);
  int lrc = lf_compact(p->store, p->zPath, &o, &st, &p->err);
  if (lrc) return pragma_lf_error(p, lrc);
  char v[24] = "null";
  if (st.version) snprintf(v, sizeof v, "%llu", (unsigned long long)st.version);
  *json = sqlite3_mprintf("{\"version\":%s,\"fragments_removed\":%llu,\"fragments_added\":%llu,"
                          "\"files_removed\":%llu,\"files_added\":%llu}", v,
                          (unsigned long long)st.fragments_removed,
                          (unsigned long long)st.fragments_added,
                          (unsigned long long)st.files_removed, (unsigned long long)st.files_added);
  return *json ? SQLITE_OK : SQLITE_NOMEM;
}

/* "key=value ..." of lance_cleanup into o. */
static int cleanup_opts(pctx *p, const char *z, lf_cleanup_opts *o) {
  o->older_than_s = 7 * 86400;
  o->delete_unverified = 0;
  o->error_if_tagged = 1;
  kv a;
  int rc = SQLITE_OK;
  while (!rc && z && next_kv(&z, &a)) {
    if (is_key(&a, "older_than")) {
      char *end = NULL;
      long long x = strtoll(a.val, &end, 10);
      static const char units[] = "smhdw";
      static const long long mult[] = {1, 60, 3600, 86400, 604800};
      const char *u = end && *end && !end[1] ? strchr(units, *end) : NULL;
      if (end == a.val || x < 0 || x > 100000000 || !u)
        return pragma_error(p, "bad value '%s' for older_than (a duration: <n>s, m, h, d or w)", a.val);
      o->older_than_s = x * mult[u - units];
    } else if (is_key(&a, "delete_unverified")) {
      rc = bool_val(p, &a, &o->delete_unverified);
    } else if (is_key(&a, "error_if_tagged_old_versions")) {
      rc = bool_val(p, &a, &o->error_if_tagged);
    } else {
      return pragma_error(p, "unknown option '%.*s' (expected older_than, delete_unverified or "
                          "error_if_tagged_old_versions)", (int)a.o.kn, a.o.k);
    }
  }
  return rc;
}

static int cleanup(pctx *p, int argc, sqlite3_value **argv, char **json) {
  lf_cleanup_opts o;
  lf_cleanup_stats st;
  int rc = cleanup_opts(p, argc > 1 ? (const char *)sqlite3_value_text(argv[1]) : NULL, &o);
  if (rc) return rc;
  int lrc = lf_cleanup(p->store, p->zPath, &o, &st, &p->err);
  if (lrc) return pragma_lf_error(p, lrc);
  *json = sqlite3_mprintf("{\"old_versions\":%llu,\"bytes_removed\":%llu,\"files_removed\":%llu}",
                          (unsigned long long)st.old_versions, (unsigned long long)st.bytes_removed,
                          (unsigned long long)st.files_removed);
  return *json ? SQLITE_OK : SQLITE_NOMEM;
}

static void maint_func(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  pctx p;
  memset(&p, 0, sizeof p);
  p.db = sqlite3_context_db_handle(ctx);
  p.zFunc = (const char *)sqlite3_user_data(ctx);
  p.zArg = (const char *)sqlite3_value_text(argv[0]);
  char *json = NULL;
  int rc = !p.zArg ? pragma_error(&p, "the table must be TEXT (a lance table or a dataset path)")
                   : pragma_resolve(&p);
  if (!rc && argc > 1 && sqlite3_value_type(argv[1]) != SQLITE_TEXT &&
      sqlite3_value_type(argv[1]) != SQLITE_NULL)
    rc = pragma_error(&p, "the options must be TEXT ('key=value ...')");
  if (!rc && !sqlite3_get_autocommit(p.db))
    rc = pragma_error(&p, "cannot run inside a transaction (%s)", !strcmp(p.zFunc, "lance_compact")
                      ? "it commits a version of its own" : "it removes versions the transaction may read");
  if (!rc) rc = !strcmp(p.zFunc, "lance_compact") ? compact(&p, argc, argv, &json)
                                                 : cleanup(&p, argc, argv, &json);
  if (rc == SQLITE_OK) sqlite3_result_text(ctx, json, -1, sqlite3_free);
  else if (rc == SQLITE_NOMEM || !p.zErr) sqlite3_result_error_nomem(ctx);
  else sqlite3_result_error(ctx, p.zErr, -1);
  pragma_reset(&p);
}

int lance_maint_register(sqlite3 *db) {
  int rc = SQLITE_OK;
  static const char *const names[] = {"lance_compact", "lance_cleanup"};
  for (int i = 0; i < 2; i++)
    for (int n = 1; rc == SQLITE_OK && n <= 2; n++)
      rc = sqlite3_create_function(db, names[i], n, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                   (void *)names[i], maint_func, NULL, NULL);
  return rc;
}
