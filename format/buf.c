/* buf.c: owns lf_buf (buf.h). */
#include "buf.h"

#include <stdlib.h>
#include <string.h>

#include "lf_error.h"

void lf_buf_reset(lf_buf *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}

int lf_buf_reserve(lf_buf *b, size_t n) {
  if (b->rc) return b->rc;
  if (n <= b->cap - b->len) return LF_OK;
  if (n > SIZE_MAX / 2 - b->len) return b->rc = LF_NOMEM;
  size_t nc = b->cap ? b->cap : 256;
  while (nc - b->len < n) nc *= 2;
  uint8_t *np = realloc(b->p, nc);
  if (!np) return b->rc = LF_NOMEM;
  b->p = np;
  b->cap = nc;
  return LF_OK;
}

void lf_buf_put(lf_buf *b, const void *data, size_t n) {
  if (!n || lf_buf_reserve(b, n)) return;
  memcpy(b->p + b->len, data, n);
  b->len += n;
}

void lf_buf_zeros(lf_buf *b, size_t n) {
  if (!n || lf_buf_reserve(b, n)) return;
  memset(b->p + b->len, 0, n);
  b->len += n;
}

void lf_buf_u8(lf_buf *b, uint8_t v) { lf_buf_put(b, &v, 1); }

static void put_le(lf_buf *b, uint64_t v, int n) {
  uint8_t t[8];
  for (int i = 0; i < n; i++) t[i] = (uint8_t)(v >> (8 * i));
  lf_buf_put(b, t, (size_t)n);
}

void lf_buf_u16le(lf_buf *b, uint16_t v) { put_le(b, v, 2); }
void lf_buf_u32le(lf_buf *b, uint32_t v) { put_le(b, v, 4); }
void lf_buf_u64le(lf_buf *b, uint64_t v) { put_le(b, v, 8); }

void lf_buf_pad(lf_buf *b, size_t align) {
  size_t r = b->len & (align - 1);
  if (r) lf_buf_zeros(b, align - r);
}
