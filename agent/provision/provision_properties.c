/*
 * provision_properties.c - java.util.Properties as Android's NFC
 * provisioning carries it: the reader follows Properties.load() line by
 * line (comments, key terminators, escapes, continuation lines), the
 * writer escapes so that the reader, and Java's, read back the same
 * strings.
 *
 * Input is UTF-8, as Android decodes the NDEF payload before loading it,
 * not ISO-8859-1 as Properties.load(InputStream) would: the two agree on
 * ASCII, which is all Properties.store() and our writer produce.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/provision/provision.h"

/* ------------------------------------------------------------------ */
/* Reader.                                                              */
/* ------------------------------------------------------------------ */

struct line_reader {
	const char *buf;
	size_t len, pos;
	size_t lineno; /* line breaks seen so far */
	char prev;
};

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\f';
}

/*
 * The next logical line into out (escapes kept, continuations joined,
 * comments and blank lines skipped), the way Properties.load() reads
 * lines. Returns 1 and *outlen, or 0 at the end of the input.
 * *start is the 1-based number of the line where it began.
 */
static int
next_line(struct line_reader *lr, char *out, size_t *outlen, size_t *start)
{
	bool skip_ws = true, appended = false;
	bool comment = false, backslash = false, skip_lf = false;
	size_t n = 0;

	for (;;) {
		char c;

		if (lr->pos >= lr->len) {
			if (n == 0 || comment)
				return 0;
			if (backslash)
				n--; /* a continuation into nothing */
			*outlen = n;
			return 1;
		}
		c = lr->buf[lr->pos++];
		if (c == '\r' || (c == '\n' && lr->prev != '\r'))
			lr->lineno++;
		lr->prev = c;
		if (skip_lf) {
			skip_lf = false;
			if (c == '\n')
				continue;
		}
		if (skip_ws) {
			if (is_ws(c))
				continue;
			if (!appended && (c == '\r' || c == '\n'))
				continue;
			skip_ws = false;
			appended = false;
		}
		/* Nothing kept yet: still at the start of a logical line,
		 * even after a continuation (as Java 9 and later read it). */
		if (n == 0) {
			*start = lr->lineno + 1;
			if (c == '#' || c == '!') {
				comment = true;
				continue;
			}
		}
		if (c != '\n' && c != '\r') {
			if (comment)
				continue;
			out[n++] = c;
			backslash = c == '\\' ? !backslash : false;
			continue;
		}
		if (c == '\r')
			skip_lf = true;
		if (comment || n == 0) {
			comment = false;
			skip_ws = true;
			n = 0;
			continue;
		}
		if (!backslash) {
			*outlen = n;
			if (skip_lf && lr->pos < lr->len &&
			    lr->buf[lr->pos] == '\n') {
				lr->pos++;
				lr->prev = '\n';
			}
			return 1;
		}
		/* Odd backslashes: the line goes on after the break, minus
		 * the next line's leading white space. */
		n--;
		backslash = false;
		skip_ws = true;
		appended = true;
	}
}

static int
hex4(const char *s, size_t avail, uint32_t *v)
{
	size_t i;

	if (avail < 4)
		return -1;
	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = s[i];
		int d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		*v = *v << 4 | (uint32_t)d;
	}
	return 0;
}

static size_t
utf8_put(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Properties.loadConvert(): resolves escapes of n bytes of in into out
 * (never longer than in). \uXXXX surrogate pairs become one UTF-8
 * character; a lone surrogate or \u0000 is an error (*why).
 */
static int
unescape(const char *in, size_t n, char *out, size_t *outn, const char **why)
{
	size_t i = 0, o = 0;
	uint32_t cp, lo;

	while (i < n) {
		char c = in[i++];
		if (c != '\\') {
			out[o++] = c;
			continue;
		}
		if (i >= n) {
			*why = "backslash at the end of the line";
			return -1;
		}
		c = in[i++];
		switch (c) {
		case 't': out[o++] = '\t'; continue;
		case 'n': out[o++] = '\n'; continue;
		case 'r': out[o++] = '\r'; continue;
		case 'f': out[o++] = '\f'; continue;
		case 'u': break;
		default: out[o++] = c; continue;
		}
		if (hex4(in + i, n - i, &cp) != 0) {
			*why = "malformed \\uXXXX escape";
			return -1;
		}
		i += 4;
		if (cp >= 0xdc00 && cp <= 0xdfff) {
			*why = "unpaired surrogate in a \\uXXXX escape";
			return -1;
		}
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (n - i < 6 || in[i] != '\\' || in[i + 1] != 'u' ||
			    hex4(in + i + 2, n - i - 2, &lo) != 0 ||
			    lo < 0xdc00 || lo > 0xdfff) {
				*why = "unpaired surrogate in a \\uXXXX escape";
				return -1;
			}
			i += 6;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		}
		if (cp == 0) {
			*why = "escaped NUL (\\u0000)";
			return -1;
		}
		o += utf8_put(cp, out + o);
	}
	*outn = o;
	return 0;
}

/* Properties.load0(): where the key ends and the value begins. */
static void
split_line(const char *line, size_t n, size_t *keylen, size_t *valstart)
{
	bool backslash = false, sep = false;
	size_t k = 0, v = n;

	for (; k < n; k++) {
		char c = line[k];
		if ((c == '=' || c == ':') && !backslash) {
			v = k + 1;
			sep = true;
			break;
		}
		if (is_ws(c) && !backslash) {
			v = k + 1;
			break;
		}
		backslash = c == '\\' ? !backslash : false;
	}
	for (; v < n; v++) {
		char c = line[v];
		if (!is_ws(c)) {
			if (!sep && (c == '=' || c == ':'))
				sep = true;
			else
				break;
		}
	}
	*keylen = k;
	*valstart = v;
}

void
prov_props_free(struct prov_props *props)
{
	if (props->arena != NULL)
		prov_secret_free(props->arena, props->arena_len);
	memset(props, 0, sizeof(*props));
}

static int
props_check_input(const char *buf, size_t len, const char *doc, char *err,
    size_t errlen)
{
	const char *nul;
	size_t bad;

	if (len > PROV_PROPS_MAX)
		return prov_err(err, errlen, "%s: longer than %d bytes", doc,
		    PROV_PROPS_MAX);
	if ((nul = memchr(buf, '\0', len)) != NULL)
		return prov_err(err, errlen, "%s: NUL byte at offset %zu", doc,
		    (size_t)(nul - buf));
	if ((bad = prov_utf8_check(buf, len)) != len)
		return prov_err(err, errlen, "%s: invalid UTF-8 at offset %zu",
		    doc, bad);
	return 0;
}

int
prov_props_parse(const char *buf, size_t len, const char *doc,
    struct prov_props *props, char *err, size_t errlen)
{
	struct line_reader lr = { .buf = buf, .len = len };
	const char *why;
	char *line = NULL;
	size_t n, start = 0, used = 0, i;

	memset(props, 0, sizeof(*props));
	if (props_check_input(buf, len, doc, err, errlen) != 0)
		return -1;
	/* Decoding never lengthens: the input bounds every buffer. */
	props->arena_len = len + 2 * PROV_PROPS_ENTRIES + 2;
	if ((props->arena = malloc(props->arena_len)) == NULL ||
	    (line = malloc(len + 1)) == NULL) {
		prov_err(err, errlen, "%s: out of memory", doc);
		goto fail;
	}
	while (next_line(&lr, line, &n, &start) == 1) {
		size_t klen, vstart, kout, vout;
		char *key, *val;

		if (props->n >= PROV_PROPS_ENTRIES) {
			prov_err(err, errlen, "%s: more than %d keys", doc,
			    PROV_PROPS_ENTRIES);
			goto fail;
		}
		split_line(line, n, &klen, &vstart);
		key = props->arena + used;
		if (unescape(line, klen, key, &kout, &why) != 0)
			goto bad_escape;
		key[kout] = '\0';
		val = key + kout + 1;
		if (unescape(line + vstart, n - vstart, val, &vout, &why) != 0)
			goto bad_escape;
		val[vout] = '\0';
		used += kout + vout + 2;
		for (i = 0; i < props->n; i++)
			if (props->e[i].klen == kout &&
			    memcmp(props->e[i].key, key, kout) == 0) {
				prov_err(err, errlen,
				    "%s: line %zu: duplicate key %.*s", doc, start,
				    PROV_KEY_MAX, key);
				goto fail;
			}
		props->e[props->n].key = key;
		props->e[props->n].klen = kout;
		props->e[props->n].val = val;
		props->e[props->n].vlen = vout;
		props->n++;
	}
	prov_secret_free(line, len + 1);
	return 0;
bad_escape:
	prov_err(err, errlen, "%s: line %zu: %s", doc, start, why);
fail:
	if (line != NULL)
		prov_secret_free(line, len + 1);
	prov_props_free(props);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Properties -> request.                                               */
/* ------------------------------------------------------------------ */

#define PATH_LEN (sizeof(PROV_EXTRAS_KEY) + PROV_KEY_MAX + 80)

static int
apply_bundle(struct prov_parse *ps, const char *text, size_t len, char *err,
    size_t errlen)
{
	const struct prov_key *k;
	struct prov_props props;
	char path[PATH_LEN];
	size_t i;
	int rc = -1;

	if (prov_props_parse(text, len, PROV_EXTRAS_KEY, &props, err,
	    errlen) != 0)
		return -1;
	for (i = 0; i < props.n; i++) {
		const char *key = props.e[i].key, *val = props.e[i].val;
		size_t vlen = props.e[i].vlen;

		snprintf(path, sizeof(path), "%s.%.*s", PROV_EXTRAS_KEY,
		    PROV_KEY_MAX, key);
		if (strcmp(key, PROV_CLOUDDPC_TOKEN_KEY) == 0) {
			if (prov_parse_set(ps, PROV_F_CLOUDDPC_TOKEN, path, val,
			    vlen, err, errlen) != 0)
				goto out;
		} else if ((k = prov_key_warden(key)) != NULL) {
			if (prov_parse_set(ps, k->field, path, val, vlen, err,
			    errlen) != 0)
				goto out;
		} else if (strncmp(key, "warden.", 7) == 0) {
			prov_err(err, errlen, "%s: unknown warden key", path);
			goto out;
		} else if ((k = prov_key_android(key)) != NULL &&
		    k->field == PROV_F_EXTRAS_BUNDLE) {
			prov_err(err, errlen,
			    "%s: nested bundle not allowed (one level)", path);
			goto out;
		} else
			prov_parse_ignore(ps, path, strlen(path));
	}
	rc = 0;
out:
	prov_props_free(&props);
	return rc;
}

static int
apply_props(struct prov_parse *ps, const struct prov_props *props,
    char *err, size_t errlen)
{
	const struct prov_key *k;
	size_t i;

	for (i = 0; i < props->n; i++) {
		const char *key = props->e[i].key, *val = props->e[i].val;
		size_t vlen = props->e[i].vlen;

		if ((k = prov_key_android(key)) != NULL) {
			if (k->field == PROV_F_EXTRAS_BUNDLE) {
				if (ps->seen[PROV_F_EXTRAS_BUNDLE])
					return prov_err(err, errlen,
					    "%s: given twice", PROV_EXTRAS_KEY);
				ps->seen[PROV_F_EXTRAS_BUNDLE] = true;
				if (apply_bundle(ps, val, vlen, err, errlen) != 0)
					return -1;
			} else if (k->field == PROV_F_NONE) {
				if (prov_text_kind_check(k->kind, k->name, val,
				    vlen, err, errlen) != 0)
					return -1;
				prov_parse_ignore(ps, k->name, strlen(k->name));
			} else if (prov_parse_set(ps, k->field, k->name, val, vlen,
			    err, errlen) != 0)
				return -1;
		} else if (strncmp(key, "warden.", 7) == 0 ||
		    strcmp(key, PROV_CLOUDDPC_TOKEN_KEY) == 0) {
			return prov_err(err, errlen, "%.*s: belongs in %s",
			    PROV_KEY_MAX, key, PROV_EXTRAS_KEY);
		} else
			prov_parse_ignore(ps, key, props->e[i].klen);
	}
	return 0;
}

int
prov_from_properties(const char *buf, size_t len,
    const struct prov_defaults *defs, struct prov_request *req, char *err,
    size_t errlen)
{
	struct prov_parse ps;
	struct prov_props props;
	int rc;

	prov_parse_begin(&ps, req, defs, PROV_SRC_NFC);
	if (prov_props_parse(buf, len, "properties", &props, err, errlen) != 0) {
		prov_parse_abort(&ps);
		return -1;
	}
	rc = apply_props(&ps, &props, err, errlen);
	prov_props_free(&props);
	if (rc != 0) {
		prov_parse_abort(&ps);
		return -1;
	}
	return prov_parse_finish(&ps, err, errlen);
}

/* ------------------------------------------------------------------ */
/* Writer.                                                              */
/* ------------------------------------------------------------------ */

struct sbuf {
	char *p;
	size_t len, cap; /* cap: the bound, not an allocation size */
	bool full;
};

static void
sb_putc(struct sbuf *sb, char c)
{
	if (sb->len + 1 >= sb->cap) {
		sb->full = true;
		return;
	}
	sb->p[sb->len++] = c;
	sb->p[sb->len] = '\0';
}

static void
sb_puts(struct sbuf *sb, const char *s)
{
	while (*s != '\0')
		sb_putc(sb, *s++);
}

static void
sb_u16(struct sbuf *sb, uint32_t u)
{
	char tmp[8];

	snprintf(tmp, sizeof(tmp), "\\u%04X", (unsigned)u & 0xffff);
	sb_puts(sb, tmp);
}

/* Decodes one UTF-8 character; an invalid byte stands for itself. */
static uint32_t
utf8_get(const unsigned char *s, size_t len, size_t *adv)
{
	size_t n = prov_utf8_check((const char *)s, len > 4 ? 4 : len);
	uint32_t cp;

	if (s[0] < 0x80 || n == 0) {
		*adv = 1;
		return s[0];
	}
	if (s[0] < 0xe0) {
		*adv = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] < 0xf0) {
		*adv = 3;
		cp = s[0] & 0x0f;
	} else {
		*adv = 4;
		cp = s[0] & 0x07;
	}
	for (n = 1; n < *adv; n++)
		cp = cp << 6 | (s[n] & 0x3f);
	return cp;
}

/* Properties.saveConvert(), with everything outside ASCII as \uXXXX. */
static void
sb_escaped(struct sbuf *sb, const char *s, size_t len, bool key)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, adv;

	while (i < len) {
		uint32_t cp = utf8_get(u + i, len - i, &adv);
		bool first = i == 0;

		i += adv;
		switch (cp) {
		case ' ':
			sb_puts(sb, key || first ? "\\ " : " ");
			continue;
		case '\t': sb_puts(sb, "\\t"); continue;
		case '\n': sb_puts(sb, "\\n"); continue;
		case '\r': sb_puts(sb, "\\r"); continue;
		case '\f': sb_puts(sb, "\\f"); continue;
		case '=': case ':': case '#': case '!': case '\\':
			sb_putc(sb, '\\');
			sb_putc(sb, (char)cp);
			continue;
		default:
			break;
		}
		if (cp < 0x20 || cp > 0x7e) {
			if (cp >= 0x10000) {
				sb_u16(sb, 0xd800 + ((cp - 0x10000) >> 10));
				sb_u16(sb, 0xdc00 + ((cp - 0x10000) & 0x3ff));
			} else
				sb_u16(sb, cp);
		} else
			sb_putc(sb, (char)cp);
	}
}

static void
sb_entry(struct sbuf *sb, const char *prefix, const char *key,
    const char *val, size_t vlen)
{
	char full[PATH_LEN];

	snprintf(full, sizeof(full), "%s%s", prefix, key);
	sb_escaped(sb, full, strlen(full), true);
	sb_putc(sb, '=');
	sb_escaped(sb, val, vlen, false);
	sb_putc(sb, '\n');
}

/* Holds one field's text: a certificate in base64 is the longest. */
#define FIELD_TEXT_MAX (PROV_CERT_MAX / 3 * 4 + 8)

int
prov_properties_build(const struct prov_request *req, char **out,
    size_t *len, char *err, size_t errlen)
{
	struct sbuf outer = { .cap = PROV_PROPS_MAX + 1 };
	struct sbuf inner = { .cap = PROV_PROPS_MAX + 1 };
	char *tmp = NULL;
	const char *text;
	int f, rc = -1;

	*out = NULL;
	*len = 0;
	if (prov_request_validate(req, true, err, errlen) != 0)
		return -1;
	outer.p = calloc(1, outer.cap);
	inner.p = calloc(1, inner.cap);
	tmp = malloc(FIELD_TEXT_MAX);
	if (outer.p == NULL || inner.p == NULL || tmp == NULL) {
		prov_err(err, errlen, "properties: out of memory");
		goto out;
	}
	for (f = PROV_F_NONE + 1; f < PROV_F_COUNT; f++) {
		const struct prov_key *k = prov_key_for_field((enum prov_field)f);
		int has = prov_field_text(req, (enum prov_field)f, tmp,
		    FIELD_TEXT_MAX, &text);

		if (k == NULL || has == 0)
			continue;
		if (has < 0) {
			prov_err(err, errlen, "properties: field too long");
			goto out;
		}
		if (strncmp(k->name, "warden.", 7) == 0)
			sb_entry(&inner, "", k->name, text, strlen(text));
		else
			sb_entry(&outer, PROV_ANDROID_PREFIX, k->name, text,
			    strlen(text));
	}
	if (inner.len > 0)
		sb_entry(&outer, PROV_ANDROID_PREFIX, PROV_EXTRAS_KEY, inner.p,
		    inner.len);
	if (outer.full || inner.full) {
		prov_err(err, errlen, "properties: longer than %d bytes",
		    PROV_PROPS_MAX);
		goto out;
	}
	*out = outer.p;
	*len = outer.len;
	outer.p = NULL;
	rc = 0;
out:
	if (outer.p != NULL)
		prov_secret_free(outer.p, outer.cap);
	if (inner.p != NULL)
		prov_secret_free(inner.p, inner.cap);
	if (tmp != NULL)
		prov_secret_free(tmp, FIELD_TEXT_MAX);
	return rc;
}
