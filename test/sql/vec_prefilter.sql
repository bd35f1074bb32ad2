-- Vector search prefiltered by scalar indexes (BITMAP on cat, BTREE on n): the search
-- reads only the vectors of the rows the index sets allow (exact search: takes) or masks
-- the IVF partitions with them, and answers exactly as the same table without indexes
-- (a copy made before they were built, given the same appends and deletes): k rows when
-- k matching rows exist, fewer when fewer match; rows appended after the indexes
-- (unindexed) and deleted rows included / excluded as in the copy.
.system rm -rf build/sqlvecpre && mkdir -p build/sqlvecpre
CREATE VIRTUAL TABLE v USING lance('build/sqlvecpre/v.lance', schema='id INT64, cat TEXT, n INT32, emb FLOAT32[8]');
INSERT INTO v SELECT value, 'c' || (value % 50), value % 97, printf('[%d,%d,%d,%d,%d,%d,%d,%d]', value * 7919 % 1009, value * 104729 % 1013, value * 31 % 1019, value * 613 % 1021, value * 97 % 1031, value * 7 % 1033, value * 3 % 1039, value * 1301 % 1049) FROM generate_series(0, 1999);
INSERT INTO v SELECT value, 'c' || (value % 50), value % 97, printf('[%d,%d,%d,%d,%d,%d,%d,%d]', value * 7919 % 1009, value * 104729 % 1013, value * 31 % 1019, value * 613 % 1021, value * 97 % 1031, value * 7 % 1033, value * 3 % 1039, value * 1301 % 1049) FROM generate_series(2000, 3999);
.system cp -r build/sqlvecpre/v.lance build/sqlvecpre/u.lance
CREATE VIRTUAL TABLE u USING lance('build/sqlvecpre/u.lance');
SELECT lance_create_index('v', 'cat', 'BITMAP', '') > 0, lance_create_index('v', 'n', 'BTREE', '') > 0;
-- appended after the indexes (scanned), and deleted (never returned), on both tables
INSERT INTO v SELECT value, 'c' || (value % 50), value % 97, printf('[%d,%d,%d,%d,%d,%d,%d,%d]', value * 7919 % 1009, value * 104729 % 1013, value * 31 % 1019, value * 613 % 1021, value * 97 % 1031, value * 7 % 1033, value * 3 % 1039, value * 1301 % 1049) FROM generate_series(4000, 4199);
INSERT INTO u SELECT value, 'c' || (value % 50), value % 97, printf('[%d,%d,%d,%d,%d,%d,%d,%d]', value * 7919 % 1009, value * 104729 % 1013, value * 31 % 1019, value * 613 % 1021, value * 97 % 1031, value * 7 % 1033, value * 3 % 1039, value * 1301 % 1049) FROM generate_series(4000, 4199);
DELETE FROM v WHERE id % 13 = 0;
DELETE FROM u WHERE id % 13 = 0;
CREATE TEMP TABLE q(name, vec);
INSERT INTO q VALUES ('a', vec_f32('[500,500,500,500,500,500,500,500]')), ('b', vec_f32('[0,1000,0,1000,0,1000,0,1000]')), ('c', vec_f32('[37,900,412,8,777,300,1000,55]'));
CREATE TEMP TABLE w(f);
INSERT INTO w VALUES ('cat = ''c7'''), ('cat IN (''c1'', ''c2'')'), ('n BETWEEN 10 AND 12'), ('cat = ''c7'' AND n < 40'), ('cat = ''c3'' AND id > 1000'), ('cat = ''c9'' AND n = 9'), ('cat = ''nosuch''');
-- one statement per (query, filter, k): the ids and distances of both tables compared
.output build/sqlvecpre/cases.sql
SELECT 'SELECT ''' || q.name || ' ' || replace(w.f, '''', '''''') || ' k=' || k.value || ''', (SELECT count(*) FROM (SELECT id FROM v WHERE emb MATCH ' || quote(q.vec) || ' AND _k = ' || k.value || ' AND ' || w.f || ')), (SELECT group_concat(id || ''/'' || _distance) FROM (SELECT id, _distance FROM v WHERE emb MATCH ' || quote(q.vec) || ' AND _k = ' || k.value || ' AND ' || w.f || ')) IS (SELECT group_concat(id || ''/'' || _distance) FROM (SELECT id, _distance FROM u WHERE emb MATCH ' || quote(q.vec) || ' AND _k = ' || k.value || ' AND ' || w.f || '));'
FROM q, w, (SELECT value FROM generate_series(1, 100, 99) UNION ALL SELECT 10) k ORDER BY q.name, w.rowid, k.value;
.output stdout
.read build/sqlvecpre/cases.sql
-- the same with an IVF_FLAT index on emb probing every partition (the exact answer)
SELECT lance_create_index('v', 'emb', 'IVF_FLAT', 'num_partitions=4 threads=1');
.read build/sqlvecpre/cases.sql
-- what was read
SELECT lance_explain('SELECT id FROM v WHERE emb MATCH vec_f32(''[500,500,500,500,500,500,500,500]'') AND _k = 10 AND cat = ''c7''');
SELECT lance_explain('SELECT id FROM v WHERE emb MATCH vec_f32(''[500,500,500,500,500,500,500,500]'') AND _k = 10 AND cat = ''c3'' AND id > 1000 AND _options = ''exact=1''');
SELECT lance_explain('SELECT id FROM v WHERE emb MATCH vec_f32(''[500,500,500,500,500,500,500,500]'') AND _k = 10 AND n < 50');
