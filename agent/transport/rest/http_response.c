/*
 * http_response.c - the strict HTTP/1.1 response parser (see
 * http_response.h for the accepted subset).
 *
 * The head is collected whole (it is small and bounded) and parsed in one
 * pass once the blank line arrives; the body is then copied out as it
 * comes, Content-Length or chunk by chunk.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent/transport/rest/http_response.h"

enum {
	S_HEAD = 0,
	S_BODY,
	S_CHUNK_SIZE,
	S_CHUNK_DATA,
	S_CHUNK_CR,
	S_CHUNK_LF,
	S_TRAILER,
	S_DONE,
	S_ERROR,
};

/* Trailer line scanner states (in r->line_len, reused). */
enum { T_START = 0, T_NAME, T_VALUE, T_CR, T_END_CR };

static int __attribute__((format(printf, 2, 3)))
fail(struct http_response *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	r->state = S_ERROR;
	return HTTP_PARSE_ERROR;
}

void
http_response_init(struct http_response *r)
{
	r->minor = 0;
	r->status = 0;
	r->keep_alive = false;
	r->head_done = false;
	r->body = NULL;
	r->body_len = 0;
	r->state = S_HEAD;
	r->head_len = 0;
	r->head[0] = '\0';
	r->nfields = 0;
	r->chunked = false;
	r->content_length = 0;
	r->body_cap = 0;
	r->chunk_left = 0;
	r->line_len = 0;
	r->trailer_len = 0;
	r->error[0] = '\0';
}

void
http_response_clear(struct http_response *r)
{
	free(r->body);
	http_response_init(r);
}

char *
http_response_take_body(struct http_response *r, size_t *len)
{
	char *b = r->body;

	*len = b != NULL ? r->body_len : 0;
	r->body = NULL;
	r->body_len = 0;
	r->body_cap = 0;
	return b;
}

const char *
http_response_error(const struct http_response *r)
{
	return r->error;
}

const char *
http_response_header(const struct http_response *r, const char *name)
{
	size_t i;

	if (!r->head_done)
		return NULL;
	for (i = 0; i < r->nfields; i++)
		if (strcasecmp(r->head + r->fields[i].name, name) == 0)
			return r->head + r->fields[i].value;
	return NULL;
}

/* RFC 9110 tchar. */
static bool
is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* field-vchar, SP or HTAB (obs-text allowed, as RFC 9110 does). */
static bool
is_value_char(unsigned char c)
{
	return c == ' ' || c == '\t' || (c >= 0x21 && c != 0x7f);
}

static int
body_reserve(struct http_response *r, size_t need)
{
	size_t cap = r->body_cap;
	char *b;

	if (need + 1 <= cap)
		return 0;
	if (cap == 0)
		cap = 4096;
	while (cap < need + 1)
		cap *= 2;
	if (cap > HTTP_BODY_MAX + 1)
		cap = HTTP_BODY_MAX + 1;
	if ((b = realloc(r->body, cap)) == NULL)
		return -1;
	r->body = b;
	r->body_cap = cap;
	return 0;
}

/* "HTTP/1.x SP 3DIGIT SP reason" (line without its CRLF). */
static int
parse_status(struct http_response *r, const char *line)
{
	const char *p;

	if (strncmp(line, "HTTP/1.", 7) != 0 || (line[7] != '0' &&
	    line[7] != '1') || line[8] != ' ')
		return fail(r, "status line: not \"HTTP/1.0\" or \"HTTP/1.1\" "
		    "followed by a space");
	r->minor = line[7] - '0';
	if (line[9] < '1' || line[9] > '5' || line[10] < '0' ||
	    line[10] > '9' || line[11] < '0' || line[11] > '9' ||
	    line[12] != ' ')
		return fail(r, "status line: no three-digit status 100..599 "
		    "followed by a space");
	r->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 +
	    (line[11] - '0');
	for (p = line + 13; *p != '\0'; p++)
		if (!is_value_char((unsigned char)*p))
			return fail(r, "status line: control character 0x%02x "
			    "in the reason phrase", (unsigned char)*p);
	if (r->status < 200)
		return fail(r, "status %d: interim responses are not "
		    "expected", r->status);
	return 0;
}

/* One field line (without its CRLF), split in place into name, value. */
static int
parse_field(struct http_response *r, char *line)
{
	char *p = line, *v, *end;

	if (*p == ' ' || *p == '\t')
		return fail(r, "header: obsolete line folding");
	while (is_tchar((unsigned char)*p))
		p++;
	if (p == line || *p != ':')
		return fail(r, "header: field name is not a token followed by "
		    "':'");
	*p++ = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	v = p;
	for (; *p != '\0'; p++)
		if (!is_value_char((unsigned char)*p))
			return fail(r, "header %s: control character 0x%02x",
			    line, (unsigned char)*p);
	end = p;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (r->nfields == HTTP_FIELDS_MAX)
		return fail(r, "header: more than %d fields", HTTP_FIELDS_MAX);
	r->fields[r->nfields].name = (uint16_t)(line - r->head);
	r->fields[r->nfields].value = (uint16_t)(v - r->head);
	r->nfields++;
	return 0;
}

/* The number of fields named name; *value = the first one's value. */
static int
count_field(const struct http_response *r, const char *name,
    const char **value)
{
	size_t i;
	int n = 0;

	*value = NULL;
	for (i = 0; i < r->nfields; i++) {
		if (strcasecmp(r->head + r->fields[i].name, name) != 0)
			continue;
		if (n++ == 0)
			*value = r->head + r->fields[i].value;
	}
	return n;
}

/* True when the comma-separated list v holds token tok. */
static bool
list_has(const char *v, const char *tok)
{
	size_t n = strlen(tok), len;
	const char *e;

	while (*v != '\0') {
		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		e = v;
		while (*e != '\0' && *e != ',')
			e++;
		len = (size_t)(e - v);
		while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
			len--;
		if (len == n && strncasecmp(v, tok, n) == 0)
			return true;
		v = e;
	}
	return false;
}

/* After the head: how the body is framed. */
static int
framing(struct http_response *r)
{
	const char *cl, *te, *conn, *p;
	int ncl, nte;
	size_t n = 0;

	ncl = count_field(r, "Content-Length", &cl);
	nte = count_field(r, "Transfer-Encoding", &te);
	if (count_field(r, "Connection", &conn) > 0 && list_has(conn, "close"))
		r->keep_alive = false;
	else
		r->keep_alive = r->minor == 1;
	if (ncl > 1)
		return fail(r, "Content-Length: given %d times", ncl);
	if (nte > 1)
		return fail(r, "Transfer-Encoding: given %d times", nte);
	if (nte == 1 && strcasecmp(te, "chunked") != 0)
		return fail(r, "Transfer-Encoding: \"%.32s\" is not supported "
		    "(only chunked)", te);
	if (nte == 1 && ncl == 1)
		return fail(r, "Content-Length and Transfer-Encoding together");
	if (r->status == 204 || r->status == 304) {
		if (nte == 1)
			return fail(r, "status %d with a chunked body",
			    r->status);
		r->state = S_DONE;
		return 0;
	}
	if (nte == 1) {
		r->chunked = true;
		r->state = S_CHUNK_SIZE;
		return body_reserve(r, 0) == 0 ? 0 :
		    fail(r, "body: out of memory");
	}
	if (ncl == 0)
		return fail(r, "neither Content-Length nor chunked: a body "
		    "delimited by the end of the connection is refused");
	if (*cl == '\0')
		return fail(r, "Content-Length: empty");
	for (p = cl; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return fail(r, "Content-Length: \"%.32s\" is not a "
			    "decimal number", cl);
		if (n > HTTP_BODY_MAX)
			break;
		n = n * 10 + (size_t)(*p - '0');
	}
	if (n > HTTP_BODY_MAX)
		return fail(r, "Content-Length: body larger than %d bytes",
		    HTTP_BODY_MAX);
	r->content_length = n;
	if (body_reserve(r, n) != 0)
		return fail(r, "body: out of memory");
	r->body[0] = '\0';
	r->state = n == 0 ? S_DONE : S_BODY;
	return 0;
}

/* The whole head is in r->head (ending in CRLF CRLF): parse it. */
static int
parse_head(struct http_response *r)
{
	char *line = r->head, *eol;
	bool first = true;

	r->head[r->head_len] = '\0';
	for (;;) {
		eol = strstr(line, "\r\n");
		/* The terminator guarantees one; the empty line ends it. */
		*eol = '\0';
		if (eol == line)
			break;
		if (first ? parse_status(r, line) != 0 :
		    parse_field(r, line) != 0)
			return HTTP_PARSE_ERROR;
		first = false;
		line = eol + 2;
	}
	r->head_done = true;
	return framing(r);
}

static int
feed_head(struct http_response *r, const unsigned char *p, size_t len,
    size_t *i)
{
	unsigned char c;

	while (*i < len) {
		c = p[(*i)++];
		if (c == '\0')
			return fail(r, "head: NUL byte");
		if (c == '\n' && (r->head_len == 0 ||
		    r->head[r->head_len - 1] != '\r'))
			return fail(r, "head: line ends in a bare LF");
		if (r->head_len > 0 && r->head[r->head_len - 1] == '\r' &&
		    c != '\n')
			return fail(r, "head: CR not followed by LF");
		if (r->head_len == HTTP_HEAD_MAX)
			return fail(r, "head: larger than %d bytes",
			    HTTP_HEAD_MAX);
		r->head[r->head_len++] = (char)c;
		if (c == '\n' && r->head_len == 2)
			return fail(r, "status line: empty");
		if (c == '\n' && r->head_len >= 4 &&
		    memcmp(r->head + r->head_len - 4, "\r\n\r\n", 4) == 0)
			return parse_head(r);
	}
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A complete chunk-size line (without CRLF) in r->line. */
static int
chunk_size(struct http_response *r)
{
	const char *p = r->line;
	size_t n = 0;
	int digits = 0, v;

	for (; (v = hexval(*p)) >= 0; p++) {
		if (++digits > 8)
			return fail(r, "chunk size: more than 8 hex digits");
		n = n * 16 + (size_t)v;
	}
	if (digits == 0)
		return fail(r, "chunk size: not a hex number");
	/* Extensions (ignored): ";name" or ";name=value", tokens only. */
	while (*p == ';') {
		p++;
		if (!is_tchar((unsigned char)*p))
			return fail(r, "chunk extension: not a token");
		while (is_tchar((unsigned char)*p))
			p++;
		if (*p == '=') {
			p++;
			if (!is_tchar((unsigned char)*p))
				return fail(r, "chunk extension: value not a "
				    "token");
			while (is_tchar((unsigned char)*p))
				p++;
		}
	}
	if (*p != '\0')
		return fail(r, "chunk size: unexpected character 0x%02x",
		    (unsigned char)*p);
	if (n > HTTP_BODY_MAX - r->body_len)
		return fail(r, "chunked body: larger than %d bytes",
		    HTTP_BODY_MAX);
	if (n == 0) {
		r->state = S_TRAILER;
		r->line_len = T_START;
		return 0;
	}
	if (body_reserve(r, r->body_len + n) != 0)
		return fail(r, "body: out of memory");
	r->chunk_left = n;
	r->state = S_CHUNK_DATA;
	return 0;
}

static int
feed_chunk_line(struct http_response *r, unsigned char c)
{
	if (c == '\n') {
		if (r->line_len == 0 || r->line[r->line_len - 1] != '\r')
			return fail(r, "chunk size: line ends in a bare LF");
		r->line[--r->line_len] = '\0';
		r->line_len = 0;
		return chunk_size(r);
	}
	if (r->line_len > 0 && r->line[r->line_len - 1] == '\r')
		return fail(r, "chunk size: CR not followed by LF");
	if (r->line_len == HTTP_CHUNK_LINE_MAX)
		return fail(r, "chunk size: line longer than %d bytes",
		    HTTP_CHUNK_LINE_MAX);
	r->line[r->line_len++] = (char)c;
	return 0;
}

/* Trailer fields are checked for syntax and dropped. */
static int
feed_trailer(struct http_response *r, unsigned char c)
{
	if (++r->trailer_len > HTTP_TRAILER_MAX)
		return fail(r, "trailer: larger than %d bytes",
		    HTTP_TRAILER_MAX);
	switch (r->line_len) {
	case T_START:
		if (c == '\r') {
			r->line_len = T_END_CR;
			return 0;
		}
		if (!is_tchar(c))
			return fail(r, "trailer: field name is not a token");
		r->line_len = T_NAME;
		return 0;
	case T_NAME:
		if (c == ':')
			r->line_len = T_VALUE;
		else if (!is_tchar(c))
			return fail(r, "trailer: field name is not a token "
			    "followed by ':'");
		return 0;
	case T_VALUE:
		if (c == '\r')
			r->line_len = T_CR;
		else if (!is_value_char(c))
			return fail(r, "trailer: control character 0x%02x", c);
		return 0;
	case T_CR:
		if (c != '\n')
			return fail(r, "trailer: CR not followed by LF");
		r->line_len = T_START;
		return 0;
	default: /* T_END_CR */
		if (c != '\n')
			return fail(r, "trailer: CR not followed by LF");
		r->state = S_DONE;
		return 0;
	}
}

int
http_response_feed(struct http_response *r, const void *data, size_t len,
    size_t *used)
{
	const unsigned char *p = data;
	size_t i = 0, n;

	*used = 0;
	while (r->state != S_DONE && r->state != S_ERROR && i < len) {
		switch (r->state) {
		case S_HEAD:
			if (feed_head(r, p, len, &i) != 0)
				return HTTP_PARSE_ERROR;
			break;
		case S_BODY:
			n = r->content_length - r->body_len;
			if (n > len - i)
				n = len - i;
			memcpy(r->body + r->body_len, p + i, n);
			r->body_len += n;
			i += n;
			if (r->body_len == r->content_length)
				r->state = S_DONE;
			break;
		case S_CHUNK_SIZE:
			if (feed_chunk_line(r, p[i++]) != 0)
				return HTTP_PARSE_ERROR;
			break;
		case S_CHUNK_DATA:
			n = r->chunk_left;
			if (n > len - i)
				n = len - i;
			memcpy(r->body + r->body_len, p + i, n);
			r->body_len += n;
			r->chunk_left -= n;
			i += n;
			if (r->chunk_left == 0)
				r->state = S_CHUNK_CR;
			break;
		case S_CHUNK_CR:
			if (p[i++] != '\r')
				return fail(r, "chunk: data not followed by "
				    "CRLF");
			r->state = S_CHUNK_LF;
			break;
		case S_CHUNK_LF:
			if (p[i++] != '\n')
				return fail(r, "chunk: data not followed by "
				    "CRLF");
			r->state = S_CHUNK_SIZE;
			break;
		case S_TRAILER:
			if (feed_trailer(r, p[i++]) != 0)
				return HTTP_PARSE_ERROR;
			break;
		}
	}
	*used = i;
	if (r->state == S_ERROR)
		return HTTP_PARSE_ERROR;
	if (r->state != S_DONE)
		return HTTP_PARSE_MORE;
	if (r->body != NULL)
		r->body[r->body_len] = '\0';
	return HTTP_PARSE_DONE;
}
