/*
** options.c: owns the storage options of the remote stores (remote.h) and
** where credentials come from.  The options are a JSON object of string
** values (true/false and numbers are taken as their text), named as LanceDB
** names them; docs/sql.md ("Object stores") lists them.  Credentials: the
** options' key pair (and token), else AWS_ACCESS_KEY_ID /
** AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), else the profile AWS_PROFILE
** (default "default") of the shared credentials file
** (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials), else none:
** requests go unsigned.  Error messages name keys, never secret values.
*/
#include "remote.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lf_int.h"

enum { O_ENDPOINT, O_REGION, O_KEY_ID, O_SECRET, O_TOKEN, O_VHOST, O_HTTP, O_TIMEOUT,
       O_CTIMEOUT, O_RETRIES, O_RTIMEOUT, O_BACKOFF, O_SKIPSIG, O_CONNS, O_BLOCK, O_AHEAD,
       O_PART, O_TAIL, O_CACHE, O_COALESCE, N_OPTS };

/* Each option's names (the first is the one docs/sql.md shows). */
static const char *const opt_names[N_OPTS][4] = {
  {"aws_endpoint", "aws_endpoint_url", "endpoint", "endpoint_url"},
  {"aws_region", "region"},
  {"aws_access_key_id", "access_key_id"},
  {"aws_secret_access_key", "secret_access_key"},
  {"aws_session_token", "aws_token", "session_token", "token"},
  {"aws_virtual_hosted_style_request", "virtual_hosted_style_request"},
  {"allow_http"},
  {"timeout"},
  {"connect_timeout"},
  {"client_max_retries"},
  {"client_retry_timeout"},
  {"retry_backoff"},
  {"aws_skip_signature", "skip_signature"},
  {"max_connections"},
  {"read_block_size"},
  {"read_ahead"},
  {"read_part_size"},
  {"read_tail"},
  {"read_cache_size"},
  {"read_coalesce_size"},
};

static int is_secret(int k) { return k == O_SECRET || k == O_TOKEN || k == O_KEY_ID; }

long lf_duration_ms(const char *z) {
  char *end;
  errno = 0;
  double v = strtod(z, &end);
  if (end == z || errno || v < 0 || v > 1e9) return -1;
  double mul = !*end || !strcmp(end, "s") ? 1000 : !strcmp(end, "ms") ? 1
             : !strcmp(end, "m") || !strcmp(end, "min") ? 60000 : !strcmp(end, "h") ? 3600000 : -1;
  return mul < 0 ? -1 : (long)(v * mul);
}

/* A size in bytes: digits with an optional KiB/MiB/GiB (or K/M/G) suffix. */
static int parse_size(const char *z, uint64_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(z, &end, 10);
  if (end == z || errno || !isdigit((unsigned char)*z)) return -1;
  uint64_t mul = !*end || !strcasecmp(end, "B") ? 1
               : !strcasecmp(end, "K") || !strcasecmp(end, "KiB") ? 1024
               : !strcasecmp(end, "M") || !strcasecmp(end, "MiB") ? 1024 * 1024
               : !strcasecmp(end, "G") || !strcasecmp(end, "GiB") ? 1024 * 1024 * 1024 : 0;
  if (!mul || v > (uint64_t)1 << 40) return -1;
  *out = v * mul;
  return 0;
}

static int parse_bool(const char *z, int *out) {
  if (!strcasecmp(z, "true") || !strcmp(z, "1")) *out = 1;
  else if (!strcasecmp(z, "false") || !strcmp(z, "0")) *out = 0;
  else return -1;
  return 0;
}

typedef struct popts {
  lf_remote_opts *o;
  lf_error *err;
  int rc;
  unsigned seen;
} popts;

static int set_string(char **slot, char *v) {
  free(*slot);
  *slot = v;
  return 0;
}

/* Apply value v (taken over) of option k; -1 when v is bad. */
static int apply(lf_remote_opts *o, int k, char *v) {
  long ms;
  uint64_t sz;
  int b, bad = 0;
  switch (k) {
    case O_ENDPOINT: return set_string(&o->endpoint, v);
    case O_REGION: return set_string(&o->region, v);
    case O_KEY_ID: return set_string(&o->key_id, v);
    case O_SECRET: return set_string(&o->secret, v);
    case O_TOKEN: return set_string(&o->token, v);
    case O_VHOST: bad = parse_bool(v, &o->virtual_hosted); break;
    case O_HTTP: bad = parse_bool(v, &o->allow_http); break;
    case O_SKIPSIG: bad = parse_bool(v, &b); if (!bad && b) o->cred_source = "none"; break;
    case O_TIMEOUT: case O_CTIMEOUT: case O_RTIMEOUT: case O_BACKOFF:
      ms = lf_duration_ms(v);
      bad = ms < 0 || (ms == 0 && k != O_BACKOFF);
      if (!bad) *(k == O_TIMEOUT ? &o->timeout_ms : k == O_CTIMEOUT ? &o->connect_timeout_ms
                  : k == O_RTIMEOUT ? &o->retry_timeout_ms : &o->backoff_ms) = ms;
      break;
    case O_RETRIES: case O_CONNS: {
      char *end;
      long n = strtol(v, &end, 10);
      bad = !isdigit((unsigned char)*v) || *end || n > 1000 || (k == O_CONNS && n < 1);
      if (!bad) *(k == O_RETRIES ? &o->max_retries : &o->max_connections) = (int)n;
      break;
    }
    default:
      bad = parse_size(v, &sz) || (k != O_AHEAD && k != O_CACHE && k != O_COALESCE && sz == 0);
      if (!bad) *(k == O_BLOCK ? &o->block : k == O_AHEAD ? &o->readahead : k == O_PART ? &o->part
                  : k == O_TAIL ? &o->tail : k == O_CACHE ? &o->cache : &o->coalesce) = sz;
  }
  free(v);
  return bad ? -1 : 0;
}

static int on_member(void *ctx, lf_json *j, const uint8_t *key, size_t klen) {
  popts *p = ctx;
  int k = 0, known = 0;
  for (; k < N_OPTS && !known; k++)
    for (int a = 0; a < 4 && opt_names[k][a] && !known; a++)
      known = strlen(opt_names[k][a]) == klen && !strncasecmp((const char *)key, opt_names[k][a], klen);
  k--;
  if (!known) {
    p->rc = lf_err(p->err, LF_ARG, "unknown storage option '%.*s'", (int)(klen > 64 ? 64 : klen),
                   (const char *)key);
    return 1;
  }
  const uint8_t *s;
  size_t n;
  char *v = NULL;
  int c = lf_json_peek(j);
  if (c == '"') {
    if (lf_json_str(j, &s, &n) || lf_json_unescape(s, n, &v, &n) < 0) v = NULL;
  } else if (c == 't' || c == 'f' || c == '-' || (c >= '0' && c <= '9')) {
    const uint8_t *a = j->p;
    if (!lf_json_skip(j, 0) && (v = malloc((size_t)(j->p - a) + 1)))
      memcpy(v, a, (size_t)(j->p - a)), v[j->p - a] = 0;
  }
  if (!v) {
    p->rc = lf_err(p->err, LF_ARG, "storage option %s: expected a string", opt_names[k][0]);
    return 1;
  }
  char shown[80];
  snprintf(shown, sizeof shown, " '%.64s'", is_secret(k) ? "" : v);
  if (apply(p->o, k, v)) {
    static const char *const want[] = {"", "", "", "", "", "true or false", "true or false",
      "a duration such as '30s'", "a duration such as '5s'", "a count", "a duration such as '3m'",
      "a duration such as '100ms'", "true or false", "a count from 1", "a size such as '64KiB'",
      "a size such as '8MiB'", "a size such as '8MiB'", "a size such as '256KiB'",
      "a size such as '128MiB'"};
    p->rc = lf_err(p->err, LF_ARG, "storage option %s: bad value%s (expected %s)",
                   opt_names[k][0], is_secret(k) ? "" : shown, want[k]);
    return 1;
  }
  return 0;
}

static char *env_dup(const char *name) {
  const char *v = getenv(name);
  return v && *v ? strdup(v) : NULL;
}

/* The profile's keys from the shared credentials file (INI), if any. */
static void shared_file(lf_remote_opts *o) {
  char path[4096];
  const char *f = getenv("AWS_SHARED_CREDENTIALS_FILE"), *home = getenv("HOME");
  const char *prof = getenv("AWS_PROFILE");
  if (!prof || !*prof) prof = "default";
  if (f && *f) snprintf(path, sizeof path, "%s", f);
  else if (home) snprintf(path, sizeof path, "%s/.aws/credentials", home);
  else return;
  FILE *fp = fopen(path, "r");
  if (!fp) return;
  char line[4096];
  int in = 0;
  while (fgets(line, sizeof line, fp)) {
    char *s = line, *e = line + strlen(line);
    while (isspace((unsigned char)*s)) s++;
    while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
    if (*s == '[') {
      char *c = strchr(s, ']');
      in = c && (size_t)(c - s - 1) == strlen(prof) && !strncmp(s + 1, prof, strlen(prof));
      continue;
    }
    char *eq = strchr(s, '=');
    if (!in || !eq || *s == '#' || *s == ';') continue;
    char *k = s, *ke = eq, *v = eq + 1;
    while (ke > k && isspace((unsigned char)ke[-1])) ke--;
    *ke = 0;
    while (isspace((unsigned char)*v)) v++;
    char **slot = !strcmp(k, "aws_access_key_id") ? &o->key_id
                : !strcmp(k, "aws_secret_access_key") ? &o->secret
                : !strcmp(k, "aws_session_token") ? &o->token : NULL;
    if (slot) set_string(slot, strdup(v));
  }
  memset(line, 0, sizeof line);
  fclose(fp);
}

static void clear_keys(lf_remote_opts *o) {
  for (char **s = &o->key_id; s; s = s == &o->key_id ? &o->secret : s == &o->secret ? &o->token : NULL) {
    if (*s) memset(*s, 0, strlen(*s));
    free(*s);
    *s = NULL;
  }
}

/* Credentials from options, environment or the shared file, in this order. */
static int credentials(lf_remote_opts *o, lf_error *err) {
  if (o->cred_source) { /* aws_skip_signature */
    clear_keys(o);
    return LF_OK;
  }
  if (o->key_id || o->secret) {
    if (!o->key_id || !o->secret)
      return lf_err(err, LF_ARG, "storage options: aws_access_key_id and aws_secret_access_key "
                    "go together");
    o->cred_source = "options";
    return LF_OK;
  }
  clear_keys(o);
  o->key_id = env_dup("AWS_ACCESS_KEY_ID");
  o->secret = env_dup("AWS_SECRET_ACCESS_KEY");
  if (o->key_id && o->secret) {
    o->token = env_dup("AWS_SESSION_TOKEN");
    o->cred_source = "environment";
    return LF_OK;
  }
  clear_keys(o);
  shared_file(o);
  if (o->key_id && o->secret) {
    o->cred_source = "shared credentials file";
    return LF_OK;
  }
  clear_keys(o);
  o->cred_source = "none";
  return LF_OK;
}

static void defaults(lf_remote_opts *o) {
  o->timeout_ms = 30000;
  o->connect_timeout_ms = 5000;
  o->max_retries = 10;
  o->retry_timeout_ms = 180000;
  o->backoff_ms = 100;
  o->max_connections = 32;
  o->block = 64 << 10;
  o->readahead = 8 << 20;
  o->part = 8 << 20;
  o->tail = 256 << 10;
  o->cache = 128 << 20;
  o->coalesce = 64 << 10;
}

int lf_remote_opts_parse(const char *json, lf_remote_opts *o, lf_error *err) {
  memset(o, 0, sizeof *o);
  defaults(o);
  int rc = LF_OK;
  if (json && *json) {
    popts p = {o, err, LF_OK, 0};
    lf_json j = {(const uint8_t *)json, (const uint8_t *)json + strlen(json)};
    if (lf_json_peek(&j) != '{')
      rc = lf_err(err, LF_ARG, "storage_options: expected a JSON object of strings");
    else if (lf_json_object(&j, on_member, &p) || lf_json_end(&j))
      rc = p.rc ? p.rc : lf_err(err, LF_ARG, "storage_options: malformed JSON at offset %ld",
                                (long)(j.p - (const uint8_t *)json));
  }
  if (!rc && !o->endpoint) o->endpoint = env_dup("AWS_ENDPOINT_URL");
  if (!rc && !o->endpoint) o->endpoint = env_dup("AWS_ENDPOINT");
  if (!rc && !o->region) o->region = env_dup("AWS_REGION");
  if (!rc && !o->region) o->region = env_dup("AWS_DEFAULT_REGION");
  if (!rc && !o->region && !(o->region = strdup("us-east-1"))) rc = lf_err(err, LF_NOMEM, "out of memory");
  if (!rc && !o->allow_http && getenv("AWS_ALLOW_HTTP")) parse_bool(getenv("AWS_ALLOW_HTTP"), &o->allow_http);
  if (!rc) rc = credentials(o, err);
  if (rc) lf_remote_opts_reset(o);
  return rc;
}

void lf_remote_opts_reset(lf_remote_opts *o) {
  clear_keys(o);
  free(o->endpoint);
  free(o->region);
  memset(o, 0, sizeof *o);
}
