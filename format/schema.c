/*
** schema.c: owns Lance schemas: parsing the lance.file.Schema / Field
** protobuf messages (file.proto) into an lf_field tree, logical type strings
** ("int64", "timestamp:us:UTC", "fixed_size_list:float:128",
** "dict:string:int32:false", "list.struct", ...), and type helpers.
**
** Field message: 1 type (PARENT=0 REPEATED=1 LEAF=2), 2 name, 3 id,
** 4 parent_id, 5 logical_type, 6 nullable, 10 metadata map<string,bytes>
** (entries: 1 key, 2 value), 9 extension_name (deprecated); legacy (v1)
** files also use 7 encoding (enum) and 8 dictionary {1 offset, 2 length}.
** Schema message: 1 repeated Field, 5 metadata map.
*/
#include "lf_int.h"

#include <stdlib.h>
#include <string.h>

static const struct { const char *name; lf_type t; } simple_types[] = {
  {"null", LF_T_NULL}, {"bool", LF_T_BOOL}, {"int8", LF_T_INT8}, {"uint8", LF_T_UINT8},
  {"int16", LF_T_INT16}, {"uint16", LF_T_UINT16}, {"int32", LF_T_INT32},
  {"uint32", LF_T_UINT32}, {"int64", LF_T_INT64}, {"uint64", LF_T_UINT64},
  {"halffloat", LF_T_FLOAT16}, {"float", LF_T_FLOAT32}, {"double", LF_T_FLOAT64},
  {"string", LF_T_UTF8}, {"large_string", LF_T_LARGE_UTF8}, {"binary", LF_T_BINARY},
  {"large_binary", LF_T_LARGE_BINARY}, {"json", LF_T_LARGE_BINARY},
  {"date32:day", LF_T_DATE32}, {"date64:ms", LF_T_DATE64}, {"struct", LF_T_STRUCT},
  {"list", LF_T_LIST}, {"list.struct", LF_T_LIST}, {"large_list", LF_T_LARGE_LIST},
  {"large_list.struct", LF_T_LARGE_LIST}, {"lance.bfloat16", LF_T_BFLOAT16},
};

const char *lf_type_name(lf_type t) {
  static const char *names[] = {
    "null", "bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64",
    "uint64", "float16", "float32", "float64", "decimal128", "decimal256", "utf8",
    "large_utf8", "binary", "large_binary", "fixed_size_binary", "date32", "date64",
    "time32", "time64", "timestamp", "duration", "struct", "list", "large_list",
    "fixed_size_list", "bfloat16"};
  return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

int lf_type_is_varwidth(lf_type t) {
  return t == LF_T_UTF8 || t == LF_T_LARGE_UTF8 || t == LF_T_BINARY || t == LF_T_LARGE_BINARY;
}

int lf_type_width(const lf_field *f) {
  switch (f->type) {
    case LF_T_BOOL: case LF_T_INT8: case LF_T_UINT8: return 1;
    case LF_T_INT16: case LF_T_UINT16: case LF_T_FLOAT16: case LF_T_BFLOAT16: return 2;
    case LF_T_INT32: case LF_T_UINT32: case LF_T_FLOAT32: case LF_T_DATE32: case LF_T_TIME32:
      return 4;
    case LF_T_INT64: case LF_T_UINT64: case LF_T_FLOAT64: case LF_T_DATE64: case LF_T_TIME64:
    case LF_T_TIMESTAMP: case LF_T_DURATION:
      return 8;
    case LF_T_DECIMAL128: return 16;
    case LF_T_DECIMAL256: return 32;
    case LF_T_FIXED_BINARY: return (int)f->fixed_size;
    default: return 0;
  }
}

const char *lf_field_meta(const lf_field *f, const char *key, size_t *len) {
  for (int i = 0; i < f->n_meta; i++)
    if (strcmp(f->meta[i].key, key) == 0) {
      if (len) *len = f->meta[i].len;
      return (const char *)f->meta[i].val;
    }
  return NULL;
}

static int parse_unit(const char *s, int *unit) {
  if (!strcmp(s, "s")) *unit = LF_UNIT_S;
  else if (!strcmp(s, "ms")) *unit = LF_UNIT_MS;
  else if (!strcmp(s, "us")) *unit = LF_UNIT_US;
  else if (!strcmp(s, "ns")) *unit = LF_UNIT_NS;
  else return -1;
  return 0;
}

/* Parse a leaf type name without the structural prefixes; fills f->type and
** parameters.  Returns 0 or -1 when unknown. */
static int parse_type(lf_field *f, const char *lt) {
  for (size_t i = 0; i < sizeof simple_types / sizeof simple_types[0]; i++)
    if (!strcmp(lt, simple_types[i].name)) {
      f->type = simple_types[i].t;
      return 0;
    }
  char buf[256];
  if (strlen(lt) >= sizeof buf) return -1;
  strcpy(buf, lt);
  char *parts[8];
  int np = 0;
  for (char *s = buf; np < 8;) {
    parts[np++] = s;
    char *c = strchr(s, ':');
    if (!c) break;
    *c = 0;
    s = c + 1;
  }
  if (!strcmp(parts[0], "timestamp") && np >= 2) {
    f->type = LF_T_TIMESTAMP;
    if (parse_unit(parts[1], &f->unit)) return -1;
    /* the zone may itself contain ':' ("+05:30"): take the rest of lt */
    const char *tz = strchr(strchr(lt, ':') + 1, ':');
    if (tz && strcmp(tz + 1, "-") != 0) f->tz = strdup(tz + 1);
    return 0;
  }
  if ((!strcmp(parts[0], "time32") || !strcmp(parts[0], "time64") ||
       !strcmp(parts[0], "duration")) && np == 2) {
    f->type = parts[0][0] == 'd' ? LF_T_DURATION
              : parts[0][4] == '3' ? LF_T_TIME32 : LF_T_TIME64;
    return parse_unit(parts[1], &f->unit);
  }
  if (!strcmp(parts[0], "decimal") && np == 4) {
    f->type = !strcmp(parts[1], "128") ? LF_T_DECIMAL128
              : !strcmp(parts[1], "256") ? LF_T_DECIMAL256 : LF_T_NULL;
    f->precision = atoi(parts[2]);
    f->scale = atoi(parts[3]);
    return f->type == LF_T_NULL ? -1 : 0;
  }
  if (!strcmp(parts[0], "fixed_size_binary") && np == 2) {
    f->type = LF_T_FIXED_BINARY;
    f->fixed_size = atoll(parts[1]);
    return f->fixed_size > 0 ? 0 : -1;
  }
  if (!strcmp(parts[0], "dict") && np >= 4) {
    /* dict:<value type>:<index type>:<ordered>; value type has no ':' */
    lf_field ix = {0};
    if (parse_type(&ix, parts[2]) || ix.is_dict || ix.type < LF_T_INT8 || ix.type > LF_T_UINT64)
      return -1;
    f->is_dict = 1;
    f->index_type = ix.type;
    return parse_type(f, parts[1]);
  }
  return -1;
}

static void field_free(lf_field *f) {
  if (!f) return;
  if (f->desc) {
    for (int i = 0; i < f->desc->n_children; i++) field_free(f->desc->children[i]);
    field_free(f->desc);
  }
  free(f->name);
  free(f->logical_type);
  free(f->tz);
  lf_kv_free(f->meta, f->n_meta);
  free(f->children);
  free(f);
}

void lf_schema_reset(lf_schema *s) {
  for (int i = 0; i < s->n_all; i++) field_free(s->all[i]);
  free(s->all);
  free(s->fields);
  lf_kv_free(s->meta, s->n_meta);
  memset(s, 0, sizeof *s);
}

void lf_kv_free(lf_kv *a, int n) {
  for (int i = 0; i < n; i++) {
    free(a[i].key);
    free(a[i].val);
  }
  free(a);
}

/* map<string, bytes> entry: 1 key, 2 value */
int lf_parse_kv(const uint8_t *d, size_t n, lf_kv **arr, int *cnt, lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  lf_pb_init(&pb, d, n);
  const uint8_t *k = NULL, *v = NULL;
  size_t kl = 0, vl = 0;
  int r;
  while ((r = lf_pb_next(&pb, &f, "metadata entry", err)) > 0) {
    if (f.wire != 2) continue;
    if (f.num == 1) k = f.data, kl = f.len;
    if (f.num == 2) v = f.data, vl = f.len;
  }
  if (r < 0) return LF_CORRUPT;
  lf_kv *na = realloc(*arr, (size_t)(*cnt + 1) * sizeof *na);
  if (!na) return lf_err(err, LF_NOMEM, "out of memory");
  *arr = na;
  lf_kv *e = &na[*cnt];
  e->key = lf_strndup((const char *)(k ? k : (const uint8_t *)""), kl);
  e->val = malloc(vl + 1);
  if (!e->key || !e->val) {
    free(e->key);
    free(e->val);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  if (vl) memcpy(e->val, v, vl);
  e->val[vl] = 0;
  e->len = vl;
  (*cnt)++;
  return LF_OK;
}

/* Dictionary {1 offset, 2 length} (int64 each). */
static int parse_dictionary(const uint8_t *d, size_t n, lf_field *fl, lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  lf_pb_init(&pb, d, n);
  int r;
  while ((r = lf_pb_next(&pb, &f, "field dictionary", err)) > 0) {
    if (f.num == 1 && f.wire == 0) fl->dict_offset = (int64_t)f.u;
    if (f.num == 2 && f.wire == 0) fl->dict_length = (int64_t)f.u;
  }
  return r < 0 ? LF_CORRUPT : LF_OK;
}

static int parse_field_msg(const uint8_t *d, size_t n, lf_field *fl, lf_error *err) {
  lf_pb pb;
  lf_pb_field f;
  lf_pb_init(&pb, d, n);
  int r;
  while ((r = lf_pb_next(&pb, &f, "schema field", err)) > 0) {
    if (f.num == 2 && f.wire == 2) {
      free(fl->name);
      if (!(fl->name = lf_strndup((const char *)f.data, f.len))) goto nomem;
    } else if (f.num == 3 && f.wire == 0) {
      fl->id = (int32_t)f.u;
    } else if (f.num == 4 && f.wire == 0) {
      fl->parent_id = (int32_t)f.u;
    } else if (f.num == 5 && f.wire == 2) {
      free(fl->logical_type);
      if (!(fl->logical_type = lf_strndup((const char *)f.data, f.len))) goto nomem;
    } else if (f.num == 6 && f.wire == 0) {
      fl->nullable = f.u != 0;
    } else if (f.num == 10 && f.wire == 2) {
      int rc = lf_parse_kv(f.data, f.len, &fl->meta, &fl->n_meta, err);
      if (rc) return rc;
    } else if (f.num == 7 && f.wire == 0) {
      fl->encoding = f.u > 4 ? -1 : (int)f.u;
    } else if (f.num == 8 && f.wire == 2) {
      int rc = parse_dictionary(f.data, f.len, fl, err);
      if (rc) return rc;
    }
  }
  if (r < 0) return LF_CORRUPT;
  if (!fl->name && !(fl->name = lf_strndup("", 0))) goto nomem;
  if (!fl->logical_type)
    return lf_err(err, LF_CORRUPT, "schema field '%s' (id %d) has no logical type", fl->name,
                  fl->id);
  return LF_OK;
nomem:
  return lf_err(err, LF_NOMEM, "out of memory");
}

static int add_child(lf_field *p, lf_field *c, lf_error *err) {
  lf_field **nc = realloc(p->children, (size_t)(p->n_children + 1) * sizeof *nc);
  if (!nc) return lf_err(err, LF_NOMEM, "out of memory");
  p->children = nc;
  nc[p->n_children++] = c;
  c->parent = p;
  return LF_OK;
}

static int push_field(lf_schema *s, lf_field *fl, lf_error *err) {
  lf_field **na = realloc(s->all, (size_t)(s->n_all + 1) * sizeof *na);
  if (!na) return lf_err(err, LF_NOMEM, "out of memory");
  s->all = na;
  na[s->n_all++] = fl;
  return LF_OK;
}

/* Resolve the logical type of fl; fixed_size_list:<inner>:<n> gets a
** synthesized child. */
static int resolve_type(lf_schema *s, lf_field *fl, lf_error *err) {
  const char *lt = fl->logical_type;
  if (!strncmp(lt, "fixed_size_list:", 16)) {
    const char *last = strrchr(lt, ':');
    fl->type = LF_T_FIXED_LIST;
    fl->fixed_size = last > lt + 16 ? atoll(last + 1) : 0;
    if (fl->fixed_size <= 0)
      return lf_err(err, LF_CORRUPT, "field '%s': bad fixed_size_list size in '%s'", fl->name, lt);
    lf_field *c = calloc(1, sizeof *c);
    if (!c) return lf_err(err, LF_NOMEM, "out of memory");
    c->id = -1;
    c->parent_id = fl->id;
    c->nullable = 1;
    c->name = lf_strndup("item", 4);
    c->logical_type = lf_strndup(lt + 16, (size_t)(last - (lt + 16)));
    int rc = (!c->name || !c->logical_type) ? lf_err(err, LF_NOMEM, "out of memory")
                                            : push_field(s, c, err);
    if (rc) {
      field_free(c);
      return rc;
    }
    if ((rc = add_child(fl, c, err))) return rc;
    return resolve_type(s, c, err);
  }
  if (parse_type(fl, lt))
    return lf_err(err, LF_UNSUPPORTED, "field '%s': unsupported logical type '%s'", fl->name, lt);
  return LF_OK;
}

static int meta_is(const lf_field *fl, const char *key, const char *val) {
  size_t n;
  const char *v = lf_field_meta(fl, key, &n);
  return v && n == strlen(val) && !memcmp(v, val, n);
}

/* LanceDB writes a bfloat16 scalar as fixed_size_binary:2 with the Arrow
** extension name in the field metadata (inside vectors the item's logical
** type itself is "lance.bfloat16"). */
static void mark_bf16(lf_field *fl) {
  if (fl->type == LF_T_FIXED_BINARY && fl->fixed_size == 2 &&
      meta_is(fl, "ARROW:extension:name", "lance.bfloat16"))
    fl->type = LF_T_BFLOAT16;
}

static void mark_blob(lf_field *fl) {
  if (meta_is(fl, "lance-encoding:blob", "true")) fl->is_blob = 1;
  if (meta_is(fl, "ARROW:extension:name", "lance.blob.v2")) fl->is_blob = 2;
  if (meta_is(fl, "lance-encoding:packed", "true") && !strcmp(fl->logical_type, "struct"))
    fl->is_packed = 1;
}

static lf_field *synth_field(const char *name, const char *lt, lf_type t) {
  lf_field *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->id = -1;
  c->type = t;
  c->name = lf_strndup(name, strlen(name));
  c->logical_type = lf_strndup(lt, strlen(lt));
  if (!c->name || !c->logical_type) {
    field_free(c);
    return NULL;
  }
  return c;
}

/* Blob columns store a descriptor per row, and that struct is what their
** pages decode to: legacy blobs (binary with lance-encoding:blob) a
** {position: uint64, size: uint64}; blob v2 (lance.blob.v2, logically
** struct<data, uri>) a {kind: uint8, position: uint64, size: uint64,
** blob_id: uint32, blob_uri: utf8}.  Data files of blob v2 columns already
** list the descriptor as the struct's children: those need none. */
static const struct { const char *name, *lt; lf_type t; } blob_desc_v1[] = {
  {"position", "uint64", LF_T_UINT64}, {"size", "uint64", LF_T_UINT64}};
static const struct { const char *name, *lt; lf_type t; } blob_desc_v2[] = {
  {"kind", "uint8", LF_T_UINT8}, {"position", "uint64", LF_T_UINT64},
  {"size", "uint64", LF_T_UINT64}, {"blob_id", "uint32", LF_T_UINT32},
  {"blob_uri", "string", LF_T_UTF8}};

static int make_blob_desc(lf_field *fl, lf_error *err) {
  if (!fl->is_blob) return LF_OK;
  int v2 = fl->type == LF_T_STRUCT;
  if (v2 && fl->n_children == 5 && !strcmp(fl->children[0]->name, "kind")) return LF_OK;
  int n = v2 ? 5 : 2;
  lf_field *d = synth_field(fl->name, "struct", LF_T_STRUCT);
  lf_field **ch = calloc((size_t)n, sizeof *ch);
  if (!d || !ch) {
    field_free(d), free(ch);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  d->children = ch;
  fl->desc = d; /* freed with fl, children included */
  for (int i = 0; i < n; i++) {
    ch[i] = v2 ? synth_field(blob_desc_v2[i].name, blob_desc_v2[i].lt, blob_desc_v2[i].t)
               : synth_field(blob_desc_v1[i].name, blob_desc_v1[i].lt, blob_desc_v1[i].t);
    if (!ch[i]) return lf_err(err, LF_NOMEM, "out of memory");
    ch[i]->parent = d;
    ch[i]->nullable = 1;
    d->n_children = i + 1;
  }
  d->id = fl->id; /* the same field, seen as stored */
  d->nullable = fl->nullable;
  d->is_blob = fl->is_blob;
  return LF_OK;
}

static int link_tree(lf_schema *s, int n_parsed, lf_error *err) {
  for (int i = 0; i < n_parsed; i++) {
    lf_field *fl = s->all[i];
    if (fl->parent_id < 0 && fl->id != -1) {
      lf_field **nf = realloc(s->fields, (size_t)(s->n_fields + 1) * sizeof *nf);
      if (!nf) return lf_err(err, LF_NOMEM, "out of memory");
      s->fields = nf;
      nf[s->n_fields++] = fl;
      continue;
    }
    lf_field *p = NULL;
    if (fl->id == -1 && fl->parent_id == -1) {
      /* Data files of packed blob v2 structs list the descriptor fields with
      ** no ids right after the struct: they are its children. */
      for (int j = i - 1; j >= 0 && !p; j--)
        if (!strcmp(s->all[j]->logical_type, "struct") && s->all[j]->id != -1) p = s->all[j];
      if (!p)
        return lf_err(err, LF_CORRUPT, "field '%s' has no id and follows no struct", fl->name);
    }
    for (int j = 0; j < i && fl->id != -1; j++)
      if (s->all[j]->id == fl->parent_id) p = s->all[j];
    if (!p)
      return lf_err(err, LF_CORRUPT, "field '%s' (id %d): parent id %d not found before it",
                    fl->name, fl->id, fl->parent_id);
    int rc = add_child(p, fl, err);
    if (rc) return rc;
  }
  return LF_OK;
}

/* Rebuild s->all in pre-order (synthesized children after their parent). */
static int reorder_preorder(lf_schema *s, lf_error *err) {
  lf_field **order = malloc((size_t)s->n_all * sizeof *order);
  lf_field **stack = malloc((size_t)s->n_all * sizeof *stack);
  if (!order || !stack) {
    free(order);
    free(stack);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  int no = 0, ns = 0;
  for (int i = s->n_fields - 1; i >= 0; i--) stack[ns++] = s->fields[i];
  while (ns > 0 && no < s->n_all) {
    lf_field *f = stack[--ns];
    order[no++] = f;
    for (int i = f->n_children - 1; i >= 0 && ns < s->n_all; i--) stack[ns++] = f->children[i];
  }
  free(stack);
  if (no != s->n_all) {
    free(order);
    return lf_err(err, LF_CORRUPT, "schema fields do not form a tree");
  }
  free(s->all);
  s->all = order;
  return LF_OK;
}

int lf_schema_parse_fields(lf_schema *s, const uint8_t *d, size_t n, lf_error *err) {
  if (s->n_all || s->n_fields) return lf_err(err, LF_CORRUPT, "schema given twice");
  lf_pb pb;
  lf_pb_field f;
  lf_pb_init(&pb, d, n);
  int r, rc;
  while ((r = lf_pb_next(&pb, &f, "schema", err)) > 0) {
    if (f.num == 1 && f.wire == 2) {
      lf_field *fl = calloc(1, sizeof *fl);
      if (!fl) return lf_err(err, LF_NOMEM, "out of memory");
      fl->parent_id = 0; /* proto3 omits 0: a child of field 0 has no parent_id */
      if ((rc = push_field(s, fl, err))) {
        field_free(fl);
        return rc;
      }
      if ((rc = parse_field_msg(f.data, f.len, fl, err))) return rc;
    } else if (f.num == 5 && f.wire == 2) {
      if ((rc = lf_parse_kv(f.data, f.len, &s->meta, &s->n_meta, err))) return rc;
    }
  }
  if (r < 0) return LF_CORRUPT;
  int n_parsed = s->n_all;
  if ((rc = link_tree(s, n_parsed, err))) return rc;
  for (int i = 0; i < n_parsed; i++) {
    mark_blob(s->all[i]);
    if ((rc = resolve_type(s, s->all[i], err))) return rc;
    mark_bf16(s->all[i]);
    if ((rc = make_blob_desc(s->all[i], err))) return rc;
  }
  for (int i = 0; i < n_parsed; i++) {
    lf_field *fl = s->all[i];
    int want = fl->type == LF_T_LIST || fl->type == LF_T_LARGE_LIST;
    if (want && fl->n_children != 1)
      return lf_err(err, LF_CORRUPT, "list field '%s' has %d children", fl->name, fl->n_children);
    if (fl->type != LF_T_STRUCT && !want && fl->type != LF_T_FIXED_LIST && fl->n_children)
      return lf_err(err, LF_CORRUPT, "field '%s' of type %s has children", fl->name,
                    fl->logical_type);
  }
  return reorder_preorder(s, err);
}

char *lf_strndup(const char *s, size_t n) {
  char *r = malloc(n + 1);
  if (!r) return NULL;
  memcpy(r, s, n);
  r[n] = 0;
  return r;
}
