-- How the pragma functions resolve their argument: a lance table (temp,
-- main, attached databases, 'db.name'; any case; however the CREATE
-- statement quotes its arguments) or a dataset path.
CREATE VIRTUAL TABLE h USING lance('test/unit/data/hist.lance');
CREATE VIRTUAL TABLE [Odd Name] USING LANCE ( "test/unit/data/hist.lance" , tag = 'first' );
CREATE VIRTUAL TABLE "q""t" USING "lance"('test/unit/data/hist.lance', version = '4');
SELECT count(*) FROM lance_fragments('h');
SELECT count(*) FROM lance_fragments('H');
SELECT count(*) FROM lance_fragments('main.h');
SELECT count(*) FROM lance_fragments('odd name');
SELECT sum(deleted_rows) FROM lance_fragments('q"t');
-- temp shadows main, as for any table name; attached databases come last
-- (from here on 'h' is big.lance)
CREATE TEMP TABLE dummy(x);
CREATE VIRTUAL TABLE temp.h USING lance('test/unit/data/big.lance');
SELECT sum(physical_rows) FROM lance_fragments('h');
SELECT sum(physical_rows) FROM lance_fragments('temp.h');
SELECT sum(physical_rows) FROM lance_fragments('main.h');
ATTACH ':memory:' AS aux;
CREATE VIRTUAL TABLE aux.s USING lance('test/unit/data/stable.lance');
SELECT count(*) FROM lance_versions('s');
SELECT count(*) FROM lance_versions('aux.s');
-- paths: relative, trailing slash; a file: URI is absolute (file://test/... names
-- host test: refused, as in test/sql/vtab_args.sql)
SELECT count(*) FROM lance_versions('test/unit/data/v1stable.lance');
SELECT count(*) FROM lance_versions('file://test/unit/data/v1stable.lance');
SELECT count(*) FROM lance_versions('test/unit/data/v1stable.lance/');
-- the argument from another table (a join and a correlated subquery)
CREATE TABLE names(n TEXT);
INSERT INTO names VALUES ('h'), ('s'), ('test/unit/data/v1stable.lance');
SELECT n, count(*) FROM names, lance_versions(names.n) GROUP BY n ORDER BY n;
SELECT n, (SELECT max(version) FROM lance_versions(n)) FROM names ORDER BY n;
-- the hidden column arg holds the argument
SELECT DISTINCT arg FROM lance_tags('odd name');
SELECT count(*) FROM lance_tags WHERE arg = 'odd name';
-- errors: no argument, NULL, too many, not a lance table, object stores
SELECT * FROM lance_versions;
SELECT * FROM lance_tags(NULL);
SELECT * FROM lance_schema('h', 2);
SELECT * FROM lance_fragments('names');
SELECT * FROM lance_indices('s3://bucket/t.lance', '{"aws_region":"x","colour":"red"}');
SELECT * FROM lance_versions('aux.nope');
-- they open files by path, so a schema object cannot call them
CREATE VIEW vv AS SELECT * FROM lance_versions('h');
SELECT count(*) FROM vv;
CREATE TABLE log(x);
CREATE TRIGGER tr AFTER INSERT ON log BEGIN SELECT * FROM lance_tags('h'); END;
INSERT INTO log VALUES (1);
-- and they are read-only
DELETE FROM lance_tags WHERE arg = 'odd name';
