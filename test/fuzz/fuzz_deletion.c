/*
** fuzz_deletion.c: libFuzzer target for deletion files (deletion.c): the
** first input byte picks the kind (even: Arrow IPC .arrow, odd: Roaring
** .bin), the rest is the file.  A fragment of 2^20 rows bounds the output.
** What parses is written again (deletion_write.c) and must read back the same.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint32_t *rows = NULL;
  size_t n = 0;
  lf_error err = {0};
  if (size < 1) return 0;
  int type = data[0] & 1 ? LF_DEL_BITMAP : LF_DEL_ARROW;
  if (lf_deletion_parse(data + 1, size - 1, type, 1 << 20, "fuzz", &rows, &n, &err) == LF_OK) {
    for (size_t i = 1; i < n; i++)
      if (rows[i] <= rows[i - 1]) abort(); /* the contract: ascending, distinct */
    lf_buf b = {0};
    uint32_t *again = NULL;
    size_t n2 = 0;
    if (n && lf_deletion_encode(rows, n, type, &b) == LF_OK &&
        (lf_deletion_parse(b.p, b.len, type, 1 << 20, "again", &again, &n2, &err) != LF_OK ||
         n2 != n || memcmp(again, rows, n * sizeof *rows)))
      abort(); /* the writer's output must read back */
    free(again);
    lf_buf_reset(&b);
    free(rows);
  }
  return 0;
}
