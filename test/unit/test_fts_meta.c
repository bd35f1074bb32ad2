/* test_fts_meta.c: FTS index metadata (format/index/fts_meta.c): the params
** JSON as LanceDB 0.39 writes it, defaults, nulls, custom stop words with
** escapes, bad JSON; the partitions array; the format keys. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "index/fts_int.h"

static int parse(const char *json, lf_fts_params *p, lf_error *err) {
  return lf_fts_params_parse((const uint8_t *)json, strlen(json), p, err);
}

/* What LanceDB 0.39 writes for Index.fts({ baseTokenizer: "ngram", ... }). */
static void test_params_lancedb(void **state) {
  (void)state;
  const char *j =
      "{\"lance_tokenizer\":\"text\",\"base_tokenizer\":\"ngram\",\"language\":\"French\","
      "\"with_position\":true,\"max_token_length\":null,\"lower_case\":false,\"stem\":true,"
      "\"remove_stop_words\":true,\"custom_stop_words\":[\"le\",\"\\u00e9t\\u00e9\",\"\\ud83d\\ude00\",\"a\\\"b\"],"
      "\"ascii_folding\":false,\"min_ngram_length\":2,\"max_ngram_length\":5,\"prefix_only\":true,"
      "\"block_size\":256,\"split_identifiers\":true,\"split_on_numerics\":true,"
      "\"preserve_original\":true,\"index_operators\":true,\"future_key\":{\"x\":[1,2]}}";
  lf_fts_params p;
  lf_error err;
  assert_int_equal(parse(j, &p, &err), LF_OK);
  assert_string_equal(p.lance_tokenizer, "text");
  assert_string_equal(p.base_tokenizer, "ngram");
  assert_string_equal(p.language, "French");
  assert_true(p.with_position && !p.has_max_token_length && !p.lower_case && p.stem);
  assert_true(p.remove_stop_words && !p.ascii_folding && p.prefix_only);
  assert_true(p.min_ngram_length == 2 && p.max_ngram_length == 5 && p.block_size == 256);
  assert_true(p.split_identifiers && p.split_on_numerics && p.preserve_original && p.index_operators);
  assert_true(p.has_custom_stop_words && p.n_custom_stop_words == 4);
  assert_string_equal(p.custom_stop_words[0], "le");
  assert_string_equal(p.custom_stop_words[1], "\xc3\xa9t\xc3\xa9");
  assert_string_equal(p.custom_stop_words[2], "\xf0\x9f\x98\x80");
  assert_string_equal(p.custom_stop_words[3], "a\"b");
  lf_fts_params_reset(&p);
}

static void test_params_defaults(void **state) {
  (void)state;
  lf_fts_params p;
  lf_error err;
  assert_int_equal(parse(" { } ", &p, &err), LF_OK);
  assert_null(p.lance_tokenizer);
  assert_string_equal(p.base_tokenizer, "simple");
  assert_string_equal(p.language, "English");
  assert_true(!p.with_position && p.has_max_token_length && p.max_token_length == 40);
  assert_true(p.lower_case && p.stem && p.remove_stop_words && p.ascii_folding);
  assert_true(p.min_ngram_length == 3 && p.max_ngram_length == 3 && p.block_size == 128);
  assert_true(!p.has_custom_stop_words && p.n_custom_stop_words == 0);
  lf_fts_params_reset(&p);
  /* an explicit empty list replaces the built-in stop words with none */
  assert_int_equal(parse("{\"custom_stop_words\":[],\"lance_tokenizer\":null}", &p, &err), LF_OK);
  assert_true(p.has_custom_stop_words && p.n_custom_stop_words == 0);
  lf_fts_params_reset(&p);
}

static void test_params_bad(void **state) {
  (void)state;
  static const char *bad[] = {
      "", "[]", "{", "{\"stem\":1}", "{\"stem\":tru}", "{\"block_size\":-1}",
      "{\"block_size\":4294967296}", "{\"block_size\":1.5}", "{\"language\":null}",
      "{\"language\":\"\\u00\"}", "{\"language\":\"\\ud800\"}", "{\"language\":\"a\\u0000b\"}",
      "{\"custom_stop_words\":[1]}", "{\"custom_stop_words\":\"x\"}", "{} {}", "{\"a\":1,}",
      "{\"base_tokenizer\":\"x\\q\"}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    lf_fts_params p;
    lf_error err;
    int rc = parse(bad[i], &p, &err);
    if (rc != LF_CORRUPT) fail_msg("'%s' gave %d", bad[i], rc);
    assert_non_null(strstr(err.msg, "params"));
    assert_null(p.base_tokenizer); /* reset on error */
  }
  /* nesting deeper than the reader allows */
  char deep[200] = "{\"x\":";
  for (int i = 0; i < 40; i++) strcat(deep, "[");
  lf_fts_params p;
  lf_error err;
  assert_int_equal(parse(deep, &p, &err), LF_CORRUPT);
}

static void test_partitions(void **state) {
  (void)state;
  uint64_t *ids;
  size_t n;
  lf_error err;
  const char *j = "[0, 7,18446744073709551615]";
  assert_int_equal(lf_fts_partitions_parse((const uint8_t *)j, strlen(j), &ids, &n, &err), LF_OK);
  assert_true(n == 3 && ids[0] == 0 && ids[1] == 7 && ids[2] == UINT64_MAX);
  free(ids);
  j = "[]";
  assert_int_equal(lf_fts_partitions_parse((const uint8_t *)j, 2, &ids, &n, &err), LF_OK);
  assert_true(n == 0);
  free(ids);
  static const char *bad[] = {"[1,]", "[-1]", "[18446744073709551616]", "[1", "{}", "[1.0]"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(lf_fts_partitions_parse((const uint8_t *)bad[i], strlen(bad[i]), &ids, &n, &err),
                     LF_CORRUPT);
}

static lf_kv kv(const char *k, const char *v) {
  return (lf_kv){(char *)k, (uint8_t *)v, strlen(v)};
}

static void test_layout(void **state) {
  (void)state;
  lf_fts_layout l;
  lf_error err;
  lf_kv v2[] = {kv("format_version", "2"), kv("token_set_format", "fst"),
                kv("posting_block_size", "128"), kv("posting_tail_codec", "varint_delta_v1"),
                kv("positions_layout", "shared_stream_v2"), kv("positions_codec", "packed_delta_v1")};
  assert_int_equal(lf_fts_layout_from_meta(v2, 6, &l, &err), LF_OK);
  assert_true(l.version == 2 && l.post.block_size == 128 && l.post.varint_tail && l.positions == LF_POS_PACKED);
  assert_int_equal(lf_fts_layout_from_meta(v2, 4, &l, &err), LF_OK); /* no positions */
  assert_true(l.positions == LF_POS_NONE);
  lf_kv v3[] = {kv("format_version", "3"), kv("token_set_format", "fst"),
                kv("posting_block_size", "256"), kv("posting_tail_codec", "fixed32_v1"),
                kv("positions_layout", "shared_stream_v2"), kv("positions_codec", "varint_doc_delta_v2")};
  assert_int_equal(lf_fts_layout_from_meta(v3, 6, &l, &err), LF_OK);
  assert_true(l.version == 3 && l.post.block_size == 256 && !l.post.varint_tail && l.positions == LF_POS_VARINT);
  /* absent keys: version 1, fixed32 tails, 128 blocks; the arrow token set is not read */
  assert_int_equal(lf_fts_layout_from_meta(v2 + 1, 1, &l, &err), LF_OK);
  assert_true(l.version == 1 && l.post.block_size == 128 && !l.post.varint_tail);
  assert_int_equal(lf_fts_layout_from_meta(v2, 0, &l, &err), LF_UNSUPPORTED);
  assert_non_null(strstr(err.msg, "token_set_format 'absent'"));
  struct { int i; const char *v, *msg; } bad[] = {
      {0, "4", "format_version '4'"}, {1, "arrow", "token_set_format 'arrow'"},
      {2, "512", "posting_block_size '512'"}, {3, "zstd", "posting_tail_codec 'zstd'"},
      {4, "per_doc", "positions_layout 'per_doc'"}, {5, "lz4", "positions_codec 'lz4'"}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    lf_kv m[6];
    memcpy(m, v2, sizeof m);
    m[bad[i].i] = kv(v2[bad[i].i].key, bad[i].v);
    assert_int_equal(lf_fts_layout_from_meta(m, 6, &l, &err), LF_UNSUPPORTED);
    assert_non_null(strstr(err.msg, bad[i].msg));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_params_lancedb), cmocka_unit_test(test_params_defaults),
      cmocka_unit_test(test_params_bad),     cmocka_unit_test(test_partitions),
      cmocka_unit_test(test_layout),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
