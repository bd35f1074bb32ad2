/*
** schema_ddl.c: owns the schema= spelling of CREATE VIRTUAL TABLE ... USING
** lance(..., schema='...') (docs/sql.md "Creating a dataset"), turned into
** an lf_schema with field ids assigned in pre-order as LanceDB assigns them:
**
**   columns := column (',' column)*
**   column  := name type ['NOT' 'NULL']
**   name    := identifier | "quoted" | `quoted` | [quoted]
**   type    := base ('[' n ']')? ('[' ']')*
**   base    := INT8 | INT16 | INT32 | INT64 | INTEGER | BIGINT | UINT8 | UINT16
**            | UINT32 | UINT64 | BOOLEAN | BOOL | FLOAT16 | FLOAT32 | FLOAT
**            | FLOAT64 | REAL | DOUBLE | TEXT | STRING | LARGE_TEXT | BLOB
**            | LARGE_BLOB | FIXED_BLOB '(' n ')' | DATE
**            | TIMESTAMP ['(' s|ms|us|ns [',' 'zone'] ')'] | TIMESTAMPTZ (= us, 'UTC')
**            | DECIMAL '(' p ',' s ')' | STRUCT '(' columns ')'
**
** T[n] is a fixed-size list (a vector: FLOAT32[768]), T[] a list; both
** nest (TEXT[][] is a list of lists).  Keywords are case-insensitive.  The
** result is built as lance.file.Schema bytes and read back with
** lf_schema_parse_fields, so it is exactly what a manifest would give.
*/
#include "lf_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct ddl {
  const char *z, *p;
  int32_t next_id;
  int depth;            /* STRUCT nesting */
  lf_buf out;
  lf_error *err;
} ddl;

static const struct { const char *kw, *lt; } base_types[] = {
  {"INT8", "int8"}, {"INT16", "int16"}, {"INT32", "int32"}, {"INT64", "int64"},
  {"INTEGER", "int64"}, {"BIGINT", "int64"}, {"UINT8", "uint8"}, {"UINT16", "uint16"},
  {"UINT32", "uint32"}, {"UINT64", "uint64"}, {"BOOLEAN", "bool"}, {"BOOL", "bool"},
  {"FLOAT16", "halffloat"}, {"FLOAT32", "float"}, {"FLOAT", "float"},
  {"FLOAT64", "double"}, {"REAL", "double"}, {"DOUBLE", "double"}, {"TEXT", "string"},
  {"STRING", "string"}, {"LARGE_TEXT", "large_string"}, {"BLOB", "binary"},
  {"LARGE_BLOB", "large_binary"}, {"DATE", "date32:day"},
  {"TIMESTAMPTZ", "timestamp:us:UTC"},
};

static void skip_ws(ddl *d) {
  while (isspace((unsigned char)*d->p)) d->p++;
}

static int syntax(ddl *d, const char *what) {
  return lf_err(d->err, LF_ARG, "schema: %s at offset %d: '%.20s'", what, (int)(d->p - d->z),
                d->p);
}

static int accept(ddl *d, char c) {
  skip_ws(d);
  if (*d->p != c) return 0;
  d->p++;
  return 1;
}

/* A bare word (letters, digits, '_') into buf; 0 if none. */
static int word(ddl *d, char *buf, size_t cap) {
  skip_ws(d);
  size_t n = 0;
  while ((isalnum((unsigned char)d->p[n]) || d->p[n] == '_') && n + 1 < cap) n++;
  memcpy(buf, d->p, n);
  buf[n] = 0;
  d->p += n;
  return n > 0;
}

/* A quoted token ('', "", ``, []; a doubled quote escapes it) into buf. */
static int quoted(ddl *d, char *buf, size_t cap) {
  char q = *d->p == '[' ? ']' : *d->p;
  size_t n = 0;
  for (d->p++; *d->p; d->p++) {
    if (*d->p == q && d->p[1] != q) break;
    if (*d->p == q) d->p++;
    if (n + 1 >= cap) return syntax(d, "quoted name too long");
    buf[n++] = *d->p;
  }
  if (*d->p != q || n == 0) return syntax(d, "unterminated or empty quoted name");
  d->p++;
  buf[n] = 0;
  return LF_OK;
}

/* A column name, bare or quoted ("", ``, []; a doubled quote escapes it). */
static int name(ddl *d, char *buf, size_t cap) {
  skip_ws(d);
  int q = *d->p == '"' || *d->p == '`' || *d->p == '[';
  if (!q) return word(d, buf, cap) ? LF_OK : syntax(d, "expected a column name");
  return quoted(d, buf, cap);
}

static int number(ddl *d, long *out) {
  skip_ws(d);
  char *end;
  long v = strtol(d->p, &end, 10);
  if (end == d->p || v <= 0 || v > (1L << 30)) return syntax(d, "expected a positive number");
  d->p = end;
  *out = v;
  return LF_OK;
}

/* Emit one Field message (without the encoding: lf_schema_encode adds it). */
static int32_t emit(ddl *d, const char *nm, int32_t parent, const char *lt, int nullable) {
  int32_t id = d->next_id++;
  size_t m = lf_pbw_begin(&d->out);
  lf_pbw_bytes(&d->out, 2, nm, strlen(nm));
  lf_pbw_uint_nz(&d->out, 3, (uint64_t)id);
  lf_pbw_sint32(&d->out, 4, parent);
  lf_pbw_str(&d->out, 5, lt);
  lf_pbw_uint_nz(&d->out, 6, (uint64_t)nullable);
  lf_pbw_end(&d->out, 1, m);
  return id;
}

static int columns(ddl *d, int32_t parent, char close);

/* The logical type of a base type (not STRUCT) into lt. */
static int base_type(ddl *d, const char *kw, char *lt, size_t cap) {
  for (size_t i = 0; i < sizeof base_types / sizeof base_types[0]; i++)
    if (!strcasecmp(kw, base_types[i].kw)) {
      snprintf(lt, cap, "%s", base_types[i].lt);
      return LF_OK;
    }
  char unit[8] = "us", zone[64] = "-";
  if (!strcasecmp(kw, "TIMESTAMP")) {
    if (accept(d, '(')) {
      if (!word(d, unit, sizeof unit) || (strcmp(unit, "s") && strcmp(unit, "ms") &&
                                          strcmp(unit, "us") && strcmp(unit, "ns")))
        return syntax(d, "expected TIMESTAMP(s|ms|us|ns [, 'zone'])");
      if (accept(d, ',') && (skip_ws(d), *d->p != '\'' || quoted(d, zone, sizeof zone)))
        return syntax(d, "expected a quoted time zone");
      if (!accept(d, ')')) return syntax(d, "expected TIMESTAMP(s|ms|us|ns [, 'zone'])");
    }
    snprintf(lt, cap, "timestamp:%s:%s", unit, zone);
    return LF_OK;
  }
  long p, s = 0;
  if (!strcasecmp(kw, "FIXED_BLOB")) {
    if (!accept(d, '(') || number(d, &p) || !accept(d, ')')) return syntax(d, "expected FIXED_BLOB(n)");
    snprintf(lt, cap, "fixed_size_binary:%ld", p);
    return LF_OK;
  }
  if (!strcasecmp(kw, "DECIMAL")) {
    if (!accept(d, '(') || number(d, &p) || !accept(d, ',')) return syntax(d, "expected DECIMAL(p, s)");
    skip_ws(d);
    if (*d->p == '0') d->p++;
    else if (number(d, &s)) return LF_ARG;
    if (!accept(d, ')') || p > 38 || s > p) return syntax(d, "expected DECIMAL(p, s), p <= 38");
    snprintf(lt, cap, "decimal:128:%ld:%ld", p, s);
    return LF_OK;
  }
  return lf_err(d->err, LF_ARG,
                "schema: unknown type '%s' (expected INT8..INT64, UINT8..UINT64, BOOLEAN, "
                "FLOAT16, FLOAT32, FLOAT64, TEXT, BLOB, FIXED_BLOB(n), DATE, TIMESTAMP, DECIMAL(p,s), "
                "STRUCT(...), T[n] or T[])", kw);
}

/* Suffixes of a type: [n] once (on a base type), then [] any number of times. */
typedef struct suffixes {
  long fixed;       /* 0: none */
  int lists;
} suffixes;

static int type_suffixes(ddl *d, int is_struct, suffixes *sx) {
  sx->fixed = 0;
  sx->lists = 0;
  while (accept(d, '[')) {
    if (accept(d, ']')) {
      sx->lists++;
      continue;
    }
    if (sx->lists || sx->fixed || is_struct) return syntax(d, "a fixed size [n] goes right after a base type");
    int rc = number(d, &sx->fixed);
    if (rc) return rc;
    if (!accept(d, ']')) return syntax(d, "expected [n] or []");
  }
  return LF_OK;
}

/* One column: name, type, NOT NULL. */
static int column(ddl *d, int32_t parent) {
  char nm[256], kw[32], lt[128];
  int rc = name(d, nm, sizeof nm);
  if (rc) return rc;
  if (!word(d, kw, sizeof kw)) return syntax(d, "expected a type");
  int is_struct = !strcasecmp(kw, "STRUCT");
  const char *struct_start = NULL;
  if (is_struct) {
    if (!accept(d, '(')) return syntax(d, "expected STRUCT(");
    struct_start = d->p;
    int depth = 1; /* find the matching ')' now; children are emitted later */
    for (; *d->p && depth; d->p++) depth += *d->p == '(' ? 1 : *d->p == ')' ? -1 : 0;
    if (depth) return syntax(d, "unbalanced parentheses in STRUCT(...)");
  } else if ((rc = base_type(d, kw, lt, sizeof lt))) {
    return rc;
  }
  suffixes sx;
  if ((rc = type_suffixes(d, is_struct, &sx))) return rc;
  char not_[8], null_[8];
  const char *save = d->p;
  int nullable = 1;
  if (word(d, not_, sizeof not_) && !strcasecmp(not_, "NOT")) {
    if (!word(d, null_, sizeof null_) || strcasecmp(null_, "NULL")) return syntax(d, "expected NOT NULL");
    nullable = 0;
  } else {
    d->p = save;
  }
  const char *after = d->p;
  if (sx.fixed) {
    char fl[sizeof lt];
    if (snprintf(fl, sizeof fl, "fixed_size_list:%.80s:%ld", lt, sx.fixed) >= (int)sizeof fl)
      return syntax(d, "type too long");
    memcpy(lt, fl, sizeof lt);
  }
  int32_t id = -1;
  const char *item = nm;
  for (int i = 0; i < sx.lists; i++, item = "item") {
    id = emit(d, item, id < 0 ? parent : id, "list", i ? 1 : nullable);
  }
  int32_t up = sx.lists ? id : parent;
  int nl = sx.lists ? 1 : nullable;
  if (!is_struct) {
    emit(d, item, up, lt, nl);
    return d->out.rc ? lf_err(d->err, LF_NOMEM, "out of memory") : LF_OK;
  }
  int32_t sid = emit(d, item, up, "struct", nl);
  d->p = struct_start;
  if (++d->depth > 32) return syntax(d, "STRUCT nested deeper than 32");
  if ((rc = columns(d, sid, ')'))) return rc;
  d->depth--;
  d->p = after;
  return LF_OK;
}

static int columns(ddl *d, int32_t parent, char close) {
  do {
    int rc = column(d, parent);
    if (rc) return rc;
  } while (accept(d, ','));
  skip_ws(d);
  if (close ? !accept(d, close) : *d->p != 0) return syntax(d, close ? "expected ',' or ')'" : "expected ','");
  return LF_OK;
}

/* Two fields with one name under one parent. */
static int check_names(const lf_schema *s, lf_error *err) {
  for (int i = 0; i < s->n_all; i++)
    for (int j = i + 1; j < s->n_all; j++)
      if (s->all[i]->parent_id == s->all[j]->parent_id && s->all[i]->id >= 0 &&
          s->all[j]->id >= 0 && !strcasecmp(s->all[i]->name, s->all[j]->name))
        return lf_err(err, LF_ARG, "schema: duplicate column name '%s'", s->all[j]->name);
  return LF_OK;
}

int lf_schema_from_ddl(const char *z, lf_schema *out, lf_error *err) {
  memset(out, 0, sizeof *out);
  ddl d = {z, z, 0, 0, {0}, err};
  int rc = columns(&d, -1, 0);
  if (!rc && d.out.rc) rc = lf_err(err, LF_NOMEM, "out of memory");
  if (!rc) rc = lf_schema_parse_fields(out, d.out.p, d.out.len, err);
  if (!rc) rc = check_names(out, err);
  if (rc) lf_schema_reset(out);
  lf_buf_reset(&d.out);
  return rc;
}

/* key = val (copied) appended to the metadata array *m of *n entries. */
static int kv_append(lf_kv **m, int *n, const char *key, const char *val) {
  lf_kv *g = realloc(*m, ((size_t)*n + 1) * sizeof *g);
  if (!g) return -1;
  *m = g;
  lf_kv *kv = &g[*n];
  kv->key = lf_strndup(key, strlen(key));
  kv->len = strlen(val);
  kv->val = (uint8_t *)lf_strndup(val, kv->len);
  if (!kv->key || !kv->val) {
    free(kv->key);
    free(kv->val);
    return -1;
  }
  (*n)++;
  return 0;
}

int lf_schema_add_meta(lf_schema *sc, const char *key, const char *val) {
  return kv_append(&sc->meta, &sc->n_meta, key, val);
}

int lf_field_add_meta(lf_field *f, const char *key, const char *val) {
  return kv_append(&f->meta, &f->n_meta, key, val);
}
