/*
 * Tests agent/transport/lwm2m/lwm2m_link.c: the registration payload and a
 * Discover answer as exact text, the strict reader, and refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/transport/lwm2m/lwm2m_content.h"

static void
encode(void **state)
{
	struct lwm2m_link l[4];
	char *out;
	size_t len;

	(void)state;
	memset(l, 0, sizeof(l));
	snprintf(l[0].target, sizeof(l[0].target), "/");
	assert_int_equal(lwm2m_link_attr(&l[0], "rt", "oma.lwm2m", true), 0);
	assert_int_equal(lwm2m_link_attr(&l[0], "ct", "110", false), 0);
	snprintf(l[1].target, sizeof(l[1].target), "/3/0");
	snprintf(l[2].target, sizeof(l[2].target), "/33004");
	assert_int_equal(lwm2m_link_attr(&l[2], "ver", "1.0", false), 0);
	snprintf(l[3].target, sizeof(l[3].target), "/33004/0/4");
	assert_int_equal(lwm2m_link_attr(&l[3], "dim", "2", false), 0);
	assert_int_equal(lwm2m_link_attr(&l[3], "pmin", "10", false), 0);
	assert_int_equal(lwm2m_link_encode(l, 4, &out, &len), 0);
	assert_string_equal(out, "</>;rt=\"oma.lwm2m\";ct=110,</3/0>,"
	    "</33004>;ver=1.0,</33004/0/4>;dim=2;pmin=10");
	assert_int_equal(len, strlen(out));
	free(out);
	/* refused: a bad name, a value with a separator, a bad target */
	assert_int_equal(lwm2m_link_attr(&l[1], "p min", "1", false), -1);
	assert_int_equal(lwm2m_link_attr(&l[1], "x", "a,b", false), -1);
	assert_int_equal(lwm2m_link_attr(&l[1], "x", "a\"b", true), -1);
	snprintf(l[1].target, sizeof(l[1].target), "/3>0");
	assert_int_equal(lwm2m_link_encode(l, 2, &out, &len), -1);
}

static void
decode(void **state)
{
	const char *text = "</>;rt=\"oma.lwm2m\";ct=110,</3/0>,"
	    "</1/0>;ssid=101;b,</33004>;ver=\"1.0\"";
	struct lwm2m_link l[8];
	char err[LWM2M_ERR_MAX], *again;
	size_t n, len;

	(void)state;
	assert_int_equal(lwm2m_link_decode(text, strlen(text), l, 8, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 4);
	assert_string_equal(l[0].target, "/");
	assert_int_equal(l[0].nattr, 2);
	assert_string_equal(l[0].attr[0].name, "rt");
	assert_string_equal(l[0].attr[0].value, "oma.lwm2m");
	assert_true(l[0].attr[0].quoted);
	assert_string_equal(l[2].attr[1].name, "b");
	assert_string_equal(l[2].attr[1].value, "");
	assert_int_equal(lwm2m_link_encode(l, n, &again, &len), 0);
	assert_string_equal(again, text);
	free(again);
}

static void
refusals(void **state)
{
	static const char *const bad[] = {
		"", "<", "</3/0", "</3/0>,", "</3/0>;", "</3/0>;=1",
		"</3/0>;a=\"x", "</3/0> ,</4/0>", "</3/0>;a=b c", "<>",
		"</3/0>x", "</3/0>;a=", ",</3/0>", "</3 0>",
		"</3/0>;a=1;b=2;c=3;d=4;e=5;f=6;g=7;h=8;i=9",
	};
	struct lwm2m_link l[2];
	char err[LWM2M_ERR_MAX];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (lwm2m_link_decode(bad[i], strlen(bad[i]), l, 2, &n, err,
		    sizeof(err)) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_int_equal(n, 0);
	}
	/* more links than room */
	assert_int_equal(lwm2m_link_decode("</1>,</2>,</3>", 14, l, 2, &n,
	    err, sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encode),
		cmocka_unit_test(decode),
		cmocka_unit_test(refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
