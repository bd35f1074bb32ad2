-- Full-text search through the lance table, fts(), hybrid errors and highlighting, on
-- test/unit/data/fts.lance (make_fts_fixture.mjs: 150 rows, text_idx with positions,
-- text2_idx without; LanceDB 0.39's scores for these queries are pinned in
-- test/unit/test_fts.c; the full comparison with LanceDB is test/interop/ftssql_*).
.mode list
CREATE VIRTUAL TABLE f USING lance('test/unit/data/fts.lance');
-- plain text: OR of terms, best first, ties by row id
SELECT id, round(_score, 6) FROM f WHERE text MATCH 'echo';
SELECT id, round(_score, 6) FROM f WHERE text MATCH 'x5 alpha' AND _k = 3;
SELECT count(*), round(max(_score), 6) FROM f WHERE text MATCH 'common';
-- no _k: every match; ORDER BY _score DESC LIMIT gives the same rows as _k
SELECT group_concat(id) FROM (SELECT id FROM f WHERE text MATCH 'three common' ORDER BY _score DESC LIMIT 4);
SELECT group_concat(id) FROM (SELECT id FROM f WHERE text MATCH 'three common' AND _k = 4);
-- prefilters apply before the top k
SELECT group_concat(id) FROM (SELECT id FROM f WHERE text MATCH 'three' AND id > 100 AND _k = 3);
SELECT group_concat(id) FROM (SELECT id FROM f WHERE text MATCH 'three' AND id IN (3, 6, 9, 10, 11) AND _k = 10);
-- JSON queries
SELECT group_concat(id) FROM (SELECT id FROM f WHERE text MATCH '{"match":{"terms":"alpha three","operator":"And"}}' AND _k = 5);
SELECT group_concat(id) FROM (SELECT id FROM f WHERE text MATCH '{"phrase":{"terms":"alpha three"}}' AND _k = 3);
SELECT count(*) FROM f WHERE text MATCH '{"boolean":{"must":[{"match":{"terms":"common"}}],"must_not":[{"match":{"terms":"three"}}]}}';
-- the other column, with no positions: match works, a phrase is refused
SELECT count(*) FROM f WHERE text2 MATCH 'omega';
SELECT id FROM f WHERE text2 MATCH '{"phrase":{"terms":"common alpha"}}' AND _k = 3;
-- MATCH NULL matches nothing; _score is NULL outside a search
SELECT count(*) FROM f WHERE text MATCH NULL;
SELECT typeof(_score), typeof(_relevance_score) FROM f WHERE id = 1;
-- fts(): the table's answer, joinable by rowid
SELECT group_concat(rowid) FROM fts('f', 'text', 'x5 alpha', 3);
SELECT f.id, round(s._score, 6) FROM fts('f', 'text', 'echo') s JOIN f ON f.rowid = s.rowid;
-- errors, word for word
SELECT id FROM f WHERE text MATCH '{"match":{"terms":"a","slop":1}}';
SELECT id FROM f WHERE text MATCH '{"match":{"terms":"a"}' AND _k = 3;
SELECT id FROM f WHERE text MATCH 'alpha' AND _k = 'ten';
SELECT id FROM f WHERE id MATCH 'alpha' AND _k = 3;
SELECT id FROM f WHERE text MATCH 'alpha' AND text2 MATCH 'beta' AND _k = 3;
SELECT * FROM fts('f', 'text');
SELECT * FROM fts('f', 'text', 'alpha', 'x');
SELECT * FROM fts('nope', 'text', 'alpha');
SELECT * FROM fts('f', 'nope', 'alpha');
-- highlighting
SELECT lance_highlight('Common sense: the alphas were running', 'alpha run', '<b>', '</b>');
SELECT lance_highlight('Common sense: the alphas were running', 'alpha run', '<b>', '</b>', 'stem=false');
SELECT lance_highlight('Common sense', '{"boolean":{"should":[{"match":{"terms":"sense"}}],"must_not":[{"match":{"terms":"common"}}]}}', '[', ']');
SELECT lance_snippet('one two three four rain five six seven eight nine rain ten rain eleven twelve', 'rain', '[', ']', '...', 5);
SELECT lance_snippet('rain', 'rain', '[', ']', '...', 5);
SELECT quote(lance_highlight(NULL, 'x', '[', ']'));
SELECT lance_highlight('x', 'x', '[', ']', 'stem=maybe');
SELECT lance_highlight('x', 'x', '[', ']', 'base_tokenizer=jieba/default');
SELECT lance_snippet('x', 'x', '[', ']', '...', 0);
