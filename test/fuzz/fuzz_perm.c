/*
** fuzz_perm.c: libFuzzer target for what permutations read from outside:
** the options text of lance_permutation() (ext/vtab/perm_options.c) and the
** split_names metadata of a permutation dataset (format/permutation.c,
** lf_perm_names_parse), which arrives with a dataset someone else wrote.
** Failures must leave one non-empty message; successes only well-formed
** results (sizes in range, names non-empty); nothing may leak.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf_perm.h"
#include "vtab/permute.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *z = malloc(size + 1), msg[256] = "";
  if (!z) return 0;
  memcpy(z, data, size);
  z[size] = 0;
  perm_opts o;
  int rc = perm_opts_parse(z, &o, msg, sizeof msg);
  if (rc == PERM_OPTS_BAD && !msg[0]) abort();
  if (rc == PERM_OPTS_OK) {
    if (o.nsizes > PERM_MAX_SPLITS || o.nnames > PERM_MAX_SPLITS) abort();
    for (int i = 0; i < o.nsizes; i++)
      if (!(o.sizes[i] >= 0)) abort();
    for (int i = 0; i < o.nnames; i++)
      if (!o.names[i][0]) abort();
    perm_opts_reset(&o);
  }
  lf_permutation p;
  memset(&p, 0, sizeof p);
  lf_error err = {0};
  rc = lf_perm_names_parse(data, size, "fuzz", &p, &err);
  if (rc && !err.msg[0]) abort();
  lf_permutation_reset(&p);
  free(z);
  return 0;
}
