/*
 * policy_settings.h - a merged policy flattened into the settings the
 * agent enforces, the non-compliance details it cannot enforce, and the
 * requirements the posture engine checks.
 *
 * A setting is one unit of enforcement: one HAL call applies it. Its key
 * is unique and stable across policy versions, so that the store can
 * remember per key what was applied (agent/policy/enforce.h diffs against
 * that). Keys (docs/policy.md, "Settings"):
 *
 *   workProfile                        the work profile exists (COPE, BYOD)
 *   openNetworkConfiguration[<GUID>]   one Wi-Fi network
 *   passwordPolicies[SCOPE_DEVICE]     device passcode
 *   maximumTimeToLock                  device screen lock timeout
 *   passwordPolicies[SCOPE_PROFILE]    work profile passcode
 *   cameraAccess  screenCaptureDisabled  usbDataAccess
 *   keyguardDisabledFeatures  factoryResetDisabled
 *   applications[@kiosk]               the kiosk app
 *   kioskCustomization                 kiosk.customize (optional op)
 *   applications[<packageName>]        other apps (the HAL's apps subsystem;
 *                                      CUSTOM: no HAL operation)
 *
 * A value text is canonical (equal settings have equal texts) and never
 * holds a secret: a Wi-Fi network's credentials show as a fingerprint.
 */
#ifndef WARDEN_PROFILES_POLICY_SETTINGS_H
#define WARDEN_PROFILES_POLICY_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/hal.h"
#include "profiles/policy.h"
#include "profiles/presets.h"
#include "profiles/requirements.h"
#include "profiles/rules.h"

#define POLICY_SETTING_KEY_MAX		160
#define POLICY_SETTING_NAME_MAX		48
#define POLICY_SETTING_VALUE_MAX	1536
#define POLICY_SOURCE_TEXT_MAX		256
#define POLICY_KIOSK_KEY		"applications[@kiosk]"

/* How a setting is enforced, i.e. which HAL call applies it. */
enum policy_setting_kind {
	POLICY_SET_WORK_PROFILE,	/* hal_profile_create() */
	POLICY_SET_WIFI,		/* hal_network_apply_wifi(v.wifi) */
	POLICY_SET_PASSCODE,		/* hal_passcode_apply(v.passcode) */
	POLICY_SET_CAMERA,		/* hal_camera_set_allowed() */
	POLICY_SET_SCREEN_CAPTURE,	/* hal_restrict_screen_capture() */
	POLICY_SET_USB_DATA,		/* hal_restrict_usb_data() */
	POLICY_SET_KEYGUARD,		/* hal_restrict_keyguard_features */
	POLICY_SET_FACTORY_RESET,	/* hal_restrict_factory_reset() */
	POLICY_SET_KIOSK,		/* hal_kiosk_enter(v.command) */
	POLICY_SET_APP,			/* hal_apps_*(v.app) */
	POLICY_SET_KIOSK_CUSTOM,	/* hal_kiosk_customize(v.kiosk) */
	POLICY_SET_UNENFORCEABLE,	/* no HAL op; v.reason says why */
};

struct policy_setting {
	char key[POLICY_SETTING_KEY_MAX];
	/* AMAPI settingName ("passwordPolicies", "cameraAccess", ...). */
	char name[POLICY_SETTING_NAME_MAX];
	/* fieldPath in the winning source ("" for workProfile). */
	char field_path[POLICY_PATH_MAX];
	char value[POLICY_SETTING_VALUE_MAX];
	/* Names of the sources that won, comma-separated. */
	char source[POLICY_SOURCE_TEXT_MAX];
	enum policy_setting_kind kind;
	union {
		/*
		 * PASSCODE. passwordPolicies[SCOPE_DEVICE] and
		 * maximumTimeToLock carry the same device policy (lock
		 * timeout included): applying either applies both.
		 */
		struct hal_passcode_policy passcode;
		/* CAMERA, SCREEN_CAPTURE, USB_DATA, FACTORY_RESET. */
		bool allowed;
		/* KEYGUARD: POLICY_KG_* bits. */
		uint32_t mask;
		/* KIOSK: the command line. */
		char command[POLICY_COMMAND_MAX];
		/* KIOSK_CUSTOM: kioskCustomization. */
		struct policy_kiosk_custom kiosk;
		/* APP: one applications[] entry (not the kiosk app). */
		struct policy_setting_app {
			char package[POLICY_PACKAGE_MAX];
			enum policy_install install_type;
			int64_t min_version_code;	/* 0: any */
		} app;
		/* WIFI: holds secrets; zeroised by policy_settings_free(). */
		struct hal_wifi wifi;
		/* UNENFORCEABLE. */
		char reason[POLICY_REASON_MAX];
	} v;
};

struct policy_settings {
	struct policy_setting *s;
	size_t n;
	size_t cap;
};

/*
 * Something in the policy that is not enforced, as an AMAPI
 * NonComplianceDetail (it maps onto profiles/posture.h's posture_extra):
 * reason is RULES_REASON_MANAGEMENT_MODE (the mode may not touch it),
 * RULES_REASON_UNSUPPORTED (an unknown field, or an option warden cannot
 * honour) or RULES_REASON_INVALID_VALUE (a merge conflict: a second
 * kiosk app). `specific` explains it in words.
 */
struct policy_detail {
	char setting_name[POLICY_SETTING_NAME_MAX];
	char field_path[POLICY_PATH_MAX];
	enum rules_reason reason;
	char specific[POLICY_REASON_MAX];
	char source[POLICY_SOURCE_TEXT_MAX];
};

struct policy_details {
	struct policy_detail *d;
	size_t n;
	size_t cap;
};

/*
 * Flattens the (merged) policy p for a device in mode m into the
 * settings to enforce, in the order they should be applied (work profile
 * and networks first, kiosk last), and the details of what is not
 * enforced. out and details must be zero-initialised or freed; they are
 * replaced. Returns 0, or -1 when memory ran out (both are then empty).
 * Never blocks.
 */
int policy_settings_build(const struct policy *p, enum policy_mode m,
    struct policy_settings *out, struct policy_details *details);

/* Releases the lists (zeroising the secrets); they are left empty. */
void policy_settings_free(struct policy_settings *s);
void policy_details_free(struct policy_details *d);

/* The setting with key `key`, or NULL. */
const struct policy_setting *policy_settings_find(
    const struct policy_settings *s, const char *key);

/*
 * The kind of setting a key names (and for PASSCODE the scope), for a key
 * that is no longer in the wanted list. Returns -1 for a key that no
 * policy_settings_build() makes.
 */
int policy_setting_kind_of_key(const char *key,
    enum policy_setting_kind *kind, enum hal_scope *scope);

/*
 * Fills req from the (merged) policy p for a device in mode m: only what
 * the mode allows counts. The passcode is the device one in fully managed
 * and dedicated modes, the work profile one in BYOD, and in COPE the
 * device one when the policy has one, else the work profile one.
 */
void policy_requirements_fill(const struct policy *p, enum policy_mode m,
    struct policy_requirements *req);

#endif /* WARDEN_PROFILES_POLICY_SETTINGS_H */
