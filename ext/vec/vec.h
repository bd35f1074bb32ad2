/*
** vec.h: the interface ext/vec/ gives lance.c.  vec_func.c owns the SQL
** scalar vector functions (l2_distance, cosine_distance, inner_product,
** l1_distance, hamming_distance, vec_f32, vec_to_json, vec_dims,
** vec_normalize).
*/
#ifndef LANCE_VEC_H
#define LANCE_VEC_H

#include <sqlite3ext.h>

/* Registers the scalar vector functions on db; returns an SQLite rc. */
int vec_register(sqlite3 *db);

#endif
