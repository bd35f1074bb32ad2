/*
** ivf_train.h: the math of building IVF vector indexes (ivf_train.c):
** k-means for the IVF centroids and the PQ codebooks, PQ and SQ encoding, on
** float32 vectors with the distance kernels of ext/simd, split over threads.
** No SQLite, no I/O.  ivf_build.c drives it and format/index/ivf_write.c
** writes what it trains.
*/
#ifndef LANCE_IVF_TRAIN_H
#define LANCE_IVF_TRAIN_H

#include <stddef.h>
#include <stdint.h>

/* What k-means and the encoders measure: IVF_TRAIN_L2 (squared Euclidean;
** cosine indexes use it on normalized vectors) or IVF_TRAIN_DOT (1 - x.c). */
enum { IVF_TRAIN_L2 = 0, IVF_TRAIN_DOT = 1 };

/* A deterministic random stream (splitmix64). */
typedef struct ivf_rng {
  uint64_t s;
} ivf_rng;
uint64_t ivf_rng_next(ivf_rng *r);

/* Lloyd's k-means as Lance trains it: k distinct random rows of data (n x
** dim) as the first centroids, then up to max_iters rounds of assigning
** every row to its nearest centroid (metric) and moving each centroid to
** the mean of its rows; an empty cluster takes half of the largest one
** (its centroid split by +-1/1024); stops when the loss (the sum of the
** rows' distances) changes by less than 1e-4 of itself.  centroids gets k x
** dim floats, *loss the last loss.  threads >= 1 share the assignment.
** Returns 0, or -1 when out of memory (n >= k >= 1 is the caller's). */
int ivf_kmeans(const float *data, size_t n, size_t dim, uint32_t k, uint32_t max_iters,
               int metric, int threads, uint64_t seed, float *centroids, double *loss);

/* The nearest of k centroids of each of the n rows: part[i], and its
** distance in dist[i] when dist is not NULL. */
void ivf_assign(const float *data, size_t n, size_t dim, const float *centroids, uint32_t k,
                int metric, int threads, uint32_t *part, float *dist);

/* PQ: m codebooks of 2^8 codewords, each a k-means of the rows' j-th
** sub-vectors (dim / m values); codebook gets [m][256][dim / m].  The m
** k-means run in parallel.  Returns 0 or -1 (out of memory). */
int ivf_pq_train(const float *data, size_t n, size_t dim, uint32_t m, uint32_t max_iters,
                 int metric, int threads, uint64_t seed, float *codebook);
/* The codebook laid out for ivf_pq_encode: per sub-vector, value e of
** codeword c at out[s * 256 * sub + e * 256 + c] (sub = dim / m). */
void ivf_pq_transpose(const float *codebook, size_t dim, uint32_t m, float *out);
/* The PQ code (m bytes) of vector x: per sub-vector the nearest codeword
** (l2, as Lance codes every metric), from the transposed codebook cbt. */
void ivf_pq_encode(const float *x, size_t dim, uint32_t m, const float *cbt, uint8_t *code);

/* SQ (8 bits): code of x in [lo, hi] as Lance's scale_to_u8 computes it. */
void ivf_sq_encode(const float *x, size_t dim, double lo, double hi, uint8_t *code);

/* Scale x (dim values) to unit length in place (a zero vector stays). */
void ivf_normalize(float *x, size_t dim);

/* Run fn(ctx, t, nt) for t = 0..nt-1, threads 1..nt-1 in pthreads (inline
** when a thread cannot start), 0 in the caller. */
void ivf_parallel(int nt, void (*fn)(void *ctx, int t, int nt), void *ctx);

#endif
