-- lance_permutation() and tables read through a permutation (ext/vtab/permute.c,
-- format/permutation.c): each split strategy, sizes as ratios and counts, filters,
-- seeds, shuffles, the LanceDB layout of the permutation dataset (row_id, split_id,
-- schema metadata), reading a split in permutation order, and every error.
.system rm -rf build/sqlperm && mkdir -p build/sqlperm
CREATE VIRTUAL TABLE src USING lance('build/sqlperm/src.lance', schema='id INT64 NOT NULL, grp TEXT, v FLOAT64');
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99)
INSERT INTO src SELECT i, CASE i % 4 WHEN 0 THEN 'a' WHEN 1 THEN 'b' WHEN 2 THEN 'c' ELSE 'd' END, i / 10.0 FROM n;
INSERT INTO src(id, grp, v) VALUES (100, 'a', 10.0), (101, 'b', 10.1);
DELETE FROM src WHERE id = 5;
SELECT count(*) FROM src;
-- random split by ratios, filtered, shuffled, named
SELECT lance_permutation('src', 'build/sqlperm/p1.lance', 'filter=grp <> ''d'' AND id < 90 split_random=0.8,0.1,0.1 split_names=train,val,test seed=42 shuffle=true');
CREATE VIRTUAL TABLE p1 USING lance('build/sqlperm/p1.lance');
SELECT name, arrow_type, nullable FROM lance_schema('p1');
SELECT split_id, count(*) FROM p1 GROUP BY split_id;
-- every filtered row once, nothing else
SELECT count(*), count(DISTINCT row_id) FROM p1;
SELECT count(*) FROM src WHERE grp <> 'd' AND id < 90 AND rowid NOT IN (SELECT row_id FROM p1);
-- rows are ordered by split id; the order within a split is shuffled
SELECT sum(a.split_id > b.split_id) FROM p1 a JOIN p1 b ON b.rowid = a.rowid + 1;
SELECT group_concat(row_id) = (SELECT group_concat(row_id) FROM (SELECT row_id FROM p1 WHERE split_id = 0 ORDER BY row_id)) FROM p1 WHERE split_id = 0;
-- the same seed gives the same permutation; another seed another one
SELECT lance_permutation('src', 'build/sqlperm/p1b.lance', 'filter=grp <> ''d'' AND id < 90 split_random=0.8,0.1,0.1 split_names=train,val,test seed=42 shuffle=true');
SELECT lance_permutation('src', 'build/sqlperm/p1c.lance', 'filter=grp <> ''d'' AND id < 90 split_random=0.8,0.1,0.1 split_names=train,val,test seed=7 shuffle=true');
CREATE VIRTUAL TABLE p1b USING lance('build/sqlperm/p1b.lance');
CREATE VIRTUAL TABLE p1c USING lance('build/sqlperm/p1c.lance');
SELECT (SELECT group_concat(row_id || ':' || split_id) FROM p1) = (SELECT group_concat(row_id || ':' || split_id) FROM p1b) AS same_seed,
       (SELECT group_concat(row_id || ':' || split_id) FROM p1) = (SELECT group_concat(row_id || ':' || split_id) FROM p1c) AS other_seed;
-- a split read through the permutation: the source's columns in permutation order
CREATE VIRTUAL TABLE train USING lance('build/sqlperm/src.lance', permutation='build/sqlperm/p1.lance', split='train');
CREATE VIRTUAL TABLE val USING lance('build/sqlperm/src.lance', permutation='build/sqlperm/p1.lance', split=1);
SELECT count(*), min(id), max(id) FROM train;
SELECT (SELECT group_concat(rowid) FROM train) = (SELECT group_concat(row_id) FROM p1 WHERE split_id = 0) AS train_in_order;
SELECT (SELECT group_concat(id) FROM val) = (SELECT group_concat(id) FROM (SELECT s.id FROM p1 JOIN src s ON s.rowid = p1.row_id WHERE p1.split_id = 1 ORDER BY p1.rowid)) AS val_in_order;
SELECT count(*) FROM train t JOIN val v ON t.id = v.id;
SELECT count(*) FROM train WHERE grp = 'a';
SELECT grp, count(*) FROM train WHERE v >= 5 GROUP BY grp;
-- rowid constraints see the split's rows only
SELECT count(*) FROM train WHERE rowid IN (SELECT row_id FROM p1 WHERE split_id = 1);
SELECT count(*) FROM train WHERE rowid IN (SELECT row_id FROM p1 WHERE split_id = 0);
-- the permutation pins the source version it was built from: later changes do not show
INSERT INTO src(id, grp, v) VALUES (200, 'a', 20.0);
DELETE FROM src WHERE id IN (SELECT id FROM train LIMIT 3);
SELECT count(*), max(_version) FROM train;
CREATE VIRTUAL TABLE train_v6 USING lance('build/sqlperm/src.lance', permutation='build/sqlperm/p1.lance', split='train', version=6);
SELECT count(*), max(_version) FROM train_v6;
INSERT INTO train(id) VALUES (1);
-- counts, sequential: the first rows in scan order
SELECT lance_permutation('src', 'build/sqlperm/p2.lance', 'split_sequential=10,5 version=3');
CREATE VIRTUAL TABLE p2 USING lance('build/sqlperm/p2.lance');
SELECT split_id, group_concat(row_id) FROM p2 GROUP BY split_id;
-- no split strategy: one split of every row; shuffle without seed
SELECT lance_permutation('src', 'build/sqlperm/p3.lance', 'shuffle=true');
CREATE VIRTUAL TABLE p3 USING lance('build/sqlperm/p3.lance');
SELECT count(*), count(DISTINCT row_id), max(split_id) FROM p3;
-- hash: stable by key (every row of a group lands in one split), weights as ratios
SELECT lance_permutation('src', 'build/sqlperm/p4.lance', 'split_hash=grp split_weights=0.5,0.5 split_names=x,y');
CREATE VIRTUAL TABLE x USING lance('build/sqlperm/src.lance', permutation='build/sqlperm/p4.lance', split='x');
CREATE VIRTUAL TABLE y USING lance('build/sqlperm/src.lance', permutation='build/sqlperm/p4.lance', split='y');
SELECT (SELECT count(*) FROM x) + (SELECT count(*) FROM y), (SELECT count(*) FROM src);
SELECT count(*) FROM (SELECT grp FROM x INTERSECT SELECT grp FROM y);
-- hash with integer weights and a discard weight; row order within a split is scan order
SELECT lance_permutation('src', 'build/sqlperm/p5.lance', 'split_hash=id, grp split_weights=1,1 discard_weight=2 seed=1');
CREATE VIRTUAL TABLE p5 USING lance('build/sqlperm/p5.lance');
SELECT count(*) BETWEEN 20 AND 80, max(split_id) FROM p5;
SELECT sum(a.row_id > b.row_id) FROM p5 a JOIN p5 b ON b.rowid = a.rowid + 1 AND b.split_id = a.split_id;
-- calculated: the expression's value is the split id, NULL leaves the row out
SELECT lance_permutation('src', 'build/sqlperm/p6.lance', 'split_calculated=CASE WHEN id % 10 = 9 THEN NULL ELSE id % 3 END');
CREATE VIRTUAL TABLE p6 USING lance('build/sqlperm/p6.lance');
SELECT split_id, count(*) FROM p6 GROUP BY split_id;
SELECT count(*) FROM p6 JOIN src s ON s.rowid = p6.row_id WHERE s.id % 3 <> p6.split_id;
SELECT lance_permutation('src', 'build/sqlperm/p6r.lance', 'split_calculated=(id % 2) * 1.0');
SELECT lance_permutation('src', 'build/sqlperm/e.lance', 'split_calculated=id / 2.0');
-- a source given as a dataset path
SELECT lance_permutation('build/sqlperm/src.lance', 'build/sqlperm/p7.lance', 'split_random=3,4 seed=5');
CREATE VIRTUAL TABLE p7 USING lance('build/sqlperm/p7.lance');
SELECT split_id, count(*) FROM p7 GROUP BY split_id;
SELECT count(*) FROM sqlite_temp_master;
-- errors
SELECT lance_permutation('src', 'build/sqlperm/p1.lance', 'split_random=0.5,0.5');
SELECT lance_permutation('src', 'build/sqlperm/e.lance', 'split_random=0.8,0.3');
SELECT lance_permutation('src', 'build/sqlperm/e.lance', 'split_random=0.001,0.5');
SELECT lance_permutation('src', 'build/sqlperm/e.lance', 'split_random=60,60');
SELECT lance_permutation('src', 'build/sqlperm/e.lance', 'split_random=0.8,x');
SELECT lance_permutation('src', 'build/sqlperm/e.lance', 'split_random=0.5,0.5 split_names=a');
SELECT lance_permutation('src', 'build/sqlperm/e.lance', 'split_random=0.5 split_sequential=0.5');
SELECT lance_permutation('src', 'build/sqlperm/e.lance', 'split_hash=grp');
SELECT lance_permutation('src', 'build/sqlperm/e.lance', 'split_weights=1,2');
SELECT lance_permutation('src', 'build/sqlperm/e.lance', 'split_calculated=grp');
SELECT lance_permutation('src', 'build/sqlperm/e.lance', 'filter=nosuch > 1');
SELECT lance_permutation('src', 'build/sqlperm/e.lance', 'seed=-1');
SELECT lance_permutation('src', 'build/sqlperm/e.lance', 'shuffle=maybe');
SELECT lance_permutation('src', 'build/sqlperm/e.lance', 'seed=1 seed=2');
SELECT lance_permutation('src', 'build/sqlperm/e.lance', 'version=99');
SELECT lance_permutation('src', 'build/sqlperm/e.lance', 'oops');
SELECT lance_permutation('nosuch', 'build/sqlperm/e.lance');
CREATE VIRTUAL TABLE e1 USING lance('build/sqlperm/src.lance', permutation='build/sqlperm/p1.lance', split='nosuch');
CREATE VIRTUAL TABLE e2 USING lance('build/sqlperm/src.lance', permutation='build/sqlperm/src.lance');
CREATE VIRTUAL TABLE e3 USING lance('build/sqlperm/src.lance', permutation='build/sqlperm/p2.lance', split='train');
SELECT count(*) FROM train WHERE grp MATCH 'a' AND _k = 3;
