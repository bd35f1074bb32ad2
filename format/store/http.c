/*
** http.c: owns the libcurl transport of the remote stores (remote.h):
** requests run through one curl multi handle per batch, at most
** max_connections at a time, over connections kept alive in a curl share
** (thread-safe: its locks are mutexes here).  Failures that another try can
** cure (connection refused or reset, timeouts, a body cut short, 5xx, 429)
** are retried up to max_retries times within retry_timeout, after a backoff
** drawn uniformly from [0, min(cap, backoff * 2^attempt)) (full jitter).
** A probe set by the owner thread is asked every 50 ms and by curl's
** progress callback; when it says stop, transfers end with LF_INTERRUPTED.
** Errors name the method and object, never a header (they hold signatures).
*/
#include "remote.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define BACKOFF_CAP_MS 15000

struct lf_http {
  CURLSH *share;
  pthread_mutex_t locks[CURL_LOCK_DATA_LAST];
  const lf_remote_opts *o;
  int (*probe)(void *);
  void *probe_ctx;
  pthread_t owner;
  int interrupted; /* sticky: the probe said stop (atomic) */
  uint64_t requests, retries, bytes_in, bytes_out; /* atomics */
};

static pthread_once_t g_curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

static void share_lock(CURL *e, curl_lock_data d, curl_lock_access a, void *u) {
  (void)e, (void)a;
  pthread_mutex_lock(&((lf_http *)u)->locks[d]);
}

static void share_unlock(CURL *e, curl_lock_data d, void *u) {
  (void)e;
  pthread_mutex_unlock(&((lf_http *)u)->locks[d]);
}

int lf_http_new(const lf_remote_opts *o, lf_http **out, lf_error *err) {
  pthread_once(&g_curl_once, curl_init_once);
  lf_http *h = calloc(1, sizeof *h);
  *out = NULL;
  if (!h || !(h->share = curl_share_init())) {
    free(h);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_init(&h->locks[i], NULL);
  curl_share_setopt(h->share, CURLSHOPT_LOCKFUNC, share_lock);
  curl_share_setopt(h->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
  curl_share_setopt(h->share, CURLSHOPT_USERDATA, h);
  curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  h->o = o;
  *out = h;
  return LF_OK;
}

void lf_http_free(lf_http *h) {
  if (!h) return;
  curl_share_cleanup(h->share);
  for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_destroy(&h->locks[i]);
  free(h);
}

void lf_http_set_interrupt(lf_http *h, int (*probe)(void *), void *ctx) {
  h->probe = probe;
  h->probe_ctx = ctx;
  h->owner = pthread_self();
  __atomic_store_n(&h->interrupted, 0, __ATOMIC_RELAXED);
}

/* Whether to stop: the probe (on its owner thread), or its last answer. */
static int stop(lf_http *h) {
  if (h->probe && pthread_equal(pthread_self(), h->owner)) {
    int s = h->probe(h->probe_ctx) != 0;
    __atomic_store_n(&h->interrupted, s, __ATOMIC_RELAXED);
    return s;
  }
  return h->probe && __atomic_load_n(&h->interrupted, __ATOMIC_RELAXED);
}

void lf_http_stats(lf_http *h, lf_store_stats *st) {
  st->requests = __atomic_load_n(&h->requests, __ATOMIC_RELAXED);
  st->retries = __atomic_load_n(&h->retries, __ATOMIC_RELAXED);
  st->bytes_in = __atomic_load_n(&h->bytes_in, __ATOMIC_RELAXED);
  st->bytes_out = __atomic_load_n(&h->bytes_out, __ATOMIC_RELAXED);
}

void lf_http_req_reset(lf_http_req *r) {
  curl_slist_free_all(r->hdrs);
  r->hdrs = NULL;
  if (r->easy) curl_easy_cleanup(r->easy);
  r->easy = NULL;
  lf_buf_reset(&r->out);
}

static size_t on_body(char *p, size_t sz, size_t nm, void *u) {
  lf_http_req *r = u;
  size_t n = sz * nm;
  if (r->dst) {
    if (n > r->want - r->got) {
      r->overflow = 1;
      return 0; /* curl stops: CURLE_WRITE_ERROR */
    }
    memcpy(r->dst + r->got, p, n);
  } else {
    lf_buf_put(&r->out, p, n);
    if (r->out.rc) return 0;
  }
  r->got += n;
  return n;
}

static size_t on_header(char *p, size_t sz, size_t nm, void *u) {
  lf_http_req *r = u;
  size_t n = sz * nm;
  if (n > 14 && !strncasecmp(p, "Content-Range:", 14)) {
    size_t k = 14;
    while (k < n && p[k] == ' ') k++;
    size_t m = n - k;
    while (m && (p[k + m - 1] == '\r' || p[k + m - 1] == '\n')) m--;
    if (m >= sizeof r->crange) m = sizeof r->crange - 1;
    memcpy(r->crange, p + k, m);
    r->crange[m] = 0;
  } else if (n > 15 && !strncasecmp(p, "Content-Length:", 15)) {
    r->clen = strtoll(p + 15, NULL, 10);
  } else if (n > 5 && !strncmp(p, "HTTP/", 5)) { /* a new response (after 100): start over */
    r->crange[0] = 0;
    r->clen = -1;
  }
  return n;
}

static int on_progress(void *u, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d) {
  (void)a, (void)b, (void)c, (void)d;
  return stop(u);
}

/* A fresh easy handle for one attempt of r. */
static int setup(lf_http *h, lf_http_req *r, lf_error *err) {
  CURL *e = r->easy ? r->easy : curl_easy_init();
  if (!e) return lf_err(err, LF_NOMEM, "out of memory");
  curl_easy_reset(e);
  r->easy = e;
  r->got = 0;
  r->overflow = 0;
  r->status = 0;
  r->crange[0] = 0;
  r->clen = -1;
  lf_buf_clear(&r->out);
  curl_easy_setopt(e, CURLOPT_URL, r->url);
  curl_easy_setopt(e, CURLOPT_SHARE, h->share);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
  curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(e, CURLOPT_XFERINFODATA, h);
  curl_easy_setopt(e, CURLOPT_PRIVATE, r);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->o->timeout_ms);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->o->connect_timeout_ms);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, h->o->allow_http ? "http,https" : "https");
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, NULL);
  if (!strcmp(r->method, "HEAD")) {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (!strcmp(r->method, "PUT") || !strcmp(r->method, "POST")) {
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body ? (const char *)r->body : "");
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
  } else if (strcmp(r->method, "GET")) {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
  }
  return LF_OK;
}

/* Outcome of a finished attempt: 0 done (the caller judges the status),
** 1 retry, or an LF_ error code (err set). */
static int judge(lf_http_req *r, CURLcode cc, const char *what, lf_error *err) {
  if (cc == CURLE_ABORTED_BY_CALLBACK)
    return lf_err(err, LF_INTERRUPTED, "%s %s: interrupted", r->method, what);
  if (cc == CURLE_WRITE_ERROR && r->overflow)
    return lf_err(err, LF_CORRUPT, "%s %s: the response is longer than the %zu bytes asked for",
                  r->method, what, r->want);
  if (cc == CURLE_WRITE_ERROR && r->out.rc) return lf_err(err, LF_NOMEM, "out of memory");
  if (cc == CURLE_UNSUPPORTED_PROTOCOL)
    return lf_err(err, LF_ARG, "%s %s: this scheme is not allowed (allow_http=true allows "
                  "http://)", r->method, what);
  if (cc != CURLE_OK) {
    switch (cc) {
      case CURLE_COULDNT_CONNECT: case CURLE_OPERATION_TIMEDOUT: case CURLE_RECV_ERROR:
      case CURLE_SEND_ERROR: case CURLE_PARTIAL_FILE: case CURLE_GOT_NOTHING:
      case CURLE_COULDNT_RESOLVE_HOST: case CURLE_HTTP2: case CURLE_HTTP2_STREAM:
      case CURLE_SSL_CONNECT_ERROR:
        return 1;
      default:
        return lf_err(err, LF_IO, "%s %s: %s", r->method, what, curl_easy_strerror(cc));
    }
  }
  curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
  return r->status >= 500 || r->status == 429 ? 1 : 0;
}

static long elapsed_ms(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Sleep ms, in slices, unless the probe says stop (1). */
static int backoff_sleep(lf_http *h, long ms) {
  while (ms > 0) {
    if (stop(h)) return 1;
    long s = ms < 50 ? ms : 50;
    struct timespec ts = {s / 1000, (s % 1000) * 1000000};
    nanosleep(&ts, NULL);
    ms -= s;
  }
  return stop(h);
}

/* One round: the requests of todo[0..n) once each, in parallel. */
static int round_run(lf_http *h, lf_http_req **todo, int n, int *retry, const char *what,
                     lf_error *err) {
  CURLM *m = curl_multi_init();
  if (!m) return lf_err(err, LF_NOMEM, "out of memory");
  curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)h->o->max_connections);
  int rc = LF_OK;
  for (int i = 0; i < n; i++) {
    curl_multi_add_handle(m, todo[i]->easy);
    __atomic_add_fetch(&h->requests, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&h->bytes_out, todo[i]->body_len, __ATOMIC_RELAXED);
  }
  int running = n, left = n;
  while (left > 0) {
    curl_multi_perform(m, &running);
    CURLMsg *msg;
    int q;
    while ((msg = curl_multi_info_read(m, &q))) {
      if (msg->msg != CURLMSG_DONE) continue;
      lf_http_req *r;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
      CURLcode cc = msg->data.result;
      curl_multi_remove_handle(m, msg->easy_handle);
      left--;
      __atomic_add_fetch(&h->bytes_in, r->got, __ATOMIC_RELAXED);
      int j = judge(r, cc, what, rc ? NULL : err);
      if (j == 1) *retry = 1, r->done = 0;
      else if (j) rc = rc ? rc : j;
      else r->done = 1;
    }
    if (left <= 0) break;
    if (stop(h)) {
      rc = rc ? rc : lf_err(err, LF_INTERRUPTED, "%s: interrupted", what);
      break;
    }
    curl_multi_poll(m, NULL, 0, 50, NULL);
  }
  for (int i = 0; i < n; i++) curl_multi_remove_handle(m, todo[i]->easy);
  curl_multi_cleanup(m);
  return rc;
}

int lf_http_run(lf_http *h, lf_http_req *reqs, int n, lf_http_prep prep, void *ctx,
                const char *what, lf_error *err) {
  lf_http_req **todo = malloc((size_t)(n ? n : 1) * sizeof *todo);
  if (!todo) return lf_err(err, LF_NOMEM, "out of memory");
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  unsigned seed = (unsigned)t0.tv_nsec ^ (unsigned)(uintptr_t)reqs;
  int rc = LF_OK;
  for (int i = 0; i < n; i++) reqs[i].done = 0, reqs[i].attempts = 0;
  for (int attempt = 0;; attempt++) {
    int k = 0, retry = 0;
    for (int i = 0; i < n && !rc; i++) {
      if (reqs[i].done) continue;
      curl_slist_free_all(reqs[i].hdrs);
      reqs[i].hdrs = NULL;
      rc = prep(reqs[i].user ? reqs[i].user : ctx, &reqs[i], err);
      if (!rc) rc = setup(h, &reqs[i], err);
      reqs[i].attempts++;
      todo[k++] = &reqs[i];
    }
    if (!rc && k) rc = round_run(h, todo, k, &retry, what, err);
    if (rc || !retry) break;
    if (attempt >= h->o->max_retries || elapsed_ms(&t0) > h->o->retry_timeout_ms) {
      lf_http_req *r = NULL;
      for (int i = 0; i < n && !r; i++) r = reqs[i].done ? NULL : &reqs[i];
      rc = lf_err(err, LF_IO, "%s %s: failed after %d tries (last: %s)", r->method, what,
                  r->attempts, r->status ? "HTTP error" : "no response");
      if (r->status) lf_err(err, LF_IO, "%s %s: failed after %d tries (last: HTTP %ld)",
                            r->method, what, r->attempts, r->status);
      break;
    }
    long cap = h->o->backoff_ms << (attempt < 16 ? attempt : 16);
    if (cap > BACKOFF_CAP_MS) cap = BACKOFF_CAP_MS;
    long wait = (long)(rand_r(&seed) % (unsigned)(cap + 1));
    for (int i = 0; i < n; i++) __atomic_add_fetch(&h->retries, !reqs[i].done, __ATOMIC_RELAXED);
    if (backoff_sleep(h, wait)) {
      rc = lf_err(err, LF_INTERRUPTED, "%s: interrupted", what);
      break;
    }
  }
  free(todo);
  return rc;
}
