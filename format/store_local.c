/* store_local.c: owns the local-file object store (interface in store.h).
** Data files (.lance, .blob) are immutable once written, so their file
** descriptors are kept open (a few, reused round robin) and marked
** POSIX_FADV_RANDOM: reads fetch the byte ranges asked for, without kernel
** readahead pulling in other columns.  Everything else (manifests, hints,
** tags) is opened for each read. */
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FD_CACHE 8

typedef struct local_store {
  lf_store base;
  char *root;
  struct { char *path; int fd; } fds[FD_CACHE];
  int next;
} local_store;

static int immutable(const char *p) {
  size_t n = strlen(p);
  return (n > 6 && !strcmp(p + n - 6, ".lance")) || (n > 5 && !strcmp(p + n - 5, ".blob"));
}

/* A descriptor for fp: cached for data files (*keep = 1), else fresh. */
static int open_fd(local_store *ls, const char *fp, int *keep) {
  *keep = immutable(fp);
  if (*keep)
    for (int i = 0; i < FD_CACHE; i++)
      if (ls->fds[i].path && !strcmp(ls->fds[i].path, fp)) return ls->fds[i].fd;
  int fd = open(fp, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || !*keep) return fd;
  char *copy = strdup(fp);
  if (!copy) {
    *keep = 0;
    return fd;
  }
  (void)posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
  int slot = ls->next;
  ls->next = (ls->next + 1) % FD_CACHE;
  if (ls->fds[slot].path) {
    close(ls->fds[slot].fd);
    free(ls->fds[slot].path);
  }
  ls->fds[slot].path = copy;
  ls->fds[slot].fd = fd;
  return fd;
}

static int full_path(local_store *ls, const char *path, char *buf, size_t cap, lf_error *err) {
  int n;
  if (path[0] == '/' || ls->root[0] == 0)
    n = snprintf(buf, cap, "%s", path);
  else
    n = snprintf(buf, cap, "%s/%s", ls->root, path);
  if (n < 0 || (size_t)n >= cap) return lf_err(err, LF_ARG, "%s: path too long", path);
  return LF_OK;
}

static int local_size(lf_store *s, const char *path, uint64_t *out, lf_error *err) {
  char fp[4096];
  int rc = full_path((local_store *)s, path, fp, sizeof fp, err);
  if (rc) return rc;
  struct stat st;
  if (stat(fp, &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return lf_err(err, LF_NOTFOUND, "%s: no such file", fp);
    return lf_err(err, LF_IO, "%s: %s", fp, strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return lf_err(err, LF_IO, "%s: not a regular file", fp);
  *out = (uint64_t)st.st_size;
  return LF_OK;
}

static int local_read(lf_store *s, const char *path, uint64_t off, size_t len, void *dst,
                      lf_error *err) {
  char fp[4096];
  int rc = full_path((local_store *)s, path, fp, sizeof fp, err);
  if (rc) return rc;
  int keep;
  int fd = open_fd((local_store *)s, fp, &keep);
  if (fd < 0) {
    if (errno == ENOENT) return lf_err(err, LF_NOTFOUND, "%s: no such file", fp);
    return lf_err(err, LF_IO, "%s: %s", fp, strerror(errno));
  }
  size_t done = 0;
  rc = LF_OK;
  while (done < len) {
    ssize_t r = pread(fd, (char *)dst + done, len - done, (off_t)(off + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      rc = lf_err(err, LF_IO, "%s: read at %llu: %s", fp, (unsigned long long)(off + done),
                  strerror(errno));
      break;
    }
    if (r == 0) {
      rc = lf_err(err, LF_CORRUPT, "%s: truncated: wanted %zu bytes at offset %llu", fp, len,
                  (unsigned long long)off);
      break;
    }
    done += (size_t)r;
  }
  if (!keep) close(fd);
  return rc;
}

static int local_list(lf_store *s, const char *dir, lf_store_list_cb cb, void *ctx,
                      lf_error *err) {
  char fp[4096];
  int rc = full_path((local_store *)s, dir, fp, sizeof fp, err);
  if (rc) return rc;
  DIR *d = opendir(fp[0] ? fp : ".");
  if (!d) {
    if (errno == ENOENT || errno == ENOTDIR)
      return lf_err(err, LF_NOTFOUND, "%s: no such directory", fp);
    return lf_err(err, LF_IO, "%s: %s", fp, strerror(errno));
  }
  struct dirent *e;
  errno = 0;
  while (!rc && (e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    rc = cb(ctx, e->d_name);
    errno = 0;
  }
  if (!rc && errno) rc = lf_err(err, LF_IO, "%s: %s", fp, strerror(errno));
  closedir(d);
  return rc;
}

static void local_destroy(lf_store *s) {
  local_store *ls = (local_store *)s;
  for (int i = 0; i < FD_CACHE; i++)
    if (ls->fds[i].path) {
      close(ls->fds[i].fd);
      free(ls->fds[i].path);
    }
  free(ls->root);
  free(ls);
}

int lf_store_local_new(const char *root, lf_store **out, lf_error *err) {
  *out = NULL;
  local_store *ls = calloc(1, sizeof *ls);
  if (!ls) return lf_err(err, LF_NOMEM, "out of memory");
  ls->root = strdup(root ? root : "");
  if (!ls->root) {
    free(ls);
    return lf_err(err, LF_NOMEM, "out of memory");
  }
  size_t n = strlen(ls->root);
  while (n > 1 && ls->root[n - 1] == '/') ls->root[--n] = 0;
  if (n == 1 && ls->root[0] == '/') ls->root[0] = 0;
  ls->base.size = local_size;
  ls->base.read = local_read;
  ls->base.list = local_list;
  ls->base.destroy = local_destroy;
  *out = &ls->base;
  return LF_OK;
}

void lf_store_free(lf_store *s) {
  if (s) s->destroy(s);
}

int lf_store_read_alloc(lf_store *s, const char *path, uint64_t off, size_t len,
                        uint8_t **out, lf_error *err) {
  *out = NULL;
  uint8_t *b = malloc(len ? len : 1);
  if (!b) return lf_err(err, LF_NOMEM, "%s: cannot allocate %zu bytes", path, len);
  int rc = s->read(s, path, off, len, b, err);
  if (rc) {
    free(b);
    return rc;
  }
  *out = b;
  return LF_OK;
}

typedef struct suffix_list {
  const char *suffix;
  int skip_hidden;
  char **names;
  size_t n, cap;
} suffix_list;

static int keep_suffixed(void *ctx, const char *name) {
  suffix_list *l = ctx;
  size_t len = strlen(name), ns = strlen(l->suffix);
  if (len <= ns || strcmp(name + len - ns, l->suffix) || (l->skip_hidden && name[0] == '.'))
    return LF_OK;
  if (l->n == l->cap) {
    size_t nc = l->cap ? 2 * l->cap : 16;
    char **nn = realloc(l->names, nc * sizeof *nn);
    if (!nn) return LF_NOMEM;
    l->names = nn;
    l->cap = nc;
  }
  if (!(l->names[l->n] = strndup(name, len - ns))) return LF_NOMEM;
  l->n++;
  return LF_OK;
}

static int cmp_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int lf_store_list_suffix(lf_store *s, const char *dir, const char *suffix, int skip_hidden,
                         char ***names, size_t *n, lf_error *err) {
  suffix_list l = {suffix, skip_hidden, NULL, 0, 0};
  int rc = s->list(s, dir, keep_suffixed, &l, err);
  if (rc) {
    lf_names_free(l.names, l.n);
    l.names = NULL;
    l.n = 0;
  } else if (l.n) {
    qsort(l.names, l.n, sizeof *l.names, cmp_name);
  }
  *names = l.names;
  *n = l.n;
  return rc;
}

void lf_names_free(char **names, size_t n) {
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
}
