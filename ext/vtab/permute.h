/*
** permute.h: permutations in SQL.
**   perm_options.c  the options text of lance_permutation() (plain C)
**   permute.c       lance_permutation() and reading a lance table through a
**                   permutation (USING lance(..., permutation=, split=))
** The dataset layout and the split arithmetic are format/'s (lf_perm.h).
*/
#ifndef LANCE_VTAB_PERMUTE_H
#define LANCE_VTAB_PERMUTE_H

#include <stddef.h>
#include <stdint.h>

#define PERM_MAX_SPLITS 64

enum { PERM_OPTS_OK = 0, PERM_OPTS_BAD = 1, PERM_OPTS_NOMEM = 2 };
enum { PERM_SPLIT_NONE, PERM_SPLIT_RANDOM, PERM_SPLIT_SEQUENTIAL, PERM_SPLIT_HASH,
       PERM_SPLIT_CALCULATED };

/* What lance_permutation's options say; strings malloc'd (perm_opts_reset). */
typedef struct perm_opts {
  char *filter;              /* SQL condition on the source, or NULL */
  int strategy;              /* PERM_SPLIT_* */
  double sizes[PERM_MAX_SPLITS]; /* split_random/_sequential sizes, split_hash weights */
  int nsizes, is_ratio, has_weights;
  char *hash_cols;           /* split_hash: the columns, as SQL ("a, b") */
  char *calc;                /* split_calculated: the SQL expression */
  uint64_t discard_weight;
  int has_discard;
  char *names[PERM_MAX_SPLITS];
  int nnames;
  uint64_t seed;
  int has_seed, shuffle;
  uint64_t version;          /* of the source; 0: the table's own */
  char *tag;
} perm_opts;

/* Parse the options text z into o (zeroed first).  On PERM_OPTS_BAD zErr
** holds one sentence; o is reset on any failure. */
int perm_opts_parse(const char *z, perm_opts *o, char *zErr, size_t nErr);
void perm_opts_reset(perm_opts *o);

#endif
