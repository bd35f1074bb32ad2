/*
** fuzz_file.c: libFuzzer target for a whole Lance data file: footer, column
** metadata, schema, page layouts and every decoder, through the public API
** (open, read all rows of every field, then take a few rows, and view them
** in place where the pages allow: every viewed byte is read, so ASan sees a
** view that strays outside the file).
*/
#include <stdint.h>
#include <stdlib.h>

#include "lf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lf_store *s = NULL;
  lf_file *f = NULL;
  lf_error err = {0};
  if (lf_store_mem_new(data, size, &s, &err)) return 0;
  if (lf_file_open(s, "fuzz.lance", &f, &err) == LF_OK) {
    const lf_schema *sc = lf_file_schema(f);
    uint64_t n = lf_file_num_rows(f);
    if (n > 1000000) n = 1000000; /* bound the work of a single input */
    for (int i = 0; i < sc->n_fields; i++) {
      lf_array a;
      lf_array_init(&a, sc->fields[i]);
      if (lf_file_read_range(f, i, 0, n, &a, &err) == LF_OK && n > 2) {
        uint64_t rows[3] = {0, n / 2, n - 1};
        lf_file_take(f, i, rows, 3, &a, &err);
      }
      lf_array_reset(&a);
      for (uint64_t r = 0, m = 0, w = 0; r < n; r += m) { /* views, page by page */
        const uint8_t *p = NULL;
        if (lf_file_view(f, i, r, n, &p, &w, &m, &err) != LF_OK) break;
        volatile uint8_t x = 0;
        for (uint64_t b = 0; b < m * w; b++) x ^= p[b];
      }
    }
    lf_file_free(f);
  }
  lf_store_free(s);
  return 0;
}
