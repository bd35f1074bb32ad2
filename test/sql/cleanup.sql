-- lance_cleanup: versions older than the cutoff go, except the latest and tagged ones
-- (an error by default, as Lance's);
-- files only they used go (data, deletion, transaction, index files), files a kept
-- version uses stay; unverified files only with delete_unverified; errors word for word.
.system rm -rf build/sqlcl && mkdir -p build/sqlcl
CREATE VIRTUAL TABLE t USING lance('build/sqlcl/t.lance', schema='id INT64, v TEXT');
INSERT INTO t VALUES (1, 'a'), (2, 'b');
INSERT INTO t VALUES (3, 'c');
SELECT lance_tag_create('t', 'keep', 3);
INSERT INTO t VALUES (4, 'd'), (5, 'e'), (6, 'f');
DELETE FROM t WHERE id = 5;
SELECT json_extract(lance_compact('t'), '$.version');
SELECT lance_create_index('t', 'v', 'FTS');
DELETE FROM t WHERE id = 6;
-- the default keeps 7 days; a tagged version older than the cutoff is an error (as
-- Lance's default), unless error_if_tagged_old_versions=false keeps it
SELECT lance_cleanup('t');
SELECT lance_cleanup('t', 'older_than=0s');
SELECT json_extract(x, '$.old_versions'), json_extract(x, '$.files_removed'), json_extract(x, '$.bytes_removed') > 0
  FROM (SELECT lance_cleanup('t', 'older_than=0s error_if_tagged_old_versions=false') AS x);
SELECT group_concat(version) FROM lance_versions('t');
.system ls build/sqlcl/t.lance/data | wc -l
.system ls build/sqlcl/t.lance/_transactions | wc -l
.system ls build/sqlcl/t.lance/_deletions | wc -l
SELECT count(*), group_concat(id) FROM (SELECT id FROM t ORDER BY id);
SELECT count(*) FROM t(3);
SELECT count(*) FROM t(NULL, 'keep');
SELECT id FROM t WHERE v MATCH 'c';
-- an unverified file (no version uses it) stays, unless delete_unverified=true
.system cp build/sqlcl/t.lance/_transactions/$(ls build/sqlcl/t.lance/_transactions | head -1) build/sqlcl/t.lance/data/stray.lance
SELECT lance_cleanup('t', 'older_than=0s error_if_tagged_old_versions=false');
.system ls build/sqlcl/t.lance/data | wc -l
SELECT json_extract(lance_cleanup('t', 'older_than=0s delete_unverified=true error_if_tagged_old_versions=false'), '$.files_removed');
.system ls build/sqlcl/t.lance/data | wc -l
-- dropping the tag lets its version go
SELECT lance_tag_delete('t', 'keep');
SELECT json_extract(lance_cleanup('build/sqlcl/t.lance', 'older_than=0d'), '$.old_versions');
SELECT group_concat(version) FROM lance_versions('t');
.system ls build/sqlcl/t.lance/data | wc -l
SELECT count(*) FROM t;
-- errors
SELECT lance_cleanup('t', 'older_than=1x');
SELECT lance_cleanup('t', 'older_than=-1d');
SELECT lance_cleanup('t', 'delete_unverified=maybe');
SELECT lance_cleanup('t', 'error_if_tagged_old_versions=1');
SELECT lance_cleanup('t', 'bogus');
SELECT lance_cleanup('t', 5);
SELECT lance_cleanup('nope');
BEGIN;
SELECT lance_cleanup('t');
COMMIT;
.system rm -rf build/sqlcl
