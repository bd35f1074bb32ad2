/*
** open.c: owns the choice of object store by a dataset location's scheme
** (lf_store_open, store.h) and the calls into the optional members of
** lf_store:
**   s3://bucket[/prefix]       S3 store of bucket; the dataset at prefix
**   http(s)://host[:port]/p    read-only HTTP store of host; dataset at p
**                              (%XX escapes of p decoded)
**   anything else              the local store rooted at "", the location as is
*/
#include "remote.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lf_int.h"
#include "sigv4.h"

static int has_scheme(const char *uri, const char *scheme) {
  size_t n = strlen(scheme);
  return !strncasecmp(uri, scheme, n) && !strncmp(uri + n, "://", 3);
}

/* root = path without leading and trailing '/', %XX decoded when decode. */
static char *make_root(const char *p, int decode) {
  while (*p == '/') p++;
  size_t n = strlen(p);
  while (n && p[n - 1] == '/') n--;
  char *o = malloc(n + 1), *w = o;
  if (!o) return NULL;
  for (size_t i = 0; i < n; i++) {
    if (decode && p[i] == '%' && i + 2 < n && lf_hex_digit(p[i + 1]) >= 0 &&
        lf_hex_digit(p[i + 2]) >= 0) {
      *w++ = (char)(lf_hex_digit(p[i + 1]) * 16 + lf_hex_digit(p[i + 2]));
      i += 2;
    } else {
      *w++ = p[i];
    }
  }
  *w = 0;
  return o;
}

int lf_store_open(const char *uri, const char *options, lf_store **out, char **root,
                  lf_error *err) {
  *out = NULL;
  *root = NULL;
  int rc;
  if (has_scheme(uri, "s3")) {
    const char *b = uri + 5;
    size_t bn = strcspn(b, "/");
    char *bucket = lf_strndup(b, bn);
    if (!bucket) return lf_err(err, LF_NOMEM, "out of memory");
    if (!bn) rc = lf_err(err, LF_ARG, "%s: no bucket (expected s3://bucket/path)", uri);
    else rc = lf_store_s3_new(bucket, options, out, err);
    free(bucket);
    if (!rc && !(*root = make_root(b + bn, 0))) rc = lf_err(err, LF_NOMEM, "out of memory");
  } else if (has_scheme(uri, "http") || has_scheme(uri, "https")) {
    const char *h = strstr(uri, "://") + 3;
    size_t hn = strcspn(h, "/?#");
    if (!hn) return lf_err(err, LF_ARG, "%s: no host", uri);
    if (strpbrk(h, "?#")) return lf_err(err, LF_ARG, "%s: query and fragment are not supported", uri);
    char *origin = lf_strndup(uri, (size_t)(h - uri) + hn);
    if (!origin) return lf_err(err, LF_NOMEM, "out of memory");
    rc = lf_store_http_new(origin, options, out, err);
    free(origin);
    if (!rc && !(*root = make_root(h + hn, 1))) rc = lf_err(err, LF_NOMEM, "out of memory");
  } else {
    if (options && *options)
      return lf_err(err, LF_ARG, "storage_options apply to s3:// and http(s):// datasets only");
    rc = lf_store_local_new("", out, err);
    if (!rc && !(*root = strdup(uri))) rc = lf_err(err, LF_NOMEM, "out of memory");
  }
  if (rc) {
    lf_store_free(*out);
    *out = NULL;
    free(*root);
    *root = NULL;
  }
  return rc;
}

void lf_store_set_interrupt(lf_store *s, int (*probe)(void *), void *ctx) {
  if (s && s->set_interrupt) s->set_interrupt(s, probe, ctx);
}

void lf_store_get_stats(lf_store *s, lf_store_stats *out) {
  memset(out, 0, sizeof *out);
  if (s && s->stats) s->stats(s, out);
}
