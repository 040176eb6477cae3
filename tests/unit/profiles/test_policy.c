/*
 * Tests profiles/policy.c: the document, its top-level fields, the
 * examples, policy_parse_file() and the helpers on struct policy.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/profiles/policy_helpers.h"
#include "tests/unit/support.h"

static void
empty_document(void **state)
{
	struct policy *p = parse_ok("{}");
	int f;

	(void)state;
	assert_string_equal(p->name, "");
	assert_true(p->version == 0);
	assert_true(p->max_time_to_lock_ms == -1);
	assert_int_equal(p->nsources, 1);
	assert_string_equal(p->sources[0], "policy");
	for (f = 0; f < POLICY_F_COUNT; f++) {
		assert_false(policy_field_present(p, f));
		assert_int_equal(p->src[f], 0);
	}
	policy_free(p);
}

static void
document_errors(void **state)
{
	(void)state;
	reject("[]", "", "the document must be a JSON object");
	reject("\"policy\"", "", "must be a JSON object");
	reject("", "", "malformed JSON at byte 0");
	reject("{\"name\":", "", "malformed JSON");
	reject("{\"a\":1,}", "", "malformed JSON");
	reject("{} {}", "", "unexpected data after the document at byte 3");
	/* Whitespace around the document is fine. */
	policy_free(parse_ok(" \n\t{}\r\n "));
}

static void
name_and_version(void **state)
{
	struct policy *p;
	char name[200];

	(void)state;
	p = parse_ok("{\"name\":\"enterprises/e1/policies/p1\",\"version\":7}");
	assert_string_equal(p->name, "enterprises/e1/policies/p1");
	assert_string_equal(p->sources[0], "enterprises/e1/policies/p1");
	assert_true(p->version == 7);
	assert_int_equal(p->src[POLICY_F_VERSION], 1);
	policy_free(p);
	p = parse_ok("{\"version\":\"42\"}");
	assert_true(p->version == 42);
	policy_free(p);
	memset(name, 'n', sizeof(name));
	snprintf(name, sizeof(name), "{\"name\":\"%0127d\"}", 0);
	policy_free(parse_ok(name));
	snprintf(name, sizeof(name), "{\"name\":\"%0128d\"}", 0);
	reject(name, "name", "is 128 bytes long, allowed 0..127");
	reject("{\"name\":\"a\\u0007b\"}", "name", "holds a control character");
}

static void
max_time_to_lock(void **state)
{
	struct policy *p;

	(void)state;
	p = parse_ok("{\"maximumTimeToLock\":\"300000\"}");
	assert_true(p->max_time_to_lock_ms == 300000);
	assert_int_equal(p->src[POLICY_F_MAX_TIME_TO_LOCK], 1);
	policy_free(p);
	p = parse_ok("{\"maximumTimeToLock\":0}");
	assert_true(p->max_time_to_lock_ms == 0);
	assert_true(policy_field_present(p, POLICY_F_MAX_TIME_TO_LOCK));
	policy_free(p);
	p = parse_ok("{\"maximumTimeToLock\":31536000000}");
	assert_true(p->max_time_to_lock_ms == POLICY_LOCK_MS_MAX);
	policy_free(p);
	reject("{\"maximumTimeToLock\":31536000001}", "maximumTimeToLock",
	    "31536000001 is out of range (0..31536000000)");
	reject("{\"maximumTimeToLock\":-1}", "maximumTimeToLock",
	    "-1 is out of range");
	reject("{\"maximumTimeToLock\":\"5m\"}", "maximumTimeToLock",
	    "must be a decimal integer");
}

static void
camera(void **state)
{
	struct policy *p;

	(void)state;
	p = parse_ok("{\"cameraAccess\":\"CAMERA_ACCESS_DISABLED\"}");
	assert_int_equal(p->camera, POLICY_CAMERA_DISABLED);
	assert_false(p->camera_from_deprecated);
	policy_free(p);
	p = parse_ok("{\"cameraAccess\":\"CAMERA_ACCESS_ENFORCED\"}");
	assert_int_equal(p->camera, POLICY_CAMERA_ENFORCED);
	policy_free(p);
	p = parse_ok("{\"cameraAccess\":\"CAMERA_ACCESS_USER_CHOICE\"}");
	assert_int_equal(p->camera, POLICY_CAMERA_USER_CHOICE);
	policy_free(p);
	p = parse_ok("{\"cameraAccess\":\"CAMERA_ACCESS_UNSPECIFIED\"}");
	assert_int_equal(p->camera, POLICY_CAMERA_UNSPECIFIED);
	assert_false(policy_field_present(p, POLICY_F_CAMERA));
	policy_free(p);
	reject("{\"cameraAccess\":\"CAMERA_OFF\"}", "cameraAccess",
	    "unknown value \"CAMERA_OFF\"");
	reject("{\"cameraAccess\":\"camera_access_disabled\"}", "cameraAccess",
	    "unknown value");
	reject("{\"cameraAccess\":2}", "cameraAccess",
	    "must be an enum string, not a number");
}

static void
camera_deprecated(void **state)
{
	struct policy *p;

	(void)state;
	p = parse_ok("{\"cameraDisabled\":true}");
	assert_int_equal(p->camera, POLICY_CAMERA_DISABLED);
	assert_true(p->camera_from_deprecated);
	policy_free(p);
	p = parse_ok("{\"cameraDisabled\":false}");
	assert_int_equal(p->camera, POLICY_CAMERA_USER_CHOICE);
	policy_free(p);
	/* cameraAccess wins, whichever comes first. */
	p = parse_ok("{\"cameraDisabled\":true,"
	    "\"cameraAccess\":\"CAMERA_ACCESS_USER_CHOICE\"}");
	assert_int_equal(p->camera, POLICY_CAMERA_USER_CHOICE);
	assert_false(p->camera_from_deprecated);
	policy_free(p);
	p = parse_ok("{\"cameraAccess\":\"CAMERA_ACCESS_USER_CHOICE\","
	    "\"cameraDisabled\":true}");
	assert_int_equal(p->camera, POLICY_CAMERA_USER_CHOICE);
	policy_free(p);
	/* ... unless it is UNSPECIFIED. */
	p = parse_ok("{\"cameraAccess\":\"CAMERA_ACCESS_UNSPECIFIED\","
	    "\"cameraDisabled\":true}");
	assert_int_equal(p->camera, POLICY_CAMERA_DISABLED);
	policy_free(p);
	reject("{\"cameraDisabled\":\"yes\"}", "cameraDisabled",
	    "must be a boolean, not a string");
}

static void
keyguard(void **state)
{
	struct policy *p;

	(void)state;
	p = parse_ok("{\"keyguardDisabledFeatures\":[\"CAMERA\",\"FACE\","
	    "\"KEYGUARD_DISABLED_FEATURE_UNSPECIFIED\",\"CAMERA\"]}");
	assert_int_equal(p->keyguard_disabled, POLICY_KG_CAMERA | POLICY_KG_FACE);
	assert_true(p->keyguard_present);
	policy_free(p);
	p = parse_ok("{\"keyguardDisabledFeatures\":[]}");
	assert_int_equal(p->keyguard_disabled, 0);
	assert_true(policy_field_present(p, POLICY_F_KEYGUARD));
	policy_free(p);
	p = parse_ok("{\"keyguardDisabledFeatures\":[\"NOTIFICATIONS\","
	    "\"UNREDACTED_NOTIFICATIONS\",\"TRUST_AGENTS\","
	    "\"DISABLE_FINGERPRINT\",\"DISABLE_REMOTE_INPUT\",\"IRIS\","
	    "\"BIOMETRICS\",\"SHORTCUTS\",\"ALL_FEATURES\"]}");
	assert_int_equal(p->keyguard_disabled, POLICY_KG_NOTIFICATIONS |
	    POLICY_KG_UNREDACTED_NOTIFICATIONS | POLICY_KG_TRUST_AGENTS |
	    POLICY_KG_DISABLE_FINGERPRINT | POLICY_KG_DISABLE_REMOTE_INPUT |
	    POLICY_KG_IRIS | POLICY_KG_BIOMETRICS | POLICY_KG_SHORTCUTS |
	    POLICY_KG_ALL_FEATURES);
	policy_free(p);
	reject("{\"keyguardDisabledFeatures\":[\"CAMERA\",\"FINGERPRINT\"]}",
	    "keyguardDisabledFeatures[1]", "unknown value \"FINGERPRINT\"");
	reject("{\"keyguardDisabledFeatures\":\"CAMERA\"}",
	    "keyguardDisabledFeatures", "must be an array, not a string");
	reject("{\"keyguardDisabledFeatures\":[\"FACE\",\"FACE\",\"FACE\","
	    "\"FACE\",\"FACE\",\"FACE\",\"FACE\",\"FACE\",\"FACE\",\"FACE\","
	    "\"FACE\",\"FACE\",\"FACE\",\"FACE\",\"FACE\",\"FACE\",\"FACE\"]}",
	    "keyguardDisabledFeatures", "has 17 elements, at most 16 allowed");
}

static void
flags(void **state)
{
	struct policy *p;

	(void)state;
	p = parse_ok("{\"screenCaptureDisabled\":true,"
	    "\"factoryResetDisabled\":false}");
	assert_int_equal(p->screen_capture_disabled, POLICY_TRUE);
	assert_int_equal(p->factory_reset_disabled, POLICY_FALSE);
	assert_true(policy_field_present(p, POLICY_F_FACTORY_RESET));
	policy_free(p);
	reject("{\"factoryResetDisabled\":1}", "factoryResetDisabled",
	    "must be a boolean, not a number");
}

static void
usb_and_encryption(void **state)
{
	static const struct {
		const char *json;
		int usb, enc;
	} ok[] = {
		{ "{\"usbDataAccess\":\"ALLOW_USB_DATA_TRANSFER\"}",
		    POLICY_USB_ALLOW, 0 },
		{ "{\"usbDataAccess\":\"DISALLOW_USB_FILE_TRANSFER\"}",
		    POLICY_USB_DISALLOW_FILE_TRANSFER, 0 },
		{ "{\"usbDataAccess\":\"DISALLOW_USB_DATA_TRANSFER\"}",
		    POLICY_USB_DISALLOW_DATA_TRANSFER, 0 },
		{ "{\"usbDataAccess\":\"USB_DATA_ACCESS_UNSPECIFIED\"}",
		    POLICY_USB_UNSPECIFIED, 0 },
		{ "{\"encryptionPolicy\":\"ENABLED_WITHOUT_PASSWORD\"}",
		    0, POLICY_ENCRYPTION_WITHOUT_PASSWORD },
		{ "{\"encryptionPolicy\":\"ENABLED_WITH_PASSWORD\"}",
		    0, POLICY_ENCRYPTION_WITH_PASSWORD },
		{ "{\"encryptionPolicy\":\"ENCRYPTION_POLICY_UNSPECIFIED\"}",
		    0, POLICY_ENCRYPTION_UNSPECIFIED },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct policy *p = parse_ok(ok[i].json);

		assert_int_equal(p->usb, ok[i].usb);
		assert_int_equal(p->encryption, ok[i].enc);
		policy_free(p);
	}
	reject("{\"usbDataAccess\":\"DISALLOW_USB\"}", "usbDataAccess",
	    "unknown value \"DISALLOW_USB\"");
	reject("{\"encryptionPolicy\":\"ENABLED\"}", "encryptionPolicy",
	    "unknown value \"ENABLED\"");
}

static void
minimum_api_level(void **state)
{
	struct policy *p;

	(void)state;
	p = parse_ok("{\"minimumApiLevel\":12}");
	assert_string_equal(p->min_os_version, "12");
	policy_free(p);
	p = parse_ok("{\"minimumApiLevel\":\"6.1.0.13\"}");
	assert_string_equal(p->min_os_version, "6.1.0.13");
	policy_free(p);
	p = parse_ok("{\"minimumApiLevel\":\"123456789.1\"}");
	assert_string_equal(p->min_os_version, "123456789.1");
	policy_free(p);
	reject("{\"minimumApiLevel\":0}", "minimumApiLevel",
	    "0 is out of range (1..999999999)");
	reject("{\"minimumApiLevel\":12.5}", "minimumApiLevel",
	    "must be an integer");
	reject("{\"minimumApiLevel\":\"12.\"}", "minimumApiLevel",
	    "must be a dotted version");
	reject("{\"minimumApiLevel\":\"v12\"}", "minimumApiLevel",
	    "must be a dotted version");
	reject("{\"minimumApiLevel\":\"1.2.3.4.5\"}", "minimumApiLevel",
	    "must be a dotted version");
	reject("{\"minimumApiLevel\":\"1234567890\"}", "minimumApiLevel",
	    "must be a dotted version");
	reject("{\"minimumApiLevel\":\"\"}", "minimumApiLevel",
	    "must be a dotted version");
	reject("{\"minimumApiLevel\":true}", "minimumApiLevel",
	    "must be an integer or a version string, not a boolean");
}

static void
unknown_fields_collected(void **state)
{
	struct policy *p;

	(void)state;
	p = parse_ok("{\"vpnConfigDisabled\":true,"
	    "\"kioskCustomization\":{\"statusBar\":\"SYSTEM_INFO_ONLY\","
	    "\"futureOption\":1},"
	    "\"passwordPolicies\":[{\"requirePasswordUnlock\":\"x\"}],"
	    "\"we ird\":[]}");
	assert_int_equal(p->nunsupported, 4);
	assert_true(has_unsupported(p, "vpnConfigDisabled"));
	assert_true(has_unsupported(p, "kioskCustomization.futureOption"));
	assert_true(has_unsupported(p,
	    "passwordPolicies[0].requirePasswordUnlock"));
	assert_true(has_unsupported(p, "we?ird"));
	assert_int_equal(p->unsupported[0].src, 1);
	assert_int_equal(p->kiosk.status_bar,
	    POLICY_STATUS_BAR_SYSTEM_INFO_ONLY);
	policy_free(p);
}

static char *
example_path(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/examples/policies/%s",
	    test_srctree(), name);
	return path;
}

static struct policy *
load_example(const char *name)
{
	struct policy_errors errs;
	struct policy *p = policy_parse_file(example_path(name), &errs);

	if (p == NULL)
		print_errors(&errs);
	assert_non_null(p);
	assert_int_equal(p->nunsupported, 0);
	return p;
}

static void
examples_validate(void **state)
{
	struct policy *p;

	(void)state;
	p = load_example("fully_managed.json");
	assert_true(p->version == 42);
	assert_int_equal(p->pw[POLICY_SCOPE_DEVICE].quality,
	    HAL_PW_NUMERIC_COMPLEX);
	assert_true(p->pw[POLICY_SCOPE_DEVICE].min_length >= 6);
	assert_int_equal(p->camera, POLICY_CAMERA_DISABLED);
	assert_int_equal(p->encryption, POLICY_ENCRYPTION_WITH_PASSWORD);
	assert_string_equal(p->min_os_version, "12.4");
	assert_true(p->nrules >= 1);
	assert_int_equal(p->nnets, 1);
	policy_free(p);
	p = load_example("kiosk.json");
	assert_int_equal(p->napps, 1);
	assert_true(policy_app_is_kiosk(&p->apps[0]));
	assert_string_equal(p->apps[0].command,
	    "/usr/bin/parcel-kiosk --fullscreen --locale=en_GB");
	assert_true(p->kiosk_custom_present);
	policy_free(p);
	p = load_example("cope.json");
	assert_true(p->pw[POLICY_SCOPE_DEVICE].present);
	assert_true(p->pw[POLICY_SCOPE_PROFILE].present);
	policy_free(p);
	p = load_example("byod.json");
	assert_true(p->pw[POLICY_SCOPE_PROFILE].present);
	assert_false(p->pw[POLICY_SCOPE_DEVICE].present);
	policy_free(p);
}

static void
parse_file_errors(void **state)
{
	struct policy_errors errs;
	const char *dir = test_tmpdir();
	char path[256];
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/missing.json", dir);
	assert_null(policy_parse_file(path, &errs));
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.e[0].field_path, "");
	assert_string_equal(errs.e[0].reason,
	    "cannot read the policy file: No such file or directory");

	assert_null(policy_parse_file(dir, &errs));
	assert_string_equal(errs.e[0].reason,
	    "the policy file is not a regular file");

	/* A sparse 10 MB file is refused by its size, unread. */
	snprintf(path, sizeof(path), "%s/big.json", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 10 * 1024 * 1024), 0);
	close(fd);
	assert_null(policy_parse_file(path, &errs));
	assert_string_equal(errs.e[0].reason,
	    "document is 10485760 bytes, more than the 262144 allowed");

	snprintf(path, sizeof(path), "%s/bad.json", dir);
	assert_int_equal(test_write_file(path,
	    "{\"passwordPolicies\":[{\"passwordMinimumLength\":65}]}"), 0);
	assert_null(policy_parse_file(path, &errs));
	assert_string_equal(errs.e[0].field_path,
	    "passwordPolicies[0].passwordMinimumLength");
	test_rmtree(dir);
}

static void
error_format(void **state)
{
	struct policy_error e;
	char buf[512];

	(void)state;
	snprintf(e.field_path, sizeof(e.field_path), "applications[2].command");
	snprintf(e.reason, sizeof(e.reason), "must not be empty");
	policy_error_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "applications[2].command: must not be empty");
	e.field_path[0] = '\0';
	policy_error_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "(document): must not be empty");
}

static void
source_names(void **state)
{
	struct policy *p = policy_new();
	char buf[16];

	(void)state;
	snprintf(p->sources[0], sizeof(p->sources[0]), "base");
	snprintf(p->sources[1], sizeof(p->sources[1]), "admin");
	snprintf(p->sources[2], sizeof(p->sources[2]), "extra");
	p->nsources = 3;
	policy_source_names(p, 0x5, buf, sizeof(buf));
	assert_string_equal(buf, "base,extra");
	policy_source_names(p, 0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	policy_source_names(p, 0x7, buf, 8);
	assert_string_equal(buf, "base,ad");
	policy_free(p);
	policy_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_document),
		cmocka_unit_test(document_errors),
		cmocka_unit_test(name_and_version),
		cmocka_unit_test(max_time_to_lock),
		cmocka_unit_test(camera),
		cmocka_unit_test(camera_deprecated),
		cmocka_unit_test(keyguard),
		cmocka_unit_test(flags),
		cmocka_unit_test(usb_and_encryption),
		cmocka_unit_test(minimum_api_level),
		cmocka_unit_test(unknown_fields_collected),
		cmocka_unit_test(examples_validate),
		cmocka_unit_test(parse_file_errors),
		cmocka_unit_test(error_format),
		cmocka_unit_test(source_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
