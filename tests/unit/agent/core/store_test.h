/*
 * store_test.h - what the store's tests share: a temporary state
 * directory per test, a store that must open, and a count query.
 */
#ifndef WARDEN_TESTS_UNIT_AGENT_STORE_TEST_H
#define WARDEN_TESTS_UNIT_AGENT_STORE_TEST_H

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "agent/core/store.h"
#include "tests/unit/support.h"

static inline int
setup(void **state)
{
	*state = strdup(test_tmpdir());
	log_init(true, LOG_LVL_ERR);
	return 0;
}

static inline int
teardown(void **state)
{
	test_rmtree(*state);
	free(*state);
	return 0;
}

static inline struct store *
open_ok(const char *dir)
{
	char err[256];
	struct store *st = store_open(dir, err, sizeof(err));

	if (st == NULL)
		fail_msg("store_open: %s", err);
	return st;
}

/* The first column of the first row of sql, or -1. */
static inline int64_t
count(struct store *st, const char *sql)
{
	sqlite3_stmt *q;
	int64_t n = -1;

	assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL),
	    SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

#endif /* WARDEN_TESTS_UNIT_AGENT_STORE_TEST_H */
