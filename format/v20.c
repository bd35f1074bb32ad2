/*
** v20.c: owns reading Lance file version 2.0 (footer 0.3): the
** lance.encodings.ArrayEncoding tree of encodings_v2_0.proto.
*/
#include "lf_int.h"

int lf_v20_append(lf_file *f, int field_idx, uint64_t start, uint64_t end, lf_array *out,
                  lf_error *err) {
  (void)field_idx, (void)start, (void)end, (void)out;
  return lf_err(err, LF_UNSUPPORTED, "%s: Lance file version 2.0 (footer 0.3) is not supported yet",
                f->path);
}
