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
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/commands.h"
#include "agent/server.h"

#define RESULT_KEY_PREFIX "result-"

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
    struct outbox_batch *b)
{
	sqlite3_stmt *q;
	size_t bytes = 0, len;
	int rc;

	memset(b, 0, sizeof(*b));
	if (max == 0 || max > TRANSPORT_BATCH_MAX)
		max = TRANSPORT_BATCH_MAX;
	if (sqlite3_prepare_v2(store_db(st), "SELECT id, kind, idem_key, "
	    "payload, length(payload) FROM outbox WHERE kind IN "
	    "('report', 'event') ORDER BY id LIMIT ?", -1, &q, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_int64(q, 1, (sqlite3_int64)max);
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
	    "payload FROM outbox WHERE kind = 'result' ORDER BY id LIMIT 1",
	    -1, &q, NULL) != SQLITE_OK)
		return -1;
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
outbox_row_drop(struct store *st, const struct outbox_row *row)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "DELETE FROM outbox WHERE id = %lld",
	    (long long)row->id);
	return store_exec(st, sql);
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

static void
back_off(struct server *sv)
{
	uint64_t ms = backoff_next(sv->rng, &sv->send_attempt);

	sv->send_waiting = true;
	sv->send_retry_at = store_now() + (int64_t)((ms + 999) / 1000);
	if (sv->batch->n > 0)
		outbox_batch_failed(sv->d->store, sv->batch, sv->send_retry_at);
	log_info("outbox: %zu row%s not delivered; next attempt in %.1f s",
	    sv->batch->n, sv->batch->n == 1 ? "" : "s", (double)ms / 1000.0);
	uv_timer_start(&sv->send_timer, on_send_timer, ms, 0);
}

/* A row the server will never take (it says so with a 4xx for this very
 * payload): dropped loudly rather than blocking everything behind it. */
static void
poison(struct server *sv, const struct outbox_row *row, const char *why)
{
	char detail[SERVER_ERROR_MAX];

	snprintf(detail, sizeof(detail), "%s %s refused: %s", row->kind,
	    row->key, why);
	log_warnx("outbox: dropping %s", detail);
	if (outbox_row_drop(sv->d->store, row) == 0)
		store_event(sv->d->store, "outbox-dropped", detail);
}

static bool
payload_refused(const struct transport_reply *r)
{
	return r->status == TRANSPORT_REFUSED && (r->code == 400 ||
	    r->code == 413 || r->code == 422);
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
			sv->send_attempt = 0;
			sv->batch_limit *= 2;
			if (sv->batch_limit > TRANSPORT_BATCH_MAX)
				sv->batch_limit = TRANSPORT_BATCH_MAX;
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
	if (payload_refused(r)) {
		if (b->n > 1) {
			/* Halve the batch until the refused row stands
			 * alone. */
			sv->batch_limit = b->n / 2;
			outbox_batch_clear(b);
			again_soon(sv);
			return;
		}
		poison(sv, &b->rows[0], r->why);
		outbox_batch_clear(b);
		again_soon(sv);
		return;
	}
	server_failed(sv, "delivering the outbox", r, sv->send_attempt == 0);
	back_off(sv);
	outbox_batch_clear(b);
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
	if (outbox_batch_load(sv->d->store, sv->batch_limit,
	    SERVER_BATCH_BYTES, b) != 0) {
		log_warnx("outbox: reading the outbox failed");
		return;
	}
	if (b->n == 0)
		return;		/* idle until the next kick */
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
		/* A row the binding cannot even encode. */
		if (b->n > 1) {
			sv->batch_limit = b->n / 2;
		} else {
			poison(sv, &b->rows[0], "cannot be encoded");
		}
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

void
outbox_sender_stop(struct server *sv)
{
	uv_timer_stop(&sv->send_timer);
	sv->sending = false;
	sv->send_waiting = false;
	sv->send_retry_at = 0;
	outbox_batch_clear(sv->batch);
}
