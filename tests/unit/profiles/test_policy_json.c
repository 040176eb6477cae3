/*
 * Tests profiles/policy_json.c: fieldPaths, duplicate keys, the typed
 * readers' messages, error and unsupported-field caps.
 */
#include <stdlib.h>

#include "profiles/policy_json.h"
#include "tests/unit/profiles/policy_helpers.h"

static void
path_building(void **state)
{
	char buf[POLICY_PATH_MAX] = "";
	char small[16] = "";
	char key[100];

	(void)state;
	policy_path_key(buf, sizeof(buf), "passwordPolicies", 16);
	policy_path_index(buf, sizeof(buf), 3);
	policy_path_key(buf, sizeof(buf), "passwordQuality", 15);
	assert_string_equal(buf, "passwordPolicies[3].passwordQuality");
	/* Odd bytes become '?', so that a path is printable ASCII. */
	buf[0] = '\0';
	policy_path_key(buf, sizeof(buf), "we ird.\"k\xc3\xa9y", 12);
	assert_string_equal(buf, "we?ird??k??y");
	/* A key longer than 64 bytes is cut. */
	memset(key, 'k', sizeof(key));
	buf[0] = '\0';
	policy_path_key(buf, sizeof(buf), key, sizeof(key));
	assert_int_equal(strlen(buf), 67);
	assert_string_equal(buf + 64, "...");
	/* A path that does not fit ends in "..." and stays there. */
	policy_path_key(small, sizeof(small), "abcdefghij", 10);
	policy_path_index(small, sizeof(small), 12345);
	assert_string_equal(small, "abcdefghij[1...");
	policy_path_key(small, sizeof(small), "more", 4);
	assert_string_equal(small, "abcdefghij[1...");
}

static void
duplicate_keys(void **state)
{
	(void)state;
	reject("{\"cameraAccess\":\"CAMERA_ACCESS_DISABLED\","
	    "\"cameraAccess\":\"CAMERA_ACCESS_USER_CHOICE\"}",
	    "cameraAccess", "duplicate key");
	reject("{\"passwordPolicies\":[{\"passwordMinimumLength\":6,"
	    "\"passwordQuality\":\"NUMERIC\",\"passwordMinimumLength\":4}]}",
	    "passwordPolicies[0].passwordMinimumLength", "duplicate key");
	/* Inside a field warden does not know, too. */
	reject("{\"vendorExtension\":{\"a\":[{\"x\":1,\"x\":1}]}}",
	    "vendorExtension.a[0].x", "duplicate key");
	/* Same name in different objects is fine. */
	policy_free(parse_ok("{\"passwordPolicies\":["
	    "{\"passwordScope\":\"SCOPE_DEVICE\"},"
	    "{\"passwordScope\":\"SCOPE_PROFILE\"}]}"));
}

static void
duplicate_reported_once_per_name(void **state)
{
	struct policy_errors errs;
	const char *doc = "{\"a\":1,\"a\":2,\"a\":3,\"b\":1,\"b\":2}";

	(void)state;
	assert_null(policy_parse(doc, strlen(doc), &errs));
	assert_int_equal(errs.n, 2);
	assert_string_equal(errs.e[0].field_path, "a");
	assert_string_equal(errs.e[1].field_path, "b");
}

static void
many_duplicates_are_fast(void **state)
{
	/* 20000 members with one name: sorting keeps this quick. */
	size_t n = 20000, i, len = 0;
	char *doc = malloc(n * 8 + 16);
	struct policy_errors errs;

	(void)state;
	doc[len++] = '{';
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(doc + len, "%s\"k\":1", i ? "," : "");
	doc[len++] = '}';
	assert_null(policy_parse(doc, len, &errs));
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.e[0].field_path, "k");
	free(doc);
}

static void
type_messages(void **state)
{
	(void)state;
	reject("{\"screenCaptureDisabled\":\"true\"}", "screenCaptureDisabled",
	    "must be a boolean, not a string");
	reject("{\"passwordPolicies\":[{\"passwordMinimumLength\":\"6\"}]}",
	    "passwordPolicies[0].passwordMinimumLength",
	    "must be an integer, not a string");
	reject("{\"passwordPolicies\":[{\"passwordMinimumLength\":6.5}]}",
	    "passwordPolicies[0].passwordMinimumLength", "must be an integer");
	reject("{\"name\":7}", "name", "must be a string, not a number");
	reject("{\"usbDataAccess\":[]}", "usbDataAccess",
	    "must be an enum string, not an array");
	reject("{\"kioskCustomization\":true}", "kioskCustomization",
	    "must be an object, not a boolean");
	reject("{\"passwordPolicies\":{}}", "passwordPolicies",
	    "must be an array, not an object");
}

static void
int64_encodings(void **state)
{
	struct policy *p;

	(void)state;
	p = parse_ok("{\"version\":\"9223372036854775807\"}");
	assert_true(p->version == INT64_MAX);
	policy_free(p);
	p = parse_ok("{\"version\":9007199254740991}");
	assert_true(p->version == 9007199254740991LL);
	policy_free(p);
	/* Reads as ...992 once rounded to a double: refused, not rounded. */
	reject("{\"version\":9007199254740993}", "version",
	    "too large for a JSON number; send it as a string");
	reject("{\"version\":\"9223372036854775808\"}", "version",
	    "must be a decimal integer");
	reject("{\"version\":\" 12\"}", "version", "must be a decimal integer");
	reject("{\"version\":\"+12\"}", "version", "must be a decimal integer");
	reject("{\"version\":\"\"}", "version", "must be a decimal integer");
	reject("{\"version\":\"-1\"}", "version",
	    "-1 is out of range (0..9223372036854775807)");
	reject("{\"version\":true}", "version",
	    "must be an integer, not a boolean");
	reject("{\"version\":1e400}", "version", "must be an integer");
}

static void
null_means_absent(void **state)
{
	struct policy *p;

	(void)state;
	p = parse_ok("{\"cameraAccess\":null,\"maximumTimeToLock\":null,"
	    "\"vendorThing\":null,\"passwordPolicies\":[{\"passwordQuality\":"
	    "null}]}");
	assert_int_equal(p->camera, POLICY_CAMERA_UNSPECIFIED);
	assert_true(p->max_time_to_lock_ms == -1);
	assert_int_equal(p->nunsupported, 0);
	assert_true(p->pw[POLICY_SCOPE_UNSPECIFIED].present);
	policy_free(p);
}

static void
all_errors_reported(void **state)
{
	struct policy_errors errs;
	const char *doc = "{\"cameraAccess\":\"NOPE\","
	    "\"passwordPolicies\":[{\"passwordMinimumLength\":-1}],"
	    "\"usbDataAccess\":1}";

	(void)state;
	assert_null(policy_parse(doc, strlen(doc), &errs));
	assert_int_equal(errs.n, 3);
	assert_int_equal(errs.more, 0);
	assert_string_equal(errs.e[0].field_path, "cameraAccess");
	assert_string_equal(errs.e[1].field_path,
	    "passwordPolicies[0].passwordMinimumLength");
	assert_string_equal(errs.e[2].field_path, "usbDataAccess");
}

static void
error_cap(void **state)
{
	struct policy_errors errs;
	char doc[4096];
	size_t n = 0;
	int i;

	(void)state;
	/* 20 bad ONC networks: 20 errors, 16 kept. */
	n += (size_t)sprintf(doc, "{\"openNetworkConfiguration\":{"
	    "\"NetworkConfigurations\":[");
	for (i = 0; i < 20; i++)
		n += (size_t)sprintf(doc + n, "%s{\"GUID\":5}", i ? "," : "");
	n += (size_t)sprintf(doc + n, "]}}");
	assert_null(policy_parse(doc, n, &errs));
	assert_int_equal(errs.n, POLICY_ERRORS_MAX);
	assert_int_equal(errs.more, 4);
	assert_string_equal(errs.e[15].field_path,
	    "openNetworkConfiguration.NetworkConfigurations[15].GUID");
}

static void
unsupported_cap(void **state)
{
	char doc[4096];
	size_t n = 0;
	struct policy *p;
	int i;

	(void)state;
	doc[n++] = '{';
	for (i = 0; i < 70; i++)
		n += (size_t)sprintf(doc + n, "%s\"vendor%d\":1", i ? "," : "",
		    i);
	doc[n++] = '}';
	doc[n] = '\0';
	p = parse_ok(doc);
	assert_int_equal(p->nunsupported, POLICY_UNSUPPORTED_MAX);
	assert_int_equal(p->unsupported_dropped, 6);
	assert_string_equal(p->unsupported[63].field_path, "vendor63");
	policy_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(path_building),
		cmocka_unit_test(duplicate_keys),
		cmocka_unit_test(duplicate_reported_once_per_name),
		cmocka_unit_test(many_duplicates_are_fast),
		cmocka_unit_test(type_messages),
		cmocka_unit_test(int64_encodings),
		cmocka_unit_test(null_means_absent),
		cmocka_unit_test(all_errors_reported),
		cmocka_unit_test(error_cap),
		cmocka_unit_test(unsupported_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
