/*
** bytes.h: little-endian integer reads from unaligned bytes, the one helper
** every parser in format/ uses (callers check the bounds first).
*/
#ifndef LF_BYTES_H
#define LF_BYTES_H

#include <stdint.h>

/* The n-byte (0..8) little-endian unsigned integer at p. */
static inline uint64_t lf_le(const uint8_t *p, unsigned n) {
  uint64_t v = 0;
  while (n-- > 0) v = v << 8 | p[n];
  return v;
}
static inline uint16_t lf_le16(const uint8_t *p) { return (uint16_t)lf_le(p, 2); }
static inline uint32_t lf_le32(const uint8_t *p) { return (uint32_t)lf_le(p, 4); }
static inline uint64_t lf_le64(const uint8_t *p) { return lf_le(p, 8); }

/* Bits [first, first + m) of the LSB-first bitmap bm, one 0/1 byte each. */
static inline void lf_bits_to_bytes(const uint8_t *bm, uint64_t first, uint64_t m, uint8_t *out) {
  for (uint64_t i = 0; i < m; i++) out[i] = (uint8_t)((bm[(first + i) >> 3] >> ((first + i) & 7)) & 1);
}

#endif
