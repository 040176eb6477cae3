/*
 * wardenctl_policy.c - `wardenctl policy check|apply|show`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/policy/policy.h"
#include "profiles/policy.h"
#include "agent/core/core.h"
#include "agent/ctl/ctl.h"

/*
 * Prints one "fieldPath: reason" line per error on stderr, or with
 * --json one object on stdout: {"error", "exit": 2, "errors":
 * [{"fieldPath", "reason"}], "moreErrors"}.
 */
static void
print_errors(const struct ctl_opts *o, const char *path,
    const struct policy_errors *errs)
{
	char line[POLICY_PATH_MAX + POLICY_REASON_MAX + 8];
	cJSON *v, *list, *e;
	size_t i;

	if (!o->json) {
		for (i = 0; i < errs->n; i++) {
			policy_error_format(&errs->e[i], line, sizeof(line));
			fprintf(stderr, "%s\n", line);
		}
		if (errs->more > 0)
			fprintf(stderr, "(%zu more errors)\n", errs->more);
		return;
	}
	v = cJSON_CreateObject();
	snprintf(line, sizeof(line), "%s: invalid policy", path);
	cJSON_AddStringToObject(v, "error", line);
	cJSON_AddNumberToObject(v, "exit", EXIT_USAGE);
	list = cJSON_AddArrayToObject(v, "errors");
	for (i = 0; i < errs->n; i++) {
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "fieldPath", errs->e[i].field_path);
		cJSON_AddStringToObject(e, "reason", errs->e[i].reason);
		cJSON_AddItemToArray(list, e);
	}
	cJSON_AddNumberToObject(v, "moreErrors", (double)errs->more);
	wctl_print_json(v);
	cJSON_Delete(v);
}

/*
 * The agent's prediction for this device; 0, or -1 when no agent
 * answers (nothing printed then).
 */
static int
check_on_agent(const struct ctl_opts *o, const char *doc, cJSON **out)
{
	cJSON *req = wctl_request("policy-check"), *reply = NULL;
	char err[512];
	int code;

	cJSON_AddStringToObject(req, "document", doc);
	if (ctl_request(o->socket, req, &reply, err, sizeof(err), &code) !=
	    0 || !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(reply,
	    "ok"))) {
		cJSON_Delete(req);
		cJSON_Delete(reply);
		return -1;
	}
	cJSON_Delete(req);
	*out = reply;
	return 0;
}

/*
 * `policy check FILE`: the agent's own parser, then per setting what
 * will happen: on this device when an agent answers, else for each HAL
 * backend of this build (fully managed mode).
 */
static int
check(const struct ctl_opts *o, const char *path)
{
	struct policy_errors errs;
	struct policy *p;
	const char *const *names;
	cJSON *reply, *out, *r, *list;
	char *doc;
	size_t len, i;

	memset(&errs, 0, sizeof(errs));
	if ((p = policy_parse_file(path, &errs)) == NULL) {
		print_errors(o, path, &errs);
		return EXIT_USAGE;
	}
	/* Valid, so no bigger than POLICY_DOC_MAX: the agent gets it. */
	if ((doc = wctl_read_file(path, POLICY_DOC_MAX, &len)) == NULL) {
		policy_free(p);
		return EXIT_USAGE;
	}
	out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "file", path);
	cJSON_AddStringToObject(out, "name", p->name);
	cJSON_AddNumberToObject(out, "version", (double)p->version);
	cJSON_AddBoolToObject(out, "valid", true);
	/* Fields warden does not know: reported UNSUPPORTED, never dropped. */
	list = cJSON_AddArrayToObject(out, "unsupported");
	for (i = 0; i < p->nunsupported; i++)
		cJSON_AddItemToArray(list, cJSON_CreateString(
		    p->unsupported[i].field_path));
	if (!o->json) {
		printf("%s: valid policy \"%s\" version %lld\n", path,
		    p->name, (long long)p->version);
		for (i = 0; i < p->nunsupported; i++)
			printf("  unsupported (reported as UNSUPPORTED): %s\n",
			    p->unsupported[i].field_path);
	}
	if (check_on_agent(o, doc, &reply) == 0) {
		r = cJSON_DetachItemFromObjectCaseSensitive(reply, "result");
		cJSON_Delete(reply);
		cJSON_AddItemToObject(out, "device", r);
		if (!o->json) {
			printf("on this device (HAL %s, mode %s):\n",
			    wctl_str(r, "backend"), wctl_str(r, "mode"));
			policy_predict_print(
			    cJSON_GetObjectItemCaseSensitive(r, "settings"),
			    stdout);
		}
	} else {
		cJSON *arr = cJSON_AddArrayToObject(out, "backends");

		for (names = hal_backend_names(); *names != NULL; names++) {
			cJSON *b = cJSON_CreateObject(), *pred;

			pred = policy_predict(p, POLICY_MODE_FULLY_MANAGED,
			    hal_backend_find(*names));
			cJSON_AddStringToObject(b, "backend", *names);
			cJSON_AddStringToObject(b, "mode", policy_mode_name(
			    POLICY_MODE_FULLY_MANAGED));
			cJSON_AddItemToObject(b, "settings", pred);
			cJSON_AddItemToArray(arr, b);
			if (!o->json) {
				printf("no agent answers; with HAL backend %s, "
				    "fully managed:\n", *names);
				policy_predict_print(pred, stdout);
			}
		}
	}
	if (o->json)
		wctl_print_json(out);
	cJSON_Delete(out);
	policy_free(p);
	free(doc);
	return EXIT_OK;
}

static void
print_settings(const cJSON *r)
{
	const cJSON *s;

	printf("policy version %.0f, mode %s\n", wctl_num(r, "version"),
	    wctl_str(r, "mode"));
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(r, "settings")) {
		const char *reason = wctl_str(s, "reason");
		printf("  %-12s %-40s%s%s\n", wctl_str(s, "status"),
		    wctl_str(s, "setting"), *reason ? " " : "", reason);
	}
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(r,
	    "notEnforced"))
		printf("  %-12s %-40s %s\n", wctl_str(s, "nonComplianceReason"),
		    wctl_str(s, "fieldPath"), wctl_str(s, "detail"));
}

int
wctl_cmd_policy(const struct ctl_opts *o, int argc, char **argv)
{
	struct policy_errors errs;
	struct policy *p;
	cJSON *req, *reply, *r;
	char *doc;
	size_t len;
	int code;

	if (argc == 3 && strcmp(argv[1], "check") == 0)
		return check(o, argv[2]);
	if (argc == 2 && strcmp(argv[1], "show") == 0) {
		if ((code = wctl_call(o, wctl_request("policy-show"), &reply,
		    &r)) != EXIT_OK)
			return code;
		if (o->json)
			wctl_print_json(r);
		else
			print_settings(r);
		cJSON_Delete(reply);
		return EXIT_OK;
	}
	if (argc != 3 || strcmp(argv[1], "apply") != 0)
		wctl_usage();
	if ((doc = wctl_read_file(argv[2], POLICY_DOC_MAX, &len)) == NULL)
		return EXIT_USAGE;
	/* Checked here first so that the errors come straight from the
	 * file; the agent checks again. */
	memset(&errs, 0, sizeof(errs));
	if (strlen(doc) != len || (p = policy_parse(doc, len, &errs)) == NULL) {
		if (strlen(doc) != len) {
			memset(&errs, 0, sizeof(errs));
			snprintf(errs.e[0].field_path,
			    sizeof(errs.e[0].field_path), "$");
			snprintf(errs.e[0].reason, sizeof(errs.e[0].reason),
			    "NUL byte in the document");
			errs.n = 1;
		}
		print_errors(o, argv[2], &errs);
		free(doc);
		return EXIT_USAGE;
	}
	policy_free(p);
	req = wctl_request("policy-apply");
	cJSON_AddStringToObject(req, "document", doc);
	free(doc);
	if ((code = wctl_call(o, req, &reply, &r)) != EXIT_OK)
		return code;
	if (o->json)
		wctl_print_json(r);
	else
		print_settings(r);
	cJSON_Delete(reply);
	return EXIT_OK;
}
