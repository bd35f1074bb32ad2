/*
** fuzz_v1.c: libFuzzer target for legacy (v1) Lance files (format/v1.c): the
** metadata, the file's own manifest (schema, dictionaries), the page table
** and every page kind.  The input is a whole file whose last 8 bytes are
** forced to a 0.2 footer ("\0\0\2\0LANC"), so mutations stay on the v1 path.
** Every field is read whole, then taken at rows drawn from the input's first
** bytes, then viewed in place page by page (every viewed byte is read, so
** ASan sees a view that strays outside the file).
** Seeds (corpus/fuzz_v1/): data files LanceDB 0.39 wrote with storage
** "legacy" from test/interop/gen.mjs (GEN_ROWS=40: one batch;
** legacy_structs with GEN_ROWS=1030: two batches).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf.h"

#define MAX_ROWS 200000 /* bound the work of a single input */

static void take_some(lf_file *f, int i, uint64_t n, const uint8_t *data, size_t size) {
  uint64_t rows[8];
  size_t k = 0;
  for (size_t j = 0; j < 8 && j < size; j++) rows[k++] = data[j] * n / 256;
  for (size_t a = 1; a < k; a++) /* ascending, as lf_file_take wants */
    for (size_t b = a; b > 0 && rows[b] < rows[b - 1]; b--) {
      uint64_t t = rows[b];
      rows[b] = rows[b - 1], rows[b - 1] = t;
    }
  lf_array a;
  lf_error err = {0};
  lf_array_init(&a, lf_file_schema(f)->fields[i]);
  lf_file_take(f, i, rows, k, &a, &err);
  lf_array_reset(&a);
}

static void read_all(lf_file *f, const uint8_t *data, size_t size) {
  const lf_schema *sc = lf_file_schema(f);
  uint64_t n = lf_file_num_rows(f);
  if (n > MAX_ROWS) n = MAX_ROWS;
  for (int i = 0; i < sc->n_fields; i++) {
    lf_array a;
    lf_error err = {0};
    lf_array_init(&a, sc->fields[i]);
    int rc = lf_file_read_range(f, i, 0, n, &a, &err);
    lf_array_reset(&a);
    if (rc == LF_OK && n) take_some(f, i, n, data, size);
    for (uint64_t r = 0, m = 0, w = 0; r < n; r += m) { /* views, batch by batch */
      const uint8_t *p = NULL;
      if (lf_file_view(f, i, r, n, &p, &w, &m, &err) != LF_OK) break;
      volatile uint8_t x = 0;
      for (uint64_t b = 0; b < m * w; b++) x ^= p[b];
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const uint8_t footer[8] = {0, 0, 2, 0, 'L', 'A', 'N', 'C'};
  if (size < 16) return 0;
  uint8_t *copy = malloc(size);
  if (!copy) return 0;
  memcpy(copy, data, size);
  memcpy(copy + size - 8, footer, 8);
  lf_store *s = NULL;
  lf_file *f = NULL;
  lf_error err = {0};
  if (lf_store_mem_new(copy, size, &s, &err) == LF_OK &&
      lf_file_open(s, "fuzz.lance", &f, &err) == LF_OK) {
    read_all(f, data, size);
    lf_file_free(f);
  }
  lf_store_free(s);
  free(copy);
  return 0;
}
