/*
** fuzz_manifest.c: libFuzzer target for a manifest file (_versions/N.manifest):
** footer, sections, Manifest / DataFragment / DataFile / DeletionFile /
** Transaction protobufs (with the fragment ids an operation changed) and
** the schema, read through a memory store; then
** every fragment's inline row id sequence, and the same bytes as a tag's
** JSON object (tags.c).
*/
#include <stdint.h>
#include <stdlib.h>

#include "lf_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lf_store *s = NULL;
  lf_error err = {0};
  lf_manifest m;
  lf_tag t;
  if (lf_store_mem_new(data, size, &s, &err)) return 0;
  if (lf_manifest_read(s, "fuzz.manifest", &m, &err) == LF_OK) {
    uint64_t ids = 0;
    for (size_t i = 0; i < m.txn.n_frag_ids; i++) ids ^= m.txn.frag_ids[i];
    if (ids == 0x5eed5eed5eed5eedull) m.txn.present = 2; /* keeps the reads */
    for (int i = 0; i < m.n_fragments; i++) {
      const lf_fragment *fr = &m.fragments[i];
      lf_rowids r;
      if (fr->row_ids.data &&
          lf_rowids_parse(fr->row_ids.data, fr->row_ids.len, fr->physical_rows, &r, &err) == LF_OK) {
        if (r.len) (void)lf_rowids_get(&r, r.len - 1);
        lf_rowids_reset(&r);
      }
    }
    lf_index_meta *ix = NULL; /* the IndexSection parser (format/indices.c) */
    int nix = 0;
    if (lf_manifest_indices(&m, &ix, &nix, &err) == LF_OK) lf_indices_free(ix, nix);
    lf_manifest_reset(&m);
  }
  if (lf_tag_parse(data, size, "fuzz.json", &t, &err) == LF_OK) lf_tag_reset(&t);
  lf_store_free(s);
  return 0;
}
