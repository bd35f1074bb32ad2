/*
** json.c: owns the one JSON reader of format/, for the small JSON texts Lance
** stores: tag files (_refs/tags/<name>.json) and the FTS index metadata
** (params object, partitions array).  It reads RFC 8259 JSON from a byte
** range, never past its end, nesting at most LF_JSON_MAX_DEPTH levels.
** Strings come back as views of their raw bytes (escapes kept) and are
** decoded on request (lf_json_unescape: \uXXXX with surrogate pairs to
** UTF-8).  Numbers are validated loosely by the skipper and strictly by the
** typed readers (lf_json_uint).
*/
#include "lf_int.h"

#include <stdlib.h>
#include <string.h>

void lf_json_ws(lf_json *j) {
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
    j->p++;
}

int lf_json_peek(lf_json *j) {
  lf_json_ws(j);
  return j->p < j->end ? *j->p : -1;
}

int lf_json_lit(lf_json *j, const char *s) {
  size_t n = strlen(s);
  lf_json_ws(j);
  if ((size_t)(j->end - j->p) < n || memcmp(j->p, s, n)) return -1;
  j->p += n;
  return 0;
}

int lf_json_str(lf_json *j, const uint8_t **s, size_t *n) {
  lf_json_ws(j);
  if (j->p >= j->end || *j->p != '"') return -1;
  const uint8_t *b = ++j->p;
  while (j->p < j->end && *j->p != '"') {
    if (*j->p < 0x20 || (*j->p == '\\' && j->end - j->p < 2)) return -1;
    j->p += *j->p == '\\' ? 2 : 1;
  }
  if (j->p >= j->end) return -1;
  *s = b;
  *n = (size_t)(j->p - b);
  j->p++;
  return 0;
}

static int skip_container(lf_json *j, int depth, uint8_t close) {
  const uint8_t *s;
  size_t n;
  j->p++;
  if (lf_json_peek(j) == close) return j->p++, 0;
  for (;;) {
    if (close == '}' && (lf_json_str(j, &s, &n) || lf_json_lit(j, ":"))) return -1;
    if (lf_json_skip(j, depth + 1)) return -1;
    int c = lf_json_peek(j);
    if (c == close) return j->p++, 0;
    if (c != ',') return -1;
    j->p++;
  }
}

int lf_json_skip(lf_json *j, int depth) {
  const uint8_t *s;
  size_t n;
  int c = lf_json_peek(j);
  if (c < 0 || depth > LF_JSON_MAX_DEPTH) return -1;
  switch (c) {
    case '"': return lf_json_str(j, &s, &n);
    case '{': return skip_container(j, depth, '}');
    case '[': return skip_container(j, depth, ']');
    case 't': return lf_json_lit(j, "true");
    case 'f': return lf_json_lit(j, "false");
    case 'n': return lf_json_lit(j, "null");
  }
  const uint8_t *b = j->p;
  while (j->p < j->end && *j->p && strchr("+-0123456789.eE", *j->p)) j->p++;
  return j->p > b ? 0 : -1;
}

int lf_json_uint(lf_json *j, uint64_t *out) {
  lf_json_ws(j);
  const uint8_t *b = j->p;
  uint64_t v = 0;
  while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
    if (v > (UINT64_MAX - (uint64_t)(*j->p - '0')) / 10) return -1;
    v = v * 10 + (uint64_t)(*j->p++ - '0');
  }
  if (j->p == b || (j->p < j->end && *j->p && strchr(".eE", *j->p))) return -1;
  *out = v;
  return 0;
}

int lf_json_bool(lf_json *j, int *out) {
  if (!lf_json_lit(j, "true")) return *out = 1, 0;
  if (!lf_json_lit(j, "false")) return *out = 0, 0;
  return -1;
}

int lf_json_object(lf_json *j, lf_json_member_cb cb, void *ctx) {
  const uint8_t *k;
  size_t kl;
  if (lf_json_peek(j) != '{') return -1;
  j->p++;
  if (lf_json_peek(j) == '}') return j->p++, 0;
  for (;;) {
    if (lf_json_str(j, &k, &kl) || lf_json_lit(j, ":")) return -1;
    int r = cb(ctx, j, k, kl);
    if (r) return r;
    int c = lf_json_peek(j);
    if (c == '}') return j->p++, 0;
    if (c != ',') return -1;
    j->p++;
  }
}

int lf_json_array(lf_json *j, lf_json_item_cb cb, void *ctx) {
  if (lf_json_peek(j) != '[') return -1;
  j->p++;
  if (lf_json_peek(j) == ']') return j->p++, 0;
  for (;;) {
    int r = cb(ctx, j);
    if (r) return r;
    int c = lf_json_peek(j);
    if (c == ']') return j->p++, 0;
    if (c != ',') return -1;
    j->p++;
  }
}

int lf_json_end(lf_json *j) {
  lf_json_ws(j);
  return j->p == j->end ? 0 : -1;
}

static int hex4(const uint8_t *p, uint32_t *v) {
  *v = 0;
  for (int i = 0; i < 4; i++) {
    int c = p[i], d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                           : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    *v = *v << 4 | (uint32_t)d;
  }
  return 0;
}

static size_t put_utf8(uint8_t *o, uint32_t c) {
  if (c < 0x80) return o[0] = (uint8_t)c, 1;
  if (c < 0x800) return o[0] = (uint8_t)(0xC0 | c >> 6), o[1] = (uint8_t)(0x80 | (c & 63)), 2;
  if (c < 0x10000) {
    o[0] = (uint8_t)(0xE0 | c >> 12), o[1] = (uint8_t)(0x80 | (c >> 6 & 63));
    o[2] = (uint8_t)(0x80 | (c & 63));
    return 3;
  }
  o[0] = (uint8_t)(0xF0 | c >> 18), o[1] = (uint8_t)(0x80 | (c >> 12 & 63));
  o[2] = (uint8_t)(0x80 | (c >> 6 & 63)), o[3] = (uint8_t)(0x80 | (c & 63));
  return 4;
}

/* One escape at s[*i] == '\\' (2..12 bytes) appended to o; -1 if invalid. */
static int unescape_one(const uint8_t *s, size_t n, size_t *i, uint8_t *o, size_t *k) {
  static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
  uint8_t e = s[*i + 1];
  const char *f = e ? strchr(from, e) : NULL;
  if (f) {
    o[(*k)++] = (uint8_t)to[f - from];
    *i += 2;
    return 0;
  }
  uint32_t c, lo;
  if (e != 'u' || *i + 6 > n || hex4(s + *i + 2, &c)) return -1;
  *i += 6;
  if (c >= 0xDC00 && c <= 0xDFFF) return -1;
  if (c >= 0xD800 && c <= 0xDBFF) {
    if (*i + 6 > n || s[*i] != '\\' || s[*i + 1] != 'u' || hex4(s + *i + 2, &lo) ||
        lo < 0xDC00 || lo > 0xDFFF)
      return -1;
    c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
    *i += 6;
  }
  *k += put_utf8(o + *k, c);
  return 0;
}

int lf_json_unescape(const uint8_t *s, size_t n, char **out, size_t *outlen) {
  uint8_t *o = malloc(n + 1); /* escapes never grow: \uXXXX (6) >= 3 UTF-8 bytes */
  if (!o) return -2;
  size_t k = 0;
  for (size_t i = 0; i < n;) {
    if (s[i] != '\\') {
      o[k++] = s[i++];
    } else if (i + 1 >= n || unescape_one(s, n, &i, o, &k)) {
      free(o);
      return -1;
    }
  }
  o[k] = 0;
  *out = (char *)o;
  if (outlen) *outlen = k;
  return 0;
}
