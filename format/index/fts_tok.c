/*
** fts_tok.c: owns the bridge from an FTS index's parameters (metadata
** "params", lf_fts_params) to the tokenizer that index was built with
** (tokenize.h): LanceDB tokenizes a query with the index's own tokenizer.
*/
#include "fts_int.h"
#include "tokenize.h"

#include <string.h>

void lf_fts_tok_params(const lf_fts_params *fp, lf_tok_params *p) {
  lf_tok_params_init(p, fp->base_tokenizer);
  p->language = fp->language;
  p->max_token_length = fp->has_max_token_length ? (long long)fp->max_token_length : LF_TOK_NO_LIMIT;
  p->lower_case = fp->lower_case;
  p->stem = fp->stem;
  p->remove_stop_words = fp->remove_stop_words;
  p->ascii_folding = fp->ascii_folding;
  if (fp->has_custom_stop_words) {
    p->custom_stop_words = (const char *const *)fp->custom_stop_words;
    p->n_custom_stop_words = fp->n_custom_stop_words;
  }
  p->min_ngram_length = fp->min_ngram_length;
  p->max_ngram_length = fp->max_ngram_length;
  p->prefix_only = fp->prefix_only;
}

int lf_fts_tokenizer(const lf_fts_params *fp, lf_tok **out, lf_error *err) {
  *out = NULL;
  if (fp->lance_tokenizer && strcmp(fp->lance_tokenizer, "text"))
    return lf_err(err, LF_UNSUPPORTED, "FTS indexes with lance_tokenizer \"%s\" (JSON documents)",
                  fp->lance_tokenizer);
  lf_tok_params p;
  lf_fts_tok_params(fp, &p);
  return lf_tok_new(&p, out, err);
}
