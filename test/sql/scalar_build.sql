-- lance_create_index for BTREE, BITMAP and LABEL_LIST on a copy of the LanceDB-written
-- fixture test/unit/data/scalar.lance: LanceDB's indexes are dropped and the extension's
-- built in their place; filters answered by them give the rows a native SQLite copy
-- gives; after SQL appends lance_optimize_indices rebuilds them over every fragment (no
-- unindexed rows left, explain shows no scanned fragment); errors word for word.
.system rm -rf build/sqlscalarb && mkdir -p build/sqlscalarb && cp -r test/unit/data/scalar.lance build/sqlscalarb/
CREATE VIRTUAL TABLE t USING lance('build/sqlscalarb/scalar.lance');
SELECT lance_drop_index('t', 'k_idx') > 0, lance_drop_index('t', 's_idx') > 0, lance_drop_index('t', 'tags_idx') > 0, lance_drop_index('t', 'id_idx') > 0, lance_drop_index('t', 'f_idx') > 0, lance_drop_index('t', 'k2_idx') > 0, lance_drop_index('t', 'b_idx') > 0;
SELECT count(*) FROM lance_indices('t');
SELECT lance_create_index('t', 'k', 'BTREE', '') > 0, lance_create_index('t', 's', 'BITMAP', '') > 0, lance_create_index('t', 'tags', 'LABEL_LIST', '') > 0, lance_create_index('t', 'id', 'btree', 'name=ids') > 0, lance_create_index('t', 'f', 'BTREE', '') > 0, lance_create_index('t', 'k2', 'BITMAP', '') > 0, lance_create_index('t', 'b', 'BITMAP', '') > 0;
SELECT name, columns, type, unindexed_rows FROM lance_indices('t') ORDER BY name;
CREATE TEMP TABLE ref AS SELECT rowid AS r, * FROM t;
SELECT 'k = 7', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k = 7) = count(*) || '/' || total(rowid) FROM t WHERE k = 7;
SELECT 'k < 3', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k < 3) = count(*) || '/' || total(rowid) FROM t WHERE k < 3;
SELECT 'k BETWEEN 10 AND 12', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k BETWEEN 10 AND 12) = count(*) || '/' || total(rowid) FROM t WHERE k BETWEEN 10 AND 12;
SELECT 'k IN (1, 2, 49)', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k IN (1, 2, 49)) = count(*) || '/' || total(rowid) FROM t WHERE k IN (1, 2, 49);
SELECT 'k IS NULL', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k IS NULL) = count(*) || '/' || total(rowid) FROM t WHERE k IS NULL;
SELECT 'k = 7 AND s = ''a''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k = 7 AND s = 'a') = count(*) || '/' || total(rowid) FROM t WHERE k = 7 AND s = 'a';
SELECT 'k IN (1, 2) AND b = 1', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k IN (1, 2) AND b = 1) = count(*) || '/' || total(rowid) FROM t WHERE k IN (1, 2) AND b = 1;
SELECT 'k2 IN (5, 6)', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k2 IN (5, 6)) = count(*) || '/' || total(rowid) FROM t WHERE k2 IN (5, 6);
SELECT 'id = -9223372036854775808', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id = -9223372036854775808) = count(*) || '/' || total(rowid) FROM t WHERE id = -9223372036854775808;
SELECT 'id > 89990', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id > 89990) = count(*) || '/' || total(rowid) FROM t WHERE id > 89990;
SELECT 'f IS NULL', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f IS NULL) = count(*) || '/' || total(rowid) FROM t WHERE f IS NULL;
SELECT 'f = -0.0', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f = -0.0) = count(*) || '/' || total(rowid) FROM t WHERE f = -0.0;
SELECT 's = ''café''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s = 'café') = count(*) || '/' || total(rowid) FROM t WHERE s = 'café';
SELECT 's IS NULL', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s IS NULL) = count(*) || '/' || total(rowid) FROM t WHERE s IS NULL;
SELECT 's IN (''日本'', ''ß'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s IN ('日本', 'ß')) = count(*) || '/' || total(rowid) FROM t WHERE s IN ('日本', 'ß');
SELECT 'b = 1', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE b = 1) = count(*) || '/' || total(rowid) FROM t WHERE b = 1;
SELECT 'array_has_any(tags, ''["t1", "café"]'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_any(tags, '["t1", "café"]')) = count(*) || '/' || total(rowid) FROM t WHERE array_has_any(tags, '["t1", "café"]');
SELECT 'array_has_all(tags, ''["t1", "u2"]'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_all(tags, '["t1", "u2"]')) = count(*) || '/' || total(rowid) FROM t WHERE array_has_all(tags, '["t1", "u2"]');
SELECT 'array_has_any(tags, ''["t1"]'') AND k = 1', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_any(tags, '["t1"]') AND k = 1) = count(*) || '/' || total(rowid) FROM t WHERE array_has_any(tags, '["t1"]') AND k = 1;
SELECT 'array_has_any(tags, ''["t1"]'') OR s = ''a''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_any(tags, '["t1"]') OR s = 'a') = count(*) || '/' || total(rowid) FROM t WHERE array_has_any(tags, '["t1"]') OR s = 'a';
SELECT lance_explain('SELECT * FROM t WHERE k = 7 AND s = ''a''');
SELECT lance_explain('SELECT * FROM t WHERE array_has_all(tags, ''["t1", "u2"]'')');
-- appends, then optimize: every fragment indexed again
INSERT INTO t(id, k, k2, f, s, b, tags) VALUES (123456789, 7, 7, 0.0, 'café', 1, '["t1", "u2"]'), (-123, NULL, NULL, NULL, NULL, 0, NULL);
SELECT name, unindexed_rows FROM lance_indices('t') WHERE name = 'k_idx';
SELECT lance_optimize_indices('t') > 0;
SELECT name, unindexed_rows FROM lance_indices('t') ORDER BY name;
SELECT lance_explain('SELECT * FROM t WHERE k = 7');
DROP TABLE ref;
CREATE TEMP TABLE ref AS SELECT rowid AS r, * FROM t;
SELECT 'k = 7', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k = 7) = count(*) || '/' || total(rowid) FROM t WHERE k = 7;
SELECT 'k < 3', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k < 3) = count(*) || '/' || total(rowid) FROM t WHERE k < 3;
SELECT 'k BETWEEN 10 AND 12', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k BETWEEN 10 AND 12) = count(*) || '/' || total(rowid) FROM t WHERE k BETWEEN 10 AND 12;
SELECT 'k IN (1, 2, 49)', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k IN (1, 2, 49)) = count(*) || '/' || total(rowid) FROM t WHERE k IN (1, 2, 49);
SELECT 'k IS NULL', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k IS NULL) = count(*) || '/' || total(rowid) FROM t WHERE k IS NULL;
SELECT 'k = 7 AND s = ''a''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k = 7 AND s = 'a') = count(*) || '/' || total(rowid) FROM t WHERE k = 7 AND s = 'a';
SELECT 'k IN (1, 2) AND b = 1', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k IN (1, 2) AND b = 1) = count(*) || '/' || total(rowid) FROM t WHERE k IN (1, 2) AND b = 1;
SELECT 'k2 IN (5, 6)', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k2 IN (5, 6)) = count(*) || '/' || total(rowid) FROM t WHERE k2 IN (5, 6);
SELECT 'id = -9223372036854775808', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id = -9223372036854775808) = count(*) || '/' || total(rowid) FROM t WHERE id = -9223372036854775808;
SELECT 'id > 89990', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id > 89990) = count(*) || '/' || total(rowid) FROM t WHERE id > 89990;
SELECT 'f IS NULL', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f IS NULL) = count(*) || '/' || total(rowid) FROM t WHERE f IS NULL;
SELECT 'f = -0.0', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f = -0.0) = count(*) || '/' || total(rowid) FROM t WHERE f = -0.0;
SELECT 's = ''café''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s = 'café') = count(*) || '/' || total(rowid) FROM t WHERE s = 'café';
SELECT 's IS NULL', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s IS NULL) = count(*) || '/' || total(rowid) FROM t WHERE s IS NULL;
SELECT 's IN (''日本'', ''ß'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s IN ('日本', 'ß')) = count(*) || '/' || total(rowid) FROM t WHERE s IN ('日本', 'ß');
SELECT 'b = 1', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE b = 1) = count(*) || '/' || total(rowid) FROM t WHERE b = 1;
SELECT 'array_has_any(tags, ''["t1", "café"]'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_any(tags, '["t1", "café"]')) = count(*) || '/' || total(rowid) FROM t WHERE array_has_any(tags, '["t1", "café"]');
SELECT 'array_has_all(tags, ''["t1", "u2"]'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_all(tags, '["t1", "u2"]')) = count(*) || '/' || total(rowid) FROM t WHERE array_has_all(tags, '["t1", "u2"]');
SELECT 'array_has_any(tags, ''["t1"]'') AND k = 1', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_any(tags, '["t1"]') AND k = 1) = count(*) || '/' || total(rowid) FROM t WHERE array_has_any(tags, '["t1"]') AND k = 1;
SELECT 'array_has_any(tags, ''["t1"]'') OR s = ''a''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_any(tags, '["t1"]') OR s = 'a') = count(*) || '/' || total(rowid) FROM t WHERE array_has_any(tags, '["t1"]') OR s = 'a';
-- full-text search prefiltered by the scalar indexes (hits they rule out are not read)
SELECT lance_create_index('t', 's', 'FTS', 'name=s_fts') > 0;
SELECT count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s = 'café' AND k = 7) FROM t WHERE s MATCH 'café' AND k = 7;
SELECT count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s = 'café' AND k IN (3, 9) AND b = 1) FROM t WHERE s MATCH 'café' AND k IN (3, 9) AND b = 1;
SELECT lance_explain('SELECT * FROM t WHERE s MATCH ''café'' AND k = 7');
-- an empty table: indexes of no rows, then rows (empty strings, an empty-string label)
CREATE VIRTUAL TABLE e USING lance('build/sqlscalarb/e.lance', schema='id INT64, s TEXT, tags TEXT[]');
SELECT lance_create_index('e', 'id', 'BTREE', '') > 0, lance_create_index('e', 's', 'BITMAP', '') > 0, lance_create_index('e', 'tags', 'LABEL_LIST', '') > 0;
SELECT count(*) FROM e WHERE id = 3;
INSERT INTO e VALUES (3, '', '[""]'), (4, NULL, NULL);
SELECT lance_optimize_indices('e') > 0;
SELECT count(*) FROM e WHERE id = 3 AND s = '' AND array_has_any(tags, '[""]');
SELECT lance_explain('SELECT * FROM e WHERE id = 3 AND s = ''''');
-- a second optimize has nothing to rebuild; errors
SELECT (SELECT max(version) FROM lance_versions('t')) = lance_optimize_indices('t');
SELECT lance_create_index('t', 'k', 'BTREE', 'replace=false');
SELECT lance_create_index('t', 'tags', 'BTREE', '');
SELECT lance_create_index('t', 'k', 'LABEL_LIST', '');
SELECT lance_create_index('t', 'nosuch', 'BITMAP', '');
SELECT lance_create_index('t', 'k', 'BTREE', 'name');
SELECT lance_create_index('t', 'k', 'BTREE', 'replace=maybe');
SELECT lance_create_index('t', 'k', 'ZONEMAP', '');
SELECT lance_create_index('t', 'k', 'HASH', '');
