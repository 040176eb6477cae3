/*
 * Tests the LwM2M messages of agent/transport/netmsg.c and
 * netmsg_build.c: each type survives the round trip, and malformed ones
 * (bounds, characters, JSON kinds, fact types and values, status and
 * answer mismatches, counts) are rejected whole with a reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/agent/transport/netmsg_test.h"

#define SEC "[{\"id\":0,\"uri\":\"coaps://127.0.0.1:5684\",\"mode\":0}]"
#define SRV "[{\"id\":0,\"ssid\":1,\"lifetime\":3600}]"

static void
put_start(struct netmsg_buf *b, const char *ep, const char *sec,
    const char *policy)
{
	netmsg_begin(b, NETMSG_LWM2M_START, 0, 0);
	netmsg_put_str(b, ep);
	netmsg_put_int(b, 1);
	netmsg_put_str(b, sec);
	netmsg_put_str(b, SRV);
	netmsg_put_str(b, policy);
	netmsg_end(b);
}

static void
test_start(void **state)
{
	struct netmsg_buf b = { 0 };
	struct netmsg m;
	char why[256];

	(void)state;
	put_start(&b, "urn:dev:warden:SIM0001", SEC, "{\"version\":\"3\"}");
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_int_equal(m.type, NETMSG_LWM2M_START);
	assert_string_equal(m.endpoint, "urn:dev:warden:SIM0001");
	assert_true(m.allow_nosec);
	assert_string_equal(m.security, SEC);
	assert_string_equal(m.server, SRV);
	assert_string_equal(m.policy, "{\"version\":\"3\"}");
	netmsg_clear(&m);

	put_start(&b, "urn:dev:warden:x", SEC, NULL);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_null(m.policy);
	netmsg_clear(&m);

	put_start(&b, "urn dev", SEC, NULL);
	refused(&b, "LWM2M_START: endpoint: a character outside");
	put_start(&b, "urn:dev:warden:x", "{\"id\":0}", NULL);
	refused(&b, "security: not a JSON array");
	put_start(&b, "urn:dev:warden:x", SEC, "[1]");
	refused(&b, "policy: not a JSON object");
	put_start(&b, NULL, SEC, NULL);
	refused(&b, "endpoint: missing");
}

static void
test_state_round_trip(void **state)
{
	struct netmsg_lwm2m_state *st = calloc(1, sizeof(*st));
	struct netmsg_buf b = { 0 };
	struct netmsg m;
	char why[256];

	(void)state;
	assert_non_null(st);
	snprintf(st->mode, sizeof(st->mode), "FULLY_MANAGED");
	snprintf(st->manufacturer, sizeof(st->manufacturer), "Acme");
	snprintf(st->model, sizeof(st->model), "H1");
	hal_fact_bool(&st->facts, "screen.locked", true);
	hal_fact_int(&st->facts, "battery.level", 77);
	hal_fact_str(&st->facts, HAL_FACT_STRING, "os.name",
	    "Debian GNU/Linux");
	st->facts.f[st->facts.n].type = HAL_FACT_DOUBLE;
	snprintf(st->facts.f[st->facts.n].name, HAL_FACT_NAME_MAX, "x.d");
	st->facts.f[st->facts.n++].d = 2.5;
	st->valid = true;
	snprintf(st->verdict, sizeof(st->verdict), "NonCompliant");
	st->policy_version = 4;
	st->changed_at = 1700000000;
	st->ndetails = 1;
	snprintf(st->detail[0].setting, 64, "passwordPolicies");
	snprintf(st->detail[0].reason, 40, "API_LEVEL");
	snprintf(st->detail[0].current, 128, "été");
	st->napps = 2;
	snprintf(st->apps[0].package, HAL_APP_PACKAGE_MAX, "com.example.A_1");
	snprintf(st->apps[0].version, HAL_APP_VERSION_MAX, "1:2.3-1+b1");
	st->apps[0].installed = true;
	snprintf(st->apps[1].package, HAL_APP_PACKAGE_MAX, "vim");
	snprintf(st->apps[1].version, HAL_APP_VERSION_MAX, "ignored");
	st->apps[1].blocked = true;
	netmsg_put_lwm2m_state(&b, st);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_non_null(m.state);
	assert_string_equal(m.state->mode, "FULLY_MANAGED");
	assert_string_equal(m.state->manufacturer, "Acme");
	assert_string_equal(m.state->serial, "");
	assert_int_equal(m.state->facts.n, 4);
	assert_true(hal_fact_find(&m.state->facts, "screen.locked")->b);
	assert_int_equal(hal_fact_find(&m.state->facts, "battery.level")->i,
	    77);
	assert_string_equal(hal_fact_find(&m.state->facts, "os.name")->s,
	    "Debian GNU/Linux");
	assert_true(hal_fact_find(&m.state->facts, "x.d")->d == 2.5);
	assert_true(m.state->valid);
	assert_false(m.state->compliant);
	assert_string_equal(m.state->verdict, "NonCompliant");
	assert_int_equal(m.state->policy_version, 4);
	assert_int_equal(m.state->ndetails, 1);
	assert_string_equal(m.state->detail[0].setting, "passwordPolicies");
	assert_string_equal(m.state->detail[0].field_path, "");
	assert_string_equal(m.state->detail[0].current, "été");
	assert_int_equal(m.state->napps, 2);
	assert_string_equal(m.state->apps[0].package, "com.example.A_1");
	assert_string_equal(m.state->apps[0].version, "1:2.3-1+b1");
	assert_true(m.state->apps[0].installed);
	assert_false(m.state->apps[0].blocked);
	assert_string_equal(m.state->apps[1].package, "vim");
	assert_string_equal(m.state->apps[1].version, "");	/* not sent */
	assert_false(m.state->apps[1].installed);
	assert_true(m.state->apps[1].blocked);
	netmsg_clear(&m);
	free(st);
}

/* A STATE with one fact as given. */
static void
put_fact(struct netmsg_buf *b, const char *name, int type, int64_t v,
    const char *text)
{
	netmsg_begin(b, NETMSG_LWM2M_STATE, 0, 0);
	netmsg_put_str(b, "FULLY_MANAGED");
	netmsg_put_str(b, NULL);
	netmsg_put_str(b, NULL);
	netmsg_put_str(b, NULL);
	netmsg_put_int(b, 1);
	netmsg_put_str(b, name);
	netmsg_put_int(b, type);
	netmsg_put_int(b, v);
	netmsg_put_str(b, text);
	netmsg_put_int(b, 0);
	netmsg_put_str(b, NULL);
	netmsg_put_int(b, 0);
	netmsg_put_int(b, 0);
	netmsg_put_int(b, 0);
	netmsg_put_str(b, NULL);
	netmsg_put_int(b, 0);
	netmsg_put_int(b, 0);		/* apps */
	netmsg_end(b);
}

/* A STATE with no fact and the applications given (package, version,
 * installed, blocked). */
static void
put_apps(struct netmsg_buf *b, int n, const char *const *pkg,
    const char *const *ver, const int *inst)
{
	int i;

	netmsg_begin(b, NETMSG_LWM2M_STATE, 0, 0);
	netmsg_put_str(b, "FULLY_MANAGED");
	netmsg_put_str(b, NULL);
	netmsg_put_str(b, NULL);
	netmsg_put_str(b, NULL);
	netmsg_put_int(b, 0);
	netmsg_put_int(b, 0);
	netmsg_put_str(b, NULL);
	netmsg_put_int(b, 0);
	netmsg_put_int(b, 0);
	netmsg_put_int(b, 0);
	netmsg_put_str(b, NULL);
	netmsg_put_int(b, 0);
	netmsg_put_int(b, n);
	for (i = 0; pkg != NULL && i < n; i++) {
		netmsg_put_str(b, pkg[i]);
		netmsg_put_str(b, ver[i]);
		netmsg_put_int(b, inst[i]);
		netmsg_put_int(b, !inst[i]);
	}
	netmsg_end(b);
}

static void
test_state_malformed(void **state)
{
	struct netmsg_buf b = { 0 };
	struct netmsg m;
	double inf = 1e308 * 10;
	int64_t bits;
	char why[256];

	(void)state;
	put_fact(&b, "battery.level", HAL_FACT_INT64, 5, NULL);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	netmsg_clear(&m);
	put_fact(&b, "Battery level", HAL_FACT_INT64, 5, NULL);
	refused(&b, "fact.name: a character outside");
	put_fact(&b, "battery.level", 9, 5, NULL);
	refused(&b, "fact.type: 9 out of");
	put_fact(&b, "screen.locked", HAL_FACT_BOOL, 2, NULL);
	refused(&b, "fact.value: 2 for a boolean");
	put_fact(&b, "os.name", HAL_FACT_STRING, 0, NULL);
	refused(&b, "fact.text: missing");
	put_fact(&b, "battery.level", HAL_FACT_INT64, 5, "5");
	refused(&b, "fact.text: given");
	memcpy(&bits, &inf, sizeof(bits));
	put_fact(&b, "x.d", HAL_FACT_DOUBLE, bits, NULL);
	refused(&b, "not a finite number");
	put_fact(&b, "os.name", HAL_FACT_STRING, 0, "a\001b");
	refused(&b, "fact.text: byte 0x01");

	/* an evaluation marked invalid */
	netmsg_begin(&b, NETMSG_LWM2M_STATE, 0, 0);
	netmsg_put_str(&b, "FULLY_MANAGED");
	netmsg_put_str(&b, NULL);
	netmsg_put_str(&b, NULL);
	netmsg_put_str(&b, NULL);
	netmsg_put_int(&b, 0);
	netmsg_put_int(&b, 0);
	netmsg_put_str(&b, "Compliant");
	netmsg_put_int(&b, 1);
	netmsg_put_int(&b, 0);
	netmsg_put_int(&b, 0);
	netmsg_put_str(&b, NULL);
	netmsg_put_int(&b, 0);
	netmsg_end(&b);
	refused(&b, "valid: 0 with an evaluation");

	/* too many facts */
	netmsg_begin(&b, NETMSG_LWM2M_STATE, 0, 0);
	netmsg_put_str(&b, "FULLY_MANAGED");
	netmsg_put_str(&b, NULL);
	netmsg_put_str(&b, NULL);
	netmsg_put_str(&b, NULL);
	netmsg_put_int(&b, HAL_FACTS_MAX + 1);
	netmsg_end(&b);
	refused(&b, "facts: 129 out of 0..128");

	/* object 9's applications */
	put_apps(&b, 2, (const char *[]){ "a", "b" },
	    (const char *[]){ "1", NULL }, (const int[]){ 1, 0 });
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_int_equal(m.state->napps, 2);
	netmsg_clear(&m);
	put_apps(&b, 2, (const char *[]){ "b", "a" },
	    (const char *[]){ "1", "1" }, (const int[]){ 1, 1 });
	refused(&b, "app.package: a out of order or repeated");
	put_apps(&b, 2, (const char *[]){ "a", "a" },
	    (const char *[]){ "1", "1" }, (const int[]){ 1, 1 });
	refused(&b, "app.package: a out of order or repeated");
	put_apps(&b, 1, (const char *[]){ "a" }, (const char *[]){ NULL },
	    (const int[]){ 1 });
	refused(&b, "app.version: missing for installed a");
	put_apps(&b, 1, (const char *[]){ "a" }, (const char *[]){ "1" },
	    (const int[]){ 0 });
	refused(&b, "app.version: given for absent a");
	put_apps(&b, 1, (const char *[]){ "a/b" }, (const char *[]){ "1" },
	    (const int[]){ 1 });
	refused(&b, "app.package: a character outside");
	put_apps(&b, 1, (const char *[]){ "a" }, (const char *[]){ "1\n" },
	    (const int[]){ 1 });
	refused(&b, "app.version: byte 0x0a");
	put_apps(&b, NETMSG_LW_APPS_MAX + 1, NULL, NULL, NULL);
	refused(&b, "apps: 65 out of 0..64");
}

static void
test_requests(void **state)
{
	struct netmsg_buf b = { 0 };
	struct netmsg m;
	char why[256];

	(void)state;
	netmsg_begin(&b, NETMSG_LWM2M_APPLY_POLICY, 0, 9);
	netmsg_put_str(&b, "{\"cameraDisabled\":true}");
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_int_equal(m.id, 9);
	assert_string_equal(m.policy, "{\"cameraDisabled\":true}");
	netmsg_clear(&m);
	netmsg_begin(&b, NETMSG_LWM2M_APPLY_POLICY, 0, 9);
	netmsg_put_str(&b, "{\"cameraDisabled\":");
	netmsg_end(&b);
	refused(&b, "LWM2M_APPLY_POLICY: policy: not a JSON object");

	netmsg_begin(&b, NETMSG_LWM2M_WIPE, 0, 3);
	netmsg_put_int(&b, 1);
	netmsg_put_str(&b, "LwM2M Wipe (/8/0/1)");
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_true(m.profile);
	assert_string_equal(m.lw_why, "LwM2M Wipe (/8/0/1)");
	netmsg_clear(&m);
	netmsg_begin(&b, NETMSG_LWM2M_WIPE, 0, 3);
	netmsg_put_int(&b, 2);
	netmsg_put_str(&b, "x");
	netmsg_end(&b);
	refused(&b, "profile: 2 out of 0..1");
	netmsg_begin(&b, NETMSG_LWM2M_REBOOT, 0, 3);
	netmsg_put_str(&b, "line\nbreak");
	netmsg_end(&b);
	refused(&b, "LWM2M_REBOOT: why: byte 0x0a");
	netmsg_begin(&b, NETMSG_LWM2M_LOCK, 0, 4);
	netmsg_put_int(&b, 0);
	netmsg_put_int(&b, 0);
	netmsg_end(&b);
	refused(&b, "8 bytes after the last field");

	netmsg_begin(&b, NETMSG_LWM2M_SAVE, 0, 5);
	netmsg_put_str(&b, SEC);
	netmsg_put_str(&b, SRV);
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_string_equal(m.security, SEC);
	netmsg_clear(&m);
	netmsg_begin(&b, NETMSG_LWM2M_SAVE, 0, 5);
	netmsg_put_str(&b, SEC);
	netmsg_put_str(&b, "{}");
	netmsg_end(&b);
	refused(&b, "server: not a JSON array");

	netmsg_begin(&b, NETMSG_LWM2M_REGISTERED, 0, 0);
	netmsg_put_str(&b, "coaps://127.0.0.1:5684");
	netmsg_put_str(&b, "rd/5a3f");
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_string_equal(m.location, "rd/5a3f");
	netmsg_clear(&m);

	netmsg_begin(&b, NETMSG_LWM2M_STATUS, 0, 0);
	netmsg_put_str(&b, NULL);
	netmsg_put_int(&b, 1);
	netmsg_put_str(&b, "rd/5a3f");
	netmsg_put_int(&b, 3);
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_null(m.lw_why);
	assert_true(m.contact);
	assert_int_equal(m.observations, 3);
	netmsg_clear(&m);
	netmsg_begin(&b, NETMSG_LWM2M_STATUS, 0, 0);
	netmsg_put_str(&b, NULL);
	netmsg_put_int(&b, 0);
	netmsg_put_str(&b, NULL);
	netmsg_put_int(&b, -1);
	netmsg_end(&b);
	refused(&b, "observations: -1 out of");

	netmsg_begin(&b, NETMSG_LWM2M_STOPPED, 0, 0);
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_string_equal(netmsg_type_name(m.type), "LWM2M_STOPPED");
	netmsg_clear(&m);

	netmsg_begin(&b, NETMSG_LWM2M_APP, 0, 6);
	netmsg_put_int(&b, 1);
	netmsg_put_str(&b, "org.example.tool");
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_string_equal(netmsg_type_name(m.type), "LWM2M_APP");
	assert_int_equal(m.id, 6);
	assert_true(m.app_remove);
	assert_string_equal(m.package, "org.example.tool");
	netmsg_clear(&m);
	netmsg_begin(&b, NETMSG_LWM2M_APP, 0, 6);
	netmsg_put_int(&b, 0);
	netmsg_put_str(&b, "../etc");
	netmsg_end(&b);
	refused(&b, "LWM2M_APP: package: a character outside");
	netmsg_begin(&b, NETMSG_LWM2M_APP, 0, 6);
	netmsg_put_int(&b, 0);
	netmsg_put_str(&b, NULL);
	netmsg_end(&b);
	refused(&b, "LWM2M_APP: package: missing");
	netmsg_begin(&b, NETMSG_LWM2M_APP, 0, 6);
	netmsg_put_int(&b, 2);
	netmsg_put_str(&b, "a");
	netmsg_end(&b);
	refused(&b, "remove: 2 out of 0..1");

	netmsg_begin(&b, NETMSG_LWM2M_OS_UPDATE, 0, 9);
	netmsg_put_str(&b, "https://updates.example/os-2.1.raucb");
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_string_equal(netmsg_type_name(m.type), "LWM2M_OS_UPDATE");
	assert_string_equal(m.uri, "https://updates.example/os-2.1.raucb");
	netmsg_clear(&m);
	netmsg_begin(&b, NETMSG_LWM2M_OS_UPDATE, 0, 9);
	netmsg_put_str(&b, "file:///etc/shadow");
	netmsg_end(&b);
	refused(&b, "LWM2M_OS_UPDATE: uri: not http:// or https://");
	netmsg_begin(&b, NETMSG_LWM2M_OS_UPDATE, 0, 9);
	netmsg_put_str(&b, "http://a b");
	netmsg_end(&b);
	refused(&b, "uri: a space");
	netmsg_begin(&b, NETMSG_LWM2M_OS_UPDATE, 0, 9);
	netmsg_put_str(&b, NULL);
	netmsg_end(&b);
	refused(&b, "uri: missing");
}

static void
test_answers(void **state)
{
	struct netmsg_buf b = { 0 };
	struct netmsg m;
	char why[256];

	(void)state;
	netmsg_begin(&b, NETMSG_LWM2M_APPLIED, 0, 9);
	netmsg_put_int(&b, -1);
	netmsg_put_str(&b, "cameraDisabled: not a boolean\n");
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_int_equal(m.lw_status, -1);
	assert_string_equal(m.lw_why, "cameraDisabled: not a boolean\n");
	netmsg_clear(&m);
	netmsg_begin(&b, NETMSG_LWM2M_APPLIED, 0, 9);
	netmsg_put_int(&b, 0);
	netmsg_put_str(&b, "x");
	netmsg_end(&b);
	refused(&b, "errors: given with status 0");
	netmsg_begin(&b, NETMSG_LWM2M_APPLIED, 0, 9);
	netmsg_put_int(&b, -1);
	netmsg_put_str(&b, NULL);
	netmsg_end(&b);
	refused(&b, "errors: missing with status -1");

	netmsg_begin(&b, NETMSG_LWM2M_DONE, 0, 3);
	netmsg_put_int(&b, -38);
	netmsg_end(&b);
	assert_int_equal(parse_buf(&b, &m, why, sizeof(why)), 0);
	assert_int_equal(m.lw_rc, -38);
	netmsg_clear(&m);
	netmsg_begin(&b, NETMSG_LWM2M_DONE, 0, 3);
	netmsg_put_int(&b, 1);
	netmsg_end(&b);
	refused(&b, "rc: 1 out of");
	netmsg_begin(&b, NETMSG_LWM2M_STOP, 0, 0);
	netmsg_put_int(&b, 1);
	netmsg_end(&b);
	refused(&b, "LWM2M_STOP: 8 bytes after the last field");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_state_malformed),
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
