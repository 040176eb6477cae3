/*
 * fuzz_command_signature.c - libFuzzer target for the check of a signed
 * command (agent/session/commands_signature.c): the JWS parser under it and the
 * claims against the command.
 *
 * An input is offered twice: as a compact JWS as received, and, when it
 * holds a newline, as "header JSON\npayload JSON" that this target signs
 * with the key it made, so that mutated headers and claims get past the
 * signature and reach the claim checks. The command is a WIPE of
 * device "dev-1" with id "cmd-1" and params {"wipeReason":"stolen"},
 * checked at NOW.
 *
 * Invariants: anything but OK carries "signature: ..." or "params: ...";
 * an accepted token's verified payload names this device, id and type;
 * the raw input, which no key here signed, is never accepted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agent/session/commands.h"

#define NOW 1760000000LL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char params[] = "{\"wipeReason\":\"stolen\"}";

static struct crypto_rng *rng;
static struct crypto_eckey *key;

static void
init(void)
{
	if (key == NULL && (crypto_rng_new("fuzz_command_signature", &rng,
	    NULL, 0) != 0 || crypto_eckey_generate(rng, &key, NULL, 0) != 0))
		abort();
}

static enum commands_sig_verdict
check(const char *jws, char *why, size_t len)
{
	enum commands_sig_verdict v;

	why[0] = '\0';
	v = commands_signature_check(key, "dev-1", "cmd-1", "WIPE", params,
	    jws, NOW, why, len);
	if (v != COMMANDS_SIG_OK && strncmp(why, "signature: ", 11) != 0 &&
	    strncmp(why, "params: ", 8) != 0)
		abort();
	return v;
}

/* "header.payload.signature" of the two JSON texts, signed by key. */
static char *
sign(const char *header, size_t hlen, const char *payload, size_t plen)
{
	uint8_t sig[CRYPTO_ES256_SIG_LEN];
	size_t cap = crypto_b64url_enclen(hlen) + crypto_b64url_enclen(plen) +
	    100, n;
	char *t = malloc(cap);

	if (t == NULL || crypto_b64url_encode(header, hlen, t, cap) != 0)
		abort();
	n = strlen(t);
	t[n++] = '.';
	if (crypto_b64url_encode(payload, plen, t + n, cap - n) != 0)
		abort();
	n = strlen(t);
	if (crypto_es256_sign(rng, key, t, n, sig) != 0)
		abort();
	t[n++] = '.';
	if (crypto_b64url_encode(sig, sizeof(sig), t + n, cap - n) != 0)
		abort();
	return t;
}

static void
accepted(const char *payload, size_t plen)
{
	cJSON *c = cJSON_ParseWithLength(payload, plen);
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(c, "deviceId");
	const cJSON *i = cJSON_GetObjectItemCaseSensitive(c, "id");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(c, "type");

	if (!cJSON_IsString(d) || strcmp(d->valuestring, "dev-1") != 0 ||
	    !cJSON_IsString(i) || strcmp(i->valuestring, "cmd-1") != 0 ||
	    !cJSON_IsString(t) || strcmp(t->valuestring, "WIPE") != 0)
		abort();
	cJSON_Delete(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl;
	char why[384], *text, *tok;

	if (size > 2 * COMMANDS_SIGNATURE_MAX)
		return 0;
	init();
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (strlen(text) == size && check(text, why, sizeof(why)) ==
	    COMMANDS_SIG_OK)
		abort();
	nl = memchr(text, '\n', size);
	if (nl != NULL && nl > text && (size_t)(nl - text) < size - 1) {
		tok = sign(text, (size_t)(nl - text), nl + 1,
		    size - (size_t)(nl - text) - 1);
		if (check(tok, why, sizeof(why)) == COMMANDS_SIG_OK)
			accepted(nl + 1, size - (size_t)(nl - text) - 1);
		free(tok);
	}
	free(text);
	return 0;
}
