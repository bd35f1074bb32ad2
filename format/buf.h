/*
** buf.h: lf_buf, the growable byte buffer every encoder in format/ appends
** to.  Errors are sticky (as fts5_buffer.c's pRc): after an allocation
** failure b->rc is LF_NOMEM and further appends do nothing, so a long chain
** of appends is checked once at its end.
*/
#ifndef LF_BUF_H
#define LF_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct lf_buf {
  uint8_t *p;
  size_t len, cap;
  int rc;            /* LF_OK, or LF_NOMEM once an append failed */
} lf_buf;

/* Zeroed struct = empty buffer.  _reset frees; _clear keeps the capacity. */
void lf_buf_reset(lf_buf *b);
static inline void lf_buf_clear(lf_buf *b) { b->len = 0; b->rc = 0; }
/* Room for n more bytes; 0 on success, LF_NOMEM (sticky) on failure. */
int lf_buf_reserve(lf_buf *b, size_t n);
void lf_buf_put(lf_buf *b, const void *data, size_t n);
void lf_buf_zeros(lf_buf *b, size_t n);
void lf_buf_u8(lf_buf *b, uint8_t v);
void lf_buf_u16le(lf_buf *b, uint16_t v);
void lf_buf_u32le(lf_buf *b, uint32_t v);
void lf_buf_u64le(lf_buf *b, uint64_t v);
/* Zero bytes up to the next multiple of align (a power of two). */
void lf_buf_pad(lf_buf *b, size_t align);

#endif
