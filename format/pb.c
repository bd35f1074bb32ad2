/* pb.c: owns protobuf wire-format decoding (layout in pb.h). */
#include "pb.h"

#include <stdlib.h>

void lf_pb_init(lf_pb *pb, const uint8_t *data, size_t len) {
  pb->p = data;
  pb->end = data ? data + len : data;
}

int lf_pb_varint(const uint8_t **pp, const uint8_t *end, uint64_t *out) {
  const uint8_t *p = *pp;
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (p >= end) return -1;
    uint8_t b = *p++;
    if (shift == 63 && (b & 0x7e)) return -1; /* more than 64 bits */
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *pp = p;
      *out = v;
      return 0;
    }
  }
  return -1;
}

int lf_pb_next(lf_pb *pb, lf_pb_field *f, const char *what, lf_error *err) {
  if (pb->p >= pb->end) return 0;
  uint64_t key;
  if (lf_pb_varint(&pb->p, pb->end, &key)) {
    lf_err(err, LF_CORRUPT, "%s: truncated protobuf field key", what);
    return -1;
  }
  f->num = (uint32_t)(key >> 3);
  f->wire = (int)(key & 7);
  f->data = NULL;
  f->len = 0;
  f->u = 0;
  if (f->num == 0 || key >> 3 > 0x1fffffff) {
    lf_err(err, LF_CORRUPT, "%s: invalid protobuf field number %llu", what,
           (unsigned long long)(key >> 3));
    return -1;
  }
  size_t left;
  switch (f->wire) {
    case 0:
      if (lf_pb_varint(&pb->p, pb->end, &f->u)) break;
      return 1;
    case 1:
    case 5: {
      size_t w = f->wire == 1 ? 8 : 4;
      if ((size_t)(pb->end - pb->p) < w) break;
      uint64_t v = 0;
      for (size_t i = 0; i < w; i++) v |= (uint64_t)pb->p[i] << (8 * i);
      f->u = v;
      pb->p += w;
      return 1;
    }
    case 2: {
      uint64_t len;
      if (lf_pb_varint(&pb->p, pb->end, &len)) break;
      left = (size_t)(pb->end - pb->p);
      if (len > left) {
        lf_err(err, LF_CORRUPT, "%s: field %u length %llu exceeds message (%zu bytes left)",
               what, f->num, (unsigned long long)len, left);
        return -1;
      }
      f->data = pb->p;
      f->len = (size_t)len;
      pb->p += len;
      return 1;
    }
    default:
      lf_err(err, LF_CORRUPT, "%s: field %u has unsupported wire type %d", what, f->num,
             f->wire);
      return -1;
  }
  lf_err(err, LF_CORRUPT, "%s: field %u truncated", what, f->num);
  return -1;
}

static int push_u64(uint64_t v, uint64_t **arr, size_t *n, size_t *cap) {
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 8;
    uint64_t *a = realloc(*arr, nc * sizeof *a);
    if (!a) return LF_NOMEM;
    *arr = a;
    *cap = nc;
  }
  (*arr)[(*n)++] = v;
  return LF_OK;
}

int lf_pb_append_u64s(const lf_pb_field *f, uint64_t **arr, size_t *n, size_t *cap,
                      lf_error *err) {
  if (f->wire == 0) {
    if (push_u64(f->u, arr, n, cap)) return lf_err(err, LF_NOMEM, "out of memory");
    return LF_OK;
  }
  if (f->wire != 2)
    return lf_err(err, LF_CORRUPT, "repeated integer field %u has wire type %d", f->num,
                  f->wire);
  const uint8_t *p = f->data, *end = f->data + f->len;
  while (p < end) {
    uint64_t v;
    if (lf_pb_varint(&p, end, &v))
      return lf_err(err, LF_CORRUPT, "packed field %u: truncated varint", f->num);
    if (push_u64(v, arr, n, cap)) return lf_err(err, LF_NOMEM, "out of memory");
  }
  return LF_OK;
}
