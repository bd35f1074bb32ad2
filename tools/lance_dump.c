/*
** lance_dump.c: build/lance-dump, prints a Lance data file as one JSON
** object per row (docs/lance-dump.md), or its schema; or the postings of an
** FTS index (fts_dump.c).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fts_dump.h"
#include "json_out.h"
#include "lf.h"

#define BATCH 4096

static void usage(void) {
  fprintf(stderr, "usage: lance-dump [--columns a,b] [--rows 3,17,42] [--schema] FILE.lance\n"
                  "       lance-dump --fts-index DATASET_DIR INDEX_NAME_OR_UUID\n");
  exit(2);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static int parse_rows(const char *s, uint64_t **rows, size_t *n) {
  size_t cap = 16;
  *rows = malloc(cap * sizeof **rows);
  *n = 0;
  while (*rows && *s) {
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || (*end && *end != ',')) return -1;
    if (*n == cap && !(*rows = realloc(*rows, (cap *= 2) * sizeof **rows))) return -1;
    (*rows)[(*n)++] = v;
    s = *end ? end + 1 : end;
  }
  return *rows ? 0 : -1;
}

static void print_schema(const lf_schema *s) {
  for (int i = 0; i < s->n_all; i++) {
    const lf_field *f = s->all[i];
    int depth = 0;
    for (const lf_field *p = f->parent; p; p = p->parent) depth++;
    printf("%*s%s: %s (id %d%s%s)\n", depth * 2, "", f->name, f->logical_type, f->id,
           f->nullable ? ", nullable" : "", f->is_blob ? ", blob" : "");
  }
}

typedef struct dump {
  lf_file *file;
  int ncols;
  int *cols;        /* selected top-level field indices */
  lf_array *arrs;
} dump;

static void print_rows(dump *d, uint64_t n, const uint64_t *order) {
  const lf_schema *s = lf_file_schema(d->file);
  for (uint64_t r = 0; r < n; r++) {
    uint64_t i = order ? order[r] : r;
    putchar('{');
    for (int c = 0; c < d->ncols; c++) {
      const char *name = s->fields[d->cols[c]]->name;
      printf("%s\"", c ? "," : "");
      for (const char *p = name; *p; p++) {
        if (*p == '"' || *p == '\\') putchar('\\');
        putchar(*p);
      }
      printf("\":");
      json_value(stdout, &d->arrs[c], i);
    }
    puts("}");
  }
}

static int select_columns(dump *d, const char *list, lf_error *err) {
  const lf_schema *s = lf_file_schema(d->file);
  d->cols = malloc(((size_t)s->n_fields + 1) * sizeof *d->cols);
  if (!d->cols) return lf_err(err, LF_NOMEM, "out of memory");
  for (int i = 0; i < s->n_fields; i++) {
    int want = !list;
    if (list) {
      size_t nl = strlen(s->fields[i]->name);
      for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == nl && !memcmp(p, s->fields[i]->name, l)) want = 1;
        p += l + (e != NULL);
      }
    }
    if (want) d->cols[d->ncols++] = i;
  }
  if (list && d->ncols == 0)
    return lf_err(err, LF_NOTFOUND, "%s: no column named in '%s'", lf_file_path(d->file), list);
  return LF_OK;
}

static int run(dump *d, const uint64_t *rows, size_t nrows, lf_error *err) {
  const lf_schema *s = lf_file_schema(d->file);
  d->arrs = calloc((size_t)d->ncols + 1, sizeof *d->arrs);
  if (!d->arrs) return lf_err(err, LF_NOMEM, "out of memory");
  for (int c = 0; c < d->ncols; c++) lf_array_init(&d->arrs[c], s->fields[d->cols[c]]);
  int rc = LF_OK;
  if (rows) {
    uint64_t *sorted = malloc((nrows + 1) * sizeof *sorted);
    uint64_t *order = malloc((nrows + 1) * sizeof *order);
    if (!sorted || !order) rc = lf_err(err, LF_NOMEM, "out of memory");
    if (!rc) {
      memcpy(sorted, rows, nrows * sizeof *sorted);
      qsort(sorted, nrows, sizeof *sorted, cmp_u64);
      for (size_t i = 0; i < nrows; i++) { /* position of rows[i] in sorted */
        size_t lo = 0, hi = nrows;
        while (lo < hi) {
          size_t mid = (lo + hi) / 2;
          if (sorted[mid] < rows[i]) lo = mid + 1; else hi = mid;
        }
        order[i] = lo;
      }
    }
    for (int c = 0; !rc && c < d->ncols; c++)
      rc = lf_file_take(d->file, d->cols[c], sorted, nrows, &d->arrs[c], err);
    if (!rc) print_rows(d, nrows, order);
    free(sorted);
    free(order);
  } else {
    uint64_t total = lf_file_num_rows(d->file);
    for (uint64_t start = 0; !rc && start < total; start += BATCH) {
      uint64_t end = total - start < BATCH ? total : start + BATCH;
      for (int c = 0; !rc && c < d->ncols; c++)
        rc = lf_file_read_range(d->file, d->cols[c], start, end, &d->arrs[c], err);
      if (!rc) print_rows(d, end - start, NULL);
    }
  }
  for (int c = 0; c < d->ncols; c++) lf_array_reset(&d->arrs[c]);
  free(d->arrs);
  return rc;
}

int main(int argc, char **argv) {
  const char *columns = NULL, *rows_arg = NULL, *path = NULL;
  int schema = 0;
  if (argc == 4 && !strcmp(argv[1], "--fts-index")) {
    lf_error err = {0};
    lf_store *store = NULL;
    int rc = lf_store_local_new("", &store, &err);
    if (!rc) rc = fts_dump(store, argv[2], argv[3], &err);
    if (rc) fprintf(stderr, "lance-dump: %s\n", err.msg);
    fflush(stdout);
    lf_store_free(store);
    return rc ? 1 : 0;
  }
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--columns") && i + 1 < argc) columns = argv[++i];
    else if (!strcmp(argv[i], "--rows") && i + 1 < argc) rows_arg = argv[++i];
    else if (!strcmp(argv[i], "--schema")) schema = 1;
    else if (argv[i][0] == '-' || path) usage();
    else path = argv[i];
  }
  if (!path) usage();
  lf_error err = {0};
  lf_store *store = NULL;
  dump d = {0};
  uint64_t *rows = NULL;
  size_t nrows = 0;
  int rc = lf_store_local_new("", &store, &err);
  if (!rc && rows_arg && parse_rows(rows_arg, &rows, &nrows))
    rc = lf_err(&err, LF_ARG, "--rows: expected comma-separated row numbers, got '%s'", rows_arg);
  if (!rc) rc = lf_file_open(store, path, &d.file, &err);
  if (!rc && schema) print_schema(lf_file_schema(d.file));
  else if (!rc) rc = select_columns(&d, columns, &err);
  if (!rc && !schema) rc = run(&d, rows, nrows, &err);
  if (rc) fprintf(stderr, "lance-dump: %s\n", err.msg);
  fflush(stdout);
  free(rows);
  free(d.cols);
  lf_file_free(d.file);
  lf_store_free(store);
  return rc ? 1 : 0;
}
