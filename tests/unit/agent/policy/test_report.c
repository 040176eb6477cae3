/*
 * test_report.c - the AMAPI Device report and its text rendering
 * (agent/policy/report.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "profiles/posture.h"
#include "agent/policy/report.h"

#define NOW 1795305600LL	/* 2026-11-22T00:00:00Z */

static struct hal_facts facts;
static struct posture_result result;
static struct rules_set *rules;

static const char rule_doc[] = "{\"rules\":["
    "{\"id\":\"firewall-enabled\",\"priority\":1,\"result\":\"NON_COMPLIANT\","
    "\"gracePeriodHours\":24,\"remediation\":\"Reboot to restore the "
    "firewall.\",\"conditions\":[{\"fact\":\"firewall.enabled\","
    "\"operator\":\"IsEquals\",\"type\":\"Boolean\",\"value\":false}]},"
    "{\"id\":\"time-synced\",\"priority\":2,\"result\":\"NON_COMPLIANT\","
    "\"conditions\":[{\"fact\":\"time.synced\",\"operator\":\"IsEquals\","
    "\"type\":\"Boolean\",\"value\":false}]},"
    "{\"id\":\"kiosk\",\"priority\":3,\"result\":\"NON_COMPLIANT\","
    "\"conditions\":[{\"fact\":\"kiosk.active\",\"operator\":\"IsEquals\","
    "\"type\":\"Boolean\",\"value\":false}]}]}";

static const struct posture_extra extra = {
	"policy.kioskCustomization", "kioskCustomization", NULL,
	RULES_REASON_UNSUPPORTED, POSTURE_SPECIFIC_NONE, "statusBar", NULL
};

/* The simulator's handheld with a short passcode, encryption off and an
 * unlocked bootloader. */
static void
device_facts(void)
{
	memset(&facts, 0, sizeof(facts));
	hal_fact_str(&facts, HAL_FACT_STRING, "hw.manufacturer",
	    "Warden Devices");
	hal_fact_str(&facts, HAL_FACT_STRING, "hw.model", "SimHandheld 2");
	hal_fact_str(&facts, HAL_FACT_STRING, "hw.serial", "SIM0000001");
	hal_fact_str(&facts, HAL_FACT_STRING, "os.name", "Debian GNU/Linux");
	hal_fact_str(&facts, HAL_FACT_STRING, "os.id", "debian");
	hal_fact_str(&facts, HAL_FACT_VERSION, "os.version", "12.1");
	hal_fact_str(&facts, HAL_FACT_VERSION, "os.kernel", "6.1.0-28-arm64");
	hal_fact_str(&facts, HAL_FACT_DATETIME, "os.security_patch",
	    "2026-10-05");
	hal_fact_bool(&facts, "disk.encrypted", false);
	hal_fact_str(&facts, HAL_FACT_STRING, "disk.encryption_status",
	    "UNENCRYPTED");
	hal_fact_bool(&facts, "integrity.rooted", false);
	hal_fact_str(&facts, HAL_FACT_STRING, "integrity.boot_state", "orange");
	hal_fact_bool(&facts, "passcode.set", true);
	hal_fact_str(&facts, HAL_FACT_STRING, "passcode.quality",
	    "ALPHANUMERIC");
	hal_fact_int(&facts, "passcode.length", 4);
	hal_fact_bool(&facts, "firewall.enabled", false);
	hal_fact_bool(&facts, "time.synced", true);
	hal_fact_int(&facts, "storage.total_bytes", 31999000000LL);
	hal_fact_int(&facts, "memory.total_bytes", 4100000000LL);
	hal_fact_int(&facts, "battery.level", 81);
	hal_fact_bool(&facts, "network.connected", true);
	hal_fact_str(&facts, HAL_FACT_STRING, "network.addresses",
	    "192.0.2.17,,2001:db8::1");
}

static void
evaluate_device(bool with_extra)
{
	struct policy_requirements req;
	struct posture_input in;
	char err[256];

	memset(&req, 0, sizeof(req));
	req.passcode.min_length = 6;
	req.encryption_required = true;
	snprintf(req.min_os_version, sizeof(req.min_os_version), "12.4");
	req.version = 7;
	if (rules == NULL)
		assert_int_equal(rules_parse(rule_doc, strlen(rule_doc), &rules,
		    err, sizeof(err)), 0);
	memset(&in, 0, sizeof(in));
	in.facts = &facts;
	in.req = &req;
	in.rules = rules;
	in.extras = &extra;
	in.nextras = with_extra ? 1 : 0;
	in.now = NOW;
	assert_int_equal(posture_evaluate(&in, &result), 0);
}

static cJSON *
report(enum report_mode mode, const struct report_info *given)
{
	struct report_info info;
	char *text = NULL;
	cJSON *doc;

	memset(&info, 0, sizeof(info));
	if (given != NULL)
		info = *given;
	else
		info.mode = mode;
	assert_int_equal(report_json(&result, &facts, &info, &text), 0);
	assert_non_null(text);
	doc = cJSON_Parse(text);
	assert_non_null(doc);
	free(text);
	return doc;
}

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsString(it))
		fail_msg("%s: not a string", key);
	return it->valuestring;
}

static const cJSON *
get(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static int
teardown(void **state)
{
	(void)state;
	rules_free(rules);
	rules = NULL;
	return 0;
}

static void
test_top_level(void **state)
{
	struct report_info info;
	cJSON *doc;

	(void)state;
	device_facts();
	evaluate_device(true);
	doc = report(REPORT_MODE_FULLY_MANAGED, NULL);
	assert_string_equal(str(doc, "managementMode"), "DEVICE_OWNER");
	assert_string_equal(str(doc, "ownership"), "COMPANY_OWNED");
	assert_string_equal(str(doc, "state"), "ACTIVE");
	assert_string_equal(str(doc, "appliedState"), "ACTIVE");
	assert_true(cJSON_IsFalse(get(doc, "policyCompliant")));
	assert_string_equal(str(doc, "appliedPolicyVersion"), "7");
	assert_string_equal(str(doc, "lastStatusReportTime"),
	    "2026-11-22T00:00:00Z");
	assert_string_equal(str(doc, "wardenVerdict"), "NonCompliant");
	assert_null(get(doc, "name"));
	assert_null(get(doc, "policyName"));
	assert_null(get(doc, "lastPolicySyncTime"));
	assert_null(get(doc, "powerManagementEvents"));
	cJSON_Delete(doc);

	memset(&info, 0, sizeof(info));
	info.mode = REPORT_MODE_DEDICATED;
	info.state = REPORT_STATE_LOST;
	info.name = "enterprises/e1/devices/d1";
	info.policy_name = "enterprises/e1/policies/field";
	info.report_time = NOW + 61;
	info.last_policy_sync = NOW - 3600;
	doc = report(0, &info);
	assert_string_equal(str(doc, "managementMode"), "DEVICE_OWNER");
	assert_string_equal(str(doc, "state"), "LOST");
	assert_string_equal(str(doc, "name"), "enterprises/e1/devices/d1");
	assert_string_equal(str(doc, "policyName"),
	    "enterprises/e1/policies/field");
	assert_string_equal(str(doc, "lastStatusReportTime"),
	    "2026-11-22T00:01:01Z");
	assert_string_equal(str(doc, "lastPolicySyncTime"),
	    "2026-11-21T23:00:00Z");
	cJSON_Delete(doc);
}

static void
test_non_compliance_details(void **state)
{
	const cJSON *list, *d;
	cJSON *doc;

	(void)state;
	device_facts();
	evaluate_device(true);
	doc = report(REPORT_MODE_FULLY_MANAGED, NULL);
	list = get(doc, "nonComplianceDetails");
	assert_true(cJSON_IsArray(list));
	/* length, encryption, OS, firewall (grace), kiosk (Unknown: not
	 * reported, so not a detail), the extra. */
	assert_int_equal(cJSON_GetArraySize(list), 5);

	d = cJSON_GetArrayItem(list, 0);
	assert_string_equal(str(d, "settingName"), "passwordPolicies");
	assert_string_equal(str(d, "fieldPath"),
	    "passwordPolicies.passwordMinimumLength");
	assert_true(cJSON_IsNumber(get(d, "currentValue")));
	assert_int_equal(get(d, "currentValue")->valueint, 4);
	assert_string_equal(str(d, "nonComplianceReason"), "USER_ACTION");
	assert_string_equal(str(d, "specificNonComplianceReason"),
	    "PASSWORD_POLICIES_PASSWORD_NOT_SUFFICIENT");
	assert_string_equal(str(d, "remediation"),
	    "Change the passcode to one of at least 6 characters.");
	assert_string_equal(str(d, "complianceState"), "NonCompliant");
	assert_string_equal(str(d, "id"),
	    "policy.passwordPolicies.passwordMinimumLength");
	assert_string_equal(str(d, "firstFailedTime"), "2026-11-22T00:00:00Z");
	assert_null(get(d, "gracePeriodEndTime"));
	assert_null(get(d, "error"));

	d = cJSON_GetArrayItem(list, 1);
	assert_string_equal(str(d, "settingName"), "encryptionPolicy");
	assert_true(cJSON_IsFalse(get(d, "currentValue")));
	assert_string_equal(str(d, "nonComplianceReason"), "INVALID_VALUE");
	assert_null(get(d, "specificNonComplianceReason"));

	d = cJSON_GetArrayItem(list, 2);
	assert_string_equal(str(d, "settingName"), "minimumApiLevel");
	assert_string_equal(str(d, "currentValue"), "12.1");
	assert_string_equal(str(d, "nonComplianceReason"), "API_LEVEL");
	assert_string_equal(str(d, "remediation"),
	    "Update the operating system to version 12.4 or later.");

	d = cJSON_GetArrayItem(list, 3);
	assert_string_equal(str(d, "settingName"), "firewall-enabled");
	assert_null(get(d, "fieldPath"));
	assert_true(cJSON_IsFalse(get(d, "currentValue")));
	assert_string_equal(str(d, "complianceState"), "InGracePeriod");
	assert_string_equal(str(d, "gracePeriodEndTime"),
	    "2026-11-23T00:00:00Z");
	assert_string_equal(str(d, "remediation"),
	    "Reboot to restore the firewall.");

	d = cJSON_GetArrayItem(list, 4);
	assert_string_equal(str(d, "settingName"), "kioskCustomization");
	assert_string_equal(str(d, "id"), "policy.kioskCustomization");
	assert_string_equal(str(d, "currentValue"), "statusBar");
	assert_string_equal(str(d, "nonComplianceReason"), "UNSUPPORTED");
	assert_null(get(d, "remediation"));
	assert_null(get(d, "fieldPath"));
	cJSON_Delete(doc);
}

static void
test_error_detail(void **state)
{
	const cJSON *d;
	cJSON *doc;

	(void)state;
	device_facts();
	hal_fact_int(&facts, "time.synced", 1);
	evaluate_device(false);
	doc = report(REPORT_MODE_FULLY_MANAGED, NULL);
	d = cJSON_GetArrayItem(get(doc, "nonComplianceDetails"), 4);
	assert_string_equal(str(d, "id"), "time-synced");
	assert_string_equal(str(d, "complianceState"), "Error");
	assert_string_equal(str(d, "nonComplianceReason"),
	    "DEVICE_INCOMPATIBLE");
	assert_string_equal(str(d, "error"),
	    "the fact's type does not match the condition's type");
	assert_int_equal(get(d, "currentValue")->valueint, 1);
	assert_string_equal(str(doc, "wardenVerdict"), "Error");
	cJSON_Delete(doc);
}

static void
test_sections(void **state)
{
	const cJSON *o, *pd, *adv;
	cJSON *doc;

	(void)state;
	device_facts();
	evaluate_device(false);
	doc = report(REPORT_MODE_FULLY_MANAGED, NULL);

	o = get(doc, "securityPosture");
	assert_string_equal(str(o, "devicePosture"), "AT_RISK");
	pd = get(o, "postureDetails");
	assert_int_equal(cJSON_GetArraySize(pd), 1);
	assert_string_equal(str(cJSON_GetArrayItem(pd, 0), "securityRisk"),
	    "UNKNOWN_OS");
	adv = get(cJSON_GetArrayItem(pd, 0), "advice");
	assert_int_equal(cJSON_GetArraySize(adv), 1);
	assert_string_equal(str(cJSON_GetArrayItem(adv, 0), "defaultMessage"),
	    "The bootloader is unlocked (orange): lock the bootloader.");

	o = get(doc, "deviceSettings");
	assert_true(cJSON_IsTrue(get(o, "isDeviceSecure")));
	assert_true(cJSON_IsFalse(get(o, "isEncrypted")));
	assert_string_equal(str(o, "encryptionStatus"), "INACTIVE");
	assert_true(cJSON_IsFalse(get(o, "adbEnabled")));

	o = get(doc, "hardwareInfo");
	assert_string_equal(str(o, "brand"), "Warden Devices");
	assert_string_equal(str(o, "manufacturer"), "Warden Devices");
	assert_string_equal(str(o, "model"), "SimHandheld 2");
	assert_string_equal(str(o, "serialNumber"), "SIM0000001");

	o = get(doc, "softwareInfo");
	/* Linux is not Android: the OS release is warden's osVersion. */
	assert_null(cJSON_GetObjectItemCaseSensitive(o, "androidVersion"));
	assert_string_equal(str(o, "osVersion"), "12.1");
	assert_string_equal(str(o, "deviceKernelVersion"), "6.1.0-28-arm64");
	assert_string_equal(str(o, "securityPatchLevel"), "2026-10-05");
	assert_string_equal(str(o, "osName"), "Debian GNU/Linux");
	assert_string_equal(str(o, "osId"), "debian");
	assert_null(get(o, "androidDevicePolicyVersionName"));

	o = get(doc, "memoryInfo");
	assert_string_equal(str(o, "totalRam"), "4100000000");
	assert_string_equal(str(o, "totalInternalStorage"), "31999000000");

	o = get(doc, "networkInfo");
	assert_true(cJSON_IsTrue(get(o, "connected")));
	assert_int_equal(cJSON_GetArraySize(get(o, "addresses")), 2);
	assert_string_equal(cJSON_GetArrayItem(get(o, "addresses"), 0)
	    ->valuestring, "192.0.2.17");
	assert_string_equal(cJSON_GetArrayItem(get(o, "addresses"), 1)
	    ->valuestring, "2001:db8::1");
	cJSON_Delete(doc);
}

static void
test_byod_omits_hardware_ids(void **state)
{
	cJSON *doc;

	(void)state;
	device_facts();
	evaluate_device(false);
	doc = report(REPORT_MODE_WORK_PROFILE_PERSONAL, NULL);
	assert_string_equal(str(doc, "managementMode"), "PROFILE_OWNER");
	assert_string_equal(str(doc, "ownership"), "PERSONALLY_OWNED");
	assert_null(get(get(doc, "hardwareInfo"), "serialNumber"));
	assert_string_equal(str(get(doc, "hardwareInfo"), "model"),
	    "SimHandheld 2");
	assert_null(get(doc, "networkInfo"));
	cJSON_Delete(doc);

	/* A work profile on a company-owned device keeps them. */
	doc = report(REPORT_MODE_WORK_PROFILE_COMPANY, NULL);
	assert_string_equal(str(doc, "managementMode"), "PROFILE_OWNER");
	assert_string_equal(str(doc, "ownership"), "COMPANY_OWNED");
	assert_string_equal(str(get(doc, "hardwareInfo"), "serialNumber"),
	    "SIM0000001");
	assert_non_null(get(doc, "networkInfo"));
	cJSON_Delete(doc);
}

static void
test_compliant_and_empty(void **state)
{
	struct posture_input in;
	struct report_info info;
	const cJSON *o;
	cJSON *doc;

	(void)state;
	memset(&facts, 0, sizeof(facts));
	memset(&in, 0, sizeof(in));
	in.facts = &facts;
	in.now = NOW;
	assert_int_equal(posture_evaluate(&in, &result), 0);
	memset(&info, 0, sizeof(info));
	info.agent_version = "0.9.1";
	doc = report(0, &info);
	assert_true(cJSON_IsTrue(get(doc, "policyCompliant")));
	assert_string_equal(str(doc, "wardenVerdict"), "Compliant");
	assert_null(get(doc, "nonComplianceDetails"));
	assert_null(get(doc, "appliedPolicyVersion"));
	assert_null(get(doc, "hardwareInfo"));
	assert_null(get(doc, "memoryInfo"));
	assert_null(get(doc, "networkInfo"));
	o = get(doc, "securityPosture");
	assert_string_equal(str(o, "devicePosture"), "POSTURE_UNSPECIFIED");
	assert_null(get(o, "postureDetails"));
	o = get(doc, "deviceSettings");
	assert_int_equal(cJSON_GetArraySize(o), 2);
	assert_string_equal(str(o, "encryptionStatus"),
	    "ENCRYPTION_STATUS_UNSPECIFIED");
	o = get(doc, "softwareInfo");
	assert_int_equal(cJSON_GetArraySize(o), 1);
	assert_string_equal(str(o, "androidDevicePolicyVersionName"), "0.9.1");
	cJSON_Delete(doc);
}

static void
test_encryption_status(void **state)
{
	static const struct {
		const char *status;	/* NULL: no fact */
		int encrypted;		/* -1: no fact */
		const char *want;
	} cases[] = {
		{ "ENCRYPTED", 1, "ACTIVE" },
		{ "ENCRYPTED_PER_USER", 1, "ACTIVE_PER_USER" },
		{ "UNENCRYPTED", 0, "INACTIVE" },
		{ "ACTIVE_DEFAULT_KEY", 1, "ACTIVE_DEFAULT_KEY" },
		{ "something new", 1, "ACTIVE" },
		{ NULL, 1, "ACTIVE" },
		{ NULL, 0, "INACTIVE" },
		{ NULL, -1, "ENCRYPTION_STATUS_UNSPECIFIED" },
	};
	struct posture_input in;
	cJSON *doc;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&facts, 0, sizeof(facts));
		if (cases[i].status != NULL)
			hal_fact_str(&facts, HAL_FACT_STRING,
			    "disk.encryption_status", cases[i].status);
		if (cases[i].encrypted >= 0)
			hal_fact_bool(&facts, "disk.encrypted",
			    cases[i].encrypted == 1);
		memset(&in, 0, sizeof(in));
		in.facts = &facts;
		in.now = NOW;
		assert_int_equal(posture_evaluate(&in, &result), 0);
		doc = report(REPORT_MODE_FULLY_MANAGED, NULL);
		assert_string_equal(str(get(doc, "deviceSettings"),
		    "encryptionStatus"), cases[i].want);
		cJSON_Delete(doc);
	}
}

static void
test_text(void **state)
{
	char *text = NULL;

	(void)state;
	device_facts();
	hal_fact_bool(&facts, "integrity.rooted", true);
	evaluate_device(true);
	assert_int_equal(report_text(&result, &text), 0);
	assert_string_equal(text,
	    "NonCompliant (policy not compliant, evaluated "
	    "2026-11-22T00:00:00Z)\n"
	    "posture: POTENTIALLY_COMPROMISED\n"
	    "  COMPROMISED_OS: Root access is possible on the device: reflash "
	    "a verified system image.\n"
	    "  UNKNOWN_OS: The bootloader is unlocked (orange): lock the "
	    "bootloader.\n"
	    "NonCompliant   passwordPolicies.passwordMinimumLength: "
	    "passcode.length = 4\n"
	    "               reason: USER_ACTION "
	    "(PASSWORD_POLICIES_PASSWORD_NOT_SUFFICIENT)\n"
	    "               remediation: Change the passcode to one of at "
	    "least 6 characters.\n"
	    "NonCompliant   encryptionPolicy: disk.encrypted = false\n"
	    "               reason: INVALID_VALUE\n"
	    "               remediation: Encrypt the device storage: "
	    "re-provision the device with encryption enabled.\n"
	    "NonCompliant   minimumApiLevel: os.version = 12.1\n"
	    "               reason: API_LEVEL\n"
	    "               remediation: Update the operating system to "
	    "version 12.4 or later.\n"
	    "NonCompliant   kioskCustomization: statusBar\n"
	    "               reason: UNSUPPORTED\n"
	    "InGracePeriod  firewall-enabled: firewall.enabled = false\n"
	    "               reason: INVALID_VALUE, grace period until "
	    "2026-11-23T00:00:00Z\n"
	    "               remediation: Reboot to restore the firewall.\n"
	    "Unknown        kiosk: kiosk.active not reported\n");
	free(text);

	/* Compliant: one line each for the verdict and the posture. */
	memset(&facts, 0, sizeof(facts));
	hal_fact_bool(&facts, "firewall.enabled", true);
	hal_fact_bool(&facts, "time.synced", true);
	hal_fact_bool(&facts, "kiosk.active", true);
	hal_fact_bool(&facts, "integrity.rooted", false);
	{
		struct posture_input in;

		memset(&in, 0, sizeof(in));
		in.facts = &facts;
		in.rules = rules;
		in.now = NOW;
		assert_int_equal(posture_evaluate(&in, &result), 0);
	}
	assert_int_equal(report_text(&result, &text), 0);
	assert_string_equal(text, "Compliant (policy compliant, evaluated "
	    "2026-11-22T00:00:00Z)\nposture: SECURE\n");
	free(text);
}

static void
test_rule_label_with_id(void **state)
{
	static const char doc[] = "{\"rules\":[{\"id\":\"os-floor\","
	    "\"settingName\":\"osVersion\",\"fieldPath\":\"minimumApiLevel\","
	    "\"result\":\"DENIED\",\"conditions\":[{\"fact\":\"os.version\","
	    "\"operator\":\"LessThan\",\"type\":\"Version\",\"value\":\"13\"}]}"
	    "]}";
	struct rules_set *rs = NULL;
	struct posture_input in;
	char err[128], *text = NULL;

	(void)state;
	memset(&facts, 0, sizeof(facts));
	hal_fact_str(&facts, HAL_FACT_VERSION, "os.version", "12.1");
	assert_int_equal(rules_parse(doc, strlen(doc), &rs, err, sizeof(err)),
	    0);
	memset(&in, 0, sizeof(in));
	in.facts = &facts;
	in.rules = rs;
	in.now = NOW;
	assert_int_equal(posture_evaluate(&in, &result), 0);
	assert_int_equal(report_text(&result, &text), 0);
	assert_non_null(strstr(text, "\nDenied         minimumApiLevel "
	    "[os-floor]: os.version = 12.1\n"));
	free(text);
	rules_free(rs);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(report_state_name(REPORT_STATE_PROVISIONING),
	    "PROVISIONING");
	assert_string_equal(report_management_mode_name(
	    REPORT_MODE_DEDICATED), "DEVICE_OWNER");
	assert_string_equal(report_ownership_name(
	    REPORT_MODE_WORK_PROFILE_PERSONAL), "PERSONALLY_OWNED");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top_level),
		cmocka_unit_test(test_non_compliance_details),
		cmocka_unit_test(test_error_detail),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_byod_omits_hardware_ids),
		cmocka_unit_test(test_compliant_and_empty),
		cmocka_unit_test(test_encryption_status),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_rule_label_with_id),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
