/* store_mem.c: owns an in-memory object store holding one object (for
** tests and fuzzing: any path names the same bytes). */
#include <stdlib.h>
#include <string.h>

#include "store.h"

typedef struct mem_store {
  lf_store base;
  const uint8_t *data;
  size_t len;
} mem_store;

static int mem_size(lf_store *s, const char *path, uint64_t *out, lf_error *err) {
  (void)path, (void)err;
  *out = ((mem_store *)s)->len;
  return LF_OK;
}

static int mem_read(lf_store *s, const char *path, uint64_t off, size_t len, void *dst,
                    lf_error *err) {
  mem_store *m = (mem_store *)s;
  if (off > m->len || len > m->len - off)
    return lf_err(err, LF_CORRUPT, "%s: truncated: wanted %zu bytes at offset %llu", path, len,
                  (unsigned long long)off);
  memcpy(dst, m->data + off, len);
  return LF_OK;
}

static int mem_list(lf_store *s, const char *dir, lf_store_list_cb cb, void *ctx,
                    lf_error *err) {
  (void)s, (void)cb, (void)ctx;
  return lf_err(err, LF_NOTFOUND, "%s: no such directory (memory store)", dir);
}

static int mem_put(lf_store *s, const char *path, const void *data, size_t len, int excl,
                   lf_error *err) {
  (void)s, (void)data, (void)len, (void)excl;
  return lf_err(err, LF_UNSUPPORTED, "%s: the memory store is read-only", path);
}

static int mem_create(lf_store *s, const char *path, lf_wfile **out, lf_error *err) {
  (void)s;
  *out = NULL;
  return lf_err(err, LF_UNSUPPORTED, "%s: the memory store is read-only", path);
}

static int mem_remove(lf_store *s, const char *path, lf_error *err) {
  (void)s;
  return lf_err(err, LF_UNSUPPORTED, "%s: the memory store is read-only", path);
}

static int mem_map(lf_store *s, const char *path, const uint8_t **ptr, uint64_t *len,
                   lf_error *err) {
  (void)path, (void)err;
  *ptr = ((mem_store *)s)->data;
  *len = ((mem_store *)s)->len;
  return LF_OK;
}

static void mem_destroy(lf_store *s) { free(s); }

int lf_store_mem_new(const uint8_t *data, size_t len, lf_store **out, lf_error *err) {
  mem_store *m = calloc(1, sizeof *m);
  *out = NULL;
  if (!m) return lf_err(err, LF_NOMEM, "out of memory");
  m->data = data;
  m->len = len;
  m->base.size = mem_size;
  m->base.read = mem_read;
  m->base.list = mem_list;
  m->base.put = mem_put;
  m->base.create = mem_create;
  m->base.remove = mem_remove;
  m->base.destroy = mem_destroy;
  m->base.map = mem_map;
  *out = &m->base;
  return LF_OK;
}
