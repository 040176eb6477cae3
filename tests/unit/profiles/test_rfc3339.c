/*
 * test_rfc3339.c - the one RFC 3339 parser and formatter
 * (profiles/rfc3339.c), as server replies (strict), posture rules and
 * facts (a date alone, no offset) use it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "profiles/rfc3339.h"

#define LAX (RFC3339_DATE_OK | RFC3339_NO_OFFSET_OK)

static void
strict(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(rfc3339_parse("1970-01-01T00:00:00Z", 0, &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(rfc3339_parse("2024-02-29T23:59:60Z", 0, &t), 0);
	assert_int_equal(t, 1709251199);
	assert_int_equal(rfc3339_parse("2024-01-01t00:00:00-01:30", 0, &t), 0);
	assert_int_equal(t, 1704067200 + 5400);
	assert_int_equal(rfc3339_parse("2024-03-01T12:00:00.123456789z", 0,
	    &t), 0);
	assert_int_equal(t, 1709294400);
	assert_int_equal(rfc3339_parse("2024-03-01T12:00:00+01:30", 0, &t), 0);
	assert_int_equal(t, 1709289000);
	assert_int_equal(rfc3339_parse("2024-03-01T10:30:00-00:00", 0, &t), 0);
	assert_int_equal(t, 1709289000);
	assert_int_equal(rfc3339_parse("9999-12-31T23:59:59Z", 0, &t), 0);
	assert_int_equal(t, 253402300799LL);

	/* What a server must not send. */
	assert_int_equal(rfc3339_parse("2023-02-29T00:00:00Z", 0, &t), -1);
	assert_int_equal(rfc3339_parse("2100-02-29T00:00:00Z", 0, &t), -1);
	assert_int_equal(rfc3339_parse("2024-04-31T00:00:00Z", 0, &t), -1);
	assert_int_equal(rfc3339_parse("2024-01-00T00:00:00Z", 0, &t), -1);
	assert_int_equal(rfc3339_parse("1969-12-31T23:59:59Z", 0, &t), -1);
	assert_int_equal(rfc3339_parse("2024-01-01 00:00:00Z", 0, &t), -1);
	assert_int_equal(rfc3339_parse("2024-01-01T00:00:00", 0, &t), -1);
	assert_int_equal(rfc3339_parse("2024-01-01", 0, &t), -1);
	assert_int_equal(rfc3339_parse("2024-01-01T00:00:00.Z", 0, &t), -1);
	assert_int_equal(rfc3339_parse("2024-01-01T00:00:00.1234567890Z", 0,
	    &t), -1);
	assert_int_equal(rfc3339_parse("2024-01-01T24:00:00Z", 0, &t), -1);
	assert_int_equal(rfc3339_parse("2024-01-01T12:00Z", 0, &t), -1);
	assert_int_equal(rfc3339_parse("2024-01-01T00:00:00+1:00", 0, &t), -1);
	assert_int_equal(rfc3339_parse("2024-01-01T00:00:00+0100", 0, &t), -1);
	assert_int_equal(rfc3339_parse("2024-01-01T00:00:00+24:00", 0, &t), -1);
	assert_int_equal(rfc3339_parse("2024-01-01T00:00:00Zjunk", 0, &t), -1);
	assert_int_equal(rfc3339_parse("2024-2-29T00:00:00Z", 0, &t), -1);
	assert_int_equal(rfc3339_parse("", 0, &t), -1);
}

static void
dates_and_no_offset(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(rfc3339_parse("1970-01-01", LAX, &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(rfc3339_parse("2024-02-29", LAX, &t), 0);
	assert_int_equal(t, 1709164800);
	assert_int_equal(rfc3339_parse("2000-03-01", LAX, &t), 0);
	assert_int_equal(t, 951868800);
	assert_int_equal(rfc3339_parse("2024-03-01T12:00:00", LAX, &t), 0);
	assert_int_equal(t, 1709294400);
	assert_int_equal(rfc3339_parse("2024-03-01T12:00:00Z", LAX, &t), 0);
	assert_int_equal(t, 1709294400);
	assert_int_equal(rfc3339_parse("2024-01-01Z", LAX, &t), -1);
	assert_int_equal(rfc3339_parse("2024-01-01T12:00:00junk", LAX, &t), -1);
	assert_int_equal(rfc3339_parse("2024-01-01 12:00:00", LAX, &t), -1);
	assert_int_equal(rfc3339_parse("2024-01-01", RFC3339_NO_OFFSET_OK, &t),
	    -1);
	assert_int_equal(rfc3339_parse("2024-01-01T12:00:00", RFC3339_DATE_OK,
	    &t), -1);
}

static void
format_round_trip(void **state)
{
	char buf[RFC3339_LEN];
	int64_t t;

	(void)state;
	rfc3339_format(1709294400, buf, sizeof(buf));
	assert_string_equal(buf, "2024-03-01T12:00:00Z");
	assert_int_equal(rfc3339_parse(buf, 0, &t), 0);
	assert_int_equal(t, 1709294400);
	rfc3339_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strict),
		cmocka_unit_test(dates_and_no_offset),
		cmocka_unit_test(format_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
