/*
** simd.c: run-time choice of the kernel variant, and float16 conversion.
**
** At first use the active variant is resolved once and cached:
**   - LANCE_SIMD=scalar in the environment forces the scalar reference;
**     any other value (or none) means "the best variant this CPU runs".
**   - AVX2 is used when CPUID reports AVX, AVX2, FMA, F16C and OSXSAVE, and
**     XCR0 (xgetbv 0) shows the OS saves XMM and YMM state (bits 1 and 2).
** Resolution is idempotent, so two threads racing at first use both store
** the same answer (atomic int, relaxed order suffices).
*/
#include <stdlib.h>
#include <string.h>

#include "simd/simd_int.h"

#if defined(__x86_64__)
#include <cpuid.h>

static int cpu_has_avx2(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  const unsigned need1 = bit_OSXSAVE | bit_AVX | bit_FMA | bit_F16C;
  if ((c & need1) != need1) return 0;
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  (void)hi;
  if ((lo & 0x6u) != 0x6u) return 0; /* XMM and YMM state enabled by the OS */
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  return (b & bit_AVX2) != 0;
}
#else
static int cpu_has_avx2(void) { return 0; }
#endif

static int g_avx2_ok = -1; /* -1 unknown, else 0/1 */
static int g_active = -1;  /* -1 unresolved, else a simd_impl */

int simd_impl_available(simd_impl impl) {
  if (impl == SIMD_IMPL_SCALAR) return 1;
  if (impl != SIMD_IMPL_AVX2) return 0;
  int ok = __atomic_load_n(&g_avx2_ok, __ATOMIC_RELAXED);
  if (ok < 0) {
    ok = cpu_has_avx2();
    __atomic_store_n(&g_avx2_ok, ok, __ATOMIC_RELAXED);
  }
  return ok;
}

simd_impl simd_active(void) {
  int v = __atomic_load_n(&g_active, __ATOMIC_RELAXED);
  if (v < 0) {
    const char *z = getenv("LANCE_SIMD");
    if (z && strcmp(z, "scalar") == 0) v = SIMD_IMPL_SCALAR;
    else v = simd_impl_available(SIMD_IMPL_AVX2) ? SIMD_IMPL_AVX2 : SIMD_IMPL_SCALAR;
    __atomic_store_n(&g_active, v, __ATOMIC_RELAXED);
  }
  return (simd_impl)v;
}

const char *simd_impl_name(simd_impl impl) {
  switch (impl) {
  case SIMD_IMPL_SCALAR: return "scalar";
  case SIMD_IMPL_AVX2: return "avx2";
  default: return "unknown";
  }
}

const char *simd_active_name(void) { return simd_impl_name(simd_active()); }

const simd_kernel *simd_get_impl(simd_impl impl, simd_metric metric, simd_elem elem) {
  if ((unsigned)metric >= SIMD_METRIC_COUNT || (unsigned)elem >= SIMD_ELEM_COUNT) return NULL;
  if (!simd_impl_available(impl)) return NULL;
  const simd_kernel *k = impl == SIMD_IMPL_AVX2 ? &simd_avx2_kernels[metric][elem]
                                                : &simd_scalar_kernels[metric][elem];
  return k->one ? k : NULL;
}

const simd_kernel *simd_get(simd_metric metric, simd_elem elem) {
  return simd_get_impl(simd_active(), metric, elem);
}

/* ---- float16 ---------------------------------------------------------- */
float simd_f16_to_f32(uint16_t h) { return simd__h2f(h); }

/* Round to nearest even.  Halves: max finite 65504, min normal 2^-14, min
** subnormal 2^-24.  NaN keeps its top 10 payload bits and is quieted. */
uint16_t simd_f32_to_f16(float f) {
  uint32_t x;
  memcpy(&x, &f, sizeof x);
  uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
  uint32_t ax = x & 0x7fffffffu;
  if (ax > 0x7f800000u) return (uint16_t)(sign | 0x7e00u | ((ax >> 13) & 0x3ffu));
  if (ax >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u); /* >= 65520: inf */
  if (ax >= 0x38800000u) {                                 /* normal half */
    uint32_t h = (ax >> 13) - (112u << 10), rem = ax & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) h++;
    return (uint16_t)(sign | h);
  }
  if (ax <= 0x33000000u) return sign; /* <= 2^-25 rounds to zero */
  uint32_t e = ax >> 23, m = (ax & 0x7fffffu) | 0x800000u;
  uint32_t sh = 126u - e; /* value * 2^24 = m >> sh, sh in [14, 24] */
  uint32_t r = m >> sh, rem = m & ((1u << sh) - 1u), half = 1u << (sh - 1u);
  if (rem > half || (rem == half && (r & 1u))) r++;
  return (uint16_t)(sign | r);
}
