/*
 * lwm2m_session_store.c - what the LwM2M session reads from the store:
 * the provisioning request it was enrolled with, whether that asks for
 * LwM2M, the server's policy in force, and Security and Server — as a
 * bootstrap server or an earlier run left them, else made from the
 * request — and the endpoint name kept there (lwm2m_session.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "agent/core/core.h"
#include "agent/provision/provision.h"
#include "agent/session/lwm2m_session.h"
#include "agent/transport/transport.h"
#include "crypto/crypto.h"

#define ENDPOINT_PREFIX "urn:dev:warden:"

struct prov_request *
lwm2m_stored_request(struct wardend *d, char *err, size_t errlen)
{
	struct prov_request *req;
	sqlite3_stmt *q;
	int rc = -1;

	if ((req = calloc(1, sizeof(*req))) == NULL)
		return NULL;
	snprintf(err, errlen, "no stored enrollment request");
	if (sqlite3_prepare_v2(store_db(d->store), "SELECT request FROM "
	    "enrollment WHERE id = 1", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		rc = prov_request_from_json((const char *)sqlite3_column_text(q,
		    0), (size_t)sqlite3_column_bytes(q, 0), true, req, err,
		    errlen);
	sqlite3_finalize(q);
	if (rc != 0) {
		prov_request_clear(req);
		free(req);
		return NULL;
	}
	return req;
}

bool
lwm2m_session_wanted(struct wardend *d)
{
	sqlite3_stmt *q;
	cJSON *doc = NULL;
	bool lwm2m = false;

	if (sqlite3_prepare_v2(store_db(d->store), "SELECT request FROM "
	    "enrollment WHERE id = 1", -1, &q, NULL) != SQLITE_OK)
		return false;
	if (sqlite3_step(q) == SQLITE_ROW)
		doc = cJSON_Parse((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	lwm2m = strcmp(lwm2m_pol_str(doc, "binding", ""), "lwm2m") == 0;
	prov_json_delete(doc);
	return lwm2m;
}

char *
lwm2m_stored_server_policy(struct wardend *d)
{
	sqlite3_stmt *q;
	char *raw = NULL;

	if (sqlite3_prepare_v2(store_db(d->store), "SELECT raw FROM policies "
	    "WHERE active = 1 AND source = 'server' ORDER BY id DESC LIMIT 1",
	    -1, &q, NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_step(q) == SQLITE_ROW)
		raw = strdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return raw;
}

int
lwm2m_stored_objects(struct store *st, struct lwm2m_objects *objs,
    const struct prov_request *req, char *err, size_t errlen)
{
	struct lwm2m_security x;
	struct lwm2m_server v;
	char *sec = store_kv_get(st, "lwm2m_security");
	char *srv = store_kv_get(st, "lwm2m_server");
	int rc = -1;

	if (sec != NULL && srv != NULL) {
		rc = lwm2m_security_load(objs, sec, err, errlen) == 0 &&
		    lwm2m_server_load(objs, srv, err, errlen) == 0 ? 0 :
		    -1;
		goto out;
	}
	memset(&x, 0, sizeof(x));
	if (strlen(req->server_url) > LWM2M_URI_MAX) {
		snprintf(err, errlen, "the server URL is longer than %d bytes",
		    LWM2M_URI_MAX);
		goto out;
	}
	snprintf(x.uri, sizeof(x.uri), "%.*s", LWM2M_URI_MAX,
	    req->server_url);
	x.bootstrap = req->lwm2m_bootstrap;
	x.ssid = x.bootstrap ? 0 : 1;
	if (strncasecmp(req->server_url, "coap://", 7) == 0) {
		x.mode = LWM2M_SEC_NOSEC;
	} else if (req->psk_key_len > 0) {
		x.mode = LWM2M_SEC_PSK;
		memcpy(x.identity, req->psk_identity,
		    strlen(req->psk_identity));
		x.identity_len = strlen(req->psk_identity);
		memcpy(x.secret, req->psk_key, req->psk_key_len);
		x.secret_len = req->psk_key_len;
	} else {
		/* libcoap checks a server certificate only against a trust
		 * anchor it holds, so a pin alone is not enough */
		snprintf(err, errlen, "coaps:// with a certificate pin and no "
		    "PSK: UNSUPPORTED (certificate mode needs the server's "
		    "certificate from an LwM2M bootstrap server)");
		goto out;
	}
	lwm2m_security_set(objs, &x);
	crypto_zero(&x, sizeof(x));
	if (!req->lwm2m_bootstrap) {
		memset(&v, 0, sizeof(v));
		v.ssid = 1;
		v.lifetime = LWM2M_LIFETIME_DEFAULT;
		v.disable_timeout = 86400;
		v.storing = true;
		snprintf(v.binding, sizeof(v.binding), "U");
		lwm2m_server_set(objs, &v);
	} else {
		lwm2m_server_clear(objs);
	}
	rc = 1;
out:
	if (sec != NULL)
		crypto_zero(sec, strlen(sec));
	free(sec);
	free(srv);
	return rc;
}

/* An endpoint name from the serial, or a random one kept in the store
 * (a personal device, or a serial that cannot be one). */
void
lwm2m_endpoint_name(struct store *st, struct crypto_rng *rng,
    const char *serial, bool personal, char *out, size_t len)
{
	const char *ok = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-_";
	size_t n = strlen(serial), i;
	uint8_t r[8];
	char *v;

	if (!personal && n > 0 && n <= LWM2M_ENDPOINT_MAX -
	    strlen(ENDPOINT_PREFIX) && strspn(serial, ok) == n) {
		snprintf(out, len, "%s%.*s",
		    ENDPOINT_PREFIX, (int)n, serial);
		return;
	}
	if ((v = store_kv_get(st, "lwm2m_endpoint")) != NULL &&
	    strlen(v) <= LWM2M_ENDPOINT_MAX && v[0] != '\0') {
		snprintf(out, len, "%s", v);
		free(v);
		return;
	}
	free(v);
	if (crypto_rng_bytes(rng, r, sizeof(r)) != 0)
		memset(r, 0, sizeof(r));
	i = (size_t)snprintf(out, len, "%s",
	    ENDPOINT_PREFIX);
	for (n = 0; n < sizeof(r); n++, i += 2)
		snprintf(out + i, len - i, "%02x",
		    r[n]);
	store_kv_set(st, "lwm2m_endpoint", out);
}
