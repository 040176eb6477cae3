/*
 * mdm_console_admin.c - `wardenmdm admin login-url|passwd`: the admin
 * console's credentials minted from the command line. A login link's
 * token is 32 random bytes of which only the SHA-256 is stored; the
 * password is read from standard input and stored as its PBKDF2 hash
 * (mdm_console_auth.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tools/mdm/mdm.h"

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
	if (mdm_console_secret(rng, link) != 0) {
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
	char line[MDM_PW_TEXT_MAX + 2], err[MDM_ERR_MAX];
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
		    "then Enter: ", MDM_PW_TEXT_MIN, MDM_PW_TEXT_MAX);
	if (fgets(line, sizeof(line), stdin) == NULL) {
		fprintf(stderr, "wardenmdm: admin passwd: no password on "
		    "standard input\n");
		return MDM_EXIT_USAGE;
	}
	len = strcspn(line, "\r\n");
	if (line[len] == '\0' && len > MDM_PW_TEXT_MAX) {
		fprintf(stderr, "wardenmdm: admin passwd: longer than %d "
		    "characters\n", MDM_PW_TEXT_MAX);
		crypto_zero(line, sizeof(line));
		return MDM_EXIT_USAGE;
	}
	line[len] = '\0';
	if (len < MDM_PW_TEXT_MIN) {
		fprintf(stderr, "wardenmdm: admin passwd: at least %d "
		    "characters\n", MDM_PW_TEXT_MIN);
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
