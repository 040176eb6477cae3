/*
 * fuzz_lwm2m_senml_cbor.c - the SenML CBOR decoder
 * (agent/transport/lwm2m/lwm2m_senml_cbor.c). The first input byte picks the
 * path written to (/33001, /33001/0 or /33001/0/1), the rest is the
 * payload.
 * requires: CONFIG_TRANSPORT_LWM2M
 *
 * Invariants: records lie at or under the path and are resources; a
 * failed decode leaves the list as it was; values coerce to every type
 * without a fault; the records written back in SenML CBOR decode to the
 * same paths and the same values' types.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_content.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lwm2m_path base = { { 33001, 0, 1, 0 }, 1 };
	struct lwm2m_records rs, typed, back;
	struct lwm2m_value v;
	char err[LWM2M_ERR_MAX];
	uint8_t *copy, *out;
	size_t len, i;
	int t;

	if (size < 1 || size > 16384)
		return 0;
	base.len = (uint8_t)(1 + data[0] % 3);
	len = size - 1;
	if ((copy = malloc(len + 1)) == NULL)
		abort();
	memcpy(copy, data + 1, len);
	lwm2m_records_init(&rs);
	lwm2m_records_init(&typed);
	lwm2m_records_init(&back);
	if (lwm2m_senml_cbor_decode(&base, copy, len, &rs, err,
	    sizeof(err)) != 0) {
		if (rs.n != 0 || err[0] == '\0')
			abort();
		goto out;
	}
	for (i = 0; i < rs.n; i++) {
		if (!lwm2m_path_covers(&base, &rs.r[i].path) ||
		    rs.r[i].path.len < 3)
			abort();
		for (t = LWM2M_T_STRING; t <= LWM2M_T_CORELNK; t++)
			if (t != LWM2M_T_OPAQUE)
				(void)lwm2m_value_coerce(&rs.r[i].v,
				    (enum lwm2m_type)t, &v, err, sizeof(err));
		v = rs.r[i].v;
		if (v.type == LWM2M_T_NONE && v.raw == LWM2M_RAW_NUMBER)
			v = lwm2m_float(v.f);
		if (lwm2m_records_add(&typed, &rs.r[i].path, &v) != 0)
			abort();
	}
	lwm2m_records_sort(&typed);
	if (lwm2m_senml_cbor_encode(&base, &typed, &out, &len) != 0)
		abort();
	if (lwm2m_senml_cbor_decode(&base, out, len, &back, err,
	    sizeof(err)) != 0 || back.n != typed.n)
		abort();
	for (i = 0; i < back.n; i++) {
		if (!lwm2m_path_equal(&back.r[i].path, &typed.r[i].path))
			abort();
		if (typed.r[i].v.type != LWM2M_T_FLOAT &&
		    back.r[i].v.type != typed.r[i].v.type)
			abort();
	}
	free(out);
out:
	lwm2m_records_clear(&rs);
	lwm2m_records_clear(&typed);
	lwm2m_records_clear(&back);
	free(copy);
	return 0;
}
