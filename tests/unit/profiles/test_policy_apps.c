/* Tests profiles/policy_apps.c: applications[] and kioskCustomization. */
#include "tests/unit/profiles/policy_helpers.h"

static void
applications(void **state)
{
	struct policy *p;

	(void)state;
	p = parse_ok("{\"applications\":["
	    "{\"packageName\":\"com.acme.mail\",\"installType\":\"FORCE_INSTALLED\"},"
	    "{\"packageName\":\"scanner-app+2\",\"installType\":\"BLOCKED\","
	    "\"managedConfiguration\":{\"x\":1}},"
	    "{\"packageName\":\"org.example.kiosk\","
	    "\"roles\":[{\"roleType\":\"KIOSK\"},"
	    "{\"roleType\":\"COMPANION_APP\"}],"
	    "\"command\":\"/opt/kiosk/bin/run --full\"}]}");
	assert_int_equal(p->napps, 3);
	assert_string_equal(p->apps[0].package, "com.acme.mail");
	assert_int_equal(p->apps[0].install_type,
	    POLICY_INSTALL_FORCE_INSTALLED);
	assert_false(policy_app_is_kiosk(&p->apps[0]));
	assert_int_equal(p->apps[1].install_type, POLICY_INSTALL_BLOCKED);
	assert_true(has_unsupported(p, "applications[1].managedConfiguration"));
	assert_int_equal(p->apps[2].install_type, POLICY_INSTALL_UNSPECIFIED);
	assert_int_equal(p->apps[2].roles, (1u << POLICY_ROLE_KIOSK) |
	    (1u << POLICY_ROLE_COMPANION_APP));
	assert_true(policy_app_is_kiosk(&p->apps[2]));
	assert_string_equal(p->apps[2].command, "/opt/kiosk/bin/run --full");
	assert_int_equal(p->apps[2].index, 2);
	assert_int_equal(p->apps[2].src, 1);
	policy_free(p);
}

static void
install_types(void **state)
{
	static const struct {
		const char *name;
		enum policy_install t;
	} t[] = {
		{ "INSTALL_TYPE_UNSPECIFIED", POLICY_INSTALL_UNSPECIFIED },
		{ "PREINSTALLED", POLICY_INSTALL_PREINSTALLED },
		{ "FORCE_INSTALLED", POLICY_INSTALL_FORCE_INSTALLED },
		{ "BLOCKED", POLICY_INSTALL_BLOCKED },
		{ "AVAILABLE", POLICY_INSTALL_AVAILABLE },
		{ "REQUIRED_FOR_SETUP", POLICY_INSTALL_REQUIRED_FOR_SETUP },
		{ "KIOSK", POLICY_INSTALL_KIOSK },
		{ "CUSTOM", POLICY_INSTALL_CUSTOM },
	};
	char doc[160];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct policy *p;

		snprintf(doc, sizeof(doc), "{\"applications\":[{\"packageName\":"
		    "\"a\",\"installType\":\"%s\"}]}", t[i].name);
		p = parse_ok(doc);
		assert_int_equal(p->apps[0].install_type, t[i].t);
		policy_free(p);
	}
	reject("{\"applications\":[{\"packageName\":\"a\","
	    "\"installType\":\"FORCED\"}]}", "applications[0].installType",
	    "unknown value \"FORCED\"");
	reject("{\"applications\":[{\"packageName\":\"a\","
	    "\"roles\":[{\"roleType\":\"LAUNCHER\"}]}]}",
	    "applications[0].roles[0].roleType", "unknown value");
}

static void
bad_applications(void **state)
{
	char doc[1200];

	(void)state;
	reject("{\"applications\":[{\"installType\":\"KIOSK\"}]}",
	    "applications[0].packageName", "is required");
	reject("{\"applications\":[{\"packageName\":\"\"}]}",
	    "applications[0].packageName", "must not be empty");
	reject("{\"applications\":[{\"packageName\":\".hidden\"}]}",
	    "applications[0].packageName", "must start with a letter or digit");
	reject("{\"applications\":[{\"packageName\":\"a b\"}]}",
	    "applications[0].packageName", "must start with a letter");
	reject("{\"applications\":[{\"packageName\":\"a\"},{\"packageName\":"
	    "\"b\"},{\"packageName\":\"a\"}]}", "applications[2].packageName",
	    "\"a\" is already listed at applications[0]");
	reject("{\"applications\":[{\"packageName\":\"a\","
	    "\"installType\":\"KIOSK\"},{\"packageName\":\"b\",\"roles\":"
	    "[{\"roleType\":\"KIOSK\"}]}]}", "applications[1]",
	    "a second kiosk app: applications[0] is the kiosk app already");
	reject("{\"applications\":[{\"packageName\":\"a\",\"command\":\"\"}]}",
	    "applications[0].command", "must not be empty");
	reject("{\"applications\":[{\"packageName\":\"a\","
	    "\"command\":\"run\\nnow\"}]}", "applications[0].command",
	    "holds a control character");
	reject("{\"applications\":[{\"packageName\":\"a\",\"roles\":{}}]}",
	    "applications[0].roles", "must be an array, not an object");
	/* Limits: 128-byte package name, 512-byte command. */
	snprintf(doc, sizeof(doc), "{\"applications\":[{\"packageName\":"
	    "\"%0128d\",\"command\":\"%0512d\"}]}", 0, 0);
	policy_free(parse_ok(doc));
	snprintf(doc, sizeof(doc), "{\"applications\":[{\"packageName\":"
	    "\"%0129d\"}]}", 0);
	reject(doc, "applications[0].packageName",
	    "is 129 bytes long, allowed 1..128");
	snprintf(doc, sizeof(doc), "{\"applications\":[{\"packageName\":"
	    "\"a\",\"command\":\"%0513d\"}]}", 0);
	reject(doc, "applications[0].command",
	    "is 513 bytes long, allowed 1..512");
}

static void
too_many_applications(void **state)
{
	char doc[8192];
	size_t n = 0;
	int i;

	(void)state;
	n += (size_t)sprintf(doc, "{\"applications\":[");
	for (i = 0; i < 129; i++)
		n += (size_t)sprintf(doc + n, "%s{\"packageName\":\"p%d\"}",
		    i ? "," : "", i);
	sprintf(doc + n, "]}");
	reject(doc, "applications", "has 129 elements, at most 128 allowed");
}

static void
kiosk_customization(void **state)
{
	struct policy *p;

	(void)state;
	p = parse_ok("{\"kioskCustomization\":{"
	    "\"powerButtonActions\":\"POWER_BUTTON_BLOCKED\","
	    "\"systemErrorWarnings\":\"ERROR_AND_WARNINGS_MUTED\","
	    "\"systemNavigation\":\"HOME_BUTTON_ONLY\","
	    "\"statusBar\":\"NOTIFICATIONS_AND_SYSTEM_INFO_DISABLED\","
	    "\"deviceSettings\":\"SETTINGS_ACCESS_ALLOWED\"}}");
	assert_true(p->kiosk_custom_present);
	assert_int_equal(p->kiosk.power_button, POLICY_POWER_BUTTON_BLOCKED);
	assert_int_equal(p->kiosk.error_warnings,
	    POLICY_ERROR_WARNINGS_MUTED);
	assert_int_equal(p->kiosk.navigation,
	    POLICY_NAVIGATION_HOME_BUTTON_ONLY);
	assert_int_equal(p->kiosk.status_bar, POLICY_STATUS_BAR_DISABLED);
	assert_int_equal(p->kiosk.device_settings,
	    POLICY_DEVICE_SETTINGS_ALLOWED);
	assert_int_equal(p->src[POLICY_F_KIOSK_CUSTOM], 1);
	policy_free(p);
	p = parse_ok("{\"kioskCustomization\":{}}");
	assert_true(p->kiosk_custom_present);
	policy_free(p);
	reject("{\"kioskCustomization\":{\"statusBar\":\"HIDDEN\"}}",
	    "kioskCustomization.statusBar", "unknown value \"HIDDEN\"");
	reject("{\"kioskCustomization\":{\"systemNavigation\":true}}",
	    "kioskCustomization.systemNavigation",
	    "must be an enum string, not a boolean");
	reject("{\"kioskCustomization\":[]}", "kioskCustomization",
	    "must be an object, not an array");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(applications),
		cmocka_unit_test(install_types),
		cmocka_unit_test(bad_applications),
		cmocka_unit_test(too_many_applications),
		cmocka_unit_test(kiosk_customization),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
