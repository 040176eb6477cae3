/*
 * outbox_sender.c - delivery of the outbox to the server: reports and
 * events in batches, command results one by one, each row deleted only
 * when the server has acknowledged its idempotency key (at-least-once
 * delivery; the keys make the server store each row exactly once).
 *
 * Nothing polls: the sender runs when a row is added
 * (daemon_outbox_kick()), when the session opens, and after a failure
 * when its backoff timer fires. While the server is unreachable the
 * delays grow from 1 s to 5 minutes (backoff.c); the rows stay in SQLite
 * through restarts.
 *
 * A server that refuses a payload (HTTP 400, 413, 422) may be refusing a
 * malformed row or, misconfigured or behind a broken proxy, everything:
 * only a row refused alone while the server demonstrably accepts other
 * rows is dropped (outbox_verdict()); otherwise the sender backs off and
 * keeps every row. Dropped rows are counted in the store and the server
 * is told the totals in an OUTBOX_DROPPED event (outbox_notice_add()).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/session/commands.h"
#include "agent/session/server.h"

#define RESULT_KEY_PREFIX "result-"
#define NOTICE_KEY_PREFIX "outbox-dropped-"

void
outbox_batch_clear(struct outbox_batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		free(b->rows[i].payload);
	memset(b, 0, sizeof(*b));
}

static int
take_row(sqlite3_stmt *q, struct outbox_row *r)
{
	const char *kind = (const char *)sqlite3_column_text(q, 1);
	const char *key = (const char *)sqlite3_column_text(q, 2);
	const char *payload = (const char *)sqlite3_column_text(q, 3);

	r->id = sqlite3_column_int64(q, 0);
	snprintf(r->kind, sizeof(r->kind), "%s", kind != NULL ? kind : "");
	snprintf(r->key, sizeof(r->key), "%s", key != NULL ? key : "");
	r->payload = strdup(payload != NULL ? payload : "");
	return r->payload != NULL ? 0 : -1;
}

int
outbox_batch_load(struct store *st, size_t max, size_t max_bytes,
    int64_t after_report, int64_t after_result, struct outbox_batch *b)
{
	sqlite3_stmt *q;
	size_t bytes = 0, len;
	int rc;

	memset(b, 0, sizeof(*b));
	if (max == 0 || max > TRANSPORT_BATCH_MAX)
		max = TRANSPORT_BATCH_MAX;
	if (sqlite3_prepare_v2(store_db(st), "SELECT id, kind, idem_key, "
	    "payload, length(payload) FROM outbox WHERE kind IN "
	    "('report', 'event') AND id > ? ORDER BY id LIMIT ?", -1, &q,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(q, 1, after_report);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)max);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		len = (size_t)sqlite3_column_int64(q, 4);
		if (b->n > 0 && bytes + len > max_bytes)
			break;
		if (take_row(q, &b->rows[b->n]) != 0)
			goto fail;
		b->n++;
		bytes += len;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(q);
	if (b->n > 0)
		return 0;
	if (sqlite3_prepare_v2(store_db(st), "SELECT id, kind, idem_key, "
	    "payload FROM outbox WHERE kind = 'result' AND id > ? ORDER BY id "
	    "LIMIT 1", -1, &q, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(q, 1, after_result);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (take_row(q, &b->rows[0]) != 0)
			goto fail;
		b->n = 1;
		b->is_result = true;
	} else if (rc != SQLITE_DONE) {
		goto fail;
	}
	sqlite3_finalize(q);
	return 0;
fail:
	sqlite3_finalize(q);
	outbox_batch_clear(b);
	return -1;
}

int
outbox_batch_ack(struct store *st, const struct outbox_batch *b,
    const char *const *accepted, size_t n, size_t *deleted)
{
	sqlite3_stmt *q = NULL;
	size_t i, j;

	*deleted = 0;
	if (store_begin(st) != 0)
		return -1;
	if (sqlite3_prepare_v2(store_db(st), "DELETE FROM outbox WHERE id = ?",
	    -1, &q, NULL) != SQLITE_OK)
		goto fail;
	for (i = 0; i < b->n; i++) {
		for (j = 0; j < n; j++)
			if (strcmp(b->rows[i].key, accepted[j]) == 0)
				break;
		if (j == n)
			continue;
		if (b->rows[i].id == 0) {
			if (store_outbox_drops_told(st, b->notice_reports,
			    b->notice_results) != 0)
				goto fail;
			(*deleted)++;
			continue;
		}
		sqlite3_bind_int64(q, 1, b->rows[i].id);
		if (sqlite3_step(q) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(q);
		(*deleted)++;
	}
	sqlite3_finalize(q);
	if (store_commit(st) != 0) {
		*deleted = 0;
		return -1;
	}
	return 0;
fail:
	sqlite3_finalize(q);
	store_rollback(st);
	*deleted = 0;
	return -1;
}

int
outbox_batch_failed(struct store *st, const struct outbox_batch *b,
    int64_t next_try_at)
{
	sqlite3_stmt *q = NULL;
	size_t i;

	if (store_begin(st) != 0)
		return -1;
	if (sqlite3_prepare_v2(store_db(st), "UPDATE outbox SET attempts = "
	    "attempts + 1, next_try_at = ? WHERE id = ?", -1, &q, NULL) !=
	    SQLITE_OK)
		goto fail;
	for (i = 0; i < b->n; i++) {
		sqlite3_bind_int64(q, 1, next_try_at);
		sqlite3_bind_int64(q, 2, b->rows[i].id);
		if (sqlite3_step(q) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	return store_commit(st);
fail:
	sqlite3_finalize(q);
	store_rollback(st);
	return -1;
}

int
outbox_row_drop(struct store *st, const struct outbox_row *row,
    const char *why)
{
	sqlite3_stmt *q = NULL;
	char detail[SERVER_ERROR_MAX];

	snprintf(detail, sizeof(detail), "%s %s refused: %s", row->kind,
	    row->key, why);
	if (store_begin(st) != 0)
		return -1;
	if (sqlite3_prepare_v2(store_db(st), "DELETE FROM outbox WHERE id = ?",
	    -1, &q, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(q, 1, row->id);
	if (sqlite3_step(q) != SQLITE_DONE)
		goto fail;
	if (sqlite3_changes(store_db(st)) > 0 &&
	    (store_outbox_dropped(st, row->kind, 1) != 0 ||
	    store_event(st, "outbox-dropped", detail) != 0))
		goto fail;
	sqlite3_finalize(q);
	return store_commit(st);
fail:
	sqlite3_finalize(q);
	store_rollback(st);
	return -1;
}

int
outbox_notice_add(struct store *st, struct outbox_batch *b)
{
	struct store_drops dr;
	struct outbox_row *r;
	char payload[160];

	if (b->is_result || b->n >= TRANSPORT_BATCH_MAX)
		return 0;
	if (store_outbox_drops(st, &dr) != 0)
		return -1;
	if (dr.reports <= dr.told_reports && dr.results <= dr.told_results)
		return 0;
	snprintf(payload, sizeof(payload), "{\"type\":\"OUTBOX_DROPPED\","
	    "\"droppedReports\":%" PRId64 ",\"droppedResults\":%" PRId64 "}",
	    dr.reports, dr.results);
	r = &b->rows[b->n];
	memset(r, 0, sizeof(*r));
	if ((r->payload = strdup(payload)) == NULL)
		return -1;
	snprintf(r->kind, sizeof(r->kind), "event");
	/* The key names the totals: sent again after a lost answer, it is
	 * the same notice; new drops make a new one. */
	snprintf(r->key, sizeof(r->key), NOTICE_KEY_PREFIX "%" PRId64 "-%"
	    PRId64, dr.reports, dr.results);
	b->notice_reports = dr.reports;
	b->notice_results = dr.results;
	b->n++;
	return 1;
}

enum outbox_verdict
outbox_verdict(size_t n, size_t accepted, unsigned suspects)
{
	if (n > 1)
		return OUTBOX_SHRINK;
	if (accepted > 0)
		return OUTBOX_DROP;
	if (suspects + 1 < OUTBOX_SUSPECTS_MAX)
		return OUTBOX_SKIP;
	return OUTBOX_BACK_OFF;
}

/* ------------------------------------------------------------------ */
/* The sender                                                          */
/* ------------------------------------------------------------------ */

static void send_next(struct server *sv);

static void
on_send_timer(uv_timer_t *t)
{
	struct server *sv = t->data;

	sv->send_waiting = false;
	sv->send_retry_at = 0;
	send_next(sv);
}

/* Sends again on the next loop iteration (no recursion). */
static void
again_soon(struct server *sv)
{
	uv_timer_start(&sv->send_timer, on_send_timer, 0, 0);
}

/* Ends a round of refusals: nothing kept aside, no evidence carried. */
static void
round_end(struct server *sv)
{
	sv->send_round = false;
	sv->send_taken_reports = sv->send_taken_results = 0;
	sv->send_suspects = 0;
	sv->skip_report = sv->skip_result = 0;
	sv->skip_notice = false;
}

static void
back_off(struct server *sv)
{
	uint64_t ms = backoff_next(sv->rng, &sv->send_attempt);

	round_end(sv);
	sv->notice_refused = false;
	sv->batch_limit = TRANSPORT_BATCH_MAX;
	sv->send_waiting = true;
	sv->send_retry_at = store_now() + (int64_t)((ms + 999) / 1000);
	if (sv->batch->n > 0)
		outbox_batch_failed(sv->d->store, sv->batch, sv->send_retry_at);
	if (sv->batch->n > 0)
		log_info("outbox: %zu row%s not delivered; next attempt in "
		    "%.1f s", sv->batch->n, sv->batch->n == 1 ? "" : "s",
		    (double)ms / 1000.0);
	else
		log_info("outbox: next attempt in %.1f s", (double)ms / 1000.0);
	uv_timer_start(&sv->send_timer, on_send_timer, ms, 0);
}

/* A row the server will never take: dropped loudly rather than blocking
 * everything behind it, and counted for the server. */
static void
poison(struct server *sv, const struct outbox_row *row, const char *why)
{
	log_warnx("outbox: dropping %s %s refused: %s", row->kind, row->key,
	    why);
	if (outbox_row_drop(sv->d->store, row, why) != 0)
		log_warnx("outbox: dropping %s failed", row->key);
}

static bool
payload_refused(const struct transport_reply *r)
{
	return r->status == TRANSPORT_REFUSED && (r->code == 400 ||
	    r->code == 413 || r->code == 422);
}

/* The server took `deleted` rows of the batch, `rows` of them outbox
 * rows (not the notice). */
static void
delivered(struct server *sv, size_t deleted, size_t rows)
{
	struct outbox_batch *b = sv->batch;
	bool aside = sv->skip_report != 0 || sv->skip_result != 0 ||
	    sv->skip_notice;

	sv->send_attempt = 0;
	if (sv->send_round && rows > 0) {
		if (b->is_result)
			sv->send_taken_results += rows;
		else
			sv->send_taken_reports += rows;
		sv->send_suspects = 0;
	}
	if (aside && rows == 0)
		return;		/* only the notice: keep trying past */
	if (aside) {
		/* The server takes rows: back to the rows kept aside, each
		 * alone, to see which of them it refuses. */
		sv->skip_report = sv->skip_result = 0;
		sv->skip_notice = false;
		sv->batch_limit = 1;
		return;
	}
	/* A whole batch of full size taken: whatever was refused before
	 * is behind us. */
	if (sv->send_round && deleted == b->n &&
	    sv->batch_limit >= TRANSPORT_BATCH_MAX)
		round_end(sv);
	sv->batch_limit *= 2;
	if (sv->batch_limit > TRANSPORT_BATCH_MAX)
		sv->batch_limit = TRANSPORT_BATCH_MAX;
}

/* The server refused the batch's payload (400, 413, 422). */
static void
refused(struct server *sv, const char *why)
{
	struct outbox_batch *b = sv->batch;
	const struct outbox_row *row = &b->rows[0];

	size_t *taken = b->is_result ? &sv->send_taken_results :
	    &sv->send_taken_reports;

	if (!sv->send_round) {
		round_end(sv);
		sv->send_round = true;
	}
	switch (outbox_verdict(b->n, *taken, sv->send_suspects)) {
	case OUTBOX_SHRINK:
		/* Halve the batch until a refused row stands alone; for
		 * 413 this is also what makes a batch small enough. */
		sv->batch_limit = b->n / 2;
		again_soon(sv);
		return;
	case OUTBOX_DROP:
		if (row->id == 0) {
			/* The notice itself: nothing to drop; the totals
			 * stay untold (status shows it). */
			log_warnx("outbox: the server refuses the notice of "
			    "dropped rows: %s", why);
			sv->notice_refused = true;
		} else {
			poison(sv, row, why);
		}
		*taken = 0;
		again_soon(sv);
		return;
	case OUTBOX_SKIP:
		sv->send_suspects++;
		if (row->id == 0)
			sv->skip_notice = true;
		else if (b->is_result)
			sv->skip_result = row->id;
		else
			sv->skip_report = row->id;
		sv->batch_limit = TRANSPORT_BATCH_MAX;
		log_info("outbox: %s refused alone (%s); kept, trying the rows "
		    "after it", row->key, why);
		again_soon(sv);
		return;
	case OUTBOX_BACK_OFF:
		server_seterr(sv, "outbox: the server refuses every row "
		    "(%s); all rows kept", why);
		log_warnx("%s", sv->last_error);
		back_off(sv);
		return;
	}
}

/* Whether the server accepted the batch's notice of dropped rows. */
static bool
notice_taken(const struct outbox_batch *b, const struct transport_reply *r)
{
	size_t i;

	if (b->n == 0 || b->rows[b->n - 1].id != 0)
		return false;
	for (i = 0; i < r->naccepted; i++)
		if (strcmp(r->accepted[i], b->rows[b->n - 1].key) == 0)
			return true;
	return false;
}

static void
on_sent(void *arg, const struct transport_reply *r)
{
	struct server *sv = arg;
	struct outbox_batch *b = sv->batch;
	const char *key = b->rows[0].key;
	size_t deleted = 0;

	sv->sending = false;
	if (r->status == TRANSPORT_OK) {
		server_contact(sv);
		if (b->is_result) {
			outbox_batch_ack(sv->d->store, b, &key, 1, &deleted);
			/* A WIPE waits for exactly this. */
			if (deleted > 0)
				commands_result_delivered(sv, key +
				    strlen(RESULT_KEY_PREFIX));
		} else
			outbox_batch_ack(sv->d->store, b, r->accepted,
			    r->naccepted, &deleted);
		log_debug("outbox: %zu of %zu delivered", deleted, b->n);
		if (deleted > 0) {
			delivered(sv, deleted, deleted -
			    (notice_taken(b, r) ? 1 : 0));
			outbox_batch_clear(b);
			again_soon(sv);
			return;
		}
		/* An answer that takes nothing would make us spin. */
		server_seterr(sv, "outbox: the server acknowledged none of "
		    "%zu rows", b->n);
		log_warnx("%s", sv->last_error);
		back_off(sv);
		outbox_batch_clear(b);
		return;
	}
	if (payload_refused(r))
		refused(sv, r->why);
	else {
		server_failed(sv, "delivering the outbox", r,
		    sv->send_attempt == 0);
		back_off(sv);
	}
	outbox_batch_clear(b);
}

/* Loads the next batch: the rows not kept aside, and the notice of
 * dropped rows when it is due and there is room (a batch being halved to
 * isolate a row has none). */
static int
load(struct server *sv)
{
	struct outbox_batch *b = sv->batch;

	if (outbox_batch_load(sv->d->store, sv->batch_limit,
	    SERVER_BATCH_BYTES, sv->skip_report, sv->skip_result, b) != 0)
		return -1;
	if (sv->skip_notice || sv->notice_refused || (b->n > 0 &&
	    !b->is_result && b->n >= sv->batch_limit))
		return 0;
	if (b->is_result) {
		/* The notice goes before the results, on its own. */
		outbox_batch_clear(b);
		if (outbox_notice_add(sv->d->store, b) == 1)
			return 0;
		outbox_batch_clear(b);
		return outbox_batch_load(sv->d->store, sv->batch_limit,
		    SERVER_BATCH_BYTES, sv->skip_report, sv->skip_result, b);
	}
	return outbox_notice_add(sv->d->store, b) < 0 ? -1 : 0;
}

static void
send_next(struct server *sv)
{
	struct transport_item items[TRANSPORT_BATCH_MAX];
	struct outbox_batch *b = sv->batch;
	size_t i;
	int rc;

	if (sv->stopping || !sv->managed || sv->t == NULL || sv->sending ||
	    sv->send_waiting)
		return;
	if (load(sv) != 0) {
		outbox_batch_clear(b);
		log_warnx("outbox: reading the outbox failed");
		return;
	}
	sv->outbox_empty = false;
	if (b->n == 0) {
		if (sv->skip_report == 0 && sv->skip_result == 0 &&
		    !sv->skip_notice) {
			round_end(sv);
			/* Empty as of this many adds: see outbox_may_wait(). */
			sv->outbox_empty = true;
			sv->outbox_empty_adds = store_outbox_adds(sv->d->store);
			return;		/* idle until the next kick */
		}
		/* Rows refused alone, and nothing else to show that the
		 * server takes anything: keep them and try again later. */
		server_seterr(sv, "outbox: the server refuses the rows it was "
		    "sent alone and there is no other row to try; all rows "
		    "kept");
		log_warnx("%s", sv->last_error);
		back_off(sv);
		return;
	}
	if (b->is_result) {
		if (strncmp(b->rows[0].key, RESULT_KEY_PREFIX,
		    strlen(RESULT_KEY_PREFIX)) != 0) {
			poison(sv, &b->rows[0], "not a command result key");
			outbox_batch_clear(b);
			again_soon(sv);
			return;
		}
		rc = sv->ops->send_command_result(sv->t, b->rows[0].key +
		    strlen(RESULT_KEY_PREFIX), b->rows[0].payload, on_sent, sv);
	} else {
		for (i = 0; i < b->n; i++) {
			items[i].key = b->rows[i].key;
			items[i].kind = b->rows[i].kind;
			items[i].payload = b->rows[i].payload;
		}
		rc = sv->ops->push_reports(sv->t, items, b->n, on_sent, sv);
	}
	if (rc != 0) {
		/* A row the binding cannot even encode: its own fault, not
		 * the server's. */
		if (b->n > 1)
			sv->batch_limit = b->n / 2;
		else if (b->rows[0].id == 0)
			sv->notice_refused = true;
		else
			poison(sv, &b->rows[0], "cannot be encoded");
		outbox_batch_clear(b);
		again_soon(sv);
		return;
	}
	sv->sending = true;
}

void
outbox_send(struct server *sv)
{
	if (sv->sending || sv->send_waiting || !sv->managed)
		return;
	again_soon(sv);
}

bool
outbox_may_wait(const struct server *sv)
{
	return !sv->outbox_empty ||
	    store_outbox_adds(sv->d->store) != sv->outbox_empty_adds;
}

bool
outbox_network_up(struct server *sv)
{
	if (!sv->send_waiting)
		return false;
	uv_timer_stop(&sv->send_timer);
	sv->send_waiting = false;
	sv->send_retry_at = 0;
	sv->send_attempt = 0;
	again_soon(sv);
	return true;
}

void
outbox_sender_stop(struct server *sv)
{
	uv_timer_stop(&sv->send_timer);
	sv->outbox_empty = false;
	sv->sending = false;
	sv->send_waiting = false;
	sv->send_retry_at = 0;
	round_end(sv);
	outbox_batch_clear(sv->batch);
}
