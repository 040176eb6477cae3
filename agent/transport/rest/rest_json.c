/*
 * rest_json.c - request bodies and strict reply decoders of the HTTPS
 * binding (see rest_json.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "agent/transport/rest/rest_json.h"
#include "profiles/rfc3339.h"

static int __attribute__((format(printf, 3, 4)))
fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

void
rest_json_reply_clear(struct rest_json_reply *r)
{
	size_t i;

	free(r->device_id);
	free(r->certificate);
	free(r->ca_certificate);
	free(r->policy);
	free(r->command_key);
	for (i = 0; i < r->naccepted; i++)
		free(r->accepted[i]);
	free(r->accepted);
	for (i = 0; i < r->ncommands; i++) {
		free(r->commands[i].params);
		free(r->commands[i].signature);
	}
	free(r->commands);
	memset(r, 0, sizeof(*r));
}

bool
rest_json_safe_id(const char *s, size_t max)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++) {
		if (n >= max)
			return false;
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("._~:@-", *s) != NULL))
			return false;
	}
	return n > 0;
}

/* The first member name that appears twice in o, or NULL. */
static const char *
duplicate(const cJSON *o)
{
	const cJSON *a, *b;

	for (a = o->child; a != NULL; a = a->next)
		for (b = a->next; b != NULL; b = b->next)
			if (a->string != NULL && b->string != NULL &&
			    strcmp(a->string, b->string) == 0)
				return a->string;
	return NULL;
}

static cJSON *
parse_object(const char *body, size_t len, char *why, size_t whylen)
{
	const char *end = NULL, *dup;
	cJSON *o;

	if (len == 0) {
		fail(why, whylen, "body: empty");
		return NULL;
	}
	if ((o = cJSON_ParseWithLengthOpts(body, len, &end, 0)) == NULL) {
		fail(why, whylen, "body: not valid JSON");
		return NULL;
	}
	while (end < body + len && (*end == ' ' || *end == '\t' ||
	    *end == '\r' || *end == '\n'))
		end++;
	if (end != body + len) {
		fail(why, whylen, "body: text after the JSON value");
		goto bad;
	}
	if (!cJSON_IsObject(o)) {
		fail(why, whylen, "body: not a JSON object");
		goto bad;
	}
	if ((dup = duplicate(o)) != NULL) {
		fail(why, whylen, "%.64s: given twice", dup);
		goto bad;
	}
	return o;
bad:
	cJSON_Delete(o);
	return NULL;
}

/* A string member of at most max bytes; NULL with why when it is not. */
static const char *
string_member(const cJSON *o, const char *name, size_t max, char *why,
    size_t whylen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (v == NULL) {
		fail(why, whylen, "%s: missing", name);
		return NULL;
	}
	if (!cJSON_IsString(v)) {
		fail(why, whylen, "%s: not a string", name);
		return NULL;
	}
	if (strlen(v->valuestring) > max) {
		fail(why, whylen, "%s: longer than %zu bytes", name, max);
		return NULL;
	}
	return v->valuestring;
}

static int
copy_string(const cJSON *o, const char *name, size_t max, char **out,
    char *why, size_t whylen)
{
	const char *s = string_member(o, name, max, why, whylen);

	if (s == NULL)
		return -1;
	if ((*out = strdup(s)) == NULL)
		return fail(why, whylen, "%s: out of memory", name);
	return 0;
}

/* The entity tag the server gives policy p (docs/protocol/README.md). */
static void
policy_etag(const cJSON *p, char out[TRANSPORT_ETAG_MAX + 1])
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "version");

	out[0] = '\0';
	if (p->child == NULL)
		snprintf(out, TRANSPORT_ETAG_MAX + 1, "\"0\"");
	else if (cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	    v->valuedouble < 9e15 &&
	    v->valuedouble == (double)(long long)v->valuedouble)
		snprintf(out, TRANSPORT_ETAG_MAX + 1, "\"%lld\"",
		    (long long)v->valuedouble);
	else if (cJSON_IsString(v) && strlen(v->valuestring) <= 64 &&
	    rest_json_safe_id(v->valuestring, 64))
		snprintf(out, TRANSPORT_ETAG_MAX + 1, "\"%s\"",
		    v->valuestring);
}

int
rest_json_enroll_reply(const char *body, size_t len,
    struct rest_json_reply *out, char *why, size_t whylen)
{
	const cJSON *v;
	cJSON *o;

	memset(out, 0, sizeof(*out));
	if ((o = parse_object(body, len, why, whylen)) == NULL)
		return -1;
	if (copy_string(o, "deviceId", TRANSPORT_ID_MAX, &out->device_id, why,
	    whylen) != 0)
		goto bad;
	if (!rest_json_safe_id(out->device_id, TRANSPORT_ID_MAX) ||
	    !crypto_cn_valid(out->device_id)) {
		fail(why, whylen, "deviceId: characters other than "
		    "[A-Za-z0-9._:@-]");
		goto bad;
	}
	if (copy_string(o, "certificate", CRYPTO_CERT_MAX, &out->certificate,
	    why, whylen) != 0 || copy_string(o, "caCertificate",
	    CRYPTO_CERT_MAX, &out->ca_certificate, why, whylen) != 0)
		goto bad;
	v = cJSON_GetObjectItemCaseSensitive(o, "policy");
	if (!cJSON_IsObject(v)) {
		fail(why, whylen, "policy: %s", v == NULL ? "missing" :
		    "not an object");
		goto bad;
	}
	if ((out->policy = cJSON_PrintUnformatted(v)) == NULL) {
		fail(why, whylen, "policy: out of memory");
		goto bad;
	}
	policy_etag(v, out->etag);
	out->poll_timeout = 30;
	v = cJSON_GetObjectItemCaseSensitive(o, "pollTimeoutSeconds");
	if (v != NULL) {
		if (!cJSON_IsNumber(v) || v->valuedouble != (double)(int)
		    v->valuedouble || v->valuedouble < 1 ||
		    v->valuedouble > TRANSPORT_WAIT_MAX) {
			fail(why, whylen, "pollTimeoutSeconds: not an integer "
			    "1..%d", TRANSPORT_WAIT_MAX);
			goto bad;
		}
		out->poll_timeout = (int)v->valuedouble;
	}
	if (cJSON_GetObjectItemCaseSensitive(o, "commandKey") != NULL &&
	    copy_string(o, "commandKey", TRANSPORT_COMMAND_KEY_MAX,
	    &out->command_key, why, whylen) != 0)
		goto bad;
	cJSON_Delete(o);
	return 0;
bad:
	cJSON_Delete(o);
	rest_json_reply_clear(out);
	return -1;
}

int
rest_json_policy_reply(const char *body, size_t len,
    struct rest_json_reply *out, char *why, size_t whylen)
{
	cJSON *o;

	memset(out, 0, sizeof(*out));
	if ((o = parse_object(body, len, why, whylen)) == NULL)
		return -1;
	cJSON_Delete(o);
	/* The document itself goes to the policy parser, byte for byte. */
	if ((out->policy = malloc(len + 1)) == NULL)
		return fail(why, whylen, "policy: out of memory");
	memcpy(out->policy, body, len);
	out->policy[len] = '\0';
	if (strlen(out->policy) != len) {
		rest_json_reply_clear(out);
		return fail(why, whylen, "policy: NUL byte in the document");
	}
	return 0;
}

int
rest_json_reports_reply(const char *body, size_t len,
    struct rest_json_reply *out, char *why, size_t whylen)
{
	const cJSON *a, *v;
	cJSON *o;
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	if ((o = parse_object(body, len, why, whylen)) == NULL)
		return -1;
	a = cJSON_GetObjectItemCaseSensitive(o, "accepted");
	if (!cJSON_IsArray(a)) {
		fail(why, whylen, "accepted: %s", a == NULL ? "missing" :
		    "not an array");
		goto bad;
	}
	if (cJSON_GetArraySize(a) > TRANSPORT_BATCH_MAX) {
		fail(why, whylen, "accepted: more than %d keys",
		    TRANSPORT_BATCH_MAX);
		goto bad;
	}
	if ((out->accepted = calloc(TRANSPORT_BATCH_MAX, sizeof(char *))) ==
	    NULL) {
		fail(why, whylen, "accepted: out of memory");
		goto bad;
	}
	cJSON_ArrayForEach(v, a) {
		if (!cJSON_IsString(v) || !rest_json_safe_id(v->valuestring,
		    TRANSPORT_KEY_MAX)) {
			fail(why, whylen, "accepted[%zu]: not a key", n);
			goto bad;
		}
		if ((out->accepted[n] = strdup(v->valuestring)) == NULL) {
			fail(why, whylen, "accepted: out of memory");
			goto bad;
		}
		out->naccepted = ++n;
	}
	cJSON_Delete(o);
	return 0;
bad:
	cJSON_Delete(o);
	rest_json_reply_clear(out);
	return -1;
}

static bool
command_type_ok(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++)
		if (n >= TRANSPORT_CMD_TYPE_MAX || !((*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return n > 0;
}

static int
command(const cJSON *c, size_t i, struct transport_command *out, char *why,
    size_t whylen)
{
	const cJSON *v;
	const char *s, *dup;

	if (!cJSON_IsObject(c))
		return fail(why, whylen, "commands[%zu]: not an object", i);
	if ((dup = duplicate(c)) != NULL)
		return fail(why, whylen, "commands[%zu].%.64s: given twice", i,
		    dup);
	if ((s = string_member(c, "id", TRANSPORT_CMD_ID_MAX, why, whylen)) ==
	    NULL || !rest_json_safe_id(s, TRANSPORT_CMD_ID_MAX))
		return fail(why, whylen, "commands[%zu].id: missing, or "
		    "characters other than [A-Za-z0-9._~:@-]", i);
	snprintf(out->id, sizeof(out->id), "%s", s);
	if ((s = string_member(c, "type", TRANSPORT_CMD_TYPE_MAX, why,
	    whylen)) == NULL || !command_type_ok(s))
		return fail(why, whylen, "commands[%zu].type: missing, or not "
		    "[A-Z0-9_]", i);
	snprintf(out->type, sizeof(out->type), "%s", s);
	out->create_time = 0;
	if ((v = cJSON_GetObjectItemCaseSensitive(c, "createTime")) != NULL &&
	    (!cJSON_IsString(v) || rfc3339_parse(v->valuestring, 0,
	    &out->create_time) != 0))
		return fail(why, whylen, "commands[%zu].createTime: not an "
		    "RFC 3339 time", i);
	out->duration = 600;
	if ((v = cJSON_GetObjectItemCaseSensitive(c, "duration")) != NULL &&
	    (!cJSON_IsString(v) || rest_json_duration_parse(v->valuestring,
	    &out->duration) != 0))
		return fail(why, whylen, "commands[%zu].duration: not a "
		    "duration like \"600s\"", i);
	v = cJSON_GetObjectItemCaseSensitive(c, "params");
	if (v != NULL && !cJSON_IsObject(v))
		return fail(why, whylen, "commands[%zu].params: not an object",
		    i);
	out->params = v != NULL ? cJSON_PrintUnformatted(v) : strdup("{}");
	if (out->params == NULL)
		return fail(why, whylen, "commands: out of memory");
	if (strlen(out->params) > REST_JSON_PARAMS_MAX)
		return fail(why, whylen, "commands[%zu].params: larger than "
		    "%d bytes", i, REST_JSON_PARAMS_MAX);
	if ((v = cJSON_GetObjectItemCaseSensitive(c, "signature")) == NULL)
		return 0;
	/* Only bounded and stored here: the command engine verifies it. */
	if (!cJSON_IsString(v) || strlen(v->valuestring) >
	    TRANSPORT_SIGNATURE_MAX || v->valuestring[0] == '\0' ||
	    strspn(v->valuestring, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
	    "opqrstuvwxyz0123456789-_.") != strlen(v->valuestring))
		return fail(why, whylen, "commands[%zu].signature: not a "
		    "compact JWS of at most %d bytes", i,
		    TRANSPORT_SIGNATURE_MAX);
	if ((out->signature = strdup(v->valuestring)) == NULL)
		return fail(why, whylen, "commands: out of memory");
	return 0;
}

int
rest_json_commands_reply(const char *body, size_t len,
    struct rest_json_reply *out, char *why, size_t whylen)
{
	const cJSON *a, *c;
	cJSON *o;
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	if ((o = parse_object(body, len, why, whylen)) == NULL)
		return -1;
	a = cJSON_GetObjectItemCaseSensitive(o, "commands");
	if (!cJSON_IsArray(a)) {
		fail(why, whylen, "commands: %s", a == NULL ? "missing" :
		    "not an array");
		goto bad;
	}
	if (cJSON_GetArraySize(a) > TRANSPORT_COMMANDS_MAX) {
		fail(why, whylen, "commands: more than %d",
		    TRANSPORT_COMMANDS_MAX);
		goto bad;
	}
	if (cJSON_GetArraySize(a) > 0 && (out->commands = calloc((size_t)
	    cJSON_GetArraySize(a), sizeof(*out->commands))) == NULL) {
		fail(why, whylen, "commands: out of memory");
		goto bad;
	}
	cJSON_ArrayForEach(c, a) {
		out->ncommands = n + 1;	/* so that clear frees params */
		if (command(c, n, &out->commands[n], why, whylen) != 0)
			goto bad;
		n++;
	}
	cJSON_Delete(o);
	return 0;
bad:
	cJSON_Delete(o);
	rest_json_reply_clear(out);
	return -1;
}

int
rest_json_certificate_reply(const char *body, size_t len,
    struct rest_json_reply *out, char *why, size_t whylen)
{
	cJSON *o;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((o = parse_object(body, len, why, whylen)) == NULL)
		return -1;
	rc = copy_string(o, "certificate", CRYPTO_CERT_MAX, &out->certificate,
	    why, whylen);
	cJSON_Delete(o);
	return rc;
}

int
rest_json_error_message(const char *body, size_t len, char *out,
    size_t outlen)
{
	const cJSON *e, *status, *msg;
	char why[64];
	cJSON *o;
	char *p;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if (body == NULL || (o = parse_object(body, len, why, sizeof(why))) ==
	    NULL)
		return -1;
	e = cJSON_GetObjectItemCaseSensitive(o, "error");
	status = cJSON_GetObjectItemCaseSensitive(e, "status");
	msg = cJSON_GetObjectItemCaseSensitive(e, "message");
	if (!cJSON_IsString(msg)) {
		cJSON_Delete(o);
		return -1;
	}
	snprintf(out, outlen, "%.40s%s%.*s", cJSON_IsString(status) ?
	    status->valuestring : "", cJSON_IsString(status) ? ": " : "",
	    REST_JSON_MESSAGE_MAX, msg->valuestring);
	for (p = out; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	cJSON_Delete(o);
	return 0;
}

/* Items of the reports request are spliced as parsed objects. */
char *
rest_json_reports_request(const struct transport_item *items, size_t n,
    char *why, size_t whylen)
{
	cJSON *root, *arr, *it, *payload;
	char *text = NULL;
	size_t i;

	if (n > TRANSPORT_BATCH_MAX) {
		fail(why, whylen, "reports: more than %d", TRANSPORT_BATCH_MAX);
		return NULL;
	}
	if ((root = cJSON_CreateObject()) == NULL ||
	    (arr = cJSON_AddArrayToObject(root, "reports")) == NULL)
		goto oom;
	for (i = 0; i < n; i++) {
		if (!rest_json_safe_id(items[i].key, TRANSPORT_KEY_MAX) ||
		    (strcmp(items[i].kind, "report") != 0 &&
		    strcmp(items[i].kind, "event") != 0)) {
			fail(why, whylen, "reports[%zu]: bad key or kind", i);
			goto out;
		}
		payload = cJSON_Parse(items[i].payload);
		if (!cJSON_IsObject(payload)) {
			cJSON_Delete(payload);
			fail(why, whylen, "reports[%zu] (%s): payload is not a "
			    "JSON object", i, items[i].key);
			goto out;
		}
		if ((it = cJSON_CreateObject()) == NULL) {
			cJSON_Delete(payload);
			goto oom;
		}
		cJSON_AddItemToArray(arr, it);
		cJSON_AddStringToObject(it, "idempotencyKey", items[i].key);
		cJSON_AddStringToObject(it, "kind", items[i].kind);
		cJSON_AddItemToObject(it, "payload", payload);
	}
	if ((text = cJSON_PrintUnformatted(root)) == NULL)
		goto oom;
	goto out;
oom:
	fail(why, whylen, "reports: out of memory");
out:
	cJSON_Delete(root);
	return text;
}

static void
add_opt(cJSON *o, const char *name, const char *value)
{
	if (value != NULL)
		cJSON_AddStringToObject(o, name, value);
}

char *
rest_json_enroll_request(const struct transport_enrollment *e, char *why,
    size_t whylen)
{
	cJSON *root, *dev, *hw, *sw;
	char *text;

	if (e->token == NULL || e->csr_pem == NULL) {
		fail(why, whylen, "enroll: token and CSR required");
		return NULL;
	}
	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "enrollmentToken", e->token);
	cJSON_AddStringToObject(root, "csr", e->csr_pem);
	dev = cJSON_AddObjectToObject(root, "device");
	hw = cJSON_AddObjectToObject(dev, "hardwareInfo");
	add_opt(hw, "manufacturer", e->manufacturer);
	add_opt(hw, "model", e->model);
	add_opt(hw, "serialNumber", e->serial);
	sw = cJSON_AddObjectToObject(dev, "softwareInfo");
	add_opt(sw, "androidDevicePolicyVersionName", e->agent_version);
	add_opt(dev, "managementMode", e->management_mode);
	add_opt(dev, "ownership", e->ownership);
	text = cJSON_PrintUnformatted(root);
	/* The tree holds the token too. */
	if (cJSON_GetObjectItemCaseSensitive(root, "enrollmentToken") != NULL) {
		char *t = cJSON_GetObjectItemCaseSensitive(root,
		    "enrollmentToken")->valuestring;
		crypto_zero(t, strlen(t));
	}
	cJSON_Delete(root);
	if (text == NULL)
		fail(why, whylen, "enroll: out of memory");
	return text;
}

char *
rest_json_renew_request(const char *csr_pem)
{
	cJSON *root = cJSON_CreateObject();
	char *text;

	cJSON_AddStringToObject(root, "csr", csr_pem);
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}

/* n decimal digits at s; -1 when one is not a digit. */
int
rest_json_duration_parse(const char *s, int64_t *out)
{
	int64_t v = 0;
	bool frac = false;
	int n = 0;

	for (; *s >= '0' && *s <= '9'; s++) {
		if (++n > 12)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (n == 0)
		return -1;
	if (*s == '.') {
		if (s[1] < '0' || s[1] > '9')
			return -1;
		for (n = 0, s++; *s >= '0' && *s <= '9'; s++) {
			if (++n > 9)
				return -1;
			if (*s != '0')
				frac = true;
		}
	}
	if (s[0] != 's' || s[1] != '\0')
		return -1;
	if (frac)
		v++;
	if (v > REST_JSON_DURATION_MAX)
		return -1;
	*out = v;
	return 0;
}
