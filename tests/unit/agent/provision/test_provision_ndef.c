/*
 * test_provision_ndef.c - NDEF messages for the NFC bump: parsing every
 * header form, rejecting malformed messages precisely, and the builder's
 * round trip.
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

#define MIME PROV_NDEF_MIME
#define MIME_LEN (sizeof(MIME) - 1)
#define PIN "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg"

static const char payload[] =
    "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE="
    "warden.SERVER_URL\\=https\\://a.example\\n"
    "warden.ENROLLMENT_TOKEN\\=t1\\n"
    "warden.SERVER_CERT_SHA256\\=" PIN "\n";

/* One record: header byte, type, optional id, payload. */
static size_t
record(uint8_t *out, uint8_t flags, const char *type, const char *id,
    const void *pl, size_t plen)
{
	size_t o = 0, tlen = strlen(type), idlen = id ? strlen(id) : 0;

	out[o++] = flags | (id ? 0x08 : 0) | (plen <= 255 ? 0x10 : 0);
	out[o++] = (uint8_t)tlen;
	if (plen <= 255) {
		out[o++] = (uint8_t)plen;
	} else {
		out[o++] = (uint8_t)(plen >> 24);
		out[o++] = (uint8_t)(plen >> 16);
		out[o++] = (uint8_t)(plen >> 8);
		out[o++] = (uint8_t)plen;
	}
	if (id)
		out[o++] = (uint8_t)idlen;
	memcpy(out + o, type, tlen);
	o += tlen;
	memcpy(out + o, id ? id : "", idlen);
	o += idlen;
	memcpy(out + o, pl, plen);
	return o + plen;
}

static void
ndef_ok(const uint8_t *msg, size_t len, struct prov_request *r)
{
	char err[256] = "";

	if (prov_from_ndef(msg, len, NULL, r, err, sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
}

static void
expect_ndef_error(const uint8_t *msg, size_t len, const char *want)
{
	struct prov_request r;
	char err[256] = "";

	assert_int_equal(prov_from_ndef(msg, len, NULL, &r, err, sizeof(err)),
	    -1);
	assert_string_equal(err, want);
}

static void
test_short_record(void **state)
{
	uint8_t msg[512];
	struct prov_request r;
	size_t n;

	(void)state;
	n = record(msg, 0xc2, MIME, NULL, payload, strlen(payload));
	assert_int_equal(msg[0], 0xd2);
	ndef_ok(msg, n, &r);
	assert_int_equal(r.source, PROV_SRC_NFC);
	assert_string_equal(r.server_url, "https://a.example");
	assert_string_equal(r.enrollment_token, "t1");
}

static void
test_long_record_with_id_fixture(void **state)
{
	struct prov_request r;
	char path[512];
	size_t len;
	char *msg;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/data/provisioning/"
	    "nfc-dedicated.ndef", test_srctree());
	msg = test_read_file(path, &len);
	assert_non_null(msg);
	assert_int_equal((uint8_t)msg[0], 0xca); /* MB ME IL, long, MIME */
	ndef_ok((const uint8_t *)msg, len, &r);
	assert_string_equal(r.server_url, "https://mdm.example.com:8443");
	assert_int_equal(r.mode, PROV_MODE_DEDICATED);
	assert_string_equal(r.wifi.password, "p=ss:w#rd!2026");
	free(msg);
}

static void
test_first_record_counts(void **state)
{
	uint8_t msg[1024];
	struct prov_request r;
	size_t n;

	(void)state;
	/* An Android Application Record after ours changes nothing. */
	n = record(msg, 0x82, "APPLICATION/COM.ANDROID.MANAGEDPROVISIONING",
	    "p", payload, strlen(payload));
	n += record(msg + n, 0x44, "android.com:pkg", NULL, "com.example",
	    11);
	ndef_ok(msg, n, &r);
	assert_string_equal(r.enrollment_token, "t1");
	/* Ours second: the first record decides. */
	n = record(msg, 0x84, "android.com:pkg", NULL, "com.example", 11);
	n += record(msg + n, 0x42, MIME, NULL, payload, strlen(payload));
	expect_ndef_error(msg, n, "ndef: record 1: TNF 4 is not MIME media (2)");
}

static void
test_type_errors(void **state)
{
	uint8_t msg[512];
	size_t n;

	(void)state;
	n = record(msg, 0xc2, "text/plain", NULL, payload, strlen(payload));
	expect_ndef_error(msg, n, "ndef: record 1: type \"text/plain\" is not "
	    "application/com.android.managedprovisioning");
	n = record(msg, 0xc2, MIME "; charset=utf-8", NULL, payload,
	    strlen(payload));
	expect_ndef_error(msg, n, "ndef: record 1: type \"application/com."
	    "android.managedprovisioning; charset=utf-8\" is not "
	    "application/com.android.managedprovisioning");
	n = record(msg, 0xc1, "T", NULL, "\x02" "enhi", 5);
	expect_ndef_error(msg, n, "ndef: record 1: TNF 1 is not MIME media (2)");
	n = record(msg, 0xc2, "te\x01t/x", NULL, "", 0);
	expect_ndef_error(msg, n, "ndef: record 1: type \"te?t/x\" is not "
	    "application/com.android.managedprovisioning");
}

static void
test_header_errors(void **state)
{
	uint8_t msg[1024] = { 0 };
	size_t n, i;

	(void)state;
	expect_ndef_error(msg, 0, "ndef: empty message");
	n = record(msg, 0xe2, MIME, NULL, payload, strlen(payload));
	expect_ndef_error(msg, n,
	    "ndef: record 1: chunked records (CF) not supported");
	n = record(msg, 0x42, MIME, NULL, payload, strlen(payload));
	expect_ndef_error(msg, n,
	    "ndef: record 1: message begin (MB) flag not set");
	n = record(msg, 0x82, MIME, NULL, payload, strlen(payload));
	n += record(msg + n, 0xc1, "U", NULL, "\x04x", 2);
	expect_ndef_error(msg, n,
	    "ndef: record 2: message begin (MB) flag set again");
	n = record(msg, 0x82, MIME, NULL, payload, strlen(payload));
	n += record(msg + n, 0x26, MIME, NULL, "x", 1);
	expect_ndef_error(msg, n,
	    "ndef: record 2: chunked records (CF) not supported");
	n = record(msg, 0xc6, "", NULL, "x", 1);
	expect_ndef_error(msg, n,
	    "ndef: record 1: TNF 6 (unchanged) outside a chunk");
	n = record(msg, 0xc7, "x", NULL, "x", 1);
	expect_ndef_error(msg, n, "ndef: record 1: reserved TNF 7");
	n = record(msg, 0xc0, "", NULL, "x", 1);
	expect_ndef_error(msg, n,
	    "ndef: record 1: empty record (TNF 0) with content");
	n = record(msg, 0xc5, "x", NULL, "x", 1);
	expect_ndef_error(msg, n,
	    "ndef: record 1: unknown-type record (TNF 5) with a type");
	n = record(msg, 0xc2, "", NULL, "x", 1);
	expect_ndef_error(msg, n, "ndef: record 1: no type");
	/* The last record lacks ME. */
	n = record(msg, 0x82, MIME, NULL, payload, strlen(payload));
	expect_ndef_error(msg, n,
	    "ndef: record 1: truncated (no message end (ME) flag)");
	/* Trailing bytes after ME. */
	n = record(msg, 0xc2, MIME, NULL, payload, strlen(payload));
	msg[n++] = 0xfe;
	expect_ndef_error(msg, n, "ndef: 1 bytes after the last record");
	/* Seventeen empty records. */
	for (i = 0; i < 17; i++) {
		msg[3 * i] = (uint8_t)(0x10 | (i == 0 ? 0x80 : 0) |
		    (i == 16 ? 0x40 : 0));
		msg[3 * i + 1] = 0;
		msg[3 * i + 2] = 0;
	}
	expect_ndef_error(msg, 51, "ndef: more than 16 records");
}

static void
test_truncation_everywhere(void **state)
{
	uint8_t msg[1024];
	size_t n, cut;

	(void)state;
	n = record(msg, 0xc2, MIME, "id", payload, strlen(payload));
	for (cut = 1; cut < n; cut++)
		expect_ndef_error(msg, cut, "ndef: record 1: truncated");
	/* A long record claiming 4 GiB of payload. */
	msg[0] = 0xc2;
	msg[1] = 1;
	msg[2] = msg[3] = msg[4] = msg[5] = 0xff;
	msg[6] = 'x';
	expect_ndef_error(msg, 7, "ndef: record 1: truncated");
}

static void
test_size_bounds(void **state)
{
	uint8_t *msg = calloc(1, PROV_NDEF_MAX + 64);
	char *pl = malloc(PROV_PROPS_MAX + 2);
	size_t n;

	(void)state;
	assert_non_null(msg);
	assert_non_null(pl);
	memset(pl, '#', PROV_PROPS_MAX + 1);
	n = record(msg, 0xc2, MIME, NULL, pl, PROV_PROPS_MAX + 1);
	expect_ndef_error(msg, n, "properties: longer than 8192 bytes");
	expect_ndef_error(msg, PROV_NDEF_MAX + 1,
	    "ndef: longer than 8704 bytes");
	free(msg);
	free(pl);
}

static void
test_build_round_trip(void **state)
{
	struct prov_request a, b;
	char err[256] = "", path[512];
	uint8_t *msg;
	size_t len, plen, qlen;
	char *qr;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/data/provisioning/"
	    "warden-fully-managed.json", test_srctree());
	qr = test_read_file(path, &qlen);
	assert_non_null(qr);
	assert_int_equal(prov_from_qr_text(qr, qlen, NULL, &a, err,
	    sizeof(err)), 0);
	free(qr);
	assert_int_equal(prov_ndef_build(&a, &msg, &len, err, sizeof(err)), 0);
	/* Long record: MB ME, no SR, MIME; 4-byte length. */
	assert_int_equal(msg[0], 0xc2);
	assert_int_equal(msg[1], MIME_LEN);
	plen = (size_t)msg[2] << 24 | (size_t)msg[3] << 16 |
	    (size_t)msg[4] << 8 | msg[5];
	assert_true(plen > 255);
	assert_int_equal(len, 6 + MIME_LEN + plen);
	assert_memory_equal(msg + 6, MIME, MIME_LEN);
	ndef_ok(msg, len, &b);
	assert_int_equal(b.source, PROV_SRC_NFC);
	b.source = a.source;
	assert_memory_equal(&a, &b, sizeof(a));
	prov_secret_free(msg, len);
}

static void
test_build_short_record(void **state)
{
	struct prov_request a, b;
	char err[256] = "";
	uint8_t *msg;
	size_t len;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.source = PROV_SRC_NFC;
	snprintf(a.server_url, sizeof(a.server_url), "coaps://lw.example");
	a.binding = PROV_BINDING_LWM2M;
	snprintf(a.psk_identity, sizeof(a.psk_identity), "ep");
	a.psk_key_len = 1;
	a.psk_key[0] = 0x7f;
	assert_int_equal(prov_ndef_build(&a, &msg, &len, err, sizeof(err)), 0);
	assert_int_equal(msg[0], 0xd2);
	assert_int_equal(msg[2], len - 3 - MIME_LEN);
	ndef_ok(msg, len, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	prov_secret_free(msg, len);
	/* An invalid request is not shared. */
	a.psk_key_len = 0;
	msg = (uint8_t *)err;
	assert_int_equal(prov_ndef_build(&a, &msg, &len, err, sizeof(err)), -1);
	assert_string_equal(err, "PROVISIONING_ADMIN_EXTRAS_BUNDLE.warden."
	    "PSK_KEY: required with a PSK identity");
	assert_null(msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_record),
		cmocka_unit_test(test_long_record_with_id_fixture),
		cmocka_unit_test(test_first_record_counts),
		cmocka_unit_test(test_type_errors),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_truncation_everywhere),
		cmocka_unit_test(test_size_bounds),
		cmocka_unit_test(test_build_round_trip),
		cmocka_unit_test(test_build_short_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
