/* Tests profiles/merge.c: most restrictive wins, and who won. */
#include "tests/unit/profiles/policy_helpers.h"

/* Merges two documents named "a" and "b". */
static struct policy *
merge2(const char *a, const char *b)
{
	struct policy *pa = parse_ok(a), *pb = parse_ok(b), *m;
	const struct policy *in[2] = { pa, pb };

	snprintf(pa->sources[0], sizeof(pa->sources[0]), "a");
	snprintf(pb->sources[0], sizeof(pb->sources[0]), "b");
	m = policy_merge(in, 2);
	assert_non_null(m);
	policy_free(pa);
	policy_free(pb);
	return m;
}

#define A 1u
#define B 2u

static void
passwords(void **state)
{
	struct policy *m;
	const struct policy_password *pw;

	(void)state;
	m = merge2("{\"passwordPolicies\":[{\"passwordScope\":\"SCOPE_DEVICE\","
	    "\"passwordQuality\":\"NUMERIC\",\"passwordMinimumLength\":4,"
	    "\"maximumFailedPasswordsForWipe\":10,"
	    "\"passwordExpirationTimeout\":\"7776000s\","
	    "\"passwordHistoryLength\":3}]}",
	    "{\"passwordPolicies\":[{\"passwordScope\":\"SCOPE_PROFILE\"},"
	    "{\"passwordScope\":\"SCOPE_DEVICE\","
	    "\"passwordQuality\":\"NUMERIC_COMPLEX\",\"passwordMinimumLength\":6,"
	    "\"maximumFailedPasswordsForWipe\":5,\"passwordHistoryLength\":1}]}");
	assert_int_equal(m->nsources, 2);
	assert_string_equal(m->sources[0], "a");
	assert_string_equal(m->sources[1], "b");
	pw = &m->pw[POLICY_SCOPE_DEVICE];
	assert_true(pw->present);
	assert_int_equal(pw->quality, HAL_PW_NUMERIC_COMPLEX);
	assert_int_equal(pw->min_length, 6);
	assert_int_equal(pw->max_failed_for_wipe, 5);
	/* 0 means "never expires": a's 90 days are more restrictive. */
	assert_true(pw->expiration_seconds == 7776000);
	assert_int_equal(pw->history_length, 3);
	assert_int_equal(pw->src, A | B);
	/* The fieldPath follows b, whose quality won. */
	assert_int_equal(pw->index, 1);
	assert_true(m->pw[POLICY_SCOPE_PROFILE].present);
	assert_int_equal(m->pw[POLICY_SCOPE_PROFILE].src, B);
	assert_int_equal(m->src[POLICY_F_PASSWORD_POLICIES], A | B);
	policy_free(m);
}

static void
password_quality_ties(void **state)
{
	struct policy *m;

	(void)state;
	/* Same rank (NUMERIC_COMPLEX ~ COMPLEXITY_MEDIUM): first stays. */
	m = merge2("{\"passwordPolicies\":[{\"passwordQuality\":"
	    "\"COMPLEXITY_MEDIUM\"}]}", "{\"passwordPolicies\":[{"
	    "\"passwordQuality\":\"NUMERIC_COMPLEX\"}]}");
	assert_int_equal(m->pw[0].quality, HAL_PW_COMPLEXITY_MEDIUM);
	assert_int_equal(m->pw[0].src, A);
	policy_free(m);
	m = merge2("{\"passwordPolicies\":[{\"passwordQuality\":"
	    "\"COMPLEXITY_HIGH\"}]}", "{\"passwordPolicies\":[{"
	    "\"passwordQuality\":\"COMPLEX\"}]}");
	assert_int_equal(m->pw[0].quality, HAL_PW_COMPLEX);
	assert_int_equal(m->pw[0].src, A | B);
	policy_free(m);
}

static void
lock_timeout(void **state)
{
	struct policy *m;

	(void)state;
	m = merge2("{\"maximumTimeToLock\":600000}",
	    "{\"maximumTimeToLock\":\"300000\"}");
	assert_true(m->max_time_to_lock_ms == 300000);
	assert_int_equal(m->src[POLICY_F_MAX_TIME_TO_LOCK], B);
	policy_free(m);
	/* 0 = no limit: any limit beats it. */
	m = merge2("{\"maximumTimeToLock\":0}", "{\"maximumTimeToLock\":60000}");
	assert_true(m->max_time_to_lock_ms == 60000);
	assert_int_equal(m->src[POLICY_F_MAX_TIME_TO_LOCK], B);
	policy_free(m);
	m = merge2("{\"maximumTimeToLock\":60000}", "{\"maximumTimeToLock\":0}");
	assert_true(m->max_time_to_lock_ms == 60000);
	assert_int_equal(m->src[POLICY_F_MAX_TIME_TO_LOCK], A);
	policy_free(m);
	m = merge2("{\"maximumTimeToLock\":0}", "{}");
	assert_true(m->max_time_to_lock_ms == 0);
	assert_int_equal(m->src[POLICY_F_MAX_TIME_TO_LOCK], A);
	policy_free(m);
	m = merge2("{}", "{}");
	assert_true(m->max_time_to_lock_ms == -1);
	assert_int_equal(m->src[POLICY_F_MAX_TIME_TO_LOCK], 0);
	policy_free(m);
}

static void
camera_and_flags(void **state)
{
	struct policy *m;

	(void)state;
	m = merge2("{\"cameraAccess\":\"CAMERA_ACCESS_USER_CHOICE\","
	    "\"screenCaptureDisabled\":true,\"factoryResetDisabled\":false}",
	    "{\"cameraDisabled\":true,\"screenCaptureDisabled\":false,"
	    "\"factoryResetDisabled\":true}");
	assert_int_equal(m->camera, POLICY_CAMERA_DISABLED);
	assert_true(m->camera_from_deprecated);
	assert_int_equal(m->src[POLICY_F_CAMERA], B);
	assert_int_equal(m->screen_capture_disabled, POLICY_TRUE);
	assert_int_equal(m->src[POLICY_F_SCREEN_CAPTURE], A);
	assert_int_equal(m->factory_reset_disabled, POLICY_TRUE);
	assert_int_equal(m->src[POLICY_F_FACTORY_RESET], B);
	policy_free(m);
	m = merge2("{\"cameraAccess\":\"CAMERA_ACCESS_DISABLED\"}",
	    "{\"cameraAccess\":\"CAMERA_ACCESS_ENFORCED\"}");
	assert_int_equal(m->camera, POLICY_CAMERA_DISABLED);
	assert_int_equal(m->src[POLICY_F_CAMERA], A);
	policy_free(m);
	m = merge2("{\"cameraAccess\":\"CAMERA_ACCESS_USER_CHOICE\"}",
	    "{\"cameraAccess\":\"CAMERA_ACCESS_ENFORCED\"}");
	assert_int_equal(m->camera, POLICY_CAMERA_ENFORCED);
	policy_free(m);
}

static void
keyguard_union(void **state)
{
	struct policy *m;

	(void)state;
	m = merge2("{\"keyguardDisabledFeatures\":[\"CAMERA\",\"FACE\"]}",
	    "{\"keyguardDisabledFeatures\":[\"FACE\",\"TRUST_AGENTS\"]}");
	assert_int_equal(m->keyguard_disabled, POLICY_KG_CAMERA |
	    POLICY_KG_FACE | POLICY_KG_TRUST_AGENTS);
	assert_int_equal(m->src[POLICY_F_KEYGUARD], A | B);
	policy_free(m);
	/* b adds nothing: a alone decided. */
	m = merge2("{\"keyguardDisabledFeatures\":[\"CAMERA\",\"FACE\"]}",
	    "{\"keyguardDisabledFeatures\":[\"FACE\"]}");
	assert_int_equal(m->src[POLICY_F_KEYGUARD], A);
	policy_free(m);
	m = merge2("{}", "{\"keyguardDisabledFeatures\":[]}");
	assert_true(m->keyguard_present);
	assert_int_equal(m->src[POLICY_F_KEYGUARD], B);
	policy_free(m);
}

static void
enums_and_versions(void **state)
{
	struct policy *m;

	(void)state;
	m = merge2("{\"usbDataAccess\":\"DISALLOW_USB_FILE_TRANSFER\","
	    "\"encryptionPolicy\":\"ENABLED_WITH_PASSWORD\","
	    "\"minimumApiLevel\":\"12.4\",\"version\":9}",
	    "{\"usbDataAccess\":\"DISALLOW_USB_DATA_TRANSFER\","
	    "\"encryptionPolicy\":\"ENABLED_WITHOUT_PASSWORD\","
	    "\"minimumApiLevel\":\"12.10\",\"version\":3}");
	assert_int_equal(m->usb, POLICY_USB_DISALLOW_DATA_TRANSFER);
	assert_int_equal(m->src[POLICY_F_USB], B);
	assert_int_equal(m->encryption, POLICY_ENCRYPTION_WITH_PASSWORD);
	assert_int_equal(m->src[POLICY_F_ENCRYPTION], A);
	assert_string_equal(m->min_os_version, "12.10");
	assert_int_equal(m->src[POLICY_F_MIN_API], B);
	assert_true(m->version == 9);
	assert_int_equal(m->src[POLICY_F_VERSION], A);
	policy_free(m);
	/* Equal versions: the first keeps it. */
	m = merge2("{\"minimumApiLevel\":12}", "{\"minimumApiLevel\":\"12.0\"}");
	assert_string_equal(m->min_os_version, "12");
	assert_int_equal(m->src[POLICY_F_MIN_API], A);
	policy_free(m);
}

static void
applications(void **state)
{
	struct policy *m;

	(void)state;
	m = merge2("{\"applications\":[{\"packageName\":\"mail\","
	    "\"installType\":\"FORCE_INSTALLED\"},{\"packageName\":\"kiosk1\","
	    "\"installType\":\"KIOSK\",\"command\":\"/bin/k1\"}]}",
	    "{\"applications\":[{\"packageName\":\"game\",\"installType\":"
	    "\"BLOCKED\"},{\"packageName\":\"mail\",\"installType\":"
	    "\"BLOCKED\"},{\"packageName\":\"kiosk1\",\"installType\":"
	    "\"AVAILABLE\"}]}");
	assert_int_equal(m->napps, 3);
	assert_string_equal(m->apps[0].package, "mail");
	assert_int_equal(m->apps[0].install_type, POLICY_INSTALL_BLOCKED);
	assert_int_equal(m->apps[0].src, B);
	assert_int_equal(m->apps[0].index, 1);
	assert_string_equal(m->apps[1].package, "kiosk1");
	assert_int_equal(m->apps[1].install_type, POLICY_INSTALL_KIOSK);
	assert_string_equal(m->apps[1].command, "/bin/k1");
	assert_int_equal(m->apps[1].src, A);
	assert_string_equal(m->apps[2].package, "game");
	assert_int_equal(m->apps[2].src, B);
	assert_int_equal(m->src[POLICY_F_APPLICATIONS], A | B);
	policy_free(m);
}

static void
kiosk_customization(void **state)
{
	struct policy *m;

	(void)state;
	m = merge2("{\"kioskCustomization\":{\"statusBar\":\"SYSTEM_INFO_ONLY\","
	    "\"systemNavigation\":\"NAVIGATION_DISABLED\"}}",
	    "{\"kioskCustomization\":{\"statusBar\":"
	    "\"NOTIFICATIONS_AND_SYSTEM_INFO_DISABLED\",\"systemNavigation\":"
	    "\"HOME_BUTTON_ONLY\",\"powerButtonActions\":"
	    "\"POWER_BUTTON_AVAILABLE\"}}");
	assert_int_equal(m->kiosk.status_bar, POLICY_STATUS_BAR_DISABLED);
	assert_int_equal(m->kiosk.navigation, POLICY_NAVIGATION_DISABLED);
	assert_int_equal(m->kiosk.power_button, POLICY_POWER_BUTTON_AVAILABLE);
	assert_int_equal(m->src[POLICY_F_KIOSK_CUSTOM], A | B);
	policy_free(m);
}

static void
networks_first_guid_wins(void **state)
{
	struct policy *m;

	(void)state;
	m = merge2("{\"openNetworkConfiguration\":{\"NetworkConfigurations\":["
	    "{\"GUID\":\"g1\",\"Type\":\"WiFi\",\"WiFi\":{\"SSID\":\"one\","
	    "\"Security\":\"WPA-PSK\",\"Passphrase\":\"aaaaaaaa\"}}]}}",
	    "{\"openNetworkConfiguration\":{\"NetworkConfigurations\":["
	    "{\"GUID\":\"g2\",\"Type\":\"WiFi\",\"WiFi\":{\"SSID\":\"two\","
	    "\"Security\":\"None\"}},{\"GUID\":\"g1\",\"Type\":\"WiFi\","
	    "\"WiFi\":{\"SSID\":\"other\",\"Security\":\"None\"}}]}}");
	assert_int_equal(m->nnets, 2);
	assert_string_equal(m->nets[0].ssid, "one");
	assert_string_equal(m->nets[0].passphrase, "aaaaaaaa");
	assert_int_equal(m->nets[0].src, A);
	assert_string_equal(m->nets[1].guid, "g2");
	assert_int_equal(m->nets[1].src, B);
	policy_free(m);
}

static void
enforcement_rules(void **state)
{
	struct policy *m;

	(void)state;
	m = merge2("{\"policyEnforcementRules\":[{\"settingName\":\"p\","
	    "\"blockAction\":{\"blockAfterDays\":3},\"wipeAction\":"
	    "{\"wipeAfterDays\":30}},{\"settingName\":\"q\",\"blockAction\":"
	    "{\"blockAfterDays\":1}}]}",
	    "{\"policyEnforcementRules\":[{\"settingName\":\"p\","
	    "\"blockAction\":{\"blockAfterDays\":3,\"blockScope\":"
	    "\"BLOCK_SCOPE_DEVICE\"},\"wipeAction\":{\"wipeAfterDays\":10,"
	    "\"preserveFrp\":true}}]}");
	assert_int_equal(m->nrules, 2);
	assert_int_equal(m->rules[0].block_after_days, 3);
	assert_int_equal(m->rules[0].block_scope, POLICY_BLOCK_SCOPE_DEVICE);
	assert_int_equal(m->rules[0].wipe_after_days, 10);
	assert_true(m->rules[0].preserve_frp);
	assert_int_equal(m->rules[0].src, A | B);
	assert_int_equal(m->rules[1].src, A);
	policy_free(m);
}

static void
reporting(void **state)
{
	struct policy *m;

	(void)state;
	m = merge2("{\"statusReportingSettings\":{\"softwareInfoEnabled\":false,"
	    "\"scanIntervalSeconds\":600}}",
	    "{\"statusReportingSettings\":{\"softwareInfoEnabled\":true,"
	    "\"memoryInfoEnabled\":true,\"scanIntervalSeconds\":3600}}");
	assert_int_equal(m->reporting.software_info, POLICY_TRUE);
	assert_int_equal(m->reporting.memory_info, POLICY_TRUE);
	assert_int_equal(m->reporting.scan_interval_seconds, 600);
	assert_int_equal(m->src[POLICY_F_REPORTING], A | B);
	policy_free(m);
}

static void
unsupported_union(void **state)
{
	struct policy *m;

	(void)state;
	m = merge2("{\"x\":1,\"y\":2}", "{\"y\":3,\"z\":4}");
	assert_int_equal(m->nunsupported, 3);
	assert_string_equal(m->unsupported[0].field_path, "x");
	assert_int_equal(m->unsupported[0].src, A);
	assert_string_equal(m->unsupported[1].field_path, "y");
	assert_int_equal(m->unsupported[1].src, A | B);
	assert_string_equal(m->unsupported[2].field_path, "z");
	assert_int_equal(m->unsupported[2].src, B);
	policy_free(m);
}

static void
nested_merge_and_limits(void **state)
{
	struct policy *a = parse_ok("{\"name\":\"a\",\"maximumTimeToLock\":9}");
	struct policy *b = parse_ok("{\"name\":\"b\"}");
	struct policy *c = parse_ok("{\"name\":\"c\",\"maximumTimeToLock\":5}");
	const struct policy *in[POLICY_SOURCES_MAX + 1];
	struct policy *ab, *abc;
	size_t i;

	(void)state;
	in[0] = a;
	in[1] = b;
	ab = policy_merge(in, 2);
	in[0] = ab;
	in[1] = c;
	abc = policy_merge(in, 2);
	assert_non_null(abc);
	assert_int_equal(abc->nsources, 3);
	assert_string_equal(abc->sources[2], "c");
	assert_true(abc->max_time_to_lock_ms == 5);
	assert_int_equal(abc->src[POLICY_F_MAX_TIME_TO_LOCK], 1u << 2);
	assert_string_equal(abc->name, "");
	policy_free(abc);

	assert_null(policy_merge(in, 0));
	for (i = 0; i <= POLICY_SOURCES_MAX; i++)
		in[i] = a;
	assert_null(policy_merge(in, POLICY_SOURCES_MAX + 1));
	abc = policy_merge(in, POLICY_SOURCES_MAX);
	assert_non_null(abc);
	assert_int_equal(abc->nsources, POLICY_SOURCES_MAX);
	policy_free(abc);
	/* The two sources of ab and 15 more: 17. */
	in[0] = ab;
	assert_null(policy_merge(in, POLICY_SOURCES_MAX));
	abc = policy_merge(in, POLICY_SOURCES_MAX - 1);
	assert_non_null(abc);
	assert_int_equal(abc->nsources, POLICY_SOURCES_MAX);
	policy_free(abc);
	policy_free(ab);
	policy_free(a);
	policy_free(b);
	policy_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(passwords),
		cmocka_unit_test(password_quality_ties),
		cmocka_unit_test(lock_timeout),
		cmocka_unit_test(camera_and_flags),
		cmocka_unit_test(keyguard_union),
		cmocka_unit_test(enums_and_versions),
		cmocka_unit_test(applications),
		cmocka_unit_test(kiosk_customization),
		cmocka_unit_test(networks_first_guid_wins),
		cmocka_unit_test(enforcement_rules),
		cmocka_unit_test(reporting),
		cmocka_unit_test(unsupported_union),
		cmocka_unit_test(nested_merge_and_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
