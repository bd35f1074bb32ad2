/*
** tags.c: owns tags, _refs/tags/<name>.json, each naming one version:
**   {"branch":null,"version":4,"createdAt":"2026-...Z","updatedAt":"...",
**    "manifestSize":540,"metadata":{}}
** (as LanceDB 0.39 writes them, pretty-printed).  Only "version" (an
** unsigned integer, required) and "branch" (null or a string) are read;
** every other member is skipped; the text must be exactly one object
** (json.c reads it).
*/
#include "lf_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tag_ctx {
  lf_tag *t;
  int have_version;
} tag_ctx;

/* One member of the tag object: "version" and "branch" are read. */
static int tag_member(void *ctx, lf_json *j, const uint8_t *k, size_t kl) {
  tag_ctx *c = ctx;
  const uint8_t *s;
  size_t n;
  if (kl == 7 && !memcmp(k, "version", 7)) {
    c->have_version = 1;
    return lf_json_uint(j, &c->t->version);
  }
  if (kl == 6 && !memcmp(k, "branch", 6) && lf_json_peek(j) == '"') {
    if (lf_json_str(j, &s, &n)) return -1;
    free(c->t->branch);
    return (c->t->branch = lf_strndup((const char *)s, n)) ? 0 : -2;
  }
  return lf_json_skip(j, 1);
}

int lf_tag_parse(const uint8_t *d, size_t n, const char *what, lf_tag *t, lf_error *err) {
  lf_json j = {d, d + n};
  tag_ctx c = {t, 0};
  memset(t, 0, sizeof *t);
  int r = lf_json_object(&j, tag_member, &c);
  if (!r) r = lf_json_end(&j);
  if (r) {
    lf_tag_reset(t);
    if (r == -2) return lf_err(err, LF_NOMEM, "out of memory");
    return lf_err(err, LF_CORRUPT, "%s: bad JSON at byte %zu", what, (size_t)(j.p - d));
  }
  if (!c.have_version) {
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
