/*
** tok_options.c: owns the `key=value` spelling of full-text tokenizer
** parameters (fts_sql.h), with LanceDB's parameter names and defaults, strictly:
** an unknown key, a key given twice or a bad value is an error naming it; and
** of the index-building options beside them (lance_create_index: with_position,
** block_size, name, replace, progress).  No SQLite here.
*/
#include "fts/fts_sql.h"
#include "vtab/opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
  K_BASE, K_LANGUAGE, K_MAXLEN, K_LOWER, K_STEM, K_STOP, K_FOLD, K_NGMIN, K_NGMAX, K_PREFIX, K_N,
  K_POS = K_N, K_BLOCK, K_NAME, K_REPLACE, K_PROGRESS, K_ALL /* the index-building keys */
};
static const char *const keys[K_ALL] = {
  "base_tokenizer", "language", "max_token_length", "lower_case", "stem", "remove_stop_words",
  "ascii_folding", "min_ngram_length", "max_ngram_length", "prefix_only", "with_position",
  "block_size", "name", "replace", "progress"};

typedef struct kv {
  int key;
  const char *v;
  size_t n;
} kv;

static int fail(char *err, int cap, const char *fmt, const char *a, int an) {
  snprintf(err, (size_t)cap, fmt, an, a);
  return -1;
}

static int fail2(char *err, int cap, const char *fmt, const char *what, const char *a, int an) {
  snprintf(err, (size_t)cap, fmt, what, an, a);
  return -1;
}

/* Split z into at most nkeys key=value pairs (keys[0..nkeys) known). */
static int split(const char *z, int nkeys, kv *out, int *nout, char *err, int cap) {
  const char *what = nkeys > K_N ? "index options" : "tokenizer options";
  int n = 0;
  unsigned seen = 0;
  vtab_opt o;
  while (vtab_opt_next(&z, NULL, 0, 0, &o)) {
    const char *k = o.k;
    if (!o.has_eq || !o.kn)
      return fail2(err, cap, "%s: '%.*s' is not key=value", what, k,
                   (int)(o.has_eq ? o.kn + 1 + o.vn : o.kn));
    int key = -1;
    for (int i = 0; i < nkeys; i++)
      if (vtab_opt_is(&o, keys[i])) key = i;
    if (key < 0) return fail2(err, cap, "%s: unknown key '%.*s'", what, k, (int)o.kn);
    if (seen & (1u << key)) return fail2(err, cap, "%s: '%.*s' given twice", what, k, (int)o.kn);
    seen |= 1u << key;
    out[n++] = (kv){key, o.v, o.vn};
  }
  *nout = n;
  return 0;
}

static int is(const kv *x, const char *s) { return x->n == strlen(s) && !strncasecmp(x->v, s, x->n); }

static int boolean(const kv *x, int *out, char *err, int cap) {
  if (is(x, "true") || is(x, "1")) *out = 1;
  else if (is(x, "false") || is(x, "0")) *out = 0;
  else return fail2(err, cap, "%s: %.*s must be true or false",
                    x->key >= K_N ? "index options" : "tokenizer options", keys[x->key],
                    (int)strlen(keys[x->key]));
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
  snprintf(err, (size_t)cap, "%s: %s must be a whole number from %ld to %ld",
           x->key >= K_N ? "index options" : "tokenizer options", keys[x->key], lo, hi);
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
    default: return 0; /* K_BASE: applied first; the index keys: apply_index */
  }
}

static int apply_index(const kv *x, fts_index_spec *ix, char *err, int cap) {
  switch (x->key) {
    case K_POS: return boolean(x, &ix->with_position, err, cap);
    case K_REPLACE: return boolean(x, &ix->replace, err, cap);
    case K_PROGRESS:
      if (is(x, "0") || is(x, "1")) return ix->progress = x->v[0] == '1', 0;
      snprintf(err, (size_t)cap, "index options: progress must be 0 or 1");
      return -1;
    case K_BLOCK:
      if (is(x, "128") || is(x, "256")) return ix->block_size = x->v[0] == '1' ? 128 : 256, 0;
      snprintf(err, (size_t)cap, "index options: block_size must be 128 or 256");
      return -1;
    case K_NAME:
      if (x->n == 0 || x->n >= sizeof ix->name) {
        snprintf(err, (size_t)cap, "index options: name must be 1 to %d bytes", (int)sizeof ix->name - 1);
        return -1;
      }
      memcpy(ix->name, x->v, x->n);
      ix->name[x->n] = 0;
      return 0;
    default: return 0;
  }
}

static int parse(const char *z, int nkeys, fts_tok_spec *spec, lf_tok_params *p,
                 fts_index_spec *ix, char *err, int errcap) {
  kv a[K_ALL];
  int n = 0;
  memset(spec, 0, sizeof *spec);
  if (split(z, nkeys, a, &n, err, errcap)) return -1;
  strcpy(spec->base, "simple");
  for (int i = 0; i < n; i++)
    if (a[i].key == K_BASE && text(&a[i], spec->base, sizeof spec->base, err, errcap)) return -1;
  lf_tok_params_init(p, spec->base);
  p->base_tokenizer = spec->base;
  for (int i = 0; i < n; i++)
    if (a[i].key < K_N ? apply(&a[i], spec, p, err, errcap) : apply_index(&a[i], ix, err, errcap))
      return -1;
  return 0;
}

int fts_tok_options(const char *z, fts_tok_spec *spec, lf_tok_params *p, char *err, int errcap) {
  return parse(z, K_N, spec, p, NULL, err, errcap);
}

int fts_index_options(const char *z, fts_tok_spec *spec, lf_tok_params *p, fts_index_spec *ix,
                      char *err, int errcap) {
  memset(ix, 0, sizeof *ix);
  ix->block_size = 128;
  ix->replace = 1;
  return parse(z, K_ALL, spec, p, ix, err, errcap);
}
