-- A dataset of legacy (v1) data files, LanceDB storage "legacy" (footer 0.2):
-- test/sql/data/make_legacy_fixture.mjs (4 versions: create 1100 rows in batches
-- of 1024 + 76, append 30, delete id % 100 = 7, add column twice).  Values read as
-- LanceDB reads them: no validity below strings (a null int/float is 0, a null
-- list [], a null struct its children), an empty string NULL.
.headers on
CREATE VIRTUAL TABLE t USING lance('test/sql/data/legacy.lance');
SELECT _version, count(*), min(id), max(id), sum(id), sum(twice) FROM t;
SELECT count(*) FROM t(1);
SELECT count(*) FROM t(2);
SELECT count(*), sum(twice IS NULL) FROM t(3);
SELECT fragment_id, physical_rows, deleted_rows, json_array_length(files) AS files
  FROM lance_fragments('test/sql/data/legacy.lance');
-- rows around the batch boundary (1023 | 1024) and in fragment 1, by rowid takes
SELECT id, name, score, tags, vec_to_json(vec) AS vec, meta, color, day, twice, _rowaddr
  FROM t WHERE rowid IN (0, 3, 5, 42, 1022, 1023, 1024, 1025, 4294967296, 4294967325)
  ORDER BY id;
-- the same rows by a scan with a pushed filter
SELECT group_concat(id) FROM t WHERE id >= 1020 AND id <= 1030;
SELECT count(*) FROM t WHERE name IS NULL;
SELECT count(*) FROM t WHERE score = 0;
SELECT count(*), sum(color = 'teal'), sum(color IS NULL) FROM t;
SELECT tags, count(*) FROM t GROUP BY tags ORDER BY count(*) DESC, tags LIMIT 4;
-- vector search over both fragments (row 42's null vector reads as [0,0,0,0])
SELECT id, round(_distance, 4) AS d FROM t WHERE vec MATCH vec_f32('[0.5, 0, -0.5, 0.01]') AND _k = 3;
SELECT id FROM t WHERE vec MATCH vec_f32('[0, 0, 0, 0]') AND _k = 2 AND _metric = 'l2';
-- writes: no rows into legacy files; this dataset's dictionary column refuses the rest
INSERT INTO t(id) VALUES (5000);
DELETE FROM t WHERE id = 1;
SELECT lance_restore('test/sql/data/legacy.lance', 1);
SELECT count(*), _version FROM t;
