-- USING lance(...) arguments (ext/vtab/args.c, docs/sql.md "Arguments"): one
-- reading for the table (CREATE / CONNECT) and for the pragma functions,
-- which find a table's dataset and pin in its stored CREATE statement.  Each
-- table below is checked both ways: count(*) through the table, and
-- lance_fragments / lance_versions through its name.  hist.lance has 7
-- versions (rows 10 15 13 12 12 12 15; fragments 1 2 2 2 3 3 2), tags first
-- (version 1) and mid (version 4).
.system test/sql/data/args_setup.sh
-- keys in any case, spaces around '=', values quoted or bare
CREATE VIRTUAL TABLE k1 USING lance('test/unit/data/hist.lance', VERSION=3);
CREATE VIRTUAL TABLE k2 USING lance('test/unit/data/hist.lance', Tag = 'first');
CREATE VIRTUAL TABLE k3 USING lance(test/unit/data/hist.lance, version = '5');
CREATE VIRTUAL TABLE k4 USING lance("test/unit/data/hist.lance", tag="mid", VERSION=4);
SELECT 'k1', count(*), (SELECT count(*) FROM lance_fragments('k1')) FROM k1;
SELECT 'k2', count(*), (SELECT count(*) FROM lance_fragments('k2')) FROM k2;
SELECT 'k3', count(*), (SELECT count(*) FROM lance_fragments('k3')) FROM k3;
SELECT 'k4', count(*), (SELECT count(*) FROM lance_fragments('k4')) FROM k4;
-- quotes: a doubled quote stands for one, the other quote is plain text
CREATE VIRTUAL TABLE q1 USING lance('build/sqlargs/it''s/h.lance', version=2);
CREATE VIRTUAL TABLE q2 USING lance("build/sqlargs/it's/h.lance");
CREATE VIRTUAL TABLE q3 USING lance('build/sqlargs/my data/h.lance', tag = "mid");
SELECT 'q1', count(*), (SELECT count(*) FROM lance_fragments('q1')) FROM q1;
SELECT 'q2', count(*), (SELECT count(*) FROM lance_fragments('q2')) FROM q2;
SELECT 'q3', count(*), (SELECT count(*) FROM lance_fragments('q3')) FROM q3;
-- comments between arguments are not arguments, as for SQLite itself
CREATE VIRTUAL TABLE c1 USING lance('test/unit/data/hist.lance' /* , version=2 */, -- tag='first'
  version /* the pin */ = 6);
SELECT 'c1', count(*), (SELECT count(*) FROM lance_fragments('c1')) FROM c1;
-- file: URIs (absolute: generated with the checkout's path)
.read '|test/sql/data/file_uris.sh'
-- errors, word for word; the pragma functions say the same about paths
CREATE VIRTUAL TABLE e1 USING lance('test/unit/data/hist.lance', version=0);
CREATE VIRTUAL TABLE e2 USING lance('test/unit/data/hist.lance', version='x7');
CREATE VIRTUAL TABLE e3 USING lance('test/unit/data/hist.lance', version=-1);
CREATE VIRTUAL TABLE e4 USING lance('test/unit/data/hist.lance', version=99999999999999999999);
CREATE VIRTUAL TABLE e5 USING lance('test/unit/data/hist.lance', version=2, Version=3);
CREATE VIRTUAL TABLE e6 USING lance('test/unit/data/hist.lance', tag='');
CREATE VIRTUAL TABLE e7 USING lance('test/unit/data/hist.lance', colour='red');
CREATE VIRTUAL TABLE e8 USING lance('test/unit/data/hist.lance', 'first');
CREATE VIRTUAL TABLE e9 USING lance('test/unit/data/hist.lance', tag='a' 'b');
CREATE VIRTUAL TABLE e10 USING lance(build/sqlargs/my data/h.lance);
CREATE VIRTUAL TABLE e11 USING lance('');
CREATE VIRTUAL TABLE e12 USING lance('file://test/unit/data/hist.lance');
CREATE VIRTUAL TABLE e13 USING lance('file:test/unit/data/hist.lance');
CREATE VIRTUAL TABLE e14 USING lance('file:///tmp/x.lance?mode=ro');
CREATE VIRTUAL TABLE e15 USING lance('file:///tmp/a%2.lance');
CREATE VIRTUAL TABLE e16 USING lance('s3://bucket/t.lance', storage_options='{"aws_endpoint":"http://127.0.0.1:9"}');
CREATE VIRTUAL TABLE e17 USING lance('test/unit/data/hist.lance', enable_stable_row_ids=yes);
CREATE VIRTUAL TABLE e18 USING lance('test/unit/data/hist.lance', data_storage_version='2.3');
-- storage options (object stores; none of these reach a network): never a secret in an error
CREATE VIRTUAL TABLE e19 USING lance('test/unit/data/hist.lance', storage_options='{"aws_region":"eu-west-1"}');
CREATE VIRTUAL TABLE e20 USING lance('s3://bucket/t.lance', storage_options='{"colour":"red"}');
CREATE VIRTUAL TABLE e21 USING lance('s3://bucket/t.lance', storage_options='{"aws_secret_access_key":"hunter2"}');
CREATE VIRTUAL TABLE e22 USING lance('s3://bucket/t.lance', storage_optoins='{"aws_secret_access_key":"hunter2"}');
CREATE VIRTUAL TABLE e23 USING lance('s3://bucket/t.lance', storage_options='{"aws_session_token":7, "timeout":"soon"}');
CREATE VIRTUAL TABLE e24 USING lance('s3://bucket/t.lance', storage_options='{"aws_access_key_id":"AKIA", "aws_secret_access_key":[1]}');
CREATE VIRTUAL TABLE e25 USING lance('s3://', storage_options='{}');
CREATE VIRTUAL TABLE e26 USING lance('s3://bucket/t.lance', storage_options='{"aws_endpoint":"ftp://127.0.0.1:9","allow_http":"true"}');
CREATE VIRTUAL TABLE e27 USING lance('s3://bucket/t.lance', storage_options='not json');
SELECT count(*) FROM lance_versions('file://test/unit/data/hist.lance');
SELECT count(*) FROM lance_versions('gs://bucket/t.lance');
SELECT count(*) FROM lance_versions('file:///tmp/x.lance#frag');
SELECT lance_attach('s3://bucket/db', NULL, '{"aws_endpoint":"http://127.0.0.1:9"}');
SELECT lance_attach('file://test/sql/data/pragmadb');
-- creation options: keys in any case, true/false for the flags
CREATE VIRTUAL TABLE w USING lance('build/sqlargs/w.lance', SCHEMA='id INT64 NOT NULL, v TEXT',
  Enable_Stable_Row_Ids=TRUE, data_storage_version=stable, enable_v2_manifest_paths=false);
INSERT INTO w(id, v) VALUES (1, 'a'), (2, 'b');
UPDATE w SET v = 'B' WHERE id = 2;
SELECT rowid, id, v FROM w ORDER BY id;
SELECT count(*) FROM lance_versions('w');
.system ls build/sqlargs/w.lance/_versions | sort
