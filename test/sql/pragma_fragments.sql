-- lance_fragments(): data file names and deletion ids are random, so paths
-- are checked by pattern.
-- big.lance (v1 names): a Roaring .bin deletion file and an Arrow one
SELECT fragment_id, physical_rows, deleted_rows, json_array_length(files),
       json_extract(files, '$[0]') GLOB 'data/*.lance',
       deletion_file GLOB '_deletions/' || fragment_id || '-*-*.' || iif(fragment_id = 0, 'bin', 'arrow')
  FROM lance_fragments('test/unit/data/big.lance');
SELECT (SELECT deletion_file GLOB '_deletions/0-2-*.bin' FROM lance_fragments('test/unit/data/big.lance')
         WHERE fragment_id = 0),
       (SELECT deletion_file GLOB '_deletions/1-3-*.arrow' FROM lance_fragments('test/unit/data/big.lance')
         WHERE fragment_id = 1);
-- hist.lance at version 6: update and merge left deletions and two data files per fragment
CREATE VIRTUAL TABLE v6 USING lance('test/unit/data/hist.lance', version=6);
SELECT fragment_id, physical_rows, deleted_rows, json_array_length(files),
       coalesce(deletion_file GLOB '_deletions/' || fragment_id || '-*-*.arrow', 'none')
  FROM lance_fragments('v6');
-- the latest version (a restore of version 2): no deletions
SELECT fragment_id, physical_rows, deleted_rows, typeof(deletion_file)
  FROM lance_fragments('test/unit/data/hist.lance');
-- the files exist where the paths say
SELECT count(*) FROM lance_fragments('v6') f, json_each(f.files) j
 WHERE length(readfile('test/unit/data/hist.lance/' || j.value)) > 0;
SELECT count(*) FROM lance_fragments('test/unit/data/big.lance')
 WHERE length(readfile('test/unit/data/big.lance/' || deletion_file)) > 0;
-- live rows agree with the table and with lance_versions
CREATE VIRTUAL TABLE idx USING lance('test/sql/data/pragmadb/idx.lance');
SELECT sum(physical_rows - deleted_rows), (SELECT count(*) FROM idx),
       (SELECT row_count FROM lance_versions('idx') ORDER BY version DESC LIMIT 1)
  FROM lance_fragments('idx');
SELECT typeof(fragment_id), typeof(physical_rows), typeof(deleted_rows), typeof(files),
       typeof(deletion_file) FROM lance_fragments('idx') LIMIT 1;
-- errors
SELECT * FROM lance_fragments('test/sql/data/baddb/bad.lance');
SELECT * FROM lance_fragments('no/such/dir');
