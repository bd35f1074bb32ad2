/*
** write_async.c: owns the writer's worker thread (lf_writer_start_worker,
** lf_writer_submit): batches of rows are shredded, encoded and written to
** the data file on a second thread while the caller builds the next ones.
**
** A ring of LF_WQ_DEPTH slots, each a set of top-level arrays (one per
** schema field, lf_array_init'd for it).  lf_writer_submit swaps the
** caller's filled arrays with the next free slot's empty ones (no copy) and
** wakes the worker; it blocks while every slot is taken, so memory stays at
** LF_WQ_DEPTH + 1 batches.  The worker takes slots in submission order and
** runs the same lf_writer_write the caller would have: the file is byte for
** byte the one the single-threaded writer makes.
**
** Errors: the first one the worker meets (I/O, memory) is kept; the worker
** then skips the remaining batches (the writer is failed), and the next
** lf_writer_submit or lf_wqueue_stop returns it.  Stopping with `abandon`
** (lf_writer_abort) skips the batches not started yet.
*/
#include "lf_int.h"
#include "lf_write.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define LF_WQ_DEPTH 2

typedef struct wslot {
  lf_array *cols;   /* nf arrays */
  uint64_t n;       /* rows in them */
} wslot;

struct lf_wqueue {
  lf_writer *w;
  int nf;
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t work, room;       /* worker: a slot was filled; caller: one was freed */
  wslot slot[LF_WQ_DEPTH];
  int head, count;                 /* next slot for the worker; filled slots */
  int stop, abandon, started;
  int rc;                          /* the worker's first error, or LF_OK */
  lf_error err;
};

static void slot_clear(lf_wqueue *q, wslot *s) {
  for (int i = 0; i < q->nf; i++) lf_array_clear(&s->cols[i]);
  s->n = 0;
}

static void *worker(void *arg) {
  lf_wqueue *q = arg;
  pthread_mutex_lock(&q->mu);
  for (;;) {
    while (!q->count && !q->stop) pthread_cond_wait(&q->work, &q->mu);
    if (!q->count) break; /* stopped, nothing left */
    wslot *s = &q->slot[q->head];
    int skip = q->rc || q->abandon;
    pthread_mutex_unlock(&q->mu);
    lf_error e = {0};
    int rc = skip ? LF_OK : lf_writer_write_rows(q->w, s->cols, s->n, &e);
    slot_clear(q, s);
    pthread_mutex_lock(&q->mu);
    if (rc && !q->rc) {
      q->rc = rc;
      q->err = e;
    }
    q->head = (q->head + 1) % LF_WQ_DEPTH;
    q->count--;
    pthread_cond_signal(&q->room);
  }
  pthread_mutex_unlock(&q->mu);
  return NULL;
}

static void queue_free(lf_wqueue *q) {
  for (int k = 0; k < LF_WQ_DEPTH; k++) {
    for (int i = 0; q->slot[k].cols && i < q->nf; i++) lf_array_reset(&q->slot[k].cols[i]);
    free(q->slot[k].cols);
  }
  if (q->started) {
    pthread_cond_destroy(&q->work);
    pthread_cond_destroy(&q->room);
    pthread_mutex_destroy(&q->mu);
  }
  free(q);
}

int lf_wqueue_start(lf_writer *w, const lf_schema *schema, lf_wqueue **out, lf_error *err) {
  lf_wqueue *q = calloc(1, sizeof *q);
  *out = NULL;
  if (!q) return lf_err(err, LF_NOMEM, "out of memory");
  q->w = w;
  q->nf = schema->n_fields;
  for (int k = 0; k < LF_WQ_DEPTH; k++) {
    if (!(q->slot[k].cols = calloc((size_t)q->nf + 1, sizeof *q->slot[k].cols))) {
      queue_free(q);
      return lf_err(err, LF_NOMEM, "out of memory");
    }
    for (int i = 0; i < q->nf; i++) lf_array_init(&q->slot[k].cols[i], schema->fields[i]);
  }
  if (pthread_mutex_init(&q->mu, NULL)) {
    queue_free(q);
    return lf_err(err, LF_NOMEM, "cannot create a mutex");
  }
  pthread_cond_init(&q->work, NULL);
  pthread_cond_init(&q->room, NULL);
  q->started = 1;
  if (pthread_create(&q->th, NULL, worker, q)) {
    queue_free(q);
    return lf_err(err, LF_NOMEM, "cannot start the writer thread");
  }
  *out = q;
  return LF_OK;
}

/* The worker's error into err (LF_OK when none).  Called with mu held. */
static int worker_error(lf_wqueue *q, lf_error *err) {
  if (!q->rc) return LF_OK;
  if (err) *err = q->err;
  return q->rc;
}

int lf_wqueue_submit(lf_wqueue *q, lf_array *cols, uint64_t n, lf_error *err) {
  pthread_mutex_lock(&q->mu);
  while (q->count == LF_WQ_DEPTH && !q->rc) pthread_cond_wait(&q->room, &q->mu);
  int rc = worker_error(q, err);
  if (!rc) {
    wslot *s = &q->slot[(q->head + q->count) % LF_WQ_DEPTH];
    for (int i = 0; i < q->nf; i++) { /* the caller gets the slot's empty arrays */
      lf_array t = s->cols[i];
      s->cols[i] = cols[i];
      cols[i] = t;
    }
    s->n = n;
    q->count++;
    pthread_cond_signal(&q->work);
  }
  pthread_mutex_unlock(&q->mu);
  return rc;
}

int lf_wqueue_stop(lf_wqueue *q, int abandon, lf_error *err) {
  pthread_mutex_lock(&q->mu);
  q->stop = 1;
  q->abandon = abandon;
  pthread_cond_signal(&q->work);
  pthread_mutex_unlock(&q->mu);
  pthread_join(q->th, NULL);
  int rc = worker_error(q, err);
  queue_free(q);
  return rc;
}
