/*
 * test_commands_signature.c - agent/session/commands_signature.c: which types
 * must be signed, and commands_signature_check() against good tokens,
 * forged ones (another key, a tampered part), other algorithms, the wrong
 * typ, claims that do not match the command, expiry, an over-long
 * lifetime, a creation time ahead of the clock, malformed and oversized
 * input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "agent/session/commands.h"

#define NOW 1760000000LL
#define DEV "dev-1234"
#define CMD "c0ffee0123456789"
#define HDR "{\"alg\":\"ES256\",\"typ\":\"warden-command+jwt\"}"

static struct crypto_rng *rng;
static struct crypto_eckey *key, *other;

static int
setup(void **state)
{
	(void)state;
	if (crypto_rng_new("test_commands_signature", &rng, NULL, 0) != 0 ||
	    crypto_eckey_generate(rng, &key, NULL, 0) != 0)
		return -1;
	return crypto_eckey_generate(rng, &other, NULL, 0);
}

static int
teardown(void **state)
{
	(void)state;
	crypto_eckey_free(key);
	crypto_eckey_free(other);
	crypto_rng_free(rng);
	return 0;
}

/* A compact JWS of header and payload signed by k (malloc'd). */
static char *
token(const char *header, const char *payload, const struct crypto_eckey *k)
{
	uint8_t sig[CRYPTO_ES256_SIG_LEN];
	size_t cap = 4 * (strlen(header) + strlen(payload)) / 3 + 200, n;
	char *t = malloc(cap);

	assert_non_null(t);
	assert_int_equal(crypto_b64url_encode(header, strlen(header), t, cap),
	    0);
	n = strlen(t);
	t[n++] = '.';
	assert_int_equal(crypto_b64url_encode(payload, strlen(payload), t + n,
	    cap - n), 0);
	n = strlen(t);
	assert_int_equal(crypto_es256_sign(rng, k, t, n, sig), 0);
	t[n++] = '.';
	assert_int_equal(crypto_b64url_encode(sig, sizeof(sig), t + n,
	    cap - n), 0);
	return t;
}

/* The claims of a command, created at NOW - 10 and valid for life. */
static char *
claims(const char *dev, const char *id, const char *type, const char *params,
    long long life)
{
	char *p = malloc(1024);

	assert_non_null(p);
	snprintf(p, 1024, "{\"deviceId\":\"%s\",\"id\":\"%s\",\"type\":\"%s\","
	    "\"params\":%s,\"createTime\":%lld,\"expireTime\":%lld}", dev, id,
	    type, params, NOW - 10, NOW - 10 + life);
	return p;
}

static char *
signed_by(const struct crypto_eckey *k, const char *header,
    const char *payload)
{
	return token(header, payload, k);
}

/* The verdict for command (CMD, type, params) carrying jws. */
static enum commands_sig_verdict
check(const char *type, const char *params, const char *jws, char *why,
    size_t len)
{
	why[0] = '\0';
	return commands_signature_check(key, DEV, CMD, type, params, jws, NOW,
	    why, len);
}

/* Asserts that the command with this payload and header is refused with
 * a reason containing what. */
static void
refused(const char *header, const char *payload, const char *type,
    const char *params, const char *what)
{
	char why[384], *t = signed_by(key, header, payload);

	assert_int_equal(check(type, params, t, why, sizeof(why)),
	    COMMANDS_SIG_REFUSED);
	if (strstr(why, what) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", why, what);
	assert_true(strncmp(why, "signature: ", 11) == 0 ||
	    strncmp(why, "params: ", 8) == 0);
	free(t);
}

static void
test_required_types(void **state)
{
	char why[256];

	(void)state;
	assert_true(commands_signature_required("WIPE"));
	assert_true(commands_signature_required("CLEAR_APP_DATA"));
	assert_true(commands_signature_required("RELINQUISH_OWNERSHIP"));
	assert_true(commands_signature_required("RESET_PASSWORD"));
	assert_true(commands_signature_required("RETIRE"));
	assert_false(commands_signature_required("LOCK"));
	assert_false(commands_signature_required("REBOOT"));
	assert_false(commands_signature_required("WIPEX"));
	/* Unsigned: refused for WIPE with the reason, fine for LOCK. */
	assert_int_equal(check("WIPE", "{}", NULL, why, sizeof(why)),
	    COMMANDS_SIG_REFUSED);
	assert_string_equal(why, "signature: missing; WIPE must be signed");
	assert_int_equal(check("LOCK", "{}", NULL, why, sizeof(why)),
	    COMMANDS_SIG_OK);
}

static void
test_good(void **state)
{
	char why[256], *p, *t;

	(void)state;
	p = claims(DEV, CMD, "WIPE", "{\"wipeReason\":\"stolen\"}", 600);
	t = signed_by(key, HDR, p);
	assert_int_equal(check("WIPE", "{\"wipeReason\":\"stolen\"}", t, why,
	    sizeof(why)), COMMANDS_SIG_OK);
	/* The params compare as JSON, not as text. */
	assert_int_equal(check("WIPE", "{ \"wipeReason\" : \"stolen\" }", t,
	    why, sizeof(why)), COMMANDS_SIG_OK);
	/* A signed LOCK is checked too. */
	free(p);
	free(t);
	p = claims(DEV, CMD, "LOCK", "{}", 600);
	t = signed_by(key, HDR, p);
	assert_int_equal(check("LOCK", NULL, t, why, sizeof(why)),
	    COMMANDS_SIG_OK);
	free(p);
	free(t);
}

static void
test_forged(void **state)
{
	char why[256], *p, *t;
	size_t n;

	(void)state;
	p = claims(DEV, CMD, "WIPE", "{}", 600);
	/* Signed with another key. */
	t = signed_by(other, HDR, p);
	assert_int_equal(check("WIPE", "{}", t, why, sizeof(why)),
	    COMMANDS_SIG_REFUSED);
	assert_string_equal(why, "signature: does not verify with the "
	    "server's command key");
	free(t);
	/* One bit of the signature changed. */
	t = signed_by(key, HDR, p);
	n = strlen(t);
	t[n - 2] = t[n - 2] == 'A' ? 'B' : 'A';
	assert_int_equal(check("WIPE", "{}", t, why, sizeof(why)),
	    COMMANDS_SIG_REFUSED);
	free(t);
	/* A LOCK signed with another key is refused as well. */
	free(p);
	p = claims(DEV, CMD, "LOCK", "{}", 600);
	t = signed_by(other, HDR, p);
	assert_int_equal(check("LOCK", "{}", t, why, sizeof(why)),
	    COMMANDS_SIG_REFUSED);
	free(t);
	free(p);
	/* No key to check with: refused, not waved through. */
	p = claims(DEV, CMD, "LOCK", "{}", 600);
	t = signed_by(key, HDR, p);
	assert_int_equal(commands_signature_check(NULL, DEV, CMD, "LOCK", "{}",
	    t, NOW, why, sizeof(why)), COMMANDS_SIG_REFUSED);
	free(t);
	free(p);
}

static void
test_algorithms(void **state)
{
	char why[256], *p, *t;

	(void)state;
	p = claims(DEV, CMD, "WIPE", "{}", 600);
	refused("{\"alg\":\"none\",\"typ\":\"warden-command+jwt\"}", p, "WIPE",
	    "{}", "alg");
	refused("{\"alg\":\"HS256\",\"typ\":\"warden-command+jwt\"}", p,
	    "WIPE", "{}", "alg");
	refused("{\"typ\":\"warden-command+jwt\"}", p, "WIPE", "{}", "alg");
	refused("{\"alg\":\"ES256\",\"alg\":\"none\",\"typ\":"
	    "\"warden-command+jwt\"}", p, "WIPE", "{}", "duplicate");
	/* alg "none" with an empty signature part. */
	t = token("{\"alg\":\"none\"}", p, key);
	*strrchr(t, '.') = '\0';
	strcat(t, ".");
	assert_int_equal(check("WIPE", "{}", t, why, sizeof(why)),
	    COMMANDS_SIG_REFUSED);
	free(t);
	free(p);
}

static void
test_typ(void **state)
{
	char *p;

	(void)state;
	p = claims(DEV, CMD, "WIPE", "{}", 600);
	refused("{\"alg\":\"ES256\",\"typ\":\"JWT\"}", p, "WIPE", "{}",
	    "typ is not");
	refused("{\"alg\":\"ES256\"}", p, "WIPE", "{}", "typ is not");
	free(p);
}

static void
test_claims_mismatch(void **state)
{
	char *p;

	(void)state;
	p = claims("dev-9999", CMD, "WIPE", "{}", 600);
	refused(HDR, p, "WIPE", "{}", "another device");
	free(p);
	p = claims(DEV, "another-command", "WIPE", "{}", 600);
	refused(HDR, p, "WIPE", "{}", "another command");
	free(p);
	p = claims(DEV, CMD, "LOCK", "{}", 600);
	refused(HDR, p, "WIPE", "{}", "another type");
	free(p);
	p = claims(DEV, CMD, "WIPE", "{\"wipeReason\":\"lost\"}", 600);
	refused(HDR, p, "WIPE", "{\"wipeReason\":\"stolen\"}",
	    "params differ from the signed ones");
	refused(HDR, p, "WIPE", "{}", "params differ");
	refused(HDR, p, "WIPE", "{\"wipeReason\":\"lost\",\"x\":1}",
	    "params differ");
	/* A duplicate in the command's params could hide a second value. */
	refused(HDR, p, "WIPE", "{\"wipeReason\":\"lost\",\"wipeReason\":"
	    "\"x\"}", "duplicate");
	free(p);
	p = claims(DEV, CMD, "WIPE", "{\"a\":{\"b\":1,\"b\":2}}", 600);
	refused(HDR, p, "WIPE", "{\"a\":{\"b\":1}}", "twice");
	free(p);
	/* Members: missing, unknown, wrong type. */
	refused(HDR, "{\"deviceId\":\"" DEV "\",\"id\":\"" CMD "\",\"type\":"
	    "\"WIPE\",\"params\":{},\"createTime\":1759999990}", "WIPE", "{}",
	    "expireTime");
	refused(HDR, "{\"deviceId\":\"" DEV "\",\"id\":\"" CMD "\",\"type\":"
	    "\"WIPE\",\"params\":{},\"createTime\":1759999990,\"expireTime\":"
	    "1760000590,\"admin\":true}", "WIPE", "{}", "unknown member");
	refused(HDR, "{\"deviceId\":\"" DEV "\",\"id\":\"" CMD "\",\"type\":"
	    "\"WIPE\",\"params\":{},\"createTime\":\"1759999990\","
	    "\"expireTime\":1760000590}", "WIPE", "{}", "createTime");
	refused(HDR, "{\"deviceId\":\"" DEV "\",\"id\":\"" CMD "\",\"type\":"
	    "\"WIPE\",\"params\":{},\"createTime\":1759999990.5,"
	    "\"expireTime\":1760000590}", "WIPE", "{}", "createTime");
	refused(HDR, "{\"deviceId\":\"" DEV "\",\"id\":\"" CMD "\",\"id\":"
	    "\"x\",\"type\":\"WIPE\",\"params\":{},\"createTime\":1759999990,"
	    "\"expireTime\":1760000590}", "WIPE", "{}", "twice");
	refused(HDR, "[1,2]", "WIPE", "{}", "not a JSON object");
	refused(HDR, "{\"deviceId\":", "WIPE", "{}", "not JSON");
}

static void
test_times(void **state)
{
	char why[256], *p, *t;

	(void)state;
	/* Created at NOW - 10, valid 5 s: expired. */
	p = claims(DEV, CMD, "WIPE", "{}", 5);
	t = signed_by(key, HDR, p);
	assert_int_equal(check("WIPE", "{}", t, why, sizeof(why)),
	    COMMANDS_SIG_EXPIRED);
	assert_non_null(strstr(why, "signature: expired at "));
	free(t);
	free(p);
	/* Exactly at expireTime: expired. */
	p = claims(DEV, CMD, "WIPE", "{}", 10);
	t = signed_by(key, HDR, p);
	assert_int_equal(check("WIPE", "{}", t, why, sizeof(why)),
	    COMMANDS_SIG_EXPIRED);
	free(t);
	free(p);
	/* Seven days is the longest lifetime; one second more is refused. */
	p = claims(DEV, CMD, "WIPE", "{}", COMMANDS_SIGNED_LIFETIME_MAX);
	t = signed_by(key, HDR, p);
	assert_int_equal(check("WIPE", "{}", t, why, sizeof(why)),
	    COMMANDS_SIG_OK);
	free(t);
	free(p);
	p = claims(DEV, CMD, "WIPE", "{}", COMMANDS_SIGNED_LIFETIME_MAX + 1);
	refused(HDR, p, "WIPE", "{}", "valid for longer than");
	free(p);
	/* expireTime before createTime. */
	p = claims(DEV, CMD, "WIPE", "{}", -5);
	refused(HDR, p, "WIPE", "{}", "not after createTime");
	free(p);
	/* Created far ahead of this clock. */
	p = malloc(512);
	snprintf(p, 512, "{\"deviceId\":\"" DEV "\",\"id\":\"" CMD "\","
	    "\"type\":\"WIPE\",\"params\":{},\"createTime\":%lld,"
	    "\"expireTime\":%lld}", NOW + COMMANDS_SIGNED_SKEW + 10,
	    NOW + COMMANDS_SIGNED_SKEW + 600);
	refused(HDR, p, "WIPE", "{}", "ahead of this device's clock");
	free(p);
}

static void
test_malformed(void **state)
{
	static const char *const bad[] = { "", "garbage", "a.b", "a.b.c.d",
	    "!!!.###.$$$", "eyJhbGciOiJFUzI1NiJ9..", NULL };
	char why[256], *big, *p, *t;
	size_t i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++) {
		assert_int_equal(check("WIPE", "{}", bad[i], why, sizeof(why)),
		    COMMANDS_SIG_REFUSED);
		assert_true(strncmp(why, "signature: ", 11) == 0);
	}
	/* Garbage base64 in each part of an otherwise good token. */
	p = claims(DEV, CMD, "WIPE", "{}", 600);
	t = signed_by(key, HDR, p);
	t[3] = '*';
	assert_int_equal(check("WIPE", "{}", t, why, sizeof(why)),
	    COMMANDS_SIG_REFUSED);
	free(t);
	t = signed_by(key, HDR, p);
	*(strchr(t, '.') + 2) = '=';
	assert_int_equal(check("WIPE", "{}", t, why, sizeof(why)),
	    COMMANDS_SIG_REFUSED);
	free(t);
	free(p);
	/* Oversized. */
	big = malloc(COMMANDS_SIGNATURE_MAX + 2);
	assert_non_null(big);
	memset(big, 'A', COMMANDS_SIGNATURE_MAX + 1);
	big[COMMANDS_SIGNATURE_MAX + 1] = '\0';
	assert_int_equal(check("WIPE", "{}", big, why, sizeof(why)),
	    COMMANDS_SIG_REFUSED);
	assert_non_null(strstr(why, "longer than"));
	free(big);
	/* Params that are not an object. */
	p = claims(DEV, CMD, "WIPE", "{}", 600);
	t = signed_by(key, HDR, p);
	assert_int_equal(check("WIPE", "[]", t, why, sizeof(why)),
	    COMMANDS_SIG_REFUSED);
	assert_int_equal(check("WIPE", "{", t, why, sizeof(why)),
	    COMMANDS_SIG_REFUSED);
	free(t);
	free(p);
}

static void
test_digest(void **state)
{
	char a[COMMANDS_DIGEST_LEN], b[COMMANDS_DIGEST_LEN];

	(void)state;
	commands_signature_digest("x.y.z", a);
	commands_signature_digest("x.y.z", b);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 7 + 64);
	assert_true(strncmp(a, "sha256:", 7) == 0);
	commands_signature_digest("x.y.w", b);
	assert_string_not_equal(a, b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_required_types),
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_forged),
		cmocka_unit_test(test_algorithms),
		cmocka_unit_test(test_typ),
		cmocka_unit_test(test_claims_mismatch),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_digest),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
