/*
 * fuzz_mdm_http.c - libFuzzer target for the reference server's HTTP
 * request parser (tools/mdm/mdm_http.c), which reads bytes straight from
 * any client, and for the query and If-None-Match readers behind it.
 *
 * Invariants: a refusal carries one of the statuses the parser may give
 * and a one-line reason; an accepted head lies within the input, ends
 * with CRLF CRLF, has an absolute path, a body length within the bound,
 * and parses the same when the bytes after it are cut off; no proper
 * prefix of an accepted head is accepted; a partial head only ever
 * grows into a complete one or a refusal (checked by feeding the input
 * in two pieces at a point the first byte chooses). The admin console's
 * fields (the session cookie, Origin, Sec-Fetch-Site, X-CSRF-Token) stay
 * within their bounds and hold no control character.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mdm/mdm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int statuses[] = { 400, 411, 413, 414, 417, 431, 501, 505 };

static enum mdm_http_parse_result
parse(const uint8_t *data, size_t size, struct mdm_http_req *req,
    int *status)
{
	char err[MDM_ERR_MAX];
	enum mdm_http_parse_result r;
	size_t i;

	r = mdm_http_parse((const char *)data, size, req, status, err,
	    sizeof(err));
	if (r == MDM_HTTP_BAD) {
		for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
			if (statuses[i] == *status)
				break;
		if (i == sizeof(statuses) / sizeof(statuses[0]))
			abort();
		if (err[0] == '\0' || strchr(err, '\n') != NULL)
			abort();
	} else if (r != MDM_HTTP_PARSED && r != MDM_HTTP_PARTIAL) {
		abort();
	}
	return r;
}

static void
check_parsed(const uint8_t *data, size_t size,
    const struct mdm_http_req *req)
{
	static const char *const allowed[] = { "waitSeconds", NULL };
	struct mdm_http_req again;
	char val[16], err[MDM_ERR_MAX];
	int status;

	if (req->head_len < 4 || req->head_len > size ||
	    memcmp(data + req->head_len - 4, "\r\n\r\n", 4) != 0)
		abort();
	if (req->path[0] != '/' || strlen(req->path) > MDM_HTTP_TARGET_MAX)
		abort();
	if (req->content_length > MDM_BODY_MAX ||
	    (req->method == MDM_HTTP_POST && !req->has_length))
		abort();
	if (parse(data, req->head_len, &again, &status) != MDM_HTTP_PARSED ||
	    again.head_len != req->head_len ||
	    strcmp(again.path, req->path) != 0)
		abort();
	if (parse(data, req->head_len - 1, &again, &status) ==
	    MDM_HTTP_PARSED)
		abort();
	if (mdm_http_query_get(req->query, allowed, "waitSeconds", val,
	    sizeof(val), err, sizeof(err)) == 1 && strlen(val) >= sizeof(val))
		abort();
	(void)mdm_http_etag_match(req->if_none_match, "42");
	if (strlen(req->session) > MDM_HTTP_COOKIE_MAX ||
	    strlen(req->csrf) > MDM_HTTP_CSRF_MAX ||
	    strlen(req->origin) > MDM_HTTP_ORIGIN_MAX ||
	    strlen(req->host) > MDM_HTTP_HOST_MAX ||
	    strpbrk(req->session, "\r\n;") != NULL ||
	    strpbrk(req->csrf, "\r\n") != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mdm_http_req *req = malloc(sizeof(*req));
	enum mdm_http_parse_result whole, part;
	size_t cut;
	int status;

	if (req == NULL)
		abort();
	whole = parse(data, size, req, &status);
	if (whole == MDM_HTTP_PARSED)
		check_parsed(data, size, req);
	/* What a first read of `cut` bytes would have given. */
	cut = size > 0 ? (data[0] * size) / 256 : 0;
	part = parse(data, cut, req, &status);
	if (part == MDM_HTTP_PARSED && whole != MDM_HTTP_PARSED)
		abort();
	if (part == MDM_HTTP_BAD && whole != MDM_HTTP_BAD)
		abort();
	free(req);
	return 0;
}
