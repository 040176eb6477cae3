/*
 * policy_enums.c - the AMAPI (and ONC) enum value names the policy model
 * accepts, the passwordQuality merge rank and dotted-version comparison.
 */
#include <string.h>

#include "profiles/policy.h"

const struct policy_enum policy_enum_quality[] = {
	{ "PASSWORD_QUALITY_UNSPECIFIED", HAL_PW_UNSPECIFIED },
	{ "SOMETHING", HAL_PW_SOMETHING },
	/* No biometric unlock on Linux: the nearest rule is "a passcode
	 * of any kind" (listed after SOMETHING so names print SOMETHING). */
	{ "BIOMETRIC_WEAK", HAL_PW_SOMETHING },
	{ "NUMERIC", HAL_PW_NUMERIC },
	{ "NUMERIC_COMPLEX", HAL_PW_NUMERIC_COMPLEX },
	{ "ALPHABETIC", HAL_PW_ALPHABETIC },
	{ "ALPHANUMERIC", HAL_PW_ALPHANUMERIC },
	{ "COMPLEX", HAL_PW_COMPLEX },
	{ "COMPLEXITY_LOW", HAL_PW_COMPLEXITY_LOW },
	{ "COMPLEXITY_MEDIUM", HAL_PW_COMPLEXITY_MEDIUM },
	{ "COMPLEXITY_HIGH", HAL_PW_COMPLEXITY_HIGH },
	{ NULL, 0 },
};

const struct policy_enum policy_enum_scope[] = {
	{ "SCOPE_UNSPECIFIED", POLICY_SCOPE_UNSPECIFIED },
	{ "SCOPE_DEVICE", POLICY_SCOPE_DEVICE },
	{ "SCOPE_PROFILE", POLICY_SCOPE_PROFILE },
	{ NULL, 0 },
};

const struct policy_enum policy_enum_camera[] = {
	{ "CAMERA_ACCESS_UNSPECIFIED", POLICY_CAMERA_UNSPECIFIED },
	{ "CAMERA_ACCESS_USER_CHOICE", POLICY_CAMERA_USER_CHOICE },
	{ "CAMERA_ACCESS_DISABLED", POLICY_CAMERA_DISABLED },
	{ "CAMERA_ACCESS_ENFORCED", POLICY_CAMERA_ENFORCED },
	{ NULL, 0 },
};

/* UNSPECIFIED is accepted and ignored, as in AMAPI. */
const struct policy_enum policy_enum_keyguard[] = {
	{ "KEYGUARD_DISABLED_FEATURE_UNSPECIFIED", 0 },
	{ "CAMERA", POLICY_KG_CAMERA },
	{ "NOTIFICATIONS", POLICY_KG_NOTIFICATIONS },
	{ "UNREDACTED_NOTIFICATIONS", POLICY_KG_UNREDACTED_NOTIFICATIONS },
	{ "TRUST_AGENTS", POLICY_KG_TRUST_AGENTS },
	{ "DISABLE_FINGERPRINT", POLICY_KG_DISABLE_FINGERPRINT },
	{ "DISABLE_REMOTE_INPUT", POLICY_KG_DISABLE_REMOTE_INPUT },
	{ "FACE", POLICY_KG_FACE },
	{ "IRIS", POLICY_KG_IRIS },
	{ "BIOMETRICS", POLICY_KG_BIOMETRICS },
	{ "SHORTCUTS", POLICY_KG_SHORTCUTS },
	{ "ALL_FEATURES", POLICY_KG_ALL_FEATURES },
	{ NULL, 0 },
};

const struct policy_enum policy_enum_usb[] = {
	{ "USB_DATA_ACCESS_UNSPECIFIED", POLICY_USB_UNSPECIFIED },
	{ "ALLOW_USB_DATA_TRANSFER", POLICY_USB_ALLOW },
	{ "DISALLOW_USB_FILE_TRANSFER", POLICY_USB_DISALLOW_FILE_TRANSFER },
	{ "DISALLOW_USB_DATA_TRANSFER", POLICY_USB_DISALLOW_DATA_TRANSFER },
	{ NULL, 0 },
};

const struct policy_enum policy_enum_encryption[] = {
	{ "ENCRYPTION_POLICY_UNSPECIFIED", POLICY_ENCRYPTION_UNSPECIFIED },
	{ "ENABLED_WITHOUT_PASSWORD", POLICY_ENCRYPTION_WITHOUT_PASSWORD },
	{ "ENABLED_WITH_PASSWORD", POLICY_ENCRYPTION_WITH_PASSWORD },
	{ NULL, 0 },
};

const struct policy_enum policy_enum_install[] = {
	{ "INSTALL_TYPE_UNSPECIFIED", POLICY_INSTALL_UNSPECIFIED },
	{ "PREINSTALLED", POLICY_INSTALL_PREINSTALLED },
	{ "FORCE_INSTALLED", POLICY_INSTALL_FORCE_INSTALLED },
	{ "BLOCKED", POLICY_INSTALL_BLOCKED },
	{ "AVAILABLE", POLICY_INSTALL_AVAILABLE },
	{ "REQUIRED_FOR_SETUP", POLICY_INSTALL_REQUIRED_FOR_SETUP },
	{ "KIOSK", POLICY_INSTALL_KIOSK },
	{ "CUSTOM", POLICY_INSTALL_CUSTOM },
	{ NULL, 0 },
};

const struct policy_enum policy_enum_role[] = {
	{ "ROLE_TYPE_UNSPECIFIED", POLICY_ROLE_UNSPECIFIED },
	{ "COMPANION_APP", POLICY_ROLE_COMPANION_APP },
	{ "KIOSK", POLICY_ROLE_KIOSK },
	{ "MOBILE_THREAT_DEFENSE_ENDPOINT_DETECTION_RESPONSE",
	    POLICY_ROLE_MTD_EDR },
	{ "SYSTEM_HEALTH_MONITORING", POLICY_ROLE_SYSTEM_HEALTH_MONITORING },
	{ NULL, 0 },
};

const struct policy_enum policy_enum_power_button[] = {
	{ "POWER_BUTTON_ACTIONS_UNSPECIFIED", POLICY_POWER_BUTTON_UNSPECIFIED },
	{ "POWER_BUTTON_AVAILABLE", POLICY_POWER_BUTTON_AVAILABLE },
	{ "POWER_BUTTON_BLOCKED", POLICY_POWER_BUTTON_BLOCKED },
	{ NULL, 0 },
};

const struct policy_enum policy_enum_error_warnings[] = {
	{ "SYSTEM_ERROR_WARNINGS_UNSPECIFIED",
	    POLICY_ERROR_WARNINGS_UNSPECIFIED },
	{ "ERROR_AND_WARNINGS_ENABLED", POLICY_ERROR_WARNINGS_ENABLED },
	{ "ERROR_AND_WARNINGS_MUTED", POLICY_ERROR_WARNINGS_MUTED },
	{ NULL, 0 },
};

const struct policy_enum policy_enum_navigation[] = {
	{ "SYSTEM_NAVIGATION_UNSPECIFIED", POLICY_NAVIGATION_UNSPECIFIED },
	{ "NAVIGATION_ENABLED", POLICY_NAVIGATION_ENABLED },
	{ "NAVIGATION_DISABLED", POLICY_NAVIGATION_DISABLED },
	{ "HOME_BUTTON_ONLY", POLICY_NAVIGATION_HOME_BUTTON_ONLY },
	{ NULL, 0 },
};

const struct policy_enum policy_enum_status_bar[] = {
	{ "STATUS_BAR_UNSPECIFIED", POLICY_STATUS_BAR_UNSPECIFIED },
	{ "NOTIFICATIONS_AND_SYSTEM_INFO_ENABLED", POLICY_STATUS_BAR_ENABLED },
	{ "NOTIFICATIONS_AND_SYSTEM_INFO_DISABLED",
	    POLICY_STATUS_BAR_DISABLED },
	{ "SYSTEM_INFO_ONLY", POLICY_STATUS_BAR_SYSTEM_INFO_ONLY },
	{ NULL, 0 },
};

const struct policy_enum policy_enum_device_settings[] = {
	{ "DEVICE_SETTINGS_UNSPECIFIED", POLICY_DEVICE_SETTINGS_UNSPECIFIED },
	{ "SETTINGS_ACCESS_ALLOWED", POLICY_DEVICE_SETTINGS_ALLOWED },
	{ "SETTINGS_ACCESS_BLOCKED", POLICY_DEVICE_SETTINGS_BLOCKED },
	{ NULL, 0 },
};

const struct policy_enum policy_enum_wifi_security[] = {
	{ "None", POLICY_WIFI_NONE },
	{ "WEP-PSK", POLICY_WIFI_WEP_PSK },
	{ "WPA-PSK", POLICY_WIFI_WPA_PSK },
	{ "WPA-EAP", POLICY_WIFI_WPA_EAP },
	{ NULL, 0 },
};

const struct policy_enum policy_enum_eap_outer[] = {
	{ "LEAP", POLICY_EAP_LEAP },
	{ "PEAP", POLICY_EAP_PEAP },
	{ "EAP-TLS", POLICY_EAP_TLS },
	{ "EAP-TTLS", POLICY_EAP_TTLS },
	{ "EAP-SIM", POLICY_EAP_SIM },
	{ "EAP-AKA", POLICY_EAP_AKA },
	{ NULL, 0 },
};

const struct policy_enum policy_enum_block_scope[] = {
	{ "BLOCK_SCOPE_UNSPECIFIED", POLICY_BLOCK_SCOPE_UNSPECIFIED },
	{ "BLOCK_SCOPE_WORK_PROFILE", POLICY_BLOCK_SCOPE_WORK_PROFILE },
	{ "BLOCK_SCOPE_DEVICE", POLICY_BLOCK_SCOPE_DEVICE },
	{ NULL, 0 },
};

const char *
policy_enum_name(const struct policy_enum *t, int v)
{
	for (; t->name != NULL; t++)
		if (t->value == v)
			return t->name;
	return "?";
}

int
policy_enum_value(const struct policy_enum *t, const char *name, int *v)
{
	for (; t->name != NULL; t++) {
		if (strcmp(t->name, name) == 0) {
			*v = t->value;
			return 0;
		}
	}
	return -1;
}

int
policy_quality_rank(enum hal_pw_quality q)
{
	switch (q) {
	case HAL_PW_UNSPECIFIED:
		return 0;
	case HAL_PW_SOMETHING:
		return 1;
	case HAL_PW_NUMERIC:
	case HAL_PW_COMPLEXITY_LOW:
		return 2;
	case HAL_PW_NUMERIC_COMPLEX:
	case HAL_PW_COMPLEXITY_MEDIUM:
		return 3;
	case HAL_PW_ALPHABETIC:
		return 4;
	case HAL_PW_ALPHANUMERIC:
		return 5;
	case HAL_PW_COMPLEXITY_HIGH:
		return 6;
	case HAL_PW_COMPLEX:
		return 7;
	}
	return 0;
}

/* Reads one version component; a missing one is 0. */
static unsigned long long
component(const char **p)
{
	unsigned long long v = 0;

	while (**p >= '0' && **p <= '9') {
		if (v < 100000000000ULL)
			v = v * 10 + (unsigned long long)(**p - '0');
		(*p)++;
	}
	if (**p == '.')
		(*p)++;
	return v;
}

int
policy_version_cmp(const char *a, const char *b)
{
	while (*a != '\0' || *b != '\0') {
		unsigned long long x = component(&a), y = component(&b);

		if (x != y)
			return x < y ? -1 : 1;
		/* Anything but digits and dots ends the comparison. */
		if ((*a != '\0' && !(*a >= '0' && *a <= '9')) ||
		    (*b != '\0' && !(*b >= '0' && *b <= '9')))
			break;
	}
	return 0;
}
