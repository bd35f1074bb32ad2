/*
** bench_decode.c: decode throughput of liblanceformat per top-level column.
**
**   bench_decode [-r RUNS] [-b BATCH] [-t TAKE_BATCHES] [-k TAKE_ROWS] [-c NAME] [-m 0|1]
**                FILE.lance
**
** For each top-level field of FILE (a Lance data file, versions 2.0-2.3):
**   scan    all rows read with lf_file_read_range in batches of BATCH rows
**           (default 8192) into one reused lf_array; best wall time of RUNS
**           runs (default 5).  Each run opens the file afresh (untimed), so
**           the decoder's page cache starts cold while the OS page cache is
**           warm: a run measures pread + page decode + assembly.
**   bytes   decoded output per scan: for every array node, values
**           (length x type width; bool is one byte per row), offsets
**           ((length + 1) x 8) and data of var-width and list nodes,
**           validity bytes when the node has nulls; children included.
**   memcpy  the same number of bytes copied by memcpy between two pre-faulted
**           buffers in the same process, best of RUNS: the bandwidth ceiling
**           the scan is compared with (ratio = scan MB/s / memcpy MB/s).
**   take    TAKE_BATCHES (default 64) batches of TAKE_ROWS (default 64)
**           random sorted distinct rows through lf_file_take, one fresh file
**           per run, best of RUNS; rows per second.  A take run stops
**           early after 1 s (slow columns: fewer batches, same rate).
** -c NAME benchmarks one column; -m 0 skips memcpy and -t 0 skips take (for
** profiling the scan alone: perf record ... bench_decode -t 0 -m 0 -c NAME).
** "disk" is the column's page buffer bytes in the file (2.1+ only), so
** disk/out shows what the encoding saved.  MB = 10^6 bytes.
*/
#include "lf.h"
#include "lf_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct opts {
  int runs;
  uint64_t batch;
  int take_batches;
  int take_rows;
  int memcpy_on;
  const char *only;
  const char *path;
} opts;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Decoded output bytes held by one array tree (see the header comment). */
static uint64_t array_bytes(const lf_array *a) {
  uint64_t n = 0;
  const lf_field *f = a->field;
  int w = lf_type_width(f);
  if (f->type != LF_T_FIXED_LIST && f->type != LF_T_STRUCT) n += a->length * (uint64_t)w;
  if (lf_type_is_varwidth(f->type) || f->type == LF_T_LIST || f->type == LF_T_LARGE_LIST)
    n += (a->length + 1) * 8 + a->data_len;
  if (a->valid) n += a->length;
  for (int i = 0; i < a->n_children; i++) n += array_bytes(&a->children[i]);
  return n;
}

/* 2.1+: columns are the schema's leaves in pre-order (a fixed-size list or a
** blob is one leaf).  Sets the first column of field `idx` and its count. */
static int is_leaf(const lf_field *f) {
  return f->n_children == 0 || f->type == LF_T_FIXED_LIST || f->is_blob;
}
static int count_leaves(const lf_field *f) {
  if (is_leaf(f)) return !(f->type == LF_T_STRUCT && f->n_children == 0 && !f->is_blob);
  int n = 0;
  for (int i = 0; i < f->n_children; i++) n += count_leaves(f->children[i]);
  return n;
}
static void field_columns(const lf_file *f, int idx, int *first, int *count) {
  const lf_schema *s = lf_file_schema(f);
  int c = 0;
  for (int i = 0; i < idx; i++) c += count_leaves(s->fields[i]);
  *first = c;
  *count = count_leaves(s->fields[idx]);
}
static void disk_info(const lf_file *f, int idx, uint64_t *bytes, int *pages) {
  int c0, nc;
  *bytes = 0;
  *pages = 0;
  if (f->major == 0) return; /* 2.0 maps columns differently */
  field_columns(f, idx, &c0, &nc);
  for (int c = c0; c < c0 + nc && c < f->ncols; c++) {
    const lf_column *col = &f->cols[c];
    *pages += col->npages;
    for (int p = 0; p < col->npages; p++)
      for (int b = 0; b < col->pages[p].nbuf; b++) *bytes += col->pages[p].buf_len[b];
    for (int b = 0; b < col->nbuf; b++) *bytes += col->buf_len[b];
  }
}

static int open_file(lf_store *st, const char *path, lf_file **out) {
  lf_error err = {0};
  if (lf_file_open(st, path, out, &err)) {
    fprintf(stderr, "bench_decode: %s: %s (%s)\n", path, err.msg, lf_code_name(err.code));
    return 1;
  }
  return 0;
}

/* One scan of field idx; returns seconds, or -1 with the error in err. */
static double scan_once(lf_file *f, int idx, uint64_t batch, uint64_t *out_bytes, lf_error *err) {
  uint64_t n = lf_file_num_rows(f), bytes = 0;
  lf_array a;
  lf_array_init(&a, lf_file_schema(f)->fields[idx]);
  double t0 = now_s();
  for (uint64_t s = 0; s < n; s += batch) {
    uint64_t e = s + batch < n ? s + batch : n;
    if (lf_file_read_range(f, idx, s, e, &a, err)) {
      lf_array_reset(&a);
      return -1;
    }
    bytes += array_bytes(&a);
  }
  double t = now_s() - t0;
  lf_array_reset(&a);
  *out_bytes = bytes;
  return t;
}

/* Take batches until nbatch are done or TAKE_BUDGET_S has passed; returns
** rows per second, or -1 with the error in err. */
#define TAKE_BUDGET_S 1.0
static double take_once(lf_file *f, int idx, const uint64_t *rows, int nbatch, int k,
                        lf_error *err) {
  lf_array a;
  lf_array_init(&a, lf_file_schema(f)->fields[idx]);
  double t0 = now_s(), t = 0;
  int b = 0;
  while (b < nbatch && t < TAKE_BUDGET_S) {
    if (lf_file_take(f, idx, rows + (size_t)b * k, (size_t)k, &a, err)) {
      lf_array_reset(&a);
      return -1;
    }
    b++;
    t = now_s() - t0;
  }
  lf_array_reset(&a);
  return (double)b * k / t;
}

static double memcpy_best(uint64_t nbytes, int runs) {
  if (nbytes == 0) return 0;
  uint8_t *src = malloc(nbytes), *dst = malloc(nbytes);
  if (!src || !dst) {
    free(src);
    free(dst);
    return -1;
  }
  memset(src, 0x5a, nbytes); /* fault both buffers in before timing */
  memset(dst, 0, nbytes);
  double best = 1e30;
  for (int r = 0; r < runs; r++) {
    double t0 = now_s();
    memcpy(dst, src, nbytes);
    double t = now_s() - t0;
    __asm__ volatile("" : : "r"(dst) : "memory"); /* keep the copy */
    if (t < best) best = t;
  }
  free(src);
  free(dst);
  return best;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng_next(void) { /* splitmix64 */
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}
/* nbatch batches of k distinct rows in [0, n), each sorted ascending. */
static uint64_t *take_rows(uint64_t n, int nbatch, int k) {
  uint64_t *rows = malloc((size_t)nbatch * (size_t)k * sizeof *rows);
  if (!rows) return NULL;
  for (int b = 0; b < nbatch; b++) {
    uint64_t *r = rows + (size_t)b * k;
    for (int i = 0; i < k; i++) {
    again:
      r[i] = rng_next() % n;
      for (int j = 0; j < i; j++)
        if (r[j] == r[i] && (uint64_t)k <= n) goto again;
    }
    qsort(r, (size_t)k, sizeof *r, cmp_u64);
  }
  return rows;
}

static void usage(void) {
  fprintf(stderr, "usage: bench_decode [-r RUNS] [-b BATCH] [-t TAKE_BATCHES] [-k TAKE_ROWS] "
                  "[-c COLUMN] [-m 0|1] FILE.lance\n");
  exit(2);
}

static void parse_opts(int argc, char **argv, opts *o) {
  o->runs = 5;
  o->batch = 8192;
  o->take_batches = 64;
  o->take_rows = 64;
  o->memcpy_on = 1;
  o->only = NULL;
  o->path = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] == '-' && a[1] && !a[2] && i + 1 < argc) {
      const char *v = argv[++i];
      switch (a[1]) {
        case 'r': o->runs = atoi(v); break;
        case 'b': o->batch = strtoull(v, NULL, 10); break;
        case 't': o->take_batches = atoi(v); break;
        case 'k': o->take_rows = atoi(v); break;
        case 'c': o->only = v; break;
        case 'm': o->memcpy_on = atoi(v); break;
        default: usage();
      }
    } else if (!o->path && a[0] != '-') {
      o->path = a;
    } else {
      usage();
    }
  }
  if (!o->path || o->runs < 1 || o->batch < 1 || o->take_batches < 0 || o->take_rows < 1)
    usage();
}

/* Benchmark field idx and print its table row.  Returns 1 on a decode error. */
static int bench_field(lf_store *st, const opts *o, int idx, const uint64_t *trows) {
  lf_file *f = NULL;
  if (open_file(st, o->path, &f)) return 1;
  const lf_field *fld = lf_file_schema(f)->fields[idx];
  uint64_t nrows = lf_file_num_rows(f), disk = 0, out = 0;
  int pages = 0;
  disk_info(f, idx, &disk, &pages);
  char name[64];
  snprintf(name, sizeof name, "%s", fld->name);
  char type[64];
  snprintf(type, sizeof type, "%s", fld->logical_type ? fld->logical_type : lf_type_name(fld->type));
  double best = 1e30, take_rps = 0;
  lf_error err = {0};
  for (int r = 0; r < o->runs; r++) {
    if (r > 0 && open_file(st, o->path, &f)) return 1;
    double t = scan_once(f, idx, o->batch, &out, &err);
    lf_file_free(f);
    f = NULL;
    if (t < 0) {
      printf("%-10s %-28s scan FAILED: %s (%s)\n", name, type, err.msg, lf_code_name(err.code));
      return 1;
    }
    if (t < best) best = t;
  }
  int take_failed = 0;
  for (int r = 0; r < o->runs && o->take_batches > 0 && !take_failed; r++) {
    if (open_file(st, o->path, &f)) return 1;
    double rps = take_once(f, idx, trows, o->take_batches, o->take_rows, &err);
    lf_file_free(f);
    if (rps < 0) {
      printf("%-10s %-28s take FAILED: %s (%s)\n", name, type, err.msg, lf_code_name(err.code));
      take_failed = 1;
    } else if (rps > take_rps) {
      take_rps = rps;
    }
  }
  double mc = o->memcpy_on ? memcpy_best(out, o->runs) : 0;
  double mbs = (double)out / best / 1e6, mcs = mc > 0 ? (double)out / mc / 1e6 : 0;
  printf("%-10s %-28s %6d %9.1f %9.1f %9.2f %9.1f %9.0f %9.1f %6.3f %11.0f\n", name, type, pages,
         (double)disk / 1e6, (double)out / 1e6, best * 1e3, (double)nrows / best / 1e6, mbs, mcs,
         mcs > 0 ? mbs / mcs : 0, take_rps);
  fflush(stdout);
  return take_failed;
}

int main(int argc, char **argv) {
  opts o;
  parse_opts(argc, argv, &o);
  lf_store *st = NULL;
  lf_error err = {0};
  if (lf_store_local_new("", &st, &err)) {
    fprintf(stderr, "bench_decode: %s\n", err.msg);
    return 1;
  }
  lf_file *f = NULL;
  if (open_file(st, o.path, &f)) return 1;
  int maj, min;
  lf_file_version(f, &maj, &min);
  uint64_t nrows = lf_file_num_rows(f);
  int nfields = lf_file_schema(f)->n_fields;
  uint64_t *trows = take_rows(nrows ? nrows : 1, o.take_batches, o.take_rows);
  if (!trows) return 1;
  printf("# bench_decode %s\n# file version %d.%d, %llu rows, %d top-level fields; batch %llu "
         "rows, best of %d runs; take: %d x %d random sorted rows\n",
         o.path, maj, min, (unsigned long long)nrows, nfields, (unsigned long long)o.batch,
         o.runs, o.take_batches, o.take_rows);
  printf("%-10s %-28s %6s %9s %9s %9s %9s %9s %9s %6s %11s\n", "column", "type", "pages",
         "disk_MB", "out_MB", "scan_ms", "Mrows/s", "MB/s", "memcpy", "ratio", "take_rows/s");
  int failed = 0;
  for (int i = 0; i < nfields; i++) {
    if (o.only && strcmp(o.only, lf_file_schema(f)->fields[i]->name)) continue;
    failed |= bench_field(st, &o, i, trows);
  }
  lf_file_free(f);
  lf_store_free(st);
  free(trows);
  return failed;
}
