/*
 * wardenctl_compliance.c - `wardenctl compliance` and `wardenctl rules`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profiles/rules.h"
#include "warden.h"

int
wctl_cmd_compliance(const struct ctl_opts *o, int argc, char **argv)
{
	cJSON *reply, *r;
	int code;

	(void)argv;
	if (argc != 1)
		wctl_usage();
	if ((code = wctl_call(o, wctl_request("compliance"), &reply, &r)) !=
	    EXIT_OK)
		return code;
	if (o->json)
		wctl_print_json(cJSON_GetObjectItemCaseSensitive(r, "report"));
	else
		fputs(wctl_str(r, "text"), stdout);
	cJSON_Delete(reply);
	return EXIT_OK;
}

/* `rules check FILE` runs the agent's own parser, with no agent. */
static int
rules_check(const char *path)
{
	struct rules_set *rs;
	char err[512];

	if (rules_load(path, &rs, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: %s\n", path, err);
		return EXIT_USAGE;
	}
	printf("%s: valid, %zu rules\n", path, rs->nrules);
	rules_free(rs);
	return EXIT_OK;
}

int
wctl_cmd_rules(const struct ctl_opts *o, int argc, char **argv)
{
	struct rules_set *rs;
	cJSON *req, *reply, *r;
	char err[512], *doc;
	size_t len;
	int code;

	if (argc != 3)
		wctl_usage();
	if (strcmp(argv[1], "check") == 0)
		return rules_check(argv[2]);
	if (strcmp(argv[1], "apply") != 0)
		wctl_usage();
	if ((doc = wctl_read_file(argv[2], RULES_DOC_MAX, &len)) == NULL)
		return EXIT_USAGE;
	/* Checked here too, so the error names the file. */
	if (rules_parse(doc, len, &rs, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: %s\n", argv[2], err);
		free(doc);
		return EXIT_USAGE;
	}
	rules_free(rs);
	req = wctl_request("rules-apply");
	cJSON_AddStringToObject(req, "document", doc);
	free(doc);
	if ((code = wctl_call(o, req, &reply, &r)) != EXIT_OK)
		return code;
	printf("rules applied\n");
	cJSON_Delete(reply);
	return EXIT_OK;
}
