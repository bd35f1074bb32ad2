/*
** simd_int.h: internal header of ext/simd/, shared by the variant files and
** the dispatcher; not for use outside ext/simd/ (tests excepted).
**
** Sections: variant tables, per-element terms (the scalar arithmetic both
** variants use for tails, so a tail is computed identically everywhere),
** cosine finish, float16 conversion.
*/
#ifndef LANCE_SIMD_INT_H
#define LANCE_SIMD_INT_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "simd/simd.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "ext/simd assumes a little-endian host (Lance vectors are little-endian)"
#endif

/* ---- variant tables (simd_scalar.c, simd_avx2.c) ------------------------
** An entry with one == NULL is an unsupported (metric, elem) pair.  On a
** non-x86 build simd_avx2_kernels and simd_avx512_kernels are all NULL.
** simd_avx512_kernels holds only the pairs with a 512-bit kernel (the
** dispatcher takes the AVX2 entry for the others). */
extern const simd_kernel simd_scalar_kernels[SIMD_METRIC_COUNT][SIMD_ELEM_COUNT];
extern const simd_kernel simd_avx2_kernels[SIMD_METRIC_COUNT][SIMD_ELEM_COUNT];
extern const simd_kernel simd_avx512_kernels[SIMD_METRIC_COUNT][SIMD_ELEM_COUNT];
extern const simd_pq simd_scalar_pq, simd_avx2_pq, simd_avx512_pq;

/* ---- per-element terms ---------------------------------------------------
** Compiled under -std=c11, so GCC does not contract a*b+c into an FMA here
** (-ffp-contract=off in ISO C mode): tails round the same in both variants. */
static inline float simd__l2t(float x, float y) {
  float d = x - y;
  return d * d;
}
static inline float simd__l1t(float x, float y) { return fabsf(x - y); }
static inline float simd__ipt(float x, float y) { return x * y; }
static inline double simd__l2td(double x, double y) {
  double d = x - y;
  return d * d;
}
static inline double simd__l1td(double x, double y) { return fabs(x - y); }
static inline double simd__iptd(double x, double y) { return x * y; }

/* ---- cosine finish -------------------------------------------------------
** 1 - xy / (sqrt(xx) sqrt(yy)) as Lance's cosine_scalar; NaN when either
** squared norm is 0 (NaN inputs fall through and give NaN). */
static inline float simd__cos_finish(float xy, float xx, float yy) {
  if (xx == 0.0f || yy == 0.0f) return NAN;
  return 1.0f - xy / (sqrtf(xx) * sqrtf(yy));
}
static inline float simd__cos_finish_d(double xy, double xx, double yy) {
  if (xx == 0.0 || yy == 0.0) return NAN;
  return (float)(1.0 - xy / (sqrt(xx) * sqrt(yy)));
}

/* ---- float16 -------------------------------------------------------------- */
static inline float simd__bits_f32(uint32_t b) {
  float f;
  memcpy(&f, &b, sizeof f);
  return f;
}

/* binary16 -> binary32, exact; NaN payload kept and quieted (as F16C does). */
static inline float simd__h2f(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu, man = h & 0x3ffu;
  if (exp == 0x1f) return simd__bits_f32(sign | 0x7f800000u | (man << 13) | (man ? 0x400000u : 0));
  if (exp) return simd__bits_f32(sign | ((exp + 112u) << 23) | (man << 13));
  if (man == 0) return simd__bits_f32(sign);
  uint32_t e = 113; /* subnormal: man * 2^-24, renormalize */
  while (!(man & 0x400u)) {
    man <<= 1;
    e--;
  }
  return simd__bits_f32(sign | (e << 23) | ((man & 0x3ffu) << 13));
}

/* PQ distance table entries c0 .. ncode-1 (simd.h, simd_pq_table_fn): the
** reference, and the tail of the vector kernels. */
static inline void simd__pq_table_from(const float *q, const float *cbt, size_t sub, size_t ncode,
                                       int dot, size_t c0, float *out) {
  for (size_t c = c0; c < ncode; c++) {
    float s = 0;
    for (size_t d = 0; d < sub; d++)
      s += dot ? simd__ipt(q[d], cbt[d * ncode + c]) : simd__l2t(q[d], cbt[d * ncode + c]);
    out[c] = dot ? 1.0f - s : s;
  }
}

/* bfloat16 -> binary32: exact (NaN keeps its bits, hence stays NaN). */
static inline float simd__bf2f(uint16_t h) { return simd__bits_f32((uint32_t)h << 16); }

/* Shared by the vector variants (ATTR: their target attribute).
** SIMD_VMANY: name_many() applies name() to each of n vectors.
** SIMD_VCOS: cos_sfx and cos_sfx_many from the sums ips_sfx (x.x) and
** xyyy_sfx (x.y and y.y in one pass); S is the sum type, FIN the finish. */
#define SIMD_VMANY(ATTR, name, T)                                               \
  ATTR static void name##_many(const void *q, const void *base, size_t dim,     \
                               size_t n, float *out) {                          \
    const T *b = base;                                                          \
    for (size_t j = 0; j < n; j++) out[j] = name(q, b + j * dim, dim);          \
  }
#define SIMD_VCOS(ATTR, sfx, T, S, FIN)                                         \
  ATTR static float cos_##sfx(const void *a, const void *b, size_t n) {         \
    S yy, xx = ips_##sfx(a, a, n);                                              \
    S xy = xyyy_##sfx(a, b, n, &yy);                                            \
    return FIN(xy, xx, yy);                                                     \
  }                                                                             \
  ATTR static void cos_##sfx##_many(const void *q, const void *base, size_t dim, \
                                    size_t n, float *out) {                     \
    const T *b = base;                                                          \
    S yy, xx = ips_##sfx(q, q, dim);                                            \
    for (size_t j = 0; j < n; j++) {                                            \
      S xy = xyyy_##sfx(q, b + j * dim, dim, &yy);                              \
      out[j] = FIN(xy, xx, yy);                                                 \
    }                                                                           \
  }

/* The (metric, element) table of one variant, from its functions named
** <metric>_<elem> and <metric>_<elem>_many (and ham_bin for hamming). */
#define SIMD_ROW(name)                                                          \
  {                                                                             \
    [SIMD_F32] = {name##_f32, name##_f32_many, 4},                              \
    [SIMD_F16] = {name##_f16, name##_f16_many, 2},                              \
    [SIMD_BF16] = {name##_bf16, name##_bf16_many, 2},                           \
    [SIMD_F64] = {name##_f64, name##_f64_many, 8},                              \
    [SIMD_I8] = {name##_i8, name##_i8_many, 1},                                 \
    [SIMD_U8] = {name##_u8, name##_u8_many, 1},                                 \
  }
#define SIMD_KERNEL_TABLE(table)                                                \
  const simd_kernel table[SIMD_METRIC_COUNT][SIMD_ELEM_COUNT] = {               \
      [SIMD_L2] = SIMD_ROW(l2),                                                 \
      [SIMD_COSINE] = SIMD_ROW(cos),                                            \
      [SIMD_DOT] = SIMD_ROW(dot),                                               \
      [SIMD_IP] = SIMD_ROW(ip),                                                 \
      [SIMD_L1] = SIMD_ROW(l1),                                                 \
      [SIMD_HAMMING] = {[SIMD_BIN] = {ham_bin, ham_bin_many, 1}},               \
  }

#endif
