/*
** fuzz_store.c: libFuzzer target for the remote stores' parsers
** (format/store/): input byte 0 picks the parser: even, an S3 ListObjectsV2
** reply (s3.c; listed under prefix "d/": every name handed out must be a
** non-empty entry without '/'); odd, storage options JSON (options.c).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/remote.h"

static int check_name(void *ctx, const char *name) {
  (void)ctx;
  if (!name[0] || strchr(name, '/')) abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lf_error err;
  if (size < 1) return 0;
  if (data[0] % 2 == 0) {
    char *next = NULL;
    if (lf_s3_list_parse((const char *)data + 1, size - 1, "d/", check_name, NULL, &next, &err) ==
            LF_OK &&
        next && !next[0])
      abort();
    free(next);
  } else {
    char *json = malloc(size);
    if (!json) return 0;
    memcpy(json, data + 1, size - 1);
    json[size - 1] = 0;
    lf_remote_opts o;
    if (lf_remote_opts_parse(json, &o, &err) == LF_OK) {
      if (!o.region || (o.key_id && !o.secret) || o.max_connections < 1) abort();
      lf_remote_opts_reset(&o);
    }
    free(json);
  }
  return 0;
}
