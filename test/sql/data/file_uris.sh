#!/bin/sh
# Prints SQL for test/sql/vtab_args.sql that needs absolute file: URIs (the
# checkout's own path, so never part of the expected output): tables made
# from file:///..., file://localhost/... (any case) and %XX escapes, and the
# pragma functions reading them back, lance_attach of a file: URI.  Run from the repository root.
d=$PWD/test/unit/data
cat <<SQL
CREATE VIRTUAL TABLE u1 USING lance('file://$d/hist.lance', version=2);
CREATE VIRTUAL TABLE u2 USING lance("FILE://LocalHost$d/hist.lance/", TAG='mid');
CREATE VIRTUAL TABLE u3 USING lance('file://$PWD/test/unit/%64ata/hist.lance');
CREATE VIRTUAL TABLE u4 USING lance('file://$PWD/build/sqlargs/my%20data/h.lance');
SELECT 'u1', count(*), (SELECT count(*) FROM lance_fragments('u1')) FROM u1;
SELECT 'u2', count(*), (SELECT count(*) FROM lance_fragments('u2')) FROM u2;
SELECT 'u3', count(*), (SELECT count(*) FROM lance_fragments('u3')) FROM u3;
SELECT 'u4', count(*), (SELECT count(*) FROM lance_fragments('u4')) FROM u4;
SELECT 'path', count(*) FROM lance_versions('file://$d/hist.lance');
SELECT 'path', count(*) FROM lance_versions('file://localhost$PWD/build/sqlargs/my%20data/h.lance');
ATTACH ':memory:' AS uri;
SELECT 'attach', lance_attach('file://$PWD/test/sql/data/pragmadb/', 'uri');
SELECT name FROM uri.sqlite_schema ORDER BY name;
SQL
