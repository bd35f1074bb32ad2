/*
** remote.h: the insides of the object stores on HTTP (format/store/):
** storage options (options.c), the libcurl transport with retries, bounded
** parallel transfers and interruption (http.c), S3 addressing, signing and
** listing (s3.c), and the read cache shared by s3:// and http(s):// stores
** (remote.c).  The public face is store.h (lf_store_open).
*/
#ifndef LF_REMOTE_H
#define LF_REMOTE_H

#include <pthread.h>
#include <stdint.h>

#include "buf.h"
#include "store.h"

/* ---- options.c -------------------------------------------------------------- */

/* Storage options as LanceDB names them (docs/sql.md, "Object stores"), with
** credentials resolved: options, then AWS_* variables, then the shared
** credentials file, then none (anonymous, unsigned requests). */
typedef struct lf_remote_opts {
  char *endpoint;         /* aws_endpoint: scheme://host[:port], or NULL (AWS) */
  char *region;           /* aws_region (default us-east-1) */
  char *key_id, *secret, *token; /* NULL key_id: anonymous */
  const char *cred_source;       /* "options", "environment", "shared credentials file", "none" */
  int virtual_hosted;     /* aws_virtual_hosted_style_request */
  int allow_http;         /* allow_http */
  long timeout_ms, connect_timeout_ms; /* timeout, connect_timeout */
  int max_retries;        /* client_max_retries */
  long retry_timeout_ms;  /* client_retry_timeout */
  long backoff_ms;        /* first retry's backoff cap (doubles, jittered) */
  int max_connections;    /* parallel transfers per store */
  uint64_t block;         /* smallest ranged read (bytes) */
  uint64_t readahead;     /* largest sequential read-ahead (bytes) */
  uint64_t part;          /* a read larger than this is split into parallel parts */
  uint64_t tail;          /* bytes read at a file's end with its footer */
  uint64_t cache;         /* read cache budget (bytes) */
  uint64_t coalesce;      /* read_many: ranges closer than this go in one request */
} lf_remote_opts;

/* Parse JSON object text json (NULL or "" = no options) into o, then fill
** credentials and defaults.  Unknown keys and bad values are LF_ARG naming
** the key (never a secret's value). */
int lf_remote_opts_parse(const char *json, lf_remote_opts *o, lf_error *err);
void lf_remote_opts_reset(lf_remote_opts *o);
/* "30s", "500ms", "2m", "1.5s" or plain seconds into milliseconds; -1 if bad. */
long lf_duration_ms(const char *z);

/* ---- http.c -------------------------------------------------------------------- */

typedef struct lf_http lf_http;

/* One HTTP request and its response.  The caller fills method, url (owned
** by the caller), body; the prep callback fills hdrs before each attempt.
** A response body goes to dst when dst is set (at most want bytes: a
** longer one is an error), else into out. */
typedef struct lf_http_req {
  const char *method, *url;
  const uint8_t *body;
  size_t body_len;
  struct curl_slist *hdrs; /* freed by lf_http_req_reset */
  void *user;              /* prep's ctx for this request (else lf_http_run's) */
  uint8_t *dst;
  size_t want;
  lf_buf out;
  /* response */
  long status;
  size_t got;            /* body bytes received */
  int overflow;          /* more body bytes than want */
  char crange[96];       /* Content-Range header value, "" if none */
  int64_t clen;          /* Content-Length header value, -1 if none */
  /* private */
  int done, attempts;
  void *easy;
} lf_http_req;

/* Build r->hdrs for one attempt (signing happens here); LF_OK or an error. */
typedef int (*lf_http_prep)(void *ctx, lf_http_req *r, lf_error *err);

int lf_http_new(const lf_remote_opts *o, lf_http **out, lf_error *err);
void lf_http_free(lf_http *h);
/* Run reqs[0..n) at most o->max_connections at a time, each retried with
** exponential backoff and full jitter on connection failures, timeouts,
** resets, 5xx and 429, up to max_retries times within retry_timeout.  Any
** other status is the caller's to judge.  what names the object in errors. */
int lf_http_run(lf_http *h, lf_http_req *reqs, int n, lf_http_prep prep, void *ctx,
                const char *what, lf_error *err);
void lf_http_req_reset(lf_http_req *r);
void lf_http_set_interrupt(lf_http *h, int (*probe)(void *), void *ctx);
void lf_http_stats(lf_http *h, lf_store_stats *st);

/* ---- s3.c -------------------------------------------------------------------------- */

typedef struct lf_s3 lf_s3;
/* The S3 addressing of bucket under options o (borrowed, must outlive *out). */
int lf_s3_new(const char *bucket, const lf_remote_opts *o, lf_s3 **out, lf_error *err);
void lf_s3_free(lf_s3 *s);
/* The URL of key (query: "" or encoded "k=v&..."), malloc'd. */
char *lf_s3_url(const lf_s3 *s, const char *key, const char *query);
/* Sign r for key/query (headers added to r->hdrs); extra: more headers. */
int lf_s3_sign(const lf_s3 *s, lf_http_req *r, const char *key, const char *query,
               lf_error *err);
/* The entries of one ListObjectsV2 page (xml, n bytes) directly under
** prefix: file names, then "directory" names; *next the continuation token
** (malloc'd) or NULL on the last page.  LF_CORRUPT on malformed XML. */
int lf_s3_list_parse(const char *xml, size_t n, const char *prefix, lf_store_list_cb cb,
                     void *ctx, char **next, lf_error *err);

/* ---- remote.c ------------------------------------------------------------------------- */

int lf_store_s3_new(const char *bucket, const char *json, lf_store **out, lf_error *err);
int lf_store_http_new(const char *base_url, const char *json, lf_store **out, lf_error *err);

#endif
