/*
 * test_provision_fields.c - the key tables and the text-to-field
 * conversions every input shares.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "agent/provision/provision.h"

static void
test_android_key_spellings(void **state)
{
	const struct prov_key *a, *b, *c;

	(void)state;
	a = prov_key_android("android.app.extra.PROVISIONING_WIFI_SSID");
	b = prov_key_android("a.a.e.PROVISIONING_WIFI_SSID");
	c = prov_key_android("a.a.e.PWS");
	assert_non_null(a);
	assert_ptr_equal(a, b);
	assert_ptr_equal(a, c);
	assert_string_equal(a->name, "PROVISIONING_WIFI_SSID");
	assert_int_equal(a->field, PROV_F_WIFI_SSID);
	assert_int_equal(a->kind, PROV_K_STRING);
	/* The short form only after "a.a.e.". */
	assert_null(prov_key_android("android.app.extra.PWS"));
	assert_null(prov_key_android("PROVISIONING_WIFI_SSID"));
	assert_null(prov_key_android("android.app.extra.provisioning_wifi_ssid"));
	assert_int_equal(prov_key_android("a.a.e.PAEB")->field,
	    PROV_F_EXTRAS_BUNDLE);
	assert_int_equal(prov_key_android("a.a.e.PWPRP")->kind, PROV_K_INT);
	assert_int_equal(prov_key_android("a.a.e.PLASAE")->kind, PROV_K_BOOL);
	assert_int_equal(prov_key_android(
	    "android.app.extra.PROVISIONING_KEEP_SCREEN_ON")->field,
	    PROV_F_NONE);
}

static void
test_warden_keys_and_store_names(void **state)
{
	const struct prov_key *k;
	int f;

	(void)state;
	k = prov_key_warden("warden.SERVER_CERT_SHA256");
	assert_non_null(k);
	assert_int_equal(k->field, PROV_F_PIN);
	assert_null(prov_key_warden("warden.server_url"));
	assert_ptr_equal(prov_key_for_field(PROV_F_MODE),
	    prov_key_warden("warden.MODE"));
	assert_null(prov_key_for_field(PROV_F_NONE));
	assert_string_equal(prov_field_store_name(PROV_F_WIFI_PAC_URL),
	    "wifi.pacUrl");
	assert_int_equal(prov_field_by_store_name("wifi.proxyPort"),
	    PROV_F_WIFI_PROXY_PORT);
	assert_int_equal(prov_field_by_store_name("nothing"), PROV_F_NONE);
	/* Every stored field reads back under its own name, and every
	 * field but Google's token and the bundle has a key. */
	for (f = PROV_F_NONE + 1; f < PROV_F_COUNT; f++) {
		const char *name = prov_field_store_name((enum prov_field)f);
		if (f == PROV_F_CLOUDDPC_TOKEN || f == PROV_F_EXTRAS_BUNDLE) {
			assert_null(name);
			continue;
		}
		assert_non_null(name);
		assert_int_equal(prov_field_by_store_name(name), f);
		assert_non_null(prov_key_for_field((enum prov_field)f));
	}
	assert_true(prov_field_secret(PROV_F_WIFI_USER_CERT));
	assert_false(prov_field_secret(PROV_F_WIFI_CA_CERT));
}

static int
set(struct prov_parse *ps, enum prov_field f, const char *v, char *err,
    size_t errlen)
{
	return prov_parse_set(ps, f, "k", v, strlen(v), err, errlen);
}

static void
test_setters(void **state)
{
	struct prov_request r;
	struct prov_parse ps;
	char err[256], hex[2 * PROV_PSK_KEY_MAX + 4];

	(void)state;
	prov_parse_begin(&ps, &r, NULL, PROV_SRC_QR);
	assert_int_equal(set(&ps, PROV_F_WIFI_HIDDEN, "TRUE", err,
	    sizeof(err)), 0);
	assert_true(r.wifi.hidden);
	assert_int_equal(set(&ps, PROV_F_WIFI_HIDDEN, "false", err,
	    sizeof(err)), -1);
	assert_string_equal(err, "k: given twice");
	assert_int_equal(set(&ps, PROV_F_PSK_KEY, "abc", err, sizeof(err)), -1);
	assert_string_equal(err, "k: not hex digits (odd length) or base64:...");
	ps.seen[PROV_F_PSK_KEY] = false;
	assert_int_equal(set(&ps, PROV_F_PSK_KEY, "base64:", err, sizeof(err)),
	    -1);
	assert_string_equal(err, "k: not base64");
	ps.seen[PROV_F_PSK_KEY] = false;
	assert_int_equal(set(&ps, PROV_F_PSK_KEY, "base64:AQID+A", err,
	    sizeof(err)), 0);
	assert_int_equal(r.psk_key_len, 4);
	assert_int_equal(r.psk_key[3], 0xf8);
	ps.seen[PROV_F_PSK_KEY] = false;
	memset(hex, '0', 2 * PROV_PSK_KEY_MAX + 2);
	hex[2 * PROV_PSK_KEY_MAX + 2] = '\0';
	assert_int_equal(set(&ps, PROV_F_PSK_KEY, hex, err, sizeof(err)), -1);
	assert_string_equal(err, "k: longer than 64 bytes");
	assert_int_equal(set(&ps, PROV_F_PKG_CHECKSUM,
	    "2jmj7l5rSw0yVb_vlWAYkK_YBwk=", err, sizeof(err)), 0);
	assert_int_equal(r.package_checksum_len, 20);
	assert_int_equal(set(&ps, PROV_F_SIG_CHECKSUM,
	    "2jmj7l5rSw0yVb_vlWAYkK_YBwk", err, sizeof(err)), -1);
	assert_string_equal(err, "k: wrong length: 27 characters decode to "
	    "20 bytes, not 32 (SHA-256: 43 characters, 44 padded)");
	assert_int_equal(set(&ps, PROV_F_WIFI_PROXY_PORT, "+80", err,
	    sizeof(err)), -1);
	assert_string_equal(err, "k: not a non-negative integer");
	assert_int_equal(set(&ps, PROV_F_WIFI_EAP_METHOD, "peap", err,
	    sizeof(err)), -1);
	assert_string_equal(err,
	    "k: not PEAP, TLS, TTLS, PWD, SIM, AKA or AKA_PRIME");
	assert_int_equal(prov_parse_set(&ps, PROV_F_WIFI_SSID, "k", "a\0b", 3,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "k: contains a NUL byte");
	assert_int_equal(prov_parse_set(&ps, PROV_F_LOCALE, "k", "\xc0\xaf", 2,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "k: not valid UTF-8");
	assert_int_equal(set(&ps, PROV_F_EXTRAS_BUNDLE, "x", err, sizeof(err)),
	    -1);
	assert_string_equal(err, "k: not a single value");
	/* "" is "not given". */
	assert_int_equal(set(&ps, PROV_F_TIME_ZONE, "", err, sizeof(err)), 0);
	assert_string_equal(r.time_zone, "");
	assert_int_equal(set(&ps, PROV_F_NONE, "anything", err, sizeof(err)),
	    0);
	prov_parse_abort(&ps);
}

static void
test_cert_bounds(void **state)
{
	static char b64[PROV_CERT_MAX / 3 * 4 + 16];
	struct prov_request r;
	struct prov_parse ps;
	char err[256];

	(void)state;
	memset(b64, 'A', PROV_CERT_MAX / 3 * 4);
	b64[PROV_CERT_MAX / 3 * 4] = '\0';
	prov_parse_begin(&ps, &r, NULL, PROV_SRC_QR);
	assert_int_equal(set(&ps, PROV_F_WIFI_CA_CERT, b64, err, sizeof(err)),
	    0);
	assert_int_equal(r.wifi_ca_cert_len, PROV_CERT_MAX);
	strcat(b64, "AA");
	assert_int_equal(set(&ps, PROV_F_WIFI_USER_CERT, b64, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "k: longer than 3072 bytes decoded");
	prov_parse_abort(&ps);
}

static void
test_utf8_check(void **state)
{
	(void)state;
	assert_int_equal(prov_utf8_check("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
	    10), 10);
	assert_int_equal(prov_utf8_check("ab\xc0\x80", 4), 2);    /* overlong */
	assert_int_equal(prov_utf8_check("\xe0\x80\x80", 3), 0);  /* overlong */
	assert_int_equal(prov_utf8_check("\xed\xa0\x80", 3), 0);  /* surrogate */
	assert_int_equal(prov_utf8_check("\xf4\x90\x80\x80", 4), 0);
	assert_int_equal(prov_utf8_check("x\xe2\x82", 3), 1);     /* truncated */
	assert_int_equal(prov_utf8_check("\x80", 1), 0);
	assert_int_equal(prov_utf8_check("\xf5\x80\x80\x80", 4), 0);
}

static void
test_field_text(void **state)
{
	struct prov_request r;
	const char *text;
	char buf[8];

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(prov_field_text(&r, PROV_F_SERVER_URL, buf,
	    sizeof(buf), &text), 0);
	assert_null(text);
	assert_int_equal(prov_field_text(&r, PROV_F_MODE, buf, sizeof(buf),
	    &text), -1);
	assert_int_equal(prov_field_text(&r, PROV_F_BINDING, buf, sizeof(buf),
	    &text), 1);
	assert_string_equal(text, "rest");
	r.wifi_proxy_port = 65535;
	assert_int_equal(prov_field_text(&r, PROV_F_WIFI_PROXY_PORT, buf,
	    sizeof(buf), &text), 1);
	assert_string_equal(text, "65535");
	assert_int_equal(prov_field_text(&r, PROV_F_WIFI_HIDDEN, buf,
	    sizeof(buf), &text), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_android_key_spellings),
		cmocka_unit_test(test_warden_keys_and_store_names),
		cmocka_unit_test(test_setters),
		cmocka_unit_test(test_cert_bounds),
		cmocka_unit_test(test_utf8_check),
		cmocka_unit_test(test_field_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
