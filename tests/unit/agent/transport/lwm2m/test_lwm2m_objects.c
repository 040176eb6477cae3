/*
 * Tests the LwM2M object layer (agent/transport/lwm2m/lwm2m_objects.c, the
 * lwm2m_obj_*.c objects and lwm2m_policy.c) with a fake host: reads of
 * the Device and Compliance objects, writes of the policy objects that
 * become AMAPI policy documents (and change nothing when the engine
 * refuses them), the checks of the generic layer (operations, types,
 * bounds, unknown resources), executes that reach the host (reboot,
 * factory reset, wipe of the work profile), the Server object's events,
 * bootstrap writes and deletes of Security, Discover and the
 * registration links, the persistence of Security and Server; and that
 * the published object XML of the private objects (docs/lwm2m/) says
 * what the code does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "agent/transport/lwm2m/lwm2m_objects.h"
#include "tests/unit/support.h"

struct fake {
	struct hal_facts facts;
	struct lwm2m_compliance comp;
	char last_policy[4096];
	int applies;
	bool refuse;
	int reboots, wipes, locks, saves;
	bool wiped_profile, locked_profile;
	lwm2m_done_fn done;
	void *done_arg;
	enum lwm2m_event ev[8];
	int64_t ev_value[8];
	int nev;
};

static struct fake F;

static const struct hal_fact *
f_fact(void *arg, const char *name)
{
	(void)arg;
	return hal_fact_find(&F.facts, name);
}

static void
f_identity(void *arg, const char **mf, const char **model,
    const char **serial)
{
	(void)arg;
	*mf = "Acme";
	*model = "Field-7";
	*serial = "SN123";
}

/* The management mode the host reports; a test may change it. */
static const char *mode_now = "DEDICATED";

static const char *
f_mode(void *arg)
{
	(void)arg;
	return mode_now;
}

static const struct lwm2m_compliance *
f_compliance(void *arg)
{
	(void)arg;
	return &F.comp;
}

static int
f_apply(void *arg, const char *json, char *err, size_t errlen)
{
	(void)arg;
	F.applies++;
	if (F.refuse) {
		snprintf(err, errlen, "passwordPolicies[0].passwordQuality: "
		    "unknown value");
		return -1;
	}
	snprintf(F.last_policy, sizeof(F.last_policy), "%s", json);
	return 0;
}

static int
f_reboot(void *arg, const char *why)
{
	(void)arg;
	(void)why;
	F.reboots++;
	return 0;
}

static int
f_wipe(void *arg, bool profile, const char *why, lwm2m_done_fn done,
    void *done_arg)
{
	(void)arg;
	(void)why;
	F.wipes++;
	F.wiped_profile = profile;
	F.done = done;
	F.done_arg = done_arg;
	return 0;
}

static int
f_lock(void *arg, bool profile, lwm2m_done_fn done, void *done_arg)
{
	(void)arg;
	F.locks++;
	F.locked_profile = profile;
	F.done = done;
	F.done_arg = done_arg;
	return 0;
}

static void
f_save(void *arg)
{
	(void)arg;
	F.saves++;
}

static const struct lwm2m_host host = {
	NULL, f_fact, f_identity, f_mode, f_compliance, f_apply, f_reboot,
	f_wipe, f_lock, f_save, NULL, NULL, NULL,
};

static void
on_event(void *arg, enum lwm2m_event ev, uint16_t ssid, int64_t value)
{
	(void)arg;
	(void)ssid;
	F.ev[F.nev] = ev;
	F.ev_value[F.nev] = value;
	F.nev++;
}

static struct lwm2m_objects objs;

static int
setup(void **state)
{
	struct lwm2m_server s = { 0, 101, 300, 1, 60, 86400, true, false, "U" };

	(void)state;
	memset(&F, 0, sizeof(F));
	hal_fact_int(&F.facts, "battery.level", 81);
	hal_fact_int(&F.facts, "memory.available_bytes", 2048 * 1024);
	hal_fact_int(&F.facts, "memory.total_bytes", 4096 * 1024);
	hal_fact_str(&F.facts, HAL_FACT_STRING, "os.name", "Debian");
	hal_fact_str(&F.facts, HAL_FACT_VERSION, "os.version", "12.8");
	hal_fact_bool(&F.facts, "passcode.set", true);
	hal_fact_int(&F.facts, "passcode.length", 4);
	hal_fact_str(&F.facts, HAL_FACT_STRING, "network.addresses",
	    "10.0.0.2, fe80::1");
	hal_fact_str(&F.facts, HAL_FACT_STRING, "network.bearer", "wlan");
	hal_fact_str(&F.facts, HAL_FACT_STRING, "network.bearers",
	    "wlan, cellular,lte-fdd");
	hal_fact_int(&F.facts, "network.signal_dbm", -61);
	assert_int_equal(lwm2m_objects_init(&objs, &host,
	    "{\"name\":\"p\",\"version\":4,\"cameraAccess\":"
	    "\"CAMERA_ACCESS_DISABLED\"}"), 0);
	objs.event = on_event;
	lwm2m_server_set(&objs, &s);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	lwm2m_objects_free(&objs);
	return 0;
}

static struct lwm2m_path
P(int n, int a, int b, int c, int d)
{
	struct lwm2m_path p = { { (uint16_t)a, (uint16_t)b, (uint16_t)c,
	    (uint16_t)d }, (uint8_t)n };

	return p;
}

static int
rd(struct lwm2m_path p, struct lwm2m_records *rs)
{
	char err[LWM2M_ERR_MAX];

	lwm2m_records_init(rs);
	return lwm2m_objects_read(&objs, &p, rs, err, sizeof(err));
}

/* A write from text (the format LwM2M 1.0 servers use). */
static int
wr_text(struct lwm2m_path p, const char *text, bool replace, char *err,
    size_t errlen)
{
	struct lwm2m_records in;
	int rc;

	lwm2m_records_init(&in);
	assert_int_equal(lwm2m_decode(LWM2M_CF_OLD_TEXT, &p,
	    (const uint8_t *)text, strlen(text), &in, err, errlen), 0);
	rc = lwm2m_objects_write(&objs, &p, &in, replace, false, err, errlen);
	lwm2m_records_clear(&in);
	return rc;
}

static void
device_read(void **state)
{
	struct lwm2m_records rs;
	uint8_t *out;
	size_t len;
	struct lwm2m_path p = P(3, 3, 0, 3, 0);

	(void)state;
	assert_int_equal(rd(P(2, 3, 0, 0, 0), &rs), 205);
	/* manufacturer, model, serial, firmware, battery, memory free,
	 * error code 0, time, binding, type, status, memory total */
	assert_int_equal(rs.n, 12);
	assert_string_equal((char *)rs.r[0].v.bytes, "Acme");
	assert_string_equal((char *)rs.r[2].v.bytes, "SN123");
	assert_string_equal((char *)rs.r[3].v.bytes, "Debian 12.8");
	assert_int_equal(rs.r[4].path.id[2], 9);
	assert_int_equal(rs.r[4].v.i, 81);
	assert_int_equal(rs.r[5].v.i, 2048);
	assert_int_equal(rs.r[6].path.len, 4);	/* error code [0] = 0 */
	assert_int_equal(rs.r[6].v.i, 0);
	lwm2m_records_clear(&rs);
	assert_int_equal(rd(p, &rs), 205);
	assert_int_equal(lwm2m_encode(LWM2M_CF_TEXT, &p, &rs, &out, &len), 0);
	assert_int_equal(len, 11);
	assert_memory_equal(out, "Debian 12.8", 11);
	free(out);
	lwm2m_records_clear(&rs);
	/* not reported: 4.04; not readable: 4.05; none such: 4.04 */
	assert_int_equal(rd(P(3, 3, 0, 19, 0), &rs), 404);
	assert_int_equal(rd(P(3, 3, 0, 4, 0), &rs), 405);
	assert_int_equal(rd(P(3, 3, 0, 99, 0), &rs), 404);
	assert_int_equal(rd(P(2, 3, 1, 0, 0), &rs), 404);
	assert_int_equal(rd(P(1, 6, 0, 0, 0), &rs), 404);
	/* the Security object shows nothing */
	assert_int_equal(rd(P(3, 0, 0, 0, 0), &rs), 404);
	/* IP addresses, one instance each */
	assert_int_equal(rd(P(3, 4, 0, 4, 0), &rs), 205);
	assert_int_equal(rs.n, 2);
	assert_string_equal((char *)rs.r[1].v.bytes, "fe80::1");
	lwm2m_records_clear(&rs);
	assert_int_equal(rd(P(4, 4, 0, 4, 1), &rs), 205);
	assert_int_equal(rs.n, 1);
	lwm2m_records_clear(&rs);
	assert_int_equal(rd(P(4, 4, 0, 4, 7), &rs), 404);
}

/* Connectivity Monitoring: bearers as the specification numbers them
 * (WLAN 21, LTE-FDD 6; a name without a number left out), the signal in
 * dBm; what the HAL does not know is 4.04. */
static void
connmon_read(void **state)
{
	struct lwm2m_records rs;
	size_t i;

	(void)state;
	assert_int_equal(rd(P(3, 4, 0, 0, 0), &rs), 205);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.r[0].v.i, 21);
	lwm2m_records_clear(&rs);
	assert_int_equal(rd(P(3, 4, 0, 1, 0), &rs), 205);
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.r[0].v.i, 21);
	assert_int_equal(rs.r[1].v.i, 6);
	lwm2m_records_clear(&rs);
	assert_int_equal(rd(P(3, 4, 0, 2, 0), &rs), 205);
	assert_int_equal(rs.r[0].v.i, -61);
	lwm2m_records_clear(&rs);
	/* bearer, 2 available, signal, 2 addresses */
	assert_int_equal(rd(P(2, 4, 0, 0, 0), &rs), 205);
	assert_int_equal(rs.n, 6);
	lwm2m_records_clear(&rs);
	/* A bearer the list does not name, no signal: 4.04 each. */
	for (i = 0; i < F.facts.n; i++)
		if (strcmp(F.facts.f[i].name, "network.bearer") == 0)
			snprintf(F.facts.f[i].s, sizeof(F.facts.f[i].s),
			    "cellular");
		else if (strcmp(F.facts.f[i].name, "network.signal_dbm") == 0)
			snprintf(F.facts.f[i].name, sizeof(F.facts.f[i].name),
			    "x.unknown");
	assert_int_equal(rd(P(3, 4, 0, 0, 0), &rs), 404);
	assert_int_equal(rd(P(3, 4, 0, 2, 0), &rs), 404);
	assert_int_equal(rd(P(2, 4, 0, 0, 0), &rs), 205);
	assert_int_equal(rs.n, 4);
	lwm2m_records_clear(&rs);
}

static void
compliance_read(void **state)
{
	struct lwm2m_records rs;
	struct lwm2m_path p = P(2, 32004, 0, 0, 0);
	uint8_t *out;
	size_t len;

	(void)state;
	assert_int_equal(rd(p, &rs), 205);
	assert_string_equal((char *)rs.r[0].v.bytes, "Unknown");
	lwm2m_records_clear(&rs);
	F.comp.valid = true;
	snprintf(F.comp.verdict, sizeof(F.comp.verdict), "NonCompliant");
	F.comp.policy_version = 7;
	F.comp.changed_at = 1700000000;
	F.comp.n = 2;
	snprintf(F.comp.detail[0].setting, 64, "passwordPolicies");
	snprintf(F.comp.detail[0].reason, 40, "USER_ACTION");
	snprintf(F.comp.detail[0].current, 128, "4");
	snprintf(F.comp.detail[1].setting, 64, "cameraAccess");
	snprintf(F.comp.detail[1].reason, 40, "PENDING");
	assert_int_equal(rd(p, &rs), 205);
	assert_string_equal((char *)rs.r[0].v.bytes, "NonCompliant");
	assert_false(rs.r[1].v.b);
	assert_int_equal(rs.r[2].v.i, 7);
	assert_int_equal(lwm2m_encode(LWM2M_CF_SENML_JSON, &p, &rs, &out,
	    &len), 0);
	assert_non_null(memmem(out, len, "{\"n\":\"4/1\",\"vs\":"
	    "\"cameraAccess\"}", 31));
	assert_non_null(memmem(out, len, "{\"n\":\"10\",\"v\":2}", 16));
	free(out);
	lwm2m_records_clear(&rs);
	/* a detail's instance alone */
	assert_int_equal(rd(P(4, 32004, 0, 5, 0), &rs), 205);
	assert_string_equal((char *)rs.r[0].v.bytes, "USER_ACTION");
	lwm2m_records_clear(&rs);
	/* compliant: the lists are empty multiple resources */
	F.comp.n = 0;
	assert_int_equal(rd(P(3, 32004, 0, 4, 0), &rs), 205);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.r[0].v.type, LWM2M_T_NONE);
	lwm2m_records_clear(&rs);
}

static void
passcode_write(void **state)
{
	struct lwm2m_records in, rs;
	struct lwm2m_path p = P(2, 32001, 0, 0, 0);
	char err[LWM2M_ERR_MAX];
	cJSON *doc, *pp;

	(void)state;
	/* quality and length in one TLV write: one policy version */
	lwm2m_records_init(&in);
	assert_int_equal(lwm2m_decode(LWM2M_CF_TLV, &p, (const uint8_t *)
	    "\xC8\x00\x0F" "NUMERIC_COMPLEX\xC1\x01\x06\xC1\x08\x0A"
	    "\xC1\x09\x3C", 27, &in, err, sizeof(err)), 0);
	assert_int_equal(lwm2m_objects_write(&objs, &p, &in, false, false,
	    err, sizeof(err)), 204);
	lwm2m_records_clear(&in);
	assert_int_equal(F.applies, 1);
	doc = cJSON_Parse(F.last_policy);
	assert_non_null(doc);
	assert_int_equal(cJSON_GetObjectItem(doc, "version")->valueint, 5);
	assert_string_equal(cJSON_GetObjectItem(doc, "cameraAccess")->
	    valuestring, "CAMERA_ACCESS_DISABLED");
	pp = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "passwordPolicies"),
	    0);
	assert_string_equal(cJSON_GetObjectItem(pp, "passwordQuality")->
	    valuestring, "NUMERIC_COMPLEX");
	assert_int_equal(cJSON_GetObjectItem(pp, "passwordMinimumLength")->
	    valueint, 6);
	assert_int_equal(cJSON_GetObjectItem(pp,
	    "maximumFailedPasswordsForWipe")->valueint, 10);
	assert_string_equal(cJSON_GetObjectItem(pp,
	    "passwordExpirationTimeout")->valuestring, "60s");
	cJSON_Delete(doc);
	/* read back, and the passcode's state from the facts */
	assert_int_equal(rd(P(3, 32001, 0, 1, 0), &rs), 205);
	assert_int_equal(rs.r[0].v.i, 6);
	lwm2m_records_clear(&rs);
	assert_int_equal(rd(P(3, 32001, 0, 9, 0), &rs), 205);
	assert_int_equal(rs.r[0].v.i, 60);
	lwm2m_records_clear(&rs);
	assert_int_equal(rd(P(3, 32001, 0, 15, 0), &rs), 205);
	assert_int_equal(rs.r[0].v.i, 4);
	lwm2m_records_clear(&rs);
	/* one resource in text, as lwm2m-node-lib writes */
	assert_int_equal(wr_text(P(3, 32001, 0, 1, 0), "8", false, err,
	    sizeof(err)), 204);
	assert_non_null(strstr(F.last_policy,
	    "\"passwordMinimumLength\":8"));
	assert_non_null(strstr(F.last_policy, "NUMERIC_COMPLEX"));
	/* the engine refuses: 4.00, the reason, nothing changes */
	F.refuse = true;
	assert_int_equal(wr_text(P(3, 32001, 0, 0, 0), "EASY", false, err,
	    sizeof(err)), 400);
	assert_non_null(strstr(err, "passwordQuality"));
	F.refuse = false;
	assert_int_equal(rd(P(3, 32001, 0, 0, 0), &rs), 205);
	assert_string_equal((char *)rs.r[0].v.bytes, "NUMERIC_COMPLEX");
	lwm2m_records_clear(&rs);
	/* Replace of the instance: what is not given goes */
	assert_int_equal(wr_text(P(3, 32001, 0, 1, 0), "9", false, err,
	    sizeof(err)), 204);
	lwm2m_records_init(&in);
	assert_int_equal(lwm2m_decode(LWM2M_CF_TLV, &p, (const uint8_t *)
	    "\xC1\x01\x04", 3, &in, err, sizeof(err)), 0);
	assert_int_equal(lwm2m_objects_write(&objs, &p, &in, true, false,
	    err, sizeof(err)), 204);
	lwm2m_records_clear(&in);
	assert_null(strstr(F.last_policy, "NUMERIC_COMPLEX"));
	assert_non_null(strstr(F.last_policy, "\"passwordMinimumLength\":4"));
}

static void
generic_checks(void **state)
{
	char err[LWM2M_ERR_MAX];

	(void)state;
	/* read-only, executable, unknown, out of range, wrong type */
	assert_int_equal(wr_text(P(3, 32001, 0, 13, 0), "1", false, err,
	    sizeof(err)), 405);
	assert_int_equal(wr_text(P(3, 3, 0, 4, 0), "1", false, err,
	    sizeof(err)), 405);
	assert_int_equal(wr_text(P(3, 32001, 0, 77, 0), "1", false, err,
	    sizeof(err)), 404);
	assert_int_equal(wr_text(P(3, 32001, 0, 1, 0), "65", false, err,
	    sizeof(err)), 400);
	assert_int_equal(wr_text(P(3, 32001, 0, 1, 0), "six", false, err,
	    sizeof(err)), 400);
	assert_int_equal(wr_text(P(3, 32001, 1, 1, 0), "6", false, err,
	    sizeof(err)), 404);
	/* the Security object is the bootstrap server's */
	assert_int_equal(F.applies, 0);
	/* executes: not executable, unknown */
	assert_int_equal(lwm2m_objects_execute(&objs, &(struct lwm2m_path)
	    { { 3, 0, 9, 0 }, 3 }, NULL, 0, err, sizeof(err)), 405);
	assert_int_equal(lwm2m_objects_execute(&objs, &(struct lwm2m_path)
	    { { 3, 0, 98, 0 }, 3 }, NULL, 0, err, sizeof(err)), 404);
	/* no creating a second instance of a single-instance object */
	{
		struct lwm2m_records none;
		struct lwm2m_path obj = P(1, 3, 0, 0, 0);
		uint16_t inst;

		lwm2m_records_init(&none);
		assert_int_equal(lwm2m_objects_create(&objs, &obj, &none,
		    false, &inst, err, sizeof(err)), 405);
	}
}

static void
restrictions_and_mode(void **state)
{
	struct lwm2m_records in, rs;
	struct lwm2m_path p = P(2, 32002, 0, 0, 0), m = P(2, 32003, 0, 0, 0);
	char err[LWM2M_ERR_MAX];
	const char *senml = "[{\"bn\":\"/32002/0/\",\"n\":\"1/0\","
	    "\"vs\":\"CAMERA\"},{\"n\":\"1/1\",\"vs\":\"FACE\"},"
	    "{\"n\":\"2\",\"vb\":true}]";

	(void)state;
	lwm2m_records_init(&in);
	assert_int_equal(lwm2m_decode(LWM2M_CF_SENML_JSON, &p,
	    (const uint8_t *)senml, strlen(senml), &in, err, sizeof(err)), 0);
	assert_int_equal(lwm2m_objects_write(&objs, &p, &in, false, false,
	    err, sizeof(err)), 204);
	lwm2m_records_clear(&in);
	assert_non_null(strstr(F.last_policy, "\"keyguardDisabledFeatures\":"
	    "[\"CAMERA\",\"FACE\"]"));
	assert_non_null(strstr(F.last_policy, "\"screenCaptureDisabled\":"
	    "true"));
	assert_non_null(strstr(F.last_policy, "CAMERA_ACCESS_DISABLED"));
	assert_int_equal(rd(P(3, 32002, 0, 1, 0), &rs), 205);
	assert_int_equal(rs.n, 2);
	lwm2m_records_clear(&rs);
	/* PUT on the multiple resource replaces the list */
	lwm2m_records_init(&in);
	assert_int_equal(lwm2m_decode(LWM2M_CF_TLV, &(struct lwm2m_path)
	    { { 32002, 0, 1, 0 }, 3 }, (const uint8_t *)"\x86\x01\x41\x00"
	    "FACE" + 0, 4, &in, err, sizeof(err)), -1);
	lwm2m_records_clear(&in);
	assert_int_equal(lwm2m_decode(LWM2M_CF_TLV, &(struct lwm2m_path)
	    { { 32002, 0, 1, 0 }, 3 }, (const uint8_t *)"\x44\x00" "IRIS", 6,
	    &in, err, sizeof(err)), 0);
	assert_int_equal(lwm2m_objects_write(&objs, &(struct lwm2m_path)
	    { { 32002, 0, 1, 0 }, 3 }, &in, true, false, err, sizeof(err)),
	    204);
	lwm2m_records_clear(&in);
	assert_non_null(strstr(F.last_policy, "\"keyguardDisabledFeatures\":"
	    "[\"IRIS\"]"));

	/* kiosk: app, then its command; the mode is read-only */
	assert_int_equal(wr_text(P(3, 32003, 0, 2, 0), "/usr/bin/x", false,
	    err, sizeof(err)), 400);
	assert_int_equal(wr_text(P(3, 32003, 0, 1, 0), "com.acme.kiosk", false,
	    err, sizeof(err)), 204);
	assert_int_equal(wr_text(P(3, 32003, 0, 2, 0), "/usr/bin/kiosk -f",
	    false, err, sizeof(err)), 204);
	assert_non_null(strstr(F.last_policy, "\"applications\":[{"
	    "\"installType\":\"KIOSK\",\"packageName\":\"com.acme.kiosk\","
	    "\"command\":\"/usr/bin/kiosk -f\"}]"));
	assert_int_equal(wr_text(P(3, 32003, 0, 0, 0), "BYOD", false, err,
	    sizeof(err)), 405);
	assert_int_equal(rd(m, &rs), 205);
	assert_string_equal((char *)rs.r[0].v.bytes, "DEDICATED");
	assert_string_equal((char *)rs.r[1].v.bytes, "com.acme.kiosk");
	lwm2m_records_clear(&rs);
	/* an empty app name removes it */
	assert_int_equal(wr_text(P(3, 32003, 0, 1, 0), "", false, err,
	    sizeof(err)), 204);
	assert_null(strstr(F.last_policy, "applications"));
}

static void
executes(void **state)
{
	struct lwm2m_path reboot = P(3, 3, 0, 4, 0), reset = P(3, 3, 0, 5, 0),
	    wipe = P(3, 8, 0, 3, 0);
	struct lwm2m_records rs;
	char err[LWM2M_ERR_MAX];

	(void)state;
	assert_int_equal(lwm2m_objects_execute(&objs, &reboot, NULL, 0, err,
	    sizeof(err)), 204);
	assert_int_equal(F.reboots, 1);
	assert_int_equal(lwm2m_objects_execute(&objs, &reset, NULL, 0, err,
	    sizeof(err)), 204);
	assert_int_equal(F.wipes, 1);
	assert_false(F.wiped_profile);
	/* Lock and Wipe: the device by default */
	assert_int_equal(lwm2m_objects_execute(&objs, &wipe, NULL, 0, err,
	    sizeof(err)), 204);
	assert_int_equal(F.wipes, 2);
	assert_false(F.wiped_profile);
	/* busy until the wipe is done */
	assert_int_equal(lwm2m_objects_execute(&objs, &wipe, NULL, 0, err,
	    sizeof(err)), 503);
	F.done(F.done_arg, 0);
	assert_int_equal(rd(P(3, 8, 0, 5, 0), &rs), 205);
	assert_int_equal(rs.r[0].v.i, LWM2M_LW_WIPE_OK);
	lwm2m_records_clear(&rs);
	/* only the work profile targeted */
	assert_int_equal(wr_text(P(4, 8, 0, 4, 0), "work_profile", false, err,
	    sizeof(err)), 204);
	assert_int_equal(lwm2m_objects_execute(&objs, &wipe, NULL, 0, err,
	    sizeof(err)), 204);
	assert_true(F.wiped_profile);
	F.done(F.done_arg, -5);
	assert_int_equal(rd(P(3, 8, 0, 5, 0), &rs), 205);
	assert_int_equal(rs.r[0].v.i, LWM2M_LW_WIPE_FAILED);
	lwm2m_records_clear(&rs);
	assert_int_equal(wr_text(P(4, 8, 0, 4, 0), "sdcard", false, err,
	    sizeof(err)), 400);
	/* As the HTTPS WIPE: a personally-owned device is not wiped, its
	 * work profile is. */
	mode_now = "WORK_PROFILE_PERSONAL";
	assert_int_equal(lwm2m_objects_execute(&objs, &reset, NULL, 0, err,
	    sizeof(err)), 405);
	assert_int_equal(F.wipes, 3);	/* none more */
	assert_int_equal(lwm2m_objects_execute(&objs, &wipe, NULL, 0, err,
	    sizeof(err)), 204);
	assert_true(F.wiped_profile);
	F.done(F.done_arg, 0);
	assert_int_equal(wr_text(P(4, 8, 0, 4, 0), "device", false, err,
	    sizeof(err)), 204);
	assert_int_equal(lwm2m_objects_execute(&objs, &wipe, NULL, 0, err,
	    sizeof(err)), 405);
	assert_int_equal(F.wipes, 4);
	mode_now = "DEDICATED";
	/* lock the device; unlocking is refused */
	assert_int_equal(wr_text(P(3, 8, 0, 0, 0), "2", false, err,
	    sizeof(err)), 204);
	assert_int_equal(F.locks, 1);
	assert_false(F.locked_profile);
	F.done(F.done_arg, 0);
	assert_int_equal(wr_text(P(3, 8, 0, 0, 0), "0", false, err,
	    sizeof(err)), 400);
}

static void
server_object(void **state)
{
	struct lwm2m_path trigger = P(3, 1, 0, 8, 0), disable = P(3, 1, 0, 4,
	    0);
	char err[LWM2M_ERR_MAX];
	const struct lwm2m_server *s;
	char *dump;

	(void)state;
	assert_int_equal(wr_text(P(3, 1, 0, 1, 0), "120", false, err,
	    sizeof(err)), 204);
	assert_int_equal(F.saves, 1);
	assert_int_equal(F.nev, 1);
	assert_int_equal(F.ev[0], LWM2M_EV_REGISTER);
	assert_int_equal(wr_text(P(3, 1, 0, 1, 0), "5", false, err,
	    sizeof(err)), 400);
	assert_int_equal(wr_text(P(3, 1, 0, 7, 0), "T", false, err,
	    sizeof(err)), 400);
	assert_int_equal(wr_text(P(3, 1, 0, 0, 0), "7", false, err,
	    sizeof(err)), 405);
	assert_int_equal(lwm2m_objects_execute(&objs, &trigger, NULL, 0, err,
	    sizeof(err)), 204);
	assert_int_equal(F.ev[1], LWM2M_EV_UPDATE);
	assert_int_equal(lwm2m_objects_execute(&objs, &disable, NULL, 0, err,
	    sizeof(err)), 204);
	assert_int_equal(F.ev[2], LWM2M_EV_DISABLE);
	assert_int_equal(F.ev_value[2], 86400);
	s = lwm2m_server_find(&objs, 101);
	assert_non_null(s);
	assert_int_equal(s->lifetime, 120);
	/* Mute Send: written, read, kept in the store, false when an older
	 * store does not have it */
	assert_false(s->mute_send);
	assert_int_equal(wr_text(P(3, 1, 0, 23, 0), "1", false, err,
	    sizeof(err)), 204);
	s = lwm2m_server_find(&objs, 101);
	assert_true(s->mute_send);
	assert_int_equal(lwm2m_server_dump(&objs, &dump), 0);
	assert_non_null(strstr(dump, "\"muteSend\":true"));
	lwm2m_server_clear(&objs);
	assert_int_equal(lwm2m_server_load(&objs, dump, err, sizeof(err)), 0);
	free(dump);
	assert_true(lwm2m_server_find(&objs, 101)->mute_send);
	assert_int_equal(lwm2m_server_load(&objs, "[{\"id\":0,\"ssid\":101,"
	    "\"lifetime\":300,\"pmin\":0,\"pmax\":0,"
	    "\"disableTimeout\":60,\"storing\":true,\"binding\":\"U\"}]",
	    err, sizeof(err)), 0);
	assert_false(lwm2m_server_find(&objs, 101)->mute_send);
}

static void
bootstrap(void **state)
{
	struct lwm2m_security bs;
	struct lwm2m_records in;
	struct lwm2m_path sec = P(2, 0, 1, 0, 0), root = P(0, 0, 0, 0, 0);
	const struct lwm2m_security *x;
	char err[LWM2M_ERR_MAX], *dump;
	/* URI coaps://127.0.0.1:5684, not bootstrap, PSK, identity "id",
	 * key 0102, ssid 101 */
	const uint8_t tlv[] = "\xC8\x00\x16" "coaps://127.0.0.1:5684"
	    "\xC1\x01\x00\xC1\x02\x00\xC2\x03" "id" "\xC2\x05\x01\x02"
	    "\xC1\x0A\x65";

	(void)state;
	memset(&bs, 0, sizeof(bs));
	snprintf(bs.uri, sizeof(bs.uri), "coap://127.0.0.1:5783");
	bs.bootstrap = true;
	bs.mode = LWM2M_SEC_NOSEC;
	lwm2m_security_set(&objs, &bs);
	lwm2m_records_init(&in);
	assert_int_equal(lwm2m_decode(LWM2M_CF_TLV, &sec, tlv,
	    sizeof(tlv) - 1, &in, err, sizeof(err)), 0);
	/* a management server may not; the bootstrap server may */
	assert_int_equal(lwm2m_objects_write(&objs, &sec, &in, true, false,
	    err, sizeof(err)), 404);
	assert_int_equal(lwm2m_objects_write(&objs, &sec, &in, true, true,
	    err, sizeof(err)), 204);
	lwm2m_records_clear(&in);
	x = lwm2m_security_find(&objs, false, 101);
	assert_non_null(x);
	assert_string_equal(x->uri, "coaps://127.0.0.1:5684");
	assert_int_equal(x->mode, LWM2M_SEC_PSK);
	assert_int_equal(x->secret_len, 2);
	/* persisted and read back */
	assert_int_equal(lwm2m_security_dump(&objs, &dump), 0);
	assert_non_null(strstr(dump, "\"secret\":\"0102\""));
	lwm2m_security_clear(&objs, false);
	assert_null(lwm2m_security_find(&objs, false, 101));
	assert_int_equal(lwm2m_security_load(&objs, dump, err, sizeof(err)),
	    0);
	free(dump);
	assert_non_null(lwm2m_security_find(&objs, false, 101));
	assert_int_equal(lwm2m_security_load(&objs, "[{\"id\":1}]", err,
	    sizeof(err)), -1);
	assert_non_null(lwm2m_security_find(&objs, false, 101));
	/* Delete "/": the bootstrap account stays */
	assert_int_equal(lwm2m_objects_delete(&objs, &root, true, err,
	    sizeof(err)), 202);
	assert_null(lwm2m_security_find(&objs, false, 101));
	assert_non_null(lwm2m_security_find(&objs, true, 0));
	assert_null(lwm2m_server_first(&objs));
	assert_int_equal(lwm2m_objects_delete(&objs, &root, false, err,
	    sizeof(err)), 405);
}

static void
discover_and_links(void **state)
{
	struct lwm2m_link l[32];
	struct lwm2m_path p = P(2, 32004, 0, 0, 0), o = P(1, 1, 0, 0, 0);
	char *text;
	size_t n, len;

	(void)state;
	F.comp.valid = true;
	F.comp.n = 2;
	assert_int_equal(lwm2m_objects_discover(&objs, &p, l, 32, &n, NULL,
	    NULL), 205);
	assert_int_equal(lwm2m_link_encode(l, n, &text, &len), 0);
	/* the time is not present without an evaluation time... it is
	 * valid here, posture is empty so resource 9 is absent */
	assert_string_equal(text, "</32004/0>,</32004/0/0>,</32004/0/1>,"
	    "</32004/0/2>,</32004/0/3>,</32004/0/4>;dim=2,</32004/0/5>;dim=2,"
	    "</32004/0/6>;dim=2,</32004/0/7>;dim=2,</32004/0/8>;dim=2,"
	    "</32004/0/10>");
	free(text);
	assert_int_equal(lwm2m_objects_discover(&objs, &o, l, 32, &n, NULL,
	    NULL), 205);
	assert_int_equal(lwm2m_link_encode(l, n, &text, &len), 0);
	assert_string_equal(text, "</1>;ver=1.1,</1/0>,</1/0/0>,</1/0/1>,"
	    "</1/0/2>,</1/0/3>,</1/0/4>,</1/0/5>,</1/0/6>,</1/0/7>,</1/0/8>,"
	    "</1/0/9>,</1/0/23>");
	free(text);
	assert_int_equal(lwm2m_objects_links(&objs, &text, &len), 0);
	assert_string_equal(text, "</>;rt=\"oma.lwm2m\";ct=110,"
	    "</1>;ver=1.1,</1/0>,</3>;ver=1.1,</3/0>,</4>;ver=1.2,</4/0>,"
	    "</5/0>,</8/0>,</9>,</32001/0>,</32002/0>,</32003/0>,</32004/0>");
	free(text);
}

/* The text of <tag>...</tag> at or after p, into buf; the position after
 * it, or NULL. */
static const char *
element(const char *p, const char *tag, char *buf, size_t len)
{
	char open[48], close[48];
	const char *s, *end;

	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	if ((s = strstr(p, open)) == NULL || (end = strstr(s, close)) == NULL)
		return NULL;
	s += strlen(open);
	snprintf(buf, len, "%.*s", (int)(end - s), s);
	return end + strlen(close);
}

static const char *
type_name(enum lwm2m_type t)
{
	switch (t) {
	case LWM2M_T_STRING:
		return "String";
	case LWM2M_T_INTEGER:
		return "Integer";
	case LWM2M_T_UNSIGNED:
		return "Unsigned Integer";
	case LWM2M_T_FLOAT:
		return "Float";
	case LWM2M_T_BOOLEAN:
		return "Boolean";
	case LWM2M_T_OPAQUE:
		return "Opaque";
	case LWM2M_T_TIME:
		return "Time";
	case LWM2M_T_OBJLNK:
		return "Objlnk";
	default:
		return "";
	}
}

static void
check(const struct lwm2m_obj_def *d)
{
	char path[512], buf[256], want[16], *xml;
	const char *p, *item;
	size_t len, seen = 0;
	unsigned id;

	snprintf(path, sizeof(path), "%s/docs/lwm2m/%u.xml", test_srctree(),
	    (unsigned)d->id);
	xml = test_read_file(path, &len);
	if (xml == NULL)
		fail_msg("%s missing", path);
	assert_non_null(element(xml, "Name", buf, sizeof(buf)));
	assert_string_equal(buf, d->name);
	assert_non_null(element(xml, "ObjectID", buf, sizeof(buf)));
	assert_int_equal(atoi(buf), d->id);
	assert_non_null(element(xml, "MultipleInstances", buf, sizeof(buf)));
	assert_string_equal(buf, d->multiple ? "Multiple" : "Single");
	for (p = xml; (item = strstr(p, "<Item ID=\"")) != NULL; p = item + 1) {
		const struct lwm2m_res_def *r;

		id = (unsigned)atoi(item + 10);
		if ((r = lwm2m_res_find(d, (uint16_t)id)) == NULL)
			fail_msg("%u.xml: resource %u is not in the code",
			    (unsigned)d->id, id);
		seen++;
		assert_non_null(element(item, "Name", buf, sizeof(buf)));
		assert_string_equal(buf, r->name);
		assert_non_null(element(item, "Operations", buf, sizeof(buf)));
		snprintf(want, sizeof(want), "%s%s%s", r->ops & LWM2M_OP_R ?
		    "R" : "", r->ops & LWM2M_OP_W ? "W" : "",
		    r->ops & LWM2M_OP_E ? "E" : "");
		assert_string_equal(buf, want);
		assert_non_null(element(item, "MultipleInstances", buf,
		    sizeof(buf)));
		assert_string_equal(buf, r->multiple ? "Multiple" : "Single");
		assert_non_null(element(item, "Type", buf, sizeof(buf)));
		assert_string_equal(buf, type_name(r->type));
	}
	assert_int_equal(seen, d->nres);
	free(xml);
}

static void
private_objects(void **state)
{
	(void)state;
	check(&lwm2m_passcode_def);
	check(&lwm2m_restrict_def);
	check(&lwm2m_mode_def);
	check(&lwm2m_compliance_def);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(device_read, setup, teardown),
		cmocka_unit_test_setup_teardown(compliance_read, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(passcode_write, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(generic_checks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(restrictions_and_mode, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(connmon_read, setup, teardown),
		cmocka_unit_test_setup_teardown(executes, setup, teardown),
		cmocka_unit_test_setup_teardown(server_object, setup, teardown),
		cmocka_unit_test_setup_teardown(bootstrap, setup, teardown),
		cmocka_unit_test_setup_teardown(discover_and_links, setup,
		    teardown),
		cmocka_unit_test(private_objects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
