/*
** vpart.c: owns reading one IVF partition of a vector index (vindex.h):
** its rows of auxiliary.idx, [part_off[p], part_off[p] + part_len[p]):
**   _rowid      u64, the dataset row id of each stored vector
**   code column fsl<u8 | f32>[w], the quantized (or raw) vectors; PQ codes of a
**               partition are stored transposed: the partition's n * w bytes
**               are w runs of n (byte j of row i at j * n + i)
** and, for HNSW, its graph rows of index.idx, [hnsw_row[p], + level_offsets[L]):
**   __vector_id u32      the node (its row within the partition, < n)
**   __neighbors list<u32> its neighbours on that level (nodes < n)
**   _distance   list<f32> their distances (not needed to search; not read)
** Level 0 lists every node; upper levels a subset.  Nulls, a node out of
** range or listed twice on a level are LF_CORRUPT.
*/
#include "index/vindex.h"

#include <stdlib.h>
#include <string.h>

#include "lf_int.h"

void lf_vpart_reset(lf_vpart *p) {
  free(p->rowids);
  free(p->codes);
  for (uint32_t l = 0; p->lvl_row && l < p->nlevels; l++) free(p->lvl_row[l]);
  free(p->lvl_row);
  free(p->nbr_off);
  free(p->nbr);
  memset(p, 0, sizeof *p);
}

/* Rows [start, end) of top-level field col of f, decoded into a. */
static int read_col(lf_file *f, int col, uint64_t start, uint64_t end, lf_array *a, lf_error *err) {
  lf_array_init(a, lf_file_schema(f)->fields[col]);
  int rc = lf_file_read_range(f, col, start, end, a, err);
  if (!rc && (a->length != end - start || a->null_count))
    rc = lf_err(err, LF_CORRUPT, "%s: column %s: %llu rows with %llu nulls", lf_file_path(f),
                a->field->name, (unsigned long long)a->length, (unsigned long long)a->null_count);
  return rc;
}

/* The code column's field and the byte width of one stored row. */
static size_t code_width(const lf_vindex *v, const lf_field **cf) {
  *cf = lf_file_schema(v->aux_file)->fields[v->aux_code_col];
  return (size_t)(*cf)->fixed_size * (v->quant == LF_VQ_FLAT ? 4 : 1);
}

/* auxiliary.idx rows [s, e): row ids and codes into ids / codes. */
static int read_aux(lf_vindex *v, uint64_t s, uint64_t e, lf_array *ids, lf_array *codes,
                    lf_error *err) {
  const lf_field *cf;
  code_width(v, &cf);
  int rc = read_col(v->aux_file, v->aux_rowid_col, s, e, ids, err);
  if (!rc) rc = read_col(v->aux_file, v->aux_code_col, s, e, codes, err);
  if (!rc && codes->children[0].valid)
    rc = lf_err(err, LF_CORRUPT, "%s: null items in %s", lf_file_path(v->aux_file), cf->name);
  return rc;
}

/* Partition p's storage copied from ids / codes, which hold auxiliary.idx
** from row base on. */
static int copy_storage(const lf_vindex *v, uint32_t p, const lf_array *ids, const lf_array *codes,
                        uint64_t base, lf_vpart *out, lf_error *err) {
  const lf_field *cf;
  uint64_t at = v->part_off[p] - base, n = v->part_len[p];
  size_t w = code_width(v, &cf);
  out->n = n;
  out->code_size = w;
  if (!(out->rowids = malloc(n * 8 + 1)) || !(out->codes = malloc(n * w + 1)))
    return lf_err(err, LF_NOMEM, "out of memory");
  if (n) {
    memcpy(out->rowids, (const uint64_t *)ids->values + at, n * 8);
    memcpy(out->codes, codes->children[0].values + at * w, n * w);
  }
  return LF_OK;
}

/* Level l's rows [a, b) of the partition's graph (rows of index.idx from
** row0, at ids / nb index at + a ..). */
static int read_level(lf_vindex *v, lf_vpart *out, uint32_t l, uint64_t row0, uint64_t at,
                      uint64_t a, uint64_t b, const lf_array *ids, const lf_array *nb,
                      uint64_t *nnbr, lf_error *err) {
  uint32_t *map = malloc(out->n * sizeof *map + 1);
  if (!map) return lf_err(err, LF_NOMEM, "out of memory");
  memset(map, 0xff, out->n * sizeof *map);
  out->lvl_row[l] = map;
  const uint32_t *node = (const uint32_t *)ids->values + at, *items = (const uint32_t *)nb->children[0].values;
  const uint64_t *off = nb->offsets + at;
  for (uint64_t r = a; r < b; r++) {
    uint32_t x = node[r];
    uint64_t o0 = off[r], o1 = off[r + 1];
    if (x >= out->n || map[x] != UINT32_MAX || (l == 0 && b - a != out->n) || o1 < o0 ||
        o1 > nb->children[0].length)
      return lf_err(err, LF_CORRUPT, "%s: HNSW row %llu: node %u bad on level %u",
                    lf_file_path(v->index_file), (unsigned long long)(row0 + r), x, l);
    map[x] = (uint32_t)r;
    out->nbr_off[r] = *nnbr;
    for (uint64_t i = o0; i < o1; i++) {
      if (items[i] >= out->n)
        return lf_err(err, LF_CORRUPT, "%s: HNSW row %llu: neighbour %u of %llu nodes",
                      lf_file_path(v->index_file), (unsigned long long)(row0 + r), items[i],
                      (unsigned long long)out->n);
      out->nbr[(*nnbr)++] = items[i];
    }
  }
  return LF_OK;
}

/* index.idx rows [s, e): node ids and neighbour lists into ids / nb. */
static int read_graph_rows(lf_vindex *v, uint64_t s, uint64_t e, lf_array *ids, lf_array *nb,
                           lf_error *err) {
  const lf_schema *sc = lf_file_schema(v->index_file);
  int cid = -1, cnb = -1;
  for (int i = 0; i < sc->n_fields; i++) {
    const lf_field *f = sc->fields[i];
    if (!strcmp(f->name, "__vector_id") && f->type == LF_T_UINT32) cid = i;
    if (!strcmp(f->name, "__neighbors") && f->type == LF_T_LIST && f->n_children == 1 &&
        f->children[0]->type == LF_T_UINT32)
      cnb = i;
  }
  if (cid < 0 || cnb < 0)
    return lf_err(err, LF_CORRUPT, "%s: no __vector_id u32 / __neighbors list<u32> columns",
                  lf_file_path(v->index_file));
  int rc = read_col(v->index_file, cid, s, e, ids, err);
  if (!rc) rc = read_col(v->index_file, cnb, s, e, nb, err);
  return rc;
}

/* Partition p's graph from ids / nb, which hold index.idx from row base on
** (NULL when the partition has no graph rows). */
static int copy_graph(lf_vindex *v, uint32_t p, const lf_array *ids, const lf_array *nb,
                      uint64_t base, lf_vpart *out, lf_error *err) {
  const uint64_t *lv = v->hnsw_levels[p];
  uint64_t row0 = v->hnsw_row[p], rows = lv[v->hnsw_nlevels[p]], at = row0 - base;
  out->nlevels = rows ? v->hnsw_nlevels[p] : 0;
  out->entry = v->hnsw_entry[p];
  if (!rows) return out->n ? lf_err(err, LF_CORRUPT, "HNSW partition %u has no graph", p) : LF_OK;
  if (at + rows > nb->length || nb->offsets[at + rows] < nb->offsets[at])
    return lf_err(err, LF_CORRUPT, "HNSW partition %u: rows out of range", p);
  uint64_t total = nb->offsets[at + rows] - nb->offsets[at], k = 0;
  int rc = LF_OK;
  if (!(out->lvl_row = calloc(out->nlevels, sizeof *out->lvl_row)) ||
      !(out->nbr_off = malloc((rows + 1) * sizeof *out->nbr_off)) ||
      !(out->nbr = malloc(total * sizeof *out->nbr + 1)))
    rc = lf_err(err, LF_NOMEM, "out of memory");
  for (uint32_t l = 0; !rc && l < out->nlevels; l++)
    rc = read_level(v, out, l, row0, at, lv[l], lv[l + 1], ids, nb, &k, err);
  if (!rc) out->nbr_off[rows] = k;
  if (!rc && out->entry >= out->n)
    rc = lf_err(err, LF_CORRUPT, "HNSW partition %u: entry point %u of %llu nodes", p, out->entry,
                (unsigned long long)out->n);
  if (rc == 0 && out->nlevels == 0) rc = lf_err(err, LF_CORRUPT, "HNSW partition %u: no levels", p);
  return rc;
}

/* Partition p from the column arrays (aux: auxiliary.idx from row abase;
** g: index.idx from row gbase, HNSW only). */
static int fill_part(lf_vindex *v, uint32_t p, const lf_array aux[2], uint64_t abase,
                     const lf_array g[2], uint64_t gbase, lf_vpart *out, lf_error *err) {
  memset(out, 0, sizeof *out);
  int rc = copy_storage(v, p, &aux[0], &aux[1], abase, out, err);
  if (!rc && v->hnsw) rc = copy_graph(v, p, &g[0], &g[1], gbase, out, err);
  if (rc) lf_vpart_reset(out);
  return rc;
}

static void reset4(lf_array aux[2], lf_array g[2]) {
  for (int i = 0; i < 2; i++) lf_array_reset(&aux[i]), lf_array_reset(&g[i]);
}

int lf_vindex_load_part(lf_vindex *v, uint32_t p, lf_vpart *out, lf_error *err) {
  memset(out, 0, sizeof *out);
  if (p >= v->nparts) return lf_err(err, LF_ARG, "partition %u of %u", p, v->nparts);
  lf_array aux[2] = {{0}}, g[2] = {{0}}; /* zeroed: reset is safe whichever read fails */
  uint64_t s = v->part_off[p], gs = v->hnsw ? v->hnsw_row[p] : 0;
  int rc = read_aux(v, s, s + v->part_len[p], &aux[0], &aux[1], err);
  if (!rc && v->hnsw && v->hnsw_levels[p][v->hnsw_nlevels[p]])
    rc = read_graph_rows(v, gs, gs + v->hnsw_levels[p][v->hnsw_nlevels[p]], &g[0], &g[1], err);
  if (!rc) rc = fill_part(v, p, aux, s, g, gs, out, err);
  reset4(aux, g);
  return rc;
}

int lf_vindex_load_all(lf_vindex *v, lf_vpart *parts, lf_error *err) {
  lf_array aux[2] = {{0}}, g[2] = {{0}};
  uint64_t grows = 0;
  for (uint32_t p = 0; v->hnsw && p < v->nparts; p++) {
    uint64_t e = v->hnsw_row[p] + v->hnsw_levels[p][v->hnsw_nlevels[p]];
    if (e > grows) grows = e;
  }
  int rc = read_aux(v, 0, v->nrows, &aux[0], &aux[1], err);
  if (!rc && grows) rc = read_graph_rows(v, 0, grows, &g[0], &g[1], err);
  uint32_t p = 0;
  for (; !rc && p < v->nparts; p++) rc = fill_part(v, p, aux, 0, g, 0, &parts[p], err);
  while (rc && p-- > 0) lf_vpart_reset(&parts[p]);
  reset4(aux, g);
  return rc;
}
