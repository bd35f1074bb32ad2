/*
** simd_scalar.c: the scalar reference kernels and their table
** (simd_scalar_kernels).  Plain C11, any CPU.
**
** Float kernels follow lance-linalg's auto-vectorized scalar code: L lanes
** (16 for float32/float16, 8 for float64) accumulate lane l from elements
** i*L + l, the tail (n mod L elements) is summed sequentially, and the lanes
** are then folded pairwise (lane l += lane l + L/2, L/4, ... 1) and added to
** the tail sum.  simd_avx2.c keeps exactly this lane layout and fold order,
** so the two variants differ only by FMA rounding.  Integer kernels sum
** exactly in int64.  No kernel allocates.
*/
#include "simd/simd_int.h"

/* LANE_SUM(ACC, L, n, TERM, out): out = sum over i in [0,n) of TERM (which
** uses i), accumulated as described above. */
#define LANE_SUM(ACC, L, n, TERM, out)                                          \
  do {                                                                          \
    ACC acc_[L] = {0};                                                          \
    ACC rem_ = 0;                                                               \
    size_t j_ = 0, m_ = (n) / (L) * (L);                                        \
    for (; j_ < m_; j_ += (L))                                                  \
      for (size_t l_ = 0; l_ < (L); l_++) {                                     \
        size_t i = j_ + l_;                                                     \
        acc_[l_] += (TERM);                                                     \
      }                                                                         \
    for (; j_ < (n); j_++) {                                                    \
      size_t i = j_;                                                            \
      rem_ += (TERM);                                                           \
    }                                                                           \
    for (size_t w_ = (L) / 2; w_ > 0; w_ /= 2)                                  \
      for (size_t l_ = 0; l_ < w_; l_++) acc_[l_] += acc_[l_ + w_];             \
    (out) = rem_ + acc_[0];                                                     \
  } while (0)

/* MANY(name, T): name_many() applies name() to each of n vectors. */
#define MANY(name, T)                                                           \
  static void name##_many(const void *q, const void *base, size_t dim, size_t n,  \
                          float *out) {                                         \
    const T *b = base;                                                          \
    for (size_t j = 0; j < n; j++) out[j] = name(q, b + j * dim, dim);          \
  }

/* COSINE(sfx, T, S, FIN): cos_sfx and cos_sfx_many from ip_/sq_ sums; the
** query's squared norm is computed once per many() call, by the same code as
** in one(), so many() equals one() exactly. */
#define COSINE(sfx, T, S, FIN)                                                     \
  static float cos_##sfx(const void *a, const void *b, size_t n) {              \
    return FIN(ipsum_##sfx(a, b, n), ipsum_##sfx(a, a, n), ipsum_##sfx(b, b, n)); \
  }                                                                             \
  static void cos_##sfx##_many(const void *q, const void *base, size_t dim,     \
                               size_t n, float *out) {                          \
    const T *b = base;                                                          \
    S qq = ipsum_##sfx(q, q, dim);                                              \
    for (size_t j = 0; j < n; j++) {                                            \
      const T *y = b + j * dim;                                                 \
      out[j] = FIN(ipsum_##sfx(q, y, dim), qq, ipsum_##sfx(y, y, dim));         \
    }                                                                           \
  }

/* The five float-typed metrics for one element type.  LD(p, i) loads element
** i as ACC; F is the term suffix ("" for float, "d" for double). */
#define FLOAT_KERNELS(sfx, T, ACC, L, LD, F, FIN)                               \
  static ACC ipsum_##sfx(const void *pa, const void *pb, size_t n) {            \
    const T *a = pa, *b = pb;                                                   \
    ACC s;                                                                      \
    LANE_SUM(ACC, L, n, simd__ipt##F(LD(a, i), LD(b, i)), s);                   \
    return s;                                                                   \
  }                                                                             \
  static float l2_##sfx(const void *pa, const void *pb, size_t n) {             \
    const T *a = pa, *b = pb;                                                   \
    ACC s;                                                                      \
    LANE_SUM(ACC, L, n, simd__l2t##F(LD(a, i), LD(b, i)), s);                   \
    return (float)s;                                                            \
  }                                                                             \
  static float l1_##sfx(const void *pa, const void *pb, size_t n) {             \
    const T *a = pa, *b = pb;                                                   \
    ACC s;                                                                      \
    LANE_SUM(ACC, L, n, simd__l1t##F(LD(a, i), LD(b, i)), s);                   \
    return (float)s;                                                            \
  }                                                                             \
  static float ip_##sfx(const void *a, const void *b, size_t n) {               \
    return (float)ipsum_##sfx(a, b, n);                                         \
  }                                                                             \
  static float dot_##sfx(const void *a, const void *b, size_t n) {              \
    return 1.0f - (float)ipsum_##sfx(a, b, n);                                  \
  }                                                                             \
  MANY(l2_##sfx, T)                                                             \
  MANY(l1_##sfx, T)                                                             \
  MANY(ip_##sfx, T)                                                             \
  MANY(dot_##sfx, T)                                                            \
  COSINE(sfx, T, ACC, FIN)

#define LD_PLAIN(p, i) ((p)[i])
#define LD_HALF(p, i) simd__h2f((p)[i])
#define LD_BF16(p, i) simd__bf2f((p)[i])

FLOAT_KERNELS(f32, float, float, 16, LD_PLAIN, , simd__cos_finish)
FLOAT_KERNELS(f16, uint16_t, float, 16, LD_HALF, , simd__cos_finish)
FLOAT_KERNELS(bf16, uint16_t, float, 16, LD_BF16, , simd__cos_finish)
FLOAT_KERNELS(f64, double, double, 8, LD_PLAIN, d, simd__cos_finish_d)

/* Integer kernels: exact int64 sums, converted to float at the end. */
#define INT_KERNELS(sfx, T)                                                     \
  static int64_t ipsum_##sfx(const void *pa, const void *pb, size_t n) {        \
    const T *a = pa, *b = pb;                                                   \
    int64_t s = 0;                                                              \
    for (size_t i = 0; i < n; i++) s += (int64_t)a[i] * b[i];                   \
    return s;                                                                   \
  }                                                                             \
  static float l2_##sfx(const void *pa, const void *pb, size_t n) {             \
    const T *a = pa, *b = pb;                                                   \
    int64_t s = 0;                                                              \
    for (size_t i = 0; i < n; i++) {                                            \
      int64_t d = (int64_t)a[i] - b[i];                                         \
      s += d * d;                                                               \
    }                                                                           \
    return (float)s;                                                            \
  }                                                                             \
  static float l1_##sfx(const void *pa, const void *pb, size_t n) {             \
    const T *a = pa, *b = pb;                                                   \
    int64_t s = 0;                                                              \
    for (size_t i = 0; i < n; i++) s += a[i] > b[i] ? a[i] - b[i] : b[i] - a[i]; \
    return (float)s;                                                            \
  }                                                                             \
  static float ip_##sfx(const void *a, const void *b, size_t n) {               \
    return (float)ipsum_##sfx(a, b, n);                                         \
  }                                                                             \
  static float dot_##sfx(const void *a, const void *b, size_t n) {              \
    return 1.0f - (float)ipsum_##sfx(a, b, n);                                  \
  }                                                                             \
  static float icos_##sfx(int64_t xy, int64_t xx, int64_t yy) {                 \
    return simd__cos_finish_d((double)xy, (double)xx, (double)yy);              \
  }                                                                             \
  MANY(l2_##sfx, T)                                                             \
  MANY(l1_##sfx, T)                                                             \
  MANY(ip_##sfx, T)                                                             \
  MANY(dot_##sfx, T)                                                            \
  COSINE(sfx, T, int64_t, icos_##sfx)

INT_KERNELS(i8, int8_t)
INT_KERNELS(u8, uint8_t)

/* Hamming over bit-packed bytes: 8-byte words (memcpy: no alignment needed),
** then the tail bytes. */
static float ham_bin(const void *pa, const void *pb, size_t n) {
  const unsigned char *a = pa, *b = pb;
  uint64_t s = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x, y;
    memcpy(&x, a + i, 8);
    memcpy(&y, b + i, 8);
    s += (uint64_t)__builtin_popcountll(x ^ y);
  }
  for (; i < n; i++) s += (uint64_t)__builtin_popcount((unsigned)(a[i] ^ b[i]));
  return (float)s;
}
MANY(ham_bin, unsigned char)

SIMD_KERNEL_TABLE(simd_scalar_kernels);

/* PQ table scans (simd.h): row by row, sub-vectors in order. */
static void pq8(const float *table, const uint8_t *codes, size_t stride, size_t m, size_t n,
                float *out) {
  for (size_t r = 0; r < n; r++) {
    float d = 0;
    for (size_t j = 0; j < m; j++) d += table[j * 256 + codes[j * stride + r]];
    out[r] = d;
  }
}
static void pq4(const float *table, const uint8_t *codes, size_t stride, size_t m, size_t n,
                float *out) {
  for (size_t r = 0; r < n; r++) {
    float d = 0;
    for (size_t j = 0; j < m / 2; j++) {
      uint8_t b = codes[j * stride + r];
      d += table[2 * j * 16 + (b & 15)] + table[(2 * j + 1) * 16 + (b >> 4)];
    }
    out[r] = d;
  }
}
static void pq_table(const float *q, const float *cbt, size_t sub, size_t ncode, int dot,
                     float *out) {
  simd__pq_table_from(q, cbt, sub, ncode, dot, 0, out);
}
const simd_pq simd_scalar_pq = {pq8, pq4, pq_table};
