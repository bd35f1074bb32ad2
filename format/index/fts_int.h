/*
** fts_int.h: internal declarations of format/index/ shared by its sources,
** the unit tests and the fuzz targets, one section per file.  Nothing here
** is public API (fts.h).
*/
#ifndef LF_FTS_INT_H
#define LF_FTS_INT_H

#include "fts.h"
#include "fts_write.h"
#include "lf_int.h"

/* ---- fst.c: the token dictionary ------------------------------------------- */
typedef struct lf_fst {
  const uint8_t *d;        /* the whole FST (borrowed) */
  size_t n;
  uint64_t version;        /* 1..3 */
  uint64_t nkeys, root;
  size_t limit;            /* node bytes lie below this offset */
} lf_fst;
/* Check the header and footer of the FST in d[0..n) (borrowed: d must
** outlive f).  Nodes are checked as they are read. */
int lf_fst_init(lf_fst *f, const uint8_t *d, size_t n, lf_error *err);
/* *found = 1 and *val when key is in f. */
int lf_fst_get(const lf_fst *f, const uint8_t *key, size_t klen, int *found, uint64_t *val,
               lf_error *err);
/* Keys starting with prefix, in byte order. */
typedef struct lf_fst_iter lf_fst_iter;
int lf_fst_iter_new(const lf_fst *f, const uint8_t *prefix, size_t plen, lf_fst_iter **out,
                    lf_error *err);
/* *got = 0 at the end; *key (klen bytes) is valid until the next call. */
int lf_fst_iter_next(lf_fst_iter *it, int *got, const uint8_t **key, size_t *klen,
                     uint64_t *val, lf_error *err);
void lf_fst_iter_free(lf_fst_iter *it);
/* Prune the walk: before descending along a key's next byte, keep(ctx, key,
** klen) is asked (key[0..klen) with that byte last); 0 skips every key below
** it.  Keys that end where the walk is are still returned. */
typedef int (*lf_fst_filter)(void *ctx, const uint8_t *key, size_t klen);
void lf_fst_iter_filter(lf_fst_iter *it, lf_fst_filter keep, void *ctx);

/* ---- fst_write.c: building a token dictionary ------------------------------ */
/* Keys in strictly ascending byte order (the empty key only first), each
** with its output; the FST bytes are appended to out (borrowed, must
** outlive the builder) as the fst crate writes them.  _finish appends the
** footer; free the builder after it either way. */
typedef struct lf_fst_builder lf_fst_builder;
int lf_fst_builder_new(lf_buf *out, lf_fst_builder **fb, lf_error *err);
int lf_fst_builder_insert(lf_fst_builder *fb, const uint8_t *key, size_t klen, uint64_t val,
                          lf_error *err);
int lf_fst_builder_finish(lf_fst_builder *fb, lf_error *err);
void lf_fst_builder_free(lf_fst_builder *fb);

/* ---- posting.c: bitpacked blocks, posting blocks, position blocks ---------- */
/* Unpack lanes * 32 values of `bits` (0..32) bits each from the
** lanes * 4 * bits bytes at in (BitPacker4x: lanes 4, BitPacker8x: lanes 8).
** _sorted adds each value to the one before it, starting from initial. */
void lf_bp_unpack(unsigned lanes, unsigned bits, const uint8_t *in, uint32_t *out);
void lf_bp_unpack_sorted(unsigned lanes, unsigned bits, uint32_t initial, const uint8_t *in,
                         uint32_t *out);
/* A LEB128 u32 at p[*off] (at most 5 bytes, no bits past 32); advances
** *off.  0, or -1 when truncated or too long. */
int lf_varint_u32(const uint8_t *p, size_t n, size_t *off, uint32_t *v);

/* How an index's posting blocks are written (from the invert file's
** metadata): block_size 128 (BitPacker4x, an f32 max-score prefix) or 256
** (BitPacker8x, patched frequencies, no prefix); tails as varint deltas
** (varint_delta_v1) or fixed u32s (fixed32_v1). */
typedef struct lf_posting_fmt {
  uint32_t block_size;
  int varint_tail;
} lf_posting_fmt;

/* Decode one posting block holding n documents (n == block_size: a full
** block; 0 < n < block_size: the tail) into docs[0..n) and freqs[0..n);
** *max_score gets the block's stored max score (0 when none is stored).
** Every byte must be used; doc ids must ascend strictly. */
int lf_posting_block(const lf_posting_fmt *fmt, const uint8_t *b, size_t len, uint32_t n,
                     uint32_t *docs, uint32_t *freqs, float *max_score, lf_error *err);
/* Decode the positions of one posting block: freqs[0..n) give each
** document's count; out (cap entries) receives their sum of positions,
** ascending within each document.  codec: LF_POS_PACKED (packed_delta_v1)
** or LF_POS_VARINT (varint_doc_delta_v2). */
enum { LF_POS_NONE = 0, LF_POS_PACKED = 1, LF_POS_VARINT = 2 };
int lf_position_block(int codec, const uint8_t *b, size_t len, const uint32_t *freqs,
                      uint32_t n, uint32_t *out, size_t cap, lf_error *err);

/* ---- posting_write.c: the encoders of the blocks above ------------------------ */
unsigned lf_bp_bits(uint32_t v); /* bit length: 0 for 0 */
/* The inverse of lf_bp_unpack: lanes * 32 values of bits bits each into the
** lanes * 4 * bits bytes at out. */
void lf_bp_pack(unsigned lanes, unsigned bits, const uint32_t *in, uint8_t *out);
void lf_varint_put(lf_buf *b, uint64_t v); /* LEB128 */
/* One posting block of n documents (n == block size: full; less: the tail)
** as LanceDB writes it, max_score its prefix (128-document blocks). */
void lf_posting_block_encode(const lf_posting_fmt *fmt, const uint32_t *docs,
                             const uint32_t *freqs, uint32_t n, float max_score, lf_buf *b);
/* The positions of a posting block's n documents (freqs[i] ascending
** positions each, back to back in pos) as packed_delta_v1. */
void lf_position_block_encode(const uint32_t *pos, const uint32_t *freqs, uint32_t n, lf_buf *b);
/* The one-byte document length code of impacts and format 3 scoring. */
uint8_t lf_fts_len_code(uint32_t len);
/* One impact entry over n documents (their frequencies and lengths),
** doc_up_to the last doc id it covers; LF_OK or LF_NOMEM. */
int lf_impact_entry_encode(const uint32_t *freqs, const uint32_t *lens, size_t n,
                           uint32_t doc_up_to, lf_buf *b);

/* ---- fts_write.c: the files of an index being built --------------------------- */
/* Documents go in one at a time (lf_fts_writer_doc: tokenized with p->tok,
** null text skipped); partitions are written to dir (a store path:
** <root>/_indices/<uuid>) whenever the postings held pass p->memory_limit
** and at lf_fts_writer_finish, which also writes metadata.lance.  Existing
** partitions of an older index can be copied in first (ids kept; new
** partitions are numbered after them).  On failure lf_fts_writer_abort
** removes every file written; free the writer in any case. */
typedef struct lf_fts_writer lf_fts_writer;
int lf_fts_writer_new(lf_store *s, const char *dir, const lf_fts_wparams *p, lf_fts_writer **out,
                      lf_error *err);
int lf_fts_writer_copy_part(lf_fts_writer *w, const char *src_dir, uint64_t id, lf_error *err);
int lf_fts_writer_doc(lf_fts_writer *w, uint64_t row_id, const char *text, size_t len,
                      lf_error *err);
/* Tokenize a document with tok (not the writer's: another thread's) into the
** token stream out (appended); lf_fts_writer_stream adds a stream's documents
** exactly as lf_fts_writer_doc would have, in order. */
int lf_fts_stream_doc(lf_tok *tok, uint64_t row_id, const char *text, size_t len, lf_buf *out,
                      lf_error *err);
int lf_fts_writer_stream(lf_fts_writer *w, const uint8_t *p, size_t n, lf_error *err);

/* ---- fts_scan.c: the rows of a build, tokenized -------------------------- */
typedef struct lf_fts_scan_req {
  lf_dataset *ds;
  lf_store *s;
  int field;                   /* top-level text field */
  const uint32_t *skip;        /* fragments left out (optimize: those indexed) */
  size_t nskip;
  const lf_tok_params *tok;
  uint64_t total;              /* live rows to read, for progress */
  lf_fts_progress progress;    /* may be NULL */
  void *progress_ctx;
  const char *shown;           /* the dataset, for messages */
} lf_fts_scan_req;
/* Every live non-null row of the field into w, in scan order (a worker thread
** tokenizes ahead when there are two or more CPUs); LF_INTERRUPTED when the
** progress callback asks to stop. */
int lf_fts_scan_docs(const lf_fts_scan_req *req, lf_fts_writer *w, lf_error *err);
/* deleted[0..ndel): the deleted_fragments bitmap's fragment ids. */
int lf_fts_writer_finish(lf_fts_writer *w, const uint32_t *deleted, size_t ndel, lf_error *err);
const lf_fts_file *lf_fts_writer_files(const lf_fts_writer *w, size_t *n);
void lf_fts_writer_abort(lf_fts_writer *w);
void lf_fts_writer_free(lf_fts_writer *w);

/* ---- fts_meta.c: metadata.lance -------------------------------------------- */
/* Parse the "params" JSON into p (zeroed first; defaults for absent members).
** On error p is reset. */
int lf_fts_params_parse(const uint8_t *json, size_t n, lf_fts_params *p, lf_error *err);
void lf_fts_params_reset(lf_fts_params *p);
/* Parse the "partitions" JSON array of ids (malloc'd *ids, *n entries). */
int lf_fts_partitions_parse(const uint8_t *json, size_t n, uint64_t **ids, size_t *nids,
                            lf_error *err);

/* The on-disk format an index declares in its metadata keys. */
typedef struct lf_fts_layout {
  int version;             /* format_version 1..3 */
  lf_posting_fmt post;
  int positions;           /* LF_POS_*: shared_stream_v2 with that codec, or none */
} lf_fts_layout;
/* From the metadata file's schema metadata (kv[0..n)): the format keys,
** checked (LF_UNSUPPORTED names an unknown value). */
int lf_fts_layout_from_meta(const lf_kv *kv, int n, lf_fts_layout *out, lf_error *err);

/* ---- fts.c -------------------------------------------------------------------- */
/* The document count of token_id's posting list (its _length), without
** decoding the list. */
int lf_fts_posting_len(lf_fts *idx, int part, uint32_t token_id, uint32_t *n, lf_error *err);
/* Partition part's token dictionary (read on first use, owned by idx). */
int lf_fts_part_fst(lf_fts *idx, int part, const lf_fst **out, lf_error *err);

/* ---- fts_fuzzy.c: Levenshtein distance over code points ----------------------- */
/* A query word against keys growing byte by byte (a depth-first walk): one
** row of the edit-distance table per key length.  UTF-8 keys only: a row is
** computed when a key's last code point is complete. */
typedef struct lf_lev {
  uint32_t *q;           /* the query's code points */
  size_t m;              /* their count */
  uint32_t k;            /* the largest distance accepted */
  const uint8_t *prefix; /* keys must start with these bytes */
  size_t plen;
  uint32_t *rows;        /* (m + 1) per key length, grown on demand */
  size_t *start;         /* per key length: where its unfinished code point starts */
  size_t cap;            /* key lengths the arrays hold */
  int nomem;             /* a step ran out of memory (and pruned) */
} lf_lev;
int lf_lev_init(lf_lev *l, const char *word, size_t len, uint32_t k, size_t plen, lf_error *err);
void lf_lev_reset(lf_lev *l);
/* key[0..klen) extends the key the previous call saw at klen - 1 bytes by one
** byte.  0: no key starting so can be within distance k (or lacks the prefix,
** or is not UTF-8, or memory ran out: nomem set); 1: it may. */
int lf_lev_step(lf_lev *l, const uint8_t *key, size_t klen);
/* After lf_lev_step accepted key[0..klen) (or klen == 0): 1 when that key
** itself is within distance k and has the prefix. */
int lf_lev_accepts(const lf_lev *l, size_t klen);
/* *fits = 0 when LanceDB would refuse to build word's fuzzy automaton of
** distance k (over 10000 states; fts_fuzzy.c says which words are counted). */
int lf_lev_automaton_fits(const char *word, size_t len, uint32_t k, int *fits, lf_error *err);
/* Levenshtein distance of two UTF-8 strings in code points (for tests and
** for checking): (size_t)-1 on invalid UTF-8 or out of memory. */
size_t lf_lev_distance(const char *a, size_t alen, const char *b, size_t blen);

#endif
