-- Vector search options: _options = 'key=value ...' (metric, threads, exact,
-- nprobes, refine_factor, ef, distance_range), parsed strictly; threads=2
-- gives exactly the rows and distances of threads=1.  Fixture as vtab_knn.sql
-- (test/sql/data/vectors.lance: deleted rows, rows without a vector, ties).
CREATE VIRTUAL TABLE v USING lance('test/sql/data/vectors.lance');
CREATE TEMP TABLE q(name, vec);
INSERT INTO q SELECT 'row' || id, v8 FROM v WHERE id IN (9, 123, 250, 299) AND v8 IS NOT NULL;
INSERT INTO q VALUES ('axis2', vec_f32('[0,0,1,0,0,0,0,0]'));
CREATE TEMP TABLE cfg(metric, k, filt);
INSERT INTO cfg VALUES ('l2', 1, -1), ('l2', 7, -1), ('l2', 50, 0.5), ('cosine', 5, -1), ('cosine', 40, 0.9), ('dot', 12, -1);
-- threads=1 and threads=2 against the plain search: same rows, same order, same
-- distances, also with a prefilter (score > filt, pushed)
CREATE TEMP TABLE r AS SELECT q.name, cfg.metric, cfg.k, cfg.filt,
  (SELECT group_concat(_rowid || ':' || _distance) FROM (SELECT _rowid, _distance FROM v WHERE v8 MATCH q.vec AND _k = cfg.k AND _metric = cfg.metric AND score > cfg.filt)) AS plain,
  (SELECT group_concat(_rowid || ':' || _distance) FROM (SELECT _rowid, _distance FROM v WHERE v8 MATCH q.vec AND _k = cfg.k AND _options = 'threads=1 metric=' || cfg.metric AND score > cfg.filt)) AS t1,
  (SELECT group_concat(_rowid || ':' || _distance) FROM (SELECT _rowid, _distance FROM v WHERE v8 MATCH q.vec AND _k = cfg.k AND _options = 'threads=2 metric=' || cfg.metric AND score > cfg.filt)) AS t2
  FROM q, cfg;
SELECT count(*), sum(plain = t1), sum(plain = t2), sum(plain IS NULL) FROM r;
SELECT name, metric, k, filt FROM r WHERE plain IS NOT t1 OR plain IS NOT t2;
-- the rows themselves, threads=2, ties (rows 9..12 share a vector) by row id
SELECT id, _distance FROM v WHERE v8 MATCH (SELECT vec FROM q WHERE name = 'row9') AND _k = 6 AND _options = 'threads=2';
-- threads=2 over an older version (one fragment)
SELECT group_concat(id) FROM (SELECT id FROM v(1) WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 5 AND _options = 'threads=2');
SELECT group_concat(id) FROM (SELECT id FROM v(1) WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 5);
-- the options and the metric they give, as hidden columns
SELECT _metric, _options FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 1 AND _options = 'metric=cosine exact=1';
SELECT _metric, _options FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 1 AND _metric = 'euclidean' AND _options = '  metric=l2  ';
SELECT _metric, _options IS NULL FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 1;
-- accepted for vector indexes, no effect yet: the same rows
SELECT (SELECT group_concat(id) FROM (SELECT id FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 5 AND _options = 'nprobes=20 refine_factor=10 ef=64 exact=0'))
     = (SELECT group_concat(id) FROM (SELECT id FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 5));
-- distance_range=lo,hi is lo <= _distance < hi, applied before the top k
SELECT (SELECT group_concat(id) FROM (SELECT id FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 10 AND _options = 'distance_range=1.5,2.5'))
     = (SELECT group_concat(id) FROM (SELECT id FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 10 AND _distance >= 1.5 AND _distance < 2.5));
SELECT min(_distance) >= 1.5, max(_distance) < 2.5, count(*) FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 10 AND _options = 'distance_range=1.5,2.5 threads=2';
SELECT max(_distance) < 1 FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 10 AND _options = 'distance_range=,1';
SELECT min(_distance) >= 2.5, count(*) FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 10 AND _options = 'distance_range=2.5,';
-- with _distance bounds too: the narrower of each bound
SELECT min(_distance) > 2, max(_distance) < 2.5 FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 10 AND _distance > 2 AND _options = 'distance_range=1.5,2.5';
SELECT count(*) FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 10 AND _options = '';
-- errors: one message naming the option
SELECT id FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 3 AND _options = 'nprobe=20';
SELECT id FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 3 AND _options = 'threads';
SELECT id FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 3 AND _options = 'threads=0';
SELECT id FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 3 AND _options = 'threads=two';
SELECT id FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 3 AND _options = 'exact=yes';
SELECT id FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 3 AND _options = 'nprobes=0';
SELECT id FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 3 AND _options = 'refine_factor=-1';
SELECT id FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 3 AND _options = 'ef=1.5';
SELECT id FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 3 AND _options = 'distance_range=0.5';
SELECT id FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 3 AND _options = 'distance_range=a,1';
SELECT id FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 3 AND _options = 'metric=manhattan';
SELECT id FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 3 AND _options = 'metric=cosine metric=l2';
SELECT id FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 3 AND _metric = 'l2' AND _options = 'metric=cosine';
SELECT id FROM v WHERE v8 MATCH '[0,0,1,0,0,0,0,0]' AND _k = 3 AND _options = '=1';
