-- Materialized views (ext/vtab/matview.c, matview_sql.c, format/matview.c): lance_create_view
-- and lance_refresh after INSERT, DELETE, UPDATE, compaction and a column rewrite of the
-- source; exactly one view version per refresh; the config the view keeps; a view as a
-- lance table, as a permutation's source and searched; a failed refresh commits nothing;
-- every error, word for word.
.system rm -rf build/sqlview && mkdir -p build/sqlview
CREATE VIRTUAL TABLE bdd USING lance('build/sqlview/bdd.lance', schema='id INT64 NOT NULL, image BLOB, caption TEXT, has_person BOOLEAN, timeofday TEXT, emb FLOAT32[2]');
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99)
INSERT INTO bdd SELECT i, zeroblob(i % 5), 'frame ' || i, i % 3 = 0,
  CASE WHEN i % 2 THEN 'night' ELSE 'day' END, '[' || i || ',1]' FROM n;
SELECT lance_create_view('build/sqlview/night.lance', 'bdd',
  'SELECT id, image, caption AS cap, emb FROM bdd WHERE has_person AND timeofday = ''night''');
CREATE VIRTUAL TABLE v USING lance('build/sqlview/night.lance');
SELECT count(*), min(id), max(id) FROM v;
SELECT name, arrow_type, nullable FROM lance_schema('v');
-- every row matches its source row, by the source row id
SELECT count(*) FROM v JOIN bdd b ON b.rowid = v._source_rowid AND b.id = v.id AND b.caption = v.cap AND b.image = v.image;
SELECT count(*) FROM bdd WHERE has_person AND timeofday = 'night' AND rowid NOT IN (SELECT _source_rowid FROM v);
-- INSERT and DELETE: new rows read, deleted rows leave; one version
INSERT INTO bdd(id, caption, has_person, timeofday) VALUES (101, 'new', 1, 'night'), (103, 'new2', 1, 'night'), (104, 'new3', 1, 'day');
DELETE FROM bdd WHERE id IN (3, 9, 10);
SELECT lance_refresh('build/sqlview/night.lance');
SELECT count(*), group_concat(id) FROM (SELECT id FROM v ORDER BY id);
SELECT version, operation FROM lance_versions('v');
-- nothing changed: nothing committed
SELECT lance_refresh('build/sqlview/night.lance');
-- UPDATE: a row leaves the filter, one changes, one enters
UPDATE bdd SET caption = 'changed' WHERE id = 15;
UPDATE bdd SET has_person = 0 WHERE id = 21;
UPDATE bdd SET has_person = 1 WHERE id = 25;
SELECT lance_refresh('v');
SELECT count(*), group_concat(id) FROM (SELECT id FROM v ORDER BY id);
SELECT id, cap FROM v WHERE id = 15;
-- compaction rewrites the source's fragments: their rows are read again, once each
SELECT lance_compact('bdd');
SELECT lance_refresh('v');
SELECT count(*), count(DISTINCT id) FROM v;
SELECT count(*) FROM v JOIN bdd b ON b.rowid = v._source_rowid AND b.id = v.id AND b.caption = v.cap;
-- a column rewrite (backfill) of the source counts as a change of its fragments
SELECT lance_backfill('bdd', 'caption', 'upper(caption)') > 0;
SELECT lance_refresh('v');
SELECT id, cap FROM v WHERE id = 15;
-- the recorded source version cleaned up: every fragment is read again
INSERT INTO bdd(id, caption, has_person, timeofday) VALUES (105, 'late', 1, 'night');
SELECT lance_cleanup('bdd', 'older_than=0s') IS NOT NULL;
SELECT count(*) FROM lance_versions('bdd');
SELECT lance_refresh('v');
SELECT count(*), count(DISTINCT id), max(id) FROM v;
-- the config the view keeps, in every version's manifest
SELECT count(*) FROM lance_versions('v');
.system for k in sql source source_version; do grep -l "sqlite_lance.view.$k" build/sqlview/night.lance/_versions/*.manifest | wc -l; done
-- a view is a source for permutations and for search
SELECT lance_permutation('v', 'build/sqlview/perm.lance', 'split_random=0.5,0.5 split_names=a,b seed=1');
CREATE VIRTUAL TABLE va USING lance('build/sqlview/night.lance', permutation='build/sqlview/perm.lance', split='a');
SELECT count(*) FROM va;
SELECT id FROM v WHERE emb MATCH '[33,1]' AND _k = 3 ORDER BY _distance;
-- a view of a view
SELECT lance_create_view('build/sqlview/v2.lance', 'v', 'SELECT id, cap FROM v WHERE id > 50');
CREATE VIRTUAL TABLE v2 USING lance('build/sqlview/v2.lance');
SELECT count(*), min(id) FROM v2;
-- comments, quoted names, SELECT *: the view's SQL as written
SELECT lance_create_view('build/sqlview/v3.lance', 'bdd', 'SELECT * /* every column */ FROM "bdd" AS b
  WHERE b.id < 5 -- a few');
INSERT INTO bdd(id, caption, has_person, timeofday) VALUES (-1, 'neg', 0, 'day');
SELECT lance_refresh('build/sqlview/v3.lance');
CREATE VIRTUAL TABLE v3 USING lance('build/sqlview/v3.lance');
SELECT group_concat(name, ',') FROM lance_schema('v3') WHERE parent_id IS NULL OR parent_id < 0;
SELECT group_concat(id) FROM (SELECT id FROM v3 ORDER BY id);
-- a restore brings deleted rows back: the fragment is read again
CREATE TEMP TABLE before AS SELECT max(version) AS v FROM lance_versions('bdd');
DELETE FROM bdd WHERE id = 27;
SELECT lance_refresh('v') ->> 'removed' AS removed, (SELECT count(*) FROM v WHERE id = 27) AS has_27;
SELECT lance_restore('bdd', (SELECT v FROM before)) > 0;
SELECT lance_refresh('v') ->> 'fragments_read' AS fragments_read, (SELECT count(*) FROM v WHERE id = 27) AS has_27;
SELECT count(*) FROM bdd WHERE has_person AND timeofday = 'night' AND rowid NOT IN (SELECT _source_rowid FROM v);
SELECT count(*) FROM v WHERE _source_rowid NOT IN (SELECT rowid FROM bdd WHERE has_person AND timeofday = 'night');
-- a source column added under SELECT *: the view's columns no longer match
SELECT lance_add_columns('bdd', 'extra INT32') > 0;
INSERT INTO bdd(id, caption, has_person, timeofday) VALUES (-2, 'neg2', 0, 'day');
SELECT lance_refresh('build/sqlview/v3.lance');
-- a failed refresh commits nothing and leaves no file behind
SELECT lance_drop_columns('bdd', 'caption') > 0;
INSERT INTO bdd(id, has_person, timeofday) VALUES (201, 1, 'night');
.system ls build/sqlview/night.lance/data | wc -l
SELECT lance_refresh('v');
SELECT count(*) FROM lance_versions('v');
.system ls build/sqlview/night.lance/data | wc -l
-- a source given as a dataset path: the SQL names it by any name
SELECT lance_create_view('build/sqlview/p.lance', 'build/sqlview/bdd.lance', 'SELECT id FROM frames WHERE id < 3') ->> 'added';
-- errors
SELECT lance_create_view(1, 'bdd', 'SELECT id FROM bdd');
SELECT lance_create_view('build/sqlview/e.lance', 'nosuch', 'SELECT id FROM nosuch');
SELECT lance_create_view('build/sqlview/night.lance', 'bdd', 'SELECT id FROM bdd');
SELECT lance_create_view('build/sqlview/e.lance', 'bdd', 'DELETE FROM bdd');
SELECT lance_create_view('build/sqlview/e.lance', 'bdd', 'SELECT DISTINCT id FROM bdd');
SELECT lance_create_view('build/sqlview/e.lance', 'bdd', 'SELECT a.id FROM bdd a JOIN bdd b ON a.id = b.id');
SELECT lance_create_view('build/sqlview/e.lance', 'bdd', 'SELECT a.id FROM bdd a, v WHERE a.id = v.id');
SELECT lance_create_view('build/sqlview/e.lance', 'bdd', 'SELECT id FROM bdd GROUP BY id');
SELECT lance_create_view('build/sqlview/e.lance', 'bdd', 'SELECT id FROM bdd WHERE id > 3 ORDER BY id');
SELECT lance_create_view('build/sqlview/e.lance', 'bdd', 'SELECT id FROM bdd LIMIT 3');
SELECT lance_create_view('build/sqlview/e.lance', 'bdd', 'SELECT id FROM bdd UNION SELECT id FROM v');
SELECT lance_create_view('build/sqlview/e.lance', 'bdd', 'WITH x AS (SELECT 1) SELECT id FROM bdd');
SELECT lance_create_view('build/sqlview/e.lance', 'bdd', 'SELECT id FROM (SELECT id FROM bdd)');
SELECT lance_create_view('build/sqlview/e.lance', 'bdd', 'SELECT id FROM bdd; SELECT 1');
SELECT lance_create_view('build/sqlview/e.lance', 'bdd', 'SELECT id');
SELECT lance_create_view('build/sqlview/e.lance', 'bdd', 'SELECT id FROM v');
SELECT lance_create_view('build/sqlview/e.lance', 'bdd', 'SELECT count(*) FROM bdd');
SELECT lance_create_view('build/sqlview/e.lance', 'bdd', 'SELECT id FROM bdd WHERE id IN (SELECT id FROM v)');
SELECT lance_create_view('build/sqlview/e.lance', 'bdd', 'SELECT id, id + 1 AS next FROM bdd');
SELECT lance_create_view('build/sqlview/e.lance', 'bdd', 'SELECT id AS _source_rowid FROM bdd');
SELECT lance_create_view('build/sqlview/e.lance', 'bdd', 'SELECT id, id FROM bdd');
SELECT lance_create_view('build/sqlview/e.lance', 'bdd', 'SELECT id FROM bdd WHERE nosuch = 1');
SELECT lance_refresh('bdd');
SELECT lance_refresh('build/sqlview/nosuch.lance');
SELECT lance_refresh(NULL);
.system ls build/sqlview
