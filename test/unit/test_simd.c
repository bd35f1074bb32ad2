/*
** test_simd.c: ext/simd/ kernels, dispatch, float16 conversion and top-k.
**
** Every variant this CPU runs (AVX2, AVX-512) is compared with the scalar
** reference on every supported (metric, element) pair, on dims 1..70 and odd
** sizes up to 1025, at unaligned offsets; the scalar reference is checked
** against a naive double computation; many() must equal one() bit for bit in
** every variant; PQ table scans equal the reference bit for bit; LANCE_SIMD
** values are checked by simd_env_check.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simd/simd.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define MAXDIM 1025
static const size_t g_big_dims[] = {127, 128, 129, 255, 256, 257, 511, 767, 768, 769, 1023, 1024, 1025};

static uint64_t g_rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 7;
  g_rng ^= g_rng << 17;
  return g_rng;
}
static double rnd_unit(void) { return (double)(rnd() >> 11) / 9007199254740992.0 * 2.0 - 1.0; }

static int is_float_elem(simd_elem e) {
  return e == SIMD_F32 || e == SIMD_F16 || e == SIMD_F64 || e == SIMD_BF16;
}
static size_t elem_size(simd_elem e) {
  return e == SIMD_F64 ? 8 : e == SIMD_F32 ? 4 : e == SIMD_F16 || e == SIMD_BF16 ? 2 : 1;
}

/* Element i of a vector of type e at p, as double (p may be unaligned). */
static double ld(simd_elem e, const void *p, size_t i) {
  const unsigned char *b = (const unsigned char *)p + i * elem_size(e);
  float f;
  double d;
  uint16_t h;
  switch (e) {
  case SIMD_F32: memcpy(&f, b, 4); return f;
  case SIMD_F64: memcpy(&d, b, 8); return d;
  case SIMD_F16: memcpy(&h, b, 2); return simd_f16_to_f32(h);
  case SIMD_BF16: memcpy(&h, b, 2); return simd_bf16_to_f32(h);
  case SIMD_I8: return (int8_t)*b;
  default: return *b;
  }
}

static void st(simd_elem e, void *p, size_t i, double v) {
  unsigned char *b = (unsigned char *)p + i * elem_size(e);
  float f = (float)v;
  uint16_t h = simd_f32_to_f16(f), bh = simd_f32_to_bf16(f);
  switch (e) {
  case SIMD_F32: memcpy(b, &f, 4); break;
  case SIMD_F64: memcpy(b, &v, 8); break;
  case SIMD_F16: memcpy(b, &h, 2); break;
  case SIMD_BF16: memcpy(b, &bh, 2); break;
  default: *b = (unsigned char)(int)v; break;
  }
}

static void fill(simd_elem e, void *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (is_float_elem(e)) st(e, p, i, rnd_unit() * 2.0);
    else ((unsigned char *)p)[i] = (unsigned char)rnd();
  }
}

/* Naive double reference of metric m; *S = sum of |terms| (the scale of the
** rounding error of any summation order). */
static double naive(simd_metric m, simd_elem e, const void *a, const void *b, size_t n,
                    double *S) {
  double l2 = 0, l1 = 0, ip = 0, sip = 0, xx = 0, yy = 0, ham = 0;
  for (size_t i = 0; i < n; i++) {
    if (e == SIMD_BIN) {
      ham += __builtin_popcount(((const unsigned char *)a)[i] ^ ((const unsigned char *)b)[i]);
      continue;
    }
    double x = ld(e, a, i), y = ld(e, b, i);
    l2 += (x - y) * (x - y);
    l1 += fabs(x - y);
    ip += x * y;
    sip += fabs(x * y);
    xx += x * x;
    yy += y * y;
  }
  switch (m) {
  case SIMD_L2: *S = l2; return l2;
  case SIMD_L1: *S = l1; return l1;
  case SIMD_IP: *S = sip; return ip;
  case SIMD_DOT: *S = sip; return 1.0 - ip;
  case SIMD_COSINE: *S = 1; return 1.0 - ip / (sqrt(xx) * sqrt(yy));
  default: *S = ham; return ham;
  }
}

static int same_bits(float x, float y) { return memcmp(&x, &y, sizeof x) == 0; }

static const char *mname(simd_metric m) {
  static const char *z[] = {"l2", "cosine", "dot", "ip", "l1", "hamming"};
  return z[m];
}

/* Compares cand with the scalar reference (and the reference with naive())
** on one input; fails the test with the case named. */
static void check_pair(simd_metric m, simd_elem e, const simd_kernel *ref,
                       const simd_kernel *cand, const void *a, const void *b, size_t n,
                       size_t off) {
  float r = ref->one(a, b, n), c = cand->one(a, b, n);
  double S, want = naive(m, e, a, b, n, &S);
  if (!is_float_elem(e)) {
    float w = m == SIMD_DOT ? 1.0f - (float)(1.0 - want) : (float)want;
    if (!same_bits(r, c) || !(r == w || (isnan(r) && isnan(w))))
      fail_msg("%s elem %d dim %zu off %zu: scalar %.9g cand %.9g naive %.17g", mname(m), e,
               n, off, r, c, want);
    return;
  }
  if (!(fabs((double)c - r) <= 1e-5 * S + 1e-30))
    fail_msg("%s elem %d dim %zu off %zu: scalar %.9g cand %.9g (S %.9g)", mname(m), e, n,
             off, r, c, S);
  if (!(fabs((double)r - want) <= 1e-4 * S + 1e-30))
    fail_msg("%s elem %d dim %zu off %zu: scalar %.9g naive %.17g", mname(m), e, n, off, r,
             want);
}

static void *xalloc(size_t n) {
  void *p = aligned_alloc(64, (n + 63) / 64 * 64);
  assert_non_null(p);
  memset(p, 0, (n + 63) / 64 * 64);
  return p;
}

static void agree_dim(simd_metric m, simd_elem e, const simd_kernel *ref,
                      const simd_kernel *cand, unsigned char *ba, unsigned char *bb,
                      size_t n) {
  size_t es = elem_size(e);
  size_t offs[4] = {0, es, 3, 7}; /* odd byte offsets only for byte types */
  size_t noff = es == 1 ? 4 : 2;
  for (size_t k = 0; k < noff; k++) {
    void *a = ba + offs[k], *b = bb + offs[(k + 1) % noff];
    fill(e, a, n);
    fill(e, b, n);
    check_pair(m, e, ref, cand, a, b, n, offs[k]);
  }
}

/* Every supported pair: each variant vs scalar reference vs naive. */
static void test_variants_agree(void **state) {
  (void)state;
  unsigned char *ba = xalloc(MAXDIM * 8 + 64), *bb = xalloc(MAXDIM * 8 + 64);
  int variants = 0;
  for (int impl = 0; impl < SIMD_IMPL_COUNT; impl++) {
    if (!simd_impl_available(impl)) continue;
    int pairs = 0;
    variants++;
    for (int m = 0; m < SIMD_METRIC_COUNT; m++)
      for (int e = 0; e < SIMD_ELEM_COUNT; e++) {
        const simd_kernel *ref = simd_get_impl(SIMD_IMPL_SCALAR, m, e);
        const simd_kernel *cand = simd_get_impl(impl, m, e);
        assert_true((ref == NULL) == (cand == NULL));
        if (!ref) continue;
        pairs++;
        for (size_t n = 1; n <= 70; n++) agree_dim(m, e, ref, cand, ba, bb, n);
        for (size_t i = 0; i < sizeof g_big_dims / sizeof *g_big_dims; i++)
          agree_dim(m, e, ref, cand, ba, bb, g_big_dims[i]);
      }
    assert_int_equal(pairs, 31); /* 5 metrics x 6 numeric types + hamming */
  }
  print_message("variants compared with the scalar reference: %d\n", variants - 1);
  free(ba);
  free(bb);
}

/* many() equals one() bit for bit, in every available variant. */
static void test_many_equals_one(void **state) {
  (void)state;
  static const size_t dims[] = {1, 2, 7, 8, 15, 16, 17, 33, 100, 257, 1025};
  enum { NV = 37 }; /* blocks of 8 and 16 vectors plus a tail */
  unsigned char *q = xalloc(MAXDIM * 8 + 64), *base = xalloc((MAXDIM * 8) * NV + 64);
  float out[NV];
  for (int impl = 0; impl < SIMD_IMPL_COUNT; impl++) {
    if (!simd_impl_available(impl)) continue;
    for (int m = 0; m < SIMD_METRIC_COUNT; m++)
      for (int e = 0; e < SIMD_ELEM_COUNT; e++) {
        const simd_kernel *k = simd_get_impl(impl, m, e);
        if (!k) continue;
        for (size_t d = 0; d < sizeof dims / sizeof *dims; d++) {
          size_t n = dims[d], es = k->elem_size;
          unsigned char *pq = q + es, *pb = base + es; /* one element off */
          fill(e, pq, n);
          fill(e, pb, n * NV);
          k->many(pq, pb, n, NV, out);
          for (size_t j = 0; j < NV; j++)
            if (!same_bits(out[j], k->one(pq, pb + j * n * es, n)))
              fail_msg("%s %s elem %d dim %zu: many[%zu] %.9g != one", simd_impl_name(impl),
                       mname(m), e, n, j, out[j]);
        }
      }
  }
  free(q);
  free(base);
}

/* Fills a float-typed vector with the constant v. */
static void fill_const(simd_elem e, void *p, size_t n, double v) {
  for (size_t i = 0; i < n; i++) st(e, p, i, v);
}

/* Zero vectors: l2 = l1 = ip = 0, dot = 1, cosine NaN (both or one zero). */
static void test_zeros(void **state) {
  (void)state;
  unsigned char *a = xalloc(MAXDIM * 8), *b = xalloc(MAXDIM * 8);
  static const size_t dims[] = {1, 5, 16, 23, 1025};
  for (int impl = 0; impl < SIMD_IMPL_COUNT; impl++) {
    if (!simd_impl_available(impl)) continue;
    for (int e = 0; e < SIMD_ELEM_COUNT; e++) {
      if (e == SIMD_BIN) continue;
      for (size_t d = 0; d < 5; d++) {
        size_t n = dims[d];
        fill_const(e, a, n, 0);
        fill_const(e, b, n, 0);
        assert_true(simd_get_impl(impl, SIMD_L2, e)->one(a, b, n) == 0.0f);
        assert_true(simd_get_impl(impl, SIMD_L1, e)->one(a, b, n) == 0.0f);
        assert_true(simd_get_impl(impl, SIMD_IP, e)->one(a, b, n) == 0.0f);
        assert_true(simd_get_impl(impl, SIMD_DOT, e)->one(a, b, n) == 1.0f);
        assert_true(isnan(simd_get_impl(impl, SIMD_COSINE, e)->one(a, b, n)));
        fill_const(e, b, n, 1);
        assert_true(isnan(simd_get_impl(impl, SIMD_COSINE, e)->one(a, b, n)));
        assert_true(isnan(simd_get_impl(impl, SIMD_COSINE, e)->one(b, a, n)));
        assert_true(fabsf(simd_get_impl(impl, SIMD_COSINE, e)->one(b, b, n)) < 1e-6f);
        assert_true(simd_get_impl(impl, SIMD_L2, e)->one(a, b, n) == (float)n);
      }
    }
    memset(a, 0, 64);
    assert_true(simd_get_impl(impl, SIMD_HAMMING, SIMD_BIN)->one(a, a, 64) == 0.0f);
    /* a squared norm that underflows to 0 counts as zero: NaN, not -inf */
    fill_const(SIMD_F32, a, 3, 1e-30);
    fill_const(SIMD_F32, b, 3, 1);
    assert_true(isnan(simd_get_impl(impl, SIMD_COSINE, SIMD_F32)->one(a, b, 3)));
    fill_const(SIMD_F64, a, 3, 1e-200);
    fill_const(SIMD_F64, b, 3, 1);
    assert_true(isnan(simd_get_impl(impl, SIMD_COSINE, SIMD_F64)->one(a, b, 3)));
  }
  free(a);
  free(b);
}

/* NaN anywhere (main loop or tail, either side) gives NaN for every metric
** in every variant; +inf gives +inf for l2/l1 against a finite vector. */
static void test_nan_inf(void **state) {
  (void)state;
  static const size_t dims[] = {1, 8, 17, 40, 129};
  unsigned char *a = xalloc(MAXDIM * 8), *b = xalloc(MAXDIM * 8);
  simd_elem fe[4] = {SIMD_F32, SIMD_F16, SIMD_F64, SIMD_BF16};
  for (int impl = 0; impl < SIMD_IMPL_COUNT; impl++) {
    if (!simd_impl_available(impl)) continue;
    for (int t = 0; t < 4; t++)
      for (size_t d = 0; d < 5; d++) {
        size_t n = dims[d];
        for (size_t pos = 0; pos < n; pos += (n > 20 ? 7 : 1)) {
          for (int side = 0; side < 2; side++) {
            fill(fe[t], a, n);
            fill(fe[t], b, n);
            st(fe[t], side ? b : a, pos, NAN);
            for (int m = SIMD_L2; m <= SIMD_L1; m++) {
              float r = simd_get_impl(impl, m, fe[t])->one(a, b, n);
              if (!isnan(r))
                fail_msg("%s %s elem %d dim %zu NaN at %zu: got %g", simd_impl_name(impl),
                         mname(m), fe[t], n, pos, r);
            }
            st(fe[t], side ? b : a, pos, side ? -INFINITY : INFINITY);
            assert_true(isinf(simd_get_impl(impl, SIMD_L2, fe[t])->one(a, b, n)));
            assert_true(simd_get_impl(impl, SIMD_L2, fe[t])->one(a, b, n) > 0);
            assert_true(simd_get_impl(impl, SIMD_L1, fe[t])->one(a, b, n) == INFINITY);
            assert_true(isnan(simd_get_impl(impl, SIMD_COSINE, fe[t])->one(a, b, n)));
            st(fe[t], side ? a : b, pos, side ? -INFINITY : INFINITY); /* inf - inf */
            assert_true(isnan(simd_get_impl(impl, SIMD_L2, fe[t])->one(a, b, n)));
            assert_true(isinf(simd_get_impl(impl, SIMD_IP, fe[t])->one(a, b, n)));
          }
        }
      }
  }
  free(a);
  free(b);
}

/* Integer extremes and a dimension past the AVX2 int32 flush (8192*16). */
static void test_int_extremes(void **state) {
  (void)state;
  size_t n = 300001;
  int8_t *a = malloc(n), *b = malloc(n);
  assert_non_null(a);
  assert_non_null(b);
  memset(a, 0x80, n); /* -128 as int8, 128 as uint8 */
  for (int impl = 0; impl < SIMD_IMPL_COUNT; impl++) {
    if (!simd_impl_available(impl)) continue;
    memset(b, 0x7f, n);
    assert_true(simd_get_impl(impl, SIMD_L2, SIMD_I8)->one(a, b, n) == (float)(65025.0 * n));
    assert_true(simd_get_impl(impl, SIMD_L1, SIMD_I8)->one(a, b, n) == (float)(255.0 * n));
    assert_true(simd_get_impl(impl, SIMD_IP, SIMD_I8)->one(a, b, n) == (float)(-16256.0 * n));
    assert_true(simd_get_impl(impl, SIMD_IP, SIMD_I8)->one(a, a, n) == (float)(16384.0 * n));
    assert_true(simd_get_impl(impl, SIMD_L2, SIMD_U8)->one(a, b, n) == (float)(1.0 * n));
    assert_true(simd_get_impl(impl, SIMD_IP, SIMD_U8)->one(a, b, n) == (float)(16256.0 * n));
    assert_true(simd_get_impl(impl, SIMD_COSINE, SIMD_I8)->one(a, b, n) == 2.0f);
    assert_true(simd_get_impl(impl, SIMD_HAMMING, SIMD_BIN)->one(a, b, n) == (float)(8.0 * n));
    memset(b, 0, n);
    assert_true(simd_get_impl(impl, SIMD_L2, SIMD_U8)->one(a, b, n) == (float)(16384.0 * n));
    assert_true(simd_get_impl(impl, SIMD_L1, SIMD_U8)->one(a, b, n) == (float)(128.0 * n));
    assert_true(simd_get_impl(impl, SIMD_HAMMING, SIMD_BIN)->one(a, b, n) == (float)n);
  }
  free(a);
  free(b);
}

/* Exact hand-computed values for the definitions in simd.h. */
static void test_definitions(void **state) {
  (void)state;
  float a[3] = {1, 2, 3}, b[3] = {4, 6, 3};
  uint8_t x[2] = {0xff, 0x0f}, y[2] = {0x00, 0x0e};
  for (int impl = 0; impl < SIMD_IMPL_COUNT; impl++) {
    if (!simd_impl_available(impl)) continue;
    assert_true(simd_get_impl(impl, SIMD_L2, SIMD_F32)->one(a, b, 3) == 25.0f); /* squared */
    assert_true(simd_get_impl(impl, SIMD_L1, SIMD_F32)->one(a, b, 3) == 7.0f);
    assert_true(simd_get_impl(impl, SIMD_IP, SIMD_F32)->one(a, b, 3) == 25.0f);
    assert_true(simd_get_impl(impl, SIMD_DOT, SIMD_F32)->one(a, b, 3) == -24.0f); /* 1-a.b */
    float c = simd_get_impl(impl, SIMD_COSINE, SIMD_F32)->one(a, b, 3);
    assert_true(fabs(c - (1.0 - 25.0 / (sqrt(14.0) * sqrt(61.0)))) < 1e-6);
    assert_true(simd_get_impl(impl, SIMD_HAMMING, SIMD_BIN)->one(x, y, 2) == 9.0f);
  }
}

/* Dispatch: the active variant is named, and simd_get hands out its table. */
static void test_dispatch(void **state) {
  (void)state;
  simd_impl act = simd_active();
  const char *z = getenv("LANCE_SIMD");
  assert_string_equal(simd_active_name(), simd_impl_name(act));
  simd_impl best = simd_impl_available(SIMD_IMPL_AVX512) ? SIMD_IMPL_AVX512
                   : simd_impl_available(SIMD_IMPL_AVX2) ? SIMD_IMPL_AVX2 : SIMD_IMPL_SCALAR;
  int forced = -1;
  for (int i = 0; z && i < SIMD_IMPL_COUNT; i++)
    if (!strcmp(z, simd_impl_name(i)) && simd_impl_available(i)) forced = i;
  assert_int_equal(act, forced >= 0 ? (simd_impl)forced : best);
  if (simd_impl_available(SIMD_IMPL_AVX512)) assert_true(simd_impl_available(SIMD_IMPL_AVX2));
  assert_ptr_equal(simd_get(SIMD_L2, SIMD_F32), simd_get_impl(act, SIMD_L2, SIMD_F32));
  assert_true(simd_impl_available(SIMD_IMPL_SCALAR));
  assert_null(simd_get(SIMD_HAMMING, SIMD_F32));
  assert_null(simd_get(SIMD_L2, SIMD_BIN));
  assert_null(simd_get(SIMD_METRIC_COUNT, SIMD_F32));
  assert_null(simd_get(SIMD_L2, SIMD_ELEM_COUNT));
  assert_null(simd_get_impl(SIMD_IMPL_COUNT, SIMD_L2, SIMD_F32));
  print_message("simd active variant: %s\n", simd_active_name());
}

/* ---- float16 ------------------------------------------------------------ */
#if defined(__x86_64__)
__attribute__((target("f16c"))) static float hw_h2f(uint16_t h) { return _cvtsh_ss(h); }
__attribute__((target("f16c"))) static uint16_t hw_f2h(float f) {
  return (uint16_t)_cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT);
}
#endif

/* An independent reference: the value a half encodes, by its definition. */
static double half_value(uint16_t h) {
  int sign = h >> 15, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
  double v = exp == 0 ? ldexp(man, -24) : exp == 31 ? (man ? NAN : INFINITY)
                                                    : ldexp(1024 + man, exp - 25);
  return sign ? -v : v;
}

/* All 65536 halves: value as defined, NaN quieted with payload kept, bits
** equal to F16C's, and f32 -> f16 gives the half back. */
static void test_f16_all_halves(void **state) {
  (void)state;
  int hw = 0;
#if defined(__x86_64__)
  hw = simd_impl_available(SIMD_IMPL_AVX2);
#endif
  for (uint32_t i = 0; i < 65536; i++) {
    uint16_t h = (uint16_t)i;
    float f = simd_f16_to_f32(h);
    double want = half_value(h);
    uint32_t bits;
    memcpy(&bits, &f, 4);
    if (isnan(want)) {
      assert_true(isnan(f));
      assert_int_equal(bits, (h & 0x8000u) << 16 | 0x7fc00000u | (uint32_t)(h & 0x3ff) << 13);
      assert_int_equal(simd_f32_to_f16(f), h | 0x200u);
    } else {
      if ((double)f != want || !signbit(f) != !signbit(want))
        fail_msg("half 0x%04x: got %.9g want %.17g", h, f, want);
      assert_int_equal(simd_f32_to_f16(f), h);
    }
#if defined(__x86_64__)
    if (hw) assert_true(same_bits(f, hw_h2f(h)));
#endif
  }
  assert_true(hw || !simd_impl_available(SIMD_IMPL_AVX2));
}

/* f32 -> f16 rounding: hand cases, then a sweep of float bit patterns
** against F16C where the CPU has it. */
static void test_f32_to_f16(void **state) {
  (void)state;
  assert_int_equal(simd_f32_to_f16(65504.0f), 0x7bff);
  assert_int_equal(simd_f32_to_f16(65519.99f), 0x7bff);
  assert_int_equal(simd_f32_to_f16(65520.0f), 0x7c00);
  assert_int_equal(simd_f32_to_f16(-1e10f), 0xfc00);
  assert_int_equal(simd_f32_to_f16(ldexpf(1, -24)), 0x0001);
  assert_int_equal(simd_f32_to_f16(ldexpf(1, -25)), 0x0000);           /* tie to even 0 */
  assert_int_equal(simd_f32_to_f16(ldexpf(3, -25)), 0x0002);           /* 1.5 -> 2 */
  assert_int_equal(simd_f32_to_f16(ldexpf(1.0001f, -25)), 0x0001);
  assert_int_equal(simd_f32_to_f16(1.0f + ldexpf(1, -11)), 0x3c00);    /* tie to even */
  assert_int_equal(simd_f32_to_f16(1.0f + ldexpf(3, -11)), 0x3c02);    /* tie to even */
  assert_int_equal(simd_f32_to_f16(ldexpf(1023, -24) + ldexpf(1, -25)), 0x0400); /* to normal */
  assert_int_equal(simd_f32_to_f16(-0.0f), 0x8000);
  assert_int_equal(simd_f32_to_f16(INFINITY), 0x7c00);
  assert_true((simd_f32_to_f16(NAN) & 0x7fff) > 0x7c00);
#if defined(__x86_64__)
  if (!simd_impl_available(SIMD_IMPL_AVX2)) return;
  for (uint64_t b = 0; b < 0x100000000ull; b += 4093) {
    uint32_t u = (uint32_t)b;
    float f;
    memcpy(&f, &u, 4);
    uint16_t s = simd_f32_to_f16(f), h = hw_f2h(f);
    if (isnan(f) ? (s & 0x7fff) <= 0x7c00 || (h & 0x7fff) <= 0x7c00 : s != h)
      fail_msg("f32 0x%08x: soft 0x%04x f16c 0x%04x", u, s, h);
  }
#endif
}

/* bfloat16: every pattern widens to its bits shifted up; f32 -> bf16 rounds
** to nearest even; NaN stays NaN. */
static void test_bf16(void **state) {
  (void)state;
  for (uint32_t h = 0; h < 0x10000u; h++) {
    float f = simd_bf16_to_f32((uint16_t)h);
    uint32_t bits;
    memcpy(&bits, &f, 4);
    assert_int_equal(bits, h << 16);
    if (isnan(f)) assert_true(isnan(simd_bf16_to_f32(simd_f32_to_bf16(f))));
    else assert_int_equal(simd_f32_to_bf16(f), h);
  }
  assert_int_equal(simd_f32_to_bf16(1.0f), 0x3f80);
  assert_int_equal(simd_f32_to_bf16(1.0f + ldexpf(1, -8)), 0x3f80);  /* tie to even */
  assert_int_equal(simd_f32_to_bf16(1.0f + ldexpf(3, -8)), 0x3f82);  /* tie to even */
  assert_int_equal(simd_f32_to_bf16(1.0f + ldexpf(5, -9)), 0x3f81);  /* above half */
  assert_int_equal(simd_f32_to_bf16(3.4e38f), 0x7f80);               /* overflows to inf */
  assert_int_equal(simd_f32_to_bf16(-0.0f), 0x8000);
  assert_true((simd_f32_to_bf16(NAN) & 0x7fff) > 0x7f80);
}

/* PQ scans: every variant gives the reference's bits (NaN as NaN), for row
** counts around the vector widths, strides wider than the scan, and m from 1
** to 48; the reference equals a double sum within float rounding. */
static void test_pq_scan(void **state) {
  (void)state;
  static const size_t ns[] = {0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1000};
  static const size_t ms[] = {1, 2, 4, 16, 48};
  enum { STRIDE = 1037, MAXM = 48 };
  float *table = xalloc(MAXM * 256 * sizeof(float)), out[1000], ref[1000];
  uint8_t *codes = xalloc(MAXM * STRIDE);
  for (int bits = 4; bits <= 8; bits += 4) {
    size_t ncode = (size_t)1 << bits;
    for (size_t mi = 0; mi < sizeof ms / sizeof *ms; mi++) {
      size_t m = ms[mi];
      if (bits == 4 && m % 2) continue;
      for (size_t i = 0; i < m * ncode; i++) table[i] = (float)(rnd_unit() * 10);
      if (m == 16) table[3 * ncode + 5] = NAN, table[7 * ncode + 1] = INFINITY;
      for (size_t i = 0; i < MAXM * STRIDE; i++) codes[i] = (uint8_t)rnd();
      for (size_t ni = 0; ni < sizeof ns / sizeof *ns; ni++) {
        size_t n = ns[ni], off = 3; /* rows start 3 into the partition */
        const simd_pq *sp = simd_pq_get_impl(SIMD_IMPL_SCALAR);
        (bits == 8 ? sp->pq8 : sp->pq4)(table, codes + off, STRIDE, m, n, ref);
        for (size_t r = 0; r < n; r++) {
          double d = 0, S = 0;
          for (size_t j = 0; j < m; j++) {
            uint8_t c = codes[(bits == 8 ? j : j / 2) * STRIDE + off + r];
            c = bits == 8 ? c : j % 2 ? c >> 4 : c & 15;
            d += table[j * ncode + c];
            S += fabs(table[j * ncode + c]);
          }
          if (isnan(d) || isinf(d)) assert_true(isnan(d) ? isnan(ref[r]) : ref[r] == d);
          else if (fabs(ref[r] - d) > 1e-5 * S) fail_msg("pq%d m %zu row %zu: %g vs %g", bits, m, r, ref[r], d);
        }
        for (int impl = 1; impl < SIMD_IMPL_COUNT; impl++) {
          const simd_pq *p = simd_pq_get_impl(impl);
          if (!p) continue;
          (bits == 8 ? p->pq8 : p->pq4)(table, codes + off, STRIDE, m, n, out);
          for (size_t r = 0; r < n; r++)
            if (isnan(ref[r]) ? !isnan(out[r]) : !same_bits(out[r], ref[r]))
              fail_msg("%s pq%d m %zu n %zu row %zu: %.9g vs %.9g", simd_impl_name(impl), bits, m,
                       n, r, out[r], ref[r]);
        }
      }
    }
  }
  assert_ptr_equal(simd_pq_get(), simd_pq_get_impl(simd_active()));
  free(table);
  free(codes);
}

/* PQ tables from a transposed codebook equal the l2 / dot kernels' many()
** on the plain codebook, bit for bit, for sub-vectors shorter than 16. */
static void test_pq_table(void **state) {
  (void)state;
  enum { NC = 256, SUB = 15 };
  float *cb = xalloc(NC * SUB * sizeof(float)), *cbt = xalloc(NC * SUB * sizeof(float));
  float q[SUB], want[NC], got[NC];
  for (int impl = 0; impl < SIMD_IMPL_COUNT; impl++) {
    if (!simd_impl_available(impl)) continue;
    for (size_t sub = 1; sub < 16; sub++)
      for (size_t nc = 16; nc <= NC; nc *= 16)
        for (int dot = 0; dot < 2; dot++) {
          for (size_t i = 0; i < sub; i++) q[i] = (float)rnd_unit();
          for (size_t c = 0; c < nc; c++)
            for (size_t d = 0; d < sub; d++) cb[c * sub + d] = cbt[d * nc + c] = (float)rnd_unit();
          simd_get_impl(impl, dot ? SIMD_DOT : SIMD_L2, SIMD_F32)->many(q, cb, sub, nc, want);
          simd_pq_get_impl(impl)->table(q, cbt, sub, nc, dot, got);
          for (size_t c = 0; c < nc; c++)
            if (!same_bits(got[c], want[c]))
              fail_msg("%s table sub %zu codes %zu dot %d code %zu: %.9g vs %.9g",
                       simd_impl_name(impl), sub, nc, dot, c, got[c], want[c]);
        }
  }
  free(cb);
  free(cbt);
}

/* LANCE_SIMD: accepted values, the unknown-value and missing-CPU sentences. */
static void test_env_check(void **state) {
  (void)state;
  char buf[256], *old = getenv("LANCE_SIMD") ? strdup(getenv("LANCE_SIMD")) : NULL;
  unsetenv("LANCE_SIMD");
  assert_int_equal(simd_env_check(buf, sizeof buf), 0);
  setenv("LANCE_SIMD", "", 1);
  assert_int_equal(simd_env_check(buf, sizeof buf), 0);
  setenv("LANCE_SIMD", "scalar", 1);
  assert_int_equal(simd_env_check(buf, sizeof buf), 0);
  setenv("LANCE_SIMD", "sse9", 1);
  assert_int_equal(simd_env_check(buf, sizeof buf), -1);
  assert_string_equal(buf, "LANCE_SIMD=sse9: unknown variant (expected scalar, avx2 or avx512)");
  for (int impl = SIMD_IMPL_AVX2; impl < SIMD_IMPL_COUNT; impl++) {
    setenv("LANCE_SIMD", simd_impl_name(impl), 1);
    int rc = simd_env_check(buf, sizeof buf);
    assert_int_equal(rc, simd_impl_available(impl) ? 0 : -1);
    if (rc) {
      char want[64];
      snprintf(want, sizeof want, "LANCE_SIMD=%s: this CPU cannot run the %s kernels (it lacks ",
               simd_impl_name(impl), simd_impl_name(impl));
      assert_memory_equal(buf, want, strlen(want));
    }
  }
  if (old) setenv("LANCE_SIMD", old, 1);
  else unsetenv("LANCE_SIMD");
  free(old);
}

/* ---- top-k -------------------------------------------------------------- */
static int ref_cmp(const void *px, const void *py) {
  const simd_topk_item *x = px, *y = py;
  if (isnan(x->dist) || isnan(y->dist)) {
    if (!isnan(x->dist)) return -1;
    if (!isnan(y->dist)) return 1;
  } else if (x->dist != y->dist) {
    return x->dist < y->dist ? -1 : 1;
  }
  return (x->rowid > y->rowid) - (x->rowid < y->rowid);
}

/* Streams with duplicates and NaNs against a full sort, for several k. */
static void test_topk_random(void **state) {
  (void)state;
  enum { N = 2000 };
  static simd_topk_item all[N], buf[N + 10];
  static float dist[N];
  static const size_t ks[] = {1, 2, 10, 100, 1999, 2000, 2010};
  for (int round = 0; round < 3; round++) {
    for (size_t i = 0; i < N; i++) {
      uint64_t r = rnd();
      dist[i] = r % 50 == 0 ? NAN : (float)(r % (round == 0 ? 7 : 100000)) - 3.0f;
      all[i].dist = dist[i];
      all[i].rowid = (int64_t)(N - i) * 3; /* pushed in descending rowid order */
    }
    qsort(all, N, sizeof *all, ref_cmp);
    for (size_t ki = 0; ki < sizeof ks / sizeof *ks; ki++) {
      simd_topk t;
      simd_topk_init(&t, buf, ks[ki]);
      for (size_t i = 0; i < N; i++) simd_topk_push(&t, dist[i], (int64_t)(N - i) * 3);
      size_t got = simd_topk_finish(&t);
      assert_int_equal(got, ks[ki] < N ? ks[ki] : N);
      for (size_t i = 0; i < got; i++) {
        assert_int_equal(buf[i].rowid, all[i].rowid);
        assert_true(same_bits(buf[i].dist, all[i].dist));
      }
    }
  }
}

static void test_topk_edges(void **state) {
  (void)state;
  simd_topk_item buf[8];
  simd_topk t;
  /* k = 0: nothing kept, the buffer is never touched */
  simd_topk_init(&t, NULL, 0);
  simd_topk_push(&t, 1.0f, 1);
  assert_int_equal(simd_topk_finish(&t), 0);
  /* k > n, push_many: all kept, sorted */
  float d[5] = {3, 1, 2, 1, 0};
  simd_topk_init(&t, buf, 8);
  simd_topk_push_many(&t, d, 5, 100);
  assert_int_equal(simd_topk_finish(&t), 5);
  int64_t want_ids[5] = {104, 101, 103, 102, 100};
  for (int i = 0; i < 5; i++) assert_int_equal(buf[i].rowid, want_ids[i]);
  /* ties (incl. -0 == +0) go to the smaller rowid; NaN after +inf */
  simd_topk_init(&t, buf, 4);
  simd_topk_push(&t, NAN, 1);
  simd_topk_push(&t, INFINITY, 9);
  simd_topk_push(&t, 0.0f, 7);
  simd_topk_push(&t, NAN, 0);
  simd_topk_push(&t, -0.0f, 8);
  simd_topk_push(&t, 0.0f, 5);
  assert_int_equal(simd_topk_finish(&t), 4);
  assert_int_equal(buf[0].rowid, 5);
  assert_int_equal(buf[1].rowid, 7);
  assert_int_equal(buf[2].rowid, 8);
  assert_int_equal(buf[3].rowid, 9);
  /* only NaNs: kept by rowid */
  simd_topk_init(&t, buf, 2);
  simd_topk_push(&t, NAN, 3);
  simd_topk_push(&t, NAN, 1);
  simd_topk_push(&t, NAN, 2);
  assert_int_equal(simd_topk_finish(&t), 2);
  assert_int_equal(buf[0].rowid, 1);
  assert_int_equal(buf[1].rowid, 2);
  assert_true(isnan(buf[1].dist));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dispatch),       cmocka_unit_test(test_definitions),
      cmocka_unit_test(test_variants_agree), cmocka_unit_test(test_many_equals_one),
      cmocka_unit_test(test_zeros),          cmocka_unit_test(test_nan_inf),
      cmocka_unit_test(test_int_extremes),   cmocka_unit_test(test_f16_all_halves),
      cmocka_unit_test(test_f32_to_f16),     cmocka_unit_test(test_topk_random),
      cmocka_unit_test(test_topk_edges),
      cmocka_unit_test(test_bf16),           cmocka_unit_test(test_pq_scan),
      cmocka_unit_test(test_env_check),      cmocka_unit_test(test_pq_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
