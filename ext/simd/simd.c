/*
** simd.c: run-time choice of the kernel variant, and float16 / bfloat16
** conversion.
**
** At first use the active variant is resolved once and cached:
**   - LANCE_SIMD=scalar, avx2 or avx512 in the environment forces that
**     variant; unset or empty means "the best variant this CPU runs"
**     (avx512, else avx2, else scalar).  A value naming no variant, or one
**     this CPU cannot run, is an error that simd_env_check() words (the
**     extension refuses to load with it); simd_active() then falls back to
**     the best variant, so code outside SQLite never runs a missing one.
**   - AVX2 is used when CPUID reports AVX, AVX2, FMA, F16C and OSXSAVE, and
**     XCR0 (xgetbv 0) shows the OS saves XMM and YMM state (bits 1 and 2).
**   - AVX-512 additionally needs AVX512F, AVX512BW, AVX512DQ, AVX512VL and
**     AVX512_VNNI (CPUID leaf 7) and XCR0 bits 5-7 (opmask, ZMM state).
** Resolution is idempotent, so two threads racing at first use both store
** the same answer (atomic int, relaxed order suffices).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simd/simd_int.h"

#if defined(__x86_64__)
#include <cpuid.h>

static unsigned xcr0(void) {
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  (void)hi;
  return lo;
}

/* The CPU flags variant impl needs that this CPU (or OS) lacks, as a
** comma-separated list in buf ("" when none is missing). */
static void cpu_missing(simd_impl impl, char *buf, size_t n) {
  unsigned a, b, c, d, b7 = 0, c7 = 0;
  size_t len = 0;
  buf[0] = 0;
#define MISS(cond, name)                                                        \
  if (!(cond) && len < n) len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? ", " : "", name)
  if (!__get_cpuid(1, &a, &b, &c, &d)) c = 0;
  if (__get_cpuid_count(7, 0, &a, &b, &c7, &d)) b7 = b;
  else c7 = 0;
  unsigned x = (c & bit_OSXSAVE) ? xcr0() : 0;
  MISS(c & bit_OSXSAVE, "osxsave");
  MISS(c & bit_AVX, "avx");
  MISS(b7 & bit_AVX2, "avx2");
  MISS(c & bit_FMA, "fma");
  MISS(c & bit_F16C, "f16c");
  MISS((x & 0x6u) == 0x6u, "OS support for YMM state");
  if (impl == SIMD_IMPL_AVX512) {
    MISS(b7 & bit_AVX512F, "avx512f");
    MISS(b7 & bit_AVX512BW, "avx512bw");
    MISS(b7 & bit_AVX512DQ, "avx512dq");
    MISS(b7 & bit_AVX512VL, "avx512vl");
    MISS(c7 & bit_AVX512VNNI, "avx512_vnni");
    MISS((x & 0xe0u) == 0xe0u, "OS support for ZMM state");
  }
#undef MISS
}
#else
static void cpu_missing(simd_impl impl, char *buf, size_t n) {
  snprintf(buf, n, "%s", impl == SIMD_IMPL_AVX512 ? "avx512f (not an x86-64 build)" : "avx2 (not an x86-64 build)");
}
#endif

static int g_ok[SIMD_IMPL_COUNT] = {1, -1, -1}; /* -1 unknown, else 0/1 */
static int g_active = -1;                        /* -1 unresolved, else a simd_impl */

int simd_impl_available(simd_impl impl) {
  if ((unsigned)impl >= SIMD_IMPL_COUNT) return 0;
  int ok = __atomic_load_n(&g_ok[impl], __ATOMIC_RELAXED);
  if (ok < 0) {
    char miss[256];
    cpu_missing(impl, miss, sizeof miss);
    ok = miss[0] == 0;
    __atomic_store_n(&g_ok[impl], ok, __ATOMIC_RELAXED);
  }
  return ok;
}

static simd_impl best_impl(void) {
  return simd_impl_available(SIMD_IMPL_AVX512) ? SIMD_IMPL_AVX512
         : simd_impl_available(SIMD_IMPL_AVX2) ? SIMD_IMPL_AVX2 : SIMD_IMPL_SCALAR;
}

/* LANCE_SIMD as a variant: -1 unset or empty, SIMD_IMPL_COUNT unknown. */
static int env_impl(const char **z) {
  *z = getenv("LANCE_SIMD");
  if (!*z || !**z) return -1;
  for (int i = 0; i < SIMD_IMPL_COUNT; i++)
    if (strcmp(*z, simd_impl_name((simd_impl)i)) == 0) return i;
  return SIMD_IMPL_COUNT;
}

int simd_env_check(char *buf, size_t n) {
  const char *z;
  int v = env_impl(&z);
  if (v < 0 || (v < SIMD_IMPL_COUNT && simd_impl_available((simd_impl)v))) return 0;
  if (v == SIMD_IMPL_COUNT) {
    snprintf(buf, n, "LANCE_SIMD=%s: unknown variant (expected scalar, avx2 or avx512)", z);
  } else {
    char miss[256];
    cpu_missing((simd_impl)v, miss, sizeof miss);
    snprintf(buf, n, "LANCE_SIMD=%s: this CPU cannot run the %s kernels (it lacks %s)", z, z, miss);
  }
  return -1;
}

simd_impl simd_active(void) {
  int v = __atomic_load_n(&g_active, __ATOMIC_RELAXED);
  if (v < 0) {
    const char *z;
    v = env_impl(&z);
    if (v < 0 || v == SIMD_IMPL_COUNT || !simd_impl_available((simd_impl)v)) v = best_impl();
    __atomic_store_n(&g_active, v, __ATOMIC_RELAXED);
  }
  return (simd_impl)v;
}

const char *simd_impl_name(simd_impl impl) {
  switch (impl) {
  case SIMD_IMPL_SCALAR: return "scalar";
  case SIMD_IMPL_AVX2: return "avx2";
  case SIMD_IMPL_AVX512: return "avx512";
  default: return "unknown";
  }
}

const char *simd_active_name(void) { return simd_impl_name(simd_active()); }

/* The AVX-512 table holds only the kernels that have a 512-bit version; the
** other pairs are the AVX2 kernels (the variant needs AVX2 too). */
const simd_kernel *simd_get_impl(simd_impl impl, simd_metric metric, simd_elem elem) {
  if ((unsigned)metric >= SIMD_METRIC_COUNT || (unsigned)elem >= SIMD_ELEM_COUNT) return NULL;
  if (!simd_impl_available(impl)) return NULL;
  const simd_kernel *k = &simd_scalar_kernels[metric][elem];
  if (impl == SIMD_IMPL_AVX512) {
    k = &simd_avx512_kernels[metric][elem];
    if (!k->one) k = &simd_avx2_kernels[metric][elem];
  } else if (impl == SIMD_IMPL_AVX2) {
    k = &simd_avx2_kernels[metric][elem];
  }
  return k->one ? k : NULL;
}

const simd_kernel *simd_get(simd_metric metric, simd_elem elem) {
  return simd_get_impl(simd_active(), metric, elem);
}

const simd_pq *simd_pq_get_impl(simd_impl impl) {
  if (!simd_impl_available(impl)) return NULL;
  return impl == SIMD_IMPL_AVX512 ? &simd_avx512_pq : impl == SIMD_IMPL_AVX2 ? &simd_avx2_pq : &simd_scalar_pq;
}

const simd_pq *simd_pq_get(void) { return simd_pq_get_impl(simd_active()); }

/* ---- float16 ---------------------------------------------------------- */
float simd_f16_to_f32(uint16_t h) { return simd__h2f(h); }
float simd_bf16_to_f32(uint16_t h) { return simd__bf2f(h); }

/* Round to nearest even; NaN stays NaN (quieted, top payload bits kept). */
uint16_t simd_f32_to_bf16(float f) {
  uint32_t x;
  memcpy(&x, &f, sizeof x);
  if ((x & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((x >> 16) | 0x40u);
  x += 0x7fffu + ((x >> 16) & 1u);
  return (uint16_t)(x >> 16);
}

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
