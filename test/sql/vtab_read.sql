-- The lance virtual table over the LanceDB-written fixtures in test/unit/data
-- (histories documented in test/unit/data/make_table_fixtures.mjs).
.headers on
CREATE VIRTUAL TABLE h USING lance('test/unit/data/hist.lance');
-- latest (v7 = restore of v2): 15 rows, columns id and s
SELECT _version, count(*), min(id), max(id) FROM h;
-- every version: create 10, append 5, delete 2, delete 1, update, add column, restore
SELECT v, (SELECT count(*) FROM h WHERE _version = v) AS n
  FROM (SELECT 1 v UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7);
-- table-valued forms and tags (first -> v1, mid -> v4)
SELECT count(*) FROM h(3);
SELECT count(*), _tag FROM h(NULL, 'first');
SELECT count(*), _version FROM h WHERE _tag = 'mid';
-- two snapshots in one query: rows of v2 that v3 deleted
SELECT id FROM h(2) EXCEPT SELECT id FROM h(3);
-- a table pinned at v6 has the added column d; v3 lacks it, so it reads as NULL
CREATE VIRTUAL TABLE h6 USING lance('test/unit/data/hist.lance', version=6);
SELECT id, s, d, _rowid, _rowaddr FROM h6 WHERE id IN (0, 4, 10) ORDER BY id;
SELECT id, d FROM h6(3) WHERE id < 2;
-- pushed filters and rowid takes give what SQLite alone gives
SELECT id FROM h6 WHERE s = 'u';
SELECT count(*) FROM h6 WHERE id >= 5 AND id < 9;
SELECT id FROM h6 WHERE rowid IN (8589934592, 5, 4294967296, 99) ORDER BY id;
SELECT id FROM h6 WHERE _rowid = 1;
SELECT count(*) FROM h6 WHERE d IS NULL;
-- large deletions: a Roaring deletion file (v3) and an Arrow one (v4)
CREATE VIRTUAL TABLE b USING lance('test/unit/data/big.lance');
SELECT _version, count(*), min(id), max(id), sum(id) FROM b;
SELECT count(*) FROM b(3);
-- stable row ids survive the update of id 5
CREATE VIRTUAL TABLE s USING lance('test/unit/data/stable.lance');
SELECT id, s, _rowid FROM s WHERE id IN (4, 5, 6) ORDER BY id;
SELECT id FROM s WHERE rowid = 5;
-- at version 4 row id 5 is in two fragments: deleted in the first, live in
-- the one its update wrote; a take by row id finds the live one
SELECT id, s FROM s(4) WHERE rowid = 5;
SELECT id, s, _rowaddr FROM s(4) WHERE rowid IN (4, 5, 6) ORDER BY rowid;
-- errors name the table and the problem
CREATE VIRTUAL TABLE bad USING lance('test/unit/data/nope.lance');
CREATE VIRTUAL TABLE bad2 USING lance('test/unit/data/hist.lance', colour=3);
CREATE VIRTUAL TABLE bad3 USING lance;
SELECT * FROM h(99);
SELECT * FROM h(NULL, 'nosuch');
SELECT * FROM h(0);
DROP TABLE h6;
SELECT count(*) FROM b;
