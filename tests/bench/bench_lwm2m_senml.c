/*
 * bench_lwm2m_senml.c - what SenML CBOR saves over SenML JSON on the
 * LwM2M binding: the Compliance object (/32004/0) of a device with 0, 4
 * and 16 non-compliance details, as Send and a read carry it. Prints,
 * for each, the payload size in both formats and the mean wall time to
 * encode it and to decode it back. Prints figures, asserts nothing.
 *
 * usage: bench_lwm2m_senml [iterations]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/transport/lwm2m/lwm2m_content.h"

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void
add(struct lwm2m_records *rs, uint16_t r, uint16_t ri, bool multiple,
    struct lwm2m_value v)
{
	struct lwm2m_path p = { { 32004, 0, r, ri }, (uint8_t)(multiple ? 4 :
	    3) };

	if (lwm2m_records_add(rs, &p, &v) != 0)
		abort();
}

/* A Compliance instance as lwm2m_obj_compliance.c shows it. */
static void
compliance(struct lwm2m_records *rs, int details)
{
	static const char *const settings[] = { "passwordPolicies",
	    "cameraAccess", "usbDataAccess", "screenCaptureDisabled" };
	static const char *const fields[] = {
	    "passwordPolicies.passwordMinimumLength", "cameraAccess",
	    "usbDataAccess", "screenCaptureDisabled" };
	uint16_t i;

	add(rs, 0, 0, false, lwm2m_str(details > 0 ? "NonCompliant" :
	    "Compliant"));
	add(rs, 1, 0, false, lwm2m_bool(details == 0));
	add(rs, 2, 0, false, lwm2m_int(42));
	add(rs, 3, 0, false, lwm2m_time(1796653470));
	for (i = 0; i < details; i++) {
		add(rs, 4, i, true, lwm2m_str(settings[i % 4]));
		add(rs, 5, i, true, lwm2m_str("USER_ACTION"));
		add(rs, 6, i, true, lwm2m_str("8"));
		add(rs, 7, i, true, lwm2m_str(fields[i % 4]));
		add(rs, 8, i, true,
		    lwm2m_str("PASSWORD_POLICIES_PASSWORD_NOT_SUFFICIENT"));
	}
	add(rs, 9, 0, false, lwm2m_str("SECURE"));
	add(rs, 10, 0, false, lwm2m_int(details));
	lwm2m_records_sort(rs);
}

static void
measure(int cf, const char *name, const struct lwm2m_path *base,
    const struct lwm2m_records *rs, int details, long iters)
{
	struct lwm2m_records back;
	char err[LWM2M_ERR_MAX];
	uint8_t *out = NULL;
	size_t len = 0;
	double t0, enc, dec;
	long i;

	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		free(out);
		if (lwm2m_encode(cf, base, rs, &out, &len) != 0)
			abort();
	}
	enc = (now_ns() - t0) / (double)iters;
	lwm2m_records_init(&back);
	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		lwm2m_records_clear(&back);
		if (lwm2m_decode(cf, base, out, len, &back, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "decode: %s\n", err);
			abort();
		}
	}
	dec = (now_ns() - t0) / (double)iters;
	printf("%-10s %2d details  %5zu bytes  encode %8.0f ns  decode "
	    "%8.0f ns\n", name, details, len, enc, dec);
	lwm2m_records_clear(&back);
	free(out);
}

int
main(int argc, char **argv)
{
	struct lwm2m_path base = { { 32004, 0, 0, 0 }, 2 };
	struct lwm2m_records rs;
	long iters = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
	static const int counts[] = { 0, 4, 16 };
	size_t k;

	if (iters < 1)
		iters = 1;
	printf("bench_lwm2m_senml: /32004/0, %ld iterations each\n", iters);
	for (k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		lwm2m_records_init(&rs);
		compliance(&rs, counts[k]);
		measure(LWM2M_CF_SENML_JSON, "SenML JSON", &base, &rs,
		    counts[k], iters);
		measure(LWM2M_CF_SENML_CBOR, "SenML CBOR", &base, &rs,
		    counts[k], iters);
		measure(LWM2M_CF_TLV, "TLV", &base, &rs, counts[k], iters);
		lwm2m_records_clear(&rs);
	}
	return 0;
}
