/*
** sigv4_vectors.h: AWS's SigV4 test suite (the aws-sig-v4-test-suite cases as
** published in aws-c-auth's tests/aws-signing-test-suite/v4: request.txt,
** context.json, header-canonical-request.txt, header-string-to-sign.txt and
** the Authorization of header-signed-request.txt), reproduced as C data for
** test_sigv4.c.  Every case: region us-east-1, key AKIDEXAMPLE, secret
** wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, time 20150830T123600Z.  The
** headers the suite's signer adds (X-Amz-Date, X-Amz-Security-Token,
** X-Amz-Content-Sha256 when the body is signed) are listed with the request's,
** since lf_sigv4_sign signs exactly the headers it is given (not in
** post-sts-header-after, whose token is added after signing: omit_session_token).
*/
typedef struct sigv4_vector {
  const char *name, *method, *path, *query, *service;
  const char *hdrs[12][2];
  const char *payload, *creq, *sts, *auth;
} sigv4_vector;

static const sigv4_vector sigv4_vectors[] = {
  {"get-vanilla", "GET", "/", "", "service",
   {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "GET\n"
      "/\n"
      "\n"
      "host:example.amazonaws.com\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
  {"get-vanilla-query", "GET", "/", "", "service",
   {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "GET\n"
      "/\n"
      "\n"
      "host:example.amazonaws.com\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
  {"get-vanilla-empty-query-key", "GET", "/", "Param1=value1", "service",
   {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "GET\n"
      "/\n"
      "Param1=value1\n"
      "host:example.amazonaws.com\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "1e24db194ed7d0eec2de28d7369675a243488e08526e8c1c73571282f7c517ab",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
  {"get-vanilla-query-order-key-case", "GET", "/", "Param2=value2&Param1=value1", "service",
   {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "GET\n"
      "/\n"
      "Param1=value1&Param2=value2\n"
      "host:example.amazonaws.com\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
  {"get-vanilla-query-order-encoded", "GET", "/", "Param-3=Value3&Param=Value2&%E1%88%B4=Value1", "service",
   {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "GET\n"
      "/\n"
      "%E1%88%B4=Value1&Param=Value2&Param-3=Value3\n"
      "host:example.amazonaws.com\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "868294f5c38bd141c4972a373a76654f1418a8e4fc18b2e7903ae45e8ae0ec71",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac"},
  {"get-vanilla-query-unreserved", "GET", "/", "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "service",
   {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "GET\n"
      "/\n"
      "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\n"
      "host:example.amazonaws.com\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "c30d4703d9f799439be92736156d47ccfb2d879ddf56f5befa6d1d6aab979177",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
  {"get-vanilla-utf8-query", "GET", "/", "\xe1""\x88""\xb4""=bar", "service",
   {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "GET\n"
      "/\n"
      "%E1%88%B4=bar\n"
      "host:example.amazonaws.com\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "eb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
  {"get-unreserved", "GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "", "service",
   {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "GET\n"
      "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\n"
      "\n"
      "host:example.amazonaws.com\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
  {"get-utf8", "GET", "/\xe1""\x88""\xb4""", "", "service",
   {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "GET\n"
      "/%E1%88%B4\n"
      "\n"
      "host:example.amazonaws.com\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
  {"get-space-unnormalized", "GET", "/example space/", "", "service",
   {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "GET\n"
      "/example%20space/\n"
      "\n"
      "host:example.amazonaws.com\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "63ee75631ed7234ae61b5f736dfc7754cdccfedbff4b5128a915706ee9390d86",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
  {"get-header-key-duplicate", "GET", "/", "", "service",
   {{"Host", "example.amazonaws.com"}, {"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "GET\n"
      "/\n"
      "\n"
      "host:example.amazonaws.com\n"
      "my-header1:value2,value2,value1\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;my-header1;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
  {"get-header-value-multiline", "GET", "/", "", "service",
   {{"Host", "example.amazonaws.com"}, {"My-Header1", "value1\n"
      "  value2\n"
      "     value3"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "GET\n"
      "/\n"
      "\n"
      "host:example.amazonaws.com\n"
      "my-header1:value1 value2 value3\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;my-header1;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "e99419459a677bc11de234014be3c4e72c1ea5b454ceb58b613061f5d7a162e8",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=cfd34249e4b1c8d6b91ef74165d41a32e5fab3306300901bb65a51a73575eefd"},
  {"get-header-value-order", "GET", "/", "", "service",
   {{"Host", "example.amazonaws.com"}, {"My-Header1", "value4"}, {"My-Header1", "value1"}, {"My-Header1", "value3"}, {"My-Header1", "value2"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "GET\n"
      "/\n"
      "\n"
      "host:example.amazonaws.com\n"
      "my-header1:value4,value1,value3,value2\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;my-header1;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "31ce73cd3f3d9f66977ad3dd957dc47af14df92fcd8509f59b349e9137c58b86",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
  {"get-header-value-trim", "GET", "/", "", "service",
   {{"Host", "example.amazonaws.com"}, {"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "GET\n"
      "/\n"
      "\n"
      "host:example.amazonaws.com\n"
      "my-header1:value1\n"
      "my-header2:\"a b c\"\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;my-header1;my-header2;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;my-header2;x-amz-date, Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
  {"get-vanilla-with-session-token", "GET", "/", "", "service",
   {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}, {"X-Amz-Security-Token", "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"}},
   "",
   "GET\n"
      "/\n"
      "\n"
      "host:example.amazonaws.com\n"
      "x-amz-date:20150830T123600Z\n"
      "x-amz-security-token:6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267\n"
      "\n"
      "host;x-amz-date;x-amz-security-token\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "067b36aa60031588cea4a4cde1f21215227a047690c72247f1d70b32fbbfad2b",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"},
  {"post-header-key-case", "POST", "/", "", "service",
   {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "POST\n"
      "/\n"
      "\n"
      "host:example.amazonaws.com\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
  {"post-header-key-sort", "POST", "/", "", "service",
   {{"Host", "example.amazonaws.com"}, {"My-Header1", "value1"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "POST\n"
      "/\n"
      "\n"
      "host:example.amazonaws.com\n"
      "my-header1:value1\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;my-header1;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "9368318c2967cf6de74404b30c65a91e8f6253e0a8659d6d5319f1a812f87d65",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
  {"post-header-value-case", "POST", "/", "", "service",
   {{"Host", "example.amazonaws.com"}, {"My-Header1", "VALUE1"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "POST\n"
      "/\n"
      "\n"
      "host:example.amazonaws.com\n"
      "my-header1:VALUE1\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;my-header1;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "d51ced243e649e3de6ef63afbbdcbca03131a21a7103a1583706a64618606a93",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
  {"post-vanilla", "POST", "/", "", "service",
   {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "POST\n"
      "/\n"
      "\n"
      "host:example.amazonaws.com\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
  {"post-vanilla-empty-query-value", "POST", "/", "Param1=value1", "service",
   {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "POST\n"
      "/\n"
      "Param1=value1\n"
      "host:example.amazonaws.com\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
  {"post-vanilla-query", "POST", "/", "Param1=value1", "service",
   {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "POST\n"
      "/\n"
      "Param1=value1\n"
      "host:example.amazonaws.com\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
  {"post-x-www-form-urlencoded", "POST", "/", "", "service",
   {{"Content-Type", "application/x-www-form-urlencoded"}, {"Host", "example.amazonaws.com"}, {"Content-Length", "13"}, {"X-Amz-Date", "20150830T123600Z"}, {"X-Amz-Content-Sha256", "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"}},
   "Param1=value1",
   "POST\n"
      "/\n"
      "\n"
      "content-length:13\n"
      "content-type:application/x-www-form-urlencoded\n"
      "host:example.amazonaws.com\n"
      "x-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "content-length;content-type;host;x-amz-content-sha256;x-amz-date\n"
      "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "b1edd1d03544c25390e32085d55b57acc9a3961bb59415ff86c45c3d89d16cfb",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, Signature=d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"},
  {"post-x-www-form-urlencoded-parameters", "POST", "/", "", "service",
   {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}, {"Host", "example.amazonaws.com"}, {"Content-Length", "13"}, {"X-Amz-Date", "20150830T123600Z"}, {"X-Amz-Content-Sha256", "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"}},
   "Param1=value1",
   "POST\n"
      "/\n"
      "\n"
      "content-length:13\n"
      "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
      "host:example.amazonaws.com\n"
      "x-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "content-length;content-type;host;x-amz-content-sha256;x-amz-date\n"
      "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "a89f1a5b53e37702ee6363ce1da3ce8f54386f3c8f352ae652153c2982a0bc4d",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, Signature=328d1b9eaadca9f5818ef05e8392801e091653bafec24fcab71e7344e7f51422"},
  {"post-sts-header-after", "POST", "/", "", "service",
   {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
   "",
   "POST\n"
      "/\n"
      "\n"
      "host:example.amazonaws.com\n"
      "x-amz-date:20150830T123600Z\n"
      "\n"
      "host;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
  {"post-sts-header-before", "POST", "/", "", "service",
   {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}, {"X-Amz-Security-Token", "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="}},
   "",
   "POST\n"
      "/\n"
      "\n"
      "host:example.amazonaws.com\n"
      "x-amz-date:20150830T123600Z\n"
      "x-amz-security-token:AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==\n"
      "\n"
      "host;x-amz-date;x-amz-security-token\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
   "AWS4-HMAC-SHA256\n"
      "20150830T123600Z\n"
      "20150830/us-east-1/service/aws4_request\n"
      "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"},
};
