/* Tests tools/mdm/mdm_http.c: request heads, their bounds and refusals,
 * query parameters, entity-tag matching, the admin console's fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tools/mdm/mdm.h"

static enum mdm_http_parse_result
parse(const char *text, struct mdm_http_req *req, int *status, char *err)
{
	return mdm_http_parse(text, strlen(text), req, status, err,
	    MDM_ERR_MAX);
}

/* The head must be refused with status, and err must mention what. */
static void
refused(const char *text, int status, const char *what)
{
	struct mdm_http_req req;
	char err[MDM_ERR_MAX];
	int st;

	if (parse(text, &req, &st, err) != MDM_HTTP_BAD)
		fail_msg("accepted: %s", text);
	if (st != status)
		fail_msg("status %d, want %d for: %s (%s)", st, status, text,
		    err);
	if (strstr(err, what) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, what);
}

static void
get_with_query(void **state)
{
	struct mdm_http_req req;
	char err[MDM_ERR_MAX];
	int st;
	const char *t = "GET /v1/devices/ab12/commands?waitSeconds=30 HTTP/1.1"
	    "\r\nHost: 127.0.0.1:8443\r\nUser-Agent: t\r\nIf-None-Match: "
	    "\"42\"\r\n\r\n";

	(void)state;
	assert_int_equal(parse(t, &req, &st, err), MDM_HTTP_PARSED);
	assert_int_equal(req.method, MDM_HTTP_GET);
	assert_string_equal(req.path, "/v1/devices/ab12/commands");
	assert_string_equal(req.query, "waitSeconds=30");
	assert_int_equal(req.minor, 1);
	assert_true(req.keep_alive);
	assert_false(req.has_length);
	assert_true(req.has_if_none_match);
	assert_string_equal(req.if_none_match, "\"42\"");
	assert_int_equal(req.head_len, strlen(t));
}

static void
post_with_body_and_pipelining(void **state)
{
	struct mdm_http_req req;
	char err[MDM_ERR_MAX];
	int st;
	const char *t = "\r\n\r\nPOST /v1/enroll HTTP/1.1\r\nhost: x\r\n"
	    "content-type: application/json; charset=utf-8\r\n"
	    "Content-Length:   12  \r\nConnection: close\r\n\r\n{\"a\":1}";

	(void)state;
	assert_int_equal(parse(t, &req, &st, err), MDM_HTTP_PARSED);
	assert_int_equal(req.method, MDM_HTTP_POST);
	assert_true(req.has_length);
	assert_int_equal(req.content_length, 12);
	assert_string_equal(req.content_type,
	    "application/json; charset=utf-8");
	assert_false(req.keep_alive);
	/* The head ends at CRLF CRLF; the body is not part of it. */
	assert_int_equal(req.head_len, strlen(t) - strlen("{\"a\":1}"));
}

static void
partial_heads(void **state)
{
	const char *t = "POST /v1/enroll HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 0\r\n\r\n";
	struct mdm_http_req req;
	char err[MDM_ERR_MAX];
	size_t n;
	int st;

	(void)state;
	/* Every proper prefix asks for more; the whole head parses. */
	for (n = 0; n < strlen(t); n++)
		assert_int_equal(mdm_http_parse(t, n, &req, &st, err,
		    sizeof(err)), MDM_HTTP_PARTIAL);
	assert_int_equal(mdm_http_parse(t, n, &req, &st, err, sizeof(err)),
	    MDM_HTTP_PARSED);
}

static void
http10(void **state)
{
	struct mdm_http_req req;
	char err[MDM_ERR_MAX];
	int st;

	(void)state;
	assert_int_equal(parse("GET / HTTP/1.0\r\n\r\n", &req, &st, err),
	    MDM_HTTP_PARSED);
	assert_int_equal(req.minor, 0);
	assert_false(req.keep_alive);
	assert_int_equal(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n"
	    "\r\n", &req, &st, err), MDM_HTTP_PARSED);
	assert_true(req.keep_alive);
}

static void
expect_continue(void **state)
{
	struct mdm_http_req req;
	char err[MDM_ERR_MAX];
	int st;

	(void)state;
	assert_int_equal(parse("POST /v1/enroll HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 5\r\nExpect: 100-Continue\r\n\r\n", &req, &st,
	    err), MDM_HTTP_PARSED);
	assert_true(req.expect_continue);
	refused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
	    "Expect: something\r\n\r\n", 417, "Expect");
}

static void
framing_refusals(void **state)
{
	char big[64];

	(void)state;
	refused("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n", 411, "Transfer-Encoding");
	refused("POST / HTTP/1.1\r\nHost: x\r\n\r\n", 411, "Content-Length");
	refused("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	    "Content-Length: 3\r\n\r\n", 400, "both");
	refused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
	    "Content-Length: 3\r\n\r\n", 400, "twice");
	refused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
	    400, "Content-Length");
	refused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x10\r\n\r\n",
	    400, "Content-Length");
	snprintf(big, sizeof(big), "POST / HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: %d\r\n\r\n", MDM_BODY_MAX + 1);
	refused(big, 413, "larger");
	refused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: "
	    "99999999999999999999999999\r\n\r\n", 413, "larger");
}

static void
syntax_refusals(void **state)
{
	(void)state;
	refused("GET / HTTP/1.1\nHost: x\r\n\r\n", 400, "bare");
	refused("GET / HTTP/1.1\r\nHost: x\n\r\n", 400, "bare");
	refused("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400,
	    "folding");
	refused("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400, "name");
	refused("GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400, "colon");
	refused("GET / HTTP/1.1\r\n: x\r\n\r\n", 400, "empty");
	refused("GET / HTTP/1.1\r\nX: a\x01" "b\r\nHost: x\r\n\r\n", 400,
	    "control");
	refused("GET / HTTP/1.1\r\n\r\n", 400, "Host");
	refused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "twice");
	refused("GET /  HTTP/1.1\r\nHost: x\r\n\r\n", 400, "request line");
	refused("GET\r\n\r\n", 400, "request line");
	refused("G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400, "method");
	refused("GET x HTTP/1.1\r\nHost: x\r\n\r\n", 400, "absolute");
	refused("GET /a%20b HTTP/1.1\r\nHost: x\r\n\r\n", 400, "percent");
	refused("GET /a#b HTTP/1.1\r\nHost: x\r\n\r\n", 400, "character");
	refused("GET /a\\b HTTP/1.1\r\nHost: x\r\n\r\n", 400, "character");
	refused("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505, "version");
	refused("GET / HTTP/1.2\r\nHost: x\r\n\r\n", 505, "version");
	refused("GET / HTTPS/1.1\r\nHost: x\r\n\r\n", 400, "version");
	refused("PUT / HTTP/1.1\r\nHost: x\r\n\r\n", 501, "PUT");
	refused("\x16\x03\x01\x02", 400, "control");
}

static void
size_refusals(void **state)
{
	size_t n = MDM_HTTP_TARGET_MAX + 64, i;
	char *t = malloc(n + 64), *h;

	(void)state;
	assert_non_null(t);
	memcpy(t, "GET /", 5);
	memset(t + 5, 'a', n);
	strcpy(t + 5 + n, " HTTP/1.1\r\nHost: x\r\n\r\n");
	refused(t, 414, "longer");
	/* Not even the end of the request line has arrived yet. */
	t[5 + n] = '\0';
	refused(t, 414, "longer");
	free(t);

	h = malloc(MDM_HTTP_HEAD_MAX * 2);
	assert_non_null(h);
	strcpy(h, "GET / HTTP/1.1\r\nHost: x\r\n");
	for (i = 0; i < MDM_HTTP_HEADERS_MAX; i++)
		strcat(h, "X-A: b\r\n");
	strcat(h, "\r\n");
	refused(h, 431, "header fields");

	strcpy(h, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ");
	n = strlen(h);
	memset(h + n, 'v', MDM_HTTP_HEAD_MAX);
	h[n + MDM_HTTP_HEAD_MAX] = '\0';
	refused(h, 431, "larger");
	strcat(h, "\r\n\r\n");
	refused(h, 431, "larger");
	free(h);
}

static void
query_parameters(void **state)
{
	static const char *const allowed[] = { "waitSeconds", "other", NULL };
	char val[16], err[MDM_ERR_MAX];

	(void)state;
	assert_int_equal(mdm_http_query_get("", allowed, "waitSeconds", val,
	    sizeof(val), err, sizeof(err)), 0);
	assert_int_equal(mdm_http_query_get("waitSeconds=30", allowed,
	    "waitSeconds", val, sizeof(val), err, sizeof(err)), 1);
	assert_string_equal(val, "30");
	assert_int_equal(mdm_http_query_get("other=1&waitSeconds=5", allowed,
	    "waitSeconds", val, sizeof(val), err, sizeof(err)), 1);
	assert_string_equal(val, "5");
	assert_int_equal(mdm_http_query_get("other=1", allowed, "waitSeconds",
	    val, sizeof(val), err, sizeof(err)), 0);
	assert_int_equal(mdm_http_query_get("waitSeconds=1&waitSeconds=2",
	    allowed, "waitSeconds", val, sizeof(val), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "twice"));
	assert_int_equal(mdm_http_query_get("foo=1", allowed, "waitSeconds",
	    val, sizeof(val), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown"));
	assert_int_equal(mdm_http_query_get("waitSeconds", allowed,
	    "waitSeconds", val, sizeof(val), err, sizeof(err)), -1);
	assert_int_equal(mdm_http_query_get("waitSeconds=", allowed,
	    "waitSeconds", val, sizeof(val), err, sizeof(err)), -1);
	assert_int_equal(mdm_http_query_get("waitSeconds=1&", allowed,
	    "waitSeconds", val, sizeof(val), err, sizeof(err)), -1);
	assert_int_equal(mdm_http_query_get("waitSeconds=a+b", allowed,
	    "waitSeconds", val, sizeof(val), err, sizeof(err)), -1);
	assert_int_equal(mdm_http_query_get("waitSeconds="
	    "12345678901234567890", allowed, "waitSeconds", val, sizeof(val),
	    err, sizeof(err)), -1);
}

static void
etags(void **state)
{
	(void)state;
	assert_true(mdm_http_etag_match("\"42\"", "42"));
	assert_true(mdm_http_etag_match("W/\"42\"", "42"));
	assert_true(mdm_http_etag_match("\"1\", \"42\"", "42"));
	assert_true(mdm_http_etag_match(" * ", "42"));
	assert_false(mdm_http_etag_match("\"4\"", "42"));
	assert_false(mdm_http_etag_match("\"420\"", "42"));
	assert_false(mdm_http_etag_match("42", "42"));
	assert_false(mdm_http_etag_match("\"42", "42"));
	assert_false(mdm_http_etag_match("", "42"));
	assert_false(mdm_http_etag_match("*, \"1\"", "42"));
}

static void
console_fields(void **state)
{
	struct mdm_http_req req;
	char err[MDM_ERR_MAX], t[1024], big[128];
	int st;

	(void)state;
	assert_int_equal(parse("GET /console/api/fleet HTTP/1.1\r\nHost: "
	    "h:1\r\nCookie: a=1; wardenmdm_session=abc-_9; b=2\r\nOrigin: "
	    "https://h:1\r\nSec-Fetch-Site: same-origin\r\nX-CSRF-Token: "
	    "tok\r\n\r\n", &req, &st, err), MDM_HTTP_PARSED);
	assert_string_equal(req.session, "abc-_9");
	assert_false(req.session_bad);
	assert_string_equal(req.host, "h:1");
	assert_string_equal(req.origin, "https://h:1");
	assert_string_equal(req.fetch_site, "same-origin");
	assert_string_equal(req.csrf, "tok");
	/* Another cookie whose name ends like ours is not ours. */
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nCookie: "
	    "xwardenmdm_session=1\r\n\r\n", &req, &st, err),
	    MDM_HTTP_PARSED);
	assert_string_equal(req.session, "");
	/* Twice (in one field or two), or too long: no session at all. */
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nCookie: "
	    "wardenmdm_session=a\r\nCookie: wardenmdm_session=b\r\n\r\n",
	    &req, &st, err), MDM_HTTP_PARSED);
	assert_true(req.session_bad);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(t, sizeof(t), "GET / HTTP/1.1\r\nHost: h\r\nCookie: "
	    "wardenmdm_session=%s\r\n\r\n", big);
	assert_int_equal(parse(t, &req, &st, err), MDM_HTTP_PARSED);
	assert_true(req.session_bad);
	assert_string_equal(req.session, "");
	refused("GET / HTTP/1.1\r\nHost: h\r\nOrigin: a\r\nOrigin: b\r\n"
	    "\r\n", 400, "Origin: given twice");
	refused("GET / HTTP/1.1\r\nHost: h\r\nX-CSRF-Token: a\r\n"
	    "X-CSRF-Token: b\r\n\r\n", 400, "X-CSRF-Token: given twice");
	snprintf(t, sizeof(t), "GET / HTTP/1.1\r\nHost: h\r\nX-CSRF-Token: "
	    "%s\r\n\r\n", big);
	refused(t, 400, "X-CSRF-Token: longer than");
}

static void
reasons(void **state)
{
	(void)state;
	assert_string_equal(mdm_http_reason(404), "Not Found");
	assert_string_equal(mdm_http_reason(411), "Length Required");
	assert_string_equal(mdm_http_reason(299), "Unknown");
	assert_string_equal(mdm_http_method_name(MDM_HTTP_DELETE), "DELETE");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(get_with_query),
		cmocka_unit_test(post_with_body_and_pipelining),
		cmocka_unit_test(partial_heads),
		cmocka_unit_test(http10),
		cmocka_unit_test(expect_continue),
		cmocka_unit_test(framing_refusals),
		cmocka_unit_test(syntax_refusals),
		cmocka_unit_test(size_refusals),
		cmocka_unit_test(query_parameters),
		cmocka_unit_test(etags),
		cmocka_unit_test(console_fields),
		cmocka_unit_test(reasons),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
