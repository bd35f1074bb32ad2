/*
** simd_avx512.c: the AVX-512 kernels (F, BW, DQ, VL, VNNI) and their table
** (simd_avx512_kernels, simd_avx512_pq).  Each function carries
** __attribute__((target(...))); simd.c hands them out only after checking
** CPUID and XCR0 (OS saves opmask and ZMM state).  Pairs without a kernel
** here are NULL in the table and served by the AVX2 kernels.
**
** float32 / float16 / bfloat16: one 16-lane zmm accumulator is exactly the
** scalar reference's 16 lanes; it folds as the reference does (lanes l +=
** l+8, then l+4, l+2, l+1) and the tail is summed sequentially with the
** reference's per-element terms, so results differ from the reference only
** by FMA rounding (as the AVX2 ones).  float16 is widened with vcvtph2ps,
** bfloat16 by a zero-extend and a 16-bit shift (both exact).
** int8 / uint8 l2, ip, dot, cosine: 32 elements widened to int16 per step,
** multiplied and summed pairwise into int32 lanes by vpdpwssd (VNNI); a
** step adds at most 2*255^2 to a lane, so flushing to int64 every 8192
** steps keeps lanes below 2^31: exact, as the reference.
** PQ scans: 4-bit codes, 16 rows per step, look up a sub-vector's 16
** entries held in one register (vpermps); 8-bit codes use the AVX2 variant's
** scan.  Sums in
** sub-vector order, no FMA: the reference's bits.  Distance tables from a
** transposed codebook: 16 codes per step.  No kernel allocates.
*/
#include "simd/simd_int.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512                                                                  \
  __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni,avx2,fma,f16c")))

/* lanes l += l+8, then the AVX2 fold (l += l+4, l+2, l+1) */
AVX512 static inline float hsum16(__m512 v) {
  __m256 h = _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
  __m128 x = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
  x = _mm_add_ps(x, _mm_movehl_ps(x, x));
  x = _mm_add_ss(x, _mm_shuffle_ps(x, x, 1));
  return _mm_cvtss_f32(x);
}

AVX512 static inline __m512 z_l2(__m512 s, __m512 x, __m512 y) {
  __m512 d = _mm512_sub_ps(x, y);
  return _mm512_fmadd_ps(d, d, s);
}
AVX512 static inline __m512 z_l1(__m512 s, __m512 x, __m512 y) {
  return _mm512_add_ps(s, _mm512_abs_ps(_mm512_sub_ps(x, y)));
}
AVX512 static inline __m512 z_ip(__m512 s, __m512 x, __m512 y) { return _mm512_fmadd_ps(x, y, s); }

#define LD_F32(p, i) _mm512_loadu_ps((p) + (i))
#define LD_F16(p, i) _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(const void *)((p) + (i))))
#define LD_BF16(p, i)                                                           \
  _mm512_castsi512_ps(_mm512_slli_epi32(                                        \
      _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(const void *)((p) + (i)))), 16))
#define SL_PLAIN(p, i) ((p)[i])
#define SL_HALF(p, i) simd__h2f((p)[i])
#define SL_BF16(p, i) simd__bf2f((p)[i])

#define F_SUM(name, T, LD, SL, VT, ST)                                          \
  AVX512 static float name(const T *a, const T *b, size_t n) {                  \
    __m512 s = _mm512_setzero_ps();                                             \
    size_t i = 0, m = n / 16 * 16;                                              \
    for (; i < m; i += 16) s = VT(s, LD(a, i), LD(b, i));                       \
    float rem = 0;                                                              \
    for (; i < n; i++) rem += ST(SL(a, i), SL(b, i));                           \
    return rem + hsum16(s);                                                     \
  }

/* sum a_i b_i, and *yy = sum b_i b_i, lanes as F_SUM(ip) */
#define F_XYYY(name, T, LD, SL)                                                 \
  AVX512 static float name(const T *a, const T *b, size_t n, float *yy) {       \
    __m512 s = _mm512_setzero_ps(), t = _mm512_setzero_ps();                    \
    size_t i = 0, m = n / 16 * 16;                                              \
    for (; i < m; i += 16) {                                                    \
      __m512 y = LD(b, i);                                                      \
      s = z_ip(s, LD(a, i), y);                                                 \
      t = z_ip(t, y, y);                                                        \
    }                                                                           \
    float rxy = 0, ryy = 0;                                                     \
    for (; i < n; i++) {                                                        \
      float y = SL(b, i);                                                       \
      rxy += simd__ipt(SL(a, i), y);                                            \
      ryy += simd__ipt(y, y);                                                   \
    }                                                                           \
    *yy = ryy + hsum16(t);                                                      \
    return rxy + hsum16(s);                                                     \
  }

#define F_KERNELS(sfx, T, LD, SL)                                               \
  F_SUM(l2s_##sfx, T, LD, SL, z_l2, simd__l2t)                                  \
  F_SUM(l1s_##sfx, T, LD, SL, z_l1, simd__l1t)                                  \
  F_SUM(ips_##sfx, T, LD, SL, z_ip, simd__ipt)                                  \
  F_XYYY(xyyy_##sfx, T, LD, SL)                                                 \
  AVX512 static float l1_##sfx(const void *a, const void *b, size_t n) {        \
    return l1s_##sfx(a, b, n);                                                  \
  }                                                                             \
  MANY(l1_##sfx, T)

/* ---- int8 / uint8 (exact) ------------------------------------------------- */
#define LD_I8(p, i) _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)(const void *)((p) + (i))))
#define LD_U8(p, i) _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(const void *)((p) + (i))))

AVX512 static inline __m512i zi_l2(__m512i s, __m512i x, __m512i y) {
  __m512i d = _mm512_sub_epi16(x, y);
  return _mm512_dpwssd_epi32(s, d, d);
}
AVX512 static inline __m512i zi_ip(__m512i s, __m512i x, __m512i y) { return _mm512_dpwssd_epi32(s, x, y); }
static inline int64_t si_l2(int64_t x, int64_t y) { return (x - y) * (x - y); }
static inline int64_t si_ip(int64_t x, int64_t y) { return x * y; }

AVX512 static inline int64_t hsum_z32(__m512i v) {
  __m512i w = _mm512_add_epi64(_mm512_cvtepi32_epi64(_mm512_castsi512_si256(v)),
                               _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(v, 1)));
  return _mm512_reduce_add_epi64(w);
}

#define I_SUM(name, T, LD, VT, ST)                                              \
  AVX512 static int64_t name(const T *a, const T *b, size_t n) {                \
    int64_t total = 0;                                                          \
    size_t i = 0;                                                               \
    while (n - i >= 32) {                                                       \
      size_t steps = (n - i) / 32 < 8192 ? (n - i) / 32 : 8192;                 \
      size_t m = i + steps * 32;                                                \
      __m512i s = _mm512_setzero_si512();                                       \
      for (; i < m; i += 32) s = VT(s, LD(a, i), LD(b, i));                     \
      total += hsum_z32(s);                                                     \
    }                                                                           \
    for (; i < n; i++) total += ST(a[i], b[i]);                                 \
    return total;                                                               \
  }

I_SUM(l2s_i8, int8_t, LD_I8, zi_l2, si_l2)
I_SUM(ips_i8, int8_t, LD_I8, zi_ip, si_ip)
I_SUM(l2s_u8, uint8_t, LD_U8, zi_l2, si_l2)
I_SUM(ips_u8, uint8_t, LD_U8, zi_ip, si_ip)

AVX512 static int64_t xyyy_i8(const int8_t *a, const int8_t *b, size_t n, int64_t *yy) {
  *yy = ips_i8(b, b, n);
  return ips_i8(a, b, n);
}
AVX512 static int64_t xyyy_u8(const uint8_t *a, const uint8_t *b, size_t n, int64_t *yy) {
  *yy = ips_u8(b, b, n);
  return ips_u8(a, b, n);
}
static float icos(int64_t xy, int64_t xx, int64_t yy) {
  return simd__cos_finish_d((double)xy, (double)xx, (double)yy);
}

/* ---- entry points and tables ---------------------------------------------- */
#define MANY(name, T) SIMD_VMANY(AVX512, name, T)
#define COS_ENTRY(sfx, T, S, FIN) SIMD_VCOS(AVX512, sfx, T, S, FIN)

/* l2, ip, dot, cosine for one element type from its sums (S = sum type) */
#define ENTRY(sfx, T, S, FIN)                                                   \
  AVX512 static float l2_##sfx(const void *a, const void *b, size_t n) {        \
    return (float)l2s_##sfx(a, b, n);                                           \
  }                                                                             \
  AVX512 static float ip_##sfx(const void *a, const void *b, size_t n) {        \
    return (float)ips_##sfx(a, b, n);                                           \
  }                                                                             \
  AVX512 static float dot_##sfx(const void *a, const void *b, size_t n) {       \
    return 1.0f - (float)ips_##sfx(a, b, n);                                    \
  }                                                                             \
  COS_ENTRY(sfx, T, S, FIN)                                                     \
  MANY(l2_##sfx, T)                                                             \
  MANY(ip_##sfx, T)                                                             \
  MANY(dot_##sfx, T)

/* many() of vectors shorter than 16 elements: those have no 16-lane part, so
** the AVX2 kernels (8 vectors side by side) give the same bits, faster. */
#define SHORT_MANY(name, T, metric, elem)                                       \
  AVX512 static void name##_many(const void *q, const void *base, size_t dim,   \
                                 size_t n, float *out) {                        \
    if (dim < 16) {                                                             \
      simd_avx2_kernels[metric][elem].many(q, base, dim, n, out);               \
      return;                                                                   \
    }                                                                           \
    const T *b = base;                                                          \
    for (size_t j = 0; j < n; j++) out[j] = name(q, b + j * dim, dim);          \
  }

F_KERNELS(f32, float, LD_F32, SL_PLAIN)
F_KERNELS(f16, uint16_t, LD_F16, SL_HALF)
F_KERNELS(bf16, uint16_t, LD_BF16, SL_BF16)
AVX512 static float l2_f32(const void *a, const void *b, size_t n) { return l2s_f32(a, b, n); }
AVX512 static float ip_f32(const void *a, const void *b, size_t n) { return ips_f32(a, b, n); }
AVX512 static float dot_f32(const void *a, const void *b, size_t n) { return 1.0f - ips_f32(a, b, n); }
SHORT_MANY(l2_f32, float, SIMD_L2, SIMD_F32)
SHORT_MANY(ip_f32, float, SIMD_IP, SIMD_F32)
SHORT_MANY(dot_f32, float, SIMD_DOT, SIMD_F32)
COS_ENTRY(f32, float, float, simd__cos_finish)
ENTRY(f16, uint16_t, float, simd__cos_finish)
ENTRY(bf16, uint16_t, float, simd__cos_finish)
ENTRY(i8, int8_t, int64_t, icos)
ENTRY(u8, uint8_t, int64_t, icos)

#define ROW(name)                                                               \
  {                                                                             \
    [SIMD_F32] = {name##_f32, name##_f32_many, 4},                              \
    [SIMD_F16] = {name##_f16, name##_f16_many, 2},                              \
    [SIMD_BF16] = {name##_bf16, name##_bf16_many, 2},                           \
    [SIMD_I8] = {name##_i8, name##_i8_many, 1},                                 \
    [SIMD_U8] = {name##_u8, name##_u8_many, 1},                                 \
  }
#define ROW_FLOAT(name)                                                         \
  {                                                                             \
    [SIMD_F32] = {name##_f32, name##_f32_many, 4},                              \
    [SIMD_F16] = {name##_f16, name##_f16_many, 2},                              \
    [SIMD_BF16] = {name##_bf16, name##_bf16_many, 2},                           \
  }
const simd_kernel simd_avx512_kernels[SIMD_METRIC_COUNT][SIMD_ELEM_COUNT] = {
    [SIMD_L2] = ROW(l2),   [SIMD_COSINE] = ROW(cos),  [SIMD_DOT] = ROW(dot),
    [SIMD_IP] = ROW(ip),   [SIMD_L1] = ROW_FLOAT(l1),
};

/* ---- PQ table scans ------------------------------------------------------- */
AVX512 static void pq4(const float *table, const uint8_t *codes, size_t stride, size_t m,
                       size_t n, float *out) {
  const __m512i low = _mm512_set1_epi32(15);
  size_t r = 0;
  for (; r + 16 <= n; r += 16) {
    __m512 d = _mm512_setzero_ps();
    for (size_t j = 0; j < m / 2; j++) {
      __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(codes + j * stride + r));
      __m512i b = _mm512_cvtepu8_epi32(c);
      __m512 lo = _mm512_permutexvar_ps(_mm512_and_si512(b, low), _mm512_loadu_ps(table + 2 * j * 16));
      __m512 hi = _mm512_permutexvar_ps(_mm512_srli_epi32(b, 4), _mm512_loadu_ps(table + (2 * j + 1) * 16));
      d = _mm512_add_ps(d, _mm512_add_ps(lo, hi));
    }
    _mm512_storeu_ps(out + r, d);
  }
  if (r < n) simd_avx2_pq.pq4(table, codes + r, stride, m, n - r, out + r);
}
AVX512 static void pq_table(const float *q, const float *cbt, size_t sub, size_t ncode, int dot,
                            float *out) {
  size_t c = 0;
  for (; c + 16 <= ncode; c += 16) {
    __m512 s = _mm512_setzero_ps();
    for (size_t d = 0; d < sub; d++) {
      __m512 x = _mm512_set1_ps(q[d]), y = _mm512_loadu_ps(cbt + d * ncode + c);
      __m512 t = _mm512_sub_ps(x, y);
      s = _mm512_add_ps(s, dot ? _mm512_mul_ps(x, y) : _mm512_mul_ps(t, t));
    }
    _mm512_storeu_ps(out + c, dot ? _mm512_sub_ps(_mm512_set1_ps(1.0f), s) : s);
  }
  simd__pq_table_from(q, cbt, sub, ncode, dot, c, out);
}
/* 8-bit scans: the AVX2 variant's (plain loads beat vgatherdps here too) */
static void pq8(const float *table, const uint8_t *codes, size_t stride, size_t m, size_t n,
                float *out) {
  simd_avx2_pq.pq8(table, codes, stride, m, n, out);
}
const simd_pq simd_avx512_pq = {pq8, pq4, pq_table};

#else /* not x86-64: no AVX-512 variant */
const simd_kernel simd_avx512_kernels[SIMD_METRIC_COUNT][SIMD_ELEM_COUNT];
const simd_pq simd_avx512_pq;
#endif
