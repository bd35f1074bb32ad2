/*
** tok_tool.c: a command-line driver of the full-text tokenizers
** (format/index/tokenize.h) for the interop tests (tok_compare.mjs).
**   tok-tool [KEY=VALUE ...] < TEXTS
** Keys are the lf_tok_params fields: base_tokenizer, language,
** max_token_length (a number or "none"), lower_case, stem, remove_stop_words,
** ascii_folding, min_ngram_length, max_ngram_length, prefix_only (0/1) and
** custom_stop_words (comma-separated); the rest are LanceDB's defaults for the
** base tokenizer.  TEXTS is a sequence of records "LEN\n" + LEN bytes.  For each
** record one line is printed: a JSON array of [token, position] pairs.  Exit
** status 1 and "CODE: message" on stderr when the tokenizer cannot be built.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/tokenize.h"
#include "json_out.h"

static int print_token(void *ctx, const char *tok, size_t len, uint32_t pos) {
  int *first = ctx;
  printf("%s[", *first ? "" : ",");
  json_string(stdout, (const uint8_t *)tok, len);
  printf(",%u]", pos);
  *first = 0;
  return 0;
}

/* Split a comma-separated list in place into words (at most cap). */
static size_t split_words(char *s, const char **words, size_t cap) {
  size_t n = 0;
  if (!*s) return 0;
  for (char *w = s; w && n < cap; n++) {
    words[n] = w;
    w = strchr(w, ',');
    if (w) *w++ = 0;
  }
  return n;
}

static int set_param(lf_tok_params *p, const char *key, char *val, const char **words) {
  if (strcmp(key, "base_tokenizer") == 0) p->base_tokenizer = val;
  else if (strcmp(key, "language") == 0) p->language = val;
  else if (strcmp(key, "max_token_length") == 0)
    p->max_token_length = strcmp(val, "none") == 0 ? LF_TOK_NO_LIMIT : atoll(val);
  else if (strcmp(key, "lower_case") == 0) p->lower_case = atoi(val);
  else if (strcmp(key, "stem") == 0) p->stem = atoi(val);
  else if (strcmp(key, "remove_stop_words") == 0) p->remove_stop_words = atoi(val);
  else if (strcmp(key, "ascii_folding") == 0) p->ascii_folding = atoi(val);
  else if (strcmp(key, "min_ngram_length") == 0) p->min_ngram_length = (unsigned)atoi(val);
  else if (strcmp(key, "max_ngram_length") == 0) p->max_ngram_length = (unsigned)atoi(val);
  else if (strcmp(key, "prefix_only") == 0) p->prefix_only = atoi(val);
  else if (strcmp(key, "custom_stop_words") == 0) {
    p->custom_stop_words = words;
    p->n_custom_stop_words = split_words(val, words, 256);
  } else return 0;
  return 1;
}

int main(int argc, char **argv) {
  lf_tok_params p;
  const char *base = "simple";
  for (int i = 1; i < argc; i++)
    if (strncmp(argv[i], "base_tokenizer=", 15) == 0) base = argv[i] + 15;
  lf_tok_params_init(&p, base);
  static const char *words[256];
  for (int i = 1; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    if (!eq) return fprintf(stderr, "usage: tok-tool [KEY=VALUE ...] < TEXTS\n"), 2;
    *eq = 0;
    if (!set_param(&p, argv[i], eq + 1, words))
      return fprintf(stderr, "tok-tool: unknown key %s\n", argv[i]), 2;
  }
  lf_error err = {0};
  lf_tok *tok;
  int rc = lf_tok_new(&p, &tok, &err);
  if (rc) return fprintf(stderr, "%s: %s\n", lf_code_name(rc), err.msg), 1;
  size_t cap = 0;
  char *text = NULL;
  unsigned long long len;
  while (scanf("%llu", &len) == 1 && getchar() == '\n') {
    if (len > cap) {
      free(text);
      cap = len;
      text = malloc(cap);
      if (!text) return fprintf(stderr, "tok-tool: out of memory\n"), 1;
    }
    if (len && fread(text, 1, len, stdin) != len) return fprintf(stderr, "tok-tool: short record\n"), 1;
    int first = 1;
    printf("[");
    rc = lf_tok_run(tok, text, len, print_token, &first, &err);
    if (rc) return fprintf(stderr, "%s: %s\n", lf_code_name(rc), err.msg), 1;
    printf("]\n");
  }
  free(text);
  lf_tok_free(tok);
  return 0;
}
