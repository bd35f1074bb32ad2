/*
** simd.h: the public interface of ext/simd/, the vector distance kernels.
** No SQLite and no I/O here; ext/vec/ (scalar functions, knn, indexes) calls
** these.  This file owns the definitions of the metrics:
**
**   SIMD_L2       squared Euclidean distance  sum (a_i - b_i)^2
**                 (what LanceDB reports as _distance for metric "l2";
**                 lance-linalg/src/distance/l2.rs has no square root)
**   SIMD_COSINE   1 - a.b / (|a| |b|)   (lance-linalg distance/cosine.rs,
**                 cosine_scalar).  If |a|^2 or |b|^2 is 0 (a zero vector, or
**                 one whose squared norm underflows) the result is NaN: Lance
**                 computes 0/0 there too, and NaN sorts last in simd_topk.
**   SIMD_DOT      1 - a.b   (lance-linalg distance/dot.rs, dot_distance:
**                 "1.0 - T::dot(from, to)"), the distance knn uses for "dot".
**   SIMD_IP       a.b, the raw inner product (SQL inner_product(), pgvector).
**   SIMD_L1       sum |a_i - b_i|
**   SIMD_HAMMING  number of differing bits of two bit-packed vectors
**                 (element type SIMD_BIN only; dim counts BYTES, as in Lance's
**                 hamming.rs on uint8 lists).
**
** Element types: SIMD_F32, SIMD_F16 (IEEE binary16 bits in uint16_t),
** SIMD_BF16 (bfloat16 bits in uint16_t: the top half of a binary32),
** SIMD_F64, SIMD_I8, SIMD_U8 (l2/cosine/dot/ip/l1) and SIMD_BIN (hamming).
**
** Accumulation (matches lance-linalg): float32, float16 and bfloat16
** accumulate in float32 over 16 lanes plus a sequential tail
** (l2_scalar/dot_scalar with LANES=16, f16 and bf16 widened exactly to f32); float64 accumulates in double over 8 lanes and
** is rounded to float at the end (Lance's f64 kernels return f32 too).  int8
** and uint8 accumulate exactly in 64-bit integers (Lance sums u8 in u32 and
** int8 as f32; both agree with ours while the sum is exact).  Every kernel
** returns float, so there is one function type for all element types.
**
** Variants: a scalar reference (simd_scalar.c), AVX2+FMA+F16C
** (simd_avx2.c) and AVX-512 (F, BW, DQ, VL, VNNI: simd_avx512.c, which has
** float32/float16/bfloat16 and int8/uint8 kernels and uses the AVX2 ones for
** the other pairs), chosen at first use by CPU detection (simd.c).  Integer
** and hamming kernels give identical results in every variant; float kernels
** agree within |variant - scalar| <= 1e-5 * S (+ 1e-30), where S is the sum
** of the absolute values of the summed terms (for l2 and l1 that is the
** result, so a relative 1e-5; for cosine S <= 1, so an absolute 1e-5).  NaN
** in any input gives NaN in every variant.  LANCE_SIMD=scalar|avx2|avx512 in
** the environment (read once, at first use) forces a variant; see
** simd_env_check for the values refused.
**
** Kernels never allocate and accept unaligned pointers (element-aligned for
** multi-byte types).  Vectors are little-endian, as stored by Lance.
**
** Typical flat scan (also the shape a benchmark times: everything allocated
** once outside the loop, one many() call per decoded batch):
**
**   const simd_kernel *k = simd_get(SIMD_L2, SIMD_F32);   // NULL: unsupported
**   simd_topk t;  simd_topk_init(&t, items, k_wanted);    // items[k_wanted]
**   for each batch of n vectors at base with first row id r0:
**     k->many(query, base, dim, n, dists);                // dists[n]
**     simd_topk_push_many(&t, dists, n, r0);
**   size_t got = simd_topk_finish(&t);                    // items sorted
*/
#ifndef LANCE_SIMD_H
#define LANCE_SIMD_H

#include <stddef.h>
#include <stdint.h>

typedef enum simd_metric {
  SIMD_L2 = 0,
  SIMD_COSINE,
  SIMD_DOT,
  SIMD_IP,
  SIMD_L1,
  SIMD_HAMMING,
  SIMD_METRIC_COUNT
} simd_metric;

typedef enum simd_elem {
  SIMD_F32 = 0,
  SIMD_F16,
  SIMD_F64,
  SIMD_I8,
  SIMD_U8,
  SIMD_BIN,
  SIMD_BF16,
  SIMD_ELEM_COUNT
} simd_elem;

typedef enum simd_impl {
  SIMD_IMPL_SCALAR = 0,
  SIMD_IMPL_AVX2,
  SIMD_IMPL_AVX512,
  SIMD_IMPL_COUNT
} simd_impl;

/* Distance between a and b, each dim elements. */
typedef float (*simd_one_fn)(const void *a, const void *b, size_t dim);

/* Distances from q (dim elements) to each of the n vectors stored back to
** back at base (n*dim elements); out[i] = one(q, base + i*dim, dim) exactly. */
typedef void (*simd_many_fn)(const void *q, const void *base, size_t dim, size_t n,
                             float *out);

typedef struct simd_kernel {
  simd_one_fn one;
  simd_many_fn many;
  size_t elem_size; /* bytes per element */
} simd_kernel;

/* The kernel of the active variant, or NULL if the (metric, elem) pair is not
** supported (e.g. hamming on float32).  The pointer is static: never freed. */
const simd_kernel *simd_get(simd_metric metric, simd_elem elem);

/* The kernel of one named variant; NULL if the pair is unsupported or the
** variant cannot run on this CPU (used by tests and benchmarks). */
const simd_kernel *simd_get_impl(simd_impl impl, simd_metric metric, simd_elem elem);

int simd_impl_available(simd_impl impl); /* 1 if the CPU and OS can run it */
simd_impl simd_active(void);             /* the variant simd_get() uses */
const char *simd_active_name(void);      /* "scalar", "avx2" or "avx512" */
const char *simd_impl_name(simd_impl impl);

/* 0 when LANCE_SIMD is unset, empty, or names a variant this CPU runs; else
** -1 and a sentence in buf[n]: "LANCE_SIMD=foo: unknown variant (expected
** scalar, avx2 or avx512)" or "LANCE_SIMD=avx512: this CPU cannot run the
** avx512 kernels (it lacks avx512f, ...)".  The extension's entry point
** refuses to load with that sentence; simd_active() itself never fails (it
** falls back to the best variant). */
int simd_env_check(char *buf, size_t n);

/*
** Product-quantization distance-table scans (IVF_PQ search).  Codes are
** stored transposed, as LanceDB does: byte j of row r at codes[j * stride + r]
** (codes points at the first row to scan, stride is the partition's row
** count).
**   pq8: m sub-vectors of 8-bit codes, table[j * 256 + c];
**        out[r] = sum over j = 0..m-1 of table[j * 256 + code_j(r)]
**   pq4: m sub-vectors (m even) of 4-bit codes, two per byte (low nibble
**        sub-vector 2j, high nibble 2j+1, m/2 bytes per row), table[j*16+c];
**        out[r] = sum over bytes j of (table[2j][lo] + table[2j+1][hi])
** Sums run in j order from 0.0f in float32 (no FMA), so every variant gives
** the scalar reference's bits.
*/
typedef void (*simd_pq_fn)(const float *table, const uint8_t *codes, size_t stride, size_t m,
                           size_t n, float *out);
/* One sub-vector's distance table from a transposed codebook (cbt[d * ncode
** + c] = element d of code c): out[c] = sum over d < sub, in d order from
** 0.0f, of (q[d] - cbt[d*ncode + c])^2 (dot = 0), or 1 - sum q[d] * cbt[..]
** (dot = 1), no FMA.  For sub < 16 that is exactly what the l2 / dot
** kernels' many() gives on the untransposed codebook (simd_get(SIMD_L2 or
** SIMD_DOT, SIMD_F32)). */
typedef void (*simd_pq_table_fn)(const float *q, const float *cbt, size_t sub, size_t ncode,
                                 int dot, float *out);
typedef struct simd_pq {
  simd_pq_fn pq8, pq4;
  simd_pq_table_fn table;
} simd_pq;
const simd_pq *simd_pq_get(void);                  /* the active variant's */
const simd_pq *simd_pq_get_impl(simd_impl impl);   /* NULL if the CPU lacks it */

/* IEEE binary16 <-> binary32.  f16_to_f32 is exact (NaN stays NaN, quieted,
** payload kept); f32_to_f16 rounds to nearest even, overflow gives inf. */
float simd_f16_to_f32(uint16_t h);
uint16_t simd_f32_to_f16(float f);
/* bfloat16 <-> binary32.  bf16_to_f32 is exact (the bits shifted up);
** f32_to_bf16 rounds to nearest even, NaN stays NaN (quieted). */
float simd_bf16_to_f32(uint16_t h);
uint16_t simd_f32_to_bf16(float f);

/*
** Top-k selector: keeps the k smallest (dist, rowid) pairs of a stream.
** Order: smaller dist first; equal dist (including -0 == +0) by smaller rowid;
** NaN after every number (NaNs among themselves by rowid).  The caller owns
** the item buffer (k items); nothing is allocated.  Push is O(log k).
*/
typedef struct simd_topk_item {
  float dist;
  int64_t rowid;
} simd_topk_item;

typedef struct simd_topk {
  simd_topk_item *a; /* borrowed buffer of k items: a max-heap until finish */
  size_t k;          /* capacity */
  size_t n;          /* items held, <= k */
} simd_topk;

/* Starts an empty selector over the caller's buffer a[k]; k may be 0. */
void simd_topk_init(simd_topk *t, simd_topk_item *a, size_t k);
void simd_topk_push(simd_topk *t, float dist, int64_t rowid);
/* Pushes dist[i] with rowid first_rowid + i for i in [0, n). */
void simd_topk_push_many(simd_topk *t, const float *dist, size_t n, int64_t first_rowid);
/* Sorts the held items ascending in place (t->a[0..n)) and returns n.  After
** this the selector is finished: call simd_topk_init again to reuse it. */
size_t simd_topk_finish(simd_topk *t);

#endif
