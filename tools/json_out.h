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

/* A JSON string of the bytes s[0..n) (escapes as in docs/lance-dump.md). */
void json_string(FILE *out, const uint8_t *s, uint64_t n);
/* An unsigned integer: a number up to 2^53 - 1, else a decimal string. */
void json_uint(FILE *out, uint64_t v);

#endif
