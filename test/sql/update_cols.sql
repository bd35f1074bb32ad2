-- UPDATE's column-only path (ext/vtab/update_cols.c): an autocommit UPDATE that leaves
-- some columns alone and covers >= 64 rows and >= 1/8 of the rows of the fragments it touches writes new
-- column files (DataReplacement, or Merge when the column shares a data file) instead of
-- delete + append; fewer rows, or inside BEGIN ... COMMIT, the row path (Update).
.system rm -rf build/sqlupd && mkdir -p build/sqlupd
CREATE VIRTUAL TABLE t USING lance('build/sqlupd/t.lance', schema='id INT64 NOT NULL, name TEXT, score FLOAT64, v FLOAT32[3] NOT NULL', enable_stable_row_ids=1);
WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 399)
INSERT INTO t SELECT i, 'n' || i, i / 2.0, vec_f32(json_array(i, 0, 1)) FROM c;
DELETE FROM t WHERE id IN (0, 17, 399);
CREATE TEMP TABLE before AS SELECT id, _rowid AS rid, _rowaddr AS addr FROM t;
-- half the rows of the fragment, score shares the data file: Merge
UPDATE t SET score = -score WHERE id % 2 = 0;
SELECT version, operation FROM lance_versions('t') WHERE version > 3;
SELECT count(*), sum(score), count(name), sum(id) FROM t;
-- row ids and addresses stay
SELECT count(*) FROM t JOIN before b ON b.id = t.id WHERE b.rid = t._rowid AND b.addr = t._rowaddr;
-- score has its own file now: DataReplacement; two columns, a NOT NULL vector
UPDATE t SET score = 1, v = vec_f32(json_array(id, 1, 1)) WHERE id > 200;
SELECT version, operation FROM lance_versions('t') WHERE version > 4;
SELECT id, name, score, vec_to_json(v) FROM t WHERE id IN (1, 2, 16, 18, 201, 398) ORDER BY id;
-- two rows of 397: delete + append (row ids kept)
UPDATE t SET name = 'x' WHERE id IN (3, 4);
SELECT version, operation FROM lance_versions('t') WHERE version > 5;
SELECT id, name, score FROM t WHERE id BETWEEN 2 AND 5 ORDER BY id;
SELECT count(*) FROM t JOIN before b ON b.id = t.id WHERE b.rid = t._rowid;
-- 60 rows (under 64): the row path
UPDATE t SET score = 0.5 WHERE id BETWEEN 300 AND 359;
SELECT version, operation FROM lance_versions('t') WHERE version > 6;
-- inside a transaction: the row path, each statement sees the one before
BEGIN;
UPDATE t SET score = 7 WHERE id % 3 = 0;
SELECT count(*) FROM t WHERE score = 7;
UPDATE t SET name = 'seven' WHERE score = 7;
COMMIT;
SELECT version, operation FROM lance_versions('t') WHERE version > 7;
SELECT count(*) FROM t WHERE name = 'seven';
-- errors leave no version behind
UPDATE t SET v = NULL WHERE id > 10;
UPDATE t SET v = 'abc' WHERE id > 10;
SELECT max(version) FROM lance_versions('t');
-- an indexed column takes the row path
SELECT lance_create_index('t', 'id', 'BTREE', '') > 0;
UPDATE t SET id = id + 1000 WHERE id > 0;
SELECT version, operation FROM lance_versions('t') WHERE version > 8;
SELECT min(id), max(id), count(*) FROM t;
-- an unindexed one again the column path; the deleted rows stay deleted
UPDATE t SET score = id WHERE id > 0;
SELECT version, operation FROM lance_versions('t') WHERE version > 10;
SELECT count(*), sum(score) = sum(id) FROM t;
SELECT count(*) FROM t WHERE id IN (1000, 1017, 1399);
