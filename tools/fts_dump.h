/*
** fts_dump.h: lance-dump's --fts-index mode (fts_dump.c).
*/
#ifndef FTS_DUMP_H
#define FTS_DUMP_H

#include "store.h"

/* Print every posting of the FTS index `which` (a name or a uuid) of the
** dataset at root, one JSON object a line (docs/lance-dump.md). */
int fts_dump(lf_store *store, const char *root, const char *which, lf_error *err);

#endif
