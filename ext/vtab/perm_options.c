/*
** perm_options.c: owns reading the options text of lance_permutation()
** (permute.h; the rule for users is docs/sql.md, "Permutations"):
**
**   'filter=timeofday = ''night'' split_random=0.8,0.1,0.1
**    split_names=train,val,test seed=42 shuffle=true'
**
** Options are key=value; a value runs up to the next known key written as
** ` key=` (white space, then the key and '=' with nothing between), so a
** filter or a split_calculated expression may hold spaces, quotes and '='.
** Keys (case-sensitive, each at most once): filter, split_random,
** split_sequential, split_hash, split_weights, discard_weight,
** split_calculated, split_names, seed, shuffle, version, tag.  Sizes
** ("0.8,0.2" or "800,200") are ratios when any holds a '.', 'e' or 'E',
** else counts.  Plain C (no SQLite): the unit tests and the fuzz target call
** it directly.
*/
#include "vtab/opts.h"
#include "vtab/permute.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { O_FILTER, O_RANDOM, O_SEQ, O_HASH, O_WEIGHTS, O_DISCARD, O_CALC, O_NAMES, O_SEED,
       O_SHUFFLE, O_VERSION, O_TAG, N_OPTS };
static const char *const opt_names[N_OPTS] = {
    "filter", "split_random", "split_sequential", "split_hash", "split_weights",
    "discard_weight", "split_calculated", "split_names", "seed", "shuffle", "version", "tag"};

static int bad(char *zErr, size_t nErr, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (nErr) vsnprintf(zErr, nErr, fmt, ap);
  va_end(ap);
  return PERM_OPTS_BAD;
}

static int parse_u64(const char *v, uint64_t *out) {
  char *end;
  errno = 0;
  unsigned long long x = strtoull(v, &end, 10);
  if (!isdigit((unsigned char)v[0]) || *end || errno) return -1;
  *out = x;
  return 0;
}

/* "a,b,c" -> sizes; ratios when any item holds '.', 'e' or 'E'. */
static int parse_sizes(const char *key, const char *v, perm_opts *o, char *zErr, size_t nErr) {
  o->nsizes = 0;
  o->is_ratio = strpbrk(v, ".eE") != NULL;
  for (const char *p = v;;) {
    char *end;
    errno = 0;
    double d = strtod(p, &end);
    if (end == p || errno || !isfinite(d) || d < 0 || (*end && *end != ','))
      return bad(zErr, nErr, "%s: bad size list '%s' (expected ratios like 0.8,0.2 or counts "
                 "like 800,200)", key, v);
    if (!o->is_ratio && d != floor(d))
      return bad(zErr, nErr, "%s: bad size list '%s'", key, v);
    if (o->nsizes == PERM_MAX_SPLITS)
      return bad(zErr, nErr, "%s: more than %d splits", key, PERM_MAX_SPLITS);
    o->sizes[o->nsizes++] = d;
    if (!*end) return PERM_OPTS_OK;
    p = end + 1;
  }
}

static int parse_names(const char *v, perm_opts *o, char *zErr, size_t nErr) {
  for (const char *p = v;;) {
    size_t n = strcspn(p, ",");
    if (n == 0) return bad(zErr, nErr, "split_names: empty name in '%s'", v);
    if (o->nnames == PERM_MAX_SPLITS)
      return bad(zErr, nErr, "split_names: more than %d names", PERM_MAX_SPLITS);
    if (!(o->names[o->nnames] = strndup(p, n))) return PERM_OPTS_NOMEM;
    o->nnames++;
    if (!p[n]) return PERM_OPTS_OK;
    p += n + 1;
  }
}

/* Split strategies: at most one of split_random/_sequential/_hash/_calculated. */
static int set_strategy(perm_opts *o, int s, char *zErr, size_t nErr) {
  if (o->strategy != PERM_SPLIT_NONE)
    return bad(zErr, nErr, "only one of split_random, split_sequential, split_hash and "
               "split_calculated can be given");
  o->strategy = s;
  return PERM_OPTS_OK;
}

static int set_opt(perm_opts *o, int k, char *v, char *zErr, size_t nErr) {
  const char *key = opt_names[k];
  int rc = PERM_OPTS_OK;
  if (!*v && k != O_FILTER) {
    free(v);
    return bad(zErr, nErr, "%s: empty value", key);
  }
  switch (k) {
    case O_FILTER: if (*v) o->filter = v, v = NULL; break;
    case O_RANDOM: case O_SEQ:
      rc = set_strategy(o, k == O_RANDOM ? PERM_SPLIT_RANDOM : PERM_SPLIT_SEQUENTIAL, zErr, nErr);
      if (!rc) rc = parse_sizes(key, v, o, zErr, nErr);
      break;
    case O_HASH:
      rc = set_strategy(o, PERM_SPLIT_HASH, zErr, nErr);
      if (!rc) o->hash_cols = v, v = NULL;
      break;
    case O_CALC:
      rc = set_strategy(o, PERM_SPLIT_CALCULATED, zErr, nErr);
      if (!rc) o->calc = v, v = NULL;
      break;
    case O_WEIGHTS:
      rc = parse_sizes(key, v, o, zErr, nErr);
      o->has_weights = 1;
      break;
    case O_DISCARD: case O_SEED: case O_VERSION: {
      uint64_t x;
      if (parse_u64(v, &x) || (k == O_VERSION && x == 0))
        rc = bad(zErr, nErr, "%s: bad value '%s' (expected %s)", key, v,
                 k == O_VERSION ? "a version, 1 or more" : "a non-negative integer");
      else if (k == O_DISCARD) o->discard_weight = x, o->has_discard = 1;
      else if (k == O_SEED) o->seed = x, o->has_seed = 1;
      else o->version = x;
      break;
    }
    case O_NAMES: rc = parse_names(v, o, zErr, nErr); break;
    case O_SHUFFLE:
      if (!strcmp(v, "true") || !strcmp(v, "1")) o->shuffle = 1;
      else if (!strcmp(v, "false") || !strcmp(v, "0")) o->shuffle = 0;
      else rc = bad(zErr, nErr, "shuffle: bad value '%s' (expected true or false)", v);
      break;
    default: o->tag = v, v = NULL; break;
  }
  free(v);
  return rc;
}

/* Cross-option checks once everything is read. */
static int check(perm_opts *o, char *zErr, size_t nErr) {
  if (o->strategy == PERM_SPLIT_HASH && !o->has_weights)
    return bad(zErr, nErr, "split_hash needs split_weights (e.g. split_weights=0.8,0.2)");
  if (o->strategy != PERM_SPLIT_HASH && (o->has_weights || o->has_discard))
    return bad(zErr, nErr, "split_weights and discard_weight go with split_hash");
  if (o->has_discard && o->is_ratio)
    return bad(zErr, nErr, "discard_weight goes with integer split_weights (ratios discard "
               "what they leave of 1)");
  if (o->version && o->tag) return bad(zErr, nErr, "give version or tag, not both");
  int nsplits = o->strategy == PERM_SPLIT_NONE ? 1 : o->nsizes;
  if (o->nnames && o->strategy != PERM_SPLIT_CALCULATED && o->nnames != nsplits)
    return bad(zErr, nErr, "split_names: %d names for %d splits", o->nnames, nsplits);
  return PERM_OPTS_OK;
}

int perm_opts_parse(const char *z, perm_opts *o, char *zErr, size_t nErr) {
  memset(o, 0, sizeof *o);
  unsigned seen = 0;
  int rc = PERM_OPTS_OK;
  vtab_opt a;
  while (!rc && vtab_opt_next(&z, opt_names, N_OPTS, 1, &a)) {
    if (a.key < 0) {
      rc = bad(zErr, nErr, "unknown option at '%.40s' (expected filter=, split_random=, "
               "split_sequential=, split_hash=, split_calculated=, split_names=, seed=, "
               "shuffle=, version= or tag=)", a.k);
      break;
    }
    if (seen & 1u << a.key) rc = bad(zErr, nErr, "option %s is given twice", opt_names[a.key]);
    seen |= 1u << a.key;
    char *v = rc ? NULL : strndup(a.v, a.vn);
    if (!rc && !v) rc = PERM_OPTS_NOMEM;
    if (!rc) rc = set_opt(o, a.key, v, zErr, nErr);
  }
  if (!rc) rc = check(o, zErr, nErr);
  if (rc) perm_opts_reset(o);
  return rc;
}

void perm_opts_reset(perm_opts *o) {
  free(o->filter);
  free(o->hash_cols);
  free(o->calc);
  free(o->tag);
  for (int i = 0; i < o->nnames; i++) free(o->names[i]);
  memset(o, 0, sizeof *o);
}
