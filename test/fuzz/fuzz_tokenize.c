/*
** fuzz_tokenize.c: libFuzzer target for the full-text tokenizers
** (format/index/tokenize.c): the first byte picks a configuration (base
** tokenizer, filters, language, ngram lengths, max_token_length), the rest is
** the text, arbitrary bytes.  Every token must be valid UTF-8 and positions
** must not decrease (ngram: all 0).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index/tokenize.h"

typedef struct {
  int ngram;
  uint32_t last;
} check_t;

static int valid_utf8(const uint8_t *s, size_t n) {
  for (size_t i = 0; i < n;) {
    uint8_t b = s[i];
    size_t k = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3
             : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
    if (!k || i + k > n) return 0;
    for (size_t j = 1; j < k; j++)
      if ((s[i + j] & 0xC0) != 0x80) return 0;
    if ((b == 0xE0 && s[i + 1] < 0xA0) || (b == 0xED && s[i + 1] > 0x9F) ||
        (b == 0xF0 && s[i + 1] < 0x90) || (b == 0xF4 && s[i + 1] > 0x8F))
      return 0;
    i += k;
  }
  return 1;
}

static int check(void *ctx, const char *tok, size_t len, uint32_t pos) {
  check_t *c = ctx;
  if (!valid_utf8((const uint8_t *)tok, len)) abort();
  if (c->ngram ? pos != 0 : pos < c->last) abort();
  c->last = pos;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const bases[] = {"simple", "whitespace", "raw", "ngram"};
  static const char *const langs[] = {"English", "German", "Romanian", "Russian",
                                      "French", "Greek", "Turkish", "Tamil"};
  if (size < 2) return 0;
  uint8_t a = data[0], b = data[1];
  lf_tok_params p;
  lf_tok_params_init(&p, bases[a & 3]);
  p.lower_case = a >> 2 & 1;
  p.stem = a >> 3 & 1;
  p.remove_stop_words = a >> 4 & 1;
  p.ascii_folding = a >> 5 & 1;
  p.language = langs[b & 7];
  p.max_token_length = (b >> 3 & 3) == 0 ? LF_TOK_NO_LIMIT : (b >> 3 & 3) * 7;
  p.min_ngram_length = 1 + (b >> 5 & 1);
  p.max_ngram_length = p.min_ngram_length + (b >> 6 & 1) * 3;
  p.prefix_only = a >> 6 & 1;
  lf_tok *t;
  lf_error err;
  if (lf_tok_new(&p, &t, &err) != LF_OK) return 0;
  check_t c = {(a & 3) == 3, 0};
  if (lf_tok_run(t, (const char *)data + 2, size - 2, check, &c, &err) != LF_OK) abort();
  lf_tok_free(t);
  return 0;
}
