/* Tests profiles/presets.c: modes, capabilities and baselines. */
#include "profiles/presets.h"
#include "tests/unit/profiles/policy_helpers.h"

static void
mode_names(void **state)
{
	static const struct {
		const char *s;
		enum policy_mode m;
	} ok[] = {
		{ "FULLY_MANAGED", POLICY_MODE_FULLY_MANAGED },
		{ "DEVICE_OWNER", POLICY_MODE_FULLY_MANAGED },
		{ "COBO", POLICY_MODE_FULLY_MANAGED },
		{ "DEDICATED", POLICY_MODE_DEDICATED },
		{ "COSU", POLICY_MODE_DEDICATED },
		{ "COPE", POLICY_MODE_COPE },
		{ "BYOD", POLICY_MODE_BYOD },
		{ "PROFILE_OWNER", POLICY_MODE_BYOD },
	};
	enum policy_mode m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		m = POLICY_MODE_COUNT;
		assert_int_equal(policy_mode_parse(ok[i].s, &m), 0);
		assert_int_equal(m, ok[i].m);
	}
	assert_int_equal(policy_mode_parse("byod", &m), -1);
	assert_int_equal(policy_mode_parse("", &m), -1);
	assert_string_equal(policy_mode_name(POLICY_MODE_DEDICATED),
	    "DEDICATED");
	assert_string_equal(policy_mode_name(POLICY_MODE_COUNT), "?");
	assert_string_equal(policy_mode_management_mode(POLICY_MODE_COPE),
	    "PROFILE_OWNER");
	assert_string_equal(policy_mode_management_mode(
	    POLICY_MODE_DEDICATED), "DEVICE_OWNER");
	assert_string_equal(policy_mode_ownership(POLICY_MODE_COPE),
	    "COMPANY_OWNED");
	assert_string_equal(policy_mode_ownership(POLICY_MODE_BYOD),
	    "PERSONALLY_OWNED");
}

static void
capabilities(void **state)
{
	/* Rows: FULLY_MANAGED, DEDICATED, COPE, BYOD. */
	static const struct {
		enum policy_cap c;
		bool allowed[POLICY_MODE_COUNT];
	} table[] = {
		{ POLICY_CAP_PASSCODE_DEVICE, { 1, 1, 1, 0 } },
		{ POLICY_CAP_PASSCODE_PROFILE, { 0, 0, 1, 1 } },
		{ POLICY_CAP_LOCK_TIMEOUT, { 1, 1, 1, 0 } },
		{ POLICY_CAP_CAMERA, { 1, 1, 1, 0 } },
		{ POLICY_CAP_KEYGUARD, { 1, 1, 1, 0 } },
		{ POLICY_CAP_SCREEN_CAPTURE, { 1, 1, 1, 0 } },
		{ POLICY_CAP_USB, { 1, 1, 1, 0 } },
		{ POLICY_CAP_FACTORY_RESET, { 1, 1, 1, 0 } },
		{ POLICY_CAP_ENCRYPTION, { 1, 1, 1, 0 } },
		{ POLICY_CAP_OS_FLOOR, { 1, 1, 1, 1 } },
		{ POLICY_CAP_APPS, { 1, 1, 1, 1 } },
		{ POLICY_CAP_KIOSK, { 1, 1, 0, 0 } },
		{ POLICY_CAP_WIFI, { 1, 1, 1, 0 } },
		{ POLICY_CAP_WORK_PROFILE, { 0, 0, 1, 1 } },
	};
	size_t i;
	int m;

	(void)state;
	assert_int_equal(sizeof(table) / sizeof(table[0]), POLICY_CAP_COUNT);
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		for (m = 0; m < POLICY_MODE_COUNT; m++) {
			bool a = policy_mode_allows(m, table[i].c);

			assert_int_equal(a, table[i].allowed[m]);
			if (a)
				assert_string_equal(policy_mode_refusal(m,
				    table[i].c), "");
			else
				assert_true(strlen(policy_mode_refusal(m,
				    table[i].c)) > 10);
		}
	}
	assert_false(policy_mode_allows(POLICY_MODE_COUNT, POLICY_CAP_APPS));
	assert_string_equal(policy_mode_refusal(POLICY_MODE_BYOD,
	    POLICY_CAP_CAMERA), "camera access is device-wide");
	assert_int_equal(policy_mode_default_scope(POLICY_MODE_FULLY_MANAGED),
	    HAL_SCOPE_DEVICE);
	assert_int_equal(policy_mode_default_scope(POLICY_MODE_DEDICATED),
	    HAL_SCOPE_DEVICE);
	assert_int_equal(policy_mode_default_scope(POLICY_MODE_COPE),
	    HAL_SCOPE_PROFILE);
	assert_int_equal(policy_mode_default_scope(POLICY_MODE_BYOD),
	    HAL_SCOPE_PROFILE);
}

static void
baselines(void **state)
{
	struct policy *p;
	int m;

	(void)state;
	for (m = 0; m < POLICY_MODE_COUNT; m++) {
		char name[64];

		p = policy_preset_baseline(m);
		assert_non_null(p);
		snprintf(name, sizeof(name), "preset:%s", policy_mode_name(m));
		assert_string_equal(p->name, name);
		assert_string_equal(p->sources[0], name);
		assert_int_equal(p->nunsupported, 0);
		policy_free(p);
	}
	p = policy_preset_baseline(POLICY_MODE_FULLY_MANAGED);
	assert_true(p->pw[POLICY_SCOPE_DEVICE].present);
	assert_int_equal(p->pw[POLICY_SCOPE_DEVICE].quality, HAL_PW_SOMETHING);
	policy_free(p);
	p = policy_preset_baseline(POLICY_MODE_DEDICATED);
	assert_int_equal(p->factory_reset_disabled, POLICY_TRUE);
	assert_false(policy_field_present(p, POLICY_F_PASSWORD_POLICIES));
	policy_free(p);
	p = policy_preset_baseline(POLICY_MODE_BYOD);
	assert_true(p->pw[POLICY_SCOPE_PROFILE].present);
	assert_false(p->pw[POLICY_SCOPE_DEVICE].present);
	policy_free(p);
	assert_null(policy_preset_baseline(POLICY_MODE_COUNT));
	assert_null(policy_preset_json(POLICY_MODE_COUNT));
}

static void
baseline_is_a_floor(void **state)
{
	struct policy *admin = parse_ok("{\"name\":\"admin\","
	    "\"factoryResetDisabled\":false,\"passwordPolicies\":[{"
	    "\"passwordScope\":\"SCOPE_DEVICE\",\"passwordQuality\":"
	    "\"ALPHANUMERIC\"}]}");
	const struct policy *in[1] = { admin };
	struct policy *m;

	(void)state;
	m = policy_preset_merge(POLICY_MODE_DEDICATED, in, 1);
	assert_non_null(m);
	assert_int_equal(m->nsources, 2);
	assert_string_equal(m->sources[0], "preset:DEDICATED");
	assert_string_equal(m->sources[1], "admin");
	/* The admin cannot loosen the baseline ... */
	assert_int_equal(m->factory_reset_disabled, POLICY_TRUE);
	assert_int_equal(m->src[POLICY_F_FACTORY_RESET], 1u);
	policy_free(m);
	/* ... but can tighten it. */
	m = policy_preset_merge(POLICY_MODE_FULLY_MANAGED, in, 1);
	assert_int_equal(m->pw[POLICY_SCOPE_DEVICE].quality,
	    HAL_PW_ALPHANUMERIC);
	assert_int_equal(m->pw[POLICY_SCOPE_DEVICE].src, 3u);
	policy_free(m);
	/* No admin policy: the baseline alone. */
	m = policy_preset_merge(POLICY_MODE_BYOD, NULL, 0);
	assert_int_equal(m->nsources, 1);
	assert_true(m->pw[POLICY_SCOPE_PROFILE].present);
	policy_free(m);
	policy_free(admin);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mode_names),
		cmocka_unit_test(capabilities),
		cmocka_unit_test(baselines),
		cmocka_unit_test(baseline_is_a_floor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
