/*
** pb.h: a minimal protobuf wire-format reader and writer.
**
** Wire format: a message is a sequence of fields; each starts with a varint
** key = (field_number << 3) | wire_type.  Wire types used by Lance:
**   0 varint (int32/int64/uint32/uint64/bool/enum; int32 negatives are
**     10-byte sign-extended), 1 fixed64, 2 length-delimited (bytes, string,
**     sub-message, packed repeated scalars), 5 fixed32.
** Groups (3, 4) are rejected as corrupt.  Nothing here allocates: values and
** byte ranges are views into the caller's buffer.
*/
#ifndef LF_PB_H
#define LF_PB_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "lf_error.h"

typedef struct lf_pb {
  const uint8_t *p;   /* next unread byte */
  const uint8_t *end; /* one past the message */
} lf_pb;

typedef struct lf_pb_field {
  uint32_t num;         /* field number */
  int wire;             /* wire type 0, 1, 2, 5 */
  uint64_t u;           /* value for wire types 0, 1, 5 */
  const uint8_t *data;  /* wire type 2: payload view */
  size_t len;           /* wire type 2: payload length */
} lf_pb_field;

void lf_pb_init(lf_pb *pb, const uint8_t *data, size_t len);

/* Read the next field.  Returns 1 if a field was read, 0 at the end of the
** message, or -1 on corrupt input (err set, naming `what`). */
int lf_pb_next(lf_pb *pb, lf_pb_field *f, const char *what, lf_error *err);

/* Read one varint from [*pp, end); advances *pp.  0 ok, -1 corrupt. */
int lf_pb_varint(const uint8_t **pp, const uint8_t *end, uint64_t *out);

/* A repeated uint64/uint32 field may come packed (wire 2) or one value per
** field (wire 0).  Appends the field's value(s) to a growable array.
** Returns LF_OK, LF_CORRUPT or LF_NOMEM. */
int lf_pb_append_u64s(const lf_pb_field *f, uint64_t **arr, size_t *n, size_t *cap,
                      lf_error *err);

/* Sub-message view of a wire-type-2 field. */
static inline void lf_pb_sub(lf_pb *sub, const lf_pb_field *f) {
  lf_pb_init(sub, f->data, f->len);
}

/* ---- Writer (pb_write.c): appends to an lf_buf (sticky errors) ---------- */

void lf_pbw_varint(lf_buf *b, uint64_t v);
void lf_pbw_key(lf_buf *b, uint32_t num, int wire);
/* Scalar fields.  proto3 writers skip zero values; these always write, the
** caller decides (lf_pbw_uint_nz skips 0). */
void lf_pbw_uint(lf_buf *b, uint32_t num, uint64_t v);   /* wire 0 */
void lf_pbw_uint_nz(lf_buf *b, uint32_t num, uint64_t v);
void lf_pbw_sint32(lf_buf *b, uint32_t num, int32_t v); /* int32: negatives as 10 bytes */
void lf_pbw_fixed64(lf_buf *b, uint32_t num, uint64_t v);
void lf_pbw_fixed32(lf_buf *b, uint32_t num, uint32_t v);
void lf_pbw_bytes(lf_buf *b, uint32_t num, const void *data, size_t len);
void lf_pbw_str(lf_buf *b, uint32_t num, const char *s);      /* NULL or "" skipped */
/* A packed repeated uint64/uint32 field (skipped when n == 0). */
void lf_pbw_packed_u64(lf_buf *b, uint32_t num, const uint64_t *v, size_t n);
void lf_pbw_packed_u32(lf_buf *b, uint32_t num, const uint32_t *v, size_t n);
/* A sub-message: begin returns a mark; write its fields; end inserts the
** key and length in front of them.  Nesting works (marks are offsets). */
size_t lf_pbw_begin(lf_buf *b);
void lf_pbw_end(lf_buf *b, uint32_t num, size_t mark);

#endif
