/* test_tokenize.c: the full-text tokenizers (format/index/tokenize.c): each base
** tokenizer and filter on English, accented, CJK-mixed and adversarial text, the
** errors, and invalid UTF-8.  Expected tokens are LanceDB 0.39's (test/interop
** tok_run.sh checks the same against LanceDB itself). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "index/tokenize.h"

/* Tokens joined as "tok@pos tok@pos ..." */
typedef struct { char s[4096]; int n, stop_after; } out_t;

static int collect(void *ctx, const char *tok, size_t len, uint32_t pos) {
  out_t *o = ctx;
  size_t used = strlen(o->s);
  snprintf(o->s + used, sizeof o->s - used, "%s%.*s@%u", used ? " " : "", (int)len, tok, pos);
  return ++o->n == o->stop_after ? 99 : 0;
}

static const char *run(const lf_tok_params *p, const char *text, size_t len) {
  static out_t o;
  memset(&o, 0, sizeof o);
  lf_tok *t;
  lf_error err = {0};
  assert_int_equal(lf_tok_new(p, &t, &err), LF_OK);
  assert_int_equal(lf_tok_run(t, text, len, collect, &o, &err), LF_OK);
  lf_tok_free(t);
  return o.s;
}

static const char *run_s(const lf_tok_params *p, const char *text) { return run(p, text, strlen(text)); }

static lf_tok_params plain(const char *base) {
  lf_tok_params p;
  lf_tok_params_init(&p, base);
  p.lower_case = p.stem = p.remove_stop_words = p.ascii_folding = 0;
  p.max_token_length = LF_TOK_NO_LIMIT;
  return p;
}

static void test_default_english(void **state) {
  lf_tok_params p;
  lf_tok_params_init(&p, NULL);
  /* stop words leave gaps; NLTK's list has "over", "s", "t", "isn" */
  assert_string_equal(run_s(&p, "The quick brown fox jumps over the lazy dog."),
                      "quick@1 brown@2 fox@3 jump@4 lazi@7 dog@8");
  assert_string_equal(run_s(&p, "Running runners ran; isn't it?"), "run@0 runner@1 ran@2");
  assert_string_equal(run_s(&p, "Crème brûlée Straße"), "creme@0 brulee@1 strasse@2");
}

static void test_simple_unicode(void **state) {
  lf_tok_params p = plain("simple");
  /* letters and numbers of any script; Devanagari virama (Mn, not Alphabetic) splits */
  assert_string_equal(run_s(&p, "东京2024年, naïve x²½ हिन्दी"),
                      "东京2024年@0 naïve@1 x²½@2 हिन@3 दी@4");
  assert_string_equal(run_s(&p, "zero\xE2\x80\x8Bwidth e\xCC\x81"), "zero@0 width@1 e@2");
  assert_string_equal(run_s(&p, ""), "");
  assert_string_equal(run_s(&p, " \t!?"), "");
}

static void test_whitespace_raw(void **state) {
  lf_tok_params p = plain("whitespace");
  /* ASCII whitespace only: vertical tab, NBSP and U+3000 stay inside tokens */
  assert_string_equal(run_s(&p, "a,b  c\x0B" "d\xC2\xA0" "e\xE3\x80\x80" "f\n"),
                      "a,b@0 c\x0B" "d\xC2\xA0" "e\xE3\x80\x80" "f@1");
  p = plain("raw");
  assert_string_equal(run_s(&p, "Hello  World"), "Hello  World@0");
  assert_string_equal(run_s(&p, ""), "@0");
}

static void test_ngram(void **state) {
  lf_tok_params p = plain("ngram");
  p.min_ngram_length = 1, p.max_ngram_length = 2;
  assert_string_equal(run_s(&p, "hεl"), "h@0 hε@0 ε@0 εl@0 l@0");
  p.min_ngram_length = 2, p.max_ngram_length = 5, p.prefix_only = 1;
  assert_string_equal(run_s(&p, "frankenstein"), "fr@0 fra@0 fran@0 frank@0");
  p.min_ngram_length = 3, p.max_ngram_length = 3, p.prefix_only = 0;
  assert_string_equal(run_s(&p, "ab"), "");
  assert_string_equal(run_s(&p, "a b"), "a b@0");
}

static void test_max_token_length_bytes(void **state) {
  lf_tok_params p = plain("simple");
  p.max_token_length = 4; /* kept: fewer than 4 bytes */
  assert_string_equal(run_s(&p, "abc abcd éa éé"), "abc@0 éa@2");
  p.max_token_length = 0;
  assert_string_equal(run_s(&p, "a b"), "");
}

static void test_lower_fold(void **state) {
  lf_tok_params p = plain("whitespace");
  p.lower_case = 1;
  /* İ lower-cases to two code points; Σ always to σ (no final-sigma rule) */
  assert_string_equal(run_s(&p, "İSTANBUL ΣΟΦΟΣ ǅ"), "i\xCC\x87stanbul@0 σοφοσ@1 ǆ@2");
  p = plain("whitespace");
  p.ascii_folding = 1;
  assert_string_equal(run_s(&p, "Æsir ½ ™ ≠ « ĸ ẞ ёлка ǣ"),
                      "AEsir@0 12@1 TM@2 =@3 «@4 k@5 SS@6 ёлка@7 ae@8");
}

static void test_stem_languages(void **state) {
  lf_tok_params p = plain("simple");
  p.stem = 1, p.language = "German";
  /* Snowball 3: "ue" read as "ü" (then folded to "u" by the stemmer's postlude) */
  assert_string_equal(run_s(&p, "Häuser continuellement blaue"), "Haus@0 continullement@1 blau@2");
  p.language = "Romanian";
  assert_string_equal(run_s(&p, "aceşti aceștia"), "aceșt@0 aceșt@1");
  p.language = "Russian";
  assert_string_equal(run_s(&p, "красивая"), "красив@0");
}

static void test_stop_words(void **state) {
  lf_tok_params p = plain("simple");
  p.remove_stop_words = 1, p.language = "French";
  assert_string_equal(run_s(&p, "le chat et la souris"), "chat@1 souris@4");
  p.language = "Tamil"; /* LanceDB's Tamil list is empty */
  assert_string_equal(run_s(&p, "a the"), "a@0 the@1");
  static const char *const words[] = {"hello", "the"};
  p.custom_stop_words = words, p.n_custom_stop_words = 2;
  assert_string_equal(run_s(&p, "Hello hello the end"), "Hello@0 end@3");
  p.n_custom_stop_words = 0; /* an empty custom list removes nothing */
  assert_string_equal(run_s(&p, "the end"), "the@0 end@1");
}

static void test_invalid_utf8(void **state) {
  lf_tok_params p = plain("whitespace");
  /* each maximal invalid subpart is one U+FFFD, as Rust's from_utf8_lossy */
  assert_string_equal(run(&p, "a\xFF" "b \xE2\x82 \xED\xA0\x80 c\xF0\x9F", 15),
                      "a\xEF\xBF\xBD" "b@0 \xEF\xBF\xBD@1 \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD@2 c\xEF\xBF\xBD@3");
  p = plain("simple");
  assert_string_equal(run(&p, "ab\x80" "cd\xC0\xAF", 7), "ab@0 cd@1");
}

static void expect_error(const lf_tok_params *p, int code, const char *needle) {
  lf_tok *t = (lf_tok *)1;
  lf_error err = {0};
  assert_int_equal(lf_tok_new(p, &t, &err), code);
  assert_null(t);
  assert_non_null(strstr(err.msg, needle));
}

static void test_errors(void **state) {
  lf_tok_params p;
  lf_tok_params_init(&p, "icu");
  expect_error(&p, LF_UNSUPPORTED, "'icu'");
  lf_tok_params_init(&p, "jieba/default");
  expect_error(&p, LF_UNSUPPORTED, "'jieba/default'");
  lf_tok_params_init(&p, "lindera/ipadic");
  expect_error(&p, LF_UNSUPPORTED, "'lindera/ipadic'");
  lf_tok_params_init(&p, "standard");
  expect_error(&p, LF_ARG, "unknown FTS base tokenizer 'standard'");
  lf_tok_params_init(&p, NULL);
  p.language = "english";
  expect_error(&p, LF_ARG, "unknown FTS language 'english'");
  p.language = "Dutch";
  expect_error(&p, LF_UNSUPPORTED, "stemming Dutch");
  p.stem = 0; /* Dutch without stemming is fine */
  assert_string_equal(run_s(&p, "de kinderen"), "kinderen@1");
  lf_tok_params_init(&p, "ngram");
  p.min_ngram_length = 0;
  expect_error(&p, LF_ARG, "min_gram must be greater than 0");
  p.min_ngram_length = 4;
  expect_error(&p, LF_ARG, "must not be greater than max_gram");
}

static void test_callback_stops(void **state) {
  lf_tok_params p = plain("simple");
  out_t o;
  memset(&o, 0, sizeof o);
  o.stop_after = 2;
  lf_tok *t;
  assert_int_equal(lf_tok_new(&p, &t, NULL), LF_OK);
  assert_int_equal(lf_tok_run(t, "a b c d", 7, collect, &o, NULL), 99);
  assert_string_equal(o.s, "a@0 b@1");
  lf_tok_free(t);
  lf_tok_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default_english), cmocka_unit_test(test_simple_unicode),
      cmocka_unit_test(test_whitespace_raw),  cmocka_unit_test(test_ngram),
      cmocka_unit_test(test_max_token_length_bytes), cmocka_unit_test(test_lower_fold),
      cmocka_unit_test(test_stem_languages),  cmocka_unit_test(test_stop_words),
      cmocka_unit_test(test_invalid_utf8),    cmocka_unit_test(test_errors),
      cmocka_unit_test(test_callback_stops),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
