/*
** test_store_remote.c: the parts of format/store/ that need no server:
** ListObjectsV2 replies (s3.c), S3 addressing, storage options and where
** credentials come from (options.c), and the choice of store by scheme
** (open.c).  Requests themselves are tested against s3rver by
** test/interop/s3_run.sh.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/remote.h"

typedef struct names {
  char buf[512];
} names;

static int collect(void *ctx, const char *name) {
  names *n = ctx;
  strcat(n->buf, name);
  strcat(n->buf, "|");
  return 0;
}

static void test_list_parse(void **state) {
  (void)state;
  const char *xml =
      "<?xml version=\"1.0\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Prefix>d/</Prefix><IsTruncated>true</IsTruncated>"
      "<NextContinuationToken>t&amp;1</NextContinuationToken>"
      "<Contents><Key>d/a.manifest</Key><Size>3</Size></Contents>"
      "<Contents><Key>d/b&#x20;&lt;c&gt;&#233;.lance</Key></Contents>"
      "<Contents><Key>d/</Key></Contents><Contents><Key>e/x</Key></Contents>"
      "<Contents><Key>d/deep/x</Key></Contents>"
      "<CommonPrefixes><Prefix>d/sub/</Prefix></CommonPrefixes></ListBucketResult>";
  names n = {{0}};
  char *next = NULL;
  lf_error err;
  assert_int_equal(lf_s3_list_parse(xml, strlen(xml), "d/", collect, &n, &next, &err), LF_OK);
  assert_string_equal(n.buf, "a.manifest|b <c>\xc3\xa9.lance|sub|");
  assert_string_equal(next, "t&1");
  free(next);
  static const char *const bad[][2] = {
      {"<ListBucketResult><Contents><Key>d/a", "S3 list reply: <Key> holds no text"},
      {"<ListBucketResult><Contents", "S3 list reply: unterminated tag"},
      {"<Error><Code>NoSuchBucket</Code></Error>", "S3 list reply: no <ListBucketResult>"},
      {"<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
       "S3 list reply: truncated without a continuation token"},
      {"<ListBucketResult><Contents><Key>d/&bogus;</Key></Contents></ListBucketResult>",
       "S3 list reply: bad text in <Key>"},
      {"<ListBucketResult><Contents><Key>d/&#0;</Key></Contents></ListBucketResult>",
       "S3 list reply: bad text in <Key>"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    next = NULL;
    assert_int_equal(lf_s3_list_parse(bad[i][0], strlen(bad[i][0]), "d/", collect, &n, &next, &err),
                     LF_CORRUPT);
    assert_string_equal(err.msg, bad[i][1]);
    assert_null(next);
  }
}

static void clear_env(void) {
  static const char *const vars[] = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT",
    "AWS_ALLOW_HTTP", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE"};
  for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) unsetenv(vars[i]);
  setenv("HOME", "/nonexistent", 1);
}

static void test_options(void **state) {
  (void)state;
  clear_env();
  lf_remote_opts o;
  lf_error err;
  assert_int_equal(lf_remote_opts_parse(NULL, &o, &err), LF_OK);
  assert_string_equal(o.region, "us-east-1");
  assert_string_equal(o.cred_source, "none");
  assert_null(o.key_id);
  assert_int_equal(o.max_retries, 10);
  assert_int_equal(o.timeout_ms, 30000);
  lf_remote_opts_reset(&o);
  assert_int_equal(lf_remote_opts_parse("{\"aws_endpoint\":\"http://h:1\",\"region\":\"x\","
                                        "\"allow_http\":true,\"timeout\":\"500ms\","
                                        "\"client_max_retries\":0,\"read_ahead\":\"2MiB\","
                                        "\"aws_virtual_hosted_style_request\":\"TRUE\"}", &o, &err),
                   LF_OK);
  assert_string_equal(o.endpoint, "http://h:1");
  assert_string_equal(o.region, "x");
  assert_true(o.allow_http && o.virtual_hosted);
  assert_int_equal(o.timeout_ms, 500);
  assert_int_equal(o.max_retries, 0);
  assert_true(o.readahead == 2 << 20);
  lf_remote_opts_reset(&o);
  static const char *const bad[][2] = {
      {"{\"colour\":\"red\"}", "unknown storage option 'colour'"},
      {"{\"timeout\":\"soon\"}", "storage option timeout: bad value 'soon' (expected a duration "
                                 "such as '30s')"},
      {"{\"aws_secret_access_key\":\"hunter2\"}", "storage options: aws_access_key_id and "
                                                 "aws_secret_access_key go together"},
      {"{\"aws_session_token\":{}}", "storage option aws_session_token: expected a string"},
      {"{\"max_connections\":\"0\"}", "storage option max_connections: bad value '0' (expected a "
                                      "count from 1)"},
      {"[1]", "storage_options: expected a JSON object of strings"},
      {"{\"allow_http\":\"true\"", "storage_options: malformed JSON at offset 20"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    assert_int_equal(lf_remote_opts_parse(bad[i][0], &o, &err), LF_ARG);
    assert_string_equal(err.msg, bad[i][1]);
  }
  assert_int_equal(lf_duration_ms("2m"), 120000);
  assert_int_equal(lf_duration_ms("1.5s"), 1500);
  assert_int_equal(lf_duration_ms("7"), 7000);
  assert_int_equal(lf_duration_ms("3 weeks"), -1);
}

/* Options, then AWS_* variables, then the shared credentials file. */
static void test_credentials(void **state) {
  (void)state;
  clear_env();
  char path[] = "/tmp/lf-creds-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  const char *ini = "[default]\naws_access_key_id = FILEDEF\naws_secret_access_key = s1\n"
                    "[p2]\n aws_access_key_id=FILEP2 \naws_secret_access_key= s2\n"
                    "aws_session_token = tok\n";
  assert_int_equal(write(fd, ini, strlen(ini)), (ssize_t)strlen(ini));
  close(fd);
  setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
  lf_remote_opts o;
  lf_error err;
  assert_int_equal(lf_remote_opts_parse("{}", &o, &err), LF_OK);
  assert_string_equal(o.key_id, "FILEDEF");
  assert_string_equal(o.cred_source, "shared credentials file");
  lf_remote_opts_reset(&o);
  setenv("AWS_PROFILE", "p2", 1);
  assert_int_equal(lf_remote_opts_parse("{}", &o, &err), LF_OK);
  assert_string_equal(o.key_id, "FILEP2");
  assert_string_equal(o.secret, "s2");
  assert_string_equal(o.token, "tok");
  lf_remote_opts_reset(&o);
  setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
  assert_int_equal(lf_remote_opts_parse("{}", &o, &err), LF_OK);
  assert_string_equal(o.key_id, "ENVKEY");
  assert_null(o.token);
  assert_string_equal(o.cred_source, "environment");
  lf_remote_opts_reset(&o);
  assert_int_equal(lf_remote_opts_parse("{\"aws_access_key_id\":\"OPT\",\"aws_secret_access_key\":"
                                        "\"x\"}", &o, &err), LF_OK);
  assert_string_equal(o.key_id, "OPT");
  assert_string_equal(o.cred_source, "options");
  lf_remote_opts_reset(&o);
  assert_int_equal(lf_remote_opts_parse("{\"aws_skip_signature\":\"true\"}", &o, &err), LF_OK);
  assert_null(o.key_id);
  assert_string_equal(o.cred_source, "none");
  lf_remote_opts_reset(&o);
  unlink(path);
  clear_env();
}

static void test_s3_urls(void **state) {
  (void)state;
  clear_env();
  lf_remote_opts o;
  lf_error err;
  lf_s3 *s;
  assert_int_equal(lf_remote_opts_parse("{\"aws_region\":\"eu-west-1\"}", &o, &err), LF_OK);
  assert_int_equal(lf_s3_new("bkt", &o, &s, &err), LF_OK);
  char *u = lf_s3_url(s, "d/a b+c.lance", "");
  assert_string_equal(u, "https://s3.eu-west-1.amazonaws.com/bkt/d/a%20b%2Bc.lance");
  free(u);
  lf_s3_free(s);
  o.virtual_hosted = 1;
  assert_int_equal(lf_s3_new("bkt", &o, &s, &err), LF_OK);
  u = lf_s3_url(s, "k", "list-type=2");
  assert_string_equal(u, "https://bkt.s3.eu-west-1.amazonaws.com/k?list-type=2");
  free(u);
  lf_s3_free(s);
  lf_remote_opts_reset(&o);
  assert_int_equal(lf_remote_opts_parse("{\"aws_endpoint\":\"http://127.0.0.1:9/base/\","
                                        "\"allow_http\":\"1\"}", &o, &err), LF_OK);
  assert_int_equal(lf_s3_new("bkt", &o, &s, &err), LF_OK);
  u = lf_s3_url(s, "x/y", "");
  assert_string_equal(u, "http://127.0.0.1:9/base/bkt/x/y");
  free(u);
  lf_s3_free(s);
  o.allow_http = 0;
  assert_int_equal(lf_s3_new("bkt", &o, &s, &err), LF_ARG);
  assert_string_equal(err.msg, "storage option aws_endpoint is http://: set allow_http=true to "
                               "allow unencrypted requests");
  lf_remote_opts_reset(&o);
}

static void test_open(void **state) {
  (void)state;
  clear_env();
  lf_store *s;
  char *root;
  lf_error err;
  const char *opts = "{\"aws_endpoint\":\"http://127.0.0.1:9\",\"allow_http\":\"true\"}";
  assert_int_equal(lf_store_open("s3://bkt/db/t.lance/", opts, &s, &root, &err), LF_OK);
  assert_string_equal(root, "db/t.lance");
  assert_non_null(s->stats);
  lf_store_stats st;
  lf_store_get_stats(s, &st);
  assert_true(st.requests == 0);
  lf_store_free(s);
  free(root);
  assert_int_equal(lf_store_open("http://h:8/a%20b/t.lance", NULL, &s, &root, &err), LF_OK);
  assert_string_equal(root, "a b/t.lance");
  assert_int_equal(s->put(s, "x", "", 0, 1, &err), LF_UNSUPPORTED);
  assert_string_equal(err.msg, "x: http(s) datasets are read-only");
  lf_store_free(s);
  free(root);
  assert_int_equal(lf_store_open("d/t.lance", NULL, &s, &root, &err), LF_OK);
  assert_string_equal(root, "d/t.lance");
  assert_null(s->stats);
  lf_store_get_stats(s, &st);
  assert_true(st.requests == 0);
  lf_store_free(s);
  free(root);
  assert_int_equal(lf_store_open("d/t.lance", "{}", &s, &root, &err), LF_ARG);
  assert_int_equal(lf_store_open("s3:///t", NULL, &s, &root, &err), LF_ARG);
  assert_string_equal(err.msg, "s3:///t: no bucket (expected s3://bucket/path)");
  assert_null(s);
  assert_null(root);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_list_parse),
    cmocka_unit_test(test_options),
    cmocka_unit_test(test_credentials),
    cmocka_unit_test(test_s3_urls),
    cmocka_unit_test(test_open),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
