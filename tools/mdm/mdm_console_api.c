/*
 * mdm_console_api.c - the JSON admin API of the console (under
 * /console/api/, documented in docs/protocol/openapi.yaml): the fleet
 * at a glance, one device in full, enrollment tokens with their QR
 * code, commands (signed as `wardenmdm command` signs them) and
 * policies (validated by the agent's own parser, as `wardenctl policy
 * check` does). The session and CSRF checks are mdm_console.c's. Runs on
 * the server's loop; every handler reads or writes the database once
 * or a few times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/mdm/mdm.h"
#include "profiles/policy.h"

#define LIST_MAX 500		/* devices in one fleet answer */
#define FAILING_MAX 100		/* failing / stale devices listed */
#define REASONS_MAX 64		/* distinct reasons counted */
#define TOP_REASONS 8
#define DEVICE_REASONS 3	/* reasons shown per listed device */
#define HISTORY_DAYS_MAX 90
#define EVENTS_MAX 50
#define STALE_DEFAULT 60	/* minutes */
#define STALE_MAX (60 * 24 * 365)
#define TOKEN_BYTES 24
#define LOST_MESSAGE_MAX 500	/* the agent's bound on a lost-mode text */
#define PASSCODE_MAX 64

/* ---- the fleet ---------------------------------------------------- */

struct reason_count {
	char key[160];		/* "settingName\tnonComplianceReason" */
	long long n;
};

struct fleet_walk {
	time_t now;
	int stale_minutes;
	const char *group;	/* filters; NULL: any */
	const char *verdict;
	const char *state;
	long long total, enrolled, retired, never, stale, compliant,
	    noncompliant, unknown, matched;
	struct reason_count reasons[REASONS_MAX];
	size_t nreasons;
	long long reasons_other;
	cJSON *devices, *failing, *stale_list;
	bool oom;
};

static const char *
verdict_of(const struct mdm_device *d)
{
	return d->compliant < 0 ? "unknown" : d->compliant ? "compliant" :
	    "noncompliant";
}

static bool
is_stale(const struct fleet_walk *w, const struct mdm_device *d)
{
	time_t seen = d->last_report != 0 ? d->last_report : d->enrolled;

	return !d->retired && w->now - seen > (time_t)w->stale_minutes * 60;
}

static const char *
state_of(const struct fleet_walk *w, const struct mdm_device *d)
{
	if (d->retired)
		return "retired";
	if (d->last_report == 0)
		return "never-reported";
	return is_stale(w, d) ? "stale" : "reporting";
}

static void
count_reason(struct fleet_walk *w, const char *setting, const char *reason)
{
	char key[sizeof(w->reasons[0].key)];
	size_t i;

	snprintf(key, sizeof(key), "%s\t%s", setting, reason);
	for (i = 0; i < w->nreasons; i++) {
		if (strcmp(w->reasons[i].key, key) == 0) {
			w->reasons[i].n++;
			return;
		}
	}
	if (w->nreasons == REASONS_MAX) {
		w->reasons_other++;
		return;
	}
	memcpy(w->reasons[w->nreasons].key, key, sizeof(key));
	w->reasons[w->nreasons++].n = 1;
}

/* A string member, or "" (what a device reported is untrusted: a
 * missing or odd member is shown as unknown, never trusted). */
static const char *
str_of(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* The reasons of a non-compliant report: counted, and the first few
 * added to list (may be NULL). */
static void
reasons_of(struct fleet_walk *w, const char *payload, cJSON *list)
{
	const cJSON *details, *d;
	cJSON *report, *o;
	int n = 0;

	if (payload == NULL || (report = cJSON_Parse(payload)) == NULL)
		return;
	details = cJSON_GetObjectItemCaseSensitive(report,
	    "nonComplianceDetails");
	if (!cJSON_IsArray(details))
		details = NULL;
	cJSON_ArrayForEach(d, details) {
		const char *setting = str_of(d, "settingName");
		const char *reason = str_of(d, "nonComplianceReason");
		count_reason(w, setting, reason);
		if (list == NULL || n++ >= DEVICE_REASONS)
			continue;
		if ((o = cJSON_CreateObject()) == NULL ||
		    !cJSON_AddItemToArray(list, o)) {
			cJSON_Delete(o);
			w->oom = true;
			continue;
		}
		cJSON_AddStringToObject(o, "settingName", setting);
		cJSON_AddStringToObject(o, "nonComplianceReason", reason);
		cJSON_AddStringToObject(o, "fieldPath", str_of(d, "fieldPath"));
	}
	cJSON_Delete(report);
}

static cJSON *
fleet_device(struct fleet_walk *w, const struct mdm_fleet_row *r)
{
	const struct mdm_device *d = &r->dev;
	char when[MDM_TIME_LEN];
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		return NULL;
	cJSON_AddStringToObject(o, "id", d->id);
	if (d->group[0] != '\0')
		cJSON_AddStringToObject(o, "group", d->group);
	else
		cJSON_AddNullToObject(o, "group");
	cJSON_AddStringToObject(o, "mode", d->mode);
	cJSON_AddStringToObject(o, "state", state_of(w, d));
	cJSON_AddStringToObject(o, "verdict", verdict_of(d));
	if (d->last_report != 0) {
		mdm_time_format(d->last_report, when);
		cJSON_AddStringToObject(o, "lastReportTime", when);
	} else {
		cJSON_AddNullToObject(o, "lastReportTime");
	}
	return o;
}

static bool
add_to(struct fleet_walk *w, cJSON *arr, cJSON *o)
{
	if (o == NULL || !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		w->oom = true;
		return false;
	}
	return true;
}

static int
walk_device(const struct mdm_fleet_row *r, void *arg)
{
	struct fleet_walk *w = arg;
	const struct mdm_device *d = &r->dev;
	const char *state, *verdict;
	cJSON *o, *reasons = NULL;

	if (w->group != NULL && strcmp(d->group, w->group) != 0)
		return 0;
	state = state_of(w, d);
	verdict = verdict_of(d);
	w->total++;
	if (d->retired) {
		w->retired++;
	} else {
		w->enrolled++;
		if (d->last_report == 0)
			w->never++;
		if (is_stale(w, d))
			w->stale++;
		if (d->compliant < 0)
			w->unknown++;
		else if (d->compliant)
			w->compliant++;
		else
			w->noncompliant++;
	}
	if (!d->retired && d->compliant == 0) {
		if (cJSON_GetArraySize(w->failing) < FAILING_MAX) {
			o = fleet_device(w, r);
			if (add_to(w, w->failing, o))
				reasons = cJSON_AddArrayToObject(o, "reasons");
		}
		reasons_of(w, r->payload, reasons);
	}
	if (is_stale(w, d) && cJSON_GetArraySize(w->stale_list) < FAILING_MAX)
		add_to(w, w->stale_list, fleet_device(w, r));
	if (w->verdict != NULL && strcmp(w->verdict, verdict) != 0)
		return 0;
	if (w->state != NULL && strcmp(w->state, state) != 0)
		return 0;
	if (w->matched++ < LIST_MAX)
		add_to(w, w->devices, fleet_device(w, r));
	return w->oom ? -1 : 0;
}

static int
compare_reasons(const void *a, const void *b)
{
	const struct reason_count *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : strcmp(x->key, y->key);
}

struct history {
	cJSON *arr;
};

static int
add_day(long long day, long long compliant, long long noncompliant,
    void *arg)
{
	struct history *h = arg;
	char when[MDM_TIME_LEN];
	cJSON *o = cJSON_CreateObject();

	if (o == NULL || !cJSON_AddItemToArray(h->arr, o)) {
		cJSON_Delete(o);
		return -1;
	}
	mdm_time_format((time_t)(day * 86400), when);
	when[10] = '\0';
	cJSON_AddStringToObject(o, "day", when);
	cJSON_AddNumberToObject(o, "compliant", (double)compliant);
	cJSON_AddNumberToObject(o, "nonCompliant", (double)noncompliant);
	return 0;
}

/* A query parameter out of a fixed list of values, or NULL when absent;
 * -1 with resp filled when it is not one of them. */
static int
query_choice(struct mdm_call *call, struct mdm_resp *resp, const char *name,
    const char *const *values, char *buf, size_t cap, const char **out)
{
	static const char *const allowed[] = { "group", "verdict", "state",
	    "stale", "days", NULL };
	const char *const *v;
	char err[MDM_ERR_MAX];
	int rc;

	*out = NULL;
	rc = mdm_http_query_get(call->req->query, allowed, name, buf, cap,
	    err, sizeof(err));
	if (rc < 0) {
		mdm_resp_error(resp, 400, "query: %s", err);
		return -1;
	}
	if (rc == 0)
		return 0;
	for (v = values; v != NULL && *v != NULL; v++)
		if (strcmp(*v, buf) == 0)
			break;
	if (values != NULL && *v == NULL) {
		mdm_resp_error(resp, 400, "query: %s=%s: not one of the "
		    "accepted values", name, buf);
		return -1;
	}
	*out = buf;
	return 0;
}

static int
query_int(struct mdm_call *call, struct mdm_resp *resp, const char *name,
    int lo, int hi, int *out)
{
	char buf[16], *end;
	const char *v;
	long n;

	if (query_choice(call, resp, name, NULL, buf, sizeof(buf), &v) != 0)
		return -1;
	if (v == NULL)
		return 0;
	n = strtol(v, &end, 10);
	if (*end != '\0' || n < lo || n > hi) {
		mdm_resp_error(resp, 400, "query: %s: %d to %d", name, lo, hi);
		return -1;
	}
	*out = (int)n;
	return 0;
}

static void
api_fleet(struct mdm_call *call, struct mdm_resp *resp)
{
	static const char *const verdicts[] = { "compliant", "noncompliant",
	    "unknown", NULL };
	static const char *const states[] = { "reporting", "stale",
	    "never-reported", "retired", NULL };
	char group[MDM_GROUP_MAX + 2], verdict[16], state[20];
	char now_text[MDM_TIME_LEN];
	struct fleet_walk w = { 0 };
	struct history h;
	cJSON *root, *counts, *top, *o;
	int days = 14, rc;
	size_t i;

	w.stale_minutes = STALE_DEFAULT;
	if (query_choice(call, resp, "group", NULL, group, sizeof(group),
	    &w.group) != 0 || query_choice(call, resp, "verdict", verdicts,
	    verdict, sizeof(verdict), &w.verdict) != 0 ||
	    query_choice(call, resp, "state", states, state, sizeof(state),
	    &w.state) != 0 || query_int(call, resp, "stale", 1, STALE_MAX,
	    &w.stale_minutes) != 0 || query_int(call, resp, "days", 1,
	    HISTORY_DAYS_MAX, &days) != 0)
		return;
	if (w.group != NULL && !mdm_group_name_valid(w.group)) {
		mdm_resp_error(resp, 400, "query: group: not a group name");
		return;
	}
	w.now = time(NULL);
	root = cJSON_CreateObject();
	w.devices = cJSON_CreateArray();
	w.failing = cJSON_CreateArray();
	w.stale_list = cJSON_CreateArray();
	h.arr = cJSON_CreateArray();
	if (root == NULL || w.devices == NULL || w.failing == NULL ||
	    w.stale_list == NULL || h.arr == NULL) {
		cJSON_Delete(root);
		cJSON_Delete(w.devices);
		cJSON_Delete(w.failing);
		cJSON_Delete(w.stale_list);
		cJSON_Delete(h.arr);
		mdm_resp_error(resp, 500, "out of memory");
		return;
	}
	rc = mdm_store_fleet_each(call->srv->store, walk_device, &w);
	if (rc == 0)
		rc = mdm_store_compliance_days(call->srv->store, w.group,
		    (w.now / 86400 - days + 1) * 86400, add_day, &h);
	mdm_time_format(w.now, now_text);
	cJSON_AddStringToObject(root, "now", now_text);
	cJSON_AddNumberToObject(root, "staleMinutes", w.stale_minutes);
	counts = cJSON_AddObjectToObject(root, "counts");
	cJSON_AddNumberToObject(counts, "total", (double)w.total);
	cJSON_AddNumberToObject(counts, "enrolled", (double)w.enrolled);
	cJSON_AddNumberToObject(counts, "retired", (double)w.retired);
	cJSON_AddNumberToObject(counts, "neverReported", (double)w.never);
	cJSON_AddNumberToObject(counts, "stale", (double)w.stale);
	cJSON_AddNumberToObject(counts, "compliant", (double)w.compliant);
	cJSON_AddNumberToObject(counts, "nonCompliant",
	    (double)w.noncompliant);
	cJSON_AddNumberToObject(counts, "unknown", (double)w.unknown);
	cJSON_AddItemToObject(root, "history", h.arr);
	qsort(w.reasons, w.nreasons, sizeof(w.reasons[0]), compare_reasons);
	top = cJSON_AddArrayToObject(root, "topReasons");
	for (i = 0; i < w.nreasons && i < TOP_REASONS; i++) {
		char *tab = strchr(w.reasons[i].key, '\t');
		if ((o = cJSON_CreateObject()) == NULL ||
		    !cJSON_AddItemToArray(top, o)) {
			cJSON_Delete(o);
			break;
		}
		*tab = '\0';
		cJSON_AddStringToObject(o, "settingName", w.reasons[i].key);
		cJSON_AddStringToObject(o, "nonComplianceReason", tab + 1);
		cJSON_AddNumberToObject(o, "devices", (double)w.reasons[i].n);
	}
	cJSON_AddItemToObject(root, "failing", w.failing);
	cJSON_AddItemToObject(root, "stale", w.stale_list);
	cJSON_AddNumberToObject(root, "matched", (double)w.matched);
	cJSON_AddItemToObject(root, "devices", w.devices);
	if (rc != 0 || w.oom) {
		cJSON_Delete(root);
		mdm_resp_error(resp, 500, "database error");
		return;
	}
	mdm_resp_json(resp, 200, root);
}

static int
add_group(const struct mdm_group *g, void *arg)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL || !cJSON_AddItemToArray(arg, o)) {
		cJSON_Delete(o);
		return -1;
	}
	cJSON_AddStringToObject(o, "name", g->name);
	cJSON_AddNumberToObject(o, "devices", (double)g->devices);
	if (g->version[0] != '\0')
		cJSON_AddStringToObject(o, "policyVersion", g->version);
	else
		cJSON_AddNullToObject(o, "policyVersion");
	return 0;
}

static void
api_groups(struct mdm_call *call, struct mdm_resp *resp)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(root, "groups");

	if (arr == NULL || mdm_store_groups_each(call->srv->store, add_group,
	    arr) != 0) {
		cJSON_Delete(root);
		mdm_resp_error(resp, 500, "database error");
		return;
	}
	mdm_resp_json(resp, 200, root);
}

/* ---- one device --------------------------------------------------- */

/* A command for the page: the passcode of a RESET_PASSWORD is not shown
 * again, nor the signature (it is in the CLI's `results --json`). */
static int
add_command(const struct mdm_command *c, void *arg)
{
	cJSON *o = mdm_command_json(c), *params;

	if (o == NULL || !cJSON_AddItemToArray(arg, o)) {
		cJSON_Delete(o);
		return -1;
	}
	params = cJSON_GetObjectItemCaseSensitive(o, "params");
	if (cJSON_HasObjectItem(params, "newPassword"))
		cJSON_ReplaceItemInObjectCaseSensitive(params, "newPassword",
		    cJSON_CreateString("(hidden)"));
	cJSON_DeleteItemFromObjectCaseSensitive(o, "signature");
	cJSON_AddBoolToObject(o, "signed", c->signature != NULL);
	return 0;
}

static int
add_event(const struct mdm_report_row *r, void *arg)
{
	char when[MDM_TIME_LEN];
	cJSON *o = cJSON_CreateObject(), *p;

	if (o == NULL || !cJSON_AddItemToArray(arg, o)) {
		cJSON_Delete(o);
		return -1;
	}
	mdm_time_format(r->received, when);
	cJSON_AddStringToObject(o, "receiveTime", when);
	if ((p = cJSON_Parse(r->payload)) != NULL)
		cJSON_AddItemToObject(o, "payload", p);
	return 0;
}

/* Parses stored JSON text into o as name (null when absent or not
 * JSON). Frees text. */
static void
add_parsed(cJSON *o, const char *name, char *text)
{
	cJSON *v = text != NULL ? cJSON_Parse(text) : NULL;

	free(text);
	if (v != NULL)
		cJSON_AddItemToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

static void
api_device(struct mdm_call *call, struct mdm_resp *resp, const char *id)
{
	char version[MDM_VERSION_MAX + 1], when[MDM_TIME_LEN];
	struct mdm_store *st = call->srv->store;
	char *info = NULL, *report = NULL, *policy = NULL;
	struct mdm_device d;
	time_t received = 0;
	cJSON *o, *cmds, *events;
	int rc;

	rc = mdm_store_device_get(st, id, &d);
	if (rc > 0) {
		mdm_resp_error(resp, 404, "device %s: no such device", id);
		return;
	}
	if (rc == 0)
		rc = mdm_store_device_info(st, id, &info);
	if (rc == 0)
		rc = mdm_store_last_report(st, id, &report, &received);
	if (rc == 0)
		rc = mdm_store_policy_get(st, id, &policy, version);
	if (rc != 0 || (o = mdm_device_json(&d)) == NULL) {
		free(info);
		free(report);
		free(policy);
		mdm_resp_error(resp, 500, "database error");
		return;
	}
	free(policy);
	add_parsed(o, "enrollment", info);
	add_parsed(o, "lastReport", report);
	if (received != 0) {
		mdm_time_format(received, when);
		cJSON_AddStringToObject(o, "lastReportReceiveTime", when);
	}
	cJSON_AddStringToObject(o, "policyVersionInForce", version);
	cmds = cJSON_AddArrayToObject(o, "commands");
	events = cJSON_AddArrayToObject(o, "events");
	if (cmds == NULL || events == NULL ||
	    mdm_store_commands_each(st, id, add_command, cmds) != 0 ||
	    mdm_store_events_recent(st, id, EVENTS_MAX, add_event, events) !=
	    0) {
		cJSON_Delete(o);
		mdm_resp_error(resp, 500, "database error");
		return;
	}
	mdm_resp_json(resp, 200, o);
}

/* ---- commands ----------------------------------------------------- */

/* The commands the console offers; the rest stay the CLI's. */
static const struct {
	const char *type;
	bool confirm;		/* the device id typed again */
} console_commands[] = {
	{ "LOCK", false }, { "REBOOT", false }, { "RESET_PASSWORD", false },
	{ "START_LOST_MODE", false }, { "STOP_LOST_MODE", false },
	{ "WIPE", true }, { "RETIRE", true },
};

/* A text without control characters of 1 .. max bytes, or -1. */
static int
text_field(const cJSON *body, const char *name, size_t max, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, name);
	size_t i, n;

	if (!cJSON_IsString(v) || (n = strlen(v->valuestring)) == 0 || n > max)
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)v->valuestring[i] < 0x20 &&
		    v->valuestring[i] != '\n')
			return -1;
	*out = v->valuestring;
	return 0;
}

static void
api_command(struct mdm_call *call, struct mdm_resp *resp, const char *id)
{
	static const char *const fields[] = { "type", "newPassword",
	    "lostMessage", "confirm", NULL };
	struct mdm_server *srv = call->srv;
	struct mdm_command c = { 0 };
	char err[MDM_ERR_MAX];
	const char *type, *text;
	cJSON *body, *params = NULL, *o;
	struct mdm_device d;
	size_t i, n = sizeof(console_commands) / sizeof(console_commands[0]);

	if ((body = mdm_call_object(call, resp)) == NULL)
		return;
	if (mdm_json_only(body, fields, "", err, sizeof(err)) != 0) {
		mdm_resp_error(resp, 400, "%s", err);
		goto out;
	}
	type = str_of(body, "type");
	for (i = 0; i < n && strcmp(console_commands[i].type, type) != 0; i++)
		;
	if (i == n) {
		mdm_resp_error(resp, 400, "type: LOCK, REBOOT, RESET_PASSWORD, "
		    "START_LOST_MODE, STOP_LOST_MODE, WIPE or RETIRE");
		goto out;
	}
	if (console_commands[i].confirm &&
	    strcmp(str_of(body, "confirm"), id) != 0) {
		mdm_resp_error(resp, 400, "confirm: type the device id (%s) to "
		    "%s it", id, type);
		goto out;
	}
	params = cJSON_CreateObject();
	if (strcmp(type, "RESET_PASSWORD") == 0) {
		if (text_field(body, "newPassword", PASSCODE_MAX, &text) != 0) {
			mdm_resp_error(resp, 400, "newPassword: 1 to %d "
			    "characters", PASSCODE_MAX);
			goto out;
		}
		cJSON_AddStringToObject(params, "newPassword", text);
	} else if (strcmp(type, "START_LOST_MODE") == 0) {
		if (text_field(body, "lostMessage", LOST_MESSAGE_MAX, &text) !=
		    0) {
			mdm_resp_error(resp, 400, "lostMessage: 1 to %d "
			    "characters, no control characters",
			    LOST_MESSAGE_MAX);
			goto out;
		}
		o = cJSON_AddObjectToObject(params, "lostMessage");
		cJSON_AddStringToObject(o, "defaultMessage", text);
	}
	if (mdm_store_device_get(srv->store, id, &d) != 0 || d.retired) {
		mdm_resp_error(resp, 404, "device %s: not an enrolled device",
		    id);
		goto out;
	}
	snprintf(c.device, sizeof(c.device), "%s", id);
	snprintf(c.type, sizeof(c.type), "%s", type);
	c.created = time(NULL);
	c.duration = MDM_DEFAULT_DURATION;
	if ((c.params = mdm_json_print(params)) == NULL ||
	    mdm_new_id(srv->rng, c.id) != 0) {
		mdm_resp_error(resp, 500, "out of memory");
		goto out;
	}
	/* Signed as `wardenmdm command` signs: with the server's command
	 * key at queue time, unless the server runs without signing. */
	if (srv->command_signing && mdm_command_sign(srv->rng,
	    srv->ca.command_key, &c, 0, &c.signature, err, sizeof(err)) != 0) {
		mdm_resp_error(resp, 500, "signing: %s", err);
		goto out;
	}
	if (mdm_store_command_add(srv->store, &c) != 0) {
		mdm_resp_error(resp, 500, "the command could not be stored");
		goto out;
	}
	mdm_log_info("console: %s queued for %s (%s)", c.type, c.device, c.id);
	mdm_conn_wake(srv);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", c.id);
	cJSON_AddStringToObject(o, "type", c.type);
	cJSON_AddBoolToObject(o, "signed", c.signature != NULL);
	mdm_resp_json(resp, 201, o);
out:
	if (c.params != NULL)
		crypto_free_secret(c.params, strlen(c.params));
	c.params = NULL;
	mdm_command_clear(&c);
	cJSON_Delete(params);
	cJSON_Delete(body);
}

/* ---- enrollment tokens ------------------------------------------ */

static const char *const token_modes[] = { "FULLY_MANAGED", "DEDICATED",
    "WORK_PROFILE_COMPANY_OWNED", "WORK_PROFILE_PERSONAL", NULL };

static void
api_token(struct mdm_call *call, struct mdm_resp *resp)
{
	static const char *const fields[] = { "mode", "group", "wifiSsid",
	    "wifiPassword", "ttlSeconds", NULL };
	struct mdm_server *srv = call->srv;
	char token[2 * TOKEN_BYTES], url[MDM_URL_MAX + 1], err[MDM_ERR_MAX];
	char when[MDM_TIME_LEN];
	uint8_t raw[TOKEN_BYTES], hash[CRYPTO_SHA256_LEN];
	struct mdm_qr_settings qs = { 0 };
	const char *const *m, *group = NULL, *ssid = NULL, *wpass = NULL;
	const cJSON *ttl_v;
	char *payload = NULL, *rows = NULL;
	cJSON *body, *o, *qr;
	time_t now = time(NULL);
	double ttl = MDM_DEFAULT_TOKEN_TTL;
	int size;

	token[0] = '\0';
	if ((body = mdm_call_object(call, resp)) == NULL)
		return;
	if (mdm_json_only(body, fields, "", err, sizeof(err)) != 0) {
		mdm_resp_error(resp, 400, "%s", err);
		goto out;
	}
	for (m = token_modes; *m != NULL && strcmp(*m, str_of(body, "mode"));
	    m++)
		;
	if (*m == NULL) {
		mdm_resp_error(resp, 400, "mode: FULLY_MANAGED, DEDICATED, "
		    "WORK_PROFILE_COMPANY_OWNED or WORK_PROFILE_PERSONAL");
		goto out;
	}
	if (cJSON_HasObjectItem(body, "group") && (text_field(body, "group",
	    MDM_GROUP_MAX, &group) != 0 || !mdm_group_name_valid(group))) {
		mdm_resp_error(resp, 400, "group: not a group name");
		goto out;
	}
	if (cJSON_HasObjectItem(body, "wifiSsid") && text_field(body,
	    "wifiSsid", 32, &ssid) != 0) {
		mdm_resp_error(resp, 400, "wifiSsid: 1 to 32 bytes");
		goto out;
	}
	if (cJSON_HasObjectItem(body, "wifiPassword") && (ssid == NULL ||
	    text_field(body, "wifiPassword", 63, &wpass) != 0 ||
	    strlen(wpass) < 8)) {
		mdm_resp_error(resp, 400, "wifiPassword: a WPA passphrase of 8 "
		    "to 63 characters, with wifiSsid");
		goto out;
	}
	ttl_v = cJSON_GetObjectItemCaseSensitive(body, "ttlSeconds");
	if (ttl_v != NULL) {
		if (!cJSON_IsNumber(ttl_v) || ttl_v->valuedouble < 60 ||
		    ttl_v->valuedouble > 30 * 86400 || ttl_v->valuedouble !=
		    (double)(long)ttl_v->valuedouble) {
			mdm_resp_error(resp, 400, "ttlSeconds: a whole number "
			    "of seconds, 60 to %d", 30 * 86400);
			goto out;
		}
		ttl = ttl_v->valuedouble;
	}
	if (crypto_rng_bytes(srv->rng, raw, sizeof(raw)) != 0 ||
	    crypto_b64url_encode(raw, sizeof(raw), token, sizeof(token)) != 0) {
		mdm_resp_error(resp, 500, "random number generator failed");
		goto out;
	}
	crypto_sha256(token, strlen(token), hash);
	if (mdm_store_token_add(srv->store, hash, *m, group, now,
	    now + (time_t)ttl) != 0) {
		mdm_resp_error(resp, group != NULL ? 400 : 500, group != NULL ?
		    "group: no such group (or a database error)" :
		    "the token could not be stored");
		goto out;
	}
	mdm_server_url(srv->dir, url, sizeof(url));
	qs.server_url = url;
	qs.token = token;
	qs.mode = *m;
	qs.pin = srv->ca.pin;
	qs.wifi_ssid = ssid;
	qs.wifi_password = wpass;
	if (mdm_qr_payload(&qs, false, &payload, err, sizeof(err)) != 0 ||
	    mdm_qr_matrix(payload, &size, &rows, err, sizeof(err)) != 0) {
		mdm_resp_error(resp, 500, "%s", err);
		goto out;
	}
	mdm_log_info("console: enrollment token minted (%s%s%s)", *m,
	    group != NULL ? ", group " : "", group != NULL ? group : "");
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "token", token);
	cJSON_AddStringToObject(o, "mode", *m);
	if (group != NULL)
		cJSON_AddStringToObject(o, "group", group);
	else
		cJSON_AddNullToObject(o, "group");
	mdm_time_format(now + (time_t)ttl, when);
	cJSON_AddStringToObject(o, "expireTime", when);
	cJSON_AddStringToObject(o, "serverUrl", url);
	cJSON_AddStringToObject(o, "qrPayload", payload);
	qr = cJSON_AddObjectToObject(o, "qr");
	cJSON_AddNumberToObject(qr, "size", size);
	cJSON_AddStringToObject(qr, "modules", rows);
	mdm_resp_json(resp, 201, o);
out:
	if (payload != NULL)
		crypto_free_secret(payload, strlen(payload));
	if (rows != NULL)
		crypto_free_secret(rows, strlen(rows));
	crypto_zero(raw, sizeof(raw));
	crypto_zero(token, sizeof(token));
	cJSON_Delete(body);
}

/* ---- policies ----------------------------------------------------- */

/* The scope of a policies request: ?device=ID, ?group=NAME or neither
 * (the default); -1 with resp filled. */
static int
policy_scope(struct mdm_call *call, struct mdm_resp *resp,
    enum mdm_scope *kind, char *name, size_t cap)
{
	static const char *const allowed[] = { "device", "group", NULL };
	char err[MDM_ERR_MAX];
	int d, g;

	d = mdm_http_query_get(call->req->query, allowed, "device", name, cap,
	    err, sizeof(err));
	g = d < 0 ? 0 : mdm_http_query_get(call->req->query, allowed, "group",
	    name, cap, err, sizeof(err));
	if (d < 0 || g < 0) {
		mdm_resp_error(resp, 400, "query: %s", err);
		return -1;
	}
	if (d > 0 && g > 0) {
		mdm_resp_error(resp, 400, "query: device or group, not both");
		return -1;
	}
	*kind = d > 0 ? MDM_SCOPE_DEVICE : g > 0 ? MDM_SCOPE_GROUP :
	    MDM_SCOPE_DEFAULT;
	if (g > 0 && !mdm_group_name_valid(name)) {
		mdm_resp_error(resp, 400, "query: group: not a group name");
		return -1;
	}
	if (*kind == MDM_SCOPE_DEFAULT)
		name[0] = '\0';
	return 0;
}

static void
api_policy_get(struct mdm_call *call, struct mdm_resp *resp)
{
	char name[MDM_ID_MAX + 2];
	enum mdm_scope kind;
	char *json = NULL;
	cJSON *o;
	int rc;

	if (policy_scope(call, resp, &kind, name, sizeof(name)) != 0)
		return;
	rc = mdm_store_policy_scope_get(call->srv->store, kind, name, &json);
	if (rc < 0) {
		mdm_resp_error(resp, 500, "database error");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "scope", kind == MDM_SCOPE_DEVICE ?
	    "device" : kind == MDM_SCOPE_GROUP ? "group" : "default");
	cJSON_AddStringToObject(o, "name", name);
	add_parsed(o, "policy", rc == 0 ? json : NULL);
	if (rc != 0)
		free(json);
	mdm_resp_json(resp, 200, o);
}

/* 422 with every error of the agent's validator at its fieldPath. */
static void
policy_errors(struct mdm_resp *resp, const struct policy_errors *errs)
{
	cJSON *root = cJSON_CreateObject(), *e, *arr, *o;
	char first[POLICY_PATH_MAX + POLICY_REASON_MAX + 8];
	size_t i;

	policy_error_format(&errs->e[0], first, sizeof(first));
	e = cJSON_AddObjectToObject(root, "error");
	cJSON_AddNumberToObject(e, "code", 422);
	cJSON_AddStringToObject(e, "status", "INVALID_ARGUMENT");
	cJSON_AddStringToObject(e, "message", first);
	arr = cJSON_AddArrayToObject(root, "fieldErrors");
	for (i = 0; i < errs->n; i++) {
		if ((o = cJSON_CreateObject()) == NULL ||
		    !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			break;
		}
		cJSON_AddStringToObject(o, "fieldPath", errs->e[i].field_path);
		cJSON_AddStringToObject(o, "reason", errs->e[i].reason);
	}
	cJSON_AddNumberToObject(root, "moreErrors", (double)errs->more);
	mdm_resp_json(resp, 422, root);
}

static void
api_policy_set(struct mdm_call *call, struct mdm_resp *resp)
{
	static const char *const fields[] = { "policy", NULL };
	char name[MDM_ID_MAX + 2], version[MDM_VERSION_MAX + 1];
	char err[MDM_ERR_MAX];
	struct policy_errors errs;
	enum mdm_scope kind;
	struct policy *p;
	const cJSON *pol;
	long long pushed = 0;
	char *text = NULL;
	cJSON *body, *o;

	if (policy_scope(call, resp, &kind, name, sizeof(name)) != 0 ||
	    (body = mdm_call_object(call, resp)) == NULL)
		return;
	pol = cJSON_GetObjectItemCaseSensitive(body, "policy");
	if (mdm_json_only(body, fields, "", err, sizeof(err)) != 0 ||
	    !cJSON_IsObject(pol)) {
		mdm_resp_error(resp, 400, "policy: a JSON object is required");
		goto out;
	}
	if ((text = mdm_json_print(pol)) == NULL) {
		mdm_resp_error(resp, 500, "out of memory");
		goto out;
	}
	/* The agent's own parser: what it would refuse is not stored. */
	memset(&errs, 0, sizeof(errs));
	if ((p = policy_parse(text, strlen(text), &errs)) == NULL) {
		if (errs.n == 0) {
			mdm_resp_error(resp, 500, "out of memory");
			goto out;
		}
		policy_errors(resp, &errs);
		goto out;
	}
	policy_free(p);
	if (!cJSON_HasObjectItem(pol, "version")) {
		mdm_resp_error(resp, 400, "version: required (a number or a "
		    "string; it becomes the ETag)");
		goto out;
	}
	if (mdm_policy_version(cJSON_GetObjectItemCaseSensitive(pol,
	    "version"), version, err, sizeof(err)) != 0) {
		mdm_resp_error(resp, 400, "%s", err);
		goto out;
	}
	if (mdm_store_policy_set(call->srv->store, kind, name, text, version,
	    time(NULL), &pushed, err, sizeof(err)) != 0) {
		mdm_resp_error(resp, 409, "%s", err);
		goto out;
	}
	mdm_log_info("console: policy version %s set for %s %s; pushed to "
	    "%lld device(s)", version, kind == MDM_SCOPE_DEVICE ? "device" :
	    kind == MDM_SCOPE_GROUP ? "group" : "the default", name, pushed);
	if (pushed > 0)
		mdm_conn_wake(call->srv);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "version", version);
	cJSON_AddNumberToObject(o, "pushed", (double)pushed);
	mdm_resp_json(resp, 200, o);
out:
	free(text);
	cJSON_Delete(body);
}

/* ---- dispatch ----------------------------------------------------- */

/* "devices/ID" or "devices/ID/commands": the id, or NULL. */
static const char *
device_path(const char *path, const char *tail, char id[MDM_ID_MAX + 1])
{
	const char *p = path + strlen("devices/"), *slash = strchr(p, '/');
	size_t n = slash != NULL ? (size_t)(slash - p) : strlen(p), i;

	if (strncmp(path, "devices/", 8) != 0 || n == 0 || n > MDM_ID_MAX)
		return NULL;
	if (tail == NULL ? slash != NULL : slash == NULL ||
	    strcmp(slash, tail) != 0)
		return NULL;
	for (i = 0; i < n; i++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789._-", p[i]) == NULL)
			return NULL;
	memcpy(id, p, n);
	id[n] = '\0';
	return id;
}

void
mdm_console_api(struct mdm_call *call, struct mdm_resp *resp,
    const char *path)
{
	enum mdm_http_method m = call->req->method;
	bool get = m == MDM_HTTP_GET || m == MDM_HTTP_HEAD;
	char id[MDM_ID_MAX + 1];
	const char *allow = NULL;

	if (call->req->query[0] != '\0' && strcmp(path, "fleet") != 0 &&
	    strcmp(path, "policies") != 0) {
		mdm_resp_error(resp, 400, "query: %s takes no parameters",
		    call->req->path);
		return;
	}
	if (strcmp(path, "fleet") == 0) {
		if (get)
			api_fleet(call, resp);
		else
			allow = "GET, HEAD";
	} else if (strcmp(path, "groups") == 0) {
		if (get)
			api_groups(call, resp);
		else
			allow = "GET, HEAD";
	} else if (strcmp(path, "tokens") == 0) {
		if (m == MDM_HTTP_POST)
			api_token(call, resp);
		else
			allow = "POST";
	} else if (strcmp(path, "policies") == 0) {
		if (get)
			api_policy_get(call, resp);
		else if (m == MDM_HTTP_POST)
			api_policy_set(call, resp);
		else
			allow = "GET, HEAD, POST";
	} else if (device_path(path, NULL, id) != NULL) {
		if (get)
			api_device(call, resp, id);
		else
			allow = "GET, HEAD";
	} else if (device_path(path, "/commands", id) != NULL) {
		if (m == MDM_HTTP_POST)
			api_command(call, resp, id);
		else
			allow = "POST";
	} else {
		mdm_resp_error(resp, 404, "no such resource: %s",
		    call->req->path);
	}
	if (allow != NULL) {
		mdm_resp_error(resp, 405, "%s is not allowed here (allowed: "
		    "%s)", mdm_http_method_name(m), allow);
		resp->allow = allow;
	}
}
