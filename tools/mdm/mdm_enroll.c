/*
 * mdm_enroll.c - POST /v1/enroll and POST /v1/devices/{id}/certificate:
 * a device proves an enrollment token once, sends a CSR for the key it
 * made itself, and gets a certificate whose CN is the device id this
 * server assigns. Renewal signs a new CSR for an enrolled device.
 *
 * The token is checked before the CSR and used only when everything else
 * has succeeded, in the same transaction that stores the device, so a
 * device whose request was malformed may retry with the same token.
 * Enrollment is idempotent: a device whose answer was lost repeats the
 * request with the same token and the same key and gets the same id and
 * certificate again (200 instead of 201), for as long as the token would
 * have been valid; a spent token with any other key stays refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/mdm/mdm.h"

int
mdm_new_id(struct crypto_rng *rng, char out[MDM_HEXID_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	uint8_t b[MDM_HEXID_LEN / 2];
	size_t i;

	if (crypto_rng_bytes(rng, b, sizeof(b)) != 0)
		return -1;
	for (i = 0; i < sizeof(b); i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[MDM_HEXID_LEN] = '\0';
	return 0;
}

/* The request's members, checked. */
struct enroll_req {
	const char *token;
	const char *csr;
	char *info;	/* the "device" object as text, malloc'd */
};

static int
check_request(const cJSON *root, struct enroll_req *er, char *err,
    size_t errlen)
{
	static const char *const fields[] = { "enrollmentToken", "csr",
		"device", NULL };
	const cJSON *t, *c, *d;

	if (mdm_json_only(root, fields, "", err, errlen) != 0)
		return -1;
	t = cJSON_GetObjectItemCaseSensitive(root, "enrollmentToken");
	c = cJSON_GetObjectItemCaseSensitive(root, "csr");
	d = cJSON_GetObjectItemCaseSensitive(root, "device");
	if (!cJSON_IsString(t) || t->valuestring[0] == '\0' ||
	    strlen(t->valuestring) > MDM_TOKEN_MAX) {
		snprintf(err, errlen, "enrollmentToken: required, a string of "
		    "1 to %d characters", MDM_TOKEN_MAX);
		return -1;
	}
	if (!cJSON_IsString(c) || strlen(c->valuestring) > CRYPTO_CSR_MAX) {
		snprintf(err, errlen, "csr: required, a PEM certificate "
		    "request of at most %d bytes", CRYPTO_CSR_MAX);
		return -1;
	}
	if (d != NULL && !cJSON_IsObject(d)) {
		snprintf(err, errlen, "device: not an object");
		return -1;
	}
	er->token = t->valuestring;
	er->csr = c->valuestring;
	er->info = d != NULL ? mdm_json_print(d) : strdup("{}");
	if (er->info == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (strlen(er->info) > MDM_DEVICE_INFO_MAX) {
		snprintf(err, errlen, "device: larger than %d bytes",
		    MDM_DEVICE_INFO_MAX);
		return -1;
	}
	return 0;
}

static cJSON *
enroll_reply(struct mdm_server *srv, const char *id, const char *pem)
{
	char version[MDM_VERSION_MAX + 1], name[MDM_ID_MAX + 16];
	cJSON *root, *policy;
	char *json;

	if (mdm_store_policy_get(srv->store, id, &json, version) != 0)
		return NULL;
	policy = cJSON_Parse(json);
	free(json);
	snprintf(name, sizeof(name), "devices/%s", id);
	root = cJSON_CreateObject();
	if (policy == NULL || root == NULL ||
	    cJSON_AddStringToObject(root, "deviceId", id) == NULL ||
	    cJSON_AddStringToObject(root, "name", name) == NULL ||
	    cJSON_AddStringToObject(root, "certificate", pem) == NULL ||
	    cJSON_AddStringToObject(root, "caCertificate", srv->ca.ca_pem) ==
	    NULL || !cJSON_AddItemToObject(root, "policy", policy)) {
		cJSON_Delete(policy);
		cJSON_Delete(root);
		return NULL;
	}
	policy = NULL;
	if (cJSON_AddNumberToObject(root, "pollTimeoutSeconds",
	    srv->poll_timeout) == NULL || (srv->command_signing &&
	    cJSON_AddStringToObject(root, "commandKey",
	    srv->ca.command_key_pem) == NULL)) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

/* The token is a secret: it leaves no copy in freed memory. */
static void
wipe_token(cJSON *root)
{
	cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "enrollmentToken");

	if (cJSON_IsString(t))
		crypto_zero(t->valuestring, strlen(t->valuestring));
}

/* Checks a CSR (its signature verified once, here) and gives its public
 * key, for the certificate, and the SHA-256 of that key (DER
 * SubjectPublicKeyInfo). *pub is the caller's to free. */
static int
csr_key_hash(const char *csr, uint8_t out[CRYPTO_SHA256_LEN],
    char cn[CRYPTO_CN_MAX + 1], struct crypto_eckey **pub, char *err,
    size_t errlen)
{
	uint8_t *der = NULL;
	size_t len;

	*pub = NULL;
	if (crypto_csr_check(csr, strlen(csr), cn, pub, err, errlen) != 0)
		return -1;
	if (crypto_eckey_public_der(*pub, &der, &len) != 0) {
		crypto_eckey_free(*pub);
		*pub = NULL;
		snprintf(err, errlen, "csr: its public key cannot be encoded");
		return -1;
	}
	crypto_sha256(der, len, out);
	free(der);
	return 0;
}

/* A used token: answers again when the same key made the enrollment.
 * Returns 1 when resp is filled, 0 to refuse the token as used. */
static int
replay(struct mdm_server *srv, const uint8_t hash[CRYPTO_SHA256_LEN],
    const char *csr, struct mdm_resp *resp)
{
	char err[MDM_ERR_MAX], cn[CRYPTO_CN_MAX + 1], id[MDM_ID_MAX + 1];
	uint8_t key[CRYPTO_SHA256_LEN];
	struct crypto_eckey *pub;
	cJSON *reply;
	char *pem;
	int rc;

	if (csr_key_hash(csr, key, cn, &pub, err, sizeof(err)) != 0)
		return 0;
	crypto_eckey_free(pub);
	rc = mdm_store_enroll_replay(srv->store, hash, key, time(NULL), id,
	    &pem);
	if (rc < 0) {
		mdm_resp_error(resp, 500, "database error");
		return 1;
	}
	if (rc > 0)
		return 0;
	if ((reply = enroll_reply(srv, id, pem)) == NULL)
		mdm_resp_error(resp, 500, "out of memory or database error");
	else
		mdm_resp_json(resp, 200, reply);
	free(pem);
	mdm_log_info("device %s repeated its enrollment: answered again",
	    id);
	mdm_fault_enrollment(srv, resp);
	return 1;
}

void
mdm_enroll(struct mdm_call *call, struct mdm_resp *resp)
{
	struct mdm_server *srv = call->srv;
	struct enroll_req er = { 0 };
	uint8_t hash[CRYPTO_SHA256_LEN], key[CRYPTO_SHA256_LEN];
	enum mdm_token_state state;
	struct mdm_device dev;
	struct mdm_cert cert;
	struct crypto_eckey *pub = NULL;
	char err[MDM_ERR_MAX], cn[CRYPTO_CN_MAX + 1];
	char *pem = NULL;
	cJSON *root, *reply;

	if ((root = mdm_call_object(call, resp)) == NULL)
		return;
	if (check_request(root, &er, err, sizeof(err)) != 0) {
		mdm_resp_error(resp, 400, "%s", err);
		goto out;
	}
	crypto_sha256(er.token, strlen(er.token), hash);
	memset(&dev, 0, sizeof(dev));
	if (mdm_store_token_check(srv->store, hash, time(NULL), &state,
	    dev.mode, sizeof(dev.mode)) != 0) {
		mdm_resp_error(resp, 500, "database error");
		goto out;
	}
	if (state == MDM_TOKEN_USED && replay(srv, hash, er.csr, resp))
		goto out;
	if (state != MDM_TOKEN_VALID) {
		mdm_resp_error(resp, 403, "%s", mdm_token_state_text(state));
		goto out;
	}
	if (csr_key_hash(er.csr, key, cn, &pub, err, sizeof(err)) != 0) {
		mdm_resp_error(resp, 400, "%s", err);
		goto out;
	}
	if (mdm_new_id(srv->rng, dev.id) != 0 ||
	    mdm_ca_issue_client(&srv->ca, srv->rng, pub, dev.id,
	    srv->cert_days, &pem, &cert, err, sizeof(err)) != 0) {
		mdm_log_warnx("enrollment: issuing a certificate: %s", err);
		mdm_resp_error(resp, 500, "the certificate could not be issued");
		goto out;
	}
	if (mdm_store_enroll(srv->store, hash, time(NULL), &dev, er.info,
	    &cert, key, pem, &state) != 0) {
		mdm_resp_error(resp, 500, "database error");
		goto out;
	}
	if (state != MDM_TOKEN_VALID) {
		/* Another enrollment used the token meanwhile. */
		mdm_resp_error(resp, 403, "%s", mdm_token_state_text(state));
		goto out;
	}
	if ((reply = enroll_reply(srv, dev.id, pem)) == NULL) {
		mdm_resp_error(resp, 500, "out of memory or database error");
		goto out;
	}
	mdm_attest_cert_save(srv->dir, dev.id, pem);
	mdm_log_info("enrolled device %s (%s; its request named CN=%s)",
	    dev.id, dev.mode, cn);
	mdm_resp_json(resp, 201, reply);
	mdm_fault_enrollment(srv, resp);
out:
	wipe_token(root);
	crypto_zero(hash, sizeof(hash));
	crypto_eckey_free(pub);
	free(er.info);
	free(pem);
	cJSON_Delete(root);
}

void
mdm_enroll_renew(struct mdm_call *call, struct mdm_resp *resp)
{
	static const char *const fields[] = { "csr", NULL };
	struct mdm_server *srv = call->srv;
	char err[MDM_ERR_MAX], cn[CRYPTO_CN_MAX + 1];
	struct mdm_cert cert;
	struct crypto_eckey *pub = NULL;
	const cJSON *csr;
	char *pem = NULL;
	cJSON *root, *reply;

	if ((root = mdm_call_object(call, resp)) == NULL)
		return;
	if (mdm_json_only(root, fields, "", err, sizeof(err)) != 0) {
		mdm_resp_error(resp, 400, "%s", err);
		goto out;
	}
	csr = cJSON_GetObjectItemCaseSensitive(root, "csr");
	if (!cJSON_IsString(csr) || strlen(csr->valuestring) >
	    CRYPTO_CSR_MAX) {
		mdm_resp_error(resp, 400, "csr: required, a PEM certificate "
		    "request of at most %d bytes", CRYPTO_CSR_MAX);
		goto out;
	}
	if (crypto_csr_check(csr->valuestring, strlen(csr->valuestring), cn,
	    &pub, err, sizeof(err)) != 0) {
		mdm_resp_error(resp, 400, "%s", err);
		goto out;
	}
	if (mdm_ca_issue_client(&srv->ca, srv->rng, pub, call->device,
	    srv->cert_days, &pem, &cert, err, sizeof(err)) != 0) {
		mdm_log_warnx("renewal: issuing a certificate: %s", err);
		mdm_resp_error(resp, 500, "the certificate could not be issued");
		goto out;
	}
	if (mdm_store_cert_add(srv->store, call->device, &cert, time(NULL)) !=
	    0) {
		mdm_resp_error(resp, 500, "database error");
		goto out;
	}
	reply = cJSON_CreateObject();
	if (cJSON_AddStringToObject(reply, "certificate", pem) == NULL) {
		cJSON_Delete(reply);
		reply = NULL;
	}
	mdm_attest_cert_save(srv->dir, call->device, pem);
	mdm_log_info("device %s: certificate renewed", call->device);
	mdm_resp_json(resp, 200, reply);
out:
	crypto_eckey_free(pub);
	free(pem);
	cJSON_Delete(root);
}
