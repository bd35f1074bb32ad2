-- lance_merge_insert: LanceDB's merge_insert (upsert) from a query, one version in
-- autocommit, part of the caller's transaction inside BEGIN; every option and every
-- error word for word (nothing is written by a failed merge).
.system rm -rf build/sqlmi && mkdir -p build/sqlmi
CREATE VIRTUAL TABLE t USING lance('build/sqlmi/t.lance', schema='id INT64, v TEXT, n INT64');
INSERT INTO t VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3);
CREATE TABLE staging(id, v, n);
INSERT INTO staging VALUES (2, 'B', 20), (4, 'D', 40);
SELECT lance_merge_insert('t', 'id', 'SELECT * FROM staging', 'when_matched=update_all when_not_matched=insert when_not_matched_by_source=keep');
SELECT * FROM t ORDER BY id;
SELECT version, operation FROM lance_versions('t');
-- conditions: SQL over target.<col> and source.<col>; spaces allowed in a value
SELECT lance_merge_insert('t', 'id', 'SELECT 3 AS id, ''C'' AS v, 30 AS n UNION ALL SELECT 4, ''X'', 4', 'when_matched=update_if=source.n > target.n when_not_matched_by_source=delete_if=n < 2');
SELECT * FROM t ORDER BY id;
-- NULL keys never match: inserted, and a by-source delete removes every target row
SELECT lance_merge_insert('t', 'id', 'SELECT NULL AS id, ''null'' AS v, 0 AS n', 'when_not_matched=insert');
SELECT count(*), count(id) FROM t;
-- inside a transaction: the merge sees the transaction's rows, its COMMIT makes the version
BEGIN;
INSERT INTO t VALUES (9, 'i', 9);
SELECT lance_merge_insert('t', 'id', 'SELECT 9 AS id, ''I'' AS v, 90 AS n', 'when_matched=update_all');
SELECT * FROM t WHERE id = 9;
COMMIT;
SELECT max(version), count(*) FROM lance_versions('t');
BEGIN;
SELECT lance_merge_insert('t', 'id', 'SELECT * FROM staging', 'when_not_matched_by_source=delete');
SELECT count(*) FROM t;
ROLLBACK;
SELECT count(*), max(_version) FROM t;
-- errors
SELECT lance_merge_insert('t', 'idx', 'SELECT * FROM staging', 'when_not_matched=insert');
SELECT lance_merge_insert('nope', 'id', 'SELECT * FROM staging', 'when_not_matched=insert');
SELECT lance_merge_insert('build/sqlmi/t.lance', 'id', 'SELECT * FROM staging', 'when_not_matched=insert');
SELECT lance_merge_insert('t', 'id', 'SELECT * FROM nope', 'when_not_matched=insert');
SELECT lance_merge_insert('t', 'id', 'SELECT id FROM staging', 'when_not_matched=insert');
SELECT lance_merge_insert('t', 'id', 'SELECT v, n FROM staging', 'when_not_matched_by_source=delete');
SELECT lance_merge_insert('t', 'id', 'SELECT * FROM staging');
SELECT lance_merge_insert('t', 'id', 'SELECT * FROM staging', 'when_matched=upsert');
SELECT lance_merge_insert('t', 'id', 'SELECT * FROM staging', 'when_not_matched=update');
SELECT lance_merge_insert('t', 'id', 'SELECT * FROM staging', 'when_not_matched_by_source=drop');
SELECT lance_merge_insert('t', 'id', 'SELECT * FROM staging', 'foo=1');
SELECT lance_merge_insert('t', 'id', 'SELECT * FROM staging', 'when_matched=update_all when_matched=do_nothing');
SELECT lance_merge_insert('t', 'id', 'SELECT * FROM staging UNION ALL SELECT * FROM staging', 'when_matched=update_all');
SELECT lance_merge_insert('t', 'id', 'SELECT * FROM staging', 'when_matched=update_if=nosuch > 1');
SELECT lance_merge_insert('t', 'id', 'SELECT * FROM staging', 'when_not_matched_by_source=delete_if=source.n > 1');
SELECT lance_merge_insert('t', 'id', 'SELECT 5 AS id, ''e'' AS v, ''five'' AS n', 'when_not_matched=insert');
SELECT lance_merge_insert('t', 'id', 'SELECT * FROM staging', 7);
SELECT lance_merge_insert('t', 1, 'SELECT * FROM staging');
CREATE VIRTUAL TABLE old USING lance('build/sqlmi/t.lance', version=2);
SELECT lance_merge_insert('old', 'id', 'SELECT * FROM staging', 'when_not_matched=insert');
SELECT count(*), max(_version) FROM t;
.system rm -rf build/sqlmi
