-- lance_versions(): one row per version, v2 manifest names (hist.lance: every
-- operation, tags, deletions, a restore) and v1 names (big.lance: Roaring and
-- Arrow deletion files).  Timestamps are random; their form is checked.
SELECT version, row_count, operation, tags, fragments FROM lance_versions('test/unit/data/hist.lance');
SELECT version, row_count, operation, tags, fragments FROM lance_versions('test/unit/data/big.lance');
SELECT version, row_count, operation FROM lance_versions('test/unit/data/v1stable.lance');
SELECT version, row_count, operation FROM lance_versions('test/unit/data/stable.lance');
SELECT version, row_count, operation, fragments FROM lance_versions('test/sql/data/pragmadb/idx.lance');
-- timestamp is 'YYYY-MM-DD HH:MM:SS.ffffff' UTC, the same instant as timestamp_ns
SELECT count(*) FROM lance_versions('test/unit/data/hist.lance')
 WHERE timestamp GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]'
   AND substr(timestamp, 1, 19) = datetime(timestamp_ns / 1000000000, 'unixepoch')
   AND substr(timestamp, 21) = printf('%06d', timestamp_ns / 1000 % 1000000)
   AND timestamp_ns > 1600000000000000000;
SELECT count(*) FROM lance_versions('test/unit/data/hist.lance') a, lance_versions('test/unit/data/hist.lance') b
 WHERE b.version = a.version + 1 AND b.timestamp_ns >= a.timestamp_ns AND b.timestamp >= a.timestamp;
SELECT typeof(version), typeof(timestamp), typeof(row_count), typeof(operation), typeof(tags),
       typeof(fragments), typeof(timestamp_ns)
  FROM lance_versions('test/unit/data/hist.lance') WHERE version = 1;
-- a table pinned to an old version still lists every version
CREATE VIRTUAL TABLE old USING lance('test/unit/data/hist.lance', version=2);
SELECT count(*), max(version) FROM lance_versions('old');
-- the version a table reads agrees with lance_versions
CREATE VIRTUAL TABLE h USING lance('test/unit/data/hist.lance');
SELECT v.version, v.row_count, (SELECT count(*) FROM h(v.version)) FROM lance_versions('h') v;
-- errors
SELECT * FROM lance_versions('test/sql/data/baddb/bad.lance');
SELECT * FROM lance_versions('test/sql/data/pragmadb');
SELECT * FROM lance_versions('test/unit/data/nothing.lance');
