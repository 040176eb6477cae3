/* Tests agent/session/outbox_sender.c: how the outbox is cut into batches, what
 * an acknowledgement or a failure does to the rows, and the sender
 * against a fake binding that refuses everything or one row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/session/server.h"
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

/* ------------------------------------------------------------------ */
/* The sender against a fake binding                                   */
/* ------------------------------------------------------------------ */

/* How the fake server answers. */
struct fake {
	uv_timer_t timer;
	transport_cb cb;
	void *arg;
	int refuse_all;		/* this code to every push and result */
	int refuse_results;	/* this code to every result */
	size_t too_large;	/* 413 to a batch of more rows than this */
	const char *marker;	/* 400 to a push or result containing it */
	bool refuse_kind_report;	/* 400 to a batch with a "report" */
	/* What happened. */
	size_t exchanges, rows_taken, results_taken;
	char last_notice[256];
	/* The reply being delivered. */
	struct transport_reply reply;
	const char *accepted[TRANSPORT_BATCH_MAX];
	char keys[TRANSPORT_BATCH_MAX][TRANSPORT_KEY_MAX + 1];
};

static struct fake fk;

static void
fake_fire(uv_timer_t *t)
{
	struct fake *f = t->data;

	f->cb(f->arg, &f->reply);
}

static void
fake_answer(int code, transport_cb cb, void *arg)
{
	memset(&fk.reply, 0, sizeof(fk.reply));
	fk.reply.code = code;
	if (code != 200) {
		fk.reply.status = TRANSPORT_REFUSED;
		snprintf(fk.reply.why, sizeof(fk.reply.why), "HTTP %d", code);
	}
	fk.cb = cb;
	fk.arg = arg;
	fk.exchanges++;
	uv_timer_start(&fk.timer, fake_fire, 0, 0);
}

static int
fake_push(struct transport *t, const struct transport_item *items, size_t n,
    transport_cb cb, void *arg)
{
	int code = fk.refuse_all;
	size_t i;

	(void)t;
	for (i = 0; i < n && code == 0; i++) {
		if (fk.marker != NULL && strstr(items[i].payload, fk.marker))
			code = 400;
		if (fk.refuse_kind_report && strcmp(items[i].kind, "report") ==
		    0)
			code = 400;
	}
	if (code == 0 && fk.too_large > 0 && n > fk.too_large)
		code = 413;
	fake_answer(code != 0 ? code : 200, cb, arg);
	if (code != 0)
		return 0;
	for (i = 0; i < n; i++) {
		snprintf(fk.keys[i], sizeof(fk.keys[i]), "%s", items[i].key);
		fk.accepted[i] = fk.keys[i];
		if (strstr(items[i].payload, "OUTBOX_DROPPED") != NULL)
			snprintf(fk.last_notice, sizeof(fk.last_notice), "%s",
			    items[i].payload);
		else
			fk.rows_taken++;
	}
	fk.reply.accepted = fk.accepted;
	fk.reply.naccepted = n;
	return 0;
}

static int
fake_result(struct transport *t, const char *id, const char *result,
    transport_cb cb, void *arg)
{
	int code = fk.refuse_all != 0 ? fk.refuse_all : fk.refuse_results;

	(void)t;
	(void)id;
	if (code == 0 && fk.marker != NULL && strstr(result, fk.marker))
		code = 400;
	if (code == 0)
		fk.results_taken++;
	fake_answer(code != 0 ? code : 200, cb, arg);
	return 0;
}

static const struct transport_ops fake_ops = {
	.name = "fake",
	.push_reports = fake_push,
	.send_command_result = fake_result,
};

struct sender {
	uv_loop_t loop;
	struct wardend *d;
	struct server sv;
};

static void
sender_init(struct sender *s, struct store *st)
{
	char err[256];

	memset(&fk, 0, sizeof(fk));
	memset(&s->sv, 0, sizeof(s->sv));
	assert_int_equal(uv_loop_init(&s->loop), 0);
	assert_non_null(s->d = calloc(1, sizeof(*s->d)));
	s->d->loop = &s->loop;
	s->d->store = st;
	s->d->conf.outbox_max = 10000;
	s->sv.d = s->d;
	s->sv.ops = &fake_ops;
	s->sv.t = (struct transport *)&fk;
	s->sv.managed = true;
	s->sv.batch_limit = TRANSPORT_BATCH_MAX;
	assert_non_null(s->sv.batch = calloc(1, sizeof(*s->sv.batch)));
	assert_int_equal(crypto_rng_new("test", &s->sv.rng, err, sizeof(err)),
	    0);
	uv_timer_init(&s->loop, &s->sv.send_timer);
	s->sv.send_timer.data = &s->sv;
	uv_timer_init(&s->loop, &fk.timer);
	fk.timer.data = &fk;
}

static void
sender_free(struct sender *s)
{
	outbox_sender_stop(&s->sv);
	uv_close((uv_handle_t *)&s->sv.send_timer, NULL);
	uv_close((uv_handle_t *)&fk.timer, NULL);
	uv_run(&s->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&s->loop), 0);
	crypto_rng_free(s->sv.rng);
	free(s->sv.batch);
	free(s->d);
}

/* Runs the sender until it is idle (true) or backs off (false); a back-
 * off is cut short, as if its timer had fired. */
static bool
sender_run(struct sender *s)
{
	int guard = 0;

	s->sv.send_waiting = false;
	uv_timer_stop(&s->sv.send_timer);
	outbox_send(&s->sv);
	while (uv_run(&s->loop, UV_RUN_NOWAIT) != 0) {
		if (s->sv.send_waiting)
			return false;
		assert_true(++guard < 100000);
	}
	return !s->sv.send_waiting;
}

static void
add_rows(struct store *st, const char *kind, const char *prefix, int n)
{
	char key[64];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%s-%d", prefix, i);
		add(st, kind, key, 0);
	}
}

static struct store_drops
drops(struct store *st)
{
	struct store_drops dr;

	assert_int_equal(store_outbox_drops(st, &dr), 0);
	return dr;
}

/* 400, 413, 422 to everything: rows kept round after round, few
 * exchanges per round, and everything delivered once the server heals. */
static void
sender_refuse_all(void **state)
{
	static const int codes[] = { 400, 413, 422 };
	struct fix *f = *state;
	struct sender s;
	size_t i, before;
	int round;

	sender_init(&s, f->st);
	add_rows(f->st, "report", "report", 30);
	add_rows(f->st, "event", "event", 5);
	add_rows(f->st, "result", "result-cmd", 3);
	for (i = 0; i < 3; i++) {
		fk.refuse_all = codes[i];
		for (round = 0; round < 4; round++) {
			before = fk.exchanges;
			assert_false(sender_run(&s));
			assert_int_equal(remaining(f->st), 38);
			/* Halvings down to a row, a few rows alone. */
			assert_true(fk.exchanges - before <= 3 * 8);
			assert_string_not_equal(s.sv.last_error, "");
		}
	}
	assert_int_equal(drops(f->st).reports + drops(f->st).results, 0);
	fk.refuse_all = 0;
	assert_true(sender_run(&s));
	assert_int_equal(remaining(f->st), 0);
	assert_int_equal(fk.rows_taken, 35);
	assert_int_equal(fk.results_taken, 3);
	assert_string_equal(fk.last_notice, "");
	sender_free(&s);
}

/* 413 to a batch that is too large: smaller batches, nothing dropped. */
static void
sender_too_large(void **state)
{
	struct fix *f = *state;
	struct sender s;

	sender_init(&s, f->st);
	add_rows(f->st, "report", "report", 40);
	fk.too_large = 3;
	assert_true(sender_run(&s));
	assert_int_equal(remaining(f->st), 0);
	assert_int_equal(fk.rows_taken, 40);
	assert_int_equal(drops(f->st).reports, 0);
	sender_free(&s);
}

/* One report refused among others: only it is dropped, and the server
 * is told; then one command result likewise. */
static void
sender_one_poison(void **state)
{
	struct fix *f = *state;
	struct sender s;

	sender_init(&s, f->st);
	add_rows(f->st, "report", "report", 3);
	add(f->st, "report", "POISON", 0);
	add_rows(f->st, "report", "later", 6);
	fk.marker = "POISON";
	assert_true(sender_run(&s));
	assert_int_equal(remaining(f->st), 0);
	assert_int_equal(fk.rows_taken, 9);
	assert_int_equal(drops(f->st).reports, 1);
	assert_int_equal(drops(f->st).told_reports, 1);
	assert_string_equal(fk.last_notice, "{\"type\":\"OUTBOX_DROPPED\","
	    "\"droppedReports\":1,\"droppedResults\":0}");
	add(f->st, "result", "result-POISON", 0);
	add(f->st, "result", "result-fine", 0);
	assert_true(sender_run(&s));
	assert_int_equal(remaining(f->st), 0);
	assert_int_equal(fk.results_taken, 1);
	assert_int_equal(drops(f->st).results, 1);
	assert_int_equal(drops(f->st).told_results, 1);
	assert_string_equal(fk.last_notice, "{\"type\":\"OUTBOX_DROPPED\","
	    "\"droppedReports\":1,\"droppedResults\":1}");
	sender_free(&s);
}

/* A lone refused row with nothing else to show the server takes rows:
 * kept (back-off) until another row is accepted. */
static void
sender_lone_row_kept(void **state)
{
	struct fix *f = *state;
	struct sender s;

	sender_init(&s, f->st);
	add(f->st, "report", "POISON", 0);
	fk.marker = "POISON";
	assert_false(sender_run(&s));
	assert_false(sender_run(&s));
	assert_int_equal(remaining(f->st), 1);
	add(f->st, "report", "fine", 0);
	assert_true(sender_run(&s));
	assert_int_equal(remaining(f->st), 0);
	assert_int_equal(drops(f->st).reports, 1);
	sender_free(&s);
}

/* A server that refuses every report but takes the notice: the notice
 * is no evidence, no report is dropped. A server that refuses every
 * result while taking reports: results kept. */
static void
sender_notice_no_evidence(void **state)
{
	struct fix *f = *state;
	struct sender s;

	sender_init(&s, f->st);
	assert_int_equal(store_outbox_dropped(f->st, "report", 2), 0);
	add(f->st, "report", "report-0", 0);
	fk.refuse_kind_report = true;
	/* The report refused alone, then the notice alone, taken. */
	assert_false(sender_run(&s));
	assert_false(sender_run(&s));
	assert_int_equal(remaining(f->st), 1);
	assert_int_equal(drops(f->st).reports, 2);
	assert_int_equal(drops(f->st).told_reports, 2);
	fk.refuse_kind_report = false;
	fk.refuse_results = 400;
	add_rows(f->st, "result", "result-cmd", 2);
	assert_false(sender_run(&s));
	assert_false(sender_run(&s));
	assert_int_equal(fk.rows_taken, 1);
	assert_int_equal(remaining(f->st), 2);
	assert_int_equal(drops(f->st).results, 0);
	fk.refuse_results = 0;
	assert_true(sender_run(&s));
	assert_int_equal(remaining(f->st), 0);
	sender_free(&s);
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
		cmocka_unit_test_setup_teardown(sender_refuse_all, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(sender_too_large, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(sender_one_poison, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(sender_lone_row_kept, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(sender_notice_no_evidence,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
