/*
 * attest.c - the compliance token for conditional access: `wardenctl
 * attest` asks for a short-lived compact JWS (ES256), signed with the
 * device key, that tells a gateway what the agent's last evaluation found.
 * Any local user may ask: the token says nothing a gateway could not learn
 * from the server, and an app needs it to prove the device's state.
 *
 * The device key is loaded on the HAL job queue (keystore.c: from the
 * TPM, or its sealed file), used for one signature, and freed (zeroised)
 * there: the key kept by the server session is not shared with a second
 * thread.
 *
 * Claims: sub (the device id, also the header's kid), verdict (Intune's
 * state name), policyCompliant, appliedPolicyVersion, securityPosture
 * ({devicePosture, postureDetails[].securityRisk}), lastScanTime (RFC
 * 3339), iat, exp (iat + ATTEST_TTL seconds), aud and nonce when asked for.
 * In a test build WARDEN_ATTEST_TTL (1 .. ATTEST_TTL seconds) shortens the
 * lifetime (test_hooks.h); it can never lengthen it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "agent/session/session.h"
#include "agent/policy/policy.h"
#include "agent/core/core.h"
#include "agent/daemon/daemon.h"

#define ATTEST_TTL 300
#define ATTEST_AUDIENCE_MAX 256
#define ATTEST_NONCE_MAX 128

struct attest_job {
	struct ctl_conn *c;
	char key_path[PATH_MAX];
	char kid[CRYPTO_JWS_KID_MAX + 1];
	char *payload;
	int64_t exp;
	/* Results of the work. */
	char *token;
	char err[CRYPTO_ERR_MAX + 64];
};

/*
 * An audience is a URI or a name: letters, digits and "-._~:/@+=%";
 * a nonce is base64, base64url or hex text: letters, digits and "-_.~+/=".
 * Nothing that would need escaping in JSON or a shell.
 */
static int
claim_valid(const cJSON *v, const char *name, size_t max, const char *extra,
    char *err, size_t errlen)
{
	const char *s;
	size_t n;

	if (!cJSON_IsString(v)) {
		snprintf(err, errlen, "request.%s: not a string", name);
		return -1;
	}
	s = v->valuestring;
	n = strlen(s);
	if (n == 0 || n > max) {
		snprintf(err, errlen, "%s: 1 to %zu characters", name, max);
		return -1;
	}
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr(extra, *s) != NULL)) {
			snprintf(err, errlen, "%s: character 0x%02x not "
			    "allowed (letters, digits and \"%s\")", name,
			    (unsigned char)*s, extra);
			return -1;
		}
	return 0;
}


/* The device id and the sealed key's path of a MANAGED device. */
static int
enrolled_device(struct wardend *d, char *id, size_t idlen, char *path,
    size_t pathlen)
{
	enum agent_state s;
	sqlite3_stmt *q;
	int rc = -1;

	if (store_get_state(d->store, &s, NULL, 0) != 0 || s != STATE_MANAGED)
		return -1;
	if (sqlite3_prepare_v2(store_db(d->store), "SELECT device_id FROM "
	    "enrollment WHERE id = 1", -1, &q, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW &&
	    sqlite3_column_type(q, 0) == SQLITE_TEXT &&
	    (size_t)sqlite3_column_bytes(q, 0) < idlen &&
	    sqlite3_column_bytes(q, 0) > 0) {
		snprintf(id, idlen, "%s", (const char *)sqlite3_column_text(q,
		    0));
		rc = 0;
	}
	sqlite3_finalize(q);
	if (rc != 0)
		return -1;
	if (server_stored_key_path(d, path, pathlen) != 0 ||
	    access(path, F_OK) != 0)
		return -1;
	return 0;
}

/* The claims of the last evaluation, as compact JSON text. */
static char *
claims(struct wardend *d, const char *id, const cJSON *aud,
    const cJSON *nonce, int64_t iat, int64_t exp)
{
	const struct posture_security *sec = &d->result.security;
	cJSON *p = cJSON_CreateObject(), *sp, *list, *e;
	char buf[32];
	char *text;
	size_t i;

	if (p == NULL)
		return NULL;
	cJSON_AddStringToObject(p, "sub", id);
	/* A lost device is not one a gateway should trust, whatever its
	 * posture: it says so. */
	cJSON_AddStringToObject(p, "deviceState", store_lost_mode(d->store) ?
	    "LOST" : "ACTIVE");
	cJSON_AddStringToObject(p, "verdict",
	    posture_state_name(d->result.verdict));
	cJSON_AddBoolToObject(p, "policyCompliant",
	    d->result.policy_compliant);
	snprintf(buf, sizeof(buf), "%lld", d->result.policy_version);
	cJSON_AddStringToObject(p, "appliedPolicyVersion", buf);
	sp = cJSON_AddObjectToObject(p, "securityPosture");
	cJSON_AddStringToObject(sp, "devicePosture",
	    posture_device_name(sec->device));
	list = cJSON_AddArrayToObject(sp, "postureDetails");
	for (i = 0; i < sec->ndetail; i++) {
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "securityRisk",
		    posture_risk_name(sec->detail[i].risk));
		cJSON_AddItemToArray(list, e);
	}
	rfc3339_format(d->facts_at, buf, sizeof(buf));
	cJSON_AddStringToObject(p, "lastScanTime", buf);
	cJSON_AddNumberToObject(p, "iat", (double)iat);
	cJSON_AddNumberToObject(p, "exp", (double)exp);
	if (aud != NULL)
		cJSON_AddStringToObject(p, "aud", aud->valuestring);
	if (nonce != NULL)
		cJSON_AddStringToObject(p, "nonce", nonce->valuestring);
	/* Out of memory half-way: no token rather than a partial one. */
	text = cJSON_PrintUnformatted(p);
	if (text != NULL && (sp == NULL || list == NULL ||
	    cJSON_GetObjectItemCaseSensitive(p, "exp") == NULL)) {
		free(text);
		text = NULL;
	}
	cJSON_Delete(p);
	return text;
}

/* On the work queue: the device key, one signature. */
static void
sign_work(struct wardend *d, void *arg)
{
	struct attest_job *j = arg;
	struct crypto_eckey *key = NULL;
	struct crypto_rng *rng = NULL;
	char err[CRYPTO_ERR_MAX];

	if (keystore_devkey_load(d, j->key_path, &key, err, sizeof(err)) != 0)
		snprintf(j->err, sizeof(j->err), "the device key cannot be "
		    "loaded: %s", err);
	else if (crypto_rng_new("wardend-attest", &rng, err, sizeof(err)) != 0 ||
	    crypto_jws_sign(rng, key, j->kid, j->payload, strlen(j->payload),
	    &j->token, err, sizeof(err)) != 0)
		snprintf(j->err, sizeof(j->err), "signing: %s", err);
	crypto_eckey_free(key);
	crypto_rng_free(rng);
}

static void
sign_after(struct wardend *d, void *arg)
{
	struct attest_job *j = arg;
	cJSON *r;

	(void)d;
	if (j->token == NULL) {
		log_warnx("attest: %s", j->err);
		control_reply_err(j->c, EXIT_FAIL, "attest: %s", j->err);
	} else {
		r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "token", j->token);
		cJSON_AddNumberToObject(r, "expiresAt", (double)j->exp);
		cJSON_AddRawToObject(r, "claims", j->payload);
		control_reply_ok(j->c, r);
	}
	free(j->token);
	free(j->payload);
	free(j);
}

void
ctl_attest(struct ctl_conn *c, const cJSON *req)
{
	struct wardend *d = control_daemon(c);
	const cJSON *aud, *nonce;
	struct attest_job *j;
	char err[256];
	int64_t now;

	aud = cJSON_GetObjectItemCaseSensitive(req, "audience");
	nonce = cJSON_GetObjectItemCaseSensitive(req, "nonce");
	if ((aud != NULL && claim_valid(aud, "audience", ATTEST_AUDIENCE_MAX,
	    "-._~:/@+=%", err, sizeof(err)) != 0) || (nonce != NULL &&
	    claim_valid(nonce, "nonce", ATTEST_NONCE_MAX, "-_.~+/=", err,
	    sizeof(err)) != 0)) {
		control_reply_err(c, EXIT_USAGE, "attest: %s", err);
		return;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		control_reply_err(c, EXIT_FAIL, "attest: out of memory");
		return;
	}
	j->c = c;
	if (enrolled_device(d, j->kid, sizeof(j->kid), j->key_path,
	    sizeof(j->key_path)) != 0) {
		free(j);
		control_reply_err(c, EXIT_FAIL, "attest: no device key: the "
		    "device is not enrolled");
		return;
	}
	if (!d->have_result)
		compliance_evaluate(d);
	if (!d->have_result) {
		free(j);
		control_reply_err(c, EXIT_FAIL, "attest: no evaluation yet "
		    "(the first scan has not finished)");
		return;
	}
	now = store_now();
	j->exp = now + test_hooks_attest_ttl(ATTEST_TTL);
	if ((j->payload = claims(d, j->kid, aud, nonce, now, j->exp)) ==
	    NULL) {
		free(j);
		control_reply_err(c, EXIT_FAIL, "attest: out of memory");
		return;
	}
	log_info("attest: token for uid %d (verdict %s, expires in %lld s)",
	    (int)control_peer(c)->uid, posture_state_name(d->result.verdict),
	    (long long)(j->exp - now));
	daemon_hal_job(d, sign_work, sign_after, j);
}
