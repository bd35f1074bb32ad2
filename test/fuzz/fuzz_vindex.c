/*
** fuzz_vindex.c: libFuzzer target for vector index directories (format/index/
** vindex.c, vpart.c): the input is u32 LE n, then n bytes of index.idx, then
** auxiliary.idx.  Opens both as Lance files, reads the models (lance:index,
** IVF and Tensor protos, storage_metadata, lance:hnsw) and loads every
** partition (row ids, codes, HNSW levels) one by one and all at once
** (lf_vindex_load_all), touching every byte handed back.
** Seeds: small indexes LanceDB 0.39 wrote (IVF_FLAT, IVF_PQ, IVF_HNSW_SQ,
** IVF_HNSW_PQ; l2 and dot).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index/vindex.h"

static void touch(const lf_vindex *v, const lf_vpart *p) {
  volatile uint64_t x = 0;
  for (uint64_t i = 0; i < p->n; i++) x ^= p->rowids[i];
  for (uint64_t i = 0; i < p->n * p->code_size; i++) x ^= p->codes[i];
  for (uint32_t l = 0; l < p->nlevels; l++)
    for (uint64_t i = 0; i < p->n; i++) {
      uint32_t r = p->lvl_row[l][i];
      if (r == UINT32_MAX) continue;
      for (uint64_t j = p->nbr_off[r]; j < p->nbr_off[r + 1]; j++) x ^= p->nbr[j] < p->n;
    }
  for (uint64_t i = 0; i < (uint64_t)v->nparts * v->dim; i++) {
    uint32_t bits; /* the bits: any float value, NaN and huge ones included */
    memcpy(&bits, &v->centroids[i], sizeof bits);
    x ^= bits;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4) return 0;
  size_t n = (size_t)data[0] | (size_t)data[1] << 8 | (size_t)data[2] << 16 | (size_t)data[3] << 24;
  if (n > size - 4) return 0;
  lf_store *si = NULL, *sa = NULL;
  lf_file *fi = NULL, *fa = NULL;
  lf_vindex *v = NULL;
  lf_error err = {0};
  if (lf_store_mem_new(data + 4, n, &si, &err) || lf_store_mem_new(data + 4 + n, size - 4 - n, &sa, &err))
    goto done;
  if (lf_file_open(si, "index.idx", &fi, &err)) goto done;
  if (lf_file_open(sa, "auxiliary.idx", &fa, &err)) {
    lf_file_free(fi);
    goto done;
  }
  if (lf_vindex_from_files(fi, fa, &v, &err) == LF_OK) {
    for (uint32_t p = 0; p < v->nparts && p < 64; p++) {
      lf_vpart part;
      if (lf_vindex_load_part(v, p, &part, &err) == LF_OK) touch(v, &part);
      lf_vpart_reset(&part);
    }
    /* every partition from one read of each column (the search's cache) */
    lf_vpart *all = v->nparts <= 4096 ? calloc(v->nparts + 1, sizeof *all) : NULL;
    if (all && lf_vindex_load_all(v, all, &err) == LF_OK) {
      for (uint32_t p = 0; p < v->nparts; p++) touch(v, &all[p]), lf_vpart_reset(&all[p]);
    }
    free(all);
    lf_vindex_free(v);
  }
done:
  lf_store_free(si);
  lf_store_free(sa);
  return 0;
}
