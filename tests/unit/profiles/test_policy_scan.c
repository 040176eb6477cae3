/* Tests profiles/policy_scan.c: size, depth, UTF-8, \u0000, numbers. */
#include <stdlib.h>
#include <time.h>

#include "tests/unit/profiles/policy_helpers.h"

static void
size_limit_boundary(void **state)
{
	char *buf = malloc(POLICY_DOC_MAX + 1);
	struct policy *p;

	(void)state;
	assert_non_null(buf);
	/* Exactly POLICY_DOC_MAX bytes: "{}" followed by spaces. */
	memset(buf, ' ', POLICY_DOC_MAX + 1);
	buf[0] = '{';
	buf[1] = '}';
	{
		struct policy_errors errs;

		p = policy_parse(buf, POLICY_DOC_MAX, &errs);
		assert_non_null(p);
		policy_free(p);
	}
	reject_n(buf, POLICY_DOC_MAX + 1, "",
	    "document is 262145 bytes, more than the 262144 allowed");
	free(buf);
}

static void
ten_megabytes_rejected_fast(void **state)
{
	size_t n = 10 * 1024 * 1024;
	char *buf = malloc(n);
	struct timespec t0, t1;
	double ms;

	(void)state;
	assert_non_null(buf);
	/* Valid-looking JSON all the way: nothing may be parsed anyway. */
	memset(buf, '[', n);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	reject_n(buf, n, "", "document is 10485760 bytes");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	/* The size check runs before any byte is looked at. */
	assert_true(ms < 50.0);
	free(buf);
}

/* {"applications": [[[...]]]} with `arrays` nested arrays. */
static char *
nested(int arrays)
{
	char *s = malloc((size_t)arrays * 2 + 64);
	size_t n = 0;
	int i;

	n += (size_t)sprintf(s, "{\"applications\": ");
	for (i = 0; i < arrays; i++)
		s[n++] = '[';
	for (i = 0; i < arrays; i++)
		s[n++] = ']';
	s[n++] = '}';
	s[n] = '\0';
	return s;
}

static void
nesting_depth(void **state)
{
	char *s;
	char path[POLICY_PATH_MAX];
	int i;

	(void)state;
	/* Root object + 31 arrays = 32 levels: parsed, then a type error. */
	s = nested(31);
	reject(s, "applications[0]", "must be an object, not an array");
	free(s);
	/* 32 arrays: the 33rd level is applications[0]...[0] (31 times). */
	s = nested(32);
	strcpy(path, "applications");
	for (i = 0; i < 31; i++)
		strcat(path, "[0]");
	reject(s, path, "nesting deeper than 32 levels at byte");
	free(s);
	/* Very deep: the same first error, no stack exhaustion. */
	s = nested(100000);
	reject(s, path, "nesting deeper than 32 levels");
	free(s);
}

static void
nesting_path_through_objects(void **state)
{
	(void)state;
	reject("{\"kioskCustomization\":{\"a\":[1,2,{\"b\":{\"c\":[[[[[[[[[[[["
	    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
	    "]]]]]]]]]]]]]]]]}}]}}",
	    "kioskCustomization.a[2].b.c[0][0][0][0][0][0][0][0][0][0][0]"
	    "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]",
	    "nesting deeper than 32 levels");
}

static void
invalid_utf8(void **state)
{
	(void)state;
	reject("{\"name\":\"caf\xff\"}", "name",
	    "string is not valid UTF-8 at byte 12");
	/* Overlong '/' */
	reject("{\"name\":\"\xc0\xaf\"}", "name", "not valid UTF-8");
	/* UTF-16 surrogate encoded in UTF-8 */
	reject("{\"name\":\"\xed\xa0\x80\"}", "name", "not valid UTF-8");
	/* Above U+10FFFF */
	reject("{\"name\":\"\xf4\x90\x80\x80\"}", "name", "not valid UTF-8");
	/* Truncated sequence at the end of the string */
	reject("{\"name\":\"ab\xe2\x82\"}", "name", "not valid UTF-8");
	/* Nested value */
	reject("{\"applications\":[{\"packageName\":\"ok\"},"
	    "{\"packageName\":\"a\xfe\"}]}", "applications[1].packageName",
	    "not valid UTF-8");
	/* In a key: blamed on the object that holds it */
	reject("{\"passwordPolicies\":[{\"pass\xffword\":1}]}",
	    "passwordPolicies[0]", "a key is not valid UTF-8");
}

static void
valid_utf8_accepted(void **state)
{
	struct policy *p;

	(void)state;
	/* 2, 3 and 4 byte sequences, and an escaped pair. */
	p = parse_ok("{\"name\":\"Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92 "
	    "\\ud83d\\udd12\"}");
	assert_string_equal(p->name, "Caf\xc3\xa9 \xe2\x82\xac "
	    "\xf0\x9f\x94\x92 \xf0\x9f\x94\x92");
	policy_free(p);
}

static void
nul_and_control_characters(void **state)
{
	(void)state;
	reject("{\"name\":\"a\\u0000b\"}", "name",
	    "string holds \\u0000 at byte 10");
	reject("{\"name\":\"a\x01z\"}", "name",
	    "string holds a control character");
	reject_n("{\"name\":\"a\0b\"}", 14, "name", "control character");
	reject("{\"name\":\"\\u12g4\"}", "name", "bad \\u escape");
	reject("{\"name\":\"abc", "name", "is not terminated");
}

static void
number_grammar(void **state)
{
	(void)state;
	reject("{\"version\":01}", "version", "malformed number at byte 11");
	reject("{\"version\":-}", "version", "malformed number");
	reject("{\"version\":1.}", "version", "malformed number");
	reject("{\"version\":.5}", "", "malformed JSON");
	reject("{\"version\":1e}", "version", "malformed number");
	reject("{\"version\":+1}", "", "malformed JSON");
	reject("{\"passwordPolicies\":[{\"passwordMinimumLength\":0x10}]}",
	    "passwordPolicies[0].passwordMinimumLength", "malformed number");
	/* A valid exponent form is a number like any other. */
	policy_free(parse_ok("{\"version\":1e2}"));
	policy_free(parse_ok("{\"version\":-0}"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(size_limit_boundary),
		cmocka_unit_test(ten_megabytes_rejected_fast),
		cmocka_unit_test(nesting_depth),
		cmocka_unit_test(nesting_path_through_objects),
		cmocka_unit_test(invalid_utf8),
		cmocka_unit_test(valid_utf8_accepted),
		cmocka_unit_test(nul_and_control_characters),
		cmocka_unit_test(number_grammar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
