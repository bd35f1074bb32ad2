.echo on
-- sqlite-lance demo: a Lance dataset written by LanceDB, queried from the sqlite3 shell.
-- demo/out/scenes.lance holds 200 driving scenes (a 32x32 PNG each) and 5 versions:
--   v1 create 160 | v2 append 40 (tag 'golden') | v3 delete dawn scenes
--   v4 relabel some cars as trucks | v5 add column is_night
-- Run from the repository root: sqlite3 :memory: < demo/demo.sql  (demo/run.sh does).
.headers on
.mode box
.load ./build/lance
CREATE VIRTUAL TABLE scenes USING lance('demo/out/scenes.lance');

-- The columns: Lance types map to SQLite ones (lists -> JSON text, vectors -> BLOB).
SELECT name, type FROM pragma_table_info('scenes');
SELECT name, arrow_type, sqlite_type FROM lance_schema('scenes') WHERE parent_id = -1;

-- Projection: only the columns a query names are read.
SELECT id, label, timeofday, weather, captured_at, tags, score
  FROM scenes ORDER BY id LIMIT 5;

-- Filters (evaluated in C on decoded batches before rows reach SQLite).
SELECT id, label, weather, score
  FROM scenes WHERE timeofday = 'night' AND score > 0.5 ORDER BY score DESC LIMIT 5;

-- Aggregates.
SELECT label, count(*) AS n, round(avg(score), 3) AS avg_score, sum(is_night) AS at_night
  FROM scenes GROUP BY label ORDER BY n DESC;

-- A rowid lookup reads just that row (rowid = fragment_id << 32 | offset here).
SELECT rowid, _rowaddr, id, label, timeofday FROM scenes WHERE rowid = 42;
SELECT rowid, id, label FROM scenes WHERE rowid IN (4294967296, 4294967297);

-- Time travel: every version is still readable.
SELECT _version AS v, count(*) AS n FROM scenes(1)
UNION ALL SELECT 2, count(*) FROM scenes(2)
UNION ALL SELECT 3, count(*) FROM scenes WHERE _version = 3
UNION ALL SELECT 4, count(*) FROM scenes WHERE _version = 4
UNION ALL SELECT 5, count(*) FROM scenes;
SELECT count(*) AS n, min(id), max(id), _tag FROM scenes(NULL, 'golden');
SELECT timeofday, count(*) AS n FROM scenes WHERE _version = 1 GROUP BY timeofday;

-- Cross-version queries: the rows v3 deleted, and the labels v4 changed.
SELECT id, timeofday, captured_at FROM scenes(2)
EXCEPT SELECT id, timeofday, captured_at FROM scenes(3)
ORDER BY id LIMIT 6;
SELECT (SELECT count(*) FROM scenes(2)) - (SELECT count(*) FROM scenes(3)) AS deleted;
SELECT old.id, old.label AS v3_label, new.label AS v4_label, new.score
  FROM scenes(3) AS old JOIN scenes(4) AS new ON new.id = old.id
 WHERE old.label <> new.label ORDER BY old.id;

-- Images are BLOBs: PNG bytes as LanceDB stored them.
SELECT id, length(image) AS bytes, hex(substr(image, 1, 8)) AS signature,
       substr(image, 13, 4) AS chunk, hex(substr(image, 17, 8)) AS width_height
  FROM scenes ORDER BY id LIMIT 3;
SELECT count(*) AS pngs, sum(length(image)) AS total_bytes
  FROM scenes WHERE hex(substr(image, 1, 8)) = '89504E470D0A1A0A';
-- The shell's writefile() saves one to disk: open demo/out/scene_53.png.
SELECT writefile('demo/out/scene_53.png', image) AS bytes_written FROM scenes WHERE id = 53;

-- Vectors are float32 BLOBs (the sqlite-vec layout); the scalar functions read them.
SELECT id, label, vec_dims(embedding) AS dims, vec_to_json(embedding) AS embedding
  FROM scenes ORDER BY id LIMIT 3;
-- Brute-force nearest neighbours of a "pedestrian-like" query vector.
SELECT id, label, round(l2_distance(embedding, vec_f32('[0,1,0,0,0,1,0,0]')), 4) AS dist
  FROM scenes ORDER BY dist LIMIT 3;
SELECT id, label, round(cosine_distance(embedding, vec_f32('[0,1,0,0,0,1,0,0]')), 4) AS cos
  FROM scenes WHERE timeofday = 'night' ORDER BY cos LIMIT 3;

-- Lists are JSON text: json_each unnests them.
SELECT t.value AS tag, count(*) AS n
  FROM scenes, json_each(scenes.tags) AS t GROUP BY tag ORDER BY n DESC, tag;
SELECT id, tags FROM scenes WHERE EXISTS
  (SELECT 1 FROM json_each(scenes.tags) WHERE value = 'rare') AND label = 'bicycle'
 ORDER BY id LIMIT 3;

-- Dates: timestamps are UTC text, so SQLite's date functions work.
SELECT strftime('%H', captured_at) AS hour, timeofday, count(*) AS n
  FROM scenes GROUP BY hour ORDER BY hour LIMIT 8;

-- History: versions and tags (commit timestamps left out: they change on every run).
SELECT version, row_count, operation, tags, fragments FROM lance_versions('scenes');
SELECT * FROM lance_tags('scenes');
SELECT fragment_id, physical_rows, deleted_rows FROM lance_fragments('scenes');
