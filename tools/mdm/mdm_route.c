/*
 * mdm_route.c - from a parsed request to its handler: the path table of
 * docs/protocol/README.md (the admin console's /console handed to
 * mdm_console.c), 404 and 405, the mutual-TLS check in front of
 * every /v1/devices/{id} route, and the error and JSON response shapes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tools/mdm/mdm.h"

#define SEGMENTS_MAX 8

/* Google's canonical status names for the codes the server uses. */
static const char *
grpc_status(int status)
{
	switch (status) {
	case 401:
		return "UNAUTHENTICATED";
	case 403:
		return "PERMISSION_DENIED";
	case 404:
		return "NOT_FOUND";
	case 405:
	case 501:
	case 505:
		return "UNIMPLEMENTED";
	case 408:
		return "DEADLINE_EXCEEDED";
	case 409:
		return "ABORTED";
	case 429:
		return "RESOURCE_EXHAUSTED";
	case 500:
		return "INTERNAL";
	case 503:
		return "UNAVAILABLE";
	default:
		return status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT";
	}
}

/* The last resort when even the error cannot be built. */
static void
resp_static(struct mdm_resp *resp, int status)
{
	static const char oom[] = "{\"error\":{\"code\":500,\"status\":"
	    "\"INTERNAL\",\"message\":\"out of memory\"}}";

	free(resp->body);
	resp->body = strdup(oom);
	resp->len = resp->body != NULL ? strlen(resp->body) : 0;
	resp->status = status;
}

void
mdm_resp_error(struct mdm_resp *resp, int status, const char *fmt, ...)
{
	cJSON *root, *e;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	root = cJSON_CreateObject();
	e = cJSON_AddObjectToObject(root, "error");
	if (e == NULL || cJSON_AddNumberToObject(e, "code", status) == NULL ||
	    cJSON_AddStringToObject(e, "status", grpc_status(status)) ==
	    NULL || cJSON_AddStringToObject(e, "message", msg) == NULL) {
		cJSON_Delete(root);
		resp_static(resp, 500);
		return;
	}
	mdm_resp_json(resp, status, root);
}

void
mdm_resp_json(struct mdm_resp *resp, int status, cJSON *body)
{
	char *text = body != NULL ? mdm_json_print(body) : NULL;

	cJSON_Delete(body);
	if (text == NULL) {
		resp_static(resp, 500);
		return;
	}
	free(resp->body);
	resp->body = text;
	resp->len = strlen(text);
	resp->status = status;
}

/* "application/json", optionally with parameters ("; charset=utf-8"). */
static bool
json_content_type(const char *ct)
{
	static const char want[] = "application/json";
	size_t n = sizeof(want) - 1;

	if (strncasecmp(ct, want, n) != 0)
		return false;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t';
}

cJSON *
mdm_call_object(struct mdm_call *call, struct mdm_resp *resp)
{
	char err[MDM_ERR_MAX];
	cJSON *v;

	if (!json_content_type(call->req->content_type)) {
		mdm_resp_error(resp, 415, "Content-Type: must be "
		    "application/json");
		return NULL;
	}
	if (mdm_json_parse(call->body, call->len, &v, err, sizeof(err)) != 0) {
		mdm_resp_error(resp, 400, "body: %s", err);
		return NULL;
	}
	if (!cJSON_IsObject(v)) {
		cJSON_Delete(v);
		mdm_resp_error(resp, 400, "body: not a JSON object");
		return NULL;
	}
	return v;
}

/* Ids in paths: what the server mints and what a CN may hold, minus the
 * characters that would need escaping in a URL. */
static bool
id_valid(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > MDM_ID_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* Mutual TLS: the client certificate chains to our CA, names the path's
 * device, was issued to it and the device is still enrolled. */
static bool
authorized(struct mdm_call *call, struct mdm_resp *resp)
{
	const struct mdm_tls *t = call->tls;
	int rc;

	switch (t->peer) {
	case MDM_PEER_NONE:
		mdm_resp_error(resp, 401, "a client certificate is required "
		    "(mutual TLS with the certificate issued at enrollment)");
		return false;
	case MDM_PEER_INVALID:
		mdm_resp_error(resp, 401, "client certificate refused: %s",
		    t->peer_error);
		return false;
	case MDM_PEER_VERIFIED:
		break;
	}
	if (strcmp(t->peer_cn, call->device) != 0) {
		mdm_resp_error(resp, 403, "the client certificate is not "
		    "device %s's", call->device);
		return false;
	}
	rc = mdm_store_cert_valid(call->srv->store, call->device, t->peer_fp);
	if (rc < 0) {
		mdm_resp_error(resp, 500, "database error");
		return false;
	}
	if (rc == 0) {
		mdm_resp_error(resp, 403, "device %s is not enrolled or the "
		    "certificate is not its own", call->device);
		return false;
	}
	return true;
}

typedef void (*handler_fn)(struct mdm_call *, struct mdm_resp *);

#define M(m) (1u << (m))

/* One route: its path shape, the methods it takes, its handler. */
struct route {
	const char *shape[SEGMENTS_MAX];	/* "{id}", "{cmd}" or literal */
	size_t nseg;
	unsigned methods;			/* M(MDM_HTTP_...) bits */
	const char *allow;			/* the same, for Allow */
	bool query;				/* takes query parameters */
	bool device;				/* mutual TLS for {id} */
	handler_fn fn;
};

static const struct route routes[] = {
	{ { "v1", "enroll" }, 2, M(MDM_HTTP_POST), "POST", false, false,
	    mdm_enroll },
	{ { "v1", "devices", "{id}" }, 3, M(MDM_HTTP_DELETE), "DELETE",
	    false, true, mdm_api_unenroll },
	{ { "v1", "devices", "{id}", "policy" }, 4,
	    M(MDM_HTTP_GET) | M(MDM_HTTP_HEAD), "GET, HEAD", false, true,
	    mdm_api_policy },
	{ { "v1", "devices", "{id}", "reports" }, 4, M(MDM_HTTP_POST), "POST",
	    false, true, mdm_api_reports },
	/* No HEAD: a poll takes the commands it returns. */
	{ { "v1", "devices", "{id}", "commands" }, 4, M(MDM_HTTP_GET), "GET",
	    true, true, mdm_api_commands },
	{ { "v1", "devices", "{id}", "commands", "{cmd}", "result" }, 6,
	    M(MDM_HTTP_POST), "POST", false, true, mdm_api_result },
	{ { "v1", "devices", "{id}", "certificate" }, 4, M(MDM_HTTP_POST),
	    "POST", false, true, mdm_enroll_renew },
};

/* Splits "/a/b/c" into segments; -1 for an empty segment or too many. */
static int
split(char *path, char **seg, size_t *nseg)
{
	char *p = path + 1, *slash;

	*nseg = 0;
	for (;;) {
		if (*nseg == SEGMENTS_MAX)
			return -1;
		slash = strchr(p, '/');
		if (slash != NULL)
			*slash = '\0';
		if (*p == '\0')
			return -1;
		seg[(*nseg)++] = p;
		if (slash == NULL)
			return 0;
		p = slash + 1;
	}
}

static const struct route *
match(char **seg, size_t nseg, const char **id, const char **cmd)
{
	size_t r, i;

	for (r = 0; r < sizeof(routes) / sizeof(routes[0]); r++) {
		if (routes[r].nseg != nseg)
			continue;
		for (i = 0; i < nseg; i++) {
			const char *want = routes[r].shape[i];
			if (want[0] == '{') {
				if (!id_valid(seg[i]))
					break;
				if (strcmp(want, "{id}") == 0)
					*id = seg[i];
				else
					*cmd = seg[i];
			} else if (strcmp(want, seg[i]) != 0) {
				break;
			}
		}
		if (i == nseg)
			return &routes[r];
	}
	return NULL;
}

void
mdm_route(struct mdm_call *call, struct mdm_resp *resp)
{
	char path[MDM_HTTP_TARGET_MAX + 1], *seg[SEGMENTS_MAX];
	const struct mdm_http_req *req = call->req;
	const struct route *r = NULL;
	const char *id = NULL, *cmd = NULL;
	size_t nseg;
	bool ok;

	if (strncmp(req->path, MDM_CONSOLE_PREFIX, strlen(MDM_CONSOLE_PREFIX))
	    == 0 && (req->path[strlen(MDM_CONSOLE_PREFIX)] == '\0' ||
	    req->path[strlen(MDM_CONSOLE_PREFIX)] == '/')) {
		mdm_console_route(call, resp);
		return;
	}
	snprintf(path, sizeof(path), "%s", req->path);
	if (split(path, seg, &nseg) == 0)
		r = match(seg, nseg, &id, &cmd);
	if (r == NULL) {
		mdm_resp_error(resp, 404, "no such resource: %s", req->path);
		return;
	}
	ok = (r->methods & M(req->method)) != 0;
	if (!ok) {
		mdm_resp_error(resp, 405, "%s is not allowed here (allowed: "
		    "%s)", mdm_http_method_name(req->method), r->allow);
		resp->allow = r->allow;
		return;
	}
	if (!r->query && req->query[0] != '\0') {
		mdm_resp_error(resp, 400, "query: %s takes no parameters",
		    req->path);
		return;
	}
	call->device = id;
	call->command = cmd;
	if (r->device && !authorized(call, resp))
		return;
	r->fn(call, resp);
}
