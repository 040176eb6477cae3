/*
 * config.c - wardend.conf: one "keyword value" per line, '#' comments,
 * values optionally in double quotes. See wardend.conf(5).
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/core.h"
#include "crypto/crypto.h"
#include "agent/core/url.h"

#define CONFIG_LINE_MAX 1024
#define CONFIG_FILE_MAX (64 * 1024)

enum kind { K_PATH, K_STRING, K_INT, K_MODE, K_LEVEL, K_HAL, K_MGMT, K_PIN,
	K_URL, K_TCTI };

struct keyword {
	const char *name;
	enum kind kind;
	size_t offset;
	size_t size; /* buffer size for strings */
	long min, max;
};

#define STR(n, k, f) { n, k, offsetof(struct config, f), \
	sizeof(((struct config *)0)->f), 0, 0 }
#define NUM(n, f, lo, hi) { n, K_INT, offsetof(struct config, f), 0, lo, hi }

static const struct keyword keywords[] = {
	STR("state-dir", K_PATH, state_dir),
	STR("control-socket", K_PATH, control_socket),
	STR("control-group", K_STRING, control_group),
	{ "control-mode", K_MODE, offsetof(struct config, control_mode), 0, 0,
	    0777 },
	NUM("control-max-clients", control_max_clients, 4, 512),
	NUM("control-max-per-uid", control_max_per_uid, 1, 512),
	NUM("control-timeout", control_timeout, 1, 3600),
	STR("hal", K_HAL, hal),
	NUM("scan-interval", scan_interval, 10, 604800),
	{ "log-level", K_LEVEL, offsetof(struct config, log_level), 0, 0, 0 },
	STR("policy-file", K_PATH, policy_file),
	STR("rules-file", K_PATH, rules_file),
	STR("token-directory", K_PATH, token_dir),
	STR("zerotouch-file", K_PATH, zerotouch_file),
	NUM("outbox-max", outbox_max, 100, 1000000),
	STR("mode", K_MGMT, mode),
	STR("default-server-url", K_URL, default_server_url),
	STR("default-server-pin", K_PIN, default_server_pin),
	NUM("lwm2m-allow-nosec", lwm2m_allow_nosec, 0, 1),
	STR("tpm-tcti", K_TCTI, tpm_tcti),
	STR("network-user", K_STRING, network_user),
	STR("network-root", K_PATH, network_root),
	STR("qr-decoder", K_PATH, qr_decoder),
};

static const char *const mgmt_modes[] = { "FULLY_MANAGED", "DEDICATED",
	"WORK_PROFILE_COMPANY_OWNED", "WORK_PROFILE_PERSONAL" };

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->state_dir, sizeof(c->state_dir), "%s",
	    CONFIG_DEFAULT_STATE_DIR);
	snprintf(c->control_socket, sizeof(c->control_socket), "%s",
	    CONFIG_DEFAULT_CONTROL_SOCKET);
	c->control_mode = 0660;
	c->control_max_clients = 64;
	c->control_max_per_uid = 8;
	c->control_timeout = 10;
	snprintf(c->hal, sizeof(c->hal), "%s", CONFIG_DEFAULT_HAL);
	c->scan_interval = CONFIG_DEFAULT_SCAN_INTERVAL;
	c->log_level = LOG_LVL_INFO;
	c->outbox_max = 10000;
	snprintf(c->mode, sizeof(c->mode), "FULLY_MANAGED");
	snprintf(c->tpm_tcti, sizeof(c->tpm_tcti), "auto");
	snprintf(c->network_user, sizeof(c->network_user), "%s",
	    CONFIG_NETWORK_USER);
	snprintf(c->qr_decoder, sizeof(c->qr_decoder), "%s",
	    CONFIG_QR_DECODER_PATH);
	snprintf(c->network_root, sizeof(c->network_root), "%s",
	    CONFIG_NETWORK_ROOT);
}

/* Splits "keyword value" into its two words; value may be quoted. */
static int
split(char *line, char **kw, char **val, const char **why)
{
	char *p = line, *end;

	while (isspace((unsigned char)*p))
		p++;
	*kw = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	if (*p == '\0') {
		*why = "missing value";
		return -1;
	}
	*p++ = '\0';
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '"') {
		*val = ++p;
		if ((end = strchr(p, '"')) == NULL) {
			*why = "unterminated quoted value";
			return -1;
		}
		*end++ = '\0';
		while (isspace((unsigned char)*end))
			end++;
		if (*end != '\0' && *end != '#') {
			*why = "unexpected text after the quoted value";
			return -1;
		}
		return 0;
	}
	if (*p == '\0' || *p == '#') {
		*why = "missing value";
		return -1;
	}
	*val = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	end = p;
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0' && *p != '#') {
		*why = "unexpected second value (quote values with spaces)";
		return -1;
	}
	*end = '\0';
	return 0;
}

static int
set_value(struct config *c, const struct keyword *k, const char *val,
    char *why, size_t whylen)
{
	char *field = (char *)c + k->offset;
	char *end;
	long n;
	int level;

	switch (k->kind) {
	case K_PATH:
		if (val[0] != '/') {
			snprintf(why, whylen, "%s: \"%s\" is not an absolute path",
			    k->name, val);
			return -1;
		}
		/* FALLTHROUGH */
	case K_STRING:
	case K_HAL:
	case K_TCTI:
		if (strlen(val) >= k->size) {
			snprintf(why, whylen, "%s: value longer than %zu bytes",
			    k->name, k->size - 1);
			return -1;
		}
		if (k->kind == K_HAL && strchr(val, ':') == NULL) {
			snprintf(why, whylen, "%s: \"%s\" is not name:argument "
			    "(e.g. sim:/var/lib/warden/sim or linux:/)",
			    k->name, val);
			return -1;
		}
		if (k->kind == K_TCTI && strcmp(val, "auto") != 0 &&
		    strcmp(val, "none") != 0 && strchr(val, ':') == NULL) {
			snprintf(why, whylen, "%s: \"%s\" is not auto, none or "
			    "a TCTI (e.g. device:/dev/tpmrm0 or "
			    "swtpm:host=127.0.0.1,port=2321)", k->name, val);
			return -1;
		}
		memcpy(field, val, strlen(val) + 1);
		return 0;
	case K_INT:
	case K_MODE:
		errno = 0;
		n = strtol(val, &end, k->kind == K_MODE ? 8 : 10);
		if (errno != 0 || end == val || *end != '\0' || n < k->min ||
		    n > k->max) {
			if (k->kind == K_MODE)
				snprintf(why, whylen, "%s: \"%s\" is not an "
				    "octal mode", k->name, val);
			else
				snprintf(why, whylen, "%s: \"%s\" is not a "
				    "number from %ld to %ld", k->name, val,
				    k->min, k->max);
			return -1;
		}
		if (k->kind == K_MODE)
			*(unsigned int *)(void *)field = (unsigned int)n;
		else
			*(int *)(void *)field = (int)n;
		return 0;
	case K_PIN: {
		uint8_t pin[33];
		size_t pinlen = 0;

		if (strlen(val) >= k->size || crypto_b64_decode(val,
		    strlen(val), pin, sizeof(pin), &pinlen, CRYPTO_B64_PAD) !=
		    0 || pinlen != 32) {
			snprintf(why, whylen, "%s: not the URL-safe base64 of a "
			    "SHA-256 (32 bytes)", k->name);
			return -1;
		}
		memcpy(field, val, strlen(val) + 1);
		return 0;
	}
	case K_URL: {
		struct url u;
		char uerr[128];

		if (strlen(val) >= k->size || url_parse(val, 0, &u, uerr,
		    sizeof(uerr)) != 0 || (u.scheme != URL_HTTPS &&
		    u.scheme != URL_COAPS)) {
			snprintf(why, whylen, "%s: \"%.64s\" is not an https or "
			    "coaps URL", k->name, val);
			return -1;
		}
		memcpy(field, val, strlen(val) + 1);
		return 0;
	}
	case K_MGMT:
		for (level = 0; level < 4; level++)
			if (strcmp(val, mgmt_modes[level]) == 0)
				break;
		if (level == 4) {
			snprintf(why, whylen, "%s: \"%s\" is not one of "
			    "FULLY_MANAGED, DEDICATED, WORK_PROFILE_COMPANY_OWNED, "
			    "WORK_PROFILE_PERSONAL", k->name, val);
			return -1;
		}
		memcpy(field, val, strlen(val) + 1);
		return 0;
	case K_LEVEL:
		if (log_level_parse(val, &level) != 0) {
			snprintf(why, whylen, "%s: \"%s\" is not one of error, "
			    "warning, info, debug", k->name, val);
			return -1;
		}
		*(int *)(void *)field = level;
		return 0;
	}
	return -1;
}

int
config_load_stream(struct config *c, FILE *f, const char *path, char *err,
    size_t errlen)
{
	bool seen[sizeof(keywords) / sizeof(keywords[0])] = { false };
	char *line = NULL, why[256];
	size_t linecap = 0;
	ssize_t got;
	const char *reason;
	int lineno = 0;
	long total = 0;
	size_t i;

	while ((got = getline(&line, &linecap, f)) >= 0) {
		char *kw, *val, *p;
		size_t len = (size_t)got;

		lineno++;
		total += (long)len;
		if (total > CONFIG_FILE_MAX) {
			snprintf(err, errlen, "%s:%d: file larger than %d bytes",
			    path, lineno, CONFIG_FILE_MAX);
			goto fail;
		}
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > CONFIG_LINE_MAX) {
			snprintf(err, errlen, "%s:%d: line longer than %d bytes",
			    path, lineno, CONFIG_LINE_MAX);
			goto fail;
		}
		if (strlen(line) != len) {
			snprintf(err, errlen, "%s:%d: NUL byte in line", path,
			    lineno);
			goto fail;
		}
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (*p == '\0' || *p == '#')
			continue;
		if (split(p, &kw, &val, &reason) != 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, reason);
			goto fail;
		}
		for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
			if (strcmp(kw, keywords[i].name) == 0)
				break;
		if (i == sizeof(keywords) / sizeof(keywords[0])) {
			snprintf(err, errlen, "%s:%d: unknown keyword \"%.64s\"",
			    path, lineno, kw);
			goto fail;
		}
		if (seen[i]) {
			snprintf(err, errlen, "%s:%d: %s given twice", path,
			    lineno, kw);
			goto fail;
		}
		seen[i] = true;
		if (set_value(c, &keywords[i], val, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
			goto fail;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto fail;
	}
	free(line);
	return 0;
fail:
	free(line);
	return -1;
}

int
config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	FILE *f;
	int rc;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = config_load_stream(c, f, path, err, errlen);
	fclose(f);
	return rc;
}

void
config_dump(const struct config *c, FILE *out)
{
	size_t i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		const struct keyword *k = &keywords[i];
		const char *field = (const char *)c + k->offset;

		switch (k->kind) {
		case K_INT:
			fprintf(out, "%s %d\n", k->name,
			    *(const int *)(const void *)field);
			break;
		case K_MODE:
			fprintf(out, "%s %04o\n", k->name,
			    *(const unsigned int *)(const void *)field);
			break;
		case K_LEVEL:
			fprintf(out, "%s %s\n", k->name, log_level_name(
			    *(const int *)(const void *)field));
			break;
		default:
			if (*field != '\0')
				fprintf(out, "%s \"%s\"\n", k->name, field);
			break;
		}
	}
}
