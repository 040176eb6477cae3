/*
 * Tests agent/transport/lwm2m/lwm2m_uri.c: server URIs, LwM2M paths and the
 * strict reading of a request's options (paths that are not LwM2M's,
 * repeated or oversized options, Observe values).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <coap3/coap.h>

#include "agent/transport/lwm2m/lwm2m_coap.h"

static void
uris(void **state)
{
	char host[64], err[128];
	uint16_t port;
	bool sec;

	(void)state;
	assert_int_equal(lwm2m_uri_parse("coaps://lwm2m.example.com",
	    &sec, host, sizeof(host), &port, err, sizeof(err)), 0);
	assert_true(sec);
	assert_string_equal(host, "lwm2m.example.com");
	assert_int_equal(port, 5684);
	assert_int_equal(lwm2m_uri_parse("coap://127.0.0.1:5783/", &sec, host,
	    sizeof(host), &port, err, sizeof(err)), 0);
	assert_false(sec);
	assert_int_equal(port, 5783);
	assert_int_equal(lwm2m_uri_parse("COAPS://[::1]:6000", &sec, host,
	    sizeof(host), &port, err, sizeof(err)), 0);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 6000);

	static const char *const bad[] = {
		"https://x", "coap://", "coap://:5683", "coap://h:0",
		"coap://h:65536", "coap://h:123456", "coap://h:12a",
		"coap://h/rd", "coap://h?x", "coap://u@h", "coap://[::1",
		"coap://h_h", "coap://h:", "coaps//h", "",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(lwm2m_uri_parse(bad[i], &sec, host,
		    sizeof(host), &port, err, sizeof(err)), -1);
		assert_true(err[0] != '\0');
	}
	/* a host that does not fit the caller's buffer */
	assert_int_equal(lwm2m_uri_parse("coap://abcdefghijklmnop", &sec,
	    host, 8, &port, err, sizeof(err)), -1);
}

static void
paths(void **state)
{
	struct lwm2m_path p, q;
	char buf[32];

	(void)state;
	assert_int_equal(lwm2m_path_parse("/3/0/13", &p), 0);
	assert_int_equal(p.len, 3);
	assert_int_equal(p.id[2], 13);
	assert_string_equal(lwm2m_path_str(&p, buf, sizeof(buf)), "/3/0/13");
	assert_int_equal(lwm2m_path_parse("/", &q), 0);
	assert_int_equal(q.len, 0);
	assert_string_equal(lwm2m_path_str(&q, buf, sizeof(buf)), "/");
	assert_true(lwm2m_path_covers(&q, &p));
	assert_int_equal(lwm2m_path_parse("33004/0/4/65534", &q), 0);
	assert_int_equal(q.len, 4);
	assert_false(lwm2m_path_covers(&p, &q));
	assert_false(lwm2m_path_equal(&p, &q));
	assert_int_equal(lwm2m_path_parse("/3/0", &q), 0);
	assert_true(lwm2m_path_covers(&q, &p));
	assert_int_equal(lwm2m_path_parse("/3/01", &q), -1);
	assert_int_equal(lwm2m_path_parse("/3//1", &q), -1);
	assert_int_equal(lwm2m_path_parse("/3/65535", &q), -1);
	assert_int_equal(lwm2m_path_parse("/1/2/3/4/5", &q), -1);
	assert_int_equal(lwm2m_path_parse("/3/-1", &q), -1);
	assert_int_equal(lwm2m_path_parse("/3/0/", &q), -1);
	assert_int_equal(lwm2m_path_parse("/bs", &q), -1);
}

/* Options of a raw request, in any order (raw() sorts them, stably). */
struct opt {
	uint16_t num;
	const char *val;
	size_t len;
};

#define S(n, s) { n, s, sizeof(s) - 1 }
#define PATH(s) S(COAP_OPTION_URI_PATH, s)
#define QUERY(s) S(COAP_OPTION_URI_QUERY, s)

static size_t
put_ext(uint8_t *b, unsigned v, unsigned *nib)
{
	if (v < 13) {
		*nib = v;
		return 0;
	}
	if (v < 269) {
		*nib = 13;
		b[0] = (uint8_t)(v - 13);
		return 1;
	}
	*nib = 14;
	b[0] = (uint8_t)((v - 269) >> 8);
	b[1] = (uint8_t)(v - 269);
	return 2;
}

/* A CoAP/UDP request as bytes, parsed back by libcoap: what a server
 * would send, including what libcoap's own builder refuses to make. */
static coap_pdu_t *
raw(unsigned code, const struct opt *o, size_t n, const char *payload)
{
	uint8_t buf[1024], ext[4];
	size_t len = 0, i, j, k;
	unsigned prev = 0, dnib, lnib;
	struct opt sorted[16];
	coap_pdu_t *pdu;

	assert_true(n <= 16);
	memcpy(sorted, o, n * sizeof(*o));
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && sorted[j - 1].num > sorted[j].num; j--) {
			struct opt t = sorted[j];
			sorted[j] = sorted[j - 1];
			sorted[j - 1] = t;
		}
	buf[len++] = 0x42;		/* ver 1, CON, token length 2 */
	buf[len++] = (uint8_t)code;
	buf[len++] = 0x12;
	buf[len++] = 0x34;
	buf[len++] = 0x01;
	buf[len++] = 0x02;
	for (i = 0; i < n; i++) {
		size_t d = put_ext(ext, sorted[i].num - prev, &dnib);
		size_t l = put_ext(ext + d, (unsigned)sorted[i].len, &lnib);

		buf[len++] = (uint8_t)(dnib << 4 | lnib);
		for (k = 0; k < d + l; k++)
			buf[len++] = ext[k];
		memcpy(buf + len, sorted[i].val, sorted[i].len);
		len += sorted[i].len;
		prev = sorted[i].num;
	}
	if (payload != NULL) {
		buf[len++] = 0xff;
		memcpy(buf + len, payload, strlen(payload));
		len += strlen(payload);
	}
	pdu = coap_pdu_init(0, 0, 0, 1152);
	assert_non_null(pdu);
	assert_true(coap_pdu_parse(COAP_PROTO_UDP, buf, len, pdu));
	return pdu;
}

static int
parse(coap_pdu_t *pdu, struct lwm2m_msg *m)
{
	int rc = lwm2m_coap_parse_request(pdu, m);

	coap_delete_pdu(pdu);
	return rc;
}

#define PARSE(code, opts, payload) \
	parse(raw(code, opts, sizeof(opts) / sizeof(opts[0]), payload), &m)

static void
requests(void **state)
{
	const struct opt write[] = { PATH("3"), PATH("0"), PATH("13"),
	    S(COAP_OPTION_CONTENT_FORMAT, "\x2d\x16"),
	    S(COAP_OPTION_ACCEPT, "\x6e"), QUERY("pmin=5") };
	const struct opt bs[] = { PATH("bs") };
	const struct opt five[] = { PATH("1"), PATH("2"), PATH("3"),
	    PATH("4"), PATH("5") };
	const struct opt lead[] = { PATH("03") };
	const struct opt big[] = { PATH("65535") };
	const struct opt bs1[] = { PATH("bs"), PATH("1") };
	const struct opt onebs[] = { PATH("1"), PATH("bs") };
	const struct opt rd[] = { PATH("rd") };
	const struct opt empty[] = { PATH("") };
	const struct opt obs0[] = { PATH("3"), S(COAP_OPTION_OBSERVE, "") };
	const struct opt obs2[] = { PATH("3"), S(COAP_OPTION_OBSERVE, "\2") };
	const struct opt acc2[] = { PATH("3"), S(COAP_OPTION_ACCEPT, ""),
	    S(COAP_OPTION_ACCEPT, "\x28") };
	const struct opt cf2[] = { PATH("3"),
	    S(COAP_OPTION_CONTENT_FORMAT, ""),
	    S(COAP_OPTION_CONTENT_FORMAT, "\x2a") };
	const struct opt qlong[] = { PATH("3"), QUERY("aaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") };
	const struct opt qctl[] = { PATH("3"), QUERY("a\nb") };
	const struct opt qmany[] = { PATH("3"), QUERY("a"), QUERY("b"),
	    QUERY("c"), QUERY("d"), QUERY("e"), QUERY("f"), QUERY("g"),
	    QUERY("h"), QUERY("i") };
	const struct opt root[] = { QUERY("x") };
	struct lwm2m_msg m;

	(void)state;
	assert_int_equal(PARSE(COAP_REQUEST_CODE_PUT, write, "abc"), 0);
	assert_int_equal(m.method, LWM2M_PUT);
	assert_int_equal(m.path.len, 3);
	assert_int_equal(m.path.id[0], 3);
	assert_int_equal(m.path.id[2], 13);
	assert_int_equal(m.cf, LWM2M_CF_TLV);
	assert_int_equal(m.accept, LWM2M_CF_SENML_JSON);
	assert_int_equal(m.nquery, 1);
	assert_string_equal(m.query[0], "pmin=5");
	assert_int_equal(m.len, 3);
	assert_memory_equal(m.payload, "abc", 3);
	assert_int_equal(m.observe, -1);
	assert_int_equal(m.token_len, 2);

	assert_int_equal(PARSE(COAP_REQUEST_CODE_POST, bs, NULL), 0);
	assert_true(m.bs);
	assert_int_equal(m.path.len, 0);
	assert_int_equal(PARSE(COAP_REQUEST_CODE_DELETE, root, NULL), 0);
	assert_int_equal(m.path.len, 0);
	assert_false(m.bs);

	assert_int_equal(PARSE(COAP_REQUEST_CODE_GET, five, NULL), 404);
	assert_int_equal(PARSE(COAP_REQUEST_CODE_GET, lead, NULL), 404);
	assert_int_equal(PARSE(COAP_REQUEST_CODE_GET, big, NULL), 404);
	assert_int_equal(PARSE(COAP_REQUEST_CODE_GET, bs1, NULL), 404);
	assert_int_equal(PARSE(COAP_REQUEST_CODE_GET, onebs, NULL), 404);
	assert_int_equal(PARSE(COAP_REQUEST_CODE_GET, rd, NULL), 404);
	assert_int_equal(PARSE(COAP_REQUEST_CODE_GET, empty, NULL), 404);

	assert_int_equal(PARSE(COAP_REQUEST_CODE_GET, obs0, NULL), 0);
	assert_int_equal(m.observe, 0);
	assert_int_equal(PARSE(COAP_REQUEST_CODE_GET, obs2, NULL), 400);
	assert_int_equal(PARSE(COAP_REQUEST_CODE_GET, acc2, NULL), 400);
	assert_int_equal(PARSE(COAP_REQUEST_CODE_GET, cf2, NULL), 400);
	assert_int_equal(PARSE(COAP_REQUEST_CODE_PUT, qlong, NULL), 400);
	assert_int_equal(PARSE(COAP_REQUEST_CODE_PUT, qctl, NULL), 400);
	assert_int_equal(PARSE(COAP_REQUEST_CODE_PUT, qmany, NULL), 400);
	/* a response is not a request */
	assert_int_equal(PARSE(COAP_RESPONSE_CODE(205), bs, NULL), 405);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uris),
		cmocka_unit_test(paths),
		cmocka_unit_test(requests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
