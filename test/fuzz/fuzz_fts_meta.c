/*
** fuzz_fts_meta.c: libFuzzer target for FTS index metadata
** (format/index/fts_meta.c): input byte 0 picks the parser: 0 the params
** JSON, 1 the partitions JSON, 2 the format keys (the rest as lines
** "key=value").  Parsed params must hold their strings.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index/fts_int.h"

static void layout(const uint8_t *d, size_t n) {
  lf_kv kv[16] = {{0}};
  int nkv = 0;
  for (size_t i = 0; i < n && nkv < 16;) {
    const uint8_t *e = memchr(d + i, '\n', n - i), *eq;
    size_t len = e ? (size_t)(e - (d + i)) : n - i;
    if ((eq = memchr(d + i, '=', len))) {
      size_t kl = (size_t)(eq - (d + i));
      kv[nkv].key = lf_strndup((const char *)d + i, kl);
      kv[nkv].val = (uint8_t *)eq + 1;
      kv[nkv].len = len - kl - 1;
      if (kv[nkv].key) nkv++;
    }
    i += len + 1;
  }
  lf_fts_layout l;
  lf_error err;
  lf_fts_layout_from_meta(kv, nkv, &l, &err);
  for (int i = 0; i < nkv; i++) free(kv[i].key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lf_error err;
  if (size < 1) return 0;
  if (data[0] % 3 == 0) {
    lf_fts_params p;
    if (lf_fts_params_parse(data + 1, size - 1, &p, &err) == LF_OK) {
      if (!p.base_tokenizer || !p.language) abort();
      for (size_t i = 0; i < p.n_custom_stop_words; i++)
        if (!p.custom_stop_words[i]) abort();
      lf_fts_params_reset(&p);
    }
  } else if (data[0] % 3 == 1) {
    uint64_t *ids = NULL;
    size_t n;
    if (lf_fts_partitions_parse(data + 1, size - 1, &ids, &n, &err) == LF_OK) free(ids);
  } else {
    layout(data + 1, size - 1);
  }
  return 0;
}
