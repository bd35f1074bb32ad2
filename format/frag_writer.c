/*
** frag_writer.c: owns writing rows into new fragments of a dataset (one
** data file each), as permutations and materialized views need: rows come
** a batch at a time as lf_arrays of every top-level field; a fragment is
** closed after the batch that brings it to max_rows rows or more (batches
** are not split); lf_frag_writer_finish closes the last
** and leaves the fragments ready for lf_commit.  A failure, or
** lf_frag_writer_reset(..., 1), removes every file written.
*/
#include "lf_int.h"
#include "lf_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lf_frag_writer_init(lf_frag_writer *fw, lf_store *s, const char *root,
                         const lf_schema *schema, int major, int minor, uint64_t max_rows) {
  memset(fw, 0, sizeof *fw);
  fw->store = s, fw->root = root, fw->schema = schema;
  fw->major = major, fw->minor = minor;
  fw->max_rows = max_rows ? max_rows : 1024 * 1024;
}

/* Close the open file into the next fragment. */
static int close_file(lf_frag_writer *fw, lf_error *err) {
  if (!fw->w) return LF_OK;
  if (fw->n == fw->cap) {
    int nc = fw->cap ? 2 * fw->cap : 4;
    lf_data_file *f = realloc(fw->files, (size_t)nc * sizeof *f);
    if (f) fw->files = f;
    lf_new_fragment *g = f ? realloc(fw->frags, (size_t)nc * sizeof *g) : NULL;
    if (g) fw->frags = g;
    if (!f || !g) {
      lf_writer_abort(fw->w);
      fw->w = NULL;
      return lf_err(err, LF_NOMEM, "out of memory");
    }
    fw->cap = nc;
  }
  uint64_t rows = lf_writer_rows(fw->w);
  memset(&fw->files[fw->n], 0, sizeof fw->files[fw->n]);
  int rc = lf_writer_finish(fw->w, &fw->files[fw->n], err);
  fw->w = NULL;
  if (rc) return rc;
  memset(&fw->frags[fw->n], 0, sizeof fw->frags[fw->n]);
  fw->frags[fw->n].physical_rows = rows;
  fw->n++;
  fw->rows += rows;
  return LF_OK;
}

int lf_frag_writer_write(lf_frag_writer *fw, const lf_array *cols, uint64_t n, lf_error *err) {
  if (n == 0) return LF_OK;
  if (!fw->w) {
    char name[64];
    lf_data_file_name(name, sizeof name);
    int rc = lf_writer_open(fw->store, fw->root, name, fw->schema, fw->major, fw->minor, &fw->w,
                            err);
    if (rc) return rc;
  }
  int rc = lf_writer_write(fw->w, cols, n, err);
  if (!rc && lf_writer_rows(fw->w) >= fw->max_rows) rc = close_file(fw, err);
  return rc;
}

int lf_frag_writer_finish(lf_frag_writer *fw, lf_error *err) {
  int rc = close_file(fw, err);
  for (int i = 0; !rc && i < fw->n; i++) {
    fw->frags[i].n_files = 1;
    fw->frags[i].files = &fw->files[i];
  }
  return rc;
}

void lf_frag_writer_reset(lf_frag_writer *fw, int remove_files) {
  lf_error e = {0};
  if (fw->w) lf_writer_abort(fw->w);
  for (int i = 0; i < fw->n; i++) {
    char rel[128], *p;
    snprintf(rel, sizeof rel, "data/%s", fw->files[i].path);
    if (remove_files && (p = lf_path_join(fw->root, rel))) {
      fw->store->remove(fw->store, p, &e);
      free(p);
    }
    lf_data_file_reset(&fw->files[i]);
  }
  free(fw->files);
  free(fw->frags);
  memset(fw, 0, sizeof *fw);
}
