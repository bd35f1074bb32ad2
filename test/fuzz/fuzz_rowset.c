/*
** fuzz_rowset.c: libFuzzer target for Lance's serialized row-address tree map
** (format/index/rowset.c, the bitmaps of BITMAP and LABEL_LIST indexes): the
** input is the bytes; parsed into a set, intersected and united with a second
** parse of the input's second half, read back as an array when small.  Seeds:
** bitmaps LanceDB 0.39 wrote (one and two fragments, runs), a whole-fragment
** entry.
*/
#include <stdint.h>
#include <stdlib.h>

#include "index/scalar.h"

static void touch(const lf_rowset *s) {
  if (lf_rowset_count(s) >= (1u << 24)) return; /* whole fragments: 2^32 each */
  uint64_t *a = NULL;
  size_t n = 0;
  volatile uint64_t t = 0;
  if (lf_rowset_array(s, &a, &n) == LF_OK)
    for (size_t i = 0; i < n; i++) t ^= a[i] ^ (uint64_t)lf_rowset_contains(s, a[i]);
  free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lf_rowset *a = lf_rowset_new(), *b = lf_rowset_new();
  lf_error err;
  if (a && b && lf_rowset_add_treemap(a, data, size, &err) == LF_OK) {
    touch(a);
    if (lf_rowset_add_treemap(b, data + size / 2, size - size / 2, &err) == LF_OK) {
      lf_rowset_or(b, a);
      lf_rowset_and(a, b);
      touch(a);
      touch(b);
    }
  }
  lf_rowset_free(a);
  lf_rowset_free(b);
  return 0;
}
