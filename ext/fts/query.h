/*
** query.h: full-text queries (ext/fts/query.c): the text a `col MATCH '...'` or an
** fts() call gives, parsed into a tree of query nodes.
**
** Plain text is a `match` query on the MATCH column (OR of its terms).  Text that
** starts with '{' is one of LanceDB's JSON query objects, spelled as Lance
** serialises its FtsQuery (serde, snake_case):
**
**   {"match": {"column": C, "terms": T, "boost": 1.0, "fuzziness": 0,
**              "max_expansions": 50, "operator": "Or", "prefix_length": 0}}
**   {"phrase": {"column": C, "terms": T, "slop": 0}}
**   {"boost": {"positive": Q, "negative": Q, "negative_boost": 0.5}}
**   {"multi_match": {"query": T, "columns": [C...], "boost": [B...]}}
**   {"boolean": {"should": [Q...], "must": [Q...], "must_not": [Q...]}}
**
** Defaults are Lance's deserialisation defaults: a missing "column" is the MATCH
** column; a missing or null "fuzziness" is Lance's None, FTSQ_FUZZY_AUTO (Lance
** calls it automatic fuzziness, but LanceDB 0.39 searches such a match exactly,
** as fuzziness 0: checked by test/interop/fts_query_*); "operator" is "And" or
** "Or" in any case.  Unknown keys and wrong types are errors.
** No SQLite here: the parser uses malloc and is unit-tested on its own.
*/
#ifndef LANCE_FTS_QUERY_H
#define LANCE_FTS_QUERY_H

typedef enum fts_qkind {
  FTSQ_MATCH, FTSQ_PHRASE, FTSQ_BOOST, FTSQ_MULTI_MATCH, FTSQ_BOOLEAN
} fts_qkind;

#define FTSQ_FUZZY_AUTO (-1)

typedef struct fts_query fts_query;
struct fts_query {
  fts_qkind kind;
  /* match, phrase: the column (never NULL after parsing) and the text */
  char *column;
  char *terms;
  /* match */
  double boost;          /* >= 0, finite; 1.0 */
  int fuzziness;         /* edit distance, or FTSQ_FUZZY_AUTO (exact); 0 = exact */
  int max_expansions;    /* 50 */
  int op_and;            /* operator And (all terms); 0 = Or */
  int prefix_length;     /* 0 */
  /* phrase */
  int slop;              /* 0 */
  /* boost: score(positive) - negative_boost * score(negative), rows of positive */
  fts_query *positive, *negative;
  double negative_boost; /* 0.5 */
  /* multi_match: one match query per column (kind FTSQ_MATCH, own boost) */
  /* boolean */
  int n_should, n_must, n_must_not;
  fts_query **should, **must, **must_not;
  /* multi_match keeps its per-column match queries in `should` */
};

/* Parse z (NUL-terminated) into *out; column is the MATCH column (the default).
** Returns 0, or -1 with a sentence in err[0..errcap) (out of memory: "out of
** memory").  *out is malloc'd: fts_query_free. */
int fts_query_parse(const char *z, const char *column, fts_query **out, char *err, int errcap);
void fts_query_free(fts_query *q);

#endif
