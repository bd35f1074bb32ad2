/*
** file.c: owns the Lance file container: footer, column metadata, global
** buffers and the FileDescriptor (byte layout in lf_int.h, section file.c).
** Decoding of pages is elsewhere (decode*.c); this file only locates bytes.
*/
#include "lf_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FOOTER_LEN 40

static int check_range(lf_file *f, uint64_t off, uint64_t len, const char *what, lf_error *err) {
  if (off > f->size || len > f->size - off)
    return lf_err(err, LF_CORRUPT, "%s: %s [%llu, +%llu) is outside the file (%llu bytes)",
                  f->path, what, (unsigned long long)off, (unsigned long long)len,
                  (unsigned long long)f->size);
  if (len > (uint64_t)SIZE_MAX / 2)
    return lf_err(err, LF_CORRUPT, "%s: %s is too large", f->path, what);
  return LF_OK;
}

int lf_file_read_into(lf_file *f, uint64_t off, uint64_t len, void *dst, const char *what,
                      lf_error *err) {
  int rc = check_range(f, off, len, what, err);
  if (rc || lf_stage_get(f, off, len, dst)) return rc;
  return f->store->read(f->store, f->path, off, (size_t)len, dst, err);
}

int lf_file_read(lf_file *f, uint64_t off, uint64_t len, uint8_t **out, const char *what,
                 lf_error *err) {
  *out = NULL;
  int rc = check_range(f, off, len, what, err);
  if (rc) return rc;
  uint8_t *b = malloc(len ? (size_t)len : 1);
  if (!b) return lf_err(err, LF_NOMEM, "%s: cannot allocate %llu bytes", f->path,
                        (unsigned long long)len);
  if ((rc = lf_file_read_into(f, off, len, b, what, err))) {
    free(b);
    return rc;
  }
  *out = b;
  return LF_OK;
}

int lf_page_read_buf(lf_file *f, const lf_page *p, int i, uint8_t **out, lf_error *err) {
  if (i < 0 || i >= p->nbuf)
    return lf_err(err, LF_CORRUPT, "%s: page buffer %d missing (page has %d)", f->path, i,
                  p->nbuf);
  return lf_file_read(f, p->buf_off[i], p->buf_len[i], out, "page buffer", err);
}

/* Encoding message: 1 indirect, 2 direct { 1 bytes: Any { 1 type_url, 2 value } }. */
static int parse_encoding(const uint8_t *d, size_t n, const uint8_t **enc, size_t *enc_len,
                          const char **type, size_t *type_len, lf_error *err) {
  lf_pb pb, sub, any;
  lf_pb_field f, g, h;
  lf_pb_init(&pb, d, n);
  *enc = NULL;
  *enc_len = 0;
  int r;
  while ((r = lf_pb_next(&pb, &f, "encoding", err)) > 0) {
    if (f.num == 1)
      return lf_err(err, LF_UNSUPPORTED, "deferred (indirect) encodings are not supported");
    if (f.num != 2 || f.wire != 2) continue;
    lf_pb_sub(&sub, &f);
    while ((r = lf_pb_next(&sub, &g, "direct encoding", err)) > 0) {
      if (g.num != 1 || g.wire != 2) continue;
      lf_pb_init(&any, g.data, g.len);
      while ((r = lf_pb_next(&any, &h, "encoding Any", err)) > 0) {
        if (h.wire != 2) continue;
        if (h.num == 1) *type = (const char *)h.data, *type_len = h.len;
        if (h.num == 2) *enc = h.data, *enc_len = h.len;
      }
      if (r < 0) return LF_CORRUPT;
      if (!*enc) *enc = g.data + g.len; /* empty message: valid, zero length */
    }
    if (r < 0) return LF_CORRUPT;
  }
  return r < 0 ? LF_CORRUPT : LF_OK;
}

static int parse_page(lf_file *f, const uint8_t *d, size_t n, lf_page *pg, lf_error *err) {
  lf_pb pb;
  lf_pb_field fl;
  size_t no = 0, co = 0, nl = 0, cl = 0;
  lf_pb_init(&pb, d, n);
  int r, rc;
  while ((r = lf_pb_next(&pb, &fl, "page", err)) > 0) {
    if (fl.num == 1) {
      if ((rc = lf_pb_append_u64s(&fl, &pg->buf_off, &no, &co, err))) return rc;
    } else if (fl.num == 2) {
      if ((rc = lf_pb_append_u64s(&fl, &pg->buf_len, &nl, &cl, err))) return rc;
    } else if (fl.num == 3 && fl.wire == 0) {
      pg->num_rows = fl.u;
    } else if (fl.num == 4 && fl.wire == 2) {
      if ((rc = parse_encoding(fl.data, fl.len, &pg->enc, &pg->enc_len, &pg->enc_type,
                               &pg->enc_type_len, err)))
        return rc;
    }
  }
  if (r < 0) return LF_CORRUPT;
  if (no != nl)
    return lf_err(err, LF_CORRUPT, "page has %zu buffer offsets but %zu sizes", no, nl);
  pg->nbuf = (int)no;
  for (size_t i = 0; i < no; i++)
    if (pg->buf_off[i] > f->size || pg->buf_len[i] > f->size - pg->buf_off[i])
      return lf_err(err, LF_CORRUPT, "page buffer %zu [%llu, +%llu) is outside the file", i,
                    (unsigned long long)pg->buf_off[i], (unsigned long long)pg->buf_len[i]);
  return LF_OK;
}

static int parse_column(lf_file *f, lf_column *c, lf_error *err) {
  lf_pb pb;
  lf_pb_field fl;
  size_t no = 0, co = 0, nl = 0, cl = 0;
  const char *t;
  size_t tl;
  lf_pb_init(&pb, c->meta, c->meta_len);
  int r, rc;
  uint64_t row = 0;
  while ((r = lf_pb_next(&pb, &fl, "column metadata", err)) > 0) {
    if (fl.num == 1 && fl.wire == 2) {
      if ((rc = parse_encoding(fl.data, fl.len, &c->enc, &c->enc_len, &t, &tl, err))) return rc;
    } else if (fl.num == 2 && fl.wire == 2) {
      lf_page *np = realloc(c->pages, (size_t)(c->npages + 1) * sizeof *np);
      if (!np) return lf_err(err, LF_NOMEM, "out of memory");
      c->pages = np;
      lf_page *pg = &np[c->npages++];
      memset(pg, 0, sizeof *pg);
      if ((rc = parse_page(f, fl.data, fl.len, pg, err)))
        return lf_err_prefix(err, rc, "page %d", c->npages - 1);
      pg->row_start = row;
      row += pg->num_rows;
    } else if (fl.num == 3) {
      if ((rc = lf_pb_append_u64s(&fl, &c->buf_off, &no, &co, err))) return rc;
    } else if (fl.num == 4) {
      if ((rc = lf_pb_append_u64s(&fl, &c->buf_len, &nl, &cl, err))) return rc;
    }
  }
  if (r < 0) return LF_CORRUPT;
  if (no != nl) return lf_err(err, LF_CORRUPT, "column has %zu buffer offsets but %zu sizes", no, nl);
  c->nbuf = (int)no;
  return LF_OK;
}

static int read_offset_table(lf_file *f, uint64_t pos, uint32_t n, uint64_t **offs,
                             uint64_t **lens, const char *what, lf_error *err) {
  uint8_t *tab;
  int rc = lf_file_read(f, pos, (uint64_t)n * 16, &tab, what, err);
  if (rc) return rc;
  *offs = malloc(((size_t)n + 1) * sizeof **offs);
  *lens = malloc(((size_t)n + 1) * sizeof **lens);
  if (!*offs || !*lens) {
    free(tab);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  for (uint32_t i = 0; i < n; i++) {
    (*offs)[i] = lf_le64(tab + 16 * i);
    (*lens)[i] = lf_le64(tab + 16 * i + 8);
    if ((*offs)[i] > f->size || (*lens)[i] > f->size - (*offs)[i]) {
      free(tab);
      return lf_err(err, LF_CORRUPT, "%s: %s entry %u [%llu, +%llu) is outside the file",
                    f->path, what, i, (unsigned long long)(*offs)[i],
                    (unsigned long long)(*lens)[i]);
    }
  }
  free(tab);
  return LF_OK;
}

/* FileDescriptor: 1 schema, 2 length. */
static int read_descriptor(lf_file *f, lf_error *err) {
  if (f->ngb < 1) return lf_err(err, LF_CORRUPT, "%s: no global buffers (no schema)", f->path);
  uint8_t *d;
  int rc = lf_file_read(f, f->gb_off[0], f->gb_len[0], &d, "global buffer 0", err);
  if (rc) return rc;
  lf_pb pb;
  lf_pb_field fl;
  lf_pb_init(&pb, d, f->gb_len[0]);
  int r, have_schema = 0;
  while ((r = lf_pb_next(&pb, &fl, "file descriptor", err)) > 0) {
    if (fl.num == 1 && fl.wire == 2) {
      have_schema = 1;
      if ((rc = lf_schema_parse_fields(&f->schema, fl.data, fl.len, err))) break;
    } else if (fl.num == 2 && fl.wire == 0) {
      f->num_rows = fl.u;
    }
  }
  free(d);
  if (rc) return lf_err_prefix(err, rc, "%s: schema", f->path);
  if (r < 0) return lf_err_prefix(err, LF_CORRUPT, "%s", f->path);
  if (!have_schema) return lf_err(err, LF_CORRUPT, "%s: file descriptor has no schema", f->path);
  return LF_OK;
}

static int read_columns(lf_file *f, uint64_t cmo, lf_error *err) {
  uint64_t *offs = NULL, *lens = NULL;
  int rc = read_offset_table(f, cmo, (uint32_t)f->ncols, &offs, &lens,
                             "column metadata offsets", err);
  if (!rc && !(f->cols = calloc((size_t)f->ncols + 1, sizeof *f->cols)))
    rc = lf_err(err, LF_NOMEM, "out of memory");
  for (int i = 0; !rc && i < f->ncols; i++) {
    lf_column *c = &f->cols[i];
    rc = lf_file_read(f, offs[i], lens[i], &c->meta, "column metadata", err);
    if (rc) break;
    c->meta_len = lens[i];
    if ((rc = parse_column(f, c, err))) rc = lf_err_prefix(err, rc, "%s: column %d", f->path, i);
  }
  free(offs);
  free(lens);
  return rc;
}

int lf_file_map(lf_file *f, const uint8_t **out, lf_error *err) {
  uint64_t len = 0;
  int rc = lf_store_map(f->store, f->path, out, &len, err);
  if (!rc && len < f->size) /* the footer was read at the end of f->size: the file shrank */
    rc = lf_err(err, LF_CORRUPT, "%s: truncated to %llu bytes (was %llu)", f->path,
                (unsigned long long)len, (unsigned long long)f->size);
  return rc;
}

/* The footer's last 8 bytes are u16 major, u16 minor, "LANC" in every
** version; legacy files (0.1, 0.2) have a 16-byte footer (v1.c), the others
** the 40 bytes described in lf_int.h. */
static int open_footer(lf_file *f, lf_error *err) {
  uint8_t ft[FOOTER_LEN];
  int rc = f->store->size(f->store, f->path, &f->size, err);
  if (rc) return rc;
  uint64_t have = f->size < FOOTER_LEN ? f->size : FOOTER_LEN;
  if (have < 16)
    return lf_err(err, LF_CORRUPT, "%s: file is %llu bytes, too small for a Lance footer",
                  f->path, (unsigned long long)f->size);
  uint8_t *t = ft + FOOTER_LEN - have; /* the footer ends at ft + FOOTER_LEN */
  if ((rc = f->store->read(f->store, f->path, f->size - have, (size_t)have, t, err))) return rc;
  if (memcmp(ft + 36, "LANC", 4))
    return lf_err(err, LF_CORRUPT, "%s: not a Lance file (bad magic at end of file)", f->path);
  f->major = ft[32] | ft[33] << 8;
  f->minor = ft[34] | ft[35] << 8;
  if (f->major == 0 && (f->minor == 1 || f->minor == 2)) return lf_v1_open(f, ft + 24, err);
  if (f->size < FOOTER_LEN)
    return lf_err(err, LF_CORRUPT, "%s: file is %llu bytes, too small for a Lance footer",
                  f->path, (unsigned long long)f->size);
  if (!((f->major == 0 && f->minor == 3) || (f->major == 2 && f->minor <= 3)))
    return lf_err(err, LF_UNSUPPORTED, "%s: unknown Lance file version %d.%d", f->path,
                  f->major, f->minor);
  f->is_v20 = (f->major == 0 && f->minor == 3) || (f->major == 2 && f->minor == 0);
  uint64_t cms = lf_le64(ft), cmo = lf_le64(ft + 8), gbo = lf_le64(ft + 16);
  uint32_t ngb = lf_le32(ft + 24), ncols = lf_le32(ft + 28);
  uint64_t body = f->size - FOOTER_LEN;
  if (cms > body || cmo > body || gbo > body || ncols > body / 16 || ngb > body / 16)
    return lf_err(err, LF_CORRUPT, "%s: footer offsets or counts point outside the file",
                  f->path);
  f->ncols = (int)ncols;
  f->ngb = (int)ngb;
  if ((rc = read_offset_table(f, gbo, ngb, &f->gb_off, &f->gb_len, "global buffer offsets",
                              err)))
    return rc;
  if ((rc = read_descriptor(f, err))) return rc;
  return read_columns(f, cmo, err);
}

int lf_decoder_init(lf_file *f, lf_error *err); /* decode.c */
void lf_decoder_free(lf_file *f);

int lf_file_open(lf_store *store, const char *path, lf_file **out, lf_error *err) {
  *out = NULL;
  lf_file *f = calloc(1, sizeof *f);
  if (!f) return lf_err(err, LF_NOMEM, "out of memory");
  f->store = store;
  f->path = lf_strndup(path, strlen(path));
  int rc = f->path ? open_footer(f, err) : lf_err(err, LF_NOMEM, "out of memory");
  if (!rc) rc = lf_decoder_init(f, err);
  if (rc) {
    lf_file_free(f);
    return rc;
  }
  *out = f;
  return LF_OK;
}

void lf_file_free(lf_file *f) {
  if (!f) return;
  lf_decoder_free(f);
  lf_stage_free(f);
  for (int i = 0; f->cols && i < f->ncols; i++) {
    lf_column *c = &f->cols[i];
    for (int j = 0; j < c->npages; j++) {
      lf_take_plan_free(c->pages[j].plan);
      free(c->pages[j].buf_off);
      free(c->pages[j].buf_len);
    }
    free(c->pages);
    free(c->buf_off);
    free(c->buf_len);
    free(c->meta);
  }
  free(f->cols);
  free(f->gb_off);
  free(f->gb_len);
  lf_schema_reset(&f->schema);
  free(f->path);
  free(f);
}

const lf_schema *lf_file_schema(const lf_file *f) { return &f->schema; }
uint64_t lf_file_num_rows(const lf_file *f) { return f->num_rows; }
const char *lf_file_path(const lf_file *f) { return f->path; }
void lf_file_version(const lf_file *f, int *major, int *minor) {
  *major = f->major;
  *minor = f->minor;
}

int lf_file_num_global_buffers(const lf_file *f) { return f->ngb; }

int lf_file_global_buffer(lf_file *f, int i, uint8_t **out, uint64_t *len, lf_error *err) {
  *out = NULL;
  *len = 0;
  if (i < 0 || i >= f->ngb)
    return lf_err(err, LF_CORRUPT, "%s: global buffer %d missing (the file has %d)", f->path, i,
                  f->ngb);
  char what[48];
  snprintf(what, sizeof what, "global buffer %d", i);
  int rc = lf_file_read(f, f->gb_off[i], f->gb_len[i], out, what, err);
  if (!rc) *len = f->gb_len[i];
  return rc;
}
