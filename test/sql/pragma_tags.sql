-- lance_tags(): tag, version sorted by tag (hist.lance: 'mid' was moved from
-- 3 to 4, 'gone' was deleted).
SELECT * FROM lance_tags('test/unit/data/hist.lance');
SELECT count(*) FROM lance_tags('test/unit/data/big.lance');
SELECT typeof(tag), typeof(version) FROM lance_tags('test/unit/data/hist.lance') LIMIT 1;
-- through a table name; a table pinned by tag reads the tagged version
CREATE VIRTUAL TABLE h USING lance('test/unit/data/hist.lance');
CREATE VIRTUAL TABLE m USING lance('test/unit/data/hist.lance', tag='mid');
SELECT * FROM lance_tags('h');
SELECT * FROM lance_tags('m');
-- tags joined with versions, and the tags column of lance_versions
SELECT v.version, t.tag, v.tags FROM lance_tags('h') t JOIN lance_versions('h') v USING (version);
SELECT t.tag, (SELECT count(*) FROM h(NULL, t.tag)) FROM lance_tags('h') t;
-- errors
SELECT * FROM lance_tags('test/unit/data');
SELECT * FROM lance_tags(NULL);
