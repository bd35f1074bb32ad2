/*
** lf_int.h: internal declarations shared by the format/ sources and the unit tests,
** one section per file.  Nothing here is part of the public API (lf.h).
*/
#ifndef LF_INT_H
#define LF_INT_H

#include "bytes.h"
#include "lf.h"
#include "pb.h"

/* ---- schema.c --------------------------------------------------------- */
char *lf_strndup(const char *s, size_t n);
/* Parse a lance.file.Schema message (fields + metadata) into s, which must
** be zeroed.  On error s may hold a partial schema: lf_schema_reset it. */
int lf_schema_parse_fields(lf_schema *s, const uint8_t *d, size_t n, lf_error *err);
void lf_schema_reset(lf_schema *s);
int lf_parse_kv(const uint8_t *d, size_t n, lf_kv **arr, int *cnt, lf_error *err);
void lf_kv_free(lf_kv *a, int n); /* the keys, values and array */

/* ---- schema_write.c ------------------------------------------------------- */
/* Append s as lance.file.Schema fields (1 Field each, 5 metadata) to b, as
** LanceDB writes them; returns b->rc. */
int lf_schema_encode(const lf_schema *s, lf_buf *b);
/* A map<string, string> entry {1 key, 2 value} as field num. */
void lf_pbw_kv(lf_buf *b, uint32_t num, const lf_kv *kv);

/* ---- file.c: the container ----------------------------------------------- */
/*
** A Lance file (2.x) ends with a 40-byte footer:
**   u64 column metadata start        (CMS)
**   u64 column metadata offsets start (CMO): num_columns x (u64 pos, u64 len)
**   u64 global buffer offsets start   (GBO): num_global_buffers x (u64 pos, u64 len)
**   u32 num global buffers, u32 num columns, u16 major, u16 minor, "LANC"
** Global buffer 0 is a lance.file.FileDescriptor (schema + length).  Each
** column's metadata is a lance.file.v2.ColumnMetadata: 1 encoding, 2 pages
** (1 buffer_offsets, 2 buffer_sizes, 3 length (rows), 4 encoding, 5 priority),
** 3/4 column buffer offsets/sizes.  Encoding: 1 indirect (1 location,
** 2 length), 2 direct (1 encoding bytes: a protobuf Any: 1 type_url, 2 value),
** 3 none.
*/
typedef struct lf_page {
  uint64_t num_rows;
  uint64_t row_start;     /* first row of the page within the column */
  int nbuf;
  uint64_t *buf_off, *buf_len;
  const uint8_t *enc;     /* Any.value of the page encoding (view into meta) */
  size_t enc_len;
  const char *enc_type;   /* Any.type_url tail, e.g. "lance.encodings21.PageLayout" */
  size_t enc_type_len;
  struct lf_take_plan *plan; /* decode_page.c: what takes need of a mini-block page
                          ** (chunk table, repetition index), built on the first take */
} lf_page;

typedef struct lf_column {
  uint8_t *meta;          /* raw ColumnMetadata bytes (owned) */
  size_t meta_len;
  int npages;
  lf_page *pages;
  int nbuf;               /* column-level buffers */
  uint64_t *buf_off, *buf_len;
  const uint8_t *enc;     /* column encoding Any.value, or NULL */
  size_t enc_len;
} lf_column;

struct lf_file {
  lf_store *store;
  char *path;
  uint64_t size;
  int major, minor;
  int is_v20;              /* file version 2.0 (footer 0.3 or 2.0): v20.c decodes it */
  int is_v1;               /* legacy file (footer 0.1, 0.2): v1.c reads it; no columns */
  uint64_t num_rows;
  int ncols;
  lf_column *cols;
  int ngb;
  uint64_t *gb_off, *gb_len;
  lf_schema schema;
  struct lf_decoder *dec;  /* 2.1+ decoder state (decode.c) */
  void *v20;               /* 2.0 decoder state (v20.c), created on first read */
  void *v1;                /* legacy file state (v1.c) */
  struct lf_stage *stage;  /* stage.c: bytes read ahead for the takes under way, or NULL */
  int stage_held;          /* staged by lf_file_take_prepare: kept until lf_file_take_release */
};

/* decode.c: the bytes of the page(s) holding `row` of top-level field
** field_idx, over its leaf columns (0 for a 2.0 file or a bad field): what
** decoding that row's whole page would read. */
uint64_t lf_file_page_bytes(const lf_file *f, int field_idx, uint64_t row);
/* Read `len` bytes at `off` of the file into a fresh buffer, checking the
** range against the file size; `what` names the range for errors. */
int lf_file_read(lf_file *f, uint64_t off, uint64_t len, uint8_t **out, const char *what,
                 lf_error *err);
/* Read `len` bytes at `off` (checked as lf_file_read) into dst. */
int lf_file_read_into(lf_file *f, uint64_t off, uint64_t len, void *dst, const char *what,
                      lf_error *err);
/* Read one page buffer (checked) into a fresh buffer. */
int lf_page_read_buf(lf_file *f, const lf_page *p, int i, uint8_t **out, lf_error *err);
/* The whole file mapped (lf_store_map), checked to still hold f->size bytes. */
int lf_file_map(lf_file *f, const uint8_t **out, lf_error *err);

/* ---- stage.c: reading a take's byte ranges ahead --------------------------- */
/* Byte ranges of a file (dst unused), collected by the take planners. */
typedef struct lf_rangeset {
  lf_range *r;
  size_t n, cap;
} lf_rangeset;
/* Add [off, off+len) (len > 0); LF_NOMEM (no message) when out of memory. */
int lf_rangeset_add(lf_rangeset *s, uint64_t off, uint64_t len);
void lf_rangeset_reset(lf_rangeset *s);
/* Read the ranges of sets[i] of files[i] (i < nfiles, all on one store) not
** staged yet (those outside the file are left out: the decoder reports
** them) with one lf_store_read_many and keep their bytes in each file's
** stage. */
int lf_stage_fetch(lf_file **files, const lf_rangeset *sets, int nfiles, lf_error *err);
/* Copy [off, off+len) to dst when one staged span holds it all: 1, else 0. */
int lf_stage_get(const lf_file *f, uint64_t off, uint64_t len, void *dst);
void lf_stage_free(lf_file *f);

/* ---- v1.c: legacy files (footer 0.1 / 0.2; layout in v1.c) --------------- */
/* Open the rest of a legacy file whose 16-byte footer is `footer`: metadata,
** schema (the file's own manifest), page table.  Sets f->is_v1, f->v1
** (freed by lf_v1_free, also on error), f->schema and f->num_rows. */
int lf_v1_open(lf_file *f, const uint8_t *footer, lf_error *err);
void lf_v1_free(lf_file *f);
/* Append rows [start, end) of top-level field field_idx to out (rows and
** lengths as lf_file_read_range; out->length is advanced). */
int lf_v1_append(lf_file *f, int field_idx, uint64_t start, uint64_t end, lf_array *out,
                 lf_error *err);
/* lf_file_view for a field of `width` bytes per row (start < end <= rows). */
int lf_v1_view(lf_file *f, int field_idx, uint64_t start, uint64_t end, uint64_t width,
               const uint8_t **ptr, uint64_t *n, lf_error *err);
/* n positions of `width` (4: int32, 8: int64) bytes at p, checked to be
** non-negative and non-decreasing, into out[0..n). */
int lf_v1_positions(const uint8_t *p, uint64_t n, int width, uint64_t *out, lf_error *err);

/* ---- decompress.c: the CompressiveEncoding tree (encodings_v2_1.proto) --- */
/*
** A decoded data block: what a compressive encoding yields.
**   LF_BLK_FIXED     n values of `bits` bits each, packed little-endian in data
**                    (bits == 1: an LSB-first bitmap, as Arrow booleans; a
**                    fixed-size list of k floats is one value of k*32 bits)
**   LF_BLK_VARIABLE  n values; offsets[0..n] (64-bit, offsets[0] may be != 0)
**                    into data
**   LF_BLK_EMPTY     n values and no bytes (e.g. all-null)
** Optional validity (FixedSizeList has_validity, the validity of the list's
** items): `valid`, one byte per item (n * dim bytes, dim = items per value),
** NULL when absent.  All buffers are owned (malloc) by the block.
*/
/*   LF_BLK_STRUCT    n rows of a packed struct: one child block per field
**                    (split from PackedStruct / VariablePackedStruct rows) */
enum { LF_BLK_EMPTY = 0, LF_BLK_FIXED = 1, LF_BLK_VARIABLE = 2, LF_BLK_STRUCT = 3 };

typedef struct lf_block {
  int kind;
  uint64_t n;
  uint64_t bits;       /* FIXED: bits per value */
  uint8_t *data;
  uint64_t data_len;
  uint64_t *offsets;   /* VARIABLE: n + 1 entries */
  uint8_t *valid;      /* optional, n * dim bytes (1 = valid) */
  uint64_t dim;        /* FIXED with valid: items per value (FSL dimension) */
  uint64_t cap_data, cap_off; /* capacity of data / offsets in bytes (0 = unknown) */
  int n_children;      /* STRUCT: one block per field */
  struct lf_block *children;
} lf_block;

void lf_block_reset(lf_block *b);      /* frees buffers, zeroes */

typedef struct lf_bufview {
  const uint8_t *p;
  uint64_t len;
} lf_bufview;

/* Decode one mini-block chunk's value buffers (the chunk's `nbuf` buffers
** after rep/def) holding `num_values` values, per the CompressiveEncoding
** message `enc` (MiniBlockLayout.value_compression).  `out` is reset first. */
/* Decode one mini-block chunk's values (buffers bufs) with the value
** encoding enc, check that exactly `items` came out, and append them to dst. */
int lf_miniblock_values(const uint8_t *enc, size_t enc_len, const lf_bufview *bufs, int nbuf,
                        uint64_t items, lf_block *dst, lf_error *err);
int lf_decompress_miniblock(const uint8_t *enc, size_t enc_len, const lf_bufview *bufs,
                            int nbuf, uint64_t num_values, lf_block *out, lf_error *err);

/* Decode a whole buffer holding `num_values` values (rep/def levels of
** mini-block and constant layouts: they decode to 16-bit values; dictionary
** buffers; full-zip is separate).  `out` is reset first. */
int lf_decompress_block(const uint8_t *enc, size_t enc_len, lf_bufview buf,
                        uint64_t num_values, lf_block *out, lf_error *err);

/* Full-zip values are "transparent": the page stores each value by itself
** (after its control word).  FullZipLayout.value_compression says how:
** lf_fullzip_fixed_bits gives the stored width of one value for a fixed
** layout (bits_per_value details: flat, fixed-size list of flat including
** its zipped item validity bytes, constant); LF_UNSUPPORTED for others. */
int lf_fullzip_fixed_bits(const uint8_t *enc, size_t enc_len, uint64_t *bits_per_value,
                          lf_error *err);

/* The stored width of one value when the values are stored as is (flat, or
** a fixed-size list of flat without item validity: no compression, no
** validity bytes zipped in); LF_UNSUPPORTED for any other encoding. */
int lf_fullzip_plain_bits(const uint8_t *enc, size_t enc_len, uint64_t *bits, lf_error *err);

/* Decode the values of a full-zip page once the caller has removed the
** control words: `in` is FIXED (n values of lf_fullzip_fixed_bits bits) or
** VARIABLE (n values, offsets into data, as stored).  `in` is taken over
** (reset on return, success or not); transparent encodings move its buffers
** into `out` without copying.  `out` is reset first. */
int lf_decompress_fullzip(const uint8_t *enc, size_t enc_len, lf_block *in, lf_block *out,
                          lf_error *err);

/* One variable-width full-zip value (src, len as stored) decoded by itself
** into *out (malloc'd, caller frees; never NULL on success).  Parses the
** encoding (and an FSST table) on every call: lf_decompress_fullzip decodes
** a whole page in one call and is the one to use on hot paths. */
int lf_decompress_fullzip_value(const uint8_t *enc, size_t enc_len, const uint8_t *src,
                                uint64_t len, uint8_t **out, uint64_t *out_len,
                                lf_error *err);

/* ---- decode_page.c: structural page layouts of file versions 2.1+ ------- */
/*
** RepDefLayer values (encodings_v2_1.proto), listed inner-most first.
*/
enum {
  LF_LAYER_ALL_VALID_ITEM = 1, LF_LAYER_ALL_VALID_LIST = 2, LF_LAYER_NULLABLE_ITEM = 3,
  LF_LAYER_NULLABLE_LIST = 4, LF_LAYER_EMPTYABLE_LIST = 5, LF_LAYER_NULL_AND_EMPTY_LIST = 6
};
#define LF_MAX_LAYERS 32

/* One decoded page of a leaf column: its rep/def levels (NULL when the page
** has none) and its visible items.  row_level[r] / row_item[r] give the
** level and item index where row r starts (num_rows + 1 entries); both are
** NULL when the page has no repetition (row r is level r and item r): use
** lf_row_level / lf_row_item. */
typedef struct lf_pagedata {
  uint64_t num_rows;
  uint64_t n_levels;
  uint16_t *rep, *def;
  int n_layers;
  uint8_t layers[LF_MAX_LAYERS];
  lf_block vals;
  uint64_t *row_level, *row_item;
} lf_pagedata;

void lf_pagedata_reset(lf_pagedata *pd);
static inline uint64_t lf_row_level(const lf_pagedata *pd, uint64_t r) {
  return pd->row_level ? pd->row_level[r] : r;
}
static inline uint64_t lf_row_item(const lf_pagedata *pd, uint64_t r) {
  return pd->row_item ? pd->row_item[r] : r;
}
int lf_block_append(lf_block *dst, const lf_block *src, lf_error *err); /* same kind */
int lf_block_check(const lf_block *b, lf_error *err); /* offsets/lengths in range */
/* Replace whole-byte indices in vals by the dictionary's items. */
int lf_dict_materialize(lf_block *vals, const lf_block *dict, lf_error *err);
/* Is layer l (LF_LAYER_*) a list layer, one repetition level? */
static inline int lf_layer_is_list(int l) {
  return l == LF_LAYER_ALL_VALID_LIST || l >= LF_LAYER_NULLABLE_LIST;
}
int lf_layers_max_rep(const uint8_t *layers, int n);
int lf_layers_max_visible(const uint8_t *layers, int n);

/* ---- decode_sparse.c: the 2.3 sparse structural layout --------------------- */
/* Decode a SparseLayout page (enc: the SparseLayout message, PageLayout
** field 5) into out, converted to rep/def levels and layers as the other
** layouts give them (out->num_rows set by the caller; on error out may hold
** partial buffers: lf_pagedata_reset it). */
int lf_decode_sparse(lf_file *f, const lf_page *pg, const uint8_t *enc, size_t enc_len,
                     lf_pagedata *out, lf_error *err);

/* ---- packed.c: packed struct rows -> one block per field ------------------ */
/* 12 for PackedStruct, 13 for VariablePackedStruct, else 0 (top of enc). */
int lf_packed_kind(const uint8_t *enc, size_t enc_len);
/* Split rows (FIXED rows of PackedStruct, VARIABLE rows of
** VariablePackedStruct) into an LF_BLK_STRUCT block, in place.  An empty
** variable row (a null row) gives zero / empty field values. */
int lf_unpack_struct_rows(const uint8_t *enc, size_t enc_len, lf_block *rows, lf_error *err);
/* Decode page `pg` of file f (a 2.1+ PageLayout) entirely. */
int lf_decode_page21(lf_file *f, const lf_page *pg, lf_pagedata *out, lf_error *err);
/* Decode what page-local rows rows[0..k) (ascending, duplicates allowed)
** need: only the mini-block chunks holding them (pages without
** repetition, or with lists and a repetition index) or only their bytes
** (full-zip pages); other layouts decode the whole page.  row_map[i] is the
** row of `out` that holds rows[i].  The page keeps what it needs for the
** next take (pg->plan; lf_take_plan_free). */
int lf_decode_page21_rows(lf_file *f, lf_page *pg, const uint64_t *rows, size_t k,
                          lf_pagedata *out, uint64_t *row_map, lf_error *err);
void lf_take_plan_free(struct lf_take_plan *p);
/* Add to rs the byte ranges lf_decode_page21_rows(f, pg, rows, k) reads, in
** two passes: pass 0 what locates the rest (a mini-block page's chunk table
** and repetition index until its plan is kept, a full-zip page's
** repetition index entries; all buffers of a page decoded whole), pass 1,
** with pass 0's bytes staged, the rest (chunks, dictionary, full-zip rows).
** Pages it cannot plan add nothing (their decode reads what it needs). */
int lf_page21_take_ranges(lf_file *f, lf_page *pg, const uint64_t *rows, size_t k, int pass,
                          lf_rangeset *rs);

/* The values of page pg in place, when it stores `width`-byte values with no
** nulls and no encoding: a full-zip page without control words (no rep/def)
** whose values are stored as is (lf_fullzip_plain_bits) and whose buffer 0
** holds exactly num_rows values.  *out points at buffer 0 inside `file`
** (the mapped file, len bytes, which must cover the page); LF_UNSUPPORTED
** for any other page (the caller decodes it). */
int lf_page21_view(const lf_page *pg, uint64_t width, const uint8_t *file, uint64_t len,
                   const uint8_t **out, lf_error *err);

/* ---- assemble.c: rep/def levels + items -> lf_array tree ----------------- */
/* Append rows [r0, r1) of pd to the arrays along `path` (path[0] is the
** top-level array, path[depth-1] the leaf; fields likewise).  write[k] = 0
** means node k was already filled by an earlier leaf (shared struct/list
** ancestors): only the leaf's own subtree is appended then. */
int lf_assemble(const lf_pagedata *pd, uint64_t r0, uint64_t r1, lf_array **path,
                const int *write, int depth, lf_error *err);
/* Store items [i0, i0+n) of a block as the values of rows
** [a->length, a->length+n) of leaf array a, converting the physical block to
** the field's type; a->length itself is left to the caller. */
int lf_append_values(lf_array *a, const lf_block *b, uint64_t i0, uint64_t n, lf_error *err);

/* ---- write_page.c: one page of a leaf column, encoded (2.1+) ------------ */
/*
** The rows of a page as the writer gathers them (writer.c shreds arrays
** into it): one level entry per visible or invisible item, with its
** repetition level (rep, when the column has lists) and an event code
** (ev): 0 = valid item, 1 + 2j = null at layer j, 2 + 2j = empty list at
** layer j (layers inner-most first).  Visible items (valid, or null below
** the inner-most list) each have a value slot in vals: FIXED `width` bytes
** (BOOL one byte 0/1), VAR bytes ending at offs[k] (u64 LE, n_vals of them).
** Levels are u16 LE in lf_bufs.  Layer kinds and definition levels are
** chosen when the page is encoded, from the nulls and empties it holds.
*/
enum { LF_WV_FIXED = 1, LF_WV_BOOL = 2, LF_WV_VAR = 3 };

typedef struct lf_wpage {
  int depth;                      /* layers; layer 0 is the leaf */
  uint8_t is_list[LF_MAX_LAYERS]; /* per layer */
  int max_rep, first_list;        /* list layers; inner-most list layer (depth: none) */
  int kind;                       /* LF_WV_* */
  uint32_t width;                 /* FIXED: bytes per value */
  uint32_t fsl_dim;               /* FIXED: items per fixed-size list value, 0 = none */
  int var64;                      /* VAR: 64-bit offsets (large types) */
  uint64_t n_rows, n_levels, n_vals, n_valid, max_len;
  lf_buf rep, ev, vals, offs;
  uint32_t seen_null, seen_empty; /* bit j: layer j had a null / an empty list */
  int comp, comp_level;           /* the leaf's lance-encoding:compression (LF_WCOMP_*), -level */
  uint32_t dict_ratio;            /* lance-encoding:dict-size-ratio in millionths, 0 = default */
} lf_wpage;

/* lance-encoding:compression of a leaf field: absent (LanceDB's defaults),
** "none", "fsst", or a general scheme (codec.h LF_GENERAL_LZ4/ZSTD). */
enum { LF_WCOMP_DEFAULT = 0, LF_WCOMP_NONE = -1, LF_WCOMP_FSST = -2 };

/* write_dict.c: a variable-width page's dictionary encoding. */
typedef struct lf_wdict {
  lf_buf idx;        /* per value slot its entry, u32 (u64 with 64-bit offsets) native */
  lf_buf items;      /* the dictionary page buffer */
  lf_buf ce;         /* its CompressiveEncoding (message body) */
  uint64_t n_items;
} lf_wdict;
/* 1: built into d (buffers cleared first); 0: the page does not pay for a
** dictionary (LanceDB's size rule); -1: out of memory. */
int lf_wdict_build(const struct lf_wpage *p, int minor, lf_wdict *d);
void lf_wdict_reset(lf_wdict *d);

/* An encoded page: its buffers (written 64-byte aligned) and PageLayout. */
typedef struct lf_wenc {
  int nbuf;
  lf_buf bufs[4];
  lf_buf layout;
  lf_wdict dict;                  /* scratch of dictionary-encoded pages */
  lf_buf tmp;                     /* scratch: a chunk's values before general compression */
} lf_wenc;

/* Encode the rows gathered in p as one page of file version 2.minor into
** out (cleared first).  p's level buffers are rewritten in place and its
** values may be moved into out (a full-zip page of fixed-width values
** without levels): clear p afterwards.  Returns LF_OK or LF_NOMEM. */
int lf_wpage_encode(lf_wpage *p, int minor, lf_wenc *out, lf_error *err);
void lf_wpage_clear(lf_wpage *p);  /* drop the rows, keep the capacity */
void lf_wpage_reset(lf_wpage *p);  /* free */
void lf_wenc_reset(lf_wenc *e);

/* writer.c: flush a column's page once it buffers n bytes (tests use small
** pages; the default is 8 MiB). */
struct lf_writer;
void lf_writer_set_page_bytes(struct lf_writer *w, size_t n);
/* writer.c: lf_writer_write of arrays already checked (lf_writer_submit did). */
int lf_writer_write_rows(struct lf_writer *w, const lf_array *cols, uint64_t n, lf_error *err);

/* ---- write_async.c: the writer's worker thread ------------------------------ */
typedef struct lf_wqueue lf_wqueue;
/* Start the worker writing the batches of w (schema's top-level fields). */
int lf_wqueue_start(struct lf_writer *w, const lf_schema *schema, lf_wqueue **out,
                    lf_error *err);
/* Hand over n checked rows: cols[] are swapped with empty arrays of the
** same fields (blocks while the queue is full); an earlier batch's error. */
int lf_wqueue_submit(lf_wqueue *q, lf_array *cols, uint64_t n, lf_error *err);
/* Wait for (abandon: skip) the batches left, stop the worker, free q; the
** first error the worker met. */
int lf_wqueue_stop(lf_wqueue *q, int abandon, lf_error *err);

/* ---- json.c: the JSON reader ------------------------------------------------ */
/* A cursor over JSON text [p, end).  Every reader skips leading white space
** and returns 0, or -1 on malformed text (the cursor then points near the
** fault); callbacks return 0 to go on, anything else stops with that value. */
#define LF_JSON_MAX_DEPTH 32
typedef struct lf_json {
  const uint8_t *p, *end;
} lf_json;
void lf_json_ws(lf_json *j);
int lf_json_peek(lf_json *j);                   /* next byte, -1 at the end */
int lf_json_lit(lf_json *j, const char *s);     /* exactly the bytes of s */
/* A string: *s / *n view its raw bytes between the quotes (escapes kept). */
int lf_json_str(lf_json *j, const uint8_t **s, size_t *n);
int lf_json_skip(lf_json *j, int depth);        /* any value */
int lf_json_uint(lf_json *j, uint64_t *out);    /* digits only, fits u64 */
int lf_json_bool(lf_json *j, int *out);
typedef int (*lf_json_member_cb)(void *ctx, lf_json *j, const uint8_t *key, size_t klen);
typedef int (*lf_json_item_cb)(void *ctx, lf_json *j);
/* An object / array: cb reads (or skips) each member's value / each item. */
int lf_json_object(lf_json *j, lf_json_member_cb cb, void *ctx);
int lf_json_array(lf_json *j, lf_json_item_cb cb, void *ctx);
int lf_json_end(lf_json *j);                    /* only white space left */
/* Decode a string's raw bytes (from lf_json_str) into a malloc'd,
** NUL-terminated UTF-8 string; -1 on a bad escape, -2 out of memory. */
int lf_json_unescape(const uint8_t *s, size_t n, char **out, size_t *outlen);

/* ---- table layer: manifest.c deletion.c rowids.c tags.c table.c ----------- */
#include "lf_table.h"
/* manifest.c: parse a whole manifest file (n bytes, copied into m->raw);
** `what` names it in errors.  m must be zeroed; reset on error. */
int lf_manifest_parse(const uint8_t *d, size_t n, const char *what, lf_manifest *m,
                      lf_error *err);
/* deletion.c: parse a deletion file of type LF_DEL_ARROW / LF_DEL_BITMAP into
** ascending distinct offsets, each below max_rows (*out malloc'd, NULL when
** *nout == 0). */
int lf_deletion_parse(const uint8_t *d, size_t n, int type, uint64_t max_rows,
                      const char *what, uint32_t **out, size_t *nout, lf_error *err);
/* A portable 32-bit Roaring bitmap (d[0..n), exactly) as ascending values
** (*out malloc'd, NULL when *nout == 0); more than max values is corrupt. */
int lf_roaring_parse(const uint8_t *d, size_t n, uint64_t max_rows, const char *what,
                     uint32_t **out, size_t *nout, lf_error *err);
/* "_deletions/<frag>-<read_version>-<id>.arrow|bin": df's path under the root. */
void lf_deletion_name(char *buf, size_t cap, uint64_t frag_id, const lf_deletion_file *df);
/* Read and parse fragment frag_id's deletion file; offsets must be below
** physical_rows. */
int lf_deletion_read(lf_store *s, const char *root, uint64_t frag_id,
                     const lf_deletion_file *df, uint64_t physical_rows, uint32_t **out,
                     size_t *nout, lf_error *err);
/* rowids.c: the versions of a fragment's `rows` rows, from a
** RowDatasetVersionSequence, into out[0..rows). */
int lf_version_seq_parse(const uint8_t *d, size_t n, uint64_t rows, uint64_t *out,
                         lf_error *err);
/* rowids.c: parse a RowIdSequence of at most max_len row ids (out zeroed). */
int lf_rowids_parse(const uint8_t *d, size_t n, uint64_t max_len, lf_rowids *out,
                    lf_error *err);
/* rowid_map.c: row id -> (fragment, offset) of the live rows of a snapshot
** with stable row ids.  Run r maps ids [id, id + n) to offsets [off, off + n)
** of fragment `frag` (the caller's fragment index); runs sorted by id. */
typedef struct lf_rowid_run {
  uint64_t id, n, off;
  int frag;
} lf_rowid_run;
typedef struct lf_rowid_map {
  lf_rowid_run *runs;
  size_t n, cap;
} lf_rowid_map;
/* Add fragment `frag`'s row ids (ids, in offset order) except those at the
** deleted offsets del[0..ndel) (ascending).  m starts zeroed. */
int lf_rowid_map_add(lf_rowid_map *m, int frag, const lf_rowids *ids, const uint32_t *del,
                     size_t ndel, lf_error *err);
/* Sort the runs once every fragment is added.  LF_CORRUPT when an id is
** live twice: then run *bad starts inside run *bad - 1 (no message set). */
int lf_rowid_map_finish(lf_rowid_map *m, size_t *bad);
/* 1 and the fragment and offset of id, or 0 when no live row has it. */
int lf_rowid_map_find(const lf_rowid_map *m, uint64_t id, int *frag, uint64_t *off);
void lf_rowid_map_reset(lf_rowid_map *m);
/* tags.c: parse a tag JSON object into t (zeroed; t->name is left NULL). */
int lf_tag_parse(const uint8_t *d, size_t n, const char *what, lf_tag *t, lf_error *err);
/* table.c: "<root>/<rel>" (just rel when root is ""), malloc'd; NULL = no memory. */
char *lf_path_join(const char *root, const char *rel);
/* The manifest path of `version` in the v2 (u64::MAX - N) or v1 scheme
** (malloc'd; NULL = no memory). */
char *lf_manifest_path(const char *root, uint64_t version, int v2);
/* Path of the manifest of `version` (0 = latest), malloc'd into *path;
** LF_NOTFOUND naming the version when there is none. */
int lf_find_manifest(lf_store *s, const char *root, uint64_t version, char **path,
                     lf_error *err);
/* Read a whole object of at most max bytes (*out malloc'd, caller frees). */
int lf_read_whole(lf_store *s, const char *path, uint64_t max, uint8_t **out, size_t *n,
                  lf_error *err);

/* ---- manifest_write.c: encoding what a commit publishes ------------------ */
#define LF_WRITER_LIBRARY "sqlite-lance"
#define LF_WRITER_VERSION "0.1.0"
/* Copy the fields of message msg[0..n) to b: field map[2i] is written as
** map[2i+1] (0 = dropped); fields not in map are copied when keep_others. */
void lf_pbw_copy_fields(lf_buf *b, const uint8_t *msg, size_t n, const uint32_t *map, int nmap,
                        int keep_others);
/* fr as DataFragment field `num`. */
void lf_fragment_encode(lf_buf *b, uint32_t num, const lf_fragment *fr);
/* A RowIdSequence (rowids.proto) of ids[0..n), or of start..start+n-1 when
** ids is NULL; a RowDatasetVersionSequence: `rows` rows all at `version`. */
void lf_rowid_seq_encode(lf_buf *b, uint64_t start, const uint64_t *ids, uint64_t n);
void lf_version_seq_encode(lf_buf *b, uint64_t rows, uint64_t version);
/* The same with a version per row (v[i] == 0: `version`): one run per stretch
** of equal versions, spans the rows' offsets. */
void lf_version_seq_encode_rows(lf_buf *b, const uint64_t *v, uint64_t rows, uint64_t version);

typedef struct lf_manifest_enc {
  const uint8_t *carry;    /* Manifest message whose other fields are copied */
  size_t carry_len;
  const lf_fragment *frags;
  int n_frags;
  uint64_t version;
  int64_t timestamp_ns;
  uint64_t reader_flags, writer_flags;
  int has_max_fragment_id;
  uint32_t max_fragment_id;
  const char *txn_file;    /* name under _transactions/ */
  uint64_t next_row_id;
  const uint8_t *index_section; /* IndexSection message or NULL */
  size_t index_len;
  const uint8_t *txn;      /* Transaction message */
  size_t txn_len;
  int set_config;          /* 1: config 16 is config[0..n_config), not the carry's */
  const lf_kv *const *config;
  int n_config;
} lf_manifest_enc;
/* The whole manifest file, appended to out; returns out->rc (or LF_ARG). */
int lf_manifest_encode(const lf_manifest_enc *e, lf_buf *out);

/* Transaction operations (their field numbers in Transaction). */
enum { LF_TXN_APPEND = 100, LF_TXN_DELETE = 101, LF_TXN_OVERWRITE = 102,
       LF_TXN_CREATE_INDEX = 103, LF_TXN_REWRITE = 104, LF_TXN_RESTORE = 106,
       LF_TXN_UPDATE = 108 };
enum { LF_TXN_MERGE = 105, LF_TXN_PROJECT = 109, LF_TXN_DATA_REPLACEMENT = 111 };
typedef struct lf_txn_enc {
  uint64_t read_version;
  const char *uuid;
  int op;
  const lf_fragment *new_frags, *upd_frags;
  int n_new, n_upd;
  const uint64_t *removed; /* fragment ids removed (all rows deleted) */
  size_t n_removed;
  const uint8_t *schema;   /* OVERWRITE: Schema fields 1 and 5 */
  size_t schema_len;
  uint64_t restore_version;
  /* CREATE_INDEX: CreateIndex fields 1 (new_indices) and 2 (removed_indices),
  ** already encoded (lf_index_meta_encode, lf_index_section_filter); MERGE,
  ** PROJECT, DATA_REPLACEMENT: the operation's whole body (evolve.c) */
  const uint8_t *idx_fields;
  size_t idx_len;
  /* REWRITE: groups[g] replaced old fragments old[g][0..n_old[g]) by new
  ** ones new_frags[first_new[g] .. first_new[g] + n_new_in[g]) */
  int n_groups;
  const lf_fragment *const *old;
  const int *n_old, *first_new, *n_new_in;
} lf_txn_enc;
int lf_transaction_encode(const lf_txn_enc *t, lf_buf *b);
/* A DataFile message as field num of the message being written. */
void lf_data_file_encode(lf_buf *b, uint32_t num, const lf_data_file *df);
struct lf_new_index;
/* An IndexMetadata message as field num of the message being written. */
void lf_index_meta_encode(lf_buf *b, uint32_t num, const struct lf_new_index *ix);
/* The IndexMetadata entries of IndexSection sec[0..n) (NULL: none) that
** are not named `name` (NULL: no name dropped) and whose uuid (text form)
** is not in uuids[0..nu), as IndexSection field 1 entries appended to
** keep; the ones dropped for their uuid as field 2 entries (CreateIndex
** removed_indices) appended to dropped (NULL: not wanted); *ndropped counts
** them.  LF_CORRUPT on a bad section, else out's rc. */
int lf_index_section_filter(const uint8_t *sec, size_t n, const char *name,
                            const char *const *uuids, int nu, lf_buf *keep, lf_buf *dropped,
                            int *ndropped, lf_error *err);

/* ---- deletion_write.c ------------------------------------------------------ */
/* rows[0..n) (ascending, distinct) as a deletion file of type LF_DEL_ARROW
** or LF_DEL_BITMAP, appended to out; returns LF_OK or LF_NOMEM. */
int lf_deletion_encode(const uint32_t *rows, size_t n, int type, lf_buf *out);
/* rows[0..n) (any order) as a portable 32-bit Roaring bitmap appended to
** out (the fragment bitmaps of indexes too); LF_OK or LF_NOMEM. */
int lf_roaring_encode(const uint32_t *rows, size_t n, lf_buf *out);
/* Write rows[0..n) (n > 0) as a new deletion file of fragment frag_id in
** the dataset at root, the type chosen by size as Lance does; fills df and
** *path (the store path written, malloc'd; for cleanup). */
int lf_deletion_write(lf_store *s, const char *root, uint64_t frag_id, uint64_t read_version,
                      const uint32_t *rows, size_t n, lf_deletion_file *df, char **path,
                      lf_error *err);

/* ---- commit.c ------------------------------------------------------------------ */
/* The Manifest message inside a parsed manifest file's raw bytes. */
void lf_manifest_message(const lf_manifest *m, const uint8_t **msg, size_t *len);
uint64_t lf_random_u64(void);
/* A random (version 4) UUID in canonical text form into buf[37]. */
void lf_uuid4(char buf[37]);

/* ---- evolve.c: lf_commit's MERGE, PROJECT and REPLACE ---------------------------- */
struct lf_commit_req;
/* Allocations the rewritten fragments' file lists point into. */
typedef struct lf_evolve_mem {
  void **p;
  int n, cap;
} lf_evolve_mem;
void lf_evolve_mem_reset(lf_evolve_mem *m);
/* Put r's files into frags[0..n) (shallow copies of a manifest's
** fragments: their file lists are replaced by new ones in mem). */
int lf_evolve_frags(const struct lf_commit_req *r, lf_fragment *frags, int n,
                    lf_evolve_mem *mem, const char *root, lf_error *err);
/* The body of the Merge / Project / DataReplacement message into out. */
int lf_evolve_txn_body(const struct lf_commit_req *r, const lf_manifest *base, const char *root,
                       lf_buf *out, lf_error *err);
/* Manifest message msg without its schema (1, 5), then r's new schema. */
int lf_evolve_carry(const struct lf_commit_req *r, const uint8_t *msg, size_t len, lf_buf *out);
/* Does the transaction that made m (a concurrent version) conflict with r? */
int lf_evolve_conflicts(const struct lf_commit_req *r, const lf_manifest *m);

#endif
