/* error.c: owns lf_error formatting (see lf_error.h). */
#include "lf_error.h"

#include <stdio.h>
#include <string.h>

int lf_err(lf_error *err, int code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
  }
  return code;
}

int lf_err_prefix(lf_error *err, int code, const char *fmt, ...) {
  if (!err) return code;
  char prefix[LF_ERRMSG_MAX];
  char old[LF_ERRMSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  memcpy(old, err->msg, sizeof old);
  old[sizeof old - 1] = 0;
  if (err->code == LF_OK) err->code = code;
  size_t n = strlen(prefix);
  if (n > sizeof err->msg - 3) n = sizeof err->msg - 3;
  memcpy(err->msg, prefix, n);
  memcpy(err->msg + n, ": ", 2);
  size_t room = sizeof err->msg - n - 3, m = strlen(old);
  if (m > room) m = room;
  memcpy(err->msg + n + 2, old, m);
  err->msg[n + 2 + m] = 0;
  return err->code;
}

const char *lf_code_name(int code) {
  switch (code) {
    case LF_OK: return "ok";
    case LF_IO: return "I/O error";
    case LF_NOMEM: return "out of memory";
    case LF_CORRUPT: return "corrupt";
    case LF_UNSUPPORTED: return "unsupported";
    case LF_ARG: return "bad argument";
    case LF_NOTFOUND: return "not found";
    case LF_EXISTS: return "already exists";
    case LF_CONFLICT: return "commit conflict";
  }
  return "unknown error";
}
