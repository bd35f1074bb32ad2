/*
** lfbuild.h: builds minimal Lance 2.x data files in memory for unit tests
** (static inline, header only; see lf_int.h section file.c for the layout).
**
**   lfb b = {0};
**   uint64_t off = lfb_put(&b, bytes, n);          page/column buffers first
**   pbw col = {0};
**   lfb_page(&col, offs, lens, nbuf, rows, &layout);  ColumnMetadata.pages
**   lfb_finish(&b, &schema, rows, &col, 1, 2, 2);  descriptor, metadata, footer
**   ... b.f.p / b.f.n are the file ...
**   lfb_free(&b);
** lfb_finish records where it put things (b.cms, b.cmo, b.gbo, b.col_off[]...)
** so that tests can corrupt them with lfb_poke_*.
*/
#ifndef TEST_LFBUILD_H
#define TEST_LFBUILD_H

#include "pbw.h"

#define LFB_MAX_COLS 16
#define LFB_FOOTER 40

typedef struct lfb {
  pbw f;                         /* the file bytes */
  uint64_t gb0_off, gb0_len;     /* FileDescriptor */
  uint64_t col_off[LFB_MAX_COLS], col_len[LFB_MAX_COLS];
  uint64_t cms, cmo, gbo;        /* as written in the footer */
} lfb;

static inline void lfb_pad8(lfb *b) {
  while (b->f.n % 8) pbw_byte(&b->f, 0);
}

/* Append raw bytes (8-aligned); returns their offset. */
static inline uint64_t lfb_put(lfb *b, const void *d, size_t n) {
  lfb_pad8(b);
  uint64_t off = b->f.n;
  pbw_raw(&b->f, d, n);
  return off;
}

static inline void lfb_le(pbw *w, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; i++) pbw_byte(w, (uint8_t)(v >> (8 * i)));
}

static inline void lfb_poke(lfb *b, uint64_t pos, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; i++) b->f.p[pos + (uint64_t)i] = (uint8_t)(v >> (8 * i));
}

/* Footer fields by position from the end of the file. */
enum {
  LFB_FT_CMS = 0, LFB_FT_CMO = 8, LFB_FT_GBO = 16, LFB_FT_NGB = 24, LFB_FT_NCOLS = 28,
  LFB_FT_MAJOR = 32, LFB_FT_MINOR = 34, LFB_FT_MAGIC = 36
};
static inline void lfb_poke_footer(lfb *b, int field, uint64_t v) {
  int w = field < LFB_FT_NGB ? 8 : field < LFB_FT_MAJOR ? 4 : 2;
  lfb_poke(b, b->f.n - LFB_FOOTER + (uint64_t)field, v, w);
}

/* An Encoding { 2 direct: DirectEncoding { 1 encoding: Any { 1 type_url,
** 2 value } } } message around `value`. */
static inline void lfb_encoding(pbw *out, const char *type_url, const pbw *value) {
  pbw any = {0}, direct = {0};
  pbw_str(&any, 1, type_url);
  if (value) pbw_bytes(&any, 2, value->p, value->n);
  pbw_msg(&direct, 1, &any);
  pbw_msg(out, 2, &direct);
  pbw_free(&any);
  pbw_free(&direct);
}

/* Append one page (ColumnMetadata field 2): buffers, row count and a
** PageLayout encoding (layout may be NULL: empty Any value). */
static inline void lfb_page(pbw *col, const uint64_t *off, const uint64_t *len, int nbuf,
                            uint64_t rows, const pbw *layout) {
  pbw pg = {0}, enc = {0};
  pbw_packed(&pg, 1, off, (size_t)nbuf);
  pbw_packed(&pg, 2, len, (size_t)nbuf);
  pbw_u(&pg, 3, rows);
  lfb_encoding(&enc, "/lance.encodings21.PageLayout", layout);
  pbw_msg(&pg, 4, &enc);
  pbw_msg(col, 2, &pg);
  pbw_free(&pg);
  pbw_free(&enc);
}

/* Write global buffer 0 (FileDescriptor{1 schema, 2 length}), the column
** metadata, both offset tables and the footer. */
static inline void lfb_finish(lfb *b, const pbw *schema, uint64_t rows, const pbw *cols,
                              int ncols, int major, int minor) {
  pbw fd = {0};
  if (schema) pbw_msg(&fd, 1, schema);
  pbw_u(&fd, 2, rows);
  b->gb0_off = lfb_put(b, fd.p, fd.n);
  b->gb0_len = fd.n;
  pbw_free(&fd);
  lfb_pad8(b);
  b->cms = b->f.n;
  for (int i = 0; i < ncols && i < LFB_MAX_COLS; i++) {
    b->col_off[i] = lfb_put(b, cols[i].p, cols[i].n);
    b->col_len[i] = cols[i].n;
  }
  lfb_pad8(b);
  b->cmo = b->f.n;
  for (int i = 0; i < ncols && i < LFB_MAX_COLS; i++) {
    lfb_le(&b->f, b->col_off[i], 8);
    lfb_le(&b->f, b->col_len[i], 8);
  }
  b->gbo = b->f.n;
  lfb_le(&b->f, b->gb0_off, 8);
  lfb_le(&b->f, b->gb0_len, 8);
  lfb_le(&b->f, b->cms, 8);
  lfb_le(&b->f, b->cmo, 8);
  lfb_le(&b->f, b->gbo, 8);
  lfb_le(&b->f, 1, 4);
  lfb_le(&b->f, (uint64_t)ncols, 4);
  lfb_le(&b->f, (uint64_t)major, 2);
  lfb_le(&b->f, (uint64_t)minor, 2);
  pbw_raw(&b->f, "LANC", 4);
}

static inline void lfb_free(lfb *b) { pbw_free(&b->f); }

/* A schema of one top-level leaf "x" of logical type lt. */
static inline void lfb_schema1(pbw *schema, const char *lt) {
  pbw_schema_field(schema, "x", 0, -1, lt, 1);
}

/* Open the bytes of b through an in-memory store.  *store must be freed
** after the file. */
static inline int lfb_open(const lfb *b, lf_store **store, lf_file **file, lf_error *err) {
  *file = NULL;
  int rc = lf_store_mem_new(b->f.p, b->f.n, store, err);
  if (rc) return rc;
  return lf_file_open(*store, "mem.lance", file, err);
}

/* A one-column file (schema given: one leaf) whose single page has the
** given buffers and layout. */
static inline void lfb_one_page_file_schema(lfb *b, const pbw *schema, uint64_t rows,
                                            const void *const *bufs, const size_t *lens,
                                            int nbuf, const pbw *layout, int major,
                                            int minor) {
  uint64_t off[8], len[8];
  for (int i = 0; i < nbuf && i < 8; i++) {
    off[i] = lfb_put(b, bufs[i], lens[i]);
    len[i] = lens[i];
  }
  pbw col = {0};
  lfb_page(&col, off, len, nbuf, rows, layout);
  lfb_finish(b, schema, rows, &col, 1, major, minor);
  pbw_free(&col);
}

/* The same with a schema of one top-level leaf "x" of logical type lt. */
static inline void lfb_one_page_file(lfb *b, const char *lt, uint64_t rows,
                                     const void *const *bufs, const size_t *lens, int nbuf,
                                     const pbw *layout, int major, int minor) {
  pbw schema = {0};
  lfb_schema1(&schema, lt);
  lfb_one_page_file_schema(b, &schema, rows, bufs, lens, nbuf, layout, major, minor);
  pbw_free(&schema);
}

#endif
