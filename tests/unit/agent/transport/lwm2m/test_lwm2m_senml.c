/*
 * Tests agent/transport/lwm2m/lwm2m_senml.c with exact text: SenML JSON and
 * the LwM2M 1.0 JSON written for an instance and for one resource, the
 * values of every type, and the decoder's refusals (unknown and
 * repeated keys, two values, names outside the request's path, a NUL).
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
expect(const struct lwm2m_path *base, const struct lwm2m_records *rs,
    bool oma, const char *want)
{
	uint8_t *out;
	size_t len;

	assert_int_equal(lwm2m_senml_encode(base, rs, oma, &out, &len), 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(out, want, len);
	free(out);
}

static void
encode_instance(void **state)
{
	struct lwm2m_records rs;
	struct lwm2m_path base = P(2, 33004, 0, 0, 0);

	(void)state;
	lwm2m_records_init(&rs);
	add(&rs, P(3, 33004, 0, 0, 0), lwm2m_str("NON_COMPLIANT"));
	add(&rs, P(3, 33004, 0, 1, 0), lwm2m_bool(false));
	add(&rs, P(3, 33004, 0, 2, 0), lwm2m_int(9007199254740993LL));
	add(&rs, P(4, 33004, 0, 4, 0), lwm2m_str("passwordPolicies"));
	add(&rs, P(4, 33004, 0, 4, 1), lwm2m_str("a \"quoted\"\\\n"));
	add(&rs, P(3, 33004, 0, 9, 0), lwm2m_objlnk(3, 0));
	add(&rs, P(3, 33004, 0, 10, 0), lwm2m_opaque((const uint8_t *)
	    "\xfb\xff", 2));
	add(&rs, P(3, 33004, 0, 11, 0), lwm2m_float(0.5));
	expect(&base, &rs, false, "[{\"bn\":\"/33004/0/\",\"n\":\"0\","
	    "\"vs\":\"NON_COMPLIANT\"},{\"n\":\"1\",\"vb\":false},"
	    "{\"n\":\"2\",\"v\":9007199254740993},"
	    "{\"n\":\"4/0\",\"vs\":\"passwordPolicies\"},"
	    "{\"n\":\"4/1\",\"vs\":\"a \\\"quoted\\\"\\\\\\u000a\"},"
	    "{\"n\":\"9\",\"vlo\":\"3:0\"},{\"n\":\"10\",\"vd\":\"-_8\"},"
	    "{\"n\":\"11\",\"v\":0.5}]");
	expect(&base, &rs, true, "{\"bn\":\"/33004/0/\",\"e\":["
	    "{\"n\":\"0\",\"sv\":\"NON_COMPLIANT\"},{\"n\":\"1\",\"bv\":false},"
	    "{\"n\":\"2\",\"v\":9007199254740993},"
	    "{\"n\":\"4/0\",\"sv\":\"passwordPolicies\"},"
	    "{\"n\":\"4/1\",\"sv\":\"a \\\"quoted\\\"\\\\\\u000a\"},"
	    "{\"n\":\"9\",\"ov\":\"3:0\"},{\"n\":\"10\",\"sv\":\"+/8=\"},"
	    "{\"n\":\"11\",\"v\":0.5}]}");
	lwm2m_records_clear(&rs);
}

static void
encode_single(void **state)
{
	struct lwm2m_records rs;
	struct lwm2m_path base = P(3, 3, 0, 9, 0);

	(void)state;
	lwm2m_records_init(&rs);
	add(&rs, base, lwm2m_int(81));
	expect(&base, &rs, false, "[{\"bn\":\"/3/0/9\",\"v\":81}]");
	expect(&base, &rs, true, "{\"bn\":\"/3/0/9\",\"e\":[{\"v\":81}]}");
	lwm2m_records_clear(&rs);
	/* invalid UTF-8 never reaches the JSON */
	add(&rs, base, lwm2m_str("a\xff" "b"));
	expect(&base, &rs, false, "[{\"bn\":\"/3/0/9\",\"vs\":\"a?b\"}]");
	lwm2m_records_clear(&rs);
}

static int
decode(int n, int a, int b, int c, const char *text, bool oma,
    struct lwm2m_records *rs)
{
	struct lwm2m_path base = P(n, a, b, c, 0);
	char err[LWM2M_ERR_MAX];
	int rc;

	err[0] = '\0';
	rc = lwm2m_senml_decode(&base, (const uint8_t *)text, strlen(text),
	    oma, rs, err, sizeof(err));
	if (rc != 0)
		assert_true(err[0] != '\0');
	return rc;
}

static void
decode_senml(void **state)
{
	struct lwm2m_records rs;
	struct lwm2m_value v;
	char err[LWM2M_ERR_MAX];

	(void)state;
	lwm2m_records_init(&rs);
	assert_int_equal(decode(2, 33001, 0, 0, "[{\"bn\":\"/33001/0/\","
	    "\"n\":\"0\",\"vs\":\"NUMERIC_COMPLEX\"},{\"n\":\"1\",\"v\":6},"
	    "{\"n\":\"12\",\"v\":300000.0},{\"bn\":\"/33001/0/13/\","
	    "\"n\":\"2\",\"vb\":true},{\"n\":\"3\",\"vd\":\"AQI\"},"
	    "{\"bn\":\"/33001/0/14\",\"vlo\":\"3:0\"}]", false, &rs), 0);
	assert_int_equal(rs.n, 6);
	assert_int_equal(rs.r[0].v.type, LWM2M_T_STRING);
	assert_int_equal(lwm2m_value_coerce(&rs.r[1].v, LWM2M_T_INTEGER, &v,
	    err, sizeof(err)), 0);
	assert_int_equal(v.i, 6);
	assert_int_equal(lwm2m_value_coerce(&rs.r[2].v, LWM2M_T_INTEGER, &v,
	    err, sizeof(err)), 0);
	assert_int_equal(v.i, 300000);
	assert_int_equal(rs.r[3].path.len, 4);
	assert_int_equal(rs.r[3].path.id[3], 2);
	assert_true(rs.r[3].v.b);
	assert_int_equal(rs.r[4].v.type, LWM2M_T_OPAQUE);
	assert_int_equal(rs.r[4].v.len, 2);
	assert_memory_equal(rs.r[4].v.bytes, "\x01\x02", 2);
	assert_int_equal(rs.r[5].v.type, LWM2M_T_OBJLNK);
	assert_int_equal(rs.r[5].v.lnk[0], 3);
	/* 1.5 is not an integer; a string is not a number */
	assert_int_equal(lwm2m_value_coerce(&rs.r[0].v, LWM2M_T_INTEGER, &v,
	    err, sizeof(err)), -1);
	lwm2m_records_clear(&rs);
	assert_int_equal(decode(3, 33001, 0, 1, "[{\"bn\":\"/33001/0/1\","
	    "\"v\":1.5}]", false, &rs), 0);
	assert_int_equal(lwm2m_value_coerce(&rs.r[0].v, LWM2M_T_INTEGER, &v,
	    err, sizeof(err)), -1);
	lwm2m_records_clear(&rs);
}

static void
decode_oma(void **state)
{
	struct lwm2m_records rs;
	struct lwm2m_value v;
	char err[LWM2M_ERR_MAX];

	(void)state;
	lwm2m_records_init(&rs);
	assert_int_equal(decode(2, 33002, 0, 0, "{\"bn\":\"/33002/0/\",\"e\":"
	    "[{\"n\":\"0\",\"sv\":\"CAMERA_ACCESS_DISABLED\"},{\"n\":\"2\","
	    "\"bv\":true},{\"n\":\"7\",\"sv\":\"AQI=\"}]}", true, &rs), 0);
	assert_int_equal(rs.n, 3);
	assert_int_equal(lwm2m_value_coerce(&rs.r[0].v, LWM2M_T_STRING, &v,
	    err, sizeof(err)), 0);
	/* 1.0 JSON carries opaque data as base64 text */
	assert_int_equal(lwm2m_value_coerce(&rs.r[2].v, LWM2M_T_OPAQUE, &v,
	    err, sizeof(err)), 0);
	assert_int_equal(v.len, 2);
	lwm2m_records_clear(&rs);
}

static void
refusals(void **state)
{
	static const char *const senml[] = {
		"",
		"{}",
		"[]",
		"[1]",
		/* no value, two values, a key twice, an unknown key */
		"[{\"bn\":\"/3/0/\",\"n\":\"1\"}]",
		"[{\"bn\":\"/3/0/\",\"n\":\"1\",\"v\":1,\"vs\":\"x\"}]",
		"[{\"bn\":\"/3/0/\",\"n\":\"1\",\"v\":1,\"v\":2}]",
		"[{\"bn\":\"/3/0/\",\"n\":\"1\",\"x\":1}]",
		/* another object; not a resource */
		"[{\"bn\":\"/4/0/\",\"n\":\"1\",\"v\":1}]",
		"[{\"bn\":\"/3/0\",\"v\":1}]",
		"[{\"bn\":\"/3/0/\",\"n\":\"01\",\"v\":1}]",
		"[{\"bn\":\"3/0/\",\"n\":\"1\",\"v\":1}]",
		"[{\"bn\":\"/3/0/\",\"n\":\"1\",\"vs\":\"a\\u0000b\"}]",
		"[{\"bn\":\"/3/0/\",\"n\":\"1\",\"vd\":\"***\"}]",
		"[{\"bn\":\"/3/0/\",\"n\":\"1\",\"vlo\":\"3\"}]",
		"[{\"bn\":\"/3/0/\",\"n\":\"1\",\"v\":\"1\"}]",
		"[{\"bn\":\"/3/0/\",\"n\":\"1\",\"v\":1}] x",
		/* one resource twice, a resource and an instance of it */
		"[{\"bn\":\"/3/0/\",\"n\":\"1\",\"v\":1},"
		    "{\"n\":\"1\",\"v\":2}]",
		"[{\"bn\":\"/3/0/\",\"n\":\"1\",\"v\":1},"
		    "{\"n\":\"1/0\",\"v\":2}]",
		"[{\"bn\":\"/3/0/\",\"n\":\"1\",\"bver\":11,\"v\":1}]",
	};
	static const char *const oma[] = {
		"[]",
		"{\"bn\":\"/3/0/\"}",
		"{\"bn\":\"/3/0/\",\"e\":[]}",
		"{\"bn\":\"/3/0/\",\"e\":[{\"n\":\"1\",\"vs\":\"x\"}]}",
		"{\"bn\":\"/3/0/\",\"x\":1,\"e\":[{\"n\":\"1\",\"v\":1}]}",
		"{\"bn\":\"/3/0/\",\"bn\":\"/3/0/\",\"e\":[{\"n\":\"1\","
		    "\"v\":1}]}",
	};
	struct lwm2m_records rs;
	size_t i;

	(void)state;
	lwm2m_records_init(&rs);
	for (i = 0; i < sizeof(senml) / sizeof(senml[0]); i++) {
		if (decode(2, 3, 0, 0, senml[i], false, &rs) != -1)
			fail_msg("accepted: %s", senml[i]);
		assert_int_equal(rs.n, 0);
	}
	for (i = 0; i < sizeof(oma) / sizeof(oma[0]); i++) {
		if (decode(2, 3, 0, 0, oma[i], true, &rs) != -1)
			fail_msg("accepted: %s", oma[i]);
		assert_int_equal(rs.n, 0);
	}
	/* a NUL byte inside the payload */
	{
		struct lwm2m_path base = P(2, 3, 0, 0, 0);
		char err[LWM2M_ERR_MAX];

		assert_int_equal(lwm2m_senml_decode(&base, (const uint8_t *)
		    "[{\"bn\":\"/3/0/1\",\"v\":1}]\0", 25, false, &rs, err,
		    sizeof(err)), -1);
	}
	lwm2m_records_clear(&rs);
}

/* What is encoded decodes to the same records. */
static void
round_trip(void **state)
{
	struct lwm2m_records rs, back;
	struct lwm2m_path base = P(1, 33004, 0, 0, 0);
	char err[LWM2M_ERR_MAX];
	uint8_t *out;
	size_t len;
	int oma;

	(void)state;
	lwm2m_records_init(&rs);
	add(&rs, P(3, 33004, 0, 0, 0), lwm2m_str("COMPLIANT"));
	add(&rs, P(4, 33004, 0, 4, 7), lwm2m_str("cameraAccess"));
	add(&rs, P(3, 33004, 1, 0, 0), lwm2m_int(-42));
	for (oma = 0; oma < 2; oma++) {
		lwm2m_records_init(&back);
		assert_int_equal(lwm2m_senml_encode(&base, &rs, oma, &out,
		    &len), 0);
		assert_int_equal(lwm2m_senml_decode(&base, out, len, oma,
		    &back, err, sizeof(err)), 0);
		assert_int_equal(back.n, 3);
		assert_true(lwm2m_path_equal(&back.r[1].path, &rs.r[1].path));
		assert_int_equal(back.r[2].v.i, -42);
		free(out);
		lwm2m_records_clear(&back);
	}
	lwm2m_records_clear(&rs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encode_instance),
		cmocka_unit_test(encode_single),
		cmocka_unit_test(decode_senml),
		cmocka_unit_test(decode_oma),
		cmocka_unit_test(refusals),
		cmocka_unit_test(round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
