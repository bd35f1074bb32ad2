/*
** fuzz_rowids.c: libFuzzer target for a RowIdSequence (rowids.c): parse at
** most 2^20 row ids, then check that every offset maps to a row id that
** lf_rowids_find maps back to an offset holding the same id.
*/
#include <stdint.h>
#include <stdlib.h>

#include "lf_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lf_rowids r;
  lf_error err = {0};
  if (lf_rowids_parse(data, size, 1 << 20, &r, &err) != LF_OK) return 0;
  for (uint64_t i = 0; i < r.len && i < 4096; i++) {
    uint64_t id = lf_rowids_get(&r, i), off;
    if (!lf_rowids_find(&r, id, &off) || lf_rowids_get(&r, off) != id) abort();
  }
  lf_rowids_reset(&r);
  return 0;
}
