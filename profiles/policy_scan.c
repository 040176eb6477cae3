/*
 * policy_scan.c - byte-level checks of a policy document before cJSON
 * parses it: size, nesting depth, strict UTF-8, control characters,
 * \u0000 and the JSON number grammar. cJSON checks none of these (it has
 * its own depth limit of 1000 and copies string bytes as they are), and
 * the depth must be bounded before a recursive parser runs at all.
 *
 * The scan keeps one frame per open container so that an error can name
 * the fieldPath of the offending value.
 */
#include <stdio.h>
#include <string.h>

#include "profiles/policy_json.h"

/* POLICY_DEPTH_MAX as text, for messages. */
#define DEPTH_TEXT_(n) #n
#define DEPTH_TEXT_X(n) DEPTH_TEXT_(n)
#define DEPTH_TEXT DEPTH_TEXT_X(POLICY_DEPTH_MAX)

struct frame {
	bool obj;
	bool want_key;		/* object: the next string is a key */
	size_t index;		/* array: position of the current one */
	const char *key;	/* object: key of the current member */
	size_t keylen;
};

struct scan {
	const char *buf;
	size_t len;
	size_t pos;
	struct frame f[POLICY_DEPTH_MAX];
	size_t depth;
	struct policy_error *err;
};

/* fieldPath of the value at the current position of the first n frames. */
static void
frames_path(const struct scan *s, size_t n, char *path, size_t size)
{
	size_t i;

	path[0] = '\0';
	for (i = 0; i < n; i++) {
		if (!s->f[i].obj)
			policy_path_index(path, size, s->f[i].index);
		else if (s->f[i].key != NULL)
			policy_path_key(path, size, s->f[i].key,
			    s->f[i].keylen);
	}
}

/* Reports "<what> <msg> at byte <off>" at the path of nframes frames. */
static int
fail(struct scan *s, size_t nframes, const char *what, const char *msg,
    size_t off)
{
	frames_path(s, nframes, s->err->field_path,
	    sizeof(s->err->field_path));
	snprintf(s->err->reason, sizeof(s->err->reason), "%s%s%s at byte %zu",
	    what != NULL ? what : "", what != NULL ? " " : "", msg, off);
	return -1;
}

/* Length of the UTF-8 sequence at p (at most n bytes), 0 if invalid. */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 1;
	else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* UTF-16 surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else
		return 0;
	if (n < need + 1)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i <= need; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return need + 1;
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

/*
 * Scans the string whose opening quote is at s->pos; leaves s->pos after
 * the closing quote. nframes is the path depth to blame on error.
 */
static int
scan_string(struct scan *s, size_t nframes, const char *what)
{
	const unsigned char *b = (const unsigned char *)s->buf;
	size_t start = s->pos;
	size_t i = s->pos + 1;

	while (i < s->len) {
		unsigned char c = b[i];
		size_t n;

		if (c == '"') {
			s->pos = i + 1;
			return 0;
		}
		if (c == '\\') {
			if (i + 1 >= s->len)
				break;
			if (b[i + 1] == 'u') {
				int k, v = 0;

				if (i + 6 > s->len)
					break;
				for (k = 0; k < 4; k++) {
					int h = hexval((char)b[i + 2 + k]);
					if (h < 0)
						return fail(s, nframes, what,
						    "has a bad \\u escape", i);
					v = v * 16 + h;
				}
				if (v == 0)
					return fail(s, nframes, what,
					    "holds \\u0000", i);
				i += 6;
			} else
				i += 2;
			continue;
		}
		if (c < 0x20)
			return fail(s, nframes, what,
			    "holds a control character", i);
		n = utf8_seq(b + i, s->len - i);
		if (n == 0)
			return fail(s, nframes, what, "is not valid UTF-8", i);
		i += n;
	}
	return fail(s, nframes, what, "is not terminated, it starts", start);
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* JSON number grammar, strictly (no "01", "+1", ".5", "1.", "1e"). */
static int
scan_number(struct scan *s)
{
	const char *b = s->buf;
	size_t i = s->pos, start = s->pos;

	if (b[i] == '-')
		i++;
	if (i < s->len && b[i] == '0')
		i++;
	else if (i < s->len && b[i] >= '1' && b[i] <= '9')
		while (i < s->len && is_digit(b[i]))
			i++;
	else
		goto bad;
	if (i < s->len && b[i] == '.') {
		i++;
		if (i >= s->len || !is_digit(b[i]))
			goto bad;
		while (i < s->len && is_digit(b[i]))
			i++;
	}
	if (i < s->len && (b[i] == 'e' || b[i] == 'E')) {
		i++;
		if (i < s->len && (b[i] == '+' || b[i] == '-'))
			i++;
		if (i >= s->len || !is_digit(b[i]))
			goto bad;
		while (i < s->len && is_digit(b[i]))
			i++;
	}
	/* "01", "1.2.3", "0x10": a number runs into more number-ish text. */
	if (i < s->len && (is_digit(b[i]) || b[i] == '.' || b[i] == '+' ||
	    b[i] == '-' || (b[i] >= 'a' && b[i] <= 'z') ||
	    (b[i] >= 'A' && b[i] <= 'Z')))
		goto bad;
	s->pos = i;
	return 0;
bad:
	return fail(s, s->depth, NULL, "malformed number", start);
}

int
policy_scan(const char *buf, size_t len, struct policy_error *err)
{
	struct scan s;

	memset(&s, 0, sizeof(s));
	s.buf = buf;
	s.len = len;
	s.err = err;
	err->field_path[0] = '\0';
	err->reason[0] = '\0';
	if (len > POLICY_DOC_MAX) {
		snprintf(err->reason, sizeof(err->reason),
		    "document is %zu bytes, more than the %d allowed", len,
		    POLICY_DOC_MAX);
		return -1;
	}
	while (s.pos < len) {
		char c = buf[s.pos];
		struct frame *top = s.depth > 0 ? &s.f[s.depth - 1] : NULL;

		switch (c) {
		case '"':
			if (top != NULL && top->obj && top->want_key) {
				size_t kstart = s.pos + 1;

				/* A bad key is blamed on its object. */
				if (scan_string(&s, s.depth - 1, "a key") != 0)
					return -1;
				top->key = buf + kstart;
				top->keylen = s.pos - 1 - kstart;
				top->want_key = false;
			} else if (scan_string(&s, s.depth, "string") != 0)
				return -1;
			continue;
		case '{':
		case '[':
			if (s.depth == POLICY_DEPTH_MAX)
				return fail(&s, s.depth, NULL, "nesting deeper "
				    "than " DEPTH_TEXT " levels", s.pos);
			s.f[s.depth].obj = c == '{';
			s.f[s.depth].want_key = c == '{';
			s.f[s.depth].index = 0;
			s.f[s.depth].key = NULL;
			s.f[s.depth].keylen = 0;
			s.depth++;
			break;
		case '}':
		case ']':
			/* Mismatched brackets are cJSON's to report. */
			if (s.depth > 0)
				s.depth--;
			break;
		case ',':
			if (top != NULL && top->obj) {
				top->want_key = true;
				top->key = NULL;
			} else if (top != NULL)
				top->index++;
			break;
		case '-':
		case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9':
			if (scan_number(&s) != 0)
				return -1;
			continue;
		default:
			break;
		}
		s.pos++;
	}
	return 0;
}
