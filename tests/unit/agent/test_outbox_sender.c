/* Tests agent/outbox_sender.c: how the outbox is cut into batches, and
 * what an acknowledgement or a failure does to the rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/server.h"
#include "tests/unit/support.h"

struct fix {
	char *dir;
	struct store *st;
};

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	char err[256];

	log_init(true, LOG_LVL_ERR);
	f->dir = strdup(test_tmpdir());
	if ((f->st = store_open(f->dir, err, sizeof(err))) == NULL)
		fail_msg("store_open: %s", err);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	store_close(f->st);
	test_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void
add(struct store *st, const char *kind, const char *key, size_t size)
{
	char *payload = malloc(size + 64);

	assert_non_null(payload);
	snprintf(payload, size + 64, "{\"k\":\"%s\"}", key);
	if (size > strlen(payload)) {
		/* Pad to the wanted size with spaces inside the object. */
		memset(payload + strlen(payload) - 1, ' ',
		    size - strlen(payload));
		strcpy(payload + size - 1, "}");
	}
	assert_int_equal(store_outbox_add(st, kind, key, payload, 100000), 0);
	free(payload);
}

static int64_t
remaining(struct store *st)
{
	int64_t n = -1;

	assert_int_equal(store_outbox_count(st, NULL, &n), 0);
	return n;
}

static void
batches_in_order(void **state)
{
	struct fix *f = *state;
	struct outbox_batch b;
	const char *keys[TRANSPORT_BATCH_MAX];
	char key[32];
	size_t i, deleted, total = 0;
	int round = 0;

	for (i = 0; i < 250; i++) {
		snprintf(key, sizeof(key), "report-%zu", i);
		add(f->st, i % 50 == 7 ? "event" : "report", key, 0);
	}
	add(f->st, "result", "result-cmd-1", 0);
	for (;;) {
		assert_int_equal(outbox_batch_load(f->st, 1000, 1 << 20, 0, 0,
		    &b), 0);
		if (b.is_result)
			break;
		assert_true(b.n > 0 && b.n <= TRANSPORT_BATCH_MAX);
		for (i = 0; i < b.n; i++) {
			snprintf(key, sizeof(key), "report-%zu", total + i);
			assert_string_equal(b.rows[i].key, key);
			if (strstr(b.rows[i].payload, key) == NULL)
				fail_msg("%s: %s", key, b.rows[i].payload);
			keys[i] = b.rows[i].key;
		}
		assert_int_equal(outbox_batch_ack(f->st, &b, keys, b.n,
		    &deleted), 0);
		assert_int_equal(deleted, b.n);
		total += b.n;
		outbox_batch_clear(&b);
		round++;
	}
	assert_int_equal(total, 250);
	assert_int_equal(round, 3);	/* 100 + 100 + 50 */
	/* Then the command result, alone. */
	assert_int_equal(b.n, 1);
	assert_string_equal(b.rows[0].key, "result-cmd-1");
	assert_string_equal(b.rows[0].kind, "result");
	keys[0] = b.rows[0].key;
	assert_int_equal(outbox_batch_ack(f->st, &b, keys, 1, &deleted), 0);
	outbox_batch_clear(&b);
	assert_int_equal(outbox_batch_load(f->st, 100, 1 << 20, 0, 0, &b), 0);
	assert_int_equal(b.n, 0);
	assert_int_equal(remaining(f->st), 0);
}

static void
byte_bound(void **state)
{
	struct fix *f = *state;
	struct outbox_batch b;
	char key[32];
	size_t i;

	for (i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "big-%zu", i);
		add(f->st, "report", key, 300 * 1024);
	}
	/* 768 KiB holds two 300 KiB payloads, not three. */
	assert_int_equal(outbox_batch_load(f->st, 100, SERVER_BATCH_BYTES, 0,
	    0, &b), 0);
	assert_int_equal(b.n, 2);
	outbox_batch_clear(&b);
	/* A single row larger than the bound still goes, alone. */
	assert_int_equal(outbox_batch_load(f->st, 100, 1000, 0, 0, &b), 0);
	assert_int_equal(b.n, 1);
	assert_string_equal(b.rows[0].key, "big-0");
	outbox_batch_clear(&b);
	/* The count limit. */
	assert_int_equal(outbox_batch_load(f->st, 3, 1 << 30, 0, 0, &b), 0);
	assert_int_equal(b.n, 3);
	outbox_batch_clear(&b);
}

static void
partial_ack_and_failure(void **state)
{
	struct fix *f = *state;
	struct outbox_batch b;
	const char *accepted[] = { "r-1", "r-3", "not-sent" };
	size_t deleted;
	sqlite3_stmt *q;

	add(f->st, "report", "r-0", 0);
	add(f->st, "report", "r-1", 0);
	add(f->st, "event", "r-2", 0);
	add(f->st, "report", "r-3", 0);
	assert_int_equal(outbox_batch_load(f->st, 100, 1 << 20, 0, 0, &b), 0);
	assert_int_equal(b.n, 4);
	assert_int_equal(outbox_batch_failed(f->st, &b, 12345), 0);
	assert_int_equal(outbox_batch_failed(f->st, &b, 23456), 0);
	assert_int_equal(sqlite3_prepare_v2(store_db(f->st), "SELECT "
	    "min(attempts), max(attempts), min(next_try_at) FROM outbox", -1,
	    &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 2);
	assert_int_equal(sqlite3_column_int(q, 1), 2);
	assert_int_equal(sqlite3_column_int64(q, 2), 23456);
	sqlite3_finalize(q);
	/* Only the keys the server names are deleted. */
	assert_int_equal(outbox_batch_ack(f->st, &b, accepted, 3, &deleted),
	    0);
	assert_int_equal(deleted, 2);
	outbox_batch_clear(&b);
	assert_int_equal(outbox_batch_load(f->st, 100, 1 << 20, 0, 0, &b), 0);
	assert_int_equal(b.n, 2);
	assert_string_equal(b.rows[0].key, "r-0");
	assert_string_equal(b.rows[1].key, "r-2");
	assert_string_equal(b.rows[1].kind, "event");
	/* A row dropped for good. */
	assert_int_equal(outbox_row_drop(f->st, &b.rows[0], "HTTP 400 bad"),
	    0);
	outbox_batch_clear(&b);
	assert_int_equal(remaining(f->st), 1);
	/* An acknowledgement of nothing deletes nothing. */
	assert_int_equal(outbox_batch_load(f->st, 100, 1 << 20, 0, 0, &b), 0);
	assert_int_equal(outbox_batch_ack(f->st, &b, NULL, 0, &deleted), 0);
	assert_int_equal(deleted, 0);
	outbox_batch_clear(&b);
	assert_int_equal(remaining(f->st), 1);
}

/* The decision, alone: shrink, drop, keep aside, back off. */
static void
verdict_rule(void **state)
{
	(void)state;
	/* A batch is halved first, whatever the evidence. */
	assert_int_equal(outbox_verdict(100, 0, 0), OUTBOX_SHRINK);
	assert_int_equal(outbox_verdict(2, 5, 0), OUTBOX_SHRINK);
	/* Alone and refused while the server took other rows: poison. */
	assert_int_equal(outbox_verdict(1, 1, 0), OUTBOX_DROP);
	assert_int_equal(outbox_verdict(1, 42, 0), OUTBOX_DROP);
	/* Alone, refused, nothing accepted: kept; the next rows tell. */
	assert_int_equal(outbox_verdict(1, 0, 0), OUTBOX_SKIP);
	assert_int_equal(outbox_verdict(1, 0, OUTBOX_SUSPECTS_MAX - 2),
	    OUTBOX_SKIP);
	/* Enough single rows refused with nothing accepted: the server. */
	assert_int_equal(outbox_verdict(1, 0, OUTBOX_SUSPECTS_MAX - 1),
	    OUTBOX_BACK_OFF);
	assert_int_equal(outbox_verdict(1, 0, 1000), OUTBOX_BACK_OFF);
}

/* Rows kept aside are skipped by id; results after reports. */
static void
load_after(void **state)
{
	struct fix *f = *state;
	struct outbox_batch b;

	add(f->st, "report", "r-0", 0);
	add(f->st, "result", "result-a", 0);
	add(f->st, "event", "r-1", 0);
	add(f->st, "result", "result-b", 0);
	assert_int_equal(outbox_batch_load(f->st, 100, 1 << 20, 1, 0, &b), 0);
	assert_int_equal(b.n, 1);
	assert_string_equal(b.rows[0].key, "r-1");
	outbox_batch_clear(&b);
	/* Past every report: the oldest result after the result cursor. */
	assert_int_equal(outbox_batch_load(f->st, 100, 1 << 20, 3, 0, &b), 0);
	assert_true(b.is_result);
	assert_string_equal(b.rows[0].key, "result-a");
	outbox_batch_clear(&b);
	assert_int_equal(outbox_batch_load(f->st, 100, 1 << 20, 3, 2, &b), 0);
	assert_string_equal(b.rows[0].key, "result-b");
	outbox_batch_clear(&b);
	assert_int_equal(outbox_batch_load(f->st, 100, 1 << 20, 3, 4, &b), 0);
	assert_int_equal(b.n, 0);
}

/* Dropped rows are counted, the server told the totals once, and the
 * counts survive a reopening of the store. */
static void
drops_counted_and_told(void **state)
{
	struct fix *f = *state;
	struct outbox_batch b;
	struct store_drops dr;
	const char *keys[1];
	size_t deleted;
	char err[256];
	int i;

	add(f->st, "report", "r-0", 0);
	add(f->st, "result", "result-x", 0);
	assert_int_equal(outbox_batch_load(f->st, 100, 1 << 20, 0, 0, &b), 0);
	/* Nothing dropped: no notice. */
	assert_int_equal(outbox_notice_add(f->st, &b), 0);
	assert_int_equal(b.n, 1);
	assert_int_equal(outbox_row_drop(f->st, &b.rows[0], "HTTP 422 x"), 0);
	outbox_batch_clear(&b);
	assert_int_equal(outbox_batch_load(f->st, 100, 1 << 20, 0, 0, &b), 0);
	assert_true(b.is_result);
	assert_int_equal(outbox_row_drop(f->st, &b.rows[0], "HTTP 400 y"), 0);
	outbox_batch_clear(&b);
	assert_int_equal(remaining(f->st), 0);
	/* The outbox cap counts what it pushes out. */
	for (i = 0; i < 103; i++) {
		char key[16];

		snprintf(key, sizeof(key), "c-%d", i);
		add(f->st, "report", key, 0);
	}
	assert_int_equal(store_outbox_add(f->st, "report", "c-103", "{}", 100),
	    0);
	assert_int_equal(remaining(f->st), 100);
	store_close(f->st);
	assert_non_null(f->st = store_open(f->dir, err, sizeof(err)));
	assert_int_equal(store_outbox_drops(f->st, &dr), 0);
	assert_int_equal(dr.reports, 1 + 4);
	assert_int_equal(dr.results, 1);
	assert_int_equal(dr.told_reports, 0);
	/* The notice rides last in a report batch, keyed by the totals. */
	assert_int_equal(outbox_batch_load(f->st, 1, 1 << 20, 0, 0, &b), 0);
	assert_int_equal(outbox_notice_add(f->st, &b), 1);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.rows[1].id, 0);
	assert_string_equal(b.rows[1].kind, "event");
	assert_string_equal(b.rows[1].key, "outbox-dropped-5-1");
	assert_string_equal(b.rows[1].payload, "{\"type\":\"OUTBOX_DROPPED\","
	    "\"droppedReports\":5,\"droppedResults\":1}");
	/* The server has the row but not the notice: still due. */
	keys[0] = b.rows[0].key;
	assert_int_equal(outbox_batch_ack(f->st, &b, keys, 1, &deleted), 0);
	assert_int_equal(deleted, 1);
	assert_int_equal(store_outbox_drops(f->st, &dr), 0);
	assert_int_equal(dr.told_reports, 0);
	keys[0] = b.rows[1].key;
	assert_int_equal(outbox_batch_ack(f->st, &b, keys, 1, &deleted), 0);
	assert_int_equal(deleted, 1);
	outbox_batch_clear(&b);
	assert_int_equal(store_outbox_drops(f->st, &dr), 0);
	assert_int_equal(dr.told_reports, 5);
	assert_int_equal(dr.told_results, 1);
	assert_int_equal(outbox_batch_load(f->st, 100, 1 << 20, 0, 0, &b), 0);
	assert_int_equal(outbox_notice_add(f->st, &b), 0);
	outbox_batch_clear(&b);
	/* A later drop makes a new notice with the new totals. */
	assert_int_equal(store_outbox_dropped(f->st, "event", 2), 0);
	assert_int_equal(outbox_notice_add(f->st, &b), 1);
	assert_string_equal(b.rows[0].key, "outbox-dropped-7-1");
	outbox_batch_clear(&b);
	/* Never on a command result's exchange. */
	b.is_result = true;
	b.n = 0;
	assert_int_equal(outbox_notice_add(f->st, &b), 0);
	assert_int_equal(b.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(batches_in_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(byte_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(partial_ack_and_failure, setup,
		    teardown),
		cmocka_unit_test(verdict_rule),
		cmocka_unit_test_setup_teardown(load_after, setup, teardown),
		cmocka_unit_test_setup_teardown(drops_counted_and_told, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
