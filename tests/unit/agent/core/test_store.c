/* Tests agent/core/store.c and store_schema.c. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/agent/core/store_test.h"

static void
fresh_database(void **state)
{
	struct store *st = open_ok(*state);
	enum agent_state s;
	char step[32];

	assert_int_equal(count(st, "SELECT version FROM schema_version"),
	    STORE_SCHEMA_VERSION);
	assert_int_equal(store_get_state(st, &s, step, sizeof(step)), 0);
	assert_int_equal(s, STATE_UNPROVISIONED);
	assert_string_equal(step, "");
	store_close(st);
	/* reopening runs no migration and keeps the data */
	st = open_ok(*state);
	assert_int_equal(count(st, "SELECT count(*) FROM schema_version"), 1);
	store_close(st);
}

static void
state_transitions(void **state)
{
	struct store *st = open_ok(*state);
	enum agent_state s;

	assert_int_equal(store_set_state(st, STATE_PROVISIONING, "qr", false),
	    0);
	assert_int_equal(store_set_step(st, "applying Wi-Fi"), 0);
	/* illegal: refused, nothing changes */
	assert_int_equal(store_set_state(st, STATE_MANAGED, "skip", false), -1);
	assert_int_equal(store_get_state(st, &s, NULL, 0), 0);
	assert_int_equal(s, STATE_PROVISIONING);
	assert_int_equal(count(st, "SELECT count(*) FROM state_history"), 1);
	assert_int_equal(store_set_state(st, STATE_ENROLLING, "done", false),
	    0);
	store_close(st);
	st = open_ok(*state);
	assert_int_equal(store_get_state(st, &s, NULL, 0), 0);
	assert_int_equal(s, STATE_ENROLLING);
	assert_int_equal(count(st, "SELECT count(*) FROM state_history "
	    "WHERE to_state = 'ENROLLING' AND from_state = 'PROVISIONING'"), 1);
	store_close(st);
}

static void
transaction_rollback(void **state)
{
	struct store *st = open_ok(*state);
	enum agent_state s;

	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_set_state(st, STATE_STANDALONE, "local", true),
	    0);
	assert_int_equal(store_kv_set(st, "k", "v"), 0);
	store_rollback(st);
	assert_int_equal(store_get_state(st, &s, NULL, 0), 0);
	assert_int_equal(s, STATE_UNPROVISIONED);
	assert_null(store_kv_get(st, "k"));
	store_close(st);
}

static void
kv(void **state)
{
	struct store *st = open_ok(*state);
	char *v;

	assert_null(store_kv_get(st, "missing"));
	assert_int_equal(store_kv_set(st, "a", "1"), 0);
	assert_int_equal(store_kv_set(st, "a", "2"), 0);
	v = store_kv_get(st, "a");
	assert_string_equal(v, "2");
	free(v);
	assert_int_equal(store_kv_del(st, "a"), 0);
	assert_null(store_kv_get(st, "a"));
	store_close(st);
}

static void
facts_round_trip(void **state)
{
	struct store *st = open_ok(*state);
	struct hal_facts in = { .n = 0 }, out;
	int64_t id1, id2, at;
	const struct hal_fact *f;

	hal_fact_bool(&in, "disk.encrypted", true);
	hal_fact_int(&in, "passcode.length", 6);
	hal_fact_double(&in, "load", 0.25);
	hal_fact_str(&in, HAL_FACT_VERSION, "os.version", "12.8");
	hal_fact_str(&in, HAL_FACT_DATETIME, "os.security_patch", "2026-10-05");
	assert_int_equal(store_facts_save(st, &in, 1000, &id1), 0);
	hal_fact_int(&in, "passcode.length", 4);
	assert_int_equal(store_facts_save(st, &in, 2000, &id2), 0);
	assert_true(id2 > id1);
	assert_int_equal(store_facts_load(st, &out, &at), 0);
	assert_int_equal(at, 2000);
	assert_int_equal(out.n, 5);
	f = hal_fact_find(&out, "passcode.length");
	assert_non_null(f);
	assert_int_equal(f->type, HAL_FACT_INT64);
	assert_int_equal(f->i, 4);
	f = hal_fact_find(&out, "disk.encrypted");
	assert_true(f->type == HAL_FACT_BOOL && f->b);
	f = hal_fact_find(&out, "os.version");
	assert_int_equal(f->type, HAL_FACT_VERSION);
	assert_string_equal(f->s, "12.8");
	f = hal_fact_find(&out, "load");
	assert_true(f->type == HAL_FACT_DOUBLE && f->d == 0.25);
	/* only the last scan's facts are kept */
	assert_int_equal(count(st, "SELECT count(DISTINCT scan_id) FROM facts"),
	    1);
	store_close(st);
}

static void
outbox_bound(void **state)
{
	struct store *st = open_ok(*state);
	char key[32];
	int64_t n;
	int i;

	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "event-%d", i);
		assert_int_equal(store_outbox_add(st, "event", key, "{}", 100),
		    0);
	}
	/* same idempotency key: stored once */
	assert_int_equal(store_outbox_add(st, "event", "event-0", "{}", 100), 0);
	assert_int_equal(store_outbox_count(st, "event", &n), 0);
	assert_int_equal(n, 100);
	for (i = 0; i < 30; i++) {
		snprintf(key, sizeof(key), "report-%d", i);
		assert_int_equal(store_outbox_add(st, "report", key, "{}", 110),
		    0);
	}
	/* over the bound: the oldest reports go, events stay */
	assert_int_equal(store_outbox_count(st, "event", &n), 0);
	assert_int_equal(n, 100);
	assert_int_equal(store_outbox_count(st, "report", &n), 0);
	assert_int_equal(n, 10);
	assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE "
	    "idem_key = 'report-29'"), 1);
	assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE "
	    "idem_key = 'report-0'"), 0);
	store_close(st);
}

/* The bound is checked without counting while the ids span fewer rows
 * than max; a span with holes is counted, and nothing is dropped for it.
 * store_outbox_adds() counts the rows queued, not the repeats. */
static void
outbox_bound_with_holes(void **state)
{
	struct store *st = open_ok(*state);
	char key[32];
	int64_t n;
	int i;

	for (i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "report-%d", i);
		assert_int_equal(store_outbox_add(st, "report", key, "{}", 10),
		    0);
	}
	assert_int_equal(store_outbox_add(st, "report", "report-0", "{}", 10),
	    0);
	assert_int_equal(store_outbox_adds(st), 10);
	/* Delivered: all but the first and the last. */
	assert_int_equal(store_exec(st, "DELETE FROM outbox WHERE id > 1 AND "
	    "id < 10"), 0);
	assert_int_equal(store_outbox_add(st, "report", "report-10", "{}", 10),
	    0);
	assert_int_equal(store_outbox_count(st, "report", &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(count(st, "SELECT count(*) FROM outbox WHERE "
	    "idem_key = 'report-0'"), 1);
	store_close(st);
}

static void
corrupt_database_moved_aside(void **state)
{
	char path[256], err[256];
	struct store *st;
	enum agent_state s;
	struct dirent *de;
	DIR *dir;
	int moved = 0;

	snprintf(path, sizeof(path), "%s/warden.db", (char *)*state);
	assert_int_equal(test_write_file(path, "this is not a database, but "
	    "it is long enough to look like a header of one........\n"), 0);
	st = store_open(*state, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(store_get_state(st, &s, NULL, 0), 0);
	assert_int_equal(s, STATE_UNPROVISIONED);
	store_close(st);
	assert_non_null(dir = opendir(*state));
	while ((de = readdir(dir)) != NULL)
		if (strncmp(de->d_name, "warden.db.corrupt-", 18) == 0)
			moved++;
	closedir(dir);
	assert_int_equal(moved, 1);
}

/* Counts the files of dir whose name starts with prefix. */
static int
files_named(const char *dir, const char *prefix)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

/* Overwrites the last page of the file with 0xff (the header stays). */
static void
damage_last_page(const char *path)
{
	FILE *f = fopen(path, "r+b");
	char junk[4096];
	long size;

	assert_non_null(f);
	memset(junk, 0xff, sizeof(junk));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 8 * 4096);
	assert_int_equal(fseek(f, size - 4096, SEEK_SET), 0);
	assert_int_equal(fwrite(junk, 1, sizeof(junk), f), sizeof(junk));
	fclose(f);
}

/* The full integrity check runs after an unclean stop only: a damaged
 * page goes unnoticed at a start after store_close(), and is caught
 * when the marker of an open store is still there. */
static void
integrity_checked_after_unclean_stop(void **state)
{
	char path[256], marker[272], err[256];
	struct store *st = open_ok(*state);
	int i;

	snprintf(path, sizeof(path), "%s/warden.db", (char *)*state);
	snprintf(marker, sizeof(marker), "%s.open", path);
	assert_int_equal(access(marker, F_OK), 0);
	assert_int_equal(store_exec(st, "BEGIN"), 0);
	for (i = 0; i < 200; i++)
		assert_int_equal(store_event(st, "test", "an event long enough "
		    "to fill pages of the events table quickly ........"), 0);
	assert_int_equal(store_exec(st, "COMMIT"), 0);
	store_close(st);
	assert_int_equal(access(marker, F_OK), -1);
	damage_last_page(path);
	/* Clean stop: no check, the start is quick, nothing moved. */
	st = open_ok(*state);
	store_close(st);
	assert_int_equal(files_named(*state, "warden.db.corrupt-"), 0);
	/* Unclean stop: the whole file is read and the damage found. */
	assert_int_equal(test_write_file(marker, ""), 0);
	st = store_open(*state, err, sizeof(err));
	assert_non_null(st);
	store_close(st);
	assert_int_equal(files_named(*state, "warden.db.corrupt-"), 1);
}

/* A small device's settings are in force on every connection. */
static void
tuned_for_a_small_device(void **state)
{
	struct store *st = open_ok(*state);

	assert_int_equal(count(st, "PRAGMA auto_vacuum"), 2);
	assert_int_equal(count(st, "PRAGMA journal_size_limit"), 1048576);
	assert_int_equal(count(st, "PRAGMA wal_autocheckpoint"), 256);
	assert_int_equal(count(st, "PRAGMA cache_size"), -256);
	assert_int_equal(count(st, "PRAGMA temp_store"), 2);
	store_close(st);
}

/* A database made before incremental auto-vacuum is rebuilt to take it. */
static void
old_database_takes_auto_vacuum(void **state)
{
	char path[256], err[256];
	struct store *st;
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/warden.db", (char *)*state);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE old (x); INSERT INTO "
	    "old VALUES (1)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	st = store_open(*state, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(count(st, "PRAGMA auto_vacuum"), 2);
	assert_int_equal(count(st, "SELECT x FROM old"), 1);
	store_close(st);
}

static void
newer_schema_refused(void **state)
{
	struct store *st = open_ok(*state);
	char err[256];

	assert_int_equal(store_exec(st, "UPDATE schema_version SET version = "
	    "99"), 0);
	store_close(st);
	assert_null(store_open(*state, err, sizeof(err)));
	assert_non_null(strstr(err, "schema version 99 is newer"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(fresh_database, setup, teardown),
		cmocka_unit_test_setup_teardown(state_transitions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(transaction_rollback, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(kv, setup, teardown),
		cmocka_unit_test_setup_teardown(facts_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(outbox_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(outbox_bound_with_holes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(corrupt_database_moved_aside,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(newer_schema_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    integrity_checked_after_unclean_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(tuned_for_a_small_device, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(old_database_takes_auto_vacuum,
		    setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
