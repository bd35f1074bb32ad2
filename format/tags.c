/*
** tags.c: owns tags, _refs/tags/<name>.json, each naming one version:
**   {"branch":null,"version":4,"createdAt":"2026-...Z","updatedAt":"...",
**    "manifestSize":540,"metadata":{}}
** (as LanceDB 0.39 writes them, pretty-printed).  Only "version" (an
** unsigned integer, required) and "branch" (null or a string) are read;
** every other member is skipped.  The JSON reader below accepts exactly one
** object, nests at most 32 levels, and never reads past the buffer.
*/
#include "lf_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 32

typedef struct json {
  const uint8_t *p, *end;
} json;

static void ws(json *j) {
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
    j->p++;
}

static int lit(json *j, const char *s) {
  size_t n = strlen(s);
  if ((size_t)(j->end - j->p) < n || memcmp(j->p, s, n)) return -1;
  j->p += n;
  return 0;
}

/* A string: *s / *n view the raw bytes between the quotes (escapes kept). */
static int str(json *j, const uint8_t **s, size_t *n) {
  ws(j);
  if (j->p >= j->end || *j->p != '"') return -1;
  const uint8_t *b = ++j->p;
  while (j->p < j->end && *j->p != '"') {
    if (*j->p < 0x20 || (*j->p == '\\' && j->end - j->p < 2)) return -1;
    j->p += *j->p == '\\' ? 2 : 1;
  }
  if (j->p >= j->end) return -1;
  *s = b;
  *n = (size_t)(j->p - b);
  j->p++;
  return 0;
}

static int skip_value(json *j, int depth);

static int skip_container(json *j, int depth, uint8_t close) {
  const uint8_t *s;
  size_t n;
  j->p++;
  ws(j);
  if (j->p < j->end && *j->p == close) return j->p++, 0;
  for (;;) {
    if (close == '}') {
      if (str(j, &s, &n)) return -1;
      ws(j);
      if (j->p >= j->end || *j->p++ != ':') return -1;
    }
    if (skip_value(j, depth + 1)) return -1;
    ws(j);
    if (j->p >= j->end) return -1;
    if (*j->p == close) return j->p++, 0;
    if (*j->p++ != ',') return -1;
  }
}

static int skip_value(json *j, int depth) {
  const uint8_t *s;
  size_t n;
  ws(j);
  if (j->p >= j->end || depth > JSON_MAX_DEPTH) return -1;
  switch (*j->p) {
    case '"': return str(j, &s, &n);
    case '{': return skip_container(j, depth, '}');
    case '[': return skip_container(j, depth, ']');
    case 't': return lit(j, "true");
    case 'f': return lit(j, "false");
    case 'n': return lit(j, "null");
  }
  const uint8_t *b = j->p;
  while (j->p < j->end && strchr("+-0123456789.eE", *j->p) && *j->p) j->p++;
  return j->p > b ? 0 : -1;
}

static int parse_uint(json *j, uint64_t *out) {
  ws(j);
  const uint8_t *b = j->p;
  uint64_t v = 0;
  while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
    if (v > (UINT64_MAX - (uint64_t)(*j->p - '0')) / 10) return -1;
    v = v * 10 + (uint64_t)(*j->p++ - '0');
  }
  if (j->p == b || (j->p < j->end && strchr(".eE", *j->p) && *j->p)) return -1;
  *out = v;
  return 0;
}

/* One member of the tag object: key already read. */
static int tag_member(json *j, const uint8_t *k, size_t kl, lf_tag *t, int *have_version) {
  const uint8_t *s;
  size_t n;
  if (kl == 7 && !memcmp(k, "version", 7)) {
    *have_version = 1;
    return parse_uint(j, &t->version);
  }
  ws(j);
  if (kl == 6 && !memcmp(k, "branch", 6) && j->p < j->end && *j->p == '"') {
    if (str(j, &s, &n)) return -1;
    free(t->branch);
    return (t->branch = lf_strndup((const char *)s, n)) ? 0 : -2;
  }
  return skip_value(j, 1);
}

int lf_tag_parse(const uint8_t *d, size_t n, const char *what, lf_tag *t, lf_error *err) {
  json j = {d, d + n};
  const uint8_t *k;
  size_t kl;
  int have_version = 0, r = 0;
  memset(t, 0, sizeof *t);
  ws(&j);
  if (j.p >= j.end || *j.p++ != '{') r = -1;
  ws(&j);
  if (!r && j.p < j.end && *j.p == '}') j.p++;
  else
    while (!r) {
      if (str(&j, &k, &kl)) r = -1;
      ws(&j);
      if (!r && (j.p >= j.end || *j.p++ != ':')) r = -1;
      if (!r) r = tag_member(&j, k, kl, t, &have_version);
      ws(&j);
      if (!r && j.p < j.end && *j.p == '}') {
        j.p++;
        break;
      }
      if (!r && (j.p >= j.end || *j.p++ != ',')) r = -1;
    }
  ws(&j);
  if (!r && j.p != j.end) r = -1;
  if (r) {
    lf_tag_reset(t);
    if (r == -2) return lf_err(err, LF_NOMEM, "out of memory");
    return lf_err(err, LF_CORRUPT, "%s: bad JSON at byte %zu", what, (size_t)(j.p - d));
  }
  if (!have_version) {
    lf_tag_reset(t);
    return lf_err(err, LF_CORRUPT, "%s: tag has no \"version\"", what);
  }
  return LF_OK;
}

void lf_tag_reset(lf_tag *t) {
  free(t->name);
  free(t->branch);
  memset(t, 0, sizeof *t);
}

static int valid_name(const char *name) {
  return name[0] && name[0] != '.' && !strchr(name, '/') && !strchr(name, '\\') &&
         strlen(name) < 256;
}

int lf_tag_read(lf_store *s, const char *root, const char *name, lf_tag *t, lf_error *err) {
  memset(t, 0, sizeof *t);
  if (!valid_name(name)) return lf_err(err, LF_ARG, "'%s' is not a valid tag name", name);
  char rel[300];
  snprintf(rel, sizeof rel, "_refs/tags/%s.json", name);
  char *path = lf_path_join(root, rel);
  if (!path) return lf_err(err, LF_NOMEM, "out of memory");
  uint8_t *d;
  size_t n;
  int rc = lf_read_whole(s, path, 1 << 20, &d, &n, err);
  if (rc == LF_NOTFOUND)
    rc = lf_err(err, LF_NOTFOUND, "%s: tag '%s' not found", root[0] ? root : ".", name);
  if (!rc) {
    rc = lf_tag_parse(d, n, path, t, err);
    free(d);
  }
  if (!rc && !(t->name = lf_strndup(name, strlen(name)))) {
    lf_tag_reset(t);
    rc = lf_err(err, LF_NOMEM, "out of memory");
  }
  free(path);
  return rc;
}

int lf_dataset_tags(lf_store *s, const char *root, lf_tag **out, size_t *n, lf_error *err) {
  *out = NULL;
  *n = 0;
  char **names = NULL;
  size_t nn = 0;
  char *dir = lf_path_join(root, "_refs/tags");
  if (!dir) return lf_err(err, LF_NOMEM, "out of memory");
  int rc = lf_store_list_suffix(s, dir, ".json", 1, &names, &nn, err);
  free(dir);
  if (rc == LF_NOTFOUND) rc = LF_OK; /* no tags yet */
  else if (rc == LF_NOMEM) rc = lf_err(err, LF_NOMEM, "out of memory");
  lf_tag *tags = NULL;
  if (!rc && nn && !(tags = calloc(nn, sizeof *tags))) rc = lf_err(err, LF_NOMEM, "out of memory");
  size_t k = 0;
  for (; !rc && k < nn; k++) rc = lf_tag_read(s, root, names[k], &tags[k], err);
  lf_names_free(names, nn);
  if (rc) {
    lf_tags_free(tags, k);
    return rc;
  }
  *out = tags;
  *n = k;
  return LF_OK;
}

void lf_tags_free(lf_tag *tags, size_t n) {
  for (size_t i = 0; tags && i < n; i++) lf_tag_reset(&tags[i]);
  free(tags);
}
