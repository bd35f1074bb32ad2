/*
** opts.h: the `key=value ...` option texts of the SQL functions (lance_compact,
** lance_cleanup, lance_merge_insert, lance_permutation, lance_backfill, the
** scalar branch of lance_create_index), split by one rule; each command checks
** its own keys and values and words its own errors.
**
** Options are separated by white space.  Without names, every word is an
** option: its key runs to the first '=' (has_eq 0 when there is none), its
** value to the end of the word.  With names (each written without its '='),
** an option starts at a word that begins with `name=` of one of them; with
** `spaced`, its value runs to the next such word (so it may hold spaces: an
** SQL filter), else to the end of the word.  A word that does not start a
** named option comes back with key -1 and its key text.  Values are trimmed
** of white space.
*/
#ifndef VTAB_OPTS_H
#define VTAB_OPTS_H

#include <stddef.h>

typedef struct vtab_opt {
  int key;           /* index in names, or -1 */
  const char *k;     /* the key as written (up to '=' or the word's end) */
  size_t kn;
  int has_eq;
  const char *v;     /* the value, trimmed */
  size_t vn;
} vtab_opt;

/* The next option of *z, *z advanced past it: 1, or 0 at the end (z NULL or
** only white space left). */
int vtab_opt_next(const char **z, const char *const *names, int nnames, int spaced, vtab_opt *o);
/* o's key is name (for options read without names). */
int vtab_opt_is(const vtab_opt *o, const char *name);

#endif
