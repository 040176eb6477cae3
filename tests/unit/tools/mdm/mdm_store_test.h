/*
 * mdm_store_test.h - what the reference server's store tests share: a
 * fresh store in a temporary directory per test. With $WARDEN_MDM_DB
 * naming a PostgreSQL database (integration/mdm_postgresql sets it), the
 * store is that database, emptied before each test.
 */
#ifndef WARDEN_TESTS_UNIT_TOOLS_MDM_STORE_TEST_H
#define WARDEN_TESTS_UNIT_TOOLS_MDM_STORE_TEST_H

#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/support.h"
#include "tools/mdm/mdm.h"
#include "tools/mdm/mdm_db.h"

struct fixture {
	char dir[512];
	struct mdm_store *st;
};

/* True when the tests run on PostgreSQL. */
static inline bool
store_on_pg(void)
{
	return mdm_db_is_url(mdm_db_spec(""));
}

/* Drops every table of the PostgreSQL database the tests run on. */
static inline int
pg_empty(void)
{
	char err[MDM_ERR_MAX];
	struct mdm_db *db;
	int rc;

	if (mdm_db_open(mdm_db_spec(""), &db, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	rc = mdm_db_exec(db, "DROP SCHEMA public CASCADE; CREATE SCHEMA "
	    "public");
	mdm_db_close(db);
	return rc;
}

static inline int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char path[600], err[MDM_ERR_MAX];

	if (f == NULL || (store_on_pg() && pg_empty() != 0)) {
		free(f);
		return -1;
	}
	snprintf(f->dir, sizeof(f->dir), "%s", test_tmpdir());
	snprintf(path, sizeof(path), "%s/mdm.db", f->dir);
	if (mdm_store_open(path, &f->st, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static inline int
teardown(void **state)
{
	struct fixture *f = *state;

	mdm_store_close(f->st);
	test_rmtree(f->dir);
	free(f);
	return 0;
}

#endif /* WARDEN_TESTS_UNIT_TOOLS_MDM_STORE_TEST_H */
