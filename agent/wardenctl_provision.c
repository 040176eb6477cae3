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
 * exactly what the agent would do.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/base64url.h"
#include "agent/provision.h"
#include "agent/qrdecode.h"
#include "warden.h"

static void
on_progress(const cJSON *p, void *arg)
{
	const char *detail = wctl_str(p, "detail");

	(void)arg;
	printf("  %-10s %s\n", wctl_str(p, "step"), detail);
	fflush(stdout);
}

/* Sends req (consumed), printing progress; returns the exit code. */
static int
send_progress(const struct ctl_opts *o, cJSON *req, cJSON **reply,
    cJSON **result)
{
	const cJSON *e, *x;
	char err[512];
	int code;

	*result = NULL;
	if (ctl_request_progress(o->socket, req, on_progress, NULL, reply, err,
	    sizeof(err), &code) != 0) {
		cJSON_Delete(req);
		fprintf(stderr, "wardenctl: %s\n", err);
		return code;
	}
	cJSON_Delete(req);
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(*reply, "ok"))) {
		e = cJSON_GetObjectItemCaseSensitive(*reply, "error");
		x = cJSON_GetObjectItemCaseSensitive(*reply, "exit");
		fprintf(stderr, "%s\n", cJSON_IsString(e) ? e->valuestring :
		    "provisioning refused");
		code = cJSON_IsNumber(x) ? x->valueint : EXIT_FAIL;
		cJSON_Delete(*reply);
		*reply = NULL;
		return code;
	}
	*result = cJSON_GetObjectItemCaseSensitive(*reply, "result");
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
	    base64url_decode(b64, strlen(b64), ndef, PROV_NDEF_MAX, &n, 0) !=
	    0) {
		fprintf(stderr, "wardenctl: malformed NDEF from the agent\n");
		free(ndef);
		cJSON_Delete(reply);
		return EXIT_FAIL;
	}
	cJSON_Delete(reply);
	/* It carries the Wi-Fi passphrase and the token: owner-only. */
	fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, ndef, n) != (ssize_t)n || close(fd) != 0) {
		fprintf(stderr, "wardenctl: %s: %s\n", argv[3], strerror(errno));
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
	cJSON *req, *reply, *r;
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
		fprintf(stderr, "wardenctl: provision: give exactly one input "
		    "(--token needs --code)\n");
		return EXIT_USAGE;
	}
	req = wctl_request("provision");
	if (strcmp(source, "qr-image") == 0) {
		if ((text = calloc(1, PROV_QR_MAX + 1)) == NULL ||
		    qrdecode_file(file, text, PROV_QR_MAX + 1, &len, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "%s: %s\n", file, text ? err :
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
			char *b64 = malloc(base64url_encoded_len(len) + 1);
			if (b64 == NULL || base64url_encode((uint8_t *)text, len,
			    b64, base64url_encoded_len(len) + 1) < 0) {
				free(b64);
				free(text);
				cJSON_Delete(req);
				return EXIT_FAIL;
			}
			prov_secret_free(text, len);
			text = b64;
		} else if (strlen(text) != len) {
			fprintf(stderr, "%s: NUL byte in the input\n", file);
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
	if (text != NULL)
		prov_secret_free(text, strlen(text));
	if (!dry)
		printf("provisioning from %s\n", source);
	if ((rc = send_progress(o, req, &reply, &r)) != EXIT_OK)
		return rc;
	if (dry || o->json)
		wctl_print_json(cJSON_GetObjectItemCaseSensitive(r, "request"));
	else
		printf("device is %s\n", wctl_str(r, "state"));
	cJSON_Delete(reply);
	return EXIT_OK;
}
