-- lance_compact: Lance's compaction plan and its Rewrite commit; the rows, the row
-- count and older versions stay; nothing to do makes no version; errors word for word.
.system rm -rf build/sqlcp && mkdir -p build/sqlcp
CREATE VIRTUAL TABLE t USING lance('build/sqlcp/t.lance', schema='id INT64, v TEXT');
INSERT INTO t VALUES (1, 'a'), (2, 'b');
INSERT INTO t VALUES (3, 'c');
INSERT INTO t VALUES (4, 'd'), (5, 'e'), (6, 'f');
DELETE FROM t WHERE id = 5;
SELECT fragment_id, physical_rows FROM lance_fragments('t');
SELECT lance_compact('t');
SELECT fragment_id, physical_rows FROM lance_fragments('t');
SELECT group_concat(id || v) FROM (SELECT id, v FROM t ORDER BY id);
SELECT count(*) FROM t(5);
SELECT version, operation, row_count FROM lance_versions('t');
-- nothing left to do: no version
SELECT lance_compact('t');
SELECT lance_compact('build/sqlcp/t.lance', 'target_rows_per_fragment=2');
-- a deletion-heavy fragment alone is rewritten (materialize_deletions), unless asked not to
DELETE FROM t WHERE id < 3;
SELECT lance_compact('t', 'materialize_deletions=false');
SELECT lance_compact('t', 'materialize_deletions_threshold=0.5');
SELECT lance_compact('t', 'materialize_deletions=true materialize_deletions_threshold=0.2');
SELECT fragment_id, physical_rows FROM lance_fragments('t');
SELECT group_concat(id) FROM (SELECT id FROM t ORDER BY id);
-- errors
SELECT lance_compact('t', 'foo=1');
SELECT lance_compact('t', 'target_rows_per_fragment=0');
SELECT lance_compact('t', 'target_rows_per_fragment=x');
SELECT lance_compact('t', 'materialize_deletions=yes');
SELECT lance_compact('t', 'materialize_deletions_threshold=2');
SELECT lance_compact('t', 3);
SELECT lance_compact('nope');
BEGIN;
SELECT lance_compact('t');
COMMIT;
CREATE VIRTUAL TABLE old USING lance('build/sqlcp/t.lance', version=2);
SELECT lance_compact('old');
.system rm -rf build/sqlcp
