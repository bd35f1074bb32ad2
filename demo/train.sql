.echo on
-- Part 2, the training workflow: curate frames, split them, train on a split.
-- Run after demo.sql (demo/run.sh); demo/train.py then trains one PyTorch epoch.
.headers on
.mode box
.load ./build/lance
CREATE VIRTUAL TABLE scenes USING lance('demo/out/scenes.lance');

-- Ingest: a training table written from SQL, with a caption, has_person and
-- box_area_pct computed from the scene's columns as the rows are copied.
CREATE VIRTUAL TABLE frames USING lance('demo/out/frames.lance', schema='id INT64 NOT NULL,
  image BLOB, caption TEXT, label TEXT, timeofday TEXT, weather TEXT, has_person BOOLEAN,
  box_area_pct FLOAT64, embedding FLOAT32[8]');
INSERT INTO frames
SELECT id, image,
       'a ' || label || ' on a ' || weather || ' road at ' || timeofday ||
         CASE WHEN tags LIKE '%crosswalk%' THEN ' near a crosswalk' ELSE '' END ||
         CASE WHEN tags LIKE '%occluded%' THEN ', partly occluded' ELSE '' END,
       label, timeofday, weather, label = 'pedestrian', round(5 + score * 40, 1), embedding
  FROM scenes ORDER BY id;
SELECT count(*) AS frames, sum(has_person) AS with_person FROM frames;
SELECT id, caption, has_person, box_area_pct FROM frames ORDER BY id LIMIT 4;

-- Curation with filters: small pedestrians at night, the classic failure mode.
SELECT id, caption, box_area_pct FROM frames
 WHERE has_person AND timeofday = 'night' AND box_area_pct < 15 ORDER BY id;

-- A materialized view per failure mode: Lance datasets of the matching frames that
-- remember their SQL and the frames version they reflect (lance_refresh keeps them
-- up to date reading only what changed).
SELECT r ->> 'added' AS night_peds, r ->> 'source_version' AS frames_version FROM (
  SELECT lance_create_view('demo/out/night_peds.lance', 'frames', 'SELECT id, image, caption,
    box_area_pct FROM frames WHERE has_person AND timeofday = ''night'' AND box_area_pct < 15') AS r);
SELECT r ->> 'added' AS occluded, r ->> 'source_version' AS frames_version FROM (
  SELECT lance_create_view('demo/out/occluded.lance', 'frames',
    'SELECT id, image, caption FROM frames WHERE caption LIKE ''%occluded%''') AS r);
CREATE VIRTUAL TABLE night_peds USING lance('demo/out/night_peds.lance');
SELECT id, caption, box_area_pct, _source_rowid FROM night_peds ORDER BY id LIMIT 3;

-- Full-text search on the captions (a BM25 index built from SQL, LanceDB's format).
SELECT lance_create_index('frames', 'caption', 'FTS') AS version;
SELECT id, caption, round(_score, 3) AS score FROM frames
 WHERE caption MATCH 'occluded pedestrian crosswalk' AND _k = 4;
-- Vector search: the frames nearest to frame 53, at night only (a prefilter).
SELECT id, label, timeofday, round(_distance, 4) AS distance FROM frames
 WHERE embedding MATCH (SELECT embedding FROM frames WHERE id = 53) AND _k = 4
   AND timeofday = 'night';

-- A permutation with train/val splits (LanceDB's permutation table layout), dawn
-- frames left out, shuffled with a seed: the same splits on every run.
SELECT lance_permutation('frames', 'demo/out/perm.lance', 'filter=timeofday <> ''dawn''
  split_random=0.8,0.2 split_names=train,val seed=42 shuffle=true') AS rows;
CREATE VIRTUAL TABLE perm USING lance('demo/out/perm.lance');
SELECT split_id, count(*) AS n FROM perm GROUP BY split_id;
-- One split read through the permutation, in its order: the source's columns.
CREATE VIRTUAL TABLE train USING lance('demo/out/frames.lance', permutation='demo/out/perm.lance', split='train');
SELECT rowid, id, label, timeofday FROM train LIMIT 5;
SELECT label, count(*) AS n FROM train GROUP BY label ORDER BY label;

-- Tag the data version the model trains on (demo/train.py stores it in the checkpoint).
SELECT lance_tag_create('frames', 'train-v1') AS tagged_version;

-- New frames arrive: 23 more (three of them new takes of small pedestrians at
-- night), appended from SQL.
INSERT INTO frames
SELECT id + 1000, image, 'a ' || label || ' on a ' || weather || ' road at ' || timeofday,
       label, timeofday, weather, label = 'pedestrian', round(5 + score * 40, 1), embedding
  FROM scenes WHERE id < 20 OR id IN (42, 54, 77) ORDER BY id;
SELECT version, row_count, operation, tags FROM lance_versions('frames');
-- The failure-mode views catch up: only the new fragment is read, one version each.
SELECT 'night_peds' AS view, r ->> 'added' AS added, r ->> 'removed' AS removed,
       r ->> 'fragments_read' AS fragments_read, r ->> 'source_version' AS frames_version,
       r ->> 'version' AS view_version FROM (SELECT lance_refresh('demo/out/night_peds.lance') AS r)
UNION ALL
SELECT 'occluded', r ->> 'added', r ->> 'removed', r ->> 'fragments_read', r ->> 'source_version',
       r ->> 'version' FROM (SELECT lance_refresh('demo/out/occluded.lance') AS r);
SELECT id, caption, _source_rowid FROM night_peds WHERE id >= 1000 ORDER BY id;
-- The permutation is pinned to the version it was built from: the split does not change.
SELECT count(*) AS train_rows, max(_version) AS version_read FROM train;
-- A hash split (by id) is stable: rebuilt over the new version, no old frame moves.
SELECT lance_permutation('frames', 'demo/out/hash_v2.lance', 'split_hash=id split_weights=0.8,0.2 split_names=train,val version=2') AS v2_rows;
SELECT lance_permutation('frames', 'demo/out/hash_v4.lance', 'split_hash=id split_weights=0.8,0.2 split_names=train,val') AS v4_rows;
CREATE VIRTUAL TABLE h2 USING lance('demo/out/hash_v2.lance');
CREATE VIRTUAL TABLE h4 USING lance('demo/out/hash_v4.lance');
SELECT count(*) AS old_frames, sum(h2.split_id <> h4.split_id) AS moved
  FROM h2 JOIN h4 ON h4.row_id = h2.row_id;
