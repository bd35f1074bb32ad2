/*
** remote.c: owns the object stores over HTTP (store.h): s3:// (read, list,
** put, put-if-absent, delete) and http(s):// (read only), and their read
** cache.
**
** Reads.  Objects are immutable once written except a few mutable names
** (_latest.manifest, latest_version_hint.json, anything under _refs/), so
** the sizes and bytes of the others are cached per store (per connection)
** and never go stale: a new version is a new object.  A read that the
** cache cannot serve fetches a window around it:
**   - at a file's end (its size known, the read within read_tail of it):
**     the last read_tail bytes, so the footer, the offset tables and the
**     column metadata come in one request;
**   - right after a cached window of the same object (a scan walking a
**     column): twice that window, up to read_ahead;
**   - otherwise at least read_block_size bytes.
** A window larger than read_part_size is fetched as parallel ranged GETs
** (http.c runs them at most max_connections at a time).  Windows live in
** a least-recently-used list bounded by read_cache_size bytes.  Every
** response is checked: status 206, a Content-Range naming exactly the
** bytes asked for (or the object's end), and that many body bytes; a
** short or long body is LF_CORRUPT, never data.
**
** Vectored reads (read_many, a take's ranges): what the cache holds is
** copied, the rest merged per object where less than read_coalesce_size
** apart, and all the merged spans (of every object named) go out in one
** parallel run, each span kept as a window after; the same checks apply.
**
** Writes (S3).  put sends the object in one PUT; an exclusive put adds
** If-None-Match: * (412 = LF_EXISTS; a 412 after a retried attempt is
** checked against the object's bytes, since the first attempt may have
** landed).  create buffers the object in memory and PUTs it at finish.
** remove is HEAD (LF_NOTFOUND) then DELETE.
**
** http(s):// has no listing: list("<root>/_versions") reads
** latest_version_hint.json and probes _versions/ with HEADs (both version
** file namings, table.c) below and above the hint; other directories are
** LF_NOTFOUND.
*/
#include "remote.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lf_int.h"
#include "sigv4.h"

enum { KIND_S3, KIND_HTTP };

#define MAX_PARTS 1024 /* requests of one read at most */

typedef struct rwin {
  char *path;
  uint64_t off, len;
  uint8_t *data;
  uint64_t used; /* LRU tick */
} rwin;

typedef struct rsize {
  char *path;
  uint64_t size;
} rsize;

typedef struct remote_store {
  lf_store base;
  int kind;
  lf_remote_opts o;
  lf_http *h;
  lf_s3 *s3;        /* KIND_S3 */
  char *origin;     /* KIND_HTTP: scheme://host[:port] */
  pthread_mutex_t mu; /* guards the cache below */
  rwin *wins;
  size_t nwins, capwins;
  uint64_t cached, tick;
  rsize *sizes;
  size_t nsizes, capsizes;
} remote_store;

/* ---- requests --------------------------------------------------------------- */

typedef struct prep_ctx {
  remote_store *rs;
  const char *key;   /* the object's path */
  const char *query; /* S3 query, "" for none */
  const char *range; /* "bytes=a-b" or NULL */
  int excl;          /* If-None-Match: * */
} prep_ctx;

static int hdr(lf_http_req *r, const char *line) {
  struct curl_slist *l = curl_slist_append(r->hdrs, line);
  if (!l) return LF_NOMEM;
  r->hdrs = l;
  return LF_OK;
}

static int prep(void *ctx, lf_http_req *r, lf_error *err) {
  prep_ctx *c = ctx;
  int rc = LF_OK;
  if (c->rs->kind == KIND_S3) rc = lf_s3_sign(c->rs->s3, r, c->key, c->query, err);
  if (!rc && c->range) {
    char line[80];
    snprintf(line, sizeof line, "Range: %s", c->range);
    rc = hdr(r, line);
  }
  if (!rc && c->excl) rc = hdr(r, "If-None-Match: *");
  if (!rc && r->body) rc = hdr(r, "Content-Type: application/octet-stream");
  if (!rc) rc = hdr(r, "Expect:");
  return rc == LF_NOMEM ? lf_err(err, LF_NOMEM, "out of memory") : rc;
}

static char *object_url(remote_store *rs, const char *key, const char *query) {
  if (rs->kind == KIND_S3) return lf_s3_url(rs->s3, key, query);
  lf_buf b = {0};
  lf_buf_put(&b, rs->origin, strlen(rs->origin));
  lf_buf_u8(&b, '/');
  lf_uri_encode(&b, key, strlen(key), 1);
  lf_buf_u8(&b, 0);
  if (b.rc) lf_buf_reset(&b);
  return (char *)b.p;
}

/* One request on key; the caller judges r->status and resets r. */
static int request(remote_store *rs, lf_http_req *r, const char *method, const char *key,
                   const char *query, prep_ctx *pc, lf_error *err) {
  char *url = object_url(rs, key, query);
  if (!url) return lf_err(err, LF_NOMEM, "out of memory");
  r->method = method;
  r->url = url;
  pc->rs = rs, pc->key = key, pc->query = query ? query : "";
  int rc = lf_http_run(rs->h, r, 1, prep, pc, key[0] ? key : "(bucket listing)", err);
  free(url);
  r->url = NULL;
  return rc;
}

static int status_error(const lf_http_req *r, const char *key, lf_error *err) {
  if (r->status == 404) return lf_err(err, LF_NOTFOUND, "%s: no such object", key);
  if (r->status == 403 || r->status == 401)
    return lf_err(err, LF_IO, "%s %s: access denied (HTTP %ld): check the credentials", r->method,
                  key, r->status);
  return lf_err(err, LF_IO, "%s %s: HTTP %ld", r->method, key, r->status);
}

/* ---- the cache ------------------------------------------------------------------ */

static int mutable_object(const char *p) {
  const char *b = strrchr(p, '/');
  b = b ? b + 1 : p;
  return !strcmp(b, "_latest.manifest") || !strcmp(b, "latest_version_hint.json") ||
         !strncmp(p, "_refs/", 6) || strstr(p, "/_refs/");
}

static int size_get(remote_store *rs, const char *path, uint64_t *out) {
  int found = 0;
  pthread_mutex_lock(&rs->mu);
  for (size_t i = 0; i < rs->nsizes && !found; i++)
    if (!strcmp(rs->sizes[i].path, path)) *out = rs->sizes[i].size, found = 1;
  pthread_mutex_unlock(&rs->mu);
  return found;
}

static void size_put(remote_store *rs, const char *path, uint64_t size) {
  uint64_t have;
  if (mutable_object(path) || size_get(rs, path, &have)) return;
  char *p = strdup(path);
  pthread_mutex_lock(&rs->mu);
  if (p && rs->nsizes == rs->capsizes) {
    size_t nc = rs->capsizes ? 2 * rs->capsizes : 64;
    rsize *ns = realloc(rs->sizes, nc * sizeof *ns);
    if (ns) rs->sizes = ns, rs->capsizes = nc;
  }
  if (p && rs->nsizes < rs->capsizes) rs->sizes[rs->nsizes++] = (rsize){p, size}, p = NULL;
  pthread_mutex_unlock(&rs->mu);
  free(p);
}

/* Serve the front of [off, off+len) from a window holding off: the bytes
** copied to dst (0 when no window holds off).  *ahead: when a window ends
** just before off (a scan walking on), how far to read ahead. */
static size_t cache_get(remote_store *rs, const char *path, uint64_t off, size_t len, void *dst,
                        uint64_t *ahead) {
  size_t n = 0;
  *ahead = 0;
  pthread_mutex_lock(&rs->mu);
  for (size_t i = 0; i < rs->nwins && !n; i++) {
    rwin *w = &rs->wins[i];
    if (strcmp(w->path, path)) continue;
    if (off >= w->off && off - w->off < w->len) {
      uint64_t left = w->len - (off - w->off);
      n = len < left ? len : (size_t)left;
      memcpy(dst, w->data + (off - w->off), n);
      w->used = ++rs->tick;
    } else if (off >= w->off + w->len && off - (w->off + w->len) <= rs->o.block &&
               2 * w->len > *ahead) {
      *ahead = 2 * w->len; /* a scan walking on: read further ahead */
    }
  }
  pthread_mutex_unlock(&rs->mu);
  return n;
}

static void cache_evict(remote_store *rs) {
  while (rs->cached > rs->o.cache && rs->nwins) {
    size_t old = 0;
    for (size_t i = 1; i < rs->nwins; i++)
      if (rs->wins[i].used < rs->wins[old].used) old = i;
    rs->cached -= rs->wins[old].len;
    free(rs->wins[old].path);
    free(rs->wins[old].data);
    rs->wins[old] = rs->wins[--rs->nwins];
  }
}

/* Keep data (taken over) as a window of path at off. */
static void cache_put(remote_store *rs, const char *path, uint64_t off, uint8_t *data,
                      uint64_t len) {
  char *p = NULL;
  if (mutable_object(path) || len > rs->o.cache || !len || !(p = strdup(path))) {
    free(data);
    return;
  }
  pthread_mutex_lock(&rs->mu);
  if (rs->nwins == rs->capwins) {
    size_t nc = rs->capwins ? 2 * rs->capwins : 32;
    rwin *nw = realloc(rs->wins, nc * sizeof *nw);
    if (nw) rs->wins = nw, rs->capwins = nc;
  }
  if (rs->nwins < rs->capwins) {
    rs->wins[rs->nwins++] = (rwin){p, off, len, data, ++rs->tick};
    rs->cached += len;
    p = NULL, data = NULL;
    cache_evict(rs);
  }
  pthread_mutex_unlock(&rs->mu);
  free(p);
  free(data);
}

/* ---- size and read ------------------------------------------------------------- */

/* The size of immutable object path from one GET of its last read_tail
** bytes (a suffix range), kept as a window: the footer (or the whole of a
** small object) comes with it.  1 when the server gave no usable answer
** (the caller falls back to HEAD). */
static int tail_size(remote_store *rs, const char *path, uint64_t *out, lf_error *err) {
  char range[48];
  snprintf(range, sizeof range, "bytes=-%" PRIu64, rs->o.tail);
  lf_http_req r = {0};
  prep_ctx pc = {.range = range};
  unsigned long long x, y, total;
  int rc = request(rs, &r, "GET", path, NULL, &pc, err);
  if (!rc && r.status == 404) rc = status_error(&r, path, err);
  else if (!rc && r.status == 206 && sscanf(r.crange, "bytes %llu-%llu/%llu", &x, &y, &total) == 3 &&
           y + 1 == total && x <= y && r.got != y - x + 1)
    rc = lf_err(err, LF_CORRUPT, "GET %s: body of %zu bytes for a range of %llu (truncated)", path,
                r.got, y - x + 1);
  else if (!rc && r.status == 206 && sscanf(r.crange, "bytes %llu-%llu/%llu", &x, &y, &total) == 3 &&
           y + 1 == total && x <= y && r.out.len == r.got) {
    *out = total;
    size_put(rs, path, total);
    cache_put(rs, path, x, r.out.p, r.out.len);
    r.out.p = NULL, r.out.len = r.out.cap = 0; /* the cache owns the bytes */
  } else if (!rc && r.status == 200 && r.clen >= 0 && r.got == (uint64_t)r.clen) {
    *out = r.got; /* the whole object (smaller than the suffix asked for) */
    size_put(rs, path, r.got);
    cache_put(rs, path, 0, r.out.p, r.out.len);
    r.out.p = NULL, r.out.len = r.out.cap = 0;
  } else if (!rc) {
    rc = 1; /* 416 (an empty object), or a server without suffix ranges */
  }
  lf_http_req_reset(&r);
  return rc;
}

static int remote_size(lf_store *s, const char *path, uint64_t *out, lf_error *err) {
  remote_store *rs = (remote_store *)s;
  if (size_get(rs, path, out)) return LF_OK;
  int rc = mutable_object(path) ? 1 : tail_size(rs, path, out, err);
  if (rc != 1) return rc;
  lf_http_req r = {0};
  prep_ctx pc = {0};
  rc = request(rs, &r, "HEAD", path, NULL, &pc, err);
  if (!rc && r.status != 200) rc = status_error(&r, path, err);
  if (!rc && r.clen < 0) rc = lf_err(err, LF_IO, "HEAD %s: no Content-Length", path);
  if (!rc) *out = (uint64_t)r.clen, size_put(rs, path, *out);
  lf_http_req_reset(&r);
  return rc;
}

/* Check part r's response for the range [a, b) of path; the bytes it
** holds are [a, *end) (a short part only at the object's end). */
static int check_part(remote_store *rs, lf_http_req *r, const char *path, uint64_t a, uint64_t b,
                      uint64_t *end, lf_error *err) {
  unsigned long long x, y, total;
  *end = a;
  if (r->status == 416) return LF_OK; /* wholly past the end: holds nothing */
  if (r->status != 206) {
    if (r->status == 200)
      return lf_err(err, LF_IO, "GET %s: the server ignored the Range header (HTTP 200)", path);
    return status_error(r, path, err);
  }
  if (sscanf(r->crange, "bytes %llu-%llu/%llu", &x, &y, &total) != 3 || x != a || y < x ||
      y >= b || (y + 1 < b && y + 1 != total) || y >= total)
    return lf_err(err, LF_CORRUPT, "GET %s: Content-Range '%s' does not answer bytes=%" PRIu64
                  "-%" PRIu64, path, r->crange, a, b - 1);
  if (r->got != y - x + 1)
    return lf_err(err, LF_CORRUPT, "GET %s: body of %zu bytes for a range of %llu (truncated)",
                  path, r->got, y - x + 1);
  size_put(rs, path, total);
  *end = y + 1;
  return LF_OK;
}

/* Fetch spans [a[k], b[k]) of paths[k] into bufs[k] (k < ns), each in
** parts of at most read_part_size, all parts in one parallel run; got[k]:
** bytes [a[k], a[k] + got[k]) came (short only at the object's end). */
static int fetch_spans(remote_store *rs, int ns, const char *const *paths, const uint64_t *a,
                       const uint64_t *b, uint8_t *const *bufs, uint64_t *got, lf_error *err) {
  uint64_t total = 0, part = rs->o.part;
  for (int k = 0; k < ns; k++) total += b[k] - a[k], got[k] = 0;
  if (total / part >= MAX_PARTS) part = total / MAX_PARTS + 1; /* bounded request count */
  int n = 0, several = 0;
  for (int k = 0; k < ns; k++) n += (int)((b[k] - a[k] + part - 1) / part);
  for (int k = 1; k < ns && !several; k++) several = strcmp(paths[k], paths[0]) != 0;
  lf_http_req *reqs = calloc((size_t)n + 1, sizeof *reqs);
  char (*ranges)[64] = calloc((size_t)n + 1, sizeof *ranges);
  prep_ctx *pcs = calloc((size_t)n + 1, sizeof *pcs);
  int *owner = calloc((size_t)n + 1, sizeof *owner); /* the span of each part */
  char **urls = calloc((size_t)ns + 1, sizeof *urls), what[160];
  int rc = reqs && ranges && pcs && owner && urls ? LF_OK : LF_NOMEM;
  for (int k = 0; !rc && k < ns; k++)
    if (!(urls[k] = object_url(rs, paths[k], ""))) rc = LF_NOMEM;
  if (rc) lf_err(err, LF_NOMEM, "out of memory");
  for (int k = 0, i = 0; !rc && k < ns; k++)
    for (uint64_t pa = a[k]; pa < b[k]; pa += part, i++) {
      uint64_t pb = pa + part < b[k] ? pa + part : b[k];
      snprintf(ranges[i], sizeof ranges[i], "bytes=%" PRIu64 "-%" PRIu64, pa, pb - 1);
      reqs[i] = (lf_http_req){.method = "GET", .url = urls[k], .dst = bufs[k] + (pa - a[k]),
                              .want = (size_t)(pb - pa), .user = &pcs[i]}; /* each signs its own */
      pcs[i] = (prep_ctx){rs, paths[k], "", ranges[i], 0};
      owner[i] = k;
    }
  snprintf(what, sizeof what, several ? "%s and other objects" : "%s", ns ? paths[0] : "");
  if (!rc && n) rc = lf_http_run(rs->h, reqs, n, prep, NULL, what, err);
  int short_seen = 0;
  for (int i = 0; !rc && i < n; i++) {
    int k = owner[i];
    uint64_t pa = a[k] + (uint64_t)(reqs[i].dst - bufs[k]), pb = pa + reqs[i].want, end;
    if (i == 0 || owner[i - 1] != k) short_seen = 0;
    rc = check_part(rs, &reqs[i], paths[k], pa, pb, &end, err);
    if (!rc && short_seen && end > pa)
      rc = lf_err(err, LF_CORRUPT, "GET %s: bytes after the object's end", paths[k]);
    if (!rc && !short_seen) got[k] = end - a[k];
    short_seen |= end < pb;
  }
  for (int i = 0; reqs && i < n; i++) lf_http_req_reset(&reqs[i]);
  for (int k = 0; urls && k < ns; k++) free(urls[k]);
  free(reqs), free(ranges), free(pcs), free(owner), free(urls);
  return rc;
}

static int fetch(remote_store *rs, const char *path, uint64_t a, uint64_t b, uint8_t *buf,
                 uint64_t *got, lf_error *err) {
  return fetch_spans(rs, 1, &path, &a, &b, &buf, got, err);
}

/* Where to fetch for a read of [off, off+len) that missed the cache. */
static void plan(remote_store *rs, const char *path, uint64_t off, size_t len, uint64_t ahead,
                 uint64_t *a, uint64_t *b) {
  uint64_t size, want = len > rs->o.block ? len : rs->o.block;
  if (ahead) {
    if (ahead > rs->o.readahead) ahead = rs->o.readahead;
    if (ahead > want) want = ahead;
  }
  *a = off;
  *b = off + want;
  if (!size_get(rs, path, &size)) return;
  if (off + len <= size && off + rs->o.tail >= size && !mutable_object(path)) {
    *a = size > rs->o.tail ? size - rs->o.tail : 0; /* the footer and the metadata before it */
    if (*a > off) *a = off;
  }
  if (*b > size) *b = size > off + len ? size : off + len;
}

static int remote_read(lf_store *s, const char *path, uint64_t off, size_t len, void *dst,
                       lf_error *err) {
  remote_store *rs = (remote_store *)s;
  uint64_t ahead, a, b, got;
  size_t n;
  /* what the cache holds of the front, then fetch only the rest */
  while (len && (n = cache_get(rs, path, off, len, dst, &ahead)))
    off += n, len -= n, dst = (uint8_t *)dst + n;
  if (!len) return LF_OK;
  plan(rs, path, off, len, ahead, &a, &b);
  uint8_t *buf = malloc((size_t)(b - a));
  if (!buf) return lf_err(err, LF_NOMEM, "%s: cannot allocate %" PRIu64 " bytes", path, b - a);
  int rc = fetch(rs, path, a, b, buf, &got, err);
  if (!rc && got < off - a + len)
    rc = lf_err(err, LF_CORRUPT, "%s: truncated: wanted %zu bytes at offset %" PRIu64, path, len,
                off);
  if (rc) {
    free(buf);
    return rc;
  }
  memcpy(dst, buf + (off - a), len);
  if (got < b - a) {
    uint8_t *nb = realloc(buf, got ? (size_t)got : 1);
    if (nb) buf = nb;
  }
  cache_put(rs, path, a, buf, got);
  return LF_OK;
}

/* The parts of r[0..n) the cache does not hold (cache hits copied to
** their dsts), as ranges into *miss (malloc'd, *nmiss of them). */
static int cache_misses(remote_store *rs, const lf_range *r, size_t n, lf_range **miss,
                        size_t *nmiss) {
  uint64_t ahead;
  *nmiss = 0;
  if (!(*miss = malloc((n ? n : 1) * sizeof **miss))) return LF_NOMEM;
  for (size_t i = 0; i < n; i++) {
    lf_range x = r[i];
    size_t got;
    while (x.len && (got = cache_get(rs, x.path, x.off, x.len, x.dst, &ahead)))
      x.off += got, x.len -= got, x.dst = (uint8_t *)x.dst + got;
    if (x.len) (*miss)[(*nmiss)++] = x;
  }
  return LF_OK;
}

/* The cache misses of r, merged where less than read_coalesce_size apart,
** fetched in one parallel run; each span is kept in the cache after. */
static int remote_read_many(lf_store *s, const lf_range *r, size_t n, lf_error *err) {
  remote_store *rs = (remote_store *)s;
  lf_range *miss = NULL;
  size_t nmiss = 0, *order = NULL, ns = 0;
  lf_span *sp = NULL;
  uint64_t *a = NULL, *b = NULL, *got = NULL;
  uint8_t **bufs = NULL;
  const char **paths = NULL;
  int rc = cache_misses(rs, r, n, &miss, &nmiss) ||
           lf_ranges_coalesce(miss, nmiss, rs->o.coalesce, &order, &sp, &ns) ? LF_NOMEM : LF_OK;
  if (!rc && ns > MAX_PARTS * 64) rc = lf_err(err, LF_ARG, "read of %zu ranges: too many", ns);
  if (!rc && (!(a = calloc(ns + 1, 8)) || !(b = calloc(ns + 1, 8)) || !(got = calloc(ns + 1, 8)) ||
              !(bufs = calloc(ns + 1, sizeof *bufs)) || !(paths = calloc(ns + 1, sizeof *paths))))
    rc = LF_NOMEM;
  for (size_t i = 0; !rc && i < ns; i++) {
    a[i] = sp[i].off, b[i] = sp[i].end, paths[i] = sp[i].path;
    if (!(bufs[i] = malloc((size_t)(b[i] - a[i]) + 1))) rc = LF_NOMEM;
  }
  if (rc == LF_NOMEM) lf_err(err, LF_NOMEM, "out of memory");
  if (!rc && ns) rc = fetch_spans(rs, (int)ns, paths, a, b, bufs, got, err);
  for (size_t i = 0; !rc && i < ns; i++)
    if (got[i] < b[i] - a[i])
      rc = lf_err(err, LF_CORRUPT, "%s: truncated: wanted %" PRIu64 " bytes at offset %" PRIu64,
                  paths[i], b[i] - a[i], a[i]);
  for (size_t i = 0; !rc && i < ns; i++) {
    for (size_t k = 0; k < sp[i].count; k++) {
      const lf_range *x = &miss[order[sp[i].first + k]];
      if (x->len) memcpy(x->dst, bufs[i] + (x->off - a[i]), x->len);
    }
    cache_put(rs, paths[i], a[i], bufs[i], b[i] - a[i]); /* the cache owns the bytes */
    bufs[i] = NULL;
  }
  for (size_t i = 0; bufs && i < ns; i++) free(bufs[i]);
  free(bufs), free(paths), free(a), free(b), free(got), free(order), free(sp), free(miss);
  return rc;
}

/* ---- list ---------------------------------------------------------------------- */

typedef struct count_cb {
  lf_store_list_cb cb;
  void *ctx;
  size_t n;
} count_cb;

static int counted(void *ctx, const char *name) {
  count_cb *c = ctx;
  c->n++;
  return c->cb(c->ctx, name);
}

static int s3_list(lf_store *s, const char *dir, lf_store_list_cb cb, void *ctx, lf_error *err) {
  remote_store *rs = (remote_store *)s;
  lf_buf prefix = {0}, q = {0};
  lf_buf_put(&prefix, dir, strlen(dir));
  while (prefix.len && prefix.p[prefix.len - 1] == '/') prefix.len--;
  if (prefix.len) lf_buf_u8(&prefix, '/');
  lf_buf_u8(&prefix, 0);
  if (prefix.rc) return lf_err(err, LF_NOMEM, "out of memory");
  count_cb cc = {cb, ctx, 0};
  char *token = NULL;
  int rc = LF_OK;
  do {
    lf_buf_clear(&q);
    if (token) {
      lf_buf_put(&q, "continuation-token=", 19);
      lf_uri_encode(&q, token, strlen(token), 0);
      lf_buf_u8(&q, '&');
    }
    lf_buf_put(&q, "delimiter=%2F&list-type=2&prefix=", 33);
    lf_uri_encode(&q, (const char *)prefix.p, prefix.len - 1, 0);
    lf_buf_u8(&q, 0);
    free(token);
    token = NULL;
    if (q.rc) {
      rc = lf_err(err, LF_NOMEM, "out of memory");
      break;
    }
    lf_http_req r = {0};
    prep_ctx pc = {0};
    rc = request(rs, &r, "GET", "", (const char *)q.p, &pc, err);
    if (!rc && r.status != 200) rc = status_error(&r, dir[0] ? dir : "/", err);
    if (!rc)
      rc = lf_s3_list_parse((const char *)r.out.p, r.out.len, (const char *)prefix.p, counted, &cc,
                            &token, err);
    lf_http_req_reset(&r);
  } while (!rc && token);
  free(token);
  if (!rc && !cc.n) rc = lf_err(err, LF_NOTFOUND, "%s: no such directory", dir[0] ? dir : "/");
  lf_buf_reset(&prefix);
  lf_buf_reset(&q);
  return rc;
}

/* found[i]: whether HEAD finds paths[i] (n of them, at most 2 * PROBE_BATCH,
** asked in parallel); an error status other than 404 is an error. */
static int exists_many(remote_store *rs, char **paths, int n, int *found, lf_error *err) {
  size_t k = n > 0 ? (size_t)n : 1;
  lf_http_req *r = calloc(k, sizeof *r);
  prep_ctx *pc = calloc(k, sizeof *pc);
  char **urls = calloc(k, sizeof *urls);
  int rc = r && pc && urls ? LF_OK : lf_err(err, LF_NOMEM, "out of memory");
  for (int i = 0; !rc && i < n; i++) {
    if (!(urls[i] = object_url(rs, paths[i], ""))) rc = lf_err(err, LF_NOMEM, "out of memory");
    r[i] = (lf_http_req){.method = "HEAD", .url = urls[i], .user = &pc[i]};
    pc[i] = (prep_ctx){rs, paths[i], "", NULL, 0};
  }
  if (!rc) rc = lf_http_run(rs->h, r, n, prep, NULL, "_versions", err);
  for (int i = 0; !rc && i < n; i++) {
    found[i] = r[i].status == 200;
    if (r[i].status != 200 && r[i].status != 404) rc = status_error(&r[i], paths[i], err);
  }
  for (int i = 0; r && i < n; i++) lf_http_req_reset(&r[i]), free(urls ? urls[i] : NULL);
  free(r);
  free(pc);
  free(urls);
  return rc;
}

#define PROBE_BATCH 32
#define PROBE_MAX 100000

/* Probe versions [lo, hi] (both namings); emit the ones found.  *top: the
** highest found.  Stops going up at the first version missing (up = 1). */
static int probe_versions(remote_store *rs, const char *vdir, uint64_t lo, uint64_t hi, int up,
                          count_cb *cc, uint64_t *top, lf_error *err) {
  char *paths[2 * PROBE_BATCH];
  int found[2 * PROBE_BATCH], rc = LF_OK;
  for (uint64_t v0 = lo; !rc && v0 <= hi && v0 < PROBE_MAX; v0 += PROBE_BATCH) {
    int n = 0, missing = 0;
    for (uint64_t v = v0; v < v0 + PROBE_BATCH && v <= hi; v++)
      for (int v2 = 1; v2 >= 0; v2--) paths[n++] = lf_manifest_path(vdir, v, v2);
    for (int i = 0; i < n && !rc; i++)
      if (!paths[i]) rc = lf_err(err, LF_NOMEM, "out of memory");
    if (!rc) rc = exists_many(rs, paths, n, found, err);
    for (int i = 0; !rc && i < n; i++) {
      if (!found[i]) {
        missing |= i % 2 && !found[i - 1];
        continue;
      }
      const char *name = strrchr(paths[i], '/') + 1;
      *top = v0 + (uint64_t)(i / 2);
      rc = counted(cc, name);
    }
    for (int i = 0; i < n; i++) free(paths[i]);
    if (up && missing) break;
  }
  return rc;
}

/* The version in <vdir>/latest_version_hint.json, 0 when there is none. */
static uint64_t hint_version(remote_store *rs, const char *vdir) {
  char *p = lf_path_join(vdir, "latest_version_hint.json");
  lf_http_req r = {0};
  prep_ctx pc = {0};
  uint64_t v = 0;
  if (p && !request(rs, &r, "GET", p, NULL, &pc, NULL) && r.status == 200) {
    lf_json j = {r.out.p, r.out.p + r.out.len};
    const uint8_t *k;
    size_t kn;
    if (lf_json_lit(&j, "{") == 0 && lf_json_str(&j, &k, &kn) == 0 && kn == 7 &&
        !memcmp(k, "version", 7) && lf_json_lit(&j, ":") == 0 && lf_json_uint(&j, &v) == 0 &&
        v > PROBE_MAX)
      v = 0;
  }
  lf_http_req_reset(&r);
  free(p);
  return v;
}

static int http_list(lf_store *s, const char *dir, lf_store_list_cb cb, void *ctx,
                     lf_error *err) {
  remote_store *rs = (remote_store *)s;
  size_t n = strlen(dir);
  while (n && dir[n - 1] == '/') n--;
  if (n < 9 || memcmp(dir + n - 9, "_versions", 9) || (n > 9 && dir[n - 10] != '/'))
    return lf_err(err, LF_NOTFOUND, "%s: http(s) stores cannot list directories", dir);
  char *root = lf_strndup(dir, n > 9 ? n - 10 : 0);
  if (!root) return lf_err(err, LF_NOMEM, "out of memory");
  count_cb cc = {cb, ctx, 0};
  uint64_t hint = hint_version(rs, dir), top = 0;
  int rc = hint ? probe_versions(rs, root, 1, hint, 0, &cc, &top, err) : LF_OK;
  if (!rc)
    rc = probe_versions(rs, root, (hint > top ? hint : top) + 1, UINT64_MAX, 1, &cc, &top, err);
  free(root);
  if (!rc && !cc.n) rc = lf_err(err, LF_NOTFOUND, "%s: no version found", dir);
  return rc;
}

/* ---- writes (S3) ------------------------------------------------------------------ */

static int read_only(lf_store *s, const char *path, lf_error *err) {
  (void)s;
  return lf_err(err, LF_UNSUPPORTED, "%s: http(s) datasets are read-only", path);
}

/* After a 412 on a retried exclusive put: is what is there ours? */
static int is_ours(remote_store *rs, const char *path, const void *data, size_t len) {
  lf_http_req r = {0};
  prep_ctx pc = {0};
  int same = !request(rs, &r, "GET", path, NULL, &pc, NULL) && r.status == 200 &&
             r.out.len == len && !memcmp(r.out.p, data, len);
  lf_http_req_reset(&r);
  return same;
}

static int s3_put(lf_store *s, const char *path, const void *data, size_t len, int excl,
                  lf_error *err) {
  remote_store *rs = (remote_store *)s;
  int rc = LF_OK;
  for (int conflicts = 0;; conflicts++) {
    lf_http_req r = {.body = data, .body_len = len};
    prep_ctx pc = {.excl = excl};
    rc = request(rs, &r, "PUT", path, NULL, &pc, err);
    long st = r.status;
    int attempts = r.attempts;
    lf_http_req_reset(&r);
    if (rc) return rc;
    if (st == 200 || st == 201 || st == 204) return LF_OK;
    if (excl && st == 412) {
      if (attempts > 1 && is_ours(rs, path, data, len)) return LF_OK;
      return lf_err(err, LF_EXISTS, "%s: already exists", path);
    }
    if (st == 409 && conflicts < 3) continue; /* a concurrent conditional write: try again */
    r.status = st, r.method = "PUT";
    return status_error(&r, path, err);
  }
}

typedef struct s3_wfile {
  lf_wfile base;
  remote_store *rs;
  char *path;
  lf_buf data;
} s3_wfile;

static int sw_write(lf_wfile *w, const void *data, size_t len, lf_error *err) {
  s3_wfile *sw = (s3_wfile *)w;
  lf_buf_put(&sw->data, data, len);
  if (sw->data.rc) return lf_err(err, LF_NOMEM, "%s: out of memory", sw->path);
  w->written += len;
  return LF_OK;
}

static void sw_abort(lf_wfile *w) {
  s3_wfile *sw = (s3_wfile *)w;
  lf_buf_reset(&sw->data);
  free(sw->path);
  free(sw);
}

static int sw_finish(lf_wfile *w, lf_error *err) {
  s3_wfile *sw = (s3_wfile *)w;
  int rc = s3_put(&sw->rs->base, sw->path, sw->data.p, sw->data.len, 0, err);
  sw_abort(w);
  return rc;
}

static int s3_create(lf_store *s, const char *path, lf_wfile **out, lf_error *err) {
  s3_wfile *sw = calloc(1, sizeof *sw);
  *out = NULL;
  if (!sw || !(sw->path = strdup(path))) {
    free(sw);
    return lf_err(err, LF_NOMEM, "%s: out of memory", path);
  }
  sw->rs = (remote_store *)s;
  sw->base.write = sw_write;
  sw->base.finish = sw_finish;
  sw->base.abort = sw_abort;
  *out = &sw->base;
  return LF_OK;
}

static int s3_remove(lf_store *s, const char *path, lf_error *err) {
  remote_store *rs = (remote_store *)s;
  uint64_t size;
  int rc = remote_size(s, path, &size, err);
  if (rc) return rc;
  lf_http_req r = {0};
  prep_ctx pc = {0};
  rc = request(rs, &r, "DELETE", path, NULL, &pc, err);
  if (!rc && r.status != 204 && r.status != 200) rc = status_error(&r, path, err);
  lf_http_req_reset(&r);
  pthread_mutex_lock(&rs->mu);
  for (size_t i = 0; i < rs->nsizes; i++)
    if (!strcmp(rs->sizes[i].path, path)) {
      free(rs->sizes[i].path);
      rs->sizes[i--] = rs->sizes[--rs->nsizes];
    }
  pthread_mutex_unlock(&rs->mu);
  return rc;
}

static int http_put(lf_store *s, const char *path, const void *d, size_t n, int x, lf_error *err) {
  (void)d, (void)n, (void)x;
  return read_only(s, path, err);
}

static int http_create(lf_store *s, const char *path, lf_wfile **out, lf_error *err) {
  *out = NULL;
  return read_only(s, path, err);
}

/* ---- the store ---------------------------------------------------------------------- */

static void remote_set_interrupt(lf_store *s, int (*probe)(void *), void *ctx) {
  lf_http_set_interrupt(((remote_store *)s)->h, probe, ctx);
}

static void remote_stats(lf_store *s, lf_store_stats *out) {
  lf_http_stats(((remote_store *)s)->h, out);
}

static void remote_destroy(lf_store *s) {
  remote_store *rs = (remote_store *)s;
  for (size_t i = 0; i < rs->nwins; i++) free(rs->wins[i].path), free(rs->wins[i].data);
  for (size_t i = 0; i < rs->nsizes; i++) free(rs->sizes[i].path);
  free(rs->wins);
  free(rs->sizes);
  lf_http_free(rs->h);
  lf_s3_free(rs->s3);
  free(rs->origin);
  lf_remote_opts_reset(&rs->o);
  pthread_mutex_destroy(&rs->mu);
  free(rs);
}

static int remote_new(int kind, const char *json, remote_store **out, lf_error *err) {
  remote_store *rs = calloc(1, sizeof *rs);
  *out = NULL;
  if (!rs) return lf_err(err, LF_NOMEM, "out of memory");
  pthread_mutex_init(&rs->mu, NULL);
  rs->kind = kind;
  int rc = lf_remote_opts_parse(json, &rs->o, err);
  if (!rc) rc = lf_http_new(&rs->o, &rs->h, err);
  rs->base.size = remote_size;
  rs->base.read = remote_read;
  rs->base.read_many = remote_read_many;
  rs->base.list = kind == KIND_S3 ? s3_list : http_list;
  rs->base.put = kind == KIND_S3 ? s3_put : http_put;
  rs->base.create = kind == KIND_S3 ? s3_create : http_create;
  rs->base.remove = kind == KIND_S3 ? s3_remove : read_only;
  rs->base.destroy = remote_destroy;
  rs->base.set_interrupt = remote_set_interrupt;
  rs->base.stats = remote_stats;
  if (rc) remote_destroy(&rs->base);
  else *out = rs;
  return rc;
}

int lf_store_s3_new(const char *bucket, const char *json, lf_store **out, lf_error *err) {
  remote_store *rs;
  *out = NULL;
  int rc = remote_new(KIND_S3, json, &rs, err);
  if (!rc && (rc = lf_s3_new(bucket, &rs->o, &rs->s3, err))) remote_destroy(&rs->base);
  if (!rc) *out = &rs->base;
  return rc;
}

int lf_store_http_new(const char *origin, const char *json, lf_store **out, lf_error *err) {
  remote_store *rs;
  *out = NULL;
  int rc = remote_new(KIND_HTTP, json, &rs, err);
  if (rc) return rc;
  if (!strncmp(origin, "http://", 7)) rs->o.allow_http = 1; /* the URI asks for it */
  if (!(rs->origin = strdup(origin))) {
    remote_destroy(&rs->base);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  *out = &rs->base;
  return LF_OK;
}
