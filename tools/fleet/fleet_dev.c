/*
 * fleet_dev.c - one virtual device: its connection (non-blocking TCP,
 * OpenSSL client, one HTTP/1.1 exchange at a time on a kept-alive
 * connection) and its life: enroll with its token and CSR (retried with
 * backoff and the same key and token when the answer is lost), fetch the
 * policy, report, then long-poll for commands and answer them; a
 * SYNC_POLICY fetches the policy by its ETag first. Reconnections resume
 * the TLS session.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/err.h>

#include "tools/fleet/fleet.h"

#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000
#define IN_FIRST 4096

enum op {
	OP_NONE = 0,
	OP_ENROLL,
	OP_POLICY,		/* the first fetch, after enrollment */
	OP_REPORT,
	OP_POLL,
	OP_SYNC,		/* a SYNC_POLICY's fetch */
	OP_RESULT,
};

struct fleet_conn {
	struct fleet_dev *d;		/* NULL once the device let go */
	int fd;
	uv_poll_t poll;
	int events;
	SSL *ssl;
	bool mutual;
	bool handshaken;
	bool fatal;			/* OpenSSL said SSL_ERROR_SSL or
					   _SYSCALL: no close_notify then */
	int sslerr;			/* SSL_get_error() of the last */
	int syserr;			/* errno then */
	bool busy;			/* an exchange is in flight */
	char *out;
	size_t outlen, outoff;
	char *in;
	size_t inlen, incap;
};

static void drive(struct fleet_conn *c);
static void next_step(struct fleet_dev *d);

static void
on_conn_closed(uv_handle_t *h)
{
	struct fleet_conn *c = h->data;

	SSL_free(c->ssl);
	close(c->fd);
	free(c->out);
	free(c->in);
	free(c);
}

static void
conn_close(struct fleet_dev *d)
{
	struct fleet_conn *c = d->conn;

	if (c == NULL)
		return;
	d->conn = NULL;
	c->d = NULL;
	/* A connection closed without close_notify loses its session
	 * (OpenSSL marks it unresumable); one after a fatal error must. */
	if (c->handshaken && !c->fatal) {
		ERR_clear_error();
		(void)SSL_shutdown(c->ssl);
		ERR_clear_error();
	}
	uv_close((uv_handle_t *)&c->poll, on_conn_closed);
}

static void
on_io(uv_poll_t *h, int status, int events)
{
	struct fleet_conn *c = h->data;

	(void)status;
	(void)events;
	if (c->d != NULL)
		drive(c);
}

static void
watch(struct fleet_conn *c, int events)
{
	if (c->events == events)
		return;
	c->events = events;
	uv_poll_start(&c->poll, events, on_io);
}

/* After an OpenSSL call returned ret <= 0: true when it only waits for
 * the socket (watched for it then); false on an error or the end of the
 * stream, with c->fatal set when no close_notify may follow. */
static bool
tls_wait(struct fleet_conn *c, int ret)
{
	c->syserr = errno;
	c->sslerr = SSL_get_error(c->ssl, ret);
	switch (c->sslerr) {
	case SSL_ERROR_WANT_READ:
		watch(c, UV_READABLE);
		return true;
	case SSL_ERROR_WANT_WRITE:
		watch(c, UV_WRITABLE);
		return true;
	case SSL_ERROR_ZERO_RETURN:
		return false;
	default:
		c->fatal = true;
		return false;
	}
}

static void on_timer(uv_timer_t *t);

/* Something went wrong: drop the connection, try again later. */
static void
fail(struct fleet_dev *d, const char *why)
{
	struct fleet *f = d->f;
	uint64_t ms;
	uint32_t r = 0;

	conn_close(d);
	f->errors++;
	if (f->stopping)
		return;
	ms = (uint64_t)BACKOFF_MIN_MS << (d->attempt < 6 ? d->attempt : 6);
	if (ms > BACKOFF_MAX_MS)
		ms = BACKOFF_MAX_MS;
	crypto_rng_bytes(f->rng, (uint8_t *)&r, sizeof(r));
	ms += r % (ms / 2 + 1);
	d->attempt++;
	if (d->attempt == 1 || d->attempt % 10 == 0)
		fprintf(stderr, "wardenfleet: device %zu: %s (attempt %d; "
		    "again in %llu ms)\n", d->idx, why, d->attempt,
		    (unsigned long long)ms);
	uv_timer_start(&d->timer, on_timer, ms, 0);
}

const struct fleet_server *
fleet_server_of(const struct fleet_dev *d)
{
	return &d->f->servers[d->idx % d->f->nservers];
}

static struct fleet_conn *
conn_open(struct fleet_dev *d)
{
	struct fleet *f = d->f;
	const struct fleet_server *srv = fleet_server_of(d);
	struct fleet_conn *c;
	int fd;

	fd = socket(srv->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	if (connect(fd, (const struct sockaddr *)&srv->addr, srv->addrlen) !=
	    0 &&
	    errno != EINPROGRESS) {
		close(fd);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return NULL;
	}
	c->d = d;
	c->fd = fd;
	c->mutual = d->phase == FLEET_MANAGED;
	/* The socket BIO takes EAGAIN (and ENOTCONN while connecting) as
	 * "retry"; SIGPIPE is ignored by main(). The host name is checked
	 * against the certificate (an address against its IP names) and
	 * sent as SNI when it is a name. */
	ERR_clear_error();
	if ((c->ssl = SSL_new(c->mutual ? f->mutual : f->anon)) == NULL ||
	    SSL_set_fd(c->ssl, fd) != 1 ||
	    SSL_set1_host(c->ssl, srv->hostname) != 1 ||
	    (!srv->numeric &&
	    SSL_set_tlsext_host_name(c->ssl, srv->hostname) != 1) ||
	    (c->mutual && (SSL_use_certificate(c->ssl, d->cert) != 1 ||
	    SSL_use_PrivateKey(c->ssl, d->key) != 1 ||
	    (d->session != NULL && SSL_set_session(c->ssl, d->session) !=
	    1)))) {
		ERR_clear_error();
		SSL_free(c->ssl);
		close(fd);
		free(c);
		return NULL;
	}
	SSL_set_app_data(c->ssl, c);
	SSL_set_connect_state(c->ssl);
	uv_poll_init(f->loop, &c->poll, fd);
	c->poll.data = c;
	d->conn = c;
	return c;
}

/* Sends one request on the device's connection (opened when needed). */
static void
request(struct fleet_dev *d, int op, const char *method, const char *path,
    const char *extra, const char *body)
{
	struct fleet *f = d->f;
	struct fleet_conn *c = d->conn;
	size_t blen = body != NULL ? strlen(body) : 0, cap;
	int n;

	d->op = op;
	if (c == NULL) {
		if ((c = conn_open(d)) == NULL) {
			fail(d, "cannot connect");
			return;
		}
		if (d->phase == FLEET_MANAGED)
			f->reconnects++;
	}
	cap = 512 + strlen(path) + (extra != NULL ? strlen(extra) : 0) + blen;
	free(c->out);
	if ((c->out = malloc(cap)) == NULL) {
		fail(d, "out of memory");
		return;
	}
	n = snprintf(c->out, cap, "%s %s HTTP/1.1\r\nHost: %s\r\n%s%s"
	    "Content-Length: %zu\r\n\r\n", method, path,
	    fleet_server_of(d)->hostname,
	    extra != NULL ? extra : "", body != NULL ?
	    "Content-Type: application/json\r\n" : "", blen);
	if (n < 0 || (size_t)n + blen >= cap) {
		fail(d, "request too large");
		return;
	}
	if (body != NULL)
		memcpy(c->out + n, body, blen);
	c->outlen = (size_t)n + blen;
	c->outoff = 0;
	c->inlen = 0;
	c->busy = true;
	f->requests++;
	uv_timer_start(&d->timer, on_timer, op == OP_POLL ?
	    (uint64_t)(f->wait + 30) * 1000 : FLEET_IO_MS, 0);
	drive(c);
}

/* A parsed response. */
struct resp {
	int status;
	bool close;
	char etag[FLEET_ETAG_MAX + 1];
	const char *body;
	size_t len;
};

/* 1 complete (r filled), 0 more to read, -1 malformed. */
static int
parse_response(struct fleet_conn *c, struct resp *r)
{
	const char *end, *line, *eol, *v;
	size_t head, clen = 0;
	bool has_len = false;
	char name[32];
	size_t nl;

	memset(r, 0, sizeof(*r));
	end = memmem(c->in, c->inlen, "\r\n\r\n", 4);
	if (end == NULL)
		return c->inlen > 16384 ? -1 : 0;
	head = (size_t)(end - c->in) + 4;
	if (c->inlen < 12 || memcmp(c->in, "HTTP/1.", 7) != 0)
		return -1;
	r->status = atoi(c->in + 9);
	if (r->status < 100 || r->status > 599)
		return -1;
	line = memchr(c->in, '\n', head);
	for (line = line + 1; line < end; line = eol + 1) {
		eol = memchr(line, '\n', (size_t)(end + 2 - line));
		if (eol == NULL)
			break;
		v = memchr(line, ':', (size_t)(eol - line));
		if (v == NULL)
			continue;
		nl = (size_t)(v - line);
		if (nl >= sizeof(name))
			continue;
		memcpy(name, line, nl);
		name[nl] = '\0';
		for (v++; *v == ' '; v++)
			;
		if (strcasecmp(name, "Content-Length") == 0) {
			clen = strtoul(v, NULL, 10);
			has_len = true;
		} else if (strcasecmp(name, "Connection") == 0 &&
		    strncasecmp(v, "close", 5) == 0) {
			r->close = true;
		} else if (strcasecmp(name, "ETag") == 0 && *v == '"') {
			const char *q = memchr(v + 1, '"', (size_t)(eol - v));

			if (q != NULL && (size_t)(q - v - 1) <= FLEET_ETAG_MAX) {
				memcpy(r->etag, v + 1, (size_t)(q - v - 1));
				r->etag[q - v - 1] = '\0';
			}
		}
	}
	if (!has_len && r->status != 204 && r->status != 304)
		return -1;
	if (clen > FLEET_RESP_MAX || c->inlen < head + clen)
		return c->inlen >= FLEET_RESP_MAX ? -1 : 0;
	r->body = c->in + head;
	r->len = clen;
	return 1;
}

static void on_response(struct fleet_dev *d, const struct resp *r);

/* Why the last OpenSSL call on c failed: OpenSSL's error text, the
 * certificate check's verdict, or the socket's error. */
static void
tls_why(struct fleet_conn *c, char *buf, size_t len)
{
	long v = SSL_get_verify_result(c->ssl);
	char e[200];

	if (ERR_peek_error() == 0) {
		snprintf(buf, len, "%s", c->sslerr == SSL_ERROR_SYSCALL &&
		    c->syserr != 0 ? strerror(c->syserr) :
		    "the server closed the connection");
		return;
	}
	fleet_tls_error(e, sizeof(e));
	if (v != X509_V_OK)
		snprintf(buf, len, "%s (%s)", e,
		    X509_verify_cert_error_string(v));
	else
		snprintf(buf, len, "%s", e);
}

static void
drive(struct fleet_conn *c)
{
	struct fleet_dev *d = c->d;
	char why[256], e[224];
	struct resp r;
	int ret, rc;

	if (!c->handshaken) {
		ERR_clear_error();
		ret = SSL_do_handshake(c->ssl);
		if (ret != 1) {
			if (tls_wait(c, ret))
				return;
			tls_why(c, e, sizeof(e));
			snprintf(why, sizeof(why), "handshake: %s", e);
			fail(d, why);
			return;
		}
		c->handshaken = true;
	}
	while (c->outoff < c->outlen) {
		ERR_clear_error();
		ret = SSL_write(c->ssl, c->out + c->outoff,
		    (int)(c->outlen - c->outoff));
		if (ret <= 0) {
			if (tls_wait(c, ret))
				return;
			tls_why(c, e, sizeof(e));
			snprintf(why, sizeof(why), "write failed: %s", e);
			fail(d, why);
			return;
		}
		c->outoff += (size_t)ret;
	}
	for (;;) {
		if (!c->busy) {
			/* Idle: a read only tells us the server closed. */
			watch(c, UV_READABLE);
			ERR_clear_error();
			ret = SSL_read(c->ssl, why, sizeof(why));
			if (ret > 0 || !tls_wait(c, ret))
				conn_close(d);
			ERR_clear_error();
			return;
		}
		if (c->incap - c->inlen < 1024) {
			size_t cap = c->incap == 0 ? IN_FIRST : c->incap * 2;
			char *p;

			if (cap > FLEET_RESP_MAX + 16384 ||
			    (p = realloc(c->in, cap)) == NULL) {
				fail(d, "response too large");
				return;
			}
			c->in = p;
			c->incap = cap;
		}
		ERR_clear_error();
		ret = SSL_read(c->ssl, c->in + c->inlen,
		    (int)(c->incap - c->inlen));
		if (ret <= 0) {
			if (tls_wait(c, ret))
				return;
			if (c->fatal && ERR_peek_error() != 0) {
				tls_why(c, e, sizeof(e));
				snprintf(why, sizeof(why), "read failed: %s",
				    e);
			} else {
				ERR_clear_error();
				snprintf(why, sizeof(why), "%s", c->inlen == 0 ?
				    "the server closed the connection" :
				    "the answer was cut");
			}
			fail(d, why);
			return;
		}
		c->inlen += (size_t)ret;
		rc = parse_response(c, &r);
		if (rc < 0) {
			fail(d, "malformed response");
			return;
		}
		if (rc == 0)
			continue;
		c->busy = false;
		uv_timer_stop(&d->timer);
		if (r.close)
			conn_close(d);
		on_response(d, &r);
		/* The handler may have sent the next request (or closed). */
		if (d->conn != c || c->busy)
			return;
	}
}

static void
on_timer(uv_timer_t *t)
{
	struct fleet_dev *d = t->data;

	if (d->f->stopping)
		return;
	if (d->conn != NULL && d->conn->busy) {
		fail(d, "no answer in time");
		return;
	}
	next_step(d);
}

/* The managed device's identity: the certificate the server issued for
 * its key, which each of its managed connections presents. A session
 * made under an earlier certificate is not resumed. */
static int
setup_mutual(struct fleet_dev *d, const char *pem)
{
	X509 *crt;

	if ((crt = fleet_tls_cert(pem, d->key)) == NULL)
		return -1;
	X509_free(d->cert);
	d->cert = crt;
	SSL_SESSION_free(d->session);
	d->session = NULL;
	return 0;
}

int
fleet_dev_new_session(SSL *ssl, SSL_SESSION *sess)
{
	struct fleet_conn *c = SSL_get_app_data(ssl);
	struct fleet_dev *d = c != NULL ? c->d : NULL;

	if (d == NULL || !c->mutual)
		return 0;
	SSL_SESSION_free(d->session);
	d->session = sess;
	return 1;
}

static void
send_enroll(struct fleet_dev *d)
{
	cJSON *o = cJSON_CreateObject(), *dev, *hw;
	char *body;

	dev = cJSON_AddObjectToObject(o, "device");
	hw = cJSON_AddObjectToObject(dev, "hardwareInfo");
	if (cJSON_AddStringToObject(o, "enrollmentToken", d->token) == NULL ||
	    cJSON_AddStringToObject(o, "csr", d->csr) == NULL ||
	    cJSON_AddStringToObject(hw, "model", "wardenfleet") == NULL ||
	    cJSON_AddStringToObject(dev, "managementMode", "DEVICE_OWNER") ==
	    NULL || (body = cJSON_PrintUnformatted(o)) == NULL) {
		cJSON_Delete(o);
		fail(d, "out of memory");
		return;
	}
	cJSON_Delete(o);
	request(d, OP_ENROLL, "POST", "/v1/enroll", NULL, body);
	crypto_free_secret(body, strlen(body));
}

static void
send_policy(struct fleet_dev *d, int op)
{
	char path[FLEET_ID_MAX + 32], inm[FLEET_ETAG_MAX + 32];

	snprintf(path, sizeof(path), "/v1/devices/%s/policy", d->id);
	snprintf(inm, sizeof(inm), "If-None-Match: \"%s\"\r\n", d->etag);
	request(d, op, "GET", path, d->etag[0] != '\0' ? inm : NULL, NULL);
}

/* A device's report: compliant, or, for the --non-compliant share of
 * the fleet (by index), failing as a handheld commonly does, with one of
 * a few reasons an operator would meet. */
static void
send_report(struct fleet_dev *d)
{
	static const char *const failures[] = {
	    "{\"settingName\":\"passwordPolicies\",\"fieldPath\":"
	    "\"passwordPolicies[0].passwordMinimumLength\","
	    "\"nonComplianceReason\":\"USER_ACTION\",\"currentValue\":4}",
	    "{\"settingName\":\"cameraDisabled\",\"fieldPath\":"
	    "\"cameraDisabled\",\"nonComplianceReason\":\"UNSUPPORTED\"}",
	    "{\"settingName\":\"systemUpdate\",\"fieldPath\":"
	    "\"systemUpdate.type\",\"nonComplianceReason\":\"API_LEVEL\"}",
	};
	char path[FLEET_ID_MAX + 32], body[1024];
	/* 37 is prime to 100: any 100 consecutive devices hold exactly
	 * the share, spread out. */
	bool failing = (int)(d->idx * 37 % 100) < d->f->noncompliant;

	snprintf(path, sizeof(path), "/v1/devices/%s/reports", d->id);
	snprintf(body, sizeof(body), "{\"reports\":[{\"idempotencyKey\":"
	    "\"fleet-%s-1\",\"kind\":\"report\",\"payload\":{"
	    "\"policyCompliant\":%s,\"appliedPolicyVersion\":\"%s\","
	    "\"hardwareInfo\":{\"model\":\"wardenfleet\","
	    "\"serialNumber\":\"FLEET%06zu\"},\"softwareInfo\":{"
	    "\"androidVersion\":\"warden-sim\"}%s%s%s}}]}",
	    d->id, failing ? "false" : "true", d->etag, d->idx,
	    failing ? ",\"nonComplianceDetails\":[" : "",
	    failing ? failures[d->idx % 3] : "", failing ? "]" : "");
	request(d, OP_REPORT, "POST", path, NULL, body);
}

static void
send_poll(struct fleet_dev *d)
{
	char path[FLEET_ID_MAX + 48];

	snprintf(path, sizeof(path), "/v1/devices/%s/commands?waitSeconds=%d",
	    d->id, d->f->wait);
	request(d, OP_POLL, "GET", path, NULL, NULL);
}

/* The next command of the last poll, or the next poll. */
static void
next_command(struct fleet_dev *d)
{
	const cJSON *c, *id, *type;
	char path[2 * FLEET_ID_MAX + 48];

	if (d->sync_pending) {
		d->sync_pending = false;
		send_policy(d, OP_SYNC);
		return;
	}
	if (d->result_id[0] != '\0') {
		snprintf(path, sizeof(path), "/v1/devices/%s/commands/%s/result",
		    d->id, d->result_id);
		d->result_id[0] = '\0';
		request(d, OP_RESULT, "POST", path, NULL,
		    "{\"status\":\"SUCCEEDED\"}");
		return;
	}
	c = cJSON_GetArrayItem(d->cmds, d->cmd_next++);
	if (c == NULL) {
		cJSON_Delete(d->cmds);
		d->cmds = NULL;
		send_poll(d);
		return;
	}
	id = cJSON_GetObjectItemCaseSensitive(c, "id");
	type = cJSON_GetObjectItemCaseSensitive(c, "type");
	if (!cJSON_IsString(id) || !cJSON_IsString(type) ||
	    strlen(id->valuestring) > FLEET_ID_MAX) {
		next_command(d);
		return;
	}
	d->f->commands++;
	snprintf(d->result_id, sizeof(d->result_id), "%s", id->valuestring);
	d->sync_pending = strcmp(type->valuestring, "SYNC_POLICY") == 0;
	next_command(d);
}

/* Where the device goes on from (after a backoff, say). */
static void
next_step(struct fleet_dev *d)
{
	if (d->f->stopping)
		return;
	switch (d->phase) {
	case FLEET_NEW:
	case FLEET_ENROLLING:
		d->phase = FLEET_ENROLLING;
		send_enroll(d);
		break;
	case FLEET_MANAGED:
		if (d->etag[0] == '\0' && !d->reported)
			send_policy(d, OP_POLICY);
		else if (!d->reported)
			send_report(d);
		else if (d->cmds != NULL || d->sync_pending ||
		    d->result_id[0] != '\0')
			next_command(d);
		else
			send_poll(d);
		break;
	case FLEET_FAILED:
		break;
	}
}

static void
enroll_answer(struct fleet_dev *d, const struct resp *r)
{
	const cJSON *id, *cert;
	cJSON *root;
	char why[128];

	if (r->status >= 400 && r->status < 500 && r->status != 408 &&
	    r->status != 429) {
		snprintf(why, sizeof(why), "enrollment refused: HTTP %d %.*s",
		    r->status, (int)(r->len > 80 ? 80 : r->len), r->body);
		conn_close(d);
		d->phase = FLEET_FAILED;
		fleet_on_failed(d->f, d, why);
		return;
	}
	if (r->status != 200 && r->status != 201) {
		snprintf(why, sizeof(why), "enrollment: HTTP %d", r->status);
		fail(d, why);
		return;
	}
	root = cJSON_ParseWithLength(r->body, r->len);
	id = cJSON_GetObjectItemCaseSensitive(root, "deviceId");
	cert = cJSON_GetObjectItemCaseSensitive(root, "certificate");
	if (!cJSON_IsString(id) || !cJSON_IsString(cert) ||
	    strlen(id->valuestring) > FLEET_ID_MAX) {
		cJSON_Delete(root);
		fail(d, "enrollment: a malformed answer");
		return;
	}
	if (d->id[0] != '\0' && strcmp(d->id, id->valuestring) != 0)
		fprintf(stderr, "wardenfleet: device %zu: enrolled twice (%s, "
		    "then %s)\n", d->idx, d->id, id->valuestring);
	snprintf(d->id, sizeof(d->id), "%s", id->valuestring);
	if (setup_mutual(d, cert->valuestring) != 0) {
		cJSON_Delete(root);
		fail(d, "enrollment: the certificate is unusable");
		return;
	}
	cJSON_Delete(root);
	d->enroll_answers++;
	if (r->status == 200)
		d->f->replayed++;
	/* The enrollment connection carries no client certificate. */
	conn_close(d);
	d->phase = FLEET_MANAGED;
	d->attempt = 0;
	fleet_on_enrolled(d->f, d);
	next_step(d);
}

static void
on_response(struct fleet_dev *d, const struct resp *r)
{
	char why[64], old[FLEET_ETAG_MAX + 1];
	cJSON *root;

	if (d->op == OP_ENROLL) {
		enroll_answer(d, r);
		return;
	}
	if (r->status != 200 && !(r->status == 304 && (d->op == OP_POLICY ||
	    d->op == OP_SYNC))) {
		snprintf(why, sizeof(why), "HTTP %d", r->status);
		fail(d, why);
		return;
	}
	d->attempt = 0;
	switch (d->op) {
	case OP_POLICY:
	case OP_SYNC:
		d->f->policies++;
		if (r->status == 200 && r->etag[0] != '\0' &&
		    strcmp(r->etag, d->etag) != 0) {
			snprintf(old, sizeof(old), "%s", d->etag);
			snprintf(d->etag, sizeof(d->etag), "%s", r->etag);
			fleet_on_policy(d->f, d, old);
		}
		if (d->etag[0] == '\0')
			snprintf(d->etag, sizeof(d->etag), "0");
		break;
	case OP_REPORT:
		d->reported = true;
		fleet_on_reported(d->f, d);
		break;
	case OP_POLL:
		root = cJSON_ParseWithLength(r->body, r->len);
		d->cmds = cJSON_DetachItemFromObjectCaseSensitive(root,
		    "commands");
		cJSON_Delete(root);
		d->cmd_next = 0;
		if (!cJSON_IsArray(d->cmds)) {
			cJSON_Delete(d->cmds);
			d->cmds = NULL;
		}
		break;
	case OP_RESULT:
		d->f->results++;
		break;
	}
	next_step(d);
}

int
fleet_dev_init(struct fleet *f, struct fleet_dev *d, size_t idx,
    const char *token, char *err, size_t errlen)
{
	char cn[32];

	memset(d, 0, sizeof(*d));
	d->f = f;
	d->idx = idx;
	snprintf(cn, sizeof(cn), "fleet-%zu", idx);
	if ((d->token = strdup(token)) == NULL ||
	    fleet_tls_identity(cn, &d->key, &d->csr, err, errlen) != 0)
		return -1;
	uv_timer_init(f->loop, &d->timer);
	d->timer.data = d;
	return 0;
}

void
fleet_dev_start(struct fleet_dev *d)
{
	next_step(d);
}

void
fleet_dev_stop(struct fleet_dev *d)
{
	conn_close(d);
	uv_close((uv_handle_t *)&d->timer, NULL);
}

void
fleet_dev_free(struct fleet_dev *d)
{
	if (d->token != NULL)
		crypto_free_secret(d->token, strlen(d->token));
	free(d->csr);
	cJSON_Delete(d->cmds);
	EVP_PKEY_free(d->key);
	X509_free(d->cert);
	SSL_SESSION_free(d->session);
}
