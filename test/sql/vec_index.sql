-- lance_create_index for vector types (IVF_FLAT, IVF_PQ, IVF_SQ, IVF_HNSW_*) on a copy of the
-- vector fixture (test/sql/data/vectors.lance: 297 rows, v8 float32[8] with 295
-- vectors, u8 uint8[4]): each index is listed, searched through `vec MATCH`
-- (IVF_FLAT probing every partition answers as the exact search), replaced, dropped;
-- an interrupted build commits nothing; every error word for word.
.system rm -rf build/sqlvec && mkdir -p build/sqlvec && cp -r test/sql/data/vectors.lance build/sqlvec/
CREATE VIRTUAL TABLE v USING lance('build/sqlvec/vectors.lance');
SELECT version FROM lance_versions('v') ORDER BY version DESC LIMIT 1;
CREATE TEMP TABLE q(name, vec);
INSERT INTO q SELECT 'row9', v8 FROM v WHERE id = 9;
INSERT INTO q SELECT 'row123', v8 FROM v WHERE id = 123;
INSERT INTO q VALUES ('axis2', vec_f32('[0,0,1,0,0,0,0,0]'));
CREATE TEMP VIEW exact AS SELECT q.name AS name, (SELECT group_concat(id) FROM (SELECT id FROM v WHERE v8 MATCH q.vec AND _k = 5 AND _options = 'exact=1')) AS ids FROM q;
-- IVF_FLAT, 4 partitions, all probed: the exact answer
SELECT lance_create_index('v', 'v8', 'IVF_FLAT', 'num_partitions=4 threads=1');
SELECT name, columns, type, version, unindexed_rows FROM lance_indices('v');
SELECT version, operation FROM lance_versions('v') ORDER BY version DESC LIMIT 1;
SELECT q.name, (SELECT group_concat(id) FROM (SELECT id FROM v WHERE v8 MATCH q.vec AND _k = 5 AND _options = 'nprobes=4')) = e.ids FROM q JOIN exact e ON e.name = q.name;
-- cosine and dot
SELECT lance_create_index('v', 'v8', 'IVF_FLAT', 'num_partitions=4 distance_type=cosine threads=1');
SELECT q.name, (SELECT group_concat(id) FROM (SELECT id FROM v WHERE v8 MATCH q.vec AND _k = 5 AND _options = 'nprobes=4')) = (SELECT group_concat(id) FROM (SELECT id FROM v WHERE v8 MATCH q.vec AND _k = 5 AND _metric = 'cosine' AND _options = 'exact=1')) FROM q;
SELECT lance_create_index('v', 'v8', 'IVF_FLAT', 'num_partitions=4 distance_type=dot threads=1');
SELECT q.name, (SELECT group_concat(id) FROM (SELECT id FROM v WHERE v8 MATCH q.vec AND _k = 5 AND _options = 'nprobes=4')) = (SELECT group_concat(id) FROM (SELECT id FROM v WHERE v8 MATCH q.vec AND _k = 5 AND _metric = 'dot' AND _options = 'exact=1')) FROM q;
-- IVF_PQ (8 / 4 sub-vectors) and IVF_SQ under other names: each query's own row comes first
SELECT lance_create_index('v', 'v8', 'IVF_PQ', 'name=pq num_partitions=2 num_sub_vectors=4 threads=1');
SELECT lance_create_index('v', 'v8', 'IVF_SQ', 'name=sq num_partitions=2 max_iterations=10 sample_rate=64');
-- memory_limit: past it the coded rows go through a temporary file, partitions come back
-- a group at a time: the same files, byte for byte
SELECT lance_create_index('v', 'v8', 'IVF_PQ', 'name=pq_spill num_partitions=2 num_sub_vectors=4 threads=1 memory_limit=4096');
SELECT readfile('build/sqlvec/vectors.lance/_indices/' || a.uuid || '/auxiliary.idx') = readfile('build/sqlvec/vectors.lance/_indices/' || b.uuid || '/auxiliary.idx'), readfile('build/sqlvec/vectors.lance/_indices/' || a.uuid || '/index.idx') = readfile('build/sqlvec/vectors.lance/_indices/' || b.uuid || '/index.idx') FROM lance_indices('v') a, lance_indices('v') b WHERE a.name = 'pq' AND b.name = 'pq_spill';
SELECT lance_drop_index('v', 'pq_spill');
SELECT name, type, unindexed_rows FROM lance_indices('v') ORDER BY name;
SELECT lance_drop_index('v', 'v8_idx');
SELECT lance_drop_index('v', 'sq');
SELECT (SELECT id FROM v WHERE v8 MATCH q.vec AND _k = 1 AND _options = 'nprobes=2 refine_factor=5') FROM q WHERE name <> 'axis2';
SELECT lance_drop_index('v', 'pq');
SELECT lance_create_index('v', 'v8', 'IVF_SQ', 'num_partitions=2');
SELECT (SELECT id FROM v WHERE v8 MATCH q.vec AND _k = 1 AND _options = 'nprobes=2') FROM q WHERE name <> 'axis2';
SELECT name, type FROM lance_indices('v') ORDER BY name;
-- IVF_HNSW_SQ and IVF_HNSW_FLAT: a graph per partition; with ef covering the partition,
-- IVF_HNSW_FLAT answers as the exact search (rows 9..12 share row9's vector: all four
-- are reached)
SELECT lance_drop_index('v', 'v8_idx');
SELECT lance_create_index('v', 'v8', 'IVF_HNSW_FLAT', 'name=hf num_partitions=2 m=8 ef_construction=50');
SELECT lance_create_index('v', 'v8', 'IVF_HNSW_FLAT', 'name=hf_spill num_partitions=2 m=8 ef_construction=50 memory_limit=4096');
SELECT readfile('build/sqlvec/vectors.lance/_indices/' || a.uuid || '/auxiliary.idx') = readfile('build/sqlvec/vectors.lance/_indices/' || b.uuid || '/auxiliary.idx'), readfile('build/sqlvec/vectors.lance/_indices/' || a.uuid || '/index.idx') = readfile('build/sqlvec/vectors.lance/_indices/' || b.uuid || '/index.idx') FROM lance_indices('v') a, lance_indices('v') b WHERE a.name = 'hf' AND b.name = 'hf_spill';
SELECT lance_drop_index('v', 'hf_spill');
SELECT q.name, (SELECT group_concat(id) FROM (SELECT id FROM v WHERE v8 MATCH q.vec AND _k = 5 AND _options = 'nprobes=2 ef=300')) = e.ids FROM q JOIN exact e ON e.name = q.name;
SELECT lance_drop_index('v', 'hf');
SELECT lance_create_index('v', 'v8', 'IVF_HNSW_SQ', 'num_partitions=2');
SELECT (SELECT id FROM v WHERE v8 MATCH q.vec AND _k = 1 AND _options = 'nprobes=2 ef=100') FROM q WHERE name <> 'axis2';
SELECT name, type FROM lance_indices('v') ORDER BY name;
-- interrupted (the shell's progress handler stops it): nothing committed
SELECT version FROM lance_versions('v') ORDER BY version DESC LIMIT 1;
.system ls build/sqlvec/vectors.lance/_indices | wc -l
.progress 1 --limit 3
SELECT lance_create_index('v', 'v8', 'IVF_PQ', 'name=stopped num_partitions=2 num_sub_vectors=2');
.progress 0
SELECT version FROM lance_versions('v') ORDER BY version DESC LIMIT 1;
.system ls build/sqlvec/vectors.lance/_indices | wc -l
SELECT name FROM lance_indices('v') ORDER BY name;
-- progress: one file per index name (_progress/index-<name>.json), its last state and phase
SELECT operation, column, state, phase, rows_done, rows_total, version, error FROM lance_progress('v') WHERE operation = 'create_index' ORDER BY version;
-- appended rows: searched exactly until lance_optimize_indices codes them into the
-- index's partitions (one new version; a second optimize commits nothing)
INSERT INTO v(id, v8) VALUES (5000, vec_f32('[0,0,1,0,0,0,0,0]')), (5001, vec_f32('[0,0,0,0,0,0,0,9]'));
SELECT name, unindexed_rows FROM lance_indices('v');
SELECT (SELECT id FROM v WHERE v8 MATCH q.vec AND _k = 1 AND _options = 'nprobes=2') FROM q;
SELECT lance_optimize_indices('v');
SELECT name, unindexed_rows FROM lance_indices('v');
SELECT (SELECT id FROM v WHERE v8 MATCH q.vec AND _k = 1 AND _options = 'nprobes=2') FROM q;
SELECT id FROM v WHERE v8 MATCH vec_f32('[0,0,0,0,0,0,0,9]') AND _k = 1 AND _options = 'nprobes=2';
SELECT lance_optimize_indices('v');
-- errors
SELECT lance_create_index('v', 'v8', 'IVF_FLAT', 'replace=false');
SELECT lance_create_index('v', 'nope', 'IVF_FLAT');
SELECT lance_create_index('v', 'cat', 'IVF_PQ');
SELECT lance_create_index('v', 'u8', 'IVF_FLAT');
SELECT lance_create_index('v', 'v8', 'IVF_PQ', 'num_sub_vectors=3');
SELECT lance_create_index('v', 'v8', 'IVF_FLAT', 'num_partitions=298');
SELECT lance_create_index('v', 'v8', 'IVF_PQ', 'num_bits=4');
SELECT lance_create_index('v', 'v8', 'IVF_FLAT', 'num_sub_vectors=2');
SELECT lance_create_index('v', 'v8', 'IVF_FLAT', 'distance_type=hamming');
SELECT lance_create_index('v', 'v8', 'IVF_FLAT', 'colour=red');
SELECT lance_create_index('v', 'v8', 'IVF_FLAT', 'num_partitions=2 num_partitions=3');
SELECT lance_create_index('v', 'v8', 'IVF_FLAT', 'num_partitions');
SELECT lance_create_index('v', 'v8', 'IVF_FLAT', 'max_iterations=0');
SELECT lance_create_index('v', 'v8', 'IVF_FLAT', 'replace=maybe');
SELECT lance_create_index('v', 'v8', 'IVF_HNSW_PQ');
SELECT lance_create_index('v', 'v8', 'IVF_FLAT', 'm=16');
SELECT lance_create_index('v', 'v8', 'IVF_HNSW_SQ', 'm=1');
SELECT lance_create_index('v', 'v8', 'IVF_FLAT', 'progress=2');
SELECT lance_create_index('v', 'v8', 'IVF_FLAT', 'seed=-1');
SELECT lance_create_index('v', 'v8', 'IVF_FLAT', 'memory_limit=100');
SELECT lance_create_index('v', 'v8', 'NGRAM');
DELETE FROM v WHERE id >= 100;
SELECT lance_create_index('v', 'v8', 'IVF_PQ', 'num_sub_vectors=2');
SELECT state, phase, rows_done, rows_total, error FROM lance_progress('v') WHERE operation = 'create_index' AND state <> 'done';
