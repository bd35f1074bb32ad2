/*
** ivf_spill.c: owns the coded rows of an IVF index build (ivf_spill.h).
** A record is 12 + cs bytes, host order: partition (u32), row id (u64), the
** code.  The temporary file holds records only, in runs: each time the
** buffer is full its records are sorted by partition (stable: scan order
** within a partition) and appended, and `runs` keeps where each partition
** starts in each run, so gathering a group of partitions reads its stretch
** of every run: the file is read once over all groups.  It is unlinked as
** soon as it is made (nothing stays behind, whatever happens).
*/
#include "vec/ivf_spill.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_BUDGET ((size_t)128 << 20)

int ivf_spill_init(ivf_spill *s, uint32_t nparts, size_t cs, size_t budget, lf_error *err) {
  memset(s, 0, sizeof *s);
  s->fd = -1;
  s->nparts = nparts, s->cs = cs, s->rs = 12 + cs;
  s->budget = budget ? budget : DEFAULT_BUDGET;
  s->plen = calloc((size_t)nparts + 1, sizeof *s->plen);
  s->gat = calloc(2 * ((size_t)nparts + 1), sizeof *s->gat); /* starts, then scratch */
  if (!s->plen || !s->gat) return lf_err(err, LF_NOMEM, "out of memory");
  return LF_OK;
}

void ivf_spill_free(ivf_spill *s) {
  if (s->plen && s->fd >= 0) close(s->fd); /* fd is only set once init ran */
  free(s->plen), free(s->gat), free(s->buf), free(s->growids), free(s->gcodes), free(s->runs);
  memset(s, 0, sizeof *s);
  s->fd = -1;
}

static int write_all(int fd, const uint8_t *p, size_t n) {
  while (n) {
    ssize_t k = write(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    p += k, n -= (size_t)k;
  }
  return 0;
}

/* The buffered records sorted by partition (stable) and appended to the
** file (made on first use) as one run; where each partition's records start
** in it goes to runs. */
static int flush(ivf_spill *s, lf_error *err) {
  size_t nrec = s->len / s->rs, np = (size_t)s->nparts + 1;
  uint64_t *off = realloc(s->runs, (s->nruns + 1) * np * sizeof *off);
  uint8_t *sorted = malloc(s->len + 1);
  if (off) s->runs = off;
  if (!off || !sorted) {
    free(sorted);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  off += s->nruns * np;
  memset(off, 0, np * sizeof *off);
  for (size_t i = 0; i < nrec; i++) {
    uint32_t p;
    memcpy(&p, s->buf + i * s->rs, 4);
    off[p + 1]++;
  }
  for (size_t p = 1; p < np; p++) off[p] += off[p - 1];
  for (size_t i = 0; i < nrec; i++) { /* off[p]: the next slot of partition p */
    uint32_t p;
    memcpy(&p, s->buf + i * s->rs, 4);
    memcpy(sorted + off[p]++ * s->rs, s->buf + i * s->rs, s->rs);
  }
  for (size_t p = np - 1; p > 0; p--) off[p] = s->fbytes + off[p - 1] * s->rs; /* back to starts */
  off[0] = s->fbytes;
  s->nruns++;
  if (s->fd < 0) {
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/lance-ivf-XXXXXX", dir && *dir ? dir : "/tmp");
    if ((s->fd = mkstemp(path)) < 0)
      return lf_err(err, LF_IO, "index build: cannot make a temporary file in %s: %s",
                    dir && *dir ? dir : "/tmp", strerror(errno));
    unlink(path);
  }
  int bad = write_all(s->fd, sorted, s->len);
  free(sorted);
  if (bad)
    return lf_err(err, LF_IO, "index build: writing the temporary file failed: %s", strerror(errno));
  s->fbytes += s->len;
  s->len = 0;
  return LF_OK;
}

int ivf_spill_put(ivf_spill *s, uint64_t rowid, uint32_t part, const uint8_t *code, lf_error *err) {
  if (s->len + s->rs > s->cap) {
    size_t room = s->budget > s->rs ? s->budget : s->rs;
    if (s->cap < room) { /* grow up to the budget */
      size_t cap = s->cap ? 2 * s->cap : 65536;
      if (cap > room) cap = room;
      if (cap < s->len + s->rs) cap = s->len + s->rs;
      uint8_t *b = realloc(s->buf, cap);
      if (!b) return lf_err(err, LF_NOMEM, "out of memory");
      s->buf = b, s->cap = cap;
    } else {
      int rc = flush(s, err);
      if (rc) return rc;
    }
  }
  uint8_t *r = s->buf + s->len;
  memcpy(r, &part, 4);
  memcpy(r + 4, &rowid, 8);
  memcpy(r + 12, code, s->cs);
  s->len += s->rs;
  s->plen[part]++;
  s->n++;
  return LF_OK;
}

static int read_at(ivf_spill *s, uint64_t off, size_t want, lf_error *err) {
  size_t got = 0;
  while (got < want) {
    ssize_t k = pread(s->fd, s->buf + got, want - got, (off_t)(off + got));
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return lf_err(err, LF_IO, "index build: reading the temporary file failed");
    got += (size_t)k;
  }
  return LF_OK;
}

/* Records of the group [g0, g1) into their places (gat advanced). */
static void place(ivf_spill *s, const uint8_t *r, size_t nrec, uint64_t *at) {
  for (size_t i = 0; i < nrec; i++, r += s->rs) {
    uint32_t p;
    memcpy(&p, r, 4);
    if (p < s->g0 || p >= s->g1) continue;
    uint64_t d = at[p - s->g0]++;
    memcpy(s->growids + d, r + 4, 8);
    memcpy(s->gcodes + d * s->cs, r + 12, s->cs);
  }
}

/* Gather the partitions from p on that fit the budget (p at least). */
static int gather(ivf_spill *s, uint32_t p, lf_error *err) {
  uint64_t rows = 0, bytes = 0, per = 8 + s->cs;
  uint32_t g1 = p;
  while (g1 < s->nparts && (g1 == p || bytes + s->plen[g1] * per <= s->budget))
    bytes += s->plen[g1] * per, rows += s->plen[g1++];
  if (rows + 1 > s->gcap) {
    free(s->growids), free(s->gcodes);
    s->growids = malloc((rows + 1) * sizeof *s->growids);
    s->gcodes = malloc((rows + 1) * s->cs);
    s->gcap = s->growids && s->gcodes ? rows + 1 : 0;
    if (!s->gcap) return lf_err(err, LF_NOMEM, "out of memory");
  }
  s->g0 = p, s->g1 = g1;
  s->gat[0] = 0;
  for (uint32_t q = p; q < g1; q++) s->gat[q - p + 1] = s->gat[q - p] + s->plen[q];
  uint64_t *at = s->gat + s->nparts + 1; /* the next row of each partition */
  memcpy(at, s->gat, (size_t)(g1 - p) * sizeof *at);
  int rc = LF_OK;
  if (s->fd < 0) {
    place(s, s->buf, s->len / s->rs, at);
  } else { /* the group's stretch of every run */
    if (s->len) rc = flush(s, err);
    size_t chunk = s->cap / s->rs * s->rs, np = (size_t)s->nparts + 1;
    for (size_t r = 0; !rc && r < s->nruns; r++) {
      uint64_t end = s->runs[r * np + g1];
      for (uint64_t off = s->runs[r * np + p]; !rc && off < end; off += chunk) {
        size_t want = end - off < chunk ? (size_t)(end - off) : chunk;
        rc = read_at(s, off, want, err);
        if (!rc) place(s, s->buf, want / s->rs, at);
      }
    }
  }
  return rc;
}

int ivf_spill_part(ivf_spill *s, uint32_t p, const uint64_t **rowids, const uint8_t **codes,
                   lf_error *err) {
  if (p >= s->nparts) return lf_err(err, LF_ARG, "partition %u of %u", p, s->nparts);
  if (!s->growids || p < s->g0 || p >= s->g1) {
    int rc = gather(s, p, err);
    if (rc) return rc;
  }
  *rowids = s->growids + s->gat[p - s->g0];
  *codes = s->gcodes + s->gat[p - s->g0] * s->cs;
  return LF_OK;
}
