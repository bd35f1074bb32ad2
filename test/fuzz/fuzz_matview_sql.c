/*
** fuzz_matview_sql.c: libFuzzer target for a materialized view's SQL
** (ext/vtab/matview_sql.c), which lance_refresh reads back from the view's
** manifest config, so from bytes a user may have been handed.  A success
** must give columns and a table, a refusal one non-empty message and
** nothing allocated.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vtab/matview.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *z = malloc(size + 1), msg[256] = "";
  if (!z) return 0;
  memcpy(z, data, size);
  z[size] = 0;
  view_sql v;
  int rc = view_sql_parse(z, &v, msg, sizeof msg);
  if (rc == VIEW_SQL_OK && (!v.cols || !v.table)) abort();
  if (rc == VIEW_SQL_BAD && (!msg[0] || v.cols || v.table || v.where)) abort();
  view_sql_reset(&v);
  free(z);
  return 0;
}
