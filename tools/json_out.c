/* json_out.c: owns the value-to-JSON rules of docs/lance-dump.md. */
#include "json_out.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Digits and decimal exponent of v with p significant digits. */
static void sci_digits(double v, int p, char *digits, int *exp10) {
  char tmp[64];
  snprintf(tmp, sizeof tmp, "%.*e", p - 1, v);
  int k = 0;
  char *s = tmp;
  if (*s == '-') s++;
  for (; *s && *s != 'e'; s++)
    if (*s >= '0' && *s <= '9') digits[k++] = *s;
  while (k > 1 && digits[k - 1] == '0') k--; /* trailing zeros are not significant */
  digits[k] = 0;
  *exp10 = atoi(s + 1);
}

/* ECMAScript Number::toString layout of digits d (k of them) and point n. */
static void es_layout(int neg, const char *d, int e, char *buf, size_t cap) {
  int k = (int)strlen(d), n = e + 1;
  char *o = buf, *end = buf + cap - 1;
#define PUT(c) do { if (o < end) *o++ = (c); } while (0)
  if (neg) PUT('-');
  if (k <= n && n <= 21) {
    for (int i = 0; i < k; i++) PUT(d[i]);
    for (int i = k; i < n; i++) PUT('0');
  } else if (0 < n && n <= 21) {
    for (int i = 0; i < n; i++) PUT(d[i]);
    PUT('.');
    for (int i = n; i < k; i++) PUT(d[i]);
  } else if (-6 < n && n <= 0) {
    PUT('0');
    PUT('.');
    for (int i = 0; i < -n; i++) PUT('0');
    for (int i = 0; i < k; i++) PUT(d[i]);
  } else {
    PUT(d[0]);
    if (k > 1) {
      PUT('.');
      for (int i = 1; i < k; i++) PUT(d[i]);
    }
    char ex[16];
    snprintf(ex, sizeof ex, "e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
    for (char *x = ex; *x; x++) PUT(*x);
  }
  *o = 0;
#undef PUT
}

void json_format_double(double v, char *buf, size_t cap) {
  char d[32];
  int e = 0;
  for (int p = 1; p <= 17; p++) {
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*e", p - 1, v);
    if (strtod(tmp, NULL) == v || p == 17) {
      sci_digits(v, p, d, &e);
      break;
    }
  }
  es_layout(v < 0, d, e, buf, cap);
}

void json_format_float(float v, char *buf, size_t cap) {
  for (int p = 1; p <= 9; p++) {
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*e", p - 1, (double)v);
    double d = strtod(tmp, NULL);
    if ((float)d == v || p == 9) {
      json_format_double(d, buf, cap);
      return;
    }
  }
}

static void put_float(FILE *out, double v, int is32) {
  char buf[64];
  if (isnan(v)) fputs("\"NaN\"", out);
  else if (isinf(v)) fputs(v > 0 ? "\"Infinity\"" : "\"-Infinity\"", out);
  else if (v == 0 && signbit(v)) fputs("-0.0", out);
  else {
    if (is32) json_format_float((float)v, buf, sizeof buf);
    else json_format_double(v, buf, sizeof buf);
    fputs(buf, out);
  }
}

static double half_to_double(uint16_t h) {
  int e = (h >> 10) & 31, m = h & 1023;
  double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexp(m + 1024, e - 25);
  return (h & 0x8000) ? -v : v;
}

static void put_string(FILE *out, const uint8_t *s, uint64_t n) {
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

static void put_uint(FILE *out, uint64_t v) {
  if (v > 9007199254740991ULL) fprintf(out, "\"%" PRIu64 "\"", v);
  else fprintf(out, "%" PRIu64, v);
}

/* Days since 1970-01-01 to a proleptic Gregorian date (era arithmetic). */
static void civil(int64_t days, int64_t *y, int *m, int *d) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

static int64_t floordiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static void put_date(FILE *out, int64_t days) {
  int64_t y;
  int m, d;
  civil(days, &y, &m, &d);
  fprintf(out, "\"%s%04" PRId64 "-%02d-%02d\"", y < 0 ? "-" : "", y < 0 ? -y : y, m, d);
}

static void put_timestamp(FILE *out, int64_t v, int unit) {
  static const int64_t per_sec[] = {1, 1000, 1000000, 1000000000};
  static const int digits[] = {0, 3, 6, 9};
  int64_t secs = floordiv(v, per_sec[unit]), frac = v % per_sec[unit];
  if (frac < 0) frac += per_sec[unit];
  int64_t days = floordiv(secs, 86400), sod = secs - days * 86400;
  int64_t y;
  int m, d;
  civil(days, &y, &m, &d);
  fprintf(out, "\"%s%04" PRId64 "-%02d-%02dT%02d:%02d:%02d", y < 0 ? "-" : "", y < 0 ? -y : y, m,
          d, (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
  if (digits[unit]) fprintf(out, ".%0*" PRId64, digits[unit], frac);
  fputs("Z\"", out);
}

static void put_decimal(FILE *out, const uint8_t *p, int scale) {
  unsigned __int128 u = 0;
  for (int i = 15; i >= 0; i--) u = u << 8 | p[i];
  int neg = (p[15] & 0x80) != 0;
  if (neg) u = ~u + 1;
  char dig[64];
  int n = 0;
  do {
    dig[n++] = (char)('0' + (int)(u % 10));
    u /= 10;
  } while (u);
  while (n <= scale) dig[n++] = '0';
  fputc('"', out);
  if (neg) fputc('-', out);
  for (int i = n - 1; i >= 0; i--) {
    fputc(dig[i], out);
    if (i == scale && scale > 0) fputc('.', out);
  }
  fputc('"', out);
}

static void put_fixed(FILE *out, const lf_array *a, uint64_t i) {
  const lf_field *f = a->field;
  const uint8_t *p = a->values + i * (uint64_t)lf_type_width(f);
  int64_t s;
  uint64_t u;
  switch (f->type) {
    case LF_T_BOOL: fputs(*p ? "true" : "false", out); return;
    case LF_T_INT8: put_int(out, *(const int8_t *)p); return;
    case LF_T_UINT8: put_uint(out, *p); return;
    case LF_T_INT16: { int16_t v; memcpy(&v, p, 2); put_int(out, v); return; }
    case LF_T_UINT16: { uint16_t v; memcpy(&v, p, 2); put_uint(out, v); return; }
    case LF_T_INT32: case LF_T_TIME32: { int32_t v; memcpy(&v, p, 4); put_int(out, v); return; }
    case LF_T_UINT32: { uint32_t v; memcpy(&v, p, 4); put_uint(out, v); return; }
    case LF_T_INT64: case LF_T_TIME64: case LF_T_DURATION:
      memcpy(&s, p, 8); put_int(out, s); return;
    case LF_T_UINT64: memcpy(&u, p, 8); put_uint(out, u); return;
    case LF_T_FLOAT16: { uint16_t h; memcpy(&h, p, 2); put_float(out, half_to_double(h), 1); return; }
    case LF_T_FLOAT32: { float v; memcpy(&v, p, 4); put_float(out, v, 1); return; }
    case LF_T_FLOAT64: { double v; memcpy(&v, p, 8); put_float(out, v, 0); return; }
    case LF_T_DATE32: { int32_t v; memcpy(&v, p, 4); put_date(out, v); return; }
    case LF_T_DATE64: memcpy(&s, p, 8); put_date(out, floordiv(s, 86400000)); return;
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
      put_string(out, a->data + a->offsets[i], a->offsets[i + 1] - a->offsets[i]);
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
        put_string(out, (const uint8_t *)f->children[c]->name, strlen(f->children[c]->name));
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
