/*
 * mdm_token.c - `wardenmdm token new`: mints a single-use enrollment
 * token (only its hash is stored), and hands it out the way devices take
 * it: Android's QR provisioning JSON with warden's extras, as text, as a
 * PNG and on the terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent/core/url.h"
#include "tools/mdm/mdm.h"

#define TOKEN_BYTES 32		/* 256 bits, 43 base64url characters */
#define TTL_MAX (365 * 86400)
#define COUNT_MAX 100000	/* --count */
#define QR_SCALE 6

static const char *const modes[] = { "FULLY_MANAGED", "DEDICATED",
	"WORK_PROFILE_COMPANY_OWNED", "WORK_PROFILE_PERSONAL", NULL };

struct token_opts {
	const char *mode;
	const char *server;
	long ttl;
	const char *qr;		/* PNG path, "-" for the terminal, NULL */
	const char *json;	/* file for the JSON, NULL for stdout */
	const char *wifi_ssid;
	const char *wifi_password;
	const char *group;	/* --group: enrolled devices join it */
	long count;		/* --count: that many tokens, no QR */
};

static void
token_usage(void)
{
	fprintf(stderr, "usage: wardenmdm --dir DIR token new --mode MODE "
	    "[--server URL] [--ttl SECONDS]\n"
	    "           [--qr FILE.png|-] [--json FILE] [--wifi-ssid SSID "
	    "[--wifi-password PASSWORD]]\n"
	    "           [--group NAME]\n"
	    "       wardenmdm --dir DIR token new --mode MODE --count N "
	    "[--ttl SECONDS]\n"
	    "MODE: FULLY_MANAGED, DEDICATED, WORK_PROFILE_COMPANY_OWNED or "
	    "WORK_PROFILE_PERSONAL\n");
}

/* The agent's own parser: a URL that passes here, a device accepts. */
bool
mdm_url_ok(const char *s)
{
	struct url u;
	char err[128];

	return url_parse(s, 0, &u, err, sizeof(err)) == 0 &&
	    u.scheme == URL_HTTPS;
}

static int
token_options(int argc, char **argv, struct token_opts *o)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "server", required_argument, NULL, 's' },
		{ "ttl", required_argument, NULL, 't' },
		{ "qr", required_argument, NULL, 'q' },
		{ "json", required_argument, NULL, 'j' },
		{ "wifi-ssid", required_argument, NULL, 'w' },
		{ "wifi-password", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'n' },
		{ "group", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	const char *const *m;
	char *end;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			o->mode = optarg;
			break;
		case 's':
			o->server = optarg;
			break;
		case 't':
			errno = 0;
			o->ttl = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || o->ttl < 1 ||
			    o->ttl > TTL_MAX) {
				fprintf(stderr, "wardenmdm: --ttl: 1 to %d "
				    "seconds\n", TTL_MAX);
				return -1;
			}
			break;
		case 'q':
			o->qr = optarg;
			break;
		case 'j':
			o->json = optarg;
			break;
		case 'w':
			o->wifi_ssid = optarg;
			break;
		case 'p':
			o->wifi_password = optarg;
			break;
		case 'g':
			if (!mdm_group_name_valid(optarg)) {
				fprintf(stderr, "wardenmdm: --group %s: not a "
				    "group name (1 to %d of [A-Za-z0-9._-])\n",
				    optarg, MDM_GROUP_MAX);
				return -1;
			}
			o->group = optarg;
			break;
		case 'n':
			errno = 0;
			o->count = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || o->count < 1 ||
			    o->count > COUNT_MAX) {
				fprintf(stderr, "wardenmdm: --count: 1 to %d\n",
				    COUNT_MAX);
				return -1;
			}
			break;
		default:
			token_usage();
			return -1;
		}
	}
	if (optind != argc || o->mode == NULL) {
		token_usage();
		return -1;
	}
	for (m = modes; *m != NULL && strcmp(*m, o->mode) != 0; m++)
		;
	if (*m == NULL) {
		fprintf(stderr, "wardenmdm: --mode %s: not FULLY_MANAGED, "
		    "DEDICATED, WORK_PROFILE_COMPANY_OWNED or "
		    "WORK_PROFILE_PERSONAL\n", o->mode);
		return -1;
	}
	if (o->server != NULL && !mdm_url_ok(o->server)) {
		fprintf(stderr, "wardenmdm: --server %s: not an https:// URL of "
		    "at most %d characters\n", o->server, MDM_URL_MAX);
		return -1;
	}
	if (o->count > 0 && (o->qr != NULL || o->json != NULL ||
	    o->wifi_ssid != NULL || o->server != NULL || o->group != NULL)) {
		fprintf(stderr, "wardenmdm: --count prints tokens only: no "
		    "--qr, --json, --wifi-ssid, --server or --group\n");
		return -1;
	}
	if (o->wifi_password != NULL && o->wifi_ssid == NULL) {
		fprintf(stderr, "wardenmdm: --wifi-password needs "
		    "--wifi-ssid\n");
		return -1;
	}
	if (o->wifi_ssid != NULL && (o->wifi_ssid[0] == '\0' ||
	    strlen(o->wifi_ssid) > 32)) {
		fprintf(stderr, "wardenmdm: --wifi-ssid: 1 to 32 bytes\n");
		return -1;
	}
	if (o->wifi_password != NULL && (strlen(o->wifi_password) < 8 ||
	    strlen(o->wifi_password) > 63)) {
		fprintf(stderr, "wardenmdm: --wifi-password: a WPA passphrase "
		    "of 8 to 63 characters\n");
		return -1;
	}
	return 0;
}

void
mdm_server_url(const char *dir, char *url, size_t cap)
{
	char path[PATH_MAX], line[MDM_URL_MAX + 2];
	FILE *f;

	snprintf(url, cap, "https://%s", MDM_DEFAULT_LISTEN);
	if (snprintf(path, sizeof(path), "%s/server.url", dir) >=
	    (int)sizeof(path) || (f = fopen(path, "r")) == NULL)
		return;
	if (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (mdm_url_ok(line) && strlen(line) < cap)
			memcpy(url, line, strlen(line) + 1);
	}
	fclose(f);
}

static int
write_secret_file(const char *path, const char *text)
{
	size_t n = strlen(text);
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0 ||
	    write(fd, text, n) != (ssize_t)n || write(fd, "\n", 1) != 1) {
		fprintf(stderr, "wardenmdm: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

/* The terminal's width: its own when stdout is one, else 80. */
static int
term_columns(void)
{
	struct winsize ws;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ,
	    &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/*
 * Whether the QR code is drawn on the terminal: asked for (--qr -) or
 * stdout is one. A code wider than the terminal would wrap and could not
 * be scanned: when asked for, that is an error (before any token is
 * stored), else it is not drawn and stderr says why.
 */
static int
term_qr_plan(const struct token_opts *o, const struct mdm_qr_settings *qs,
    bool *draw)
{
	bool asked = o->qr != NULL && strcmp(o->qr, "-") == 0;
	char err[MDM_ERR_MAX], *compact = NULL;
	int width, cols = term_columns();

	*draw = false;
	if (!asked && !isatty(STDOUT_FILENO))
		return 0;
	if (mdm_qr_payload(qs, false, &compact, err, sizeof(err)) != 0 ||
	    (width = mdm_qr_term_width(compact, err, sizeof(err))) < 0) {
		if (compact != NULL)
			crypto_free_secret(compact, strlen(compact));
		fprintf(stderr, "wardenmdm: %s\n", err);
		return -1;
	}
	crypto_free_secret(compact, strlen(compact));
	if (width <= cols) {
		*draw = true;
		return 0;
	}
	fprintf(stderr, "wardenmdm: the QR code needs %d columns, the terminal "
	    "has %d: %s --qr FILE.png writes it as a picture\n", width, cols,
	    asked ? "no token was minted; widen the terminal, or" :
	    "not drawn;");
	return asked ? -1 : 0;
}

/*
 * Outputs the token, the JSON and the QR codes. The JSON on stdout hides
 * the Wi-Fi password (the QR code and a --json file carry it).
 */
static int
hand_out(const struct token_opts *o, const struct mdm_qr_settings *qs,
    bool draw)
{
	struct mdm_qr_settings shown = *qs;
	char err[MDM_ERR_MAX];
	char *pretty = NULL, *compact = NULL;
	int rc = MDM_EXIT_FAIL;

	if (o->json == NULL && shown.wifi_password != NULL)
		shown.wifi_password = "(hidden; in the QR code)";
	if (mdm_qr_payload(&shown, true, &pretty, err, sizeof(err)) != 0 ||
	    mdm_qr_payload(qs, false, &compact, err, sizeof(err)) != 0) {
		fprintf(stderr, "wardenmdm: %s\n", err);
		goto out;
	}
	printf("%s\n", qs->token);
	if (o->json != NULL) {
		if (write_secret_file(o->json, pretty) != 0)
			goto out;
	} else {
		printf("%s\n", pretty);
	}
	fflush(stdout);
	if (o->qr != NULL && strcmp(o->qr, "-") != 0 &&
	    mdm_qr_png(compact, o->qr, QR_SCALE, err, sizeof(err)) != 0) {
		fprintf(stderr, "wardenmdm: %s\n", err);
		goto out;
	}
	if (draw)
		if (mdm_qr_term(compact, stdout, err, sizeof(err)) != 0) {
			fprintf(stderr, "wardenmdm: %s\n", err);
			goto out;
		}
	rc = MDM_EXIT_OK;
out:
	if (pretty != NULL)
		crypto_free_secret(pretty, strlen(pretty));
	if (compact != NULL)
		crypto_free_secret(compact, strlen(compact));
	return rc;
}

/* --count N: N tokens in one transaction, one per line on stdout (for
 * fleets and load tests; each is a secret like any token). */
static int
mint_many(struct mdm_store *st, struct crypto_rng *rng,
    const struct token_opts *o, time_t now)
{
	uint8_t (*hashes)[CRYPTO_SHA256_LEN];
	uint8_t raw[TOKEN_BYTES];
	char *tokens;
	size_t i, n = (size_t)o->count, w = 2 * TOKEN_BYTES;
	int rc = MDM_EXIT_FAIL;

	hashes = calloc(n, sizeof(*hashes));
	tokens = calloc(n, w);
	if (hashes == NULL || tokens == NULL) {
		fprintf(stderr, "wardenmdm: out of memory\n");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (crypto_rng_bytes(rng, raw, sizeof(raw)) != 0 ||
		    crypto_b64url_encode(raw, sizeof(raw), tokens + i * w,
		    w) != 0) {
			fprintf(stderr, "wardenmdm: random number generator "
			    "failed\n");
			goto out;
		}
		crypto_sha256(tokens + i * w, strlen(tokens + i * w),
		    hashes[i]);
	}
	if (mdm_store_tokens_add(st, (const uint8_t (*)[CRYPTO_SHA256_LEN])
	    hashes, n, o->mode, now, now + o->ttl) != 0) {
		fprintf(stderr, "wardenmdm: the tokens could not be stored\n");
		goto out;
	}
	for (i = 0; i < n; i++)
		printf("%s\n", tokens + i * w);
	rc = fflush(stdout) == 0 ? MDM_EXIT_OK : MDM_EXIT_FAIL;
out:
	crypto_zero(raw, sizeof(raw));
	if (tokens != NULL)
		crypto_free_secret(tokens, n * w);
	free(hashes);
	return rc;
}

int
mdm_cmd_token(const char *dir, int argc, char **argv)
{
	struct token_opts o = { .ttl = MDM_DEFAULT_TOKEN_TTL };
	uint8_t raw[TOKEN_BYTES], hash[CRYPTO_SHA256_LEN];
	char token[2 * TOKEN_BYTES], url[MDM_URL_MAX + 1], err[MDM_ERR_MAX];
	char path[PATH_MAX];
	struct mdm_qr_settings qs = { 0 };
	struct crypto_rng *rng = NULL;
	struct mdm_store *st = NULL;
	struct mdm_ca ca;
	bool ca_open = false, draw;
	time_t now = time(NULL);
	int rc = MDM_EXIT_FAIL;

	if (argc < 2 || strcmp(argv[1], "new") != 0) {
		token_usage();
		return MDM_EXIT_USAGE;
	}
	if (token_options(argc - 1, argv + 1, &o) != 0)
		return MDM_EXIT_USAGE;
	if (o.server != NULL)
		snprintf(url, sizeof(url), "%s", o.server);
	else
		mdm_server_url(dir, url, sizeof(url));
	snprintf(path, sizeof(path), "%s/%s", dir, MDM_DB_FILE);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "wardenmdm: %s: %s\n", dir, strerror(errno));
		return MDM_EXIT_FAIL;
	}
	if (crypto_rng_new("wardenmdm-token", &rng, err, sizeof(err)) != 0 ||
	    mdm_ca_open(&ca, dir, rng, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "wardenmdm: %s\n", err);
		goto out;
	}
	ca_open = true;
	if (mdm_store_open(path, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "wardenmdm: %s\n", err);
		goto out;
	}
	if (o.count > 0) {
		rc = mint_many(st, rng, &o, now);
		goto out;
	}
	if (crypto_rng_bytes(rng, raw, sizeof(raw)) != 0 ||
	    crypto_b64url_encode(raw, sizeof(raw), token, sizeof(token)) != 0) {
		fprintf(stderr, "wardenmdm: random number generator failed\n");
		goto out;
	}
	qs.server_url = url;
	qs.token = token;
	qs.mode = o.mode;
	qs.pin = ca.pin;
	qs.wifi_ssid = o.wifi_ssid;
	qs.wifi_password = o.wifi_password;
	if (term_qr_plan(&o, &qs, &draw) != 0)
		goto out;
	crypto_sha256(token, strlen(token), hash);
	if (mdm_store_token_add(st, hash, o.mode, o.group, now, now + o.ttl) !=
	    0) {
		if (o.group != NULL)
			fprintf(stderr, "wardenmdm: --group %s: no such group "
			    "(wardenmdm group add %s)\n", o.group, o.group);
		else
			fprintf(stderr, "wardenmdm: the token could not be "
			    "stored\n");
		goto out;
	}
	rc = hand_out(&o, &qs, draw);
out:
	crypto_zero(raw, sizeof(raw));
	crypto_zero(token, sizeof(token));
	mdm_store_close(st);
	if (ca_open)
		mdm_ca_close(&ca);
	crypto_rng_free(rng);
	return rc;
}
