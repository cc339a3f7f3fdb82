/* store_kit.h: the store for tests - opened or the test fails, and SQL
 * run on its file through a second connection (as another program
 * would). */
#ifndef VG_STORE_KIT_H
#define VG_STORE_KIT_H

#include "store.h"

#include <stdint.h>

/* The temporary data folder sk_setup makes (and sk_teardown removes with
 * what it holds) and the path of vigil.db in it. */
extern char sk_dir[512], sk_db[600];
/* cmocka setup: a fresh temporary data folder in sk_dir; returns 0. */
int sk_setup(void **st);
/* cmocka teardown: removes sk_dir and what it holds; returns 0. */
int sk_teardown(void **st);
/* A test of sk_setup and sk_teardown. */
#define sk_test(fn) cmocka_unit_test_setup_teardown(fn, sk_setup, sk_teardown)

/* Opens (creating or migrating) the database at path and returns it (the
 * caller closes it); fails the test, printing why, when it cannot. */
vg_store_t *sk_open(const char *path);
/* Runs sql on the file at path through a connection of its own; fails the
 * test when it does not succeed. */
void sk_exec(const char *path, const char *sql);
/* Returns the first column of the first row sql answers on the file at
 * path (a connection of its own), or -1 when there is no row. */
int64_t sk_int(const char *path, const char *sql);

#endif
