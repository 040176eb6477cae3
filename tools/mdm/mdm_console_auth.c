/*
 * mdm_console_auth.c - who may use the admin console: one-time login
 * links (`wardenmdm admin login-url`: single use, 5 minutes), the admin
 * password (`wardenmdm admin passwd`: PBKDF2-HMAC-SHA256 with a random
 * salt and MDM_PW_ITERATIONS rounds, through mbedTLS, which the server
 * links already), and the sessions they open: a random cookie kept by
 * its SHA-256 in the server's memory, with an idle timeout, a lifetime
 * and a CSRF token of its own. A restart of the server ends every
 * session.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>

#include "mdm.h"

#define LINK_BYTES 32
#define PASSWORD_MIN 12
#define PASSWORD_MAX 256

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

/* A new random secret as base64url text (out: 44 bytes). */
static int
random_text(struct crypto_rng *rng, char out[MDM_SESSION_TEXT + 1])
{
	uint8_t raw[LINK_BYTES];
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
	if (random_text(rng, cookie) != 0 || random_text(rng, s->csrf) != 0)
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
	if (len == 0 || len > PASSWORD_MAX || mdm_console_pw_hash(password,
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

/* ---- the CLI: `wardenmdm admin login-url|passwd` ------------------- */

static void
admin_usage(void)
{
	fprintf(stderr, "usage: wardenmdm --dir DIR admin login-url [--ttl "
	    "SECONDS] [--server URL]\n"
	    "       wardenmdm --dir DIR admin passwd   (the password on "
	    "standard input)\n");
}

static int
cmd_login_url(const char *dir, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ttl", required_argument, NULL, 't' },
		{ "server", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	char link[MDM_SESSION_TEXT + 1], url[MDM_URL_MAX + 1], err[MDM_ERR_MAX];
	uint8_t hash[CRYPTO_SHA256_LEN];
	const char *server = NULL;
	struct crypto_rng *rng = NULL;
	struct mdm_store *st = NULL;
	time_t now = time(NULL);
	long ttl = MDM_LOGIN_TTL;
	char *end;
	int ch, rc = MDM_EXIT_FAIL;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 't') {
			errno = 0;
			ttl = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || ttl < 1 ||
			    ttl > MDM_LOGIN_TTL) {
				fprintf(stderr, "wardenmdm: --ttl: 1 to %d "
				    "seconds\n", MDM_LOGIN_TTL);
				return MDM_EXIT_USAGE;
			}
		} else if (ch == 's') {
			server = optarg;
			if (!mdm_url_ok(server)) {
				fprintf(stderr, "wardenmdm: --server: an "
				    "https:// URL\n");
				return MDM_EXIT_USAGE;
			}
		} else {
			admin_usage();
			return MDM_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		admin_usage();
		return MDM_EXIT_USAGE;
	}
	if ((st = mdm_admin_open_store(dir)) == NULL)
		return MDM_EXIT_FAIL;
	if (crypto_rng_new("wardenmdm-login", &rng, err, sizeof(err)) != 0) {
		fprintf(stderr, "wardenmdm: %s\n", err);
		goto out;
	}
	if (random_text(rng, link) != 0) {
		fprintf(stderr, "wardenmdm: random number generator failed\n");
		goto out;
	}
	crypto_sha256(link, strlen(link), hash);
	if (mdm_store_admin_link_add(st, hash, now, now + ttl) != 0) {
		fprintf(stderr, "wardenmdm: the login link could not be "
		    "stored\n");
		goto out;
	}
	if (server != NULL)
		snprintf(url, sizeof(url), "%s", server);
	else
		mdm_server_url(dir, url, sizeof(url));
	printf("%s/console/login?token=%s\n", url, link);
	rc = fflush(stdout) == 0 ? MDM_EXIT_OK : MDM_EXIT_FAIL;
out:
	crypto_zero(link, sizeof(link));
	crypto_rng_free(rng);
	mdm_store_close(st);
	return rc;
}

static int
cmd_passwd(const char *dir, int argc)
{
	char line[PASSWORD_MAX + 2], err[MDM_ERR_MAX];
	struct mdm_admin_password pw = { .iterations = MDM_PW_ITERATIONS };
	struct crypto_rng *rng = NULL;
	struct mdm_store *st = NULL;
	size_t len;
	int rc = MDM_EXIT_FAIL;

	if (argc != 1) {
		admin_usage();
		return MDM_EXIT_USAGE;
	}
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "new admin password (%d to %d characters), "
		    "then Enter: ", PASSWORD_MIN, PASSWORD_MAX);
	if (fgets(line, sizeof(line), stdin) == NULL) {
		fprintf(stderr, "wardenmdm: admin passwd: no password on "
		    "standard input\n");
		return MDM_EXIT_USAGE;
	}
	len = strcspn(line, "\r\n");
	if (line[len] == '\0' && len > PASSWORD_MAX) {
		fprintf(stderr, "wardenmdm: admin passwd: longer than %d "
		    "characters\n", PASSWORD_MAX);
		crypto_zero(line, sizeof(line));
		return MDM_EXIT_USAGE;
	}
	line[len] = '\0';
	if (len < PASSWORD_MIN) {
		fprintf(stderr, "wardenmdm: admin passwd: at least %d "
		    "characters\n", PASSWORD_MIN);
		crypto_zero(line, sizeof(line));
		return MDM_EXIT_USAGE;
	}
	if ((st = mdm_admin_open_store(dir)) == NULL)
		goto out;
	if (crypto_rng_new("wardenmdm-passwd", &rng, err, sizeof(err)) != 0 ||
	    crypto_rng_bytes(rng, pw.salt, sizeof(pw.salt)) != 0 ||
	    mdm_console_pw_hash(line, len, pw.salt, pw.iterations,
	    pw.hash) != 0) {
		fprintf(stderr, "wardenmdm: admin passwd: hashing failed\n");
		goto out;
	}
	if (mdm_store_admin_password_set(st, &pw, time(NULL)) != 0) {
		fprintf(stderr, "wardenmdm: admin passwd: database error\n");
		goto out;
	}
	printf("admin password set (PBKDF2-HMAC-SHA256, %u iterations)\n",
	    pw.iterations);
	rc = MDM_EXIT_OK;
out:
	crypto_zero(line, sizeof(line));
	crypto_zero(&pw, sizeof(pw));
	crypto_rng_free(rng);
	mdm_store_close(st);
	return rc;
}

int
mdm_cmd_console_admin(const char *dir, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "login-url") == 0)
		return cmd_login_url(dir, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "passwd") == 0)
		return cmd_passwd(dir, argc - 1);
	admin_usage();
	return MDM_EXIT_USAGE;
}
