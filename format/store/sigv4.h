/*
** sigv4.h: AWS Signature Version 4 (sigv4.c) and the URI encoding it
** shares with the S3 store.  HMAC-SHA256 and SHA-256 come from OpenSSL's
** libcrypto.  Pure functions of their inputs (the caller passes the time),
** so the unit tests check them against AWS's published test-suite vectors.
*/
#ifndef LF_SIGV4_H
#define LF_SIGV4_H

#include <stddef.h>

#include "buf.h"

typedef struct lf_sigv4_hdr {
  const char *name, *value; /* as sent; names compared case-insensitively */
} lf_sigv4_hdr;

/* One request to sign.  Every header in hdrs is signed (host and x-amz-date
** included: the caller sends exactly these); repeated names are joined with
** ',' in order.  path is the decoded path ("/a b/c"), query the query string
** as sent (without '?', "%XX" escapes allowed, "" for none). */
typedef struct lf_sigv4_req {
  const char *method, *path, *query;
  const lf_sigv4_hdr *hdrs;
  int nhdrs;
  const char *payload_hash; /* lowercase hex SHA-256 of the body, or UNSIGNED-PAYLOAD */
} lf_sigv4_req;

typedef struct lf_sigv4_key {
  const char *key_id, *secret, *region, *service;
} lf_sigv4_key;

/* What signing made (lf_buf's, NUL-terminated; lf_sigv4_out_reset frees). */
typedef struct lf_sigv4_out {
  lf_buf creq, sts, auth; /* canonical request, string to sign, Authorization value */
} lf_sigv4_out;

/* Sign r at amz_date ("YYYYMMDDTHHMMSSZ"); LF_OK, or LF_NOMEM / LF_ARG
** (no message: nothing secret may reach one). */
int lf_sigv4_sign(const lf_sigv4_req *r, const lf_sigv4_key *k, const char *amz_date,
                  lf_sigv4_out *o);
void lf_sigv4_out_reset(lf_sigv4_out *o);

/* Append z (n bytes) URI-encoded as SigV4 wants: every byte but A-Z a-z 0-9
** - . _ ~ as %XX (uppercase), '/' kept when keep_slash. */
void lf_uri_encode(lf_buf *b, const char *z, size_t n, int keep_slash);

/* The value of hex digit c, or -1. */
int lf_hex_digit(char c);

/* Lowercase hex SHA-256 of data into hex (65 bytes). */
void lf_sha256_hex(const void *data, size_t n, char hex[65]);

#endif
