/*
 * http_response.h - a strict, incremental parser of HTTP/1.1 responses,
 * for the HTTPS binding's client (rest_http.c).
 *
 * Written here rather than taken from a library: Debian carries no
 * maintained C HTTP parser we want on the device, and a client that
 * talks to one kind of server needs only a small, strict subset:
 *
 *  - a status line "HTTP/1.0|1.1 SP 3DIGIT SP reason CRLF", status 200 to
 *    599 (an interim 1xx response is refused: the client never asks for
 *    one);
 *  - header fields "token ':' OWS value OWS CRLF", no obsolete line
 *    folding, no control characters, at most HTTP_FIELDS_MAX of them, and
 *    the whole head (status line to blank line) at most HTTP_HEAD_MAX
 *    bytes;
 *  - a body framed by exactly one Content-Length, or by
 *    "Transfer-Encoding: chunked" (no other coding, not both), at most
 *    HTTP_BODY_MAX bytes; a response without either is refused, except
 *    204 and 304 which have no body. Reading to the end of the connection
 *    is never used to delimit a body.
 *
 * Bare LF line endings are refused. Everything is bounded; the parser
 * never reads past the bytes it is given. Nothing here blocks or logs.
 */
#ifndef WARDEN_HTTP_RESPONSE_H
#define WARDEN_HTTP_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_HEAD_MAX (16 * 1024)	/* status line + fields + CRLF */
#define HTTP_BODY_MAX (1024 * 1024)
#define HTTP_FIELDS_MAX 64
#define HTTP_CHUNK_LINE_MAX 128	/* chunk-size line, extensions included */
#define HTTP_TRAILER_MAX 4096	/* all trailer fields of a chunked body */
#define HTTP_ERROR_MAX 160

/* http_response_feed() results. */
#define HTTP_PARSE_MORE 0	/* every byte consumed, response incomplete */
#define HTTP_PARSE_DONE 1	/* a complete response; *used bytes taken */
#define HTTP_PARSE_ERROR (-1)	/* malformed; see http_response_error() */

struct http_field {
	uint16_t name, value;	/* offsets of NUL-terminated strings in head */
};

/*
 * One response being parsed. Members above the line are results; the
 * rest are private. Large (the head buffer is inline): allocate it with
 * the connection, not on the stack.
 */
struct http_response {
	int minor;		/* HTTP/1.<minor> */
	int status;		/* 200 .. 599 */
	bool keep_alive;	/* HTTP/1.1 without "Connection: close" */
	bool head_done;		/* status and fields are available */
	char *body;		/* malloc'd, NUL after body_len; owned here */
	size_t body_len;
	/* ---- private ---- */
	int state;
	char head[HTTP_HEAD_MAX + 1];
	size_t head_len;
	struct http_field fields[HTTP_FIELDS_MAX];
	size_t nfields;
	bool chunked;
	size_t content_length;
	size_t body_cap;
	size_t chunk_left;
	char line[HTTP_CHUNK_LINE_MAX + 1];
	size_t line_len;
	size_t trailer_len;
	char error[HTTP_ERROR_MAX];
};

/* Prepares r for a new response (r's previous body, if any, is not
 * freed: call http_response_clear() first on a used struct). */
void http_response_init(struct http_response *r);

/*
 * Feeds len bytes received from the server. Returns HTTP_PARSE_MORE when
 * all were consumed and more are needed; HTTP_PARSE_DONE when the
 * response is complete, with *used = the bytes of data it took (the rest
 * belongs to no response: the caller treats it as a protocol error);
 * HTTP_PARSE_ERROR when the response is malformed or over a bound. After
 * DONE or ERROR further calls return the same result without reading.
 */
int http_response_feed(struct http_response *r, const void *data, size_t len,
    size_t *used);

/* Why the last feed failed, one line ("" when it did not). */
const char *http_response_error(const struct http_response *r);

/*
 * The value of the first field named name (case-insensitive), without
 * surrounding whitespace, or NULL when absent or the head is not yet
 * complete. Valid until http_response_clear() or init.
 */
const char *http_response_header(const struct http_response *r,
    const char *name);

/* Frees the body and resets r as by http_response_init(). */
void http_response_clear(struct http_response *r);

/*
 * Takes the body: returns it (malloc'd, NUL-terminated; the caller frees
 * it) and leaves r without one. NULL when the response had no body.
 */
char *http_response_take_body(struct http_response *r, size_t *len);

#endif /* WARDEN_HTTP_RESPONSE_H */
