/*
 * presets.h - the four management modes: what each may enforce, and the
 * baseline policy each starts from.
 *
 *  mode           AMAPI                 enforces on
 *  FULLY_MANAGED  DEVICE_OWNER (COBO)   the whole device
 *  DEDICATED      DEVICE_OWNER (COSU)   the whole device + one kiosk app
 *  COPE           PROFILE_OWNER,        the work profile + device-wide
 *                 company-owned         settings
 *  BYOD           PROFILE_OWNER,        the work profile only
 *                 personally-owned
 *
 * A setting the mode may not touch is not enforced: the settings builder
 * (policy_settings.h) reports it as a MANAGEMENT_MODE non-compliance
 * detail instead. docs/policy.md has the full table.
 */
#ifndef WARDEN_PROFILES_PRESETS_H
#define WARDEN_PROFILES_PRESETS_H

#include <stdbool.h>
#include <stddef.h>

#include "hal/hal.h"
#include "profiles/policy.h"

enum policy_mode {
	POLICY_MODE_FULLY_MANAGED = 0,
	POLICY_MODE_DEDICATED,
	POLICY_MODE_COPE,
	POLICY_MODE_BYOD,
	POLICY_MODE_COUNT
};

/* What a policy can ask of the device, as far as modes are concerned. */
enum policy_cap {
	POLICY_CAP_PASSCODE_DEVICE = 0,	/* SCOPE_DEVICE passwords */
	POLICY_CAP_PASSCODE_PROFILE,	/* SCOPE_PROFILE passwords */
	POLICY_CAP_LOCK_TIMEOUT,	/* maximumTimeToLock */
	POLICY_CAP_CAMERA,
	POLICY_CAP_KEYGUARD,
	POLICY_CAP_SCREEN_CAPTURE,
	POLICY_CAP_USB,
	POLICY_CAP_FACTORY_RESET,
	POLICY_CAP_ENCRYPTION,
	POLICY_CAP_OS_FLOOR,		/* minimumApiLevel */
	POLICY_CAP_APPS,		/* applications other than kiosk */
	POLICY_CAP_KIOSK,		/* kiosk app and kioskCustomization */
	POLICY_CAP_WIFI,		/* openNetworkConfiguration */
	POLICY_CAP_WORK_PROFILE,	/* the mode keeps a work profile */
	POLICY_CAP_COUNT
};

/* "FULLY_MANAGED", "DEDICATED", "COPE", "BYOD". */
const char *policy_mode_name(enum policy_mode m);

/*
 * Parses a mode name: the four names above and the aliases DEVICE_OWNER
 * and COBO (fully managed), COSU (dedicated), PROFILE_OWNER (BYOD).
 * Returns 0, or -1 for anything else.
 */
int policy_mode_parse(const char *s, enum policy_mode *m);

/* AMAPI Device.managementMode: "DEVICE_OWNER" or "PROFILE_OWNER". */
const char *policy_mode_management_mode(enum policy_mode m);
/* AMAPI Device.ownership: "COMPANY_OWNED" or "PERSONALLY_OWNED". */
const char *policy_mode_ownership(enum policy_mode m);

/* Whether mode m may enforce capability c. */
bool policy_mode_allows(enum policy_mode m, enum policy_cap c);

/*
 * The reason text of the MANAGEMENT_MODE detail when m may not enforce c
 * (a static string).
 */
const char *policy_mode_refusal(enum policy_mode m, enum policy_cap c);

/* Where a passwordPolicies entry with SCOPE_UNSPECIFIED applies in m. */
enum hal_scope policy_mode_default_scope(enum policy_mode m);

/* The mode's baseline policy as JSON text (static). */
const char *policy_preset_json(enum policy_mode m);

/*
 * The mode's baseline policy, parsed (its name, and so its source name, is
 * "preset:<MODE>"). Free with policy_free(). NULL when memory ran out.
 */
struct policy *policy_preset_baseline(enum policy_mode m);

/*
 * The effective policy of a device in mode m: the baseline merged with
 * the n admin policies (baseline first, then admin[0], ...). Free with
 * policy_free(). NULL when memory ran out or there are too many sources.
 */
struct policy *policy_preset_merge(enum policy_mode m,
    const struct policy *const *admin, size_t n);

#endif /* WARDEN_PROFILES_PRESETS_H */
