/* store_local.c: owns the local-file object store (interface in store.h).
** Data files (.lance, .blob) are immutable once written, so their file
** descriptors are kept open (a few, reused round robin) and marked
** POSIX_FADV_RANDOM: reads fetch the byte ranges asked for, without kernel
** readahead pulling in other columns.  Everything else (manifests, hints,
** tags) is opened for each read.  Data files can also be mapped (map: read-
** only, MAP_SHARED, whole file, kept until destroy; at most MAP_MAX).  Reads
** and maps may come from several threads: a mutex guards both caches.
** read_many sorts a batch's ranges by file and offset and reads each run of
** touching ranges with one pread.
**
** Writes never show a partial object: bytes go to a hidden temporary file
** beside the target (".<name>.tmp-<pid>-<n>"), are fsync'ed, and are then
** published with link() (exclusive: fails if the target exists, so of two
** racing committers exactly one wins) or rename() (replace); the directory
** is fsync'ed after.  A crash leaves at most an orphan temporary file.
**
** A streamed object (create) is staged in an aligned buffer of DIO_BUF
** bytes; each full buffer is written with O_DIRECT (Linux), bypassing the
** page cache: a multi-gigabyte data file neither copies every page into the
** cache nor waits on dirty-page throttling, and the fsync at finish has
** little left to flush.  The last partial buffer is written through the
** cache.  A file system that refuses O_DIRECT gets plain writes. */
#ifdef __linux__
#define _GNU_SOURCE /* O_DIRECT */
#endif
#include "store.h"

#include <dirent.h>
#include <pthread.h>
#include <sys/mman.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FD_CACHE 8
#define MAP_MAX 256
#define DIO_BUF ((size_t)4 << 20)   /* staging buffer of a streamed object */
#define DIO_ALIGN 4096

/* A cached descriptor: `users` reads are under way on it; it is closed only
** when no read uses it (evicted, or forgotten by remove: path NULL). */
typedef struct fd_slot {
  char *path;
  int fd, users;
} fd_slot;

/* A mapped data file, kept until destroy (views into it may be in use). */
typedef struct map_slot {
  char *path;
  const uint8_t *p;
  uint64_t len;
  dev_t dev;
  ino_t ino;
} map_slot;

typedef struct local_store {
  lf_store base;
  char *root;
  pthread_mutex_t mu;      /* guards fds, next, maps, nmaps */
  fd_slot fds[FD_CACHE];
  int next;
  map_slot maps[MAP_MAX];
  int nmaps;
} local_store;

static int immutable(const char *p) {
  size_t n = strlen(p);
  return (n > 6 && !strcmp(p + n - 6, ".lance")) || (n > 5 && !strcmp(p + n - 5, ".blob"));
}

/* Cache fd for fp in a slot no read uses; the slot (its users at 1), or -1. */
static int cache_fd(local_store *ls, const char *fp, int fd) {
  char *copy = strdup(fp);
  if (!copy) return -1;
  for (int t = 0; t < FD_CACHE; t++, ls->next = (ls->next + 1) % FD_CACHE) {
    fd_slot *sl = &ls->fds[ls->next];
    if (sl->users) continue;
    if (sl->path) {
      close(sl->fd);
      free(sl->path);
    }
    *sl = (fd_slot){copy, fd, 1};
    int slot = ls->next;
    ls->next = (ls->next + 1) % FD_CACHE;
    return slot;
  }
  free(copy);
  return -1;
}

/* A descriptor for fp: for data files from the cache (*slot >= 0), else
** fresh (*slot = -1); give it back with release_fd. */
static int open_fd(local_store *ls, const char *fp, int *slot) {
  *slot = -1;
  int keep = immutable(fp);
  pthread_mutex_lock(&ls->mu);
  for (int i = 0; keep && i < FD_CACHE; i++)
    if (ls->fds[i].path && !strcmp(ls->fds[i].path, fp)) {
      ls->fds[i].users++;
      pthread_mutex_unlock(&ls->mu);
      *slot = i;
      return ls->fds[i].fd;
    }
  pthread_mutex_unlock(&ls->mu);
  int fd = open(fp, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || !keep) return fd;
  (void)posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
  pthread_mutex_lock(&ls->mu);
  *slot = cache_fd(ls, fp, fd);
  pthread_mutex_unlock(&ls->mu);
  return fd;
}

static void release_fd(local_store *ls, int slot, int fd) {
  if (slot < 0) {
    close(fd);
    return;
  }
  pthread_mutex_lock(&ls->mu);
  fd_slot *sl = &ls->fds[slot];
  if (--sl->users == 0 && !sl->path) close(sl->fd); /* forgotten while in use */
  pthread_mutex_unlock(&ls->mu);
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

/* Read exactly len bytes at off of the open file fp (named in errors). */
static int pread_all(int fd, const char *fp, uint64_t off, size_t len, void *dst, lf_error *err) {
  size_t done = 0;
  while (done < len) {
    ssize_t r = pread(fd, (char *)dst + done, len - done, (off_t)(off + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return lf_err(err, LF_IO, "%s: read at %llu: %s", fp, (unsigned long long)(off + done),
                    strerror(errno));
    }
    if (r == 0)
      return lf_err(err, LF_CORRUPT, "%s: truncated: wanted %zu bytes at offset %llu", fp, len,
                    (unsigned long long)off);
    done += (size_t)r;
  }
  return LF_OK;
}

/* *fd: the descriptor for path (its full path into fp); see open_fd. */
static int open_path(local_store *ls, const char *path, char *fp, size_t cap, int *fd, int *slot,
                     lf_error *err) {
  int rc = full_path(ls, path, fp, cap, err);
  if (rc) return rc;
  if ((*fd = open_fd(ls, fp, slot)) >= 0) return LF_OK;
  if (errno == ENOENT) return lf_err(err, LF_NOTFOUND, "%s: no such file", fp);
  return lf_err(err, LF_IO, "%s: %s", fp, strerror(errno));
}

static int local_read(lf_store *s, const char *path, uint64_t off, size_t len, void *dst,
                      lf_error *err) {
  char fp[4096];
  int slot, fd, rc = open_path((local_store *)s, path, fp, sizeof fp, &fd, &slot, err);
  if (rc) return rc;
  rc = pread_all(fd, fp, off, len, dst, err);
  release_fd((local_store *)s, slot, fd);
  return rc;
}

/* One pread per span of touching ranges (a file opened once for its run of
** spans); a span of several ranges goes through a buffer, a lone range
** straight to its dst. */
static int local_read_many(lf_store *s, const lf_range *r, size_t n, lf_error *err) {
  local_store *ls = (local_store *)s;
  char fp[4096];
  size_t *order = NULL, ns = 0;
  lf_span *sp = NULL;
  if (lf_ranges_coalesce(r, n, 0, &order, &sp, &ns)) return lf_err(err, LF_NOMEM, "out of memory");
  int slot = -1, fd = -1, rc = LF_OK;
  for (size_t i = 0; !rc && i < ns; i++) {
    if (fd < 0 || strcmp(sp[i].path, sp[i - 1].path)) { /* the next file */
      if (fd >= 0) release_fd(ls, slot, fd);
      fd = -1;
      if ((rc = open_path(ls, sp[i].path, fp, sizeof fp, &fd, &slot, err))) break;
    }
    const lf_range *one = &r[order[sp[i].first]];
    if (sp[i].count == 1) {
      rc = pread_all(fd, fp, one->off, one->len, one->dst, err);
      continue;
    }
    uint8_t *buf = malloc((size_t)(sp[i].end - sp[i].off) + 1);
    rc = buf ? pread_all(fd, fp, sp[i].off, (size_t)(sp[i].end - sp[i].off), buf, err)
             : lf_err(err, LF_NOMEM, "out of memory");
    for (size_t k = 0; !rc && k < sp[i].count; k++) {
      const lf_range *x = &r[order[sp[i].first + k]];
      if (x->len) memcpy(x->dst, buf + (x->off - sp[i].off), x->len);
    }
    free(buf);
  }
  if (fd >= 0) release_fd(ls, slot, fd);
  free(order);
  free(sp);
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
  int direct;          /* 1: full buffers go out with O_DIRECT; 0: plain writes */
  uint8_t *buf;        /* DIO_BUF bytes, DIO_ALIGN-aligned (allocated on first write) */
  size_t blen;         /* bytes staged in buf */
  char fp[4096], tmp[4096];
} local_wfile;

/* Write the staged bytes: a full buffer with O_DIRECT when the file system
** takes it (else, and for the last partial buffer, through the cache). */
static int lw_flush(local_wfile *lw, lf_error *err) {
#ifdef O_DIRECT
  int fl = fcntl(lw->fd, F_GETFL);
  int want = lw->direct && lw->blen == DIO_BUF;
  if (fl >= 0 && !!(fl & O_DIRECT) != want &&
      fcntl(lw->fd, F_SETFL, want ? fl | O_DIRECT : fl & ~O_DIRECT))
    lw->direct = want = 0; /* refused: plain writes from now on */
  if (want) {
    ssize_t w;
    while ((w = write(lw->fd, lw->buf, DIO_BUF)) < 0 && errno == EINTR) {}
    if (w == (ssize_t)DIO_BUF) return lw->blen = 0, LF_OK;
    if (w >= 0 || errno != EINVAL) /* a short direct write leaves an unaligned offset */
      return lf_err(err, LF_IO, "%s: write: %s", lw->fp, w < 0 ? strerror(errno) : "short write");
    lw->direct = 0; /* EINVAL: the file system does not do direct I/O after all */
    (void)fcntl(lw->fd, F_SETFL, fl & ~O_DIRECT);
  }
#endif
  int rc = write_all(lw->fd, lw->buf, lw->blen, lw->fp, err);
  if (!rc) lw->blen = 0;
  return rc;
}

static int lw_write(lf_wfile *w, const void *data, size_t len, lf_error *err) {
  local_wfile *lw = (local_wfile *)w;
  if (!lw->buf && posix_memalign((void **)&lw->buf, DIO_ALIGN, DIO_BUF))
    return lw->buf = NULL, lf_err(err, LF_NOMEM, "%s: out of memory", lw->fp);
  const uint8_t *p = data;
  while (len) {
    size_t k = DIO_BUF - lw->blen < len ? DIO_BUF - lw->blen : len;
    memcpy(lw->buf + lw->blen, p, k);
    lw->blen += k;
    p += k;
    len -= k;
    w->written += k;
    int rc = lw->blen == DIO_BUF ? lw_flush(lw, err) : LF_OK;
    if (rc) return rc;
  }
  return LF_OK;
}

static void lw_abort(lf_wfile *w) {
  local_wfile *lw = (local_wfile *)w;
  close(lw->fd);
  unlink(lw->tmp);
  free(lw->buf);
  free(lw);
}

static int lw_finish(lf_wfile *w, lf_error *err) {
  local_wfile *lw = (local_wfile *)w;
  int rc = lw->blen ? lw_flush(lw, err) : LF_OK;
  if (!rc && fsync(lw->fd) != 0) rc = lf_err(err, LF_IO, "%s: fsync: %s", lw->fp, strerror(errno));
  if (close(lw->fd) != 0 && !rc) rc = lf_err(err, LF_IO, "%s: close: %s", lw->fp, strerror(errno));
  if (!rc) rc = publish(lw->tmp, lw->fp, 1, err);
  else unlink(lw->tmp);
  free(lw->buf);
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
  lw->direct = 1;
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
  pthread_mutex_lock(&ls->mu);
  for (int i = 0; i < FD_CACHE; i++)
    if (ls->fds[i].path && !strcmp(ls->fds[i].path, fp)) {
      if (!ls->fds[i].users) close(ls->fds[i].fd); /* else the last user closes it */
      free(ls->fds[i].path);
      ls->fds[i].path = NULL;
    }
  pthread_mutex_unlock(&ls->mu);
  if (unlink(fp) != 0 && !(errno == EISDIR && rmdir(fp) == 0)) { /* empty directories too */
    if (errno == ENOENT) return lf_err(err, LF_NOTFOUND, "%s: no such file", fp);
    return lf_err(err, LF_IO, "%s: cannot delete: %s", fp, strerror(errno));
  }
  return LF_OK;
}

/* Map a new data file (ls->mu held): its size now is the mapping's size. */
static int map_new(local_store *ls, const char *fp, map_slot *m, lf_error *err) {
  if (ls->nmaps == MAP_MAX || !immutable(fp))
    return lf_err(err, LF_UNSUPPORTED, "%s: not mapped", fp);
  int fd = open(fp, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    int e = errno;
    if (fd >= 0) close(fd);
    return lf_err(err, e == ENOENT ? LF_NOTFOUND : LF_IO, "%s: %s", fp, strerror(e));
  }
  void *p = st.st_size > 0 ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0)
                           : MAP_FAILED;
  close(fd);
  char *copy = p != MAP_FAILED ? strdup(fp) : NULL;
  if (!copy) {
    if (p != MAP_FAILED) munmap(p, (size_t)st.st_size);
    return lf_err(err, LF_UNSUPPORTED, "%s: cannot map", fp);
  }
  *m = (map_slot){copy, p, (uint64_t)st.st_size, st.st_dev, st.st_ino};
  ls->maps[ls->nmaps++] = *m;
  return LF_OK;
}

static int local_map(lf_store *s, const char *path, const uint8_t **ptr, uint64_t *len,
                     lf_error *err) {
  local_store *ls = (local_store *)s;
  char fp[4096];
  int rc = full_path(ls, path, fp, sizeof fp, err);
  struct stat st;
  if (!rc && stat(fp, &st) != 0)
    rc = lf_err(err, errno == ENOENT ? LF_NOTFOUND : LF_IO, "%s: %s", fp, strerror(errno));
  if (rc) return rc;
  pthread_mutex_lock(&ls->mu);
  map_slot m = {0};
  int i = 0;
  while (i < ls->nmaps && strcmp(ls->maps[i].path, fp)) i++;
  if (i == ls->nmaps) rc = map_new(ls, fp, &m, err);
  else m = ls->maps[i];
  pthread_mutex_unlock(&ls->mu);
  if (rc) return rc;
  /* the bytes under the mapping must still exist: touching a page past the
  ** end of a file truncated since it was mapped would raise SIGBUS */
  if (st.st_dev != m.dev || st.st_ino != m.ino)
    return lf_err(err, LF_UNSUPPORTED, "%s: replaced since it was mapped", fp);
  if ((uint64_t)st.st_size < m.len)
    return lf_err(err, LF_CORRUPT, "%s: truncated to %llu bytes after it was mapped (%llu)", fp,
                  (unsigned long long)st.st_size, (unsigned long long)m.len);
  *ptr = m.p;
  *len = m.len;
  return LF_OK;
}

static void local_destroy(lf_store *s) {
  local_store *ls = (local_store *)s;
  for (int i = 0; i < FD_CACHE; i++)
    if (ls->fds[i].path) {
      close(ls->fds[i].fd);
      free(ls->fds[i].path);
    }
  for (int i = 0; i < ls->nmaps; i++) {
    munmap((void *)ls->maps[i].p, (size_t)ls->maps[i].len);
    free(ls->maps[i].path);
  }
  pthread_mutex_destroy(&ls->mu);
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
  ls->base.read_many = local_read_many;
  ls->base.list = local_list;
  ls->base.put = local_put;
  ls->base.create = local_create;
  ls->base.remove = local_remove;
  ls->base.destroy = local_destroy;
  ls->base.map = local_map;
  pthread_mutex_init(&ls->mu, NULL);
  *out = &ls->base;
  return LF_OK;
}

void lf_store_free(lf_store *s) {
  if (s) s->destroy(s);
}

int lf_store_map(lf_store *s, const char *path, const uint8_t **ptr, uint64_t *len,
                 lf_error *err) {
  *ptr = NULL;
  *len = 0;
  if (!s->map) return lf_err(err, LF_UNSUPPORTED, "%s: this store cannot map objects", path);
  return s->map(s, path, ptr, len, err);
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
