/*
 * Tests agent/transport/lwm2m/lwm2m_senml_cbor.c with exact bytes: the
 * encoding of an instance (base name, names, each value type), one
 * resource alone, decoding what a server writes (integers of every head
 * length, half/single/double floats, strings, booleans, opaque, object
 * links, bn carried over), the round trip through lwm2m_encode/decode,
 * and the malformed or out-of-shape payloads the decoder must refuse
 * whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/transport/lwm2m/lwm2m_content.h"

static struct lwm2m_path
P(int n, int a, int b, int c, int d)
{
	struct lwm2m_path p = { { (uint16_t)a, (uint16_t)b, (uint16_t)c,
	    (uint16_t)d }, (uint8_t)n };

	return p;
}

static void
add(struct lwm2m_records *rs, struct lwm2m_path p, struct lwm2m_value v)
{
	assert_int_equal(lwm2m_records_add(rs, &p, &v), 0);
}

static void
test_encode_instance(void **state)
{
	/* [{-2: "/3/0/", 0: "0", 3: "ACME"}, {0: "9", 2: 87},
	 *  {0: "13", 2: -2}, {0: "20", 4: true}, {0: "30", 8: h'0102'},
	 *  {0: "31", "vlo": "1:0"}, {0: "32", 2: 1.5}] */
	static const uint8_t want[] = {
		0x87,
		0xa3, 0x21, 0x65, '/', '3', '/', '0', '/', 0x00, 0x61, '0',
		0x03, 0x64, 'A', 'C', 'M', 'E',
		0xa2, 0x00, 0x61, '9', 0x02, 0x18, 0x57,
		0xa2, 0x00, 0x62, '1', '3', 0x02, 0x21,
		0xa2, 0x00, 0x62, '2', '0', 0x04, 0xf5,
		0xa2, 0x00, 0x62, '3', '0', 0x08, 0x42, 0x01, 0x02,
		0xa2, 0x00, 0x62, '3', '1', 0x63, 'v', 'l', 'o', 0x63, '1',
		':', '0',
		0xa2, 0x00, 0x62, '3', '2', 0x02, 0xfa, 0x3f, 0xc0, 0x00,
		0x00,
	};
	static const uint8_t two[] = { 1, 2 };
	struct lwm2m_records rs;
	struct lwm2m_path base = P(2, 3, 0, 0, 0);
	uint8_t *out;
	size_t len;

	(void)state;
	lwm2m_records_init(&rs);
	add(&rs, P(3, 3, 0, 0, 0), lwm2m_str("ACME"));
	add(&rs, P(3, 3, 0, 9, 0), lwm2m_int(87));
	add(&rs, P(3, 3, 0, 13, 0), lwm2m_time(-2));
	add(&rs, P(3, 3, 0, 20, 0), lwm2m_bool(true));
	add(&rs, P(3, 3, 0, 30, 0), lwm2m_opaque(two, 2));
	add(&rs, P(3, 3, 0, 31, 0), lwm2m_objlnk(1, 0));
	add(&rs, P(3, 3, 0, 32, 0), lwm2m_float(1.5));
	assert_int_equal(lwm2m_encode(LWM2M_CF_SENML_CBOR, &base, &rs, &out,
	    &len), 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	free(out);
	lwm2m_records_clear(&rs);
}

static void
test_encode_single(void **state)
{
	/* [{-2: "/3/0/9", 2: 4294967296}] and a float that needs 64 bits */
	static const uint8_t want[] = { 0x81, 0xa2, 0x21, 0x66, '/', '3', '/',
	    '0', '/', '9', 0x02, 0x1b, 0, 0, 0, 1, 0, 0, 0, 0 };
	static const uint8_t wantf[] = { 0x81, 0xa2, 0x21, 0x66, '/', '3',
	    '/', '0', '/', '9', 0x02, 0xfb, 0x3f, 0xb9, 0x99, 0x99, 0x99,
	    0x99, 0x99, 0x9a };
	struct lwm2m_records rs;
	struct lwm2m_path base = P(3, 3, 0, 9, 0);
	uint8_t *out;
	size_t len;

	(void)state;
	lwm2m_records_init(&rs);
	add(&rs, base, lwm2m_uint(4294967296u));
	assert_int_equal(lwm2m_senml_cbor_encode(&base, &rs, &out, &len), 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	free(out);
	lwm2m_records_clear(&rs);
	add(&rs, base, lwm2m_float(0.1));
	assert_int_equal(lwm2m_senml_cbor_encode(&base, &rs, &out, &len), 0);
	assert_int_equal(len, sizeof(wantf));
	assert_memory_equal(out, wantf, sizeof(wantf));
	free(out);
	lwm2m_records_clear(&rs);
}

static void
test_decode(void **state)
{
	/* [{-2: "/32001/0/", 0: "0", 3: "NUMERIC"}, {0: "1", 2: 10},
	 *  {0: "9", 2: 1000000}, {0: "12", 2: -300},
	 *  {0: "2", 2: 2.0 (half)}, {0: "3", 2: 0.5 (single)},
	 *  {0: "4", 2: 0.1 (double)}, {0: "5", 4: false},
	 *  {0: "6", 8: h'ff'}, {0: "7", "vlo": "3:0"}, {-1: 10, -3: 0, 0: "8", 6: 1, 2: 0}] */
	static const uint8_t in[] = {
		0x8b,
		0xa3, 0x21, 0x69, '/', '3', '2', '0', '0', '1', '/', '0', '/',
		0x00, 0x61, '0', 0x03, 0x67, 'N', 'U', 'M', 'E', 'R', 'I', 'C',
		0xa2, 0x00, 0x61, '1', 0x02, 0x0a,
		0xa2, 0x00, 0x61, '9', 0x02, 0x1a, 0x00, 0x0f, 0x42, 0x40,
		0xa2, 0x00, 0x62, '1', '2', 0x02, 0x39, 0x01, 0x2b,
		0xa2, 0x00, 0x61, '2', 0x02, 0xf9, 0x40, 0x00,
		0xa2, 0x00, 0x61, '3', 0x02, 0xfa, 0x3f, 0x00, 0x00, 0x00,
		0xa2, 0x00, 0x61, '4', 0x02, 0xfb, 0x3f, 0xb9, 0x99, 0x99,
		0x99, 0x99, 0x99, 0x9a,
		0xa2, 0x00, 0x61, '5', 0x04, 0xf4,
		0xa2, 0x00, 0x61, '6', 0x08, 0x41, 0xff,
		0xa2, 0x00, 0x61, '7', 0x63, 'v', 'l', 'o', 0x63, '3', ':',
		'0',
		0xa5, 0x20, 0x0a, 0x22, 0x00, 0x00, 0x61, '8', 0x06, 0x01,
		0x02, 0x00,
	};
	struct lwm2m_records rs;
	struct lwm2m_path base = P(2, 32001, 0, 0, 0);
	char err[LWM2M_ERR_MAX];

	(void)state;
	lwm2m_records_init(&rs);
	assert_int_equal(lwm2m_decode(LWM2M_CF_SENML_CBOR, &base, in,
	    sizeof(in), &rs, err, sizeof(err)), 0);
	assert_int_equal(rs.n, 11);
	assert_int_equal(rs.r[0].path.len, 3);
	assert_int_equal(rs.r[0].path.id[2], 0);
	assert_int_equal(rs.r[0].v.type, LWM2M_T_STRING);
	assert_int_equal(rs.r[0].v.len, 7);
	assert_memory_equal(rs.r[0].v.bytes, "NUMERIC", 7);
	assert_int_equal(rs.r[1].v.raw, LWM2M_RAW_NUMBER);
	assert_true(rs.r[1].v.integral);
	assert_int_equal(rs.r[1].v.i, 10);
	assert_int_equal(rs.r[2].v.i, 1000000);
	assert_int_equal(rs.r[3].path.id[2], 12);
	assert_int_equal(rs.r[3].v.i, -300);
	assert_true(rs.r[4].v.f == 2.0 && rs.r[4].v.integral);
	assert_true(rs.r[5].v.f == 0.5 && !rs.r[5].v.integral);
	assert_true(rs.r[6].v.f == 0.1);
	assert_int_equal(rs.r[7].v.type, LWM2M_T_BOOLEAN);
	assert_false(rs.r[7].v.b);
	assert_int_equal(rs.r[8].v.type, LWM2M_T_OPAQUE);
	assert_int_equal(rs.r[8].v.len, 1);
	assert_int_equal(rs.r[8].v.bytes[0], 0xff);
	assert_int_equal(rs.r[9].v.type, LWM2M_T_OBJLNK);
	assert_int_equal(rs.r[9].v.lnk[0], 3);
	assert_int_equal(rs.r[9].v.lnk[1], 0);
	assert_int_equal(rs.r[10].path.id[2], 8);
	assert_int_equal(rs.r[10].v.i, 0);
	lwm2m_records_clear(&rs);
}

static void
test_round_trip(void **state)
{
	struct lwm2m_records rs, back;
	struct lwm2m_path base = P(1, 32004, 0, 0, 0);
	char err[LWM2M_ERR_MAX];
	uint8_t *out;
	size_t len;

	(void)state;
	lwm2m_records_init(&rs);
	lwm2m_records_init(&back);
	add(&rs, P(3, 32004, 0, 0, 0), lwm2m_str("NonCompliant"));
	add(&rs, P(4, 32004, 0, 4, 0), lwm2m_str("passwordMinimumLength"));
	add(&rs, P(4, 32004, 0, 4, 1), lwm2m_str("cameraAccess"));
	add(&rs, P(3, 32004, 0, 10, 0), lwm2m_int(2));
	add(&rs, P(3, 32004, 0, 1, 0), lwm2m_bool(false));
	assert_int_equal(lwm2m_encode(LWM2M_CF_SENML_CBOR, &base, &rs, &out,
	    &len), 0);
	assert_int_equal(lwm2m_decode(LWM2M_CF_SENML_CBOR, &base, out, len,
	    &back, err, sizeof(err)), 0);
	assert_int_equal(back.n, 5);
	assert_int_equal(back.r[1].path.len, 4);
	assert_int_equal(back.r[2].path.id[3], 1);
	assert_memory_equal(back.r[2].v.bytes, "cameraAccess", 12);
	assert_int_equal(back.r[3].v.i, 2);
	assert_false(back.r[4].v.b);
	free(out);
	lwm2m_records_clear(&rs);
	lwm2m_records_clear(&back);
}

static void
refused(const uint8_t *in, size_t len, const char *why)
{
	struct lwm2m_records rs;
	struct lwm2m_path base = P(2, 32001, 0, 0, 0), keep = P(3, 1, 0, 1, 0);
	char err[LWM2M_ERR_MAX] = "";

	lwm2m_records_init(&rs);
	add(&rs, keep, lwm2m_int(1));	/* a record already in the list */
	if (lwm2m_senml_cbor_decode(&base, in, len, &rs, err,
	    sizeof(err)) == 0)
		fail_msg("accepted: %s", why);
	assert_int_equal(rs.n, 1);
	assert_true(err[0] != '\0');
	lwm2m_records_clear(&rs);
}

#define REFUSED(why, ...) do { \
	static const uint8_t b_[] = { __VA_ARGS__ }; \
	refused(b_, sizeof(b_), why); \
} while (0)

/* {-2: "/32001/0/1", 2: 5} */
#define REC 0xa2, 0x21, 0x6a, '/', '3', '2', '0', '0', '1', '/', '0', '/', \
	'1', 0x02, 0x05

static void
test_refused(void **state)
{
	(void)state;
	refused(NULL, 0, "empty");
	REFUSED("not an array", 0xa0);
	REFUSED("empty array", 0x80);
	REFUSED("indefinite array", 0x9f, REC, 0xff);
	REFUSED("indefinite map", 0x81, 0xbf, 0x02, 0x05, 0xff);
	REFUSED("truncated", 0x82, REC);
	REFUSED("bytes after", 0x81, REC, 0x00);
	REFUSED("a tag", 0x81, 0xa2, 0x21, 0x6a, '/', '3', '2', '0', '0',
	    '1', '/', '0', '/', '1', 0x02, 0xc1, 0x05);
	REFUSED("unknown key", 0x81, 0xa3, 0x21, 0x6a, '/', '3', '2', '0',
	    '0', '1', '/', '0', '/', '1', 0x02, 0x05, 0x01, 0x61, 'x');
	REFUSED("text key other than vlo", 0x81, 0xa3, 0x21, 0x6a, '/', '3',
	    '2', '0', '0', '1', '/', '0', '/', '1', 0x02, 0x05, 0x61, 'v',
	    0x05);
	REFUSED("key twice", 0x81, 0xa3, 0x21, 0x6a, '/', '3', '2', '0', '0',
	    '1', '/', '0', '/', '1', 0x02, 0x05, 0x02, 0x06);
	REFUSED("two values", 0x81, 0xa3, 0x21, 0x6a, '/', '3', '2', '0',
	    '0', '1', '/', '0', '/', '1', 0x02, 0x05, 0x04, 0xf5);
	REFUSED("no value", 0x81, 0xa1, 0x21, 0x6a, '/', '3', '2', '0', '0',
	    '1', '/', '0', '/', '1');
	REFUSED("another object", 0x81, 0xa2, 0x21, 0x66, '/', '3', '/', '0',
	    '/', '1', 0x02, 0x05);
	REFUSED("an instance, not a resource", 0x81, 0xa2, 0x21, 0x68, '/',
	    '3', '2', '0', '0', '1', '/', '0', 0x02, 0x05);
	REFUSED("a resource twice", 0x82, REC, 0xa1, 0x02, 0x06);
	REFUSED("vs not text", 0x81, 0xa2, 0x21, 0x6a, '/', '3', '2', '0',
	    '0', '1', '/', '0', '/', '1', 0x03, 0x41, 'x');
	REFUSED("vs not UTF-8", 0x81, 0xa2, 0x21, 0x6a, '/', '3', '2', '0',
	    '0', '1', '/', '0', '/', '1', 0x03, 0x61, 0xff);
	REFUSED("vb not a boolean", 0x81, 0xa2, 0x21, 0x6a, '/', '3', '2',
	    '0', '0', '1', '/', '0', '/', '1', 0x04, 0xf6);
	REFUSED("v a NaN", 0x81, 0xa2, 0x21, 0x6a, '/', '3', '2', '0', '0',
	    '1', '/', '0', '/', '1', 0x02, 0xf9, 0x7e, 0x00);
	REFUSED("v a string", 0x81, 0xa2, 0x21, 0x6a, '/', '3', '2', '0', '0',
	    '1', '/', '0', '/', '1', 0x02, 0x61, '5');
	REFUSED("vlo not o:i", 0x81, 0xa2, 0x21, 0x6a, '/', '3', '2', '0',
	    '0', '1', '/', '0', '/', '1', 0x63, 'v', 'l', 'o', 0x61, '3');
	REFUSED("string longer than the input", 0x81, 0xa2, 0x21, 0x7a, 0xff,
	    0xff, 0xff, 0xff, '/');
	REFUSED("reserved additional info", 0x81, 0xa2, 0x21, 0x7c);
	REFUSED("bver too new", 0x81, 0xa3, 0x20, 0x0b, 0x21, 0x6a, '/', '3',
	    '2', '0', '0', '1', '/', '0', '/', '1', 0x02, 0x05);
	REFUSED("array length past the record cap", 0x9a, 0x00, 0x01, 0x00,
	    0x00, REC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_instance),
		cmocka_unit_test(test_encode_single),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
