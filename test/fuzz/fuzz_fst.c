/*
** fuzz_fst.c: libFuzzer target for the token FST of FTS indexes
** (format/index/fst.c): the input is an FST.  What opens is walked in order
** (at most 4096 keys) and every key walked must be found by a lookup, with
** the same value; a prefix walk on the first key's first byte must succeed
** or fail cleanly.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index/fts_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lf_fst f;
  lf_fst_iter *it = NULL;
  lf_error err = {0};
  if (lf_fst_init(&f, data, size, &err) != LF_OK) return 0;
  uint8_t first = 0;
  if (lf_fst_iter_new(&f, NULL, 0, &it, &err) == LF_OK) {
    const uint8_t *k;
    size_t kl;
    uint64_t v, v2;
    int got, found;
    for (int n = 0; n < 4096 && lf_fst_iter_next(it, &got, &k, &kl, &v, &err) == LF_OK && got; n++) {
      if (n == 0 && kl) first = k[0];
      if (lf_fst_get(&f, k, kl, &found, &v2, &err) != LF_OK || !found || v2 != v)
        abort(); /* a key the walk yields must be found, with its value */
    }
    lf_fst_iter_free(it);
  }
  if (lf_fst_iter_new(&f, &first, 1, &it, &err) == LF_OK) {
    const uint8_t *k;
    size_t kl;
    uint64_t v;
    int got;
    for (int n = 0; n < 4096 && lf_fst_iter_next(it, &got, &k, &kl, &v, &err) == LF_OK && got; n++)
      if (!kl || k[0] != first) abort(); /* prefix walks stay under the prefix */
    lf_fst_iter_free(it);
  }
  return 0;
}
