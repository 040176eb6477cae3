/*
 * netproxy_binding.c - the `rest` binding as the parent sees it when
 * separated: each transport_ops call (transport.h) is a request message
 * to the network process on the channel netproxy.c keeps, answered by
 * the reply netproxy.c has checked (netproxy_int.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/netproxy_int.h"
#include "agent/transport/rest/rest_http.h"
#include "agent/transport/rest/rest_json.h"
#include "agent/transport/rest/tls_stream.h"

/* ------------------------------------------------------------------ */

static void proxy_close(struct transport *t);

static char *
dup_or_null(const char *s, bool *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*oom = true;
	return d;
}

static int
proxy_connect(const struct transport_params *p, struct transport **out,
    char *err, size_t errlen)
{
	struct netproc *np = p->net;
	struct transport *t;
	struct tls_params tp;
	struct tls_conf *tc;
	struct netmsg_buf b;
	char host[TLS_HOST_MAX + 1], prefix[REST_HTTP_PREFIX_MAX + 1];
	uint16_t port;
	bool oom = false;

	*out = NULL;
	if (np == NULL || np->stopping) {
		snprintf(err, errlen, "no network process");
		return -1;
	}
	/* What the network process would refuse, refused here at once. */
	if (rest_http_url_parse(p->server_url, host, &port, prefix, err,
	    errlen) != 0)
		return -1;
	if (p->device_id != NULL && !rest_json_safe_id(p->device_id,
	    TRANSPORT_ID_MAX)) {
		snprintf(err, errlen, "device id: not a safe id");
		return -1;
	}
	memset(&tp, 0, sizeof(tp));
	tp.rng = p->rng;
	tp.pin_mode = p->ca_pem != NULL ? CRYPTO_PIN_IN_CHAIN :
	    CRYPTO_PIN_ANCHOR;
	tp.ca_pem = p->ca_pem;
	tp.cert_pem = p->cert_pem;
	tp.key = p->key;
	if (tls_conf_new(&tp, &tc, err, errlen) != 0)
		return -1;
	tls_conf_free(tc);
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->np = np;
	t->conn = ++np->next_conn;
	t->url = dup_or_null(p->server_url, &oom);
	t->ca_pem = dup_or_null(p->ca_pem, &oom);
	t->device_id = dup_or_null(p->device_id, &oom);
	t->cert_pem = dup_or_null(p->cert_pem, &oom);
	memcpy(t->pin, p->pin, sizeof(t->pin));
	t->key = p->cert_pem != NULL ? p->key : NULL;
	t->rng = p->rng;
	t->next = np->transports;
	np->transports = t;
	memset(&b, 0, sizeof(b));
	netproxy_put_connect(&b, t);
	if (oom || netproxy_send(np, &b, false) != 0) {
		netmsg_buf_free(&b);
		proxy_close(t);
		snprintf(err, errlen, "cannot reach the network process");
		return -1;
	}
	netmsg_buf_free(&b);
	*out = t;
	return 0;
}

static void
proxy_close(struct transport *t)
{
	struct netproc *np;
	struct transport **pp;
	struct call **cp, *c;
	struct netmsg_buf b;

	if (t == NULL)
		return;
	np = t->np;
	for (pp = &np->transports; *pp != NULL; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	/* Cancelled: no callback runs after close. */
	for (cp = &np->calls; (c = *cp) != NULL;) {
		if (c->t == t) {
			*cp = c->next;
			free(c);
		} else {
			cp = &c->next;
		}
	}
	memset(&b, 0, sizeof(b));
	netmsg_begin(&b, NETMSG_CLOSE, t->conn, 0);
	netmsg_end(&b);
	(void)netproxy_send(np, &b, false);
	netmsg_buf_free(&b);
	free(t->url);
	free(t->ca_pem);
	free(t->device_id);
	free(t->cert_pem);
	free(t);
}

/* Sends the request being built in b for t; the call waits for the
 * reply of the same id. */
static int
issue(struct transport *t, enum netmsg_type op, struct netmsg_buf *b,
    uint32_t id, transport_cb cb, void *arg)
{
	struct call *c;
	int rc = -1;

	netmsg_end(b);
	if (b->failed || (c = calloc(1, sizeof(*c))) == NULL)
		goto out;
	c->t = t;
	c->id = id;
	c->op = op;
	c->cb = cb;
	c->arg = arg;
	if (netproxy_send(t->np, b, true) != 0) {
		free(c);
		goto out;
	}
	c->next = t->np->calls;
	t->np->calls = c;
	rc = 0;
out:
	netmsg_buf_free(b);
	return rc;
}

static uint32_t
begin(struct transport *t, struct netmsg_buf *b, enum netmsg_type op)
{
	uint32_t id = ++t->np->next_id;

	memset(b, 0, sizeof(*b));
	netmsg_begin(b, op, t->conn, id);
	return id;
}

static int
proxy_enroll(struct transport *t, const struct transport_enrollment *e,
    transport_cb cb, void *arg)
{
	struct netmsg_buf b;
	uint32_t id = begin(t, &b, NETMSG_ENROLL);

	netmsg_put_str(&b, e->token);
	netmsg_put_str(&b, e->csr_pem);
	netmsg_put_str(&b, e->manufacturer);
	netmsg_put_str(&b, e->model);
	netmsg_put_str(&b, e->serial);
	netmsg_put_str(&b, e->agent_version);
	netmsg_put_str(&b, e->management_mode);
	netmsg_put_str(&b, e->ownership);
	return issue(t, NETMSG_ENROLL, &b, id, cb, arg);
}

static int
proxy_fetch_policy(struct transport *t, const char *etag, transport_cb cb,
    void *arg)
{
	struct netmsg_buf b;
	uint32_t id = begin(t, &b, NETMSG_FETCH_POLICY);

	netmsg_put_str(&b, etag != NULL && etag[0] != '\0' ? etag : NULL);
	return issue(t, NETMSG_FETCH_POLICY, &b, id, cb, arg);
}

static int
proxy_push_reports(struct transport *t, const struct transport_item *items,
    size_t n, transport_cb cb, void *arg)
{
	struct netmsg_buf b;
	uint32_t id;
	size_t i;

	if (n == 0 || n > TRANSPORT_BATCH_MAX)
		return -1;
	id = begin(t, &b, NETMSG_PUSH_REPORTS);
	netmsg_put_int(&b, (int64_t)n);
	for (i = 0; i < n; i++) {
		netmsg_put_str(&b, items[i].key);
		netmsg_put_str(&b, items[i].kind);
		netmsg_put_str(&b, items[i].payload);
	}
	return issue(t, NETMSG_PUSH_REPORTS, &b, id, cb, arg);
}

static int
proxy_receive_commands(struct transport *t, int wait_seconds,
    transport_cb cb, void *arg)
{
	struct netmsg_buf b;
	uint32_t id;

	if (wait_seconds < 0 || wait_seconds > TRANSPORT_WAIT_MAX)
		return -1;
	id = begin(t, &b, NETMSG_RECEIVE_COMMANDS);
	netmsg_put_int(&b, wait_seconds);
	return issue(t, NETMSG_RECEIVE_COMMANDS, &b, id, cb, arg);
}

static int
proxy_send_command_result(struct transport *t, const char *command_id,
    const char *result, transport_cb cb, void *arg)
{
	struct netmsg_buf b;
	uint32_t id;

	if (!rest_json_safe_id(command_id, TRANSPORT_CMD_ID_MAX))
		return -1;
	id = begin(t, &b, NETMSG_SEND_RESULT);
	netmsg_put_str(&b, command_id);
	netmsg_put_str(&b, result);
	return issue(t, NETMSG_SEND_RESULT, &b, id, cb, arg);
}

static int
proxy_renew_certificate(struct transport *t, const char *csr_pem,
    transport_cb cb, void *arg)
{
	struct netmsg_buf b;
	uint32_t id = begin(t, &b, NETMSG_RENEW);

	netmsg_put_str(&b, csr_pem);
	return issue(t, NETMSG_RENEW, &b, id, cb, arg);
}

static int
proxy_unenroll(struct transport *t, transport_cb cb, void *arg)
{
	struct netmsg_buf b;
	uint32_t id = begin(t, &b, NETMSG_UNENROLL);

	return issue(t, NETMSG_UNENROLL, &b, id, cb, arg);
}

static const struct transport_ops transport_netproxy = {
	.name = "rest",
	.connect = proxy_connect,
	.close = proxy_close,
	.enroll = proxy_enroll,
	.fetch_policy = proxy_fetch_policy,
	.push_reports = proxy_push_reports,
	.receive_commands = proxy_receive_commands,
	.send_command_result = proxy_send_command_result,
	.renew_certificate = proxy_renew_certificate,
	.unenroll = proxy_unenroll,
};

const struct transport_ops *
netproc_binding(struct netproc *np, const char *binding)
{
	if (np != NULL && !np->stopping && strcmp(binding, "rest") == 0)
		return &transport_netproxy;
	return transport_find(binding);
}
