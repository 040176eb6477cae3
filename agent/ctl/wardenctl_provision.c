/*
 * wardenctl_provision.c - `wardenctl provision`: hands one provisioning
 * input to the agent and prints each step as it happens.
 *
 *   provision (--qr-image FILE | --qr-text FILE|- | --nfc-ndef FILE |
 *              --nfc-properties FILE | --token afw#ID --code CODE |
 *              --camera | --nfc) [--dry-run]
 *   provision share --ndef OUT
 *
 * QR images are decoded here (the agent parses and validates the text
 * either way); everything else is parsed by the agent, so a dry run shows
 * exactly what the agent would do. With no agent running, a dry run runs
 * the same parsers here, with the configuration file's defaults, and says
 * what it could not check.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/provision/provision.h"
#include "agent/core/core.h"
#include "agent/ctl/ctl.h"
#include "crypto/crypto.h"

static void
on_progress(const cJSON *p, void *arg)
{
	const char *detail = wctl_str(p, "detail");

	(void)arg;
	printf("  %-10s %s\n", wctl_str(p, "step"), detail);
	fflush(stdout);
}

/*
 * Sends req (consumed), printing progress; returns the exit code. An
 * unreachable agent is not reported when quiet_unreachable is set.
 */
static int
send_progress(const struct ctl_opts *o, cJSON *req, bool quiet_unreachable,
    cJSON **reply, cJSON **result)
{
	const cJSON *e, *x;
	char err[512];
	int code;

	*result = NULL;
	if (ctl_request_progress(o->socket, req, on_progress, NULL, reply, err,
	    sizeof(err), &code) != 0) {
		cJSON_Delete(req);
		if (!(quiet_unreachable && code == EXIT_UNREACHABLE))
			wctl_err("wardenctl: %s\n", err);
		return code;
	}
	cJSON_Delete(req);
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(*reply, "ok"))) {
		e = cJSON_GetObjectItemCaseSensitive(*reply, "error");
		x = cJSON_GetObjectItemCaseSensitive(*reply, "exit");
		wctl_err("%s\n", cJSON_IsString(e) ? e->valuestring :
		    "provisioning refused");
		code = cJSON_IsNumber(x) ? x->valueint : EXIT_FAIL;
		cJSON_Delete(*reply);
		*reply = NULL;
		return code;
	}
	*result = cJSON_GetObjectItemCaseSensitive(*reply, "result");
	return EXIT_OK;
}

/*
 * A dry run with no agent: source's text (for nfc-ndef, base64url of the
 * message) or token and code parsed here as the agent would, with the
 * defaults of the configuration file. Prints the request as the agent's
 * dry run does, and on stderr what could not be checked.
 */
static int
dry_run_offline(const char *source, const char *text, const char *token,
    const char *code)
{
	struct config conf;
	struct prov_defaults defs;
	struct prov_request req;
	const char *conf_note = "compiled-in defaults";
	char err[512], *masked;
	cJSON *doc;
	uint8_t *buf;
	size_t n = 0;
	int rc = -1;

	if (strcmp(source, "camera") == 0 || strcmp(source, "nfc-reader") == 0) {
		wctl_err("wardenctl: provision --dry-run: the %s is read "
		    "through the agent's HAL, and the agent is not reachable "
		    "(is wardend running?)\n", source);
		return EXIT_UNREACHABLE;
	}
	config_defaults(&conf);
	if (access(CONFIG_DEFAULT_CONFIG_FILE, F_OK) == 0) {
		if (config_load(&conf, CONFIG_DEFAULT_CONFIG_FILE, err,
		    sizeof(err)) == 0) {
			conf_note = "the defaults of " CONFIG_DEFAULT_CONFIG_FILE;
		} else {
			fprintf(stderr, "wardenctl: %s; using the compiled-in "
			    "defaults\n", err);
			config_defaults(&conf);
		}
	}
	prov_defaults_from_config(&conf, &defs);
	err[0] = '\0';
	if (strcmp(source, "token") == 0) {
		if (conf.token_dir[0] == '\0')
			snprintf(err, sizeof(err), "afw# tokens: this image has "
			    "no token directory (token-directory in "
			    "wardend.conf)");
		else
			rc = prov_from_token(conf.token_dir, token, code, &defs,
			    &req, err, sizeof(err));
	} else if (strcmp(source, "qr") == 0) {
		rc = prov_from_qr_text(text, strlen(text), &defs, &req, err,
		    sizeof(err));
	} else if (strcmp(source, "nfc-properties") == 0) {
		rc = prov_from_properties(text, strlen(text), &defs, &req, err,
		    sizeof(err));
	} else if ((buf = malloc(PROV_NDEF_MAX + 1)) != NULL) {
		if (crypto_b64_decode(text, strlen(text), buf, PROV_NDEF_MAX + 1,
		    &n, CRYPTO_B64_PAD) == 0)
			rc = prov_from_ndef(buf, n, &defs, &req, err,
			    sizeof(err));
		prov_secret_free(buf, PROV_NDEF_MAX + 1);
	}
	if (rc != 0) {
		wctl_err("%s\n", err[0] != '\0' ? err : "out of memory");
		return err[0] != '\0' ? EXIT_USAGE : EXIT_FAIL;
	}
	masked = prov_request_to_json(&req, true);
	prov_request_clear(&req);
	if (masked == NULL) {
		wctl_err("wardenctl: out of memory\n");
		return EXIT_FAIL;
	}
	/* As the agent's dry run shows it. */
	doc = cJSON_Parse(masked);
	free(masked);
	wctl_print_json(doc);
	cJSON_Delete(doc);
	fprintf(stderr, "wardenctl: the agent is not running: checked here "
	    "with %s; not checked: whether this device can be provisioned now "
	    "(its state)\n", conf_note);
	return EXIT_OK;
}

static int
share(const struct ctl_opts *o, int argc, char **argv)
{
	cJSON *reply, *r;
	const char *b64;
	uint8_t *ndef;
	size_t n;
	int code, fd;

	if (argc != 4 || strcmp(argv[2], "--ndef") != 0)
		wctl_usage();
	if ((code = wctl_call(o, wctl_request("provision-share"), &reply, &r))
	    != EXIT_OK)
		return code;
	b64 = wctl_str(r, "ndef");
	if ((ndef = malloc(PROV_NDEF_MAX)) == NULL ||
	    crypto_b64_decode(b64, strlen(b64), ndef, PROV_NDEF_MAX, &n,
	    CRYPTO_B64_PAD) != 0) {
		wctl_err("wardenctl: malformed NDEF from the agent\n");
		free(ndef);
		cJSON_Delete(reply);
		return EXIT_FAIL;
	}
	cJSON_Delete(reply);
	/* It carries the Wi-Fi passphrase and the token: owner-only. */
	fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, ndef, n) != (ssize_t)n || close(fd) != 0) {
		wctl_err("wardenctl: %s: %s\n", argv[3], strerror(errno));
		prov_secret_free(ndef, PROV_NDEF_MAX);
		return EXIT_FAIL;
	}
	prov_secret_free(ndef, PROV_NDEF_MAX);
	printf("NDEF message for the next device written to %s (%zu bytes)\n",
	    argv[3], n);
	return EXIT_OK;
}

int
wctl_cmd_provision(const struct ctl_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "qr-image", required_argument, NULL, 'i' },
		{ "qr-text", required_argument, NULL, 'q' },
		{ "nfc-ndef", required_argument, NULL, 'n' },
		{ "nfc-properties", required_argument, NULL, 'p' },
		{ "token", required_argument, NULL, 't' },
		{ "code", required_argument, NULL, 'c' },
		{ "camera", no_argument, NULL, 'C' },
		{ "nfc", no_argument, NULL, 'N' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *source = NULL, *file = NULL, *token = NULL, *code = NULL;
	char *text = NULL, err[512];
	bool dry = false;
	cJSON *req, *reply = NULL, *r;
	size_t len = 0;
	int ch, inputs = 0, rc;

	if (argc >= 2 && strcmp(argv[1], "share") == 0)
		return share(o, argc, argv);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'i': source = "qr-image"; file = optarg; inputs++; break;
		case 'q': source = "qr"; file = optarg; inputs++; break;
		case 'n': source = "nfc-ndef"; file = optarg; inputs++; break;
		case 'p': source = "nfc-properties"; file = optarg; inputs++;
			break;
		case 't': source = "token"; token = optarg; inputs++; break;
		case 'c': code = optarg; break;
		case 'C': source = "camera"; inputs++; break;
		case 'N': source = "nfc-reader"; inputs++; break;
		case 'd': dry = true; break;
		default: wctl_bad_option(argv);
		}
	}
	if (inputs != 1 || optind != argc ||
	    (strcmp(source, "token") == 0) != (code != NULL)) {
		wctl_err("wardenctl: provision: give exactly one input "
		    "(--token needs --code)\n");
		return EXIT_USAGE;
	}
	req = wctl_request("provision");
	if (strcmp(source, "qr-image") == 0) {
		if ((text = calloc(1, PROV_QR_MAX + 1)) == NULL ||
		    qrdecode_file(file, text, PROV_QR_MAX + 1, &len, err,
		    sizeof(err)) != 0) {
			wctl_err("%s: %s\n", file, text ? err :
			    "out of memory");
			free(text);
			cJSON_Delete(req);
			return strstr(err, "UNSUPPORTED") ? EXIT_FAIL : EXIT_USAGE;
		}
		source = "qr";
	} else if (file != NULL) {
		size_t max = strcmp(source, "nfc-ndef") == 0 ? PROV_NDEF_MAX :
		    strcmp(source, "qr") == 0 ? PROV_QR_MAX : PROV_PROPS_MAX;
		if ((text = wctl_read_file(file, max, &len)) == NULL) {
			cJSON_Delete(req);
			return EXIT_USAGE;
		}
		if (strcmp(source, "nfc-ndef") == 0) {
			char *b64 = malloc(crypto_b64url_enclen(len) + 1);
			if (b64 == NULL || crypto_b64url_encode((uint8_t *)text, len,
			    b64, crypto_b64url_enclen(len) + 1) < 0) {
				free(b64);
				free(text);
				cJSON_Delete(req);
				return EXIT_FAIL;
			}
			prov_secret_free(text, len);
			text = b64;
		} else if (strlen(text) != len) {
			wctl_err("%s: NUL byte in the input\n", file);
			free(text);
			cJSON_Delete(req);
			return EXIT_USAGE;
		}
	}
	cJSON_AddStringToObject(req, "source", source);
	if (text != NULL)
		cJSON_AddStringToObject(req, "text", text);
	if (token != NULL) {
		cJSON_AddStringToObject(req, "token", token);
		cJSON_AddStringToObject(req, "code", code);
	}
	if (dry)
		cJSON_AddBoolToObject(req, "dryRun", true);
	if (!dry)
		printf("provisioning from %s\n", source);
	rc = send_progress(o, req, dry, &reply, &r);
	if (rc == EXIT_UNREACHABLE && dry)
		rc = dry_run_offline(source, text, token, code);
	if (text != NULL)
		prov_secret_free(text, strlen(text));
	if (rc != EXIT_OK || reply == NULL)
		return rc;
	if (dry || o->json)
		wctl_print_json(cJSON_GetObjectItemCaseSensitive(r, "request"));
	else
		printf("device is %s\n", wctl_str(r, "state"));
	cJSON_Delete(reply);
	return EXIT_OK;
}
