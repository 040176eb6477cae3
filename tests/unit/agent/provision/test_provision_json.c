/*
 * test_provision_json.c - the request's JSON forms (masked for display,
 * unmasked for the store) and the strict JSON intake.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "agent/provision/provision.h"

#define PIN "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg"

static const char full_qr[] = "{"
    "\"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME\": "
    "\"warden/.Agent\","
    "\"android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION\""
    ": \"https://dl.example.com/agent\","
    "\"android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM\": "
    "\"2jmj7l5rSw0yVb_vlWAYkK_YBwk\","
    "\"android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM\": "
    "\"gJD2YwtOiWJHkSMkkIfLRlj-quNqG1fb6v100QmzM9w=\","
    "\"android.app.extra.PROVISIONING_WIFI_SSID\": \"Corp \\u00e9\","
    "\"android.app.extra.PROVISIONING_WIFI_HIDDEN\": true,"
    "\"android.app.extra.PROVISIONING_WIFI_SECURITY_TYPE\": \"EAP\","
    "\"android.app.extra.PROVISIONING_WIFI_EAP_METHOD\": \"TLS\","
    "\"android.app.extra.PROVISIONING_WIFI_IDENTITY\": \"dev@corp\","
    "\"android.app.extra.PROVISIONING_WIFI_PASSWORD\": \"eap-secret\","
    "\"android.app.extra.PROVISIONING_WIFI_USER_CERTIFICATE\": \"MIIKAAAA\","
    "\"android.app.extra.PROVISIONING_WIFI_CA_CERTIFICATE\": \"MIIB\","
    "\"android.app.extra.PROVISIONING_WIFI_PROXY_HOST\": \"proxy\","
    "\"android.app.extra.PROVISIONING_WIFI_PROXY_PORT\": 8080,"
    "\"android.app.extra.PROVISIONING_LOCALE\": \"fr_FR\","
    "\"android.app.extra.PROVISIONING_TIME_ZONE\": \"Europe/Paris\","
    "\"android.app.extra.PROVISIONING_LOCAL_TIME\": 1700000000000,"
    "\"android.app.extra.PROVISIONING_ORGANIZATION_NAME\": \"Acme \\\"Q\\\"\","
    "\"android.app.extra.PROVISIONING_SUPPORT_URL\": \"https://help.example\","
    "\"android.app.extra.PROVISIONING_SKIP_EDUCATION_SCREENS\": true,"
    "\"android.app.extra.PROVISIONING_USE_MOBILE_DATA\": \"true\","
    "\"android.app.extra.PROVISIONING_FOO\": 1,"
    "\"android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE\": {"
    "  \"warden.SERVER_URL\": \"https://mdm.example.com\","
    "  \"warden.ENROLLMENT_TOKEN\": \"tok/en+=.~_-\","
    "  \"warden.SERVER_CERT_SHA256\": \"" PIN "\","
    "  \"warden.MODE\": \"WORK_PROFILE_PERSONAL\"}}";

static void
parse(const char *text, struct prov_request *r)
{
	char err[256] = "";

	if (prov_from_qr_text(text, strlen(text), NULL, r, err,
	    sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
}

static void
test_masked_dump(void **state)
{
	struct prov_request r;
	char *json;

	(void)state;
	parse(full_qr, &r);
	json = prov_request_to_json(&r, true);
	assert_string_equal(json, "{\"source\":\"qr\","
	    "\"serverUrl\":\"https://mdm.example.com\",\"binding\":\"rest\","
	    "\"enrollmentToken\":\"***\",\"serverCertSha256\":\"" PIN "\","
	    "\"mode\":\"WORK_PROFILE_PERSONAL\",\"wifi\":{"
	    "\"ssid\":\"Corp \xc3\xa9\",\"hidden\":true,\"securityType\":\"EAP\","
	    "\"password\":\"***\",\"eapMethod\":\"TLS\","
	    "\"caCertificate\":\"MIIB\",\"userCertificate\":\"***\","
	    "\"identity\":\"dev@corp\",\"proxyHost\":\"proxy\","
	    "\"proxyPort\":8080},\"locale\":\"fr_FR\","
	    "\"timeZone\":\"Europe/Paris\",\"localTime\":1700000000000,"
	    "\"organizationName\":\"Acme \\\"Q\\\"\","
	    "\"supportUrl\":\"https://help.example\","
	    "\"adminComponentName\":\"warden/.Agent\","
	    "\"packageDownloadLocation\":\"https://dl.example.com/agent\","
	    "\"packageChecksum\":\"2jmj7l5rSw0yVb_vlWAYkK_YBwk\","
	    "\"signatureChecksum\":\"gJD2YwtOiWJHkSMkkIfLRlj-quNqG1fb6v100QmzM9w\","
	    "\"skipEducationScreens\":true,\"useMobileData\":true,"
	    "\"ignoredKeys\":[\"android.app.extra.PROVISIONING_FOO\"]}");
	prov_secret_free(json, 0);
}

static void
test_store_round_trip(void **state)
{
	struct prov_request a, b;
	char err[256] = "";
	char *json, *again;

	(void)state;
	parse(full_qr, &a);
	json = prov_request_to_json(&a, false);
	assert_non_null(strstr(json, "\"enrollmentToken\":\"tok/en+=.~_-\""));
	assert_non_null(strstr(json, "\"password\":\"eap-secret\""));
	assert_non_null(strstr(json, "\"userCertificate\":\"MIIKAAAA\""));
	if (prov_request_from_json(json, strlen(json), false, &b, err,
	    sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
	assert_memory_equal(&a, &b, sizeof(a));
	again = prov_request_to_json(&b, false);
	assert_string_equal(json, again);
	prov_secret_free(json, 0);
	prov_secret_free(again, 0);
}

static void
test_store_round_trip_lwm2m_token(void **state)
{
	struct prov_request a, b;
	char err[256] = "";
	char *json;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.source = PROV_SRC_TOKEN;
	snprintf(a.token_id, sizeof(a.token_id), "acme-eu");
	snprintf(a.server_url, sizeof(a.server_url), "coaps://lw.example:5684");
	a.server_from_defaults = true;
	a.binding = PROV_BINDING_LWM2M;
	a.lwm2m_bootstrap = true;
	snprintf(a.psk_identity, sizeof(a.psk_identity), "endpoint-1");
	a.psk_key_len = 3;
	a.psk_key[0] = 0xde;
	a.psk_key[1] = 0xad;
	a.psk_key[2] = 0x01;
	snprintf(a.ignored[0], sizeof(a.ignored[0]), "x");
	a.n_ignored = 1;
	a.n_ignored_total = 5;
	json = prov_request_to_json(&a, false);
	assert_string_equal(json, "{\"source\":\"token\",\"tokenId\":\"acme-eu\","
	    "\"serverUrl\":\"coaps://lw.example:5684\",\"binding\":\"lwm2m\","
	    "\"mode\":\"FULLY_MANAGED\",\"lwm2mBootstrap\":true,"
	    "\"pskIdentity\":\"endpoint-1\",\"pskKey\":\"dead01\","
	    "\"serverFromDefaults\":true,\"ignoredKeys\":[\"x\"],"
	    "\"ignoredKeysNotListed\":4}");
	if (prov_request_from_json(json, strlen(json), false, &b, err,
	    sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
	assert_memory_equal(&a, &b, sizeof(a));
	prov_secret_free(json, 0);
}

static void
expect_from_json_error(const char *json, const char *want)
{
	struct prov_request r;
	char err[256] = "";

	assert_int_equal(prov_request_from_json(json, strlen(json), false, &r,
	    err, sizeof(err)), -1);
	assert_string_equal(err, want);
}

#define STORE_BASE "\"serverUrl\":\"https://a.example\"," \
	"\"serverCertSha256\":\"" PIN "\""

static void
test_from_json_errors(void **state)
{
	(void)state;
	expect_from_json_error("{" STORE_BASE ",\"enrollmentToken\":\"***\"}",
	    "enrollmentToken: masked value (\"***\") cannot be restored");
	expect_from_json_error("{" STORE_BASE ",\"enrollmentToken\":\"t\","
	    "\"wifi\":{\"ssid\":\"x\",\"password\":\"***\"}}",
	    "wifi.password: masked value (\"***\") cannot be restored");
	expect_from_json_error("{" STORE_BASE ",\"enrollmentToken\":\"t\","
	    "\"color\":\"red\"}", "color: unknown key");
	expect_from_json_error("{" STORE_BASE ",\"enrollmentToken\":\"t\","
	    "\"wifi\":{\"colour\":1}}", "wifi.colour: unknown key");
	expect_from_json_error("{" STORE_BASE ",\"enrollmentToken\":\"t\","
	    "\"wifi.ssid\":\"x\"}", "wifi.ssid: unknown key");
	expect_from_json_error("{" STORE_BASE ",\"enrollmentToken\":\"t\","
	    "\"mode\":\"DEDICATED\",\"mode\":\"DEDICATED\"}",
	    "mode: duplicate key");
	expect_from_json_error("{" STORE_BASE ",\"enrollmentToken\":\"t\","
	    "\"source\":\"camera\"}", "source: not qr, nfc, token or zerotouch");
	expect_from_json_error("{" STORE_BASE ",\"enrollmentToken\":\"t\","
	    "\"wifi\":{\"ssid\":\"x\",\"hidden\":\"maybe\"}}",
	    "wifi.hidden: not a boolean (true or false)");
	expect_from_json_error("{" STORE_BASE ",\"enrollmentToken\":\"t\","
	    "\"localTime\":\"soon\"}", "localTime: not a non-negative integer");
	expect_from_json_error("{" STORE_BASE "}", "enrollmentToken: required");
	expect_from_json_error("{\"serverUrl\":\"http://a.example\"}",
	    "serverUrl: not an https or coaps URL");
	expect_from_json_error("{" STORE_BASE ",\"enrollmentToken\":\"t\","
	    "\"tokenId\":\"a/b\"}", "tokenId: not a token id");
	expect_from_json_error("{" STORE_BASE ",\"enrollmentToken\":\"t\","
	    "\"ignoredKeys\":\"x\"}",
	    "ignoredKeys: not an array of at most 16 strings");
	expect_from_json_error("[]", "request: not a JSON object");
}

static void
test_json_parse_helpers(void **state)
{
	char err[128] = "";
	cJSON *root;

	(void)state;
	root = prov_json_parse("{\"a\":{\"b\":{}}}", 14, 100, 3, "doc", err,
	    sizeof(err));
	assert_non_null(root);
	prov_json_delete(root);
	assert_null(prov_json_parse("{\"a\":{\"b\":{\"c\":1}}}", 19, 100, 2,
	    "doc", err, sizeof(err)));
	assert_string_equal(err, "doc: nested deeper than 2 levels");
	assert_null(prov_json_parse("{}", 2, 1, 2, "doc", err, sizeof(err)));
	assert_string_equal(err, "doc: longer than 1 bytes");
	root = prov_json_parse("{\"x\":1,\"y\":2,\"x\":3}", 19, 100, 2, "doc",
	    err, sizeof(err));
	assert_non_null(root);
	assert_string_equal(prov_json_dup_key(root), "x");
	prov_json_delete(root);
	/* A backslash before the closing quote does not hide a NUL. */
	assert_null(prov_json_parse("{\"a\\\\\":\"\\u0000\"}", 16, 100, 2,
	    "doc", err, sizeof(err)));
	assert_string_equal(err, "doc: escaped NUL (\\u0000) at offset 8");
	prov_json_delete(NULL);
}

static void
test_json_members_bound(void **state)
{
	char *buf = malloc(8192), *p, err[128] = "";
	int i;

	(void)state;
	assert_non_null(buf);
	p = buf + sprintf(buf, "{\"a\":[");
	for (i = 0; i < 257; i++)
		p += sprintf(p, "%s1", i ? "," : "");
	strcpy(p, "]}");
	assert_null(prov_json_parse(buf, strlen(buf), 8192, 3, "doc", err,
	    sizeof(err)));
	assert_string_equal(err,
	    "doc: more than 256 members in one object or array");
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_masked_dump),
		cmocka_unit_test(test_store_round_trip),
		cmocka_unit_test(test_store_round_trip_lwm2m_token),
		cmocka_unit_test(test_from_json_errors),
		cmocka_unit_test(test_json_parse_helpers),
		cmocka_unit_test(test_json_members_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
