/* pb_write.c: owns the protobuf wire-format writer (layout in pb.h). */
#include <string.h>

#include "pb.h"

static size_t varint_put(uint8_t *p, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    p[n++] = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  p[n++] = (uint8_t)v;
  return n;
}

void lf_pbw_varint(lf_buf *b, uint64_t v) {
  uint8_t t[10];
  lf_buf_put(b, t, varint_put(t, v));
}

void lf_pbw_key(lf_buf *b, uint32_t num, int wire) {
  lf_pbw_varint(b, ((uint64_t)num << 3) | (uint64_t)wire);
}

void lf_pbw_uint(lf_buf *b, uint32_t num, uint64_t v) {
  lf_pbw_key(b, num, 0);
  lf_pbw_varint(b, v);
}

void lf_pbw_uint_nz(lf_buf *b, uint32_t num, uint64_t v) {
  if (v) lf_pbw_uint(b, num, v);
}

void lf_pbw_sint32(lf_buf *b, uint32_t num, int32_t v) {
  lf_pbw_uint(b, num, (uint64_t)(int64_t)v);
}

void lf_pbw_fixed64(lf_buf *b, uint32_t num, uint64_t v) {
  lf_pbw_key(b, num, 1);
  lf_buf_u64le(b, v);
}

void lf_pbw_fixed32(lf_buf *b, uint32_t num, uint32_t v) {
  lf_pbw_key(b, num, 5);
  lf_buf_u32le(b, v);
}

void lf_pbw_bytes(lf_buf *b, uint32_t num, const void *data, size_t len) {
  lf_pbw_key(b, num, 2);
  lf_pbw_varint(b, len);
  lf_buf_put(b, data, len);
}

void lf_pbw_str(lf_buf *b, uint32_t num, const char *s) {
  if (s && *s) lf_pbw_bytes(b, num, s, strlen(s));
}

void lf_pbw_packed_u64(lf_buf *b, uint32_t num, const uint64_t *v, size_t n) {
  if (!n) return;
  size_t m = lf_pbw_begin(b);
  for (size_t i = 0; i < n; i++) lf_pbw_varint(b, v[i]);
  lf_pbw_end(b, num, m);
}

void lf_pbw_packed_u32(lf_buf *b, uint32_t num, const uint32_t *v, size_t n) {
  if (!n) return;
  size_t m = lf_pbw_begin(b);
  for (size_t i = 0; i < n; i++) lf_pbw_varint(b, v[i]);
  lf_pbw_end(b, num, m);
}

size_t lf_pbw_begin(lf_buf *b) { return b->len; }

void lf_pbw_end(lf_buf *b, uint32_t num, size_t mark) {
  if (b->rc) return;
  size_t len = b->len - mark;
  uint8_t head[20];
  size_t h = varint_put(head, ((uint64_t)num << 3) | 2);
  h += varint_put(head + h, len);
  if (lf_buf_reserve(b, h)) return;
  memmove(b->p + mark + h, b->p + mark, len);
  memcpy(b->p + mark, head, h);
  b->len += h;
}
