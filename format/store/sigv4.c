/*
** sigv4.c: owns AWS Signature Version 4 request signing (sigv4.h):
**
**   canonical request = METHOD \n canonical path \n canonical query \n
**                       (lowercase-name:trimmed-value \n)* \n
**                       signed header names joined by ';' \n payload hash
**   string to sign    = "AWS4-HMAC-SHA256" \n amz_date \n
**                       date/region/service/aws4_request \n hex SHA-256(creq)
**   signing key       = HMAC chain "AWS4"+secret -> date -> region -> service
**                       -> "aws4_request"
**   Authorization     = AWS4-HMAC-SHA256 Credential=<key id>/<scope>,
**                       SignedHeaders=<names>, Signature=<hex HMAC(sts)>
**
** The path is encoded once (S3's rule: no normalization, no double
** encoding), the query's names and values are decoded then re-encoded and
** sorted, header values are trimmed with inner runs of white space made one
** space.  The secret only ever enters the HMAC.
*/
#include "sigv4.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "lf_error.h"

static void put_str(lf_buf *b, const char *z) { lf_buf_put(b, z, strlen(z)); }

void lf_uri_encode(lf_buf *b, const char *z, size_t n, int keep_slash) {
  static const char hex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)z[i];
    if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/')) {
      lf_buf_u8(b, c);
    } else {
      char e[3] = {'%', hex[c >> 4], hex[c & 15]};
      lf_buf_put(b, e, 3);
    }
  }
}

static void to_hex(const unsigned char *d, size_t n, char *out) {
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) out[2 * i] = hex[d[i] >> 4], out[2 * i + 1] = hex[d[i] & 15];
  out[2 * n] = 0;
}

void lf_sha256_hex(const void *data, size_t n, char hex[65]) {
  unsigned char md[32];
  unsigned int len = 0;
  EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
  to_hex(md, 32, hex);
}

static void hmac(const void *key, size_t klen, const void *d, size_t n, unsigned char out[32]) {
  unsigned int len = 32;
  HMAC(EVP_sha256(), key, (int)klen, d, n, out, &len);
}

int lf_hex_digit(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Encode z[0..n) after decoding its %XX escapes (a stray '%' stays one). */
static void reencode(lf_buf *b, const char *z, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char c = z[i];
    if (c == '%' && i + 2 < n && lf_hex_digit(z[i + 1]) >= 0 && lf_hex_digit(z[i + 2]) >= 0) {
      c = (char)(lf_hex_digit(z[i + 1]) * 16 + lf_hex_digit(z[i + 2]));
      i += 2;
    }
    lf_uri_encode(b, &c, 1, 0);
  }
}

/* Encoded "name=value" pairs by name, then by value ('=' never in a name). */
static int cmp_pair(const void *a, const void *b) {
  const char *x = *(char *const *)a, *y = *(char *const *)b;
  size_t nx = strcspn(x, "="), ny = strcspn(y, "=");
  int c = memcmp(x, y, nx < ny ? nx : ny);
  if (c || nx != ny) return c ? c : nx < ny ? -1 : 1;
  return strcmp(x + nx, y + ny);
}

/* "name=value" pairs of query q, encoded, sorted, joined by '&'. */
static int canonical_query(lf_buf *out, const char *q) {
  size_t np = 0, cap = 1;
  for (const char *p = q; *p; p++) cap += *p == '&';
  char **pairs = calloc(cap, sizeof *pairs);
  if (!pairs) return LF_NOMEM;
  int rc = LF_OK;
  for (const char *p = q; *p && !rc;) {
    size_t n = strcspn(p, "&");
    if (n) {
      const char *eq = memchr(p, '=', n);
      size_t kn = eq ? (size_t)(eq - p) : n;
      lf_buf e = {0};
      reencode(&e, p, kn);
      lf_buf_u8(&e, '=');
      if (eq) reencode(&e, eq + 1, n - kn - 1);
      lf_buf_u8(&e, 0);
      if (e.rc) rc = LF_NOMEM, lf_buf_reset(&e);
      else pairs[np++] = (char *)e.p;
    }
    p += n + (p[n] == '&');
  }
  qsort(pairs, np, sizeof *pairs, cmp_pair);
  for (size_t i = 0; i < np; i++) {
    if (i) lf_buf_u8(out, '&');
    put_str(out, pairs[i]);
    free(pairs[i]);
  }
  free(pairs);
  return rc;
}

typedef struct hdr {
  char *name;  /* lowercased copy */
  const char *value;
  int order;
} hdr;

static int cmp_hdr(const void *a, const void *b) {
  const hdr *x = a, *y = b;
  int c = strcmp(x->name, y->name);
  return c ? c : x->order - y->order;
}

/* value trimmed, inner white space runs as one space. */
static void put_trimmed(lf_buf *b, const char *v) {
  while (isspace((unsigned char)*v)) v++;
  int space = 0;
  for (; *v; v++) {
    if (isspace((unsigned char)*v)) {
      space = 1;
      continue;
    }
    if (space) lf_buf_u8(b, ' ');
    space = 0;
    lf_buf_u8(b, (unsigned char)*v);
  }
}

/* Canonical headers into creq, their names (';'-joined) into names. */
static int canonical_headers(lf_buf *creq, lf_buf *names, const lf_sigv4_req *r) {
  hdr *h = calloc((size_t)r->nhdrs + 1, sizeof *h);
  int rc = h ? LF_OK : LF_NOMEM;
  for (int i = 0; !rc && i < r->nhdrs; i++) {
    if (!(h[i].name = strdup(r->hdrs[i].name))) rc = LF_NOMEM;
    else
      for (char *c = h[i].name; *c; c++) *c = (char)tolower((unsigned char)*c);
    h[i].value = r->hdrs[i].value;
    h[i].order = i;
  }
  if (!rc) qsort(h, (size_t)r->nhdrs, sizeof *h, cmp_hdr);
  for (int i = 0; !rc && i < r->nhdrs; i++) {
    int first = !i || strcmp(h[i].name, h[i - 1].name);
    if (first) {
      if (i) lf_buf_u8(creq, '\n'), lf_buf_u8(names, ';');
      put_str(creq, h[i].name);
      lf_buf_u8(creq, ':');
      put_str(names, h[i].name);
    } else {
      lf_buf_u8(creq, ',');
    }
    put_trimmed(creq, h[i].value);
  }
  if (r->nhdrs) lf_buf_u8(creq, '\n');
  for (int i = 0; h && i < r->nhdrs; i++) free(h[i].name);
  free(h);
  return rc;
}

static void signing_key(const lf_sigv4_key *k, const char *date8, unsigned char key[32]) {
  size_t sn = strlen(k->secret);
  char *s = malloc(sn + 5);
  if (!s) {
    memset(key, 0, 32);
    return;
  }
  memcpy(s, "AWS4", 4);
  memcpy(s + 4, k->secret, sn);
  hmac(s, sn + 4, date8, 8, key);
  memset(s, 0, sn + 4); /* no copy of the secret left behind */
  free(s);
  hmac(key, 32, k->region, strlen(k->region), key);
  hmac(key, 32, k->service, strlen(k->service), key);
  hmac(key, 32, "aws4_request", 12, key);
}

int lf_sigv4_sign(const lf_sigv4_req *r, const lf_sigv4_key *k, const char *amz_date,
                  lf_sigv4_out *o) {
  memset(o, 0, sizeof *o);
  if (strlen(amz_date) != 16 || amz_date[8] != 'T') return LF_ARG;
  lf_buf names = {0};
  put_str(&o->creq, r->method);
  lf_buf_u8(&o->creq, '\n');
  lf_uri_encode(&o->creq, r->path, strlen(r->path), 1);
  lf_buf_u8(&o->creq, '\n');
  int rc = canonical_query(&o->creq, r->query ? r->query : "");
  lf_buf_u8(&o->creq, '\n');
  if (!rc) rc = canonical_headers(&o->creq, &names, r);
  lf_buf_u8(&o->creq, '\n');
  lf_buf_put(&o->creq, names.p, names.len);
  lf_buf_u8(&o->creq, '\n');
  put_str(&o->creq, r->payload_hash);
  char date8[9], hex[65];
  memcpy(date8, amz_date, 8);
  date8[8] = 0;
  lf_sha256_hex(o->creq.p, o->creq.len, hex);
  lf_buf_u8(&o->creq, 0);
  o->creq.len--;
  put_str(&o->sts, "AWS4-HMAC-SHA256\n");
  put_str(&o->sts, amz_date);
  lf_buf_u8(&o->sts, '\n');
  lf_buf scope = {0};
  put_str(&scope, date8), lf_buf_u8(&scope, '/'), put_str(&scope, k->region);
  lf_buf_u8(&scope, '/'), put_str(&scope, k->service), put_str(&scope, "/aws4_request");
  lf_buf_put(&o->sts, scope.p, scope.len);
  lf_buf_u8(&o->sts, '\n');
  put_str(&o->sts, hex);
  unsigned char key[32], sig[32];
  signing_key(k, date8, key);
  hmac(key, 32, o->sts.p, o->sts.len, sig);
  memset(key, 0, sizeof key);
  lf_buf_u8(&o->sts, 0);
  o->sts.len--;
  to_hex(sig, 32, hex);
  put_str(&o->auth, "AWS4-HMAC-SHA256 Credential=");
  put_str(&o->auth, k->key_id);
  lf_buf_u8(&o->auth, '/');
  lf_buf_put(&o->auth, scope.p, scope.len);
  put_str(&o->auth, ", SignedHeaders=");
  lf_buf_put(&o->auth, names.p, names.len);
  put_str(&o->auth, ", Signature=");
  put_str(&o->auth, hex);
  lf_buf_u8(&o->auth, 0);
  o->auth.len--;
  if (!rc && (names.rc || scope.rc || o->creq.rc || o->sts.rc || o->auth.rc)) rc = LF_NOMEM;
  lf_buf_reset(&names);
  lf_buf_reset(&scope);
  if (rc) lf_sigv4_out_reset(o);
  return rc;
}

void lf_sigv4_out_reset(lf_sigv4_out *o) {
  lf_buf_reset(&o->creq);
  lf_buf_reset(&o->sts);
  lf_buf_reset(&o->auth);
}
