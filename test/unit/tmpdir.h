/*
** tmpdir.h: the fixture of the unit tests that write datasets: a fresh
** directory /tmp/<prefix>_XXXXXX per test holding copies of the named
** fixtures of test/unit/data, the local store g_store rooted there, and
** CHECK(call), which fails the test with the lf_error message (the call
** names its error `err_`).  Include after cmocka.h.
*/
#ifndef TEST_TMPDIR_H
#define TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

#include "store.h"
#include "testdata.h"

static char g_tmp[256];   /* the test's directory */
static lf_store *g_store; /* rooted at g_tmp */

/* fixtures: names under test/unit/data (NULL-terminated; NULL: none). */
static int tmpdir_setup(const char *prefix, const char *const *fixtures) {
  lf_error err = {0};
  snprintf(g_tmp, sizeof g_tmp, "/tmp/%s_XXXXXX", prefix);
  if (!mkdtemp(g_tmp)) return -1;
  for (int i = 0; fixtures && fixtures[i]; i++) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cp -r %s/%s %s/", test_data_dir(), fixtures[i], g_tmp);
    if (system(cmd)) return -1;
  }
  return lf_store_local_new(g_tmp, &g_store, &err);
}

static int teardown(void **state) {
  (void)state;
  char cmd[512];
  lf_store_free(g_store);
  g_store = NULL;
  snprintf(cmd, sizeof cmd, "rm -rf %s", g_tmp);
  return system(cmd);
}

#define CHECK(call)                                  \
  do {                                               \
    lf_error err_ = {0};                             \
    int rc_ = (call);                                \
    (void)err_;                                      \
    if (rc_) print_error("%s\n", err_.msg);          \
    assert_int_equal(rc_, LF_OK);                    \
  } while (0)

#endif
