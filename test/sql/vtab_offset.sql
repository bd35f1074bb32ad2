-- OFFSET is consumed by the table when nothing else is left to SQLite: rows are
-- skipped undecoded; each result equals the one over an unpushed LIMIT -1 subquery.
CREATE VIRTUAL TABLE b USING lance('test/unit/data/big.lance');
SELECT group_concat(id) FROM (SELECT id FROM b LIMIT 5 OFFSET 298);
SELECT group_concat(id) FROM (SELECT id FROM (SELECT * FROM b LIMIT -1) LIMIT 5 OFFSET 298);
SELECT group_concat(id) FROM (SELECT id FROM b LIMIT 3 OFFSET 1299);
SELECT group_concat(id) FROM (SELECT id FROM b LIMIT 3 OFFSET 5000);
SELECT group_concat(id) FROM (SELECT id FROM b(3) LIMIT 4 OFFSET 2998);
SELECT group_concat(id) FROM (SELECT id FROM (SELECT * FROM b(3) LIMIT -1) LIMIT 4 OFFSET 2998);
SELECT group_concat(id) FROM (SELECT id FROM b WHERE id > 100 LIMIT 2 OFFSET 10);
EXPLAIN QUERY PLAN SELECT id FROM b LIMIT 5 OFFSET 298;
-- with an ORDER BY the table does not provide, OFFSET stays with SQLite
SELECT group_concat(id) FROM (SELECT id FROM b ORDER BY id DESC LIMIT 3 OFFSET 2);
SELECT group_concat(id) FROM (SELECT id FROM b ORDER BY id % 7, id LIMIT 3 OFFSET 5);
EXPLAIN QUERY PLAN SELECT id FROM b ORDER BY id LIMIT 2 OFFSET 5;
