/* Tests agent/core/store_hygiene.c: the bounded tables, the space given back
 * after a backlog, and the WAL's bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "tests/unit/agent/core/store_test.h"

static off_t
file_size(const char *dir, const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 ? st.st_size : 0;
}

/* Every scan prunes: the scans, events and state history stay bounded,
 * the newest rows stay. */
static void
tables_bounded(void **state)
{
	struct store *st = open_ok(*state);
	struct hal_facts fs = { .n = 0 };
	int64_t id = 0;
	int i;

	hal_fact_bool(&fs, "disk.encrypted", true);
	assert_int_equal(store_exec(st, "BEGIN"), 0);
	for (i = 0; i < STORE_EVENTS_KEEP + 500; i++)
		assert_int_equal(store_event(st, "test", "x"), 0);
	assert_int_equal(store_exec(st, "COMMIT"), 0);
	for (i = 0; i < STORE_SCANS_KEEP * 3; i++)
		assert_int_equal(store_facts_save(st, &fs, 1000 + i, &id), 0);
	assert_int_equal(count(st, "SELECT count(*) FROM scans"),
	    STORE_SCANS_KEEP);
	assert_int_equal(count(st, "SELECT max(id) FROM scans"), id);
	/* The facts still join their scan. */
	assert_int_equal(count(st, "SELECT count(*) FROM facts f JOIN scans s "
	    "ON s.id = f.scan_id"), 1);
	assert_int_equal(count(st, "SELECT count(*) FROM events"),
	    STORE_EVENTS_KEEP);
	assert_int_equal(count(st, "SELECT max(id) FROM events"),
	    STORE_EVENTS_KEEP + 500);
	store_close(st);
}

/* A backlog of 5 MB that is delivered (deleted) gives its pages back
 * once reclaimed; a little free space is left alone. */
static void
space_returned_after_backlog(void **state)
{
	struct store *st = open_ok(*state);
	off_t full, after;

	assert_int_equal(store_exec(st, "WITH RECURSIVE n(i) AS (SELECT 1 "
	    "UNION ALL SELECT i + 1 FROM n WHERE i < 5000) INSERT INTO outbox "
	    "(kind, idem_key, payload, created_at) SELECT 'report', "
	    "'k' || i, hex(randomblob(512)), 0 FROM n"), 0);
	assert_int_equal(store_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)"), 0);
	full = file_size(*state, "warden.db");
	assert_true(full > 5 * 1024 * 1024);
	assert_int_equal(store_exec(st, "DELETE FROM outbox WHERE id > 10"),
	    0);
	assert_int_equal(store_reclaim(st), 0);
	assert_int_equal(store_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)"), 0);
	after = file_size(*state, "warden.db");
	assert_true(after < full / 10);
	assert_int_equal(count(st, "PRAGMA freelist_count"), 0);
	/* A few free pages: not worth a vacuum. */
	assert_int_equal(store_exec(st, "DELETE FROM outbox WHERE id > 5"), 0);
	assert_int_equal(store_reclaim(st), 0);
	assert_true(count(st, "PRAGMA freelist_count") <
	    STORE_RECLAIM_MIN_PAGES);
	store_close(st);
}

/* Many small transactions: the WAL is checkpointed and cut back, and
 * never passes its bound by more than a checkpoint's worth. */
static void
wal_bounded(void **state)
{
	struct store *st = open_ok(*state);
	off_t most = 0, now;
	char key[32];
	int i;

	for (i = 0; i < 1200; i++) {
		snprintf(key, sizeof(key), "k%d", i % 50);
		assert_int_equal(store_kv_set(st, key, "a value of some length "
		    "that is rewritten again and again ............."), 0);
		if ((now = file_size(*state, "warden.db-wal")) > most)
			most = now;
	}
	assert_true(most > 0);
	assert_true(most <= 1024 * 1024 + 64 * 1024);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(tables_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(space_returned_after_backlog,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(wal_bounded, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
