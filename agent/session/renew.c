/*
 * renew.c - the device certificate's renewal: scheduled 30 days before it
 * expires (a third of its life before, for a certificate of less than 90
 * days) and on RENEW_CERTIFICATE, it takes the steps of enrollment
 * over the managed session: a new key generated and sealed under a new
 * file name, a CSR under the device id, POST .../certificate. The new
 * certificate and the new key's file name are stored in one transaction,
 * so a crash leaves the old pair or the new one; only then is the old key
 * destroyed and the session reopened with the new credentials. A failed
 * renewal is tried again an hour later; the old certificate stays in use.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/session/server.h"

struct renew_job {
	struct server *sv;
	char file[64];
	char path[PATH_MAX];
	char cn[CRYPTO_CN_MAX + 1];
	int rc;
	char err[CRYPTO_ERR_MAX + 64];
	struct crypto_eckey *key;
	char *csr;
	bool in_hal;
	bool running;
};

static void
job_free(struct renew_job *j)
{
	if (j == NULL)
		return;
	crypto_eckey_free(j->key);
	free(j->csr);
	crypto_zero(j, sizeof(*j));
	free(j);
}

static void
on_renew_timer(uv_timer_t *t)
{
	struct server *sv = t->data;
	time_t now = (time_t)store_now();

	if (sv->renew_at > 0 && now >= sv->renew_at)
		renew_now(sv, NULL);
	else
		renew_schedule(sv);
}

int64_t
renew_time(int64_t not_before, int64_t not_after)
{
	int64_t before = SERVER_RENEW_BEFORE;

	/* A certificate issued for 30 days or less would be renewed over and
	 * over: it is renewed with a third of its life left instead. */
	if (not_after - not_before < 3 * before)
		before = (not_after - not_before) / 3;
	if (before < 0)
		before = 0;
	return not_after - before;
}

void
renew_schedule(struct server *sv)
{
	mbedtls_x509_crt crt;
	int64_t delay;
	uint64_t ms;

	if (sv->stopping || sv->cert_pem == NULL)
		return;
	mbedtls_x509_crt_init(&crt);
	if (crypto_cert_parse(&crt, sv->cert_pem, strlen(sv->cert_pem), NULL,
	    0) != 0) {
		mbedtls_x509_crt_free(&crt);
		log_warnx("renewal: the stored device certificate does not "
		    "parse");
		return;
	}
	sv->renew_at = renew_time(crypto_cert_not_before(&crt),
	    crypto_cert_not_after(&crt));
	mbedtls_x509_crt_free(&crt);
	delay = sv->renew_at - store_now();
	if (delay <= 0) {
		renew_now(sv, NULL);
		return;
	}
	/* Timers run on the monotonic clock: look at the wall clock again
	 * at least once a day. */
	ms = (uint64_t)delay * 1000u;
	if (ms > SERVER_DAY_MS)
		ms = SERVER_DAY_MS;
	uv_timer_start(&sv->renew_timer, on_renew_timer, ms, 0);
}

static void
finish_cmd(struct server *sv, const char *status, const char *code,
    const char *msg)
{
	char id[TRANSPORT_CMD_ID_MAX + 1];

	if (sv->renew_cmd[0] == '\0')
		return;
	snprintf(id, sizeof(id), "%s", sv->renew_cmd);
	sv->renew_cmd[0] = '\0';
	inbox_finish(sv, id, status, code, msg);
}

/* The renewal failed: the old certificate stays, another try later. */
static void
failed(struct server *sv, const char *why)
{
	struct renew_job *j = sv->renew;

	server_seterr(sv, "certificate renewal: %s", why);
	log_warnx("%s; next attempt in an hour", sv->last_error);
	finish_cmd(sv, "FAILED", "UNKNOWN", why);
	if (j != NULL) {
		server_destroy_key_later(sv, j->path, "renewal");
		job_free(j);
		sv->renew = NULL;
	}
	if (!sv->stopping)
		uv_timer_start(&sv->renew_timer, on_renew_timer,
		    SERVER_RENEW_RETRY_MS, 0);
}

/* The new certificate: for the new key, our device id, from our CA. */
static int
check_cert(struct server *sv, const char *pem, char *why, size_t whylen)
{
	struct crypto_x509_check chk;
	mbedtls_x509_crt crt, ca;
	char cn[CRYPTO_CN_MAX + 1], err[CRYPTO_ERR_MAX];
	int rc = -1;

	mbedtls_x509_crt_init(&crt);
	mbedtls_x509_crt_init(&ca);
	if (crypto_cert_parse(&crt, pem, strlen(pem), err, sizeof(err)) !=
	    0 || crypto_cert_parse(&ca, sv->ca_pem, strlen(sv->ca_pem), err,
	    sizeof(err)) != 0) {
		snprintf(why, whylen, "certificate: %s", err);
		goto out;
	}
	if (!crypto_cert_has_key(&crt, sv->renew->key) ||
	    crypto_cert_subject_cn(&crt, cn, sizeof(cn)) != 0 ||
	    strcmp(cn, sv->device_id) != 0) {
		snprintf(why, whylen, "certificate: not for the new key and "
		    "CN=%s", sv->device_id);
		goto out;
	}
	if (crypto_x509_check_init(&chk, CRYPTO_PIN_IN_CHAIN, sv->pin,
	    NULL) != 0 || crypto_x509_verify(&crt, &ca, &chk, err,
	    sizeof(err)) != 0) {
		snprintf(why, whylen, "certificate: %s", err);
		goto out;
	}
	rc = 0;
out:
	mbedtls_x509_crt_free(&crt);
	mbedtls_x509_crt_free(&ca);
	return rc;
}

static int
commit_renewal(struct server *sv, const char *pem)
{
	struct store *st = sv->d->store;
	sqlite3_stmt *q = NULL;

	if (store_begin(st) != 0)
		return -1;
	if (sqlite3_prepare_v2(store_db(st), "UPDATE enrollment SET "
	    "certificate = ? WHERE id = 1", -1, &q, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(q, 1, pem, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(q);
	q = NULL;
	if (store_kv_set(st, "device_key_file", sv->renew->file) != 0 ||
	    store_commit(st) != 0)
		goto fail;
	return 0;
fail:
	sqlite3_finalize(q);
	store_rollback(st);
	return -1;
}

static void
on_renewed(void *arg, const struct transport_reply *r)
{
	struct server *sv = arg;
	struct renew_job *j = sv->renew;
	char why[CRYPTO_ERR_MAX + 64], old[PATH_MAX], *pem;

	j->running = false;
	if (r->status != TRANSPORT_OK) {
		failed(sv, r->why);
		return;
	}
	server_contact(sv);
	if (check_cert(sv, r->certificate, why, sizeof(why)) != 0) {
		failed(sv, why);
		return;
	}
	if ((pem = strdup(r->certificate)) == NULL ||
	    commit_renewal(sv, pem) != 0) {
		free(pem);
		failed(sv, "storing the new certificate failed");
		return;
	}
	server_key_path(sv, sv->key_file, old, sizeof(old));
	server_destroy_key_later(sv, old, "renewal");
	snprintf(sv->key_file, sizeof(sv->key_file), "%s", j->file);
	free(sv->cert_pem);
	sv->cert_pem = pem;
	crypto_eckey_free(sv->key);
	sv->key = j->key;
	j->key = NULL;
	job_free(j);
	sv->renew = NULL;
	store_event(sv->d->store, "certificate-renewed", sv->device_id);
	log_info("certificate renewed; key in %s", sv->key_file);
	finish_cmd(sv, "SUCCEEDED", NULL, "certificate renewed");
	server_reconnect(sv);
}

static void
key_work(struct wardend *d, void *arg)
{
	struct renew_job *j = arg;
	char err[CRYPTO_ERR_MAX];

	j->rc = -1;
	if (keystore_devkey_create(d, j->sv->rng, j->path, &j->key, err,
	    sizeof(err)) != 0 || crypto_csr_pem(j->sv->rng, j->key, j->cn,
	    &j->csr, err, sizeof(err)) != 0)
		snprintf(j->err, sizeof(j->err), "new key: %s", err);
	else
		j->rc = 0;
}

static void
key_after(struct wardend *d, void *arg)
{
	struct renew_job *j = arg;
	struct server *sv = j->sv;

	(void)d;
	j->in_hal = false;
	if (sv->stopping) {
		job_free(j);
		sv->renew = NULL;
		return;
	}
	if (j->rc != 0) {
		failed(sv, j->err);
		return;
	}
	if (!sv->managed || sv->t == NULL || sv->ops->renew_certificate(sv->t,
	    j->csr, on_renewed, sv) != 0) {
		failed(sv, "cannot send the request");
		return;
	}
	j->running = true;
	log_info("renewal: requesting a certificate for a new key");
}

void
renew_now(struct server *sv, const char *cmd)
{
	struct renew_job *j;

	if (cmd != NULL) {
		finish_cmd(sv, "SUCCEEDED", NULL, "merged with a later "
		    "RENEW_CERTIFICATE");
		snprintf(sv->renew_cmd, sizeof(sv->renew_cmd), "%s", cmd);
	}
	if (sv->renew != NULL || sv->stopping)
		return;
	if (!sv->managed) {
		finish_cmd(sv, "FAILED", "UNKNOWN", "not connected");
		return;
	}
	uv_timer_stop(&sv->renew_timer);
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		failed(sv, "out of memory");
		return;
	}
	j->sv = sv;
	snprintf(j->file, sizeof(j->file), "device-%lld.key",
	    (long long)store_now());
	if (strcmp(j->file, sv->key_file) == 0)
		snprintf(j->file, sizeof(j->file), "device-%lld-2.key",
		    (long long)store_now());
	server_key_path(sv, j->file, j->path, sizeof(j->path));
	snprintf(j->cn, sizeof(j->cn), "%s", sv->device_id);
	j->in_hal = true;
	sv->renew = j;
	daemon_hal_job(sv->d, key_work, key_after, j);
}

void
renew_stop(struct server *sv)
{
	uv_timer_stop(&sv->renew_timer);
	if (sv->renew != NULL && !sv->renew->in_hal) {
		job_free(sv->renew);
		sv->renew = NULL;
	}
}
