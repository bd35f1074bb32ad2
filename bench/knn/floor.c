/* bench/knn/floor.c: the plain-C floor of the vector-search benchmark
 * (bench/README.md).  Brute-force top-k over float32 vectors held in one
 * array in memory (malloc'd by main; bench.py hands floor_search its own
 * buffer): a straightforward loop over rows, an inner loop over the
 * dimensions (float accumulators), top-k kept by insertion into a sorted
 * array.  Built with plain gcc -O2 (no -march=native, no -ffast-math), so the
 * inner loop is what an ordinary build of a straightforward scan gives.
 *
 *   knn_floor VECTORS.f32 QUERIES.f32 DIM l2|cosine [K [NQ [WARM]]]
 *
 * VECTORS.f32 / QUERIES.f32: row-major little-endian float32 (make_data.mjs).
 * Distances: l2 = squared Euclidean; cosine = 1 - a.b / sqrt(|a|^2 |b|^2)
 * (rows with a zero norm skipped).  Prints one line per query:
 *   q <index> <milliseconds> <row>:<distance> ... (k entries, nearest first)
 * Row numbers are 0-based positions in VECTORS.f32.  NQ: queries (default
 * all); WARM: the first WARM queries are run once untimed first (default 1). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef FLOOR_NO_MAIN
static float *load(const char *path, size_t dim, size_t *rows) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(1); }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  if (size <= 0 || size % (long)(dim * sizeof(float))) {
    fprintf(stderr, "%s: size %ld is not a multiple of %zu floats\n", path, size, dim);
    exit(1);
  }
  float *v = malloc((size_t)size);
  if (!v || fread(v, 1, (size_t)size, f) != (size_t)size) { perror(path); exit(1); }
  fclose(f);
  *rows = (size_t)size / (dim * sizeof(float));
  return v;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
#endif

/* insert (d, row) into the sorted top-k (n entries so far); ties keep the
 * earlier row first */
static void topk_push(float *dist, long *id, int k, int *n, float d, long row) {
  if (*n == k && !(d < dist[k - 1])) return;
  int i = *n < k ? (*n)++ : k - 1;
  while (i > 0 && d < dist[i - 1]) {
    dist[i] = dist[i - 1];
    id[i] = id[i - 1];
    i--;
  }
  dist[i] = d;
  id[i] = row;
}

/* top-k of query x over rows vectors (l2, or cosine if cosine != 0) into
 * dist/id, nearest first; returns the number found.  Exported for bench.py,
 * which loads this file built as a shared object (-DFLOOR_NO_MAIN) through
 * ctypes to time the floor interleaved with the SQL engines. */
int floor_search(const float *v, size_t rows, size_t dim, const float *x, int k, int cosine,
                 float *dist, long *id) {
  int n = 0;
  if (!cosine) {
    for (size_t r = 0; r < rows; r++) {
      const float *y = v + r * dim;
      float s = 0;
      for (size_t j = 0; j < dim; j++) {
        float d = x[j] - y[j];
        s += d * d;
      }
      topk_push(dist, id, k, &n, s, (long)r);
    }
  } else {
    float xx = 0;
    for (size_t j = 0; j < dim; j++) xx += x[j] * x[j];
    for (size_t r = 0; r < rows; r++) {
      const float *y = v + r * dim;
      float xy = 0, yy = 0;
      for (size_t j = 0; j < dim; j++) {
        xy += x[j] * y[j];
        yy += y[j] * y[j];
      }
      if (yy == 0 || xx == 0) continue;
      topk_push(dist, id, k, &n, 1 - xy / sqrtf(xx * yy), (long)r);
    }
  }
  return n;
}

#ifndef FLOOR_NO_MAIN
int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s VECTORS.f32 QUERIES.f32 DIM l2|cosine [K [NQ [WARM]]]\n", argv[0]);
    return 2;
  }
  size_t dim = strtoul(argv[3], NULL, 10);
  int cosine = strcmp(argv[4], "cosine") == 0;
  if (!cosine && strcmp(argv[4], "l2") != 0) {
    fprintf(stderr, "metric must be l2 or cosine\n");
    return 2;
  }
  int k = argc > 5 ? atoi(argv[5]) : 10;
  if (dim == 0 || k <= 0) return 2;
  size_t rows, nq;
  float *v = load(argv[1], dim, &rows);
  float *q = load(argv[2], dim, &nq);
  if (argc > 6 && strtoul(argv[6], NULL, 10) < nq) nq = strtoul(argv[6], NULL, 10);
  size_t warm = argc > 7 ? strtoul(argv[7], NULL, 10) : 1;
  float *dist = malloc(k * sizeof *dist);
  long *id = malloc(k * sizeof *id);

  for (size_t qi = 0; qi < warm && qi < nq; qi++) floor_search(v, rows, dim, q + qi * dim, k, cosine, dist, id);
  for (size_t qi = 0; qi < nq; qi++) {
    double t0 = now_ms();
    int n = floor_search(v, rows, dim, q + qi * dim, k, cosine, dist, id);
    double ms = now_ms() - t0;
    printf("q %zu %.4f", qi, ms);
    for (int i = 0; i < n; i++) printf(" %ld:%.9g", id[i], dist[i]);
    printf("\n");
  }
  free(v);
  free(q);
  free(dist);
  free(id);
  return 0;
}
#endif
