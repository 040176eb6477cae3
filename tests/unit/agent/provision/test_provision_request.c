/*
 * test_provision_request.c - the normalized request: names, validation
 * of a request built in code, error paths per source, clearing.
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

static void
valid_request(struct prov_request *r)
{
	memset(r, 0, sizeof(*r));
	r->source = PROV_SRC_QR;
	snprintf(r->server_url, sizeof(r->server_url), "https://a.example");
	snprintf(r->enrollment_token, sizeof(r->enrollment_token), "tok");
	r->has_server_pin = true;
}

static void
expect_invalid(const struct prov_request *r, bool nosec, const char *want)
{
	char err[256] = "";

	assert_int_equal(prov_request_validate(r, nosec, err, sizeof(err)), -1);
	assert_string_equal(err, want);
}

static void
test_names(void **state)
{
	enum prov_binding b;
	enum prov_mode m;

	(void)state;
	assert_string_equal(prov_source_name(PROV_SRC_ZEROTOUCH), "zerotouch");
	assert_string_equal(prov_source_name((enum prov_source)9), "?");
	assert_string_equal(prov_binding_name(PROV_BINDING_LWM2M), "lwm2m");
	assert_string_equal(prov_mode_name(PROV_MODE_WORK_PROFILE_PERSONAL),
	    "WORK_PROFILE_PERSONAL");
	assert_int_equal(prov_binding_parse("lwm2m", &b), 0);
	assert_int_equal(b, PROV_BINDING_LWM2M);
	assert_int_equal(prov_binding_parse("REST", &b), -1);
	assert_int_equal(prov_mode_parse("DEDICATED", &m), 0);
	assert_int_equal(m, PROV_MODE_DEDICATED);
	assert_int_equal(prov_mode_parse("dedicated", &m), -1);
}

static void
test_defaults_init(void **state)
{
	struct prov_defaults d;

	(void)state;
	memset(&d, 0xff, sizeof(d));
	prov_defaults_init(&d);
	assert_null(d.server_url);
	assert_int_equal(d.binding, PROV_BINDING_REST);
	assert_int_equal(d.mode, PROV_MODE_FULLY_MANAGED);
	assert_false(d.has_server_pin);
	assert_false(d.allow_nosec);
}

static void
test_validate_built_request(void **state)
{
	struct prov_request r;
	char err[256] = "";

	(void)state;
	valid_request(&r);
	assert_int_equal(prov_request_validate(&r, false, err, sizeof(err)), 0);
	r.mode = (enum prov_mode)7;
	expect_invalid(&r, false, "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.MODE:"
	    " not FULLY_MANAGED, DEDICATED, WORK_PROFILE_COMPANY_OWNED or "
	    "WORK_PROFILE_PERSONAL");
	valid_request(&r);
	r.binding = (enum prov_binding)5;
	expect_invalid(&r, false,
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.BINDING: not rest or lwm2m");
	valid_request(&r);
	r.source = (enum prov_source)11;
	expect_invalid(&r, false, "source: unknown");
	valid_request(&r);
	snprintf(r.organization_name, sizeof(r.organization_name), "a\nb");
	expect_invalid(&r, false, "PROVISIONING_ORGANIZATION_NAME: contains a "
	    "control character");
	valid_request(&r);
	r.package_checksum_len = 7;
	expect_invalid(&r, false, "PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM: "
	    "not a SHA-256 or SHA-1");
	valid_request(&r);
	snprintf(r.wifi.ssid, sizeof(r.wifi.ssid), "x");
	expect_invalid(&r, false, "PROVISIONING_WIFI_SECURITY_TYPE: not NONE, "
	    "WEP, WPA, WPA2, WPA3 or EAP");
	snprintf(r.wifi.security, sizeof(r.wifi.security), "WPA3");
	snprintf(r.wifi.password, sizeof(r.wifi.password), "x");
	assert_int_equal(prov_request_validate(&r, false, err, sizeof(err)), 0);
	snprintf(r.wifi.security, sizeof(r.wifi.security), "WPA");
	snprintf(r.wifi.password, sizeof(r.wifi.password), "%064d", 0);
	assert_int_equal(prov_request_validate(&r, false, err, sizeof(err)), 0);
	snprintf(r.wifi.password, sizeof(r.wifi.password), "%063dg", 0);
	expect_invalid(&r, false, "PROVISIONING_WIFI_PASSWORD: not a WPA "
	    "passphrase (8 to 63 characters, or 64 hex digits)");
	snprintf(r.wifi.security, sizeof(r.wifi.security), "WEP");
	snprintf(r.wifi.password, sizeof(r.wifi.password), "0123456789");
	assert_int_equal(prov_request_validate(&r, false, err, sizeof(err)), 0);
}

static void
test_locales_and_zones(void **state)
{
	static const char *good_locales[] = { "en", "en_US", "es_419", "fil_PH" };
	static const char *bad_locales[] = { "e", "EN_us", "en_U", "en_USA",
		"en-US", "en_US.UTF-8", "english" };
	static const char *good_zones[] = { "UTC", "Europe/Berlin",
		"America/Argentina/Buenos_Aires", "Etc/GMT+5", "Etc/GMT-14" };
	static const char *bad_zones[] = { "../etc/passwd", "Europe//Berlin",
		"/UTC", "UTC/", "-UTC", "Europe/Ber lin", "Europe/..", "a:b" };
	struct prov_request r;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good_locales) / sizeof(good_locales[0]); i++) {
		valid_request(&r);
		snprintf(r.locale, sizeof(r.locale), "%s", good_locales[i]);
		assert_int_equal(prov_request_validate(&r, false, err,
		    sizeof(err)), 0);
	}
	for (i = 0; i < sizeof(bad_locales) / sizeof(bad_locales[0]); i++) {
		valid_request(&r);
		snprintf(r.locale, sizeof(r.locale), "%s", bad_locales[i]);
		expect_invalid(&r, false,
		    "PROVISIONING_LOCALE: not a locale like en_US");
	}
	for (i = 0; i < sizeof(good_zones) / sizeof(good_zones[0]); i++) {
		valid_request(&r);
		snprintf(r.time_zone, sizeof(r.time_zone), "%s", good_zones[i]);
		assert_int_equal(prov_request_validate(&r, false, err,
		    sizeof(err)), 0);
	}
	for (i = 0; i < sizeof(bad_zones) / sizeof(bad_zones[0]); i++) {
		valid_request(&r);
		snprintf(r.time_zone, sizeof(r.time_zone), "%s", bad_zones[i]);
		expect_invalid(&r, false, "PROVISIONING_TIME_ZONE: not a time "
		    "zone name like Europe/Berlin");
	}
}

static void
test_paths_follow_the_source(void **state)
{
	struct prov_request r;

	(void)state;
	valid_request(&r);
	snprintf(r.server_url, sizeof(r.server_url), "http://a.example");
	expect_invalid(&r, false, "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden."
	    "SERVER_URL: not an https or coaps URL");
	r.source = PROV_SRC_NFC;
	expect_invalid(&r, false, "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden."
	    "SERVER_URL: not an https or coaps URL");
	r.source = PROV_SRC_ZEROTOUCH;
	expect_invalid(&r, false, "warden.SERVER_URL: not an https or coaps "
	    "URL");
	r.source = PROV_SRC_TOKEN;
	snprintf(r.token_id, sizeof(r.token_id), "acme");
	expect_invalid(&r, false, "afw#acme.serverUrl: not an https or coaps "
	    "URL");
	r.server_from_defaults = true;
	expect_invalid(&r, false, "defaults.serverUrl: not an https or coaps "
	    "URL");
	valid_request(&r);
	r.source = PROV_SRC_TOKEN;
	r.enrollment_token[0] = '\0';
	expect_invalid(&r, false, "code: required");
	valid_request(&r);
	r.source = PROV_SRC_ZEROTOUCH;
	snprintf(r.wifi.password, sizeof(r.wifi.password), "12345678");
	expect_invalid(&r, false, "PROVISIONING_WIFI_SSID: required with the "
	    "other Wi-Fi settings");
}

static void
test_coap_needs_permission(void **state)
{
	struct prov_request r;
	char err[256];

	(void)state;
	memset(&r, 0, sizeof(r));
	r.binding = PROV_BINDING_LWM2M;
	snprintf(r.server_url, sizeof(r.server_url), "coap://[::1]:5683");
	expect_invalid(&r, false, "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden."
	    "SERVER_URL: coap:// (no DTLS) is not allowed");
	assert_int_equal(prov_request_validate(&r, true, err, sizeof(err)), 0);
	r.psk_key_len = PROV_PSK_KEY_MAX + 1;
	snprintf(r.psk_identity, sizeof(r.psk_identity), "id");
	expect_invalid(&r, true, "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden."
	    "PSK_KEY: longer than 64 bytes");
}

static void
test_clear_and_secret_free(void **state)
{
	struct prov_request r;
	static const uint8_t zero[sizeof(struct prov_request)];
	char *s = strdup("secret");

	(void)state;
	valid_request(&r);
	snprintf(r.wifi.password, sizeof(r.wifi.password), "hunter22");
	prov_request_clear(&r);
	assert_memory_equal(&r, zero, sizeof(r));
	prov_request_clear(NULL);
	prov_secret_free(s, 0);
	prov_secret_free(NULL, 5);
}

static void
test_err_stays_one_line(void **state)
{
	char err[32];

	(void)state;
	assert_int_equal(prov_err(err, sizeof(err), "%s: bad", "a\nb\rc\x7f"),
	    -1);
	assert_string_equal(err, "a?b?c?: bad");
	assert_int_equal(prov_err(err, 4, "%s", "abcdef"), -1);
	assert_string_equal(err, "abc");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_defaults_init),
		cmocka_unit_test(test_validate_built_request),
		cmocka_unit_test(test_locales_and_zones),
		cmocka_unit_test(test_paths_follow_the_source),
		cmocka_unit_test(test_coap_needs_permission),
		cmocka_unit_test(test_clear_and_secret_free),
		cmocka_unit_test(test_err_stays_one_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
