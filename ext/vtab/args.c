/*
** args.c: owns the one reading of USING lance(...) arguments (args.h; the
** rule for users is docs/sql.md, "Arguments"):
**
**   lance(DATASET [, key=value] ...)
**
** - Each argument is one value: 'text' or "text" (SQL quoting: a doubled
**   quote stands for itself) or a bare word without spaces, quotes or '='.
**   Spaces and SQL comments around values and around '=' are ignored.
** - DATASET is a directory path, or a file: URI (file:///abs/path,
**   file://localhost/abs/path; %XX escapes decoded; no query or fragment),
**   turned into its path, or an s3://, http:// or https:// URI, kept as
**   is (format/store/open.c reads it); trailing slashes are dropped.  Other
**   URIs (gs://, az://, ...) are refused.
** - Keys are case-insensitive, as SQLite's own keywords: version (a decimal
**   integer, 1 or more: Lance numbers versions from 1), tag (non-empty),
**   schema, data_storage_version ('2.1', '2.2' or 'stable' = '2.2'),
**   enable_stable_row_ids and enable_v2_manifest_paths (0, 1, true, false),
**   storage_options (a JSON object, read by format/store/options.c),
**   permutation (a dataset, read as DATASET is) and split (non-empty).
**   A key given twice, an unknown key or a bad value is an error naming it.
**
** vtab_args_split finds those arguments in a stored CREATE VIRTUAL TABLE
** statement as SQLite's parser does, so that the pragma functions read a
** table's arguments exactly as the table itself did.  No SQLite calls here:
** plain malloc, so that unit tests call it without a database.
*/
#include "args.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* c is one of the characters of set (never the terminating 0). */
static int in_set(char c, const char *set) { return c && strchr(set, c); }

static int bad(char *zErr, size_t nErr, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (nErr) vsnprintf(zErr, nErr, fmt, ap);
  va_end(ap);
  return VTAB_ARGS_BAD;
}

/* z past spaces and SQL comments (-- to the end of the line, / * ... * /). */
static const char *skip_space(const char *z) {
  for (;;) {
    if (isspace((unsigned char)*z)) z++;
    else if (z[0] == '-' && z[1] == '-') {
      while (*z && *z != '\n') z++;
    } else if (z[0] == '/' && z[1] == '*') {
      const char *e = strstr(z + 2, "*/");
      z = e ? e + 2 : z + strlen(z);
    } else return z;
  }
}

/* Index just past the quoted token at z[i] (', ", ` or [...]), or past the
** end of z when it is not closed. */
static size_t skip_quoted(const char *z, size_t i) {
  char q = z[i] == '[' ? ']' : z[i];
  for (i++; z[i]; i++) {
    if (z[i] != q) continue;
    if (q != ']' && z[i + 1] == q) i++;
    else return i + 1;
  }
  return i;
}

/* The value at *pz ('..', "..", or a bare word) into *out (malloc'd);
** *pz moves past it.  `what` names the argument in errors. */
static int take_value(const char **pz, char **out, const char *what, char *zErr, size_t nErr) {
  const char *z = *pz;
  size_t n = 0, i;
  *out = NULL;
  if (*z == '\'' || *z == '"') {
    char q = *z, *o = malloc(strlen(z));
    if (!o) return VTAB_ARGS_NOMEM;
    for (i = 1; z[i] && (z[i] != q || z[i + 1] == q); i++) {
      o[n++] = z[i];
      if (z[i] == q) i++; /* a doubled quote stands for one */
    }
    if (!z[i]) {
      free(o);
      return bad(zErr, nErr, "%s: unterminated quoted value", what);
    }
    o[n] = 0;
    *out = o;
    *pz = z + i + 1;
    return VTAB_ARGS_OK;
  }
  while (z[n] && !isspace((unsigned char)z[n]) && !in_set(z[n], "'\"`[=,()") &&
         !(z[n] == '-' && z[n + 1] == '-') && !(z[n] == '/' && z[n + 1] == '*'))
    n++;
  if (!n) return bad(zErr, nErr, "%s: expected a value", what);
  if (!(*out = malloc(n + 1))) return VTAB_ARGS_NOMEM;
  memcpy(*out, z, n);
  (*out)[n] = 0;
  *pz = z + n;
  return VTAB_ARGS_OK;
}

/* ---- the dataset ------------------------------------------------------------ */

static int hexval(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The path of file: URI z (z starts with "file:") into *out. */
static int file_uri(const char *z, char **out, char *zErr, size_t nErr) {
  static const char *const form = "expected file:///absolute/path or "
                                  "file://localhost/absolute/path";
  const char *p = z + 5;
  if (strncmp(p, "//", 2)) return bad(zErr, nErr, "bad file URI '%s' (%s)", z, form);
  p += 2;
  const char *slash = strchr(p, '/');
  size_t host = slash ? (size_t)(slash - p) : strlen(p);
  if (host && !(host == 9 && !strncasecmp(p, "localhost", 9)))
    return bad(zErr, nErr, "file URI '%s' names host '%.*s': only local files can be opened (%s)",
               z, (int)host, p, form);
  if (!slash || !slash[1]) return bad(zErr, nErr, "bad file URI '%s' (%s)", z, form);
  if (strpbrk(slash, "?#"))
    return bad(zErr, nErr, "file URI '%s': query and fragment parts are not supported", z);
  char *o = malloc(strlen(slash) + 1);
  size_t n = 0;
  if (!o) return VTAB_ARGS_NOMEM;
  for (const char *s = slash; *s; s++) {
    if (*s != '%') {
      o[n++] = *s;
      continue;
    }
    int hi = hexval(s[1]), lo = hi < 0 ? -1 : hexval(s[2]);
    if (lo < 0 || (hi == 0 && lo == 0)) {
      free(o);
      return bad(zErr, nErr, "file URI '%s': bad escape '%.3s'", z, s);
    }
    o[n++] = (char)(hi * 16 + lo);
    s += 2;
  }
  o[n] = 0;
  *out = o;
  return VTAB_ARGS_OK;
}

int vtab_args_path(const char *z, char **out, char *zErr, size_t nErr) {
  *out = NULL;
  size_t s = 0;
  while (isalpha((unsigned char)z[0]) && (isalnum((unsigned char)z[s]) || in_set(z[s], "+.-")))
    s++;
  int rc;
  if (s == 4 && z[4] == ':' && !strncasecmp(z, "file", 4)) {
    rc = file_uri(z, out, zErr, nErr);
  } else if (s && z[s] == ':' && z[s + 1] == '/' && z[s + 2] == '/' &&
             ((s == 2 && !strncasecmp(z, "s3", 2)) || (s == 4 && !strncasecmp(z, "http", 4)) ||
              (s == 5 && !strncasecmp(z, "https", 5)))) {
    size_t n = strlen(z);
    while (n > s + 3 && z[n - 1] == '/') n--; /* never into the "://" */
    if (!(*out = malloc(n + 1))) return VTAB_ARGS_NOMEM;
    memcpy(*out, z, n);
    (*out)[n] = 0;
    return VTAB_ARGS_OK;
  } else if (s && z[s] == ':' && z[s + 1] == '/' && z[s + 2] == '/') {
    return bad(zErr, nErr, "%s: only local, s3:// and http(s):// datasets are supported", z);
  } else if (!*z) {
    return bad(zErr, nErr, "the dataset path is empty");
  } else {
    rc = (*out = strdup(z)) ? VTAB_ARGS_OK : VTAB_ARGS_NOMEM;
  }
  if (rc) return rc;
  for (size_t n = strlen(*out); n > 1 && (*out)[n - 1] == '/'; n--) (*out)[n - 1] = 0;
  return VTAB_ARGS_OK;
}

/* ---- options ----------------------------------------------------------------- */

enum { K_VERSION, K_TAG, K_SCHEMA, K_STORAGE, K_STABLE, K_V2PATHS, K_OPTIONS, K_PERM, K_SPLIT,
       N_KEYS };
static const char *const key_names[N_KEYS] = {
    "version", "tag", "schema", "data_storage_version", "enable_stable_row_ids",
    "enable_v2_manifest_paths", "storage_options", "permutation", "split"};

/* Store value v (taken over) of key k in a; VTAB_ARGS_BAD names the key. */
static int set_option(vtab_args *a, int k, char *v, char *zErr, size_t nErr) {
  const char *name = key_names[k];
  int rc = VTAB_ARGS_OK;
  if (k == K_VERSION) {
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (!isdigit((unsigned char)v[0]) || *end || errno)
      rc = bad(zErr, nErr, "bad value for version: '%s' (expected a positive integer)", v);
    else if (!x) rc = bad(zErr, nErr, "bad value for version: '%s' (Lance versions start at 1)", v);
    else a->version = x;
  } else if (k == K_TAG || k == K_SCHEMA || k == K_OPTIONS) {
    if (!*v) rc = bad(zErr, nErr, "bad value for %s: '' (expected %s)", name,
                      k == K_TAG ? "a tag name" : k == K_OPTIONS ? "a JSON object"
                      : "columns, e.g. 'id INT64, v FLOAT32[3]'");
    else if (k == K_TAG) a->tag = v, v = NULL;
    else if (k == K_OPTIONS) a->options = v, v = NULL;
    else a->schema = v, v = NULL;
  } else if (k == K_PERM) {
    rc = vtab_args_path(v, &a->permutation, zErr, nErr);
  } else if (k == K_SPLIT) {
    if (!*v) rc = bad(zErr, nErr, "bad value for split: '' (expected a split name or number)");
    else a->split = v, v = NULL;
  } else if (k == K_STORAGE) {
    if (!strcmp(v, "2.1") || !strcmp(v, "2.2") || !strcasecmp(v, "stable"))
      rc = (a->storage = strdup(strcmp(v, "2.1") ? "2.2" : "2.1")) ? rc : VTAB_ARGS_NOMEM;
    else rc = bad(zErr, nErr, "bad value for %s: '%s' (expected '2.1', '2.2' or 'stable'; "
                  "writes make Lance 2.1 and 2.2 files)", name, v);
  } else {
    int on = !strcmp(v, "1") || !strcasecmp(v, "true");
    if (!on && strcmp(v, "0") && strcasecmp(v, "false"))
      rc = bad(zErr, nErr, "bad value for %s: '%s' (expected 0, 1, true or false)", name, v);
    else if (k == K_STABLE) a->stable_row_ids = on;
    else a->v2_paths = on;
  }
  free(v);
  return rc;
}

/* Whether text z might carry a credential (then errors do not quote it). */
static int may_hold_secret(const char *z) {
  static const char *const words[] = {"secret", "token", "key_id", "password"};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    for (const char *p = z; *p; p++)
      if (!strncasecmp(p, words[i], strlen(words[i]))) return 1;
  return 0;
}

/* One key=value argument z (the i-th, counted from 1). */
static int parse_option(vtab_args *a, const char *z, int i, unsigned *seen, char *zErr,
                        size_t nErr) {
  const char *p = skip_space(z), *k0 = p;
  while (isalnum((unsigned char)*p) || *p == '_') p++;
  size_t klen = (size_t)(p - k0);
  p = skip_space(p);
  int k = 0;
  while (k < N_KEYS && !(strlen(key_names[k]) == klen && !strncasecmp(k0, key_names[k], klen))) k++;
  if ((*p != '=' || k == N_KEYS || !klen) && may_hold_secret(z))
    z = "<storage options>"; /* never quote a secret */
  if (*p != '=' || k == N_KEYS || !klen)
    return bad(zErr, nErr, "bad option '%s' (expected version=N, tag='name', schema='...', "
               "data_storage_version='2.1'|'2.2', enable_stable_row_ids=0|1, "
               "enable_v2_manifest_paths=0|1, storage_options='{...}', permutation='path' or "
               "split='name')", z);
  if (*seen & 1u << k) return bad(zErr, nErr, "option %s is given twice", key_names[k]);
  *seen |= 1u << k;
  char what[64], *v;
  snprintf(what, sizeof what, "argument %d (%s)", i, key_names[k]);
  p = skip_space(p + 1);
  int rc = take_value(&p, &v, what, zErr, nErr);
  if (rc) return rc;
  if (*skip_space(p)) {
    free(v);
    return bad(zErr, nErr, "%s: unexpected text after the value: '%s'", what, skip_space(p));
  }
  return set_option(a, k, v, zErr, nErr);
}

int vtab_args_parse(int n, const char *const *az, vtab_args *a, char *zErr, size_t nErr) {
  memset(a, 0, sizeof *a);
  a->stable_row_ids = a->v2_paths = -1;
  if (n < 1)
    return bad(zErr, nErr, "usage: CREATE VIRTUAL TABLE t USING lance('path/to/dataset.lance')");
  const char *p = skip_space(az[0]);
  char *v = NULL;
  int rc = take_value(&p, &v, "argument 1 (the dataset)", zErr, nErr);
  if (!rc && *skip_space(p))
    rc = bad(zErr, nErr, "argument 1 (the dataset): unexpected text after the value: '%s' "
             "(quote a path that holds spaces or '=')", skip_space(p));
  if (!rc) rc = vtab_args_path(v, &a->path, zErr, nErr);
  free(v);
  unsigned seen = 0;
  for (int i = 1; !rc && i < n; i++) rc = parse_option(a, az[i], i + 1, &seen, zErr, nErr);
  if (rc) vtab_args_reset(a);
  return rc;
}

void vtab_args_reset(vtab_args *a) {
  free(a->path);
  free(a->tag);
  free(a->schema);
  free(a->storage);
  if (a->options) memset(a->options, 0, strlen(a->options)); /* may hold secrets */
  free(a->options);
  free(a->permutation);
  free(a->split);
  memset(a, 0, sizeof *a);
  a->stable_row_ids = a->v2_paths = -1;
}

/* ---- the arguments of a CREATE statement ----------------------------------- */

/* Index of the first token after the keyword USING outside quotes and
** comments, or 0 when there is none. */
static size_t after_using(const char *z) {
  for (size_t i = 0; z[i];) {
    const char *s = skip_space(z + i);
    if (s != z + i) {
      i = (size_t)(s - z);
    } else if (in_set(z[i], "'\"`[")) {
      i = skip_quoted(z, i);
    } else if (isalpha((unsigned char)z[i]) || z[i] == '_') {
      size_t j = i;
      while (isalnum((unsigned char)z[j]) || z[j] == '_' || z[j] == '$') j++;
      if (j - i == 5 && !strncasecmp(z + i, "using", 5)) return j;
      i = j;
    } else {
      i++;
    }
  }
  return 0;
}

/* Whether [z, z+n) is the module name lance, bare or quoted, any case. */
static int is_lance(const char *z, size_t n) {
  if (n == 7 && in_set(z[0], "'\"`[")) z++, n -= 2;
  return n == 5 && !strncasecmp(z, "lance", 5);
}

/* Append argument [z, z+len) as SQLite takes it: from its first token to
** the end of its last (spaces and comments around it dropped); one of only
** spaces and comments is no argument (SQLite adds none for it either). */
static int push_arg(char ***az, int *n, const char *z, size_t len) {
  const char *e = z + len, *p = skip_space(z), *start = p, *end = p;
  while (p < e) {
    p = in_set(*p, "'\"`[") ? p + skip_quoted(p, 0) : p + 1;
    end = p;
    p = skip_space(p);
  }
  if (end == start) return VTAB_ARGS_OK;
  size_t k = (size_t)(end - start);
  char *s = malloc(k + 1), **na = s ? realloc(*az, ((size_t)*n + 1) * sizeof *na) : NULL;
  if (!na) {
    free(s);
    return VTAB_ARGS_NOMEM;
  }
  *az = na;
  memcpy(s, start, k);
  s[k] = 0;
  (*az)[(*n)++] = s;
  return VTAB_ARGS_OK;
}

int vtab_args_split(const char *zSql, char ***az, int *n) {
  *az = NULL;
  *n = -1;
  size_t i = after_using(zSql);
  if (!i) return VTAB_ARGS_OK;
  i = (size_t)(skip_space(zSql + i) - zSql);
  size_t j = in_set(zSql[i], "'\"`[") ? skip_quoted(zSql, i) : i;
  while (isalnum((unsigned char)zSql[j]) || zSql[j] == '_') j++;
  if (!is_lance(zSql + i, j - i)) return VTAB_ARGS_OK;
  i = (size_t)(skip_space(zSql + j) - zSql);
  *n = 0;
  if (zSql[i] != '(') return VTAB_ARGS_OK;
  int rc = VTAB_ARGS_OK;
  while (!rc && (zSql[i] == '(' || zSql[i] == ',')) {
    size_t start = ++i;
    for (int depth = 0; zSql[i] && (depth > 0 || (zSql[i] != ',' && zSql[i] != ')'));) {
      const char *sp = skip_space(zSql + i);
      if (sp != zSql + i) {
        i = (size_t)(sp - zSql);
        continue;
      }
      if (in_set(zSql[i], "'\"`[")) {
        i = skip_quoted(zSql, i);
        continue;
      }
      depth += zSql[i] == '(' ? 1 : zSql[i] == ')' ? -1 : 0;
      i++;
    }
    rc = push_arg(az, n, zSql + start, i - start);
  }
  if (rc) {
    vtab_args_free_list(*az, *n);
    *az = NULL;
    *n = -1;
  }
  return rc;
}

void vtab_args_free_list(char **az, int n) {
  for (int i = 0; i < n; i++) free(az[i]);
  free(az);
}
