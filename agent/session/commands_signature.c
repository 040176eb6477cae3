/*
 * commands_signature.c - signed commands (commands.h): the server signs
 * each command it queues with its command key (ES256, compact JWS), and
 * a device that received that key at enrollment checks the signature
 * before the command runs. A refused command is answered FAILED,
 * INVALID_VALUE, and recorded as an event; it never reaches the engine.
 *
 * Mutual TLS already authenticates the server; the signature is what
 * still holds when the channel does not: a compromised front end, a
 * replaying proxy, a database row edited on the server after the admin
 * queued it. So the signature covers everything that decides what runs
 * (device, id, type, params) and when it may run (createTime,
 * expireTime), and replay of a signed id is caught by the inbox keeping
 * each signed row for longer than any signature can live (inbox.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/session/commands.h"
#include "agent/policy/policy.h"
#include "agent/session/server.h"

/* Types that must be signed when the device holds a command key: what
 * cannot be undone, and what hands the device or its data to someone. */
static const char *const must_sign[] = { "WIPE", "CLEAR_APP_DATA",
    "RELINQUISH_OWNERSHIP", "RESET_PASSWORD", "RETIRE", NULL };

static const char *const members[] = { "deviceId", "id", "type", "params",
    "createTime", "expireTime", NULL };

#define TIME_MAX 9007199254740992.0	/* 2^53: exact in a double */

bool
commands_signature_required(const char *type)
{
	size_t i;

	for (i = 0; must_sign[i] != NULL; i++)
		if (strcmp(must_sign[i], type) == 0)
			return true;
	return false;
}

static enum commands_sig_verdict __attribute__((format(printf, 3, 4)))
refuse(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return COMMANDS_SIG_REFUSED;
}

/* True when an object anywhere in v has two members of one name (cJSON
 * keeps both, and a comparison would see only the first). */
static bool
has_duplicate(const cJSON *v)
{
	const cJSON *a, *b;

	for (a = v->child; a != NULL; a = a->next) {
		if (cJSON_IsObject(v))
			for (b = a->next; b != NULL; b = b->next)
				if (strcmp(a->string, b->string) == 0)
					return true;
		if (has_duplicate(a))
			return true;
	}
	return false;
}

/* Zeroes every string in v: a RESET_PASSWORD's claims hold the new
 * passcode. */
static void
zero_strings(cJSON *v)
{
	cJSON *c;

	if (v == NULL)
		return;
	if (cJSON_IsString(v) && v->valuestring != NULL)
		crypto_zero(v->valuestring, strlen(v->valuestring));
	for (c = v->child; c != NULL; c = c->next)
		zero_strings(c);
}

/* An integer number of seconds, 0 .. 2^53. */
static int
seconds(const cJSON *v, int64_t *out)
{
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
	    v->valuedouble > TIME_MAX ||
	    v->valuedouble != (double)(int64_t)v->valuedouble)
		return -1;
	*out = (int64_t)v->valuedouble;
	return 0;
}


/* The claims of a verified payload against the command as received. */
static enum commands_sig_verdict
check_claims(const cJSON *claims, const char *device_id, const char *id,
    const char *type, const cJSON *params, int64_t now, char *why,
    size_t whylen)
{
	const cJSON *m, *v;
	int64_t created, expires;
	char when[32];
	size_t i;

	if (!cJSON_IsObject(claims))
		return refuse(why, whylen, "signature: the payload is not a "
		    "JSON object");
	if (has_duplicate(claims))
		return refuse(why, whylen, "signature: the payload has a "
		    "member twice");
	for (m = claims->child; m != NULL; m = m->next) {
		for (i = 0; members[i] != NULL; i++)
			if (strcmp(m->string, members[i]) == 0)
				break;
		if (members[i] == NULL)
			return refuse(why, whylen, "signature: the payload "
			    "has an unknown member");
	}
	v = cJSON_GetObjectItemCaseSensitive(claims, "deviceId");
	if (!cJSON_IsString(v))
		return refuse(why, whylen, "signature: deviceId: missing");
	if (strcmp(v->valuestring, device_id) != 0)
		return refuse(why, whylen, "signature: signed for another "
		    "device");
	v = cJSON_GetObjectItemCaseSensitive(claims, "id");
	if (!cJSON_IsString(v))
		return refuse(why, whylen, "signature: id: missing");
	if (strcmp(v->valuestring, id) != 0)
		return refuse(why, whylen, "signature: signed for another "
		    "command (the id differs)");
	v = cJSON_GetObjectItemCaseSensitive(claims, "type");
	if (!cJSON_IsString(v))
		return refuse(why, whylen, "signature: type: missing");
	if (strcmp(v->valuestring, type) != 0)
		return refuse(why, whylen, "signature: signed for another "
		    "type (%.32s)", v->valuestring);
	v = cJSON_GetObjectItemCaseSensitive(claims, "params");
	if (!cJSON_IsObject(v))
		return refuse(why, whylen, "signature: params: missing or not "
		    "an object");
	if (!cJSON_Compare(v, params, true))
		return refuse(why, whylen, "signature: params differ from the "
		    "signed ones");
	if (seconds(cJSON_GetObjectItemCaseSensitive(claims, "createTime"),
	    &created) != 0)
		return refuse(why, whylen, "signature: createTime: missing or "
		    "not whole seconds since 1970");
	if (seconds(cJSON_GetObjectItemCaseSensitive(claims, "expireTime"),
	    &expires) != 0)
		return refuse(why, whylen, "signature: expireTime: missing or "
		    "not whole seconds since 1970");
	if (expires <= created)
		return refuse(why, whylen, "signature: expireTime is not after "
		    "createTime");
	if (expires - created > COMMANDS_SIGNED_LIFETIME_MAX)
		return refuse(why, whylen, "signature: valid for longer than "
		    "%d seconds", COMMANDS_SIGNED_LIFETIME_MAX);
	/* The bound the inbox's retention relies on (inbox.c). */
	if (created > now + COMMANDS_SIGNED_SKEW)
		return refuse(why, whylen, "signature: createTime is more than "
		    "%d seconds ahead of this device's clock",
		    COMMANDS_SIGNED_SKEW);
	if (now >= expires) {
		rfc3339_format(expires, when, sizeof(when));
		snprintf(why, whylen, "signature: expired at %s", when);
		return COMMANDS_SIG_EXPIRED;
	}
	return COMMANDS_SIG_OK;
}

enum commands_sig_verdict
commands_signature_check(const struct crypto_eckey *key,
    const char *device_id, const char *id, const char *type,
    const char *params, const char *jws, int64_t now, char *why,
    size_t whylen)
{
	enum commands_sig_verdict v;
	struct crypto_jws t;
	cJSON *claims = NULL, *p = NULL;
	char err[CRYPTO_ERR_MAX];
	size_t len;

	if (jws == NULL) {
		if (commands_signature_required(type))
			return refuse(why, whylen, "signature: missing; %.32s "
			    "must be signed", type);
		return COMMANDS_SIG_OK;
	}
	if (key == NULL)
		return refuse(why, whylen, "signature: this device holds no "
		    "command key to verify it with");
	if ((len = strlen(jws)) > COMMANDS_SIGNATURE_MAX)
		return refuse(why, whylen, "signature: longer than %d bytes",
		    COMMANDS_SIGNATURE_MAX);
	if (params == NULL)
		params = "{}";
	if (strlen(params) > COMMANDS_PARAMS_MAX ||
	    (p = cJSON_Parse(params)) == NULL || !cJSON_IsObject(p) ||
	    has_duplicate(p)) {
		cJSON_Delete(p);
		return refuse(why, whylen, "params: not a JSON object of at "
		    "most %d bytes without duplicate members",
		    COMMANDS_PARAMS_MAX);
	}
	if (crypto_jws_parse_unverified(jws, len, &t, err, sizeof(err)) !=
	    0) {
		cJSON_Delete(p);
		return refuse(why, whylen, "signature: %s", err);
	}
	if (strcmp(t.typ, COMMANDS_SIGNATURE_TYP) != 0) {
		v = refuse(why, whylen, "signature: typ is not \"%s\"",
		    COMMANDS_SIGNATURE_TYP);
		goto out;
	}
	if (crypto_es256_verify(key, jws, t.signing_input_len, t.sig) != 0) {
		v = refuse(why, whylen, "signature: does not verify with the "
		    "server's command key");
		goto out;
	}
	if ((claims = cJSON_ParseWithOpts(t.payload, NULL, 1)) == NULL) {
		v = refuse(why, whylen, "signature: the payload is not JSON");
		goto out;
	}
	v = check_claims(claims, device_id, id, type, p, now, why, whylen);
out:
	zero_strings(claims);
	cJSON_Delete(claims);
	zero_strings(p);
	cJSON_Delete(p);
	crypto_jws_clear(&t);
	return v;
}

void
commands_signature_digest(const char *jws, char out[COMMANDS_DIGEST_LEN])
{
	static const char digits[] = "0123456789abcdef";
	uint8_t h[CRYPTO_SHA256_LEN];
	size_t i;

	crypto_sha256(jws, strlen(jws), h);
	memcpy(out, "sha256:", 7);
	for (i = 0; i < sizeof(h); i++) {
		out[7 + 2 * i] = digits[h[i] >> 4];
		out[8 + 2 * i] = digits[h[i] & 15];
	}
	out[7 + 2 * sizeof(h)] = '\0';
}

void
commands_event(struct server *sv, const char *kind, const char *id,
    const char *type, const char *why)
{
	char key[TRANSPORT_KEY_MAX + 1], detail[512];
	const char *name;
	cJSON *o;
	char *json;

	snprintf(detail, sizeof(detail), "%s %s: %s", id, type, why);
	store_event(sv->d->store, kind, detail);
	if (strcmp(kind, "command-refused") == 0)
		name = "COMMAND_REFUSED";
	else if (strcmp(kind, "command-replayed") == 0)
		name = "COMMAND_REPLAYED";
	else
		name = "COMMAND_ID_REUSED";
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", name);
	cJSON_AddStringToObject(o, "commandId", id);
	cJSON_AddStringToObject(o, "commandType", type);
	cJSON_AddStringToObject(o, "reason", why);
	json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	/* One pending event per kind and command: a replaying peer does not
	 * fill the outbox. Ids are safe in a key (rest_json_safe_id). */
	snprintf(key, sizeof(key), "%s-%s", kind, id);
	if (json != NULL && store_outbox_add(sv->d->store, "event", key, json,
	    sv->d->conf.outbox_max) == 0)
		outbox_send(sv);
	free(json);
}

int
commands_signature_admit(struct server *sv, const char *id,
    const char *type, const char *params, const char *signature)
{
	char why[384];

	if (sv->command_key == NULL)
		return 0;	/* a server that signs nothing */
	switch (commands_signature_check(sv->command_key, sv->device_id, id,
	    type, params, signature, store_now(), why, sizeof(why))) {
	case COMMANDS_SIG_OK:
		return 0;
	case COMMANDS_SIG_EXPIRED:
		inbox_finish(sv, id, "EXPIRED", NULL, why);
		return -1;
	case COMMANDS_SIG_REFUSED:
		break;
	}
	log_warnx("command %s: %s refused: %s", id, type, why);
	if (strcmp(type, "RESET_PASSWORD") == 0)
		commands_scrub(sv, id);
	commands_event(sv, "command-refused", id, type, why);
	inbox_finish(sv, id, "FAILED", "INVALID_VALUE", why);
	return -1;
}
