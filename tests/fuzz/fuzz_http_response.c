/*
 * fuzz_http_response.c - libFuzzer target for the HTTP response parser
 * (agent/transport/rest/http_response.c), which reads bytes straight from the
 * server.
 *
 * Invariants: a complete response has a status 200..599, a body within
 * HTTP_BODY_MAX and NUL-terminated, and took no more bytes than given; a
 * failure carries a message; the outcome does not depend on how the
 * bytes are split across reads (the input is fed whole, then in two
 * pieces at a point the first byte chooses, then byte by byte).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/rest/http_response.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct outcome {
	int rc;
	size_t used;
	int status;
	size_t body_len;
	uint8_t body_hash;
};

static void
check(struct http_response *r, int rc, size_t used, size_t size,
    struct outcome *o)
{
	size_t i;

	o->rc = rc;
	o->used = used;
	o->status = 0;
	o->body_len = 0;
	o->body_hash = 0;
	if (used > size)
		abort();
	if (rc == HTTP_PARSE_ERROR && http_response_error(r)[0] == '\0')
		abort();
	if (rc != HTTP_PARSE_DONE)
		return;
	if (r->status < 200 || r->status > 599 || r->body_len > HTTP_BODY_MAX)
		abort();
	if (r->body != NULL && r->body[r->body_len] != '\0')
		abort();
	o->status = r->status;
	o->body_len = r->body_len;
	for (i = 0; i < r->body_len; i++)
		o->body_hash ^= (uint8_t)r->body[i];
}

static void
run(struct http_response *r, const uint8_t *data, size_t size, size_t cut,
    struct outcome *o)
{
	size_t used = 0, u2 = 0;
	int rc;

	http_response_init(r);
	rc = http_response_feed(r, data, cut, &used);
	if (rc == HTTP_PARSE_MORE && cut < size) {
		rc = http_response_feed(r, data + cut, size - cut, &u2);
		used += u2;
	}
	check(r, rc, used, size, o);
	http_response_clear(r);
}

static void
same(const struct outcome *a, const struct outcome *b)
{
	if (a->rc != b->rc ||
	    (a->rc == HTTP_PARSE_DONE && a->used != b->used) ||
	    a->status != b->status ||
	    a->body_len != b->body_len || a->body_hash != b->body_hash)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_response *r = malloc(sizeof(*r));
	struct outcome whole, split, bytes;
	size_t i, used = 0, u;
	int rc = HTTP_PARSE_MORE;

	if (r == NULL)
		return 0;
	run(r, data, size, size, &whole);
	if (size > 0) {
		run(r, data, size, data[0] % size, &split);
		same(&whole, &split);
	}
	if (size <= 4096) {
		http_response_init(r);
		for (i = 0; i < size && rc == HTTP_PARSE_MORE; i++) {
			rc = http_response_feed(r, data + i, 1, &u);
			used += u;
		}
		check(r, rc, used, size, &bytes);
		same(&whole, &bytes);
		http_response_clear(r);
	}
	free(r);
	return 0;
}
