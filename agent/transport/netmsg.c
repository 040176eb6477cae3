/*
 * netmsg.c - the strict decoder of the parent <-> network process
 * messages (netmsg.h). Everything is checked before it is used: the
 * header, each field's length against its bound, the strings' content
 * (ids, keys, entity tags, PEM, JSON objects), the ranges of numbers,
 * and that nothing follows the last field.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <mbedtls/md.h>

#include "agent/transport/netmsg.h"
#include "agent/transport/netmsg_int.h"
#include "agent/transport/rest/rest_json.h"

static void
vfail(struct netmsg_rd *r, const char *fmt, va_list ap)
{
	if (r->bad)
		return;
	r->bad = true;
	vsnprintf(r->why, r->whylen, fmt, ap);
}

static void fail(struct netmsg_rd *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fail(struct netmsg_rd *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(r, fmt, ap);
	va_end(ap);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
get_int(struct netmsg_rd *r, const char *what, int64_t lo, int64_t hi)
{
	uint64_t v = 0;
	int64_t s;
	int i;

	if (r->bad)
		return lo;
	if (r->left < 8) {
		fail(r, "%s: truncated", what);
		return lo;
	}
	for (i = 0; i < 8; i++)
		v = v << 8 | r->p[i];
	r->p += 8;
	r->left -= 8;
	memcpy(&s, &v, sizeof(s));
	if (s < lo || s > hi) {
		fail(r, "%s: %lld out of %lld..%lld", what, (long long)s,
		    (long long)lo, (long long)hi);
		return lo;
	}
	return s;
}

/* Raw field: *n bytes at the returned pointer (NULL when bad). */
static const uint8_t *
get_field(struct netmsg_rd *r, const char *what, size_t max, size_t *n)
{
	const uint8_t *p;
	uint32_t len;

	*n = 0;
	if (r->bad)
		return NULL;
	if (r->left < 4) {
		fail(r, "%s: truncated", what);
		return NULL;
	}
	len = be32(r->p);
	if (len > max) {
		fail(r, "%s: %u bytes, more than %zu", what, len, max);
		return NULL;
	}
	if (r->left - 4 < len) {
		fail(r, "%s: truncated", what);
		return NULL;
	}
	p = r->p + 4;
	r->p += 4 + len;
	r->left -= 4 + len;
	*n = len;
	return p;
}

/*
 * A string of at most max characters; NULL when absent (then an error
 * unless optional). Every byte printable ASCII, or also CR LF TAB when
 * text is set (PEM, JSON).
 */
static const char *
get_str(struct netmsg_rd *r, const char *what, size_t max, bool optional,
    bool text)
{
	const uint8_t *p;
	size_t n, i;

	p = get_field(r, what, max + 1, &n);
	if (r->bad)
		return NULL;
	if (n == 0) {
		if (!optional)
			fail(r, "%s: missing", what);
		return NULL;
	}
	if (p[n - 1] != '\0') {
		fail(r, "%s: not terminated", what);
		return NULL;
	}
	for (i = 0; i + 1 < n; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f)
			continue;
		if (text && (p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
			continue;
		/* JSON text may hold UTF-8; cJSON checks it below. */
		if (text && p[i] >= 0x80)
			continue;
		fail(r, "%s: byte 0x%02x at %zu", what, p[i], i);
		return NULL;
	}
	return (const char *)p;
}

static const char *
get_id(struct netmsg_rd *r, const char *what, size_t max, bool optional)
{
	const char *s = get_str(r, what, max, optional, false);

	if (s != NULL && !rest_json_safe_id(s, max)) {
		fail(r, "%s: not a safe id", what);
		return NULL;
	}
	return s;
}

static const char *
get_pem(struct netmsg_rd *r, const char *what, size_t max, bool optional)
{
	const char *s = get_str(r, what, max, optional, true);

	if (s != NULL && strncmp(s, "-----BEGIN ", 11) != 0) {
		fail(r, "%s: not PEM", what);
		return NULL;
	}
	return s;
}

/* A JSON object (or array) text (parsed here, then dropped: the owner
 * parses it again where it is used). */
static const char *
get_json_kind(struct netmsg_rd *r, const char *what, size_t max, bool optional,
    bool array)
{
	const char *s = get_str(r, what, max, optional, true);
	cJSON *o;

	if (s == NULL)
		return NULL;
	o = cJSON_ParseWithOpts(s, NULL, 1);
	if (array ? !cJSON_IsArray(o) : !cJSON_IsObject(o)) {
		cJSON_Delete(o);
		fail(r, "%s: not a JSON %s", what, array ? "array" : "object");
		return NULL;
	}
	cJSON_Delete(o);
	return s;
}

static const char *
get_json(struct netmsg_rd *r, const char *what, size_t max, bool optional)
{
	return get_json_kind(r, what, max, optional, false);
}

/* An entity tag: "" or printable without spaces. */
static const char *
get_etag(struct netmsg_rd *r, const char *what, bool optional)
{
	const char *s = get_str(r, what, TRANSPORT_ETAG_MAX, optional, false);

	if (s != NULL && strchr(s, ' ') != NULL) {
		fail(r, "%s: holds a space", what);
		return NULL;
	}
	return s;
}

static bool
command_type_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || *s == '_'))
			return false;
	return true;
}

static bool
jws_chars_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
		    *s == '.'))
			return false;
	return true;
}

static void
parse_connect(struct netmsg_rd *r, struct netmsg *m)
{
	const uint8_t *pin;
	size_t n;

	m->url = get_str(r, "url", NETMSG_URL_MAX, false, false);
	pin = get_field(r, "pin", CRYPTO_SHA256_LEN, &n);
	if (!r->bad && n != CRYPTO_SHA256_LEN)
		fail(r, "pin: %zu bytes", n);
	if (!r->bad)
		memcpy(m->pin, pin, CRYPTO_SHA256_LEN);
	m->ca_pem = get_pem(r, "ca", CRYPTO_CERT_MAX, true);
	m->device_id = get_id(r, "deviceId", TRANSPORT_ID_MAX, true);
	m->cert_pem = get_pem(r, "certificate", CRYPTO_CERT_MAX, true);
	m->mtls = get_int(r, "mtls", 0, 1) == 1;
	if (!r->bad && m->mtls && m->cert_pem == NULL)
		fail(r, "mtls: without a certificate");
}

static void
parse_enroll(struct netmsg_rd *r, struct netmsg *m)
{
	struct transport_enrollment *e = &m->enrollment;

	e->token = get_str(r, "token", NETMSG_TOKEN_MAX, false, false);
	e->csr_pem = get_pem(r, "csr", NETMSG_CSR_MAX, false);
	e->manufacturer = get_str(r, "manufacturer", NETMSG_TEXT_MAX, false,
	    false);
	e->model = get_str(r, "model", NETMSG_TEXT_MAX, false, false);
	e->serial = get_str(r, "serial", NETMSG_TEXT_MAX, true, false);
	e->agent_version = get_str(r, "agentVersion", NETMSG_TEXT_MAX, false,
	    false);
	e->management_mode = get_id(r, "managementMode", NETMSG_TEXT_MAX,
	    false);
	e->ownership = get_id(r, "ownership", NETMSG_TEXT_MAX, false);
}

static void
parse_reports(struct netmsg_rd *r, struct netmsg *m)
{
	size_t i, n;

	n = (size_t)get_int(r, "count", 1, TRANSPORT_BATCH_MAX);
	if (r->bad)
		return;
	if ((m->items = calloc(n, sizeof(*m->items))) == NULL) {
		fail(r, "items: out of memory");
		return;
	}
	for (i = 0; i < n && !r->bad; i++) {
		m->items[i].key = get_id(r, "key", TRANSPORT_KEY_MAX, false);
		m->items[i].kind = get_id(r, "kind", 16, false);
		m->items[i].payload = get_json(r, "payload", NETMSG_JSON_MAX,
		    false);
	}
	m->nitems = n;
}

static void
parse_sign(struct netmsg_rd *r, struct netmsg *m)
{
	const uint8_t *h;
	size_t n;

	m->md = (int)get_int(r, "md", MBEDTLS_MD_SHA256, MBEDTLS_MD_SHA384);
	h = get_field(r, "hash", NETMSG_HASH_MAX, &n);
	if (r->bad)
		return;
	if ((m->md == MBEDTLS_MD_SHA256 && n != 32) ||
	    (m->md == MBEDTLS_MD_SHA384 && n != 48)) {
		fail(r, "hash: %zu bytes for md %d", n, m->md);
		return;
	}
	memcpy(m->hash, h, n);
	m->hash_len = n;
}

static void
parse_signature(struct netmsg_rd *r, struct netmsg *m)
{
	const uint8_t *s;
	size_t n;

	m->sign_status = (int)get_int(r, "status", -1, 0);
	s = get_field(r, "signature", NETMSG_SIG_MAX, &n);
	if (r->bad)
		return;
	if ((m->sign_status == 0) != (n > 0)) {
		fail(r, "signature: %zu bytes with status %d", n,
		    m->sign_status);
		return;
	}
	memcpy(m->sig, s, n);
	m->sig_len = n;
}

static void
parse_resolve(struct netmsg_rd *r, struct netmsg *m)
{
	const char *p;

	unsigned char v6[16];

	m->host = get_str(r, "host", NETMSG_HOST_MAX, false, false);
	/* A DNS name or an IPv4 address; or an IPv6 address (url.h). */
	if (m->host != NULL && strchr(m->host, ':') != NULL) {
		if (inet_pton(AF_INET6, m->host, v6) != 1)
			fail(r, "host: not an IPv6 address");
	} else {
		for (p = m->host; p != NULL && *p != '\0'; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' &&
			    *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			    *p == '.' || *p == '-')) {
				fail(r, "host: not a DNS name");
				break;
			}
	}
	m->port = (int)get_int(r, "port", 1, 65535);
}

static void
parse_resolved(struct netmsg_rd *r, struct netmsg *m)
{
	const uint8_t *a;
	size_t i, n, len;

	m->resolve_status = (int)get_int(r, "status", -1, 0);
	m->resolve_why = get_str(r, "why", NETMSG_TEXT_MAX, true, false);
	n = (size_t)get_int(r, "count", 0, NETMSG_ADDRS_MAX);
	if (r->bad)
		return;
	if ((m->resolve_status == 0) != (n > 0)) {
		fail(r, "count: %zu addresses with status %d", n,
		    m->resolve_status);
		return;
	}
	for (i = 0; i < n && !r->bad; i++) {
		a = get_field(r, "address", 16, &len);
		if (r->bad)
			break;
		if (len != 4 && len != 16) {
			fail(r, "address: %zu bytes", len);
			break;
		}
		memcpy(m->addrs[i], a, len);
		m->addr_len[i] = len;
	}
	m->naddrs = n;
}

static void
parse_commands(struct netmsg_rd *r, struct netmsg *m)
{
	struct transport_command *c;
	const char *s;
	size_t i, n;

	n = (size_t)get_int(r, "count", 0, TRANSPORT_COMMANDS_MAX);
	if (r->bad || n == 0)
		return;
	if ((m->commands = calloc(n, sizeof(*m->commands))) == NULL) {
		fail(r, "commands: out of memory");
		return;
	}
	for (i = 0; i < n && !r->bad; i++) {
		c = &m->commands[i];
		if ((s = get_id(r, "command.id", TRANSPORT_CMD_ID_MAX,
		    false)) != NULL)
			snprintf(c->id, sizeof(c->id), "%s", s);
		s = get_str(r, "command.type", TRANSPORT_CMD_TYPE_MAX, false,
		    false);
		if (s != NULL && !command_type_ok(s))
			fail(r, "command.type: not [A-Z_]");
		if (s != NULL)
			snprintf(c->type, sizeof(c->type), "%s", s);
		c->create_time = get_int(r, "command.createTime", 0,
		    INT64_C(253402300799));
		c->duration = get_int(r, "command.duration", 0,
		    REST_JSON_DURATION_MAX);
		c->params = (char *)(uintptr_t)get_json(r, "command.params",
		    REST_JSON_PARAMS_MAX, false);
		s = get_str(r, "command.signature", TRANSPORT_SIGNATURE_MAX,
		    true, false);
		if (s != NULL && !jws_chars_ok(s))
			fail(r, "command.signature: not a compact JWS");
		c->signature = (char *)(uintptr_t)s;
	}
	m->reply.commands = m->commands;
	m->reply.ncommands = n;
}

static void
parse_reply(struct netmsg_rd *r, struct netmsg *m)
{
	struct transport_reply *y = &m->reply;
	const char *s;
	size_t i, n;

	if (m->type == NETMSG_R_STATUS) {
		y->status = (enum transport_status)get_int(r, "status",
		    TRANSPORT_OK, TRANSPORT_BAD_REPLY);
		y->code = (int)get_int(r, "code", 0, 999);
		s = get_str(r, "why", TRANSPORT_WHY_MAX - 1, true, false);
		if (s != NULL)
			snprintf(y->why, sizeof(y->why), "%s", s);
		return;
	}
	y->status = TRANSPORT_OK;
	y->code = (int)get_int(r, "code", 0, 999);
	switch (m->type) {
	case NETMSG_R_ENROLL:
		y->device_id = get_id(r, "deviceId", TRANSPORT_ID_MAX, false);
		if (y->device_id != NULL && !crypto_cn_valid(y->device_id))
			fail(r, "deviceId: not a certificate name");
		y->certificate = get_pem(r, "certificate", CRYPTO_CERT_MAX,
		    false);
		y->ca_certificate = get_pem(r, "caCertificate",
		    CRYPTO_CERT_MAX, false);
		y->poll_timeout = (int)get_int(r, "pollTimeout", 1,
		    TRANSPORT_WAIT_MAX);
		y->command_key = get_pem(r, "commandKey",
		    TRANSPORT_COMMAND_KEY_MAX, true);
		y->policy = get_json(r, "policy", NETMSG_JSON_MAX, false);
		y->etag = get_etag(r, "etag", false);
		break;
	case NETMSG_R_POLICY:
		y->policy = get_json(r, "policy", NETMSG_JSON_MAX, false);
		y->etag = get_etag(r, "etag", false);
		break;
	case NETMSG_R_REPORTS:
		n = (size_t)get_int(r, "count", 0, TRANSPORT_BATCH_MAX);
		if (r->bad || n == 0)
			break;
		if ((m->accepted = calloc(n, sizeof(char *))) == NULL) {
			fail(r, "accepted: out of memory");
			break;
		}
		for (i = 0; i < n && !r->bad; i++)
			m->accepted[i] = (char *)(uintptr_t)get_id(r,
			    "accepted", TRANSPORT_KEY_MAX, false);
		y->accepted = (const char *const *)m->accepted;
		y->naccepted = n;
		break;
	case NETMSG_R_COMMANDS:
		parse_commands(r, m);
		break;
	case NETMSG_R_CERTIFICATE:
		y->certificate = get_pem(r, "certificate", CRYPTO_CERT_MAX,
		    false);
		break;
	default:
		break;
	}
}

/* For the decoders of other files (netmsg_int.h). */
void
netmsg_fail(struct netmsg_rd *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(r, fmt, ap);
	va_end(ap);
}

int64_t
netmsg_get_int(struct netmsg_rd *r, const char *what, int64_t lo, int64_t hi)
{
	return get_int(r, what, lo, hi);
}

const char *
netmsg_get_str(struct netmsg_rd *r, const char *what, size_t max, bool optional,
    bool text)
{
	return get_str(r, what, max, optional, text);
}

const char *
netmsg_get_id(struct netmsg_rd *r, const char *what, size_t max, bool optional)
{
	return get_id(r, what, max, optional);
}

const char *
netmsg_get_json(struct netmsg_rd *r, const char *what, size_t max,
    bool optional, bool array)
{
	return get_json_kind(r, what, max, optional, array);
}

int
netmsg_frame(const uint8_t *buf, size_t len, size_t *total, char *why,
    size_t whylen)
{
	uint32_t plen;
	unsigned version;

	if (len < NETMSG_HDR_LEN) {
		snprintf(why, whylen, "header: %zu bytes", len);
		return -1;
	}
	version = (unsigned)buf[2] << 8 | buf[3];
	if (version != NETMSG_VERSION) {
		snprintf(why, whylen, "header: version %u, not %u", version,
		    NETMSG_VERSION);
		return -1;
	}
	plen = be32(buf + 12);
	if (plen > NETMSG_PAYLOAD_MAX) {
		snprintf(why, whylen, "header: payload of %u bytes", plen);
		return -1;
	}
	*total = NETMSG_HDR_LEN + (size_t)plen;
	return 0;
}

int
netmsg_parse(const uint8_t *buf, size_t len, struct netmsg *m, char *why,
    size_t whylen)
{
	struct netmsg_rd r;
	size_t total;
	char what[64];

	memset(m, 0, sizeof(*m));
	if (netmsg_frame(buf, len, &total, why, whylen) != 0)
		return -1;
	if (total != len) {
		snprintf(why, whylen, "header: length %zu, message %zu",
		    total - NETMSG_HDR_LEN, len - NETMSG_HDR_LEN);
		return -1;
	}
	m->type = (enum netmsg_type)((unsigned)buf[0] << 8 | buf[1]);
	m->conn = be32(buf + 4);
	m->id = be32(buf + 8);
	/* A private copy: the strings point into it. */
	if ((m->payload = malloc(len - NETMSG_HDR_LEN + 1)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	memcpy(m->payload, buf + NETMSG_HDR_LEN, len - NETMSG_HDR_LEN);
	m->payload_len = len - NETMSG_HDR_LEN;
	memset(&r, 0, sizeof(r));
	r.p = m->payload;
	r.left = len - NETMSG_HDR_LEN;
	r.why = why;
	r.whylen = whylen;
	switch (m->type) {
	case NETMSG_CONNECT:
		parse_connect(&r, m);
		break;
	case NETMSG_CLOSE:
	case NETMSG_UNENROLL:
		break;
	case NETMSG_ENROLL:
		parse_enroll(&r, m);
		break;
	case NETMSG_FETCH_POLICY:
		m->etag = get_etag(&r, "etag", true);
		break;
	case NETMSG_PUSH_REPORTS:
		parse_reports(&r, m);
		break;
	case NETMSG_RECEIVE_COMMANDS:
		m->wait = (int)get_int(&r, "wait", 0, TRANSPORT_WAIT_MAX);
		break;
	case NETMSG_SEND_RESULT:
		m->command_id = get_id(&r, "commandId", TRANSPORT_CMD_ID_MAX,
		    false);
		m->result = get_json(&r, "result", NETMSG_JSON_MAX, false);
		break;
	case NETMSG_RENEW:
		m->csr = get_pem(&r, "csr", NETMSG_CSR_MAX, false);
		break;
	case NETMSG_SIGNATURE:
		parse_signature(&r, m);
		break;
	case NETMSG_SIGN:
		parse_sign(&r, m);
		break;
	case NETMSG_RESOLVE:
		parse_resolve(&r, m);
		break;
	case NETMSG_RESOLVED:
		parse_resolved(&r, m);
		break;
	case NETMSG_LWM2M_START:
	case NETMSG_LWM2M_STATE:
	case NETMSG_LWM2M_STOP:
	case NETMSG_LWM2M_APPLIED:
	case NETMSG_LWM2M_DONE:
	case NETMSG_LWM2M_APPLY_POLICY:
	case NETMSG_LWM2M_REBOOT:
	case NETMSG_LWM2M_WIPE:
	case NETMSG_LWM2M_LOCK:
	case NETMSG_LWM2M_SAVE:
	case NETMSG_LWM2M_REGISTERED:
	case NETMSG_LWM2M_STATUS:
	case NETMSG_LWM2M_STOPPED:
	case NETMSG_LWM2M_APP:
	case NETMSG_LWM2M_OS_UPDATE:
		netmsg_parse_lwm2m(&r, m);
		break;
	case NETMSG_R_STATUS:
	case NETMSG_R_ENROLL:
	case NETMSG_R_POLICY:
	case NETMSG_R_REPORTS:
	case NETMSG_R_COMMANDS:
	case NETMSG_R_CERTIFICATE:
		parse_reply(&r, m);
		break;
	default:
		fail(&r, "header: unknown type %d", (int)m->type);
		break;
	}
	if (!r.bad && r.left != 0)
		fail(&r, "%zu bytes after the last field", r.left);
	if (r.bad) {
		/* Name the type in the reason. */
		snprintf(what, sizeof(what), "%s", netmsg_type_name(m->type));
		netmsg_clear(m);
		if (strlen(why) + strlen(what) + 3 < whylen) {
			memmove(why + strlen(what) + 2, why, strlen(why) + 1);
			memcpy(why, what, strlen(what));
			memcpy(why + strlen(what), ": ", 2);
		}
		return -1;
	}
	return 0;
}

void
netmsg_clear(struct netmsg *m)
{
	if (m == NULL)
		return;
	/* It may hold an enrollment token. */
	crypto_free_secret(m->payload, m->payload_len);
	free(m->items);
	free(m->accepted);
	free(m->commands);
	free(m->state);
	memset(m, 0, sizeof(*m));
}

const char *
netmsg_type_name(int type)
{
	static const char *const req[] = { "CONNECT", "CLOSE", "ENROLL",
		"FETCH_POLICY", "PUSH_REPORTS", "RECEIVE_COMMANDS",
		"SEND_RESULT", "RENEW", "UNENROLL", "SIGNATURE", "RESOLVED",
		"LWM2M_START", "LWM2M_STATE", "LWM2M_STOP", "LWM2M_APPLIED",
		"LWM2M_DONE" };
	static const char *const rep[] = { "R_STATUS", "R_ENROLL",
		"R_POLICY", "R_REPORTS", "R_COMMANDS", "R_CERTIFICATE",
		"SIGN", "RESOLVE", "LWM2M_APPLY_POLICY", "LWM2M_REBOOT",
		"LWM2M_WIPE", "LWM2M_LOCK", "LWM2M_SAVE", "LWM2M_REGISTERED",
		"LWM2M_STATUS", "LWM2M_STOPPED", "LWM2M_APP",
		"LWM2M_OS_UPDATE" };

	if (type >= NETMSG_CONNECT && type <= NETMSG_LWM2M_DONE)
		return req[type - NETMSG_CONNECT];
	if (type >= NETMSG_R_STATUS && type <= NETMSG_LWM2M_OS_UPDATE)
		return rep[type - NETMSG_R_STATUS];
	return "?";
}
