/*
** ivf_spill.h: the coded rows of an IVF index build (ivf_spill.c), held in
** a bounded amount of memory whatever the table's size.  Rows are appended
** in scan order (row id, partition, code); past `budget` bytes they go to
** an unlinked temporary file (in $TMPDIR, else /tmp).  They come back
** partition by partition, in partition order and within a partition in the
** order they were appended: a group of consecutive partitions whose rows
** fit the budget (at least one partition, however large) is gathered at a
** time, the file read once over all groups.  Memory: the append buffer and
** the group buffer, each at most `budget` (the group: or its largest
** partition), a second buffer while a full one is sorted, and 8 bytes per
** partition and run.
*/
#ifndef LANCE_IVF_SPILL_H
#define LANCE_IVF_SPILL_H

#include <stddef.h>
#include <stdint.h>

#include "lf_error.h"

typedef struct ivf_spill {
  uint32_t nparts;
  size_t cs, rs;              /* code bytes; record bytes (12 + cs) */
  size_t budget;
  uint64_t n, *plen;          /* rows; rows per partition (nparts) */
  uint8_t *buf;               /* records not in the file yet */
  size_t len, cap;
  int fd;                     /* -1: no file (every record in buf) */
  uint64_t fbytes;            /* bytes in the file */
  uint64_t *runs;             /* per run, nparts + 1 offsets: each partition's start, the end */
  size_t nruns;
  uint32_t g0, g1;            /* the partitions gathered: [g0, g1) */
  uint64_t *gat;              /* each partition's first row in the group, then scratch */
  uint64_t *growids;
  uint8_t *gcodes;
  uint64_t gcap;              /* rows the group buffers hold */
} ivf_spill;

/* budget 0: the default, 128 MiB. */
int ivf_spill_init(ivf_spill *s, uint32_t nparts, size_t cs, size_t budget, lf_error *err);
int ivf_spill_put(ivf_spill *s, uint64_t rowid, uint32_t part, const uint8_t *code, lf_error *err);
/* Partition p's plen[p] row ids and codes (row-major), valid until the next
** call for a partition outside the group loaded.  Partitions are best asked
** in increasing order (each group is one read of the file). */
int ivf_spill_part(ivf_spill *s, uint32_t p, const uint64_t **rowids, const uint8_t **codes,
                   lf_error *err);
void ivf_spill_free(ivf_spill *s);

#endif
