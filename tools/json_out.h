/*
** json_out.h: the exact JSON text of docs/lance-dump.md for decoded values
** (numbers as ECMAScript prints them, float32 shortest digits, dates...).
*/
#ifndef JSON_OUT_H
#define JSON_OUT_H

#include <stdio.h>

#include "lf.h"

/* Print row i of array a as JSON to out. */
void json_value(FILE *out, const lf_array *a, uint64_t i);
/* Shortest round-trip text of a double / float, ECMAScript style (no
** special cases: callers handle NaN, infinities and -0.0). */
void json_format_double(double v, char *buf, size_t cap);
void json_format_float(float v, char *buf, size_t cap);

#endif
