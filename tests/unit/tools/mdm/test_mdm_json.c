/* Tests tools/mdm/mdm_json.c: strict JSON input, UTF-8, durations and
 * policy versions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tools/mdm/mdm.h"

static int
parse(const char *text, cJSON **v, char *err)
{
	return mdm_json_parse(text, strlen(text), v, err, MDM_ERR_MAX);
}

static void
strict_parse(void **state)
{
	char err[MDM_ERR_MAX];
	cJSON *v;

	(void)state;
	assert_int_equal(parse(" {\"a\": [1, {\"b\": \"\xc3\xa9\"}]} \n", &v,
	    err), 0);
	assert_true(cJSON_IsObject(v));
	cJSON_Delete(v);
	assert_int_equal(parse("{\"a\":1,\"a\":2}", &v, err), -1);
	assert_null(v);
	assert_non_null(strstr(err, "duplicate member \"a\""));
	assert_int_equal(parse("[{\"x\":{\"k\":1,\"j\":2,\"k\":3}}]", &v, err),
	    -1);
	assert_non_null(strstr(err, "\"k\""));
	assert_int_equal(parse("{} {}", &v, err), -1);
	assert_non_null(strstr(err, "not valid JSON"));
	assert_int_equal(parse("{\"a\":", &v, err), -1);
	assert_int_equal(parse("", &v, err), -1);
	assert_int_equal(mdm_json_parse("{}\0x", 4, &v, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "NUL"));
	assert_int_equal(parse("{\"a\":\"\xc0\xaf\"}", &v, err), -1);
	assert_non_null(strstr(err, "UTF-8"));
}

static void
utf8(void **state)
{
	(void)state;
	assert_true(mdm_utf8_valid("plain", 5));
	assert_true(mdm_utf8_valid("\xe2\x82\xac \xf0\x9f\x98\x80", 8));
	assert_false(mdm_utf8_valid("\xc0\x80", 2));		/* overlong */
	assert_false(mdm_utf8_valid("\xe0\x80\xaf", 3));	/* overlong */
	assert_false(mdm_utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	assert_false(mdm_utf8_valid("\xf4\x90\x80\x80", 4));	/* > U+10FFFF */
	assert_false(mdm_utf8_valid("\xe2\x82", 2));		/* truncated */
	assert_false(mdm_utf8_valid("\x80", 1));
	assert_false(mdm_utf8_valid("a\0b", 3));
}

static void
only_fields(void **state)
{
	static const char *const allowed[] = { "a", "b", NULL };
	char err[MDM_ERR_MAX];
	cJSON *v;

	(void)state;
	assert_int_equal(parse("{\"a\":1,\"b\":2}", &v, err), 0);
	assert_int_equal(mdm_json_only(v, allowed, "", err, sizeof(err)), 0);
	cJSON_Delete(v);
	assert_int_equal(parse("{\"a\":1,\"c\":2}", &v, err), 0);
	assert_int_equal(mdm_json_only(v, allowed, "reports[2]", err,
	    sizeof(err)), -1);
	assert_string_equal(err, "reports[2].c: unknown field");
	assert_int_equal(mdm_json_only(v, allowed, "", err, sizeof(err)), -1);
	assert_string_equal(err, "c: unknown field");
	cJSON_Delete(v);
}

static void
durations_and_times(void **state)
{
	char when[MDM_TIME_LEN];
	int64_t s;

	(void)state;
	assert_int_equal(mdm_duration_parse("600s", &s), 0);
	assert_int_equal(s, 600);
	assert_int_equal(mdm_duration_parse("42", &s), 0);
	assert_int_equal(s, 42);
	assert_int_equal(mdm_duration_parse("0s", &s), -1);
	assert_int_equal(mdm_duration_parse("s", &s), -1);
	assert_int_equal(mdm_duration_parse("1.5s", &s), -1);
	assert_int_equal(mdm_duration_parse("-5s", &s), -1);
	assert_int_equal(mdm_duration_parse("99999999s", &s), -1);
	mdm_time_format(0, when);
	assert_string_equal(when, "1970-01-01T00:00:00Z");
	mdm_time_format(1714564800, when);
	assert_string_equal(when, "2024-05-01T12:00:00Z");
}

static void
policy_versions(void **state)
{
	char v[MDM_VERSION_MAX + 1], err[MDM_ERR_MAX];
	cJSON *n;

	(void)state;
	assert_int_equal(mdm_policy_version(NULL, v, err, sizeof(err)), 0);
	assert_string_equal(v, "0");
	n = cJSON_CreateNumber(42);
	assert_int_equal(mdm_policy_version(n, v, err, sizeof(err)), 0);
	assert_string_equal(v, "42");
	cJSON_SetNumberValue(n, 1.5);
	assert_int_equal(mdm_policy_version(n, v, err, sizeof(err)), -1);
	cJSON_SetNumberValue(n, -1);
	assert_int_equal(mdm_policy_version(n, v, err, sizeof(err)), -1);
	cJSON_Delete(n);
	n = cJSON_CreateString("2024.05-rc_1");
	assert_int_equal(mdm_policy_version(n, v, err, sizeof(err)), 0);
	assert_string_equal(v, "2024.05-rc_1");
	cJSON_Delete(n);
	/* A quote would break the ETag. */
	n = cJSON_CreateString("4\"2");
	assert_int_equal(mdm_policy_version(n, v, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "version"));
	cJSON_Delete(n);
	n = cJSON_CreateString("");
	assert_int_equal(mdm_policy_version(n, v, err, sizeof(err)), -1);
	cJSON_Delete(n);
	n = cJSON_CreateTrue();
	assert_int_equal(mdm_policy_version(n, v, err, sizeof(err)), -1);
	cJSON_Delete(n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strict_parse),
		cmocka_unit_test(utf8),
		cmocka_unit_test(only_fields),
		cmocka_unit_test(durations_and_times),
		cmocka_unit_test(policy_versions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
