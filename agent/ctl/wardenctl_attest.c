/*
 * wardenctl_attest.c - `wardenctl attest [--audience AUD] [--nonce N]`:
 * prints a compliance token (attest.c) on stdout, alone on its line, so
 * that an app or a script can take it with $(wardenctl attest); with -j
 * the token, its expiry and its claims as JSON. Open to any local user.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/core.h"
#include "agent/ctl/ctl.h"

int
wctl_cmd_attest(const struct ctl_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "audience", required_argument, NULL, 'a' },
		{ "nonce", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *aud = NULL, *nonce = NULL;
	cJSON *req, *reply, *r;
	int ch, code;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a': aud = optarg; break;
		case 'n': nonce = optarg; break;
		default: wctl_bad_option(argv);
		}
	}
	if (optind != argc)
		wctl_usage();
	/* The agent checks both: it is the trust boundary. */
	req = wctl_request("attest");
	if (aud != NULL)
		cJSON_AddStringToObject(req, "audience", aud);
	if (nonce != NULL)
		cJSON_AddStringToObject(req, "nonce", nonce);
	if ((code = wctl_call(o, req, &reply, &r)) != EXIT_OK)
		return code;
	if (*wctl_str(r, "token") == '\0') {
		wctl_err("wardenctl: attest: the agent sent no token\n");
		code = EXIT_FAIL;
	} else if (o->json) {
		wctl_print_json(r);
	} else {
		printf("%s\n", wctl_str(r, "token"));
	}
	cJSON_Delete(reply);
	return code;
}
