/*
 * server.c - the agent's session with its MDM server: started by the
 * daemon in ENROLLING (enroll.c takes over) or MANAGED, where it loads
 * the sealed device key through the HAL job queue, opens the transport
 * with mutual TLS and runs delivery (outbox_sender.c), commands
 * (inbox.c), the policy fetch (here) and the renewal schedule (renew.c).
 * Also what `wardenctl status` shows of it.
 *
 * The policy is fetched at start, on SYNC_POLICY and once per scan
 * interval, with the last ETag: an unchanged policy costs one 304.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/transport.h"
#include "agent/provision/provision.h"
#include "agent/policy/policy.h"
#include "agent/session/lwm2m_session.h"
#include "agent/session/server.h"

struct key_job {
	struct server *sv;
	char path[PATH_MAX];
	struct crypto_eckey *key;
	int rc;
	char err[CRYPTO_ERR_MAX];
};

void
server_key_path(const struct server *sv, const char *file, char *buf,
    size_t len)
{
	if (snprintf(buf, len, "%s/%s", sv->d->conf.state_dir, file) >=
	    (int)len)
		buf[0] = '\0';	/* the config bounds state-dir well below */
}

int
server_stored_key_path(struct wardend *d, char *buf, size_t len)
{
	char *kf = store_kv_get(d->store, "device_key_file");
	int n = snprintf(buf, len, "%s/%s", d->conf.state_dir, kf != NULL ?
	    kf : SERVER_KEY_FILE_DEFAULT);

	free(kf);
	if (n < 0 || (size_t)n >= len) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

void
server_seterr(struct server *sv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sv->last_error, sizeof(sv->last_error), fmt, ap);
	va_end(ap);
}

void
server_contact(struct server *sv)
{
	sv->last_contact = store_now();
	sv->last_error[0] = '\0';
}

/* The time of the last contact is kept in memory while the agent runs
 * (an idle poll answered empty writes nothing) and stored at a clean
 * stop; a crash loses at most that timestamp. */
static void
contact_persist(struct server *sv)
{
	char v[32];

	if (!sv->managed || sv->last_contact <= sv->contact_persisted)
		return;
	snprintf(v, sizeof(v), "%lld", (long long)sv->last_contact);
	if (store_kv_set(sv->d->store, "last_contact_at", v) == 0)
		sv->contact_persisted = sv->last_contact;
}

void
server_failed(struct server *sv, const char *what,
    const struct transport_reply *r, bool first)
{
	server_seterr(sv, "%s: %s (%s)", what, r->why,
	    transport_status_name(r->status));
	if (first || r->status == TRANSPORT_UNTRUSTED)
		log_warnx("server %s: %s", sv->url, sv->last_error);
	else
		log_debug("server %s: %s", sv->url, sv->last_error);
}

/* ------------------------------------------------------------------ */
/* Policy                                                              */
/* ------------------------------------------------------------------ */

static void
on_policy_timer(uv_timer_t *t)
{
	server_policy_fetch(t->data);
}

static void
finish_policy_cmd(struct server *sv, const char *status, const char *code,
    const char *msg)
{
	char id[TRANSPORT_CMD_ID_MAX + 1];

	if (sv->policy_cmd[0] == '\0')
		return;
	snprintf(id, sizeof(id), "%s", sv->policy_cmd);
	sv->policy_cmd[0] = '\0';
	inbox_finish(sv, id, status, code, msg);
}

/* A policy the engine refuses is reported to the server as an event. */
static void
policy_rejected(struct server *sv, const char *etag, const char *errors)
{
	char key[64];
	cJSON *o;
	char *json;

	log_warnx("server policy (ETag %s) rejected, the previous one stays "
	    "in force: %s", etag[0] ? etag : "none", errors);
	store_event(sv->d->store, "policy-rejected", errors);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "POLICY_REJECTED");
	cJSON_AddStringToObject(o, "etag", etag);
	cJSON_AddStringToObject(o, "errors", errors);
	json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	snprintf(key, sizeof(key), "policy-rejected-%lld",
	    (long long)store_now());
	if (json != NULL && store_outbox_add(sv->d->store, "event", key, json,
	    sv->d->conf.outbox_max) == 0)
		outbox_send(sv);
	free(json);
}

static void
on_policy(void *arg, const struct transport_reply *r)
{
	struct server *sv = arg;
	char err[2048];

	sv->policy_busy = false;
	if (r->status == TRANSPORT_UNCHANGED) {
		server_contact(sv);
		sv->policy_attempt = 0;
		log_debug("policy: unchanged");
		finish_policy_cmd(sv, "SUCCEEDED", NULL, "policy unchanged");
	} else if (r->status == TRANSPORT_OK) {
		server_contact(sv);
		sv->policy_attempt = 0;
		if (policy_engine_set(sv->d, r->policy, "server", false, true,
		    err, sizeof(err)) == 0) {
			log_info("policy from the server in force (ETag %s)",
			    r->etag[0] ? r->etag : "none");
			finish_policy_cmd(sv, "SUCCEEDED", NULL,
			    "policy applied");
		} else {
			policy_rejected(sv, r->etag, err);
			finish_policy_cmd(sv, "FAILED", "INVALID_VALUE", err);
		}
		/* Even a rejected document is not fetched again until the
		 * server changes it. */
		store_kv_set(sv->d->store, "policy_etag", r->etag);
	} else {
		server_failed(sv, "fetching the policy", r, true);
		finish_policy_cmd(sv, "FAILED", "UNKNOWN", r->why);
		if (!sv->stopping)
			uv_timer_start(&sv->policy_retry, on_policy_timer,
			    backoff_next(sv->rng, &sv->policy_attempt), 0);
	}
	if (sv->policy_again) {
		sv->policy_again = false;
		server_policy_fetch(sv);
	}
}

void
server_policy_fetch(struct server *sv)
{
	char *etag;
	int rc;

	if (sv->stopping || !sv->managed || sv->t == NULL) {
		finish_policy_cmd(sv, "FAILED", "UNKNOWN", "not connected");
		return;
	}
	if (sv->policy_busy) {
		sv->policy_again = true;
		return;
	}
	uv_timer_stop(&sv->policy_retry);
	etag = store_kv_get(sv->d->store, "policy_etag");
	rc = sv->ops->fetch_policy(sv->t, etag, on_policy, sv);
	free(etag);
	if (rc != 0) {
		log_warnx("policy: cannot start the fetch");
		finish_policy_cmd(sv, "FAILED", "UNKNOWN", "cannot fetch");
		return;
	}
	sv->policy_busy = true;
}

/* ------------------------------------------------------------------ */
/* The managed session                                                 */
/* ------------------------------------------------------------------ */

int
server_session_open(struct server *sv)
{
	struct transport_params p;
	char err[512];
	uint64_t every = (uint64_t)sv->d->conf.scan_interval * 1000u;

	if (sv->stopping)
		return -1;
	memset(&p, 0, sizeof(p));
	p.loop = sv->d->loop;
	p.rng = sv->rng;
	p.server_url = sv->url;
	memcpy(p.pin, sv->pin, sizeof(p.pin));
	p.ca_pem = sv->ca_pem;
	p.device_id = sv->device_id;
	p.cert_pem = sv->cert_pem;
	p.key = sv->key;
	p.net = sv->d->net;
	if (sv->ops->connect(&p, &sv->t, err, sizeof(err)) != 0) {
		server_seterr(sv, "cannot set up the session: %s", err);
		log_warnx("server %s: %s", sv->url, sv->last_error);
		return -1;
	}
	sv->managed = true;
	log_info("server %s: session for device %s (mutual TLS)", sv->url,
	    sv->device_id);
	server_policy_fetch(sv);
	inbox_start(sv);
	outbox_send(sv);
	renew_schedule(sv);
	uv_timer_start(&sv->policy_timer, on_policy_timer, every, every);
	return 0;
}

/* Closes the session's transport; every exchange in flight is dropped
 * (their rows stay in the store). */
static void
session_close(struct server *sv)
{
	sv->managed = false;
	if (sv->t != NULL)
		sv->ops->close(sv->t);
	sv->t = NULL;
	outbox_sender_stop(sv);
	inbox_stop(sv);
	sv->policy_busy = false;
	sv->policy_again = false;
	uv_timer_stop(&sv->policy_timer);
	uv_timer_stop(&sv->policy_retry);
}

static void
key_work(struct wardend *d, void *arg)
{
	struct key_job *j = arg;

	j->rc = keystore_devkey_load(d, j->path, &j->key, j->err,
	    sizeof(j->err));
}

static void
key_after(struct wardend *d, void *arg)
{
	struct key_job *j = arg;
	struct server *sv = j->sv;

	(void)d;
	sv->loading = false;
	if (j->rc != 0) {
		server_seterr(sv, "the device key %s cannot be loaded (%s): "
		    "the device cannot authenticate to its server", j->path,
		    j->err);
		log_warnx("%s", sv->last_error);
	} else if (!sv->stopping) {
		sv->key = j->key;
		j->key = NULL;
		server_session_open(sv);
	}
	crypto_eckey_free(j->key);
	free(j);
}

/* Reads the enrollment row; the credentials when managed. */
static int
load_enrollment(struct server *sv, bool managed)
{
	struct prov_request *req;
	sqlite3_stmt *q;
	char err[512], *kf;
	int rc = -1;

	if ((req = calloc(1, sizeof(*req))) == NULL)
		return -1;
	if (sqlite3_prepare_v2(store_db(sv->d->store), "SELECT request, "
	    "device_id, certificate, ca_chain, command_key FROM enrollment "
	    "WHERE id = 1",
	    -1, &q, NULL) != SQLITE_OK) {
		free(req);
		return -1;
	}
	if (sqlite3_step(q) != SQLITE_ROW) {
		server_seterr(sv, "no stored enrollment request");
		goto out;
	}
	if (prov_request_from_json((const char *)sqlite3_column_text(q, 0),
	    (size_t)sqlite3_column_bytes(q, 0), true, req, err,
	    sizeof(err)) != 0) {
		server_seterr(sv, "the stored enrollment request is "
		    "unreadable: %s", err);
		goto out;
	}
	snprintf(sv->url, sizeof(sv->url), "%s", req->server_url);
	snprintf(sv->binding, sizeof(sv->binding), "%s",
	    prov_binding_name(req->binding));
	memcpy(sv->pin, req->server_pin, sizeof(sv->pin));
	if (managed) {
		if (sqlite3_column_type(q, 1) != SQLITE_TEXT ||
		    sqlite3_column_type(q, 2) != SQLITE_TEXT ||
		    sqlite3_column_type(q, 3) != SQLITE_TEXT) {
			server_seterr(sv, "managed, but no device id or "
			    "certificate stored");
			goto out;
		}
		snprintf(sv->device_id, sizeof(sv->device_id), "%s",
		    (const char *)sqlite3_column_text(q, 1));
		free(sv->cert_pem);
		free(sv->ca_pem);
		sv->cert_pem = strdup((const char *)sqlite3_column_text(q, 2));
		sv->ca_pem = strdup((const char *)sqlite3_column_text(q, 3));
		if (sv->cert_pem == NULL || sv->ca_pem == NULL)
			goto out;
		crypto_eckey_free(sv->command_key);
		sv->command_key = NULL;
		/* Without its key the device would run unsigned commands it
		 * was told to refuse: no session rather than that. */
		if (sqlite3_column_type(q, 4) == SQLITE_TEXT &&
		    crypto_eckey_parse_public(sqlite3_column_text(q, 4),
		    (size_t)sqlite3_column_bytes(q, 4), &sv->command_key, err,
		    sizeof(err)) != 0) {
			server_seterr(sv, "the stored command key is "
			    "unreadable: %s", err);
			goto out;
		}
	}
	kf = store_kv_get(sv->d->store, "device_key_file");
	snprintf(sv->key_file, sizeof(sv->key_file), "%s", kf != NULL ? kf :
	    SERVER_KEY_FILE_DEFAULT);
	free(kf);
	kf = store_kv_get(sv->d->store, "poll_wait");
	sv->poll_wait = kf != NULL ? atoi(kf) : SERVER_POLL_WAIT;
	if (sv->poll_wait < 1 || sv->poll_wait > TRANSPORT_WAIT_MAX)
		sv->poll_wait = SERVER_POLL_WAIT;
	free(kf);
	rc = 0;
out:
	sqlite3_finalize(q);
	prov_request_clear(req);
	free(req);
	return rc;
}

static struct server *
server_new(struct wardend *d)
{
	struct server *sv;
	char err[CRYPTO_ERR_MAX], *v;
	uv_timer_t *timers[7];
	size_t i;

	if ((sv = calloc(1, sizeof(*sv))) == NULL ||
	    (sv->batch = calloc(1, sizeof(*sv->batch))) == NULL)
		fatal("calloc");
	if (crypto_rng_new("wardend-server", &sv->rng, err, sizeof(err)) != 0)
		fatalx("server: %s", err);
	sv->d = d;
	sv->batch_limit = TRANSPORT_BATCH_MAX;
	sv->poll_wait = SERVER_POLL_WAIT;
	timers[0] = &sv->enroll_timer;
	timers[1] = &sv->send_timer;
	timers[2] = &sv->poll_timer;
	timers[3] = &sv->policy_timer;
	timers[4] = &sv->policy_retry;
	timers[5] = &sv->renew_timer;
	timers[6] = NULL;
	for (i = 0; timers[i] != NULL; i++) {
		uv_timer_init(d->loop, timers[i]);
		timers[i]->data = sv;
	}
	if ((v = store_kv_get(d->store, "last_contact_at")) != NULL) {
		sv->last_contact = sv->contact_persisted = atoll(v);
		free(v);
	}
	return sv;
}

void
server_start(struct wardend *d)
{
	struct server *sv;
	struct key_job *j;
	enum agent_state s;

	if (d->stopping || store_get_state(d->store, &s, NULL, 0) != 0 ||
	    (s != STATE_ENROLLING && s != STATE_MANAGED))
		return;
	/* The LwM2M binding runs its own session (lwm2m_session.c). */
	if (lwm2m_session_wanted(d)) {
		lwm2m_session_start(d);
		return;
	}
	if (d->server == NULL)
		d->server = server_new(d);
	sv = d->server;
	if (sv->managed || sv->loading || sv->enroll != NULL)
		return;
	if (load_enrollment(sv, s == STATE_MANAGED) != 0) {
		log_warnx("server: %s", sv->last_error);
		return;
	}
	if ((sv->ops = netproc_binding(d->net, sv->binding)) == NULL) {
		server_seterr(sv, "binding %s: UNSUPPORTED by this build",
		    sv->binding);
		log_warnx("server %s: %s", sv->url, sv->last_error);
		return;
	}
	if (s == STATE_ENROLLING) {
		enroll_run(sv);
		return;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL)
		fatal("calloc");
	j->sv = sv;
	server_key_path(sv, sv->key_file, j->path, sizeof(j->path));
	sv->loading = true;
	daemon_hal_job(d, key_work, key_after, j);
}

void
server_network_up(struct wardend *d)
{
	struct server *sv = d->server;
	bool in, out;

	if (sv == NULL || sv->stopping || !sv->managed)
		return;
	/* Both queues are told, whatever the first says. */
	in = inbox_network_up(sv);
	out = outbox_network_up(sv);
	if (in || out)
		log_info("server: the network is back: trying again now");
}

void
server_stop(struct wardend *d)
{
	struct server *sv = d->server;

	if (sv == NULL)
		return;
	sv->stopping = true;
	contact_persist(sv);
	enroll_stop(sv);
	renew_stop(sv);
	session_close(sv);
	uv_close((uv_handle_t *)&sv->enroll_timer, NULL);
	uv_close((uv_handle_t *)&sv->send_timer, NULL);
	uv_close((uv_handle_t *)&sv->poll_timer, NULL);
	uv_close((uv_handle_t *)&sv->policy_timer, NULL);
	uv_close((uv_handle_t *)&sv->policy_retry, NULL);
	uv_close((uv_handle_t *)&sv->renew_timer, NULL);
}

void
server_free(struct wardend *d)
{
	struct server *sv = d->server;

	if (sv == NULL)
		return;
	crypto_eckey_free(sv->key);
	crypto_eckey_free(sv->command_key);
	crypto_rng_free(sv->rng);
	free(sv->cert_pem);
	free(sv->ca_pem);
	outbox_batch_clear(sv->batch);
	free(sv->batch);
	crypto_zero(sv, sizeof(*sv));
	free(sv);
	d->server = NULL;
}

void
server_reconnect(struct server *sv)
{
	session_close(sv);
	server_session_open(sv);
}

void
server_session_end(struct server *sv)
{
	session_close(sv);
	renew_stop(sv);
	crypto_eckey_free(sv->key);
	sv->key = NULL;
	crypto_eckey_free(sv->command_key);
	sv->command_key = NULL;
	free(sv->cert_pem);
	free(sv->ca_pem);
	sv->cert_pem = sv->ca_pem = NULL;
	sv->device_id[0] = '\0';
	sv->policy_cmd[0] = '\0';
	sv->renew_at = 0;
}

void
daemon_outbox_kick(struct wardend *d)
{
	if (d->server != NULL)
		outbox_send(d->server);
}

void
server_status(struct wardend *d, cJSON *r)
{
	struct server *sv = d->server;
	enum agent_state state = STATE_UNPROVISIONED;
	int64_t retry = 0;
	char *err = NULL;

	if (sv != NULL)
		retry = sv->send_waiting ? sv->send_retry_at :
		    sv->enroll != NULL ? sv->enroll_retry_at : 0;
	store_get_state(d->store, &state, NULL, 0);
	cJSON_AddStringToObject(r, "server", sv != NULL ? sv->url : "");
	cJSON_AddStringToObject(r, "deviceId", sv != NULL ? sv->device_id :
	    "");
	report_add_time(r, "lastContactAt", sv != NULL ? sv->last_contact : 0);
	report_add_time(r, "nextRetryAt", retry);
	report_add_time(r, "certificateRenewAt", sv != NULL && sv->managed ?
	    sv->renew_at : 0);
	/* The server's command key: destructive commands must be signed. */
	cJSON_AddBoolToObject(r, "signedCommands", sv != NULL &&
	    sv->command_key != NULL);
	if (sv != NULL && sv->last_error[0] != '\0')
		cJSON_AddStringToObject(r, "serverError", sv->last_error);
	else if (state == STATE_UNPROVISIONED &&
	    (err = store_kv_get(d->store, "enroll_error")) != NULL)
		cJSON_AddStringToObject(r, "serverError", err);
	else
		cJSON_AddStringToObject(r, "serverError", "");
	free(err);
	lwm2m_session_status(d, r);
}

struct key_destroy {
	const char *what;
	char path[PATH_MAX];
};

static void
key_destroy_work(struct wardend *d, void *arg)
{
	struct key_destroy *k = arg;
	char err[CRYPTO_ERR_MAX];

	(void)d;
	if (crypto_devkey_destroy(k->path, err, sizeof(err)) != 0)
		log_warnx("%s: destroying a key: %s", k->what, err);
}

static void
key_destroy_after(struct wardend *d, void *arg)
{
	(void)d;
	free(arg);
}

void
server_destroy_key_later(struct server *sv, const char *path,
    const char *what)
{
	struct key_destroy *k = calloc(1, sizeof(*k));

	if (k == NULL)
		return;
	k->what = what;
	snprintf(k->path, sizeof(k->path), "%s", path);
	daemon_hal_job(sv->d, key_destroy_work, key_destroy_after, k);
}
