/*
** test_store_local.c: the write side of the local store (store_local.c):
** exclusive and replacing puts, streamed creates, removes, and that of
** racing exclusive puts exactly one wins with the others seeing LF_EXISTS.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"

static char g_dir[256];
static lf_store *g_store;

static int setup(void **state) {
  (void)state;
  snprintf(g_dir, sizeof g_dir, "/tmp/lf-store-test-XXXXXX");
  if (!mkdtemp(g_dir)) return -1;
  return lf_store_local_new(g_dir, &g_store, NULL);
}

static int teardown(void **state) {
  (void)state;
  lf_store_free(g_store);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
  return system(cmd) == 0 ? 0 : -1;
}

static void assert_content(const char *path, const char *want) {
  uint8_t *d;
  uint64_t n;
  assert_int_equal(g_store->size(g_store, path, &n, NULL), LF_OK);
  assert_int_equal(n, strlen(want));
  assert_int_equal(lf_store_read_alloc(g_store, path, 0, n, &d, NULL), LF_OK);
  assert_memory_equal(d, want, n);
  free(d);
}

/* Entries of dir (hidden temporaries included). */
static int count_entries(const char *dir) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", g_dir, dir);
  DIR *d = opendir(p);
  assert_non_null(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

static void test_put(void **state) {
  (void)state;
  lf_error err = {0};
  assert_int_equal(g_store->put(g_store, "a/b/v1", "first", 5, 1, &err), LF_OK);
  assert_int_equal(g_store->put(g_store, "a/b/v1", "second", 6, 1, &err), LF_EXISTS);
  assert_non_null(strstr(err.msg, "a/b/v1: already exists"));
  assert_content("a/b/v1", "first");
  assert_int_equal(g_store->put(g_store, "a/b/v1", "third", 5, 0, &err), LF_OK);
  assert_content("a/b/v1", "third");
  assert_int_equal(count_entries("a/b"), 1); /* no temporaries left */
  assert_int_equal(g_store->remove(g_store, "a/b/v1", &err), LF_OK);
  assert_int_equal(g_store->remove(g_store, "a/b/v1", &err), LF_NOTFOUND);
}

static void test_create(void **state) {
  (void)state;
  lf_error err = {0};
  lf_wfile *w;
  assert_int_equal(g_store->create(g_store, "data/x.lance", &w, &err), LF_OK);
  assert_int_equal(w->write(w, "hello ", 6, &err), LF_OK);
  assert_int_equal(w->write(w, "world", 5, &err), LF_OK);
  assert_int_equal(w->written, 11);
  uint64_t n;
  assert_int_equal(g_store->size(g_store, "data/x.lance", &n, NULL), LF_NOTFOUND);
  assert_int_equal(w->finish(w, &err), LF_OK);
  assert_content("data/x.lance", "hello world");
  assert_int_equal(g_store->create(g_store, "data/y.lance", &w, &err), LF_OK);
  assert_int_equal(w->write(w, "partial", 7, &err), LF_OK);
  w->abort(w);
  assert_int_equal(g_store->size(g_store, "data/y.lance", &n, NULL), LF_NOTFOUND);
  assert_int_equal(count_entries("data"), 1);
  /* create never replaces: finishing onto an existing name fails */
  assert_int_equal(g_store->create(g_store, "data/x.lance", &w, &err), LF_OK);
  assert_int_equal(w->write(w, "other", 5, &err), LF_OK);
  assert_int_equal(w->finish(w, &err), LF_EXISTS);
  assert_content("data/x.lance", "hello world");
}

/* A streamed object of several staging buffers (written with O_DIRECT
** where the file system takes it) and an odd tail, in writes of odd
** sizes: read back byte for byte; aborted, nothing is left. */
static void test_create_large(void **state) {
  (void)state;
  lf_error err = {0};
  lf_wfile *w;
  size_t total = ((size_t)9 << 20) + 12345, chunk = 1000003;
  uint8_t *src = malloc(total), *back = malloc(total);
  for (size_t i = 0; i < total; i++) src[i] = (uint8_t)(i * 2654435761u >> 13);
  for (int abort_it = 0; abort_it < 2; abort_it++) {
    const char *path = abort_it ? "data/big2.lance" : "data/big.lance";
    assert_int_equal(g_store->create(g_store, path, &w, &err), LF_OK);
    for (size_t at = 0; at < total; at += chunk)
      assert_int_equal(w->write(w, src + at, total - at < chunk ? total - at : chunk, &err), LF_OK);
    assert_int_equal(w->written, total);
    uint64_t n;
    if (abort_it) {
      w->abort(w);
      assert_int_equal(g_store->size(g_store, path, &n, NULL), LF_NOTFOUND);
      continue;
    }
    assert_int_equal(w->finish(w, &err), LF_OK);
    assert_int_equal(g_store->size(g_store, path, &n, NULL), LF_OK);
    assert_int_equal(n, total);
    assert_int_equal(g_store->read(g_store, path, 0, total, back, &err), LF_OK);
    assert_memory_equal(src, back, total);
    assert_int_equal(g_store->remove(g_store, path, &err), LF_OK);
  }
  free(src);
  free(back);
}

static void test_racing_exclusive_puts(void **state) {
  (void)state;
  enum { N = 8 };
  pid_t pids[N];
  for (int i = 0; i < N; i++) {
    pids[i] = fork();
    assert_true(pids[i] >= 0);
    if (pids[i] == 0) {
      lf_store *s;
      char body[32];
      snprintf(body, sizeof body, "writer %d", i);
      if (lf_store_local_new(g_dir, &s, NULL)) _exit(3);
      int rc = s->put(s, "race/v", body, strlen(body), 1, NULL);
      _exit(rc == LF_OK ? 0 : rc == LF_EXISTS ? 1 : 2);
    }
  }
  int won = 0, lost = 0;
  for (int i = 0; i < N; i++) {
    int st;
    assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
    assert_true(WIFEXITED(st));
    won += WEXITSTATUS(st) == 0;
    lost += WEXITSTATUS(st) == 1;
  }
  assert_int_equal(won, 1);
  assert_int_equal(lost, N - 1);
  assert_int_equal(count_entries("race"), 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_put),
    cmocka_unit_test(test_create),
    cmocka_unit_test(test_create_large),
    cmocka_unit_test(test_racing_exclusive_puts),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
