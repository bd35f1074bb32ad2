/*
** matview_sql.c: owns reading a materialized view's SQL (plain C, no SQLite
** calls, so unit tests call it directly).  A view that refreshes
** incrementally is one SELECT over one table:
**
**   SELECT <columns> FROM <table> [[AS] <alias>] [WHERE <condition>] [;]
**
** with balanced parentheses (the condition is wrapped in them when the
** refresh adds its row restriction).
** Outside parentheses, string literals, quoted names and comments, the
** words DISTINCT (after SELECT), JOIN, GROUP, HAVING, ORDER, LIMIT, UNION,
** INTERSECT, EXCEPT and WINDOW, a leading WITH or VALUES, a comma or '('
** after FROM and a second statement are refused: their results depend on
** rows other than the row itself, so a refresh could not work one row at
** a time.  (Aggregate and window functions in the columns, and other tables
** read by subqueries, are caught by ext/vtab/matview.c from the statement's
** EXPLAIN.)
*/
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vtab/matview.h"

typedef struct tok {
  const char *z;     /* start */
  size_t n;          /* length */
  int depth;         /* parentheses around it */
} tok;

/* The next token at *pz (skipping spaces and comments), 0 at the end. */
static int next_tok(const char **pz, int *depth, tok *t) {
  const char *z = *pz;
  for (;;) {
    while (isspace((unsigned char)*z)) z++;
    if (z[0] == '-' && z[1] == '-') { while (*z && *z != '\n') z++; continue; }
    if (z[0] == '/' && z[1] == '*') {
      const char *e = strstr(z + 2, "*/");
      z = e ? e + 2 : z + strlen(z);
      continue;
    }
    break;
  }
  if (!*z) return 0;
  t->z = z;
  t->depth = *depth;
  if (*z == '\'' || *z == '"' || *z == '`' || *z == '[') {
    char close = *z == '[' ? ']' : *z;
    for (z++; *z; z++)
      if (*z == close) {
        if (close != ']' && z[1] == close) { z++; continue; }
        z++;
        break;
      }
  } else if (isalnum((unsigned char)*z) || *z == '_' || (unsigned char)*z >= 0x80) {
    while (isalnum((unsigned char)*z) || *z == '_' || *z == '$' || (unsigned char)*z >= 0x80) z++;
  } else {
    if (*depth >= 0 && *z == '(') (*depth)++;
    if (*depth >= 0 && *z == ')') (*depth)--; /* below 0 (sticky): refused at the end */
    z++;
  }
  t->n = (size_t)(z - t->z);
  *pz = z;
  return 1;
}

static int is_word(const tok *t, const char *w) {
  return t->n == strlen(w) && !strncasecmp(t->z, w, t->n);
}

static int bad(char *zErr, size_t nErr, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(zErr, nErr, fmt, ap);
  va_end(ap);
  return VIEW_SQL_BAD;
}

/* A name token without its quotes ("a""b" -> a"b), malloc'd. */
static char *unquote(const tok *t) {
  char *o = malloc(t->n + 1), *q = o;
  if (!o) return NULL;
  const char *z = t->z, *e = t->z + t->n;
  if (*z == '"' || *z == '`' || *z == '[') {
    char close = *z == '[' ? ']' : *z;
    for (z++, e--; z < e; z++) {
      *q++ = *z;
      if (*z == close && close != ']' && z + 1 < e && z[1] == close) z++;
    }
  } else {
    memcpy(o, z, t->n);
    q += t->n;
  }
  *q = 0;
  return o;
}

static char *dup_range(const char *a, const char *b) {
  while (a < b && isspace((unsigned char)*a)) a++;
  while (b > a && isspace((unsigned char)b[-1])) b--;
  char *o = malloc((size_t)(b - a) + 1);
  if (!o) return NULL;
  memcpy(o, a, (size_t)(b - a));
  o[b - a] = 0;
  return o;
}

static const char *const refused[] = {"JOIN", "GROUP", "HAVING", "ORDER", "LIMIT", "UNION",
                                      "INTERSECT", "EXCEPT", "WINDOW", "VALUES", "WITH"};

/* The refused word t is, or NULL. */
static const char *refused_word(const tok *t) {
  for (size_t i = 0; t->depth == 0 && i < sizeof refused / sizeof *refused; i++)
    if (is_word(t, refused[i])) return refused[i];
  return NULL;
}

/* The table reference after FROM: [schema .] name [[AS] alias]. */
static int table_ref(view_sql *v, const char **pz, int *depth, tok *t, char *zErr, size_t nErr) {
  tok a, b;
  if (!next_tok(pz, depth, &a) || a.n == 0 || *a.z == '(' || *a.z == '\'' || *a.z == ',')
    return bad(zErr, nErr, "FROM must name the source table");
  const char *save = *pz;
  int sd = *depth;
  if (next_tok(pz, depth, &b) && b.n == 1 && *b.z == '.') {
    if (!next_tok(pz, depth, &b)) return bad(zErr, nErr, "FROM must name the source table");
    if (!(v->schema = unquote(&a))) return VIEW_SQL_NOMEM;
    a = b;
  } else {
    *pz = save, *depth = sd;
  }
  if (!(v->table = unquote(&a))) return VIEW_SQL_NOMEM;
  save = *pz, sd = *depth;
  if (!next_tok(pz, depth, t)) return 0;
  if (is_word(t, "AS") && !next_tok(pz, depth, t))
    return bad(zErr, nErr, "AS must be followed by an alias");
  if (is_word(t, "WHERE") || (t->n == 1 && *t->z == ';')) {
    *pz = save, *depth = sd;
    return next_tok(pz, depth, t) ? 1 : 0;
  }
  if (*t->z == ',' || *t->z == '(') return bad(zErr, nErr, "a view reads one table (no joins)");
  if (refused_word(t)) return 1;
  if (!(v->alias = unquote(t))) return VIEW_SQL_NOMEM;
  return next_tok(pz, depth, t) ? 1 : 0;
}

/* The rest after the table: [WHERE cond] [;]. */
static int where_part(view_sql *v, const char **pz, int *depth, tok *t, int more, char *zErr,
                      size_t nErr) {
  if (!more) return VIEW_SQL_OK;
  if (refused_word(t))
    return bad(zErr, nErr, "%s is not allowed in a materialized view", refused_word(t));
  if (!is_word(t, "WHERE") && !(t->n == 1 && *t->z == ';'))
    return bad(zErr, nErr, "unexpected '%.*s' after the table (a view reads one table)",
                 (int)t->n, t->z);
  const char *start = is_word(t, "WHERE") ? t->z + t->n : NULL, *end = *pz;
  while (start && next_tok(pz, depth, t)) {
    if (t->depth == 0 && t->n == 1 && *t->z == ';') { end = t->z; break; }
    if (refused_word(t))
      return bad(zErr, nErr, "%s is not allowed in a materialized view", refused_word(t));
    end = *pz;
  }
  if (start && !(v->where = dup_range(start, end))) return VIEW_SQL_NOMEM;
  if (next_tok(pz, depth, t)) return bad(zErr, nErr, "the view's SQL must be one statement");
  return VIEW_SQL_OK;
}

int view_sql_parse(const char *z, view_sql *v, char *zErr, size_t nErr) {
  memset(v, 0, sizeof *v);
  int depth = 0, rc;
  tok t;
  if (!next_tok(&z, &depth, &t) || !is_word(&t, "SELECT")) {
    rc = bad(zErr, nErr, "the view's SQL must be a SELECT");
    goto fail;
  }
  const char *cols = z;
  if (next_tok(&z, &depth, &t) && (is_word(&t, "DISTINCT") || is_word(&t, "ALL"))) {
    rc = bad(zErr, nErr, "%s is not allowed in a materialized view",
             is_word(&t, "ALL") ? "ALL" : "DISTINCT");
    goto fail;
  }
  z = cols, depth = 0;
  const char *cols_end = NULL;
  while (next_tok(&z, &depth, &t)) {
    if (refused_word(&t)) {
      rc = bad(zErr, nErr, "%s is not allowed in a materialized view", refused_word(&t));
      goto fail;
    }
    if (t.depth == 0 && is_word(&t, "FROM")) { cols_end = t.z; break; }
  }
  if (!cols_end) { rc = bad(zErr, nErr, "the view's SQL has no FROM"); goto fail; }
  if (!(v->cols = dup_range(cols, cols_end))) { rc = VIEW_SQL_NOMEM; goto fail; }
  rc = table_ref(v, &z, &depth, &t, zErr, nErr);
  if (rc == VIEW_SQL_BAD || rc == VIEW_SQL_NOMEM) goto fail;
  if ((rc = where_part(v, &z, &depth, &t, rc == 1, zErr, nErr))) goto fail;
  if (depth != 0) {
    rc = bad(zErr, nErr, "the view's SQL has unbalanced parentheses");
    goto fail;
  }
  return VIEW_SQL_OK;
fail:
  view_sql_reset(v);
  return rc;
}

void view_sql_reset(view_sql *v) {
  free(v->cols);
  free(v->schema);
  free(v->table);
  free(v->alias);
  free(v->where);
  memset(v, 0, sizeof *v);
}
