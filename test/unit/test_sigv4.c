/*
** test_sigv4.c: AWS Signature V4 (format/store/sigv4.c) against AWS's
** published test-suite vectors (sigv4_vectors.h): the canonical request,
** the string to sign and the Authorization header of each case, byte for
** byte; plus the URI encoding the S3 store sends.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "store/sigv4.h"
#include "sigv4_vectors.h"

static void check_vector(const sigv4_vector *v) {
  lf_sigv4_hdr h[12];
  int n = 0;
  while (n < 12 && v->hdrs[n][0]) h[n].name = v->hdrs[n][0], h[n].value = v->hdrs[n][1], n++;
  char hash[65];
  lf_sha256_hex(v->payload, strlen(v->payload), hash);
  lf_sigv4_req r = {v->method, v->path, v->query, h, n, hash};
  lf_sigv4_key k = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1",
                    v->service};
  lf_sigv4_out o;
  assert_int_equal(lf_sigv4_sign(&r, &k, "20150830T123600Z", &o), 0);
  if (strcmp((char *)o.creq.p, v->creq) || strcmp((char *)o.sts.p, v->sts) ||
      strcmp((char *)o.auth.p, v->auth))
    fail_msg("%s:\n--- canonical request\n%s\n--- want\n%s\n--- sts\n%s\n--- auth\n%s\n--- want\n%s",
             v->name, o.creq.p, v->creq, o.sts.p, o.auth.p, v->auth);
  lf_sigv4_out_reset(&o);
}

static void test_vectors(void **state) {
  (void)state;
  size_t n = sizeof sigv4_vectors / sizeof sigv4_vectors[0];
  assert_true(n >= 25);
  for (size_t i = 0; i < n; i++) check_vector(&sigv4_vectors[i]);
}

/* A wrong secret, region or date changes the signature (the test above
** would not notice a signer ignoring them on its own). */
static void test_inputs_matter(void **state) {
  (void)state;
  lf_sigv4_hdr h[] = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  char hash[65];
  lf_sha256_hex("", 0, hash);
  lf_sigv4_req r = {"GET", "/", "", h, 2, hash};
  lf_sigv4_key k = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEX", "us-east-1",
                    "service"};
  lf_sigv4_out o;
  assert_int_equal(lf_sigv4_sign(&r, &k, "20150830T123600Z", &o), 0);
  assert_null(strstr((char *)o.auth.p, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d"));
  assert_null(strstr((char *)o.auth.p, "EXAMPLEKEX")); /* the secret is never in the output */
  lf_sigv4_out_reset(&o);
  assert_int_equal(lf_sigv4_sign(&r, &k, "2015-08-30", &o), 5 /* LF_ARG */);
}

static void test_uri_encode(void **state) {
  (void)state;
  lf_buf b = {0};
  const char *z = "a b/c+d~e%f\xe1\x88\xb4";
  lf_uri_encode(&b, z, strlen(z), 1);
  lf_buf_u8(&b, '|');
  lf_uri_encode(&b, z, strlen(z), 0);
  lf_buf_u8(&b, 0);
  assert_string_equal((char *)b.p, "a%20b/c%2Bd~e%25f%E1%88%B4|a%20b%2Fc%2Bd~e%25f%E1%88%B4");
  lf_buf_reset(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_vectors),
    cmocka_unit_test(test_inputs_matter),
    cmocka_unit_test(test_uri_encode),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
