/*
 * Tests profiles/policy_enums.c: name tables, the passwordQuality rank
 * and version comparison.
 */
#include "tests/unit/profiles/policy_helpers.h"

static void
names_round_trip(void **state)
{
	const struct policy_enum *const tables[] = {
		policy_enum_quality, policy_enum_scope, policy_enum_camera,
		policy_enum_keyguard, policy_enum_usb, policy_enum_encryption,
		policy_enum_install, policy_enum_role,
		policy_enum_power_button, policy_enum_error_warnings,
		policy_enum_navigation, policy_enum_status_bar,
		policy_enum_device_settings, policy_enum_wifi_security,
		policy_enum_eap_outer, policy_enum_block_scope,
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		const struct policy_enum *e;

		for (e = tables[i]; e->name != NULL; e++) {
			int v = -12345, w;

			assert_int_equal(policy_enum_value(tables[i], e->name,
			    &v), 0);
			assert_int_equal(v, e->value);
			/* A mapped value (BIOMETRIC_WEAK) prints as the
			 * value it maps to, which parses back to it. */
			w = -12345;
			assert_int_equal(policy_enum_value(tables[i],
			    policy_enum_name(tables[i], v), &w), 0);
			assert_int_equal(w, v);
		}
	}
	assert_string_equal(policy_enum_name(policy_enum_camera, 99), "?");
	{
		int v = 7;

		assert_int_equal(policy_enum_value(policy_enum_camera, "", &v),
		    -1);
		assert_int_equal(v, 7);
	}
	assert_string_equal(policy_enum_name(policy_enum_keyguard,
	    POLICY_KG_SHORTCUTS), "SHORTCUTS");
	assert_string_equal(policy_enum_name(policy_enum_quality,
	    HAL_PW_COMPLEXITY_HIGH), "COMPLEXITY_HIGH");
	assert_string_equal(policy_enum_name(policy_enum_keyguard,
	    POLICY_KG_ALL_FEATURES), "ALL_FEATURES");
	assert_string_equal(policy_enum_name(policy_enum_quality,
	    HAL_PW_SOMETHING), "SOMETHING");
}

static void
quality_rank(void **state)
{
	(void)state;
	assert_int_equal(policy_quality_rank(HAL_PW_UNSPECIFIED), 0);
	assert_int_equal(policy_quality_rank(HAL_PW_SOMETHING), 1);
	assert_int_equal(policy_quality_rank(HAL_PW_NUMERIC), 2);
	assert_int_equal(policy_quality_rank(HAL_PW_COMPLEXITY_LOW), 2);
	assert_int_equal(policy_quality_rank(HAL_PW_NUMERIC_COMPLEX), 3);
	assert_int_equal(policy_quality_rank(HAL_PW_COMPLEXITY_MEDIUM), 3);
	assert_int_equal(policy_quality_rank(HAL_PW_ALPHABETIC), 4);
	assert_int_equal(policy_quality_rank(HAL_PW_ALPHANUMERIC), 5);
	assert_int_equal(policy_quality_rank(HAL_PW_COMPLEXITY_HIGH), 6);
	assert_int_equal(policy_quality_rank(HAL_PW_COMPLEX), 7);
}

static void
version_compare(void **state)
{
	(void)state;
	assert_int_equal(policy_version_cmp("12", "12"), 0);
	assert_int_equal(policy_version_cmp("12", "12.0.0"), 0);
	assert_true(policy_version_cmp("12.4", "12.10") < 0);
	assert_true(policy_version_cmp("12.10", "12.4") > 0);
	assert_true(policy_version_cmp("9", "10") < 0);
	assert_true(policy_version_cmp("6.1.0.13", "6.1") > 0);
	assert_true(policy_version_cmp("12.04", "12.4") == 0);
	assert_true(policy_version_cmp("", "1") < 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test(quality_rank),
		cmocka_unit_test(version_compare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
