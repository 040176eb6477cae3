/*
 * test_provision_token.c - afw# EMM tokens resolved through the token
 * directory, with the one-time code as the enrollment token.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/provision/provision.h"
#include "tests/unit/support.h"

static char dir_path[512];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir_path, sizeof(dir_path), "%s/tests/data/provisioning/"
	    "tokendir.json", test_srctree());
	return 0;
}

static void
token_ok(const char *afw, const char *code, struct prov_request *r)
{
	char err[256] = "";

	if (prov_from_token(dir_path, afw, code, NULL, r, err,
	    sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
}

static void
expect_token_error(const char *path, const char *afw, const char *code,
    const char *want)
{
	struct prov_request r;
	char err[512] = "";

	assert_int_equal(prov_from_token(path, afw, code, NULL, &r, err,
	    sizeof(err)), -1);
	assert_string_equal(err, want);
}

static void
expect_text_error(const char *dir, const char *afw, const char *code,
    const char *want)
{
	struct prov_request r;
	char err[512] = "";

	assert_int_equal(prov_from_tokendir_text(dir, strlen(dir), afw, code,
	    NULL, &r, err, sizeof(err)), -1);
	assert_string_equal(err, want);
}

static void
test_lookup(void **state)
{
	struct prov_request r;
	char *json;

	(void)state;
	token_ok("afw#acme", "483921", &r);
	assert_int_equal(r.source, PROV_SRC_TOKEN);
	assert_string_equal(r.token_id, "acme");
	assert_string_equal(r.server_url, "https://mdm.acme.example:8443/warden");
	assert_int_equal(r.binding, PROV_BINDING_REST);
	assert_string_equal(r.enrollment_token, "483921");
	assert_true(r.has_server_pin);
	assert_int_equal(r.server_pin[0], 0x9f);
	assert_int_equal(r.mode, PROV_MODE_FULLY_MANAGED);
	assert_string_equal(r.organization_name, "Acme Corp");
	json = prov_request_to_json(&r, true);
	assert_string_equal(json, "{\"source\":\"token\",\"tokenId\":\"acme\","
	    "\"serverUrl\":\"https://mdm.acme.example:8443/warden\","
	    "\"binding\":\"rest\",\"enrollmentToken\":\"***\","
	    "\"serverCertSha256\":\"n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg\","
	    "\"mode\":\"FULLY_MANAGED\",\"organizationName\":\"Acme Corp\"}");
	prov_secret_free(json, 0);
	token_ok("afw#globex.kiosk", "AbC9xY", &r);
	assert_int_equal(r.mode, PROV_MODE_DEDICATED);
	assert_int_equal(r.server_pin[0], 0x80);
	assert_string_equal(r.support_url, "https://help.globex.example/kiosk");
	token_ok("afw#initech-lw", "7777", &r);
	assert_int_equal(r.binding, PROV_BINDING_LWM2M);
	assert_true(r.lwm2m_bootstrap);
	assert_string_equal(r.enrollment_token, "7777");
}

static void
test_user_input_errors(void **state)
{
	(void)state;
	expect_token_error(dir_path, "afw#umbrella", "123456",
	    "token: afw#umbrella is not in the token directory");
	expect_token_error(dir_path, "AFW#acme", "123456",
	    "token: not an afw#<id> token");
	expect_token_error(dir_path, "acme", "123456",
	    "token: not an afw#<id> token");
	expect_token_error(dir_path, "afw#", "123456",
	    "token: <id> of afw#<id> must be 1 to 64 of A-Z a-z 0-9 . _ -");
	expect_token_error(dir_path, "afw#ac/me", "123456",
	    "token: <id> of afw#<id> must be 1 to 64 of A-Z a-z 0-9 . _ -");
	expect_token_error(dir_path, "afw#acme", "123",
	    "code: must be 4 to 64 letters or digits");
	expect_token_error(dir_path, "afw#acme", "1234 5678",
	    "code: must be 4 to 64 letters or digits");
	expect_token_error(dir_path, "afw#acme",
	    "12345678901234567890123456789012345678901234567890123456789012345",
	    "code: must be 4 to 64 letters or digits");
	/* The chosen entry is checked like any other input. */
	expect_token_error(dir_path, "afw#broken", "123456",
	    "afw#broken.serverUrl: not an https or coaps URL");
}

static void
test_directory_errors(void **state)
{
	(void)state;
	expect_text_error("{\"a\": 1, \"a\": 2}", "afw#a", "1234",
	    "tokendir: duplicate entry afw#a");
	expect_text_error("{\"a\": \"https://a.example\"}", "afw#a", "1234",
	    "afw#a: not an object");
	expect_text_error("{\"a\": {\"serverUrl\": \"https://a.example\", "
	    "\"enrollmentToken\": \"x\"}}", "afw#a", "1234",
	    "afw#a.enrollmentToken: unknown key");
	expect_text_error("{\"a\": {\"serverUrl\": \"https://a.example\", "
	    "\"serverUrl\": \"https://b.example\"}}", "afw#a", "1234",
	    "afw#a.serverUrl: duplicate key");
	expect_text_error("{\"a\": {\"serverUrl\": 5}}", "afw#a", "1234",
	    "afw#a.serverUrl: not a string");
	expect_text_error("{\"a\": {\"serverUrl\": \"https://a.example\"}}",
	    "afw#a", "1234", "afw#a.serverCertSha256: required");
	expect_text_error("{\"a\": {\"x\": {\"y\": 1}}}", "afw#a", "1234",
	    "tokendir: nested deeper than 2 levels");
	expect_text_error("[]", "afw#a", "1234", "tokendir: not a JSON object");
}

static void
test_missing_file_message(void **state)
{
	struct prov_request r;
	char err[512] = "";

	(void)state;
	assert_int_equal(prov_from_token("/nonexistent/tokens.json", "afw#a",
	    "1234", NULL, &r, err, sizeof(err)), -1);
	assert_string_equal(err,
	    "/nonexistent/tokens.json: No such file or directory");
	assert_int_equal(prov_from_token("/", "afw#a", "1234", NULL, &r, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "/: not a regular file");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_user_input_errors),
		cmocka_unit_test(test_directory_errors),
		cmocka_unit_test(test_missing_file_message),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
