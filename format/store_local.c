/* store_local.c: owns the local-file object store (interface in store.h).
** Data files (.lance, .blob) are immutable once written, so their file
** descriptors are kept open (a few, reused round robin) and marked
** POSIX_FADV_RANDOM: reads fetch the byte ranges asked for, without kernel
** readahead pulling in other columns.  Everything else (manifests, hints,
** tags) is opened for each read.
**
** Writes never show a partial object: bytes go to a hidden temporary file
** beside the target (".<name>.tmp-<pid>-<n>"), are fsync'ed, and are then
** published with link() (exclusive: fails if the target exists, so of two
** racing committers exactly one wins) or rename() (replace); the directory
** is fsync'ed after.  A crash leaves at most an orphan temporary file. */
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

/* mkdir -p of the directory part of fp (fp itself is a file path). */
static int make_parents(char *fp, lf_error *err) {
  for (char *p = fp + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    int r = mkdir(fp, 0777);
    int e = errno;
    *p = '/';
    if (r != 0 && e != EEXIST) return lf_err(err, LF_IO, "%s: cannot create directory: %s", fp,
                                             strerror(e));
  }
  return LF_OK;
}

static void sync_parent(const char *fp) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", fp);
  char *slash = strrchr(dir, '/');
  if (slash == dir) slash[1] = 0;
  else if (slash) *slash = 0;
  else strcpy(dir, ".");
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
}

static unsigned tmp_counter;

/* The temporary path for fp: ".<name>.tmp-<pid>-<n>" in fp's directory. */
static int tmp_path(const char *fp, char *buf, size_t cap, lf_error *err) {
  const char *slash = strrchr(fp, '/');
  int dirlen = slash ? (int)(slash - fp + 1) : 0;
  unsigned n = __atomic_fetch_add(&tmp_counter, 1, __ATOMIC_RELAXED);
  int k = snprintf(buf, cap, "%.*s.%s.tmp-%ld-%u", dirlen, fp, fp + dirlen, (long)getpid(), n);
  if (k < 0 || (size_t)k >= cap) return lf_err(err, LF_ARG, "%s: path too long", fp);
  return LF_OK;
}

static int write_all(int fd, const void *data, size_t len, const char *fp, lf_error *err) {
  size_t done = 0;
  while (done < len) {
    ssize_t w = write(fd, (const char *)data + done, len - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      return lf_err(err, LF_IO, "%s: write: %s", fp, strerror(errno));
    }
    done += (size_t)w;
  }
  return LF_OK;
}

/* Publish tmp as fp: link (exclusive) or rename (replace); tmp is gone after. */
static int publish(const char *tmp, const char *fp, int excl, lf_error *err) {
  int rc = LF_OK;
  if (excl) {
    if (link(tmp, fp) != 0)
      rc = errno == EEXIST ? lf_err(err, LF_EXISTS, "%s: already exists", fp)
                           : lf_err(err, LF_IO, "%s: link: %s", fp, strerror(errno));
    unlink(tmp);
  } else if (rename(tmp, fp) != 0) {
    rc = lf_err(err, LF_IO, "%s: rename: %s", fp, strerror(errno));
    unlink(tmp);
  }
  if (!rc) sync_parent(fp);
  return rc;
}

typedef struct local_wfile {
  lf_wfile base;
  int fd;
  char fp[4096], tmp[4096];
} local_wfile;

static int lw_write(lf_wfile *w, const void *data, size_t len, lf_error *err) {
  local_wfile *lw = (local_wfile *)w;
  int rc = write_all(lw->fd, data, len, lw->fp, err);
  if (!rc) w->written += len;
  return rc;
}

static void lw_abort(lf_wfile *w) {
  local_wfile *lw = (local_wfile *)w;
  close(lw->fd);
  unlink(lw->tmp);
  free(lw);
}

static int lw_finish(lf_wfile *w, lf_error *err) {
  local_wfile *lw = (local_wfile *)w;
  int rc = LF_OK;
  if (fsync(lw->fd) != 0) rc = lf_err(err, LF_IO, "%s: fsync: %s", lw->fp, strerror(errno));
  if (close(lw->fd) != 0 && !rc) rc = lf_err(err, LF_IO, "%s: close: %s", lw->fp, strerror(errno));
  if (!rc) rc = publish(lw->tmp, lw->fp, 1, err);
  else unlink(lw->tmp);
  free(lw);
  return rc;
}

/* A fresh temporary file for target path; fills fp and tmp. */
static int open_tmp(local_store *ls, const char *path, char *fp, char *tmp, int *fd,
                    lf_error *err) {
  int rc = full_path(ls, path, fp, 4096, err);
  if (!rc) rc = make_parents(fp, err);
  if (!rc) rc = tmp_path(fp, tmp, 4096, err);
  if (rc) return rc;
  *fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (*fd < 0) return lf_err(err, LF_IO, "%s: cannot create: %s", fp, strerror(errno));
  return LF_OK;
}

static int local_create(lf_store *s, const char *path, lf_wfile **out, lf_error *err) {
  *out = NULL;
  local_wfile *lw = calloc(1, sizeof *lw);
  if (!lw) return lf_err(err, LF_NOMEM, "%s: out of memory", path);
  int rc = open_tmp((local_store *)s, path, lw->fp, lw->tmp, &lw->fd, err);
  if (rc) {
    free(lw);
    return rc;
  }
  lw->base.write = lw_write;
  lw->base.finish = lw_finish;
  lw->base.abort = lw_abort;
  *out = &lw->base;
  return LF_OK;
}

static int local_put(lf_store *s, const char *path, const void *data, size_t len, int excl,
                     lf_error *err) {
  char fp[4096], tmp[4096];
  int fd;
  int rc = open_tmp((local_store *)s, path, fp, tmp, &fd, err);
  if (rc) return rc;
  rc = write_all(fd, data, len, fp, err);
  if (!rc && fsync(fd) != 0) rc = lf_err(err, LF_IO, "%s: fsync: %s", fp, strerror(errno));
  if (close(fd) != 0 && !rc) rc = lf_err(err, LF_IO, "%s: close: %s", fp, strerror(errno));
  if (rc) {
    unlink(tmp);
    return rc;
  }
  return publish(tmp, fp, excl, err);
}

static int local_remove(lf_store *s, const char *path, lf_error *err) {
  local_store *ls = (local_store *)s;
  char fp[4096];
  int rc = full_path(ls, path, fp, sizeof fp, err);
  if (rc) return rc;
  for (int i = 0; i < FD_CACHE; i++)
    if (ls->fds[i].path && !strcmp(ls->fds[i].path, fp)) {
      close(ls->fds[i].fd);
      free(ls->fds[i].path);
      ls->fds[i].path = NULL;
    }
  if (unlink(fp) != 0) {
    if (errno == ENOENT) return lf_err(err, LF_NOTFOUND, "%s: no such file", fp);
    return lf_err(err, LF_IO, "%s: cannot delete: %s", fp, strerror(errno));
  }
  return LF_OK;
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
  ls->base.put = local_put;
  ls->base.create = local_create;
  ls->base.remove = local_remove;
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
