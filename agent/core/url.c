/*
 * url.c - the one URL parser (url.h).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "agent/core/url.h"

static const struct {
	const char *prefix;
	enum url_scheme scheme;
	uint16_t port;
} schemes[] = {
	{ "https://", URL_HTTPS, 443 },
	{ "http://", URL_HTTP, 80 },
	{ "coaps://", URL_COAPS, 5684 },
	{ "coap://", URL_COAP, 5683 },
};

static int
bad(char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "%s", why);
	return -1;
}

static bool
dns_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.';
}

int
url_parse(const char *s, unsigned flags, struct url *u, char *err,
    size_t errlen)
{
	const char *p = NULL, *h, *end;
	unsigned char v6[16];
	unsigned long port;
	size_t i, n;

	memset(u, 0, sizeof(*u));
	if (strlen(s) > URL_MAX)
		return bad(err, errlen, "longer than 512 bytes");
	for (h = s; *h != '\0'; h++)
		if ((unsigned char)*h <= 0x20 || (unsigned char)*h >= 0x7f)
			return bad(err, errlen, "contains a space, control or "
			    "non-ASCII character");
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		n = strlen(schemes[i].prefix);
		if (strncasecmp(s, schemes[i].prefix, n) == 0) {
			u->scheme = schemes[i].scheme;
			u->port = schemes[i].port;
			p = s + n;
			break;
		}
	}
	if (p == NULL)
		return bad(err, errlen, "not an https, http, coaps or coap URL");
	end = p + strcspn(p, "/?#");
	if (memchr(p, '@', (size_t)(end - p)) != NULL)
		return bad(err, errlen, "user info (@) is not allowed");
	if (*p == '[') {
		h = p + 1;
		if ((p = memchr(h, ']', (size_t)(end - h))) == NULL)
			return bad(err, errlen, "bad IPv6 address (no ']')");
		n = (size_t)(p - h);
		if (n == 0 || n >= sizeof(u->host))
			return bad(err, errlen, "bad IPv6 address");
		memcpy(u->host, h, n);
		if (inet_pton(AF_INET6, u->host, v6) != 1)
			return bad(err, errlen, "bad IPv6 address");
		u->ipv6 = true;
		p++;
	} else {
		for (h = p; p < end && dns_char(*p); p++)
			;
		n = (size_t)(p - h);
		if (n == 0)
			return bad(err, errlen, "no host");
		if (n > URL_HOST_MAX)
			return bad(err, errlen, "host name longer than 253 "
			    "bytes");
		if (*h == '.' || *h == '-' || h[n - 1] == '.' ||
		    h[n - 1] == '-')
			return bad(err, errlen, "bad host name");
		memcpy(u->host, h, n);
	}
	if (*p == ':') {
		h = ++p;
		for (port = 0; *p >= '0' && *p <= '9' && p - h < 6; p++)
			port = port * 10 + (unsigned long)(*p - '0');
		if (p == h || port == 0 || port > 65535 ||
		    (*p >= '0' && *p <= '9'))
			return bad(err, errlen, "bad port (1..65535)");
		u->port = (uint16_t)port;
	}
	if (p != end)
		return bad(err, errlen, "bad host name");
	if (flags & URL_WEB)
		return 0;
	if (*p == '?' || *p == '#')
		return bad(err, errlen, "a query or fragment is not allowed");
	n = strcspn(p, "?#");
	if (p[n] != '\0')
		return bad(err, errlen, "a query or fragment is not allowed");
	if (memchr(p, '%', n) != NULL)
		return bad(err, errlen, "'%' in the path is not allowed");
	while (n > 0 && p[n - 1] == '/')
		n--;
	if (n > URL_PATH_MAX)
		return bad(err, errlen, "path longer than 256 bytes");
	memcpy(u->path, p, n);
	return 0;
}

void
url_authority(const struct url *u, char *buf, size_t len)
{
	uint16_t def = 0;
	size_t i;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (schemes[i].scheme == u->scheme)
			def = schemes[i].port;
	if (u->port == def)
		snprintf(buf, len, u->ipv6 ? "[%s]" : "%s", u->host);
	else
		snprintf(buf, len, u->ipv6 ? "[%s]:%u" : "%s:%u", u->host,
		    u->port);
}
