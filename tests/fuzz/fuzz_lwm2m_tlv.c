/*
 * fuzz_lwm2m_tlv.c - the OMA TLV decoder (agent/transport/lwm2m/lwm2m_tlv.c).
 * The first input byte picks the path written to (/3, /3/0, /3/0/6 or
 * /3/0/6/1), the rest is the payload.
 * requires: CONFIG_TRANSPORT_LWM2M
 *
 * Invariants: decoded records lie at or under that path, never more than
 * LWM2M_RECORDS_MAX; every value can be coerced to every type without a
 * fault; a failed decode leaves the list as it was; records with an
 * instance id re-encode (as opaque values) and decode again to the same
 * paths.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_content.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lwm2m_path base = { { 3, 0, 6, 1 }, 1 };
	struct lwm2m_records rs, typed, back;
	struct lwm2m_value v;
	char err[LWM2M_ERR_MAX];
	uint8_t *copy, *out;
	size_t len, i;
	bool bare = false;
	int t;

	if (size < 1 || size > 8192)
		return 0;
	base.len = (uint8_t)(1 + data[0] % 4);
	len = size - 1;
	if ((copy = malloc(len + 1)) == NULL)
		abort();
	memcpy(copy, data + 1, len);
	lwm2m_records_init(&rs);
	lwm2m_records_init(&typed);
	lwm2m_records_init(&back);
	if (lwm2m_tlv_decode(&base, copy, len, &rs, err, sizeof(err)) != 0) {
		if (rs.n != 0)
			abort();
		goto out;
	}
	if (rs.n > LWM2M_RECORDS_MAX)
		abort();
	for (i = 0; i < rs.n; i++) {
		if (!lwm2m_path_covers(&base, &rs.r[i].path) &&
		    !(base.len == 1 && rs.r[i].path.id[1] == LWM2M_ID_NONE))
			abort();
		if (rs.r[i].path.id[1] == LWM2M_ID_NONE)
			bare = true;
		for (t = LWM2M_T_STRING; t <= LWM2M_T_CORELNK; t++)
			if (t != LWM2M_T_OPAQUE)
				(void)lwm2m_value_coerce(&rs.r[i].v,
				    (enum lwm2m_type)t, &v, err, sizeof(err));
		if (rs.r[i].v.raw == LWM2M_RAW_NONE)
			v = rs.r[i].v;	/* an empty multiple resource */
		else
			v = lwm2m_opaque(rs.r[i].v.bytes, rs.r[i].v.len);
		if (lwm2m_records_add(&typed, &rs.r[i].path, &v) != 0)
			abort();
	}
	if (bare)
		goto out;
	lwm2m_records_sort(&typed);
	if (lwm2m_tlv_encode(&base, &typed, &out, &len) != 0)
		abort();
	if (lwm2m_tlv_decode(&base, out, len, &back, err, sizeof(err)) != 0 ||
	    back.n != typed.n)
		abort();
	for (i = 0; i < back.n; i++)
		if (!lwm2m_path_equal(&back.r[i].path, &typed.r[i].path) ||
		    back.r[i].v.len != typed.r[i].v.len)
			abort();
	free(out);
out:
	lwm2m_records_clear(&rs);
	lwm2m_records_clear(&typed);
	lwm2m_records_clear(&back);
	free(copy);
	return 0;
}
