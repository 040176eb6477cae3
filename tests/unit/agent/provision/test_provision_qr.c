/*
 * test_provision_qr.c - Android's QR provisioning JSON: real payloads,
 * aliases, defaults, and hostile input with the exact error line.
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

#define PIN "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg"
#define BUNDLE_KEY "\"android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE\""
#define BASE_BUNDLE "\"warden.SERVER_URL\": \"https://mdm.example.com\", " \
	"\"warden.ENROLLMENT_TOKEN\": \"tok-123\", " \
	"\"warden.SERVER_CERT_SHA256\": \"" PIN "\""
#define WIFI_SSID "\"android.app.extra.PROVISIONING_WIFI_SSID\""

static const uint8_t pin_bytes[32] = { 0x9f, 0x86, 0xd0, 0x81, 0x88, 0x4c,
	0x7d, 0x65, 0x9a, 0x2f, 0xea, 0xa0, 0xc5, 0x5a, 0xd0, 0x15, 0xa3, 0xbf,
	0x4f, 0x1b, 0x2b, 0x0b, 0x82, 0x2c, 0xd1, 0x5d, 0x6c, 0x15, 0xb0, 0xf0,
	0x0a, 0x08 };

static char *
fixture(const char *name, size_t *len)
{
	char path[512];
	char *buf;

	snprintf(path, sizeof(path), "%s/tests/data/provisioning/%s",
	    test_srctree(), name);
	buf = test_read_file(path, len);
	assert_non_null(buf);
	return buf;
}

/* {top "…BUNDLE": {bundle}} */
static char *
qr(const char *top, const char *bundle)
{
	char *s;

	assert_true(asprintf(&s, "{%s%s" BUNDLE_KEY ": {%s}}", top,
	    top[0] != '\0' ? ", " : "", bundle) > 0);
	return s;
}

static bool
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

static void
expect_error_defs(const char *text, size_t len,
    const struct prov_defaults *defs, const char *want)
{
	struct prov_request *r = malloc(sizeof(*r));
	char err[512] = "";

	assert_non_null(r);
	memset(r, 0xa5, sizeof(*r));
	assert_int_equal(prov_from_qr_text(text, len, defs, r, err,
	    sizeof(err)), -1);
	assert_string_equal(err, want);
	/* Nothing of a rejected input survives, secrets included. */
	assert_true(all_zero(r, sizeof(*r)));
	free(r);
}

static void
expect_error(const char *text, const char *want)
{
	expect_error_defs(text, strlen(text), NULL, want);
}

/* Builds {top, bundle} and expects the error. */
static void
expect_qr_error(const char *top, const char *bundle, const char *want)
{
	char *s = qr(top, bundle);

	expect_error(s, want);
	free(s);
}

static void
parse_ok(const char *text, size_t len, const struct prov_defaults *defs,
    struct prov_request *r)
{
	char err[512] = "";

	if (prov_from_qr_text(text, len, defs, r, err, sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
}

static void
test_warden_sample(void **state)
{
	struct prov_request r;
	size_t len;
	char *text = fixture("warden-fully-managed.json", &len), *json;

	(void)state;
	parse_ok(text, len, NULL, &r);
	assert_int_equal(r.source, PROV_SRC_QR);
	assert_string_equal(r.server_url, "https://127.0.0.1:8443");
	assert_int_equal(r.binding, PROV_BINDING_REST);
	assert_string_equal(r.enrollment_token, "QJXKWMRTPLZVBNHSDFGA");
	assert_true(r.has_server_pin);
	assert_memory_equal(r.server_pin, pin_bytes, 32);
	assert_int_equal(r.mode, PROV_MODE_FULLY_MANAGED);
	assert_true(r.has_wifi);
	assert_string_equal(r.wifi.ssid, "Warehouse-5G");
	assert_string_equal(r.wifi.security, "WPA");
	assert_string_equal(r.wifi.password, "correct horse battery staple");
	assert_string_equal(r.locale, "en_US");
	assert_string_equal(r.time_zone, "Europe/Berlin");
	assert_string_equal(r.admin_component, "warden/.Agent");
	assert_int_equal(r.n_ignored, 0);
	json = prov_request_to_json(&r, true);
	assert_string_equal(json, "{\"source\":\"qr\","
	    "\"serverUrl\":\"https://127.0.0.1:8443\",\"binding\":\"rest\","
	    "\"enrollmentToken\":\"***\",\"serverCertSha256\":\"" PIN "\","
	    "\"mode\":\"FULLY_MANAGED\",\"wifi\":{\"ssid\":\"Warehouse-5G\","
	    "\"securityType\":\"WPA\",\"password\":\"***\"},"
	    "\"locale\":\"en_US\",\"timeZone\":\"Europe/Berlin\","
	    "\"adminComponentName\":\"warden/.Agent\"}");
	prov_secret_free(json, 0);
	prov_request_clear(&r);
	free(text);
}

static void
test_testdpc_sample_needs_a_server(void **state)
{
	struct prov_defaults defs;
	size_t len;
	char *text = fixture("testdpc.json", &len);

	(void)state;
	expect_error_defs(text, len, NULL, "PROVISIONING_ADMIN_EXTRAS_BUNDLE."
	    "warden.SERVER_URL: required");
	/* With the image's default server, the token is what is missing. */
	prov_defaults_init(&defs);
	defs.server_url = "https://mdm.example.com";
	defs.has_server_pin = true;
	memcpy(defs.server_pin, pin_bytes, 32);
	expect_error_defs(text, len, &defs, "PROVISIONING_ADMIN_EXTRAS_BUNDLE."
	    "warden.ENROLLMENT_TOKEN: required");
	free(text);
}

static void
test_headwind_string_booleans(void **state)
{
	struct prov_request r;
	size_t len;
	char *text = fixture("qr-headwind-style.json", &len), *json;

	(void)state;
	parse_ok(text, len, NULL, &r);
	assert_string_equal(r.server_url, "https://mdm.example.com:8443/warden");
	assert_int_equal(r.mode, PROV_MODE_DEDICATED);
	assert_string_equal(r.enrollment_token, "kiosk.fleet-7_ZX");
	assert_memory_equal(r.server_pin, pin_bytes, 32);
	assert_true(r.leave_all_system_apps_enabled);
	assert_false(r.skip_encryption);
	assert_true(r.use_mobile_data);
	assert_true(r.wifi.hidden);
	assert_int_equal(r.signature_checksum_len, 32);
	assert_int_equal(r.signature_checksum[0], 0x80);
	assert_string_equal(r.package_download_location,
	    "https://mdm.example.com/files/launcher.apk");
	assert_int_equal(r.n_ignored, 2);
	assert_string_equal(r.ignored[0],
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.com.hmdm.DEVICE_ID");
	assert_string_equal(r.ignored[1],
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.com.hmdm.BASE_URL");
	json = prov_request_to_json(&r, true);
	assert_non_null(strstr(json, "\"ignoredKeys\":[\"PROVISIONING_ADMIN_"
	    "EXTRAS_BUNDLE.com.hmdm.DEVICE_ID\",\"PROVISIONING_ADMIN_EXTRAS_"
	    "BUNDLE.com.hmdm.BASE_URL\"]"));
	assert_non_null(strstr(json, "\"wifi\":{\"ssid\":\"Shop-Floor\","
	    "\"hidden\":true,\"securityType\":\"WPA\",\"password\":\"***\"}"));
	assert_null(strstr(json, "k1osk-wifi-2026"));
	assert_null(strstr(json, "kiosk.fleet-7_ZX"));
	prov_secret_free(json, 0);
	free(text);
}

static void
test_short_aliases_lwm2m(void **state)
{
	static const uint8_t key[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
		0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	struct prov_request r;
	size_t len;
	char *text = fixture("qr-short-aliases-lwm2m.json", &len);

	(void)state;
	parse_ok(text, len, NULL, &r);
	assert_string_equal(r.admin_component, "warden/.Agent");
	assert_string_equal(r.wifi.ssid, "Depot");
	assert_string_equal(r.wifi.security, "WPA2");
	assert_string_equal(r.wifi.password, "depot-pass-42");
	assert_string_equal(r.locale, "de_DE");
	assert_true(r.has_local_time);
	assert_int_equal(r.local_time_ms, 1767225600000LL);
	assert_string_equal(r.organization_name, "Acme Logistics");
	assert_int_equal(r.binding, PROV_BINDING_LWM2M);
	assert_true(r.lwm2m_bootstrap);
	assert_string_equal(r.psk_identity, "urn:imei:350000000000017");
	assert_int_equal(r.psk_key_len, 16);
	assert_memory_equal(r.psk_key, key, 16);
	assert_false(r.has_server_pin);
	assert_string_equal(r.enrollment_token, "");
	assert_int_equal(r.mode, PROV_MODE_WORK_PROFILE_COMPANY_OWNED);
	free(text);
}

static void
test_clouddpc_token_with_default_server(void **state)
{
	struct prov_defaults defs;
	struct prov_request r;
	size_t len;
	char *text = fixture("qr-clouddpc-token.json", &len);

	(void)state;
	/* No default server: Google's token alone names no server. */
	expect_error_defs(text, len, NULL, "PROVISIONING_ADMIN_EXTRAS_BUNDLE."
	    "warden.SERVER_URL: required");
	prov_defaults_init(&defs);
	defs.server_url = "https://mdm.example.com/api";
	defs.has_server_pin = true;
	memcpy(defs.server_pin, pin_bytes, 32);
	defs.mode = PROV_MODE_DEDICATED;
	parse_ok(text, len, &defs, &r);
	assert_string_equal(r.server_url, "https://mdm.example.com/api");
	assert_true(r.server_from_defaults);
	assert_string_equal(r.enrollment_token, "KQWERTYPLMNBVCXZASDF");
	assert_memory_equal(r.server_pin, pin_bytes, 32);
	assert_int_equal(r.mode, PROV_MODE_DEDICATED);
	assert_int_equal(r.signature_checksum_len, 32);
	free(text);
}

static void
test_clouddpc_token_with_own_server(void **state)
{
	struct prov_request r;
	char *s = qr("", BASE_BUNDLE ", \"com.google.android.apps.work.clouddpc"
	    ".EXTRA_ENROLLMENT_TOKEN\": \"GOOGLE\"");

	(void)state;
	/* Both tokens: warden's wins, Google's is listed as ignored. */
	parse_ok(s, strlen(s), NULL, &r);
	assert_string_equal(r.enrollment_token, "tok-123");
	assert_int_equal(r.n_ignored, 1);
	assert_string_equal(r.ignored[0], "PROVISIONING_ADMIN_EXTRAS_BUNDLE."
	    "com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN");
	free(s);
	/* An Android Device Policy QR plus warden's server URL and pin:
	 * Google's token is the enrollment token. */
	s = qr("", "\"warden.SERVER_URL\": \"coaps://lw.example.com\", "
	    "\"warden.BINDING\": \"lwm2m\", \"warden.SERVER_CERT_SHA256\": \""
	    PIN "\", \"com.google.android.apps.work.clouddpc."
	    "EXTRA_ENROLLMENT_TOKEN\": \"GOOGLE\"");
	parse_ok(s, strlen(s), NULL, &r);
	assert_string_equal(r.enrollment_token, "GOOGLE");
	assert_int_equal(r.n_ignored, 0);
	free(s);
}

static void
test_unknown_keys_ignored_and_listed(void **state)
{
	struct prov_request r;
	char *s = qr("\"android.app.extra.PROVISIONING_FUTURE_THING\": 7, "
	    "\"com.example.vendor\": \"x\", "
	    "\"android.app.extra.PROVISIONING_KEEP_SCREEN_ON\": true, "
	    "\"a.a.e.PDAPN\": \"com.example.dpc\"", BASE_BUNDLE);

	(void)state;
	parse_ok(s, strlen(s), NULL, &r);
	assert_int_equal(r.n_ignored, 4);
	assert_int_equal(r.n_ignored_total, 4);
	assert_string_equal(r.ignored[0],
	    "android.app.extra.PROVISIONING_FUTURE_THING");
	assert_string_equal(r.ignored[1], "com.example.vendor");
	assert_string_equal(r.ignored[2], "PROVISIONING_KEEP_SCREEN_ON");
	assert_string_equal(r.ignored[3],
	    "PROVISIONING_DEVICE_ADMIN_PACKAGE_NAME");
	free(s);
	/* A known key with no effect is still type-checked. */
	expect_qr_error("\"android.app.extra.PROVISIONING_KEEP_SCREEN_ON\": "
	    "\"maybe\"", BASE_BUNDLE, "PROVISIONING_KEEP_SCREEN_ON: not a "
	    "boolean (true or false)");
}

static void
test_ignored_list_is_bounded(void **state)
{
	struct prov_request r;
	char top[4096] = "", item[64];
	char *s;
	int i;

	(void)state;
	for (i = 0; i < 40; i++) {
		snprintf(item, sizeof(item), "%s\"x%02d\": 1", i ? ", " : "", i);
		strcat(top, item);
	}
	s = qr(top, BASE_BUNDLE);
	parse_ok(s, strlen(s), NULL, &r);
	assert_int_equal(r.n_ignored, PROV_IGNORED_MAX);
	assert_int_equal(r.n_ignored_total, 40);
	assert_string_equal(r.ignored[15], "x15");
	free(s);
}

static void
test_server_url_errors(void **state)
{
	static const struct {
		const char *url, *why;
	} v[] = {
		{ "http://mdm.example.com", "not an https or coaps URL" },
		{ "ftp://mdm.example.com", "not an https or coaps URL" },
		{ "mdm.example.com", "not an https or coaps URL" },
		{ "https://", "no host" },
		{ "https://:8443/x", "no host" },
		{ "https://admin:pw@mdm.example.com", "user info (@) is not "
		    "allowed" },
		{ "https://mdm.example.com:0", "bad port (1..65535)" },
		{ "https://mdm.example.com:65536", "bad port (1..65535)" },
		{ "https://mdm.example.com:", "bad port (1..65535)" },
		{ "https://mdm.exa mple.com", "contains a space, control or "
		    "non-ASCII character" },
		{ "https://mdm.example.com%40evil/", "bad host name" },
		{ "https://[zz::1]/", "bad IPv6 address" },
		{ "https://mdm.example.com/api?x=1", "a query or fragment "
		    "is not allowed" },
		{ "https://mdm_1.example.com", "bad host name" },
		{ "coaps://lw.example.com", "binding rest needs an https URL" },
	};
	char bundle[512], want[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(bundle, sizeof(bundle), "\"warden.SERVER_URL\": \"%s\", "
		    "\"warden.ENROLLMENT_TOKEN\": \"t\", "
		    "\"warden.SERVER_CERT_SHA256\": \"" PIN "\"", v[i].url);
		snprintf(want, sizeof(want), "PROVISIONING_ADMIN_EXTRAS_BUNDLE."
		    "warden.SERVER_URL: %s", v[i].why);
		expect_qr_error("", bundle, want);
	}
}

static void
test_server_url_accepted_forms(void **state)
{
	static const char *ok[] = {
		"https://mdm.example.com", "HTTPS://MDM.example.com/",
		"https://[::1]:8443/api", "https://10.0.0.1:443",
		"https://mdm.example.com/path/with-dash_and~tilde",
	};
	struct prov_request r;
	char bundle[512];
	char *s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(bundle, sizeof(bundle), "\"warden.SERVER_URL\": \"%s\", "
		    "\"warden.ENROLLMENT_TOKEN\": \"t\", "
		    "\"warden.SERVER_CERT_SHA256\": \"" PIN "=\"", ok[i]);
		s = qr("", bundle);
		parse_ok(s, strlen(s), NULL, &r);
		assert_string_equal(r.server_url, ok[i]);
		free(s);
	}
}

static void
test_lwm2m_rules(void **state)
{
	struct prov_defaults defs;
	struct prov_request r;
	char *s;

	(void)state;
	expect_qr_error("", "\"warden.SERVER_URL\": \"https://lw.example.com\", "
	    "\"warden.BINDING\": \"lwm2m\", \"warden.SERVER_CERT_SHA256\": \""
	    PIN "\"", "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.SERVER_URL: "
	    "binding lwm2m needs a coaps URL");
	expect_qr_error("", "\"warden.SERVER_URL\": \"coaps://lw.example.com\", "
	    "\"warden.BINDING\": \"lwm2m\"", "PROVISIONING_ADMIN_EXTRAS_BUNDLE."
	    "warden.SERVER_CERT_SHA256: required for coaps without a PSK");
	expect_qr_error("", "\"warden.SERVER_URL\": \"coaps://lw.example.com\", "
	    "\"warden.BINDING\": \"lwm2m\", \"warden.PSK_IDENTITY\": \"dev1\"",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.PSK_KEY: required with a "
	    "PSK identity");
	expect_qr_error("", "\"warden.SERVER_URL\": \"coaps://lw.example.com\", "
	    "\"warden.BINDING\": \"lwm2m\", \"warden.PSK_KEY\": \"0011\"",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.PSK_IDENTITY: required "
	    "with a PSK key");
	expect_qr_error("", BASE_BUNDLE ", \"warden.LWM2M_BOOTSTRAP\": \"true\"",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.LWM2M_BOOTSTRAP: only for "
	    "binding lwm2m");
	expect_qr_error("", BASE_BUNDLE ", \"warden.BINDING\": \"mqtt\"",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.BINDING: not rest or "
	    "lwm2m");
	expect_qr_error("", "\"warden.SERVER_URL\": \"coaps://lw.example.com\", "
	    "\"warden.BINDING\": \"lwm2m\", \"warden.PSK_IDENTITY\": \"d\", "
	    "\"warden.PSK_KEY\": \"0g\"", "PROVISIONING_ADMIN_EXTRAS_BUNDLE."
	    "warden.PSK_KEY: not hex digits or base64:...");
	s = qr("", "\"warden.SERVER_URL\": \"coap://127.0.0.1:5683\", "
	    "\"warden.BINDING\": \"lwm2m\"");
	expect_error(s, "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.SERVER_URL: "
	    "coap:// (no DTLS) is not allowed");
	prov_defaults_init(&defs);
	defs.allow_nosec = true;
	parse_ok(s, strlen(s), &defs, &r);
	assert_string_equal(r.server_url, "coap://127.0.0.1:5683");
	free(s);
	s = qr("", "\"warden.SERVER_URL\": \"coaps://lw.example.com\", "
	    "\"warden.BINDING\": \"lwm2m\", \"warden.PSK_IDENTITY\": \"d\", "
	    "\"warden.PSK_KEY\": \"base64:AAECAw==\"");
	parse_ok(s, strlen(s), NULL, &r);
	assert_int_equal(r.psk_key_len, 4);
	assert_int_equal(r.psk_key[3], 3);
	free(s);
}

static void
test_pin_errors(void **state)
{
	(void)state;
	expect_qr_error("", "\"warden.SERVER_URL\": \"https://a.example\", "
	    "\"warden.ENROLLMENT_TOKEN\": \"t\", \"warden.SERVER_CERT_SHA256\":"
	    " \"n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCg\"",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.SERVER_CERT_SHA256: wrong "
	    "length: 42 characters decode to 31 bytes, not 32 (SHA-256: 43 "
	    "characters, 44 padded)");
	/* Padded, right alphabet, wrong length: the length is the fault. */
	expect_qr_error("", "\"warden.SERVER_URL\": \"https://a.example\", "
	    "\"warden.ENROLLMENT_TOKEN\": \"t\", \"warden.SERVER_CERT_SHA256\":"
	    " \"n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCg=\"",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.SERVER_CERT_SHA256: wrong "
	    "length: 42 characters and 1 '=' are not a whole base64 quantum "
	    "(a multiple of 4)");
	expect_qr_error("", "\"warden.SERVER_URL\": \"https://a.example\", "
	    "\"warden.ENROLLMENT_TOKEN\": \"t\", \"warden.SERVER_CERT_SHA256\":"
	    " \"n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg=x\"",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.SERVER_CERT_SHA256: '=' "
	    "padding at character 44 is followed by more data");
	expect_qr_error("", "\"warden.SERVER_URL\": \"https://a.example\", "
	    "\"warden.ENROLLMENT_TOKEN\": \"t\", \"warden.SERVER_CERT_SHA256\":"
	    " \"n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg\"",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.SERVER_CERT_SHA256: "
	    "character 14 is '+', standard base64: the URL-safe alphabet has "
	    "'-' and '_' instead");
	/* A hex fingerprint one digit short is neither hex nor base64. */
	expect_qr_error("", "\"warden.SERVER_URL\": \"https://a.example\", "
	    "\"warden.ENROLLMENT_TOKEN\": \"t\", \"warden.SERVER_CERT_SHA256\":"
	    " \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f0"
	    "0a0\"", "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.SERVER_CERT_"
	    "SHA256: wrong length: 63 characters decode to 47 bytes, not 32 "
	    "(SHA-256: 43 characters, 44 padded)");
	expect_qr_error("", "\"warden.SERVER_URL\": \"https://a.example\", "
	    "\"warden.ENROLLMENT_TOKEN\": \"t\", \"warden.SERVER_CERT_SHA256\":"
	    " \"9F:86:D0:81:88:4C:7D:65:9A:2F:EA:A0:C5:5A:D0:15:A3:BF:4F:1B:2B:"
	    "0B:82:2C:D1:5D:6C:15:B0:F0:0A;08\"", "PROVISIONING_ADMIN_EXTRAS_"
	    "BUNDLE.warden.SERVER_CERT_SHA256: character 3 (':') is not in "
	    "the URL-safe base64 alphabet");
	expect_qr_error("", "\"warden.SERVER_URL\": \"https://a.example\", "
	    "\"warden.ENROLLMENT_TOKEN\": \"t\"", "PROVISIONING_ADMIN_EXTRAS_"
	    "BUNDLE.warden.SERVER_CERT_SHA256: required");
}

static void
test_pin_hex_forms(void **state)
{
	static const char *forms[] = {
		"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"9F:86:D0:81:88:4C:7D:65:9A:2F:EA:A0:C5:5A:D0:15:A3:BF:4F:1B:2B:"
		    "0B:82:2C:D1:5D:6C:15:B0:F0:0A:08",
		PIN, PIN "=",
	};
	struct prov_request r;
	char bundle[512];
	char *s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		snprintf(bundle, sizeof(bundle), "\"warden.SERVER_URL\": "
		    "\"https://a.example\", \"warden.ENROLLMENT_TOKEN\": \"t\", "
		    "\"warden.SERVER_CERT_SHA256\": \"%s\"", forms[i]);
		s = qr("", bundle);
		parse_ok(s, strlen(s), NULL, &r);
		assert_memory_equal(r.server_pin, pin_bytes, 32);
		free(s);
	}
}

static void
test_token_and_mode_errors(void **state)
{
	(void)state;
	expect_qr_error("", "\"warden.SERVER_URL\": \"https://a.example\", "
	    "\"warden.SERVER_CERT_SHA256\": \"" PIN "\"",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.ENROLLMENT_TOKEN: "
	    "required");
	expect_qr_error("", "\"warden.SERVER_URL\": \"https://a.example\", "
	    "\"warden.ENROLLMENT_TOKEN\": \"abc def\", "
	    "\"warden.SERVER_CERT_SHA256\": \"" PIN "\"",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.ENROLLMENT_TOKEN: bad "
	    "character at offset 3");
	expect_qr_error("", BASE_BUNDLE ", \"warden.MODE\": \"KIOSK\"",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.MODE: not FULLY_MANAGED, "
	    "DEDICATED, WORK_PROFILE_COMPANY_OWNED or WORK_PROFILE_PERSONAL");
	expect_qr_error("", BASE_BUNDLE ", \"warden.MODE\": 3",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.MODE: not a string");
}

static void
test_structure_errors(void **state)
{
	(void)state;
	expect_error("[1]", "qr: not a JSON object");
	expect_error("{\"a\": 1", "qr: not valid JSON (at offset 6)");
	expect_error("{} x", "qr: trailing data at offset 3");
	expect_error("", "qr: not valid JSON (at offset 0)");
	expect_qr_error(WIFI_SSID ": \"a\", " WIFI_SSID ": \"b\"", BASE_BUNDLE,
	    "android.app.extra.PROVISIONING_WIFI_SSID: duplicate key");
	expect_qr_error("", BASE_BUNDLE ", \"warden.MODE\": \"DEDICATED\", "
	    "\"warden.MODE\": \"FULLY_MANAGED\"", "PROVISIONING_ADMIN_EXTRAS_"
	    "BUNDLE.warden.MODE: duplicate key");
	/* The same setting under its long and short names. */
	expect_qr_error(WIFI_SSID ": \"a\", \"a.a.e.PWS\": \"b\"", BASE_BUNDLE,
	    "PROVISIONING_WIFI_SSID: given twice");
	expect_qr_error("\"warden.SERVER_URL\": \"https://a.example\"",
	    BASE_BUNDLE, "warden.SERVER_URL: belongs in PROVISIONING_ADMIN_"
	    "EXTRAS_BUNDLE");
	expect_qr_error("", BASE_BUNDLE ", \"warden.SERVER\": \"x\"",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.SERVER: unknown warden "
	    "key");
	expect_error("{" BUNDLE_KEY ": \"warden.SERVER_URL=x\"}",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE: not an object");
	expect_qr_error("\"com.example.blob\": {\"a\": 1}", BASE_BUNDLE,
	    "com.example.blob: unknown key with a nested value");
	/* The bundle under its long and short names. */
	expect_qr_error("\"a.a.e.PAEB\": {\"warden.MODE\": \"DEDICATED\"}",
	    BASE_BUNDLE, "PROVISIONING_ADMIN_EXTRAS_BUNDLE: given twice");
}

static void
test_nested_bundle_bombs(void **state)
{
	char *deep, *p;
	int i;

	(void)state;
	expect_qr_error("", BASE_BUNDLE ", \"inner\": {\"warden.MODE\": "
	    "\"DEDICATED\"}", "PROVISIONING_ADMIN_EXTRAS_BUNDLE.inner: nested "
	    "bundle not allowed (one level)");
	expect_qr_error("", BASE_BUNDLE ", \"list\": [1, 2]",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.list: nested bundle not allowed "
	    "(one level)");
	/* 500 levels: within cJSON's limit, far beyond ours. */
	deep = malloc(4096);
	assert_non_null(deep);
	p = deep + sprintf(deep, "{" BUNDLE_KEY ": {\"x\": ");
	for (i = 0; i < 500; i++)
		*p++ = '[';
	for (i = 0; i < 500; i++)
		*p++ = ']';
	strcpy(p, "}}");
	expect_error(deep, "qr: nested deeper than 3 levels");
	/* 1500 levels: cJSON gives up first; rejected all the same. */
	p = deep + sprintf(deep, "{\"x\": ");
	for (i = 0; i < 1500; i++)
		*p++ = '[';
	*p = '\0';
	expect_error(deep, "qr: not valid JSON (at offset 1005)");
	free(deep);
}

static void
test_bytes_errors(void **state)
{
	char buf[PROV_QR_MAX + 2];
	char *s;

	(void)state;
	s = qr(WIFI_SSID ": \"caf\xc3\xa9\"", BASE_BUNDLE);
	free(s);
	s = qr(WIFI_SSID ": \"caf\xe9\"", BASE_BUNDLE);
	expect_error(s, "qr: invalid UTF-8 at offset 49");
	free(s);
	s = qr(WIFI_SSID ": \"\xed\xa0\x80\"", BASE_BUNDLE);
	expect_error(s, "qr: invalid UTF-8 at offset 46");
	free(s);
	s = qr(WIFI_SSID ": \"caf\\u0000e\"", BASE_BUNDLE);
	expect_error(s, "qr: escaped NUL (\\u0000) at offset 49");
	free(s);
	s = qr(WIFI_SSID ": \"ab\"", BASE_BUNDLE);
	s[46] = '\0';
	expect_error_defs(s, strlen(s) + 1 + strlen(s + 47), NULL,
	    "qr: NUL byte at offset 46");
	free(s);
	s = qr(WIFI_SSID ": \"a\tb\"", BASE_BUNDLE);
	expect_error(s, "qr: control character at offset 47");
	free(s);
	s = qr(WIFI_SSID ": \"a\\u0007b\"", BASE_BUNDLE);
	expect_error(s, "PROVISIONING_WIFI_SSID: contains a control character");
	free(s);
	memset(buf, ' ', sizeof(buf));
	buf[0] = '{';
	buf[PROV_QR_MAX] = '}';
	expect_error_defs(buf, PROV_QR_MAX + 1, NULL,
	    "qr: longer than 4096 bytes");
}

static void
test_wrong_types(void **state)
{
	(void)state;
	expect_qr_error(WIFI_SSID ": 42", BASE_BUNDLE,
	    "PROVISIONING_WIFI_SSID: not a string");
	expect_qr_error(WIFI_SSID ": \"x\", \"android.app.extra.PROVISIONING_"
	    "WIFI_HIDDEN\": \"yes\"", BASE_BUNDLE,
	    "PROVISIONING_WIFI_HIDDEN: not a boolean (true or false)");
	expect_qr_error(WIFI_SSID ": \"x\", \"android.app.extra.PROVISIONING_"
	    "WIFI_HIDDEN\": 1", BASE_BUNDLE,
	    "PROVISIONING_WIFI_HIDDEN: not a boolean");
	expect_qr_error("\"android.app.extra.PROVISIONING_LOCAL_TIME\": -5",
	    BASE_BUNDLE, "PROVISIONING_LOCAL_TIME: not a non-negative integer");
	expect_qr_error("\"android.app.extra.PROVISIONING_LOCAL_TIME\": 1.5",
	    BASE_BUNDLE, "PROVISIONING_LOCAL_TIME: not a non-negative integer");
	expect_qr_error("\"android.app.extra.PROVISIONING_LOCAL_TIME\": "
	    "\"99999999999999999\"", BASE_BUNDLE, "PROVISIONING_LOCAL_TIME: "
	    "out of range (0 to 253402300799999)");
	expect_qr_error("\"android.app.extra.PROVISIONING_LOCALE\": null",
	    BASE_BUNDLE, "PROVISIONING_LOCALE: not a string");
	expect_qr_error("", BASE_BUNDLE ", \"warden.LWM2M_BOOTSTRAP\": [true]",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.LWM2M_BOOTSTRAP: not a "
	    "boolean");
}

static void
test_setup_errors(void **state)
{
	(void)state;
	expect_qr_error("\"android.app.extra.PROVISIONING_LOCALE\": "
	    "\"english\"", BASE_BUNDLE,
	    "PROVISIONING_LOCALE: not a locale like en_US");
	expect_qr_error("\"android.app.extra.PROVISIONING_LOCALE\": \"en-US\"",
	    BASE_BUNDLE, "PROVISIONING_LOCALE: not a locale like en_US");
	expect_qr_error("\"android.app.extra.PROVISIONING_TIME_ZONE\": "
	    "\"../../etc/shadow\"", BASE_BUNDLE, "PROVISIONING_TIME_ZONE: not "
	    "a time zone name like Europe/Berlin");
	expect_qr_error("\"android.app.extra.PROVISIONING_TIME_ZONE\": "
	    "\"/etc/localtime\"", BASE_BUNDLE, "PROVISIONING_TIME_ZONE: not a "
	    "time zone name like Europe/Berlin");
	expect_qr_error("\"android.app.extra.PROVISIONING_SUPPORT_URL\": "
	    "\"javascript:alert(1)\"", BASE_BUNDLE,
	    "PROVISIONING_SUPPORT_URL: not an http or https URL");
	expect_qr_error("\"android.app.extra.PROVISIONING_DEVICE_ADMIN_"
	    "COMPONENT_NAME\": \"warden\"", BASE_BUNDLE,
	    "PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME: not a component name "
	    "like com.example/.Receiver");
	expect_qr_error("\"android.app.extra.PROVISIONING_DEVICE_ADMIN_"
	    "PACKAGE_CHECKSUM\": \"AAAA\"", BASE_BUNDLE,
	    "PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM: wrong length: 4 "
	    "characters decode to 3 bytes, not 32 (SHA-256: 43 characters, 44 "
	    "padded) or 20 (SHA-1)");
}

static void
test_wifi_errors(void **state)
{
	char ssid33[128];

	(void)state;
	expect_qr_error("\"android.app.extra.PROVISIONING_WIFI_PASSWORD\": "
	    "\"secret-pass\"", BASE_BUNDLE,
	    "PROVISIONING_WIFI_SSID: required with the other Wi-Fi settings");
	expect_qr_error(WIFI_SSID ": \"x\", \"a.a.e.PWP\": \"short\"",
	    BASE_BUNDLE, "PROVISIONING_WIFI_PASSWORD: not a WPA passphrase (8 "
	    "to 63 characters, or 64 hex digits)");
	expect_qr_error(WIFI_SSID ": \"x\", \"a.a.e.PWST\": \"WPA\"",
	    BASE_BUNDLE, "PROVISIONING_WIFI_PASSWORD: required for security "
	    "type WPA");
	expect_qr_error(WIFI_SSID ": \"x\", \"a.a.e.PWST\": \"NONE\", "
	    "\"a.a.e.PWP\": \"password1\"", BASE_BUNDLE,
	    "PROVISIONING_WIFI_PASSWORD: not allowed with security type NONE");
	expect_qr_error(WIFI_SSID ": \"x\", \"a.a.e.PWST\": \"WEP\", "
	    "\"a.a.e.PWP\": \"abcdef\"", BASE_BUNDLE,
	    "PROVISIONING_WIFI_PASSWORD: not a WEP key (5, 13 or 16 "
	    "characters, or 10, 26 or 32 hex digits)");
	expect_qr_error(WIFI_SSID ": \"x\", \"a.a.e.PWST\": \"WPA4\"",
	    BASE_BUNDLE, "PROVISIONING_WIFI_SECURITY_TYPE: not NONE, WEP, WPA, "
	    "WPA2, WPA3 or EAP");
	expect_qr_error(WIFI_SSID ": \"x\", \"a.a.e.PWST\": \"EAP\"",
	    BASE_BUNDLE, "PROVISIONING_WIFI_EAP_METHOD: required for security "
	    "type EAP");
	expect_qr_error(WIFI_SSID ": \"x\", \"a.a.e.PWP\": \"password1\", "
	    "\"a.a.e.PWI\": \"bob\"", BASE_BUNDLE,
	    "PROVISIONING_WIFI_IDENTITY: only for security type EAP");
	expect_qr_error(WIFI_SSID ": \"x\", \"a.a.e.PWPRP\": 3128",
	    BASE_BUNDLE, "PROVISIONING_WIFI_PROXY_PORT: needs a proxy host");
	expect_qr_error(WIFI_SSID ": \"x\", \"a.a.e.PWPRP\": 70000",
	    BASE_BUNDLE, "PROVISIONING_WIFI_PROXY_PORT: out of range (1 to "
	    "65535)");
	snprintf(ssid33, sizeof(ssid33), WIFI_SSID ": \"%s\"",
	    "123456789012345678901234567890123");
	expect_qr_error(ssid33, BASE_BUNDLE,
	    "PROVISIONING_WIFI_SSID: longer than 32 bytes");
}

static void
test_wifi_eap_and_defaults(void **state)
{
	struct prov_request r;
	char *s;

	(void)state;
	/* Open network: no type, no password. */
	s = qr(WIFI_SSID ": \"Guest\", \"a.a.e.PWP\": \"\"", BASE_BUNDLE);
	parse_ok(s, strlen(s), NULL, &r);
	assert_string_equal(r.wifi.security, "NONE");
	free(s);
	s = qr(WIFI_SSID ": \"Corp\", \"a.a.e.PWST\": \"EAP\", \"a.a.e.PWEM\": "
	    "\"PEAP\", \"a.a.e.PWPA\": \"MSCHAPV2\", \"a.a.e.PWI\": \"alice\", "
	    "\"a.a.e.PWAI\": \"anon\", \"a.a.e.PWD\": \"corp.example\", "
	    "\"a.a.e.PWP\": \"pw\", \"a.a.e.PWCC\": \"MIIB\\nAAA=\", "
	    "\"a.a.e.PWPH\": \"proxy.corp.example\", \"a.a.e.PWPRP\": \"3128\", "
	    "\"a.a.e.PWPB\": \"*.corp.example,localhost\", "
	    "\"a.a.e.PWPU\": \"https://corp.example/proxy.pac\"", BASE_BUNDLE);
	parse_ok(s, strlen(s), NULL, &r);
	assert_string_equal(r.wifi.eap_method, "PEAP");
	assert_string_equal(r.wifi_phase2_auth, "MSCHAPV2");
	assert_string_equal(r.wifi.identity, "alice");
	assert_string_equal(r.wifi.anonymous_identity, "anon");
	assert_string_equal(r.wifi.domain, "corp.example");
	assert_int_equal(r.wifi_ca_cert_len, 5);
	assert_int_equal(r.wifi_ca_cert[0], 0x30);
	assert_string_equal(r.wifi.ca_cert, "");
	assert_string_equal(r.wifi_proxy_host, "proxy.corp.example");
	assert_int_equal(r.wifi_proxy_port, 3128);
	assert_string_equal(r.wifi_proxy_bypass, "*.corp.example,localhost");
	assert_string_equal(r.wifi_pac_url, "https://corp.example/proxy.pac");
	free(s);
}

static void
test_default_server_problems(void **state)
{
	struct prov_defaults defs;
	char longurl[PROV_URL_MAX + 2];
	char *s = qr("", "\"warden.ENROLLMENT_TOKEN\": \"t\"");

	(void)state;
	prov_defaults_init(&defs);
	defs.server_url = "http://mdm.example.com";
	expect_error_defs(s, strlen(s), &defs,
	    "defaults.serverUrl: not an https or coaps URL");
	defs.server_url = "https://mdm.example.com";
	expect_error_defs(s, strlen(s), &defs, "PROVISIONING_ADMIN_EXTRAS_"
	    "BUNDLE.warden.SERVER_CERT_SHA256: required");
	/* Too long is an error, not a shorter (and different) URL. */
	memset(longurl, 'a', sizeof(longurl) - 1);
	memcpy(longurl, "https://x.example/", 18);
	longurl[sizeof(longurl) - 1] = '\0';
	defs.server_url = longurl;
	expect_error_defs(s, strlen(s), &defs,
	    "defaults.serverUrl: longer than 512 bytes");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_warden_sample),
		cmocka_unit_test(test_testdpc_sample_needs_a_server),
		cmocka_unit_test(test_headwind_string_booleans),
		cmocka_unit_test(test_short_aliases_lwm2m),
		cmocka_unit_test(test_clouddpc_token_with_default_server),
		cmocka_unit_test(test_clouddpc_token_with_own_server),
		cmocka_unit_test(test_unknown_keys_ignored_and_listed),
		cmocka_unit_test(test_ignored_list_is_bounded),
		cmocka_unit_test(test_server_url_errors),
		cmocka_unit_test(test_server_url_accepted_forms),
		cmocka_unit_test(test_lwm2m_rules),
		cmocka_unit_test(test_pin_errors),
		cmocka_unit_test(test_pin_hex_forms),
		cmocka_unit_test(test_token_and_mode_errors),
		cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_nested_bundle_bombs),
		cmocka_unit_test(test_bytes_errors),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_setup_errors),
		cmocka_unit_test(test_wifi_errors),
		cmocka_unit_test(test_wifi_eap_and_defaults),
		cmocka_unit_test(test_default_server_problems),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
