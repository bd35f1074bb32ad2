/*
** tok_unicode.c: owns the character level of the full-text tokenizers: UTF-8
** decoding the way Rust's String::from_utf8_lossy does it (each maximal
** invalid subpart becomes one U+FFFD), encoding, and the look-ups in the
** generated tables (tok_tables.c): alphanumeric, lower-case, ASCII folding.
*/
#include "tok_int.h"

uint32_t lf_tok_decode(const uint8_t *s, size_t n, size_t *used) {
  uint8_t b = s[0];
  if (b < 0x80) {
    *used = 1;
    return b;
  }
  size_t need;
  uint32_t cp;
  uint8_t lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
  if (b >= 0xC2 && b <= 0xDF) {
    need = 1, cp = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    need = 2, cp = b & 0x0F;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F; /* no surrogates */
  } else if (b >= 0xF0 && b <= 0xF4) {
    need = 3, cp = b & 0x07;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    *used = 1;
    return LF_TOK_REPLACEMENT;
  }
  for (size_t i = 1; i <= need; i++) {
    uint8_t c = i < n ? s[i] : 0;
    uint8_t l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xBF;
    if (i >= n || c < l || c > h) {
      *used = i;
      return LF_TOK_REPLACEMENT;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  *used = need + 1;
  return cp;
}

size_t lf_tok_encode(uint32_t cp, char *out) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

int lf_tok_is_alnum(uint32_t cp) {
  if (cp < 0x80)
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  size_t lo = 0, hi = lf_tok_alnum_n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cp < lf_tok_alnum[mid][0]) hi = mid;
    else if (cp > lf_tok_alnum[mid][1]) lo = mid + 1;
    else return 1;
  }
  return 0;
}

int lf_tok_is_ascii_space(uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\f' || cp == '\r';
}

static const char *map_find(const lf_tok_map *m, size_t n, uint32_t cp) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cp < m[mid].cp) hi = mid;
    else if (cp > m[mid].cp) lo = mid + 1;
    else return m[mid].to;
  }
  return NULL;
}

const char *lf_tok_lower_of(uint32_t cp) {
  return map_find(lf_tok_lower, lf_tok_lower_n, cp);
}

const char *lf_tok_fold_of(uint32_t cp) {
  return map_find(lf_tok_fold, lf_tok_fold_n, cp);
}
