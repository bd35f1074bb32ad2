/*
** testdata.h: the directory of the LanceDB-written fixtures, test/unit/data,
** found from this header's own path (__FILE__ here names testdata.h).
*/
#ifndef TEST_TESTDATA_H
#define TEST_TESTDATA_H

#include <stdio.h>
#include <string.h>

static inline const char *test_data_dir(void) {
  static char dir[1024];
  const char *f = __FILE__, *slash = strrchr(f, '/');
  snprintf(dir, sizeof dir, "%.*sdata", slash ? (int)(slash - f + 1) : 0, f);
  return dir;
}

#endif
