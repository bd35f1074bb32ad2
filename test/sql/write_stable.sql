-- Writes to a dataset with stable row ids: a row keeps its row id when an
-- UPDATE moves it to a new fragment (the old copy stays, deleted), and later
-- statements find the row by that id in the fragment where it is live
-- (format/rowid_map.c): takes by rowid, DELETE and UPDATE of moved rows.
.system rm -rf build/sqlws && mkdir -p build/sqlws
CREATE VIRTUAL TABLE t USING lance('build/sqlws/t.lance', schema='id INT64 NOT NULL, v TEXT', enable_stable_row_ids=1);
INSERT INTO t(id, v) VALUES (0, 'a'), (1, 'b'), (2, 'c');
INSERT INTO t(id, v) VALUES (3, 'd'), (4, 'e');
UPDATE t SET v = 'B' WHERE id = 1;
UPDATE t SET v = 'BB' WHERE rowid = 1;
UPDATE t SET v = 'E' WHERE id = 4;
SELECT rowid, id, v, _rowaddr >> 32 AS fragment FROM t ORDER BY rowid;
SELECT fragment_id, physical_rows, deleted_rows FROM lance_fragments('t');
-- takes by row id find the live copies only
SELECT rowid, v FROM t WHERE rowid = 1;
SELECT rowid, v FROM t WHERE rowid IN (4, 1, 0, 7) ORDER BY rowid;
-- a row moved twice is deleted by its row id, in one transaction with others
BEGIN;
DELETE FROM t WHERE rowid = 1;
DELETE FROM t WHERE id IN (0, 4);
COMMIT;
SELECT rowid, id, v FROM t ORDER BY rowid;
SELECT count(*) FROM t WHERE rowid IN (0, 1, 4);
SELECT version, operation, row_count FROM lance_versions('t');
