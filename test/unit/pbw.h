/*
** pbw.h: a tiny protobuf writer for unit tests (static inline, header only).
** Builds messages in a growable buffer; allocation failure aborts the test
** process (tests only).  Usage:
**   pbw m = {0};
**   pbw_u(&m, 3, 42);             field 3, varint 42
**   pbw_str(&m, 2, "name");       field 2, length-delimited
**   pbw_msg(&outer, 1, &m);       m as a sub-message of outer (m unchanged)
**   pbw_free(&m);
*/
#ifndef TEST_PBW_H
#define TEST_PBW_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pbw {
  uint8_t *p;
  size_t n, cap;
} pbw;

static inline void pbw_raw(pbw *w, const void *d, size_t len) {
  if (w->n + len + 1 > w->cap) {
    size_t nc = w->cap ? w->cap : 64;
    while (nc < w->n + len + 1) nc *= 2;
    uint8_t *np = realloc(w->p, nc);
    if (!np) {
      fprintf(stderr, "pbw: out of memory\n");
      abort();
    }
    w->p = np;
    w->cap = nc;
  }
  if (len) memcpy(w->p + w->n, d, len);
  w->n += len;
}

static inline void pbw_byte(pbw *w, uint8_t b) { pbw_raw(w, &b, 1); }

static inline void pbw_varint(pbw *w, uint64_t v) {
  while (v >= 0x80) {
    pbw_byte(w, (uint8_t)(v | 0x80));
    v >>= 7;
  }
  pbw_byte(w, (uint8_t)v);
}

static inline void pbw_key(pbw *w, uint32_t num, int wire) {
  pbw_varint(w, ((uint64_t)num << 3) | (uint64_t)wire);
}

/* Varint field (wire 0). */
static inline void pbw_u(pbw *w, uint32_t num, uint64_t v) {
  pbw_key(w, num, 0);
  pbw_varint(w, v);
}

/* int32 field as protobuf writes it: negatives are 10-byte sign-extended. */
static inline void pbw_i32(pbw *w, uint32_t num, int32_t v) {
  pbw_u(w, num, (uint64_t)(int64_t)v);
}

static inline void pbw_fixed32(pbw *w, uint32_t num, uint32_t v) {
  pbw_key(w, num, 5);
  for (int i = 0; i < 4; i++) pbw_byte(w, (uint8_t)(v >> (8 * i)));
}

static inline void pbw_fixed64(pbw *w, uint32_t num, uint64_t v) {
  pbw_key(w, num, 1);
  for (int i = 0; i < 8; i++) pbw_byte(w, (uint8_t)(v >> (8 * i)));
}

/* Length-delimited field (wire 2). */
static inline void pbw_bytes(pbw *w, uint32_t num, const void *d, size_t len) {
  pbw_key(w, num, 2);
  pbw_varint(w, len);
  pbw_raw(w, d, len);
}

static inline void pbw_str(pbw *w, uint32_t num, const char *s) {
  pbw_bytes(w, num, s, strlen(s));
}

static inline void pbw_msg(pbw *w, uint32_t num, const pbw *sub) {
  pbw_bytes(w, num, sub->p, sub->n);
}

/* Packed repeated varints (wire 2). */
static inline void pbw_packed(pbw *w, uint32_t num, const uint64_t *v, size_t n) {
  pbw tmp = {0};
  for (size_t i = 0; i < n; i++) pbw_varint(&tmp, v[i]);
  pbw_bytes(w, num, tmp.p, tmp.n);
  free(tmp.p);
}

static inline void pbw_reset(pbw *w) { w->n = 0; }

static inline void pbw_free(pbw *w) {
  free(w->p);
  memset(w, 0, sizeof *w);
}

/* ---- lance.file.Schema helpers (file.proto) ------------------------------ */

/* Append a Field message (field 1 of Schema): 2 name, 3 id, 4 parent_id,
** 5 logical_type (omitted when NULL), 6 nullable. */
static inline void pbw_schema_field(pbw *schema, const char *name, int32_t id,
                                    int32_t parent_id, const char *logical_type,
                                    int nullable) {
  pbw f = {0};
  pbw_u(&f, 1, 2); /* type LEAF: ignored by the reader */
  pbw_str(&f, 2, name);
  pbw_i32(&f, 3, id);
  pbw_i32(&f, 4, parent_id);
  if (logical_type) pbw_str(&f, 5, logical_type);
  pbw_u(&f, 6, nullable ? 1 : 0);
  pbw_msg(schema, 1, &f);
  pbw_free(&f);
}

/* Append a map<string, bytes> entry {1 key, 2 value} as field num. */
static inline void pbw_kv(pbw *w, uint32_t num, const char *key, const void *val,
                          size_t len) {
  pbw e = {0};
  pbw_str(&e, 1, key);
  pbw_bytes(&e, 2, val, len);
  pbw_msg(w, num, &e);
  pbw_free(&e);
}

#endif
