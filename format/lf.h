/*
** lf.h: the public API of liblanceformat, the Lance format in plain C11.
** No SQLite here.  Ownership: _new/_free for heap objects (_free(NULL) is a
** no-op), _init/_reset for caller-allocated structs; views are borrowed.
*/
#ifndef LF_H
#define LF_H

#include <stddef.h>
#include <stdint.h>

#include "lf_error.h"
#include "store.h"

/* ---- Types ------------------------------------------------------------ */

typedef enum lf_type {
  LF_T_NULL, LF_T_BOOL,
  LF_T_INT8, LF_T_UINT8, LF_T_INT16, LF_T_UINT16,
  LF_T_INT32, LF_T_UINT32, LF_T_INT64, LF_T_UINT64,
  LF_T_FLOAT16, LF_T_FLOAT32, LF_T_FLOAT64,
  LF_T_DECIMAL128, LF_T_DECIMAL256,
  LF_T_UTF8, LF_T_LARGE_UTF8, LF_T_BINARY, LF_T_LARGE_BINARY, LF_T_FIXED_BINARY,
  LF_T_DATE32, LF_T_DATE64, LF_T_TIME32, LF_T_TIME64, LF_T_TIMESTAMP, LF_T_DURATION,
  LF_T_STRUCT, LF_T_LIST, LF_T_LARGE_LIST, LF_T_FIXED_LIST,
  LF_T_BFLOAT16  /* logical type "lance.bfloat16" (Arrow extension on fixed_size_binary(2)) */
} lf_type;

enum { LF_UNIT_S = 0, LF_UNIT_MS = 1, LF_UNIT_US = 2, LF_UNIT_NS = 3 };

typedef struct lf_kv {
  char *key;
  uint8_t *val;
  size_t len;
} lf_kv;

/* One field of a schema: a tree (children), built from Lance's flat
** Field list (id / parent_id).  Fixed-size lists of a primitive get a
** synthesized child named "item" with id -1. */
typedef struct lf_field {
  char *name;
  char *logical_type;    /* as stored, e.g. "fixed_size_list:float:128" */
  int32_t id, parent_id;
  lf_type type;
  int nullable;
  int unit;              /* time unit of time/timestamp/duration types */
  char *tz;              /* timestamp zone or NULL */
  int32_t precision, scale;
  int64_t fixed_size;    /* FIXED_LIST dimension, FIXED_BINARY width */
  int is_dict;           /* stored as dict:<value>:<index>: decoded to value type */
  lf_type index_type;    /* is_dict: the stored index type (an integer type) */
  int is_blob;           /* lance-encoding:blob: a blob column (1 legacy, 2 v2) */
  int is_packed;         /* struct stored packed in one column (lance-encoding:packed) */
  struct lf_field *desc; /* legacy blob: the {position, size} descriptor struct its
                         ** pages hold (owned); arrays of the field use it */
  /* Legacy (v1) files only: Field.encoding (1 plain, 2 var-binary,
  ** 3 dictionary, 4 RLE; 0 when absent) and, for dictionary fields, where
  ** the dictionary's values are: a page of dict_length values at file
  ** offset dict_offset (0, 0 when absent). */
  int encoding;
  int64_t dict_offset, dict_length;
  int n_meta;
  lf_kv *meta;
  int n_children;
  struct lf_field **children;
  struct lf_field *parent;
} lf_field;

typedef struct lf_schema {
  int n_fields;          /* top-level fields */
  lf_field **fields;
  int n_all;             /* every field, pre-order (parents before children) */
  lf_field **all;
  int n_meta;
  lf_kv *meta;
} lf_schema;

/* Bytes per value of a fixed-width type (bool counts 1 byte), 0 otherwise. */
int lf_type_width(const lf_field *f);
int lf_type_is_varwidth(lf_type t); /* utf8/binary, both offset widths */
const char *lf_type_name(lf_type t);
const char *lf_field_meta(const lf_field *f, const char *key, size_t *len);

/* ---- Column vectors ---------------------------------------------------- */

/* A decoded column vector (Arrow-like, simplified for readers):
**   valid   one byte per row, 1 = valid; NULL means every row is valid
**   values  fixed-width values, lf_type_width() bytes each (bool: 0/1 byte,
**           float16: raw IEEE half, decimal: little-endian two's complement)
**   offsets length+1 offsets into data (var-width) or into children[0]
**           (lists); always 64-bit, whatever the file stored
**   children struct fields in order; one child for list and fixed-size list
** Buffers are owned by the array and reused across batches (capacity kept). */
typedef struct lf_array {
  const lf_field *field;
  uint64_t length;
  uint8_t *valid;          /* NULL when every row is valid, else valid_buf */
  uint8_t *valid_buf;      /* owned storage behind valid */
  uint8_t *values;
  uint64_t *offsets;
  uint8_t *data;
  uint64_t data_len;
  int n_children;
  struct lf_array *children;
  uint64_t null_count;
  size_t cap_valid, cap_values, cap_offsets, cap_data;
} lf_array;

void lf_array_init(lf_array *a, const lf_field *f); /* children per field */
void lf_array_reset(lf_array *a);                   /* frees all buffers */
/* Ensure capacities; sets length.  Returns LF_OK or LF_NOMEM. */
int lf_array_alloc_valid(lf_array *a, uint64_t n); /* also sets valid */
int lf_array_alloc_values(lf_array *a, uint64_t nbytes);
int lf_array_alloc_offsets(lf_array *a, uint64_t n);
int lf_array_alloc_data(lf_array *a, uint64_t nbytes);
/* Zero the lengths of a and its children (buffers kept for reuse). */
void lf_array_clear(lf_array *a);
/* After filling: valid = NULL when nothing is null; empty offsets = {0}. */
void lf_array_finish(lf_array *a);
/* Keep the first n rows of a builder (n <= length; a row appended in part,
** e.g. its list values but not its offset, is dropped whole). */
void lf_array_truncate(lf_array *a, uint64_t n);
/* Append n null rows (children get null slots; lists stay empty). */
int lf_array_append_nulls(lf_array *a, uint64_t n);
/* Write the validity of the next n rows (valid[0..n), or all valid when
** NULL) at a->length, counting nulls; a->length is left to the caller.
** Returns LF_OK or LF_NOMEM. */
int lf_array_push_valid(lf_array *a, const uint8_t *valid, uint64_t n);
/* Append rows [start, start + n) of src (a finished array of the same
** field) to the builder dst, children and all.  LF_OK or LF_NOMEM (also
** for a range past src's length). */
int lf_array_append_range(lf_array *dst, const lf_array *src, uint64_t start, uint64_t n);
static inline int lf_array_is_null(const lf_array *a, uint64_t i) {
  return a->valid && !a->valid[i];
}

/* ---- Text forms of values (text.c) ---------------------------------------- */
/* Shortest round-trip digits in ECMAScript Number::toString layout (1e+21,
** 1.5e-7); callers handle NaN, infinities and -0.0 themselves. */
void lf_fmt_double(double v, char *buf, size_t cap);
/* Fewest digits that read back as the same float32, laid out as above. */
void lf_fmt_float(float v, char *buf, size_t cap);
double lf_half_to_double(uint16_t h);
double lf_bf16_to_double(uint16_t h); /* exact: the bits are a float32's top half */
int64_t lf_floordiv(int64_t a, int64_t b);
void lf_fmt_date(int64_t days, char *buf, size_t cap);                 /* YYYY-MM-DD */
/* YYYY-MM-DD<sep>HH:MM:SS[.f] in UTC (0/3/6/9 digits by unit) + suffix. */
void lf_fmt_timestamp(int64_t v, int unit, char sep, const char *suffix, char *buf, size_t cap);
void lf_fmt_decimal128(const uint8_t *p, int scale, char *buf, size_t cap);
/* The inverses, for writes; each returns 0 or -1 when s is not that form.
** Dates 'YYYY-MM-DD'; timestamps 'YYYY-MM-DD[( |T)HH:MM[:SS[.f]]][Z|+00:00]'
** in UTC, to the unit (a fraction finer than the unit is an error);
** decimals '[-]digits[.digits]' within precision and scale. */
int lf_parse_date(const char *s, int64_t *days);
int lf_parse_timestamp(const char *s, int unit, int64_t *out);
int lf_parse_decimal128(const char *s, int precision, int scale, uint8_t out[16]);
uint16_t lf_double_to_half(double v); /* round to nearest even, as F16C */
/* v rounded to float32, then to bfloat16 (nearest even); NaN stays NaN */
uint16_t lf_double_to_bf16(double v);

/* ---- Files --------------------------------------------------------------- */

typedef struct lf_file lf_file;

/* Open a Lance data file: footer, column metadata, schema.  The file keeps a
** borrowed pointer to the store (which must outlive it). */
int lf_file_open(lf_store *store, const char *path, lf_file **out, lf_error *err);
void lf_file_free(lf_file *f);
const lf_schema *lf_file_schema(const lf_file *f);
uint64_t lf_file_num_rows(const lf_file *f);
void lf_file_version(const lf_file *f, int *major, int *minor);
const char *lf_file_path(const lf_file *f);

/* Decode rows [start, end) of top-level field `field_idx` into out (which
** must be lf_array_init'ed for that field; its buffers are reused). */
int lf_file_read_range(lf_file *f, int field_idx, uint64_t start, uint64_t end,
                       lf_array *out, lf_error *err);

/* Zero-copy view: rows [start, end) of top-level field `field_idx` in place,
** when the field is fixed-width (a fixed-size list of numbers, or a number;
** not bool) and the page holding row `start` stores its values as is, with
** no nulls (a full-zip page without control words: LanceDB's layout for
** vectors of 256 bytes or more; a legacy file's plain page), at an offset
** aligned to its elements (their size, at most 8: legacy pages lie at any
** offset), and the store can map the file.  *ptr then
** points at row start's value (*width bytes each, contiguous) for *n rows,
** 1 <= *n <= end - start (the view stops at the page's end), inside the
** store's mapping (valid while the store lives).  LF_UNSUPPORTED when not
** possible: decode with lf_file_read_range instead.  Thread-safe for
** different lf_file objects. */
int lf_file_view(lf_file *f, int field_idx, uint64_t start, uint64_t end, const uint8_t **ptr,
                 uint64_t *width, uint64_t *n, lf_error *err);

/* Global buffers: 0 holds the FileDescriptor; index files keep models in
** the others (format/index/).  lf_file_global_buffer reads buffer i (checked
** against the file) into *out (malloc'd, caller frees), *len bytes. */
int lf_file_num_global_buffers(const lf_file *f);
int lf_file_global_buffer(lf_file *f, int i, uint8_t **out, uint64_t *len, lf_error *err);

/* Decode the rows listed (ascending, duplicates allowed) of `field_idx`.
** Reads every byte range the take needs ahead of decoding, with one
** vectored read (lf_store_read_many) per round: the chunk tables first where
** a page was not taken from yet, then the chunks and rows. */
int lf_file_take(lf_file *f, int field_idx, const uint64_t *rows, size_t n,
                 lf_array *out, lf_error *err);
/* Read ahead what takes of rows[0..n) (as lf_file_take) of the fields
** fields[0..nf) need, in the fewest rounds of vectored reads; lf_file_take
** calls for those rows then read nothing more until lf_file_take_release
** drops the bytes.  Optional (lf_file_take works without). */
int lf_file_take_prepare(lf_file *f, const int *fields, int nf, const uint64_t *rows, size_t n,
                         lf_error *err);
/* The same for several files on one store at once (their reads of each
** round go in one lf_store_read_many): take q[i].rows of q[i].fields of
** q[i].f; release each file after. */
typedef struct lf_take_req {
  lf_file *f;
  const int *fields;
  int nf;
  const uint64_t *rows;
  size_t n;
} lf_take_req;
int lf_files_take_prepare(const lf_take_req *q, int nq, lf_error *err);
void lf_file_take_release(lf_file *f);

#endif
