/*
** fuzz_fts_query.c: libFuzzer target for the full-text query parser
** (ext/fts/query.c): arbitrary text, plain or JSON, never crashes, and a parsed
** tree is complete (every match/phrase node has a column and terms); the same
** bytes as tokenizer options (ext/fts/tok_options.c) parse or fail cleanly.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fts/fts_sql.h"

static void check(const fts_query *q) {
  if (!q) return;
  if ((q->kind == FTSQ_MATCH || q->kind == FTSQ_PHRASE) && (!q->column || !q->terms)) abort();
  if (q->kind == FTSQ_BOOST && (!q->positive || !q->negative)) abort();
  check(q->positive);
  check(q->negative);
  for (int i = 0; i < q->n_should; i++) check(q->should[i]);
  for (int i = 0; i < q->n_must; i++) check(q->must[i]);
  for (int i = 0; i < q->n_must_not; i++) check(q->must_not[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *z = malloc(size + 1);
  if (!z) return 0;
  memcpy(z, data, size);
  z[size] = 0;
  fts_query *q = NULL;
  char err[128];
  if (fts_query_parse(z, "body", &q, err, sizeof err) == 0) check(q);
  else if (q || !err[0]) abort();
  fts_query_free(q);
  fts_tok_spec spec;
  lf_tok_params p;
  if (fts_tok_options(z, &spec, &p, err, sizeof err) == 0) {
    if (!p.base_tokenizer || !p.language) abort();
  } else if (!err[0]) {
    abort();
  }
  free(z);
  return 0;
}
