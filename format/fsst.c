/*
** fsst.c: owns FSST decoding as Lance stores it (pb21 Fsst message).
**
** Source: rust/compression/fsst/src/fsst.rs (Lance's own fsst crate:
** FsstEncoder::export, FsstDecoder::init, decompress_bulk) and
** rust/lance-encoding/src/encodings/physical/fsst.rs.
**
** Symbol table (Fsst.symbol_table), always FSST_SYMBOL_TABLE_SIZE = 2312
** bytes whatever the number of symbols:
**   [0..8)   u64 LE header: bits 32..63 magic 0x46535354 ("FSST"),
**            bit 24 encoder switch, bits 16..23 suffix_lim, bits 8..15
**            terminator, bits 0..7 n_symbols (the last three only matter to
**            the encoder)
**   [8..8+8n)      n symbols, one u64 LE each, symbol bytes from the low byte
**   [8+8n..8+9n)   n lengths, one byte each (1..8)
**   rest           zero, unused
** The reader checks `header & magic == magic` (Rust does the same).
** When the encoder switch is 0 (the input was under 32 KiB, too small to
** train a table) the "compressed" strings are the plain strings.
**
** Compressed strings: a variable-width block (offsets + bytes) produced by
** the inner Variable/Binary encoding.  Each string is a sequence of codes:
** a byte c < 255 emits symbol c (len[c] bytes); 255 (FSST_ESC) emits the
** next byte literally.  Rust's decoder silently emits nothing for codes past
** n_symbols and reads past the string for a trailing escape; both are
** LF_CORRUPT here.
*/
#include "codec.h"

#include <stdlib.h>
#include <string.h>

#define FSST_ESC LF_FSST_ESC
#define FSST_MAGIC LF_FSST_MAGIC

int lf_fsst_table_parse(lf_fsst_table *t, const uint8_t *buf, size_t len,
                        lf_error *err) {
  if (!t) return lf_err(err, LF_ARG, "FSST: no table");
  memset(t, 0, sizeof *t);
  if (!buf || len != LF_FSST_TABLE_BYTES)
    return lf_err(err, LF_CORRUPT,
                  "FSST: symbol table of %zu bytes, expected %d", len,
                  LF_FSST_TABLE_BYTES);
  uint64_t hdr;
  memcpy(&hdr, buf, 8);
  if (((hdr >> 32) & FSST_MAGIC) != FSST_MAGIC)
    return lf_err(err, LF_CORRUPT,
                  "FSST: symbol table header 0x%016llx lacks the FSST magic",
                  (unsigned long long)hdr);
  t->enabled = (hdr >> 24) & 1;
  t->n_symbols = (unsigned)(hdr & 255);
  const uint8_t *lens = buf + 8 + 8 * (size_t)t->n_symbols;
  for (unsigned i = 0; i < t->n_symbols; i++) {
    memcpy(&t->sym[i], buf + 8 + 8 * (size_t)i, 8);
    t->len[i] = lens[i];
    if (t->enabled && (lens[i] < 1 || lens[i] > 8))
      return lf_err(err, LF_CORRUPT, "FSST: symbol %u has length %u (not 1..8)",
                    i, lens[i]);
  }
  return LF_OK;
}

static uint64_t read_off(const uint8_t *p, unsigned ob, size_t i) {
  if (ob == 4) {
    uint32_t v;
    memcpy(&v, p + 4 * i, 4);
    return v;
  }
  uint64_t v;
  memcpy(&v, p + 8 * i, 8);
  return v;
}

static void write_off(uint8_t *p, unsigned ob, size_t i, uint64_t v) {
  if (ob == 4) {
    uint32_t w = (uint32_t)v;
    memcpy(p + 4 * i, &w, 4);
  } else {
    memcpy(p + 8 * i, &v, 8);
  }
}

/* Grow *buf so that at least need bytes fit (need <= limit + 8). */
static int grow(uint8_t **buf, size_t *cap, size_t need, size_t limit) {
  if (need <= *cap) return LF_OK;
  size_t ncap = *cap < 64 ? 64 : *cap;
  while (ncap < need) ncap = ncap > SIZE_MAX / 2 ? SIZE_MAX : ncap * 2;
  if (ncap > limit + 8) ncap = limit + 8;
  if (ncap < need) ncap = need;
  uint8_t *p = realloc(*buf, ncap);
  if (!p) return LF_NOMEM;
  *buf = p;
  *cap = ncap;
  return LF_OK;
}

int lf_fsst_decode(const lf_fsst_table *t, const uint8_t *data, size_t data_len,
                   const void *offsets, unsigned offset_bits, size_t num_values,
                   size_t max_out, uint8_t **out_data, size_t *out_len,
                   void **out_offsets, lf_error *err) {
  if (!t || !out_data || !out_len || !out_offsets || (!offsets && num_values))
    return lf_err(err, LF_ARG, "FSST: missing argument");
  *out_data = NULL;
  *out_len = 0;
  *out_offsets = NULL;
  if (offset_bits != 32 && offset_bits != 64)
    return lf_err(err, LF_CORRUPT, "FSST: offsets of %u bits (not 32 or 64)",
                  offset_bits);
  unsigned ob = offset_bits / 8;
  if (num_values > (SIZE_MAX / 8) - 1)
    return lf_err(err, LF_CORRUPT, "FSST: %zu values", num_values);
  size_t limit = max_out;
  if (ob == 4 && limit > INT32_MAX) limit = INT32_MAX;
  if (limit > SIZE_MAX - 16) limit = SIZE_MAX - 16;

  const uint8_t *offs = offsets;
  /* Check every offset before decoding anything. */
  uint64_t prev = num_values ? read_off(offs, ob, 0) : 0;
  for (size_t i = 0; i <= num_values && num_values; i++) {
    uint64_t o = read_off(offs, ob, i);
    if (o < prev)
      return lf_err(err, LF_CORRUPT,
                    "FSST: offset %zu (%llu) is before offset %zu (%llu)", i,
                    (unsigned long long)o, i - 1, (unsigned long long)prev);
    if (o > data_len)
      return lf_err(err, LF_CORRUPT,
                    "FSST: offset %zu (%llu) is past the %zu data bytes", i,
                    (unsigned long long)o, data_len);
    prev = o;
  }

  uint8_t *oo = malloc((num_values + 1) * ob);
  size_t cap = 0, pos = 0;
  uint8_t *buf = NULL;
  int rc = LF_OK;
  if (!oo) return lf_err(err, LF_NOMEM, "FSST: no memory for offsets");
  /* Start with room for a plain copy (capped at the limit). */
  size_t total_in = num_values ? (size_t)(read_off(offs, ob, num_values) -
                                          read_off(offs, ob, 0))
                               : 0;
  if (grow(&buf, &cap, (total_in < limit ? total_in : limit) + 8, limit)) {
    rc = lf_err(err, LF_NOMEM, "FSST: no memory for output");
    goto fail;
  }
  write_off(oo, ob, 0, 0);
  for (size_t i = 0; i < num_values; i++) {
    const uint8_t *p = data + read_off(offs, ob, i);
    const uint8_t *e = data + read_off(offs, ob, i + 1);
    if (!t->enabled) {
      size_t n = (size_t)(e - p);
      if (n > limit - pos) goto too_big;
      if (grow(&buf, &cap, pos + n + 8, limit)) goto nomem;
      memcpy(buf + pos, p, n);
      pos += n;
    } else {
      while (p < e) {
        unsigned c = *p++;
        if (cap - pos < 8 && grow(&buf, &cap, pos + 8, limit)) goto nomem;
        if (c == FSST_ESC) {
          if (p >= e) {
            rc = lf_err(err, LF_CORRUPT,
                        "FSST: string %zu ends with an escape code", i);
            goto fail;
          }
          if (pos >= limit) goto too_big;
          buf[pos++] = *p++;
        } else {
          if (c >= t->n_symbols) {
            rc = lf_err(err, LF_CORRUPT,
                        "FSST: string %zu uses code %u past the %u-symbol "
                        "table",
                        i, c, t->n_symbols);
            goto fail;
          }
          if (t->len[c] > limit - pos) goto too_big;
          memcpy(buf + pos, &t->sym[c], 8); /* cap - pos >= 8 */
          pos += t->len[c];
        }
      }
    }
    write_off(oo, ob, i + 1, pos);
  }
  *out_data = buf;
  *out_len = pos;
  *out_offsets = oo;
  return LF_OK;

too_big:
  rc = lf_err(err, LF_CORRUPT, "FSST: decoded strings exceed %zu bytes", limit);
  goto fail;
nomem:
  rc = lf_err(err, LF_NOMEM, "FSST: no memory for output");
fail:
  free(buf);
  free(oo);
  return rc;
}
