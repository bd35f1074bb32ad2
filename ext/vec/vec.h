/*
** vec.h: the interface ext/vec/ gives lance.c.  vec_func.c owns the SQL
** scalar vector functions (l2_distance, cosine_distance, inner_product,
** l1_distance, hamming_distance, vec_f32, vec_to_json, vec_dims,
** vec_normalize).
*/
#ifndef LANCE_VEC_H
#define LANCE_VEC_H

#include <sqlite3ext.h>

/* Parses the NUL-terminated JSON array of numbers z (strict JSON number
** syntax: no NaN, inf, hex or '+') into a[] as float32, or into ad[] as
** doubles when a is NULL; room for strlen(z)/2 + 1 values.  Returns the
** element count, or -1 - offset of the first byte that does not fit. */
int vec_json_parse(const char *z, float *a, double *ad);

/* Registers the scalar vector functions on db; returns an SQLite rc. */
int vec_register(sqlite3 *db);

#endif
