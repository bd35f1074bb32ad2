/*
** fuzz_ddl.c: libFuzzer target for the schema= spelling (schema_ddl.c):
** any text either fails cleanly or gives a schema that encodes
** (lf_schema_encode) into bytes that parse back to the same encoding.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf_int.h"
#include "lf_write.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *z = malloc(size + 1);
  if (!z) return 0;
  memcpy(z, data, size);
  z[size] = 0;
  lf_schema s, back;
  lf_error err;
  if (lf_schema_from_ddl(z, &s, &err) == LF_OK) {
    lf_buf a = {0}, b = {0};
    if (lf_schema_encode(&s, &a)) abort();
    memset(&back, 0, sizeof back);
    if (lf_schema_parse_fields(&back, a.p, a.len, &err)) abort();
    if (lf_schema_encode(&back, &b) || a.len != b.len || memcmp(a.p, b.p, a.len)) abort();
    lf_schema_reset(&back);
    lf_buf_reset(&a);
    lf_buf_reset(&b);
    lf_schema_reset(&s);
  }
  free(z);
  return 0;
}
