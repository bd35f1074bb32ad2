/*
** fuzz_args.c: libFuzzer target for the USING lance(...) arguments
** (ext/vtab/args.c), which the pragma functions read from CREATE VIRTUAL
** TABLE statements stored in a database file, so from bytes a user may have
** been handed: the input as a statement (vtab_args_split, then
** vtab_args_parse of what it finds), as a list of arguments separated by
** newlines (vtab_args_parse) and as a dataset argument (vtab_args_path).
** Failures must leave one non-empty message and nothing allocated.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vtab/args.h"

static void parse(int n, const char *const *az) {
  vtab_args a;
  char msg[256] = "";
  int rc = vtab_args_parse(n, az, &a, msg, sizeof msg);
  if (rc == VTAB_ARGS_BAD && !msg[0]) abort();
  if (rc == VTAB_ARGS_OK && (!a.path || !a.path[0])) abort();
  if (rc == VTAB_ARGS_OK) vtab_args_reset(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *z = malloc(size + 1), **az = NULL, *path = NULL, msg[256] = "";
  if (!z) return 0;
  memcpy(z, data, size);
  z[size] = 0;
  int n;
  if (vtab_args_split(z, &az, &n) == VTAB_ARGS_OK && n >= 0) parse(n, (const char *const *)az);
  vtab_args_free_list(az, n > 0 ? n : 0);
  int rc = vtab_args_path(z, &path, msg, sizeof msg);
  if (rc == VTAB_ARGS_BAD && (!msg[0] || path)) abort();
  free(path);
  const char *lines[16];
  n = 0;
  for (char *p = z; n < 16 && p;) { /* the input as arguments, one per line */
    lines[n++] = p;
    if ((p = strchr(p, '\n'))) *p++ = 0;
  }
  parse(n, lines);
  free(z);
  return 0;
}
