-- The pruned top k (_k = N: block-max MaxScore for OR, leapfrog for AND and
-- phrases) against the exhaustive order (no _k: every match scored, then
-- ORDER BY _score DESC, rowid LIMIT N) on a table whose index lance_create_index
-- built, then rows appended (flat-searched) and deleted: the same rows with the
-- scores in the same order, and the same rows above the k-th score (rows tied at
-- the k-th score follow LanceDB's rule, which depends on the path: docs/fts.md),
-- for 36 queries x (no filter, prefilters) x (k = 1, 10, 25), with many equal
-- scores (texts repeat).  Each SELECT prints the number of mismatches.
.system rm -rf build/sqlprune && mkdir -p build/sqlprune
CREATE VIRTUAL TABLE d USING lance('build/sqlprune/d.lance', schema='id INT64 NOT NULL, g INT64, body TEXT');
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 2999)
INSERT INTO d SELECT i, i % 3, 'w' || (i * 7919 % 13) || ' w' || (i * 104729 % 31) || ' w' || (i * 1299709 % 61)
  || CASE WHEN i % 4 = 0 THEN ' w' || (i % 5) || ' w' || (i % 5) ELSE '' END
  || CASE WHEN i % 7 = 0 THEN ' filler words make this entry longer than most' ELSE '' END FROM n;
SELECT lance_create_index('d', 'body', 'FTS', 'with_position=true');
WITH RECURSIVE n(i) AS (SELECT 3000 UNION ALL SELECT i + 1 FROM n WHERE i < 3299)
INSERT INTO d SELECT i, i % 3, 'w' || (i % 13) || ' w' || (i % 31) || ' w1' FROM n;
DELETE FROM d WHERE id % 17 = 3;
SELECT count(*) FROM d;
SELECT count(*) FROM d WHERE body MATCH 'w1';
CREATE TEMP TABLE q(q TEXT);
INSERT INTO q VALUES ('w1'), ('w0'), ('w12'), ('w30'), ('w60'), ('w4'), ('w1 w2'), ('w0 w12 w30'),
  ('w3 w3 w7'), ('w59 w1'), ('w10 w20 w30 w40'), ('w2 filler'), ('entry'), ('w5 w6'), ('w9 w29 w59'),
  ('w11 longer'), ('nothing'), ('w1 nothing'),
  ('{"match": {"column": "body", "terms": "w1 w2", "operator": "And"}}'),
  ('{"match": {"column": "body", "terms": "w0 w12", "operator": "And"}}'),
  ('{"match": {"column": "body", "terms": "w3 w7 w0", "operator": "And"}}'),
  ('{"match": {"column": "body", "terms": "filler w4", "operator": "And"}}'),
  ('{"match": {"column": "body", "terms": "w1 w1", "operator": "And"}}'),
  ('{"match": {"column": "body", "terms": "w2 w30", "operator": "And"}}'),
  ('{"match": {"column": "body", "terms": "w1 w3", "fuzziness": 1, "max_expansions": 8, "operator": "And"}}'),
  ('{"match": {"column": "body", "terms": "w12", "fuzziness": 1, "max_expansions": 20}}'),
  ('{"phrase": {"column": "body", "terms": "filler words"}}'),
  ('{"phrase": {"column": "body", "terms": "w1 w1"}}'),
  ('{"phrase": {"column": "body", "terms": "w0 w0"}}'),
  ('{"phrase": {"column": "body", "terms": "entry longer", "slop": 1}}'),
  ('{"phrase": {"column": "body", "terms": "make entry", "slop": 2}}'),
  ('{"phrase": {"column": "body", "terms": "w2 w2 longer"}}'),
  ('{"match": {"column": "body", "terms": "w1 w2", "boost": 2.0}}'),
  ('{"boolean": {"should": [{"match": {"column": "body", "terms": "w1"}}], "must": [{"match": {"column": "body", "terms": "w2"}}]}}'),
  ('{"boost": {"positive": {"match": {"column": "body", "terms": "w1 w5"}}, "negative": {"match": {"column": "body", "terms": "w5"}}}}'),
  ('{"multi_match": {"query": "w1 w4", "columns": ["body"]}}');
SELECT count(*) FROM q;
-- k = 10, no filter
SELECT count(*) FROM q WHERE
  (SELECT group_concat(_score, ' ') FROM (SELECT id, _score FROM d WHERE body MATCH q.q AND _k = 10)) IS NOT (SELECT group_concat(_score, ' ') FROM (SELECT id, _score FROM d WHERE body MATCH q.q ORDER BY _score DESC, rowid LIMIT 10))
  OR (SELECT group_concat(id, ' ') FROM (SELECT id, _score FROM d WHERE body MATCH q.q AND _k = 10) WHERE _score > (SELECT min(_score) FROM (SELECT id, _score FROM d WHERE body MATCH q.q AND _k = 10))) IS NOT
     (SELECT group_concat(id, ' ') FROM (SELECT id, _score FROM d WHERE body MATCH q.q ORDER BY _score DESC, rowid LIMIT 10) WHERE _score > (SELECT min(_score) FROM (SELECT id, _score FROM d WHERE body MATCH q.q ORDER BY _score DESC, rowid LIMIT 10)));
-- k = 1, no filter
SELECT count(*) FROM q WHERE
  (SELECT group_concat(_score, ' ') FROM (SELECT id, _score FROM d WHERE body MATCH q.q AND _k = 1)) IS NOT (SELECT group_concat(_score, ' ') FROM (SELECT id, _score FROM d WHERE body MATCH q.q ORDER BY _score DESC, rowid LIMIT 1))
  OR (SELECT group_concat(id, ' ') FROM (SELECT id, _score FROM d WHERE body MATCH q.q AND _k = 1) WHERE _score > (SELECT min(_score) FROM (SELECT id, _score FROM d WHERE body MATCH q.q AND _k = 1))) IS NOT
     (SELECT group_concat(id, ' ') FROM (SELECT id, _score FROM d WHERE body MATCH q.q ORDER BY _score DESC, rowid LIMIT 1) WHERE _score > (SELECT min(_score) FROM (SELECT id, _score FROM d WHERE body MATCH q.q ORDER BY _score DESC, rowid LIMIT 1)));
-- k = 10 with a prefilter (before the top k)
SELECT count(*) FROM q WHERE
  (SELECT group_concat(_score, ' ') FROM (SELECT id, _score FROM d WHERE body MATCH q.q AND g = 1 AND _k = 10)) IS NOT (SELECT group_concat(_score, ' ') FROM (SELECT id, _score FROM d WHERE body MATCH q.q AND g = 1 ORDER BY _score DESC, rowid LIMIT 10))
  OR (SELECT group_concat(id, ' ') FROM (SELECT id, _score FROM d WHERE body MATCH q.q AND g = 1 AND _k = 10) WHERE _score > (SELECT min(_score) FROM (SELECT id, _score FROM d WHERE body MATCH q.q AND g = 1 AND _k = 10))) IS NOT
     (SELECT group_concat(id, ' ') FROM (SELECT id, _score FROM d WHERE body MATCH q.q AND g = 1 ORDER BY _score DESC, rowid LIMIT 10) WHERE _score > (SELECT min(_score) FROM (SELECT id, _score FROM d WHERE body MATCH q.q AND g = 1 ORDER BY _score DESC, rowid LIMIT 10)));
-- k = 25 with a selective prefilter (the top k asked again with a larger k)
SELECT count(*) FROM q WHERE
  (SELECT group_concat(_score, ' ') FROM (SELECT id, _score FROM d WHERE body MATCH q.q AND id BETWEEN 100 AND 399 AND _k = 25)) IS NOT (SELECT group_concat(_score, ' ') FROM (SELECT id, _score FROM d WHERE body MATCH q.q AND id BETWEEN 100 AND 399 ORDER BY _score DESC, rowid LIMIT 25))
  OR (SELECT group_concat(id, ' ') FROM (SELECT id, _score FROM d WHERE body MATCH q.q AND id BETWEEN 100 AND 399 AND _k = 25) WHERE _score > (SELECT min(_score) FROM (SELECT id, _score FROM d WHERE body MATCH q.q AND id BETWEEN 100 AND 399 AND _k = 25))) IS NOT
     (SELECT group_concat(id, ' ') FROM (SELECT id, _score FROM d WHERE body MATCH q.q AND id BETWEEN 100 AND 399 ORDER BY _score DESC, rowid LIMIT 25) WHERE _score > (SELECT min(_score) FROM (SELECT id, _score FROM d WHERE body MATCH q.q AND id BETWEEN 100 AND 399 ORDER BY _score DESC, rowid LIMIT 25)));
-- rows tied at the k-th score: LanceDB's rule (docs/fts.md) keeps other rows than
-- the lowest row ids for some queries
SELECT count(*) FROM q WHERE
  (SELECT group_concat(id, ' ') FROM (SELECT id FROM d WHERE body MATCH q.q AND _k = 10)) IS NOT
  (SELECT group_concat(id, ' ') FROM (SELECT id FROM d WHERE body MATCH q.q ORDER BY _score DESC, rowid LIMIT 10));
-- the answers are not empty
SELECT sum((SELECT count(*) FROM d WHERE body MATCH q.q AND _k = 10)) FROM q;
SELECT sum((SELECT count(*) FROM d WHERE body MATCH q.q AND id BETWEEN 100 AND 399 AND _k = 25)) FROM q;
