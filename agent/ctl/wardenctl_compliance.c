/*
 * wardenctl_compliance.c - `wardenctl compliance` and `wardenctl rules`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profiles/rules.h"
#include "agent/core/core.h"
#include "agent/ctl/ctl.h"

/*
 * The exit code of a verdict: 0 when the device complies (or nothing
 * applies), 4 in a grace period, 5 not compliant (also when a setting
 * could not be judged or failed), 6 denied.
 */
static int
verdict_exit(const char *verdict)
{
	static const struct {
		const char *name;
		int code;
	} map[] = {
		{ "Compliant", EXIT_OK },
		{ "NotApplicable", EXIT_OK },
		{ "InGracePeriod", EXIT_IN_GRACE_PERIOD },
		{ "NonCompliant", EXIT_NON_COMPLIANT },
		{ "Unknown", EXIT_NON_COMPLIANT },
		{ "Error", EXIT_NON_COMPLIANT },
		{ "Denied", EXIT_DENIED },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].name, verdict) == 0)
			return map[i].code;
	wctl_err("wardenctl: compliance: unknown verdict \"%s\"\n",
	    verdict);
	return EXIT_FAIL;
}

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
	code = verdict_exit(wctl_str(r, "verdict"));
	cJSON_Delete(reply);
	return code;
}

/* `rules check FILE` runs the agent's own parser, with no agent. */
static int
rules_check(const struct ctl_opts *o, const char *path)
{
	struct rules_set *rs;
	char err[512];

	if (rules_load(path, &rs, err, sizeof(err)) != 0) {
		wctl_err("%s: %s\n", path, err);
		return EXIT_USAGE;
	}
	if (o->json) {
		cJSON *v = cJSON_CreateObject();

		cJSON_AddStringToObject(v, "file", path);
		cJSON_AddBoolToObject(v, "valid", true);
		cJSON_AddNumberToObject(v, "rules", (double)rs->nrules);
		wctl_print_json(v);
		cJSON_Delete(v);
	} else {
		printf("%s: valid, %zu rules\n", path, rs->nrules);
	}
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
		return rules_check(o, argv[2]);
	if (strcmp(argv[1], "apply") != 0)
		wctl_usage();
	if ((doc = wctl_read_file(argv[2], RULES_DOC_MAX, &len)) == NULL)
		return EXIT_USAGE;
	/* Checked here too, so the error names the file. */
	if (rules_parse(doc, len, &rs, err, sizeof(err)) != 0) {
		wctl_err("%s: %s\n", argv[2], err);
		free(doc);
		return EXIT_USAGE;
	}
	rules_free(rs);
	req = wctl_request("rules-apply");
	cJSON_AddStringToObject(req, "document", doc);
	free(doc);
	if ((code = wctl_call(o, req, &reply, &r)) != EXIT_OK)
		return code;
	if (o->json) {
		cJSON *v = cJSON_CreateObject();

		cJSON_AddStringToObject(v, "file", argv[2]);
		cJSON_AddBoolToObject(v, "applied", true);
		wctl_print_json(v);
		cJSON_Delete(v);
	} else {
		printf("rules applied\n");
	}
	cJSON_Delete(reply);
	return EXIT_OK;
}
