/*
 * jws.c - compact JWS (RFC 7515) signed and verified with ES256 only.
 *
 * The token is outside input: its size is bounded before anything is
 * decoded, every part is strictly base64url, the protected header is a
 * small JSON object checked member by member, and the algorithm is fixed
 * to ES256 whatever the header says (no "none", no algorithm confusion).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "crypto/crypto_int.h"

#define SIG_B64_LEN 86		/* 64 bytes, unpadded base64url */
#define CTY_MAX 64
#define NAME_SHOWN 32		/* header member names quoted in errors */

/* True when s is 1 .. max printable ASCII characters. */
static bool
printable(const char *s, size_t max)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++)
		if ((unsigned char)s[n] < 0x20 || (unsigned char)s[n] > 0x7e ||
		    n >= max)
			return false;
	return n > 0;
}

/* Copies an untrusted member name for an error message. */
static void
shown_name(const char *name, char *buf, size_t len)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < len && i < NAME_SHOWN; i++)
		buf[i] = (unsigned char)name[i] >= 0x20 &&
		    (unsigned char)name[i] <= 0x7e ? name[i] : '?';
	buf[i] = '\0';
}

static int
header_string(const cJSON *m, const char *name, size_t max, char *dst,
    size_t dstlen, char *err, size_t errlen)
{
	if (!cJSON_IsString(m)) {
		crypto_seterr(err, errlen, "jws.header.%s: must be a string",
		    name);
		return -1;
	}
	if (!printable(m->valuestring, max)) {
		crypto_seterr(err, errlen, "jws.header.%s: must be 1..%zu "
		    "printable ASCII characters", name, max);
		return -1;
	}
	if (dst != NULL)
		snprintf(dst, dstlen, "%s", m->valuestring);
	return 0;
}

static int
check_header(const char *json, struct crypto_jws *out, char *err,
    size_t errlen)
{
	cJSON *root, *m, *o;
	char name[NAME_SHOWN + 1];
	bool have_alg = false;
	int rc = -1;

	if ((root = cJSON_ParseWithOpts(json, NULL, 1)) == NULL) {
		crypto_seterr(err, errlen, "jws.header: not valid JSON");
		return -1;
	}
	if (!cJSON_IsObject(root)) {
		crypto_seterr(err, errlen, "jws.header: must be a JSON object");
		goto out;
	}
	for (m = root->child; m != NULL; m = m->next) {
		shown_name(m->string, name, sizeof(name));
		/* cJSON keeps duplicates; a second "alg" must not hide. */
		for (o = root->child; o != m; o = o->next)
			if (strcmp(o->string, m->string) == 0) {
				crypto_seterr(err, errlen,
				    "jws.header.%s: duplicate member", name);
				goto out;
			}
		if (strcmp(m->string, "alg") == 0) {
			if (!cJSON_IsString(m)) {
				crypto_seterr(err, errlen,
				    "jws.header.alg: must be a string");
				goto out;
			}
			if (strcmp(m->valuestring, "ES256") != 0) {
				shown_name(m->valuestring, name, sizeof(name));
				crypto_seterr(err, errlen, "jws.header.alg: "
				    "\"%s\" is not accepted (only ES256)",
				    name);
				goto out;
			}
			have_alg = true;
		} else if (strcmp(m->string, "kid") == 0) {
			if (header_string(m, "kid", CRYPTO_JWS_KID_MAX,
			    out->kid, sizeof(out->kid), err, errlen) != 0)
				goto out;
		} else if (strcmp(m->string, "typ") == 0) {
			if (header_string(m, "typ", CRYPTO_JWS_TYP_MAX,
			    out->typ, sizeof(out->typ), err, errlen) != 0)
				goto out;
		} else if (strcmp(m->string, "cty") == 0) {
			if (header_string(m, "cty", CTY_MAX, NULL, 0, err,
			    errlen) != 0)
				goto out;
		} else if (strcmp(m->string, "crit") == 0) {
			crypto_seterr(err, errlen, "jws.header.crit: no "
			    "critical extension is supported");
			goto out;
		} else {
			crypto_seterr(err, errlen,
			    "jws.header.%s: unsupported parameter", name);
			goto out;
		}
	}
	if (!have_alg) {
		crypto_seterr(err, errlen, "jws.header.alg: missing");
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}

int
crypto_jws_parse_unverified(const char *token, size_t len,
    struct crypto_jws *out, char *err, size_t errlen)
{
	char header[CRYPTO_JWS_HEADER_MAX / 4 * 3 + 3];
	const char *d1, *d2, *p;
	size_t hlen, plen, slen, n;

	memset(out, 0, sizeof(*out));
	if (len == 0 || len > CRYPTO_JWS_MAX) {
		crypto_seterr(err, errlen, "jws: size %zu out of range 1..%d",
		    len, CRYPTO_JWS_MAX);
		return -1;
	}
	d1 = memchr(token, '.', len);
	d2 = d1 != NULL ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - token)) :
	    NULL;
	if (d2 == NULL || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - token))
	    != NULL) {
		crypto_seterr(err, errlen,
		    "jws: must be three parts separated by '.'");
		return -1;
	}
	hlen = (size_t)(d1 - token);
	p = d1 + 1;
	plen = (size_t)(d2 - p);
	slen = len - (size_t)(d2 + 1 - token);

	if (hlen == 0 || hlen > CRYPTO_JWS_HEADER_MAX) {
		crypto_seterr(err, errlen, "jws.header: encoded size %zu "
		    "out of range 1..%d", hlen, CRYPTO_JWS_HEADER_MAX);
		return -1;
	}
	if (crypto_b64url_decode(token, hlen, (uint8_t *)header,
	    sizeof(header) - 1, &n) != 0) {
		crypto_seterr(err, errlen, "jws.header: invalid base64url");
		return -1;
	}
	header[n] = '\0';
	if (strlen(header) != n) {
		crypto_seterr(err, errlen, "jws.header: contains a NUL byte");
		return -1;
	}
	if (check_header(header, out, err, errlen) != 0)
		goto fail;

	if (slen != SIG_B64_LEN) {
		crypto_seterr(err, errlen, "jws.signature: must be %d bytes "
		    "(r || s), not %zu base64url characters",
		    CRYPTO_ES256_SIG_LEN, slen);
		goto fail;
	}
	if (crypto_b64url_decode(d2 + 1, slen, out->sig, sizeof(out->sig),
	    &n) != 0 || n != CRYPTO_ES256_SIG_LEN) {
		crypto_seterr(err, errlen, "jws.signature: invalid base64url");
		goto fail;
	}

	if (plen == 0) {
		crypto_seterr(err, errlen, "jws.payload: empty");
		goto fail;
	}
	if ((out->payload = malloc(plen / 4 * 3 + 3)) == NULL) {
		crypto_seterr(err, errlen, "jws.payload: out of memory");
		goto fail;
	}
	if (crypto_b64url_decode(p, plen, (uint8_t *)out->payload,
	    plen / 4 * 3 + 2, &out->payload_len) != 0) {
		crypto_seterr(err, errlen, "jws.payload: invalid base64url");
		goto fail;
	}
	out->payload[out->payload_len] = '\0';
	if (strlen(out->payload) != out->payload_len) {
		crypto_seterr(err, errlen, "jws.payload: contains a NUL byte");
		goto fail;
	}
	out->signing_input_len = (size_t)(d2 - token);
	return 0;
fail:
	crypto_jws_clear(out);
	return -1;
}

int
crypto_jws_verify(const char *token, size_t len,
    const struct crypto_eckey *key, struct crypto_jws *out, char *err,
    size_t errlen)
{
	if (crypto_jws_parse_unverified(token, len, out, err, errlen) != 0)
		return -1;
	if (key == NULL || crypto_es256_verify(key, token,
	    out->signing_input_len, out->sig) != 0) {
		crypto_seterr(err, errlen,
		    "jws.signature: verification failed");
		crypto_jws_clear(out);
		return -1;
	}
	return 0;
}

void
crypto_jws_clear(struct crypto_jws *jws)
{
	if (jws == NULL)
		return;
	/* A verified payload may carry secrets (a passcode reset). */
	crypto_free_secret(jws->payload, jws->payload_len);
	memset(jws, 0, sizeof(*jws));
}

/* Appends the base64url of data at *pos in buf (cap bytes). */
static int
append_b64(char *buf, size_t cap, size_t *pos, const void *data, size_t len)
{
	if (crypto_b64url_encode(data, len, buf + *pos, cap - *pos) != 0)
		return -1;
	*pos += crypto_b64url_enclen(len);
	return 0;
}

int
crypto_jws_sign(struct crypto_rng *rng, const struct crypto_eckey *key,
    const char *kid, const char *payload, size_t len, char **out, char *err,
    size_t errlen)
{
	return crypto_jws_sign_typ(rng, key, "JWT", kid, payload, len, out,
	    err, errlen);
}

int
crypto_jws_sign_typ(struct crypto_rng *rng, const struct crypto_eckey *key,
    const char *typ, const char *kid, const char *payload, size_t len,
    char **out, char *err, size_t errlen)
{
	uint8_t sig[CRYPTO_ES256_SIG_LEN];
	cJSON *hdr = NULL;
	char *hjson = NULL, *buf = NULL;
	size_t cap, pos = 0;
	int rc = -1;

	*out = NULL;
	if (!crypto_eckey_has_private(key)) {
		crypto_seterr(err, errlen, "jws: key cannot sign");
		return -1;
	}
	if (kid != NULL && !printable(kid, CRYPTO_JWS_KID_MAX)) {
		crypto_seterr(err, errlen, "jws.header.kid: must be 1..%d "
		    "printable ASCII characters", CRYPTO_JWS_KID_MAX);
		return -1;
	}
	if (typ == NULL || !printable(typ, CRYPTO_JWS_TYP_MAX)) {
		crypto_seterr(err, errlen, "jws.header.typ: must be 1..%d "
		    "printable ASCII characters", CRYPTO_JWS_TYP_MAX);
		return -1;
	}
	if (len == 0 || memchr(payload, '\0', len) != NULL) {
		crypto_seterr(err, errlen,
		    "jws.payload: empty or contains a NUL byte");
		return -1;
	}
	if ((hdr = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(hdr, "alg", "ES256") == NULL ||
	    cJSON_AddStringToObject(hdr, "typ", typ) == NULL ||
	    (kid != NULL && cJSON_AddStringToObject(hdr, "kid", kid) == NULL) ||
	    (hjson = cJSON_PrintUnformatted(hdr)) == NULL) {
		crypto_seterr(err, errlen, "jws.header: out of memory");
		goto out;
	}
	cap = crypto_b64url_enclen(strlen(hjson)) + 1 +
	    crypto_b64url_enclen(len) + 1 + SIG_B64_LEN + 1;
	if (cap - 1 > CRYPTO_JWS_MAX) {
		crypto_seterr(err, errlen, "jws.payload: %zu bytes make a "
		    "token larger than %d", len, CRYPTO_JWS_MAX);
		goto out;
	}
	if ((buf = malloc(cap)) == NULL) {
		crypto_seterr(err, errlen, "jws: out of memory");
		goto out;
	}
	if (append_b64(buf, cap, &pos, hjson, strlen(hjson)) != 0)
		goto out;
	buf[pos++] = '.';
	if (append_b64(buf, cap, &pos, payload, len) != 0)
		goto out;
	if (crypto_es256_sign(rng, key, buf, pos, sig) != 0) {
		crypto_seterr(err, errlen, "jws.signature: signing failed");
		goto out;
	}
	buf[pos++] = '.';
	if (append_b64(buf, cap, &pos, sig, sizeof(sig)) != 0)
		goto out;
	*out = buf;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	cJSON_free(hjson);
	cJSON_Delete(hdr);
	return rc;
}
