/*
** fuzz_scalar.c: libFuzzer target for scalar index files (format/index/scalar.c,
** rowset.c): the input is u8 kind (0 BTREE, 1 BITMAP, 2 LABEL_LIST), u32 LE n, n
** bytes of the first file (page_lookup.lance or bitmap_page_lookup.lance), then
** the rest: page_data.lance (BTREE).  Opens the index and runs one search of each
** shape it answers (=, <, >=, IN, IS NULL on numbers and text; has any / all),
** touching every row id handed back.  Seeds: the indexes LanceDB 0.39 wrote into
** test/unit/data/scalar.lance (BTREE on int32, int64, float64; BITMAP on utf8,
** bool, int32; LABEL_LIST on list<utf8>).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index/scalar.h"

static void run(lf_sidx *x, const lf_squery *q) {
  lf_rowset *r = lf_rowset_new();
  lf_error err;
  if (r && lf_sidx_search(x, q, r, NULL, &err) == LF_OK && lf_rowset_count(r) < (1u << 24)) {
    uint64_t *a = NULL;
    size_t n = 0;
    volatile uint64_t t = 0;
    if (lf_rowset_array(r, &a, &n) == LF_OK)
      for (size_t i = 0; i < n; i++) t ^= a[i];
    free(a);
  }
  lf_rowset_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 5) return 0;
  int kind = data[0] % 3 + 1;
  size_t n = (size_t)data[1] | (size_t)data[2] << 8 | (size_t)data[3] << 16 | (size_t)data[4] << 24;
  if (n > size - 5) return 0;
  lf_store *sa = NULL, *sb = NULL;
  lf_file *fa = NULL, *fb = NULL;
  lf_sidx *x = NULL;
  lf_error err = {0};
  if (lf_store_mem_new(data + 5, n, &sa, &err) || lf_store_mem_new(data + 5 + n, size - 5 - n, &sb, &err))
    goto done;
  if (lf_file_open(sa, "a.lance", &fa, &err)) goto done;
  if (kind == LF_SIDX_BTREE && lf_file_open(sb, "b.lance", &fb, &err)) {
    lf_file_free(fa);
    goto done;
  }
  if (lf_sidx_from_files(kind, fa, fb, &x, &err) == LF_OK) {
    lf_svalue v[] = {{.type = LF_SV_INT, .i = 7}, {.type = LF_SV_FLOAT, .d = -0.5},
                     {.type = LF_SV_TEXT, .z = (const uint8_t *)"t1", .n = 2},
                     {.type = LF_SV_TEXT, .z = (const uint8_t *)"caf\xc3\xa9", .n = 5}};
    lf_squery qs[] = {{.op = LF_SQ_EQ, .v = v[0]}, {.op = LF_SQ_LT, .v = v[1]}, {.op = LF_SQ_GE, .v = v[2]},
                      {.op = LF_SQ_IN, .vals = v, .nvals = 4}, {.op = LF_SQ_ISNULL},
                      {.op = LF_SQ_HAS_ANY, .vals = v + 2, .nvals = 2},
                      {.op = LF_SQ_HAS_ALL, .vals = v + 2, .nvals = 2}};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) run(x, &qs[i]);
    volatile uint64_t t = lf_sidx_num_keys(x) ^ lf_sidx_num_rows(x);
    (void)t;
    lf_sidx_free(x);
  }
done:
  lf_store_free(sa);
  lf_store_free(sb);
  return 0;
}
