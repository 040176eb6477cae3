/*
 * Tests agent/transport/lwm2m/lwm2m_content.c: plain text of every type, the
 * coercion of text and TLV values (bounds, strictness, UTF-8), the old
 * LwM2M 1.0 format numbers, and the choice of a format from Accept
 * (4.06 when the format cannot carry the answer).
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

static void
text_out(void **state)
{
	struct {
		struct lwm2m_value v;
		const char *want;
	} t[] = {
		{ lwm2m_int(-9223372036854775807LL - 1),
		    "-9223372036854775808" },
		{ lwm2m_uint(18446744073709551615ULL),
		    "18446744073709551615" },
		{ lwm2m_bool(true), "1" },
		{ lwm2m_bool(false), "0" },
		{ lwm2m_objlnk(33004, 0), "33004:0" },
		{ lwm2m_time(1700000000), "1700000000" },
		{ lwm2m_float(0.25), "0.25" },
		{ lwm2m_str("warden"), "warden" },
	};
	uint8_t *out;
	size_t len, i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(lwm2m_text_encode(&t[i].v, &out, &len), 0);
		assert_int_equal(len, strlen(t[i].want));
		assert_memory_equal(out, t[i].want, len);
		free(out);
	}
	t[0].v = lwm2m_opaque((const uint8_t *)"x", 1);
	assert_int_equal(lwm2m_text_encode(&t[0].v, &out, &len), -1);
}

static int
from_text(const char *s, enum lwm2m_type want, struct lwm2m_value *out)
{
	struct lwm2m_value in;
	char err[LWM2M_ERR_MAX];
	static uint8_t buf[128];

	memset(&in, 0, sizeof(in));
	snprintf((char *)buf, sizeof(buf), "%s", s);
	in.raw = LWM2M_RAW_TEXT;
	in.bytes = buf;
	in.len = strlen(s);
	return lwm2m_value_coerce(&in, want, out, err, sizeof(err));
}

static void
text_in(void **state)
{
	struct lwm2m_value v;

	(void)state;
	assert_int_equal(from_text("-12", LWM2M_T_INTEGER, &v), 0);
	assert_int_equal(v.i, -12);
	assert_int_equal(from_text("9223372036854775807", LWM2M_T_INTEGER,
	    &v), 0);
	assert_int_equal(from_text("9223372036854775808", LWM2M_T_INTEGER,
	    &v), -1);
	assert_int_equal(from_text("-9223372036854775808", LWM2M_T_INTEGER,
	    &v), 0);
	assert_int_equal(v.i, INT64_MIN);
	assert_int_equal(from_text("012", LWM2M_T_INTEGER, &v), -1);
	assert_int_equal(from_text("+1", LWM2M_T_INTEGER, &v), -1);
	assert_int_equal(from_text("1 ", LWM2M_T_INTEGER, &v), -1);
	assert_int_equal(from_text("", LWM2M_T_INTEGER, &v), -1);
	assert_int_equal(from_text("-1", LWM2M_T_UNSIGNED, &v), -1);
	assert_int_equal(from_text("18446744073709551615", LWM2M_T_UNSIGNED,
	    &v), 0);
	assert_int_equal(from_text("18446744073709551616", LWM2M_T_UNSIGNED,
	    &v), -1);
	assert_int_equal(from_text("1", LWM2M_T_BOOLEAN, &v), 0);
	assert_true(v.b);
	assert_int_equal(from_text("true", LWM2M_T_BOOLEAN, &v), -1);
	assert_int_equal(from_text("2.5e3", LWM2M_T_FLOAT, &v), 0);
	assert_true(v.f == 2500.0);
	assert_int_equal(from_text("nan", LWM2M_T_FLOAT, &v), -1);
	assert_int_equal(from_text("1e999", LWM2M_T_FLOAT, &v), -1);
	assert_int_equal(from_text("3:0", LWM2M_T_OBJLNK, &v), 0);
	assert_int_equal(v.lnk[0], 3);
	assert_int_equal(from_text("3:65536", LWM2M_T_OBJLNK, &v), -1);
	assert_int_equal(from_text("3", LWM2M_T_OBJLNK, &v), -1);
	assert_int_equal(from_text("AQI=", LWM2M_T_OPAQUE, &v), 0);
	assert_int_equal(v.len, 2);
	assert_int_equal(from_text("***", LWM2M_T_OPAQUE, &v), -1);
	assert_int_equal(from_text("caf\xc3\xa9", LWM2M_T_STRING, &v), 0);
	assert_int_equal(from_text("\xc0\xaf", LWM2M_T_STRING, &v), -1);
	assert_int_equal(from_text("\xed\xa0\x80", LWM2M_T_STRING, &v), -1);
	assert_int_equal(from_text("\xf4\x90\x80\x80", LWM2M_T_STRING, &v),
	    -1);
	assert_int_equal(from_text("ab\xe2\x82", LWM2M_T_STRING, &v), -1);
}

static void
tlv_in(void **state)
{
	struct lwm2m_value in, v;
	char err[LWM2M_ERR_MAX];
	uint8_t b[8] = { 0xff, 0xfe, 0, 0, 0, 0, 0, 0 };

	(void)state;
	memset(&in, 0, sizeof(in));
	in.raw = LWM2M_RAW_TLV;
	in.bytes = b;
	in.len = 2;
	assert_int_equal(lwm2m_value_coerce(&in, LWM2M_T_INTEGER, &v, err,
	    sizeof(err)), 0);
	assert_int_equal(v.i, -2);
	assert_int_equal(lwm2m_value_coerce(&in, LWM2M_T_UNSIGNED, &v, err,
	    sizeof(err)), 0);
	assert_int_equal(v.u, 65534);
	in.len = 3;
	assert_int_equal(lwm2m_value_coerce(&in, LWM2M_T_INTEGER, &v, err,
	    sizeof(err)), -1);
	in.len = 1;
	b[0] = 2;
	assert_int_equal(lwm2m_value_coerce(&in, LWM2M_T_BOOLEAN, &v, err,
	    sizeof(err)), -1);
	b[0] = 0x7f;
	b[1] = 0xc0;
	in.len = 4;
	assert_int_equal(lwm2m_value_coerce(&in, LWM2M_T_FLOAT, &v, err,
	    sizeof(err)), -1);	/* +infinity */
	in.len = 5;
	assert_int_equal(lwm2m_value_coerce(&in, LWM2M_T_OBJLNK, &v, err,
	    sizeof(err)), -1);
}

static void
formats(void **state)
{
	(void)state;
	assert_int_equal(lwm2m_cf_family(LWM2M_CF_OLD_TEXT), LWM2M_CF_TEXT);
	assert_int_equal(lwm2m_cf_family(LWM2M_CF_OLD_TLV), LWM2M_CF_TLV);
	assert_int_equal(lwm2m_cf_family(LWM2M_CF_OLD_JSON), LWM2M_CF_JSON);
	assert_int_equal(lwm2m_cf_family(LWM2M_CF_OLD_OPAQUE),
	    LWM2M_CF_OPAQUE);
	assert_true(lwm2m_cf_known(LWM2M_CF_SENML_CBOR));
	assert_false(lwm2m_cf_known(60));	/* CBOR, not SenML */
	assert_false(lwm2m_cf_known(LWM2M_CF_NONE));
	/* defaults */
	assert_int_equal(lwm2m_cf_pick(LWM2M_CF_NONE, true, false),
	    LWM2M_CF_TEXT);
	assert_int_equal(lwm2m_cf_pick(LWM2M_CF_NONE, true, true),
	    LWM2M_CF_OPAQUE);
	assert_int_equal(lwm2m_cf_pick(LWM2M_CF_NONE, false, false),
	    LWM2M_CF_TLV);
	/* Accept honoured, old numbers answered with themselves */
	assert_int_equal(lwm2m_cf_pick(LWM2M_CF_OLD_TLV, false, false),
	    LWM2M_CF_OLD_TLV);
	assert_int_equal(lwm2m_cf_pick(LWM2M_CF_OLD_TEXT, true, false),
	    LWM2M_CF_OLD_TEXT);
	assert_int_equal(lwm2m_cf_pick(LWM2M_CF_SENML_JSON, true, false),
	    LWM2M_CF_SENML_JSON);
	assert_int_equal(lwm2m_cf_pick(LWM2M_CF_SENML_CBOR, false, false),
	    LWM2M_CF_SENML_CBOR);
	/* 4.06: text for many, opaque for a string, link, plain CBOR */
	assert_int_equal(lwm2m_cf_pick(LWM2M_CF_TEXT, false, false), -1);
	assert_int_equal(lwm2m_cf_pick(LWM2M_CF_TEXT, true, true), -1);
	assert_int_equal(lwm2m_cf_pick(LWM2M_CF_OPAQUE, true, false), -1);
	assert_int_equal(lwm2m_cf_pick(LWM2M_CF_LINK, true, false), -1);
	assert_int_equal(lwm2m_cf_pick(60, false, false), -1);
}

static void
encode_decode(void **state)
{
	struct lwm2m_records rs;
	struct lwm2m_path res = { { 3, 0, 9, 0 }, 3 }, inst = { { 3, 0, 0,
	    0 }, 2 };
	struct lwm2m_value v = lwm2m_int(81);
	char err[LWM2M_ERR_MAX];
	uint8_t *out;
	size_t len;

	(void)state;
	lwm2m_records_init(&rs);
	assert_int_equal(lwm2m_records_add(&rs, &res, &v), 0);
	assert_int_equal(lwm2m_encode(LWM2M_CF_OLD_TEXT, &res, &rs, &out,
	    &len), 0);
	assert_int_equal(len, 2);
	assert_memory_equal(out, "81", 2);
	free(out);
	/* text cannot carry an instance */
	assert_int_equal(lwm2m_encode(LWM2M_CF_TEXT, &inst, &rs, &out, &len),
	    -1);
	assert_int_equal(lwm2m_encode(LWM2M_CF_OPAQUE, &res, &rs, &out, &len),
	    -1);
	lwm2m_records_clear(&rs);
	/* a text write to an instance is refused, to a resource kept raw */
	assert_int_equal(lwm2m_decode(LWM2M_CF_TEXT, &inst, (const uint8_t *)
	    "1", 1, &rs, err, sizeof(err)), -1);
	assert_int_equal(lwm2m_decode(LWM2M_CF_OLD_TEXT, &res, (const uint8_t *)
	    "1", 1, &rs, err, sizeof(err)), 0);
	assert_int_equal(rs.r[0].v.raw, LWM2M_RAW_TEXT);
	assert_int_equal(lwm2m_decode(60, &res, (const uint8_t *)"1", 1, &rs,
	    err, sizeof(err)), -1);
	assert_int_equal(rs.n, 1);
	lwm2m_records_clear(&rs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_out),
		cmocka_unit_test(text_in),
		cmocka_unit_test(tlv_in),
		cmocka_unit_test(formats),
		cmocka_unit_test(encode_decode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
