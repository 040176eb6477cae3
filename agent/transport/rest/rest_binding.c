/*
 * rest_binding.c - the `rest` binding: transport_ops over the HTTPS
 * protocol of docs/protocol/README.md.
 *
 * Two HTTP clients share one TLS configuration: `main` carries enrollment,
 * policy, reports, results and renewal in order; `poll` carries only the
 * command long poll, so a waiting poll never delays a report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/rest/rest_http.h"
#include "agent/transport/rest/rest_json.h"
#include "agent/transport/transport.h"

/* Extra time the server gets beyond the long poll's wait. */
#define POLL_SLACK_MS 15000

enum op { OP_ENROLL, OP_POLICY, OP_REPORTS, OP_COMMANDS, OP_RESULT,
	OP_RENEW, OP_UNENROLL };

struct call {
	struct call *next, *prev;
	struct transport *t;
	enum op op;
	transport_cb cb;
	void *arg;
};

struct transport {
	uv_loop_t *loop;
	struct tls_conf *tls;
	struct rest_http *main, *poll;
	char prefix[REST_HTTP_PREFIX_MAX + 1];
	char device_id[TRANSPORT_ID_MAX + 1];
	struct call *calls;	/* outstanding */
};

static void
unlink_call(struct call *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		c->t->calls = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->next = c->prev = NULL;
}

/* Outcome classes from the HTTP exchange; 0 when it carries a reply
 * of the expected status. */
static int
classify(const struct rest_http_reply *h, enum op op,
    struct transport_reply *r)
{
	char msg[REST_JSON_MESSAGE_MAX + 48];
	const char *body = h->resp != NULL ? h->resp->body : NULL;
	size_t len = h->resp != NULL ? h->resp->body_len : 0;
	int s = h->status;

	if (h->error != REST_HTTP_OK) {
		r->status = h->error == REST_HTTP_EUNTRUSTED ?
		    TRANSPORT_UNTRUSTED : TRANSPORT_UNREACHABLE;
		snprintf(r->why, sizeof(r->why), "%s", h->why);
		return -1;
	}
	r->code = s;
	if ((op == OP_ENROLL && (s == 201 || s == 200)) ||
	    (op == OP_UNENROLL && (s == 204 || s == 200)) ||
	    (op != OP_ENROLL && s == 200))
		return 0;
	if (op == OP_POLICY && s == 304) {
		r->status = TRANSPORT_UNCHANGED;
		return -1;
	}
	if (rest_json_error_message(body, len, msg, sizeof(msg)) != 0)
		snprintf(msg, sizeof(msg), "(no error message)");
	if (s == 408 || s == 429 || s >= 500)
		r->status = TRANSPORT_UNREACHABLE;
	else if (s >= 400)
		r->status = TRANSPORT_REFUSED;
	else
		r->status = TRANSPORT_BAD_REPLY;
	snprintf(r->why, sizeof(r->why), "%sHTTP %d %s",
	    r->status == TRANSPORT_BAD_REPLY ? "unexpected " : "", s, msg);
	return -1;
}

static int
decode(enum op op, const char *body, size_t len, struct rest_json_reply *j,
    char *why, size_t whylen)
{
	if (body == NULL)
		body = "";
	switch (op) {
	case OP_ENROLL:
		return rest_json_enroll_reply(body, len, j, why, whylen);
	case OP_POLICY:
		return rest_json_policy_reply(body, len, j, why, whylen);
	case OP_REPORTS:
		return rest_json_reports_reply(body, len, j, why, whylen);
	case OP_COMMANDS:
		return rest_json_commands_reply(body, len, j, why, whylen);
	case OP_RENEW:
		return rest_json_certificate_reply(body, len, j, why, whylen);
	case OP_RESULT:
	case OP_UNENROLL:
		break;
	}
	return 0;
}

static const char *
etag_of(const struct http_response *resp)
{
	const char *e = http_response_header(resp, "ETag");
	const char *p;

	if (e == NULL || strlen(e) > TRANSPORT_ETAG_MAX)
		return "";
	for (p = e; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return "";
	return e;
}

static void
on_reply(void *arg, const struct rest_http_reply *h)
{
	struct call *c = arg;
	struct rest_json_reply j;
	struct transport_reply r;
	char why[TRANSPORT_WHY_MAX - 32];
	const char *body = NULL;
	size_t len = 0;

	/* Unlinked first: the callback may close the transport. */
	unlink_call(c);
	memset(&r, 0, sizeof(r));
	memset(&j, 0, sizeof(j));
	if (classify(h, c->op, &r) == 0) {
		body = h->resp->body;
		len = h->resp->body_len;
		if (decode(c->op, body, len, &j, why, sizeof(why)) != 0) {
			r.status = TRANSPORT_BAD_REPLY;
			snprintf(r.why, sizeof(r.why), "bad reply: %s", why);
		} else {
			r.status = TRANSPORT_OK;
			r.device_id = j.device_id;
			r.certificate = j.certificate;
			r.ca_certificate = j.ca_certificate;
			r.poll_timeout = j.poll_timeout;
			r.command_key = j.command_key;
			r.policy = j.policy;
			r.etag = c->op == OP_POLICY ? etag_of(h->resp) :
			    j.etag;
			r.accepted = (const char *const *)j.accepted;
			r.naccepted = j.naccepted;
			r.commands = j.commands;
			r.ncommands = j.ncommands;
		}
	}
	c->cb(c->arg, &r);
	rest_json_reply_clear(&j);
	free(c);
}

static int
issue(struct transport *t, struct rest_http *client, enum op op,
    const struct rest_http_request *req, transport_cb cb, void *arg)
{
	struct call *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return -1;
	c->t = t;
	c->op = op;
	c->cb = cb;
	c->arg = arg;
	if (rest_http_request(client, req, on_reply, c) != 0) {
		free(c);
		return -1;
	}
	c->next = t->calls;
	if (t->calls != NULL)
		t->calls->prev = c;
	t->calls = c;
	return 0;
}

/* prefix + "/v1/devices/<id>" + tail into buf; -1 without a device id. */
static int
device_path(const struct transport *t, const char *tail, char *buf,
    size_t len)
{
	int n;

	if (t->device_id[0] == '\0')
		return -1;
	n = snprintf(buf, len, "%s/v1/devices/%s%s", t->prefix, t->device_id,
	    tail);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static void rest_close(struct transport *t);

static int
rest_connect(const struct transport_params *p, struct transport **out,
    char *err, size_t errlen)
{
	struct tls_params tp;
	struct transport *t;
	char host[TLS_HOST_MAX + 1];
	uint16_t port;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->loop = p->loop;
	if (rest_http_url_parse(p->server_url, host, &port, t->prefix, err,
	    errlen) != 0)
		goto fail;
	if (p->device_id != NULL) {
		if (!rest_json_safe_id(p->device_id, TRANSPORT_ID_MAX)) {
			snprintf(err, errlen, "device id: not a safe id");
			goto fail;
		}
		snprintf(t->device_id, sizeof(t->device_id), "%s",
		    p->device_id);
	}
	memset(&tp, 0, sizeof(tp));
	tp.rng = p->rng;
	tp.pin_mode = p->ca_pem != NULL ? CRYPTO_PIN_IN_CHAIN :
	    CRYPTO_PIN_ANCHOR;
	memcpy(tp.pin, p->pin, sizeof(tp.pin));
	tp.ca_pem = p->ca_pem;
	tp.cert_pem = p->cert_pem;
	tp.key = p->key;
	tp.resolver = p->resolver;
	if (tls_conf_new(&tp, &t->tls, err, errlen) != 0 ||
	    rest_http_new(p->loop, t->tls, host, port, &t->main, err,
	    errlen) != 0 ||
	    rest_http_new(p->loop, t->tls, host, port, &t->poll, err,
	    errlen) != 0)
		goto fail;
	crypto_zero(&tp, sizeof(tp));
	*out = t;
	return 0;
fail:
	crypto_zero(&tp, sizeof(tp));
	rest_close(t);
	return -1;
}

static void
rest_close(struct transport *t)
{
	struct call *c, *next;

	if (t == NULL)
		return;
	rest_http_free(t->main);
	rest_http_free(t->poll);
	for (c = t->calls; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	tls_conf_free(t->tls);
	free(t);
}

static int
rest_enroll(struct transport *t, const struct transport_enrollment *e,
    transport_cb cb, void *arg)
{
	struct rest_http_request req;
	char path[REST_HTTP_PATH_MAX], why[128];
	char *body;
	int rc;

	if ((body = rest_json_enroll_request(e, why, sizeof(why))) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/v1/enroll", t->prefix);
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.path = path;
	req.body = body;
	req.body_len = strlen(body);
	rc = issue(t, t->main, OP_ENROLL, &req, cb, arg);
	crypto_free_secret(body, strlen(body));
	return rc;
}

static int
rest_fetch_policy(struct transport *t, const char *etag, transport_cb cb,
    void *arg)
{
	struct rest_http_request req;
	char path[REST_HTTP_PATH_MAX];

	if (device_path(t, "/policy", path, sizeof(path)) != 0)
		return -1;
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = path;
	req.if_none_match = etag != NULL && etag[0] != '\0' ? etag : NULL;
	return issue(t, t->main, OP_POLICY, &req, cb, arg);
}

static int
rest_push_reports(struct transport *t, const struct transport_item *items,
    size_t n, transport_cb cb, void *arg)
{
	struct rest_http_request req;
	char path[REST_HTTP_PATH_MAX], why[128];
	char *body;
	int rc;

	if (device_path(t, "/reports", path, sizeof(path)) != 0 ||
	    (body = rest_json_reports_request(items, n, why, sizeof(why))) ==
	    NULL)
		return -1;
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.path = path;
	req.body = body;
	req.body_len = strlen(body);
	rc = issue(t, t->main, OP_REPORTS, &req, cb, arg);
	free(body);
	return rc;
}

static int
rest_receive_commands(struct transport *t, int wait_seconds, transport_cb cb,
    void *arg)
{
	struct rest_http_request req;
	char path[REST_HTTP_PATH_MAX], tail[64];

	if (wait_seconds < 0 || wait_seconds > TRANSPORT_WAIT_MAX)
		return -1;
	snprintf(tail, sizeof(tail), "/commands?waitSeconds=%d",
	    wait_seconds);
	if (device_path(t, tail, path, sizeof(path)) != 0)
		return -1;
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = path;
	req.response_ms = (unsigned)wait_seconds * 1000u + POLL_SLACK_MS;
	return issue(t, t->poll, OP_COMMANDS, &req, cb, arg);
}

static int
rest_send_command_result(struct transport *t, const char *command_id,
    const char *result, transport_cb cb, void *arg)
{
	struct rest_http_request req;
	char path[REST_HTTP_PATH_MAX], tail[TRANSPORT_CMD_ID_MAX + 32];

	if (!rest_json_safe_id(command_id, TRANSPORT_CMD_ID_MAX))
		return -1;
	snprintf(tail, sizeof(tail), "/commands/%s/result", command_id);
	if (device_path(t, tail, path, sizeof(path)) != 0)
		return -1;
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.path = path;
	req.body = result;
	req.body_len = strlen(result);
	return issue(t, t->main, OP_RESULT, &req, cb, arg);
}

static int
rest_renew_certificate(struct transport *t, const char *csr_pem,
    transport_cb cb, void *arg)
{
	struct rest_http_request req;
	char path[REST_HTTP_PATH_MAX];
	char *body;
	int rc;

	if (device_path(t, "/certificate", path, sizeof(path)) != 0 ||
	    (body = rest_json_renew_request(csr_pem)) == NULL)
		return -1;
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.path = path;
	req.body = body;
	req.body_len = strlen(body);
	rc = issue(t, t->main, OP_RENEW, &req, cb, arg);
	free(body);
	return rc;
}

static int
rest_unenroll(struct transport *t, transport_cb cb, void *arg)
{
	struct rest_http_request req;
	char path[REST_HTTP_PATH_MAX];

	if (device_path(t, "", path, sizeof(path)) != 0)
		return -1;
	memset(&req, 0, sizeof(req));
	req.method = "DELETE";
	req.path = path;
	return issue(t, t->main, OP_UNENROLL, &req, cb, arg);
}

const struct transport_ops transport_rest = {
	.name = "rest",
	.connect = rest_connect,
	.close = rest_close,
	.enroll = rest_enroll,
	.fetch_policy = rest_fetch_policy,
	.push_reports = rest_push_reports,
	.receive_commands = rest_receive_commands,
	.send_command_result = rest_send_command_result,
	.renew_certificate = rest_renew_certificate,
	.unenroll = rest_unenroll,
};
