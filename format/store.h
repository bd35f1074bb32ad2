/*
** store.h: the object store interface: everything format/ reads or writes
** goes through an lf_store, so local files and (later) s3:// or http(s)://
** objects look the same to the layers above.  Paths are '/'-separated and
** relative to the store's root.
*/
#ifndef LF_STORE_H
#define LF_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "lf_error.h"

typedef struct lf_store lf_store;

/* One range of a vectored read (store->read_many): len bytes at off of the
** object at path into dst. */
typedef struct lf_range {
  const char *path;
  uint64_t off;
  size_t len;
  void *dst;
} lf_range;

/* What a remote store (s3://, http(s)://) sent and received so far. */
typedef struct lf_store_stats {
  uint64_t requests;  /* HTTP requests sent, retries included */
  uint64_t retries;   /* of which retries */
  uint64_t bytes_in;  /* response body bytes received */
  uint64_t bytes_out; /* request body bytes sent */
} lf_store_stats;

/* Called once per entry of a listed directory with the entry's name (no
** path, never "." or ".."); any status other than LF_OK stops the listing
** and is what list returns. */
typedef int (*lf_store_list_cb)(void *ctx, const char *name);

/* A new object being written (store->create).  Bytes appended with write
** become visible under the object's path only when finish succeeds; abort
** (or a crash) leaves nothing under that path.  finish and abort free w. */
typedef struct lf_wfile lf_wfile;
struct lf_wfile {
  int (*write)(lf_wfile *w, const void *data, size_t len, lf_error *err);
  int (*finish)(lf_wfile *w, lf_error *err); /* durable (fsync) before it returns */
  void (*abort)(lf_wfile *w);
  uint64_t written;                          /* bytes written so far */
};

struct lf_store {
  /* Size in bytes of the object at path; LF_NOTFOUND if missing. */
  int (*size)(lf_store *s, const char *path, uint64_t *out, lf_error *err);
  /* Read exactly len bytes at off into dst; a short object is LF_CORRUPT
  ** ("truncated"), a failing read LF_IO. */
  int (*read)(lf_store *s, const char *path, uint64_t off, size_t len, void *dst,
              lf_error *err);
  /* Names of the entries directly in dir (files and directories, no
  ** recursion, in no particular order); LF_NOTFOUND if dir is missing. */
  int (*list)(lf_store *s, const char *dir, lf_store_list_cb cb, void *ctx, lf_error *err);
  /* Write data as the whole object at path, durably, creating parent
  ** directories.  excl = 1: publish only if nothing is at path yet, else
  ** LF_EXISTS (atomic: of concurrent exclusive puts exactly one wins, and a
  ** reader sees all of the object or none).  excl = 0: replace atomically. */
  int (*put)(lf_store *s, const char *path, const void *data, size_t len, int excl,
             lf_error *err);
  /* Start writing a new object at path (parents created); see lf_wfile. */
  int (*create)(lf_store *s, const char *path, lf_wfile **out, lf_error *err);
  /* Delete the object at path (or the empty directory: local stores); LF_NOTFOUND if
  ** there is none. */
  int (*remove)(lf_store *s, const char *path, lf_error *err);
  void (*destroy)(lf_store *s);
  /* Optional (NULL = unsupported; call through lf_store_map): the whole
  ** object at path mapped read-only, *len bytes at *ptr.  The mapping is
  ** owned by the store and stays valid until destroy; every call checks the
  ** object again (LF_CORRUPT when it shrank below the mapping since, so that
  ** callers never touch bytes past its end).  LF_UNSUPPORTED where mapping
  ** is impossible: the caller reads instead.  Thread-safe. */
  int (*map)(lf_store *s, const char *path, const uint8_t **ptr, uint64_t *len, lf_error *err);
  /* Optional (remote stores; call through the lf_store_ functions below):
  ** probe(ctx) != 0 stops the request under way with LF_INTERRUPTED (probe
  ** is called only on the thread that set it; other threads see its last
  ** answer); stats fills what was sent and received. */
  void (*set_interrupt)(lf_store *s, int (*probe)(void *), void *ctx);
  void (*stats)(lf_store *s, lf_store_stats *out);
  /* Optional (NULL: lf_store_read_many reads the ranges one by one): read
  ** every range of r[0..n) (of one or several objects, in any order; ranges
  ** may overlap or touch; dsts must not overlap), as read does for each:
  ** all or an error (a short object is LF_CORRUPT, whichever range it cut).
  ** Local stores merge touching ranges of a file into one pread; remote
  ** stores merge ranges of an object less than read_coalesce_size apart and
  ** fetch all the merged spans in parallel (max_connections at a time). */
  int (*read_many)(lf_store *s, const lf_range *r, size_t n, lf_error *err);
};

/* A store over the local file system rooted at `root` ("" or "/" for
** absolute paths).  Owns a copy of root.  lf_store_free(NULL) is a no-op.
** Reads and maps are thread-safe; data files (.lance) can be mapped. */
int lf_store_local_new(const char *root, lf_store **out, lf_error *err);
void lf_store_free(lf_store *s);

/* A store over one borrowed buffer (must outlive the store); every path
** names it and no directory exists (list is LF_NOTFOUND); it is read-only
** (put, create and remove are LF_UNSUPPORTED); map gives the buffer itself.
** For tests and fuzzing. */
int lf_store_mem_new(const uint8_t *data, size_t len, lf_store **out, lf_error *err);

/* The store a dataset location names, by its scheme (format/store/open.c):
**   s3://bucket/key/prefix      S3 (or an S3-compatible server: aws_endpoint)
**   http(s)://host/path         read only (no listing: versions are probed)
**   anything else               a local path (file: URIs are the caller's)
** options: a JSON object of storage options (LanceDB's names, docs/sql.md),
** NULL or "" for none; refused for local paths.  *root (malloc'd) is the
** dataset's path inside the store, to pass to lf_dataset_open.  Errors never
** quote a secret. */
int lf_store_open(const char *uri, const char *options, lf_store **out, char **root,
                  lf_error *err);
void lf_store_set_interrupt(lf_store *s, int (*probe)(void *), void *ctx);
/* Zeros for local and memory stores. */
void lf_store_get_stats(lf_store *s, lf_store_stats *out);

/* store->map, or LF_UNSUPPORTED when the store has none. */
int lf_store_map(lf_store *s, const char *path, const uint8_t **ptr, uint64_t *len,
                 lf_error *err);

/* store->read_many, or each range through store->read when it has none. */
int lf_store_read_many(lf_store *s, const lf_range *r, size_t n, lf_error *err);

/* Ranges r[0..n) of the same path merged where less than `gap` bytes apart
** (gap 0: where they touch or overlap): *order (malloc'd) lists the indices
** of r by path (strcmp), then ascending off, and span i [spans[i].off,
** spans[i].end) of spans[i].path covers the ranges order[spans[i].first ..
** +spans[i].count).  Empty ranges join a span too.
** LF_NOMEM (no message) when out of memory; *order and *spans NULL then. */
typedef struct lf_span {
  const char *path;
  uint64_t off, end;
  size_t first, count;
} lf_span;
int lf_ranges_coalesce(const lf_range *r, size_t n, uint64_t gap, size_t **order,
                       lf_span **spans, size_t *nspans);

/* Read [off, off+len) into a fresh malloc'd buffer (caller frees). */
int lf_store_read_alloc(lf_store *s, const char *path, uint64_t off, size_t len,
                        uint8_t **out, lf_error *err);

/* The entries of dir named <name><suffix> (name not empty; names starting
** with '.' left out when skip_hidden), as malloc'd <name> strings sorted by
** strcmp; free them with lf_names_free.  LF_NOTFOUND if dir is missing;
** LF_NOMEM comes back without a message in err. */
int lf_store_list_suffix(lf_store *s, const char *dir, const char *suffix, int skip_hidden,
                         char ***names, size_t *n, lf_error *err);
void lf_names_free(char **names, size_t n);

#endif
