-- lance_schema(): every field, parents before children, nested names dotted.
.headers on
SELECT * FROM lance_schema('test/sql/data/pragmadb/types.lance');
.headers off
-- sqlite_type agrees with the column types of the lance table
CREATE VIRTUAL TABLE ty USING lance('test/sql/data/pragmadb/types.lance');
SELECT count(*) FROM lance_schema('ty') s JOIN pragma_table_info('ty') c ON c.name = s.name
 WHERE s.parent_id = -1 AND c.type = s.sqlite_type;
SELECT count(*) FROM lance_schema('ty') WHERE parent_id = -1;
-- a list's item and a vector column
SELECT field_id, name, arrow_type, sqlite_type FROM lance_schema('test/sql/data/pragmadb/idx.lance');
-- the latest version of hist.lance (a restore of version 2) has no column d;
-- a table pinned to version 6 or to tag 'mid' (version 4) describes that version
SELECT name, arrow_type, nullable FROM lance_schema('test/unit/data/hist.lance');
CREATE VIRTUAL TABLE v6 USING lance('test/unit/data/hist.lance', version=6);
CREATE VIRTUAL TABLE mid USING lance('test/unit/data/hist.lance', tag='mid');
SELECT field_id, name FROM lance_schema('v6');
SELECT field_id, name FROM lance_schema('mid');
-- errors
SELECT * FROM lance_schema('test/sql/data/baddb/bad.lance');
SELECT * FROM lance_schema('');
