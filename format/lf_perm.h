/*
** lf_perm.h: permutations (format/permutation.c): a Lance dataset of source
** row ids in read order with a split id each, the table LanceDB's
** permutation builder writes (lancedb dataloader/permutation):
**
**   row_id    uint64 (nullable, never null)   a row id of the source dataset
**   split_id  uint64 not null                  0, 1, ... rows ordered by it
**   schema metadata: "base_version" = the source version read (decimal),
**                    "split_names"  = JSON array of the split names (optional)
**
** Also the split arithmetic both builders share: sizes as ratios or counts
** turned into row counts (LanceDB's rounding) and a seeded shuffle.
** Plain C11, no SQLite.
*/
#ifndef LF_PERM_H
#define LF_PERM_H

#include "lf_table.h"

typedef struct lf_permutation {
  uint64_t *ids;           /* row ids of the split read (all splits when none) */
  size_t n;
  uint64_t base_version;   /* 0 when the metadata does not say */
  char **names;            /* split names (may be 0 of them) */
  int n_names;
  uint64_t split;          /* the split read; UINT64_MAX: every split */
} lf_permutation;

/* Read the permutation dataset at root (its latest version) keeping the rows
** of split `split`: a name of split_names or a decimal split id; NULL keeps
** every row.  A dataset without uint64 row_id and split_id columns is LF_ARG
** ("not a permutation"), an unknown split name LF_NOTFOUND naming the known
** ones.  p is zeroed first; lf_permutation_reset it after. */
int lf_permutation_read(lf_store *s, const char *root, const char *split, lf_permutation *p,
                        lf_error *err);
void lf_permutation_reset(lf_permutation *p);

/* The split_names metadata value z[0..n) (untrusted: a JSON array of
** strings) appended to p->names; LF_CORRUPT naming root otherwise (p->names
** may then hold the names read before the fault: lf_permutation_reset). */
int lf_perm_names_parse(const uint8_t *z, size_t n, const char *root, lf_permutation *p,
                        lf_error *err);

/* Create the permutation dataset at root (LF_EXISTS when one is there):
** rows (ids[i], splits[i]) in this order, metadata base_version and, when
** n_names > 0, split_names.  Data file version 2.2. */
int lf_permutation_write(lf_store *s, const char *root, const uint64_t *ids,
                         const uint64_t *splits, size_t n, uint64_t base_version,
                         const char *const *names, int n_names, lf_error *err);

/* Split sizes -> row counts of n rows, as LanceDB's SplitSizes::to_counts:
** ratios (is_ratio) round to nearest; when they sum to ~1 the counts are
** trimmed or topped up round-robin to exactly n.  Checks as LanceDB: ratios
** in [0, 1] summing to <= 1 and none rounding to 0 rows; counts > 0 and
** summing to <= n.  LF_ARG with the reason otherwise. */
int lf_perm_counts(const double *sizes, int nsizes, int is_ratio, uint64_t n, uint64_t *counts,
                   lf_error *err);

/* splitmix64's finalizer: a bijective mix of the bits of z. */
uint64_t lf_perm_mix64(uint64_t z);
/* A seeded shuffle (Fisher-Yates over splitmix64) of a[0..n). */
void lf_perm_shuffle(uint64_t *a, size_t n, uint64_t seed);

#endif
