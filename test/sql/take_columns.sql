-- lance_take_columns(table, row_ids, columns) (ext/vtab/take_batch.c): one row per
-- column with the batch's values packed (int64 / float64 arrays, binary / text as
-- offsets + bytes, a nulls map), in the order of the row ids given (repeats kept),
-- deletions and the table's version pin honoured, and every error, word for word.
.system rm -rf build/sqltake && mkdir -p build/sqltake
CREATE VIRTUAL TABLE t USING lance('build/sqltake/t.lance', schema='id INT64 NOT NULL, img BLOB, k INT32, f FLOAT32, name TEXT, v FLOAT32[2], ok BOOLEAN, d DATE, tags TEXT[]');
INSERT INTO t VALUES (0, x'0102', 5, 0.5, 'a', vec_f32('[1,2]'), 1, '2024-01-02', '["x"]'),
                     (1, x'', NULL, 1.5, NULL, vec_f32('[3,4]'), 0, NULL, '[]'),
                     (2, x'ffeedd', 7, NULL, 'ccc', vec_f32('[5,6]'), NULL, '2024-03-04', NULL);
-- row ids as a JSON array, out of order and repeated
SELECT name, type, n, hex(data), hex(offsets), hex(nulls)
  FROM lance_take_columns('t', '[2,0,2,1]', '["img","k","f","name","v","ok","d","tags"]');
-- as a BLOB of little-endian 64-bit integers; names matched case-insensitively
SELECT name, type, n, hex(data), offsets IS NULL, nulls IS NULL
  FROM lance_take_columns('t', x'01000000000000000000000000000000', '["ID","F"]');
-- an empty batch
SELECT name, n, length(data), hex(offsets) FROM lance_take_columns('t', '[]', '["id","img"]');
SELECT name, n, length(data) FROM lance_take_columns('t', x'', '["id"]');
-- the take is the table's own (rowid IN): lance_explain shows it
SELECT lance_explain('SELECT * FROM lance_take_columns(''t'', ''[2,0]'', ''["id"]'')');
-- deletions and the version pin
DELETE FROM t WHERE id = 1;
CREATE VIRTUAL TABLE t1 USING lance('build/sqltake/t.lance', version=2);
SELECT name, hex(data) FROM lance_take_columns('t1', '[1,0]', '["id"]');
SELECT * FROM lance_take_columns('t', '[0,1]', '["id"]');
-- errors
SELECT * FROM lance_take_columns('t', x'02000000000000', '["id"]');
SELECT * FROM lance_take_columns('t', '[1, "x"]', '["id"]');
SELECT * FROM lance_take_columns('t', '[1.5]', '["id"]');
SELECT * FROM lance_take_columns('t', '{"a":1}', '["id"]');
SELECT * FROM lance_take_columns('t', 'nope', '["id"]');
SELECT * FROM lance_take_columns('t', 5, '["id"]');
SELECT * FROM lance_take_columns('t', '[0]', 'id');
SELECT * FROM lance_take_columns('t', '[0]', '[]');
SELECT * FROM lance_take_columns('t', '[0]', '[1]');
SELECT * FROM lance_take_columns('t', '[0]', '["nope"]');
SELECT * FROM lance_take_columns('t', '[0]', '["_version"]');
SELECT * FROM lance_take_columns('nope', '[0]', '["id"]');
SELECT * FROM lance_take_columns('t', '[9]', '["id"]');
SELECT * FROM lance_take_columns('t', '[-1]', '["id"]');
SELECT * FROM lance_take_columns('t', NULL, '["id"]');
SELECT * FROM lance_take_columns('t');
SELECT * FROM lance_take_columns;
-- any table with rowids reads the same; a value of another type than its column's is an error
CREATE TABLE nat(a INTEGER, b TEXT, c ANY);
INSERT INTO nat VALUES (1, 'x', 1), ('two', 'y', 2);
SELECT name, type, hex(data), hex(offsets) FROM lance_take_columns('nat', '[2,1]', '["b"]');
SELECT * FROM lance_take_columns('nat', '[1,2]', '["a"]');
SELECT * FROM lance_take_columns('nat', '[1]', '["c"]');
