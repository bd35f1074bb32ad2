-- lance_create_index / lance_drop_index / lance_optimize_indices on a copy of
-- the FTS fixture (test/unit/data/fts.lance: id, text, text2; LanceDB built
-- text_idx and text2_idx): an index built by SQL answers the same queries as
-- LanceDB's, drops and rebuilds commit new versions, appends are merged by
-- optimize, and every error is checked word for word.
.system rm -rf build/sqlfts && mkdir -p build/sqlfts && cp -r test/unit/data/fts.lance build/sqlfts/
CREATE VIRTUAL TABLE f USING lance('build/sqlfts/fts.lance');
SELECT version, operation FROM lance_versions('f') ORDER BY version DESC LIMIT 1;
-- LanceDB's own text_idx answers first; then ours replaces it (same name)
CREATE TEMP TABLE theirs AS SELECT _rowid AS r, round(_score, 4) AS s FROM f WHERE text MATCH 'alpha three' ORDER BY _score DESC, _rowid LIMIT 12;
SELECT lance_create_index('f', 'text', 'FTS', 'with_position=true stem=false remove_stop_words=false');
SELECT name, columns, type, version, unindexed_rows, uuid != '99d1e501-3020-4c65-9afc-5500506bfa39' FROM lance_indices('f') ORDER BY name;
SELECT version, operation FROM lance_versions('f') ORDER BY version DESC LIMIT 1;
CREATE TEMP TABLE ours AS SELECT _rowid AS r, round(_score, 4) AS s FROM f WHERE text MATCH 'alpha three' ORDER BY _score DESC, _rowid LIMIT 12;
SELECT count(*), sum(o.r = t.r AND o.s = t.s) FROM ours o JOIN theirs t ON o.rowid = t.rowid;
-- a second index under another name, 256-document blocks, then dropped
SELECT lance_create_index('f', 'text', 'INVERTED', 'name=t256 block_size=256 stem=false');
SELECT name FROM lance_indices('f') ORDER BY name;
SELECT lance_drop_index('f', 't256');
SELECT name FROM lance_indices('f') ORDER BY name;
SELECT version, operation FROM lance_versions('f') ORDER BY version DESC LIMIT 1;
-- appended rows are flat-searched until optimize merges them as a new partition
INSERT INTO f(id, text) VALUES (1000, 'zebra fox'), (1001, 'zebra zebra');
SELECT id, round(_score, 4) FROM f WHERE text MATCH 'zebra fox' ORDER BY _score DESC, id LIMIT 4;
SELECT name, unindexed_rows FROM lance_indices('f') ORDER BY name;
SELECT lance_optimize_indices('f');
SELECT name, unindexed_rows FROM lance_indices('f') ORDER BY name;
SELECT id, round(_score, 4) FROM f WHERE text MATCH 'zebra fox' ORDER BY _score DESC, id LIMIT 4;
SELECT lance_optimize_indices('f');
-- progress reports of the builds (lance_progress; an interrupted build: test/python/test_evolve.py)
SELECT operation, column, state, rows_done, rows_total, error, phase FROM lance_progress('f') ORDER BY 2, 3;
-- errors
SELECT lance_create_index('f', 'text', 'FTS', 'progress=yes');
SELECT lance_create_index('f', 'text', 'FTS', 'replace=false');
SELECT lance_create_index('f', 'nope', 'FTS');
SELECT lance_create_index('f', 'id', 'FTS');
SELECT lance_create_index('f', 'text', 'IVF_PQ');
SELECT lance_create_index('f', 'text', 'ZONEMAP');
SELECT lance_create_index('f', 'text', 'SPELLCHECK');
SELECT lance_create_index('f', 'text', NULL);
SELECT lance_create_index('f', 'text', 'FTS', 'colour=red');
SELECT lance_create_index('f', 'text', 'FTS', 'stem=perhaps');
SELECT lance_create_index('f', 'text', 'FTS', 'block_size=64');
SELECT lance_create_index('f', 'text', 'FTS', 'max_token_length=0');
SELECT lance_create_index('f', 'text', 'FTS', 'with_position');
SELECT lance_create_index('f', 'text', 'FTS', 'name=a name=b');
SELECT lance_create_index('f', 'text', 'FTS', 'language=Klingon');
SELECT lance_create_index('f', 'text', 'FTS', 'base_tokenizer=icu');
SELECT lance_create_index('f', 'text', 'FTS', 42);
SELECT lance_drop_index('f', 'missing_idx');
SELECT lance_drop_index('f', NULL);
SELECT lance_create_index(NULL, 'text', 'FTS');
SELECT lance_create_index('build/sqlfts/none.lance', 'text', 'FTS');
SELECT version, operation FROM lance_versions('f') ORDER BY version DESC LIMIT 1;
