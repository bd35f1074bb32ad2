/*
** lf_error.h: the one error convention of format/.
**
** Every format/ function that can fail returns an int status (LF_OK = 0) and
** fills an optional lf_error *err with the same code and one sentence saying
** what failed and where ("data/x.lance: column 4 page 2: ...").  err may be
** NULL.  The message is copied into SQLite's error slots only at the boundary.
*/
#ifndef LF_ERROR_H
#define LF_ERROR_H

#include <stdarg.h>

enum {
  LF_OK = 0,
  LF_IO = 1,          /* a read/write/stat failed */
  LF_NOMEM = 2,       /* allocation failed */
  LF_CORRUPT = 3,     /* bytes violate the format (bad magic, out-of-range offset...) */
  LF_UNSUPPORTED = 4, /* valid but not implemented: names the feature + version */
  LF_ARG = 5,         /* bad argument from the caller */
  LF_NOTFOUND = 6,    /* missing file / column / row */
  LF_EXISTS = 7,      /* an exclusive create found the object already there */
  LF_CONFLICT = 8,    /* a concurrent commit that this transaction cannot rebase over */
  LF_INTERRUPTED = 9  /* the caller's progress callback asked to stop */
};

#define LF_ERRMSG_MAX 512

typedef struct lf_error {
  int code;
  char msg[LF_ERRMSG_MAX];
} lf_error;

/* Set err (if not NULL) and return code.  A message already set is kept as
** the more specific one only when lf_error_prefix is used to add context. */
int lf_err(lf_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepend "context: " to an existing message; returns err->code (or code). */
int lf_err_prefix(lf_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

const char *lf_code_name(int code);

#endif
