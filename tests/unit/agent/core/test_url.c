/*
 * test_url.c - the one URL parser (agent/core/url.c): the forms a server URL,
 * an LwM2M server URI and a provisioning web address take, and the ones
 * refused with their reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "agent/core/url.h"

static void
accepted(void **state)
{
	struct url u;
	char err[128], auth[300];

	(void)state;
	assert_int_equal(url_parse("https://mdm.example.com", 0, &u, err,
	    sizeof(err)), 0);
	assert_int_equal(u.scheme, URL_HTTPS);
	assert_string_equal(u.host, "mdm.example.com");
	assert_int_equal(u.port, 443);
	assert_string_equal(u.path, "");
	assert_false(u.ipv6);
	url_authority(&u, auth, sizeof(auth));
	assert_string_equal(auth, "mdm.example.com");

	assert_int_equal(url_parse("HTTPS://10.0.0.1:8443/mdm/v1/", 0, &u, err,
	    sizeof(err)), 0);
	assert_string_equal(u.host, "10.0.0.1");
	assert_int_equal(u.port, 8443);
	assert_string_equal(u.path, "/mdm/v1");

	assert_int_equal(url_parse("https://[::1]:8443", 0, &u, err,
	    sizeof(err)), 0);
	assert_true(u.ipv6);
	assert_string_equal(u.host, "::1");
	assert_int_equal(u.port, 8443);
	url_authority(&u, auth, sizeof(auth));
	assert_string_equal(auth, "[::1]:8443");

	assert_int_equal(url_parse("coaps://[2001:db8::5]", 0, &u, err,
	    sizeof(err)), 0);
	assert_int_equal(u.scheme, URL_COAPS);
	assert_int_equal(u.port, 5684);
	assert_int_equal(url_parse("coap://lw.example.com/", 0, &u, err,
	    sizeof(err)), 0);
	assert_int_equal(u.port, 5683);
	assert_string_equal(u.path, "");
	assert_int_equal(url_parse("http://intranet/support/page.html", 0, &u,
	    err, sizeof(err)), 0);
	assert_int_equal(u.scheme, URL_HTTP);
	assert_int_equal(u.port, 80);

	/* A web address (support page, package, PAC file) may carry a
	 * query, a fragment and percent-encoding; its host is checked the
	 * same. */
	assert_int_equal(url_parse("https://dl.example.com/a%20b.deb?sig=1#x",
	    URL_WEB, &u, err, sizeof(err)), 0);
	assert_string_equal(u.host, "dl.example.com");
	assert_int_equal(url_parse("https://dl_1.example.com/?sig=1", URL_WEB,
	    &u, err, sizeof(err)), -1);
	assert_int_equal(url_parse("https://u@dl.example.com/", URL_WEB, &u,
	    err, sizeof(err)), -1);
}

static void
refused(void **state)
{
	static const struct {
		const char *url, *why;
	} v[] = {
		{ "ftp://mdm.example.com", "not an https, http, coaps or coap" },
		{ "mdm.example.com", "not an https, http, coaps or coap" },
		{ "https://", "no host" },
		{ "https://:8443", "no host" },
		{ "https://user:pw@mdm.example.com", "user info" },
		{ "https://mdm.example.com:0", "bad port" },
		{ "https://mdm.example.com:65536", "bad port" },
		{ "https://mdm.example.com:", "bad port" },
		{ "https://mdm.example.com:1234567", "bad port" },
		{ "https://mdm.example.com:12a", "bad host name" },
		{ "https://mdm.exa mple.com", "space, control or non-ASCII" },
		{ "https://mdm.example.com\x7f", "space, control or non-ASCII" },
		{ "https://mdm_1.example.com", "bad host name" },
		{ "https://-mdm.example.com", "bad host name" },
		{ "https://mdm.example.com.", "bad host name" },
		{ "https://[::1", "bad IPv6 address" },
		{ "https://[zz::1]", "bad IPv6 address" },
		{ "https://[]:443", "bad IPv6 address" },
		{ "https://[::1]x", "bad host name" },
		{ "https://mdm.example.com/a?b", "query or fragment" },
		{ "https://mdm.example.com?b", "query or fragment" },
		{ "https://mdm.example.com#f", "query or fragment" },
		{ "https://mdm.example.com/a%20b", "'%' in the path" },
	};
	struct url u;
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		err[0] = '\0';
		if (url_parse(v[i].url, 0, &u, err, sizeof(err)) != -1 ||
		    strstr(err, v[i].why) == NULL)
			fail_msg("%s: got \"%s\", want \"%s\"", v[i].url, err,
			    v[i].why);
	}
}

static void
bounds(void **state)
{
	char s[600], err[128];
	struct url u;

	(void)state;
	memcpy(s, "https://", 8);
	memset(s + 8, 'a', 253);
	s[261] = '\0';
	assert_int_equal(url_parse(s, 0, &u, err, sizeof(err)), 0);
	memset(s + 8, 'a', 254);
	s[262] = '\0';
	assert_int_equal(url_parse(s, 0, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "253"));
	memcpy(s, "https://h/", 10);
	memset(s + 10, 'p', 300);
	s[310] = '\0';
	assert_int_equal(url_parse(s, 0, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "path longer"));
	memset(s + 10, 'p', 590);
	s[599] = '\0';
	assert_int_equal(url_parse(s, 0, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "longer than 512"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepted),
		cmocka_unit_test(refused),
		cmocka_unit_test(bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
