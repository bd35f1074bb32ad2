-- Writes through the lance table: CREATE with schema=, INSERT / UPDATE / DELETE,
-- one version per transaction, ROLLBACK, time travel, tags and restore, and the
-- errors (wrong types, NOT NULL, read-only pinned tables, a failed statement
-- inside a transaction undone alone, a row changed twice).
.system rm -rf build/sqlw && mkdir -p build/sqlw
CREATE VIRTUAL TABLE t USING lance('build/sqlw/t.lance', schema='id INT64 NOT NULL, name TEXT, score FLOAT32, emb FLOAT32[3], tags TEXT[], meta STRUCT(a INT32, b TEXT), d DATE, ts TIMESTAMP, big UINT64, h FLOAT16, ok BOOLEAN');
SELECT count(*) FROM t;
SELECT version, operation, row_count FROM lance_versions('t');
SELECT name, arrow_type, nullable, sqlite_type FROM lance_schema('t');
INSERT INTO t(id, name, score, emb, tags, meta, d, ts, big, h, ok) VALUES (1, 'a', 0.5, vec_f32('[1,2,3]'), '["x","y"]', '{"a":1,"b":"q"}', '2024-01-02', '2024-01-02 03:04:05.123456', '18446744073709551615', 0.1, 1);
INSERT INTO t(id, name, emb, tags, meta) VALUES (2, 'b', '[4, 5.5, -6]', '[]', '{"b":"only b"}'), (3, NULL, NULL, NULL, NULL);
SELECT id, name, score, vec_to_json(emb), tags, meta, d, ts, big, h, ok FROM t ORDER BY id;
BEGIN;
INSERT INTO t(id, name) VALUES (4, 'd');
UPDATE t SET name = 'B', emb = vec_f32('[7,8,9]') WHERE id = 2;
DELETE FROM t WHERE id = 3;
COMMIT;
SELECT id, name, vec_to_json(emb), tags FROM t ORDER BY id;
SELECT version, operation, row_count FROM lance_versions('t');
BEGIN;
INSERT INTO t(id) VALUES (99);
DELETE FROM t;
ROLLBACK;
SELECT count(*), max(_version) FROM t;
-- errors: each names the column and the type expected; nothing is committed
INSERT INTO t(id, name) VALUES (NULL, 'x');
INSERT INTO t(id, name) VALUES ('abc', 'x');
INSERT INTO t(id, name) VALUES (1.5, 'x');
INSERT INTO t(id, emb) VALUES (5, vec_f32('[1,2]'));
INSERT INTO t(id, tags) VALUES (5, '[1,2');
INSERT INTO t(id, tags) VALUES (5, '["a", 3]');
INSERT INTO t(id, meta) VALUES (5, '{"c": 1}');
INSERT INTO t(id, d) VALUES (5, '2024-13-01');
INSERT INTO t(id, ts) VALUES (5, 'yesterday');
INSERT INTO t(id, big) VALUES (5, -1);
INSERT INTO t(id, ok) VALUES (5, 2);
INSERT INTO t(rowid, id) VALUES (77, 5);
SELECT count(*), max(_version) FROM t;
-- a failed statement inside a transaction is undone alone (as in SQLite): a
-- multi-row INSERT failing at its second row leaves nothing, the rest goes on
BEGIN;
INSERT INTO t(id) VALUES (7);
INSERT INTO t(id) VALUES (8), (NULL);
INSERT INTO t(id) VALUES (9);
SELECT group_concat(id) FROM (SELECT id FROM t ORDER BY id);
ROLLBACK;
SELECT count(*), max(_version) FROM t;
-- one row changed twice in a transaction, each statement seeing the last
BEGIN;
UPDATE t SET name = 'z' WHERE id = 1;
UPDATE t SET name = name || 'y' WHERE id = 1;
SELECT id, name FROM t WHERE id = 1;
ROLLBACK;
-- time travel over the versions written here
SELECT _version, count(*) FROM t(2);
SELECT id, name FROM t WHERE _version = 3 ORDER BY id;
-- tags and restore
SELECT lance_tag_create('t', 'first', 2);
SELECT lance_tag_create('t', 'first');
SELECT lance_tag_create('t', 'latest');
SELECT * FROM lance_tags('t');
SELECT lance_tag_update('t', 'latest', 3);
SELECT lance_tag_delete('t', 'latest');
SELECT lance_tag_delete('t', 'latest');
SELECT lance_restore('t', 'first');
SELECT count(*), max(_version) FROM t;
SELECT version, operation, row_count FROM lance_versions('t');
SELECT lance_restore('t', 99);
-- pinned tables are read-only
CREATE VIRTUAL TABLE old USING lance('build/sqlw/t.lance', version=2);
INSERT INTO old(id) VALUES (1);
-- a missing dataset without schema=, a bad schema, a bad option
CREATE VIRTUAL TABLE nope USING lance('build/sqlw/none.lance');
CREATE VIRTUAL TABLE bad USING lance('build/sqlw/bad.lance', schema='id VARCHAR');
CREATE VIRTUAL TABLE bad2 USING lance('build/sqlw/bad2.lance', schema='id INT64', data_storage_version='2.0');
-- INSERT ... SELECT from a native table, in one version
CREATE TABLE native(id INTEGER, name TEXT);
WITH RECURSIVE s(v) AS (SELECT 100 UNION ALL SELECT v + 1 FROM s WHERE v < 109)
INSERT INTO native SELECT v, 'n' || v FROM s;
INSERT INTO t(id, name) SELECT id, name FROM native;
SELECT count(*), max(_version), min(id), max(id) FROM t;
.system rm -rf build/sqlw
