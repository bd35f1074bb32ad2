-- lance_attach(dir [, schema]): one lance table per NAME.lance dataset in a
-- LanceDB database directory, in name order; other entries are skipped.
SELECT lance_attach('test/sql/data/pragmadb');
SELECT name, sql FROM sqlite_schema ORDER BY name;
SELECT count(*), sum(id) FROM idx;
SELECT count(*) FROM types;
SELECT count(*) FROM lance_versions('idx');
-- into another schema; a trailing slash is fine
ATTACH ':memory:' AS aux;
SELECT lance_attach('test/unit/data/', 'aux');
SELECT name FROM aux.sqlite_schema ORDER BY name;
SELECT count(*) FROM aux.big;
SELECT count(*) FROM lance_tags('aux.hist');
-- a NULL schema means main; a directory without datasets creates nothing
SELECT lance_attach('test/sql', NULL);
-- errors: tables that exist already, a dataset the lance module rejects,
-- missing directory, a file, NULL, an unknown schema
SELECT lance_attach('test/sql/data/pragmadb');
SELECT lance_attach('test/sql/data/baddb');
SELECT lance_attach('test/sql/data/nothing');
SELECT lance_attach('test/sql/run.sh');
SELECT lance_attach(NULL);
SELECT lance_attach('test/unit/data', 'nosuch');
SELECT lance_attach();
-- it creates tables from paths, so a schema object cannot call it
CREATE VIEW va AS SELECT lance_attach('test/unit/data');
SELECT * FROM va;
