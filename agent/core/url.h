/*
 * url.h - the one parser of the URLs warden reads: the server's (https,
 * coaps, coap), and the web addresses provisioning carries (http, https).
 * IPv6 literals ("https://[::1]:8443") are supported everywhere.
 */
#ifndef WARDEN_AGENT_URL_H
#define WARDEN_AGENT_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define URL_MAX 512		/* the whole URL, bytes */
#define URL_HOST_MAX 253	/* a DNS name; an IPv6 literal is shorter */
#define URL_PATH_MAX 256	/* the path, without a trailing '/' */

enum url_scheme {
	URL_HTTPS = 1,
	URL_HTTP,
	URL_COAPS,
	URL_COAP,
};

struct url {
	enum url_scheme scheme;
	char host[URL_HOST_MAX + 1];	/* an IPv6 literal without brackets */
	bool ipv6;
	uint16_t port;			/* given, or the scheme's default */
	char path[URL_PATH_MAX + 1];	/* "" or "/a/b" */
};

/* url_parse() flags. */
#define URL_WEB 0x1	/* a web address: a query, a fragment and '%' are
			 * allowed, and u->path is left empty */

/*
 * Parses s: a scheme above (any case), "//", a host (a DNS name or IPv4
 * address: letters, digits, '-' and '.', not starting or ending with '-'
 * or '.'; or an IPv6 address in brackets), an optional port 1..65535,
 * an optional path of printable ASCII without '%'. No user info, query
 * or fragment (but see URL_WEB). Returns 0, or -1 with the reason in err
 * (no field name: the caller's is better).
 */
int url_parse(const char *s, unsigned flags, struct url *u, char *err,
    size_t errlen);

/* "host:port" as a Host header or a log names it ("[::1]:8443"); the port
 * is left out when it is the scheme's default. */
void url_authority(const struct url *u, char *buf, size_t len);

#endif /* WARDEN_AGENT_URL_H */
