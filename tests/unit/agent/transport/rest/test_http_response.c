/* Tests agent/transport/rest/http_response.c: the strict response parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/transport/rest/http_response.h"

static struct http_response *
new_resp(void)
{
	struct http_response *r = malloc(sizeof(*r));

	assert_non_null(r);
	http_response_init(r);
	return r;
}

static void
free_resp(struct http_response *r)
{
	http_response_clear(r);
	free(r);
}

/* Feeds text whole; returns the result, *used the bytes taken. */
static int
feed_all(struct http_response *r, const char *text, size_t *used)
{
	return http_response_feed(r, text, strlen(text), used);
}

/* Feeds text one byte at a time; returns the final result. */
static int
feed_bytes(struct http_response *r, const char *text, size_t len)
{
	size_t i, used;
	int rc = HTTP_PARSE_MORE;

	for (i = 0; i < len; i++) {
		rc = http_response_feed(r, text + i, 1, &used);
		if (rc != HTTP_PARSE_MORE)
			return rc;
		assert_int_equal(used, 1);
	}
	return rc;
}

static void
content_length(void **state)
{
	const char *text = "HTTP/1.1 201 Created\r\n"
	    "Content-Type: application/json\r\n"
	    "ETag:   \"7\"  \r\n"
	    "Content-Length: 11\r\n\r\n{\"a\":\"bcd\"}";
	struct http_response *r = new_resp();
	size_t used;

	(void)state;
	assert_int_equal(feed_all(r, text, &used), HTTP_PARSE_DONE);
	assert_int_equal(used, strlen(text));
	assert_int_equal(r->status, 201);
	assert_int_equal(r->minor, 1);
	assert_true(r->keep_alive);
	assert_int_equal(r->body_len, 11);
	assert_string_equal(r->body, "{\"a\":\"bcd\"}");
	assert_string_equal(http_response_header(r, "etag"), "\"7\"");
	assert_string_equal(http_response_header(r, "CONTENT-TYPE"),
	    "application/json");
	assert_null(http_response_header(r, "Location"));
	/* The same, one byte at a time. */
	http_response_clear(r);
	assert_int_equal(feed_bytes(r, text, strlen(text)), HTTP_PARSE_DONE);
	assert_string_equal(r->body, "{\"a\":\"bcd\"}");
	free_resp(r);
}

static void
chunked(void **state)
{
	const char *text = "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: Chunked\r\n\r\n"
	    "5;name=value\r\nhello\r\n"
	    "A\r\n, chunked!\r\n"
	    "0\r\nX-Trailer: yes\r\n\r\n";
	struct http_response *r = new_resp();
	size_t used, len;
	char *body;

	(void)state;
	assert_int_equal(feed_all(r, text, &used), HTTP_PARSE_DONE);
	assert_int_equal(used, strlen(text));
	assert_string_equal(r->body, "hello, chunked!");
	http_response_clear(r);
	assert_int_equal(feed_bytes(r, text, strlen(text)), HTTP_PARSE_DONE);
	assert_int_equal(r->body_len, 15);
	body = http_response_take_body(r, &len);
	assert_int_equal(len, 15);
	assert_string_equal(body, "hello, chunked!");
	assert_null(r->body);
	free(body);
	free_resp(r);
}

static void
no_body_statuses(void **state)
{
	struct http_response *r = new_resp();
	size_t used;

	(void)state;
	assert_int_equal(feed_all(r, "HTTP/1.1 304 Not Modified\r\n"
	    "ETag: \"3\"\r\nContent-Length: 120\r\n\r\n", &used),
	    HTTP_PARSE_DONE);
	assert_int_equal(r->status, 304);
	assert_null(r->body);
	http_response_clear(r);
	assert_int_equal(feed_all(r, "HTTP/1.1 204 No Content\r\n\r\n", &used),
	    HTTP_PARSE_DONE);
	http_response_clear(r);
	assert_int_equal(feed_all(r, "HTTP/1.1 204 No Content\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", &used), HTTP_PARSE_ERROR);
	free_resp(r);
}

static void
keep_alive(void **state)
{
	struct http_response *r = new_resp();
	size_t used;

	(void)state;
	assert_int_equal(feed_all(r, "HTTP/1.1 200 OK\r\nConnection: "
	    "keep-alive, Close\r\nContent-Length: 0\r\n\r\n", &used),
	    HTTP_PARSE_DONE);
	assert_false(r->keep_alive);
	assert_string_equal(r->body, "");
	http_response_clear(r);
	assert_int_equal(feed_all(r, "HTTP/1.0 200 OK\r\n"
	    "Content-Length: 2\r\n\r\nok", &used), HTTP_PARSE_DONE);
	assert_false(r->keep_alive);
	assert_int_equal(r->minor, 0);
	free_resp(r);
}

static void
truncated(void **state)
{
	const char *texts[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345",
		"HTTP/1.1 200 OK\r\nContent-Len",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab",
	};
	struct http_response *r = new_resp();
	size_t i, used;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		http_response_clear(r);
		assert_int_equal(feed_all(r, texts[i], &used), HTTP_PARSE_MORE);
		assert_int_equal(used, strlen(texts[i]));
	}
	free_resp(r);
}

static void
extra_bytes(void **state)
{
	const char *text = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP";
	struct http_response *r = new_resp();
	size_t used;

	(void)state;
	assert_int_equal(feed_all(r, text, &used), HTTP_PARSE_DONE);
	assert_int_equal(used, strlen(text) - 4);
	/* Once done, it stays done and reads nothing. */
	assert_int_equal(http_response_feed(r, "x", 1, &used),
	    HTTP_PARSE_DONE);
	assert_int_equal(used, 0);
	free_resp(r);
}

static void
expect_error(const char *text, size_t len, const char *why)
{
	struct http_response *r = new_resp();
	size_t used;

	if (http_response_feed(r, text, len, &used) != HTTP_PARSE_ERROR)
		fail_msg("accepted: %s", text);
	if (strstr(http_response_error(r), why) == NULL)
		fail_msg("\"%s\": error \"%s\", want \"%s\"", text,
		    http_response_error(r), why);
	/* Once failed, it stays failed. */
	assert_int_equal(http_response_feed(r, "x", 1, &used),
	    HTTP_PARSE_ERROR);
	free_resp(r);
}

#define BAD(text, why) expect_error(text, sizeof(text) - 1, why)

static void
bad_status_lines(void **state)
{
	(void)state;
	BAD("HTTP/2 200 OK\r\n\r\n", "status line");
	BAD("HTTP/1.2 200 OK\r\n\r\n", "status line");
	BAD("http/1.1 200 OK\r\n\r\n", "status line");
	BAD("ICY 200 OK\r\n\r\n", "status line");
	BAD("HTTP/1.1 20 OK\r\n\r\n", "three-digit");
	BAD("HTTP/1.1 200OK\r\n\r\n", "three-digit");
	BAD("HTTP/1.1 2000 OK\r\n\r\n", "three-digit");
	BAD("HTTP/1.1 600 Nope\r\n\r\n", "three-digit");
	BAD("HTTP/1.1 099 Nope\r\n\r\n", "three-digit");
	BAD("HTTP/1.1 200\r\n\r\n", "three-digit");
	BAD("HTTP/1.1 100 Continue\r\n\r\n", "interim");
	BAD("HTTP/1.1 200 O\x01K\r\n\r\n", "control character");
	BAD("HTTP/1.1 200 OK\n\n", "bare LF");
	BAD("HTTP/1.1 200 OK\rX", "CR not followed by LF");
	BAD("\r\n", "empty");
	BAD("HTTP/1.1 200 OK\r\n\0\r\n", "NUL");
}

static void
bad_headers(void **state)
{
	(void)state;
	BAD("HTTP/1.1 200 OK\r\n folded\r\n\r\n", "folding");
	BAD("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "token");
	BAD("HTTP/1.1 200 OK\r\nName : v\r\n\r\n", "token");
	BAD("HTTP/1.1 200 OK\r\n: v\r\n\r\n", "token");
	BAD("HTTP/1.1 200 OK\r\nA: b\x7f\r\n\r\n", "control character");
	BAD("HTTP/1.1 200 OK\r\nA: b\r\nContent-Length: 1\n\r\n", "bare LF");
}

static void
bad_framing(void **state)
{
	(void)state;
	BAD("HTTP/1.1 200 OK\r\n\r\n", "neither Content-Length nor chunked");
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n"
	    "\r\nok", "given 2 times");
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n", "together");
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
	    "not supported");
	BAD("HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok", "decimal");
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n", "decimal");
	BAD("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", "empty");
}

static void
bad_chunks(void **state)
{
	(void)state;
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
	    "not a hex number");
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "123456789\r\n", "more than 8 hex digits");
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "2\r\nabc", "not followed by CRLF");
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\n",
	    "bare LF");
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "2 \r\n", "unexpected character");
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "2;\"q\"\r\n", "extension");
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "0\r\nbad trailer\r\n\r\n", "trailer");
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "0\r\n\rX", "CR not followed by LF");
}

static void
oversized(void **state)
{
	struct http_response *r = new_resp();
	char *big, line[64];
	size_t used, n;

	(void)state;
	/* A head one byte over the bound. */
	big = malloc(HTTP_HEAD_MAX + 64);
	assert_non_null(big);
	n = (size_t)snprintf(big, 64, "HTTP/1.1 200 OK\r\nX: ");
	memset(big + n, 'a', HTTP_HEAD_MAX + 64 - n);
	assert_int_equal(http_response_feed(r, big, HTTP_HEAD_MAX + 64,
	    &used), HTTP_PARSE_ERROR);
	assert_non_null(strstr(http_response_error(r), "larger than 16384"));
	free(big);
	/* Too many fields. */
	http_response_clear(r);
	assert_int_equal(feed_all(r, "HTTP/1.1 200 OK\r\n", &used),
	    HTTP_PARSE_MORE);
	for (n = 0; n <= HTTP_FIELDS_MAX; n++) {
		snprintf(line, sizeof(line), "X-%zu: v\r\n", n);
		assert_int_equal(feed_all(r, line, &used), HTTP_PARSE_MORE);
	}
	assert_int_equal(feed_all(r, "\r\n", &used), HTTP_PARSE_ERROR);
	assert_non_null(strstr(http_response_error(r), "more than 64"));
	/* A declared body over 1 MiB is refused before it is read. */
	http_response_clear(r);
	assert_int_equal(feed_all(r, "HTTP/1.1 200 OK\r\nContent-Length: "
	    "1048577\r\n\r\n", &used), HTTP_PARSE_ERROR);
	assert_non_null(strstr(http_response_error(r), "larger than"));
	http_response_clear(r);
	assert_int_equal(feed_all(r, "HTTP/1.1 200 OK\r\nContent-Length: "
	    "99999999999999999999999\r\n\r\n", &used), HTTP_PARSE_ERROR);
	/* Exactly 1 MiB is fine. */
	http_response_clear(r);
	assert_int_equal(feed_all(r, "HTTP/1.1 200 OK\r\nContent-Length: "
	    "1048576\r\n\r\n", &used), HTTP_PARSE_MORE);
	/* Chunks adding up to more than 1 MiB. */
	http_response_clear(r);
	assert_int_equal(feed_all(r, "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n", &used), HTTP_PARSE_MORE);
	big = calloc(1, 0x80000);
	assert_non_null(big);
	for (n = 0; n < 2; n++) {
		assert_int_equal(feed_all(r, "80000\r\n", &used),
		    HTTP_PARSE_MORE);
		assert_int_equal(http_response_feed(r, big, 0x80000, &used),
		    HTTP_PARSE_MORE);
		assert_int_equal(feed_all(r, "\r\n", &used), HTTP_PARSE_MORE);
	}
	assert_int_equal(r->body_len, HTTP_BODY_MAX);
	assert_int_equal(feed_all(r, "1\r\n", &used), HTTP_PARSE_ERROR);
	assert_non_null(strstr(http_response_error(r), "larger than"));
	free(big);
	/* An endless trailer. */
	http_response_clear(r);
	assert_int_equal(feed_all(r, "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n0\r\n", &used), HTTP_PARSE_MORE);
	for (n = 0; n < HTTP_TRAILER_MAX / 8; n++)
		if (feed_all(r, "X: abc\r\n", &used) != HTTP_PARSE_MORE)
			break;
	assert_int_equal(feed_all(r, "X: abc\r\n", &used), HTTP_PARSE_ERROR);
	free_resp(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(content_length),
		cmocka_unit_test(chunked),
		cmocka_unit_test(no_body_statuses),
		cmocka_unit_test(keep_alive),
		cmocka_unit_test(truncated),
		cmocka_unit_test(extra_bytes),
		cmocka_unit_test(bad_status_lines),
		cmocka_unit_test(bad_headers),
		cmocka_unit_test(bad_framing),
		cmocka_unit_test(bad_chunks),
		cmocka_unit_test(oversized),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
