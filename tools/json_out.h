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

/* Print bytes s[0..n) as a JSON string (the utf8 rule of docs/lance-dump.md). */
void json_string(FILE *out, const uint8_t *s, uint64_t n);

#endif
