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

#endif
