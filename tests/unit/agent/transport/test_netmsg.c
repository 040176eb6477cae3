/*
 * Tests agent/transport/netmsg.c and netmsg_build.c: every message type
 * survives the round trip, and malformed messages (truncated, trailing
 * bytes, wrong version, oversized, bad ids, keys, PEM, JSON, ranges,
 * counts) are rejected whole with a reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <mbedtls/md.h>

#include "tests/unit/agent/transport/netmsg_test.h"

#define PEM "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

static void
test_connect_round_trip(void **state)
{
	struct netmsg_buf b = { 0 };
	struct netmsg m;
	uint8_t pin[CRYPTO_SHA256_LEN];
	char why[256];

	(void)state;
	memset(pin, 7, sizeof(pin));
	netmsg_begin(&b, NETMSG_CONNECT, 5, 0);
	netmsg_put_str(&b, "https://127.0.0.1:8443/mdm");
	netmsg_put_bytes(&b, pin, sizeof(pin));
	netmsg_put_str(&b, PEM);
	netmsg_put_str(&b, "dev-1");
	netmsg_put_str(&b, PEM);
	netmsg_put_int(&b, 1);
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_int_equal(m.type, NETMSG_CONNECT);
	assert_int_equal(m.conn, 5);
	assert_string_equal(m.url, "https://127.0.0.1:8443/mdm");
	assert_memory_equal(m.pin, pin, sizeof(pin));
	assert_string_equal(m.ca_pem, PEM);
	assert_string_equal(m.device_id, "dev-1");
	assert_true(m.mtls);
	netmsg_clear(&m);

	/* Before enrollment: no CA, id or certificate. */
	netmsg_begin(&b, NETMSG_CONNECT, 6, 0);
	netmsg_put_str(&b, "https://h");
	netmsg_put_bytes(&b, pin, sizeof(pin));
	netmsg_put_str(&b, NULL);
	netmsg_put_str(&b, NULL);
	netmsg_put_str(&b, NULL);
	netmsg_put_int(&b, 0);
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_null(m.ca_pem);
	assert_null(m.cert_pem);
	assert_false(m.mtls);
	netmsg_clear(&m);

	/* Mutual TLS needs the certificate. */
	netmsg_begin(&b, NETMSG_CONNECT, 6, 0);
	netmsg_put_str(&b, "https://h");
	netmsg_put_bytes(&b, pin, sizeof(pin));
	netmsg_put_str(&b, NULL);
	netmsg_put_str(&b, NULL);
	netmsg_put_str(&b, NULL);
	netmsg_put_int(&b, 1);
	netmsg_end(&b);
	refused(&b, "mtls");
	/* A short pin. */
	netmsg_begin(&b, NETMSG_CONNECT, 6, 0);
	netmsg_put_str(&b, "https://h");
	netmsg_put_bytes(&b, pin, 31);
	netmsg_end(&b);
	refused(&b, "pin");
}

static void
test_requests_round_trip(void **state)
{
	struct transport_item items[2] = {
		{ "k1", "report", "{\"a\":1}" },
		{ "k2", "event", "{}" },
	};
	struct netmsg_buf b = { 0 };
	struct netmsg m;
	uint8_t hash[48];
	char why[256];

	(void)state;
	netmsg_begin(&b, NETMSG_ENROLL, 1, 9);
	netmsg_put_str(&b, "tok-secret");
	netmsg_put_str(&b, "-----BEGIN CERTIFICATE REQUEST-----\nx\n");
	netmsg_put_str(&b, "ACME");
	netmsg_put_str(&b, "H1");
	netmsg_put_str(&b, NULL);
	netmsg_put_str(&b, "1.0");
	netmsg_put_str(&b, "DEVICE_OWNER");
	netmsg_put_str(&b, "COMPANY_OWNED");
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_int_equal(m.id, 9);
	assert_string_equal(m.enrollment.token, "tok-secret");
	assert_null(m.enrollment.serial);
	assert_string_equal(m.enrollment.ownership, "COMPANY_OWNED");
	netmsg_clear(&m);

	netmsg_begin(&b, NETMSG_PUSH_REPORTS, 1, 10);
	netmsg_put_int(&b, 2);
	netmsg_put_str(&b, items[0].key);
	netmsg_put_str(&b, items[0].kind);
	netmsg_put_str(&b, items[0].payload);
	netmsg_put_str(&b, items[1].key);
	netmsg_put_str(&b, items[1].kind);
	netmsg_put_str(&b, items[1].payload);
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_int_equal(m.nitems, 2);
	assert_string_equal(m.items[1].key, "k2");
	assert_string_equal(m.items[0].payload, "{\"a\":1}");
	netmsg_clear(&m);

	netmsg_begin(&b, NETMSG_SEND_RESULT, 1, 11);
	netmsg_put_str(&b, "cmd-1");
	netmsg_put_str(&b, "{\"status\":\"SUCCEEDED\"}");
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_string_equal(m.command_id, "cmd-1");
	netmsg_clear(&m);

	netmsg_begin(&b, NETMSG_RECEIVE_COMMANDS, 1, 12);
	netmsg_put_int(&b, 30);
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_int_equal(m.wait, 30);
	netmsg_clear(&m);

	netmsg_begin(&b, NETMSG_FETCH_POLICY, 1, 13);
	netmsg_put_str(&b, NULL);
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_null(m.etag);
	netmsg_clear(&m);

	memset(hash, 3, sizeof(hash));
	netmsg_begin(&b, NETMSG_SIGN, 1, 14);
	netmsg_put_int(&b, MBEDTLS_MD_SHA384);
	netmsg_put_bytes(&b, hash, 48);
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_int_equal(m.hash_len, 48);
	netmsg_clear(&m);

	netmsg_begin(&b, NETMSG_SIGNATURE, 1, 14);
	netmsg_put_int(&b, 0);
	netmsg_put_bytes(&b, hash, 40);
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_int_equal(m.sig_len, 40);
	netmsg_clear(&m);
}

static void
test_resolve(void **state)
{
	struct netmsg_buf b = { 0 };
	struct netmsg m;
	uint8_t a4[4] = { 127, 0, 0, 1 }, a6[16] = { 0 };
	char why[256];

	(void)state;
	netmsg_begin(&b, NETMSG_RESOLVE, 0, 3);
	netmsg_put_str(&b, "mdm.example.com");
	netmsg_put_int(&b, 443);
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_string_equal(m.host, "mdm.example.com");
	assert_int_equal(m.port, 443);
	netmsg_clear(&m);

	a6[15] = 1;
	netmsg_begin(&b, NETMSG_RESOLVED, 0, 3);
	netmsg_put_int(&b, 0);
	netmsg_put_str(&b, NULL);
	netmsg_put_int(&b, 2);
	netmsg_put_bytes(&b, a4, sizeof(a4));
	netmsg_put_bytes(&b, a6, sizeof(a6));
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_int_equal(m.naddrs, 2);
	assert_int_equal(m.addr_len[0], 4);
	assert_memory_equal(m.addrs[1], a6, 16);
	netmsg_clear(&m);

	/* A name with other characters, a port out of range. */
	netmsg_begin(&b, NETMSG_RESOLVE, 0, 3);
	netmsg_put_str(&b, "evil/../host");
	netmsg_put_int(&b, 443);
	netmsg_end(&b);
	refused(&b, "host");
	netmsg_begin(&b, NETMSG_RESOLVE, 0, 3);
	netmsg_put_str(&b, "h");
	netmsg_put_int(&b, 65536);
	netmsg_end(&b);
	refused(&b, "port");
	/* An address of 5 bytes; addresses with a failure; too many. */
	netmsg_begin(&b, NETMSG_RESOLVED, 0, 3);
	netmsg_put_int(&b, 0);
	netmsg_put_str(&b, NULL);
	netmsg_put_int(&b, 1);
	netmsg_put_bytes(&b, a6, 5);
	netmsg_end(&b);
	refused(&b, "address");
	netmsg_begin(&b, NETMSG_RESOLVED, 0, 3);
	netmsg_put_int(&b, -1);
	netmsg_put_str(&b, "no");
	netmsg_put_int(&b, 1);
	netmsg_put_bytes(&b, a4, 4);
	netmsg_end(&b);
	refused(&b, "count");
	netmsg_begin(&b, NETMSG_RESOLVED, 0, 3);
	netmsg_put_int(&b, 0);
	netmsg_put_str(&b, NULL);
	netmsg_put_int(&b, NETMSG_ADDRS_MAX + 1);
	netmsg_end(&b);
	refused(&b, "count");
}

static void
test_replies_round_trip(void **state)
{
	struct transport_command cmd = { "c-1", "LOCK", 1700000000, 600,
		(char *)"{}", NULL };
	const char *acc[] = { "k1", "k2" };
	struct transport_reply r;
	struct netmsg_buf b = { 0 };
	struct netmsg m;
	char why[256];

	(void)state;
	memset(&r, 0, sizeof(r));
	r.code = 201;
	r.device_id = "dev-1";
	r.certificate = PEM;
	r.ca_certificate = PEM;
	r.poll_timeout = 30;
	r.policy = "{\"version\":3}";
	r.etag = "\"3\"";
	netmsg_put_reply(&b, NETMSG_ENROLL, 1, 2, &r);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_int_equal(m.type, NETMSG_R_ENROLL);
	assert_int_equal(m.reply.status, TRANSPORT_OK);
	assert_string_equal(m.reply.device_id, "dev-1");
	assert_null(m.reply.command_key);
	assert_string_equal(m.reply.etag, "\"3\"");
	netmsg_clear(&m);

	memset(&r, 0, sizeof(r));
	r.code = 200;
	r.accepted = acc;
	r.naccepted = 2;
	netmsg_put_reply(&b, NETMSG_PUSH_REPORTS, 1, 3, &r);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_int_equal(m.reply.naccepted, 2);
	assert_string_equal(m.reply.accepted[1], "k2");
	netmsg_clear(&m);

	memset(&r, 0, sizeof(r));
	r.commands = &cmd;
	r.ncommands = 1;
	netmsg_put_reply(&b, NETMSG_RECEIVE_COMMANDS, 1, 4, &r);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_int_equal(m.reply.ncommands, 1);
	assert_string_equal(m.reply.commands[0].type, "LOCK");
	assert_int_equal(m.reply.commands[0].duration, 600);
	assert_null(m.reply.commands[0].signature);
	netmsg_clear(&m);

	memset(&r, 0, sizeof(r));
	r.status = TRANSPORT_UNCHANGED;
	r.code = 304;
	netmsg_put_reply(&b, NETMSG_FETCH_POLICY, 1, 5, &r);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_int_equal(m.type, NETMSG_R_STATUS);
	assert_int_equal(m.reply.status, TRANSPORT_UNCHANGED);
	netmsg_clear(&m);

	memset(&r, 0, sizeof(r));
	r.status = TRANSPORT_REFUSED;
	r.code = 403;
	snprintf(r.why, sizeof(r.why), "HTTP 403 gone");
	netmsg_put_reply(&b, NETMSG_RENEW, 1, 6, &r);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_string_equal(m.reply.why, "HTTP 403 gone");
	netmsg_clear(&m);
}

/* Every kind of malformation is refused whole. */
static void
test_malformed(void **state)
{
	struct netmsg_buf b = { 0 };
	struct netmsg m;
	uint8_t raw[NETMSG_HDR_LEN + 8], junk[64];
	char why[256];
	size_t i, len;

	(void)state;
	/* Every truncation of a valid message. */
	netmsg_begin(&b, NETMSG_SEND_RESULT, 1, 11);
	netmsg_put_str(&b, "cmd-1");
	netmsg_put_str(&b, "{}");
	netmsg_end(&b);
	len = b.len;
	for (i = 0; i < len; i++)
		assert_int_equal(netmsg_parse(b.data, i, &m, why,
		    sizeof(why)), -1);
	netmsg_buf_free(&b);

	/* Trailing bytes. */
	netmsg_begin(&b, NETMSG_RECEIVE_COMMANDS, 1, 1);
	netmsg_put_int(&b, 1);
	netmsg_put_int(&b, 1);
	netmsg_end(&b);
	refused(&b, "after the last field");
	/* Out of range. */
	netmsg_begin(&b, NETMSG_RECEIVE_COMMANDS, 1, 1);
	netmsg_put_int(&b, TRANSPORT_WAIT_MAX + 1);
	netmsg_end(&b);
	refused(&b, "wait");
	/* Unknown type. */
	netmsg_begin(&b, 200, 1, 1);
	netmsg_end(&b);
	refused(&b, "unknown type");
	/* A path-unsafe command id. */
	netmsg_begin(&b, NETMSG_SEND_RESULT, 1, 1);
	netmsg_put_str(&b, "../x");
	netmsg_put_str(&b, "{}");
	netmsg_end(&b);
	refused(&b, "commandId");
	/* A result that is not a JSON object. */
	netmsg_begin(&b, NETMSG_SEND_RESULT, 1, 1);
	netmsg_put_str(&b, "c");
	netmsg_put_str(&b, "[1]");
	netmsg_end(&b);
	refused(&b, "result");
	/* An embedded NUL, a missing terminator, a control character. */
	netmsg_begin(&b, NETMSG_FETCH_POLICY, 1, 1);
	netmsg_put_bytes(&b, "a\0b", 4);
	netmsg_end(&b);
	refused(&b, "etag");
	netmsg_begin(&b, NETMSG_FETCH_POLICY, 1, 1);
	netmsg_put_bytes(&b, "abc", 3);
	netmsg_end(&b);
	refused(&b, "not terminated");
	netmsg_begin(&b, NETMSG_FETCH_POLICY, 1, 1);
	netmsg_put_str(&b, "a\nb");
	netmsg_end(&b);
	refused(&b, "byte 0x0a");
	/* A status outside the enum, a reply without its policy. */
	netmsg_begin(&b, NETMSG_R_STATUS, 1, 1);
	netmsg_put_int(&b, 99);
	netmsg_put_int(&b, 0);
	netmsg_put_str(&b, NULL);
	netmsg_end(&b);
	refused(&b, "status");
	netmsg_begin(&b, NETMSG_R_POLICY, 1, 1);
	netmsg_put_int(&b, 200);
	netmsg_put_str(&b, NULL);
	netmsg_put_str(&b, "");
	netmsg_end(&b);
	refused(&b, "policy: missing");
	/* Not PEM; a device id that is no certificate name. */
	netmsg_begin(&b, NETMSG_R_CERTIFICATE, 1, 1);
	netmsg_put_int(&b, 200);
	netmsg_put_str(&b, "MIIB...");
	netmsg_end(&b);
	refused(&b, "not PEM");
	/* Too many accepted keys; a key that is not safe. */
	netmsg_begin(&b, NETMSG_R_REPORTS, 1, 1);
	netmsg_put_int(&b, 200);
	netmsg_put_int(&b, TRANSPORT_BATCH_MAX + 1);
	netmsg_end(&b);
	refused(&b, "count");
	netmsg_begin(&b, NETMSG_R_REPORTS, 1, 1);
	netmsg_put_int(&b, 200);
	netmsg_put_int(&b, 1);
	netmsg_put_str(&b, "a b");
	netmsg_end(&b);
	refused(&b, "accepted");
	/* A command type in lower case, a signature with other chars. */
	netmsg_begin(&b, NETMSG_R_COMMANDS, 1, 1);
	netmsg_put_int(&b, 200);
	netmsg_put_int(&b, 1);
	netmsg_put_str(&b, "c1");
	netmsg_put_str(&b, "lock");
	netmsg_put_int(&b, 0);
	netmsg_put_int(&b, 60);
	netmsg_put_str(&b, "{}");
	netmsg_put_str(&b, NULL);
	netmsg_end(&b);
	refused(&b, "command.type");
	netmsg_begin(&b, NETMSG_R_COMMANDS, 1, 1);
	netmsg_put_int(&b, 200);
	netmsg_put_int(&b, 1);
	netmsg_put_str(&b, "c1");
	netmsg_put_str(&b, "LOCK");
	netmsg_put_int(&b, 0);
	netmsg_put_int(&b, 60);
	netmsg_put_str(&b, "{}");
	netmsg_put_str(&b, "a.b.c d");
	netmsg_end(&b);
	refused(&b, "signature");
	/* A SHA-256 digest of the wrong size; a signature with a failure. */
	netmsg_begin(&b, NETMSG_SIGN, 1, 1);
	netmsg_put_int(&b, MBEDTLS_MD_SHA256);
	memset(junk, 0, sizeof(junk));
	netmsg_put_bytes(&b, junk, 31);
	netmsg_end(&b);
	refused(&b, "hash");
	netmsg_begin(&b, NETMSG_SIGNATURE, 1, 1);
	netmsg_put_int(&b, -1);
	netmsg_put_bytes(&b, junk, 8);
	netmsg_end(&b);
	refused(&b, "signature");

	/* Headers: wrong version, oversized, length mismatch. */
	memset(raw, 0, sizeof(raw));
	raw[1] = NETMSG_CLOSE;
	raw[3] = 2;
	assert_int_equal(netmsg_parse(raw, NETMSG_HDR_LEN, &m, why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "version"));
	raw[3] = NETMSG_VERSION;
	raw[12] = 0x7f;
	assert_int_equal(netmsg_frame(raw, NETMSG_HDR_LEN, &len, why,
	    sizeof(why)), -1);
	raw[12] = 0;
	raw[15] = 8;
	assert_int_equal(netmsg_frame(raw, NETMSG_HDR_LEN, &len, why,
	    sizeof(why)), 0);
	assert_int_equal(len, NETMSG_HDR_LEN + 8);
	assert_int_equal(netmsg_parse(raw, NETMSG_HDR_LEN, &m, why,
	    sizeof(why)), -1);
	assert_int_equal(netmsg_parse(raw, sizeof(raw), &m, why,
	    sizeof(why)), -1);	/* CLOSE with 8 bytes of payload */
}

/* An encoder refuses a value over the message bound. */
static void
test_encoder_bounds(void **state)
{
	struct netmsg_buf b = { 0 };
	char *big = malloc(NETMSG_PAYLOAD_MAX + 2);

	(void)state;
	assert_non_null(big);
	memset(big, 'a', NETMSG_PAYLOAD_MAX + 1);
	big[NETMSG_PAYLOAD_MAX + 1] = '\0';
	netmsg_begin(&b, NETMSG_FETCH_POLICY, 1, 1);
	netmsg_put_str(&b, big);
	netmsg_end(&b);
	assert_true(b.failed);
	netmsg_buf_free(&b);
	free(big);
	assert_string_equal(netmsg_type_name(NETMSG_SIGN), "SIGN");
	assert_string_equal(netmsg_type_name(0), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_round_trip),
		cmocka_unit_test(test_requests_round_trip),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_replies_round_trip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_encoder_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
