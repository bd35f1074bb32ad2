-- lance_indices(): the five indexes LanceDB built on idx.lance (vector IVF_PQ,
-- btree, fts, bitmap, label_list) at versions 2..6 over fragment 0; fragment
-- 1 (appended at version 7, 15 live rows after version 9) is not indexed.
.headers on
SELECT name, columns, type, version, unindexed_rows FROM lance_indices('test/sql/data/pragmadb/idx.lance');
.headers off
-- uuid names the index directory _indices/<uuid>
SELECT count(*) FROM lance_indices('test/sql/data/pragmadb/idx.lance') i
 WHERE uuid GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-*-*-*-*'
   AND length(uuid) = 36
   AND EXISTS (SELECT 1 FROM fsdir('test/sql/data/pragmadb/idx.lance/_indices/' || i.uuid)
                WHERE name LIKE '%.lance' OR name LIKE '%.idx');
SELECT typeof(name), typeof(columns), typeof(type), typeof(version), typeof(unindexed_rows), typeof(uuid)
  FROM lance_indices('test/sql/data/pragmadb/idx.lance') LIMIT 1;
-- pinned versions: before the append every row is indexed; version 3 has two indexes
CREATE VIRTUAL TABLE v6 USING lance('test/sql/data/pragmadb/idx.lance', version=6);
CREATE VIRTUAL TABLE v3 USING lance('test/sql/data/pragmadb/idx.lance', version=3);
CREATE VIRTUAL TABLE v1 USING lance('test/sql/data/pragmadb/idx.lance', version=1);
SELECT name, unindexed_rows FROM lance_indices('v6');
SELECT name, type FROM lance_indices('v3');
SELECT count(*) FROM lance_indices('v1');
-- a dataset without indexes
SELECT count(*) FROM lance_indices('test/unit/data/hist.lance');
-- errors
SELECT * FROM lance_indices('test/sql/data/baddb/bad.lance');
SELECT * FROM lance_indices(42);
