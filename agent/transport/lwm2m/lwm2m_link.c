/*
 * lwm2m_link.c - CoRE link format (RFC 6690; content format 40) as the
 * LwM2M binding writes it in a registration and a Discover answer
 * ("</>;rt=\"oma.lwm2m\";ct=110,</3/0>,</3/0/1>;pmin=10"), and a strict
 * reader of the same subset: targets in angle brackets, parameters
 * "name", "name=token" or "name=\"quoted\"" (no escapes), no spaces.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_content.h"

static bool
name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > LWM2M_ATTR_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '-' || s[i] == '_'))
			return false;
	return true;
}

/* A token value, or the inside of a quoted one. */
static bool
value_ok(const char *s, size_t n, bool quoted)
{
	size_t i;

	if (n > LWM2M_ATTR_VALUE_MAX || (!quoted && n == 0))
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '"' || s[i] == '\\')
			return false;
		if (!quoted && (s[i] == ',' || s[i] == ';' || s[i] == ' ' ||
		    s[i] == '<' || s[i] == '>'))
			return false;
	}
	return true;
}

static bool
target_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > LWM2M_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] > 0x7e || s[i] == '<' || s[i] == '>' ||
		    s[i] == '"' || s[i] == '\\')
			return false;
	return true;
}

int
lwm2m_link_attr(struct lwm2m_link *l, const char *name, const char *value,
    bool quoted)
{
	if (l->nattr == LWM2M_LINK_ATTRS || !name_ok(name, strlen(name)) ||
	    (value[0] != '\0' && !value_ok(value, strlen(value), quoted)) ||
	    strlen(value) > LWM2M_ATTR_VALUE_MAX)
		return -1;
	snprintf(l->attr[l->nattr].name, sizeof(l->attr[0].name), "%s", name);
	snprintf(l->attr[l->nattr].value, sizeof(l->attr[0].value), "%s",
	    value);
	l->attr[l->nattr].quoted = quoted;
	l->nattr++;
	return 0;
}

int
lwm2m_link_encode(const struct lwm2m_link *links, size_t n, char **out,
    size_t *len)
{
	size_t cap = 1, i, k, off = 0;
	char *p;

	*out = NULL;
	*len = 0;
	if (n > LWM2M_LINKS_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		if (!target_ok(links[i].target, strlen(links[i].target)) ||
		    links[i].nattr > LWM2M_LINK_ATTRS)
			return -1;
		cap += strlen(links[i].target) + 3;
		for (k = 0; k < links[i].nattr; k++)
			cap += strlen(links[i].attr[k].name) +
			    strlen(links[i].attr[k].value) + 4;
	}
	if ((p = malloc(cap)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		off += (size_t)snprintf(p + off, cap - off, "%s<%s>",
		    i > 0 ? "," : "", links[i].target);
		for (k = 0; k < links[i].nattr; k++) {
			const char *v = links[i].attr[k].value;
			bool q = links[i].attr[k].quoted;

			off += (size_t)snprintf(p + off, cap - off,
			    ";%s%s%s%s%s", links[i].attr[k].name,
			    v[0] || q ? "=" : "",
			    q ? "\"" : "", v, q ? "\"" : "");
		}
	}
	p[off] = '\0';
	*out = p;
	*len = off;
	return 0;
}

int
lwm2m_link_decode(const char *buf, size_t len, struct lwm2m_link *links,
    size_t cap, size_t *n, char *err, size_t errlen)
{
	size_t i = 0, start, vlen;
	struct lwm2m_link *l;
	bool quoted;

	*n = 0;
	if (len == 0) {
		snprintf(err, errlen, "link format: empty");
		return -1;
	}
	for (;;) {
		if (*n == cap || *n == LWM2M_LINKS_MAX) {
			snprintf(err, errlen, "link format: more than %zu "
			    "links", cap < LWM2M_LINKS_MAX ? cap :
			    (size_t)LWM2M_LINKS_MAX);
			goto fail;
		}
		l = &links[*n];
		memset(l, 0, sizeof(*l));
		if (i >= len || buf[i] != '<')
			goto syntax;
		start = ++i;
		while (i < len && buf[i] != '>')
			i++;
		if (i == len || !target_ok(buf + start, i - start))
			goto syntax;
		memcpy(l->target, buf + start, i - start);
		i++;
		while (i < len && buf[i] == ';') {
			if (l->nattr == LWM2M_LINK_ATTRS)
				goto syntax;
			start = ++i;
			while (i < len && buf[i] != '=' && buf[i] != ';' &&
			    buf[i] != ',')
				i++;
			if (!name_ok(buf + start, i - start))
				goto syntax;
			memcpy(l->attr[l->nattr].name, buf + start, i - start);
			quoted = false;
			if (i < len && buf[i] == '=') {
				i++;
				if (i < len && buf[i] == '"') {
					quoted = true;
					start = ++i;
					while (i < len && buf[i] != '"')
						i++;
					if (i == len)
						goto syntax;
					vlen = i - start;
					i++;
				} else {
					start = i;
					while (i < len && buf[i] != ';' &&
					    buf[i] != ',')
						i++;
					vlen = i - start;
				}
				if (!value_ok(buf + start, vlen, quoted))
					goto syntax;
				memcpy(l->attr[l->nattr].value, buf + start,
				    vlen);
			}
			l->attr[l->nattr].quoted = quoted;
			l->nattr++;
		}
		(*n)++;
		if (i == len)
			return 0;
		if (buf[i] != ',')
			goto syntax;
		i++;
	}
syntax:
	snprintf(err, errlen, "link format: syntax error at byte %zu", i);
fail:
	*n = 0;
	return -1;
}
