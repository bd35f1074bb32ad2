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

#endif
