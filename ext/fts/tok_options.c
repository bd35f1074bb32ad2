/*
** tok_options.c: owns the `key=value` spelling of full-text tokenizer
** parameters (fts_int.h), with LanceDB's parameter names and defaults, strictly:
** an unknown key, a key given twice or a bad value is an error naming it.  No
** SQLite here.
*/
#include "fts/fts_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
  K_BASE, K_LANGUAGE, K_MAXLEN, K_LOWER, K_STEM, K_STOP, K_FOLD, K_NGMIN, K_NGMAX, K_PREFIX, K_N
};
static const char *const keys[K_N] = {
  "base_tokenizer", "language", "max_token_length", "lower_case", "stem", "remove_stop_words",
  "ascii_folding", "min_ngram_length", "max_ngram_length", "prefix_only"};

typedef struct kv {
  int key;
  const char *v;
  size_t n;
} kv;

static int fail(char *err, int cap, const char *fmt, const char *a, int an) {
  snprintf(err, (size_t)cap, fmt, an, a);
  return -1;
}

/* Split z into at most K_N key=value pairs. */
static int split(const char *z, kv *out, int *nout, char *err, int cap) {
  int n = 0;
  unsigned seen = 0;
  for (const char *p = z ? z : ""; *p;) {
    while (*p == ' ' || *p == '\t' || *p == '\n') p++;
    if (!*p) break;
    const char *k = p, *eq = NULL;
    while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
      if (*p == '=' && !eq) eq = p;
      p++;
    }
    if (!eq || eq == k) return fail(err, cap, "tokenizer options: '%.*s' is not key=value", k, (int)(p - k));
    int key = -1;
    for (int i = 0; i < K_N; i++)
      if ((size_t)(eq - k) == strlen(keys[i]) && !strncmp(k, keys[i], (size_t)(eq - k))) key = i;
    if (key < 0) return fail(err, cap, "tokenizer options: unknown key '%.*s'", k, (int)(eq - k));
    if (seen & (1u << key)) return fail(err, cap, "tokenizer options: '%.*s' given twice", k, (int)(eq - k));
    seen |= 1u << key;
    out[n++] = (kv){key, eq + 1, (size_t)(p - eq - 1)};
  }
  *nout = n;
  return 0;
}

static int is(const kv *x, const char *s) { return x->n == strlen(s) && !strncasecmp(x->v, s, x->n); }

static int boolean(const kv *x, int *out, char *err, int cap) {
  if (is(x, "true") || is(x, "1")) *out = 1;
  else if (is(x, "false") || is(x, "0")) *out = 0;
  else return fail(err, cap, "tokenizer options: %.*s must be true or false", keys[x->key], (int)strlen(keys[x->key]));
  return 0;
}

static int number(const kv *x, long lo, long hi, long *out, char *err, int cap) {
  char buf[24], *end;
  if (x->n == 0 || x->n >= sizeof buf) goto bad;
  memcpy(buf, x->v, x->n);
  buf[x->n] = 0;
  *out = strtol(buf, &end, 10);
  if (*end || *out < lo || *out > hi) goto bad;
  return 0;
bad:
  snprintf(err, (size_t)cap, "tokenizer options: %s must be a whole number from %ld to %ld",
           keys[x->key], lo, hi);
  return -1;
}

static int text(const kv *x, char *dst, size_t cap, char *err, int ecap) {
  if (x->n == 0 || x->n >= cap)
    return fail(err, ecap, "tokenizer options: bad %.*s", keys[x->key], (int)strlen(keys[x->key]));
  memcpy(dst, x->v, x->n);
  dst[x->n] = 0;
  return 0;
}

static int apply(const kv *x, fts_tok_spec *spec, lf_tok_params *p, char *err, int cap) {
  long v;
  switch (x->key) {
    case K_LANGUAGE:
      if (text(x, spec->language, sizeof spec->language, err, cap)) return -1;
      p->language = spec->language;
      return 0;
    case K_MAXLEN:
      if (number(x, 1, 1L << 30, &v, err, cap)) return -1;
      p->max_token_length = v;
      return 0;
    case K_LOWER: return boolean(x, &p->lower_case, err, cap);
    case K_STEM: return boolean(x, &p->stem, err, cap);
    case K_STOP: return boolean(x, &p->remove_stop_words, err, cap);
    case K_FOLD: return boolean(x, &p->ascii_folding, err, cap);
    case K_PREFIX: return boolean(x, &p->prefix_only, err, cap);
    case K_NGMIN: case K_NGMAX:
      if (number(x, 1, 255, &v, err, cap)) return -1;
      if (x->key == K_NGMIN) p->min_ngram_length = (unsigned)v;
      else p->max_ngram_length = (unsigned)v;
      return 0;
    default: return 0; /* K_BASE: applied first */
  }
}

int fts_tok_options(const char *z, fts_tok_spec *spec, lf_tok_params *p, char *err, int errcap) {
  kv a[K_N];
  int n = 0;
  memset(spec, 0, sizeof *spec);
  if (split(z, a, &n, err, errcap)) return -1;
  strcpy(spec->base, "simple");
  for (int i = 0; i < n; i++)
    if (a[i].key == K_BASE && text(&a[i], spec->base, sizeof spec->base, err, errcap)) return -1;
  lf_tok_params_init(p, spec->base);
  p->base_tokenizer = spec->base;
  for (int i = 0; i < n; i++)
    if (apply(&a[i], spec, p, err, errcap)) return -1;
  return 0;
}
