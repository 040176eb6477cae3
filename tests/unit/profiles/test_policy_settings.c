/*
 * Tests profiles/policy_settings.c: flattening a merged policy into
 * settings, MANAGEMENT_MODE/UNSUPPORTED details and requirements.
 */
#include "profiles/policy_settings.h"
#include "tests/unit/profiles/policy_helpers.h"

struct flat {
	struct policy_settings s;
	struct policy_details d;
};

/* Parses json (named "admin"), and flattens it alone in mode m. */
static void
flatten(const char *json, enum policy_mode m, struct flat *f)
{
	struct policy *p = parse_ok(json);

	snprintf(p->sources[0], sizeof(p->sources[0]), "admin");
	memset(f, 0, sizeof(*f));
	assert_int_equal(policy_settings_build(p, m, &f->s, &f->d), 0);
	policy_free(p);
}

static void
flat_free(struct flat *f)
{
	policy_settings_free(&f->s);
	policy_details_free(&f->d);
	assert_null(f->s.s);
	assert_int_equal(f->s.n, 0);
}

static const struct policy_setting *
want(const struct flat *f, const char *key)
{
	const struct policy_setting *s = policy_settings_find(&f->s, key);

	if (s == NULL)
		print_message("  no setting %s\n", key);
	assert_non_null(s);
	return s;
}

static const struct policy_detail *
detail(const struct flat *f, const char *path)
{
	size_t i;

	for (i = 0; i < f->d.n; i++)
		if (strcmp(f->d.d[i].field_path, path) == 0)
			return &f->d.d[i];
	print_message("  no detail %s\n", path);
	fail();
	return NULL;
}

static const char *full_policy =
    "{\"passwordPolicies\":[{\"passwordScope\":\"SCOPE_DEVICE\","
    "\"passwordQuality\":\"NUMERIC_COMPLEX\",\"passwordMinimumLength\":6,"
    "\"passwordMinimumSymbols\":2,\"maximumFailedPasswordsForWipe\":10,"
    "\"passwordExpirationTimeout\":\"86400s\"}],"
    "\"maximumTimeToLock\":300000,"
    "\"cameraAccess\":\"CAMERA_ACCESS_DISABLED\","
    "\"screenCaptureDisabled\":true,"
    "\"usbDataAccess\":\"DISALLOW_USB_DATA_TRANSFER\","
    "\"keyguardDisabledFeatures\":[\"TRUST_AGENTS\",\"CAMERA\"],"
    "\"factoryResetDisabled\":false,"
    "\"encryptionPolicy\":\"ENABLED_WITH_PASSWORD\","
    "\"applications\":[{\"packageName\":\"mail\",\"installType\":"
    "\"FORCE_INSTALLED\"},{\"packageName\":\"pos\",\"installType\":"
    "\"KIOSK\"}],"
    "\"kioskCustomization\":{\"statusBar\":\"SYSTEM_INFO_ONLY\"},"
    "\"openNetworkConfiguration\":{\"NetworkConfigurations\":[{"
    "\"GUID\":\"g1\",\"Type\":\"WiFi\",\"WiFi\":{\"SSID\":\"Depot\","
    "\"Security\":\"WPA-PSK\",\"Passphrase\":\"s3cret-pass\"}}]}}";

static void
fully_managed_settings(void **state)
{
	static const char *const order[] = {
		"openNetworkConfiguration[g1]",
		"passwordPolicies[SCOPE_DEVICE]", "maximumTimeToLock",
		"cameraAccess", "screenCaptureDisabled", "usbDataAccess",
		"keyguardDisabledFeatures", "factoryResetDisabled",
		POLICY_KIOSK_KEY, "kioskCustomization", "applications[mail]",
	};
	const struct policy_setting *s;
	struct flat f;
	size_t i;

	(void)state;
	flatten(full_policy, POLICY_MODE_FULLY_MANAGED, &f);
	assert_int_equal(f.s.n, sizeof(order) / sizeof(order[0]));
	for (i = 0; i < f.s.n; i++)
		assert_string_equal(f.s.s[i].key, order[i]);
	assert_int_equal(f.d.n, 0);

	s = want(&f, "passwordPolicies[SCOPE_DEVICE]");
	assert_int_equal(s->kind, POLICY_SET_PASSCODE);
	assert_string_equal(s->name, "passwordPolicies");
	assert_string_equal(s->field_path, "passwordPolicies[0]");
	assert_string_equal(s->source, "admin");
	/* Symbol counts only count with COMPLEX: left out here. */
	assert_string_equal(s->value, "passwordQuality=NUMERIC_COMPLEX,"
	    "passwordMinimumLength=6,maximumFailedPasswordsForWipe=10,"
	    "passwordExpirationTimeout=86400s");
	assert_int_equal(s->v.passcode.scope, HAL_SCOPE_DEVICE);
	assert_int_equal(s->v.passcode.quality, HAL_PW_NUMERIC_COMPLEX);
	assert_int_equal(s->v.passcode.min_length, 6);
	assert_int_equal(s->v.passcode.min_symbols, 0);
	assert_int_equal(s->v.passcode.max_failed_for_wipe, 10);
	assert_true(s->v.passcode.expiration_seconds == 86400);
	assert_true(s->v.passcode.max_time_to_lock_ms == 300000);

	s = want(&f, "maximumTimeToLock");
	assert_int_equal(s->kind, POLICY_SET_PASSCODE);
	assert_string_equal(s->value, "300000");
	assert_int_equal(s->v.passcode.min_length, 6);
	assert_true(s->v.passcode.max_time_to_lock_ms == 300000);

	s = want(&f, "cameraAccess");
	assert_int_equal(s->kind, POLICY_SET_CAMERA);
	assert_false(s->v.allowed);
	assert_string_equal(s->value, "CAMERA_ACCESS_DISABLED");
	s = want(&f, "screenCaptureDisabled");
	assert_int_equal(s->kind, POLICY_SET_SCREEN_CAPTURE);
	assert_false(s->v.allowed);
	assert_string_equal(s->value, "true");
	s = want(&f, "usbDataAccess");
	assert_int_equal(s->kind, POLICY_SET_USB_DATA);
	assert_false(s->v.allowed);
	s = want(&f, "keyguardDisabledFeatures");
	assert_int_equal(s->kind, POLICY_SET_KEYGUARD);
	assert_int_equal(s->v.mask, POLICY_KG_CAMERA | POLICY_KG_TRUST_AGENTS);
	assert_string_equal(s->value, "[CAMERA,TRUST_AGENTS]");
	s = want(&f, "factoryResetDisabled");
	assert_int_equal(s->kind, POLICY_SET_FACTORY_RESET);
	assert_true(s->v.allowed);
	assert_string_equal(s->value, "false");

	s = want(&f, POLICY_KIOSK_KEY);
	assert_int_equal(s->kind, POLICY_SET_KIOSK);
	assert_string_equal(s->field_path, "applications[1]");
	/* Without `command`, the packageName is run. */
	assert_string_equal(s->v.command, "pos");
	assert_string_equal(s->value, "packageName=\"pos\",command=\"pos\"");
	s = want(&f, "kioskCustomization");
	assert_int_equal(s->kind, POLICY_SET_KIOSK_CUSTOM);
	assert_int_equal(s->v.kiosk.status_bar,
	    POLICY_STATUS_BAR_SYSTEM_INFO_ONLY);
	assert_string_equal(s->value, "powerButtonActions="
	    "POWER_BUTTON_ACTIONS_UNSPECIFIED,systemErrorWarnings="
	    "SYSTEM_ERROR_WARNINGS_UNSPECIFIED,systemNavigation="
	    "SYSTEM_NAVIGATION_UNSPECIFIED,statusBar=SYSTEM_INFO_ONLY,"
	    "deviceSettings=DEVICE_SETTINGS_UNSPECIFIED");
	s = want(&f, "applications[mail]");
	assert_int_equal(s->kind, POLICY_SET_APP);
	assert_string_equal(s->value, "installType=FORCE_INSTALLED");
	assert_string_equal(s->v.app.package, "mail");
	assert_int_equal(s->v.app.install_type, POLICY_INSTALL_FORCE_INSTALLED);
	assert_null(policy_settings_find(&f.s, "workProfile"));
	flat_free(&f);
}

static void
wifi_setting(void **state)
{
	const struct policy_setting *s;
	struct flat f, g;

	(void)state;
	flatten(full_policy, POLICY_MODE_DEDICATED, &f);
	s = want(&f, "openNetworkConfiguration[g1]");
	assert_int_equal(s->kind, POLICY_SET_WIFI);
	assert_string_equal(s->field_path,
	    "openNetworkConfiguration.NetworkConfigurations[0]");
	assert_string_equal(s->v.wifi.ssid, "Depot");
	assert_string_equal(s->v.wifi.security, "WPA");
	assert_string_equal(s->v.wifi.password, "s3cret-pass");
	assert_false(s->v.wifi.hidden);
	/* The value names the network, never its secret. */
	assert_null(strstr(s->value, "s3cret"));
	assert_non_null(strstr(s->value, "SSID=\"Depot\",Security=WPA-PSK"));
	assert_non_null(strstr(s->value, ",credentials=fnv1a32:"));
	/* A new passphrase gives a new value: the network is re-applied. */
	flatten("{\"openNetworkConfiguration\":{\"NetworkConfigurations\":[{"
	    "\"GUID\":\"g1\",\"Type\":\"WiFi\",\"WiFi\":{\"SSID\":\"Depot\","
	    "\"Security\":\"WPA-PSK\",\"Passphrase\":\"s3cret-pasS\","
	    "\"AutoConnect\":false}}]}}", POLICY_MODE_DEDICATED, &g);
	assert_string_not_equal(want(&g, "openNetworkConfiguration[g1]")->value,
	    s->value);
	assert_int_equal(g.d.n, 1);
	assert_string_equal(g.d.d[0].field_path,
	    "openNetworkConfiguration.NetworkConfigurations[0].WiFi.AutoConnect");
	assert_int_equal(g.d.d[0].reason, RULES_REASON_UNSUPPORTED);
	flat_free(&g);
	flat_free(&f);

	flatten("{\"openNetworkConfiguration\":{\"NetworkConfigurations\":[{"
	    "\"GUID\":\"e\",\"Type\":\"WiFi\",\"WiFi\":{\"SSID\":\"Corp\","
	    "\"Security\":\"WPA-EAP\",\"HiddenSSID\":true,\"EAP\":{"
	    "\"Outer\":\"PEAP\",\"Identity\":\"u\",\"Password\":\"pw\","
	    "\"DomainSuffixMatch\":[\"corp.example\"],\"ServerCARefs\":"
	    "[\"ca1\"]}}}]}}", POLICY_MODE_COPE, &f);
	s = want(&f, "openNetworkConfiguration[e]");
	assert_string_equal(s->v.wifi.security, "EAP");
	assert_string_equal(s->v.wifi.eap_method, "PEAP");
	assert_string_equal(s->v.wifi.identity, "u");
	assert_string_equal(s->v.wifi.password, "pw");
	assert_string_equal(s->v.wifi.domain, "corp.example");
	assert_string_equal(s->v.wifi.ca_cert, "ca1");
	assert_true(s->v.wifi.hidden);
	assert_null(strstr(s->value, "\"pw\""));
	flat_free(&f);
}

static void
canonical_values(void **state)
{
	struct flat f, g;
	size_t i;

	(void)state;
	/* The same policy written in another order flattens the same. */
	flatten("{\"keyguardDisabledFeatures\":[\"FACE\",\"CAMERA\"],"
	    "\"passwordPolicies\":[{\"passwordMinimumLength\":8,"
	    "\"passwordQuality\":\"ALPHABETIC\"}],\"maximumTimeToLock\":"
	    "\"60000\"}", POLICY_MODE_FULLY_MANAGED, &f);
	flatten("{\"maximumTimeToLock\":60000,\"passwordPolicies\":[{"
	    "\"passwordQuality\":\"ALPHABETIC\",\"passwordMinimumLength\":8}],"
	    "\"keyguardDisabledFeatures\":[\"CAMERA\",\"FACE\",\"CAMERA\"]}",
	    POLICY_MODE_FULLY_MANAGED, &g);
	assert_int_equal(f.s.n, g.s.n);
	for (i = 0; i < f.s.n; i++) {
		assert_string_equal(f.s.s[i].key, g.s.s[i].key);
		assert_string_equal(f.s.s[i].value, g.s.s[i].value);
	}
	flat_free(&f);
	flat_free(&g);
}

static void
byod_management_mode(void **state)
{
	static const struct {
		const char *path, *name;
	} refused[] = {
		{ "openNetworkConfiguration.NetworkConfigurations[0]",
		    "openNetworkConfiguration" },
		{ "maximumTimeToLock", "maximumTimeToLock" },
		{ "passwordPolicies[0]", "passwordPolicies" },
		{ "cameraAccess", "cameraAccess" },
		{ "screenCaptureDisabled", "screenCaptureDisabled" },
		{ "usbDataAccess", "usbDataAccess" },
		{ "keyguardDisabledFeatures", "keyguardDisabledFeatures" },
		{ "factoryResetDisabled", "factoryResetDisabled" },
		{ "encryptionPolicy", "encryptionPolicy" },
		{ "applications[1]", "applications" },
		{ "kioskCustomization", "kioskCustomization" },
	};
	const struct policy_detail *d;
	struct flat f;
	size_t i;

	(void)state;
	flatten(full_policy, POLICY_MODE_BYOD, &f);
	assert_int_equal(f.d.n, sizeof(refused) / sizeof(refused[0]));
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		d = detail(&f, refused[i].path);
		assert_string_equal(d->setting_name, refused[i].name);
		assert_int_equal(d->reason, RULES_REASON_MANAGEMENT_MODE);
		assert_string_equal(d->source, "admin");
		assert_true(strlen(d->specific) > 0);
	}
	assert_string_equal(detail(&f, "cameraAccess")->specific,
	    "camera access is device-wide");
	/* What is left: the work profile and the non-kiosk app. */
	assert_int_equal(f.s.n, 2);
	assert_string_equal(f.s.s[0].key, "workProfile");
	assert_int_equal(f.s.s[0].kind, POLICY_SET_WORK_PROFILE);
	assert_string_equal(f.s.s[0].source, "preset:BYOD");
	assert_string_equal(f.s.s[1].key, "applications[mail]");
	flat_free(&f);
}

static void
scope_resolution(void **state)
{
	const struct policy_setting *s;
	struct flat f;

	(void)state;
	/* SCOPE_UNSPECIFIED goes to the device in a fully managed mode. */
	flatten("{\"passwordPolicies\":[{\"passwordMinimumLength\":4},"
	    "{\"passwordScope\":\"SCOPE_DEVICE\",\"passwordQuality\":"
	    "\"NUMERIC\",\"passwordMinimumLength\":2}]}",
	    POLICY_MODE_FULLY_MANAGED, &f);
	s = want(&f, "passwordPolicies[SCOPE_DEVICE]");
	assert_int_equal(s->v.passcode.quality, HAL_PW_NUMERIC);
	assert_int_equal(s->v.passcode.min_length, 4);
	assert_string_equal(s->field_path, "passwordPolicies[1]");
	assert_null(policy_settings_find(&f.s,
	    "passwordPolicies[SCOPE_PROFILE]"));
	flat_free(&f);
	/* ... and to the work profile in BYOD. */
	flatten("{\"passwordPolicies\":[{\"passwordQuality\":\"COMPLEX\","
	    "\"passwordMinimumLength\":10,\"passwordMinimumSymbols\":2}]}",
	    POLICY_MODE_BYOD, &f);
	s = want(&f, "passwordPolicies[SCOPE_PROFILE]");
	assert_int_equal(s->v.passcode.scope, HAL_SCOPE_PROFILE);
	assert_int_equal(s->v.passcode.quality, HAL_PW_COMPLEX);
	assert_int_equal(s->v.passcode.min_symbols, 2);
	assert_true(s->v.passcode.max_time_to_lock_ms == 0);
	assert_string_equal(s->value, "passwordQuality=COMPLEX,"
	    "passwordMinimumLength=10,passwordMinimumSymbols=2");
	assert_int_equal(f.d.n, 0);
	flat_free(&f);
	/* A profile passcode in a mode without a work profile. */
	flatten("{\"passwordPolicies\":[{\"passwordScope\":\"SCOPE_PROFILE\","
	    "\"passwordQuality\":\"SOMETHING\"}]}", POLICY_MODE_DEDICATED, &f);
	assert_int_equal(f.s.n, 0);
	assert_int_equal(f.d.n, 1);
	assert_string_equal(f.d.d[0].field_path, "passwordPolicies[0]");
	assert_int_equal(f.d.d[0].reason, RULES_REASON_MANAGEMENT_MODE);
	assert_string_equal(f.d.d[0].specific, "this mode has no work profile");
	flat_free(&f);
}

static void
cope_settings(void **state)
{
	struct flat f;

	(void)state;
	flatten("{\"passwordPolicies\":[{\"passwordScope\":\"SCOPE_DEVICE\","
	    "\"passwordQuality\":\"NUMERIC\"},{\"passwordScope\":"
	    "\"SCOPE_PROFILE\",\"passwordQuality\":\"ALPHABETIC\"}],"
	    "\"maximumTimeToLock\":120000,\"cameraAccess\":"
	    "\"CAMERA_ACCESS_DISABLED\",\"applications\":[{\"packageName\":"
	    "\"k\",\"installType\":\"KIOSK\"}]}", POLICY_MODE_COPE, &f);
	assert_string_equal(f.s.s[0].key, "workProfile");
	assert_int_equal(want(&f, "passwordPolicies[SCOPE_PROFILE]")->
	    v.passcode.quality, HAL_PW_ALPHABETIC);
	/* The lock timeout goes with the device passcode only. */
	assert_true(want(&f, "passwordPolicies[SCOPE_PROFILE]")->
	    v.passcode.max_time_to_lock_ms == 0);
	assert_true(want(&f, "passwordPolicies[SCOPE_DEVICE]")->
	    v.passcode.max_time_to_lock_ms == 120000);
	want(&f, "cameraAccess");
	assert_null(policy_settings_find(&f.s, POLICY_KIOSK_KEY));
	assert_int_equal(f.d.n, 1);
	assert_string_equal(f.d.d[0].field_path, "applications[0]");
	assert_int_equal(f.d.d[0].reason, RULES_REASON_MANAGEMENT_MODE);
	flat_free(&f);
}

static void
usb_variants(void **state)
{
	struct flat f;

	(void)state;
	flatten("{\"usbDataAccess\":\"DISALLOW_USB_FILE_TRANSFER\"}",
	    POLICY_MODE_FULLY_MANAGED, &f);
	assert_int_equal(want(&f, "usbDataAccess")->kind,
	    POLICY_SET_UNENFORCEABLE);
	assert_string_equal(want(&f, "usbDataAccess")->value,
	    "DISALLOW_USB_FILE_TRANSFER");
	assert_non_null(strstr(want(&f, "usbDataAccess")->v.reason,
	    "file transfer alone"));
	flat_free(&f);
	flatten("{\"usbDataAccess\":\"ALLOW_USB_DATA_TRANSFER\"}",
	    POLICY_MODE_FULLY_MANAGED, &f);
	assert_int_equal(want(&f, "usbDataAccess")->kind,
	    POLICY_SET_USB_DATA);
	assert_true(want(&f, "usbDataAccess")->v.allowed);
	flat_free(&f);
}

static void
camera_from_deprecated_field(void **state)
{
	struct flat f;

	(void)state;
	flatten("{\"cameraDisabled\":true}", POLICY_MODE_FULLY_MANAGED, &f);
	assert_string_equal(want(&f, "cameraAccess")->name, "cameraDisabled");
	assert_string_equal(want(&f, "cameraAccess")->field_path,
	    "cameraDisabled");
	assert_false(want(&f, "cameraAccess")->v.allowed);
	flat_free(&f);
	flatten("{\"cameraAccess\":\"CAMERA_ACCESS_ENFORCED\"}",
	    POLICY_MODE_FULLY_MANAGED, &f);
	assert_true(want(&f, "cameraAccess")->v.allowed);
	flat_free(&f);
}

static void
kiosk_conflict_between_sources(void **state)
{
	struct policy *a = parse_ok("{\"name\":\"a\",\"applications\":[{"
	    "\"packageName\":\"k1\",\"installType\":\"KIOSK\",\"command\":"
	    "\"/bin/k1 --x \\\"y\\\"\"}]}");
	struct policy *b = parse_ok("{\"name\":\"b\",\"applications\":[{"
	    "\"packageName\":\"z\"},{\"packageName\":\"k2\",\"roles\":[{"
	    "\"roleType\":\"KIOSK\"}]}]}");
	const struct policy *in[2] = { a, b };
	struct policy *m = policy_merge(in, 2);
	struct flat f;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(policy_settings_build(m, POLICY_MODE_DEDICATED, &f.s,
	    &f.d), 0);
	assert_string_equal(want(&f, POLICY_KIOSK_KEY)->v.command,
	    "/bin/k1 --x \"y\"");
	assert_string_equal(want(&f, POLICY_KIOSK_KEY)->value,
	    "packageName=\"k1\",command=\"/bin/k1 --x \\\"y\\\"\"");
	assert_string_equal(want(&f, POLICY_KIOSK_KEY)->source, "a");
	assert_int_equal(f.d.n, 1);
	assert_string_equal(f.d.d[0].field_path, "applications[1]");
	assert_int_equal(f.d.d[0].reason, RULES_REASON_INVALID_VALUE);
	assert_string_equal(f.d.d[0].source, "b");
	assert_string_equal(f.d.d[0].specific,
	    "a second kiosk app; \"k1\" is the kiosk app");
	flat_free(&f);
	policy_free(m);
	policy_free(a);
	policy_free(b);
}

static void
unsupported_details(void **state)
{
	char doc[4096];
	size_t n = 0, i;
	struct flat f;

	(void)state;
	flatten("{\"vpnConfigDisabled\":true,\"kioskCustomization\":{"
	    "\"futureOption\":1},\"applications\":[{\"packageName\":\"a\","
	    "\"managedConfiguration\":{}}]}", POLICY_MODE_FULLY_MANAGED, &f);
	assert_int_equal(f.d.n, 3);
	assert_string_equal(detail(&f, "vpnConfigDisabled")->setting_name,
	    "vpnConfigDisabled");
	assert_string_equal(detail(&f,
	    "kioskCustomization.futureOption")->setting_name,
	    "kioskCustomization");
	assert_string_equal(detail(&f,
	    "applications[0].managedConfiguration")->setting_name,
	    "applications");
	for (i = 0; i < f.d.n; i++)
		assert_int_equal(f.d.d[i].reason, RULES_REASON_UNSUPPORTED);
	flat_free(&f);
	doc[n++] = '{';
	for (i = 0; i < 66; i++)
		n += (size_t)sprintf(doc + n, "%s\"x%zu\":1", i ? "," : "", i);
	sprintf(doc + n, "}");
	flatten(doc, POLICY_MODE_FULLY_MANAGED, &f);
	assert_int_equal(f.d.n, POLICY_UNSUPPORTED_MAX + 1);
	assert_string_equal(f.d.d[POLICY_UNSUPPORTED_MAX].specific,
	    "2 more unsupported fields are not listed");
	flat_free(&f);
}

static void
sources_named(void **state)
{
	struct policy *base = policy_preset_baseline(POLICY_MODE_FULLY_MANAGED);
	struct policy *admin = parse_ok("{\"name\":\"admin\",\"passwordPolicies"
	    "\":[{\"passwordScope\":\"SCOPE_DEVICE\",\"passwordMinimumLength\""
	    ":6}]}");
	const struct policy *in[2] = { base, admin };
	struct policy *m = policy_merge(in, 2);
	struct flat f;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(policy_settings_build(m, POLICY_MODE_FULLY_MANAGED,
	    &f.s, &f.d), 0);
	/* SOMETHING from the preset, the length from the admin. */
	assert_string_equal(want(&f, "passwordPolicies[SCOPE_DEVICE]")->source,
	    "preset:FULLY_MANAGED,admin");
	assert_string_equal(want(&f, "passwordPolicies[SCOPE_DEVICE]")->value,
	    "passwordQuality=SOMETHING,passwordMinimumLength=6");
	flat_free(&f);
	policy_free(m);
	policy_free(base);
	policy_free(admin);
}

static void
kind_of_key(void **state)
{
	static const struct {
		const char *key;
		enum policy_setting_kind kind;
		enum hal_scope scope;
	} keys[] = {
		{ "workProfile", POLICY_SET_WORK_PROFILE, HAL_SCOPE_DEVICE },
		{ "openNetworkConfiguration[g]", POLICY_SET_WIFI,
		    HAL_SCOPE_DEVICE },
		{ "passwordPolicies[SCOPE_DEVICE]", POLICY_SET_PASSCODE,
		    HAL_SCOPE_DEVICE },
		{ "maximumTimeToLock", POLICY_SET_PASSCODE, HAL_SCOPE_DEVICE },
		{ "passwordPolicies[SCOPE_PROFILE]", POLICY_SET_PASSCODE,
		    HAL_SCOPE_PROFILE },
		{ "cameraAccess", POLICY_SET_CAMERA, HAL_SCOPE_DEVICE },
		{ "screenCaptureDisabled", POLICY_SET_SCREEN_CAPTURE,
		    HAL_SCOPE_DEVICE },
		{ "usbDataAccess", POLICY_SET_USB_DATA, HAL_SCOPE_DEVICE },
		{ "keyguardDisabledFeatures", POLICY_SET_KEYGUARD,
		    HAL_SCOPE_DEVICE },
		{ "factoryResetDisabled", POLICY_SET_FACTORY_RESET,
		    HAL_SCOPE_DEVICE },
		{ POLICY_KIOSK_KEY, POLICY_SET_KIOSK, HAL_SCOPE_DEVICE },
		{ "kioskCustomization", POLICY_SET_KIOSK_CUSTOM,
		    HAL_SCOPE_DEVICE },
		{ "applications[mail]", POLICY_SET_APP, HAL_SCOPE_DEVICE },
	};
	enum policy_setting_kind kind;
	enum hal_scope scope;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		assert_int_equal(policy_setting_kind_of_key(keys[i].key, &kind,
		    &scope), 0);
		assert_int_equal(kind, keys[i].kind);
		assert_int_equal(scope, keys[i].scope);
	}
	assert_int_equal(policy_setting_kind_of_key("camera", &kind, &scope),
	    -1);
	assert_int_equal(policy_setting_kind_of_key("", &kind, &scope), -1);
}

static void
requirements(void **state)
{
	struct policy_requirements r;
	struct policy *p = parse_ok(full_policy);

	(void)state;
	snprintf(p->min_os_version, sizeof(p->min_os_version), "12.4");
	p->version = 17;
	policy_requirements_fill(p, POLICY_MODE_FULLY_MANAGED, &r);
	assert_true(r.passcode_required);
	assert_int_equal(r.passcode.quality, HAL_PW_NUMERIC_COMPLEX);
	assert_int_equal(r.passcode.scope, HAL_SCOPE_DEVICE);
	assert_int_equal(r.passcode.min_length, 6);
	assert_true(r.passcode.max_time_to_lock_ms == 300000);
	assert_true(r.encryption_required);
	assert_string_equal(r.min_os_version, "12.4");
	assert_true(r.camera_blocked);
	assert_true(r.screen_capture_blocked);
	assert_true(r.usb_data_blocked);
	assert_true(r.version == 17);
	/* BYOD: none of the device-wide requirements hold. */
	policy_requirements_fill(p, POLICY_MODE_BYOD, &r);
	assert_false(r.passcode_required);
	assert_false(r.encryption_required);
	assert_false(r.camera_blocked);
	assert_false(r.screen_capture_blocked);
	assert_false(r.usb_data_blocked);
	assert_true(r.passcode.max_time_to_lock_ms == 0);
	assert_string_equal(r.min_os_version, "12.4");
	policy_free(p);

	p = parse_ok("{\"passwordPolicies\":[{\"passwordScope\":"
	    "\"SCOPE_PROFILE\",\"passwordQuality\":\"ALPHANUMERIC\"}],"
	    "\"usbDataAccess\":\"DISALLOW_USB_FILE_TRANSFER\"}");
	policy_requirements_fill(p, POLICY_MODE_COPE, &r);
	assert_true(r.passcode_required);
	assert_int_equal(r.passcode.scope, HAL_SCOPE_PROFILE);
	assert_int_equal(r.passcode.quality, HAL_PW_ALPHANUMERIC);
	assert_false(r.usb_data_blocked);
	policy_requirements_fill(p, POLICY_MODE_FULLY_MANAGED, &r);
	assert_false(r.passcode_required);
	policy_free(p);

	/* An entry that asks for nothing requires no passcode. */
	p = parse_ok("{\"passwordPolicies\":[{\"passwordQuality\":"
	    "\"PASSWORD_QUALITY_UNSPECIFIED\"}],\"maximumTimeToLock\":0}");
	policy_requirements_fill(p, POLICY_MODE_DEDICATED, &r);
	assert_false(r.passcode_required);
	assert_true(r.passcode.max_time_to_lock_ms == 0);
	assert_string_equal(r.min_os_version, "");
	policy_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fully_managed_settings),
		cmocka_unit_test(wifi_setting),
		cmocka_unit_test(canonical_values),
		cmocka_unit_test(byod_management_mode),
		cmocka_unit_test(scope_resolution),
		cmocka_unit_test(cope_settings),
		cmocka_unit_test(usb_variants),
		cmocka_unit_test(camera_from_deprecated_field),
		cmocka_unit_test(kiosk_conflict_between_sources),
		cmocka_unit_test(unsupported_details),
		cmocka_unit_test(sources_named),
		cmocka_unit_test(kind_of_key),
		cmocka_unit_test(requirements),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
