/*
** query.c: owns the parsing of full-text queries (query.h): plain text, or one of
** LanceDB's JSON query objects, into an fts_query tree.  A small strict JSON reader
** (objects, arrays, strings with every escape, numbers, true/false/null) serves
** only this; nesting is bounded (FTSQ_MAX_DEPTH) so hostile text cannot exhaust
** the stack.
*/
#include "fts/query.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FTSQ_MAX_DEPTH 64

typedef struct jrd {
  const char *z, *p;
  char *err;
  int errcap, failed, nomem;
} jrd;

static int fail(jrd *j, const char *fmt, ...) {
  if (j->failed) return -1;
  j->failed = 1;
  va_list ap;
  va_start(ap, fmt);
  int n = snprintf(j->err, (size_t)j->errcap, "full-text query: ");
  if (n >= 0 && n < j->errcap) vsnprintf(j->err + n, (size_t)(j->errcap - n), fmt, ap);
  va_end(ap);
  return -1;
}
static int oom(jrd *j) {
  if (!j->failed) snprintf(j->err, (size_t)j->errcap, "out of memory");
  j->failed = j->nomem = 1;
  return -1;
}
static int at(const jrd *j) { return (int)(j->p - j->z); }

static void ws(jrd *j) {
  while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r') j->p++;
}
static int eat(jrd *j, char c) {
  ws(j);
  if (*j->p != c) return 0;
  j->p++;
  return 1;
}
static int expect(jrd *j, char c) {
  return eat(j, c) ? 0 : fail(j, "expected '%c' at offset %d", c, at(j));
}

static int hex4(const char *p, unsigned *v) {
  *v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    *v = *v << 4 | (unsigned)d;
  }
  return 0;
}
static size_t put_utf8(char *o, unsigned cp) {
  if (cp < 0x80) { o[0] = (char)cp; return 1; }
  if (cp < 0x800) { o[0] = (char)(0xC0 | cp >> 6); o[1] = (char)(0x80 | (cp & 63)); return 2; }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | cp >> 12); o[1] = (char)(0x80 | (cp >> 6 & 63));
    o[2] = (char)(0x80 | (cp & 63));
    return 3;
  }
  o[0] = (char)(0xF0 | cp >> 18); o[1] = (char)(0x80 | (cp >> 12 & 63));
  o[2] = (char)(0x80 | (cp >> 6 & 63)); o[3] = (char)(0x80 | (cp & 63));
  return 4;
}

/* One \u escape (p after the 'u'), a surrogate pair taken whole. */
static int unicode_escape(jrd *j, char *o, size_t *n) {
  unsigned cp, lo;
  if (hex4(j->p, &cp)) return fail(j, "bad \\u escape at offset %d", at(j));
  j->p += 4;
  if (cp >= 0xD800 && cp < 0xDC00) {
    if (j->p[0] != '\\' || j->p[1] != 'u' || hex4(j->p + 2, &lo) || lo < 0xDC00 || lo >= 0xE000)
      return fail(j, "unpaired surrogate in \\u escape at offset %d", at(j));
    j->p += 6;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
  } else if (cp >= 0xDC00 && cp < 0xE000) {
    return fail(j, "unpaired surrogate in \\u escape at offset %d", at(j));
  }
  *n += put_utf8(o + *n, cp);
  return 0;
}

/* A JSON string, escapes decoded, as a malloc'd NUL-terminated string. */
static int jstring(jrd *j, char **out) {
  ws(j);
  if (*j->p != '"') return fail(j, "expected a string at offset %d", at(j));
  const char *s = ++j->p;
  size_t cap = 1;
  while (*s && *s != '"') s += *s == '\\' && s[1] ? 2 : 1, cap += 4;
  char *o = malloc(cap);
  if (!o) return oom(j);
  size_t n = 0;
  for (;;) {
    unsigned char c = (unsigned char)*j->p;
    if (c == '"') { j->p++; break; }
    if (c == 0) { free(o); return fail(j, "unterminated string"); }
    if (c < 0x20) { free(o); return fail(j, "control character in a string at offset %d", at(j)); }
    j->p++;
    if (c != '\\') { o[n++] = (char)c; continue; }
    char e = *j->p++;
    switch (e) {
      case '"': case '\\': case '/': o[n++] = e; break;
      case 'b': o[n++] = '\b'; break;
      case 'f': o[n++] = '\f'; break;
      case 'n': o[n++] = '\n'; break;
      case 'r': o[n++] = '\r'; break;
      case 't': o[n++] = '\t'; break;
      case 'u': if (unicode_escape(j, o, &n)) { free(o); return -1; } break;
      default: free(o); return fail(j, "bad escape at offset %d", at(j) - 2);
    }
  }
  o[n] = 0;
  *out = o;
  return 0;
}

/* A JSON number (strict grammar) as a double. */
static int jnumber(jrd *j, double *v) {
  ws(j);
  const char *s = j->p, *p = s;
  if (*p == '-') p++;
  if (*p == '0') p++;
  else if (*p >= '1' && *p <= '9') while (*p >= '0' && *p <= '9') p++;
  else return fail(j, "expected a number at offset %d", at(j));
  if (*p == '.') {
    if (!(*++p >= '0' && *p <= '9')) return fail(j, "bad number at offset %d", at(j));
    while (*p >= '0' && *p <= '9') p++;
  }
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '+' || *p == '-') p++;
    if (!(*p >= '0' && *p <= '9')) return fail(j, "bad number at offset %d", at(j));
    while (*p >= '0' && *p <= '9') p++;
  }
  *v = strtod(s, NULL);
  j->p = p;
  return 0;
}
static int is_null(jrd *j) {
  ws(j);
  if (strncmp(j->p, "null", 4)) return 0;
  j->p += 4;
  return 1;
}

/* A whole number in [lo, hi] for key k. */
static int jint(jrd *j, const char *k, long lo, long hi, int *out) {
  double v;
  if (jnumber(j, &v)) return -1;
  if (v != floor(v) || v < (double)lo || v > (double)hi)
    return fail(j, "\"%s\" must be a whole number from %ld to %ld", k, lo, hi);
  *out = (int)v;
  return 0;
}
/* A finite number >= 0 for key k (boosts). */
static int jboost(jrd *j, const char *k, double *out) {
  if (jnumber(j, out)) return -1;
  if (!isfinite(*out) || *out < 0) return fail(j, "\"%s\" must be a finite number >= 0", k);
  return 0;
}

/* ---- Query nodes ---------------------------------------------------------------- */

static fts_query *node_new(jrd *j, fts_qkind kind) {
  fts_query *q = calloc(1, sizeof *q);
  if (!q) { oom(j); return NULL; }
  q->kind = kind;
  q->boost = 1.0;
  q->max_expansions = 50;
  q->negative_boost = 0.5;
  return q;
}

static int set_column(jrd *j, fts_query *q, const char *column) {
  if (q->column) return 0;
  if (!(q->column = strdup(column))) return oom(j);
  return 0;
}

static fts_query *parse_query(jrd *j, const char *column, int depth);

/* The keys of one object: each is kept until the object ends, so a repeated key
** is an error (as serde's "duplicate field"). */
typedef struct jobj {
  int n;
  char *seen[16];
} jobj;

static void jobj_reset(jobj *o) {
  for (int i = 0; i < o->n; i++) free(o->seen[i]);
  o->n = 0;
}

/* Iterate the keys of an object: returns 1 with *key set (owned by o) while
** there is one, 0 at '}', -1 on error. */
static int next_key(jrd *j, jobj *o, const char **key) {
  char *k = NULL;
  if (eat(j, '}')) return 0;
  if (o->n && expect(j, ',')) return -1;
  if (jstring(j, &k)) return -1;
  for (int i = 0; i < o->n; i++)
    if (!strcmp(o->seen[i], k)) { fail(j, "duplicate key \"%s\"", k); free(k); return -1; }
  if (o->n == (int)(sizeof o->seen / sizeof o->seen[0])) {
    free(k);
    return fail(j, "too many keys in an object at offset %d", at(j));
  }
  o->seen[o->n++] = k;
  *key = k;
  return expect(j, ':') ? -1 : 1;
}

static int parse_operator(jrd *j, fts_query *q) {
  char *s = NULL;
  if (jstring(j, &s)) return -1;
  int rc = 0;
  if (!strcasecmp(s, "and")) q->op_and = 1;
  else if (!strcasecmp(s, "or")) q->op_and = 0;
  else rc = fail(j, "\"operator\" must be \"And\" or \"Or\", not \"%s\"", s);
  free(s);
  return rc;
}

/* The fields of a match or phrase object. */
static int leaf_field(jrd *j, fts_query *q, const char *k) {
  int match = q->kind == FTSQ_MATCH;
  if (!strcmp(k, "column")) return is_null(j) ? 0 : jstring(j, &q->column);
  if (!strcmp(k, "terms")) return jstring(j, &q->terms);
  if (!strcmp(k, "document_granularity")) {
    char *s = NULL;
    if (is_null(j)) return 0;
    if (jstring(j, &s)) return -1;
    int ok = !strcasecmp(s, "row") || !strcasecmp(s, "document");
    free(s);
    return ok ? 0 : fail(j, "\"document_granularity\" other than row documents is not supported");
  }
  if (!match && !strcmp(k, "slop")) return jint(j, k, 0, 1000000, &q->slop);
  if (match && !strcmp(k, "boost")) return jboost(j, k, &q->boost);
  if (match && !strcmp(k, "fuzziness")) {
    if (is_null(j)) { q->fuzziness = FTSQ_FUZZY_AUTO; return 0; }
    return jint(j, k, 0, 2, &q->fuzziness);
  }
  if (match && !strcmp(k, "max_expansions")) return jint(j, k, 0, 1000000, &q->max_expansions);
  if (match && !strcmp(k, "operator")) return parse_operator(j, q);
  if (match && !strcmp(k, "prefix_length")) return jint(j, k, 0, 1000000, &q->prefix_length);
  return fail(j, "unknown key \"%s\" in a %s query", k, match ? "match" : "phrase");
}

static fts_query *parse_leaf(jrd *j, fts_qkind kind, const char *column) {
  fts_query *q = node_new(j, kind);
  if (!q) return NULL;
  q->fuzziness = FTSQ_FUZZY_AUTO; /* Lance: Option<u32>, missing = None */
  jobj o = {0};
  const char *k;
  int r;
  if (expect(j, '{')) goto bad;
  while ((r = next_key(j, &o, &k)) == 1)
    if (leaf_field(j, q, k)) goto bad;
  if (r < 0) goto bad;
  if (!q->terms) { fail(j, "a %s query needs \"terms\"", kind == FTSQ_MATCH ? "match" : "phrase"); goto bad; }
  if (set_column(j, q, column)) goto bad;
  jobj_reset(&o);
  return q;
bad:
  jobj_reset(&o);
  fts_query_free(q);
  return NULL;
}

/* A JSON array of queries into *arr / *n. */
static int parse_list(jrd *j, const char *column, int depth, fts_query ***arr, int *n) {
  if (expect(j, '[')) return -1;
  if (eat(j, ']')) return 0;
  do {
    fts_query **a = realloc(*arr, (size_t)(*n + 1) * sizeof *a);
    if (!a) return oom(j);
    *arr = a;
    if (!(a[*n] = parse_query(j, column, depth + 1))) return -1;
    (*n)++;
  } while (eat(j, ','));
  return expect(j, ']');
}

static fts_query *parse_boolean(jrd *j, const char *column, int depth) {
  fts_query *q = node_new(j, FTSQ_BOOLEAN);
  jobj o = {0};
  const char *k;
  int r;
  if (!q || expect(j, '{')) goto bad;
  while ((r = next_key(j, &o, &k)) == 1) {
    int rc = !strcmp(k, "should") ? parse_list(j, column, depth, &q->should, &q->n_should)
           : !strcmp(k, "must") ? parse_list(j, column, depth, &q->must, &q->n_must)
           : !strcmp(k, "must_not") ? parse_list(j, column, depth, &q->must_not, &q->n_must_not)
           : fail(j, "unknown key \"%s\" in a boolean query", k);
    if (rc) goto bad;
  }
  if (r < 0) goto bad;
  if (!q->n_should && !q->n_must) {
    fail(j, "boolean query must have at least one should/must query");
    goto bad;
  }
  jobj_reset(&o);
  return q;
bad:
  jobj_reset(&o);
  fts_query_free(q);
  return NULL;
}

static fts_query *parse_boostq(jrd *j, const char *column, int depth) {
  fts_query *q = node_new(j, FTSQ_BOOST);
  jobj o = {0};
  const char *k;
  int r;
  if (!q || expect(j, '{')) goto bad;
  while ((r = next_key(j, &o, &k)) == 1) {
    int rc;
    if (!strcmp(k, "positive") || !strcmp(k, "negative")) {
      fts_query **slot = k[0] == 'p' ? &q->positive : &q->negative;
      rc = (*slot = parse_query(j, column, depth + 1)) ? 0 : -1;
    } else if (!strcmp(k, "negative_boost")) {
      rc = jboost(j, k, &q->negative_boost);
    } else {
      rc = fail(j, "unknown key \"%s\" in a boost query", k);
    }
    if (rc) goto bad;
  }
  if (r < 0) goto bad;
  if (!q->positive || !q->negative) {
    fail(j, "a boost query needs \"positive\" and \"negative\"");
    goto bad;
  }
  jobj_reset(&o);
  return q;
bad:
  jobj_reset(&o);
  fts_query_free(q);
  return NULL;
}

/* A JSON array of strings (columns) or of numbers (boosts). */
static int string_list(jrd *j, char ***arr, int *n) {
  if (expect(j, '[')) return -1;
  if (eat(j, ']')) return 0;
  do {
    char **a = realloc(*arr, (size_t)(*n + 1) * sizeof *a);
    if (!a) return oom(j);
    *arr = a;
    if (jstring(j, &a[*n])) return -1;
    (*n)++;
  } while (eat(j, ','));
  return expect(j, ']');
}
static int boost_list(jrd *j, double **arr, int *n) {
  if (expect(j, '[')) return -1;
  if (eat(j, ']')) return 0;
  do {
    double *a = realloc(*arr, (size_t)(*n + 1) * sizeof *a);
    if (!a) return oom(j);
    *arr = a;
    if (jboost(j, "boost", &a[*n])) return -1;
    (*n)++;
  } while (eat(j, ','));
  return expect(j, ']');
}

/* multi_match: one match query per column, kept in `should`. */
static int multi_build(jrd *j, fts_query *q, char *text, char **cols, int ncols, double *boosts,
                       int nboosts) {
  if (!text) return fail(j, "a multi_match query needs \"query\"");
  if (ncols == 0) return fail(j, "a multi_match query needs at least one column in \"columns\"");
  if (boosts && nboosts != ncols)
    return fail(j, "multi_match has %d columns but %d boosts", ncols, nboosts);
  if (!(q->should = calloc((size_t)ncols, sizeof *q->should))) return oom(j);
  for (int i = 0; i < ncols; i++) {
    fts_query *m = node_new(j, FTSQ_MATCH);
    if (!m) return -1;
    q->should[q->n_should++] = m;
    m->fuzziness = 0;
    m->boost = boosts ? boosts[i] : 1.0;
    if (!(m->terms = strdup(text)) || !(m->column = strdup(cols[i]))) return oom(j);
  }
  return 0;
}

static fts_query *parse_multi(jrd *j) {
  fts_query *q = node_new(j, FTSQ_MULTI_MATCH);
  char *text = NULL, **cols = NULL;
  const char *k;
  double *boosts = NULL;
  int ncols = 0, nboosts = 0, r, rc = -1;
  jobj o = {0};
  if (!q || expect(j, '{')) goto done;
  while ((r = next_key(j, &o, &k)) == 1) {
    int e = !strcmp(k, "query") ? jstring(j, &text)
          : !strcmp(k, "columns") ? string_list(j, &cols, &ncols)
          : !strcmp(k, "boost") ? (is_null(j) ? 0 : boost_list(j, &boosts, &nboosts))
          : fail(j, "unknown key \"%s\" in a multi_match query", k);
    if (e) goto done;
  }
  if (r == 0) rc = multi_build(j, q, text, cols, ncols, boosts, nboosts);
done:
  jobj_reset(&o);
  free(text);
  for (int i = 0; i < ncols; i++) free(cols[i]);
  free(cols);
  free(boosts);
  if (rc) { fts_query_free(q); return NULL; }
  return q;
}

/* {"<kind>": {...}}: exactly one key. */
static fts_query *parse_query(jrd *j, const char *column, int depth) {
  if (depth > FTSQ_MAX_DEPTH) { fail(j, "queries nested deeper than %d", FTSQ_MAX_DEPTH); return NULL; }
  char *k = NULL;
  if (expect(j, '{') || jstring(j, &k) || expect(j, ':')) { free(k); return NULL; }
  fts_query *q = NULL;
  if (!strcmp(k, "match")) q = parse_leaf(j, FTSQ_MATCH, column);
  else if (!strcmp(k, "phrase")) q = parse_leaf(j, FTSQ_PHRASE, column);
  else if (!strcmp(k, "boost")) q = parse_boostq(j, column, depth);
  else if (!strcmp(k, "multi_match")) q = parse_multi(j);
  else if (!strcmp(k, "boolean")) q = parse_boolean(j, column, depth);
  else fail(j, "unknown query kind \"%s\" (match, phrase, boost, multi_match, boolean)", k);
  free(k);
  if (q && expect(j, '}')) { fts_query_free(q); return NULL; }
  if (q && !j->failed) return q;
  fts_query_free(q);
  return NULL;
}

int fts_query_parse(const char *z, const char *column, fts_query **out, char *err, int errcap) {
  jrd j = {z, z, err, errcap, 0, 0};
  *out = NULL;
  if (errcap > 0) err[0] = 0;
  ws(&j);
  if (*j.p != '{') { /* plain text: a match query, OR of its terms, exact */
    fts_query *q = node_new(&j, FTSQ_MATCH);
    if (!q) return -1;
    if (!(q->terms = strdup(z)) || set_column(&j, q, column)) { fts_query_free(q); return oom(&j); }
    *out = q;
    return 0;
  }
  fts_query *q = parse_query(&j, column, 0);
  if (q) {
    ws(&j);
    if (*j.p) { fail(&j, "unexpected text after the query at offset %d", at(&j)); fts_query_free(q); q = NULL; }
  }
  *out = q;
  return q ? 0 : -1;
}

static void free_list(fts_query **a, int n) {
  for (int i = 0; i < n; i++) fts_query_free(a[i]);
  free(a);
}

void fts_query_free(fts_query *q) {
  if (!q) return;
  free(q->column);
  free(q->terms);
  fts_query_free(q->positive);
  fts_query_free(q->negative);
  free_list(q->should, q->n_should);
  free_list(q->must, q->n_must);
  free_list(q->must_not, q->n_must_not);
  free(q);
}
