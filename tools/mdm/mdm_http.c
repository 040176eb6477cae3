/*
 * mdm_http.c - HTTP/1.1 request heads as the server accepts them (RFC
 * 9112 with RFC 9110's field rules), plus the small pieces of HTTP the
 * routes need: query parameters, entity-tag matching, reason phrases.
 *
 * Pure functions over a buffer: no I/O, no allocation. Everything the
 * protocol does not need is refused rather than interpreted, so that
 * there is one reading of every accepted request (no chunked bodies, no
 * line folding, no bare LF, no percent-encoding in targets).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tools/mdm/mdm.h"

#define METHOD_MAX 16
/* method SP target SP "HTTP/1.1" */
#define REQLINE_MAX (METHOD_MAX + 1 + MDM_HTTP_TARGET_MAX + 1 + 8)

struct parse {
	const char *buf;
	size_t len;
	struct mdm_http_req *req;
	int *status;
	char *err;
	size_t errlen;
	/* header fields seen */
	int n_fields;
	bool host, te, cl, inm, ctype, close, keepalive, origin, fetch, csrf;
};

static enum mdm_http_parse_result
bad(struct parse *p, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum mdm_http_parse_result
bad(struct parse *p, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	*p->status = status;
	return MDM_HTTP_BAD;
}

/* RFC 9110 tchar. */
static bool
is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$&'*+-.^_`|~%", c) != NULL;
}

/* The characters of an origin-form target we accept: RFC 3986's pchar
 * without pct-encoded, plus '/' and '?'. */
static bool
is_target_char(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("-._~!$&'()*+,;=:@/?", c) != NULL;
}

/*
 * Finds the line starting at pos: 1 with *end at its CR when a CRLF ends
 * it, 0 when no line end has arrived yet, -1 on a bare CR or LF.
 */
static int
line_end(const struct parse *p, size_t pos, size_t *end)
{
	size_t i;

	for (i = pos; i < p->len; i++) {
		if (p->buf[i] == '\n')
			return -1;
		if (p->buf[i] == '\r') {
			if (i + 1 == p->len)
				return 0;
			if (p->buf[i + 1] != '\n')
				return -1;
			*end = i;
			return 1;
		}
	}
	return 0;
}

static enum mdm_http_parse_result
parse_method(struct parse *p, const char *s, size_t n)
{
	static const struct {
		const char *name;
		enum mdm_http_method m;
	} known[] = {
		{ "GET", MDM_HTTP_GET }, { "HEAD", MDM_HTTP_HEAD },
		{ "POST", MDM_HTTP_POST }, { "DELETE", MDM_HTTP_DELETE },
	};
	size_t i;

	if (n == 0 || n > METHOD_MAX)
		return bad(p, 400, "request line: no method");
	for (i = 0; i < n; i++)
		if (!is_tchar((unsigned char)s[i]))
			return bad(p, 400, "request line: bad method");
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strlen(known[i].name) == n &&
		    memcmp(known[i].name, s, n) == 0) {
			p->req->method = known[i].m;
			return MDM_HTTP_PARSED;
		}
	}
	return bad(p, 501, "method %.*s is not implemented", (int)n, s);
}

static enum mdm_http_parse_result
parse_target(struct parse *p, const char *s, size_t n)
{
	struct mdm_http_req *r = p->req;
	size_t i, q = n;

	if (n > MDM_HTTP_TARGET_MAX)
		return bad(p, 414, "request target longer than %d bytes",
		    MDM_HTTP_TARGET_MAX);
	if (n == 0 || s[0] != '/')
		return bad(p, 400, "request target: not an absolute path");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%')
			return bad(p, 400, "request target: percent-encoding "
			    "is not supported");
		if (!is_target_char(c))
			return bad(p, 400, "request target: character %zu is "
			    "not allowed", i + 1);
		if (c == '?' && q == n)
			q = i;
	}
	memcpy(r->path, s, q);
	r->path[q] = '\0';
	if (q < n) {
		memcpy(r->query, s + q + 1, n - q - 1);
		r->query[n - q - 1] = '\0';
	}
	return MDM_HTTP_PARSED;
}

static enum mdm_http_parse_result
parse_version(struct parse *p, const char *s, size_t n)
{
	if (n == 8 && memcmp(s, "HTTP/1.", 7) == 0 &&
	    (s[7] == '0' || s[7] == '1')) {
		p->req->minor = s[7] - '0';
		return MDM_HTTP_PARSED;
	}
	if (n == 8 && memcmp(s, "HTTP/", 5) == 0 && s[5] >= '0' &&
	    s[5] <= '9' && s[6] == '.' && s[7] >= '0' && s[7] <= '9')
		return bad(p, 505, "HTTP version %.8s is not supported", s);
	return bad(p, 400, "request line: bad HTTP version");
}

static enum mdm_http_parse_result
parse_request_line(struct parse *p, const char *s, size_t n)
{
	const char *sp1, *sp2;
	enum mdm_http_parse_result r;

	sp1 = memchr(s, ' ', n);
	if (sp1 == NULL)
		return bad(p, 400, "request line: not METHOD TARGET VERSION");
	sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - s));
	if (sp2 == NULL || memchr(sp2 + 1, ' ', n - (size_t)(sp2 + 1 - s)))
		return bad(p, 400, "request line: not METHOD TARGET VERSION");
	if ((r = parse_method(p, s, (size_t)(sp1 - s))) != MDM_HTTP_PARSED)
		return r;
	if ((r = parse_target(p, sp1 + 1, (size_t)(sp2 - sp1 - 1))) !=
	    MDM_HTTP_PARSED)
		return r;
	return parse_version(p, sp2 + 1, n - (size_t)(sp2 + 1 - s));
}

/* Case-insensitive comparison of a field name with a known name. */
static bool
name_is(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

/* Connection: a comma-separated list of options. */
static void
parse_connection(struct parse *p, const char *v, size_t n)
{
	size_t i = 0, start, end;

	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		start = i;
		while (i < n && v[i] != ',')
			i++;
		end = i;
		while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
			end--;
		if (name_is(v + start, end - start, "close"))
			p->close = true;
		else if (name_is(v + start, end - start, "keep-alive"))
			p->keepalive = true;
	}
}

static enum mdm_http_parse_result
parse_length(struct parse *p, const char *v, size_t n)
{
	size_t i, len = 0;

	if (p->cl)
		return bad(p, 400, "Content-Length: given twice");
	p->cl = true;
	if (n == 0)
		return bad(p, 400, "Content-Length: not a number");
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return bad(p, 400, "Content-Length: not a number");
		if (len > MDM_BODY_MAX)
			break;
		len = len * 10 + (size_t)(v[i] - '0');
	}
	if (len > MDM_BODY_MAX)
		return bad(p, 413, "request body larger than %d bytes",
		    MDM_BODY_MAX);
	p->req->has_length = true;
	p->req->content_length = len;
	return MDM_HTTP_PARSED;
}

/* Copies a single-valued field into dst (cap bytes). */
static enum mdm_http_parse_result
copy_field(struct parse *p, bool *seen, const char *name, const char *v,
    size_t n, char *dst, size_t cap)
{
	if (*seen)
		return bad(p, 400, "%s: given twice", name);
	*seen = true;
	if (n >= cap)
		return bad(p, 400, "%s: longer than %zu bytes", name, cap - 1);
	memcpy(dst, v, n);
	dst[n] = '\0';
	return MDM_HTTP_PARSED;
}

/* Cookie: "a=1; b=2": keeps the value of MDM_SESSION_COOKIE only. */
static void
parse_cookie(struct parse *p, const char *v, size_t n)
{
	static const char name[] = MDM_SESSION_COOKIE "=";
	struct mdm_http_req *r = p->req;
	size_t i = 0, start, end, nl = sizeof(name) - 1;

	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == ';'))
			i++;
		start = i;
		while (i < n && v[i] != ';')
			i++;
		end = i;
		while (end > start && v[end - 1] == ' ')
			end--;
		if (end - start < nl || memcmp(v + start, name, nl) != 0)
			continue;
		start += nl;
		if (r->session[0] != '\0' || end - start > MDM_HTTP_COOKIE_MAX) {
			r->session_bad = true;
			continue;
		}
		memcpy(r->session, v + start, end - start);
		r->session[end - start] = '\0';
	}
}

static enum mdm_http_parse_result
parse_field(struct parse *p, const char *s, size_t n)
{
	struct mdm_http_req *r = p->req;
	const char *colon, *v;
	size_t nlen, i, vlen;

	if (s[0] == ' ' || s[0] == '\t')
		return bad(p, 400, "header: obsolete line folding");
	if (++p->n_fields > MDM_HTTP_HEADERS_MAX)
		return bad(p, 431, "more than %d header fields",
		    MDM_HTTP_HEADERS_MAX);
	if ((colon = memchr(s, ':', n)) == NULL)
		return bad(p, 400, "header: no colon");
	nlen = (size_t)(colon - s);
	if (nlen == 0)
		return bad(p, 400, "header: empty field name");
	for (i = 0; i < nlen; i++)
		if (!is_tchar((unsigned char)s[i]))
			return bad(p, 400, "header: bad field name");
	v = colon + 1;
	vlen = n - nlen - 1;
	while (vlen > 0 && (v[0] == ' ' || v[0] == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	for (i = 0; i < vlen; i++) {
		unsigned char c = (unsigned char)v[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return bad(p, 400, "header %.*s: control character",
			    (int)nlen, s);
	}
	if (name_is(s, nlen, "Host")) {
		return copy_field(p, &p->host, "Host", v, vlen, r->host,
		    sizeof(r->host));
	} else if (name_is(s, nlen, "Origin")) {
		return copy_field(p, &p->origin, "Origin", v, vlen, r->origin,
		    sizeof(r->origin));
	} else if (name_is(s, nlen, "Sec-Fetch-Site")) {
		return copy_field(p, &p->fetch, "Sec-Fetch-Site", v, vlen,
		    r->fetch_site, sizeof(r->fetch_site));
	} else if (name_is(s, nlen, "X-CSRF-Token")) {
		return copy_field(p, &p->csrf, "X-CSRF-Token", v, vlen,
		    r->csrf, sizeof(r->csrf));
	} else if (name_is(s, nlen, "Cookie")) {
		parse_cookie(p, v, vlen);
	} else if (name_is(s, nlen, "Content-Length")) {
		return parse_length(p, v, vlen);
	} else if (name_is(s, nlen, "Transfer-Encoding")) {
		p->te = true;
	} else if (name_is(s, nlen, "Connection")) {
		parse_connection(p, v, vlen);
	} else if (name_is(s, nlen, "Expect")) {
		if (!name_is(v, vlen, "100-continue"))
			return bad(p, 417, "Expect: only 100-continue is "
			    "supported");
		r->expect_continue = true;
	} else if (name_is(s, nlen, "If-None-Match")) {
		r->has_if_none_match = true;
		return copy_field(p, &p->inm, "If-None-Match", v, vlen,
		    r->if_none_match, sizeof(r->if_none_match));
	} else if (name_is(s, nlen, "Content-Type")) {
		return copy_field(p, &p->ctype, "Content-Type", v, vlen,
		    r->content_type, sizeof(r->content_type));
	}
	return MDM_HTTP_PARSED;
}

static enum mdm_http_parse_result
finish(struct parse *p)
{
	struct mdm_http_req *r = p->req;

	if (r->minor == 1 && !p->host)
		return bad(p, 400, "Host: required in HTTP/1.1");
	if (p->te && p->cl)
		return bad(p, 400, "both Transfer-Encoding and Content-Length");
	if (p->te)
		return bad(p, 411, "Transfer-Encoding is not supported: send "
		    "the body with a Content-Length");
	if (r->method == MDM_HTTP_POST && !p->cl)
		return bad(p, 411, "a POST needs a Content-Length");
	r->keep_alive = r->minor == 1 ? !p->close : p->keepalive && !p->close;
	return MDM_HTTP_PARSED;
}

enum mdm_http_parse_result
mdm_http_parse(const char *buf, size_t len, struct mdm_http_req *req,
    int *status, char *err, size_t errlen)
{
	struct parse p = {
		.buf = buf, .len = len, .req = req, .status = status,
		.err = err, .errlen = errlen,
	};
	enum mdm_http_parse_result r;
	size_t pos = 0, start, end, i;
	int le;

	memset(req, 0, sizeof(*req));
	*status = 0;
	if (errlen > 0)
		err[0] = '\0';
	/* RFC 9112 section 2.2: ignore empty lines before a request. */
	while (pos + 1 < len && buf[pos] == '\r' && buf[pos + 1] == '\n') {
		pos += 2;
		if (pos > MDM_HTTP_HEAD_MAX)
			return bad(&p, 400, "too many empty lines");
	}
	start = pos;
	le = line_end(&p, pos, &end);
	if (le < 0)
		return bad(&p, 400, "request line: bare CR or LF");
	if (le == 0) {
		/* Control characters cannot be the start of a request. */
		for (i = pos; i < len; i++) {
			unsigned char c = (unsigned char)buf[i];
			if ((c < 0x20 && c != '\r') || c >= 0x7f)
				return bad(&p, 400, "request line: control "
				    "character or non-ASCII byte");
		}
		if (len - pos > REQLINE_MAX)
			return bad(&p, 414, "request line longer than %d bytes",
			    REQLINE_MAX);
		return MDM_HTTP_PARTIAL;
	}
	for (i = pos; i < end; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c < 0x20 || c >= 0x7f)
			return bad(&p, 400, "request line: control character "
			    "or non-ASCII byte");
	}
	if (end - pos > REQLINE_MAX)
		return bad(&p, 414, "request line longer than %d bytes",
		    REQLINE_MAX);
	if ((r = parse_request_line(&p, buf + pos, end - pos)) !=
	    MDM_HTTP_PARSED)
		return r;
	pos = end + 2;
	for (;;) {
		if (pos - start > MDM_HTTP_HEAD_MAX)
			return bad(&p, 431, "request head larger than %d bytes",
			    MDM_HTTP_HEAD_MAX);
		le = line_end(&p, pos, &end);
		if (le < 0)
			return bad(&p, 400, "header: bare CR or LF");
		if (le == 0) {
			if (len - start > MDM_HTTP_HEAD_MAX)
				return bad(&p, 431, "request head larger than "
				    "%d bytes", MDM_HTTP_HEAD_MAX);
			return MDM_HTTP_PARTIAL;
		}
		if (end + 2 - start > MDM_HTTP_HEAD_MAX)
			return bad(&p, 431, "request head larger than %d bytes",
			    MDM_HTTP_HEAD_MAX);
		if (end == pos)
			break;
		if ((r = parse_field(&p, buf + pos, end - pos)) !=
		    MDM_HTTP_PARSED)
			return r;
		pos = end + 2;
	}
	req->head_len = end + 2;
	return finish(&p);
}

const char *
mdm_http_reason(int status)
{
	static const struct {
		int code;
		const char *text;
	} reasons[] = {
		{ 100, "Continue" }, { 200, "OK" }, { 201, "Created" },
		{ 204, "No Content" }, { 303, "See Other" },
		{ 304, "Not Modified" }, { 308, "Permanent Redirect" },
		{ 400, "Bad Request" }, { 401, "Unauthorized" },
		{ 403, "Forbidden" }, { 404, "Not Found" },
		{ 405, "Method Not Allowed" }, { 408, "Request Timeout" },
		{ 411, "Length Required" }, { 413, "Content Too Large" },
		{ 414, "URI Too Long" }, { 415, "Unsupported Media Type" },
		{ 417, "Expectation Failed" }, { 422, "Unprocessable Content" },
		{ 429, "Too Many Requests" },
		{ 431, "Request Header Fields Too Large" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
		{ 503, "Service Unavailable" },
		{ 505, "HTTP Version Not Supported" },
	};
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == status)
			return reasons[i].text;
	return "Unknown";
}

const char *
mdm_http_method_name(enum mdm_http_method m)
{
	switch (m) {
	case MDM_HTTP_GET:
		return "GET";
	case MDM_HTTP_HEAD:
		return "HEAD";
	case MDM_HTTP_POST:
		return "POST";
	case MDM_HTTP_DELETE:
		return "DELETE";
	}
	return "?";
}

static bool
is_query_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

int
mdm_http_query_get(const char *query, const char *const *allowed,
    const char *name, char *val, size_t cap, char *err, size_t errlen)
{
	const char *s = query, *amp, *eq;
	const char *const *a;
	bool found = false, seen[16] = { false };
	size_t klen, vlen, i, idx;

	if (cap > 0)
		val[0] = '\0';
	while (*s != '\0') {
		amp = strchr(s, '&');
		if (amp == NULL)
			amp = s + strlen(s);
		eq = memchr(s, '=', (size_t)(amp - s));
		if (eq == NULL || eq == s || eq + 1 == amp) {
			snprintf(err, errlen, "query: not name=value");
			return -1;
		}
		klen = (size_t)(eq - s);
		vlen = (size_t)(amp - eq - 1);
		for (i = 0; i < vlen; i++) {
			if (!is_query_char(eq[1 + i])) {
				snprintf(err, errlen, "query %.*s: bad value",
				    (int)klen, s);
				return -1;
			}
		}
		for (a = allowed, idx = 0; *a != NULL; a++, idx++)
			if (strlen(*a) == klen && strncmp(*a, s, klen) == 0)
				break;
		if (*a == NULL || idx >= sizeof(seen)) {
			snprintf(err, errlen, "query: unknown parameter "
			    "%.*s", klen > 64 ? 64 : (int)klen, s);
			return -1;
		}
		if (seen[idx]) {
			snprintf(err, errlen, "query %s: given twice", *a);
			return -1;
		}
		seen[idx] = true;
		if (strcmp(*a, name) == 0) {
			if (vlen >= cap) {
				snprintf(err, errlen, "query %s: too long",
				    name);
				return -1;
			}
			memcpy(val, eq + 1, vlen);
			val[vlen] = '\0';
			found = true;
		}
		s = *amp == '&' ? amp + 1 : amp;
		if (*amp == '&' && *s == '\0') {
			snprintf(err, errlen, "query: trailing '&'");
			return -1;
		}
	}
	return found ? 1 : 0;
}

bool
mdm_http_etag_match(const char *inm, const char *etag)
{
	const char *s = inm, *q;
	size_t n = strlen(etag);

	while (*s == ' ' || *s == '\t')
		s++;
	if (s[0] == '*') {
		for (q = s + 1; *q == ' ' || *q == '\t'; q++)
			;
		return *q == '\0';
	}
	while (*s != '\0') {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		if (*s == '\0')
			break;
		if (s[0] == 'W' && s[1] == '/')
			s += 2;
		if (*s != '"')
			return false;
		q = strchr(s + 1, '"');
		if (q == NULL)
			return false;
		if ((size_t)(q - s - 1) == n && memcmp(s + 1, etag, n) == 0)
			return true;
		s = q + 1;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s != ',' && *s != '\0')
			return false;
	}
	return false;
}
