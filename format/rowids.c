/*
** rowids.c: owns row id sequences (rowids.proto): the stable row ids of a
** fragment's rows, in row order, stored inline in DataFragment field 5 (or
** in an external file) when the manifest has feature flag 2.
**
** RowIdSequence: 1 segments (repeated U64Segment), concatenated in order.
** U64Segment, one of:
**   1 Range            { 1 start, 2 end }             start .. end-1
**   2 RangeWithHoles   { 1 start, 2 end, 3 holes }    minus the holes (sorted)
**   3 RangeWithBitmap  { 1 start, 2 end, 3 bitmap }   start+i when bit i is set;
**                                                     bit i = byte i/8, bit i%8 (LSB first)
**   4 sorted_array     EncodedU64Array (ascending)
**   5 array            EncodedU64Array
** EncodedU64Array, one of:
**   1 U16Array { 1 base, 2 offsets: little-endian u16s }   base + offset
**   2 U32Array { 1 base, 2 offsets: little-endian u32s }
**   3 U64Array { 2 values: little-endian u64s }
** (Verified on LanceDB 0.39 files: a compacted fragment holds
** RangeWithBitmap{end 8, bitmap 0xdd} = 0 2 3 4 6 7.)
** Ranges stay ranges; every other segment is expanded into an array.
**
** RowDatasetVersionSequence (DataFragment fields 7/8 last_updated_at, 9/10
** created_at): 1 runs (repeated RowDatasetVersionRun { 1 span U64Segment,
** 2 version }).  The runs cover the fragment's rows in order, each as many
** rows as its span holds: LanceDB 0.39's compaction concatenates the source
** fragments' runs with their spans unchanged (a compacted fragment of 11 rows
** holds spans 3..10, 0..3, 0..1), so only the spans' lengths count.
*/
#include "lf_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct u64arr {
  uint64_t *v;
  uint64_t n;
} u64arr;

/* Decode an EncodedU64Array of at most `cap` values. */
static int decode_array(const uint8_t *d, size_t len, uint64_t cap, u64arr *out, lf_error *err) {
  lf_pb pb, sub;
  lf_pb_field f, g;
  int r;
  lf_pb_init(&pb, d, len);
  out->v = NULL;
  out->n = 0;
  while ((r = lf_pb_next(&pb, &f, "encoded array", err)) > 0) {
    if (f.wire != 2 || f.num < 1 || f.num > 3) continue;
    size_t w = f.num == 1 ? 2 : f.num == 2 ? 4 : 8;
    uint64_t base = 0;
    const uint8_t *bytes = NULL;
    size_t nb = 0;
    lf_pb_sub(&sub, &f);
    while ((r = lf_pb_next(&sub, &g, "encoded array", err)) > 0) {
      if (g.num == 1 && g.wire == 0 && w != 8) base = g.u;
      if (g.num == 2 && g.wire == 2) bytes = g.data, nb = g.len;
    }
    if (r < 0) break;
    if (nb % w || nb / w > cap) {
      free(out->v);
      out->v = NULL;
      return lf_err(err, LF_CORRUPT, "row id array of %zu bytes (%zu-byte values, at most %" PRIu64
                    ")", nb, w, cap);
    }
    free(out->v);
    out->n = nb / w;
    if (!(out->v = malloc((size_t)(out->n ? out->n : 1) * sizeof *out->v)))
      return lf_err(err, LF_NOMEM, "out of memory");
    for (uint64_t i = 0; i < out->n; i++) {
      uint64_t x = 0;
      for (size_t k = w; k-- > 0;) x = x << 8 | bytes[i * w + k];
      if (x > UINT64_MAX - base) {
        free(out->v);
        out->v = NULL;
        return lf_err(err, LF_CORRUPT, "row id base %" PRIu64 " + %" PRIu64 " overflows", base, x);
      }
      out->v[i] = base + x;
    }
  }
  if (r < 0) {
    free(out->v);
    out->v = NULL;
    return LF_CORRUPT;
  }
  return LF_OK;
}

static int is_sorted(const uint64_t *v, uint64_t n) {
  for (uint64_t i = 1; i < n; i++)
    if (v[i] <= v[i - 1]) return 0;
  return 1;
}

/* start / end / field 3 of a Range* message. */
static int parse_range(const lf_pb_field *fl, uint64_t *start, uint64_t *end,
                       const uint8_t **extra, size_t *extra_len, lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  int r;
  *start = *end = 0;
  *extra = NULL;
  *extra_len = 0;
  lf_pb_sub(&pb, fl);
  while ((r = lf_pb_next(&pb, &f, "row id range", err)) > 0) {
    if (f.num == 1 && f.wire == 0) *start = f.u;
    if (f.num == 2 && f.wire == 0) *end = f.u;
    if (f.num == 3 && f.wire == 2) *extra = f.data, *extra_len = f.len;
  }
  if (r < 0) return LF_CORRUPT;
  if (*end < *start)
    return lf_err(err, LF_CORRUPT, "row id range [%" PRIu64 ", %" PRIu64 ") is reversed", *start,
                  *end);
  return LF_OK;
}

static int range_with_holes(uint64_t start, uint64_t end, const u64arr *h, uint64_t cap,
                            lf_rowid_seg *s, lf_error *err) {
  if (!is_sorted(h->v, h->n) || (h->n && (h->v[0] < start || h->v[h->n - 1] >= end)))
    return lf_err(err, LF_CORRUPT, "row id range holes are unsorted or outside the range");
  s->n = end - start - h->n;
  if (s->n > cap) return lf_err(err, LF_CORRUPT, "row id sequence longer than the fragment");
  if (!(s->vals = malloc((size_t)(s->n ? s->n : 1) * sizeof *s->vals)))
    return lf_err(err, LF_NOMEM, "out of memory");
  uint64_t k = 0, j = 0;
  for (uint64_t x = start; x < end; x++) {
    if (j < h->n && h->v[j] == x) j++;
    else s->vals[k++] = x;
  }
  return LF_OK;
}

static int range_with_bitmap(uint64_t start, uint64_t end, const uint8_t *bm, size_t nb,
                             uint64_t cap, lf_rowid_seg *s, lf_error *err) {
  uint64_t span = end - start;
  if (span > (uint64_t)nb * 8)
    return lf_err(err, LF_CORRUPT, "row id bitmap of %zu bytes for a range of %" PRIu64, nb, span);
  uint64_t n = 0;
  for (uint64_t i = 0; i < span; i++) n += bm[i / 8] >> (i % 8) & 1;
  if (n > cap) return lf_err(err, LF_CORRUPT, "row id sequence longer than the fragment");
  if (!(s->vals = malloc((size_t)(n ? n : 1) * sizeof *s->vals)))
    return lf_err(err, LF_NOMEM, "out of memory");
  s->n = 0;
  for (uint64_t i = 0; i < span; i++)
    if (bm[i / 8] >> (i % 8) & 1) s->vals[s->n++] = start + i;
  return LF_OK;
}

/* One U64Segment of at most `cap` row ids into s (zeroed). */
static int parse_segment(const uint8_t *d, size_t len, uint64_t cap, lf_rowid_seg *s,
                         lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  int r, rc = LF_OK, seen = 0;
  lf_pb_init(&pb, d, len);
  while ((r = lf_pb_next(&pb, &f, "row id segment", err)) > 0) {
    if (f.wire != 2 || f.num < 1 || f.num > 5) continue;
    if (seen++) return lf_err(err, LF_CORRUPT, "row id segment has more than one kind");
    uint64_t start, end;
    const uint8_t *x;
    size_t xl;
    if (f.num <= 3 && (rc = parse_range(&f, &start, &end, &x, &xl, err))) return rc;
    if (f.num == 1) {
      if (end - start > cap) return lf_err(err, LF_CORRUPT, "row id sequence longer than the fragment");
      s->start = start, s->n = end - start;
    } else if (f.num == 2) {
      u64arr h;
      if ((rc = decode_array(x, xl, end - start, &h, err))) return rc;
      rc = range_with_holes(start, end, &h, cap, s, err);
      free(h.v);
    } else if (f.num == 3) {
      rc = range_with_bitmap(start, end, x, xl, cap, s, err);
    } else {
      u64arr a;
      if ((rc = decode_array(f.data, f.len, cap, &a, err))) return rc;
      s->vals = a.v, s->n = a.n;
      if (f.num == 4 && !is_sorted(a.v, a.n)) rc = lf_err(err, LF_CORRUPT, "sorted row id array is not sorted");
    }
    if (rc) return rc;
  }
  if (r < 0) return LF_CORRUPT;
  if (!seen) return lf_err(err, LF_CORRUPT, "empty row id segment");
  return LF_OK;
}

int lf_rowids_parse(const uint8_t *d, size_t n, uint64_t max_len, lf_rowids *out,
                    lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  int r, rc = LF_OK;
  memset(out, 0, sizeof *out);
  lf_pb_init(&pb, d, n);
  while (!rc && (r = lf_pb_next(&pb, &f, "row id sequence", err)) > 0) {
    if (f.num != 1 || f.wire != 2) continue;
    lf_rowid_seg *ns = realloc(out->segs, ((size_t)out->n_segs + 1) * sizeof *ns);
    if (!ns) {
      rc = lf_err(err, LF_NOMEM, "out of memory");
      break;
    }
    out->segs = ns;
    lf_rowid_seg *s = &ns[out->n_segs++];
    memset(s, 0, sizeof *s);
    if (!(rc = parse_segment(f.data, f.len, max_len - out->len, s, err))) out->len += s->n;
    else rc = lf_err_prefix(err, rc, "row id segment %d", out->n_segs - 1);
  }
  if (!rc && r < 0) rc = LF_CORRUPT;
  if (!rc && !(out->seg_off = malloc(((size_t)out->n_segs + 1) * sizeof *out->seg_off)))
    rc = lf_err(err, LF_NOMEM, "out of memory");
  if (rc) {
    lf_rowids_reset(out);
    return rc;
  }
  uint64_t o = 0;
  for (int i = 0; i < out->n_segs; i++) out->seg_off[i] = o, o += out->segs[i].n;
  out->seg_off[out->n_segs] = o;
  return LF_OK;
}

uint64_t lf_rowids_get(const lf_rowids *r, uint64_t off) {
  int lo = 0, hi = r->n_segs - 1;
  while (lo < hi) { /* last segment whose first offset is <= off */
    int mid = lo + (hi - lo + 1) / 2;
    if (r->seg_off[mid] <= off) lo = mid;
    else hi = mid - 1;
  }
  while (lo < r->n_segs - 1 && r->segs[lo].n == 0) lo++; /* skip empty segments */
  const lf_rowid_seg *s = &r->segs[lo];
  uint64_t i = off - r->seg_off[lo];
  return s->vals ? s->vals[i] : s->start + i;
}

int lf_version_seq_parse(const uint8_t *d, size_t n, uint64_t rows, uint64_t *out,
                         lf_error *err) {
  lf_pb pb, sub;
  lf_pb_field f, g;
  int r, q, rc = LF_OK;
  uint64_t done = 0;
  lf_pb_init(&pb, d, n);
  while (!rc && (r = lf_pb_next(&pb, &f, "version sequence", err)) > 0) {
    if (f.num != 1 || f.wire != 2) continue;
    uint64_t version = 0, len = 0;
    int spans = 0;
    lf_pb_init(&sub, f.data, f.len);
    while (!rc && (q = lf_pb_next(&sub, &g, "version run", err)) > 0) {
      if (g.num == 2 && g.wire == 0) version = g.u;
      if (g.num != 1 || g.wire != 2) continue;
      lf_rowid_seg s;
      memset(&s, 0, sizeof s);
      if (spans++) rc = lf_err(err, LF_CORRUPT, "version run has two spans");
      else rc = parse_segment(g.data, g.len, rows - done, &s, err);
      free(s.vals);
      len = s.n;
    }
    if (!rc && q < 0) rc = LF_CORRUPT;
    if (!rc && !spans) rc = lf_err(err, LF_CORRUPT, "version run without a span");
    for (uint64_t i = 0; !rc && i < len; i++) out[done + i] = version;
    done += rc ? 0 : len;
  }
  if (!rc && r < 0) rc = LF_CORRUPT;
  if (!rc && done != rows)
    rc = lf_err(err, LF_CORRUPT, "version sequence covers %" PRIu64 " of %" PRIu64 " rows", done, rows);
  return rc;
}

void lf_rowids_reset(lf_rowids *r) {
  for (int i = 0; i < r->n_segs; i++) free(r->segs[i].vals);
  free(r->segs);
  free(r->seg_off);
  memset(r, 0, sizeof *r);
}
