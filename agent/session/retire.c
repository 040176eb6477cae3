/*
 * retire.c - the device leaves management (retire.h): tell the server,
 * restore what warden changed, forget the enrollment. Each step is
 * recorded in the store before it starts, so a crash resumes the retire
 * instead of leaving a device half managed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/policy/policy.h"
#include "agent/session/commands.h"
#include "agent/session/retire.h"
#include "agent/session/server.h"
#include "agent/core/core.h"
#include "agent/session/lwm2m_session.h"

struct retire {
	struct wardend *d;
	struct ctl_conn *conn;
	enum retire_origin origin;
	char why[128];
	bool server_told;
	bool had_server;	/* MANAGED: a server knows the device */
	bool waiting;		/* the timer runs: a retry of the tell */
	bool in_job;		/* a HAL job holds this retire */
	bool stopped;		/* the agent stops: free after the job */
	unsigned attempt;
	uv_timer_t timer;
};

static const char *const origin_names[] = {
	[RETIRE_LOCAL] = "local",
	[RETIRE_LOCAL_FORCED] = "forced",
	[RETIRE_SERVER] = "server",
};

/* The enrollment row goes as a whole: device id, certificate, CA and the
 * server's command key. These kv keys go with it. */
static const char *const forgotten_kv[] = { "device_key_file", "device_cn",
    "mode", "policy_etag", "poll_wait", "last_contact_at", "enroll_error",
    COMMANDS_LOST_MODE_KEY, COMMANDS_AFTER_ACK_KEY,
    COMMANDS_WIPE_PENDING_KEY, RETIRE_KEY, STORE_KV_DROPPED_REPORTS,
    STORE_KV_DROPPED_RESULTS, STORE_KV_TOLD_REPORTS, STORE_KV_TOLD_RESULTS,
    "lwm2m_security", "lwm2m_server", "lwm2m_endpoint", NULL };

static void tell(struct retire *r);

/* ------------------------------------------------------------------ */
/* The record of a retire under way                                    */
/* ------------------------------------------------------------------ */

static int
record(struct wardend *d, const char *stage, enum retire_origin origin,
    const char *why)
{
	cJSON *o = cJSON_CreateObject();
	char *text;
	int rc;

	cJSON_AddStringToObject(o, "stage", stage);
	cJSON_AddStringToObject(o, "origin", origin_names[origin]);
	cJSON_AddStringToObject(o, "why", why);
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (text == NULL)
		fatal("cJSON_PrintUnformatted");
	rc = store_kv_set(d->store, RETIRE_KEY, text);
	free(text);
	return rc;
}

/* Reads the record: 0 with stage, origin and why; -1 when there is
 * none. An unreadable record starts over from "tell". */
static int
recorded(struct wardend *d, char *stage, size_t stagelen,
    enum retire_origin *origin, char *why, size_t whylen)
{
	char *v = store_kv_get(d->store, RETIRE_KEY);
	const cJSON *s, *o, *w;
	cJSON *j;
	size_t i;

	if (v == NULL)
		return -1;
	snprintf(stage, stagelen, "tell");
	*origin = RETIRE_SERVER;
	snprintf(why, whylen, "retired");
	if ((j = cJSON_Parse(v)) == NULL) {
		log_warnx("retire: the stored record is unreadable; telling "
		    "the server again");
		free(v);
		return 0;
	}
	s = cJSON_GetObjectItemCaseSensitive(j, "stage");
	o = cJSON_GetObjectItemCaseSensitive(j, "origin");
	w = cJSON_GetObjectItemCaseSensitive(j, "why");
	if (cJSON_IsString(s))
		snprintf(stage, stagelen, "%s", s->valuestring);
	if (cJSON_IsString(w))
		snprintf(why, whylen, "%s", w->valuestring);
	for (i = 0; cJSON_IsString(o) && i < sizeof(origin_names) /
	    sizeof(origin_names[0]); i++)
		if (strcmp(o->valuestring, origin_names[i]) == 0)
			*origin = (enum retire_origin)i;
	cJSON_Delete(j);
	free(v);
	return 0;
}

bool
retire_running(struct wardend *d)
{
	char *v = store_kv_get(d->store, RETIRE_KEY);

	free(v);
	return v != NULL || d->retire != NULL;
}

static void
on_closed(uv_handle_t *h)
{
	free(h->data);
}

static void
retire_free(struct retire *r)
{
	if (r->d->retire == r)
		r->d->retire = NULL;
	r->conn = NULL;
	uv_timer_stop(&r->timer);
	uv_close((uv_handle_t *)&r->timer, on_closed);
}

/* ------------------------------------------------------------------ */
/* Forget                                                              */
/* ------------------------------------------------------------------ */

void
retire_forget(struct wardend *d, const char *why)
{
	struct server *sv = d->server;
	struct store *st = d->store;
	char path[PATH_MAX], err[256];
	enum agent_state s;
	size_t i;

	if (sv != NULL)
		server_session_end(sv);
	if (server_stored_key_path(d, path, sizeof(path)) == 0 &&
	    access(path, F_OK) == 0 &&
	    crypto_devkey_destroy(path, err, sizeof(err)) != 0)
		log_warnx("retire: %s", err);
	if (store_begin(st) != 0)
		goto fail;
	for (i = 0; forgotten_kv[i] != NULL; i++)
		if (store_kv_del(st, forgotten_kv[i]) != 0)
			goto rollback;
	if (store_exec(st, "DELETE FROM enrollment") != 0 ||
	    store_exec(st, "UPDATE policies SET active = 0") != 0 ||
	    store_exec(st, "DELETE FROM applied_settings") != 0 ||
	    enforcement_rules_forget(st) != 0 ||
	    store_exec(st, "DELETE FROM outbox") != 0 ||
	    store_exec(st, "DELETE FROM inbox") != 0 ||
	    store_get_state(st, &s, NULL, 0) != 0)
		goto rollback;
	/* From wherever the device was managed, through RETIRED. */
	if (s != STATE_UNPROVISIONED && s != STATE_PROVISIONING &&
	    ((s != STATE_RETIRED &&
	    store_set_state(st, STATE_RETIRED, why, true) != 0) ||
	    store_set_state(st, STATE_UNPROVISIONED, "retired", true) != 0))
		goto rollback;
	if (store_commit(st) != 0)
		goto fail;
	log_warnx("retired (%s): enrollment forgotten; UNPROVISIONED", why);
	policy_engine_reload(d);
	return;
rollback:
	store_rollback(st);
fail:
	log_warnx("retire: the store could not be updated; the agent stays "
	    "in its state");
}

/* ------------------------------------------------------------------ */
/* Revert                                                              */
/* ------------------------------------------------------------------ */

/* The settings whose restore failed: they stay as the policy left them. */
static cJSON *
not_restored(struct wardend *d)
{
	cJSON *arr = cJSON_CreateArray();
	sqlite3_stmt *q;

	if (sqlite3_prepare_v2(store_db(d->store), "SELECT setting, reason "
	    "FROM applied_settings ORDER BY rowid", -1, &q, NULL) !=
	    SQLITE_OK)
		return arr;
	while (sqlite3_step(q) == SQLITE_ROW) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "setting",
		    (const char *)sqlite3_column_text(q, 0));
		cJSON_AddStringToObject(o, "reason",
		    (const char *)sqlite3_column_text(q, 1));
		log_warnx("retire: %s not restored: %s",
		    (const char *)sqlite3_column_text(q, 0),
		    (const char *)sqlite3_column_text(q, 1));
		cJSON_AddItemToArray(arr, o);
	}
	sqlite3_finalize(q);
	return arr;
}

static void
reverted(struct wardend *d, void *arg)
{
	struct retire *r = arg;
	cJSON *res, *left;

	left = not_restored(d);
	store_event(d->store, "retire", cJSON_GetArraySize(left) == 0 ?
	    "every setting warden changed is restored" :
	    "some settings could not be restored");
	retire_forget(d, r->why);
	if (r->conn != NULL) {
		res = cJSON_CreateObject();
		cJSON_AddStringToObject(res, "state", "UNPROVISIONED");
		cJSON_AddBoolToObject(res, "enrolled", r->had_server);
		cJSON_AddBoolToObject(res, "serverTold", r->server_told);
		cJSON_AddItemToObject(res, "notRestored", left);
		control_reply_ok(r->conn, res);
	} else {
		cJSON_Delete(left);
	}
	retire_free(r);
}

/* Lost mode and enforcement blocks put a message on the lock screen. */
static void
clear_work(struct wardend *d, void *arg)
{
	int rc = hal_lock_set_message(&d->hal, NULL);

	(void)arg;
	if (rc != 0 && rc != -ENOSYS)
		log_warnx("retire: clearing the lock-screen message failed: %s",
		    strerror(-rc));
}

static void
clear_after(struct wardend *d, void *arg)
{
	struct retire *r = arg;

	r->in_job = false;
	if (r->stopped) {
		retire_free(r);
		return;
	}
	policy_engine_revert_all(d, reverted, r);
}

static void
revert(struct retire *r)
{
	log_warnx("retire: restoring the settings warden changed");
	r->in_job = true;
	daemon_hal_job(r->d, clear_work, clear_after, r);
}

/* The server knows (or, forced, will not be told): RETIRED, and every
 * policy out of force, in one transaction. */
static void
told(struct retire *r, bool server_told)
{
	struct wardend *d = r->d;
	struct store *st = d->store;
	enum agent_state s;

	r->server_told = server_told;
	if (d->server != NULL) {
		enroll_stop(d->server);
		server_session_end(d->server);
	}
	lwm2m_session_stop(d);
	if (store_begin(st) != 0)
		goto fail;
	if (store_get_state(st, &s, NULL, 0) != 0 ||
	    (s != STATE_RETIRED &&
	    store_set_state(st, STATE_RETIRED, r->why, true) != 0) ||
	    record(d, "revert", r->origin, r->why) != 0 ||
	    store_exec(st, "UPDATE policies SET active = 0") != 0 ||
	    enforcement_rules_forget(st) != 0 ||
	    store_kv_del(st, COMMANDS_LOST_MODE_KEY) != 0) {
		store_rollback(st);
		goto fail;
	}
	if (store_commit(st) != 0)
		goto fail;
	test_hooks_kill_at("retire");
	store_event(st, "retire", server_told ? "the server has forgotten "
	    "the device" : "retiring without telling the server (forced)");
	revert(r);
	return;
fail:
	log_warnx("retire: the store could not record the retire; stopped");
	if (r->conn != NULL)
		control_reply_err(r->conn, EXIT_FAIL, "retire: the store could "
		    "not record the retire");
	retire_free(r);
}

/* ------------------------------------------------------------------ */
/* Tell                                                                */
/* ------------------------------------------------------------------ */

static void
on_retry(uv_timer_t *t)
{
	struct retire *r = t->data;

	r->waiting = false;
	tell(r);
}

static void
not_told(struct retire *r, const char *reason)
{
	struct wardend *d = r->d;
	uint64_t ms;

	switch (r->origin) {
	case RETIRE_LOCAL:
		log_warnx("retire: the server could not be told: %s; the "
		    "device stays managed", reason);
		store_kv_del(d->store, RETIRE_KEY);
		if (r->conn != NULL)
			control_reply_err(r->conn, EXIT_UNREACHABLE, "retire: "
			    "the server could not be told (%s); nothing was "
			    "changed. Try again when it is reachable, or "
			    "retire with --force (the server then still "
			    "counts the device as enrolled)", reason);
		retire_free(r);
		return;
	case RETIRE_LOCAL_FORCED:
		log_warnx("retire: the server could not be told: %s; "
		    "retiring anyway (forced)", reason);
		told(r, false);
		return;
	case RETIRE_SERVER:
		ms = d->server != NULL ? backoff_next(d->server->rng,
		    &r->attempt) : BACKOFF_CAP_MS;
		log_warnx("retire: the server could not be told: %s; trying "
		    "again in %llu s", reason,
		    (unsigned long long)(ms / 1000));
		r->waiting = true;
		uv_timer_start(&r->timer, on_retry, ms, 0);
		return;
	}
}

static void
on_unenrolled(void *arg, const struct transport_reply *rep)
{
	struct retire *r = arg;

	/* 403/404: the server has already forgotten the device (an earlier
	 * try got through before a crash). */
	if (rep->status == TRANSPORT_OK || (rep->status == TRANSPORT_REFUSED &&
	    (rep->code == 403 || rep->code == 404))) {
		log_warnx("retire: the server has forgotten the device");
		told(r, true);
		return;
	}
	not_told(r, rep->why[0] != '\0' ? rep->why :
	    transport_status_name(rep->status));
}

static void
tell(struct retire *r)
{
	struct wardend *d = r->d;
	struct server *sv = d->server;
	enum agent_state s;

	if (store_get_state(d->store, &s, NULL, 0) != 0) {
		not_told(r, "the agent state is unreadable");
		return;
	}
	/* Not enrolled yet, or already retiring: nobody to tell. */
	if (s != STATE_MANAGED) {
		told(r, false);
		return;
	}
	r->had_server = true;
	if (lwm2m_session_wanted(d)) {
		/* The LwM2M server learns it from the Deregister that
		 * stopping the session sends. */
		told(r, true);
		return;
	}
	if (sv == NULL || !sv->managed || sv->t == NULL) {
		not_told(r, "the session with the server is not open yet");
		return;
	}
	if (sv->ops->unenroll == NULL) {
		not_told(r, "UNSUPPORTED by this binding");
		return;
	}
	log_info("retire: telling the server %s", sv->url);
	if (sv->ops->unenroll(sv->t, on_unenrolled, r) != 0)
		not_told(r, "the request could not be made");
}

/* ------------------------------------------------------------------ */
/* Start                                                               */
/* ------------------------------------------------------------------ */

static struct retire *
retire_new(struct wardend *d, struct ctl_conn *conn,
    enum retire_origin origin, const char *why)
{
	struct retire *r = calloc(1, sizeof(*r));

	if (r == NULL)
		fatal("calloc");
	r->d = d;
	r->conn = conn;
	r->origin = origin;
	snprintf(r->why, sizeof(r->why), "%s", why);
	uv_timer_init(d->loop, &r->timer);
	r->timer.data = r;
	d->retire = r;
	return r;
}

int
retire_start(struct wardend *d, struct ctl_conn *conn,
    enum retire_origin origin, const char *why, char *err, size_t errlen)
{
	enum agent_state s;
	struct retire *r;

	if (retire_running(d)) {
		if (origin == RETIRE_SERVER)
			return 0;
		snprintf(err, errlen, "a retire is already under way");
		return -1;
	}
	if (store_get_state(d->store, &s, NULL, 0) != 0) {
		snprintf(err, errlen, "cannot read the agent state");
		return -1;
	}
	switch (s) {
	case STATE_MANAGED:
	case STATE_ENROLLING:
		break;
	case STATE_STANDALONE:
		if (d->conf.policy_file[0] != '\0') {
			snprintf(err, errlen, "the policy comes from "
			    "policy-file in %s: remove it there, or it is "
			    "applied again at the next start", d->conf_path);
			return -1;
		}
		break;
	default:
		snprintf(err, errlen, "the device is %s: there is nothing to "
		    "retire", state_name(s));
		return -1;
	}
	if (record(d, "tell", origin, why) != 0) {
		snprintf(err, errlen, "the store could not record the retire");
		return -1;
	}
	log_warnx("retire: %s", why);
	store_event(d->store, "retire", why);
	r = retire_new(d, conn, origin, why);
	tell(r);
	return 0;
}

void
retire_resume(struct wardend *d)
{
	char stage[16], why[128];
	enum retire_origin origin;
	struct retire *r;

	if (d->retire != NULL || recorded(d, stage, sizeof(stage), &origin,
	    why, sizeof(why)) != 0)
		return;
	log_warnx("retire: resuming the retire under way (%s)", stage);
	/* The one who asked is gone: the retire now finishes on its own. */
	if (origin == RETIRE_LOCAL)
		origin = RETIRE_SERVER;
	r = retire_new(d, NULL, origin, why);
	if (strcmp(stage, "revert") == 0)
		revert(r);
	else
		tell(r);
}

void
retire_stop(struct wardend *d)
{
	struct retire *r = d->retire;

	if (r == NULL)
		return;
	if (r->conn != NULL)
		control_reply_err(r->conn, EXIT_FAIL, "retire: the agent is "
		    "stopping; the retire resumes at its next start");
	r->conn = NULL;
	uv_timer_stop(&r->timer);
	d->retire = NULL;
	if (r->in_job)
		r->stopped = true;
	else
		retire_free(r);
}

void
ctl_retire(struct ctl_conn *c, const cJSON *req)
{
	struct wardend *d = control_daemon(c);
	const cJSON *force = cJSON_GetObjectItemCaseSensitive(req, "force");
	char err[256];

	if (force != NULL && !cJSON_IsBool(force)) {
		control_reply_err(c, EXIT_USAGE, "request.force: not a "
		    "boolean");
		return;
	}
	if (retire_start(d, c, cJSON_IsTrue(force) ? RETIRE_LOCAL_FORCED :
	    RETIRE_LOCAL, "retired from the device (wardenctl retire)", err,
	    sizeof(err)) != 0)
		control_reply_err(c, EXIT_FAIL, "retire: refused: %s", err);
}
