/*
** decode.c: owns reading rows of a Lance file: which columns hold which
** field (file versions 2.1+: one column per leaf field, in pre-order; a
** fixed-size list of a primitive and a blob are leaves), the cache of the
** last decoded page per column, and lf_file_read_range / lf_file_take.
** Version 2.0 files have their own decoder (v20.c), legacy files theirs (v1.c).
*/
#include "lf_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct leaf_plan {
  int col;                      /* column index */
  int depth;                    /* nodes from the top-level field to the leaf */
  int child_idx[LF_MAX_LAYERS]; /* child index at each level below the top */
  int write[LF_MAX_LAYERS];     /* node k is first filled by this leaf */
} leaf_plan;

typedef struct field_plan {
  int nleaves;
  leaf_plan *leaves;
} field_plan;

typedef struct col_cache {
  int page;                     /* page held in pd, or -1 */
  lf_pagedata pd;
} col_cache;

struct lf_decoder {
  field_plan *fields;
  col_cache *cache;
};

static int is_leaf(const lf_field *f) {
  return f->n_children == 0 || f->type == LF_T_FIXED_LIST || f->is_blob || f->is_packed;
}

/* Collect the leaves under `f` (pre-order); path holds the child indices so
** far.  *col counts columns across the whole schema. */
static int plan_leaves(const lf_field *f, int depth, int *idx, int first, field_plan *fp,
                       int *col, lf_error *err) {
  if (depth > LF_MAX_LAYERS) return lf_err(err, LF_UNSUPPORTED, "field '%s' nests too deep", f->name);
  if (is_leaf(f)) {
    if (f->type == LF_T_STRUCT && f->n_children == 0 && !f->is_blob) return LF_OK;
    leaf_plan *nl = realloc(fp->leaves, (size_t)(fp->nleaves + 1) * sizeof *nl);
    if (!nl) return lf_err(err, LF_NOMEM, "out of memory");
    fp->leaves = nl;
    leaf_plan *lp = &nl[fp->nleaves];
    memset(lp, 0, sizeof *lp);
    lp->col = (*col)++;
    lp->depth = depth;
    memcpy(lp->child_idx, idx, sizeof lp->child_idx);
    /* node k is first filled by the first leaf below it; `first` is the
    ** shallowest level at which this leaf is the first child path */
    for (int k = 0; k < depth; k++) lp->write[k] = k >= first;
    fp->nleaves++;
    return LF_OK;
  }
  for (int i = 0; i < f->n_children; i++) {
    idx[depth] = i;
    /* child i > 0: nodes down to `depth` were filled by an earlier leaf */
    int nfirst = i == 0 ? first : depth;
    int rc = plan_leaves(f->children[i], depth + 1, idx, nfirst, fp, col, err);
    if (rc) return rc;
  }
  return LF_OK;
}

int lf_v20_init(lf_file *f, lf_error *err);

int lf_decoder_init(lf_file *f, lf_error *err) {
  struct lf_decoder *d = calloc(1, sizeof *d);
  if (!d) return lf_err(err, LF_NOMEM, "out of memory");
  f->dec = d;
  int n = f->schema.n_fields, col = 0, rc;
  d->fields = calloc((size_t)n + 1, sizeof *d->fields);
  d->cache = calloc((size_t)f->ncols + 1, sizeof *d->cache);
  if (!d->fields || !d->cache) return lf_err(err, LF_NOMEM, "out of memory");
  for (int c = 0; c < f->ncols; c++) d->cache[c].page = -1;
  if (f->is_v20 || f->is_v1) return LF_OK; /* columns are mapped by v20.c / v1.c */
  for (int i = 0; i < n; i++) {
    int idx[LF_MAX_LAYERS] = {0};
    if ((rc = plan_leaves(f->schema.fields[i], 1, idx, 0, &d->fields[i], &col, err))) return rc;
  }
  if (col != f->ncols)
    return lf_err(err, LF_CORRUPT, "%s: schema has %d leaf fields but the file has %d columns",
                  f->path, col, f->ncols);
  for (int c = 0; c < f->ncols; c++) {
    uint64_t rows = 0;
    for (int p = 0; p < f->cols[c].npages; p++) rows += f->cols[c].pages[p].num_rows;
    if (rows != f->num_rows)
      return lf_err(err, LF_CORRUPT, "%s: column %d pages hold %llu rows, the file %llu", f->path,
                    c, (unsigned long long)rows, (unsigned long long)f->num_rows);
  }
  return LF_OK;
}

void lf_v20_free(lf_file *f);

void lf_decoder_free(lf_file *f) {
  lf_v20_free(f);
  lf_v1_free(f);
  struct lf_decoder *d = f->dec;
  if (!d) return;
  for (int i = 0; d->fields && i < f->schema.n_fields; i++) free(d->fields[i].leaves);
  for (int c = 0; d->cache && c < f->ncols; c++) lf_pagedata_reset(&d->cache[c].pd);
  free(d->fields);
  free(d->cache);
  free(d);
  f->dec = NULL;
}


static int load_page(lf_file *f, int col, int page, lf_pagedata **out, lf_error *err) {
  col_cache *cc = &f->dec->cache[col];
  if (cc->page != page) {
    cc->page = -1;
    int rc = lf_decode_page21(f, &f->cols[col].pages[page], &cc->pd, err);
    if (rc) return lf_err_prefix(err, rc, "%s: column %d page %d", f->path, col, page);
    cc->page = page;
  }
  *out = &cc->pd;
  return LF_OK;
}

/* Append rows [start, end) of one leaf to the tree under `top`. */
/* The arrays from the top-level array down to the leaf's. */
static int leaf_path(const leaf_plan *lp, lf_array *top, lf_array **path, lf_error *err) {
  path[0] = top;
  for (int k = 1; k < lp->depth; k++) {
    lf_array *p = path[k - 1];
    if (lp->child_idx[k] >= p->n_children)
      return lf_err(err, LF_ARG, "array for field '%s' has %d children, wanted child %d",
                    p->field->name, p->n_children, lp->child_idx[k]);
    path[k] = &p->children[lp->child_idx[k]];
  }
  return LF_OK;
}

static int append_leaf(lf_file *f, const leaf_plan *lp, uint64_t start, uint64_t end,
                       lf_array *top, lf_error *err) {
  lf_array *path[LF_MAX_LAYERS];
  int rc = leaf_path(lp, top, path, err);
  if (rc) return rc;
  lf_column *c = &f->cols[lp->col];
  for (int p = 0; p < c->npages && start < end; p++) {
    lf_page *pg = &c->pages[p];
    if (pg->row_start + pg->num_rows <= start) continue;
    uint64_t r0 = start - pg->row_start;
    uint64_t r1 = end - pg->row_start < pg->num_rows ? end - pg->row_start : pg->num_rows;
    lf_pagedata *pd = NULL;
    rc = load_page(f, lp->col, p, &pd, err);
    if (!rc) rc = lf_assemble(pd, r0, r1, path, lp->write, lp->depth, err);
    if (rc) return lf_err_prefix(err, rc, "%s: column %d (%s) page %d", f->path, lp->col,
                                 path[lp->depth - 1]->field->name, p);
    start = pg->row_start + r1;
  }
  return LF_OK;
}

int lf_v20_append(lf_file *f, int field_idx, uint64_t start, uint64_t end, lf_array *out,
                  lf_error *err);

static int append_range(lf_file *f, int field_idx, uint64_t start, uint64_t end,
                        lf_array *out, lf_error *err) {
  if (f->is_v20) return lf_v20_append(f, field_idx, start, end, out, err);
  if (f->is_v1) return lf_v1_append(f, field_idx, start, end, out, err);
  const field_plan *fp = &f->dec->fields[field_idx];
  for (int i = 0; i < fp->nleaves; i++) {
    int rc = append_leaf(f, &fp->leaves[i], start, end, out, err);
    if (rc) return rc;
  }
  return LF_OK;
}

static int check_args(lf_file *f, int field_idx, lf_array *out, lf_error *err) {
  if (field_idx < 0 || field_idx >= f->schema.n_fields)
    return lf_err(err, LF_ARG, "%s: no field %d", f->path, field_idx);
  /* the array may be set up from another schema (a dataset's) describing
  ** the same field: same id and type */
  const lf_field *fd = f->schema.fields[field_idx], *af = out->field;
  if (fd->desc) fd = fd->desc, af = af && af->desc ? af->desc : af;
  else if (af && af->desc) af = NULL;
  if (!af || (af != fd && (af->id != fd->id || af->type != fd->type ||
                           af->n_children != fd->n_children)))
    return lf_err(err, LF_ARG, "%s: array was not initialised for field %d", f->path, field_idx);
  lf_array_clear(out);
  return LF_OK;
}

int lf_file_read_range(lf_file *f, int field_idx, uint64_t start, uint64_t end,
                       lf_array *out, lf_error *err) {
  int rc = check_args(f, field_idx, out, err);
  if (rc) return rc;
  if (start > end || end > f->num_rows)
    return lf_err(err, LF_ARG, "%s: rows [%llu, %llu) outside the file's %llu rows", f->path,
                  (unsigned long long)start, (unsigned long long)end,
                  (unsigned long long)f->num_rows);
  if ((rc = append_range(f, field_idx, start, end, out, err))) return rc;
  lf_array_finish(out);
  if (out->length != end - start)
    return lf_err(err, LF_CORRUPT, "%s: field '%s' decoded %llu rows, expected %llu", f->path,
                  out->field->name, (unsigned long long)out->length,
                  (unsigned long long)(end - start));
  return LF_OK;
}

/* rows[i..j) lie in page pg (from rows[i] on): j, with their page-local
** rows in local[0..j-i). */
static size_t page_rows(const lf_page *pg, const uint64_t *rows, size_t i, size_t n,
                        uint64_t *local) {
  size_t j = i;
  for (; j < n && rows[j] < pg->row_start + pg->num_rows; j++)
    local[j - i] = rows[j] - pg->row_start;
  return j;
}

/* Take rows of one leaf page by page: from the scan cache when the page is
** there, else from a partial decode of just the chunks / values needed. */
static int take_leaf(lf_file *f, const leaf_plan *lp, const uint64_t *rows, size_t n,
                     lf_array *top, uint64_t *local, uint64_t *map, lf_error *err) {
  lf_array *path[LF_MAX_LAYERS];
  int rc = leaf_path(lp, top, path, err);
  lf_column *c = &f->cols[lp->col];
  lf_pagedata part = {0};
  for (size_t i = 0, p = 0; !rc && i < n && p < (size_t)c->npages; p++) {
    lf_page *pg = &c->pages[p];
    size_t j = page_rows(pg, rows, i, n, local);
    if (j == i) continue;
    const lf_pagedata *pd = &part;
    if (f->dec->cache[lp->col].page == (int)p) {
      pd = &f->dec->cache[lp->col].pd;
      memcpy(map, local, (j - i) * sizeof *map);
    } else {
      rc = lf_decode_page21_rows(f, pg, local, j - i, &part, map, err);
    }
    for (size_t a = 0; !rc && a < j - i;) { /* assemble runs of consecutive mapped rows */
      size_t b = a + 1;
      while (b < j - i && map[b] == map[b - 1] + 1) b++;
      rc = lf_assemble(pd, map[a], map[b - 1] + 1, path, lp->write, lp->depth, err);
      a = b;
    }
    if (rc) rc = lf_err_prefix(err, rc, "%s: column %d (%s) page %zu", f->path, lp->col,
                               path[lp->depth - 1]->field->name, p);
    i = j;
  }
  lf_pagedata_reset(&part);
  return rc;
}

static int take_rows(lf_file *f, int field_idx, const uint64_t *rows, size_t n, lf_array *out,
                     lf_error *err) {
  if (f->is_v20 || f->is_v1) { /* runs of consecutive rows through append_range */
    for (size_t i = 0; i < n;) {
      size_t j = i + 1;
      while (j < n && rows[j] == rows[j - 1] + 1) j++;
      int rc = append_range(f, field_idx, rows[i], rows[j - 1] + 1, out, err);
      if (rc) return rc;
      i = j;
    }
    return LF_OK;
  }
  uint64_t *local = malloc((n + 1) * sizeof *local), *map = malloc((n + 1) * sizeof *map);
  int rc = local && map ? LF_OK : lf_err(err, LF_NOMEM, "out of memory");
  const field_plan *fp = &f->dec->fields[field_idx];
  for (int i = 0; !rc && i < fp->nleaves; i++)
    rc = take_leaf(f, &fp->leaves[i], rows, n, out, local, map, err);
  free(local);
  free(map);
  return rc;
}

/* Add to rs what pass `pass` of a take of rows[0..n) of field_idx reads
** (the pages of each leaf, as take_leaf walks them; pages held decoded in
** the cache read nothing). */
static int take_ranges(lf_file *f, int field_idx, const uint64_t *rows, size_t n, int pass,
                       uint64_t *local, lf_rangeset *rs) {
  const field_plan *fp = &f->dec->fields[field_idx];
  int st = LF_OK;
  for (int l = 0; !st && l < fp->nleaves; l++) {
    int col = fp->leaves[l].col;
    lf_column *c = &f->cols[col];
    for (size_t i = 0, p = 0; !st && i < n && p < (size_t)c->npages; p++) {
      lf_page *pg = &c->pages[p];
      size_t j = page_rows(pg, rows, i, n, local);
      if (j > i && f->dec->cache[col].page != (int)p)
        st = lf_page21_take_ranges(f, pg, local, j - i, pass, rs);
      i = j;
    }
  }
  return st;
}

/* Can q be planned (a 2.1+ file, rows ascending and inside it)? */
static int plannable(const lf_take_req *q) {
  if (q->f->is_v20 || q->f->is_v1 || !q->n) return 0; /* their decoders read as they go */
  for (size_t i = 0; i < q->n; i++)
    if (q->rows[i] >= q->f->num_rows || (i && q->rows[i] < q->rows[i - 1])) return 0;
  return 1; /* else lf_file_take reports the rows */
}

int lf_files_take_prepare(const lf_take_req *q, int nq, lf_error *err) {
  size_t most = 1;
  for (int i = 0; i < nq; i++) most = q[i].n > most ? q[i].n : most, q[i].f->stage_held = 1;
  uint64_t *local = malloc(most * sizeof *local);
  lf_rangeset *sets = calloc((size_t)nq + 1, sizeof *sets);
  lf_file **files = calloc((size_t)nq + 1, sizeof *files);
  int st = local && sets && files ? LF_OK : LF_NOMEM;
  for (int pass = 0; !st && pass < 2; pass++) {
    int k = 0;
    for (int i = 0; !st && i < nq; i++) {
      if (!plannable(&q[i])) continue;
      files[k] = q[i].f;
      sets[k].n = 0;
      for (int j = 0; !st && j < q[i].nf; j++)
        if (q[i].fields[j] >= 0 && q[i].fields[j] < q[i].f->schema.n_fields)
          st = take_ranges(q[i].f, q[i].fields[j], q[i].rows, q[i].n, pass, local, &sets[k]);
      k++;
    }
    if (st == LF_NOMEM) st = lf_err(err, LF_NOMEM, "out of memory");
    if (!st && k) st = lf_stage_fetch(files, sets, k, err);
  }
  for (int i = 0; sets && i < nq; i++) lf_rangeset_reset(&sets[i]);
  free(sets), free(files), free(local);
  for (int i = 0; st && i < nq; i++) lf_file_take_release(q[i].f);
  return st;
}

int lf_file_take_prepare(lf_file *f, const int *fields, int nf, const uint64_t *rows, size_t n,
                         lf_error *err) {
  lf_take_req q = {f, fields, nf, rows, n};
  return lf_files_take_prepare(&q, 1, err);
}

void lf_file_take_release(lf_file *f) {
  f->stage_held = 0;
  lf_stage_free(f);
}

int lf_file_take(lf_file *f, int field_idx, const uint64_t *rows, size_t n, lf_array *out,
                 lf_error *err) {
  int rc = check_args(f, field_idx, out, err);
  if (rc) return rc;
  for (size_t i = 0; i < n; i++) {
    if (rows[i] >= f->num_rows)
      return lf_err(err, LF_ARG, "%s: row %llu outside the file's %llu rows", f->path,
                    (unsigned long long)rows[i], (unsigned long long)f->num_rows);
    if (i > 0 && rows[i] < rows[i - 1])
      return lf_err(err, LF_ARG, "%s: take rows must be ascending", f->path);
  }
  int own = !f->stage_held; /* not prepared by the caller: read ahead for this field alone */
  if (own && (rc = lf_file_take_prepare(f, &field_idx, 1, rows, n, err))) return rc;
  rc = take_rows(f, field_idx, rows, n, out, err);
  if (own) lf_file_take_release(f);
  if (rc) return rc;
  lf_array_finish(out);
  if (out->length != n)
    return lf_err(err, LF_CORRUPT, "%s: take decoded %llu rows, expected %zu", f->path,
                  (unsigned long long)out->length, n);
  return LF_OK;
}

uint64_t lf_file_page_bytes(const lf_file *f, int field_idx, uint64_t row) {
  if (f->is_v20 || field_idx < 0 || field_idx >= f->schema.n_fields) return 0;
  const field_plan *fp = &f->dec->fields[field_idx];
  uint64_t total = 0;
  for (int i = 0; i < fp->nleaves; i++) {
    const lf_column *c = &f->cols[fp->leaves[i].col];
    for (int p = 0; p < c->npages; p++) {
      const lf_page *pg = &c->pages[p];
      if (row < pg->row_start || row - pg->row_start >= pg->num_rows) continue;
      for (int b = 0; b < pg->nbuf; b++) total += pg->buf_len[b];
      break;
    }
  }
  return total;
}

/* Bytes per row of a field whose rows can be viewed in place, else 0. */
static uint64_t view_width(const lf_field *fd) {
  const lf_field *item = fd->type == LF_T_FIXED_LIST && fd->n_children == 1 ? fd->children[0] : fd;
  if (fd->is_dict || fd->is_blob || item->n_children || item->type == LF_T_BOOL ||
      item->type == LF_T_FIXED_LIST || item->is_dict)
    return 0;
  uint64_t w = (uint64_t)lf_type_width(item);
  if (fd == item) return w;
  return fd->fixed_size > 0 && (uint64_t)fd->fixed_size <= (1u << 24) ? w * (uint64_t)fd->fixed_size : 0;
}

/* The alignment a viewable field's values need: their element's size, at
** most 8 (1 for fixed_size_binary). */
static uintptr_t view_align(const lf_field *fd) {
  const lf_field *item = fd->type == LF_T_FIXED_LIST && fd->n_children == 1 ? fd->children[0] : fd;
  int w = item->type == LF_T_FIXED_BINARY ? 1 : lf_type_width(item);
  return w >= 8 ? 8 : w > 0 ? (uintptr_t)w : 1;
}

static int view_rows(lf_file *f, int field_idx, uint64_t start, uint64_t end, const uint8_t **ptr,
                     uint64_t *width, uint64_t *n, lf_error *err) {
  *n = 0;
  if (field_idx < 0 || field_idx >= f->schema.n_fields || start >= end || end > f->num_rows)
    return lf_err(err, LF_ARG, "%s: no rows [%llu, %llu) of field %d to view", f->path,
                  (unsigned long long)start, (unsigned long long)end, field_idx);
  *width = view_width(f->schema.fields[field_idx]);
  if (f->is_v1 && *width) return lf_v1_view(f, field_idx, start, end, *width, ptr, n, err);
  const field_plan *fp = f->is_v20 || f->is_v1 ? NULL : &f->dec->fields[field_idx];
  if (!fp || fp->nleaves != 1 || fp->leaves[0].depth != 1 || !*width)
    return lf_err(err, LF_UNSUPPORTED, "%s: field %d cannot be viewed in place", f->path, field_idx);
  const lf_column *c = &f->cols[fp->leaves[0].col];
  int p = 0;
  while (p < c->npages && c->pages[p].row_start + c->pages[p].num_rows <= start) p++;
  if (p == c->npages) return lf_err(err, LF_CORRUPT, "%s: row %llu is in no page", f->path,
                                    (unsigned long long)start);
  const uint8_t *file = NULL, *page = NULL;
  int rc = lf_file_map(f, &file, err);
  if (!rc) rc = lf_page21_view(&c->pages[p], *width, file, f->size, &page, err);
  if (rc) return rc;
  const lf_page *pg = &c->pages[p];
  uint64_t last = pg->row_start + pg->num_rows < end ? pg->row_start + pg->num_rows : end;
  *ptr = page + (start - pg->row_start) * *width;
  *n = last - start;
  return LF_OK;
}

int lf_file_view(lf_file *f, int field_idx, uint64_t start, uint64_t end, const uint8_t **ptr,
                 uint64_t *width, uint64_t *n, lf_error *err) {
  *ptr = NULL;
  *n = 0;
  int rc = view_rows(f, field_idx, start, end, ptr, width, n, err);
  if (rc || (uintptr_t)*ptr % view_align(f->schema.fields[field_idx]) == 0) return rc;
  *ptr = NULL; /* legacy pages lie at any byte offset; the kernels load whole elements */
  *n = 0;
  return lf_err(err, LF_UNSUPPORTED, "%s: field %d: page at an offset not aligned to its values",
                f->path, field_idx);
}
