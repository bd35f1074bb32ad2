/*
** opts.c: owns the splitting of `key=value ...` option texts (opts.h).
*/
#include "opts.h"

#include <string.h>

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }

/* The name whose `name=` starts at z[i] (at the start or after white space), or -1. */
static int name_at(const char *z, size_t i, const char *const *names, int nnames) {
  if (i && !is_space(z[i - 1])) return -1;
  for (int k = 0; k < nnames; k++) {
    size_t n = strlen(names[k]);
    if (!strncmp(z + i, names[k], n) && z[i + n] == '=') return k;
  }
  return -1;
}

int vtab_opt_next(const char **zp, const char *const *names, int nnames, int spaced, vtab_opt *o) {
  const char *z = *zp;
  if (!z) return 0;
  while (is_space(*z)) z++;
  if (!*z) return 0;
  size_t word = strcspn(z, " \t\n");
  const char *eq = memchr(z, '=', word);
  memset(o, 0, sizeof *o);
  o->key = names ? name_at(z, 0, names, nnames) : -1;
  o->k = z;
  o->kn = eq ? (size_t)(eq - z) : word;
  o->has_eq = eq != NULL;
  const char *v = eq ? eq + 1 : z + word, *e = z + word;
  if (o->key >= 0 && spaced) /* to the next named option */
    for (e = v; *e && name_at(z, (size_t)(e - z), names, nnames) < 0;) e++;
  *zp = e;
  while (v < e && is_space(*v)) v++;
  while (e > v && is_space(e[-1])) e--;
  o->v = v;
  o->vn = (size_t)(e - v);
  return 1;
}

int vtab_opt_is(const vtab_opt *o, const char *name) {
  return o->kn == strlen(name) && !strncmp(o->k, name, o->kn);
}
