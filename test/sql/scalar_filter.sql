-- Pushed filters answered by the scalar indexes LanceDB 0.39 built on a copy of
-- test/unit/data/scalar.lance (make_scalar_fixture.mjs: BTREE on id, k, f; BITMAP on s,
-- b, k2; LABEL_LIST on tags; fragment 2 appended after indexing; rows deleted): every
-- predicate shape (array_has_any / array_has_all included) gives
-- the same rows (count and sum of rowids) as a native SQLite table holding the same rows
-- (ref: no index of ours, SQLite's own comparisons), before and after SQL appends and
-- deletes; lance_explain shows which index answered and what was read; its errors word
-- for word.
.system rm -rf build/sqlscalar && mkdir -p build/sqlscalar && cp -r test/unit/data/scalar.lance build/sqlscalar/
CREATE VIRTUAL TABLE t USING lance('build/sqlscalar/scalar.lance');
CREATE TEMP TABLE ref AS SELECT rowid AS r, * FROM t;
SELECT count(*), typeof(k), typeof(f), typeof(s) FROM ref WHERE r = 1;
SELECT 'k = 7', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k = 7) = count(*) || '/' || total(rowid) FROM t WHERE k = 7;
SELECT 'k < 3', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k < 3) = count(*) || '/' || total(rowid) FROM t WHERE k < 3;
SELECT 'k <= 3', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k <= 3) = count(*) || '/' || total(rowid) FROM t WHERE k <= 3;
SELECT 'k > 47', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k > 47) = count(*) || '/' || total(rowid) FROM t WHERE k > 47;
SELECT 'k >= 47', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k >= 47) = count(*) || '/' || total(rowid) FROM t WHERE k >= 47;
SELECT 'k BETWEEN 10 AND 12', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k BETWEEN 10 AND 12) = count(*) || '/' || total(rowid) FROM t WHERE k BETWEEN 10 AND 12;
SELECT 'k IN (1, 2, 49)', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k IN (1, 2, 49)) = count(*) || '/' || total(rowid) FROM t WHERE k IN (1, 2, 49);
SELECT 'k IS NULL', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k IS NULL) = count(*) || '/' || total(rowid) FROM t WHERE k IS NULL;
SELECT 'k = 7.5', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k = 7.5) = count(*) || '/' || total(rowid) FROM t WHERE k = 7.5;
SELECT 'k < 2.5', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k < 2.5) = count(*) || '/' || total(rowid) FROM t WHERE k < 2.5;
SELECT 'k >= 48.0', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k >= 48.0) = count(*) || '/' || total(rowid) FROM t WHERE k >= 48.0;
SELECT 'k = ''7''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k = '7') = count(*) || '/' || total(rowid) FROM t WHERE k = '7';
SELECT 'k = NULL', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k = NULL) = count(*) || '/' || total(rowid) FROM t WHERE k = NULL;
SELECT 'k IN (NULL, 3)', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k IN (NULL, 3)) = count(*) || '/' || total(rowid) FROM t WHERE k IN (NULL, 3);
SELECT 'k > 100', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k > 100) = count(*) || '/' || total(rowid) FROM t WHERE k > 100;
SELECT 'k = 7 AND s = ''a''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k = 7 AND s = 'a') = count(*) || '/' || total(rowid) FROM t WHERE k = 7 AND s = 'a';
SELECT 'k IN (1, 2) AND b = 1', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k IN (1, 2) AND b = 1) = count(*) || '/' || total(rowid) FROM t WHERE k IN (1, 2) AND b = 1;
SELECT 'k = 7 OR s = ''ß''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k = 7 OR s = 'ß') = count(*) || '/' || total(rowid) FROM t WHERE k = 7 OR s = 'ß';
SELECT 'k2 = 7', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k2 = 7) = count(*) || '/' || total(rowid) FROM t WHERE k2 = 7;
SELECT 'k2 < 3', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k2 < 3) = count(*) || '/' || total(rowid) FROM t WHERE k2 < 3;
SELECT 'k2 IN (5, 6)', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k2 IN (5, 6)) = count(*) || '/' || total(rowid) FROM t WHERE k2 IN (5, 6);
SELECT 'k2 = 7 AND k = 7', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k2 = 7 AND k = 7) = count(*) || '/' || total(rowid) FROM t WHERE k2 = 7 AND k = 7;
SELECT 'id = -9223372036854775808', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id = -9223372036854775808) = count(*) || '/' || total(rowid) FROM t WHERE id = -9223372036854775808;
SELECT 'id = 9223372036854775807', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id = 9223372036854775807) = count(*) || '/' || total(rowid) FROM t WHERE id = 9223372036854775807;
SELECT 'id < 0', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id < 0) = count(*) || '/' || total(rowid) FROM t WHERE id < 0;
SELECT 'id >= 89990', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id >= 89990) = count(*) || '/' || total(rowid) FROM t WHERE id >= 89990;
SELECT 'id = 90000', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id = 90000) = count(*) || '/' || total(rowid) FROM t WHERE id = 90000;
SELECT 'id > 89990', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id > 89990) = count(*) || '/' || total(rowid) FROM t WHERE id > 89990;
SELECT 'id = 70', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id = 70) = count(*) || '/' || total(rowid) FROM t WHERE id = 70;
SELECT 'id BETWEEN -5 AND 15', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id BETWEEN -5 AND 15) = count(*) || '/' || total(rowid) FROM t WHERE id BETWEEN -5 AND 15;
SELECT 'id = 9.2233720368547758e18', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id = 9.2233720368547758e18) = count(*) || '/' || total(rowid) FROM t WHERE id = 9.2233720368547758e18;
SELECT 'id <= -9223372036854775807', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id <= -9223372036854775807) = count(*) || '/' || total(rowid) FROM t WHERE id <= -9223372036854775807;
SELECT 'f IS NULL', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f IS NULL) = count(*) || '/' || total(rowid) FROM t WHERE f IS NULL;
SELECT 'f = 0', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f = 0) = count(*) || '/' || total(rowid) FROM t WHERE f = 0;
SELECT 'f = -0.0', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f = -0.0) = count(*) || '/' || total(rowid) FROM t WHERE f = -0.0;
SELECT 'f < -99', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f < -99) = count(*) || '/' || total(rowid) FROM t WHERE f < -99;
SELECT 'f > 2000', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f > 2000) = count(*) || '/' || total(rowid) FROM t WHERE f > 2000;
SELECT 'f BETWEEN -1 AND 1', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f BETWEEN -1 AND 1) = count(*) || '/' || total(rowid) FROM t WHERE f BETWEEN -1 AND 1;
SELECT 'f = ''abc''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f = 'abc') = count(*) || '/' || total(rowid) FROM t WHERE f = 'abc';
SELECT 'f IN (1.25, -99.75, 3)', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f IN (1.25, -99.75, 3)) = count(*) || '/' || total(rowid) FROM t WHERE f IN (1.25, -99.75, 3);
SELECT 's = ''café''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s = 'café') = count(*) || '/' || total(rowid) FROM t WHERE s = 'café';
SELECT 's = ''''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s = '') = count(*) || '/' || total(rowid) FROM t WHERE s = '';
SELECT 's IS NULL', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s IS NULL) = count(*) || '/' || total(rowid) FROM t WHERE s IS NULL;
SELECT 's IN (''日本'', ''ß'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s IN ('日本', 'ß')) = count(*) || '/' || total(rowid) FROM t WHERE s IN ('日本', 'ß');
SELECT 's > ''b''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s > 'b') = count(*) || '/' || total(rowid) FROM t WHERE s > 'b';
SELECT 's < ''a''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s < 'a') = count(*) || '/' || total(rowid) FROM t WHERE s < 'a';
SELECT 's = ''zz''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s = 'zz') = count(*) || '/' || total(rowid) FROM t WHERE s = 'zz';
SELECT 's = 1', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s = 1) = count(*) || '/' || total(rowid) FROM t WHERE s = 1;
SELECT 's >= ''caf'' AND s < ''cag''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s >= 'caf' AND s < 'cag') = count(*) || '/' || total(rowid) FROM t WHERE s >= 'caf' AND s < 'cag';
SELECT 'b = 1', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE b = 1) = count(*) || '/' || total(rowid) FROM t WHERE b = 1;
SELECT 'b = 0', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE b = 0) = count(*) || '/' || total(rowid) FROM t WHERE b = 0;
SELECT 'b = true', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE b = true) = count(*) || '/' || total(rowid) FROM t WHERE b = true;
SELECT 'array_has_any(tags, ''["t1", "café"]'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_any(tags, '["t1", "café"]')) = count(*) || '/' || total(rowid) FROM t WHERE array_has_any(tags, '["t1", "café"]');
SELECT 'array_has_all(tags, ''["t1", "u2"]'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_all(tags, '["t1", "u2"]')) = count(*) || '/' || total(rowid) FROM t WHERE array_has_all(tags, '["t1", "u2"]');
SELECT 'array_has_any(tags, ''[]'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_any(tags, '[]')) = count(*) || '/' || total(rowid) FROM t WHERE array_has_any(tags, '[]');
SELECT 'array_has_all(tags, ''[]'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_all(tags, '[]')) = count(*) || '/' || total(rowid) FROM t WHERE array_has_all(tags, '[]');
SELECT 'array_has_any(tags, ''["zz"]'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_any(tags, '["zz"]')) = count(*) || '/' || total(rowid) FROM t WHERE array_has_any(tags, '["zz"]');
SELECT 'array_has_all(tags, ''["café", "t0", "u0"]'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_all(tags, '["café", "t0", "u0"]')) = count(*) || '/' || total(rowid) FROM t WHERE array_has_all(tags, '["café", "t0", "u0"]');
SELECT 'array_has_any(tags, ''[null, "t2"]'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_any(tags, '[null, "t2"]')) = count(*) || '/' || total(rowid) FROM t WHERE array_has_any(tags, '[null, "t2"]');
SELECT 'array_has_any(tags, ''["t1"]'') AND k = 1', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_any(tags, '["t1"]') AND k = 1) = count(*) || '/' || total(rowid) FROM t WHERE array_has_any(tags, '["t1"]') AND k = 1;
SELECT 'array_has_any(tags, ''["t1"]'') OR s = ''a''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_any(tags, '["t1"]') OR s = 'a') = count(*) || '/' || total(rowid) FROM t WHERE array_has_any(tags, '["t1"]') OR s = 'a';
SELECT 'array_has_all(tags, ''["u1"]'') AND id > 80000', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_all(tags, '["u1"]') AND id > 80000) = count(*) || '/' || total(rowid) FROM t WHERE array_has_all(tags, '["u1"]') AND id > 80000;
-- the filtered columns selected too (values, not only counts): the takes leave out the
-- columns only exactly answered filters read, and take them when SQLite asks (a selected
-- column, or a constraint SQLite checks again: bound parameters)
.parameter set :v 7
.parameter set :lo 10
.parameter set :hi 12
.parameter set :s 'café'
.parameter set :j '["t1"]'
SELECT 'columns k, s WHERE k = 7', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(k) || ':' || quote(s) AS x FROM t WHERE k = 7 ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(k) || ':' || quote(s) AS x FROM ref WHERE k = 7 ORDER BY r)) FROM t WHERE k = 7;
SELECT 'columns k WHERE k BETWEEN 10 AND 12', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(k) AS x FROM t WHERE k BETWEEN 10 AND 12 ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(k) AS x FROM ref WHERE k BETWEEN 10 AND 12 ORDER BY r)) FROM t WHERE k BETWEEN 10 AND 12;
SELECT 'columns k, id WHERE k IN (1, 2, 49)', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(k) || ':' || quote(id) AS x FROM t WHERE k IN (1, 2, 49) ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(k) || ':' || quote(id) AS x FROM ref WHERE k IN (1, 2, 49) ORDER BY r)) FROM t WHERE k IN (1, 2, 49);
SELECT 'columns k, f WHERE k IS NULL', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(k) || ':' || quote(f) AS x FROM t WHERE k IS NULL ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(k) || ':' || quote(f) AS x FROM ref WHERE k IS NULL ORDER BY r)) FROM t WHERE k IS NULL;
SELECT 'columns f WHERE f IS NULL', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(f) AS x FROM t WHERE f IS NULL ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(f) AS x FROM ref WHERE f IS NULL ORDER BY r)) FROM t WHERE f IS NULL;
SELECT 'columns f WHERE f BETWEEN -1 AND 1', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(f) AS x FROM t WHERE f BETWEEN -1 AND 1 ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(f) AS x FROM ref WHERE f BETWEEN -1 AND 1 ORDER BY r)) FROM t WHERE f BETWEEN -1 AND 1;
SELECT 'columns s WHERE s IN (''日本'', ''ß'')', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(s) AS x FROM t WHERE s IN ('日本', 'ß') ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(s) AS x FROM ref WHERE s IN ('日本', 'ß') ORDER BY r)) FROM t WHERE s IN ('日本', 'ß');
SELECT 'columns s, k WHERE s = ''café'' AND k = 7', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(s) || ':' || quote(k) AS x FROM t WHERE s = 'café' AND k = 7 ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(s) || ':' || quote(k) AS x FROM ref WHERE s = 'café' AND k = 7 ORDER BY r)) FROM t WHERE s = 'café' AND k = 7;
SELECT 'columns b WHERE b = 1 AND k < 3', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(b) AS x FROM t WHERE b = 1 AND k < 3 ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(b) AS x FROM ref WHERE b = 1 AND k < 3 ORDER BY r)) FROM t WHERE b = 1 AND k < 3;
SELECT 'columns tags WHERE array_has_any(tags, ''["t1", "café"]'')', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(tags) AS x FROM t WHERE array_has_any(tags, '["t1", "café"]') ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(tags) AS x FROM ref WHERE array_has_any(tags, '["t1", "café"]') ORDER BY r)) FROM t WHERE array_has_any(tags, '["t1", "café"]');
SELECT 'columns tags, k WHERE array_has_all(tags, ''["t1", "u2"]'') AND k > 5', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(tags) || ':' || quote(k) AS x FROM t WHERE array_has_all(tags, '["t1", "u2"]') AND k > 5 ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(tags) || ':' || quote(k) AS x FROM ref WHERE array_has_all(tags, '["t1", "u2"]') AND k > 5 ORDER BY r)) FROM t WHERE array_has_all(tags, '["t1", "u2"]') AND k > 5;
SELECT 'columns id WHERE id >= 89990', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(id) AS x FROM t WHERE id >= 89990 ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(id) AS x FROM ref WHERE id >= 89990 ORDER BY r)) FROM t WHERE id >= 89990;
SELECT 'columns k2, s WHERE k2 IN (5, 6) AND s > ''b''', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(k2) || ':' || quote(s) AS x FROM t WHERE k2 IN (5, 6) AND s > 'b' ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(k2) || ':' || quote(s) AS x FROM ref WHERE k2 IN (5, 6) AND s > 'b' ORDER BY r)) FROM t WHERE k2 IN (5, 6) AND s > 'b';
SELECT 'columns k, s WHERE k = :v', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(k) || ':' || quote(s) AS x FROM t WHERE k = :v ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(k) || ':' || quote(s) AS x FROM ref WHERE k = :v ORDER BY r)) FROM t WHERE k = :v;
SELECT 'columns k WHERE k BETWEEN :lo AND :hi', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(k) AS x FROM t WHERE k BETWEEN :lo AND :hi ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(k) AS x FROM ref WHERE k BETWEEN :lo AND :hi ORDER BY r)) FROM t WHERE k BETWEEN :lo AND :hi;
SELECT 'columns s WHERE s = :s', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(s) AS x FROM t WHERE s = :s ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(s) AS x FROM ref WHERE s = :s ORDER BY r)) FROM t WHERE s = :s;
SELECT 'columns id, k WHERE k = 7 AND id > :lo', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(id) || ':' || quote(k) AS x FROM t WHERE k = 7 AND id > :lo ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(id) || ':' || quote(k) AS x FROM ref WHERE k = 7 AND id > :lo ORDER BY r)) FROM t WHERE k = 7 AND id > :lo;
SELECT 'columns tags WHERE array_has_any(tags, :j)', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(tags) AS x FROM t WHERE array_has_any(tags, :j) ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(tags) AS x FROM ref WHERE array_has_any(tags, :j) ORDER BY r)) FROM t WHERE array_has_any(tags, :j);
SELECT 'columns k, f WHERE k = 7 AND f IS NOT NULL', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(k) || ':' || quote(f) AS x FROM t WHERE k = 7 AND f IS NOT NULL ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(k) || ':' || quote(f) AS x FROM ref WHERE k = 7 AND f IS NOT NULL ORDER BY r)) FROM t WHERE k = 7 AND f IS NOT NULL;
-- what was read
SELECT lance_explain('SELECT * FROM t WHERE k = 7');
SELECT lance_explain('SELECT * FROM t WHERE k = 7 AND s = ''a''');
SELECT lance_explain('SELECT id FROM t WHERE id = 90000');
SELECT lance_explain('SELECT * FROM t WHERE k = 7 OR s = ''ß''');
SELECT lance_explain('SELECT * FROM t WHERE k = ''x''');
SELECT lance_explain('SELECT * FROM t WHERE tags IS NULL');
SELECT lance_explain('SELECT count(*) FROM t WHERE rowid IN (1, 2, 3)');
SELECT lance_explain('SELECT * FROM t WHERE array_has_all(tags, ''["t1", "u2"]'')');
SELECT lance_explain('SELECT * FROM t WHERE array_has_any(tags, ''["t1"]'') AND k = 1');
SELECT lance_explain('SELECT k, f FROM t WHERE k = 7 AND f IS NOT NULL');
EXPLAIN QUERY PLAN SELECT * FROM t WHERE k = 7 OR s = 'ß';
-- appends (not indexed: scanned) and deletes (never returned), by SQL
INSERT INTO t(id, k, k2, f, s, b) VALUES (123456789, 7, 7, 0.0, 'café', 1), (-123, NULL, NULL, NULL, NULL, 0), (42, 3, 3, 1e308, '日本', 1);
DELETE FROM t WHERE id IN (20, 30, 40, 60000) OR k = 49;
DROP TABLE ref;
CREATE TEMP TABLE ref AS SELECT rowid AS r, * FROM t;
SELECT count(*) FROM ref;
SELECT 'k = 7', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k = 7) = count(*) || '/' || total(rowid) FROM t WHERE k = 7;
SELECT 'k < 3', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k < 3) = count(*) || '/' || total(rowid) FROM t WHERE k < 3;
SELECT 'k <= 3', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k <= 3) = count(*) || '/' || total(rowid) FROM t WHERE k <= 3;
SELECT 'k > 47', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k > 47) = count(*) || '/' || total(rowid) FROM t WHERE k > 47;
SELECT 'k >= 47', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k >= 47) = count(*) || '/' || total(rowid) FROM t WHERE k >= 47;
SELECT 'k BETWEEN 10 AND 12', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k BETWEEN 10 AND 12) = count(*) || '/' || total(rowid) FROM t WHERE k BETWEEN 10 AND 12;
SELECT 'k IN (1, 2, 49)', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k IN (1, 2, 49)) = count(*) || '/' || total(rowid) FROM t WHERE k IN (1, 2, 49);
SELECT 'k IS NULL', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k IS NULL) = count(*) || '/' || total(rowid) FROM t WHERE k IS NULL;
SELECT 'k = 7.5', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k = 7.5) = count(*) || '/' || total(rowid) FROM t WHERE k = 7.5;
SELECT 'k < 2.5', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k < 2.5) = count(*) || '/' || total(rowid) FROM t WHERE k < 2.5;
SELECT 'k >= 48.0', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k >= 48.0) = count(*) || '/' || total(rowid) FROM t WHERE k >= 48.0;
SELECT 'k = ''7''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k = '7') = count(*) || '/' || total(rowid) FROM t WHERE k = '7';
SELECT 'k = NULL', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k = NULL) = count(*) || '/' || total(rowid) FROM t WHERE k = NULL;
SELECT 'k IN (NULL, 3)', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k IN (NULL, 3)) = count(*) || '/' || total(rowid) FROM t WHERE k IN (NULL, 3);
SELECT 'k > 100', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k > 100) = count(*) || '/' || total(rowid) FROM t WHERE k > 100;
SELECT 'k = 7 AND s = ''a''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k = 7 AND s = 'a') = count(*) || '/' || total(rowid) FROM t WHERE k = 7 AND s = 'a';
SELECT 'k IN (1, 2) AND b = 1', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k IN (1, 2) AND b = 1) = count(*) || '/' || total(rowid) FROM t WHERE k IN (1, 2) AND b = 1;
SELECT 'k = 7 OR s = ''ß''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k = 7 OR s = 'ß') = count(*) || '/' || total(rowid) FROM t WHERE k = 7 OR s = 'ß';
SELECT 'k2 = 7', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k2 = 7) = count(*) || '/' || total(rowid) FROM t WHERE k2 = 7;
SELECT 'k2 < 3', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k2 < 3) = count(*) || '/' || total(rowid) FROM t WHERE k2 < 3;
SELECT 'k2 IN (5, 6)', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k2 IN (5, 6)) = count(*) || '/' || total(rowid) FROM t WHERE k2 IN (5, 6);
SELECT 'k2 = 7 AND k = 7', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE k2 = 7 AND k = 7) = count(*) || '/' || total(rowid) FROM t WHERE k2 = 7 AND k = 7;
SELECT 'id = -9223372036854775808', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id = -9223372036854775808) = count(*) || '/' || total(rowid) FROM t WHERE id = -9223372036854775808;
SELECT 'id = 9223372036854775807', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id = 9223372036854775807) = count(*) || '/' || total(rowid) FROM t WHERE id = 9223372036854775807;
SELECT 'id < 0', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id < 0) = count(*) || '/' || total(rowid) FROM t WHERE id < 0;
SELECT 'id >= 89990', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id >= 89990) = count(*) || '/' || total(rowid) FROM t WHERE id >= 89990;
SELECT 'id = 90000', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id = 90000) = count(*) || '/' || total(rowid) FROM t WHERE id = 90000;
SELECT 'id > 89990', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id > 89990) = count(*) || '/' || total(rowid) FROM t WHERE id > 89990;
SELECT 'id = 70', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id = 70) = count(*) || '/' || total(rowid) FROM t WHERE id = 70;
SELECT 'id BETWEEN -5 AND 15', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id BETWEEN -5 AND 15) = count(*) || '/' || total(rowid) FROM t WHERE id BETWEEN -5 AND 15;
SELECT 'id = 9.2233720368547758e18', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id = 9.2233720368547758e18) = count(*) || '/' || total(rowid) FROM t WHERE id = 9.2233720368547758e18;
SELECT 'id <= -9223372036854775807', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE id <= -9223372036854775807) = count(*) || '/' || total(rowid) FROM t WHERE id <= -9223372036854775807;
SELECT 'f IS NULL', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f IS NULL) = count(*) || '/' || total(rowid) FROM t WHERE f IS NULL;
SELECT 'f = 0', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f = 0) = count(*) || '/' || total(rowid) FROM t WHERE f = 0;
SELECT 'f = -0.0', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f = -0.0) = count(*) || '/' || total(rowid) FROM t WHERE f = -0.0;
SELECT 'f < -99', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f < -99) = count(*) || '/' || total(rowid) FROM t WHERE f < -99;
SELECT 'f > 2000', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f > 2000) = count(*) || '/' || total(rowid) FROM t WHERE f > 2000;
SELECT 'f BETWEEN -1 AND 1', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f BETWEEN -1 AND 1) = count(*) || '/' || total(rowid) FROM t WHERE f BETWEEN -1 AND 1;
SELECT 'f = ''abc''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f = 'abc') = count(*) || '/' || total(rowid) FROM t WHERE f = 'abc';
SELECT 'f IN (1.25, -99.75, 3)', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE f IN (1.25, -99.75, 3)) = count(*) || '/' || total(rowid) FROM t WHERE f IN (1.25, -99.75, 3);
SELECT 's = ''café''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s = 'café') = count(*) || '/' || total(rowid) FROM t WHERE s = 'café';
SELECT 's = ''''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s = '') = count(*) || '/' || total(rowid) FROM t WHERE s = '';
SELECT 's IS NULL', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s IS NULL) = count(*) || '/' || total(rowid) FROM t WHERE s IS NULL;
SELECT 's IN (''日本'', ''ß'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s IN ('日本', 'ß')) = count(*) || '/' || total(rowid) FROM t WHERE s IN ('日本', 'ß');
SELECT 's > ''b''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s > 'b') = count(*) || '/' || total(rowid) FROM t WHERE s > 'b';
SELECT 's < ''a''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s < 'a') = count(*) || '/' || total(rowid) FROM t WHERE s < 'a';
SELECT 's = ''zz''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s = 'zz') = count(*) || '/' || total(rowid) FROM t WHERE s = 'zz';
SELECT 's = 1', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s = 1) = count(*) || '/' || total(rowid) FROM t WHERE s = 1;
SELECT 's >= ''caf'' AND s < ''cag''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE s >= 'caf' AND s < 'cag') = count(*) || '/' || total(rowid) FROM t WHERE s >= 'caf' AND s < 'cag';
SELECT 'b = 1', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE b = 1) = count(*) || '/' || total(rowid) FROM t WHERE b = 1;
SELECT 'b = 0', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE b = 0) = count(*) || '/' || total(rowid) FROM t WHERE b = 0;
SELECT 'b = true', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE b = true) = count(*) || '/' || total(rowid) FROM t WHERE b = true;
SELECT 'array_has_any(tags, ''["t1", "café"]'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_any(tags, '["t1", "café"]')) = count(*) || '/' || total(rowid) FROM t WHERE array_has_any(tags, '["t1", "café"]');
SELECT 'array_has_all(tags, ''["t1", "u2"]'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_all(tags, '["t1", "u2"]')) = count(*) || '/' || total(rowid) FROM t WHERE array_has_all(tags, '["t1", "u2"]');
SELECT 'array_has_any(tags, ''[]'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_any(tags, '[]')) = count(*) || '/' || total(rowid) FROM t WHERE array_has_any(tags, '[]');
SELECT 'array_has_all(tags, ''[]'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_all(tags, '[]')) = count(*) || '/' || total(rowid) FROM t WHERE array_has_all(tags, '[]');
SELECT 'array_has_any(tags, ''["zz"]'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_any(tags, '["zz"]')) = count(*) || '/' || total(rowid) FROM t WHERE array_has_any(tags, '["zz"]');
SELECT 'array_has_all(tags, ''["café", "t0", "u0"]'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_all(tags, '["café", "t0", "u0"]')) = count(*) || '/' || total(rowid) FROM t WHERE array_has_all(tags, '["café", "t0", "u0"]');
SELECT 'array_has_any(tags, ''[null, "t2"]'')', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_any(tags, '[null, "t2"]')) = count(*) || '/' || total(rowid) FROM t WHERE array_has_any(tags, '[null, "t2"]');
SELECT 'array_has_any(tags, ''["t1"]'') AND k = 1', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_any(tags, '["t1"]') AND k = 1) = count(*) || '/' || total(rowid) FROM t WHERE array_has_any(tags, '["t1"]') AND k = 1;
SELECT 'array_has_any(tags, ''["t1"]'') OR s = ''a''', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_any(tags, '["t1"]') OR s = 'a') = count(*) || '/' || total(rowid) FROM t WHERE array_has_any(tags, '["t1"]') OR s = 'a';
SELECT 'array_has_all(tags, ''["u1"]'') AND id > 80000', count(*), total(rowid), (SELECT count(*) || '/' || total(r) FROM ref WHERE array_has_all(tags, '["u1"]') AND id > 80000) = count(*) || '/' || total(rowid) FROM t WHERE array_has_all(tags, '["u1"]') AND id > 80000;
-- the filtered columns selected, after appends and deletes
SELECT 'columns k, s WHERE k = 7', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(k) || ':' || quote(s) AS x FROM t WHERE k = 7 ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(k) || ':' || quote(s) AS x FROM ref WHERE k = 7 ORDER BY r)) FROM t WHERE k = 7;
SELECT 'columns k WHERE k BETWEEN 10 AND 12', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(k) AS x FROM t WHERE k BETWEEN 10 AND 12 ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(k) AS x FROM ref WHERE k BETWEEN 10 AND 12 ORDER BY r)) FROM t WHERE k BETWEEN 10 AND 12;
SELECT 'columns k, id WHERE k IN (1, 2, 49)', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(k) || ':' || quote(id) AS x FROM t WHERE k IN (1, 2, 49) ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(k) || ':' || quote(id) AS x FROM ref WHERE k IN (1, 2, 49) ORDER BY r)) FROM t WHERE k IN (1, 2, 49);
SELECT 'columns k, f WHERE k IS NULL', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(k) || ':' || quote(f) AS x FROM t WHERE k IS NULL ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(k) || ':' || quote(f) AS x FROM ref WHERE k IS NULL ORDER BY r)) FROM t WHERE k IS NULL;
SELECT 'columns f WHERE f IS NULL', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(f) AS x FROM t WHERE f IS NULL ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(f) AS x FROM ref WHERE f IS NULL ORDER BY r)) FROM t WHERE f IS NULL;
SELECT 'columns f WHERE f BETWEEN -1 AND 1', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(f) AS x FROM t WHERE f BETWEEN -1 AND 1 ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(f) AS x FROM ref WHERE f BETWEEN -1 AND 1 ORDER BY r)) FROM t WHERE f BETWEEN -1 AND 1;
SELECT 'columns s WHERE s IN (''日本'', ''ß'')', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(s) AS x FROM t WHERE s IN ('日本', 'ß') ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(s) AS x FROM ref WHERE s IN ('日本', 'ß') ORDER BY r)) FROM t WHERE s IN ('日本', 'ß');
SELECT 'columns s, k WHERE s = ''café'' AND k = 7', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(s) || ':' || quote(k) AS x FROM t WHERE s = 'café' AND k = 7 ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(s) || ':' || quote(k) AS x FROM ref WHERE s = 'café' AND k = 7 ORDER BY r)) FROM t WHERE s = 'café' AND k = 7;
SELECT 'columns b WHERE b = 1 AND k < 3', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(b) AS x FROM t WHERE b = 1 AND k < 3 ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(b) AS x FROM ref WHERE b = 1 AND k < 3 ORDER BY r)) FROM t WHERE b = 1 AND k < 3;
SELECT 'columns tags WHERE array_has_any(tags, ''["t1", "café"]'')', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(tags) AS x FROM t WHERE array_has_any(tags, '["t1", "café"]') ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(tags) AS x FROM ref WHERE array_has_any(tags, '["t1", "café"]') ORDER BY r)) FROM t WHERE array_has_any(tags, '["t1", "café"]');
SELECT 'columns tags, k WHERE array_has_all(tags, ''["t1", "u2"]'') AND k > 5', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(tags) || ':' || quote(k) AS x FROM t WHERE array_has_all(tags, '["t1", "u2"]') AND k > 5 ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(tags) || ':' || quote(k) AS x FROM ref WHERE array_has_all(tags, '["t1", "u2"]') AND k > 5 ORDER BY r)) FROM t WHERE array_has_all(tags, '["t1", "u2"]') AND k > 5;
SELECT 'columns id WHERE id >= 89990', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(id) AS x FROM t WHERE id >= 89990 ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(id) AS x FROM ref WHERE id >= 89990 ORDER BY r)) FROM t WHERE id >= 89990;
SELECT 'columns k2, s WHERE k2 IN (5, 6) AND s > ''b''', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(k2) || ':' || quote(s) AS x FROM t WHERE k2 IN (5, 6) AND s > 'b' ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(k2) || ':' || quote(s) AS x FROM ref WHERE k2 IN (5, 6) AND s > 'b' ORDER BY r)) FROM t WHERE k2 IN (5, 6) AND s > 'b';
SELECT 'columns k, s WHERE k = :v', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(k) || ':' || quote(s) AS x FROM t WHERE k = :v ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(k) || ':' || quote(s) AS x FROM ref WHERE k = :v ORDER BY r)) FROM t WHERE k = :v;
SELECT 'columns k WHERE k BETWEEN :lo AND :hi', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(k) AS x FROM t WHERE k BETWEEN :lo AND :hi ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(k) AS x FROM ref WHERE k BETWEEN :lo AND :hi ORDER BY r)) FROM t WHERE k BETWEEN :lo AND :hi;
SELECT 'columns s WHERE s = :s', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(s) AS x FROM t WHERE s = :s ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(s) AS x FROM ref WHERE s = :s ORDER BY r)) FROM t WHERE s = :s;
SELECT 'columns id, k WHERE k = 7 AND id > :lo', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(id) || ':' || quote(k) AS x FROM t WHERE k = 7 AND id > :lo ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(id) || ':' || quote(k) AS x FROM ref WHERE k = 7 AND id > :lo ORDER BY r)) FROM t WHERE k = 7 AND id > :lo;
SELECT 'columns tags WHERE array_has_any(tags, :j)', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(tags) AS x FROM t WHERE array_has_any(tags, :j) ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(tags) AS x FROM ref WHERE array_has_any(tags, :j) ORDER BY r)) FROM t WHERE array_has_any(tags, :j);
SELECT 'columns k, f WHERE k = 7 AND f IS NOT NULL', count(*), (SELECT group_concat(x, ' ') FROM (SELECT rowid || ':' || quote(k) || ':' || quote(f) AS x FROM t WHERE k = 7 AND f IS NOT NULL ORDER BY rowid)) IS (SELECT group_concat(x, ' ') FROM (SELECT r || ':' || quote(k) || ':' || quote(f) AS x FROM ref WHERE k = 7 AND f IS NOT NULL ORDER BY r)) FROM t WHERE k = 7 AND f IS NOT NULL;
SELECT lance_explain('SELECT * FROM t WHERE k = 7');
-- errors
SELECT array_has_any('[1', '["a"]');
SELECT array_has_all(tags, '{"a": 1}') FROM t WHERE rowid = 5;
SELECT array_has_any(tags) FROM t LIMIT 1;
-- the functions on plain values: numbers as numbers, text never a number, NULLs
SELECT array_has_any('[1, 2, 3]', '[3.0]'), array_has_any('["1"]', '[1]'), array_has_all('["a", "b"]', '["a", "b", "c"]'), array_has_all('["a"]', '[]'), array_has_any(NULL, '[1]'), array_has_all('[null]', '[null]'), array_has_any('[-9223372036854775808]', '[-9223372036854775808]');
SELECT lance_explain(NULL);
SELECT lance_explain('DELETE FROM t');
SELECT lance_explain('SELEC 1');
SELECT lance_explain('SELECT lance_explain(''SELECT 1'')');
SELECT lance_explain('');
