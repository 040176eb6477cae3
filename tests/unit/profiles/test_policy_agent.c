/*
 * Tests profiles/policy_agent.c: policyEnforcementRules[] and
 * statusReportingSettings.
 */
#include "tests/unit/profiles/policy_helpers.h"

static void
rules(void **state)
{
	struct policy *p;

	(void)state;
	p = parse_ok("{\"policyEnforcementRules\":["
	    "{\"settingName\":\"passwordPolicies\",\"blockAction\":{"
	    "\"blockAfterDays\":1,\"blockScope\":\"BLOCK_SCOPE_DEVICE\"},"
	    "\"wipeAction\":{\"wipeAfterDays\":30,\"preserveFrp\":true}},"
	    "{\"settingName\":\"minimumApiLevel\",\"blockAction\":{}}]}");
	assert_int_equal(p->nrules, 2);
	assert_string_equal(p->rules[0].setting_name, "passwordPolicies");
	assert_int_equal(p->rules[0].block_after_days, 1);
	assert_int_equal(p->rules[0].block_scope, POLICY_BLOCK_SCOPE_DEVICE);
	assert_int_equal(p->rules[0].wipe_after_days, 30);
	assert_true(p->rules[0].preserve_frp);
	/* An empty blockAction blocks at once; no wipeAction: -1. */
	assert_int_equal(p->rules[1].block_after_days, 0);
	assert_int_equal(p->rules[1].wipe_after_days, -1);
	assert_int_equal(p->rules[1].block_scope,
	    POLICY_BLOCK_SCOPE_UNSPECIFIED);
	assert_int_equal(p->rules[1].index, 1);
	policy_free(p);
}

static void
rule_boundaries(void **state)
{
	(void)state;
	policy_free(parse_ok("{\"policyEnforcementRules\":[{\"settingName\":"
	    "\"x\",\"blockAction\":{\"blockAfterDays\":3649},\"wipeAction\":"
	    "{\"wipeAfterDays\":3650}}]}"));
	reject("{\"policyEnforcementRules\":[{\"settingName\":\"x\","
	    "\"blockAction\":{\"blockAfterDays\":3651}}]}",
	    "policyEnforcementRules[0].blockAction.blockAfterDays",
	    "3651 is out of range (0..3650)");
	reject("{\"policyEnforcementRules\":[{\"settingName\":\"x\","
	    "\"blockAction\":{\"blockAfterDays\":-1}}]}",
	    "policyEnforcementRules[0].blockAction.blockAfterDays",
	    "-1 is out of range (0..3650)");
	reject("{\"policyEnforcementRules\":[{\"settingName\":\"x\","
	    "\"blockAction\":{\"blockAfterDays\":5},\"wipeAction\":"
	    "{\"wipeAfterDays\":5}}]}",
	    "policyEnforcementRules[0].wipeAction.wipeAfterDays",
	    "must be greater than blockAction.blockAfterDays (5)");
	reject("{\"policyEnforcementRules\":[{\"settingName\":\"x\","
	    "\"blockAction\":{},\"wipeAction\":{}}]}",
	    "policyEnforcementRules[0].wipeAction.wipeAfterDays",
	    "must be greater than blockAction.blockAfterDays (0)");
}

static void
bad_rules(void **state)
{
	(void)state;
	reject("{\"policyEnforcementRules\":[{\"blockAction\":{}}]}",
	    "policyEnforcementRules[0].settingName", "is required");
	reject("{\"policyEnforcementRules\":[{\"settingName\":\"x\"}]}",
	    "policyEnforcementRules[0].blockAction", "is required");
	reject("{\"policyEnforcementRules\":[{\"settingName\":\"x\","
	    "\"wipeAction\":{\"wipeAfterDays\":3}}]}",
	    "policyEnforcementRules[0].blockAction", "is required");
	reject("{\"policyEnforcementRules\":[{\"settingName\":\"a.b\","
	    "\"blockAction\":{}}]}", "policyEnforcementRules[0].settingName",
	    "must be a policy field name");
	reject("{\"policyEnforcementRules\":[{\"settingName\":\"x\","
	    "\"blockAction\":{\"blockScope\":\"BLOCK_SCOPE_APP\"}}]}",
	    "policyEnforcementRules[0].blockAction.blockScope",
	    "unknown value");
	reject("{\"policyEnforcementRules\":[{\"settingName\":\"x\","
	    "\"blockAction\":{},\"wipeAction\":{\"wipeAfterDays\":2,"
	    "\"preserveFrp\":\"yes\"}}]}",
	    "policyEnforcementRules[0].wipeAction.preserveFrp",
	    "must be a boolean");
	reject("{\"policyEnforcementRules\":[{\"settingName\":\"x\","
	    "\"blockAction\":{}},{\"settingName\":\"x\",\"blockAction\":{}}]}",
	    "policyEnforcementRules[1].settingName",
	    "\"x\" already has a rule at policyEnforcementRules[0]");
}

static void
reporting(void **state)
{
	struct policy *p;

	(void)state;
	p = parse_ok("{\"statusReportingSettings\":{"
	    "\"softwareInfoEnabled\":true,\"hardwareStatusEnabled\":false,"
	    "\"memoryInfoEnabled\":true,\"networkInfoEnabled\":true,"
	    "\"powerManagementEventsEnabled\":false,"
	    "\"deviceSettingsEnabled\":true,\"scanIntervalSeconds\":600,"
	    "\"applicationReportsEnabled\":true}}");
	assert_true(p->reporting_present);
	assert_int_equal(p->reporting.software_info, POLICY_TRUE);
	assert_int_equal(p->reporting.hardware_status, POLICY_FALSE);
	assert_int_equal(p->reporting.memory_info, POLICY_TRUE);
	assert_int_equal(p->reporting.network_info, POLICY_TRUE);
	assert_int_equal(p->reporting.power_events, POLICY_FALSE);
	assert_int_equal(p->reporting.device_settings, POLICY_TRUE);
	assert_int_equal(p->reporting.scan_interval_seconds, 600);
	assert_int_equal(p->reporting.application_reports, POLICY_TRUE);
	assert_int_equal(p->nunsupported, 0);
	policy_free(p);
	policy_free(parse_ok("{\"statusReportingSettings\":"
	    "{\"scanIntervalSeconds\":10}}"));
	policy_free(parse_ok("{\"statusReportingSettings\":"
	    "{\"scanIntervalSeconds\":604800}}"));
	reject("{\"statusReportingSettings\":{\"scanIntervalSeconds\":9}}",
	    "statusReportingSettings.scanIntervalSeconds",
	    "9 is out of range (10..604800)");
	reject("{\"statusReportingSettings\":{\"scanIntervalSeconds\":604801}}",
	    "statusReportingSettings.scanIntervalSeconds", "out of range");
	reject("{\"statusReportingSettings\":{\"memoryInfoEnabled\":1}}",
	    "statusReportingSettings.memoryInfoEnabled", "must be a boolean");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rules),
		cmocka_unit_test(rule_boundaries),
		cmocka_unit_test(bad_rules),
		cmocka_unit_test(reporting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
