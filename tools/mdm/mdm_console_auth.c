/*
 * mdm_console_auth.c - who may use the admin console: the admin
 * password's hash (PBKDF2-HMAC-SHA256 with a random salt and
 * MDM_PW_ITERATIONS rounds, through mbedTLS, which the server links
 * already) and its rate-limited check, and the sessions that a login
 * opens: a random cookie kept by its SHA-256 in the server's memory,
 * with an idle timeout, a lifetime and a CSRF token of its own. A
 * restart of the server ends every session. The links and the password
 * are minted by the CLI (mdm_console_admin.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>

#include "tools/mdm/mdm.h"

#define SECRET_BYTES 32

int
mdm_console_pw_hash(const char *password, size_t len,
    const uint8_t salt[MDM_PW_SALT_LEN], unsigned iterations,
    uint8_t out[MDM_PW_HASH_LEN])
{
	mbedtls_md_context_t md;
	int rc;

	mbedtls_md_init(&md);
	rc = mbedtls_md_setup(&md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
	    1);
	if (rc == 0)
		rc = mbedtls_pkcs5_pbkdf2_hmac(&md, (const unsigned char *)
		    password, len, salt, MDM_PW_SALT_LEN, iterations,
		    MDM_PW_HASH_LEN, out);
	mbedtls_md_free(&md);
	return rc == 0 ? 0 : -1;
}

int
mdm_console_secret(struct crypto_rng *rng, char out[MDM_SESSION_TEXT + 1])
{
	uint8_t raw[SECRET_BYTES];
	int rc;

	rc = crypto_rng_bytes(rng, raw, sizeof(raw));
	if (rc == 0)
		rc = crypto_b64url_encode(raw, sizeof(raw), out,
		    MDM_SESSION_TEXT + 1);
	crypto_zero(raw, sizeof(raw));
	return rc;
}

/* ---- the server's sessions ---------------------------------------- */

int
mdm_console_session_new(struct mdm_console *c, struct crypto_rng *rng,
    int64_t now_ms, char cookie[MDM_SESSION_TEXT + 1])
{
	struct mdm_session *s = NULL, *oldest = NULL;
	size_t i;

	for (i = 0; i < MDM_SESSIONS_MAX; i++) {
		struct mdm_session *t = &c->sessions[i];
		if (t->used && mdm_console_session_live(c, t, now_ms))
			;
		else
			t->used = false;
		if (!t->used && s == NULL)
			s = t;
		if (t->used && (oldest == NULL || t->last_ms < oldest->last_ms))
			oldest = t;
	}
	/* Full: the least recently used session gives way. */
	if (s == NULL)
		s = oldest;
	memset(s, 0, sizeof(*s));
	if (mdm_console_secret(rng, cookie) != 0 ||
	    mdm_console_secret(rng, s->csrf) != 0)
		return -1;
	crypto_sha256(cookie, strlen(cookie), s->id_hash);
	s->created_ms = s->last_ms = now_ms;
	s->used = true;
	return 0;
}

bool
mdm_console_session_live(const struct mdm_console *c,
    const struct mdm_session *s, int64_t now_ms)
{
	return s->used && now_ms - s->last_ms < (int64_t)c->idle_seconds *
	    1000 && now_ms - s->created_ms < (int64_t)MDM_SESSION_LIFETIME *
	    1000;
}

struct mdm_session *
mdm_console_session_find(struct mdm_console *c, const char *cookie,
    int64_t now_ms)
{
	uint8_t h[CRYPTO_SHA256_LEN];
	size_t i;

	if (strlen(cookie) != MDM_SESSION_TEXT)
		return NULL;
	crypto_sha256(cookie, MDM_SESSION_TEXT, h);
	for (i = 0; i < MDM_SESSIONS_MAX; i++) {
		struct mdm_session *s = &c->sessions[i];
		if (!s->used || !crypto_ct_equal(s->id_hash, h, sizeof(h)))
			continue;
		if (!mdm_console_session_live(c, s, now_ms)) {
			memset(s, 0, sizeof(*s));
			return NULL;
		}
		s->last_ms = now_ms;
		return s;
	}
	return NULL;
}

void
mdm_console_session_end(struct mdm_session *s)
{
	crypto_zero(s, sizeof(*s));
}

int
mdm_console_password_check(struct mdm_server *srv, const char *password,
    int64_t now_ms, int *status, char *err, size_t errlen)
{
	struct mdm_console *c = &srv->console;
	struct mdm_admin_password pw;
	uint8_t h[MDM_PW_HASH_LEN];
	size_t len = strlen(password);
	int rc;

	/* One try at a time, slower after each failure: with the hash's
	 * cost this bounds guessing and the loop's time spent on it. */
	if (now_ms < c->pw_next_ms) {
		*status = 429;
		snprintf(err, errlen, "too many failed logins: try again in %lld "
		    "s", (long long)((c->pw_next_ms - now_ms + 999) / 1000));
		return -1;
	}
	rc = mdm_store_admin_password_get(srv->store, &pw);
	if (rc != 0) {
		*status = rc > 0 ? 401 : 500;
		snprintf(err, errlen, rc > 0 ? "no admin password is set "
		    "(wardenmdm admin passwd)" : "database error");
		return -1;
	}
	if (len == 0 || len > MDM_PW_TEXT_MAX || mdm_console_pw_hash(password,
	    len, pw.salt, pw.iterations, h) != 0 ||
	    !crypto_ct_equal(h, pw.hash, sizeof(h))) {
		if (c->pw_failures < 6)
			c->pw_failures++;
		c->pw_next_ms = mdm_now_ms() + 1000LL * (1 << c->pw_failures);
		*status = 401;
		snprintf(err, errlen, "wrong password");
		crypto_zero(h, sizeof(h));
		return -1;
	}
	c->pw_failures = 0;
	c->pw_next_ms = 0;
	crypto_zero(h, sizeof(h));
	return 0;
}
