/*
** test_read_many.c: vectored reads (store.h read_many): range coalescing
** (store_ranges.c), the local store's merged preads, and the remote store's
** coalesced parallel GETs against a small HTTP server in a thread of this
** test (an http:// store over one object): request counts, a failure in
** the middle of a batch, a short body, a retried 503, an interrupt.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "store/remote.h"

#define OBJ_LEN (1 << 20)
static uint8_t g_obj[OBJ_LEN];

static uint8_t byte_at(uint64_t i) { return (uint8_t)(i * 7 + (i >> 9)); }

/* ---- the server ------------------------------------------------------------ */

enum { F_NONE, F_FAIL_AT, F_SHORT_AT, F_503_ONCE };
static struct {
  int fd, port;
  pthread_t th;
  volatile int fault;          /* F_* for the request whose range starts at fault_off */
  volatile uint64_t fault_off;
  volatile int requests;       /* GETs answered */
} g_srv;

static void reply(int c, const char *req) {
  unsigned long long a = 0, b = 0;
  const char *r = strstr(req, "Range: bytes=");
  char head[256];
  g_srv.requests++;
  if (!r || sscanf(r, "Range: bytes=%llu-%llu", &a, &b) != 2 || a > b || a >= OBJ_LEN) {
    snprintf(head, sizeof head, "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Length: 0\r\n"
                                "Connection: close\r\n\r\n");
    (void)!write(c, head, strlen(head));
    return;
  }
  if (b >= OBJ_LEN) b = OBJ_LEN - 1;
  int hit = a == g_srv.fault_off ? g_srv.fault : F_NONE;
  if (hit == F_503_ONCE) g_srv.fault = F_NONE;
  if (hit == F_FAIL_AT || hit == F_503_ONCE) {
    snprintf(head, sizeof head, "HTTP/1.1 %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
             hit == F_FAIL_AT ? "404 Not Found" : "503 Slow Down");
    (void)!write(c, head, strlen(head));
    return;
  }
  unsigned long long n = b - a + 1, send = hit == F_SHORT_AT ? n / 2 : n; /* a body too short */
  snprintf(head, sizeof head, "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes %llu-%llu/%d\r\n"
                              "Content-Length: %llu\r\nConnection: close\r\n\r\n", a, b, OBJ_LEN,
           send);
  (void)!write(c, head, strlen(head));
  (void)!write(c, g_obj + a, (size_t)send);
}

static void *serve(void *arg) {
  (void)arg;
  for (;;) {
    int c = accept(g_srv.fd, NULL, NULL);
    if (c < 0) return NULL;
    char req[4096];
    size_t got = 0;
    ssize_t k;
    while (got < sizeof req - 1 && (k = read(c, req + got, sizeof req - 1 - got)) > 0) {
      got += (size_t)k;
      req[got] = 0;
      if (strstr(req, "\r\n\r\n")) break;
    }
    req[got] = 0;
    if (!strncmp(req, "QUIT", 4)) {
      close(c);
      return NULL;
    }
    reply(c, req);
    close(c);
  }
}

static int setup(void **state) {
  (void)state;
  for (uint64_t i = 0; i < OBJ_LEN; i++) g_obj[i] = byte_at(i);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t sl = sizeof sa;
  g_srv.fd = socket(AF_INET, SOCK_STREAM, 0);
  if (g_srv.fd < 0 || bind(g_srv.fd, (struct sockaddr *)&sa, sizeof sa) ||
      listen(g_srv.fd, 64) || getsockname(g_srv.fd, (struct sockaddr *)&sa, &sl))
    return -1;
  g_srv.port = ntohs(sa.sin_port);
  return pthread_create(&g_srv.th, NULL, serve, NULL);
}

static int teardown(void **state) {
  (void)state;
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                           .sin_port = htons((uint16_t)g_srv.port)};
  int c = socket(AF_INET, SOCK_STREAM, 0);
  if (c >= 0 && connect(c, (struct sockaddr *)&sa, sizeof sa) == 0) (void)!write(c, "QUIT", 4);
  if (c >= 0) close(c);
  pthread_join(g_srv.th, NULL);
  close(g_srv.fd);
  return 0;
}

/* ---- coalescing ---------------------------------------------------------------- */

static void test_coalesce(void **state) {
  (void)state;
  lf_range r[] = {{"a", 500, 10, 0}, {"a", 0, 100, 0}, {"a", 100, 50, 0}, {"a", 140, 20, 0},
                  {"a", 300, 0, 0}, {"a", 1000, 5, 0}, {"b", 150, 10, 0}};
  size_t *order, ns;
  lf_span *sp;
  /* gap 0: touching and overlapping ranges merge, the empty one at 300 stands alone */
  assert_int_equal(lf_ranges_coalesce(r, 6, 0, &order, &sp, &ns), LF_OK);
  assert_int_equal(ns, 4);
  assert_string_equal(sp[0].path, "a");
  assert_true(sp[0].off == 0 && sp[0].end == 160 && sp[0].first == 0 && sp[0].count == 3);
  assert_true(order[0] == 1 && order[1] == 2 && order[2] == 3);
  assert_true(sp[1].off == 300 && sp[1].end == 300 && sp[1].count == 1 && order[3] == 4);
  assert_true(sp[2].off == 500 && sp[2].end == 510 && order[4] == 0);
  assert_true(sp[3].off == 1000 && sp[3].end == 1005 && order[5] == 5);
  free(order);
  free(sp);
  /* gap 341: 300 is 140 past 160 and 500 200 past 300 (they join); 1000 is 490 past 510 */
  assert_int_equal(lf_ranges_coalesce(r, 6, 341, &order, &sp, &ns), LF_OK);
  assert_int_equal(ns, 2);
  assert_true(sp[0].off == 0 && sp[0].end == 510 && sp[0].count == 5);
  assert_true(sp[1].off == 1000 && sp[1].count == 1);
  free(order);
  free(sp);
  /* another object's range never joins, however close */
  assert_int_equal(lf_ranges_coalesce(r, 7, 341, &order, &sp, &ns), LF_OK);
  assert_int_equal(ns, 3);
  assert_true(!strcmp(sp[2].path, "b") && sp[2].off == 150 && order[6] == 6);
  free(order);
  free(sp);
  assert_int_equal(lf_ranges_coalesce(r, 0, 0, &order, &sp, &ns), LF_OK);
  assert_int_equal(ns, 0);
  free(order);
  free(sp);
}

/* n ranges at offs/lens of path (every odd one of path2 if not NULL), each
** read into its own buffer and checked */
static int read_check2(lf_store *s, const char *path, const char *path2, const uint64_t *offs,
                       const size_t *lens, size_t n, lf_error *err) {
  lf_range r[16] = {{0}};
  uint8_t *bufs[16] = {0};
  for (size_t i = 0; i < n; i++) {
    bufs[i] = malloc(lens[i] + 1);
    memset(bufs[i], 0xEE, lens[i] + 1);
    r[i] = (lf_range){path2 && i % 2 ? path2 : path, offs[i], lens[i], bufs[i]};
  }
  int rc = lf_store_read_many(s, r, n, err);
  for (size_t i = 0; i < n; i++) {
    for (size_t k = 0; !rc && k < lens[i]; k++) assert_int_equal(bufs[i][k], byte_at(offs[i] + k));
    if (!rc) assert_int_equal(bufs[i][lens[i]], 0xEE); /* nothing written past the range */
    free(bufs[i]);
  }
  return rc;
}

static int read_check(lf_store *s, const char *path, const uint64_t *offs, const size_t *lens,
                      size_t n, lf_error *err) {
  return read_check2(s, path, NULL, offs, lens, n, err);
}

static void test_local(void **state) {
  (void)state;
  char dir[] = "/tmp/lf-readmany-XXXXXX", path[64];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/o.lance", dir);
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  assert_int_equal(fwrite(g_obj, 1, 4096, fp), 4096);
  fclose(fp);
  char path2[64];
  snprintf(path2, sizeof path2, "%s/p.lance", dir);
  assert_non_null(fp = fopen(path2, "wb"));
  assert_int_equal(fwrite(g_obj, 1, 8192, fp), 8192);
  fclose(fp);
  lf_store *s;
  lf_error err;
  assert_int_equal(lf_store_local_new(dir, &s, &err), LF_OK);
  uint64_t offs[] = {100, 0, 50, 4000, 3000, 60};
  size_t lens[] = {10, 60, 20, 96, 0, 5};
  assert_int_equal(read_check(s, "o.lance", offs, lens, 6, &err), LF_OK);
  uint64_t past[] = {0, 4090};
  size_t plen[] = {10, 10};
  assert_int_equal(read_check(s, "o.lance", past, plen, 2, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "truncated: wanted 10 bytes at offset 4090"));
  assert_int_equal(read_check(s, "missing.lance", offs, lens, 1, &err), LF_NOTFOUND);
  /* two files in one call: 5000 lies past the end of o.lance, inside p.lance */
  uint64_t two[] = {0, 5000, 100, 8000};
  size_t tlen[] = {50, 100, 50, 192};
  assert_int_equal(read_check2(s, "o.lance", "p.lance", two, tlen, 4, &err), LF_OK);
  assert_int_equal(read_check2(s, "p.lance", "o.lance", two, tlen, 4, &err), LF_CORRUPT);
  lf_store_free(s);
  unlink(path2);
  unlink(path);
  rmdir(dir);
}

/* ---- remote ------------------------------------------------------------------------- */

static lf_store *http_store(const char *opts) {
  char origin[64];
  snprintf(origin, sizeof origin, "http://127.0.0.1:%d", g_srv.port);
  lf_store *s = NULL;
  lf_error err;
  assert_int_equal(lf_store_http_new(origin, opts, &s, &err), LF_OK);
  return s;
}

static const char *k_opts = "{\"client_max_retries\":\"2\",\"retry_backoff\":\"1ms\","
                            "\"read_coalesce_size\":\"4KiB\",\"read_cache_size\":\"0\"}";

static void test_remote_coalesce(void **state) {
  (void)state;
  lf_store *s = http_store(k_opts);
  lf_error err;
  g_srv.fault = F_NONE;
  g_srv.requests = 0;
  /* 0..100 and 2000..2100 within 4 KiB: one GET; 100000 and 500000: one each */
  uint64_t offs[] = {2000, 100000, 0, 500000, 60};
  size_t lens[] = {100, 300, 100, 1000, 10};
  assert_int_equal(read_check(s, "o", offs, lens, 5, &err), LF_OK);
  assert_int_equal(g_srv.requests, 3);
  lf_store_stats st;
  lf_store_get_stats(s, &st);
  assert_int_equal(st.requests, 3);
  assert_int_equal(st.bytes_in, 2100 + 300 + 1000);
  /* two objects: their ranges go in one parallel run, never in one request */
  g_srv.requests = 0;
  uint64_t two[] = {0, 50, 100, 150};
  size_t tlen[] = {10, 10, 10, 10};
  assert_int_equal(read_check2(s, "o", "p", two, tlen, 4, &err), LF_OK);
  assert_int_equal(g_srv.requests, 2);
  /* past the object's end: an error, never data */
  uint64_t past[] = {0, OBJ_LEN - 10};
  size_t plen[] = {10, 20};
  assert_int_equal(read_check(s, "o", past, plen, 2, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "truncated"));
  lf_store_free(s);
}

static void test_remote_faults(void **state) {
  (void)state;
  lf_store *s = http_store(k_opts);
  lf_error err;
  uint64_t offs[] = {0, 200000, 400000, 600000};
  size_t lens[] = {1000, 1000, 1000, 1000};
  /* one request of the batch fails (404): the whole read fails, naming it */
  g_srv.fault_off = 400000, g_srv.fault = F_FAIL_AT;
  assert_int_equal(read_check(s, "o", offs, lens, 4, &err), LF_NOTFOUND);
  assert_non_null(strstr(err.msg, "o: no such object"));
  /* a body shorter than its Content-Range: LF_CORRUPT, never data */
  g_srv.fault_off = 200000, g_srv.fault = F_SHORT_AT;
  assert_int_equal(read_check(s, "o", offs, lens, 4, &err), LF_CORRUPT);
  assert_non_null(strstr(err.msg, "body of 500 bytes for a range of 1000 (truncated)"));
  /* a 503 is retried, the batch then succeeds */
  g_srv.fault_off = 600000, g_srv.fault = F_503_ONCE;
  g_srv.requests = 0;
  assert_int_equal(read_check(s, "o", offs, lens, 4, &err), LF_OK);
  assert_int_equal(g_srv.requests, 5);
  lf_store_stats st;
  lf_store_get_stats(s, &st);
  assert_true(st.retries >= 1);
  g_srv.fault = F_NONE;
  lf_store_free(s);
}

static int always(void *ctx) {
  (void)ctx;
  return 1;
}

static void test_remote_interrupt(void **state) {
  (void)state;
  lf_store *s = http_store(k_opts);
  lf_error err;
  lf_store_set_interrupt(s, always, NULL);
  uint64_t offs[] = {0, 300000};
  size_t lens[] = {100, 100};
  assert_int_equal(read_check(s, "o", offs, lens, 2, &err), LF_INTERRUPTED);
  lf_store_free(s);
}

/* Ranges the cache holds are not fetched again. */
static void test_remote_cached(void **state) {
  (void)state;
  lf_store *s = http_store("{\"read_coalesce_size\":\"0\"}");
  lf_error err;
  uint64_t offs[] = {1000, 9000};
  size_t lens[] = {100, 100};
  g_srv.requests = 0;
  assert_int_equal(read_check(s, "o", offs, lens, 2, &err), LF_OK);
  assert_int_equal(g_srv.requests, 2);
  uint64_t again[] = {1010, 9050, 20000};
  size_t alen[] = {50, 50, 10};
  assert_int_equal(read_check(s, "o", again, alen, 3, &err), LF_OK);
  assert_int_equal(g_srv.requests, 3);
  lf_store_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_coalesce),
    cmocka_unit_test(test_local),
    cmocka_unit_test(test_remote_coalesce),
    cmocka_unit_test(test_remote_faults),
    cmocka_unit_test(test_remote_interrupt),
    cmocka_unit_test(test_remote_cached),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
