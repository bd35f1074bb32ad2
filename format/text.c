/*
** text.c: owns the text forms of values that readers print: shortest
** round-trip numbers (ECMAScript Number::toString layout), float32 and
** float16 by their shortest float32 digits, dates, timestamps and decimals.
** lance-dump (JSON) and the SQL layer (TEXT values, JSON inside TEXT) share
** them.
*/
#include "lf.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void lf_fmt_double(double v, char *buf, size_t cap) {
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

void lf_fmt_float(float v, char *buf, size_t cap) {
  for (int p = 1; p <= 9; p++) {
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*e", p - 1, (double)v);
    double d = strtod(tmp, NULL);
    if ((float)d == v || p == 9) {
      lf_fmt_double(d, buf, cap);
      return;
    }
  }
}

double lf_half_to_double(uint16_t h) {
  int e = (h >> 10) & 31, m = h & 1023;
  double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexp(m + 1024, e - 25);
  return (h & 0x8000) ? -v : v;
}

double lf_bf16_to_double(uint16_t h) {
  uint32_t b = (uint32_t)h << 16;
  float f;
  memcpy(&f, &b, sizeof f);
  return f;
}

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

int64_t lf_floordiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

void lf_fmt_date(int64_t days, char *buf, size_t cap) {
  int64_t y;
  int m, d;
  civil(days, &y, &m, &d);
  snprintf(buf, cap, "%s%04" PRId64 "-%02d-%02d", y < 0 ? "-" : "", y < 0 ? -y : y, m, d);
}

void lf_fmt_timestamp(int64_t v, int unit, char sep, const char *suffix, char *buf, size_t cap) {
  static const int64_t per_sec[] = {1, 1000, 1000000, 1000000000};
  static const int digits[] = {0, 3, 6, 9};
  int64_t secs = lf_floordiv(v, per_sec[unit]), frac = v % per_sec[unit];
  if (frac < 0) frac += per_sec[unit];
  int64_t days = lf_floordiv(secs, 86400), sod = secs - days * 86400;
  int64_t y;
  int m, d;
  civil(days, &y, &m, &d);
  int n = snprintf(buf, cap, "%s%04" PRId64 "-%02d-%02d%c%02d:%02d:%02d", y < 0 ? "-" : "",
                   y < 0 ? -y : y, m, d, sep, (int)(sod / 3600), (int)(sod / 60 % 60),
                   (int)(sod % 60));
  if (n > 0 && (size_t)n < cap && digits[unit])
    n += snprintf(buf + n, cap - (size_t)n, ".%0*" PRId64, digits[unit], frac);
  if (n > 0 && (size_t)n < cap) snprintf(buf + n, cap - (size_t)n, "%s", suffix);
}

void lf_fmt_decimal128(const uint8_t *p, int scale, char *buf, size_t cap) {
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
  if (scale < 0 || scale > 60) scale = 0;
  while (n <= scale) dig[n++] = '0';
  size_t o = 0;
  if (neg && o + 1 < cap) buf[o++] = '-';
  for (int i = n - 1; i >= 0 && o + 2 < cap; i--) {
    buf[o++] = dig[i];
    if (i == scale && scale > 0) buf[o++] = '.';
  }
  buf[o < cap ? o : cap - 1] = 0;
}

/* ---- Parsing the text forms back (writes) ---------------------------------- */

static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* n digits at *p (exactly), advancing; -1 if not digits. */
static int64_t fixed_digits(const char **p, int n) {
  int64_t v = 0;
  for (int i = 0; i < n; i++) {
    if ((*p)[i] < '0' || (*p)[i] > '9') return -1;
    v = v * 10 + ((*p)[i] - '0');
  }
  *p += n;
  return v;
}

static int month_days(int64_t y, int m) {
  static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return md[m - 1] + (m == 2 && leap);
}

/* "YYYY-MM-DD" at *p (a leading '-' for years before 0), advancing. */
static int parse_ymd(const char **p, int64_t *days) {
  int neg = **p == '-';
  *p += neg;
  int64_t y = fixed_digits(p, 4);
  if (y < 0 || *(*p)++ != '-') return -1;
  int64_t m = fixed_digits(p, 2);
  if (m < 1 || m > 12 || *(*p)++ != '-') return -1;
  int64_t d = fixed_digits(p, 2);
  if (neg) y = -y;
  if (d < 1 || d > month_days(y, (int)m)) return -1;
  *days = days_from_civil(y, (int)m, (int)d);
  return 0;
}

int lf_parse_date(const char *s, int64_t *days) {
  return parse_ymd(&s, days) || *s ? -1 : 0;
}

int lf_parse_timestamp(const char *s, int unit, int64_t *out) {
  static const int64_t per_sec[] = {1, 1000, 1000000, 1000000000};
  int64_t days, hh = 0, mi = 0, ss = 0, frac = 0;
  if (parse_ymd(&s, &days)) return -1;
  if (*s == ' ' || *s == 'T') {
    s++;
    hh = fixed_digits(&s, 2);
    if (hh < 0 || hh > 23 || *s++ != ':') return -1;
    mi = fixed_digits(&s, 2);
    if (mi < 0 || mi > 59) return -1;
    if (*s == ':') {
      s++;
      ss = fixed_digits(&s, 2);
      if (ss < 0 || ss > 59) return -1;
    }
    if (*s == '.') {
      int nd = 0;
      for (s++; *s >= '0' && *s <= '9'; s++, nd++) {
        if (nd >= 9) return -1;
        frac = frac * 10 + (*s - '0');
      }
      if (!nd) return -1;
      for (; nd < 9; nd++) frac *= 10; /* nanoseconds */
      if (frac % (1000000000 / per_sec[unit])) return -1; /* finer than the unit */
      frac /= 1000000000 / per_sec[unit];
    }
  }
  if (*s == 'Z') s++;
  else if (!strcmp(s, "+00:00")) s += 6;
  if (*s) return -1;
  __int128 v = (__int128)(days * 86400 + hh * 3600 + mi * 60 + ss) * per_sec[unit] + frac;
  if (v < INT64_MIN || v > INT64_MAX) return -1; /* the sum may fit where the seconds do not */
  *out = (int64_t)v;
  return 0;
}

int lf_parse_decimal128(const char *s, int precision, int scale, uint8_t out[16]) {
  int neg = *s == '-';
  s += neg || *s == '+';
  unsigned __int128 v = 0;
  int digits = 0, frac = -1, seen = 0;
  for (; *s; s++, seen++) {
    if (*s == '.' && frac < 0) {
      frac = 0;
      continue;
    }
    if (*s < '0' || *s > '9') return -1;
    if (frac >= 0 && frac == scale) {
      if (*s != '0') return -1; /* more fraction digits than the scale */
      continue;
    }
    v = v * 10 + (unsigned)(*s - '0');
    if (v || frac >= 0) digits++;
    if (frac >= 0) frac++;
    if (digits > 38) return -1;
  }
  if (!seen || (frac == 0 && seen == 1)) return -1; /* no digits */
  for (int f = frac < 0 ? 0 : frac; f < scale; f++, digits++) v *= 10;
  if (digits > precision) return -1;
  if (neg) v = ~v + 1;
  for (int i = 0; i < 16; i++) out[i] = (uint8_t)(v >> (8 * i));
  return 0;
}

uint16_t lf_double_to_bf16(double v) {
  float f = (float)v;
  uint32_t x;
  memcpy(&x, &f, sizeof x);
  if ((x & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((x >> 16) | 0x40u);
  x += 0x7fffu + ((x >> 16) & 1u);
  return (uint16_t)(x >> 16);
}

uint16_t lf_double_to_half(double v) {
  uint16_t sign = signbit(v) ? 0x8000 : 0;
  double a = fabs(v);
  if (isnan(v)) return sign | 0x7e00;
  if (a >= 65520.0) return sign | 0x7c00; /* rounds to infinity */
  if (a < ldexp(1, -25)) return sign;     /* below half the smallest subnormal */
  int e;
  double m = frexp(a, &e);                /* a = m * 2^e, m in [0.5, 1) */
  if (e < -13) {                           /* subnormal: units of 2^-24 */
    double u = nearbyint(ldexp(a, 24));
    return sign | (uint16_t)u;
  }
  double frac = nearbyint(ldexp(m, 11));   /* 11 significant bits, ties to even */
  if (frac >= 2048) {
    frac /= 2;
    e++;
  }
  if (e + 14 >= 31) return sign | 0x7c00;
  return sign | (uint16_t)((e + 14) << 10) | ((uint16_t)frac & 0x3ff);
}
