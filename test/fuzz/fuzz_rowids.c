/*
** fuzz_rowids.c: libFuzzer target for a RowIdSequence (rowids.c): parse at
** most 2^20 row ids, put them in a row id map (rowid_map.c) with every
** offset divisible by 3 deleted, then check that every live offset maps to
** a row id that the map maps back to that offset, and that no deleted
** offset is found.  When the map refuses the sequence (an id live twice),
** the two offsets it blames must both be live and hold that id.  The same
** bytes are also read as a RowDatasetVersionSequence of 1..4096 rows
** (lf_version_seq_parse), whose runs must then cover exactly those rows.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf_int.h"

/* Parsed twice over different fillings: on success every row was written
** (both agree); the two calls agree on success or failure. */
static void versions(const uint8_t *data, size_t size) {
  uint64_t rows = size ? 1 + data[0] % 64 * 64 : 1;
  uint64_t *v = malloc(rows * sizeof *v), *w = malloc(rows * sizeof *w);
  lf_error err = {0};
  if (v && w) {
    memset(v, 0, rows * sizeof *v);
    memset(w, 0xff, rows * sizeof *w);
    int a = lf_version_seq_parse(data, size, rows, v, &err);
    int b = lf_version_seq_parse(data, size, rows, w, &err);
    if (a != b || (a == LF_OK && memcmp(v, w, rows * sizeof *v))) abort();
  }
  free(v);
  free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lf_rowids r;
  lf_error err = {0};
  versions(data, size);
  if (lf_rowids_parse(data, size, 1 << 20, &r, &err) != LF_OK) return 0;
  uint64_t n = r.len < 4096 ? r.len : 4096;
  uint32_t *del = malloc((size_t)(r.len / 3 + 1) * sizeof *del);
  size_t ndel = 0;
  for (uint64_t i = 0; del && i < r.len; i += 3) del[ndel++] = (uint32_t)i;
  lf_rowid_map m = {0};
  size_t bad;
  int rc = del ? lf_rowid_map_add(&m, 0, &r, del, ndel, &err) : LF_NOMEM;
  if (rc == LF_OK && (rc = lf_rowid_map_finish(&m, &bad)) == LF_CORRUPT) {
    const lf_rowid_run *a = &m.runs[bad - 1], *b = &m.runs[bad];
    uint64_t oa = a->off + (b->id - a->id), ob = b->off;
    if (oa == ob || oa % 3 == 0 || ob % 3 == 0 || lf_rowids_get(&r, oa) != b->id ||
        lf_rowids_get(&r, ob) != b->id)
      abort();
  } else if (rc == LF_OK) {
    for (uint64_t i = 0; i < n; i++) {
      uint64_t id = lf_rowids_get(&r, i), off = 0;
      int frag = -1, found = lf_rowid_map_find(&m, id, &frag, &off);
      if (i % 3 && (!found || frag != 0 || off != i)) abort();
      if (i % 3 == 0 && found && off == i) abort();
    }
  }
  lf_rowid_map_reset(&m);
  free(del);
  lf_rowids_reset(&r);
  return 0;
}
