/*
 * test_provision_properties.c - java.util.Properties as Android's NFC
 * provisioning carries it: the reader's Java semantics, the mapping onto
 * a request, and the writer's round trip.
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
#define PFX "android.app.extra."
#define BUNDLE PFX "PROVISIONING_ADMIN_EXTRAS_BUNDLE="
#define BASE_BUNDLE BUNDLE "warden.SERVER_URL\\=https\\://a.example\\n" \
	"warden.ENROLLMENT_TOKEN\\=tok\\nwarden.SERVER_CERT_SHA256\\=" PIN "\n"

static void
props_ok(const char *text, struct prov_props *p)
{
	char err[256] = "";

	if (prov_props_parse(text, strlen(text), "properties", p, err,
	    sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
}

static void
expect_entry(const struct prov_props *p, size_t i, const char *key,
    const char *val)
{
	assert_true(i < p->n);
	assert_string_equal(p->e[i].key, key);
	assert_int_equal(p->e[i].klen, strlen(key));
	assert_string_equal(p->e[i].val, val);
	assert_int_equal(p->e[i].vlen, strlen(val));
}

static void
expect_props_error(const char *text, size_t len, const char *want)
{
	struct prov_props p;
	char err[256] = "";

	assert_int_equal(prov_props_parse(text, len, "properties", &p, err,
	    sizeof(err)), -1);
	assert_string_equal(err, want);
	assert_null(p.arena);
	assert_int_equal(p.n, 0);
}

static void
test_separators(void **state)
{
	struct prov_props p;

	(void)state;
	props_ok("a=1\nb:2\nc 3\nd\ne\t = = x \nf:=v\ng\f\fh", &p);
	assert_int_equal(p.n, 7);
	expect_entry(&p, 0, "a", "1");
	expect_entry(&p, 1, "b", "2");
	expect_entry(&p, 2, "c", "3");
	expect_entry(&p, 3, "d", "");
	expect_entry(&p, 4, "e", "= x ");
	expect_entry(&p, 5, "f", "=v");
	expect_entry(&p, 6, "g", "h");
	prov_props_free(&p);
}

static void
test_comments_and_blank_lines(void **state)
{
	struct prov_props p;

	(void)state;
	props_ok("# comment\n! other\n   # indented\n \t\f\n\nk=v\n#end \\\n"
	    "x=y", &p);
	assert_int_equal(p.n, 2);
	expect_entry(&p, 0, "k", "v");
	expect_entry(&p, 1, "x", "y");
	prov_props_free(&p);
}

static void
test_escapes(void **state)
{
	struct prov_props p;

	(void)state;
	props_ok("k\\ ey\\:x\\=y=v\\tal\\nue\\r\\f\\\\\\=\\#\\!\\q\n"
	    "\\ lead=\\ space\nu=\\u00e9\\u20AC\\uD83D\\uDE00 caf\xc3\xa9", &p);
	assert_int_equal(p.n, 3);
	expect_entry(&p, 0, "k ey:x=y", "v\tal\nue\r\f\\=#!q");
	expect_entry(&p, 1, " lead", " space");
	expect_entry(&p, 2, "u", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 caf"
	    "\xc3\xa9");
	prov_props_free(&p);
}

static void
test_continuations(void **state)
{
	struct prov_props p;

	(void)state;
	/* Odd backslashes continue; leading white space is dropped. */
	props_ok("k=a\\\n    b\\\n\t\fc\nn=2\n", &p);
	expect_entry(&p, 0, "k", "abc");
	expect_entry(&p, 1, "n", "2");
	prov_props_free(&p);
	/* Even backslashes do not. */
	props_ok("k=a\\\\\nm=1", &p);
	expect_entry(&p, 0, "k", "a\\");
	expect_entry(&p, 1, "m", "1");
	prov_props_free(&p);
	/* CR LF, a continuation into the end, into a '#' line, and into
	 * an empty line (which ends the logical line). */
	props_ok("k=a\\\r\n  b\r\nx=1\\", &p);
	expect_entry(&p, 0, "k", "ab");
	expect_entry(&p, 1, "x", "1");
	prov_props_free(&p);
	props_ok("k=a\\\n#b\nm=\\\n\nz=3", &p);
	assert_int_equal(p.n, 3);
	expect_entry(&p, 0, "k", "a#b");
	expect_entry(&p, 1, "m", "");
	expect_entry(&p, 2, "z", "3");
	prov_props_free(&p);
	/* A key can continue too. */
	props_ok("lo\\\n  ng=v", &p);
	expect_entry(&p, 0, "long", "v");
	prov_props_free(&p);
}

static void
test_line_ends(void **state)
{
	struct prov_props p;

	(void)state;
	props_ok("a=1\r\nb=2\rc=3\n\r\nd=4", &p);
	assert_int_equal(p.n, 4);
	expect_entry(&p, 0, "a", "1");
	expect_entry(&p, 1, "b", "2");
	expect_entry(&p, 2, "c", "3");
	expect_entry(&p, 3, "d", "4");
	prov_props_free(&p);
	props_ok("", &p);
	assert_int_equal(p.n, 0);
	prov_props_free(&p);
}

static void
test_reader_errors(void **state)
{
	char big[PROV_PROPS_MAX + 2];
	char many[2048] = "";
	int i;

	(void)state;
	expect_props_error("k=\\u00g1", 8,
	    "properties: line 1: malformed \\uXXXX escape");
	expect_props_error("a=1\r\nb=2\rc=\\u12", 15,
	    "properties: line 3: malformed \\uXXXX escape");
	expect_props_error("# x\n\nk=\\uD83Dx", 14,
	    "properties: line 3: unpaired surrogate in a \\uXXXX escape");
	expect_props_error("k=\\uDE00", 8,
	    "properties: line 1: unpaired surrogate in a \\uXXXX escape");
	expect_props_error("k=\\uD83D\\u0041", 14,
	    "properties: line 1: unpaired surrogate in a \\uXXXX escape");
	expect_props_error("k=\\u0000", 8,
	    "properties: line 1: escaped NUL (\\u0000)");
	expect_props_error("a=1\nb=2\na=3", 11,
	    "properties: line 3: duplicate key a");
	expect_props_error("k=\xff", 3, "properties: invalid UTF-8 at offset 2");
	expect_props_error("k=a\0b", 5, "properties: NUL byte at offset 3");
	for (i = 0; i < PROV_PROPS_ENTRIES + 1; i++)
		sprintf(many + strlen(many), "k%d=v\n", i);
	expect_props_error(many, strlen(many), "properties: more than 64 keys");
	memset(big, 'x', sizeof(big));
	expect_props_error(big, PROV_PROPS_MAX + 1,
	    "properties: longer than 8192 bytes");
}

static void
from_props_ok(const char *text, size_t len, const struct prov_defaults *d,
    struct prov_request *r)
{
	char err[256] = "";

	if (prov_from_properties(text, len, d, r, err, sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
}

static void
expect_from_props_error(const char *text, const char *want)
{
	struct prov_request r;
	char err[256] = "";

	assert_int_equal(prov_from_properties(text, strlen(text), NULL, &r, err,
	    sizeof(err)), -1);
	assert_string_equal(err, want);
}

static void
test_nfc_sample(void **state)
{
	struct prov_request r;
	char path[512];
	size_t len;
	char *text;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/data/provisioning/"
	    "nfc-dedicated.properties", test_srctree());
	text = test_read_file(path, &len);
	assert_non_null(text);
	from_props_ok(text, len, NULL, &r);
	assert_int_equal(r.source, PROV_SRC_NFC);
	assert_string_equal(r.admin_component, "warden/.Agent");
	assert_string_equal(r.wifi.ssid, "Shop Floor \xc3\xa9");
	assert_string_equal(r.wifi.password, "p=ss:w#rd!2026");
	assert_string_equal(r.locale, "en_GB");
	assert_string_equal(r.time_zone, "Europe/London");
	assert_int_equal(r.local_time_ms, 1767225600000LL);
	assert_true(r.skip_encryption);
	assert_string_equal(r.organization_name, "Acme Retail");
	assert_string_equal(r.server_url, "https://mdm.example.com:8443");
	assert_string_equal(r.enrollment_token, "nfc-token-1");
	assert_true(r.has_server_pin);
	assert_int_equal(r.server_pin[0], 0x9f);
	assert_int_equal(r.mode, PROV_MODE_DEDICATED);
	assert_int_equal(r.n_ignored, 1);
	assert_string_equal(r.ignored[0],
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.com.example.SITE");
	free(text);
}

static void
test_nfc_errors(void **state)
{
	(void)state;
	expect_from_props_error("warden.SERVER_URL=https://a.example\n"
	    BASE_BUNDLE, "warden.SERVER_URL: belongs in "
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE");
	expect_from_props_error(BUNDLE "warden.MODE\\=DEDICATED\\n"
	    PFX "PROVISIONING_ADMIN_EXTRAS_BUNDLE\\=warden.MODE\\\\\\=KIOSK\n",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.android.app.extra.PROVISIONING_"
	    "ADMIN_EXTRAS_BUNDLE: nested bundle not allowed (one level)");
	expect_from_props_error(BUNDLE "a\\=1\\nb\\=\\\\u12\n",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE: line 2: malformed \\uXXXX "
	    "escape");
	expect_from_props_error(BUNDLE "warden.MODE\\=DEDICATED\\n"
	    "warden.MODE\\=DEDICATED\n", "PROVISIONING_ADMIN_EXTRAS_BUNDLE: "
	    "line 2: duplicate key warden.MODE");
	expect_from_props_error(BASE_BUNDLE "a.a.e.PAEB=warden.MODE\\=DEDICATED\n",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE: given twice");
	expect_from_props_error(BUNDLE "warden.URL\\=x\n",
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.URL: unknown warden key");
	expect_from_props_error(PFX "PROVISIONING_SKIP_ENCRYPTION=yes\n"
	    BASE_BUNDLE, "PROVISIONING_SKIP_ENCRYPTION: not a boolean (true "
	    "or false)");
	expect_from_props_error(PFX "PROVISIONING_KEEP_SCREEN_ON=1\n"
	    BASE_BUNDLE, "PROVISIONING_KEEP_SCREEN_ON: not a boolean (true or "
	    "false)");
	expect_from_props_error(PFX "PROVISIONING_WIFI_SSID=a\\nb\n"
	    BASE_BUNDLE, "PROVISIONING_WIFI_SSID: contains a control "
	    "character");
	expect_from_props_error(PFX "PROVISIONING_LOCALE=en_US\n"
	    "a.a.e.PL=de_DE\n" BASE_BUNDLE, "PROVISIONING_LOCALE: given twice");
	expect_from_props_error(BUNDLE "warden.SERVER_URL\\=http\\://a.example"
	    "\\nwarden.ENROLLMENT_TOKEN\\=t\\nwarden.SERVER_CERT_SHA256\\=" PIN
	    "\n", "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.SERVER_URL: not an "
	    "https or coaps URL");
}

/* Everything the writer must escape, and characters beyond ASCII. */
static void
fill_tricky(struct prov_request *r)
{
	memset(r, 0, sizeof(*r));
	r->source = PROV_SRC_NFC;
	snprintf(r->server_url, sizeof(r->server_url),
	    "https://mdm.example.com:8443/a=b:c!d");
	snprintf(r->enrollment_token, sizeof(r->enrollment_token), "a=b.c+/~_-");
	r->has_server_pin = true;
	memset(r->server_pin, 0x5a, sizeof(r->server_pin));
	r->mode = PROV_MODE_WORK_PROFILE_PERSONAL;
	r->has_wifi = true;
	snprintf(r->wifi.ssid, sizeof(r->wifi.ssid), " Caf\xc3\xa9 \xf0\x9f\x98\x80");
	snprintf(r->wifi.security, sizeof(r->wifi.security), "WPA2");
	snprintf(r->wifi.password, sizeof(r->wifi.password),
	    "#!= :\\ \\\\u0041 end ");
	snprintf(r->organization_name, sizeof(r->organization_name),
	    "\xe4\xb8\xad\xe6\x96\x87 Org");
	snprintf(r->locale, sizeof(r->locale), "zh_CN");
	r->has_local_time = true;
	r->local_time_ms = 42;
	r->wifi.hidden = true;
	r->use_mobile_data = true;
}

static void
test_writer_round_trip(void **state)
{
	struct prov_request a, b;
	char err[256] = "";
	size_t len, i;
	char *text;

	(void)state;
	fill_tricky(&a);
	assert_int_equal(prov_properties_build(&a, &text, &len, err,
	    sizeof(err)), 0);
	assert_int_equal(strlen(text), len);
	/* Pure ASCII, as Properties.store() writes. */
	for (i = 0; i < len; i++)
		assert_true((unsigned char)text[i] < 0x80);
	from_props_ok(text, len, NULL, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	prov_secret_free(text, len);
}

static void
test_writer_exact_output(void **state)
{
	struct prov_request r;
	char err[256] = "";
	size_t len;
	char *text;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.source = PROV_SRC_QR;
	snprintf(r.server_url, sizeof(r.server_url), "https://a.example");
	snprintf(r.enrollment_token, sizeof(r.enrollment_token), "tok");
	r.has_server_pin = true;
	r.mode = PROV_MODE_DEDICATED;
	snprintf(r.wifi.ssid, sizeof(r.wifi.ssid), "N\xc3\xa9t");
	snprintf(r.wifi.security, sizeof(r.wifi.security), "NONE");
	r.has_wifi = true;
	assert_int_equal(prov_properties_build(&r, &text, &len, err,
	    sizeof(err)), 0);
	assert_string_equal(text,
	    PFX "PROVISIONING_WIFI_SSID=N\\u00E9t\n"
	    PFX "PROVISIONING_WIFI_SECURITY_TYPE=NONE\n"
	    PFX "PROVISIONING_ADMIN_EXTRAS_BUNDLE="
	    "warden.SERVER_URL\\=https\\\\\\://a.example\\n"
	    "warden.BINDING\\=rest\\n"
	    "warden.ENROLLMENT_TOKEN\\=tok\\n"
	    "warden.SERVER_CERT_SHA256\\="
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\n"
	    "warden.MODE\\=DEDICATED\\n\n");
	prov_secret_free(text, len);
}

static void
test_writer_errors(void **state)
{
	struct prov_request r;
	char err[256] = "";
	size_t len = 7;
	char *text = (char *)&len;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(prov_properties_build(&r, &text, &len, err,
	    sizeof(err)), -1);
	assert_string_equal(err,
	    "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden.SERVER_URL: required");
	assert_null(text);
	assert_int_equal(len, 0);
	/* Two big certificates do not fit in one payload. */
	fill_tricky(&r);
	snprintf(r.wifi.security, sizeof(r.wifi.security), "EAP");
	snprintf(r.wifi.eap_method, sizeof(r.wifi.eap_method), "TLS");
	r.wifi_ca_cert_len = PROV_CERT_MAX;
	r.wifi_user_cert_len = PROV_CERT_MAX;
	assert_int_equal(prov_properties_build(&r, &text, &len, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "properties: longer than 8192 bytes");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_separators),
		cmocka_unit_test(test_comments_and_blank_lines),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_continuations),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_reader_errors),
		cmocka_unit_test(test_nfc_sample),
		cmocka_unit_test(test_nfc_errors),
		cmocka_unit_test(test_writer_round_trip),
		cmocka_unit_test(test_writer_exact_output),
		cmocka_unit_test(test_writer_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
