/*
** tok_stem.c: owns the stem filter of the full-text tokenizers.  LanceDB 0.39
** stems with Snowball 3 algorithms (the Rust crate frostem); this library has
** Debian's libstemmer, Snowball 2.2.  Two Snowball 3 changes are bridged here:
**   - German treats "ae", "oe", "ue" as "ä", "ö", "ü" (the former german2
**     variant): they are rewritten before stemming, except "ue" after "q" or
**     where the "u" stands between vowels (Snowball marks that "u" first);
**   - Romanian spells s and t with comma below (U+0219, U+021B): the input's
**     comma forms are read as the cedilla forms Snowball 2.2 knows, and the
**     stem is written back with commas.
** Other Snowball 3 differences remain (docs/fts.md lists the known ones).
*/
#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tok_int.h"

enum { FIX_NONE, FIX_GERMAN, FIX_ROMANIAN };

struct lf_tok_stem {
  struct sb_stemmer *sb;
  int fix;
  lf_buf in, out;
};

int lf_tok_stem_new(const char *algorithm, lf_tok_stem **out) {
  lf_tok_stem *st = calloc(1, sizeof *st);
  if (!st) return LF_TOK_STEM_NOMEM;
  st->sb = sb_stemmer_new(algorithm, "UTF_8");
  if (!st->sb) {
    free(st);
    return LF_TOK_STEM_NOMEM;
  }
  st->fix = strcmp(algorithm, "german") == 0 ? FIX_GERMAN
            : strcmp(algorithm, "romanian") == 0 ? FIX_ROMANIAN : FIX_NONE;
  *out = st;
  return 0;
}

void lf_tok_stem_free(lf_tok_stem *st) {
  if (!st) return;
  sb_stemmer_delete(st->sb);
  lf_buf_reset(&st->in);
  lf_buf_reset(&st->out);
  free(st);
}

static int german_vowel(uint32_t c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' || c == 0xE4 ||
         c == 0xF6 || c == 0xFC;
}

/* German: "ae"/"oe"/"ue" -> "ä"/"ö"/"ü" as Snowball 3's prelude does. */
static void german_prelude(lf_buf *b, const char *s, size_t n) {
  uint32_t prev = 0;
  for (size_t i = 0, used; i < n; i += used) {
    uint32_t c = lf_tok_decode((const uint8_t *)s + i, n - i, &used);
    if (c == 'q' && i + 1 < n && s[i + 1] == 'u') { /* "qu": both kept */
      lf_buf_put(b, "qu", 2);
      used = 2, prev = 'u';
      continue;
    }
    if ((c == 'a' || c == 'o' || (c == 'u' && !german_vowel(prev))) && i + 1 < n && s[i + 1] == 'e') {
      lf_buf_put(b, c == 'a' ? "\xC3\xA4" : c == 'o' ? "\xC3\xB6" : "\xC3\xBC", 2);
      used = 2, prev = c == 'a' ? 0xE4 : c == 'o' ? 0xF6 : 0xFC;
      continue;
    }
    lf_buf_put(b, s + i, used);
    prev = c;
  }
}

/* Swap each occurrence of the 2-byte UTF-8 sequences from[k] for to[k]. */
static void swap_pairs(lf_buf *b, const char *s, size_t n, const char *const *from,
                       const char *const *to, int count) {
  for (size_t i = 0; i < n;) {
    int k = 0;
    while (k < count && !(i + 1 < n && memcmp(s + i, from[k], 2) == 0)) k++;
    if (k < count) {
      lf_buf_put(b, to[k], 2);
      i += 2;
    } else {
      lf_buf_put(b, s + i, 1);
      i++;
    }
  }
}

static const char *const RO_COMMA[] = {"\xC8\x99", "\xC8\x9B", "\xC8\x98", "\xC8\x9A"};
static const char *const RO_CEDILLA[] = {"\xC5\x9F", "\xC5\xA3", "\xC5\x9E", "\xC5\xA2"};

const char *lf_tok_stem_run(lf_tok_stem *st, const char *s, size_t n, size_t *out_len) {
  if (st->fix != FIX_NONE) {
    lf_buf_clear(&st->in);
    lf_buf_reserve(&st->in, n + 1);
    if (st->fix == FIX_GERMAN) german_prelude(&st->in, s, n);
    else swap_pairs(&st->in, s, n, RO_COMMA, RO_CEDILLA, 4);
    if (st->in.rc) return NULL;
    s = (const char *)st->in.p, n = st->in.len;
  }
  const sb_symbol *r = sb_stemmer_stem(st->sb, (const sb_symbol *)s, (int)n);
  if (!r) return NULL;
  *out_len = (size_t)sb_stemmer_length(st->sb);
  if (st->fix != FIX_ROMANIAN) return (const char *)r;
  lf_buf_clear(&st->out);
  lf_buf_reserve(&st->out, *out_len + 1);
  swap_pairs(&st->out, (const char *)r, *out_len, RO_CEDILLA, RO_COMMA, 4);
  if (st->out.rc) return NULL;
  *out_len = st->out.len;
  return (const char *)st->out.p;
}
