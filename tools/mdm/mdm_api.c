/*
 * mdm_api.c - the device routes after enrollment: policy (with its
 * ETag), report batches (stored once per idempotency key), the command
 * long poll, command results and the device's own unenrollment. The
 * router has already checked mutual TLS for call->device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/mdm/mdm.h"

void
mdm_api_policy(struct mdm_call *call, struct mdm_resp *resp)
{
	const struct mdm_http_req *req = call->req;
	char version[MDM_VERSION_MAX + 1];
	char *json;

	if (mdm_store_policy_get(call->srv->store, call->device, &json,
	    version) != 0) {
		mdm_resp_error(resp, 500, "database error");
		return;
	}
	snprintf(resp->etag, sizeof(resp->etag), "%s", version);
	if (req->has_if_none_match &&
	    mdm_http_etag_match(req->if_none_match, version)) {
		free(json);
		resp->status = 304;
		return;
	}
	resp->status = 200;
	resp->body = json;
	resp->len = strlen(json);
}

static bool
key_valid(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > MDM_KEY_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return false;
	return true;
}

/* Checks one batch entry; fills r, its payload in *text (malloc'd). */
static int
report_entry(const cJSON *e, size_t i, struct mdm_report *r, char **text,
    char *err, size_t errlen)
{
	static const char *const fields[] = { "idempotencyKey", "kind",
		"payload", NULL };
	const cJSON *key, *kind, *payload, *pc;
	char where[32];

	snprintf(where, sizeof(where), "reports[%zu]", i);
	if (!cJSON_IsObject(e)) {
		snprintf(err, errlen, "%s: not an object", where);
		return -1;
	}
	if (mdm_json_only(e, fields, where, err, errlen) != 0)
		return -1;
	key = cJSON_GetObjectItemCaseSensitive(e, "idempotencyKey");
	kind = cJSON_GetObjectItemCaseSensitive(e, "kind");
	payload = cJSON_GetObjectItemCaseSensitive(e, "payload");
	if (!cJSON_IsString(key) || !key_valid(key->valuestring)) {
		snprintf(err, errlen, "%s.idempotencyKey: not 1 to %d printable "
		    "ASCII characters", where, MDM_KEY_MAX);
		return -1;
	}
	if (!cJSON_IsString(kind) || (strcmp(kind->valuestring, "report") !=
	    0 && strcmp(kind->valuestring, "event") != 0)) {
		snprintf(err, errlen, "%s.kind: not \"report\" or \"event\"",
		    where);
		return -1;
	}
	if (!cJSON_IsObject(payload)) {
		snprintf(err, errlen, "%s.payload: not an object", where);
		return -1;
	}
	r->key = key->valuestring;
	r->kind = kind->valuestring;
	r->compliant = -1;
	pc = cJSON_GetObjectItemCaseSensitive(payload, "policyCompliant");
	if (strcmp(r->kind, "report") == 0 && cJSON_IsBool(pc))
		r->compliant = cJSON_IsTrue(pc) ? 1 : 0;
	if ((*text = mdm_json_print(payload)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->payload = *text;
	return 0;
}

/* The reply: every key of the batch, each once, in batch order. */
static cJSON *
accepted(const struct mdm_report *r, size_t n)
{
	cJSON *root = cJSON_CreateObject(), *arr;
	size_t i, j;

	arr = cJSON_AddArrayToObject(root, "accepted");
	if (arr == NULL) {
		cJSON_Delete(root);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(r[i].key, r[j].key) == 0)
				break;
		if (j == i)
			cJSON_AddItemToArray(arr, cJSON_CreateString(r[i].key));
	}
	return root;
}

void
mdm_api_reports(struct mdm_call *call, struct mdm_resp *resp)
{
	static const char *const fields[] = { "reports", NULL };
	struct mdm_report r[MDM_BATCH_MAX];
	char *texts[MDM_BATCH_MAX] = { NULL };
	char err[MDM_ERR_MAX];
	const cJSON *arr, *e;
	cJSON *root;
	size_t n = 0, i;

	if ((root = mdm_call_object(call, resp)) == NULL)
		return;
	memset(r, 0, sizeof(r));
	if (mdm_json_only(root, fields, "", err, sizeof(err)) != 0) {
		mdm_resp_error(resp, 400, "%s", err);
		goto out;
	}
	arr = cJSON_GetObjectItemCaseSensitive(root, "reports");
	if (!cJSON_IsArray(arr)) {
		mdm_resp_error(resp, 400, "reports: required, an array");
		goto out;
	}
	if (cJSON_GetArraySize(arr) > MDM_BATCH_MAX) {
		mdm_resp_error(resp, 400, "reports: more than %d entries",
		    MDM_BATCH_MAX);
		goto out;
	}
	if (mdm_fault_reports(call->srv, arr, resp))
		goto out;
	cJSON_ArrayForEach(e, arr) {
		if (report_entry(e, n, &r[n], &texts[n], err, sizeof(err)) !=
		    0) {
			mdm_resp_error(resp, 400, "%s", err);
			goto out;
		}
		n++;
	}
	/* The whole batch or nothing: a bad entry above stored none. */
	if (mdm_store_reports_add(call->srv->store, call->device, r, n,
	    time(NULL)) != 0) {
		mdm_resp_error(resp, 500, "database error");
		goto out;
	}
	mdm_resp_json(resp, 200, accepted(r, n));
out:
	for (i = 0; i < n; i++)
		free(texts[i]);
	cJSON_Delete(root);
}

/* A command as delivered; its signature only when the server signs. */
static cJSON *
command_json(const struct mdm_command *c, bool signing)
{
	char when[MDM_TIME_LEN], dur[24];
	cJSON *o = cJSON_CreateObject(), *params;

	mdm_time_format(c->created, when);
	snprintf(dur, sizeof(dur), "%llds", (long long)c->duration);
	params = cJSON_Parse(c->params);
	if (params == NULL)
		params = cJSON_CreateObject();
	if (o == NULL || cJSON_AddStringToObject(o, "id", c->id) == NULL ||
	    cJSON_AddStringToObject(o, "type", c->type) == NULL ||
	    cJSON_AddStringToObject(o, "createTime", when) == NULL ||
	    cJSON_AddStringToObject(o, "duration", dur) == NULL ||
	    !cJSON_AddItemToObject(o, "params", params)) {
		cJSON_Delete(params);
		cJSON_Delete(o);
		return NULL;
	}
	if (signing && c->signature != NULL &&
	    cJSON_AddStringToObject(o, "signature", c->signature) == NULL) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* waitSeconds from the query: 0 .. MDM_WAIT_MAX, 0 when absent. */
static int
wait_seconds(const char *query, int *secs, char *err, size_t errlen)
{
	static const char *const params[] = { "waitSeconds", NULL };
	char val[16];
	size_t i;
	int rc, v = 0;

	*secs = 0;
	rc = mdm_http_query_get(query, params, "waitSeconds", val,
	    sizeof(val), err, errlen);
	if (rc <= 0)
		return rc;
	for (i = 0; val[i] != '\0'; i++) {
		if (val[i] < '0' || val[i] > '9' || i >= 3) {
			v = -1;
			break;
		}
		v = v * 10 + (val[i] - '0');
	}
	if (v < 0 || v > MDM_WAIT_MAX) {
		snprintf(err, errlen, "waitSeconds: not an integer from 0 to %d",
		    MDM_WAIT_MAX);
		return -1;
	}
	*secs = v;
	return 0;
}

void
mdm_api_commands(struct mdm_call *call, struct mdm_resp *resp)
{
	struct mdm_server *srv = call->srv;
	struct mdm_command cmds[MDM_TAKE_MAX];
	char err[MDM_ERR_MAX];
	cJSON *root, *arr, *o;
	size_t n = 0, i;
	int secs;

	if (wait_seconds(call->req->query, &secs, err, sizeof(err)) != 0) {
		mdm_resp_error(resp, 400, "%s", err);
		return;
	}
	/* The first call sets the deadline; the server calls again while
	 * the request is parked (mdm_conn.c), on news or at the deadline. */
	if (call->wait_until == 0)
		call->wait_until = mdm_now_ms() + (int64_t)secs * 1000;
	if (mdm_store_commands_take(srv->store, call->device, time(NULL),
	    cmds, MDM_TAKE_MAX, &n) != 0) {
		mdm_resp_error(resp, 500, "database error");
		return;
	}
	/* Nothing yet: park, with the empty answer ready should the server
	 * be stopping. */
	if (n == 0 && mdm_now_ms() < call->wait_until) {
		resp->park = true;
		snprintf(resp->park_device, sizeof(resp->park_device), "%s",
		    call->device);
	}
	root = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(root, "commands");
	for (i = 0; i < n; i++) {
		o = command_json(&cmds[i], srv->command_signing);
		if (arr != NULL && o != NULL)
			cJSON_AddItemToArray(arr, o);
		else
			cJSON_Delete(o);
		mdm_log_info("device %s: command %s (%s) delivered",
		    call->device, cmds[i].id, cmds[i].type);
		mdm_command_clear(&cmds[i]);
	}
	if (arr == NULL) {
		cJSON_Delete(root);
		root = NULL;
	}
	mdm_resp_json(resp, 200, root);
}

static const char *const result_statuses[] = { "SUCCEEDED", "FAILED",
	"EXPIRED", "UNSUPPORTED", NULL };

static int
check_result(const cJSON *root, const char **status, const char **code,
    const cJSON **result, char *err, size_t errlen)
{
	static const char *const fields[] = { "status", "errorCode", "result",
		NULL };
	const cJSON *s, *c;
	const char *const *p;
	size_t i;

	if (mdm_json_only(root, fields, "", err, errlen) != 0)
		return -1;
	s = cJSON_GetObjectItemCaseSensitive(root, "status");
	c = cJSON_GetObjectItemCaseSensitive(root, "errorCode");
	*result = cJSON_GetObjectItemCaseSensitive(root, "result");
	for (p = result_statuses; cJSON_IsString(s) && *p != NULL; p++)
		if (strcmp(*p, s->valuestring) == 0)
			break;
	if (!cJSON_IsString(s) || *p == NULL) {
		snprintf(err, errlen, "status: not SUCCEEDED, FAILED, EXPIRED "
		    "or UNSUPPORTED");
		return -1;
	}
	*status = s->valuestring;
	*code = "";
	if (c != NULL) {
		if (!cJSON_IsString(c) || strlen(c->valuestring) >
		    MDM_ERRCODE_MAX) {
			snprintf(err, errlen, "errorCode: not a string of at "
			    "most %d characters", MDM_ERRCODE_MAX);
			return -1;
		}
		for (i = 0; c->valuestring[i] != '\0'; i++) {
			if ((unsigned char)c->valuestring[i] < 0x20) {
				snprintf(err, errlen, "errorCode: control "
				    "character");
				return -1;
			}
		}
		*code = c->valuestring;
	}
	if (*result != NULL && !cJSON_IsObject(*result)) {
		snprintf(err, errlen, "result: not an object");
		return -1;
	}
	return 0;
}

void
mdm_api_result(struct mdm_call *call, struct mdm_resp *resp)
{
	enum mdm_result_outcome outcome;
	const char *status, *code;
	const cJSON *result;
	char err[MDM_ERR_MAX];
	char *text = NULL;
	cJSON *root;

	if ((root = mdm_call_object(call, resp)) == NULL)
		return;
	if (mdm_fault_result(call->srv, root, resp))
		goto out;
	if (check_result(root, &status, &code, &result, err, sizeof(err)) !=
	    0) {
		mdm_resp_error(resp, 400, "%s", err);
		goto out;
	}
	if (result != NULL && (text = mdm_json_print(result)) == NULL) {
		mdm_resp_error(resp, 500, "out of memory");
		goto out;
	}
	if (mdm_store_command_result(call->srv->store, call->device,
	    call->command, status, code, text, time(NULL), &outcome) != 0) {
		mdm_resp_error(resp, 500, "database error");
		goto out;
	}
	if (outcome == MDM_RESULT_UNKNOWN) {
		mdm_resp_error(resp, 404, "device %s has no command %s",
		    call->device, call->command);
		goto out;
	}
	if (outcome == MDM_RESULT_STORED)
		mdm_log_info("device %s: command %s %s%s%s", call->device,
		    call->command, status, code[0] != '\0' ? " " : "", code);
	mdm_resp_json(resp, 200, cJSON_CreateObject());
out:
	free(text);
	cJSON_Delete(root);
}

void
mdm_api_unenroll(struct mdm_call *call, struct mdm_resp *resp)
{
	if (mdm_store_device_retire(call->srv->store, call->device,
	    time(NULL)) != 0) {
		mdm_resp_error(resp, 500, "database error");
		return;
	}
	mdm_log_info("device %s retired itself", call->device);
	resp->status = 204;
}
