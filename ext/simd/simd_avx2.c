/*
** simd_avx2.c: the AVX2 + FMA + F16C kernels and their table
** (simd_avx2_kernels).  Each function carries
** __attribute__((target("avx2,fma,f16c"))); the file is built with the
** project's ordinary flags, and simd.c only hands these out after checking
** CPUID and XCR0 (OS saves YMM state).
**
** Float layout (the same as simd_scalar.c, so only FMA rounding differs):
** float32/float16 use two 8-lane accumulators = lanes 0..7 and 8..15 of the
** reference's 16 lanes, float64 two 4-lane ones = 8 lanes; the tail is summed
** sequentially with the reference's own per-element terms (simd_int.h); the
** accumulators fold as the reference does (s0+s1, then halves) and the tail
** sum is added last.  float16 is widened with vcvtph2ps (exact, like
** simd__h2f), bfloat16 by a zero-extend and 16-bit shift (exact).  PQ
** table scans: see their section.  Integer kernels are exact: int8/uint8 widen to int16, multiply
** with vpmaddwd into int32 lanes flushed to int64 at least every 8192 steps;
** l1 uses vpsadbw (int8 biased by 0x80 first); hamming counts bits with a
** nibble lookup (vpshufb) summed by vpsadbw.  No kernel allocates.
*/
#include "simd/simd_int.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma,f16c")))

/* ---- horizontal sums ---------------------------------------------------- */
AVX2 static inline float hsum8(__m256 v) { /* lanes l += l+4, l+2, l+1 */
  __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  x = _mm_add_ps(x, _mm_movehl_ps(x, x));
  x = _mm_add_ss(x, _mm_shuffle_ps(x, x, 1));
  return _mm_cvtss_f32(x);
}
AVX2 static inline double hsum4d(__m256d v) { /* lanes l += l+2, l+1 */
  __m128d x = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  x = _mm_add_sd(x, _mm_unpackhi_pd(x, x));
  return _mm_cvtsd_f64(x);
}
AVX2 static inline int64_t hsum_epi64(__m256i v) {
  __m128i x = _mm_add_epi64(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  return _mm_cvtsi128_si64(x) + _mm_extract_epi64(x, 1);
}
AVX2 static inline int64_t hsum_epi32(__m256i v) {
  return hsum_epi64(_mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(v)),
                                     _mm256_cvtepi32_epi64(_mm256_extracti128_si256(v, 1))));
}

/* ---- vector terms ------------------------------------------------------- */
AVX2 static inline __m256 v_l2(__m256 s, __m256 x, __m256 y) {
  __m256 d = _mm256_sub_ps(x, y);
  return _mm256_fmadd_ps(d, d, s);
}
AVX2 static inline __m256 v_l1(__m256 s, __m256 x, __m256 y) {
  return _mm256_add_ps(s, _mm256_andnot_ps(_mm256_set1_ps(-0.0f), _mm256_sub_ps(x, y)));
}
AVX2 static inline __m256 v_ip(__m256 s, __m256 x, __m256 y) { return _mm256_fmadd_ps(x, y, s); }
AVX2 static inline __m256d vd_l2(__m256d s, __m256d x, __m256d y) {
  __m256d d = _mm256_sub_pd(x, y);
  return _mm256_fmadd_pd(d, d, s);
}
AVX2 static inline __m256d vd_l1(__m256d s, __m256d x, __m256d y) {
  return _mm256_add_pd(s, _mm256_andnot_pd(_mm256_set1_pd(-0.0), _mm256_sub_pd(x, y)));
}
AVX2 static inline __m256d vd_ip(__m256d s, __m256d x, __m256d y) {
  return _mm256_fmadd_pd(x, y, s);
}

/* ---- float32 / float16 / float64 sums ----------------------------------- */
#define LD_F32(p, i) _mm256_loadu_ps((p) + (i))
#define LD_F16(p, i) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(const void *)((p) + (i))))
#define LD_F64(p, i) _mm256_loadu_pd((p) + (i))
#define SL_PLAIN(p, i) ((p)[i])
#define SL_HALF(p, i) simd__h2f((p)[i])
#define LD_BF16(p, i)                                                           \
  _mm256_castsi256_ps(_mm256_slli_epi32(                                        \
      _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(const void *)((p) + (i)))), 16))
#define SL_BF16(p, i) simd__bf2f((p)[i])

/* name(a, b, n): float sum of ST(a_i, b_i) with vector term VT. */
#define F32_SUM(name, T, LD, SL, VT, ST)                                        \
  AVX2 static float name(const T *a, const T *b, size_t n) {                    \
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();                  \
    size_t i = 0, m = n / 16 * 16;                                              \
    for (; i < m; i += 16) {                                                    \
      s0 = VT(s0, LD(a, i), LD(b, i));                                          \
      s1 = VT(s1, LD(a, i + 8), LD(b, i + 8));                                  \
    }                                                                           \
    float rem = 0;                                                              \
    for (; i < n; i++) rem += ST(SL(a, i), SL(b, i));                           \
    return rem + hsum8(_mm256_add_ps(s0, s1));                                  \
  }

/* xyyy(a, b, n, &yy): returns sum a_i b_i and sets yy = sum b_i b_i, in one
** pass with the same lanes as two F32_SUM(ip) calls (hence equal results). */
#define F32_XYYY(name, T, LD, SL)                                               \
  AVX2 static float name(const T *a, const T *b, size_t n, float *yy) {         \
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();                  \
    __m256 t0 = _mm256_setzero_ps(), t1 = _mm256_setzero_ps();                  \
    size_t i = 0, m = n / 16 * 16;                                              \
    for (; i < m; i += 16) {                                                    \
      __m256 y0 = LD(b, i), y1 = LD(b, i + 8);                                  \
      s0 = v_ip(s0, LD(a, i), y0);                                              \
      s1 = v_ip(s1, LD(a, i + 8), y1);                                          \
      t0 = v_ip(t0, y0, y0);                                                    \
      t1 = v_ip(t1, y1, y1);                                                    \
    }                                                                           \
    float rxy = 0, ryy = 0;                                                     \
    for (; i < n; i++) {                                                        \
      float y = SL(b, i);                                                       \
      rxy += simd__ipt(SL(a, i), y);                                            \
      ryy += simd__ipt(y, y);                                                   \
    }                                                                           \
    *yy = ryy + hsum8(_mm256_add_ps(t0, t1));                                   \
    return rxy + hsum8(_mm256_add_ps(s0, s1));                                  \
  }

#define F64_SUM(name, VT, ST)                                                   \
  AVX2 static double name(const double *a, const double *b, size_t n) {         \
    __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();                 \
    size_t i = 0, m = n / 8 * 8;                                                \
    for (; i < m; i += 8) {                                                     \
      s0 = VT(s0, LD_F64(a, i), LD_F64(b, i));                                  \
      s1 = VT(s1, LD_F64(a, i + 4), LD_F64(b, i + 4));                          \
    }                                                                           \
    double rem = 0;                                                             \
    for (; i < n; i++) rem += ST(a[i], b[i]);                                   \
    return rem + hsum4d(_mm256_add_pd(s0, s1));                                 \
  }

F32_SUM(l2s_f32, float, LD_F32, SL_PLAIN, v_l2, simd__l2t)
F32_SUM(l1s_f32, float, LD_F32, SL_PLAIN, v_l1, simd__l1t)
F32_SUM(ips_f32, float, LD_F32, SL_PLAIN, v_ip, simd__ipt)
F32_XYYY(xyyy_f32, float, LD_F32, SL_PLAIN)
F32_SUM(l2s_f16, uint16_t, LD_F16, SL_HALF, v_l2, simd__l2t)
F32_SUM(l1s_f16, uint16_t, LD_F16, SL_HALF, v_l1, simd__l1t)
F32_SUM(ips_f16, uint16_t, LD_F16, SL_HALF, v_ip, simd__ipt)
F32_XYYY(xyyy_f16, uint16_t, LD_F16, SL_HALF)
F32_SUM(l2s_bf16, uint16_t, LD_BF16, SL_BF16, v_l2, simd__l2t)
F32_SUM(l1s_bf16, uint16_t, LD_BF16, SL_BF16, v_l1, simd__l1t)
F32_SUM(ips_bf16, uint16_t, LD_BF16, SL_BF16, v_ip, simd__ipt)
F32_XYYY(xyyy_bf16, uint16_t, LD_BF16, SL_BF16)
F64_SUM(l2s_f64, vd_l2, simd__l2td)
F64_SUM(l1s_f64, vd_l1, simd__l1td)
F64_SUM(ips_f64, vd_ip, simd__iptd)

AVX2 static double xyyy_f64(const double *a, const double *b, size_t n, double *yy) {
  *yy = ips_f64(b, b, n);
  return ips_f64(a, b, n);
}

/* ---- integer sums (exact) ----------------------------------------------- */
#define LD_I8(p, i) _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(const void *)((p) + (i))))
#define LD_U8(p, i) _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(const void *)((p) + (i))))

AVX2 static inline __m256i vi_l2(__m256i s, __m256i x, __m256i y) {
  __m256i d = _mm256_sub_epi16(x, y);
  return _mm256_add_epi32(s, _mm256_madd_epi16(d, d));
}
AVX2 static inline __m256i vi_ip(__m256i s, __m256i x, __m256i y) {
  return _mm256_add_epi32(s, _mm256_madd_epi16(x, y));
}
static inline int64_t si_l2(int64_t x, int64_t y) { return (x - y) * (x - y); }
static inline int64_t si_ip(int64_t x, int64_t y) { return x * y; }

/* 16 elements per step, each step adds at most 2*255*255 to an int32 lane:
** flushing every 8192 steps keeps lanes below 2^31. */
#define INT_SUM(name, T, LD, VT, ST)                                            \
  AVX2 static int64_t name(const T *a, const T *b, size_t n) {                  \
    int64_t total = 0;                                                          \
    size_t i = 0;                                                               \
    while (n - i >= 16) {                                                       \
      size_t steps = (n - i) / 16 < 8192 ? (n - i) / 16 : 8192;                 \
      size_t m = i + steps * 16;                                                \
      __m256i s = _mm256_setzero_si256();                                       \
      for (; i < m; i += 16) s = VT(s, LD(a, i), LD(b, i));                     \
      total += hsum_epi32(s);                                                   \
    }                                                                           \
    for (; i < n; i++) total += ST(a[i], b[i]);                                 \
    return total;                                                               \
  }

/* sum |a_i - b_i| with vpsadbw; BIAS maps int8 to uint8 order-preservingly. */
#define INT_L1(name, T, BIAS)                                                   \
  AVX2 static int64_t name(const T *a, const T *b, size_t n) {                  \
    const __m256i bias = _mm256_set1_epi8((char)(BIAS));                        \
    __m256i s = _mm256_setzero_si256();                                         \
    size_t i = 0;                                                               \
    for (; i + 32 <= n; i += 32) {                                              \
      __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(a + i));   \
      __m256i y = _mm256_loadu_si256((const __m256i *)(const void *)(b + i));   \
      x = _mm256_xor_si256(x, bias);                                            \
      y = _mm256_xor_si256(y, bias);                                            \
      s = _mm256_add_epi64(s, _mm256_sad_epu8(x, y));                           \
    }                                                                           \
    int64_t total = hsum_epi64(s);                                              \
    for (; i < n; i++) total += a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];        \
    return total;                                                               \
  }

INT_SUM(l2s_i8, int8_t, LD_I8, vi_l2, si_l2)
INT_SUM(ips_i8, int8_t, LD_I8, vi_ip, si_ip)
INT_SUM(l2s_u8, uint8_t, LD_U8, vi_l2, si_l2)
INT_SUM(ips_u8, uint8_t, LD_U8, vi_ip, si_ip)
INT_L1(l1s_i8, int8_t, 0x80)
INT_L1(l1s_u8, uint8_t, 0)

AVX2 static int64_t xyyy_i8(const int8_t *a, const int8_t *b, size_t n, int64_t *yy) {
  *yy = ips_i8(b, b, n);
  return ips_i8(a, b, n);
}
AVX2 static int64_t xyyy_u8(const uint8_t *a, const uint8_t *b, size_t n, int64_t *yy) {
  *yy = ips_u8(b, b, n);
  return ips_u8(a, b, n);
}
static float icos(int64_t xy, int64_t xx, int64_t yy) {
  return simd__cos_finish_d((double)xy, (double)xx, (double)yy);
}

/* ---- hamming ------------------------------------------------------------- */
AVX2 static inline __m256i popcnt_bytes(__m256i v) {
  const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1,
                                       1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0f);
  __m256i lo = _mm256_and_si256(v, low);
  __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
  return _mm256_add_epi8(_mm256_shuffle_epi8(lut, lo), _mm256_shuffle_epi8(lut, hi));
}

AVX2 static float ham_bin(const void *pa, const void *pb, size_t n) {
  const unsigned char *a = pa, *b = pb;
  __m256i s = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(a + i));
    __m256i y = _mm256_loadu_si256((const __m256i *)(const void *)(b + i));
    __m256i c = popcnt_bytes(_mm256_xor_si256(x, y));
    s = _mm256_add_epi64(s, _mm256_sad_epu8(c, _mm256_setzero_si256()));
  }
  int64_t total = hsum_epi64(s);
  for (; i < n; i++) total += __builtin_popcount((unsigned)(a[i] ^ b[i]));
  return (float)total;
}

/* ---- void* entry points, many(), tables ---------------------------------- */
#define MANY(name, T) SIMD_VMANY(AVX2, name, T)
#define COS_ENTRY(sfx, T, S, FIN) SIMD_VCOS(AVX2, sfx, T, S, FIN)

/* Entry points for one element type from its sums (S = sum type). */
#define ENTRY(sfx, T, S, FIN)                                                   \
  AVX2 static float l2_##sfx(const void *a, const void *b, size_t n) {          \
    return (float)l2s_##sfx(a, b, n);                                           \
  }                                                                             \
  AVX2 static float l1_##sfx(const void *a, const void *b, size_t n) {          \
    return (float)l1s_##sfx(a, b, n);                                           \
  }                                                                             \
  AVX2 static float ip_##sfx(const void *a, const void *b, size_t n) {          \
    return (float)ips_##sfx(a, b, n);                                           \
  }                                                                             \
  AVX2 static float dot_##sfx(const void *a, const void *b, size_t n) {         \
    return 1.0f - (float)ips_##sfx(a, b, n);                                    \
  }                                                                             \
  COS_ENTRY(sfx, T, S, FIN)                                                     \
  MANY(l2_##sfx, T)                                                             \
  MANY(l1_##sfx, T)                                                             \
  MANY(ip_##sfx, T)                                                             \
  MANY(dot_##sfx, T)

/* many() for float32 vectors shorter than 16: the reference sums such a
** vector sequentially (tail only), so 8 vectors go side by side, lane j
** adding vector j's terms in element order: the reference's bits. */
#define F32_SHORT_MANY(name, TERM, FIN)                                         \
  AVX2 static void name##_many(const void *q, const void *base, size_t dim,     \
                               size_t n, float *out) {                          \
    const float *a = q, *b = base;                                              \
    size_t j = 0;                                                               \
    if (dim < 16) {                                                             \
      const __m256i idx = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), \
                                             _mm256_set1_epi32((int)dim));      \
      for (; j + 8 <= n; j += 8) {                                              \
        __m256 s = _mm256_setzero_ps();                                         \
        for (size_t i = 0; i < dim; i++) {                                      \
          __m256 x = _mm256_i32gather_ps(b + j * dim + i, idx, 4);              \
          s = _mm256_add_ps(s, TERM(_mm256_set1_ps(a[i]), x));                  \
        }                                                                       \
        _mm256_storeu_ps(out + j, FIN(s));                                      \
      }                                                                         \
    }                                                                           \
    for (; j < n; j++) out[j] = name(q, b + j * dim, dim);                      \
  }
AVX2 static inline __m256 t_l2(__m256 x, __m256 y) {
  __m256 d = _mm256_sub_ps(x, y);
  return _mm256_mul_ps(d, d);
}
AVX2 static inline __m256 t_ip(__m256 x, __m256 y) { return _mm256_mul_ps(x, y); }
AVX2 static inline __m256 f_same(__m256 s) { return s; }
AVX2 static inline __m256 f_dot(__m256 s) { return _mm256_sub_ps(_mm256_set1_ps(1.0f), s); }

AVX2 static float l2_f32(const void *a, const void *b, size_t n) { return l2s_f32(a, b, n); }
AVX2 static float ip_f32(const void *a, const void *b, size_t n) { return ips_f32(a, b, n); }
AVX2 static float dot_f32(const void *a, const void *b, size_t n) { return 1.0f - ips_f32(a, b, n); }
AVX2 static float l1_f32(const void *a, const void *b, size_t n) { return l1s_f32(a, b, n); }
F32_SHORT_MANY(l2_f32, t_l2, f_same)
F32_SHORT_MANY(ip_f32, t_ip, f_same)
F32_SHORT_MANY(dot_f32, t_ip, f_dot)
MANY(l1_f32, float)
COS_ENTRY(f32, float, float, simd__cos_finish)
ENTRY(f16, uint16_t, float, simd__cos_finish)
ENTRY(bf16, uint16_t, float, simd__cos_finish)
ENTRY(f64, double, double, simd__cos_finish_d)
ENTRY(i8, int8_t, int64_t, icos)
ENTRY(u8, uint8_t, int64_t, icos)
MANY(ham_bin, unsigned char)

SIMD_KERNEL_TABLE(simd_avx2_kernels);

/* ---- PQ table scans -------------------------------------------------------
** 8-bit codes: gathers are slower than plain loads on the CPUs measured
** (Zen 4: 11.6 vs 8.0 ns a row of 16 codes), so 8 rows go side by side in
** scalar registers: one 8-byte load brings a sub-vector's codes of the 8
** rows, and 8 independent sums hide the add latency.  4-bit codes: a
** sub-vector's 16 entries sit in two registers, looked up with vpermps and
** blended on bit 3.  Each row still sums in sub-vector order from 0. */
static void pq8(const float *table, const uint8_t *codes, size_t stride, size_t m, size_t n,
                float *out) {
  size_t r = 0;
  for (; r + 8 <= n; r += 8) {
    float d[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (size_t j = 0; j < m; j++) {
      uint64_t c;
      memcpy(&c, codes + j * stride + r, 8);
      const float *t = table + j * 256;
      d[0] += t[c & 255], d[1] += t[(c >> 8) & 255], d[2] += t[(c >> 16) & 255];
      d[3] += t[(c >> 24) & 255], d[4] += t[(c >> 32) & 255], d[5] += t[(c >> 40) & 255];
      d[6] += t[(c >> 48) & 255], d[7] += t[c >> 56];
    }
    memcpy(out + r, d, sizeof d);
  }
  if (r < n) simd_scalar_pq.pq8(table, codes + r, stride, m, n - r, out + r);
}

AVX2 static inline __m256 lookup16(const float *t, __m256i idx) {
  __m256 lo = _mm256_permutevar8x32_ps(_mm256_loadu_ps(t), idx);
  __m256 hi = _mm256_permutevar8x32_ps(_mm256_loadu_ps(t + 8), idx);
  __m256 use_hi = _mm256_castsi256_ps(_mm256_slli_epi32(idx, 28)); /* bit 3 to the sign */
  return _mm256_blendv_ps(lo, hi, use_hi);
}

AVX2 static void pq4(const float *table, const uint8_t *codes, size_t stride, size_t m,
                     size_t n, float *out) {
  const __m256i low = _mm256_set1_epi32(15);
  size_t r = 0;
  for (; r + 8 <= n; r += 8) {
    __m256 d = _mm256_setzero_ps();
    for (size_t j = 0; j < m / 2; j++) {
      __m128i c = _mm_loadl_epi64((const __m128i *)(const void *)(codes + j * stride + r));
      __m256i b = _mm256_cvtepu8_epi32(c);
      __m256 lo = lookup16(table + 2 * j * 16, _mm256_and_si256(b, low));
      __m256 hi = lookup16(table + (2 * j + 1) * 16, _mm256_srli_epi32(b, 4));
      d = _mm256_add_ps(d, _mm256_add_ps(lo, hi));
    }
    _mm256_storeu_ps(out + r, d);
  }
  if (r < n) simd_scalar_pq.pq4(table, codes + r, stride, m, n - r, out + r);
}

/* 8 codes per step, each lane summing its code's terms in d order */
AVX2 static void pq_table(const float *q, const float *cbt, size_t sub, size_t ncode, int dot,
                          float *out) {
  size_t c = 0;
  for (; c + 8 <= ncode; c += 8) {
    __m256 s = _mm256_setzero_ps();
    for (size_t d = 0; d < sub; d++) {
      __m256 x = _mm256_set1_ps(q[d]), y = _mm256_loadu_ps(cbt + d * ncode + c);
      s = _mm256_add_ps(s, dot ? _mm256_mul_ps(x, y) : t_l2(x, y));
    }
    _mm256_storeu_ps(out + c, dot ? _mm256_sub_ps(_mm256_set1_ps(1.0f), s) : s);
  }
  simd__pq_table_from(q, cbt, sub, ncode, dot, c, out);
}
const simd_pq simd_avx2_pq = {pq8, pq4, pq_table};

#else /* not x86-64: no AVX2 variant */
const simd_kernel simd_avx2_kernels[SIMD_METRIC_COUNT][SIMD_ELEM_COUNT];
const simd_pq simd_avx2_pq;
#endif
