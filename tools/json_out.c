/* json_out.c: owns the value-to-JSON rules of docs/lance-dump.md. */
#include "json_out.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Digits and decimal exponent of v with p significant digits. */

/* ECMAScript Number::toString layout of digits d (k of them) and point n. */



static void put_float(FILE *out, double v, int is32) {
  char buf[64];
  if (isnan(v)) fputs("\"NaN\"", out);
  else if (isinf(v)) fputs(v > 0 ? "\"Infinity\"" : "\"-Infinity\"", out);
  else if (v == 0 && signbit(v)) fputs("-0.0", out);
  else {
    if (is32) lf_fmt_float((float)v, buf, sizeof buf);
    else lf_fmt_double(v, buf, sizeof buf);
    fputs(buf, out);
  }
}


void json_string(FILE *out, const uint8_t *s, uint64_t n) {
  fputc('"', out);
  for (uint64_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    switch (c) {
      case '"': fputs("\\\"", out); break;
      case '\\': fputs("\\\\", out); break;
      case '\b': fputs("\\b", out); break;
      case '\f': fputs("\\f", out); break;
      case '\n': fputs("\\n", out); break;
      case '\r': fputs("\\r", out); break;
      case '\t': fputs("\\t", out); break;
      default:
        if (c < 0x20) fprintf(out, "\\u%04x", c);
        else fputc(c, out);
    }
  }
  fputc('"', out);
}

static void put_int(FILE *out, int64_t v) {
  const int64_t lim = 9007199254740991LL;
  if (v > lim || v < -lim) fprintf(out, "\"%" PRId64 "\"", v);
  else fprintf(out, "%" PRId64, v);
}

void json_uint(FILE *out, uint64_t v) {
  if (v > 9007199254740991ULL) fprintf(out, "\"%" PRIu64 "\"", v);
  else fprintf(out, "%" PRIu64, v);
}

/* Days since 1970-01-01 to a proleptic Gregorian date (era arithmetic). */


static void put_date(FILE *out, int64_t days) {
  char buf[32];
  lf_fmt_date(days, buf, sizeof buf);
  fprintf(out, "\"%s\"", buf);
}

static void put_timestamp(FILE *out, int64_t v, int unit) {
  char buf[48];
  lf_fmt_timestamp(v, unit, 'T', "Z", buf, sizeof buf);
  fprintf(out, "\"%s\"", buf);
}

static void put_decimal(FILE *out, const uint8_t *p, int scale) {
  char buf[64];
  lf_fmt_decimal128(p, scale, buf, sizeof buf);
  fprintf(out, "\"%s\"", buf);
}

static void put_fixed(FILE *out, const lf_array *a, uint64_t i) {
  const lf_field *f = a->field;
  const uint8_t *p = a->values + i * (uint64_t)lf_type_width(f);
  int64_t s;
  uint64_t u;
  switch (f->type) {
    case LF_T_BOOL: fputs(*p ? "true" : "false", out); return;
    case LF_T_INT8: put_int(out, *(const int8_t *)p); return;
    case LF_T_UINT8: json_uint(out, *p); return;
    case LF_T_INT16: { int16_t v; memcpy(&v, p, 2); put_int(out, v); return; }
    case LF_T_UINT16: { uint16_t v; memcpy(&v, p, 2); json_uint(out, v); return; }
    case LF_T_INT32: case LF_T_TIME32: { int32_t v; memcpy(&v, p, 4); put_int(out, v); return; }
    case LF_T_UINT32: { uint32_t v; memcpy(&v, p, 4); json_uint(out, v); return; }
    case LF_T_INT64: case LF_T_TIME64: case LF_T_DURATION:
      memcpy(&s, p, 8); put_int(out, s); return;
    case LF_T_UINT64: memcpy(&u, p, 8); json_uint(out, u); return;
    case LF_T_FLOAT16: { uint16_t h; memcpy(&h, p, 2); put_float(out, lf_half_to_double(h), 1); return; }
    case LF_T_BFLOAT16: { uint16_t h; memcpy(&h, p, 2); put_float(out, lf_bf16_to_double(h), 1); return; }
    case LF_T_FLOAT32: { float v; memcpy(&v, p, 4); put_float(out, v, 1); return; }
    case LF_T_FLOAT64: { double v; memcpy(&v, p, 8); put_float(out, v, 0); return; }
    case LF_T_DATE32: { int32_t v; memcpy(&v, p, 4); put_date(out, v); return; }
    case LF_T_DATE64: memcpy(&s, p, 8); put_date(out, lf_floordiv(s, 86400000)); return;
    case LF_T_TIMESTAMP: memcpy(&s, p, 8); put_timestamp(out, s, f->unit); return;
    case LF_T_DECIMAL128: put_decimal(out, p, f->scale); return;
    case LF_T_FIXED_BINARY:
      fputc('"', out);
      for (int k = 0; k < lf_type_width(f); k++) fprintf(out, "%02x", p[k]);
      fputc('"', out);
      return;
    default: fputs("null", out);
  }
}

void json_value(FILE *out, const lf_array *a, uint64_t i) {
  const lf_field *f = a->field;
  if (lf_array_is_null(a, i)) {
    fputs("null", out);
    return;
  }
  switch (f->type) {
    case LF_T_NULL: fputs("null", out); return;
    case LF_T_UTF8: case LF_T_LARGE_UTF8:
      json_string(out, a->data + a->offsets[i], a->offsets[i + 1] - a->offsets[i]);
      return;
    case LF_T_BINARY: case LF_T_LARGE_BINARY:
      fputc('"', out);
      for (uint64_t k = a->offsets[i]; k < a->offsets[i + 1]; k++) fprintf(out, "%02x", a->data[k]);
      fputc('"', out);
      return;
    case LF_T_STRUCT:
      fputc('{', out);
      for (int c = 0; c < a->n_children; c++) {
        if (c) fputc(',', out);
        json_string(out, (const uint8_t *)f->children[c]->name, strlen(f->children[c]->name));
        fputc(':', out);
        json_value(out, &a->children[c], i);
      }
      fputc('}', out);
      return;
    case LF_T_LIST: case LF_T_LARGE_LIST: case LF_T_FIXED_LIST: {
      uint64_t s = f->type == LF_T_FIXED_LIST ? i * (uint64_t)f->fixed_size : a->offsets[i];
      uint64_t e = f->type == LF_T_FIXED_LIST ? s + (uint64_t)f->fixed_size : a->offsets[i + 1];
      fputc('[', out);
      for (uint64_t k = s; k < e; k++) {
        if (k > s) fputc(',', out);
        json_value(out, &a->children[0], k);
      }
      fputc(']', out);
      return;
    }
    default: put_fixed(out, a, i);
  }
}
