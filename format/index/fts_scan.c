/*
** fts_scan.c: owns the scan of an FTS index build (fts_build.c): the text
** column's live rows read and tokenized, the tokens added to the writer in
** row order.
**
** With two or more CPUs a worker thread reads and tokenizes batch k + 1 (its
** own tokenizer: they are not thread-safe) into a token stream
** (lf_fts_stream_doc) while the caller's thread adds batch k to the writer
** (lf_fts_writer_stream); two stream buffers alternate, so memory is two
** batches of tokens.  The writer sees the same documents in the same order
** as with one thread, so the index is byte for byte the same.  The progress
** callback is asked before each batch is added; a stop, or an error on either
** side, ends the worker after the batch in hand.
*/
#include "fts_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SCAN_BATCH 4096

typedef struct fts_pipe {
  lf_scan *sc;
  lf_tok *tok;
  lf_buf buf[2];
  uint64_t rows[2];            /* rows read into each buffer's batch */
  int full[2];
  int end, stop, rc;           /* worker: no more batches; caller: stop; worker's status */
  lf_error err;                /* the worker's error */
  pthread_mutex_t mu;
  pthread_cond_t cv;
} fts_pipe;

/* Read and tokenize the next batch into buf[i]: 1, or 0 when there are no
** more rows or it failed (q->rc and q->err set). */
static int produce(fts_pipe *q, int i) {
  const lf_scan_batch *b;
  int rc = lf_scan_next(q->sc, SCAN_BATCH, &b, &q->err);
  if (rc || !b->n) return q->rc = rc, 0;
  lf_buf_clear(&q->buf[i]);
  const lf_array *a = &b->cols[0];
  for (uint64_t r = 0; !rc && r < b->n; r++)
    if (!lf_array_is_null(a, r))
      rc = lf_fts_stream_doc(q->tok, b->rowids[r], (const char *)a->data + a->offsets[r],
                             a->offsets[r + 1] - a->offsets[r], &q->buf[i], &q->err);
  q->rows[i] = b->n;
  if (rc) q->rc = rc;
  return !rc;
}

static void *worker(void *arg) {
  fts_pipe *q = arg;
  pthread_mutex_lock(&q->mu);
  for (int i = 0; !q->end; i ^= 1) {
    while (q->full[i] && !q->stop) pthread_cond_wait(&q->cv, &q->mu);
    if (q->stop) break;
    pthread_mutex_unlock(&q->mu);
    int rc = produce(q, i);
    pthread_mutex_lock(&q->mu);
    if (rc) q->full[i] = 1;
    else q->end = 1;
    pthread_cond_broadcast(&q->cv);
  }
  q->end = 1;
  pthread_cond_broadcast(&q->cv);
  pthread_mutex_unlock(&q->mu);
  return NULL;
}

/* Take buffer i once the worker filled it: 1, or 0 when it ended instead. */
static int wait_full(fts_pipe *q, int i) {
  pthread_mutex_lock(&q->mu);
  while (!q->full[i] && !q->end) pthread_cond_wait(&q->cv, &q->mu);
  int got = q->full[i];
  pthread_mutex_unlock(&q->mu);
  return got;
}

static void release(fts_pipe *q, int i, int stop) {
  pthread_mutex_lock(&q->mu);
  q->full[i] = 0;
  q->stop |= stop;
  pthread_cond_broadcast(&q->cv);
  pthread_mutex_unlock(&q->mu);
}

/* Add the worker's batches in order; with threaded 0 each batch is made
** here just before it is added. */
static int consume(fts_pipe *q, lf_fts_writer *w, int threaded, const lf_fts_scan_req *req,
                   uint64_t total, lf_error *err) {
  uint64_t done = 0;
  for (int i = 0;; i ^= threaded) {
    if (req->progress && req->progress(req->progress_ctx, done, total)) {
      if (threaded) release(q, i, 1);
      return lf_err(err, LF_INTERRUPTED, "%s: index build interrupted", req->shown);
    }
    int got;
    if (threaded) got = wait_full(q, i);
    else got = produce(q, i);
    if (!got) return LF_OK; /* the worker's status, if any, is the caller's */
    int rc = lf_fts_writer_stream(w, q->buf[i].p, q->buf[i].len, err);
    done += q->rows[i];
    if (threaded) release(q, i, rc != LF_OK);
    if (rc) return rc;
  }
}

static int online_cpus(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

int lf_fts_scan_docs(const lf_fts_scan_req *req, lf_fts_writer *w, lf_error *err) {
  fts_pipe q;
  memset(&q, 0, sizeof q);
  int rc = lf_tok_new(req->tok, &q.tok, err);
  if (!rc) rc = lf_scan_open(req->ds, req->s, &req->field, 1, &q.sc, err);
  if (!rc && req->nskip) rc = lf_scan_exclude(q.sc, req->skip, req->nskip, err);
  int threaded = !rc && online_cpus() > 1;
  pthread_t th;
  if (threaded) {
    pthread_mutex_init(&q.mu, NULL);
    pthread_cond_init(&q.cv, NULL);
    if (pthread_create(&th, NULL, worker, &q)) {
      pthread_mutex_destroy(&q.mu);
      pthread_cond_destroy(&q.cv);
      threaded = 0;
    }
  }
  if (!rc) rc = consume(&q, w, threaded, req, req->total, err);
  if (threaded) {
    pthread_join(th, NULL);
    pthread_mutex_destroy(&q.mu);
    pthread_cond_destroy(&q.cv);
  }
  if (!rc && q.rc) {
    *err = q.err;
    rc = q.rc;
  }
  lf_scan_free(q.sc);
  lf_tok_free(q.tok);
  lf_buf_reset(&q.buf[0]);
  lf_buf_reset(&q.buf[1]);
  return rc;
}
