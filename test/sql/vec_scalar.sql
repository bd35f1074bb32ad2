-- Scalar vector functions (ext/vec/vec_func.c): values, NULLs, JSON and
-- BLOB input, and every error message word for word.
-- l2_distance is Euclidean (pgvector); knn's _distance for l2 is squared.
SELECT l2_distance('[1,2,3]', '[4,6,3]');
SELECT l2_distance(vec_f32('[0,0]'), vec_f32('[3,4]'));
SELECT l2_distance('[1.5]', '[1.5]');
-- float32 arithmetic as in LanceDB: 1 - 4/(sqrt(2)*sqrt(8)) rounds to -1.19e-07
SELECT cosine_distance('[1,0]', '[0,1]'), cosine_distance('[1,1]', '[2,2]'), cosine_distance('[1,0]', '[-1,0]');
SELECT inner_product('[1,2,3]', '[4,6,3]'), inner_product('[1,-1]', '[1,1]');
SELECT l1_distance('[1,2,3]', '[4,6,3]'), l1_distance(vec_f32('[-1.5,2]'), '[1.5,-2]');
SELECT hamming_distance(x'ff0f', x'000e'), hamming_distance(x'', x''), typeof(hamming_distance(x'01', x'01'));
SELECT typeof(l2_distance('[1]', '[2]')), typeof(vec_dims('[1]')), typeof(vec_f32('[1]')), typeof(vec_to_json('[1]'));
-- dimensions beyond one SIMD block (17 and 1025 elements)
SELECT l1_distance(vec_f32('[' || (SELECT group_concat(value, ',') FROM generate_series(1, 17)) || ']'),
                   vec_f32('[' || (SELECT group_concat(0, ',') FROM generate_series(1, 17)) || ']'));
WITH v(j) AS (SELECT '[' || (SELECT group_concat(1, ',') FROM generate_series(1, 1025)) || ']')
SELECT inner_product(j, j), l2_distance(j, vec_normalize(j)) > 31, vec_dims(j) FROM v;
-- conversions
SELECT hex(vec_f32('[1, -2, 0.5]'));
SELECT hex(vec_f32(x'0000803f'));
SELECT vec_to_json(vec_f32(' [ 1 , 2.5 ,-3e2, 1E-1, 100000, 1e20, 1e-7, -0 ] '));
SELECT vec_to_json(x'0000807f000080ff0000c07f');
SELECT vec_to_json('[3.4028235e38, 1e39, 16777217]');
SELECT vec_dims(vec_f32('[1,2,3,4]')), vec_dims('[7]'), vec_dims(x'0000000000000000');
SELECT vec_to_json(vec_normalize('[3,4]')), vec_to_json(vec_normalize(vec_f32('[0,0,5]')));
SELECT vec_to_json(vec_normalize('[0,0,0]'));
SELECT vec_to_json(vec_normalize('[-0.0, 0]'));
-- NULL in, NULL out
SELECT l2_distance(NULL, '[1]') IS NULL, cosine_distance('[1]', NULL) IS NULL,
       inner_product(NULL, NULL) IS NULL, l1_distance(NULL, 'not json') IS NULL,
       hamming_distance(NULL, x'00') IS NULL, hamming_distance(x'00', NULL) IS NULL;
SELECT vec_f32(NULL) IS NULL, vec_to_json(NULL) IS NULL, vec_dims(NULL) IS NULL, vec_normalize(NULL) IS NULL;
-- cosine with a zero vector has no value (Lance and pgvector give NaN): NULL
SELECT cosine_distance('[0,0]', '[1,1]') IS NULL, cosine_distance('[0,0]', '[0,0]') IS NULL;
-- errors
SELECT l2_distance('[1,2,3]', '[1,2,3,4]');
SELECT cosine_distance(vec_f32('[1]'), vec_f32('[1,2]'));
SELECT inner_product('[1,2]', x'0000803f');
SELECT l1_distance('[1,2]', '[1,2');
SELECT l2_distance('[1,2]', x'00000000000000');
SELECT l2_distance(1, '[1]');
SELECT l2_distance('[1]', 2.5);
SELECT hamming_distance(x'00', x'0000');
SELECT hamming_distance('[1]', x'00');
SELECT hamming_distance(x'00', 3);
SELECT vec_f32('[1,2,');
SELECT vec_f32('[1,,2]');
SELECT vec_f32('[1 2]');
SELECT vec_f32('[01]');
SELECT vec_f32('[1.]');
SELECT vec_f32('[.5]');
SELECT vec_f32('[+1]');
SELECT vec_f32('[1e]');
SELECT vec_f32('[null]');
SELECT vec_f32('[NaN]');
SELECT vec_f32('[0x10]');
SELECT vec_f32('[1] x');
SELECT vec_f32('1,2');
SELECT vec_f32('');
SELECT vec_f32('[]');
SELECT vec_f32(x'');
SELECT vec_f32(x'01020304050607');
SELECT vec_f32(42);
SELECT vec_dims('{"a":1}');
SELECT vec_to_json(x'0102');
SELECT vec_normalize('[1,"2"]');
