-- Schema evolution from SQL: lance_add_columns (expression, all-NULL), lance_alter_columns
-- (rename, nullable, cast), lance_drop_columns, lance_backfill and lance_progress; the
-- table shows each new schema without being re-created; every error word for word.
.system rm -rf build/sqlevo && mkdir -p build/sqlevo
CREATE VIRTUAL TABLE t USING lance('build/sqlevo/t.lance', schema='id INT64 NOT NULL, timeofday TEXT, score FLOAT32, label TEXT, dhash INT64, is_duplicate BOOLEAN');
INSERT INTO t VALUES (1, 'night', 0.5, 'car', 11, 0), (2, 'day', 1.5, 'bus', 12, 1), (3, 'night', NULL, NULL, 13, 0);
INSERT INTO t VALUES (4, 'dawn', 4.25, 'car', 14, 0), (5, 'night', 5, 'bike', 15, 1);
DELETE FROM t WHERE id = 2;
SELECT lance_add_columns('t', 'is_night BOOLEAN', 'timeofday = ''night''');
SELECT * FROM t ORDER BY id;
SELECT lance_add_columns('t', 'emb FLOAT32[3], caption TEXT');
SELECT id, emb, caption FROM t ORDER BY id;
SELECT lance_alter_columns('t', 'rename=label:category nullable=id:true cast=score:FLOAT64');
SELECT name, arrow_type, nullable FROM lance_schema('t');
SELECT id, category, score FROM t ORDER BY id;
SELECT lance_drop_columns('t', 'dhash, is_duplicate');
SELECT * FROM t ORDER BY id;
SELECT version, operation, row_count FROM lance_versions('t');
-- older versions keep their schema
CREATE VIRTUAL TABLE t5 USING lance('build/sqlevo/t.lance', version=5);
SELECT * FROM t5 ORDER BY id;
-- backfill: column-only files, one version per commit_every rows (here every row)
SELECT lance_backfill('t', 'emb', 'vec_f32(json_array(id, id * 2, id * 3))', 'where=emb IS NULL commit_every=1');
SELECT id, vec_to_json(emb) FROM t ORDER BY id;
SELECT version, operation FROM lance_versions('t') WHERE version > 8;
SELECT operation, column, state, rows_done, rows_total, version, error FROM lance_progress('t');
-- nothing left to do: no new version
SELECT lance_backfill('t', 'emb', 'vec_f32(''[0,0,0]'')', 'where=emb IS NULL');
-- a column sharing its data file with others: a Merge that tombstones the old copy
SELECT lance_backfill('t', 'category', 'upper(coalesce(category, ''none''))', 'where=id > 3');
SELECT id, category, timeofday FROM t ORDER BY id;
SELECT version, operation FROM lance_versions('t') WHERE version > 12;
SELECT fragment_id, json_array_length(files) FROM lance_fragments('t');
-- errors
SELECT lance_add_columns('t', 'x BOOLEAN', 'no_such_col = 1');
SELECT lance_add_columns('t', 'x NOTATYPE');
SELECT lance_add_columns('t', 'x INT64', 'abs(''a'') + zeroblob(-1) + unknown_func(1)');
SELECT lance_add_columns('t', 'x INT64 NOT NULL', 'CASE WHEN id = 4 THEN NULL ELSE id END');
SELECT lance_add_columns('t', 'x INT8', 'id * 100');
SELECT lance_add_columns('t', 'is_night INT64', '1');
SELECT lance_add_columns('t', 'x INT64, y INT64', '1');
SELECT lance_add_columns('t', 'x TEXT', 'CASE WHEN id = 4 THEN json(''{bad'') ELSE ''ok'' END');
SELECT lance_add_columns('t', 'x INT64 NOT NULL');
SELECT lance_add_columns('t', 42);
SELECT lance_add_columns('t', 'x INT64', 42);
SELECT lance_add_columns('nope', 'x INT64');
SELECT lance_alter_columns('t', 'rename=nope:x');
SELECT lance_alter_columns('t', 'rename=category:timeofday');
SELECT lance_alter_columns('t', 'cast=category:INT64');
SELECT lance_alter_columns('t', 'cast=score:NOTATYPE');
SELECT lance_alter_columns('t', 'nullable=score:false');
SELECT lance_alter_columns('t', 'nullable=score:maybe');
SELECT lance_alter_columns('t', 'frobnicate=score:1');
SELECT lance_alter_columns('t', 'rename=score');
SELECT lance_alter_columns('t', '');
SELECT lance_drop_columns('t', 'nope');
SELECT lance_drop_columns('t', 'id, timeofday, score, category, is_night, emb, caption');
SELECT lance_drop_columns('t', ' , ');
SELECT lance_backfill('t', 'nope', '1');
SELECT lance_backfill('t', 'emb', 'no_such_col');
SELECT lance_backfill('t', 'emb', '1', 'where=');
SELECT lance_backfill('t', 'emb', '1', 'commit_every=0');
SELECT lance_backfill('t', 'emb', '1', 'batch_rows=x');
SELECT lance_backfill('t', 'emb', '1', 'progress=2');
SELECT lance_backfill('t', 'emb', '1', 'speed=11');
SELECT lance_backfill('t', 'emb', '''not a vector''');
SELECT lance_backfill('t', 'emb', '1', 'where=nope = 1');
SELECT lance_backfill('t', 'category', 'CASE WHEN id = 5 THEN json(''{bad'') ELSE ''ok'' END', 'commit_every=100');
SELECT lance_backfill('t', 'emb', 1);
SELECT lance_backfill('t', 1, '1');
BEGIN;
SELECT lance_add_columns('t', 'x INT64');
ROLLBACK;
CREATE VIRTUAL TABLE old USING lance('build/sqlevo/t.lance', version=2);
SELECT lance_add_columns('build/sqlevo/missing.lance', 'x INT64');
-- a pinned table keeps its version's columns
SELECT * FROM old ORDER BY id;
-- none of the errors committed anything
SELECT max(version) FROM lance_versions('t');
SELECT * FROM t ORDER BY id;
