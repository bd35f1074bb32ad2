/*
** fuzz_pb.c: libFuzzer target for the protobuf wire reader and the schema
** parser (lance.file.Schema bytes from an untrusted file).
*/
#include <stdint.h>
#include <string.h>

#include "lf_int.h"

static void walk(const uint8_t *d, size_t n, int depth) {
  lf_pb pb;
  lf_pb_field f;
  lf_error err;
  lf_pb_init(&pb, d, n);
  while (lf_pb_next(&pb, &f, "fuzz", &err) > 0)
    if (f.wire == 2 && depth < 8) walk(f.data, f.len, depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  walk(data, size, 0);
  lf_schema s;
  lf_error err;
  memset(&s, 0, sizeof s);
  lf_schema_parse_fields(&s, data, size, &err);
  lf_schema_reset(&s);
  return 0;
}
