/*
** lance.c: the extension's entry point.  Registers every module and function
** of sqlite-lance and nothing else; the code lives in ext/<module>/.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "lance_ext.h"
#include "vtab/vtab.h"
#include "vec/vec.h"
#include "fts/fts_sql.h"
#include "simd/simd.h"

#ifdef _WIN32
__declspec(dllexport)
#endif
__attribute__((visibility("default"))) int
sqlite3_lance_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
  SQLITE_EXTENSION_INIT2(pApi);
  char simd_err[256];
  if (simd_env_check(simd_err, sizeof simd_err)) { /* a LANCE_SIMD we cannot honour */
    if (pzErrMsg) *pzErrMsg = sqlite3_mprintf("lance: %s", simd_err);
    return SQLITE_ERROR;
  }
  int rc = lance_info_register(db);
  if (rc == SQLITE_OK) rc = vec_register(db);
  if (rc == SQLITE_OK) rc = vtab_register(db);
  if (rc == SQLITE_OK) rc = vtab_search_func_register(db);
  if (rc == SQLITE_OK) rc = fts_highlight_register(db);
  if (rc == SQLITE_OK) rc = lance_pragma_register(db);
  if (rc == SQLITE_OK) rc = lance_commands_register(db);
  if (rc == SQLITE_OK) rc = lance_train_register(db);
  (void)pzErrMsg;
  return rc;
}
