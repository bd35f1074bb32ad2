/*
** s3.c: owns S3 addressing, request signing and the ListObjectsV2 reply
** (remote.h).
**
** Addressing: with aws_endpoint (scheme://host[:port][/base]) requests go
** to <endpoint>/<bucket>/<key> (path style), or to
** <scheme>://<bucket>.<host>/<key> with aws_virtual_hosted_style_request;
** without it to https://s3.<region>.amazonaws.com/<bucket>/<key> (or
** https://<bucket>.s3.<region>.amazonaws.com/<key>).  Keys are URI-encoded
** as SigV4 wants ('/' kept), in the URL and the signature alike.
**
** Signing (sigv4.c, service "s3"): host, x-amz-content-sha256 (SHA-256 of
** the body), x-amz-date and x-amz-security-token (with a session token) are
** signed; anonymous stores send no Authorization at all.
**
** ListObjectsV2 reply (XML, read by a small scanner that never leaves
** [xml, xml + n)): <ListBucketResult> holding <Contents><Key>k</Key>...
** </Contents> per object, <CommonPrefixes><Prefix>p/</Prefix>
** </CommonPrefixes> per "directory" (delimiter '/'), <IsTruncated>true|false
** </IsTruncated> and <NextContinuationToken>t</NextContinuationToken>.
** Text is XML-escaped (&amp; &lt; &gt; &quot; &apos; &#N; &#xH;).
*/
#include "remote.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sigv4.h"

struct lf_s3 {
  const lf_remote_opts *o;
  char *bucket;
  char *origin; /* scheme://host[:port] */
  char *host;   /* Host header value */
  char *base;   /* decoded path before the key: "/bucket/" or "/" (with the endpoint's path) */
};

static char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *str_printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (!s) return NULL;
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}

void lf_s3_free(lf_s3 *s) {
  if (!s) return;
  free(s->bucket);
  free(s->origin);
  free(s->host);
  free(s->base);
  free(s);
}

/* Split the endpoint into scheme, host[:port] and a base path. */
static int split_endpoint(const char *ep, char **scheme, char **host, char **path, lf_error *err) {
  const char *p = strstr(ep, "://");
  if (!p || p == ep || !p[3])
    return lf_err(err, LF_ARG, "storage option aws_endpoint: expected http(s)://host[:port]");
  size_t sl = (size_t)(p - ep), hl = strcspn(p + 3, "/?#");
  const char *rest = p + 3 + hl;
  size_t pl = strcspn(rest, "?#");
  while (pl && rest[pl - 1] == '/') pl--;
  *scheme = str_printf("%.*s", (int)sl, ep);
  *host = str_printf("%.*s", (int)hl, p + 3);
  *path = str_printf("%.*s", (int)pl, rest);
  if (!*scheme || !*host || !*path) return lf_err(err, LF_NOMEM, "out of memory");
  if (strcmp(*scheme, "https") && strcmp(*scheme, "http"))
    return lf_err(err, LF_ARG, "storage option aws_endpoint: scheme '%s' (expected http or https)",
                  *scheme);
  if (!strcmp(*scheme, "http") && !(*host)[0])
    return lf_err(err, LF_ARG, "storage option aws_endpoint: no host");
  return LF_OK;
}

int lf_s3_new(const char *bucket, const lf_remote_opts *o, lf_s3 **out, lf_error *err) {
  *out = NULL;
  if (!bucket[0] || strchr(bucket, '/'))
    return lf_err(err, LF_ARG, "s3://%s: bad bucket name", bucket);
  lf_s3 *s = calloc(1, sizeof *s);
  if (!s) return lf_err(err, LF_NOMEM, "out of memory");
  s->o = o;
  char *scheme = NULL, *host = NULL, *path = NULL;
  int rc = LF_OK;
  if (o->endpoint) {
    rc = split_endpoint(o->endpoint, &scheme, &host, &path, err);
    if (!rc && !strcmp(scheme, "http") && !o->allow_http)
      rc = lf_err(err, LF_ARG, "storage option aws_endpoint is http://: set allow_http=true to "
                  "allow unencrypted requests");
  } else {
    scheme = strdup("https");
    host = str_printf("s3.%s.amazonaws.com", o->region);
    path = strdup("");
    if (!scheme || !host || !path) rc = lf_err(err, LF_NOMEM, "out of memory");
  }
  if (!rc) {
    s->bucket = strdup(bucket);
    if (o->virtual_hosted) {
      s->host = str_printf("%s.%s", bucket, host);
      s->base = str_printf("%s/", path);
    } else {
      s->host = strdup(host);
      s->base = str_printf("%s/%s/", path, bucket);
    }
    s->origin = s->host ? str_printf("%s://%s", scheme, s->host) : NULL;
    if (!s->bucket || !s->host || !s->base || !s->origin) rc = lf_err(err, LF_NOMEM, "out of memory");
  }
  free(scheme);
  free(host);
  free(path);
  if (rc) lf_s3_free(s);
  else *out = s;
  return rc;
}

char *lf_s3_url(const lf_s3 *s, const char *key, const char *query) {
  lf_buf b = {0};
  lf_buf_put(&b, s->origin, strlen(s->origin));
  lf_uri_encode(&b, s->base, strlen(s->base), 1);
  lf_uri_encode(&b, key, strlen(key), 1);
  if (query && *query) lf_buf_u8(&b, '?'), lf_buf_put(&b, query, strlen(query));
  lf_buf_u8(&b, 0);
  if (b.rc) lf_buf_reset(&b);
  return (char *)b.p;
}

static int add_header(lf_http_req *r, const char *name, const char *value) {
  char line[2048];
  snprintf(line, sizeof line, "%s: %s", name, value);
  struct curl_slist *l = curl_slist_append(r->hdrs, line);
  memset(line, 0, sizeof line);
  if (!l) return LF_NOMEM;
  r->hdrs = l;
  return LF_OK;
}

int lf_s3_sign(const lf_s3 *s, lf_http_req *r, const char *key, const char *query,
               lf_error *err) {
  char hash[65], date[20];
  lf_sha256_hex(r->body ? (const void *)r->body : "", r->body_len, hash);
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(date, sizeof date, "%Y%m%dT%H%M%SZ", &tm);
  int rc = add_header(r, "Host", s->host);
  if (!s->o->key_id) return rc ? lf_err(err, LF_NOMEM, "out of memory") : LF_OK;
  lf_sigv4_hdr h[4] = {{"host", s->host}, {"x-amz-content-sha256", hash}, {"x-amz-date", date},
                       {"x-amz-security-token", s->o->token}};
  int nh = s->o->token ? 4 : 3;
  lf_buf path = {0};
  lf_buf_put(&path, s->base, strlen(s->base));
  lf_buf_put(&path, key, strlen(key));
  lf_buf_u8(&path, 0);
  lf_sigv4_req q = {r->method, (const char *)path.p, query ? query : "", h, nh, hash};
  lf_sigv4_key k = {s->o->key_id, s->o->secret, s->o->region, "s3"};
  lf_sigv4_out o;
  memset(&o, 0, sizeof o);
  if (!rc && !path.rc) rc = lf_sigv4_sign(&q, &k, date, &o);
  else rc = LF_NOMEM;
  for (int i = 1; !rc && i < nh; i++) rc = add_header(r, h[i].name, h[i].value);
  if (!rc) rc = add_header(r, "Authorization", (const char *)o.auth.p);
  lf_sigv4_out_reset(&o);
  lf_buf_reset(&path);
  return rc ? lf_err(err, LF_NOMEM, "out of memory") : LF_OK;
}

/* ---- the ListObjectsV2 reply ----------------------------------------------------- */

/* Text [p, e) with XML escapes decoded, malloc'd; NULL on a bad escape. */
static char *xml_text(const char *p, const char *e) {
  char *o = malloc((size_t)(e - p) + 1), *w = o;
  if (!o) return NULL;
  while (p < e) {
    if (*p != '&') {
      *w++ = *p++;
      continue;
    }
    const char *sc = memchr(p, ';', (size_t)(e - p));
    size_t n = sc ? (size_t)(sc - p - 1) : 0;
    static const char *const ent[] = {"amp", "lt", "gt", "quot", "apos"};
    static const char chr[] = "&<>\"'";
    int k = 0;
    while (k < 5 && !(strlen(ent[k]) == n && !strncmp(p + 1, ent[k], n))) k++;
    if (k < 5) {
      *w++ = chr[k];
    } else if (n >= 2 && p[1] == '#') {
      char *end;
      unsigned long c = p[2] == 'x' ? strtoul(p + 3, &end, 16) : strtoul(p + 2, &end, 10);
      if (end != sc || c == 0 || c > 0x10FFFF) break;
      if (c < 0x80) *w++ = (char)c;
      else if (c < 0x800) *w++ = (char)(0xC0 | c >> 6), *w++ = (char)(0x80 | (c & 63));
      else if (c < 0x10000)
        *w++ = (char)(0xE0 | c >> 12), *w++ = (char)(0x80 | (c >> 6 & 63)), *w++ = (char)(0x80 | (c & 63));
      else
        *w++ = (char)(0xF0 | c >> 18), *w++ = (char)(0x80 | (c >> 12 & 63)),
        *w++ = (char)(0x80 | (c >> 6 & 63)), *w++ = (char)(0x80 | (c & 63));
    } else {
      break;
    }
    p = sc + 1;
  }
  if (p < e) {
    free(o);
    return NULL;
  }
  *w = 0;
  return o;
}

/* Hand name (text under prefix) to cb if it is a direct entry. */
static int emit(const char *text, const char *prefix, int dir, lf_store_list_cb cb, void *ctx) {
  size_t pl = strlen(prefix), tl = strlen(text);
  if (tl <= pl || strncmp(text, prefix, pl)) return LF_OK;
  const char *name = text + pl;
  size_t n = tl - pl;
  if (dir && name[n - 1] == '/') n--;
  if (!n || memchr(name, '/', n)) return LF_OK;
  char buf[1024];
  if (n >= sizeof buf) return LF_OK;
  memcpy(buf, name, n);
  buf[n] = 0;
  if (!strcmp(buf, ".") || !strcmp(buf, "..")) return LF_OK;
  return cb(ctx, buf);
}

int lf_s3_list_parse(const char *xml, size_t n, const char *prefix, lf_store_list_cb cb,
                     void *ctx, char **next, lf_error *err) {
  const char *p = xml, *e = xml + n;
  int in_contents = 0, in_prefixes = 0, truncated = 0, rc = LF_OK, root = 0;
  *next = NULL;
  while (!rc && p < e) {
    const char *lt = memchr(p, '<', (size_t)(e - p));
    if (!lt) break;
    const char *gt = memchr(lt, '>', (size_t)(e - lt));
    if (!gt) return lf_err(err, LF_CORRUPT, "S3 list reply: unterminated tag");
    const char *name = lt + 1;
    size_t nl = (size_t)(gt - name);
    p = gt + 1;
    if (nl && (name[0] == '?' || name[0] == '!')) continue;
#define IS(t) (nl == sizeof(t) - 1 && !memcmp(name, t, nl))
    if (IS("ListBucketResult") || (nl > 17 && !memcmp(name, "ListBucketResult ", 17))) root = 1;
    else if (IS("Contents")) in_contents = 1;
    else if (IS("/Contents")) in_contents = 0;
    else if (IS("CommonPrefixes")) in_prefixes = 1;
    else if (IS("/CommonPrefixes")) in_prefixes = 0;
    else if ((IS("Key") && in_contents) || (IS("Prefix") && in_prefixes) ||
             IS("IsTruncated") || IS("NextContinuationToken")) {
      const char *end = memchr(p, '<', (size_t)(e - p));
      if (!end || end + 1 >= e || end[1] != '/')
        return lf_err(err, LF_CORRUPT, "S3 list reply: <%.*s> holds no text", (int)nl, name);
      char *t = xml_text(p, end);
      if (!t) return lf_err(err, LF_CORRUPT, "S3 list reply: bad text in <%.*s>", (int)nl, name);
      if (IS("IsTruncated")) truncated = !strcmp(t, "true");
      else if (IS("NextContinuationToken")) free(*next), *next = t, t = NULL;
      else rc = emit(t, prefix, IS("Prefix"), cb, ctx);
      free(t);
      p = end;
    }
#undef IS
  }
  if (!rc && !root) rc = lf_err(err, LF_CORRUPT, "S3 list reply: no <ListBucketResult>");
  if (!rc && truncated && (!*next || !**next))
    rc = lf_err(err, LF_CORRUPT, "S3 list reply: truncated without a continuation token");
  if (rc || !truncated) free(*next), *next = NULL;
  return rc;
}
