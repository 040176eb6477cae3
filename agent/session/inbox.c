/*
 * inbox.c - commands from the server: a long poll that is restarted as
 * soon as it answers (so a command reaches an idle device within a
 * second of being queued), and the inbox table (each command stored once,
 * with its expiry). Each command is marked "running" in a committed
 * transaction, then executed by the command engine (commands.h); an
 * expired one is answered EXPIRED and never run: the server always gets
 * a result, through the outbox.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/session/commands.h"
#include "agent/session/server.h"
#include "agent/core/core.h"

/* Executed commands are kept this long after they expire, so that one
 * delivered twice is recognised. */
#define INBOX_KEEP (24 * 3600)
/* A signed one is kept this long after it was answered: a signature
 * valid then expires at most COMMANDS_SIGNED_SKEW +
 * COMMANDS_SIGNED_LIFETIME_MAX later, so the row outlives every copy
 * of the command that could still pass the check; once it is gone, a
 * copy delivered again is answered EXPIRED. */
#define INBOX_KEEP_SIGNED (COMMANDS_SIGNED_SKEW + \
    COMMANDS_SIGNED_LIFETIME_MAX + INBOX_KEEP)

static void poll_now(struct server *sv);
static void run_pending(struct server *sv, bool resume);

static void
on_poll_timer(uv_timer_t *t)
{
	poll_now(t->data);
}

static void
poll_later(struct server *sv, uint64_t ms)
{
	if (!sv->stopping)
		uv_timer_start(&sv->poll_timer, on_poll_timer, ms, 0);
}

/* Two params texts as the same JSON object. */
static bool
same_params(const char *a, const char *b)
{
	cJSON *x = cJSON_Parse(a), *y = cJSON_Parse(b);
	bool same = x != NULL && y != NULL && cJSON_Compare(x, y, true);

	cJSON_Delete(x);
	cJSON_Delete(y);
	return same;
}

/* A stored signature (as received, or its digest once scrubbed) and
 * one received now. */
static bool
same_signature(const char *stored, const char *sig)
{
	char digest[COMMANDS_DIGEST_LEN];

	if (stored == NULL || sig == NULL)
		return stored == sig;
	if (strncmp(stored, "sha256:", 7) == 0) {
		commands_signature_digest(sig, digest);
		return strcmp(stored, digest) == 0;
	}
	return strcmp(stored, sig) == 0;
}

/* True while the result of command id waits in the outbox. */
static bool
result_queued(struct store *st, const char *id)
{
	char key[TRANSPORT_CMD_ID_MAX + 16];
	sqlite3_stmt *q;
	bool queued = true;

	snprintf(key, sizeof(key), "result-%s", id);
	if (sqlite3_prepare_v2(store_db(st), "SELECT 1 FROM outbox WHERE "
	    "idem_key = ?", -1, &q, NULL) != SQLITE_OK)
		return true;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	queued = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	return queued;
}

/*
 * Command c arrived with an id the inbox holds already. The server sends
 * a command again while it has no result for it: that is normal. The
 * same command again after the server acknowledged its result is a
 * replay, and another command under a used id is refused: neither runs,
 * both are reported.
 */
static void
seen_before(struct server *sv, const struct transport_command *c)
{
	struct store *st = sv->d->store;
	const char *type, *params, *sig, *status;
	bool same, done;
	sqlite3_stmt *q;

	if (sqlite3_prepare_v2(store_db(st), "SELECT type, params, "
	    "signature, status FROM inbox WHERE id = ?", -1, &q, NULL) !=
	    SQLITE_OK)
		return;
	sqlite3_bind_text(q, 1, c->id, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return;
	}
	type = (const char *)sqlite3_column_text(q, 0);
	params = (const char *)sqlite3_column_text(q, 1);
	sig = (const char *)sqlite3_column_text(q, 2);
	status = (const char *)sqlite3_column_text(q, 3);
	done = strcmp(status, "done") == 0;
	/* A RESET_PASSWORD's params are scrubbed once it has started. */
	same = strcmp(type, c->type) == 0 &&
	    same_signature(sig, c->signature) &&
	    ((strcmp(type, "RESET_PASSWORD") == 0 &&
	    strcmp(status, "received") != 0) || same_params(params, c->params));
	sqlite3_finalize(q);
	if (!same) {
		log_warnx("command %s: the id of an earlier command, with "
		    "another type, params or signature; refused", c->id);
		commands_event(sv, "command-id-reused", c->id, c->type,
		    "the id of an earlier command with another type, params "
		    "or signature; not run");
	} else if (done && !result_queued(st, c->id)) {
		log_warnx("command %s: %s delivered again after the server "
		    "acknowledged its result; not run again", c->id, c->type);
		commands_event(sv, "command-replayed", c->id, c->type,
		    "delivered again after its result was acknowledged; not "
		    "run again");
	}
}

/* Stores the commands not seen before; returns how many were new. */
static int
store_commands(struct server *sv, const struct transport_command *c,
    size_t n)
{
	struct store *st = sv->d->store;
	int64_t now = store_now(), created;
	bool seen[TRANSPORT_COMMANDS_MAX];
	sqlite3_stmt *q = NULL;
	int added = 0;
	size_t i;

	if (n > TRANSPORT_COMMANDS_MAX)
		n = TRANSPORT_COMMANDS_MAX;
	if (store_begin(st) != 0)
		return -1;
	if (sqlite3_prepare_v2(store_db(st), "INSERT INTO inbox (id, type, "
	    "params, created_at, expires_at, signature) VALUES (?, ?, ?, ?, "
	    "?, ?) ON CONFLICT(id) DO NOTHING", -1, &q, NULL) != SQLITE_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		/* A creation time ahead of this clock counts from now. */
		created = c[i].create_time > 0 && c[i].create_time <= now ?
		    c[i].create_time : now;
		sqlite3_bind_text(q, 1, c[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, c[i].type, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, c[i].params, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 4, created);
		sqlite3_bind_int64(q, 5, created + c[i].duration);
		if (c[i].signature != NULL)
			sqlite3_bind_text(q, 6, c[i].signature, -1,
			    SQLITE_STATIC);
		else
			sqlite3_bind_null(q, 6);
		if (sqlite3_step(q) != SQLITE_DONE)
			goto fail;
		seen[i] = sqlite3_changes(store_db(st)) == 0;
		if (!seen[i]) {
			added++;
			log_info("command %s: %s received", c[i].id, c[i].type);
		}
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	q = NULL;
	if (sqlite3_prepare_v2(store_db(st), "DELETE FROM inbox WHERE status "
	    "= 'done' AND expires_at < ? AND (signature IS NULL OR "
	    "COALESCE(attempted_at, 0) < ?)", -1, &q, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(q, 1, now - INBOX_KEEP);
	sqlite3_bind_int64(q, 2, now - INBOX_KEEP_SIGNED);
	if (sqlite3_step(q) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(q);
	if (store_commit(st) != 0)
		return -1;
	test_hooks_kill_at("received");
	for (i = 0; i < n; i++)
		if (seen[i])
			seen_before(sv, &c[i]);
	return added;
fail:
	sqlite3_finalize(q);
	store_rollback(st);
	return -1;
}

static void
on_commands(void *arg, const struct transport_reply *r)
{
	struct server *sv = arg;

	sv->polling = false;
	if (r->status != TRANSPORT_OK) {
		server_failed(sv, "receiving commands", r,
		    !sv->poll_error_logged);
		sv->poll_error_logged = true;
		poll_later(sv, backoff_next(sv->rng, &sv->poll_attempt));
		return;
	}
	server_contact(sv);
	sv->poll_attempt = 0;
	sv->poll_error_logged = false;
	/* An empty answer touches nothing: the store is read only when
	 * commands came, or when rows may wait (outbox_may_wait()). */
	if (r->ncommands > 0) {
		if (store_commands(sv, r->commands, r->ncommands) < 0)
			log_warnx("commands: storing %zu received commands "
			    "failed; the server will send them again",
			    r->ncommands);
		run_pending(sv, false);
	}
	/* The poll's answer is also a chance to send rows that were queued
	 * without a kick. */
	if (outbox_may_wait(sv))
		outbox_send(sv);
	poll_later(sv, 0);
}

static void
poll_now(struct server *sv)
{
	if (sv->stopping || !sv->managed || sv->t == NULL || sv->polling)
		return;
	if (sv->ops->receive_commands(sv->t, sv->poll_wait, on_commands,
	    sv) != 0) {
		log_warnx("commands: cannot start the long poll");
		poll_later(sv, backoff_next(sv->rng, &sv->poll_attempt));
		return;
	}
	sv->polling = true;
}

void
inbox_finish(struct server *sv, const char *id, const char *status,
    const char *error_code, const char *message)
{
	inbox_finish_with(sv, id, status, error_code, message, NULL, NULL);
}

int
inbox_finish_with(struct server *sv, const char *id, const char *status,
    const char *error_code, const char *message, cJSON *result,
    const char *after_ack)
{
	struct store *st = sv->d->store;
	char key[TRANSPORT_CMD_ID_MAX + 16];
	sqlite3_stmt *q = NULL;
	cJSON *o, *res, *item;
	char *json;
	int rc = -1;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", status);
	if (error_code != NULL)
		cJSON_AddStringToObject(o, "errorCode", error_code);
	if (message != NULL || result != NULL) {
		res = cJSON_AddObjectToObject(o, "result");
		if (message != NULL)
			cJSON_AddStringToObject(res, "message", message);
		while (result != NULL && (item = result->child) != NULL)
			cJSON_AddItemToObject(res, item->string,
			    cJSON_DetachItemViaPointer(result, item));
	}
	cJSON_Delete(result);
	json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (json == NULL || store_begin(st) != 0)
		goto out;
	if (sqlite3_prepare_v2(store_db(st), "UPDATE inbox SET status = "
	    "'done', attempted_at = ?, result = ? WHERE id = ? AND status != "
	    "'done'", -1, &q, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(q, 1, store_now());
	sqlite3_bind_text(q, 2, json, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, id, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		goto fail;
	snprintf(key, sizeof(key), "result-%s", id);
	/* Finished already (a restart in between): the result is queued. */
	if (sqlite3_changes(store_db(st)) > 0 && (store_outbox_add(st,
	    "result", key, json, sv->d->conf.outbox_max) != 0 ||
	    (after_ack != NULL && store_kv_set(st, COMMANDS_AFTER_ACK_KEY,
	    after_ack) != 0)))
		goto fail;
	sqlite3_finalize(q);
	if (store_commit(st) != 0)
		goto out;
	test_hooks_kill_at("result");
	log_info("command %s: %s%s%s", id, status, message != NULL ? ": " :
	    "", message != NULL ? message : "");
	outbox_send(sv);
	rc = 0;
	goto out;
fail:
	sqlite3_finalize(q);
	store_rollback(st);
	log_warnx("command %s: storing its result failed", id);
out:
	free(json);
	return rc;
}

/* Executes the commands waiting in the inbox, oldest first. `resume`:
 * also those that were running when the agent stopped. */
static void
run_pending(struct server *sv, bool resume)
{
	struct store *st = sv->d->store;
	struct pend {
		char id[TRANSPORT_CMD_ID_MAX + 1];
		char type[TRANSPORT_CMD_TYPE_MAX + 1];
		int64_t expires_at;
		bool running;
		char *params;
		char *signature;	/* NULL when unsigned */
	} *p = NULL;
	size_t n = 0, cap = 0, i;
	sqlite3_stmt *q;
	int64_t now = store_now();

	if (sqlite3_prepare_v2(store_db(st), resume ?
	    "SELECT id, type, expires_at, status, params, signature FROM "
	    "inbox WHERE status IN ('received', 'running') ORDER BY "
	    "created_at, rowid" :
	    "SELECT id, type, expires_at, status, params, signature FROM "
	    "inbox WHERE status = 'received' ORDER BY created_at, rowid", -1, &q, NULL) !=
	    SQLITE_OK)
		return;
	while (sqlite3_step(q) == SQLITE_ROW) {
		if (n == cap) {
			void *np = reallocarray(p, cap = cap ? cap * 2 : 8,
			    sizeof(*p));
			if (np == NULL)
				break;
			p = np;
		}
		snprintf(p[n].id, sizeof(p[n].id), "%s",
		    (const char *)sqlite3_column_text(q, 0));
		snprintf(p[n].type, sizeof(p[n].type), "%s",
		    (const char *)sqlite3_column_text(q, 1));
		p[n].expires_at = sqlite3_column_int64(q, 2);
		p[n].running = strcmp((const char *)sqlite3_column_text(q, 3),
		    "running") == 0;
		p[n].params = strdup((const char *)sqlite3_column_text(q, 4));
		p[n].signature = sqlite3_column_type(q, 5) == SQLITE_TEXT ?
		    strdup((const char *)sqlite3_column_text(q, 5)) : NULL;
		n++;
	}
	sqlite3_finalize(q);
	for (i = 0; i < n; i++) {
		if (p[i].running) {
			/* Attempted before a crash: the engine's rule. */
			commands_resume(sv, p[i].id, p[i].type, p[i].params,
			    now > p[i].expires_at);
			continue;
		}
		if (now > p[i].expires_at) {
			inbox_finish(sv, p[i].id, "EXPIRED", NULL,
			    "expired before it could be executed");
			continue;
		}
		/* Refused or expired by its signature: answered there. */
		if (commands_signature_admit(sv, p[i].id, p[i].type,
		    p[i].params, p[i].signature) != 0)
			continue;
		if (sqlite3_prepare_v2(store_db(st), "UPDATE inbox SET status "
		    "= 'running', attempted_at = ? WHERE id = ?", -1, &q,
		    NULL) != SQLITE_OK)
			continue;
		sqlite3_bind_int64(q, 1, now);
		sqlite3_bind_text(q, 2, p[i].id, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE) {
			sqlite3_finalize(q);
			continue;
		}
		sqlite3_finalize(q);
		commands_execute(sv, p[i].id, p[i].type, p[i].params);
	}
	for (i = 0; i < n; i++) {
		free(p[i].params);
		free(p[i].signature);
	}
	free(p);
}

void
inbox_start(struct server *sv)
{
	/* Rows left "running" by the previous process are resumed once;
	 * a reconnect later (a renewal) must not take the commands now in
	 * flight for interrupted ones. */
	run_pending(sv, !sv->inbox_resumed);
	sv->inbox_resumed = true;
	commands_session_open(sv);
	poll_now(sv);
}

bool
inbox_network_up(struct server *sv)
{
	if (sv->polling || sv->poll_attempt == 0)
		return false;
	uv_timer_stop(&sv->poll_timer);
	sv->poll_attempt = 0;
	poll_now(sv);
	return true;
}

void
inbox_stop(struct server *sv)
{
	uv_timer_stop(&sv->poll_timer);
	sv->polling = false;
}
