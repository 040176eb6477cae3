/*
 * Tests agent/transport/lwm2m/lwm2m_tlv.c with exact bytes: the Device object
 * example of the LwM2M specification (single and multiple resources,
 * 8-bit lengths, integers of 1, 2 and 4 bytes), object instances, 16-bit
 * identifiers and lengths, what a server may write at each level, and
 * the malformed entries the decoder must refuse.
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

/* /3/0 as the specification's example reads it. */
static const uint8_t device[] = {
	0xC8, 0x00, 0x14, 'O', 'p', 'e', 'n', ' ', 'M', 'o', 'b', 'i', 'l',
	'e', ' ', 'A', 'l', 'l', 'i', 'a', 'n', 'c', 'e',
	0xC8, 0x01, 0x16, 'L', 'i', 'g', 'h', 't', 'w', 'e', 'i', 'g', 'h',
	't', ' ', 'M', '2', 'M', ' ', 'C', 'l', 'i', 'e', 'n', 't',
	0xC8, 0x02, 0x09, '3', '4', '5', '0', '0', '0', '1', '2', '3',
	0xC3, 0x03, '1', '.', '0',
	0x86, 0x06, 0x41, 0x00, 0x01, 0x41, 0x01, 0x05,
	0x88, 0x07, 0x08, 0x42, 0x00, 0x0E, 0xD8, 0x42, 0x01, 0x13, 0x88,
	0x87, 0x08, 0x41, 0x00, 0x7D, 0x42, 0x01, 0x03, 0x84,
	0xC1, 0x09, 0x64,
	0xC1, 0x0A, 0x0F,
	0x83, 0x0B, 0x41, 0x00, 0x00,
	0xC4, 0x0D, 0x51, 0x82, 0x42, 0x8F,
	0xC6, 0x0E, '+', '0', '2', ':', '0', '0',
	0xC1, 0x10, 'U',
};

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
device_records(struct lwm2m_records *rs)
{
	add(rs, P(3, 3, 0, 0, 0), lwm2m_str("Open Mobile Alliance"));
	add(rs, P(3, 3, 0, 1, 0), lwm2m_str("Lightweight M2M Client"));
	add(rs, P(3, 3, 0, 2, 0), lwm2m_str("345000123"));
	add(rs, P(3, 3, 0, 3, 0), lwm2m_str("1.0"));
	add(rs, P(4, 3, 0, 6, 0), lwm2m_int(1));
	add(rs, P(4, 3, 0, 6, 1), lwm2m_int(5));
	add(rs, P(4, 3, 0, 7, 0), lwm2m_int(3800));
	add(rs, P(4, 3, 0, 7, 1), lwm2m_int(5000));
	add(rs, P(4, 3, 0, 8, 0), lwm2m_int(125));
	add(rs, P(4, 3, 0, 8, 1), lwm2m_int(900));
	add(rs, P(3, 3, 0, 9, 0), lwm2m_int(100));
	add(rs, P(3, 3, 0, 10, 0), lwm2m_int(15));
	add(rs, P(4, 3, 0, 11, 0), lwm2m_int(0));
	add(rs, P(3, 3, 0, 13, 0), lwm2m_time(1367491215));
	add(rs, P(3, 3, 0, 14, 0), lwm2m_str("+02:00"));
	add(rs, P(3, 3, 0, 16, 0), lwm2m_str("U"));
}

static void
spec_device_instance(void **state)
{
	struct lwm2m_records rs;
	struct lwm2m_path base = P(2, 3, 0, 0, 0);
	uint8_t *out;
	size_t len;

	(void)state;
	lwm2m_records_init(&rs);
	device_records(&rs);
	assert_int_equal(lwm2m_tlv_encode(&base, &rs, &out, &len), 0);
	assert_int_equal(len, sizeof(device));
	assert_memory_equal(out, device, sizeof(device));
	free(out);
	lwm2m_records_clear(&rs);
}

static void
spec_device_decoded(void **state)
{
	struct lwm2m_records rs;
	struct lwm2m_path base = P(2, 3, 0, 0, 0);
	struct lwm2m_value v;
	char err[LWM2M_ERR_MAX];

	(void)state;
	lwm2m_records_init(&rs);
	assert_int_equal(lwm2m_tlv_decode(&base, device, sizeof(device), &rs,
	    err, sizeof(err)), 0);
	assert_int_equal(rs.n, 16);
	assert_int_equal(rs.r[0].path.len, 3);
	assert_int_equal(rs.r[0].v.raw, LWM2M_RAW_TLV);
	assert_int_equal(lwm2m_value_coerce(&rs.r[0].v, LWM2M_T_STRING, &v,
	    err, sizeof(err)), 0);
	assert_int_equal(v.len, 20);
	assert_memory_equal(v.bytes, "Open Mobile Alliance", 20);
	/* /3/0/7/1 = 5000 in two bytes */
	assert_int_equal(rs.r[7].path.len, 4);
	assert_int_equal(rs.r[7].path.id[2], 7);
	assert_int_equal(rs.r[7].path.id[3], 1);
	assert_int_equal(lwm2m_value_coerce(&rs.r[7].v, LWM2M_T_INTEGER, &v,
	    err, sizeof(err)), 0);
	assert_int_equal(v.i, 5000);
	assert_int_equal(lwm2m_value_coerce(&rs.r[13].v, LWM2M_T_TIME, &v,
	    err, sizeof(err)), 0);
	assert_int_equal(v.i, 1367491215);
	/* a string is not a boolean */
	assert_int_equal(lwm2m_value_coerce(&rs.r[3].v, LWM2M_T_BOOLEAN, &v,
	    err, sizeof(err)), -1);
	lwm2m_records_clear(&rs);
}

/* Object level: instances wrap resources; 16-bit ids and lengths. */
static void
object_level(void **state)
{
	static const uint8_t want[] = {
		0x08, 0x00, 0x0A,		/* instance 0, 10 bytes */
		0xC1, 0x00, 0x01,		/*   res 0 = 1 */
		0xE4, 0x01, 0x2C, 0x00, 0x01, 0x00, 0x00, /* res 300 = 65536 */
		0x28, 0x01, 0x00, 0x08,	/* instance 256, 8 bytes */
		0xC1, 0x00, 0x00,		/*   res 0 = false */
		0x83, 0x05, 0x41, 0x00, 0xFF,	/*   res 5 [0] = -1 */
	};
	struct lwm2m_records rs;
	struct lwm2m_path base = P(1, 33004, 0, 0, 0);
	uint8_t *out;
	size_t len;

	(void)state;
	lwm2m_records_init(&rs);
	add(&rs, P(3, 33004, 0, 0, 0), lwm2m_int(1));
	add(&rs, P(3, 33004, 0, 300, 0), lwm2m_int(65536));
	add(&rs, P(3, 33004, 256, 0, 0), lwm2m_bool(false));
	add(&rs, P(4, 33004, 256, 5, 0), lwm2m_int(-1));
	assert_int_equal(lwm2m_tlv_encode(&base, &rs, &out, &len), 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	free(out);
	lwm2m_records_clear(&rs);
}

static void
values(void **state)
{
	/* float 1.5 (4 bytes), 0.1 (8 bytes), objlnk 3:0, opaque, a long
	 * string with a 16-bit length, an empty multiple resource */
	static const uint8_t want[] = {
		0xC4, 0x01, 0x3F, 0xC0, 0x00, 0x00,
		0xC8, 0x02, 0x08, 0x3F, 0xB9, 0x99, 0x99, 0x99, 0x99, 0x99,
		0x9A,
		0xC4, 0x03, 0x00, 0x03, 0x00, 0x00,
		0xC2, 0x04, 0xDE, 0xAD,
		0x80, 0x06,
	};
	struct lwm2m_records rs;
	struct lwm2m_path base = P(2, 9, 0, 0, 0), empty = P(3, 9, 0, 6, 0);
	struct lwm2m_value none;
	uint8_t *out;
	size_t len;

	(void)state;
	memset(&none, 0, sizeof(none));
	lwm2m_records_init(&rs);
	add(&rs, P(3, 9, 0, 1, 0), lwm2m_float(1.5));
	add(&rs, P(3, 9, 0, 2, 0), lwm2m_float(0.1));
	add(&rs, P(3, 9, 0, 3, 0), lwm2m_objlnk(3, 0));
	add(&rs, P(3, 9, 0, 4, 0), lwm2m_opaque((const uint8_t *)"\xde\xad",
	    2));
	assert_int_equal(lwm2m_records_add(&rs, &empty, &none), 0);
	assert_int_equal(lwm2m_tlv_encode(&base, &rs, &out, &len), 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	free(out);
	lwm2m_records_clear(&rs);

	/* a 300-byte string: 16-bit length */
	char big[301];
	memset(big, 'x', 300);
	big[300] = '\0';
	base = P(3, 9, 0, 7, 0);
	add(&rs, base, lwm2m_str(big));
	assert_int_equal(lwm2m_tlv_encode(&base, &rs, &out, &len), 0);
	assert_int_equal(len, 304);
	assert_memory_equal(out, "\xD0\x07\x01\x2C", 4);
	free(out);
	lwm2m_records_clear(&rs);
}

static int
decode(const struct lwm2m_path *base, const uint8_t *b, size_t n,
    struct lwm2m_records *rs)
{
	char err[LWM2M_ERR_MAX];
	int rc;

	err[0] = '\0';
	rc = lwm2m_tlv_decode(base, b, n, rs, err, sizeof(err));
	if (rc != 0)
		assert_true(err[0] != '\0');
	return rc;
}

static void
write_levels(void **state)
{
	struct lwm2m_records rs;
	struct lwm2m_path inst = P(2, 33001, 0, 0, 0), res = P(3, 33001, 0, 1,
	    0), obj = P(1, 33001, 0, 0, 0);

	(void)state;
	lwm2m_records_init(&rs);
	/* an instance wrapped in its object instance entry */
	assert_int_equal(decode(&inst, (const uint8_t *)"\x03\x00\xC1\x01\x06",
	    5, &rs), 0);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.r[0].path.id[2], 1);
	lwm2m_records_clear(&rs);
	/* ... but not another instance's */
	assert_int_equal(decode(&inst, (const uint8_t *)"\x03\x01\xC1\x01\x06",
	    5, &rs), -1);
	assert_int_equal(rs.n, 0);
	/* a single resource */
	assert_int_equal(decode(&res, (const uint8_t *)"\xC1\x01\x06", 3, &rs),
	    0);
	assert_int_equal(rs.n, 1);
	lwm2m_records_clear(&rs);
	/* another resource than the path's */
	assert_int_equal(decode(&res, (const uint8_t *)"\xC1\x02\x06", 3, &rs),
	    -1);
	/* resource instances straight under a resource path */
	assert_int_equal(decode(&res, (const uint8_t *)"\x41\x00\x01\x41\x03"
	    "\x02", 6, &rs), 0);
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.r[1].path.len, 4);
	assert_int_equal(rs.r[1].path.id[3], 3);
	lwm2m_records_clear(&rs);
	/* a Create with bare resources: the instance id is not given */
	assert_int_equal(decode(&obj, (const uint8_t *)"\xC1\x01\x06", 3, &rs),
	    0);
	assert_int_equal(rs.r[0].path.id[1], LWM2M_ID_NONE);
	lwm2m_records_clear(&rs);
	/* an empty multiple resource written to its path */
	assert_int_equal(decode(&res, (const uint8_t *)"", 0, &rs), 0);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.r[0].v.raw, LWM2M_RAW_NONE);
	lwm2m_records_clear(&rs);
}

static void
malformed(void **state)
{
	struct lwm2m_records rs;
	struct lwm2m_path inst = P(2, 3, 0, 0, 0), obj = P(1, 3, 0, 0, 0),
	    root = P(0, 0, 0, 0, 0);

	(void)state;
	lwm2m_records_init(&rs);
	/* length past the end */
	assert_int_equal(decode(&inst, (const uint8_t *)"\xC8\x00\x05" "ab",
	    5, &rs), -1);
	/* a header cut short */
	assert_int_equal(decode(&inst, (const uint8_t *)"\xE8\x00", 2, &rs),
	    -1);
	/* identifier 65535 */
	assert_int_equal(decode(&inst, (const uint8_t *)"\xE1\xFF\xFF\x01", 4,
	    &rs), -1);
	/* an object instance inside an object instance */
	assert_int_equal(decode(&obj, (const uint8_t *)"\x03\x00\x01\x00\x00",
	    5, &rs), -1);
	/* a resource inside a multiple resource */
	assert_int_equal(decode(&inst, (const uint8_t *)"\x83\x06\xC1\x00\x01",
	    5, &rs), -1);
	/* the same resource twice */
	assert_int_equal(decode(&inst, (const uint8_t *)"\xC1\x00\x01\xC1\x00"
	    "\x02", 6, &rs), -1);
	/* instances and bare resources mixed */
	assert_int_equal(decode(&obj, (const uint8_t *)"\x03\x00\xC1\x00\x01"
	    "\xC1\x00\x01", 8, &rs), -1);
	/* nothing at the root, nothing empty at an instance */
	assert_int_equal(decode(&root, (const uint8_t *)"\xC1\x00\x01", 3,
	    &rs), -1);
	assert_int_equal(decode(&inst, (const uint8_t *)"", 0, &rs), -1);
	assert_int_equal(rs.n, 0);
	lwm2m_records_clear(&rs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_device_instance),
		cmocka_unit_test(spec_device_decoded),
		cmocka_unit_test(object_level),
		cmocka_unit_test(values),
		cmocka_unit_test(write_levels),
		cmocka_unit_test(malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
