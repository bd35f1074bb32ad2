/*
** tag_write.c: owns creating, moving and deleting tags,
** _refs/tags/<name>.json, written as LanceDB 0.39 writes them (serde's
** pretty printer: two-space indent, no final newline):
**   {
**     "branch": null,
**     "version": 4,
**     "createdAt": "2026-11-22T03:17:03.142566833Z",
**     "updatedAt": "2026-11-22T03:17:03.143090776Z",
**     "manifestSize": 539,
**     "metadata": {}
**   }
** manifestSize is the byte size of the version's manifest file; an update
** keeps the tag's createdAt.  Names follow Lance's check_valid_tag: letters,
** digits, '.', '-', '_'; not empty, no leading or trailing '.', no "..", no
** ".lock" suffix.  create publishes exclusively (store put, excl = 1).
*/
#include "lf_int.h"
#include "lf_write.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *shown(const char *root) { return root[0] ? root : "."; }

static int check_name(const char *root, const char *name, lf_error *err) {
  size_t n = name ? strlen(name) : 0;
  int ok = n > 0 && n <= 200 && name[0] != '.' && name[n - 1] != '.' && !strstr(name, "..") &&
           !(n >= 5 && !strcmp(name + n - 5, ".lock"));
  for (size_t i = 0; ok && i < n; i++) {
    char c = name[i];
    ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
  }
  if (!ok)
    return lf_err(err, LF_ARG, "%s: invalid tag name '%s' (letters, digits, '.', '-', '_'; no "
                  "leading or trailing '.', no '..', no '.lock' suffix)", shown(root),
                  name ? name : "");
  return LF_OK;
}

static char *tag_path(const char *root, const char *name) {
  size_t n = strlen(name);
  char *rel = malloc(n + 32);
  if (!rel) return NULL;
  snprintf(rel, n + 32, "_refs/tags/%s.json", name);
  char *p = lf_path_join(root, rel);
  free(rel);
  return p;
}

/* The manifest size of `version`; LF_NOTFOUND when it does not exist. */
static int manifest_size(lf_store *s, const char *root, uint64_t version, uint64_t *size,
                         lf_error *err) {
  char *path = NULL;
  if (!version) return lf_err(err, LF_NOTFOUND, "%s: version 0 does not exist", shown(root));
  int rc = lf_find_manifest(s, root, version, &path, err);
  if (!rc) rc = s->size(s, path, size, err);
  free(path);
  return rc;
}

static void now_rfc3339(char out[40]) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t k = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out + k, 40 - k, ".%09ldZ", ts.tv_nsec);
}

/* The createdAt string of an existing tag's JSON (kept by updates). */
static void old_created(const uint8_t *d, size_t n, char out[40]) {
  static const char key[] = "\"createdAt\"";
  for (size_t i = 0; i + sizeof key < n; i++) {
    if (memcmp(d + i, key, sizeof key - 1)) continue;
    size_t p = i + sizeof key - 1;
    while (p < n && (d[p] == ' ' || d[p] == ':')) p++;
    if (p >= n || d[p] != '"') return;
    size_t e = ++p;
    while (e < n && d[e] != '"' && e - p < 39) e++;
    if (e < n && d[e] == '"') memcpy(out, d + p, e - p), out[e - p] = 0;
    return;
  }
}

static int write_tag(lf_store *s, const char *root, const char *name, uint64_t version,
                     int update, lf_error *err) {
  int rc = check_name(root, name, err);
  uint64_t size = 0;
  char *path = NULL, now[40], created[40];
  uint8_t *old = NULL;
  size_t nold = 0;
  if (rc) return rc;
  if (!(path = tag_path(root, name))) return lf_err(err, LF_NOMEM, "out of memory");
  now_rfc3339(now);
  memcpy(created, now, sizeof now);
  rc = lf_read_whole(s, path, 1 << 20, &old, &nold, err);
  if (!rc && !update) rc = lf_err(err, LF_EXISTS, "%s: tag '%s' already exists", shown(root), name);
  else if (rc == LF_NOTFOUND && update)
    rc = lf_err(err, LF_NOTFOUND, "%s: tag '%s' does not exist", shown(root), name);
  else if (rc == LF_NOTFOUND || !rc) rc = LF_OK;
  if (!rc && old) old_created(old, nold, created);
  free(old);
  if (!rc) rc = manifest_size(s, root, version, &size, err);
  if (!rc) {
    char json[400];
    int k = snprintf(json, sizeof json, "{\n  \"branch\": null,\n  \"version\": %" PRIu64
                     ",\n  \"createdAt\": \"%s\",\n  \"updatedAt\": \"%s\",\n  \"manifestSize\": %"
                     PRIu64 ",\n  \"metadata\": {}\n}", version, created, now, size);
    rc = s->put(s, path, json, (size_t)k, !update, err);
    if (rc == LF_EXISTS)
      rc = lf_err(err, LF_EXISTS, "%s: tag '%s' already exists", shown(root), name);
  }
  free(path);
  return rc;
}

int lf_tag_create(lf_store *s, const char *root, const char *name, uint64_t version,
                  lf_error *err) {
  return write_tag(s, root, name, version, 0, err);
}

int lf_tag_update(lf_store *s, const char *root, const char *name, uint64_t version,
                  lf_error *err) {
  return write_tag(s, root, name, version, 1, err);
}

int lf_tag_delete(lf_store *s, const char *root, const char *name, lf_error *err) {
  int rc = check_name(root, name, err);
  if (rc) return rc;
  char *path = tag_path(root, name);
  if (!path) return lf_err(err, LF_NOMEM, "out of memory");
  rc = s->remove(s, path, err);
  if (rc == LF_NOTFOUND) rc = lf_err(err, LF_NOTFOUND, "%s: tag '%s' does not exist", shown(root), name);
  free(path);
  return rc;
}
