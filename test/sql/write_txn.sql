-- Transactions as SQLite runs them: each statement sees the rows the
-- transaction inserted, updated and deleted before it; a row changed twice;
-- SAVEPOINT / RELEASE / ROLLBACK TO; a failed statement undone alone; one
-- Lance version per transaction; ROLLBACK leaves no file behind; reads
-- between writes leave one fragment after COMMIT; stable row ids kept.
.system rm -rf build/sqltx && mkdir -p build/sqltx
CREATE VIRTUAL TABLE t USING lance('build/sqltx/t.lance', schema='id INT64 NOT NULL, v INT64, s TEXT');
INSERT INTO t VALUES (1, 10, 'a'), (2, 20, 'b'), (3, 30, 'c');
BEGIN;
INSERT INTO t VALUES (4, 40, 'd');
SELECT count(*), sum(v) FROM t;
DELETE FROM t WHERE v > 25;
UPDATE t SET v = v + 1 WHERE id >= 2;
UPDATE t SET v = v * 100 WHERE id = 2;
SELECT id, v, s FROM t ORDER BY id;
INSERT INTO t SELECT id + 10, v, s || '2' FROM t;
SELECT id, v, s FROM t ORDER BY id;
COMMIT;
SELECT version, operation, row_count FROM lance_versions('t');
SELECT count(*) FROM lance_fragments('t');
SELECT id, v, s FROM t ORDER BY id;
-- savepoints, nested; ROLLBACK TO keeps the savepoint open
BEGIN;
DELETE FROM t WHERE id = 1;
SAVEPOINT a;
INSERT INTO t VALUES (5, 50, 'e');
SAVEPOINT b;
UPDATE t SET s = 'changed';
SELECT group_concat(id || s) FROM (SELECT id, s FROM t ORDER BY id);
ROLLBACK TO b;
SELECT group_concat(id || s) FROM (SELECT id, s FROM t ORDER BY id);
DELETE FROM t WHERE id = 5;
ROLLBACK TO a;
SELECT group_concat(id || s) FROM (SELECT id, s FROM t ORDER BY id);
INSERT INTO t VALUES (6, 60, 'f');
RELEASE a;
SELECT group_concat(id || s) FROM (SELECT id, s FROM t ORDER BY id);
COMMIT;
SELECT max(version), count(*) FROM lance_versions('t');
SELECT group_concat(id || s) FROM (SELECT id, s FROM t ORDER BY id);
-- SAVEPOINT outside BEGIN is a transaction too; ROLLBACK leaves no data file
SAVEPOINT x;
INSERT INTO t VALUES (7, 70, 'g');
SELECT count(*) FROM t;
ROLLBACK TO x;
INSERT INTO t VALUES (8, 80, 'h');
RELEASE x;
SELECT max(version), count(*) FROM lance_versions('t');
.system ls build/sqltx/t.lance/data | wc -l
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000)
INSERT INTO t(id, v) SELECT 1000 + x, x FROM c;
SELECT count(*) FROM t;
ROLLBACK;
.system ls build/sqltx/t.lance/data | wc -l
SELECT max(_version), count(*) FROM t;
-- rows spilled to a file then rolled back to a savepoint: no version, no file left
SAVEPOINT y;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000)
INSERT INTO t(id, v) SELECT 1000 + x, x FROM c;
SELECT count(*) FROM t;
ROLLBACK TO y;
SELECT count(*) FROM t;
RELEASE y;
.system ls build/sqltx/t.lance/data | wc -l
SELECT max(_version), count(*) FROM t;
-- a failed statement inside a transaction is undone alone, the rest commits
BEGIN;
INSERT INTO t VALUES (9, 90, 'i');
UPDATE t SET id = CASE WHEN id = 12 THEN NULL ELSE id + 100 END;
SELECT count(*), min(id), max(id) FROM t;
COMMIT;
SELECT max(_version), count(*), min(id), max(id) FROM t;
-- reads between writes: the small files are rewritten into one fragment at COMMIT
BEGIN;
INSERT INTO t VALUES (20, 1, 'x');
SELECT count(*) FROM t;
INSERT INTO t VALUES (21, 2, 'y');
SELECT count(*) FROM t;
INSERT INTO t VALUES (22, 3, 'z');
DELETE FROM t WHERE id = 21;
COMMIT;
SELECT fragment_id, physical_rows FROM lance_fragments('t') ORDER BY fragment_id DESC LIMIT 1;
.system ls build/sqltx/t.lance/data | wc -l
SELECT group_concat(id) FROM (SELECT id FROM t WHERE id >= 20 AND id < 30 ORDER BY id);
-- a statement failing after two of its batches went to the data file (on
-- the writer's worker thread) is undone alone; COMMIT keeps the rest
BEGIN;
INSERT INTO t VALUES (30, 1, 'w');
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000)
INSERT INTO t(id, v) SELECT CASE WHEN x = 19000 THEN NULL ELSE 5000 + x END, x FROM c;
SELECT count(*) FROM t WHERE id >= 30;
COMMIT;
SELECT count(*), max(id) FROM t WHERE id >= 30;
.system ls build/sqltx/t.lance/data | wc -l
-- stable row ids: a row updated twice keeps its _rowid, also after COMMIT
CREATE VIRTUAL TABLE st USING lance('build/sqltx/st.lance', schema='id INT64, v INT64', enable_stable_row_ids=true);
INSERT INTO st VALUES (1, 1), (2, 2);
SELECT id, _rowid FROM st ORDER BY id;
BEGIN;
UPDATE st SET v = v + 10 WHERE id = 2;
UPDATE st SET v = v + 10 WHERE id = 2;
INSERT INTO st VALUES (3, 3);
SELECT id, v, _rowid FROM st ORDER BY id;
COMMIT;
SELECT id, v, _rowid FROM st ORDER BY id;
.system rm -rf build/sqltx
