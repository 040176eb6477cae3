/*
 * Tests agent/transport/lwm2m/lwm2m_dtls.c with the lines libcoap 4.3.1's
 * GnuTLS and OpenSSL backends log: the first cause is kept, lines of no
 * meaning are ignored, alerts keep their number and name, and the
 * wording names the PSK identity (never more than the identity) or the
 * certificate refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/transport/lwm2m/lwm2m_dtls.h"

#define SESSION "127.0.0.1:40000 <-> 127.0.0.1:5684 DTLS"

static void
note(struct lwm2m_dtls_cause *c, const char *line)
{
	lwm2m_dtls_note(c, line, strlen(line));
}

static void
explain(const struct lwm2m_dtls_cause *c, enum lwm2m_sec_mode mode,
    bool timed_out, char *out, size_t outlen)
{
	lwm2m_dtls_explain(c, mode, "warden-test", "127.0.0.1", timed_out,
	    out, outlen);
}

static void
alerts(void **state)
{
	struct lwm2m_dtls_cause c;
	char why[LWM2M_WHY_MAX];

	(void)state;
	memset(&c, 0, sizeof(c));
	note(&c, "*  " SESSION ": sent 220 bytes\n");
	assert_int_equal(c.kind, LWM2M_DTLS_NONE);
	note(&c, "***" SESSION ": Alert '115': Unknown PSK identity\n");
	assert_int_equal(c.kind, LWM2M_DTLS_ALERT);
	assert_int_equal(c.alert, 115);
	assert_string_equal(c.detail, "Unknown PSK identity");
	/* The first cause stays. */
	note(&c, "***" SESSION ": Alert '40': Handshake failed\n");
	assert_int_equal(c.alert, 115);
	explain(&c, LWM2M_SEC_PSK, false, why, sizeof(why));
	assert_string_equal(why, "DTLS with 127.0.0.1: PSK identity "
	    "'warden-test' or its key refused (alert 115, Unknown PSK "
	    "identity)");

	memset(&c, 0, sizeof(c));
	note(&c, "***" SESSION ": Alert '40': Handshake failed\n");
	explain(&c, LWM2M_SEC_PSK, false, why, sizeof(why));
	assert_non_null(strstr(why, "handshake refused (alert 40, Handshake "
	    "failed): no cipher suite or credentials in common for PSK "
	    "identity 'warden-test'"));

	explain(&c, LWM2M_SEC_CERT, false, why, sizeof(why));
	assert_non_null(strstr(why, "(alert 40, Handshake failed): no cipher "
	    "suite in common, or the device's certificate refused"));

	memset(&c, 0, sizeof(c));
	note(&c, "***" SESSION ": Alert '48': Unknown certificate authority"
	    "\n");
	explain(&c, LWM2M_SEC_CERT, false, why, sizeof(why));
	assert_string_equal(why, "DTLS with 127.0.0.1: the device's "
	    "certificate refused (alert 48, Unknown certificate authority)");

	/* Malformed alerts are not alerts. */
	memset(&c, 0, sizeof(c));
	note(&c, "Alert '': x");
	note(&c, "Alert '4000': x");
	note(&c, "Alert '40'");
	assert_int_equal(c.kind, LWM2M_DTLS_NONE);
}

static void
causes(void **state)
{
	struct lwm2m_dtls_cause c;
	char why[LWM2M_WHY_MAX];

	(void)state;
	memset(&c, 0, sizeof(c));
	note(&c, "do_gnutls_handshake: session establish returned 'Could not "
	    "negotiate a supported cipher suite.'\n");
	assert_int_equal(c.kind, LWM2M_DTLS_CIPHER);
	assert_string_equal(c.detail, "Could not negotiate a supported "
	    "cipher suite.");
	explain(&c, LWM2M_SEC_PSK, false, why, sizeof(why));
	assert_non_null(strstr(why, "no cipher suite in common"));

	memset(&c, 0, sizeof(c));
	note(&c, "   " SESSION ": The peer certificate's CA is unknown: "
	    "'CN=127.0.0.1'\n");
	assert_int_equal(c.kind, LWM2M_DTLS_CERT);
	explain(&c, LWM2M_SEC_CERT, false, why, sizeof(why));
	assert_string_equal(why, "DTLS with 127.0.0.1: the server's "
	    "certificate refused (The peer certificate's CA is unknown: "
	    "'CN=127.0.0.1')");

	memset(&c, 0, sizeof(c));
	note(&c, "Client Certificate requested and required, but not "
	    "provided\n");
	assert_int_equal(c.kind, LWM2M_DTLS_CREDS);

	memset(&c, 0, sizeof(c));
	note(&c, "do_gnutls_handshake: session establish returned 'Decryption "
	    "has failed.'\n");
	assert_int_equal(c.kind, LWM2M_DTLS_DECRYPT);
	explain(&c, LWM2M_SEC_PSK, false, why, sizeof(why));
	assert_non_null(strstr(why, "PSK identity 'warden-test'"));

	/* Noise is no cause; a vague cause gives way to a precise one. */
	memset(&c, 0, sizeof(c));
	note(&c, "** " SESSION ": Discarded replayed handshake packet with "
	    "sequence 1\n");
	assert_int_equal(c.kind, LWM2M_DTLS_NONE);
	note(&c, "do_gnutls_handshake: session establish returned -9999: "
	    "'Some new error'\n");
	assert_int_equal(c.kind, LWM2M_DTLS_OTHER);
	note(&c, "do_gnutls_handshake: session establish returned 'Another'\n");
	assert_non_null(strstr(c.detail, "'Some new error'"));
	note(&c, "***" SESSION ": Alert '51': Decrypt error\n");
	assert_int_equal(c.kind, LWM2M_DTLS_ALERT);
	assert_int_equal(c.alert, 51);
	explain(&c, LWM2M_SEC_PSK, false, why, sizeof(why));
	assert_non_null(strstr(why, "PSK identity 'warden-test' or its key "
	    "refused (alert 51, Decrypt error)"));

	/* Control characters from a certificate's name do not pass. */
	memset(&c, 0, sizeof(c));
	note(&c, "x: The certificate has an invalid usage date: 'CN=a\x1b[2J'");
	assert_int_equal(c.kind, LWM2M_DTLS_CERT);
	assert_null(strchr(c.detail, '\x1b'));
}

static void
timeouts(void **state)
{
	char why[LWM2M_WHY_MAX];

	(void)state;
	explain(NULL, LWM2M_SEC_PSK, true, why, sizeof(why));
	assert_string_equal(why, "DTLS handshake with 127.0.0.1 timed out: "
	    "PSK identity 'warden-test' unknown, wrong key or no cipher suite "
	    "in common (dropped without an alert)");
	explain(NULL, LWM2M_SEC_PSK, false, why, sizeof(why));
	assert_string_equal(why, "DTLS handshake with 127.0.0.1 given up: "
	    "PSK identity 'warden-test' unknown, wrong key or no cipher suite "
	    "in common (dropped without an alert)");
	explain(NULL, LWM2M_SEC_CERT, true, why, sizeof(why));
	assert_string_equal(why, "DTLS handshake with 127.0.0.1 timed out: "
	    "no answer from the server");
	explain(NULL, LWM2M_SEC_CERT, false, why, sizeof(why));
	assert_non_null(strstr(why, "gave no reason"));
	/* A small buffer truncates, terminated. */
	explain(NULL, LWM2M_SEC_PSK, true, why, 10);
	assert_int_equal(strlen(why), 9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alerts),
		cmocka_unit_test(causes),
		cmocka_unit_test(timeouts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
