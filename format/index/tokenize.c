/*
** tokenize.c: owns the full-text tokenizer pipeline (tokenize.h): parameter
** checks, the four base tokenizers (simple, whitespace, raw, ngram) and the
** filter chain (max_token_length, lower_case, stem, remove_stop_words,
** ascii_folding) in Lance's order.  Character data lives in tok_unicode.c and
** the generated tok_tables.c, stop word lists in tok_stopwords.c, stemming in
** tok_stem.c.
*/
#include "tokenize.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tok_int.h"

enum { BASE_SIMPLE, BASE_WHITESPACE, BASE_RAW, BASE_NGRAM };

/* Lance's Language names and their Snowball algorithms. */
static const struct {
  const char *name, *algorithm;
} languages[] = {
    {"Arabic", "arabic"},         {"Danish", "danish"},       {"Dutch", "dutch"},
    {"English", "english"},       {"Finnish", "finnish"},     {"French", "french"},
    {"German", "german"},         {"Greek", "greek"},         {"Hungarian", "hungarian"},
    {"Italian", "italian"},       {"Norwegian", "norwegian"}, {"Portuguese", "portuguese"},
    {"Romanian", "romanian"},     {"Russian", "russian"},     {"Spanish", "spanish"},
    {"Swedish", "swedish"},       {"Tamil", "tamil"},         {"Turkish", "turkish"},
};

/* The stop word set: open addressing over (offset, length) into words. */
typedef struct stopset {
  lf_buf words;
  uint32_t *slot; /* 0 = empty, else index + 1 into ent */
  size_t nslot;
  struct { size_t off, len; } *ent;
  size_t nent;
} stopset;

struct lf_tok {
  int base;
  long long max_len;
  int lower, fold, stop;
  unsigned ngmin, ngmax;
  int prefix_only;
  lf_tok_stem *stemmer;
  stopset stops;
  lf_buf clean; /* the text, when it was not valid UTF-8 */
  lf_buf low;   /* the lower-cased token */
  lf_buf out;   /* the folded token */
  const char *text;   /* the text being tokenized (valid UTF-8), len bytes */
  size_t len;
  size_t from, to;    /* the current token's source bytes in text */
};

void lf_tok_params_init(lf_tok_params *p, const char *base_tokenizer) {
  memset(p, 0, sizeof *p);
  p->base_tokenizer = base_tokenizer ? base_tokenizer : "simple";
  p->language = "English";
  p->max_token_length = 40;
  p->lower_case = p->stem = p->remove_stop_words = p->ascii_folding = 1;
  p->min_ngram_length = p->max_ngram_length = 3;
  if (strcmp(p->base_tokenizer, "ngram") == 0) p->stem = p->remove_stop_words = 0;
}

/* ---- stop word set ---------------------------------------------------------- */

static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
  return h;
}

static int stopset_has(const stopset *ss, const char *w, size_t n) {
  if (!ss->nslot) return 0;
  for (size_t i = hash_bytes(w, n) & (ss->nslot - 1);; i = (i + 1) & (ss->nslot - 1)) {
    uint32_t e = ss->slot[i];
    if (!e) return 0;
    if (ss->ent[e - 1].len == n && memcmp(ss->words.p + ss->ent[e - 1].off, w, n) == 0) return 1;
  }
}

/* Add words (count of them; NULL-free) to an empty set. */
static int stopset_build(stopset *ss, const char *const *words, size_t count) {
  ss->nslot = 16;
  while (ss->nslot < 2 * count + 2) ss->nslot *= 2;
  ss->slot = calloc(ss->nslot, sizeof *ss->slot);
  ss->ent = malloc((count ? count : 1) * sizeof *ss->ent);
  if (!ss->slot || !ss->ent) return LF_NOMEM;
  for (size_t k = 0; k < count; k++) {
    size_t n = strlen(words[k]);
    if (stopset_has(ss, words[k], n)) continue;
    size_t i = hash_bytes(words[k], n) & (ss->nslot - 1);
    while (ss->slot[i]) i = (i + 1) & (ss->nslot - 1);
    ss->ent[ss->nent].off = ss->words.len;
    ss->ent[ss->nent].len = n;
    lf_buf_put(&ss->words, words[k], n);
    if (ss->words.rc) return LF_NOMEM;
    ss->slot[i] = (uint32_t)++ss->nent;
  }
  return LF_OK;
}

/* A built-in list (space-separated) into the set. */
static int stopset_from_list(stopset *ss, const char *list) {
  size_t count = 1;
  for (const char *c = list; *c; c++) count += *c == ' ';
  char *copy = strdup(list);
  const char **words = malloc(count * sizeof *words);
  if (!copy || !words) {
    free(copy);
    free(words);
    return LF_NOMEM;
  }
  size_t k = 0;
  for (char *save = NULL, *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
    words[k++] = w;
  int rc = stopset_build(ss, words, k);
  free(words);
  free(copy);
  return rc;
}

static void stopset_reset(stopset *ss) {
  lf_buf_reset(&ss->words);
  free(ss->slot);
  free(ss->ent);
  memset(ss, 0, sizeof *ss);
}

/* ---- construction ----------------------------------------------------------- */

static int parse_base(const char *name, int *base, lf_error *err) {
  static const char *const names[] = {"simple", "whitespace", "raw", "ngram"};
  for (int i = 0; i < 4; i++)
    if (strcmp(name, names[i]) == 0) return *base = i, LF_OK;
  if (strcmp(name, "icu") == 0 || strcmp(name, "icu/split") == 0 || strcmp(name, "code") == 0 ||
      strcmp(name, "jieba") == 0 || strncmp(name, "jieba/", 6) == 0 ||
      strncmp(name, "lindera/", 8) == 0)
    return lf_err(err, LF_UNSUPPORTED,
                  "FTS tokenizer '%s' (LanceDB 0.39) is not supported: simple, whitespace, "
                  "raw and ngram are", name);
  return lf_err(err, LF_ARG, "unknown FTS base tokenizer '%s'", name);
}

static int setup_filters(lf_tok *t, const lf_tok_params *p, const char *algorithm,
                         lf_error *err) {
  if (p->stem && strcmp(algorithm, "dutch") == 0)
    return lf_err(err, LF_UNSUPPORTED, "FTS tokenizer: stemming Dutch is not supported: LanceDB "
                  "0.39 uses Snowball 3's new Dutch stemmer, this build has Snowball 2.2's");
  if (p->stem) {
    if (lf_tok_stem_new(algorithm, &t->stemmer))
      return lf_err(err, LF_NOMEM, "FTS tokenizer: no %s stemmer", algorithm);
  }
  if (!p->remove_stop_words) return LF_OK;
  t->stop = 1;
  int rc;
  if (p->custom_stop_words) {
    rc = stopset_build(&t->stops, p->custom_stop_words, p->n_custom_stop_words);
  } else {
    const char *list = lf_tok_stopwords(p->language);
    if (!list)
      return lf_err(err, LF_ARG, "FTS tokenizer: removing stop words for language %s is not "
                    "supported (LanceDB has no list for it)", p->language);
    rc = stopset_from_list(&t->stops, list);
  }
  return rc ? lf_err(err, rc, "FTS tokenizer: out of memory") : LF_OK;
}

int lf_tok_new(const lf_tok_params *p, lf_tok **out, lf_error *err) {
  *out = NULL;
  const char *base_name = p->base_tokenizer ? p->base_tokenizer : "simple";
  const char *language = p->language ? p->language : "English", *algorithm = NULL;
  int base = BASE_SIMPLE, rc = parse_base(base_name, &base, err);
  if (rc) return rc;
  for (size_t i = 0; i < sizeof languages / sizeof languages[0]; i++)
    if (strcmp(language, languages[i].name) == 0) algorithm = languages[i].algorithm;
  if (!algorithm) return lf_err(err, LF_ARG, "unknown FTS language '%s'", language);
  if (base == BASE_NGRAM && p->min_ngram_length == 0)
    return lf_err(err, LF_ARG, "FTS ngram tokenizer: min_gram must be greater than 0");
  if (base == BASE_NGRAM && p->min_ngram_length > p->max_ngram_length)
    return lf_err(err, LF_ARG, "FTS ngram tokenizer: min_gram must not be greater than max_gram");
  lf_tok *t = calloc(1, sizeof *t);
  if (!t) return lf_err(err, LF_NOMEM, "FTS tokenizer: out of memory");
  t->base = base;
  t->max_len = p->max_token_length;
  t->lower = p->lower_case != 0;
  t->fold = p->ascii_folding != 0;
  t->ngmin = p->min_ngram_length;
  t->ngmax = p->max_ngram_length;
  t->prefix_only = p->prefix_only != 0;
  lf_tok_params q = *p;
  q.language = language;
  rc = setup_filters(t, &q, algorithm, err);
  if (rc) {
    lf_tok_free(t);
    return rc;
  }
  *out = t;
  return LF_OK;
}

void lf_tok_free(lf_tok *t) {
  if (!t) return;
  lf_tok_stem_free(t->stemmer);
  stopset_reset(&t->stops);
  lf_buf_reset(&t->clean);
  lf_buf_reset(&t->low);
  lf_buf_reset(&t->out);
  free(t);
}

/* ---- filters ---------------------------------------------------------------- */

static int is_ascii(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if ((uint8_t)s[i] >= 0x80) return 0;
  return 1;
}

/* Map every code point of s through fn (NULL: keep it) into b; ASCII letters
** are lower-cased when lower_ascii.  s is valid UTF-8. */
static void map_chars(lf_buf *b, const char *s, size_t n, const char *(*fn)(uint32_t),
                      int lower_ascii) {
  lf_buf_clear(b);
  lf_buf_reserve(b, n + 8);
  for (size_t i = 0, used; i < n; i += used) {
    uint32_t cp = lf_tok_decode((const uint8_t *)s + i, n - i, &used);
    const char *to = cp >= 0x80 ? fn(cp) : NULL;
    if (to) {
      lf_buf_put(b, to, strlen(to));
    } else if (cp < 0x80) {
      lf_buf_u8(b, (uint8_t)(lower_ascii && cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
    } else {
      lf_buf_put(b, s + i, used);
    }
  }
}

/* One token of the base tokenizer through the filters to the callback. */
static int emit(lf_tok *t, const char *s, size_t n, uint32_t pos, lf_tok_cb cb, void *ctx,
                lf_error *err) {
  t->from = (size_t)(s - t->text);
  t->to = t->from + n;
  if (t->max_len >= 0 && (unsigned long long)n >= (unsigned long long)t->max_len) return 0;
  if (t->lower) {
    map_chars(&t->low, s, n, lf_tok_lower_of, 1);
    if (t->low.rc) return lf_err(err, LF_NOMEM, "FTS tokenizer: out of memory");
    s = (const char *)t->low.p, n = t->low.len;
  }
  if (t->stemmer) {
    s = lf_tok_stem_run(t->stemmer, s, n, &n);
    if (!s) return lf_err(err, LF_NOMEM, "FTS tokenizer: out of memory in the stemmer");
  }
  if (t->stop && stopset_has(&t->stops, s, n)) return 0;
  if (t->fold && !is_ascii(s, n)) {
    map_chars(&t->out, s, n, lf_tok_fold_of, 0);
    if (t->out.rc) return lf_err(err, LF_NOMEM, "FTS tokenizer: out of memory");
    s = (const char *)t->out.p, n = t->out.len;
  }
  return cb(ctx, s, n, pos);
}

/* ---- base tokenizers -------------------------------------------------------- */

/* simple (alphanumeric runs) and whitespace (runs of non-ASCII-space) */
static int run_split(lf_tok *t, const char *s, size_t n, lf_tok_cb cb, void *ctx,
                     lf_error *err) {
  uint32_t pos = 0;
  size_t i = 0, used;
  while (i < n) {
    uint32_t cp = lf_tok_decode((const uint8_t *)s + i, n - i, &used);
    int in = t->base == BASE_SIMPLE ? lf_tok_is_alnum(cp) : !lf_tok_is_ascii_space(cp);
    if (!in) {
      i += used;
      continue;
    }
    size_t start = i;
    for (i += used; i < n; i += used) {
      cp = lf_tok_decode((const uint8_t *)s + i, n - i, &used);
      if (t->base == BASE_SIMPLE ? !lf_tok_is_alnum(cp) : lf_tok_is_ascii_space(cp)) break;
    }
    int rc = emit(t, s + start, i - start, pos++, cb, ctx, err);
    if (rc) return rc;
  }
  return LF_OK;
}

/* ngram: every run of min..max code points, by start then length, position 0;
** prefix_only keeps the ones that start the text. */
static int run_ngram(lf_tok *t, const char *s, size_t n, lf_tok_cb cb, void *ctx,
                     lf_error *err) {
  size_t used;
  for (size_t start = 0; start < n; start += used) {
    lf_tok_decode((const uint8_t *)s + start, n - start, &used);
    if (t->prefix_only && start > 0) break;
    size_t end = start;
    for (unsigned len = 1; len <= t->ngmax && end < n; len++) {
      size_t u;
      lf_tok_decode((const uint8_t *)s + end, n - end, &u);
      end += u;
      if (len < t->ngmin) continue;
      int rc = emit(t, s + start, end - start, 0, cb, ctx, err);
      if (rc) return rc;
    }
  }
  return LF_OK;
}

/* text as valid UTF-8: itself, or its lossy copy in t->clean */
static int sanitize(lf_tok *t, const char **s, size_t *n) {
  size_t i = 0, used;
  for (; i < *n; i += used)
    if (lf_tok_decode((const uint8_t *)*s + i, *n - i, &used) == LF_TOK_REPLACEMENT &&
        !(used == 3 && memcmp(*s + i, "\xEF\xBF\xBD", 3) == 0))
      break;
  if (i == *n) return LF_OK;
  lf_buf_clear(&t->clean);
  lf_buf_put(&t->clean, *s, i);
  for (; i < *n; i += used) {
    char enc[4];
    uint32_t cp = lf_tok_decode((const uint8_t *)*s + i, *n - i, &used);
    lf_buf_put(&t->clean, enc, lf_tok_encode(cp, enc));
  }
  if (t->clean.rc) return LF_NOMEM;
  *s = (const char *)t->clean.p, *n = t->clean.len;
  return LF_OK;
}

int lf_tok_run(lf_tok *t, const char *text, size_t len, lf_tok_cb cb, void *ctx,
               lf_error *err) {
  if (!text) text = "", len = 0;
  if (sanitize(t, &text, &len)) return lf_err(err, LF_NOMEM, "FTS tokenizer: out of memory");
  t->text = text;
  t->len = len;
  switch (t->base) {
    case BASE_RAW: return emit(t, text, len, 0, cb, ctx, err);
    case BASE_NGRAM: return run_ngram(t, text, len, cb, ctx, err);
    default: return run_split(t, text, len, cb, ctx, err);
  }
}

const char *lf_tok_span(const lf_tok *t, size_t *from, size_t *to, size_t *len) {
  *from = t->from;
  *to = t->to;
  *len = t->len;
  return t->text;
}
